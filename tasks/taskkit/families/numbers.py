"""Families over numbers: digits and bases, divisors and primes, bits, recurrences, money,
units, calendar dates and clock times."""
from .. import gen
from ..family import Variant, family

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _digits(value: int, base: int) -> str:
    """abs(value) in `base`, most significant digit first, lowercase letters."""
    value = abs(value)
    out = ""
    while True:
        out = _ALPHABET[value % base] + out
        value //= base
        if value == 0:
            return out


# ---------------------------------------------------------------------------------------------
@family("num_digit_fold", topic="numbers")
def digit_fold(rng):
    base = rng.choice([2, 3, 5, 6, 7, 8, 9, 10, 10, 12, 16])
    ops = ["sum", "squares", "alternating"] + (["product"] if base > 2 else [])
    op = rng.choice(ops)
    fname = gen.name(rng, "digit_fold", "fold_digits", "digit_aggregate", "combine_digits")
    combine = {
        "sum": "    return sum(digits)",
        "squares": "    return sum(d * d for d in digits)",
        "product": "    total = 1\n    for d in digits:\n        if d:\n            total *= d\n    return total",
        "alternating": "    return sum(d if i % 2 == 0 else -d for i, d in enumerate(digits))",
    }[op]
    what = {
        "sum": "the sum of those digits",
        "squares": "the sum of the squares of those digits",
        "product": "the product of the digits that are not zero (1 when there is no nonzero digit)",
        "alternating": ("the alternating sum of those digits: the last (least significant) digit is added, "
                        "the one before it subtracted, the next added, and so on"),
    }[op]
    base_word = "decimal (base 10)" if base == 10 else f"base {base}"
    doc = rng.choice([
        f"Write the absolute value of n in {base_word}, where 0 is the single digit 0, and return {what}.",
        f"Take the {base_word} digits of |n| (the sign of n is ignored; zero has one digit, 0) and "
        f"return {what}.",
        f"Return {what}, where the digits are those of abs(n) written in {base_word} (n = 0 has "
        f"exactly one digit, 0).",
    ])
    body = f"""
    digits = []
    while True:
        digits.append(n % {base})
        n //= {base}
        if n == 0:
            break
{combine}
"""
    reference = f"def {fname}(n):\n    n = abs(n)" + body
    wrong = [f"def {fname}(n):\n    digits = []\n    while n > 0:\n        digits.append(n % {base})\n"
             f"        n //= {base}\n{combine}\n"]
    if base != 10:
        wrong.append(reference.replace(f"% {base}", "% 10").replace(f"//= {base}", "//= 10"))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(base * base, 5000),)],
        inputs=[(0,), (1,), (base,), (-(base + 2),), (base ** 3 - 1,), (-(base ** 2 + 2 * base + 3),)]
        + [(rng.randint(-5000, 100000),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_to_base", topic="numbers")
def to_base(rng):
    base = rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16])
    upper = rng.random() < 0.5
    width = rng.choice([1, 1, 4, 6, 8])
    fname = gen.name(rng, "to_base", "render_in_base", "base_string", "format_radix")
    alphabet = _ALPHABET[:base].upper() if upper else _ALPHABET[:base]
    parts = [rng.choice([
        f"Return the base-{base} representation of the integer n as a string.",
        f"Write n in base {base} and return the text.",
        f"Convert the integer n to a string of base-{base} digits.",
    ])]
    if base > 10:
        case = "uppercase" if upper else "lowercase"
        if base == 11:
            parts.append(f"The digit value 10 is written as the {case} letter {alphabet[10]}.")
        else:
            parts.append(f"Digit values 10 and above are written with the {case} letters "
                         f"{alphabet[10]}, {alphabet[11]}, and so on.")
    parts.append("There is no prefix, and no leading zeros except as described here; 0 is written as '0'.")
    parts.append("A negative n is written as '-' followed by the digits of its absolute value.")
    if width > 1:
        parts.append(f"The digits are padded on the left with '0' to at least {width} digits; the minus sign, "
                     f"if any, goes in front of the padding and does not count toward the {width}.")
    ref_tail = f"sign + out.rjust({width}, '0')"
    reference = f"""
def {fname}(n):
    digits = {alphabet!r}
    sign = '-' if n < 0 else ''
    n = abs(n)
    out = ''
    while True:
        out = digits[n % {base}] + out
        n //= {base}
        if n == 0:
            break
    return {ref_tail}
"""
    wrong = [reference.replace(f"out = digits[n % {base}] + out", f"out = out + digits[n % {base}]"),
             reference.replace("sign = '-' if n < 0 else ''", "sign = ''")]
    if width > 1:
        wrong.append(reference.replace(ref_tail, f"(sign + out).rjust({width}, '0')"))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> str:",
        doc=" ".join(parts),
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(base, 3000),)] + ([(-rng.randint(1, 200),)] if rng.random() < 0.5 else []),
        inputs=[(0,), (1,), (base,), (base - 1,), (-base - 1,), (base ** 5 + 2,), (-3,)]
        + [(rng.randint(-10 ** 5, 10 ** 6),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_parse_base", topic="numbers")
def parse_base(rng):
    base = rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16])
    lsd_first = rng.random() < 0.4
    sep = rng.choice(["", " ", "_", "'", "."])
    fname = gen.name(rng, "parse_base", "read_radix", "from_base", "decode_digits")
    parts = [rng.choice([
        f"text holds an integer written with base-{base} digits; return its value as an int.",
        f"Return the integer whose base-{base} numeral is given in text.",
        f"Decode the base-{base} numeral text into a Python int.",
    ])]
    if lsd_first:
        parts.append("Unusually, the digits are listed from least significant to most significant: the first "
                     "digit is the ones place, the next one counts "
                     f"{base}s, and so on.")
    else:
        parts.append("The most significant digit comes first, as usual.")
    if base > 10:
        parts.append("Digits worth 10 and more are letters (a is 10, b is 11, ...), in either case.")
    parts.append("The numeral may start with a single '-', meaning the value is negative "
                 "(the minus sign is always the very first character).")
    if sep:
        name = {" ": "spaces", "_": "underscores", "'": "apostrophes", ".": "dots"}[sep]
        parts.append(f"It may also contain {name} between digits as separators; they carry no value and "
                     f"are skipped.")
    parts.append("text always contains at least one digit and nothing else but what is described here.")
    reverse = "\n    text = text[::-1]" if lsd_first else ""
    strip = f"\n    text = text.replace({sep!r}, '')" if sep else ""
    reference = f"""
def {fname}(text):
    negative = text.startswith('-')
    if negative:
        text = text[1:]{strip}{reverse}
    value = 0
    for ch in text.lower():
        value = value * {base} + '0123456789abcdef'.index(ch)
    return -value if negative else value
"""
    wrong = [reference.replace("return -value if negative else value", "return value")]
    if lsd_first:
        wrong.append(reference.replace(reverse, ""))
    else:
        wrong.append(reference.replace("    value = 0\n", "    value = 0\n    text = text[::-1]\n"))

    def numeral(value, seps=True):
        digits = _digits(value, base)
        if lsd_first:
            digits = digits[::-1]
        digits = "".join(ch.upper() if rng.random() < 0.5 else ch for ch in digits)
        if sep and seps:
            digits = "".join(ch + (sep if i + 1 < len(digits) and rng.random() < 0.35 else "")
                             for i, ch in enumerate(digits))
        return ("-" if value < 0 else "") + digits

    inputs = [("0",), (numeral(base - 1),), (numeral(base, False),), (numeral(-(base + 2), False),),
              (numeral(base ** 4 + 3 * base + 1),)]
    if sep:
        mid = numeral(base ** 3 + 2, False)
        inputs.append((mid[:2] + sep + mid[2:],))
    inputs += [(numeral(rng.randint(-50000, 50000)),) for _ in range(5)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> int:",
        doc=" ".join(parts),
        reference=reference,
        wrong=wrong,
        examples=[(numeral(rng.randint(base * base, 4000)),)],
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("num_gcd_lcm", topic="numbers")
def gcd_lcm(rng):
    op = rng.choice(["gcd", "lcm"])
    fname = gen.name(rng, *(["common_divisor", "list_gcd", "greatest_shared_factor"] if op == "gcd"
                            else ["common_multiple", "list_lcm", "smallest_shared_multiple"]))
    if op == "gcd":
        empty = rng.choice([0, -1])
        zero_mode = "skip"
        doc = rng.choice([
            "Return the greatest common divisor of the integers in values, using their absolute values "
            "(so the result is never negative). Zeros do not affect the result.",
            "Return the largest positive integer that divides every element of values exactly. Signs do not "
            "matter and zero elements are ignored.",
        ]) + f" If values has no nonzero element (including an empty list), return {empty}."
        reference = f"""
def {fname}(values):
    result = 0
    for v in values:
        a, b = result, abs(v)
        while b:
            a, b = b, a % b
        result = a
    return result if result else {empty}
"""
        wrong = [reference.replace("result = 0\n", "result = 1\n"),
                 reference.replace(f"return result if result else {empty}", f"return result if result else {1 - empty}")]
    else:
        zero_mode = rng.choice(["skip", "absorb"])
        empty = rng.choice([1, 0, -1]) if zero_mode == "skip" else 1
        lead = rng.choice([
            "Return the least common multiple of the absolute values of the integers in values "
            "(a non-negative number).",
            "Return the smallest positive integer that every element of values divides exactly, "
            "signs ignored.",
        ])
        if zero_mode == "skip":
            doc = lead + (f" Zero elements are ignored; if values has no nonzero element (including an "
                          f"empty list), return {empty}.")
            guard = "        if v == 0:\n            continue\n"
        else:
            doc = lead + (" If any element is 0 the answer is 0. An empty list gives 1.")
            guard = "        if v == 0:\n            return 0\n"
        reference = f"""
def {fname}(values):
    result = None
    for v in values:
{guard}        v = abs(v)
        if result is None:
            result = v
            continue
        a, b = result, v
        while b:
            a, b = b, a % b
        result = result // a * v
    return {empty} if result is None else result
"""
        wrong = [reference.replace("        v = abs(v)\n", ""),
                 reference.replace(guard, "        if v == 0:\n            continue\n" if zero_mode == "absorb"
                                   else "        if v == 0:\n            return 0\n")]
    pool = [2, 3, 4, 6, 9, 10, 12, 15]

    def draw_list():
        k = rng.choice(pool)
        return [k * rng.randint(-6, 8) for _ in range(rng.randint(2, 5))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(values: list[int]) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[([rng.choice(pool) * m for m in (2, 3, rng.randint(4, 7))],)],
        inputs=[([],), ([0],), ([0, 0],), ([7],), ([-4, 6],), ([12, 18, -30],), ([0, 4, 6],), ([5, -5, 0, 10],)]
        + [(draw_list(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_divisor_class", topic="numbers")
def divisor_class(rng):
    labels = rng.choice([("deficient", "perfect", "abundant"), ("low", "exact", "high"),
                         ("under", "equal", "over"), ("poor", "balanced", "rich")])
    tol = rng.choice([0, 0, 1, 2])
    nontrivial = rng.random() < 0.4
    fname = gen.name(rng, "divisor_class", "classify_by_divisors", "divisor_balance", "aliquot_label")
    if nontrivial:
        which = "the divisors of n that are strictly between 1 and n (so 1 and n itself are not counted)"
        start = 2
    else:
        which = "the divisors of n that are smaller than n (1 is counted, n itself is not)"
        start = 1
    near = (f"equals n exactly" if tol == 0 else f"differs from n by at most {tol}")
    doc = rng.choice([
        f"n is a positive integer. Let s be the sum of {which}; s is 0 when there are none. Return "
        f"{labels[1]!r} when s {near}, otherwise {labels[0]!r} when s is below n and {labels[2]!r} when "
        f"s is above n.",
        f"Label the positive integer n by comparing it with s, the total of {which} (an empty total is 0): "
        f"the answer is {labels[1]!r} if s {near}; failing that, {labels[2]!r} if s > n and {labels[0]!r} "
        f"if s < n.",
    ])
    reference = f"""
def {fname}(n):
    s = 0
    d = 1
    while d * d <= n:
        if n % d == 0:
            for x in {{d, n // d}}:
                if {start} <= x < n:
                    s += x
        d += 1
    if abs(s - n) <= {tol}:
        return {labels[1]!r}
    return {labels[0]!r} if s < n else {labels[2]!r}
"""
    wrong = [reference.replace(f"if {start} <= x < n:", f"if {start} <= x <= n:"),
             reference.replace(f"if {start} <= x < n:", f"if {3 - start} <= x < n:")]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> str:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.choice([6, 12, 18, 20, 28, 30, 36]),), (rng.randint(2, 60),)],
        inputs=[(1,), (2,), (4,), (6,), (8,), (10,), (12,), (28,), (25,), (49,), (121,), (945,)]
        + [(rng.randint(2, 3000),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_collatz_steps", topic="numbers")
def collatz_steps(rng):
    m, a, c = rng.choice([(2, 3, 1), (2, 3, 1), (2, 3, -1), (2, 1, 3), (2, 1, 5), (2, 1, -1),
                          (3, 1, 1), (3, 1, 2), (3, 1, -1), (3, 1, 5)])
    cap = rng.choice([30, 50, 100, 200])
    fname = gen.name(rng, "steps_to_one", "hailstone_length", "iterate_until_one", "count_moves")
    other = f"{a} * x {'+' if c > 0 else '-'} {abs(c)}" if a != 1 else f"x {'+' if c > 0 else '-'} {abs(c)}"
    rule = (f"if the current value x is divisible by {m}, replace it with x // {m}; otherwise replace it "
            f"with {other}")
    doc = rng.choice([
        f"Start from the positive integer n and repeat this move: {rule}. Return the number of moves "
        f"made until the value is 1 (n = 1 needs 0 moves). If the value is still not 1 after "
        f"{cap} moves, give up and return -1.",
        f"Count how many times the rule '{rule}' must be applied to the positive integer n before "
        f"the value becomes 1; when n is already 1 the count is 0. Stop after at most {cap} "
        f"applications: if 1 has not been reached by then, return -1.",
    ])
    reference = f"""
def {fname}(n):
    steps = 0
    while n != 1:
        if steps == {cap}:
            return -1
        n = n // {m} if n % {m} == 0 else {a} * n + ({c})
        steps += 1
    return steps
"""
    wrong = [reference.replace("    steps = 0\n", "    steps = 1\n"),
             reference.replace(f"n = n // {m} if n % {m} == 0 else", f"n = n // {m} if n % {m} != 0 else")]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(2, 40),)],
        inputs=[(1,), (m,), (m * m,), (m ** 5,), (7,), (27,)] + [(rng.randint(2, 400),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_bit_count", topic="numbers")
def bit_count(rng):
    w = rng.choice([4, 6, 8, 10, 12, 16])
    mode = rng.choice(["ones", "zeros", "parity", "run"])
    fname = gen.name(rng, *{
        "ones": ["count_set_bits", "ones_in_window", "low_popcount"],
        "zeros": ["count_clear_bits", "zeros_in_window", "low_zero_bits"],
        "parity": ["window_parity", "low_bit_parity", "parity_bit"],
        "run": ["longest_ones_run", "max_bit_streak", "widest_one_block"],
    }[mode])
    scope = rng.choice([
        f"Only the lowest {w} bits of the non-negative integer n matter: higher bits are ignored, and "
        f"when n has fewer bits the missing ones count as 0.",
        f"Look at n (never negative) as a {w}-bit binary number: bits above the lowest {w} are dropped, "
        f"and leading zeros are filled in up to {w} bits.",
    ])
    task = {
        "ones": "Return how many of those bits are 1.",
        "zeros": "Return how many of those bits are 0.",
        "parity": "Return 1 if an odd number of those bits are 1, otherwise 0.",
        "run": "Return the length of the longest stretch of consecutive 1 bits among them (0 if none is 1).",
    }[mode]
    body = {
        "ones": "    return sum(n >> i & 1 for i in range(W))",
        "zeros": "    return sum(1 - (n >> i & 1) for i in range(W))",
        "parity": "    return sum(n >> i & 1 for i in range(W)) % 2",
        "run": ("    best = run = 0\n    for i in range(W):\n        if n >> i & 1:\n            run += 1\n"
                "            best = max(best, run)\n        else:\n            run = 0\n    return best"),
    }[mode]
    reference = f"def {fname}(n):\n" + body.replace("W", str(w)) + "\n"
    unmasked = f"def {fname}(n):\n" + body.replace("range(W)", "range(n.bit_length())").replace("W", str(w)) + "\n"
    if mode == "zeros":
        unmasked = f"def {fname}(n):\n    return bin(n)[2:].count('0')\n"
    narrow = f"def {fname}(n):\n" + body.replace("range(W)", f"range({w - 1})").replace("W", str(w)) + "\n"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=f"{scope} {task}",
        reference=reference,
        wrong=[unmasked, narrow],
        examples=[(rng.randrange(1, 1 << w),)],
        inputs=[(0,), (1,), (1 << (w - 1),), ((1 << w) - 1,), ((1 << w) | 1,), ((1 << (w + 3)) - 1,),
                (0b1011 << (w - 4),)] + [(rng.randrange(0, 1 << (w + 4)),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_bit_reverse", topic="numbers")
def bit_reverse(rng):
    w = rng.choice([4, 5, 6, 8, 10, 12, 16])
    mode = rng.choice(["reverse", "left", "right"])
    keep_high = rng.random() < 0.5
    fname = gen.name(rng, *{
        "reverse": ["reverse_bits", "mirror_low_bits", "flip_bit_order"],
        "left": ["rotate_left", "rol_bits", "spin_bits_left"],
        "right": ["rotate_right", "ror_bits", "spin_bits_right"],
    }[mode])
    window = f"the lowest {w} bits of the non-negative integer n"
    if mode == "reverse":
        what = rng.choice([
            f"Reverse the order of {window}: bit 0 swaps with bit {w - 1}, bit 1 with bit {w - 2}, and so on.",
            f"Mirror {window}, so that the bit at position i (counting from 0 at the least significant "
            f"end) moves to position {w - 1} - i.",
        ])
    else:
        toward = "more significant" if mode == "left" else "less significant"
        what = rng.choice([
            f"Rotate {window} {mode} by k places: each of those bits moves k positions toward the "
            f"{toward} end, and bits pushed past the edge of the {w}-bit window re-enter at the other end. "
            f"k is a non-negative integer and may be larger than {w}.",
            f"Treat {window} as a circular {w}-bit register and rotate it k steps to the {mode} "
            f"(toward the {toward} end, wrapping around). k >= 0 can exceed {w}; rotating by {w} "
            f"changes nothing.",
        ])
    high = ("Bits of n above the window are kept unchanged in the result." if keep_high
            else f"Bits of n above the window are discarded, so the result is below 2**{w}.")
    mask = (1 << w) - 1
    if mode == "reverse":
        core = (f"    r = 0\n    for i in range({w}):\n        if low >> i & 1:\n"
                f"            r |= 1 << ({w - 1} - i)\n")
    else:
        core = f"    k %= {w}\n"
        if mode == "left":
            core += f"    r = ((low << k) | (low >> ({w} - k))) & {mask}\n"
        else:
            core += f"    r = ((low >> k) | (low << ({w} - k))) & {mask}\n"
    args = "n" if mode == "reverse" else "n, k"
    ret_keep = f"    return r | (n & ~{mask})\n"
    ret_drop = "    return r\n"
    reference = f"def {fname}({args}):\n    low = n & {mask}\n" + core + (ret_keep if keep_high else ret_drop)
    wrong = [reference.replace(ret_keep, ret_drop) if keep_high else reference.replace(ret_drop, ret_keep)]
    if mode == "reverse":
        wrong.append(f"def {fname}(n):\n    return int(bin(n & {mask})[2:][::-1], 2)\n")
    else:
        if mode == "left":
            other = core.replace(f"((low << k) | (low >> ({w} - k)))", f"((low >> k) | (low << ({w} - k)))")
        else:
            other = core.replace(f"((low >> k) | (low << ({w} - k)))", f"((low << k) | (low >> ({w} - k)))")
        wrong.append(reference.replace(core, other))
        wrong.append(reference.replace(f"    k %= {w}\n", ""))
    high_n = (rng.randint(1, 5) << w) | rng.randrange(1, 1 << w)
    if mode == "reverse":
        inputs = [(0,), (1,), (mask,), (1 << (w - 1),), (0b1101,), (high_n,)] + \
                 [(rng.randrange(0, 1 << (w + 3)),) for _ in range(5)]
        examples = [(rng.randrange(1, 1 << w),)]
    else:
        inputs = [(0, 3), (1, 1), (1, 0), (1 << (w - 1), 1), (0b1101, w + 1), (high_n, 2), (mask, 5),
                  (0b1011, 2 * w + 3)] + [(rng.randrange(0, 1 << (w + 3)), rng.randint(0, 3 * w)) for _ in range(5)]
        examples = [(rng.randrange(1, 1 << w), rng.randint(1, w - 1))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:" if mode == "reverse" else f"def {fname}(n: int, k: int) -> int:",
        doc=f"{what} {high}",
        reference=reference,
        wrong=wrong,
        examples=examples,
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("num_roman", topic="numbers")
def roman(rng):
    subtractive = rng.random() < 0.6
    lower = rng.random() < 0.4
    zero = rng.choice(["", "N"])
    fname = gen.name(rng, "roman_numeral", "to_roman", "write_roman", "latin_number")
    full = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    plain = [(v, s) for v, s in full if len(s) == 1]

    def cased(pairs, low):
        return [(v, s.lower() if low else s) for v, s in pairs]
    pairs = cased(full if subtractive else plain, lower)
    zero_text = zero.lower() if lower else zero
    letters = "i, v, x, l, c, d, m" if lower else "I, V, X, L, C, D, M"
    parts = [rng.choice([
        f"Return the Roman numeral for n, where 0 <= n <= 3999, written with the {'lowercase' if lower else 'uppercase'} "
        f"letters {letters} worth 1, 5, 10, 50, 100, 500 and 1000.",
        f"Spell the integer n (0 <= n <= 3999) as a Roman numeral using the symbols {letters} "
        f"(values 1, 5, 10, 50, 100, 500, 1000), all {'lowercase' if lower else 'uppercase'}.",
    ])]
    if subtractive:
        parts.append("Use the usual subtractive pairs for 4, 9, 40, 90, 400 and 900 (one smaller symbol placed "
                     "before a larger one, such as 4 being written with the symbol for 1 before the one for 5), "
                     "and otherwise write the symbols from largest to smallest with as few symbols as possible.")
    else:
        parts.append("Use the old purely additive style: symbols go from largest to smallest, each value is "
                     "built greedily from the largest symbols, and a smaller symbol never comes before a larger "
                     "one, so 4 is four copies of the symbol for 1 and 9 is the symbol for 5 followed by four of "
                     "the symbol for 1.")
    parts.append(f"For n = 0 return {zero_text!r}.")
    reference = f"""
def {fname}(n):
    if n == 0:
        return {zero_text!r}
    out = ''
    for value, symbol in {pairs!r}:
        while n >= value:
            out += symbol
            n -= value
    return out
"""
    other_pairs = cased(plain if subtractive else full, lower)
    wrong = [reference.replace(repr(pairs), repr(other_pairs)),
             reference.replace(repr(pairs), repr(cased(full if subtractive else plain, not lower)))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> str:",
        doc=" ".join(parts),
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(1000, 3999),)],
        inputs=[(0,), (1,), (4,), (9,), (14,), (40,), (90,), (400,), (944,), (3999,)]
        + [(rng.randint(1, 3999),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_factorial_zeros", topic="numbers")
def factorial_zeros(rng):
    base, factors = rng.choice([(10, [(2, 1), (5, 1)]), (10, [(2, 1), (5, 1)]), (2, [(2, 1)]), (3, [(3, 1)]),
                                (6, [(2, 1), (3, 1)]), (8, [(2, 3)]), (12, [(2, 2), (3, 1)]), (16, [(2, 4)]),
                                (7, [(7, 1)]), (9, [(3, 2)]), (20, [(2, 2), (5, 1)])])
    ranged = rng.random() < 0.35
    fname = gen.name(rng, *(["product_trailing_zeros", "range_product_zeros", "zeros_of_run_product"] if ranged
                            else ["factorial_trailing_zeros", "fact_zero_tail", "count_end_zeros"]))
    where = "in decimal" if base == 10 else f"in base {base}"
    if ranged:
        what = f"the product lo * (lo + 1) * ... * hi of all integers from lo to hi, where 1 <= lo <= hi"
        args, sig = "lo, hi", f"def {fname}(lo: int, hi: int) -> int:"
    else:
        what = "n! = 1 * 2 * ... * n for an integer n >= 0 (0! is 1)"
        args, sig = "n", f"def {fname}(n: int) -> int:"
    doc = rng.choice([
        f"Return how many zero digits {what} ends with when written {where}.",
        f"Count the trailing zeros of {what}, written {where}. The numbers can be large, so avoid building "
        f"the whole product.",
    ])
    use = "(power(hi, p) - power(lo - 1, p))" if ranged else "power(n, p)"
    reference = f"""
def {fname}({args}):
    def power(m, p):
        count, q = 0, p
        while q <= m:
            count += m // q
            q *= p
        return count
    best = None
    for p, e in {factors!r}:
        v = {use} // e
        best = v if best is None else min(best, v)
    return best
"""
    shallow = reference.replace("q *= p", "q = m + 1")
    wrong = [shallow]
    if ranged:
        wrong.append(reference.replace("power(lo - 1, p)", "power(lo, p)"))
    pmax = max(p for p, _ in factors)
    if ranged:
        inputs = [(1, 1), (1, 10), (pmax, pmax), (pmax * pmax, pmax * pmax * 3), (1, 1000), (50, 100),
                  (5, 125)] + [tuple(sorted((rng.randint(1, 3000), rng.randint(1, 3000)))) for _ in range(4)]
        examples = [(rng.randint(2, 10), rng.randint(20, 40))]
    else:
        inputs = [(0,), (1,), (pmax - 1,), (pmax,), (pmax * pmax,), (100,), (1000,), (99999,)] + \
                 [(rng.randint(2, 10 ** 5),) for _ in range(4)]
        examples = [(rng.randint(10, 40),)]
    return Variant(
        entry_point=fname,
        signature=sig,
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=examples,
        inputs=inputs,
    )


# ---------------------------------------------------------------------------------------------
@family("num_int_root", topic="numbers")
def int_root(rng):
    k = rng.choice([2, 2, 3, 4, 5])
    mode = rng.choice(["floor", "ceil", "rest"])
    root_name = {2: "square root", 3: "cube root", 4: "fourth root", 5: "fifth root"}[k]
    fname = gen.name(rng, *{
        "floor": ["floor_root", "int_root_down", "whole_root"],
        "ceil": ["ceil_root", "int_root_up", "root_rounded_up"],
        "rest": ["root_remainder", "power_leftover", "excess_over_power"],
    }[mode])
    what = {
        "floor": f"the largest integer r with r**{k} <= n (the {root_name} of n rounded down)",
        "ceil": f"the smallest integer r with r**{k} >= n (the {root_name} of n rounded up)",
        "rest": f"n - r**{k}, where r is the largest integer with r**{k} <= n (how far n is above the "
                f"biggest perfect {k}th power not exceeding it)",
    }[mode]
    doc = rng.choice([
        f"n is a non-negative integer, possibly far too large for floating point to be exact. Return {what}.",
        f"Return {what}. The argument n >= 0 can have dozens of digits, so the answer must be exact.",
    ])
    finish = {"floor": "    return lo", "ceil": f"    return lo if lo ** {k} == n else lo + 1",
              "rest": f"    return n - lo ** {k}"}[mode]
    reference = f"""
def {fname}(n):
    lo, hi = 0, 1
    while hi ** {k} <= n:
        hi *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid ** {k} <= n:
            lo = mid
        else:
            hi = mid
{finish}
"""
    floaty = f"def {fname}(n):\n    lo = int(n ** (1.0 / {k}))\n{finish}\n"
    swap = {"floor": f"    return lo if lo ** {k} == n else lo + 1", "ceil": "    return lo",
            "rest": f"    return n - (lo + 1) ** {k} if lo ** {k} != n else 0"}[mode]
    big = 10 ** 9 + 7
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=[floaty, reference.replace(finish, swap)],
        examples=[(rng.randint(2, 3000),)],
        inputs=[(0,), (1,), (2,), (5 ** k,), (5 ** k - 1,), (big ** k - 1,), (big ** k,), (big ** k + 1,),
                (10 ** (9 * k) - 1,)] + [(rng.randint(2, 10 ** rng.randint(3, 30)),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_prime_range", topic="numbers")
def prime_range(rng):
    closed = rng.random() < 0.5
    out = rng.choice(["count", "sum", "list", "largest"])
    fname = gen.name(rng, *{
        "count": ["count_primes_between", "prime_tally", "primes_in_span"],
        "sum": ["sum_primes_between", "prime_total", "add_primes_in_span"],
        "list": ["primes_between", "list_primes", "collect_primes"],
        "largest": ["largest_prime_between", "top_prime", "biggest_prime_in_span"],
    }[out])
    span = ("lo <= x <= hi (both ends included)" if closed else "lo <= x < hi (lo included, hi excluded)")
    what = {
        "count": "how many primes x satisfy",
        "sum": "the sum of all primes x with",
        "list": "a list, in increasing order, of all primes x with",
        "largest": "the largest prime x with",
    }[out]
    empty = {"count": "0", "sum": "0", "list": "an empty list", "largest": "-1"}[out]
    doc = rng.choice([
        f"Return {what} {span}. A prime is an integer greater than 1 whose only positive divisors are 1 and "
        f"itself. lo and hi may be any integers, including negative ones or lo > hi; when no prime "
        f"qualifies the answer is {empty}.",
        f"A prime is an integer above 1 with exactly two positive divisors. Given integers lo and hi "
        f"(in any order of size, possibly negative), return {what} {span}, or {empty} if there are none.",
    ])
    stop = "hi + 1" if closed else "hi"
    final = {"count": "len(found)", "sum": "sum(found)", "list": "found",
             "largest": "found[-1] if found else -1"}[out]
    reference = f"""
def {fname}(lo, hi):
    found = []
    for x in range(max(lo, 2), {stop}):
        d = 2
        while d * d <= x:
            if x % d == 0:
                break
            d += 1
        else:
            found.append(x)
    return {final}
"""
    wrong = [reference.replace("max(lo, 2)", "max(lo, 1)"),
             reference.replace(f"range(max(lo, 2), {stop})", f"range(max(lo, 2), {'hi' if closed else 'hi + 1'})")]
    ret = "list[int]" if out == "list" else "int"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(lo: int, hi: int) -> {ret}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(0, 30), rng.randint(31, 60))],
        inputs=[(0, 10), (1, 1), (1, 2), (-3, 1), (2, 2), (2, 3), (10, 13), (14, 16), (30, 20), (-10, 30),
                (89, 97)] + [(a, a + rng.randint(0, 200)) for a in (rng.randint(-20, 800) for _ in range(4))],
    )


# ---------------------------------------------------------------------------------------------
@family("num_recurrence", topic="numbers")
def recurrence(rng):
    x0 = rng.randint(0, 3)
    x1 = x0 + rng.randint(1, 4)
    p = rng.randint(1, 3)
    q = rng.choice([-1, 1, 2, 3])
    r = rng.choice([0, 0, 1, -1, 2])
    mod = rng.choice([None, None, 1000, 97, 10 ** 9 + 7])
    fname = gen.name(rng, "nth_term", "sequence_value", "term_at", "recurrence_term")
    extra = "" if r == 0 else (f" + {r}" if r > 0 else f" - {-r}")
    qpart = f" + {q} * a(n - 2)" if q > 0 else " - a(n - 2)"
    if q == 1:
        qpart = " + a(n - 2)"
    ppart = "a(n - 1)" if p == 1 else f"{p} * a(n - 1)"
    rule = f"a(n) = {ppart}{qpart}{extra}"
    doc = rng.choice([
        f"A sequence starts with a(0) = {x0} and a(1) = {x1}, and every later term follows {rule}. "
        f"Return a(n) for an integer n >= 0.",
        f"Return term number n (counting from 0) of the sequence with a(0) = {x0}, a(1) = {x1} and "
        f"{rule} for n >= 2.",
    ])
    if mod:
        doc += f" Because the terms can get huge, return the remainder of a(n) divided by {mod} (a value from 0 to {mod - 1})."
    tail = f"prev % {mod}" if mod else "prev"
    reference = f"""
def {fname}(n):
    prev, cur = {x0}, {x1}
    for _ in range(n):
        prev, cur = cur, {p} * cur + ({q}) * prev + ({r})
    return {tail}
"""
    wrong = [reference.replace("range(n)", "range(n + 1)"),
             reference.replace("range(n)", "range(max(n - 1, 0))")]
    if p != q:
        wrong.append(reference.replace(f"{p} * cur + ({q}) * prev", f"{q} * cur + ({p}) * prev"))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(3, 7),)],
        inputs=[(0,), (1,), (2,), (3,), (5,), (10,), (40,), (90,)] + [(rng.randint(4, 150),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_interest_cents", topic="numbers")
def interest_cents(rng):
    k = rng.choice([1, 2, 4, 12])
    half_up = rng.random() < 0.5
    compound = rng.random() < 0.65
    fname = gen.name(rng, "grow_balance", "balance_after", "savings_value", "accrue_interest")
    period = {1: "year", 2: "half-year", 4: "quarter", 12: "month"}[k]
    share = "" if k == 1 else f" divided by {k}"
    base = "the balance at the start of that " + period if compound else "the original deposit (never the growing balance)"
    rounding = ("rounded to the nearest whole cent, with exact halves rounded up" if half_up
                else "rounded down to a whole cent (any fraction of a cent is dropped)")
    doc = rng.choice([
        f"A deposit of cents (a non-negative integer number of cents) earns rate percent per year, where rate "
        f"is a non-negative integer. Interest is credited once per {period} for years years: each time it is "
        f"rate{share} percent of {base}, {rounding}, and is added to the balance. Return the final balance "
        f"in cents.",
        f"Return the balance in cents after years years, starting from cents cents. At the end of every "
        f"{period} the account receives interest of rate{share} percent of {base}; before it is added, that "
        f"interest is {rounding}. All arguments are non-negative integers.",
    ])
    source = "balance" if compound else "cents"
    rnd = "(2 * num + den) // (2 * den)" if half_up else "num // den"
    reference = f"""
def {fname}(cents, rate, years):
    balance = cents
    den = {100 * k}
    for _ in range(years * {k}):
        num = {source} * rate
        balance += {rnd}
    return balance
"""
    wrong = [reference.replace(f"num = {source} * rate", f"num = {'cents' if compound else 'balance'} * rate"),
             reference.replace(rnd, "num // den" if half_up else "(2 * num + den) // (2 * den)")]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(cents: int, rate: int, years: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(10, 500) * 100, rng.randint(1, 9), rng.randint(2, 5))],
        inputs=[(0, 5, 3), (100000, 0, 10), (100000, 12, 10), (760 * k, 1, 1), (5000, 3, 0), (1, 50, 2)]
        + [(rng.randint(0, 10 ** 6), rng.randint(0, 15), rng.randint(0, 30)) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
_UNIT_THEMES = [
    ("length", ["mm", "cm", "m", "km"], [1, 10, 1000, 1000000]),
    ("time", ["second", "minute", "hour", "day", "week"], [1, 60, 3600, 86400, 604800]),
    ("data", ["byte", "kb", "mb", "gb"], None),
    ("mass", ["mg", "g", "kg", "t"], [1, 1000, 1000000, 1000000000]),
    ("kitchen", ["drop", "pinch", "spoon", "cup", "jug"], None),
    ("trade", ["grain", "bead", "string", "bundle"], None),
]


@family("num_unit_convert", topic="numbers")
def unit_convert(rng):
    theme, names, sizes = rng.choice(_UNIT_THEMES)
    if theme == "data":
        step = rng.choice([1000, 1024])
        sizes = [1, step, step ** 2, step ** 3]
    elif sizes is None:
        sizes, acc = [], 1
        for _ in names:
            sizes.append(acc)
            acc *= rng.randint(2, 12)
    table = dict(zip(names, sizes))
    mode = rng.choice(["floor", "trunc", "half_up"])
    fname = gen.name(rng, "convert_units", "change_unit", "express_in", "unit_swap")
    listing = ", ".join(f"{u!r} = {s}" for u, s in table.items())
    rounding = {
        "floor": "rounded down to an integer (toward negative infinity, so -0.5 becomes -1)",
        "trunc": "with any fractional part cut off (rounded toward zero, so -0.5 becomes 0 and 2.9 becomes 2)",
        "half_up": "rounded to the nearest integer, where an exact half goes up (toward positive infinity: "
                   "2.5 becomes 3 and -2.5 becomes -2)",
    }[mode]
    doc = rng.choice([
        f"Convert amount (an integer, possibly negative) from the unit src to the unit dst and return the result "
        f"{rounding}. The units and their sizes, measured in {names[0]!r}, are: {listing}. src and dst are "
        f"always names from this list.",
        f"The known units, each given as how many {names[0]!r} it contains, are {listing}. Return how many dst "
        f"make up amount src, {rounding}; amount is an integer that may be negative, and both unit names are "
        f"in the table.",
    ])
    formula = {
        "floor": "    return total // size[dst]",
        "trunc": "    q = abs(total) // size[dst]\n    return q if total >= 0 else -q",
        "half_up": "    return (2 * total + size[dst]) // (2 * size[dst])",
    }
    head = f"def {fname}(amount, src, dst):\n    size = {table!r}\n    total = amount * size[src]\n"
    reference = head + formula[mode] + "\n"
    other = {"floor": "trunc", "trunc": "half_up", "half_up": "floor"}[mode]
    inverted = (f"def {fname}(amount, src, dst):\n    size = {table!r}\n    total = amount * size[dst]\n"
                + formula[mode].replace("size[dst]", "size[src]") + "\n")
    small, big = names[0], names[-1]
    d = sizes[-1]
    u = rng.randrange(len(names))
    v = rng.randrange(len(names))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(amount: int, src: str, dst: str) -> int:",
        doc=doc,
        reference=reference,
        wrong=[inverted, head + formula[other] + "\n"],
        examples=[(rng.randint(1, 9), names[-1], names[rng.randrange(len(names) - 1)])],
        inputs=[(0, small, big), (3, big, small), (d - 1, small, big), (-1, small, big), (-(d - 1), small, big),
                (d // 2, small, big), (-(d // 2), small, big), (7, names[1], names[0]), (5, names[1], names[1])]
        + [(rng.randint(-10 ** 6, 10 ** 7), names[rng.randrange(len(names))], names[rng.randrange(len(names))])
           for _ in range(3)] + [(rng.randint(-50, 50), names[u], names[v])]
        + [(rng.randint(-999, 999), names[i], names[i + 1]) for i in range(len(names) - 1)],
    )


# ---------------------------------------------------------------------------------------------
@family("num_day_of_year", topic="dates")
def day_of_year(rng):
    gregorian = rng.random() < 0.65
    out = rng.choice(["ordinal", "remaining", "week"])
    fname = gen.name(rng, *{
        "ordinal": ["day_of_year", "ordinal_day", "day_number"],
        "remaining": ["days_left_in_year", "days_until_year_end", "remaining_days"],
        "week": ["week_of_year", "week_number", "which_week"],
    }[out])
    if gregorian:
        leap = ("A year is a leap year when it is divisible by 4, except that years divisible by 100 are not, "
                "unless they are also divisible by 400.")
    else:
        leap = ("Use the old Julian rule: every year divisible by 4 is a leap year, with no exception for "
                "century years.")
    months = ("The months have 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30 and 31 days, except that February "
              "has 29 days in a leap year.")
    what = {
        "ordinal": "the position of that date within its year, where January 1 is day 1",
        "remaining": "how many days of the year are still left after that date (December 31 gives 0)",
        "week": ("the week of the year the date falls in, where days 1 to 7 of the year (January 1 being "
                 "day 1) form week 1, days 8 to 14 week 2, and so on"),
    }[out]
    doc = rng.choice([
        f"Given a valid calendar date as year, month (1-12) and day, return {what}. {leap} {months}",
        f"{leap} {months} For the valid date year-month-day (month counts from 1), return {what}.",
    ])
    leap_expr = ("year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)" if gregorian else "year % 4 == 0")
    final = {"ordinal": "ordinal", "remaining": "(366 if leap else 365) - ordinal",
             "week": "(ordinal - 1) // 7 + 1"}[out]
    reference = f"""
def {fname}(year, month, day):
    leap = {leap_expr}
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    ordinal = sum(lengths[:month - 1]) + day
    return {final}
"""
    wrong_rule = "year % 4 == 0" if gregorian else "year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)"
    wrong = [reference.replace(leap_expr, wrong_rule), reference.replace(leap_expr, "False")]
    rand = []
    for _ in range(4):
        m = rng.randint(1, 12)
        rand.append((rng.randint(1700, 2300), m, rng.randint(1, 28)))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(year: int, month: int, day: int) -> int:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(rng.randint(1990, 2030), rng.randint(3, 12), rng.randint(1, 28))],
        inputs=[(2023, 1, 1), (2023, 12, 31), (2024, 3, 4), (2024, 12, 31), (1900, 3, 4), (2100, 12, 31),
                (2000, 3, 4), (1999, 2, 28), (1800, 7, 15), (1900, 2, 10), (2100, 1, 20), (2024, 1, 5)] + rand,
    )


# ---------------------------------------------------------------------------------------------
@family("num_clock_gap", topic="dates")
def clock_gap(rng):
    sep = rng.choice([":", ":", "h", "."])
    same_full = rng.random() < 0.4
    as_text = rng.random() < 0.4
    fname = gen.name(rng, "minutes_between", "clock_gap", "time_until", "wait_duration")
    fmt = f"'HH{sep}MM'"
    same = ("If the two times are equal a full day has passed." if same_full
            else "If the two times are equal no time has passed.")
    result = ("Return the elapsed time as a string 'H:MM': the whole hours without leading zeros, a colon, "
              "and the remaining minutes as two digits (for example '0:05' or '13:40')." if as_text
              else "Return the number of minutes as an int.")
    doc = rng.choice([
        f"start and end are times of day on a 24-hour clock, each written as {fmt} with two-digit hours "
        f"(00-23) and minutes (00-59). Find how long it takes to get from start forward to end; when end is "
        f"earlier in the day than start, the wait runs past midnight into the next day. {same} {result}",
        f"Going forward in time from start to the next moment the clock shows end, how long is the wait? Both "
        f"times are 24-hour clock readings formatted {fmt} (hours 00-23, minutes 00-59), and the wait may "
        f"cross midnight. {same} {result}",
    ])
    conv = f"    h1, m1 = start.split({sep!r})\n    h2, m2 = end.split({sep!r})\n"
    gap = "    gap = (int(h2) * 60 + int(m2) - int(h1) * 60 - int(m1)) % 1440\n"
    fix = "    if gap == 0:\n        gap = 1440\n" if same_full else ""
    ret = "    return str(gap // 60) + ':' + str(gap % 60).zfill(2)\n" if as_text else "    return gap\n"
    reference = f"def {fname}(start, end):\n" + conv + gap + fix + ret
    wrong = [reference.replace(gap, "    gap = abs(int(h2) * 60 + int(m2) - int(h1) * 60 - int(m1))\n"),
             reference.replace(fix, "") if same_full else reference.replace(gap, gap + "    if gap == 0:\n        gap = 1440\n")]

    def t():
        return f"{rng.randint(0, 23):02d}{sep}{rng.randint(0, 59):02d}"
    same_t = t()
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(start: str, end: str) -> {'str' if as_text else 'int'}:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(t(), t())],
        inputs=[(f"23{sep}30", f"00{sep}15"), (f"00{sep}00", f"23{sep}59"), (f"10{sep}00", f"10{sep}00"),
                (same_t, same_t), (f"08{sep}05", f"17{sep}45"), (f"12{sep}00", f"11{sep}59"),
                (f"00{sep}01", f"00{sep}00")] + [(t(), t()) for _ in range(5)],
    )
