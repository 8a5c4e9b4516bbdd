"""Reading the task corpus, and asking the model a task.

A task is asked with the instruction the HumanEval harness uses (benchmarks/evalkit/problems.py)
or one of two rewordings of it, chosen by the task's number, so heads trained on the answers do
not learn one fixed sentence; held-out evaluation asks every task with the harness's own."""
import json
import pathlib
import sys
from typing import List

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from evalkit.problems import INSTRUCTION, Problem  # noqa: E402

INSTRUCTIONS = (
    INSTRUCTION,
    ("Write the Python function below so that it does what its docstring says. Answer with the whole "
     "function, signature and any imports included, inside one ```python code block.\n\n```python\n{prompt}\n```"),
    ("Here is a Python function stub with its documentation:\n\n```python\n{prompt}\n```\n\n"
     "Implement it. Give the complete function (with the imports it uses) in a single ```python code block."),
)


def load_tasks(path) -> List[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def results_for_slice(results_path, tasks: List[dict], skip: int = 0, limit=None) -> List[dict]:
    """The result lines (one per task) of `results_path` for tasks skip … skip + limit − 1 of
    `tasks` (all after `skip` when limit is None), as tasks/sample.py --skip/--limit slices."""
    from evalkit import results
    chosen = tasks[skip:]
    allowed = {t["task_id"] for t in (chosen[:limit] if limit else chosen)}
    return [r for r in results.read_lines(results_path) if r["task_id"] in allowed]


def task_number(task: dict) -> int:
    return int(task["task_id"].rsplit("/", 1)[1])


def as_problem(task: dict) -> Problem:
    """The task as the HumanEval harness's Problem (its reference stands for the canonical
    solution), so the harness's extraction, sandbox and evaluation loop run it unchanged."""
    return Problem(task_id=task["task_id"], prompt=task["prompt"], entry_point=task["entry_point"],
                   canonical_solution=task["reference"], test=task["test"])


def training_instruction(task: dict) -> str:
    template = INSTRUCTIONS[task_number(task) % len(INSTRUCTIONS)]
    return template.format(prompt=task["prompt"].strip("\n"))
