"""Families over plain lists and strings (the pattern every families module follows)."""
from .. import gen
from ..family import Variant, family


@family("sum_at_stride", topic="lists")
def sum_at_stride(rng):
    step = rng.choice([2, 3, 4])
    start = rng.randrange(step)
    fname = gen.name(rng, "stride_sum", "sum_every_kth", "strided_total")
    which = {0: "first", 1: "second", 2: "third", 3: "fourth"}[start]
    doc = rng.choice([
        f"Add up every {step}th element of values, starting with the {which} one, and return the total.",
        f"Return the sum of values[{start}], values[{start + step}], values[{start + 2 * step}], and so on.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> int:",
        doc=doc + " An empty selection sums to 0.",
        reference=f"""
def {fname}(values):
    return sum(values[{start}::{step}])
""",
        wrong=[f"""
def {fname}(values):
    return sum(values[{start + 1}::{step}])
""", f"""
def {fname}(values):
    return sum(values[{start}::{step + 1}])
"""],
        examples=[(gen.int_list(rng, 0, 9, 5, 8),)],
        inputs=[([],), ([5],), (list(range(1, 13)),)] + [(gen.int_list(rng, -30, 30, 3, 14),) for _ in range(5)],
    )


@family("squeeze_repeats", topic="strings")
def squeeze_repeats(rng):
    target = rng.choice(["any character", "spaces", "the letter 'a'"])
    fname = gen.name(rng, "squeeze", "collapse_runs", "squeeze_repeats")
    cond = {"any character": "True", "spaces": "ch == ' '", "the letter 'a'": "ch == 'a'"}[target]
    reference = f"""
def {fname}(text):
    out = []
    for ch in text:
        if out and out[-1] == ch and ({cond}):
            continue
        out.append(ch)
    return ''.join(out)
"""
    doc = (f"Return text with every run of the same repeated character reduced to a single copy of it, "
           f"but only for runs of {target}; other characters are left as they are.")
    if target == "any character":
        doc = "Return text with every run of one repeated character reduced to a single copy of it."
    alphabet = "aab b"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=reference,
        wrong=[f"""
def {fname}(text):
    return ''.join(sorted(set(text), key=text.index))
"""],
        examples=[(gen.letters(rng, 6, 10, "aab  b"),)],
        inputs=[("",), ("a",), ("aaaa",), ("  x  ",), ("abab",)]
        + [(gen.letters(rng, 3, 14, alphabet),) for _ in range(5)],
    )
