"""Easy families over lists, numbers and dictionaries: one familiar rule per task, stated in a
few plain sentences (introductory exercises), with harmless choices (a constant, a direction, a
name, a wording) so each family still yields many distinct instances."""
from .. import gen
from ..family import Variant, family


def _keys(rng, n):
    """n distinct words from the pool, in a random order."""
    return rng.sample(gen.WORDS, n)


# ---------------------------------------------------------------------------------------------
@family("ed_sum_above", topic="lists")
def ed_sum_above(rng):
    k = rng.choice([-6, -5, -4, -3, -2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15])
    op = rng.choice([">", ">=", "<", "<="])
    phrase = {">": f"greater than {k}", ">=": f"greater than or equal to {k}",
              "<": f"less than {k}", "<=": f"less than or equal to {k}"}[op]
    flipped = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}[op]
    if op in (">", ">="):
        fname = gen.name(rng, "sum_above", "total_above", "sum_over_limit", "add_large_values")
    else:
        fname = gen.name(rng, "sum_below", "total_below", "sum_under_limit", "add_small_values")
    doc = rng.choice([
        f"Return the sum of the numbers in values that are {phrase}. If no number qualifies, return 0.",
        f"Add up every element of values that is {phrase} and return the total. "
        f"When there is no such element (for example, for an empty list) the result is 0.",
        f"Only the numbers {phrase} count: return their sum, or 0 if values contains none of them.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> int:",
        doc=doc,
        reference=f"""
def {fname}(values):
    total = 0
    for x in values:
        if x {op} {k}:
            total += x
    return total
""",
        wrong=[f"""
def {fname}(values):
    total = 0
    for x in values:
        if x {flipped} {k}:
            total += x
    return total
""", f"""
def {fname}(values):
    return sum(values)
"""],
        examples=[(gen.int_list(rng, k - 8, k + 8, 4, 7),)],
        inputs=[([],), ([k],), ([k - 1, k, k + 1],), ([k + 7, k - 7, k],)]
        + [(gen.int_list(rng, k - 12, k + 12, 3, 12),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_count_parity", topic="lists")
def ed_count_parity(rng):
    kind = rng.choice(["even", "odd", "3", "4", "5"])
    if kind == "even":
        d, cond, other = 2, "x % 2 == 0", "x % 2 == 1"
        what = "even"
        note = "Zero and negative even numbers count as even."
        fname = gen.name(rng, "count_even", "number_of_evens", "even_count", "how_many_even")
    elif kind == "odd":
        d, cond, other = 2, "x % 2 == 1", "x % 2 == 0"
        what = "odd"
        note = "Negative odd numbers such as -3 count too; zero is not odd."
        fname = gen.name(rng, "count_odd", "number_of_odds", "odd_count", "how_many_odd")
    else:
        d = int(kind)
        cond, other = f"x % {d} == 0", f"x % {d} == 1"
        what = f"divisible by {d}"
        note = f"Zero and negative multiples of {d} count as well."
        fname = gen.name(rng, f"count_multiples_of_{d}", f"multiples_of_{d}", f"count_divisible_by_{d}")
    doc = rng.choice([
        f"Return how many numbers in values are {what}. {note} An empty list gives 0.",
        f"Count the numbers in the list values that are {what} and return the count. {note} "
        f"For an empty list return 0.",
        f"values is a list of integers. Return the number of its elements that are {what} "
        f"({note[0].lower() + note[1:-1]}). "
        f"The answer for an empty list is 0.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> int:",
        doc=doc,
        reference=f"""
def {fname}(values):
    count = 0
    for x in values:
        if {cond}:
            count += 1
    return count
""",
        wrong=[f"""
def {fname}(values):
    count = 0
    for x in values:
        if x > 0 and {cond}:
            count += 1
    return count
""", f"""
def {fname}(values):
    count = 0
    for x in values:
        if {other}:
            count += 1
    return count
"""],
        examples=[(gen.int_list(rng, 0, 20, 4, 7),)],
        inputs=[([],), ([0],), ([-d, -3, 0, 7, 2 * d],), ([-5, -4, -3, -2, -1],), (list(range(1, 11)),)]
        + [(gen.int_list(rng, -25, 25, 3, 12),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_extreme_or_none", topic="lists")
def ed_extreme_or_none(rng):
    largest = rng.random() < 0.5
    fn, word, cmp = ("max", "largest", ">") if largest else ("min", "smallest", "<")
    if largest:
        fname = gen.name(rng, "largest", "biggest_value", "max_or_none", "find_maximum")
    else:
        fname = gen.name(rng, "smallest", "lowest_value", "min_or_none", "find_minimum")
    doc = rng.choice([
        f"Return the {word} number in values, or None if values is empty.",
        f"Find the {word} element of the list values and return it. An empty list has no {word} "
        f"element, so return None in that case.",
        f"If values is empty, return None; otherwise return its {word} element.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> int | None:",
        doc=doc,
        reference=f"""
def {fname}(values):
    if not values:
        return None
    return {fn}(values)
""",
        wrong=[f"""
def {fname}(values):
    best = 0
    for x in values:
        if x {cmp} best:
            best = x
    return best
""", f"""
def {fname}(values):
    if not values:
        return 0
    return {fn}(values)
"""],
        examples=[(gen.int_list(rng, -9, 30, 4, 7),)],
        inputs=[([],), ([7],), ([-4],), ([-5, -2, -9],), ([4, 7, 12],), ([3, 3, 3],)]
        + [(gen.int_list(rng, -40, 40, 2, 12),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_average_rounded", topic="lists")
def ed_average_rounded(rng):
    places = rng.choice([1, 2, 3])
    empty = rng.choice(["0.0", "None"])
    fname = gen.name(rng, "average", "mean_value", "rounded_mean", "list_average")
    noun = rng.choice(["average", "mean"])
    sig_out = "float" if empty == "0.0" else "float | None"
    unit, digit = ("place", "digit") if places == 1 else ("places", "digits")
    doc = rng.choice([
        f"Return the {noun} of the numbers in values (their sum divided by how many there are), "
        f"rounded to {places} decimal {unit} with round(). Return {empty} for an empty list.",
        f"Compute the {noun} of values and round it to {places} {digit} after the decimal point using "
        f"the builtin round(). If values is empty, the result is {empty}.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> {sig_out}:",
        doc=doc,
        reference=f"""
def {fname}(values):
    if not values:
        return {empty}
    return round(sum(values) / len(values), {places})
""",
        wrong=[f"""
def {fname}(values):
    if not values:
        return {empty}
    return sum(values) / len(values)
""", f"""
def {fname}(values):
    if not values:
        return {empty}
    return sum(values) // len(values)
""", f"""
def {fname}(values):
    return round(sum(values) / len(values), {places})
"""],
        examples=[(gen.int_list(rng, 0, 20, 3, 6),)],
        inputs=[([],), ([5],), ([1, 2],), ([1, 2, 2],), ([-3, 4, 4],), ([10, 20, 30],)]
        + [(gen.int_list(rng, -50, 50, 2, 10),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_filter_sign", topic="lists")
def ed_filter_sign(rng):
    kind = rng.choice(["positive", "negative", "nonnegative"])
    cond, near = {"positive": ("x > 0", "x >= 0"), "negative": ("x < 0", "x <= 0"),
                  "nonnegative": ("x >= 0", "x > 0")}[kind]
    what = {"positive": "the positive numbers (those greater than zero; zero is left out)",
            "negative": "the negative numbers (those less than zero; zero is left out)",
            "nonnegative": "the numbers that are zero or greater"}[kind]
    fname = {"positive": gen.name(rng, "keep_positive", "only_positive", "positives", "drop_non_positive"),
             "negative": gen.name(rng, "keep_negative", "only_negative", "negatives", "drop_non_negative"),
             "nonnegative": gen.name(rng, "drop_negatives", "remove_negatives", "keep_non_negative",
                                     "without_negatives")}[kind]
    doc = rng.choice([
        f"Return a new list holding only {what} from values, in the same order as they appear in values.",
        f"Keep {what} of the list values and return them as a new list; their original order is kept. "
        f"An empty list gives an empty list.",
        f"Build and return the list of {what} found in values, without reordering them.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> list[int]:",
        doc=doc,
        reference=f"""
def {fname}(values):
    return [x for x in values if {cond}]
""",
        wrong=[f"""
def {fname}(values):
    return [x for x in values if {near}]
""", f"""
def {fname}(values):
    return sorted(x for x in values if {cond})
"""],
        examples=[(gen.int_list(rng, -9, 9, 5, 8),)],
        inputs=[([],), ([0],), ([0, 3, -2],), ([5, -1, 2, 0, -7, -3, 1],), ([4, 8],), ([-6, -1],)]
        + [(gen.int_list(rng, -20, 20, 3, 12),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_index_of", topic="lists")
def ed_index_of(rng):
    first = rng.random() < 0.5
    missing = rng.choice(["-1", "None"])
    which = "first" if first else "last"
    fname = gen.name(rng, f"find_{which}", f"{which}_index", f"position_of_{which}", f"index_of_{which}")
    ret = "int" if missing == "-1" else "int | None"
    doc = rng.choice([
        f"Return the index of the {which} element of values that is equal to target. "
        f"If target does not occur in values, return {missing}.",
        f"Look for target in the list values and return the position (counting from 0) of its {which} "
        f"occurrence, or {missing} when it is not there.",
        f"Where does target appear {which} in values? Return that index, starting from 0; "
        f"return {missing} if values does not contain target.",
    ])
    if first:
        reference = f"""
def {fname}(values, target):
    for i in range(len(values)):
        if values[i] == target:
            return i
    return {missing}
"""
        other = f"""
def {fname}(values, target):
    for i in range(len(values) - 1, -1, -1):
        if values[i] == target:
            return i
    return {missing}
"""
    else:
        reference = f"""
def {fname}(values, target):
    for i in range(len(values) - 1, -1, -1):
        if values[i] == target:
            return i
    return {missing}
"""
        other = f"""
def {fname}(values, target):
    for i in range(len(values)):
        if values[i] == target:
            return i
    return {missing}
"""
    short = gen.int_list(rng, 0, 6, 6, 9)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int], target: int) -> {ret}:",
        doc=doc,
        reference=reference,
        wrong=[other, f"""
def {fname}(values, target):
    return values.index(target)
"""],
        examples=[(short, rng.choice(short))],
        inputs=[([], 3), ([3], 3), ([1, 2, 3], 4), ([5, 1, 5, 2, 5], 5), ([7, 8, 9, 8], 8), ([0, 0], 0)]
        + [(gen.int_list(rng, 0, 8, 3, 12), rng.randint(0, 8)) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_dedupe", topic="lists")
def ed_dedupe(rng):
    words = rng.random() < 0.5
    elem = "str" if words else "int"
    fname = gen.name(rng, "dedupe", "remove_duplicates", "unique_in_order", "drop_repeats")
    doc = rng.choice([
        "Return a new list with the duplicates removed from values: each distinct value is kept "
        "once, at the place where it first appears, and the order is otherwise unchanged.",
        "Remove repeated entries from values, keeping only the first occurrence of each value, "
        "and return the result as a new list in the original order.",
        "Build a list that contains every distinct value of values exactly once, ordered by where "
        "each value appears for the first time.",
    ])
    if words:
        fixed = [([],), (["pear"],), (["pear", "apple", "pear"],), (["kiwi", "fig", "kiwi", "apple", "fig"],),
                 (["b", "b", "b"],)]
        rand = [([gen.word(rng) for _ in range(rng.randint(3, 10))],) for _ in range(4)]
        pool = rng.sample(gen.WORDS, 3)
        example = [rng.choice(pool) for _ in range(rng.randint(4, 7))]
        rand += [([rng.choice(pool) for _ in range(8)],)]
    else:
        fixed = [([],), ([4],), ([3, 1, 3],), ([9, 2, 9, 5, 2, 1],), ([7, 7, 7],)]
        rand = [(gen.int_list(rng, 0, 9, 3, 12),) for _ in range(5)]
        example = gen.int_list(rng, 0, 6, 5, 8)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[{elem}]) -> list[{elem}]:",
        doc=doc,
        reference=f"""
def {fname}(values):
    seen = set()
    result = []
    for x in values:
        if x not in seen:
            seen.add(x)
            result.append(x)
    return result
""",
        wrong=[f"""
def {fname}(values):
    return sorted(set(values))
""", f"""
def {fname}(values):
    return [x for i, x in enumerate(values) if x not in values[i + 1:]]
"""],
        examples=[(example,)],
        inputs=fixed + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("ed_is_sorted", topic="lists")
def ed_is_sorted(rng):
    ascending = rng.random() < 0.5
    strict = rng.random() < 0.5
    op = ("<" if strict else "<=") if ascending else (">" if strict else ">=")
    loose = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}[op]
    flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    rel = {"<": "strictly smaller than", "<=": "smaller than or equal to",
           ">": "strictly larger than", ">=": "larger than or equal to"}[op]
    order = "ascending" if ascending else "descending"
    if ascending:
        fname = gen.name(rng, "is_ascending", "sorted_up", "in_increasing_order", "check_ascending")
    else:
        fname = gen.name(rng, "is_descending", "sorted_down", "in_decreasing_order", "check_descending")
    tie = ("Equal neighbours are not allowed." if strict else "Equal neighbours are allowed.")
    doc = rng.choice([
        f"Return True if values is in {order} order, meaning each element is {rel} the element "
        f"right after it, and False otherwise. {tie} A list with fewer than two elements counts as sorted.",
        f"Check whether every element of values is {rel} the next one. Return True if so and False if "
        f"not. {tie} Empty and one element lists give True.",
    ])
    if ascending:
        ok, tied, bad = [1, 4, 6, 9], [1, 2, 2, 3], [1, 5, 3, 7]
    else:
        ok, tied, bad = [9, 6, 4, 1], [3, 2, 2, 1], [7, 3, 5, 1]
    rand = []
    for _ in range(4):
        xs = sorted(gen.int_list(rng, -10, 10, 2, 8), reverse=not ascending)
        if rng.random() < 0.4 and len(xs) > 2:
            i = rng.randrange(len(xs) - 1)
            xs[i], xs[i + 1] = xs[i + 1], xs[i]
        rand.append((xs,))
    example = sorted(gen.int_list(rng, 0, 20, 3, 6), reverse=not ascending)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> bool:",
        doc=doc,
        reference=f"""
def {fname}(values):
    for i in range(len(values) - 1):
        if not values[i] {op} values[i + 1]:
            return False
    return True
""",
        wrong=[f"""
def {fname}(values):
    for i in range(len(values) - 1):
        if not values[i] {loose} values[i + 1]:
            return False
    return True
""", f"""
def {fname}(values):
    for i in range(len(values) - 1):
        if not values[i] {flip} values[i + 1]:
            return False
    return True
""", f"""
def {fname}(values):
    return len(values) < 2 or values[0] {op} values[-1]
"""],
        examples=[(example,), (bad,)],
        inputs=[([],), ([5],), (ok,), (tied,), (bad,), ([4, 4],)] + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("ed_series_total", topic="numbers")
def ed_series_total(rng):
    kind = rng.choice(["sum", "squares", "cubes", "product"])
    what, init, step, fname = {
        "sum": ("the sum 1 + 2 + ... + n", "0", "total += i",
                gen.name(rng, "sum_to_n", "triangular_number", "sum_up_to", "add_one_to_n")),
        "squares": ("the sum of the squares 1*1 + 2*2 + ... + n*n", "0", "total += i * i",
                    gen.name(rng, "sum_of_squares", "square_total", "squares_up_to", "add_squares")),
        "cubes": ("the sum of the cubes 1**3 + 2**3 + ... + n**3", "0", "total += i ** 3",
                  gen.name(rng, "sum_of_cubes", "cube_total", "cubes_up_to", "add_cubes")),
        "product": ("the product 1 * 2 * ... * n (n factorial)", "1", "total *= i",
                    gen.name(rng, "factorial", "fact", "product_up_to", "multiply_one_to_n")),
    }[kind]
    zero = init
    doc = rng.choice([
        f"Given a whole number n that is zero or more, return {what}. For n = 0 the answer is {zero}.",
        f"Return {what}, where n >= 0. When n is 0 there is nothing to combine and the result is {zero}.",
        f"n is never negative. Compute {what} and return it; n = 0 gives {zero}.",
    ])
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=f"""
def {fname}(n):
    total = {init}
    for i in range(1, n + 1):
        {step}
    return total
""",
        wrong=[f"""
def {fname}(n):
    total = {init}
    for i in range(1, n):
        {step}
    return total
""", f"""
def {fname}(n):
    total = {init}
    for i in range(n):
        {step}
    return total
"""],
        examples=[(rng.randint(3, 6),)],
        inputs=[(0,), (1,), (2,), (3,), (5,)] + [(rng.randint(4, 15),) for _ in range(4)] + [(20,)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_digit_stat", topic="numbers")
def ed_digit_stat(rng):
    kind = rng.choice(["sum", "count", "largest"])
    negative = rng.random() < 0.5
    what, body, fname = {
        "sum": ("the sum of its decimal digits", "sum(int(c) for c in s)",
                gen.name(rng, "digit_sum", "sum_of_digits", "add_digits", "total_of_digits")),
        "count": ("how many decimal digits it has", "len(s)",
                  gen.name(rng, "digit_count", "count_digits", "number_of_digits", "num_digits")),
        "largest": ("its largest decimal digit", "max(int(c) for c in s)",
                    gen.name(rng, "largest_digit", "max_digit", "biggest_digit", "top_digit")),
    }[kind]
    if negative:
        sign = rng.choice(["n may be negative; the minus sign is ignored and is not a digit.",
                           "For a negative n, use the digits of its absolute value."])
    else:
        sign = "n is zero or positive."
    doc = rng.choice([
        f"Given an integer n, return {what}. {sign} The number 0 has the single digit 0.",
        f"Return {what} for the whole number n. {sign} Zero is written with one digit, 0.",
    ])
    wrong = {
        "sum": f"""
def {fname}(n):
    total = 0
    n = abs(n)
    while n > 9:
        total += n % 10
        n //= 10
    return total
""",
        "count": f"""
def {fname}(n):
    count = 0
    n = abs(n)
    while n > 0:
        count += 1
        n //= 10
    return count
""",
        "largest": f"""
def {fname}(n):
    return abs(n) % 10
""",
    }[kind]
    wrongs = [wrong]
    if negative:
        wrongs.append(f"""
def {fname}(n):
    s = str(n)
    return {body}
""")
    lo = -99999 if negative else 0
    inputs = [(0,), (7,), (10,), (91,), (4096,), (1000000,), (58123,)]
    if negative:
        inputs += [(-5,), (-380,)]
    inputs += [(rng.randint(lo, 10 ** rng.randint(2, 8)),) for _ in range(4)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=f"""
def {fname}(n):
    s = str(abs(n))
    return {body}
""",
        wrong=wrongs,
        examples=[(rng.randint(100, 99999) * (rng.choice([1, -1]) if negative else 1),)],
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("ed_divisible_check", topic="numbers")
def ed_divisible_check(rng):
    a, b = rng.choice([(2, 3), (2, 5), (3, 4), (3, 5), (4, 6), (4, 10), (5, 7), (6, 9), (3, 7), (2, 9),
                       (6, 10), (4, 9)])
    if rng.random() < 0.5:
        a, b = b, a
    both = rng.random() < 0.5
    join = "and" if both else "or"
    if both:
        fname = gen.name(rng, "divisible_by_both", "multiple_of_both", "is_common_multiple", "both_divide")
        doc = rng.choice([
            f"Return True if n is divisible by both {a} and {b}, and False otherwise.",
            f"Check whether {a} divides n evenly and {b} also divides n evenly; return True only when "
            f"both are true.",
        ])
    else:
        fname = gen.name(rng, "divisible_by_either", "multiple_of_either", "is_multiple_of_one",
                         "either_divides")
        doc = rng.choice([
            f"Return True if n is divisible by {a} or by {b} (or by both), and False otherwise.",
            f"Check whether at least one of {a} and {b} divides n evenly; return True if so.",
        ])
    doc += rng.choice([" n can be zero or negative.", " n may be negative, and 0 is divisible by every number."])
    samples = [rng.randint(-200, 200) for _ in range(4)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> bool:",
        doc=doc,
        reference=f"""
def {fname}(n):
    return n % {a} == 0 {join} n % {b} == 0
""",
        wrong=[f"""
def {fname}(n):
    return n % {a} == 0 {'or' if both else 'and'} n % {b} == 0
""", f"""
def {fname}(n):
    return n % {a} == 0
""", f"""
def {fname}(n):
    return n % {b} == 0
"""],
        examples=[(a * b * rng.randint(1, 4),), (a * rng.randint(1, 9) + 1,)],
        inputs=[(0,), (a,), (b,), (a * b,), (-a * b,), (a * b + 1,), (1,), (-b,)] + [(x,) for x in samples],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_temperature", topic="numbers")
def ed_temperature(rng):
    to_f = rng.random() < 0.5
    places = rng.choice([0, 1, 2])
    if to_f:
        arg = "celsius"
        fname = gen.name(rng, "to_fahrenheit", "celsius_to_fahrenheit", "c_to_f", "convert_to_fahrenheit")
        formula, bad1, bad2 = "celsius * 9 / 5 + 32", "celsius * 5 / 9 + 32", "(celsius + 32) * 9 / 5"
        what = "Convert a temperature in degrees Celsius to degrees Fahrenheit (multiply by 9/5, then add 32)."
    else:
        arg = "fahrenheit"
        fname = gen.name(rng, "to_celsius", "fahrenheit_to_celsius", "f_to_c", "convert_to_celsius")
        formula, bad1, bad2 = "(fahrenheit - 32) * 5 / 9", "(fahrenheit - 32) * 9 / 5", "fahrenheit - 32 * 5 / 9"
        what = "Convert a temperature in degrees Fahrenheit to degrees Celsius (subtract 32, then multiply by 5/9)."
    if places == 0:
        rounding = rng.choice(["Round the result to the nearest whole number and return it as an int.",
                               "Return the result rounded with round() to an int."])
        out, wrap = "int", "round({})"
    else:
        unit, digit = ("place", "digit") if places == 1 else ("places", "digits")
        rounding = rng.choice([f"Round the result to {places} decimal {unit} with round().",
                               f"Return the result rounded to {places} {digit} after the decimal point "
                               f"using round()."])
        out, wrap = "float", "round({}, %d)" % places
    doc = f"{what} {rounding}"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}({arg}: int) -> {out}:",
        doc=doc,
        reference=f"""
def {fname}({arg}):
    return {wrap.format(formula)}
""",
        wrong=[f"""
def {fname}({arg}):
    return {wrap.format(bad1)}
""", f"""
def {fname}({arg}):
    return {wrap.format(bad2)}
"""],
        examples=[(rng.randint(-20, 110),)],
        inputs=[(0,), (100,), (-40,), (37,), (212,), (1,), (-7,)] + [(rng.randint(-60, 250),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_count_keys_over", topic="dicts")
def ed_count_keys_over(rng):
    k = rng.randint(2, 20)
    op = rng.choice([">", ">=", "<"])
    flipped = {">": ">=", ">=": ">", "<": "<="}[op]
    phrase = {">": f"greater than {k}", ">=": f"at least {k}", "<": f"less than {k}"}[op]
    as_list = rng.random() < 0.5
    noun = rng.choice(["scores", "stock", "counts"])
    if as_list:
        fname = gen.name(rng, "keys_over", "select_keys", "matching_keys", "keys_passing")
        doc = rng.choice([
            f"{noun} maps names to numbers. Return a list of the names whose number is {phrase}, "
            f"in the order the names appear in {noun}.",
            f"Return the keys of the dict {noun} whose value is {phrase}, as a list that keeps the "
            f"dict's own key order. An empty dict gives an empty list.",
        ])
        sig = f"def {fname}({noun}: dict[str, int]) -> list[str]:"
        reference = f"""
def {fname}({noun}):
    return [key for key, value in {noun}.items() if value {op} {k}]
"""
        wrong = [f"""
def {fname}({noun}):
    return [key for key, value in {noun}.items() if value {flipped} {k}]
""", f"""
def {fname}({noun}):
    return sorted(key for key, value in {noun}.items() if value {op} {k})
"""]
    else:
        fname = gen.name(rng, "count_over", "count_keys", "how_many_pass", "tally_passing")
        doc = rng.choice([
            f"{noun} maps names to numbers. Return how many names have a number {phrase}.",
            f"Count the keys of the dict {noun} whose value is {phrase} and return that count. "
            f"An empty dict gives 0.",
        ])
        sig = f"def {fname}({noun}: dict[str, int]) -> int:"
        reference = f"""
def {fname}({noun}):
    count = 0
    for value in {noun}.values():
        if value {op} {k}:
            count += 1
    return count
"""
        wrong = [f"""
def {fname}({noun}):
    count = 0
    for value in {noun}.values():
        if value {flipped} {k}:
            count += 1
    return count
""", f"""
def {fname}({noun}):
    return len({noun})
"""]
    hit = k + 3 if op != "<" else k - 3
    miss = k - 4 if op != "<" else k + 4

    def rand_dict():
        return {w: rng.randint(k - 6, k + 6) for w in _keys(rng, rng.randint(2, 7))}

    return Variant(
        entry_point=fname,
        signature=sig,
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rand_dict(),)],
        inputs=[({},), ({"ann": k},), ({"zoe": hit, "amy": hit + 1, "max": miss},), ({"bo": miss},),
                ({"kim": k, "lee": hit, "ola": miss},)] + [(rand_dict(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_invert_dict", topic="dicts")
def ed_invert_dict(rng):
    rule = rng.choice(["distinct", "last", "first"])
    fname = gen.name(rng, "invert", "swap_keys_values", "reverse_mapping", "flip_dict")
    doc = rng.choice([
        "Return a new dict in which every value of mapping becomes a key, and the key it belonged to "
        "becomes that key's value.",
        "Swap the keys and values of mapping: for each pair key: value in mapping, the result has the "
        "pair value: key. Return the new dict.",
    ])
    doc += {
        "distinct": " The values of mapping are all different from each other.",
        "last": " If several keys share the same value, the key that comes last in mapping wins.",
        "first": " If several keys share the same value, the key that comes first in mapping wins.",
    }[rule]
    plain = f"""
def {fname}(mapping):
    result = {{}}
    for key, value in mapping.items():
        result[value] = key
    return result
"""
    keep_first = f"""
def {fname}(mapping):
    result = {{}}
    for key, value in mapping.items():
        if value not in result:
            result[value] = key
    return result
"""
    reference = keep_first if rule == "first" else plain
    wrong = [f"""
def {fname}(mapping):
    return {{key: value for key, value in mapping.items()}}
"""]
    if rule == "first":
        wrong.append(plain)
    elif rule == "last":
        wrong.append(keep_first)

    def rand_dict(n):
        keys = _keys(rng, n)
        if rule == "distinct":
            vals = rng.sample(range(1, 40), n)
        else:
            vals = [rng.randint(1, 4) for _ in range(n)]
        return dict(zip(keys, vals))

    inputs = [({},), ({"one": 1},), ({"a": 1, "b": 2, "c": 3},)]
    if rule != "distinct":
        inputs += [({"red": 1, "blue": 1},), ({"x": 5, "y": 6, "z": 5, "w": 6},)]
    else:
        inputs += [({"red": 10, "blue": 20},), ({"x": 7, "y": 3, "z": 9},)]
    inputs += [(rand_dict(rng.randint(2, 7)),) for _ in range(4)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(mapping: dict[str, int]) -> dict[int, str]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rand_dict(3),)],
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("ed_basket_total", topic="dicts")
def ed_basket_total(rng):
    fee = rng.choice([0, 0, 1, 2, 5, 10])
    fname = gen.name(rng, "basket_total", "total_price", "checkout", "bill_amount")
    doc = rng.choice([
        "prices maps each product name to its price. items lists the products bought; a name may "
        "appear more than once and is paid for every time. Return the total price.",
        "Add up the price of every entry of items, looking each one up in prices. Repeated entries "
        "are charged each time they appear. Return the sum.",
        "Return what the list of products items costs altogether, where prices gives the price of "
        "one unit of each product and every occurrence in items is one unit.",
    ])
    if fee:
        doc += f" A product that is missing from prices costs {fee}."
    else:
        doc += " Products missing from prices are free (they add nothing)."
    doc += " An empty list costs 0."
    reference = f"""
def {fname}(prices, items):
    total = 0
    for item in items:
        total += prices.get(item, {fee})
    return total
"""
    wrong = [f"""
def {fname}(prices, items):
    total = 0
    for item in set(items):
        total += prices.get(item, {fee})
    return total
""", f"""
def {fname}(prices, items):
    total = 0
    for item in items:
        total += prices[item]
    return total
"""]
    if fee:
        wrong.append(f"""
def {fname}(prices, items):
    total = 0
    for item in items:
        total += prices.get(item, 0)
    return total
""")

    def rand_case():
        names = _keys(rng, rng.randint(2, 6))
        prices = {n: rng.randint(1, 30) for n in names}
        extra = rng.choice(gen.WORDS)
        items = [rng.choice(names + [extra]) for _ in range(rng.randint(0, 8))]
        return (prices, items)

    base = {"tea": 4, "jam": 7, "egg": 2}
    example_prices = {n: rng.randint(1, 12) for n in _keys(rng, 3)}
    example_items = [rng.choice(list(example_prices)) for _ in range(rng.randint(2, 5))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(prices: dict[str, int], items: list[str]) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(example_prices, example_items)],
        inputs=[(base, []), (base, ["tea"]), (base, ["egg", "egg", "egg"]), (base, ["jam", "salt"]),
                ({}, ["tea"]), (base, ["tea", "jam", "tea", "egg"])] + [rand_case() for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("ed_tally", topic="dicts")
def ed_tally(rng):
    words = rng.random() < 0.5
    m = rng.choice([1, 1, 2, 3])
    elem = "str" if words else "int"
    fname = gen.name(rng, "tally", "count_each", "frequencies", "occurrence_counts")
    doc = rng.choice([
        "Return a dict that maps each value found in items to the number of times it appears there.",
        "Count how often every distinct entry of items occurs and return the counts as a dict "
        "(entry: count).",
    ])
    if m > 1:
        doc += f" Leave out any entry that appears fewer than {m} times."
    doc += " An empty list gives an empty dict."
    reference = f"""
def {fname}(items):
    counts = {{}}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    return {{x: c for x, c in counts.items() if c >= {m}}}
"""
    wrong = [f"""
def {fname}(items):
    counts = {{}}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    return {{x: c for x, c in counts.items() if c > {m}}}
""", f"""
def {fname}(items):
    return {{x: 1 for x in items if items.count(x) >= {m}}}
"""]
    if words:
        pool = rng.sample(gen.WORDS, 4)
        fixed = [([],), (["cat"],), (["cat", "dog", "cat"],), (["a", "b", "a", "c", "a", "b"],),
                 (["x", "x", "x", "y", "y", "z"],)]
        rand = [([rng.choice(pool) for _ in range(rng.randint(3, 10))],) for _ in range(4)]
        example = [rng.choice(pool[:3]) for _ in range(rng.randint(4, 7))]
    else:
        fixed = [([],), ([5],), ([5, 6, 5],), ([1, 2, 1, 3, 1, 2],), ([4, 4, 4, 9, 9, 0],)]
        rand = [(gen.int_list(rng, 0, 5, 3, 12),) for _ in range(4)]
        example = gen.int_list(rng, 0, 4, 4, 7)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(items: list[{elem}]) -> dict[{elem}, int]:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(example,)],
        inputs=fixed + rand,
    )
