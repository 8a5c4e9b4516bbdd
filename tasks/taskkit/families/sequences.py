"""Families over lists, sequences, sorting, searching and small matrices."""
from .. import gen
from ..family import Variant, family


def _sorted_ints(rng, lo=-9, hi=9, min_len=0, max_len=9):
    return sorted(gen.int_list(rng, lo, hi, min_len, max_len))


def _matrix(rng, rows, cols, lo=-9, hi=9):
    return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


def _numbered(rows, cols, start=1):
    return [[start + r * cols + c for c in range(cols)] for r in range(rows)]


# ---------------------------------------------------------------------------------------------
@family("seq_running_scan", topic="lists")
def seq_running_scan(rng):
    op = rng.choice(["max", "min", "sum"])
    direction = rng.choice(["prefix", "suffix"])
    if direction == "prefix":
        fname = gen.name(rng, f"running_{op}", f"cumulative_{op}", f"scan_{op}")
    else:
        fname = gen.name(rng, f"suffix_{op}", f"{op}_to_end", f"backward_{op}")
    what = {"max": "largest value", "min": "smallest value", "sum": "sum"}[op]
    combine = {"max": "max(acc, x)", "min": "min(acc, x)", "sum": "acc + x"}[op]
    if direction == "prefix":
        doc = rng.choice([
            f"Return a list of the same length as values in which position i holds the {what} of "
            f"values[0] through values[i], both ends included.",
            f"Walk through values from left to right and, after each element, record the {what} of "
            f"everything seen so far, the current element included. Return the recorded list.",
        ])
        order, finish, other_order, other_finish = "values", "out", "reversed(values)", "out[::-1]"
    else:
        doc = rng.choice([
            f"Return a list of the same length as values in which position i holds the {what} of "
            f"values[i] through the last element, both ends included.",
            f"For every position i of values, compute the {what} of the elements from position i to "
            f"the end of the list (values[i] included) and return these results in position order.",
        ])
        order, finish, other_order, other_finish = "reversed(values)", "out[::-1]", "values", "out"
    doc += " An empty list gives an empty list."
    reference = f"""
def {fname}(values):
    out = []
    acc = None
    for x in {order}:
        acc = x if acc is None else {combine}
        out.append(acc)
    return {finish}
"""
    wrong = [f"""
def {fname}(values):
    out = []
    acc = None
    for x in {other_order}:
        acc = x if acc is None else {combine}
        out.append(acc)
    return {other_finish}
""", f"""
def {fname}(values):
    out = []
    acc = None
    for x in {order}:
        if acc is None:
            acc = x
        out.append(acc)
        acc = {combine}
    return {finish}
""", f"""
def {fname}(values):
    seq = list({order})
    acc = seq[0]
    out = []
    for x in seq:
        acc = {combine}
        out.append(acc)
    return {finish}
"""]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -9, 9, 4, 7),)],
        inputs=[([],), ([4],), ([1, 3, 2],), ([3, 1, 2],), ([2, 5, -1, 4],)]
        + [(gen.int_list(rng, -20, 20, 2, 12),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_window_reduce", topic="lists")
def seq_window_reduce(rng):
    k = rng.choice([2, 3, 4])
    op = rng.choice(["sum", "max", "min", "spread"])
    short = rng.choice(["empty", "whole"])
    fname = gen.name(rng, f"window_{op}s", f"sliding_{op}", f"{op}_per_window")
    what = {"sum": "sum", "max": "largest element", "min": "smallest element",
            "spread": "difference between the largest and the smallest element"}[op]
    agg = {"sum": "sum(w)", "max": "max(w)", "min": "min(w)", "spread": "max(w) - min(w)"}[op]
    doc = rng.choice([
        f"Slide a window covering exactly {k} consecutive elements across values, one position at a "
        f"time from left to right, and return a list with the {what} of each window, in order.",
        f"For every start position i such that values[i:i + {k}] has {k} elements, compute the {what} "
        f"of that slice; return these results ordered by i.",
    ])
    if short == "empty":
        doc += f" If values has fewer than {k} elements there is no full window and the result is empty."
        short_code = "return []"
        other_short = f"w = values\n        return [{agg}] if w else []"
    else:
        doc += (f" If values has fewer than {k} elements but is not empty, the whole list counts as "
                f"the only window, so the result has exactly one entry; an empty list gives an empty list.")
        short_code = f"w = values\n        return [{agg}] if w else []"
        other_short = "return []"
    reference = f"""
def {fname}(values):
    if len(values) < {k}:
        {short_code}
    out = []
    for i in range(len(values) - {k} + 1):
        w = values[i:i + {k}]
        out.append({agg})
    return out
"""
    wrong = [f"""
def {fname}(values):
    if len(values) < {k}:
        {short_code}
    out = []
    for i in range(len(values) - {k}):
        w = values[i:i + {k}]
        out.append({agg})
    return out
""", f"""
def {fname}(values):
    if len(values) < {k}:
        {other_short}
    out = []
    for i in range(len(values) - {k} + 1):
        w = values[i:i + {k}]
        out.append({agg})
    return out
""", f"""
def {fname}(values):
    if len(values) < {k}:
        {short_code}
    out = []
    for i in range(len(values) - {k - 1} + 1):
        w = values[i:i + {k - 1}]
        out.append({agg})
    return out
"""]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -9, 9, k + 2, k + 5),)],
        inputs=[([],), ([5],), (list(range(3, 3 + k - 1)),), ([7, -2, 4, 9][:k],),
                (list(range(10, 10 - 2 * k, -1)),)]
        + [(gen.int_list(rng, -20, 20, 0, 11),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_rotate", topic="lists")
def seq_rotate(rng):
    direction = rng.choice(["left", "right"])
    negative = rng.random() < 0.5
    kind = rng.choice(["int", "str"])
    fname = gen.name(rng, f"rotate_{direction}", f"shift_{direction}", f"cycle_{direction}", "rotated")
    if direction == "left":
        doc = rng.choice([
            "Return a new list holding the elements of items rotated k positions to the left: every "
            "element moves k places toward the front, and elements pushed off the front come back "
            "in at the back in the same order.",
            "Return the list obtained by repeating k times the step 'remove the first element of items "
            "and append it at the end'.",
        ])
        ref_body = "s = k % len(items)\n    return items[s:] + items[:s]"
        other = "s = k % len(items)\n    return items[-s:] + items[:-s] if s else items[:]"
        naive = "return items[k:] + items[:k]"
    else:
        doc = rng.choice([
            "Return a new list holding the elements of items rotated k positions to the right: every "
            "element moves k places toward the end, and elements pushed off the end wrap around to "
            "the front in the same order.",
            "Return the list obtained by repeating k times the step 'remove the last element of items "
            "and insert it at the front'.",
        ])
        ref_body = "s = k % len(items)\n    return items[len(items) - s:] + items[:len(items) - s]"
        other = "s = k % len(items)\n    return items[s:] + items[:s]"
        naive = "return items[len(items) - k:] + items[:len(items) - k]"
    doc += " k may be larger than the length of items; whole turns then change nothing. An empty list stays empty."
    if negative:
        doc += " A negative k rotates the other way by -k positions."
    else:
        doc += " k is never negative."
    reference = f"""
def {fname}(items, k):
    if not items:
        return []
    {ref_body}
"""
    wrong = [f"""
def {fname}(items, k):
    if not items:
        return []
    {other}
""", f"""
def {fname}(items, k):
    {naive}
""", f"""
def {fname}(items, k):
    {ref_body}
"""]
    if kind == "int":
        base = [1, 2, 3, 4, 5]
        four = [10, 20, 30, 40]
        single = [7]
        sig = "list[int]"
        rand = lambda: gen.int_list(rng, -9, 30, 2, 9)  # noqa: E731
    else:
        base = rng.sample(gen.WORDS, 5)
        four = rng.sample(gen.WORDS, 4)
        single = [gen.word(rng)]
        sig = "list[str]"
        rand = lambda: gen.words(rng, 2, 8)  # noqa: E731
    inputs = [([], 3), (base, 2), (four, 6), (base[:3], 7), (single, 5), (base, 0), (four, 4)]
    inputs += [(rand(), rng.randint(0, 12)) for _ in range(4)]
    if negative:
        inputs += [(base, -1), (rand(), rng.randint(-9, -1))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(items: {sig}, k: int) -> {sig}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rand(), rng.randint(1, 3))],
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_chunk", topic="lists")
def seq_chunk(rng):
    align = rng.choice(["front", "back"])
    rest = rng.choice(["keep", "drop", "pad"])
    fill = rng.choice([0, -1])
    fname = gen.name(rng, "chunk", "group_by_size", "split_into_blocks", "batches")
    doc = rng.choice([
        "Split items into consecutive groups of k elements each and return the list of groups (each a "
        "list), keeping the original order inside every group and across groups.",
        "Cut items into blocks of k neighbouring elements; return the blocks in order as a list of "
        "lists, without reordering any element.",
    ])
    if align == "front":
        doc += " Groups are formed starting at the front, so only the last group can be incomplete."
    else:
        doc += " Groups are formed counting from the end, so only the first group can be incomplete."
    where = "after" if align == "front" else "before"
    doc += {
        "keep": " An incomplete group is kept as it is, with fewer than k elements.",
        "drop": " An incomplete group is left out of the result.",
        "pad": f" An incomplete group is filled up to k elements with copies of {fill} placed {where} its own elements.",
    }[rest]
    doc += " k is at least 1, and an empty list gives no groups."
    if align == "front":
        split = "    full = n - n % k\n    groups = [items[i:i + k] for i in range(0, full, k)]\n    part = items[full:]\n"
        attach = {"keep": "groups.append(part)", "drop": "pass",
                  "pad": f"groups.append(part + [{fill}] * (k - len(part)))"}
        tail = "    if part:\n        {}\n    return groups\n"
    else:
        split = "    r = n % k\n    groups = [items[i:i + k] for i in range(r, n, k)]\n    part = items[:r]\n"
        attach = {"keep": "groups.insert(0, part)", "drop": "pass",
                  "pad": f"groups.insert(0, [{fill}] * (k - len(part)) + part)"}
        tail = "    if part:\n        {}\n    return groups\n"
    def build(split_code, action):
        return f"def {fname}(items, k):\n    n = len(items)\n" + split_code + tail.format(action)
    reference = build(split, attach[rest])
    other_rest = {"keep": "drop", "drop": "keep", "pad": "keep"}[rest]
    flipped_align = "back" if align == "front" else "front"
    if flipped_align == "front":
        fsplit = "    full = n - n % k\n    groups = [items[i:i + k] for i in range(0, full, k)]\n    part = items[full:]\n"
        fattach = {"keep": "groups.append(part)", "drop": "pass",
                   "pad": f"groups.append(part + [{fill}] * (k - len(part)))"}
    else:
        fsplit = "    r = n % k\n    groups = [items[i:i + k] for i in range(r, n, k)]\n    part = items[:r]\n"
        fattach = {"keep": "groups.insert(0, part)", "drop": "pass",
                   "pad": f"groups.insert(0, [{fill}] * (k - len(part)) + part)"}
    wrong = [build(split, attach[other_rest]), build(fsplit, fattach[rest])]
    inputs = [([], 3), (list(range(1, 8)), 3), (list(range(1, 7)), 3), ([1, 2], 5), ([4, 5, 6], 1),
              ([9, 8, 7, 6, 5], 2)]
    inputs += [(gen.int_list(rng, 1, 50, 0, 12), rng.randint(1, 5)) for _ in range(4)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(items: list[int], k: int) -> list[list[int]]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, 1, 9, 5, 8), rng.choice([2, 3]))],
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_pairwise_gaps", topic="lists")
def seq_pairwise_gaps(rng):
    gap = rng.choice([1, 2, 3])
    order = rng.choice(["later_minus_earlier", "earlier_minus_later"])
    absolute = rng.random() < 0.35
    fname = gen.name(rng, "gaps", "step_differences", "pair_deltas", "differences")
    neighbour = "the next element" if gap == 1 else f"the element {gap} places to its right"
    if absolute:
        expr = "abs(values[i + g] - values[i])"
        formula = f"|values[i + {gap}] - values[i]|" if gap > 1 else "|values[i + 1] - values[i]|"
        doc = rng.choice([
            f"Return the list of absolute differences {formula}, one for every index i for which "
            f"both positions exist, ordered by i.",
            f"For each element values[i] that has a partner values[i + {gap}] ({neighbour}), record how "
            f"far apart the two numbers are (the distance is never negative). Return the distances "
            f"ordered by i.",
        ])
        wrong_sign = "values[i + g] - values[i]"
    else:
        expr = "values[i + g] - values[i]" if order == "later_minus_earlier" else "values[i] - values[i + g]"
        wrong_sign = "values[i] - values[i + g]" if order == "later_minus_earlier" else "values[i + g] - values[i]"
        formula = expr.replace("g]", f"{gap}]")
        doc = rng.choice([
            f"Return the list of differences {formula}, one for every index i for which both "
            f"positions exist, ordered by i.",
            f"Pair every element values[i] with {neighbour}, values[i + {gap}], whenever that exists, "
            f"and return the list of the differences {formula} ordered by i.",
        ])
    doc += f" A list with fewer than {gap + 1} elements gives an empty list."
    reference = f"""
def {fname}(values):
    g = {gap}
    return [{expr} for i in range(len(values) - g)]
"""
    wrong = [f"""
def {fname}(values):
    g = {gap + 1}
    return [{expr} for i in range(len(values) - g)]
""", f"""
def {fname}(values):
    g = {gap}
    return [{wrong_sign} for i in range(len(values) - g)]
""", f"""
def {fname}(values):
    g = {gap}
    return [{expr} for i in range(len(values) - g + 1)]
"""]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -9, 15, gap + 3, gap + 5),)],
        inputs=[([],), ([5],), (list(range(1, gap + 1)),), ([1, 4, 9, 16, 25, 36],),
                ([10, 7, 3, 0, -2, -9],)]
        + [(gen.int_list(rng, -20, 20, 0, 11),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_count_pairs", topic="lists")
def seq_count_pairs(rng):
    pred = rng.choice(["target", "divisible", "close", "descending", "same_parity"])
    scope = rng.choice(["all", "adjacent"])
    m = rng.choice([3, 4, 5])
    d = rng.choice([0, 1, 2, 3])
    fname = gen.name(rng, "count_pairs", "pair_count", "matching_pairs", "tally_pairs")
    args = "values, target" if pred == "target" else "values"
    sig = "values: list[int], target: int" if pred == "target" else "values: list[int]"
    cond, text = {
        "target": ("a + b == target", "the two numbers add up to exactly target"),
        "divisible": (f"(a + b) % {m} == 0", f"the sum of the two numbers is a multiple of {m} (0 and negative multiples included)"),
        "close": (f"abs(a - b) <= {d}", f"the two numbers differ by at most {d}" if d else "the two numbers are equal"),
        "descending": ("a > b", "the number at the smaller position is strictly greater than the one at the larger position"),
        "same_parity": ("a % 2 == b % 2", "the two numbers are both even or both odd"),
    }[pred]
    if scope == "all":
        doc = rng.choice([
            f"Count the pairs of positions i < j in values for which {text}. Each pair of positions "
            f"counts once, and equal numbers at different positions form separate pairs.",
            f"Return how many ways there are to pick two different positions i < j of values such that "
            f"{text} (a is values[i], b is values[j]); positions, not distinct numbers, are counted.",
        ])
        loops = "for i in range(n):\n        for j in range(i + 1, n):"
        ordered = "for i in range(n):\n        for j in range(n):\n            if i == j:\n                continue"
        other_scope = "for i in range(n - 1):\n        for j in [i + 1]:"
    else:
        doc = rng.choice([
            f"Count the neighbouring pairs values[i], values[i + 1] for which {text}. Only adjacent "
            f"positions are compared.",
            f"Return the number of indices i with i + 1 < len(values) such that, for a = values[i] and "
            f"b = values[i + 1], {text}.",
        ])
        loops = "for i in range(n - 1):\n        for j in [i + 1]:"
        ordered = "for i in range(n):\n        for j in [i - 1, i + 1]:\n            if not 0 <= j < n:\n                continue"
        other_scope = "for i in range(n):\n        for j in range(i + 1, n):"
    doc += " Lists with fewer than two elements have no pairs."

    def build(loop_code):
        return (f"def {fname}({args}):\n    n = len(values)\n    count = 0\n    {loop_code}\n"
                f"            a, b = values[i], values[j]\n            if {cond}:\n                count += 1\n"
                f"    return count\n")
    reference = build(loops)
    wrong = [build(ordered), build(other_scope)]
    if pred == "target":
        t = rng.randint(-4, 10)
        fixed = [([], t), ([t], t), ([3, 3, 3], 6), ([2, 9, 9, 4], 6), ([1, 5, 2, 4, 3, 3], 6),
                 ([0, 7, -1, 8, 7, 0], 7), ([5, -5, 0, 0, 5], 0)]
        rand = [(gen.int_list(rng, -5, 12, 2, 10), rng.randint(-4, 14)) for _ in range(4)]
        example = (gen.int_list(rng, 0, 8, 5, 7), rng.randint(4, 10))
    else:
        fixed = [([],), ([4],), ([1, 2, 3, 4, 5, 6],), ([6, 5, 4, 3, 2, 1],), ([2, 9, 9, 4, 4, 0],),
                 ([m, 0, 2 * m, 1, d + 1, -m],), ([7, 1, 7, 3, 7, 10, 5, 8],)]
        rand = [(gen.int_list(rng, -10, 12, 2, 10),) for _ in range(4)]
        example = (gen.int_list(rng, -5, 9, 5, 7),)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}({sig}) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[example],
        inputs=fixed + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_kth_distinct", topic="sorting")
def seq_kth_distinct(rng):
    side = rng.choice(["largest", "smallest"])
    missing = rng.choice(["none", "last"])
    kind = rng.choice(["int", "str"])
    fname = gen.name(rng, f"kth_{side}_distinct", f"nth_{side}_unique", f"ranked_{side}", "pick_rank")
    opposite = "smallest" if side == "largest" else "largest"
    if kind == "int":
        order_word = "largest to smallest" if side == "largest" else "smallest to largest"
    else:
        order_word = ("last to first in alphabetical order" if side == "largest"
                      else "first to last in alphabetical order")
    doc = rng.choice([
        f"Rank the distinct elements of values from {order_word} (repeated elements count only once) "
        f"and return the one at rank k, where rank 1 is the {side}.",
        f"Remove repeats from values, order what is left from {order_word}, and return element number k "
        f"of that order, counting from 1.",
    ])
    if missing == "none":
        doc += " If there are fewer than k distinct elements, return None."
        fallback = "return None"
        other_fallback = "return d[-1] if d else None"
    else:
        doc += (f" If there are fewer than k distinct elements, return the {opposite} element instead; an "
                f"empty list gives None.")
        fallback = "return d[-1] if d else None"
        other_fallback = "return None"
    if kind == "str":
        doc += " Strings are compared alphabetically with the usual string ordering."
    doc += " k is at least 1."
    rev = "True" if side == "largest" else "False"
    not_rev = "False" if side == "largest" else "True"
    reference = f"""
def {fname}(values, k):
    d = sorted(set(values), reverse={rev})
    if k <= len(d):
        return d[k - 1]
    {fallback}
"""
    wrong = [f"""
def {fname}(values, k):
    d = sorted(values, reverse={rev})
    if k <= len(d):
        return d[k - 1]
    {fallback}
""", f"""
def {fname}(values, k):
    d = sorted(set(values), reverse={rev})
    if k < len(d):
        return d[k]
    {fallback}
""", f"""
def {fname}(values, k):
    d = sorted(set(values), reverse={rev})
    if k <= len(d):
        return d[k - 1]
    {other_fallback}
""", f"""
def {fname}(values, k):
    d = sorted(set(values), reverse={not_rev})
    if k <= len(d):
        return d[k - 1]
    {fallback}
"""]
    if kind == "int":
        elem = "int"
        fixed = [([], 1), ([5, 5, 3, 1], 2), ([4, 4], 3), ([7], 1), ([2, 9, 9, 2, 6], 2),
                 ([-3, 8, -3, 8, 0, 1], 3), ([1, 2, 3], 4)]
        rand = [(gen.int_list(rng, -9, 9, 0, 10), rng.randint(1, 5)) for _ in range(4)]
        example = (gen.int_list(rng, 0, 9, 5, 8), rng.randint(1, 3))
    else:
        elem = "str"
        a, b, c, e = sorted(rng.sample(gen.WORDS, 4))
        fixed = [([], 1), ([c, c, b, a], 2), ([b, b], 3), ([e], 1), ([a, e, e, a, c], 2),
                 ([b, e, b, e, a, c], 3), ([a, b, c], 4)]
        rand = [(gen.words(rng, 0, 8), rng.randint(1, 5)) for _ in range(4)]
        example = (gen.words(rng, 4, 7), rng.randint(1, 3))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[{elem}], k: int) -> {elem} | None:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[example],
        inputs=fixed + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_stable_partition", topic="lists")
