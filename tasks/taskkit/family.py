"""Task families: how the project writes its own verifiable coding tasks.

A family is a function `make(rng) -> Variant` registered with `@family(...)`. Each call draws
one instance: its parameters (a constant, a character, an operation, a function name, a
wording of the docstring) come from `rng`, so one family yields many distinct tasks. The
family supplies a reference implementation and inputs; everything else is derived here:

- expected outputs come from running the reference on the inputs (differential testing:
  the tests are whatever the reference does, edge cases included);
- the prompt is the signature plus a docstring (the family's description followed by
  examples computed by the reference), in the layout HumanEval-style benchmarks use, but every
  word of it is the family's own;
- the verifier is `check(candidate)` with one assert per input.

`realize(variant)` runs all of that and rejects a variant whose reference does not pass its
own tests, whose tests could be passed by a constant, or whose inputs do not survive repr."""
import copy
import dataclasses
import math
import random
import textwrap
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

MIN_TESTS = 5


@dataclasses.dataclass
class Variant:
    """One drawn instance of a family, before its tests are computed."""
    entry_point: str                 # the function's name
    signature: str                   # "def name(xs: list[int], k: int) -> int:"
    doc: str                         # what the function does (plain text, no examples)
    reference: str                   # a complete `def name(...)` that is correct
    inputs: Sequence[Tuple[Any, ...]]  # argument tuples for the tests (edge cases included)
    examples: Sequence[Tuple[Any, ...]] = ()  # argument tuples shown in the docstring
    wrong: Sequence[str] = ()        # plausible buggy `def name(...)`s that the tests must reject
    imports: str = ""                # lines placed above the function in the prompt (e.g. "import math")


@dataclasses.dataclass(frozen=True)
class Family:
    name: str                        # unique, snake_case
    make: Callable[[random.Random], Variant]
    topic: str                       # "strings", "lists", "numbers", "dicts", "parsing", ...
    source: str = "project"          # who wrote the task family
    module: str = ""                 # the families module that defines it (e.g. "strings")


_REGISTRY: Dict[str, Family] = {}


def family(name: str, topic: str, source: str = "project"):
    """Registers `make(rng) -> Variant` as the family `name`."""
    def register(make: Callable[[random.Random], Variant]) -> Callable[[random.Random], Variant]:
        if name in _REGISTRY:
            raise ValueError(f"task family {name!r} is registered twice")
        _REGISTRY[name] = Family(name, make, topic, source, make.__module__.rsplit(".", 1)[-1])
        return make
    return register


def registry() -> Dict[str, Family]:
    return dict(_REGISTRY)


@dataclasses.dataclass
class Task:
    """A finished task: HumanEval's fields plus where it came from."""
    task_id: str
    family: str
    topic: str
    source: str
    prompt: str              # imports + signature + docstring; the model completes it
    entry_point: str
    reference: str           # the correct complete function (never shown to the model)
    test: str                # defines check(candidate)
    wrong: List[str]         # buggy solutions the test rejects (for the verifier's own tests)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


class BadVariant(ValueError):
    pass


def _roundtrips(value: Any) -> bool:
    try:
        return eval(repr(value), {"inf": math.inf, "nan": math.nan}) == value  # noqa: S307 (our own values)
    except Exception:
        return False


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(k) or _has_float(v) for k, v in value.items())
    return False


def compile_function(source: str, entry_point: str, imports: str = "") -> Callable:
    namespace: Dict[str, Any] = {}
    exec(compile(imports + "\n" + textwrap.dedent(source), f"<{entry_point}>", "exec"), namespace)  # noqa: S102
    fn = namespace.get(entry_point)
    if not callable(fn):
        raise BadVariant(f"the reference does not define {entry_point}()")
    return fn


def call(fn: Callable, args: Tuple[Any, ...]) -> Any:
    """fn(*args) on a deep copy, so a function that mutates its arguments cannot change the test."""
    return fn(*copy.deepcopy(tuple(args)))


def _docstring(variant: Variant, fn: Callable) -> str:
    body = textwrap.fill(" ".join(variant.doc.split()), width=88)
    lines = body.splitlines()
    for args in variant.examples:
        shown = ", ".join(repr(a) for a in args)
        lines += ["", f">>> {variant.entry_point}({shown})", repr(call(fn, args))]
    return "\n".join(lines)