def seq_stable_partition(rng):
    pred = rng.choice(["even", "odd", "negative", "multiple", "above"])
    layout = rng.choice(["front", "back", "pair"])
    m = rng.choice([3, 4, 5])
    t = rng.randint(-3, 5)
    fname = gen.name(rng, "partition", "split_by_rule", "separate", "stable_partition")
    cond, text = {
        "even": ("x % 2 == 0", "the even numbers (0 and negative even numbers included)"),
        "odd": ("x % 2 != 0", "the odd numbers (negative odd numbers included)"),
        "negative": ("x < 0", "the negative numbers (0 is not negative)"),
        "multiple": (f"x % {m} == 0", f"the multiples of {m} (0 and negative multiples included)"),
        "above": (f"x > {t}", f"the numbers strictly greater than {t}"),
    }[pred]
    if layout == "front":
        doc = rng.choice([
            f"Return a new list with the same elements as values, where {text} come first and all "
            f"other numbers come after them.",
            f"Rearrange a copy of values so that {text} are moved in front of every other number, and "
            f"return it.",
        ])
        ret, swapped = "yes + no", "no + yes"
        sig_ret = "list[int]"
    elif layout == "back":
        doc = rng.choice([
            f"Return a new list with the same elements as values, where {text} are moved to the end "
            f"and all other numbers come before them.",
            f"Rearrange a copy of values so that {text} come after every other number, and return it.",
        ])
        ret, swapped = "no + yes", "yes + no"
        sig_ret = "list[int]"
    else:
        doc = rng.choice([
            f"Return a tuple of two lists: the first holds {text} from values, the second holds all "
            f"other numbers of values.",
            f"Split values into two lists and return them as a tuple (selected, rest), where selected "
            f"holds {text} and rest holds everything else.",
        ])
        ret, swapped = "(yes, no)", "(no, yes)"
        sig_ret = "tuple[list[int], list[int]]"
    doc += (" Within each group the numbers keep the relative order they had in values. An empty list "
            + ("gives ([], [])." if layout == "pair" else "gives an empty list."))

    def build(body_ret, yes_add="yes.append(x)"):
        return (f"def {fname}(values):\n    yes, no = [], []\n    for x in values:\n        if {cond}:\n"
                f"            {yes_add}\n        else:\n            no.append(x)\n    return {body_ret}\n")
    reference = build(ret)
    wrong = [build(swapped), build(ret, "yes.insert(0, x)"),
             f"def {fname}(values):\n    yes = sorted(x for x in values if {cond})\n"
             f"    no = sorted(x for x in values if not ({cond}))\n    return {ret}\n"]
    fixed = [([],), ([4],), ([-3],), ([5, -3, 8, 2, -7, 1, 6, 4, 9, -2, 0, 15, 10],),
             ([6, 2, -4, 3, -1, -6, 11, 7],), ([m * 3, m, m * 2, 1, 2, t + 4, t + 1, t + 7],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> {sig_ret}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -9, 12, 5, 8),)],
        inputs=fixed + [(gen.int_list(rng, -15, 15, 1, 12),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_dedupe", topic="lists")
def seq_dedupe(rng):
    mode = rng.choice(["first", "last", "unique"])
    key = rng.choice(["exact", "abs", "digit"])
    fname = gen.name(rng, "dedupe", "drop_repeats", "remove_duplicates", "distinct_items")
    keyexpr = {"exact": "x", "abs": "abs(x)", "digit": "abs(x) % 10"}[key]
    same = {
        "exact": "the same value",
        "abs": "the same absolute value (so 3 and -3 count as repeats of each other)",
        "digit": "the same last decimal digit, ignoring the sign (so 13, -3 and 23 count as repeats of each other)",
    }[key]
    if mode == "first":
        doc = rng.choice([
            f"Return the elements of values with repeats removed, where two elements are repeats when "
            f"they have {same}. Of every group of repeats only the earliest element is kept.",
            f"Scan values from left to right and keep an element only if no earlier element has {same}; "
            f"return the kept elements.",
        ])
    elif mode == "last":
        doc = rng.choice([
            f"Return the elements of values with repeats removed, where two elements are repeats when "
            f"they have {same}. Of every group of repeats only the latest element is kept.",
            f"Keep an element of values only if no later element has {same}, and return the kept "
            f"elements.",
        ])
    else:
        doc = rng.choice([
            f"Return the elements of values that have no repeat, where two elements are repeats when "
            f"they have {same}. Every element that has a repeat is left out, including its first one.",
            f"Keep an element of values only if no other element of values has {same}, and return the "
            f"kept elements.",
        ])
    doc += " Kept elements appear in the order of their positions in values; an empty list gives an empty list."
    first = (f"def {fname}(values):\n    seen = set()\n    out = []\n    for x in values:\n"
             f"        key = {{k}}\n        if key not in seen:\n            seen.add(key)\n            out.append(x)\n"
             f"    return out\n")
    last = (f"def {fname}(values):\n    seen = set()\n    out = []\n    for x in reversed(values):\n"
            f"        key = {{k}}\n        if key not in seen:\n            seen.add(key)\n            out.append(x)\n"
            f"    return out[::-1]\n")
    unique = (f"def {fname}(values):\n    counts = {{{{}}}}\n    for x in values:\n        key = {{k}}\n"
              f"        counts[key] = counts.get(key, 0) + 1\n    return [x for x in values if counts[{{k}}] == 1]\n")
    templates = {"first": first, "last": last, "unique": unique}
    reference = templates[mode].format(k=keyexpr)
    other_mode = {"first": "last", "last": "first", "unique": "first"}[mode]
    other_key = {"exact": "abs(x)", "abs": "x", "digit": "x"}[key]
    wrong = [templates[other_mode].format(k=keyexpr), templates[mode].format(k=other_key),
             f"def {fname}(values):\n    return sorted(set(values))\n"]
    fixed = [([],), ([5],), ([1, 2, 1],), ([3, 1, 3, 2],), ([3, -3, 5],), ([13, 3, 7, -23, 17],),
             ([4, -4, 4, 14, 9, -9],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -6, 6, 5, 8) if key != "digit" else gen.int_list(rng, -30, 30, 5, 8),)],
        inputs=fixed + [(gen.int_list(rng, -25, 25, 1, 12),) for _ in range(3)]
        + [(gen.int_list(rng, -4, 4, 2, 10),)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_majority", topic="lists")
def seq_majority(rng):
    threshold = rng.choice(["over_half", "half", "over_third"])
    tie = rng.choice(["smaller", "first", "larger"])
    kind = rng.choice(["int", "str"])
    fname = gen.name(rng, "majority", "dominant_item", "frequent_enough", "heavy_hitter")
    cond = {"over_half": "2 * c > n", "half": "2 * c >= n", "over_third": "3 * c > n"}[threshold]
    loose = {"over_half": "2 * c >= n", "half": "2 * c > n", "over_third": "3 * c >= n"}[threshold]
    rule = {
        "over_half": "in more than half of the positions of items (that is, more than len(items) / 2 times)",
        "half": "in at least half of the positions of items (that is, at least len(items) / 2 times)",
        "over_third": "in more than a third of the positions of items (that is, more than len(items) / 3 times)",
    }[threshold]
    doc = rng.choice([
        f"Return the element of items that occurs {rule}. If no element occurs that often (which "
        f"includes the empty list), return None.",
        f"Count how often each element appears in items and return an element that appears {rule}; "
        f"return None when there is none, for example for an empty list.",
    ])
    small = "smaller" if kind == "int" else "alphabetically earlier"
    large = "larger" if kind == "int" else "alphabetically later"
    pick = {"smaller": "min(winners)", "first": "winners[0]", "larger": "max(winners)"}
    if threshold == "over_half":
        final = pick["first"]
        wrong_final = None
    else:
        final = pick[tie]
        wrong_final = pick[{"smaller": "larger", "first": "larger", "larger": "smaller"}[tie]]
        doc += {
            "smaller": f" When two elements both qualify, return the {small} one.",
            "first": " When two elements both qualify, return the one whose first appearance in items comes earlier.",
            "larger": f" When two elements both qualify, return the {large} one.",
        }[tie]

    def build(cond_code, final_code):
        return (f"def {fname}(items):\n    n = len(items)\n    counts = {{}}\n    for x in items:\n"
                f"        counts[x] = counts.get(x, 0) + 1\n"
                f"    winners = [x for x, c in counts.items() if {cond_code}]\n"
                f"    if not winners:\n        return None\n    return {final_code}\n")
    reference = build(cond, final)
    wrong = [build(loose, final),
             f"def {fname}(items):\n    if not items:\n        return None\n"
             f"    return max(items, key=items.count)\n"]
    if wrong_final:
        wrong.append(build(cond, wrong_final))
    if kind == "int":
        a, b, c = 1, 5, 9
        elem = "int"
        rand = lambda: [rng.choice([a, b, c, 2]) for _ in range(rng.randint(1, 9))]  # noqa: E731
    else:
        a, b, c, e = sorted(rng.sample(gen.WORDS, 4))
        elem = "str"
        rand = lambda: [rng.choice([a, b, c, e]) for _ in range(rng.randint(1, 9))]  # noqa: E731
    fixed = [([],), ([b],), ([a, b, c],), ([a, a, b, b],), ([b, b, a, a],), ([b, b, a, a, c],),
             ([a, a, b, b, c],), ([c, a, c, c, b],), ([a, b, a, b, a, c, a],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(items: list[{elem}]) -> {elem} | None:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.sample([c, a, c, b, c], 5),), (rand(),)],
        inputs=fixed + [(rand(),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_longest_run", topic="lists")
def seq_longest_run(rng):
    rel = rng.choice(["up", "down", "nondec", "noninc", "equal", "step"])
    out = rng.choice(["length", "run", "start"])
    tie = rng.choice(["earliest", "latest"])
    fname = gen.name(rng, "longest_run", "longest_stretch", "best_streak", "max_run")
    cond, text, loose, tie_input = {
        "up": ("a < b", "strictly greater than the one before it", "a <= b", [1, 2, 0, 5]),
        "down": ("a > b", "strictly smaller than the one before it", "a >= b", [2, 1, 5, 0]),
        "nondec": ("a <= b", "greater than or equal to the one before it", "a < b", [1, 1, 0, 3]),
        "noninc": ("a >= b", "smaller than or equal to the one before it", "a > b", [2, 2, 5, 0]),
        "equal": ("a == b", "equal to the one before it", "a <= b", [4, 4, 1, 1]),
        "step": ("b == a + 1", "exactly one more than the one before it", "a < b", [3, 4, 9, 10]),
    }[rel]
    doc = (f"A run is a stretch of one or more adjacent elements of values in which every element after "
           f"the first is {text}; a single element is a run of length 1. ")
    if out == "length":
        doc += rng.choice([
            "Return the length of the longest run in values, or 0 for an empty list.",
            "Return how many elements the longest run in values has; an empty list gives 0.",
        ])
        ret = "best_len"
        off = "max(best_len - 1, 0)"
    elif out == "run":
        doc += rng.choice([
            "Return the longest run in values as a list, or an empty list when values is empty.",
            "Find the longest run in values and return its elements as a new list; an empty list gives [].",
        ])
        ret = "values[best_start:best_start + best_len]"
        off = "values[best_start:best_start + best_len - 1]"
    else:
        doc += rng.choice([
            "Return the index where the longest run in values begins, or -1 for an empty list.",
            "Return the position of the first element of the longest run in values; an empty list gives -1.",
        ])
        ret = "best_start if values else -1"
        off = "best_start"
    if out != "length":
        doc += (" If several runs share the greatest length, choose the one that starts earliest."
                if tie == "earliest" else
                " If several runs share the greatest length, choose the one that starts latest.")
    better = "cur > best_len" if tie == "earliest" else "cur >= best_len"
    other_better = "cur >= best_len" if tie == "earliest" else "cur > best_len"

    def build(cond_code, better_code, ret_code):
        return (f"def {fname}(values):\n    best_start, best_len = 0, 0\n    start = 0\n"
                f"    for i in range(len(values)):\n        if i > 0:\n            a, b = values[i - 1], values[i]\n"
                f"            if not ({cond_code}):\n                start = i\n        cur = i - start + 1\n"
                f"        if {better_code}:\n            best_start, best_len = start, cur\n"
                f"    return {ret_code}\n")
    reference = build(cond, better, ret)
    wrong = [build(loose, better, ret), build(cond, better, off)]
    if out != "length":
        wrong.append(build(cond, other_better, ret))
    fixed = [([],), ([5],), (tie_input,), ([1, 2, 2, 3, 4, 4, 4, 1],), ([9, 7, 7, 5, 3, 3, 8],),
             ([0, 1, 2, 3, 5, 4, 4, 4, 4, 2, 1, 0],), ([6, 6, 6, 2, 3, 4, 5, 1],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> {'list[int]' if out == 'run' else 'int'}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, 0, 9, 6, 9),)],
        inputs=fixed + [(gen.int_list(rng, -5, 5, 1, 12),) for _ in range(3)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_matrix_reduce", topic="matrices")
def seq_matrix_reduce(rng):
    axis = rng.choice(["rows", "columns"])
    op = rng.choice(["sum", "max", "min", "evens", "spread"])
    fname = gen.name(rng, f"{axis[:-1]}_{op}", f"{op}_by_{axis[:-1]}", f"{axis}_{op}", f"reduce_{axis}")
    what = {"sum": "the sum of the entries in it", "max": "the largest entry in it",
            "min": "the smallest entry in it",
            "evens": "how many of its entries are even (0 and negative even numbers count as even)",
            "spread": "its largest entry minus its smallest entry"}[op]
    agg = {"sum": "sum(line)", "max": "max(line)", "min": "min(line)",
           "evens": "sum(1 for v in line if v % 2 == 0)", "spread": "max(line) - min(line)"}[op]
    shape = ("matrix is a rectangular grid given as a list of rows; every row has the same positive "
             "number of entries.")
    if axis == "rows":
        doc = rng.choice([
            f"The {shape} Return a list with one number per row, in row order: for each row, {what}.",
            f"The {shape} Go through the rows from top to bottom and, for each row, record {what}; return the recorded numbers as a list.",
        ])
        lines = "matrix"
        other_lines = "[list(col) for col in zip(*matrix)]"
        skip = "matrix[:-1]"
    else:
        doc = rng.choice([
            f"The {shape} Return a list with one number per column, from left to right: for each column, {what}.",
            f"The {shape} Go through the columns from the leftmost to the rightmost and, for each column "
            f"(one entry taken from every row), record {what}; return the recorded numbers as a list.",
        ])
        lines = "[list(col) for col in zip(*matrix)]"
        other_lines = "matrix"
        skip = "[[row[c] for row in matrix] for c in range(len(matrix[0]) - 1)]"
    doc += " A matrix with no rows gives an empty list."

    def build(lines_code):
        return (f"def {fname}(matrix):\n    out = []\n    for line in {lines_code}:\n"
                f"        out.append({agg})\n    return out\n")
    reference = build(lines)
    wrong = [build(other_lines), build(skip)]
    fixed = [([],), ([[4]],), ([[1, 2, 3], [4, 5, 6]],), ([[7, -2], [0, 3], [5, 8]],),
             ([[2, 9, -4, 6]],), ([[3], [-1], [8]],), ([[1, 1, 4], [2, 6, 3], [5, 0, 0]],)]
    rand = [(_matrix(rng, rng.randint(1, 4), rng.randint(1, 4)),) for _ in range(3)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(matrix: list[list[int]]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(_matrix(rng, rng.randint(2, 3), rng.randint(2, 3)),)],
        inputs=fixed + rand,
    )


# ---------------------------------------------------------------------------------------------
_TRANSFORMS = {
    "cw": ("[list(r) for r in zip(*matrix[::-1])]",
           "Return the matrix turned a quarter turn clockwise: the first column of matrix, read from the "
           "bottom up, becomes the first row of the result, so a matrix with R rows and C columns becomes "
           "one with C rows and R columns."),
    "ccw": ("[list(r) for r in zip(*matrix)][::-1]",
            "Return the matrix turned a quarter turn counterclockwise: the last column of matrix, read from "
            "top to bottom, becomes the first row of the result, so a matrix with R rows and C columns "
            "becomes one with C rows and R columns."),
    "half": ("[row[::-1] for row in matrix[::-1]]",
             "Return the matrix turned by half a turn: the last row of matrix, read from right to left, "
             "becomes the first row of the result, and so on, so the shape stays the same."),
    "transpose": ("[list(r) for r in zip(*matrix)]",
                  "Return the transpose of matrix: entry [i][j] of the result is entry [j][i] of matrix, so "
                  "the rows of matrix become the columns of the result."),
    "anti": ("[list(r) for r in zip(*[row[::-1] for row in matrix[::-1]])]",
             "Return the mirror image of matrix across its antidiagonal: for a matrix with R rows and C "
             "columns the result has C rows and R columns, and its entry [i][j] is "
             "matrix[R - 1 - j][C - 1 - i]."),
    "mirror": ("[row[::-1] for row in matrix]",
               "Return matrix mirrored from left to right: every row is reversed, and the rows stay in "
               "their order."),
    "flip": ("[list(row) for row in matrix[::-1]]",
             "Return matrix flipped upside down: the rows come in reverse order, and each row keeps its "
             "own order."),
}
_CONFUSED = {"cw": ["ccw", "transpose"], "ccw": ["cw", "transpose"], "half": ["flip", "mirror"],
             "transpose": ["cw", "anti"], "anti": ["transpose", "half"], "mirror": ["half", "flip"],
             "flip": ["half", "mirror"]}


@family("seq_matrix_transform", topic="matrices")
def seq_matrix_transform(rng):
    kind = rng.choice(sorted(_TRANSFORMS))
    elem = rng.choice(["int", "str"])
    names = {"cw": ("rotate_clockwise", "turn_right", "quarter_turn_cw"),
             "ccw": ("rotate_counterclockwise", "turn_left", "quarter_turn_ccw"),
             "half": ("rotate_half", "turn_around", "rotate_180"),
             "transpose": ("transpose", "swap_axes", "flip_diagonal"),
             "anti": ("anti_transpose", "flip_anti_diagonal", "mirror_anti_diagonal"),
             "mirror": ("mirror_rows", "flip_left_right", "reflect_horizontally"),
             "flip": ("flip_vertical", "upside_down", "reverse_row_order")}[kind]
    fname = gen.name(rng, *names)
    expr, doc = _TRANSFORMS[kind]
    doc = ("matrix is a rectangular grid given as a list of rows, all of the same positive length. "
           + doc + " The input must not be changed; an empty matrix gives an empty list.")
    if rng.random() < 0.5:
        doc = doc.replace("matrix is a rectangular grid given as a list of rows, all of the same positive length. ",
                          "The argument is a list of rows of equal, positive length. ")

    def build(e):
        return f"def {fname}(matrix):\n    if not matrix:\n        return []\n    return {e}\n"
    reference = build(expr)
    wrong = [build(_TRANSFORMS[o][0]) for o in _CONFUSED[kind]]
    if elem == "int":
        conv = lambda m: m  # noqa: E731
        rand = lambda r, c: _matrix(rng, r, c, 0, 9)  # noqa: E731
        sig = "list[list[int]]"
    else:
        conv = lambda m: [[chr(ord("a") + (v - 1) % 26) for v in row] for row in m]  # noqa: E731
        rand = lambda r, c: [[rng.choice("xyzw") for _ in range(c)] for _ in range(r)]  # noqa: E731
        sig = "list[list[str]]"
    fixed = [([],), (conv(_numbered(2, 3)),), (conv(_numbered(3, 2)),), (conv(_numbered(1, 4)),),
             (conv(_numbered(4, 1)),), (conv(_numbered(3, 3)),), (conv([[1]]),)]
    rand_in = [(rand(rng.randint(1, 4), rng.randint(1, 4)),) for _ in range(3)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(matrix: {sig}) -> {sig}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rand(2, 3),)],
        inputs=fixed + rand_in,
    )


# ---------------------------------------------------------------------------------------------
_CORNERS = {"top left": ("0", "0"), "top right": ("0", "cols - 1"),
            "bottom right": ("rows - 1", "cols - 1"), "bottom left": ("rows - 1", "0")}
_FIRST_MOVE = {
    ("clockwise", "top left"): ((0, 1), "right along the top edge"),
    ("clockwise", "top right"): ((1, 0), "down along the right edge"),
    ("clockwise", "bottom right"): ((0, -1), "left along the bottom edge"),
    ("clockwise", "bottom left"): ((-1, 0), "up along the left edge"),
    ("counterclockwise", "top left"): ((1, 0), "down along the left edge"),
    ("counterclockwise", "bottom left"): ((0, 1), "right along the bottom edge"),
    ("counterclockwise", "bottom right"): ((-1, 0), "up along the right edge"),
    ("counterclockwise", "top right"): ((0, -1), "left along the top edge"),
}


def _spiral_source(fname, turn, corner):
    (dr, dc), _ = _FIRST_MOVE[(turn, corner)]
    r0, c0 = _CORNERS[corner]
    rotate = "dr, dc = dc, -dr" if turn == "clockwise" else "dr, dc = -dc, dr"
    return f"""
def {fname}(grid):
    rows = len(grid)
    if rows == 0:
        return []
    cols = len(grid[0])
    seen = [[False] * cols for _ in range(rows)]
    r, c = {r0}, {c0}
    dr, dc = {dr}, {dc}
    out = []
    for _ in range(rows * cols):
        out.append(grid[r][c])
        seen[r][c] = True
        nr, nc = r + dr, c + dc
        if not (0 <= nr < rows and 0 <= nc < cols) or seen[nr][nc]:
            {rotate}
            nr, nc = r + dr, c + dc
        r, c = nr, nc
    return out
"""


@family("seq_spiral", topic="matrices")
def seq_spiral(rng):
    turn = rng.choice(["clockwise", "counterclockwise"])
    corner = rng.choice(sorted(_CORNERS))
    fname = gen.name(rng, "spiral", "spiral_order", "walk_spiral", "coil")
    _, move = _FIRST_MOVE[(turn, corner)]
    doc = rng.choice([
        f"grid is a rectangular list of rows, all of the same positive length. Start in the {corner} "
        f"corner and walk {move}. Whenever the next step would leave the grid or reach a cell that was "
        f"already visited, turn {turn} by a quarter turn and continue. Stop once every cell has been "
        f"visited exactly once and return the values in the order they were visited.",
        f"Read the entries of the rectangular grid (a list of equally long rows with at least one entry each) in a spiral "
        f"that winds inward: begin at the {corner} corner, move {move}, and make a quarter turn "
        f"{turn} each time the way ahead is blocked by the border or by a cell already read. Return "
        f"the list of all entries in reading order.",
    ])
    doc += " An empty grid gives an empty list."
    reference = _spiral_source(fname, turn, corner)
    other_turn = "counterclockwise" if turn == "clockwise" else "clockwise"
    opposite = {"top left": "bottom right", "bottom right": "top left",
                "top right": "bottom left", "bottom left": "top right"}[corner]
    wrong = [_spiral_source(fname, other_turn, corner), _spiral_source(fname, turn, opposite)]
    if (turn, corner) != ("clockwise", "top left"):
        wrong.append(_spiral_source(fname, "clockwise", "top left"))
    fixed = [([],), ([[5]],), (_numbered(3, 3),), (_numbered(3, 4),), (_numbered(4, 2),),
             (_numbered(1, 4),), (_numbered(3, 1),)]
    rand = [(_matrix(rng, rng.randint(1, 5), rng.randint(1, 5), 0, 20),) for _ in range(3)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(grid: list[list[int]]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(_numbered(rng.randint(2, 3), rng.randint(3, 4), rng.randint(1, 20)),)],
        inputs=fixed + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_leaders", topic="lists")
def seq_leaders(rng):
    side = rng.choice(["right", "left"])
    cmp = rng.choice(["greater", "smaller"])
    strict = rng.random() < 0.5
    out = rng.choice(["values", "indices", "count"])
    fname = {"values": gen.name(rng, f"{cmp}_than_{side}", "leaders", "standouts"),
             "indices": gen.name(rng, "leader_positions", "standout_indices", f"{cmp}_than_{side}_at"),
             "count": gen.name(rng, "count_leaders", "standout_count", f"num_{cmp}_than_{side}")}[out]
    rel = {("greater", True): "strictly greater than", ("greater", False): "greater than or equal to",
           ("smaller", True): "strictly smaller than", ("smaller", False): "smaller than or equal to"}[(cmp, strict)]
    where = "to its right (at higher positions)" if side == "right" else "to its left (at lower positions)"
    edge = "last" if side == "right" else "first"
    doc = (f"An element of values stands out when it is {rel} every element {where}; the {edge} "
           f"element always stands out because there is nothing on that side of it. ")
    doc += {
        "values": "Return the elements that stand out, in the order they appear in values.",
        "indices": "Return the positions of the elements that stand out, in increasing order.",
        "count": "Return how many elements stand out.",
    }[out]
    doc += " An empty list gives " + ("0." if out == "count" else "an empty list.")
    op = {("greater", True): "x > best", ("greater", False): "x >= best",
          ("smaller", True): "x < best", ("smaller", False): "x <= best"}
    upd = "max(best, x)" if cmp == "greater" else "min(best, x)"

    def build(sd, test, record, final_rev=True, skip_edge=False):
        order = "range(len(values) - 1, -1, -1)" if sd == "right" else "range(len(values))"
        first = "False" if skip_edge else "True"
        rev = "    out.reverse()\n" if (sd == "right" and final_rev) else ""
        ret = "len(out)" if out == "count" else "out"
        return (f"def {fname}(values):\n    out = []\n    best = None\n    for i in {order}:\n"
                f"        x = values[i]\n        if (best is None and {first}) or (best is not None and {test}):\n"
                f"            out.append({record})\n"
                f"        best = x if best is None else {upd}\n{rev}    return {ret}\n")
    record = "i" if out == "indices" else "x"
    reference = build(side, op[(cmp, strict)], record)
    other_side = "left" if side == "right" else "right"
    wrong = [build(side, op[(cmp, not strict)], record), build(other_side, op[(cmp, strict)], record),
             build(side, op[(cmp, strict)], record, skip_edge=True)]
    if side == "right" and out != "count":
        wrong.append(build(side, op[(cmp, strict)], record, final_rev=False))
    fixed = [([],), ([6],), ([4, 4, 1, 4, 2, 2],), ([1, 1, 5, 1, 3, 3],), ([16, 17, 4, 3, 5, 2],),
             ([2, 5, 5, 3, 9, 9, 1],), ([3, 3],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> {'int' if out == 'count' else 'list[int]'}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, 0, 9, 5, 8),)],
        inputs=fixed + [(gen.int_list(rng, -6, 6, 1, 11),) for _ in range(3)],
    )


# ---------------------------------------------------------------------------------------------
@family("seq_insert_index", topic="searching")
def seq_insert_index(rng):
    order = rng.choice(["ascending", "descending"])
    side = rng.choice(["before", "after"])
    kind = rng.choice(["int", "str"])
    fname = gen.name(rng, "insert_position", "insertion_index", "find_slot", "bisect_position")
    if kind == "int":
        sorted_text = ("order from smallest to largest" if order == "ascending"
                       else "order from largest to smallest")
    else:
        sorted_text = ("alphabetical order" if order == "ascending"
                       else "reverse alphabetical order")
    doc = rng.choice([
        f"values is sorted in {sorted_text} (repeats allowed). Return the index at which target could be "
        f"inserted so that values stays sorted that way.",
        f"Given values, already sorted in {sorted_text} and possibly with repeated entries, return the "
        f"position where target belongs if it were inserted into values keeping that order.",
    ])
    if side == "before":
        doc += " If values already contains target, the answer is the position just before all of its copies."
    else:
        doc += " If values already contains target, the answer is the position just after all of its copies."
    doc += " The answer is between 0 and len(values), both included; for an empty list it is 0."
    doc += rng.choice(["", " Aim for a logarithmic number of comparisons."])
    moves = {("ascending", "before"): "values[mid] < target", ("ascending", "after"): "values[mid] <= target",
             ("descending", "before"): "values[mid] > target", ("descending", "after"): "values[mid] >= target"}

    def build(test):
        return (f"def {fname}(values, target):\n    lo, hi = 0, len(values)\n    while lo < hi:\n"
                f"        mid = (lo + hi) // 2\n        if {test}:\n            lo = mid + 1\n"
                f"        else:\n            hi = mid\n    return lo\n")
    reference = build(moves[(order, side)])
    other_side = "after" if side == "before" else "before"
    other_order = "descending" if order == "ascending" else "ascending"
    wrong = [build(moves[(order, other_side)]), build(moves[(other_order, side)]),
             f"def {fname}(values, target):\n    return values.index(target) if target in values else len(values)\n"]
    if kind == "int":
        base = [1, 3, 3, 3, 7]
        probes = [3, 0, 9, 4, 7, 1]
        rand = lambda: _sorted_ints(rng, -9, 9, 0, 9)  # noqa: E731
        elem = "int"
        pick = lambda lst: rng.choice(lst) if lst and rng.random() < 0.6 else rng.randint(-10, 10)  # noqa: E731
    else:
        w = sorted(rng.sample(gen.WORDS, 5))
        base = [w[0], w[2], w[2], w[2], w[4]]
        probes = [w[2], "a", "zz", w[3], w[4], w[0]]
        rand = lambda: sorted(gen.words(rng, 0, 8))  # noqa: E731
        elem = "str"
        pick = lambda lst: rng.choice(lst) if lst and rng.random() < 0.6 else gen.word(rng)  # noqa: E731
    rev = order == "descending"
    fix = lambda lst: sorted(lst, reverse=rev)  # noqa: E731
    fixed = [([], probes[0])] + [(fix(base), p) for p in probes]
    rand_in = []
    for _ in range(4):
        lst = fix(rand())
        rand_in.append((lst, pick(lst)))
    ex = fix(rand() + [base[2]] * 2)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[{elem}], target: {elem}) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(ex, pick(ex))],
        inputs=fixed + rand_in,
    )


# ---------------------------------------------------------------------------------------------
@family("seq_sort_by_key", topic="sorting")
def seq_sort_by_key(rng):
    key = rng.choice(["abs", "digit", "distance", "length"])
    direction = rng.choice(["ascending", "descending"])
    tie = rng.choice(["smaller", "larger", "stable"])
    c = rng.randint(-5, 10)
    fname = gen.name(rng, "sort_by_key", "custom_sort", "arrange", "order_values")
    kexpr, ktext = {
        "abs": ("abs(x)", "absolute value"),
        "digit": ("abs(x) % 10", "last decimal digit (the sign is ignored, so -17 ends in 7)"),
        "distance": (f"abs(x - {c})", f"distance from {c} (the absolute difference to {c})"),
        "length": ("len(str(abs(x)))", "number of decimal digits (the sign is not counted, and 0 has one digit)"),
    }[key]
    if direction == "ascending":
        doc = rng.choice([
            f"Return a new list with the elements of values sorted by their {ktext}, smallest first.",
            f"Sort a copy of values so that the {ktext} never decreases from one element to the next, and return it.",
        ])
        kpart = kexpr
    else:
        doc = rng.choice([
            f"Return a new list with the elements of values sorted by their {ktext}, largest first.",
            f"Sort a copy of values so that the {ktext} never increases from one element to the next, and return it.",
        ])
        kpart = f"-({kexpr})"
    doc += {
        "smaller": " Elements that tie on this measure are placed with the smaller number first.",
        "larger": " Elements that tie on this measure are placed with the larger number first.",
        "stable": " Elements that tie on this measure keep the order they had in values.",
    }[tie]
    tiepart = {"smaller": "x", "larger": "-x", "stable": "0"}[tie]

    def build(k, t):
        return f"def {fname}(values):\n    return sorted(values, key=lambda x: ({k}, {t}))\n"
    reference = build(kpart, tiepart)
    other_tie = {"smaller": "0", "larger": "x", "stable": "x"}[tie]
    other_k = kexpr if direction == "descending" else f"-({kexpr})"
    wrong = [build(kpart, other_tie), build(other_k, tiepart), f"def {fname}(values):\n    return sorted(values)\n"]
    fixed = [([],), ([7],), ([3, -3, -5, 5, 1, -1, 0],), ([13, 3, 27, 7, -3, 17, -13],),
             ([c + 2, c - 2, c - 1, c + 1, c, c + 3],), ([5, 40, -8, 123, 12, -99, 7, 0],),
             ([-4, 4, 2, -2, 14, 24, -14],)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(gen.int_list(rng, -30, 30, 5, 8),)],
        inputs=fixed + [(gen.int_list(rng, -40, 40, 1, 10),) for _ in range(3)],
    )