def render_prompt(variant: Variant, fn: Callable) -> str:
    doc = textwrap.indent(_docstring(variant, fn), "    ")
    head = (variant.imports.strip() + "\n\n\n") if variant.imports.strip() else ""
    return f'{head}{variant.signature}\n    """{doc.lstrip()}\n    """\n'


_CLOSE_HELPER = '''def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-6 * max(1.0, abs(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


'''


def render_test(entry_point: str, cases: List[Tuple[Tuple[Any, ...], Any]]) -> str:
    """check(candidate) with one assert per case; floats compare with a relative tolerance."""
    need_close = any(_has_float(out) for _, out in cases)
    lines = []
    for args, out in cases:
        call_text = f"candidate({', '.join(repr(a) for a in args)})"
        if _has_float(out):
            lines.append(f"    assert _close({call_text}, {out!r})")
        else:
            lines.append(f"    assert {call_text} == {out!r}")
    return (_CLOSE_HELPER if need_close else "") + "def check(candidate):\n" + "\n".join(lines) + "\n"


def passes(source: str, task: Task) -> bool:
    """Whether `source` (a complete function) passes the task's test, in this process: for the
    corpus's own consistency checks on trusted code only; model output goes to the sandbox."""
    try:
        fn = compile_function(source, task.entry_point, _imports_of(task.prompt))
        namespace: Dict[str, Any] = {}
        exec(compile(task.test, "<test>", "exec"), namespace)  # noqa: S102
        namespace["check"](fn)
        return True
    except Exception:
        return False


def _imports_of(prompt: str) -> str:
    return "\n".join(line for line in prompt.splitlines() if line.startswith(("import ", "from ")))


def realize(fam: Family, variant: Variant, task_id: str) -> Task:
    """Computes the variant's expected outputs and renders its prompt and test."""
    fn = compile_function(variant.reference, variant.entry_point, variant.imports)
    seen, cases = set(), []
    for args in list(variant.examples) + list(variant.inputs):
        if not isinstance(args, tuple):
            raise BadVariant(f"{fam.name}: inputs must be tuples of arguments, got {args!r}")
        key = repr(args)
        if key in seen:
            continue
        seen.add(key)
        if not all(_roundtrips(a) for a in args):
            raise BadVariant(f"{fam.name}: argument {args!r} does not survive repr()")
        out = call(fn, args)
        if not _roundtrips(out) and not _has_float(out):
            raise BadVariant(f"{fam.name}: output {out!r} does not survive repr()")
        cases.append((args, out))
    if len(cases) < MIN_TESTS:
        raise BadVariant(f"{fam.name}: {len(cases)} distinct test inputs, need at least {MIN_TESTS}")
    if len({repr(out) for _, out in cases}) < 2:
        raise BadVariant(f"{fam.name}: every test expects the same output, so a constant would pass")
    task = Task(task_id=task_id, family=fam.name, topic=fam.topic, source=fam.source,
                prompt=render_prompt(variant, fn), entry_point=variant.entry_point,
                reference=textwrap.dedent(variant.reference).strip("\n") + "\n",
                test=render_test(variant.entry_point, cases),
                wrong=[textwrap.dedent(w).strip("\n") + "\n" for w in variant.wrong])
    if not passes(task.reference, task):
        raise BadVariant(f"{fam.name}: the reference fails its own test")
    for w in task.wrong:
        if passes(w, task):
            raise BadVariant(f"{fam.name}: a wrong solution passes the test:\n{w}")
    return task


def draw(fam: Family, seed: int) -> Variant:
    return fam.make(random.Random(f"{fam.name}/{seed}"))


def instances(fam: Family, count: int, max_attempts: Optional[int] = None) -> List[Tuple[int, Variant]]:
    """Up to `count` variants with distinct prompts' inputs (seed, variant), drawn with seeds
    0, 1, 2, …; stops after `max_attempts` draws (default 8 × count)."""
    out, seen = [], set()
    for seed in range(max_attempts or 8 * count):
        v = draw(fam, seed)
        key = (v.signature, " ".join(v.doc.split()), repr(list(v.examples)))
        if key in seen:
            continue
        seen.add(key)
        out.append((seed, v))
        if len(out) == count:
            break
    return out
