"""Families over dictionaries, records, parsing, small simulations and small grid/interval algorithms."""
from .. import gen
from ..family import Variant, family


def _t(src, **kw):
    """Fills `$KEY` placeholders in a code template (longest keys first, so no key eats another)."""
    for key in sorted(kw, key=len, reverse=True):
        src = src.replace("$" + key, str(kw[key]))
    return src


def _sp(rng):
    return rng.choice(["", "", "", " "])


# ---------------------------------------------------------------------------------------------
# 1. key/value settings string -> dict
# ---------------------------------------------------------------------------------------------

@family("rec_parse_pairs", topic="parsing")
def rec_parse_pairs(rng):
    ps = rng.choice([";", ",", "&", "|"])
    kv = rng.choice(["=", ":", "->"])
    keep_first = rng.random() < 0.5
    bools = rng.random() < 0.5
    fname = gen.name(rng, "parse_pairs", "pairs_to_dict", "read_settings", "parse_options")

    def build(first, ints, negatives, with_bools):
        lines = [
            "def $F(text):",
            "    result = {}",
            "    for piece in text.split($PS):",
            "        if $KV not in piece:",
            "            continue",
            "        key, value = piece.split($KV, 1)",
            "        key = key.strip()",
            "        value = value.strip()",
            "        if not key:",
            "            continue",
        ]
        if first:
            lines += ["        if key in result:", "            continue"]
        if ints and negatives:
            lines += ["        digits = value[1:] if value.startswith('-') else value"]
        elif ints:
            lines += ["        digits = value"]
        if ints:
            lines += ["        if digits and all(c in '0123456789' for c in digits):",
                      "            result[key] = int(value)",
                      "            continue"]
        if with_bools:
            lines += ["        if value in ('true', 'false'):",
                      "            result[key] = value == 'true'",
                      "            continue"]
        lines += ["        result[key] = value", "    return result"]
        return _t("\n".join(lines) + "\n", F=fname, PS=repr(ps), KV=repr(kv))

    reference = build(keep_first, True, True, bools)
    wrong = [build(not keep_first, True, True, bools), build(keep_first, False, False, bools),
             build(keep_first, True, False, bools)]
    if bools:
        wrong.append(build(keep_first, True, True, False))

    intro = rng.choice([
        f"text holds settings separated by {ps!r}; each setting is a key and a value joined by {kv!r}. "
        f"Return the settings as a dict.",
        f"Turn text into a dict. Settings in text are separated by {ps!r}, and inside a setting the key "
        f"comes first, then {kv!r}, then the value.",
    ])
    conv = "A value written as an optional minus sign followed by one or more digits is stored as an int"
    conv += ("; the exact words 'true' and 'false' become True and False; " if bools else "; ")
    conv += "every other value stays a string (possibly empty)."
    doc = (f"{intro} Split each setting at its first {kv!r} only, and strip surrounding spaces from keys "
           f"and values. Settings that contain no {kv!r}, or whose key is empty after stripping, are skipped. "
           f"{conv} If a key occurs more than once, the {'first' if keep_first else 'last'} occurrence wins. "
           f"An empty text gives an empty dict.")

    keys = ["a", "b", "mode", "size", "name", "level", "x"]

    def value():
        return rng.choice([str(rng.randint(-50, 200)), gen.word(rng), "true", "false", "", "-" + gen.word(rng)])

    def setting():
        return f"{_sp(rng)}{rng.choice(keys)}{_sp(rng)}{kv}{_sp(rng)}{value()}{_sp(rng)}"

    def text(lo, hi):
        return ps.join(setting() for _ in range(rng.randint(lo, hi)))

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> dict:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[(f"{rng.choice(keys)}{kv}{rng.randint(1, 99)}{ps}{gen.word(rng)}{kv}{gen.word(rng)}",)],
        inputs=[("",), (" ",), (f"a{kv}1{ps}b{kv}x{ps}a{kv}2",), (f"n{kv}-7{ps}flag{ps} {kv}3{ps}e{kv}",),
                (f"on{kv}true{ps}off{kv}false{ps}t{kv}True",), (f"x{kv}1{kv}2",),
                (f"v{kv}--3{ps}w{kv}-{ps}z{kv}007",)] + [(text(2, 6),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 2. group words into a dict of lists
# ---------------------------------------------------------------------------------------------

@family("rec_group_words", topic="dicts")
def rec_group_words(rng):
    key = rng.choice(["first", "last", "len"])
    ordered = rng.random() < 0.5
    dedupe = rng.random() < 0.5
    fname = gen.name(rng, "group_words", "bucket_words", "words_by_key", "cluster_words")
    key_expr = {"first": "w[0]", "last": "w[-1]", "len": "len(w)"}
    key_desc, key_plural = {"first": ("first letter", "first letters"), "last": ("last letter", "last letters"),
                            "len": ("length in characters", "word lengths")}[key]

    def build(k, srt, dd):
        lines = ["def $F(words):", "    groups = {}", "    for w in words:",
                 f"        bucket = groups.setdefault({key_expr[k]}, [])"]
        if dd:
            lines += ["        if w in bucket:", "            continue"]
        lines += ["        bucket.append(w)"]
        lines += ["    return {k: sorted(v) for k, v in groups.items()}" if srt else "    return groups"]
        return _t("\n".join(lines) + "\n", F=fname)

    wrong_key = {"first": "last", "last": "first", "len": "first"}[key]
    doc = rng.choice([
        f"Group the words by their {key_desc}: return a dict that maps each {key_desc} occurring among "
        f"words to the list of words having it.",
        f"Build a dict whose keys are the {key_plural} found in words and whose values are lists of the "
        f"words with that {key_desc}.",
    ])
    doc += (" Each list is sorted alphabetically." if ordered
            else " Each list keeps the words in the order they appear in words.")
    doc += (" A word that occurs several times is listed only once in its group." if dedupe
            else " A word that occurs several times is listed once per occurrence.")
    doc += " Words are non-empty lowercase strings; an empty list gives an empty dict."
    ktype = "int" if key == "len" else "str"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(words: list[str]) -> dict[{ktype}, list[str]]:",
        doc=doc,
        reference=build(key, ordered, dedupe),
        wrong=[build(key, not ordered, dedupe), build(key, ordered, not dedupe), build(wrong_key, ordered, dedupe)],
        examples=[(gen.words(rng, 4, 6),)],
        inputs=[([],), (["solo"],), (["pear", "plum", "peach", "dog", "cat", "ant"],),
                (["apple", "apple", "avid"],)] + [(gen.words(rng, 2, 10),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 3. invert a dict with a collision rule
# ---------------------------------------------------------------------------------------------

_INVERT = {
    "first": ("    for key, value in mapping.items():\n"
              "        if value not in result:\n"
              "            result[value] = key\n"
              "    return result\n"),
    "last": ("    for key, value in mapping.items():\n"
             "        result[value] = key\n"
             "    return result\n"),
    "smallest": ("    for key, value in mapping.items():\n"
                 "        if value not in result or key < result[value]:\n"
                 "            result[value] = key\n"
                 "    return result\n"),
    "largest": ("    for key, value in mapping.items():\n"
                "        if value not in result or key > result[value]:\n"
                "            result[value] = key\n"
                "    return result\n"),
    "all": ("    for key, value in mapping.items():\n"
            "        result.setdefault(value, []).append(key)\n"
            "    return {v: sorted(ks) for v, ks in result.items()}\n"),
    "all_unsorted": ("    for key, value in mapping.items():\n"
                     "        result.setdefault(value, []).append(key)\n"
                     "    return result\n"),
}


@family("rec_invert_dict", topic="dicts")
def rec_invert_dict(rng):
    rule = rng.choice(["first", "last", "smallest", "largest", "all"])
    fname = gen.name(rng, "invert", "invert_mapping", "flip_dict", "reverse_lookup")

    def build(r):
        return f"def {fname}(mapping):\n    result = {{}}\n" + _INVERT[r]

    wrong_rules = {"first": ["last"], "last": ["first"], "smallest": ["first", "largest"],
                   "largest": ["smallest", "last"], "all": ["all_unsorted", "last"]}[rule]
    head = rng.choice([
        "Invert mapping: return a dict in which every value of mapping becomes a key",
        "Swap keys and values of mapping: the result has one entry per distinct value of mapping",
    ])
    tail = {
        "first": "mapped to the key of mapping that held it. When several keys share a value, keep the one "
                 "that comes first in mapping's iteration (insertion) order.",
        "last": "mapped to the key of mapping that held it. When several keys share a value, keep the one "
                "that comes last in mapping's iteration (insertion) order.",
        "smallest": "mapped to the key of mapping that held it. When several keys share a value, keep the "
                    "alphabetically smallest of those keys.",
        "largest": "mapped to the key of mapping that held it. When several keys share a value, keep the "
                   "alphabetically largest of those keys.",
        "all": "mapped to the list of all keys of mapping that held it, sorted alphabetically (a list even "
               "when there is only one such key).",
    }[rule]
    out_type = "dict[int, list[str]]" if rule == "all" else "dict[int, str]"

    def rand_map():
        keys = rng.sample(gen.WORDS, rng.randint(2, 7))
        return {k: rng.randint(0, 3) for k in keys}

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(mapping: dict[str, int]) -> {out_type}:",
        doc=f"{head}, {tail} An empty mapping gives an empty dict.",
        reference=build(rule),
        wrong=[build(r) for r in wrong_rules],
        examples=[(rand_map(),)],
        inputs=[({},), ({"m": 1, "a": 1, "z": 1, "c": 1},), ({"x": 2},), ({"b": 1, "a": 2, "c": 1},)]
        + [(rand_map(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 4. merge two dicts with a combine rule
# ---------------------------------------------------------------------------------------------

_COMBINE = {
    "sum": ("result[key] = result[key] + value", "the sum of the two values"),
    "max": ("result[key] = max(result[key], value)", "the larger of the two values"),
    "min": ("result[key] = min(result[key], value)", "the smaller of the two values"),
    "first": ("", "the value from first (the one from second is ignored)"),
    "second": ("result[key] = value", "the value from second (the one from first is ignored)"),
}


@family("rec_merge_dicts", topic="dicts")
def rec_merge_dicts(rng):
    rule = rng.choice(sorted(_COMBINE))
    drop_zero = rng.random() < 0.5
    fname = gen.name(rng, "merge_counts", "combine_dicts", "merge_maps", "blend_tallies")

    def build(r, dz):
        src = (f"def {fname}(first, second):\n"
               f"    result = dict(first)\n"
               f"    for key, value in second.items():\n")
        if r == "first":
            src += "        if key not in result:\n            result[key] = value\n"
        else:
            src += (f"        if key in result:\n"
                    f"            {_COMBINE[r][0]}\n"
                    f"        else:\n"
                    f"            result[key] = value\n")
        if dz:
            src += "    return {k: v for k, v in result.items() if v != 0}\n"
        else:
            src += "    return result\n"
        return src

    wrong_rule = {"sum": "max", "max": "sum", "min": "first", "first": "second", "second": "first"}[rule]
    head = rng.choice([
        "Merge the dicts first and second into a new dict.",
        "Return a new dict holding every key of first and of second.",
        "Combine two tallies, first and second, into one new dict.",
    ])
    doc = (f"{head} A key present in only one of them keeps its value. A key present in both gets "
           f"{_COMBINE[rule][1]}.")
    doc += (" Finally, every key whose resulting value is 0 is left out of the result." if drop_zero
            else " Keys whose value is 0 are kept like any other.")
    doc += " Neither input may be modified."

    def rand_dict():
        keys = rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(0, 4))
        return {k: rng.randint(-5, 9) for k in keys}

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:",
        doc=doc,
        reference=build(rule, drop_zero),
        wrong=[build(wrong_rule, drop_zero), build(rule, not drop_zero)],
        examples=[({"a": rng.randint(1, 9), "b": rng.randint(1, 9)}, {"b": rng.randint(1, 9), "c": rng.randint(1, 9)})],
        inputs=[({}, {}), ({"x": 3, "y": 7}, {"x": 5, "y": 2}), ({"q": 0}, {"r": 4}), ({"w": 4}, {"w": -4}),
                ({"k": 1}, {})] + [(rand_dict(), rand_dict()) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 5. nested lookup by a separated path
# ---------------------------------------------------------------------------------------------

@family("rec_path_lookup", topic="dicts")
def rec_path_lookup(rng):
    sep = rng.choice([".", "/", ":", ">"])
    lists = rng.random() < 0.5
    fname = gen.name(rng, "lookup", "get_path", "dig", "fetch_nested")

    def build(use_lists, missing="default"):
        lines = [f"def {fname}(data, path, default):",
                 "    if path == '':",
                 "        return data",
                 "    current = data",
                 f"    for part in path.split({sep!r}):",
                 "        if isinstance(current, dict) and part in current:",
                 "            current = current[part]"]
        if use_lists:
            lines += ["        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):",
                      "            current = current[int(part)]"]
        lines += ["        else:", f"            return {missing}", "    return current"]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        f"Follow path through the nested structure data and return the value found there. path is a "
        f"sequence of keys joined by {sep!r}; each key selects an entry of the dict reached so far.",
        f"Walk into data one step per segment of path (segments are separated by {sep!r}): every segment "
        f"names a key of the current dict, and the value under it becomes the current value.",
    ])
    if lists:
        doc += (" When the current value is a list and the segment consists only of the digits 0-9, the "
                "segment is used as an index into that list instead.")
    else:
        doc += " Only dicts can be stepped into; lists and all other values cannot."
    doc += (" If some step is impossible (the key is missing, the index is out of range, or the current "
            "value cannot be stepped into), return default. An empty path returns data itself.")

    k = rng.sample(gen.WORDS, 7)
    data = {k[0]: {k[1]: {k[2]: rng.randint(1, 99)}, k[3]: [rng.randint(1, 9), {k[4]: gen.word(rng)}],
                   k[5]: "text"}, k[6]: rng.randint(100, 999)}

    def p(*parts):
        return sep.join(parts)

    def dflt():
        return rng.choice([None, -1, "?", 0])

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(data: dict, path: str, default: object) -> object:",
        doc=doc,
        reference=build(lists),
        wrong=[build(lists, "None"), build(not lists)],
        examples=[(data, p(k[0], k[1], k[2]), None), (data, p(k[0], k[3], "1", k[4]), "missing")],
        inputs=[(data, p(k[0], k[1]), None), (data, p(k[0], k[3], "0"), -1), (data, p(k[0], k[3], "5"), "none"),
                (data, p(k[0], k[5], "x"), "none"), (data, p(k[6]), dflt()), (data, p(k[6], k[1]), "missing"),
                (data, p(k[0], "nope", k[2]), -1), (data, p(k[0], k[1], "nope"), 0), (data, "", None),
                (data, p(k[0], k[3]), dflt()), ({}, p("a"), "empty"), ({"a": {"b": None}}, p("a", "b"), 5)],
    )


# ---------------------------------------------------------------------------------------------
# 6. inventory updates
# ---------------------------------------------------------------------------------------------

@family("rec_inventory", topic="simulation")
def rec_inventory(rng):
    rule = rng.choice(["reject", "clamp", "allow"])
    fold = rng.random() < 0.5
    fname = gen.name(rng, "update_stock", "apply_changes", "restock", "adjust_inventory")

    def build(r, fd, remove_zero=True):
        lines = [f"def {fname}(stock, changes):",
                 "    result = dict(stock)",
                 "    for item, delta in changes:",
                 "        name = item.lower()" if fd else "        name = item",
                 "        new = result.get(name, 0) + delta"]
        if r == "reject":
            lines += ["        if new < 0:", "            continue"]
        elif r == "clamp":
            lines += ["        new = max(new, 0)"]
        if remove_zero:
            lines += ["        if new == 0:", "            result.pop(name, None)", "        else:",
                      "            result[name] = new"]
        else:
            lines += ["        result[name] = new"]
        lines += ["    return result"]
        return "\n".join(lines) + "\n"

    other = {"reject": "clamp", "clamp": "allow", "allow": "reject"}[rule]
    head = rng.choice([
        "stock maps item names to counts. Apply the (item, delta) pairs of changes in order, adding delta to "
        "the item's count, and return the resulting stock as a new dict.",
        "Simulate a storeroom: starting from a copy of stock (item name -> count), process changes, a list of "
        "(item, delta) pairs, one after another, adding each delta to that item's count. Return the final counts.",
    ])
    rule_text = {
        "reject": "A change that would make a count negative is ignored entirely.",
        "clamp": "A count that would become negative becomes 0 instead.",
        "allow": "Counts are allowed to become negative.",
    }[rule]
    fold_text = ("Item names in changes are matched ignoring case, and the result uses their lowercase "
                 "form (the keys of stock are already lowercase)." if fold else
                 "Item names are case-sensitive: 'Tea' and 'tea' are different items.")
    doc = (f"{head} An item missing from the stock starts at 0. {rule_text} Whenever a count ends up exactly "
           f"0 the item is removed from the dict. {fold_text}")

    def rand_case():
        names = rng.sample(gen.WORDS, rng.randint(0, 4))
        stock = {n: rng.randint(1, 9) for n in names}
        pool = names + [gen.word(rng)]
        changes = []
        for _ in range(rng.randint(0, 7)):
            n = rng.choice(pool)
            n = rng.choice([n, n, n, n.upper(), n.capitalize()])
            changes.append((n, rng.randint(-6, 6)))
        return (stock, changes)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(stock: dict[str, int], changes: list[tuple[str, int]]) -> dict[str, int]:",
        doc=doc,
        reference=build(rule, fold),
        wrong=[build(rule, fold, remove_zero=False), build(other, fold), build(rule, not fold)],
        examples=[({"tea": rng.randint(2, 6), "jam": 1}, [("tea", -rng.randint(1, 2)), ("jam", -1), ("egg", 3)])],
        inputs=[({}, []), ({"a": 2}, [("a", -2)]), ({"a": 1}, [("a", -3)]), ({"tea": 1}, [("TEA", 2)]),
                ({"b": 4}, [("c", 0), ("b", 1), ("b", -6), ("b", 2)])] + [rand_case() for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 7. robot on a bounded grid
# ---------------------------------------------------------------------------------------------

@family("rec_grid_walk", topic="simulation")
def rec_grid_walk(rng):
    up, down, left, right = rng.choice([("U", "D", "L", "R"), ("N", "S", "W", "E"),
                                        ("^", "v", "<", ">"), ("w", "s", "a", "d")])
    up_dy = rng.choice([1, -1])
    wrap = rng.random() < 0.5
    fname = gen.name(rng, "walk", "final_position", "run_robot", "drive")

    def build(dy, wr):
        lines = [f"def {fname}(commands, width, height, start):",
                 "    x, y = start",
                 "    for c in commands:",
                 f"        if c == {up!r}:", f"            dx, dy = 0, {dy}",
                 f"        elif c == {down!r}:", f"            dx, dy = 0, {-dy}",
                 f"        elif c == {left!r}:", "            dx, dy = -1, 0",
                 f"        elif c == {right!r}:", "            dx, dy = 1, 0",
                 "        else:", "            continue",
                 "        nx, ny = x + dx, y + dy"]
        if wr:
            lines += ["        x, y = nx % width, ny % height"]
        else:
            lines += ["        if 0 <= nx < width and 0 <= ny < height:", "            x, y = nx, ny"]
        lines += ["    return (x, y)"]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        "A robot moves on a grid of width columns (x from 0 to width - 1) and height rows (y from 0 to "
        "height - 1), beginning at the cell start = (x, y).",
        "Track a robot on a width-by-height board whose cells are (x, y) with 0 <= x < width and "
        "0 <= y < height; it begins at start.",
    ])
    doc += (f" Each character of commands is one step: {up!r} is up, {down!r} is down, {left!r} is left "
            f"(x decreases by 1) and {right!r} is right (x increases by 1). Going up makes y "
            f"{'larger' if up_dy == 1 else 'smaller'} by 1 and going down makes it "
            f"{'smaller' if up_dy == 1 else 'larger'} by 1. Any other character is ignored.")
    doc += (" A step that would leave the board wraps around to the cell on the opposite edge." if wrap
            else " A step that would leave the board is skipped, and the robot stays where it is.")
    doc += " Return the final position as a tuple (x, y)."
    alphabet = up + down + left + right

    def rand_case():
        w, h = rng.randint(1, 5), rng.randint(1, 5)
        cmds = "".join(rng.choice(alphabet + alphabet + "?.") for _ in range(rng.randint(0, 12)))
        return (cmds, w, h, (rng.randrange(w), rng.randrange(h)))

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(commands: str, width: int, height: int, start: tuple[int, int]) -> tuple[int, int]:",
        doc=doc,
        reference=build(up_dy, wrap),
        wrong=[build(-up_dy, wrap), build(up_dy, not wrap)],
        examples=[("".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6))) + "?" + left, 4, 4,
                   (rng.randint(0, 3), rng.randint(0, 3)))],
        inputs=[("", 3, 3, (1, 1)), (up, 3, 3, (1, 1)), (left * 3, 2, 2, (0, 0)), (down * 4, 3, 3, (2, 0)),
                (right * 2 + "x" + up, 1, 1, (0, 0))] + [rand_case() for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 8. evaluate + - * expression without eval
# ---------------------------------------------------------------------------------------------

@family("rec_eval_expr", topic="parsing")
def rec_eval_expr(rng):
    mul = rng.choice(["*", "x"])
    precedence = rng.random() < 0.5
    fname = gen.name(rng, "evaluate", "calc", "compute", "eval_simple")

    def build(prec, overwrite=False):
        digit = "num = int(ch)" if overwrite else "num = (num if num is not None else 0) * 10 + int(ch)"
        lines = [f"def {fname}(expr):",
                 "    tokens = []",
                 "    num = None",
                 "    for ch in expr:",
                 "        if ch.isdigit():",
                 f"            {digit}",
                 f"        elif ch in '+-{mul}':",
                 "            tokens.append(num)",
                 "            tokens.append(ch)",
                 "            num = None",
                 "    tokens.append(num)"]
        if prec:
            lines += ["    total = 0",
                      "    sign = 1",
                      "    term = tokens[0]",
                      "    for i in range(1, len(tokens), 2):",
                      "        op, n = tokens[i], tokens[i + 1]",
                      f"        if op == {mul!r}:",
                      "            term *= n",
                      "        else:",
                      "            total += sign * term",
                      "            sign = 1 if op == '+' else -1",
                      "            term = n",
                      "    return total + sign * term"]
        else:
            lines += ["    acc = tokens[0]",
                      "    for i in range(1, len(tokens), 2):",
                      "        op, n = tokens[i], tokens[i + 1]",
                      "        if op == '+':",
                      "            acc += n",
                      "        elif op == '-':",
                      "            acc -= n",
                      "        else:",
                      "            acc *= n",
                      "    return acc"]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        f"expr is an arithmetic expression made of non-negative integers and the operators '+', '-' and "
        f"{mul!r} (which means multiplication). Compute its integer value without using eval or exec.",
        f"Evaluate expr without eval or exec. It contains non-negative whole numbers separated by binary "
        f"operators: '+' adds, '-' subtracts and {mul!r} multiplies.",
    ])
    doc += (" Spaces may appear around the operators and must be ignored; they never occur inside a number. "
            "There are no parentheses and no unary minus, and expr always holds at least one number.")
    doc += (f" Use the usual precedence: every {mul!r} is applied before any '+' or '-', and '+' and '-' are "
            f"then applied from left to right." if precedence else
            " All operators have the same precedence and are applied strictly from left to right, so the "
            "running result is combined with the next number each time.")

    def rand_expr():
        parts = [str(rng.choice([rng.randint(0, 20), rng.randint(0, 120)]))]
        for _ in range(rng.randint(1, 4)):
            parts += [_sp(rng) + rng.choice(["+", "-", mul]) + _sp(rng), str(rng.randint(0, 20))]
        return "".join(parts)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(expr: str) -> int:",
        doc=doc,
        reference=build(precedence),
        wrong=[build(not precedence), build(precedence, overwrite=True)],
        examples=[(f"{rng.randint(1, 9)} + {rng.randint(2, 9)} {mul} {rng.randint(2, 9)}",)],
        inputs=[("7",), (f"2+3{mul}4",), ("12 - 5",), ("10-4-3",), (f"2{mul}3+4{mul}5",), (f"0{mul}9 + 1",),
                (f"15 {mul} 10",)] + [(rand_expr(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 9. merge intervals
# ---------------------------------------------------------------------------------------------

@family("rec_merge_intervals", topic="algorithms")
def rec_merge_intervals(rng):
    touching = rng.random() < 0.5
    out = rng.choice(["list", "count", "longest"])
    fname = gen.name(rng, "merge_intervals", "join_ranges", "coalesce", "merge_spans")

    def build(touch, sort=True):
        lines = [f"def {fname}(intervals):",
                 "    merged = []",
                 "    for start, end in " + ("sorted(intervals):" if sort else "intervals:"),
                 f"        if merged and start {'<=' if touch else '<'} merged[-1][1]:",
                 "            merged[-1] = (merged[-1][0], max(merged[-1][1], end))",
                 "        else:",
                 "            merged.append((start, end))",
                 {"list": "    return merged",
                  "count": "    return len(merged)",
                  "longest": "    return max((e - s for s, e in merged), default=0)"}[out]]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        "intervals is a list of (start, end) pairs of integers with start < end, in any order.",
        "Each element of intervals is a pair (start, end) of integers with start < end; the list is not sorted.",
    ])
    doc += (" Merge them into blocks: go through the intervals sorted by start (then by end), and join each "
            "one to the current block when its start is "
            + ("less than or equal to the block's end (so intervals that merely touch are joined)"
               if touching else "strictly less than the block's end (so intervals that merely touch stay apart)")
            + "; otherwise it begins a new block. A block spans from its first start to the largest end joined into it.")
    doc += {"list": " Return the blocks as a list of (start, end) tuples in increasing order; [] for no intervals.",
            "count": " Return how many blocks there are (0 for an empty list).",
            "longest": " Return the length (end - start) of the longest block, or 0 for an empty list."}[out]
    ret = {"list": "list[tuple[int, int]]", "count": "int", "longest": "int"}[out]

    def rand_list():
        res = []
        for _ in range(rng.randint(1, 6)):
            s = rng.randint(0, 20)
            res.append((s, s + rng.randint(1, 6)))
        return res

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(intervals: list[tuple[int, int]]) -> {ret}:",
        doc=doc,
        reference=build(touching),
        wrong=[build(not touching), build(touching, sort=False)],
        examples=[(rand_list(),)],
        inputs=[([],), ([(1, 3), (3, 5)],), ([(5, 6), (1, 2)],), ([(1, 2), (10, 11), (3, 20)],), ([(4, 9)],),
                ([(1, 10), (2, 3), (4, 5)],)] + [(rand_list(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 10. islands in a character grid
# ---------------------------------------------------------------------------------------------

@family("rec_count_islands", topic="algorithms")
def rec_count_islands(rng):
    land, water = rng.choice([("#", "."), ("X", "o"), ("1", "0"), ("@", "~")])
    diag = rng.random() < 0.5
    out = rng.choice(["count", "largest", "sizes"])
    fname = gen.name(rng, "islands", "land_masses", "count_regions", "island_report")
    four = "((1, 0), (-1, 0), (0, 1), (0, -1))"
    eight = "((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))"

    def build(dg, ret=None):
        ret = ret or {"count": "len(sizes)", "largest": "max(sizes, default=0)", "sizes": "sorted(sizes)"}[out]
        return _t("""def $F(grid):
    rows = len(grid)
    seen = set()
    sizes = []
    for r in range(rows):
        for c in range(len(grid[r])):
            if grid[r][c] != $LAND or (r, c) in seen:
                continue
            seen.add((r, c))
            stack = [(r, c)]
            size = 0
            while stack:
                cr, cc = stack.pop()
                size += 1
                for dr, dc in $STEPS:
                    nr, nc = cr + dr, cc + dc
                    if 0 <= nr < rows and 0 <= nc < len(grid[nr]) and grid[nr][nc] == $LAND and (nr, nc) not in seen:
                        seen.add((nr, nc))
                        stack.append((nr, nc))
            sizes.append(size)
    return $RET
""", F=fname, LAND=repr(land), STEPS=eight if dg else four, RET=ret)

    wrong = [build(not diag)]
    if out == "sizes":
        wrong.append(build(diag, "sorted(sizes, reverse=True)"))
    elif out == "largest":
        wrong.append(build(diag, "len(sizes)"))
    doc = rng.choice([
        f"grid is a list of equal-length strings; the character {land!r} marks land and every other "
        f"character (normally {water!r}) is water.",
        f"Each string of grid is one row of a map in which {land!r} is a land cell and anything else "
        f"(such as {water!r}) is water; all rows have the same length.",
    ])
    doc += (" An island is a maximal group of land cells connected through neighbours, where a cell's "
            "neighbours are the cells " + ("sharing a side or a corner with it (8 directions)." if diag
                                           else "directly above, below, left and right of it (diagonals do not count)."))
    doc += {"count": " Return the number of islands (0 when there is no land).",
            "largest": " Return the number of cells in the largest island, or 0 when there is no land.",
            "sizes": " Return the sizes (cell counts) of all islands as a list sorted in increasing order; "
                     "[] when there is no land."}[out]

    def rand_grid():
        rows, cols = rng.randint(2, 6), rng.randint(2, 7)
        return ["".join(land if rng.random() < 0.42 else water for _ in range(cols)) for _ in range(rows)]

    def g(*rows):
        return [row.replace("#", land).replace(".", water) for row in rows]

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(grid: list[str]) -> {'list[int]' if out == 'sizes' else 'int'}:",
        doc=doc,
        reference=build(diag),
        wrong=wrong,
        examples=[(rand_grid(),)],
        inputs=[([],), (g("..", ".."),), (g("#.", ".#"),), (g("##.", "...", "#.."),), (g("###", "#.#", "###"),),
                (g("#.#.#", ".#.#.", "#...#"),)] + [(rand_grid(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 11. shortest path in a grid (BFS)
# ---------------------------------------------------------------------------------------------

@family("rec_grid_path", topic="algorithms")
def rec_grid_path(rng):
    s_ch, g_ch = rng.choice([("S", "G"), ("A", "B"), ("s", "e"), ("@", "*")])
    wall = rng.choice(["#", "X", "%"])
    diag = rng.random() < 0.5
    cells = rng.random() < 0.5
    fname = gen.name(rng, "shortest_path", "path_length", "distance_to_goal", "route_length")
    four = "((1, 0), (-1, 0), (0, 1), (0, -1))"
    eight = "((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))"

    def build(dg, cl, fail="-1"):
        return _t("""def $F(grid):
    start = goal = None
    for r, row in enumerate(grid):
        for c, ch in enumerate(row):
            if ch == $S:
                start = (r, c)
            elif ch == $G:
                goal = (r, c)
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            return dist[(r, c)]$PLUS
        for dr, dc in $STEPS:
            nr, nc = r + dr, c + dc
            if 0 <= nr < len(grid) and 0 <= nc < len(grid[nr]) and grid[nr][nc] != $WALL and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return $FAIL
""", F=fname, S=repr(s_ch), G=repr(g_ch), WALL=repr(wall), STEPS=eight if dg else four,
                  PLUS=" + 1" if cl else "", FAIL=fail)

    doc = rng.choice([
        f"grid is a rectangular map given as a list of strings. It contains exactly one start cell "
        f"{s_ch!r} and one goal cell {g_ch!r}; cells marked {wall!r} are walls and every other cell is open.",
        f"Find the shortest route across grid (a list of equal-length strings) from the single cell "
        f"{s_ch!r} to the single cell {g_ch!r}. Cells containing {wall!r} are blocked; all other cells, "
        f"including the start and goal, can be entered.",
    ])
    doc += (" In one move you go to a neighbouring cell " +
            ("in any of the 8 directions (sides and corners; a diagonal move is allowed even when both cells "
             "beside it are walls)." if diag else "above, below, left or right (no diagonal moves).") +
            " You may not leave the grid.")
    doc += (" Return the number of cells on a shortest route, counting both the start and the goal cell "
            "(that is, the number of moves plus 1)." if cells else
            " Return the smallest number of moves needed to reach the goal.")
    doc += " If the goal cannot be reached, return -1."

    def rand_grid():
        rows, cols = rng.randint(2, 6), rng.randint(2, 7)
        cells_ = [[wall if rng.random() < 0.3 else "." for _ in range(cols)] for _ in range(rows)]
        a, b = rng.sample([(r, c) for r in range(rows) for c in range(cols)], 2)
        cells_[a[0]][a[1]] = s_ch
        cells_[b[0]][b[1]] = g_ch
        return ["".join(row) for row in cells_]

    def g(*rows):
        return [row.replace("S", s_ch).replace("G", g_ch).replace("#", wall) for row in rows]

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(grid: list[str]) -> int:",
        doc=doc,
        reference=build(diag, cells),
        imports="from collections import deque",
        wrong=[build(diag, not cells), build(not diag, cells), build(diag, cells, fail="0")],
        examples=[(g("S..#", ".#..", "...G"),)],
        inputs=[(g("S#", "#G"),), (g("S.G"),), (g("S#G"),), (g("SG"),), (g("S...", "###.", "G..."),),
                (g("S.#.", "..#.", "..#G"),)] + [(rand_grid(),) for _ in range(6)],
    )


# ---------------------------------------------------------------------------------------------
# 12. version strings
# ---------------------------------------------------------------------------------------------

@family("rec_version_compare", topic="parsing")
def rec_version_compare(rng):
    sep = rng.choice([".", "-", "_"])
    pad = rng.random() < 0.5
    out = rng.choice(["cmp", "newer", "pick"])
    fname = gen.name(rng, "compare_versions", "version_order", "newer_version", "check_release")

    def build(pd, as_int=True):
        conv = "int(p)" if as_int else "p"
        lines = [f"def {fname}(a, b):",
                 f"    xs = [{conv} for p in a.split({sep!r})]",
                 f"    ys = [{conv} for p in b.split({sep!r})]"]
        if pd:
            zero = "0" if as_int else "'0'"
            lines += ["    n = max(len(xs), len(ys))",
                      f"    xs += [{zero}] * (n - len(xs))",
                      f"    ys += [{zero}] * (n - len(ys))"]
        lines += ["    c = (xs > ys) - (xs < ys)",
                  {"cmp": "    return c", "newer": "    return c > 0", "pick": "    return a if c >= 0 else b"}[out]]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        f"a and b are version strings: non-negative integers joined by {sep!r}, such as "
        f"{sep.join(['2', '10', '1'])!r}.",
        f"Versions are written as whole numbers separated by {sep!r} (for example {sep.join(['1', '4'])!r}); "
        f"a and b are two such versions.",
    ])
    doc += (" Compare them part by part from the left, reading each part as an integer (so leading zeros "
            "do not matter and 10 is greater than 9); the first differing part decides.")
    doc += (" A version with fewer parts is treated as if padded with zero parts, so '1' and '1" + sep +
            "0' are equal." if pad else
            " If one version runs out of parts while all shared parts are equal, the shorter one is the "
            "older, so '1' is older than '1" + sep + "0'.")
    doc += {"cmp": " Return 1 if a is newer than b, -1 if a is older, and 0 if they are equal.",
            "newer": " Return True if a is strictly newer than b, else False.",
            "pick": " Return the newer of the two strings, exactly as given; if they are equal, return a."}[out]
    ret = {"cmp": "int", "newer": "bool", "pick": "str"}[out]

    def rand_version():
        return sep.join(str(rng.randint(0, 12)) for _ in range(rng.randint(1, 4)))

    def v(*parts):
        return sep.join(parts)

    base = [rng.randint(0, 12) for _ in range(rng.randint(1, 3))]
    near = [str(x) for x in base] + [str(rng.randint(0, 3))]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(a: str, b: str) -> {ret}:",
        doc=doc,
        reference=build(pad),
        wrong=[build(not pad), build(pad, as_int=False)],
        examples=[(rand_version(), rand_version())],
        inputs=[(v("1", "10"), v("1", "9")), (v("2", "0"), "2"), ("2", v("2", "0")), (v("3", "1"), v("3", "1")),
                (v("0", "9", "9"), "1"), (v("1", "2", "3"), v("1", "2", "10")), (v("1", "02"), v("1", "2")),
                (v(*near), v(*[str(x) for x in base]))] + [(rand_version(), rand_version()) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 13. split a line with quoted fields
# ---------------------------------------------------------------------------------------------

@family("rec_split_quoted", topic="parsing")
def rec_split_quoted(rng):
    delim = rng.choice([",", ";", "|"])
    quote = rng.choice(['"', "'"])
    strip = rng.random() < 0.5
    empty_none = rng.random() < 0.5
    fname = gen.name(rng, "split_fields", "parse_line", "split_record", "read_row")

    def build(st, en, keep_quotes=False, naive=False):
        lines = [f"def {fname}(line):"]
        if en:
            lines += ["    if line == '':", "        return []"]
        if naive:
            lines += [f"    fields = [f.replace({quote!r}, '') for f in line.split({delim!r})]"]
        else:
            lines += ["    fields = []",
                      "    current = []",
                      "    quoted = False",
                      "    for ch in line:",
                      f"        if ch == {quote!r}:",
                      "            quoted = not quoted"]
            if keep_quotes:
                lines += ["            current.append(ch)"]
            lines += [f"        elif ch == {delim!r} and not quoted:",
                      "            fields.append(''.join(current))",
                      "            current = []",
                      "        else:",
                      "            current.append(ch)",
                      "    fields.append(''.join(current))"]
        lines += ["    return [f.strip(' ') for f in fields]" if st else "    return fields"]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        f"Split line into fields separated by {delim!r}, honouring quotes written with {quote!r}.",
        f"line is one record of a delimited text file: fields are separated by {delim!r} and may be quoted "
        f"with {quote!r}. Return its fields as a list of strings, left to right.",
    ])
    doc += (f" Every {quote!r} switches between being inside and outside quotes (quoting may also start or "
            f"stop in the middle of a field) and is never part of a field. A {delim!r} outside quotes ends "
            f"the current field; a {delim!r} inside quotes is ordinary text. So k separators outside quotes "
            f"give k + 1 fields, possibly empty.")
    doc += (" After the quote characters are dropped, each field has its leading and trailing spaces removed."
            if strip else " Spaces are kept exactly as they are, inside and outside quotes.")
    doc += (" An empty line gives an empty list." if empty_none
            else " An empty line gives a list holding one empty string.")

    q, d = quote, delim

    def rand_line():
        parts = []
        for _ in range(rng.randint(1, 5)):
            w = rng.choice([gen.word(rng), gen.sentence(rng, 1, 2), ""])
            if rng.random() < 0.4:
                w = q + (w + d + gen.word(rng) if rng.random() < 0.5 else w) + q
            parts.append(_sp(rng) + w + _sp(rng))
        return d.join(parts)

    wrong = [build(not strip, empty_none), build(strip, not empty_none), build(strip, empty_none, keep_quotes=True),
             build(strip, empty_none, naive=True)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(line: str) -> list[str]:",
        doc=doc,
        reference=build(strip, empty_none),
        wrong=wrong,
        examples=[(f"{gen.word(rng)}{d}{q}{gen.word(rng)}{d} {gen.word(rng)}{q}{d}{gen.word(rng)}",)],
        inputs=[("",), (f"a{d}{q}b{d}c{q}{d}d",), (f" x {d} {q} y {q} ",), (f"{d}{d}",), (f"{q}{q}{d}z",),
                ("no quotes here",), (f"{q}open{d}never closed",), (f"ab{q}c{d}d{q}e",)]
        + [(rand_line(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 14. text histogram
# ---------------------------------------------------------------------------------------------

@family("rec_star_histogram", topic="strings")
def rec_star_histogram(rng):
    bar = rng.choice(["*", "#", "=", "+"])
    sep, sep_desc = rng.choice([(": ", "a colon followed by one space"), (" ", "a single space"),
                                (" | ", "a space, a vertical bar '|' and another space"), ("=", "an equals sign '='")])
    if sep == "=" and bar == "=":
        bar = "*"
    order = rng.choice(["count_desc", "count_asc", "alpha", "appearance"])
    fname = gen.name(rng, "histogram", "bar_chart", "tally_chart", "draw_counts")
    keys = {"count_desc": "sorted(counts, key=lambda k: (-counts[k], k))",
            "count_asc": "sorted(counts, key=lambda k: (counts[k], k))",
            "alpha": "sorted(counts)",
            "appearance": "list(counts)",
            "count_desc_app": "sorted(counts, key=lambda k: -counts[k])",
            "count_asc_app": "sorted(counts, key=lambda k: counts[k])"}

    def build(o, trailing=False):
        return (f"def {fname}(items):\n"
                f"    counts = {{}}\n"
                f"    for item in items:\n"
                f"        counts[item] = counts.get(item, 0) + 1\n"
                f"    order = {keys[o]}\n"
                f"    return '\\n'.join(k + {sep!r} + {bar!r} * counts[k] for k in order)"
                + (" + '\\n'\n" if trailing else "\n"))

    wrong_order = {"count_desc": "count_desc_app", "count_asc": "count_asc_app", "alpha": "appearance",
                   "appearance": "alpha"}[order]
    doc = rng.choice([
        "Count how often each distinct string occurs in items and draw the counts as a text bar chart.",
        "Build a small text histogram of items: one line per distinct string, showing how many times it occurs.",
    ])
    doc += (f" Each line is the string, then {sep_desc}, then a bar made of as many {bar!r} characters as "
            f"the string's count.")
    doc += {"count_desc": " Lines are ordered by count, largest first; equal counts are ordered alphabetically.",
            "count_asc": " Lines are ordered by count, smallest first; equal counts are ordered alphabetically.",
            "alpha": " Lines are ordered alphabetically by string.",
            "appearance": " Lines follow the order in which each string first appears in items."}[order]
    doc += (" Lines are joined with a newline character, with no newline after the last line; an empty "
            "items list gives the empty string.")
    pool = rng.sample(gen.WORDS, 4)
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(items: list[str]) -> str:",
        doc=doc,
        reference=build(order),
        wrong=[build(wrong_order), build(order, trailing=True)],
        examples=[([rng.choice(pool[:3]) for _ in range(rng.randint(4, 6))],)],
        inputs=[([],), (["b", "a", "b", "a", "c"],), (["solo"],), (["z", "y", "x", "y"],)]
        + [([rng.choice(pool) for _ in range(rng.randint(1, 9))],) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 15. top-k keys by value
# ---------------------------------------------------------------------------------------------

@family("rec_top_k", topic="dicts")
def rec_top_k(rng):
    largest = rng.random() < 0.5
    alpha_ties = rng.random() < 0.5
    pairs = rng.random() < 0.5
    fname = gen.name(rng, "top_k", "leaders", "best_entries", "rank_keys") if largest else \
        gen.name(rng, "bottom_k", "lowest_keys", "weakest_entries", "rank_keys")

    def build(alpha, guard=True):
        v = "-scores[name]" if largest else "scores[name]"
        key = f"({v}, name)" if alpha else v
        lines = [f"def {fname}(scores, k):"]
        if guard:
            lines += ["    if k <= 0:", "        return []"]
        lines += [f"    order = sorted(scores, key=lambda name: {key})",
                  "    return [(name, scores[name]) for name in order[:k]]" if pairs else "    return order[:k]"]
        return "\n".join(lines) + "\n"

    doc = rng.choice([
        f"scores maps names to integer scores. Return the k entries with the "
        f"{'highest' if largest else 'lowest'} scores, {'highest' if largest else 'lowest'} first.",
        f"Rank the entries of scores (name -> score) from the {'highest' if largest else 'lowest'} score to the "
        f"{'lowest' if largest else 'highest'} and return the first k of that ranking.",
    ])
    doc += (" Names with equal scores are ranked alphabetically." if alpha_ties else
            " Names with equal scores keep the order in which they appear in scores (insertion order).")
    doc += (" Each entry is returned as a (name, score) tuple." if pairs else " Return just the names.")
    doc += " If k exceeds the number of names, return all of them; if k is 0 or negative, return []."
    ret = "list[tuple[str, int]]" if pairs else "list[str]"

    def rand_scores():
        names = rng.sample(gen.WORDS, rng.randint(1, 7))
        return {n: rng.randint(0, 6) for n in names}

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(scores: dict[str, int], k: int) -> {ret}:",
        doc=doc,
        reference=build(alpha_ties),
        wrong=[build(not alpha_ties), build(alpha_ties, guard=False)],
        examples=[(rand_scores(), 2)],
        inputs=[({}, 3), ({"b": 5, "a": 5, "c": 1}, 1), ({"b": 1, "a": 1, "c": 5}, 1), ({"x": 2, "y": 9, "z": 4}, -1),
                ({"x": 2, "y": 9, "z": 4}, 0), ({"p": 3}, 5)] + [(rand_scores(), rng.randint(1, 4)) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 16. vending machine driven by events
# ---------------------------------------------------------------------------------------------

@family("rec_vending", topic="simulation")
def rec_vending(rng):
    coins = rng.choice([(5, 10, 25), (1, 2, 5), (10, 20, 50)])
    price = coins[0] * rng.randint(3, 9)
    buy = rng.choice(["BUY", "VEND", "PUSH", "SELECT"])
    refund = rng.choice(["REFUND", "CANCEL", "RETURN"])
    out = rng.choice(["sold", "state", "refunded"])
    fname = gen.name(rng, "run_machine", "vend", "simulate_vending", "process_events")
    coin_strs = tuple(str(c) for c in coins)

    def build(strict=False, any_coin=False):
        coin_test = "e.isdigit()" if any_coin else f"e in {coin_strs!r}"
        return (f"def {fname}(events):\n"
                f"    credit = 0\n"
                f"    sold = 0\n"
                f"    refunded = 0\n"
                f"    for e in events:\n"
                f"        if e == {buy!r}:\n"
                f"            if credit {'>' if strict else '>='} {price}:\n"
                f"                credit -= {price}\n"
                f"                sold += 1\n"
                f"        elif e == {refund!r}:\n"
                f"            refunded += credit\n"
                f"            credit = 0\n"
                f"        elif {coin_test}:\n"
                f"            credit += int(e)\n"
                + {"sold": "    return sold\n", "state": "    return (sold, credit)\n",
                   "refunded": "    return refunded\n"}[out])

    doc = rng.choice([
        f"Simulate a snack machine that sells one product for {price} cents, starting with 0 credit.",
        f"A vending machine holds a credit (initially 0) and sells a single item priced at {price} cents.",
    ])
    doc += (f" Process the strings in events in order. A coin is a string of digits; the coins "
            f"{coin_strs[0]!r}, {coin_strs[1]!r} and {coin_strs[2]!r} add that many cents to the credit, and "
            f"any other coin is rejected and changes nothing. {buy!r} sells one item if the credit is at least "
            f"{price}, taking {price} from the credit, and does nothing otherwise. {refund!r} pays the whole "
            f"credit back and sets it to 0. Any other event is ignored.")
    doc += {"sold": " Return the number of items sold.",
            "state": " Return a tuple (items sold, credit left at the end).",
            "refunded": " Return the total amount of money paid back by all refunds."}[out]
    ret = {"sold": "int", "state": "tuple[int, int]", "refunded": "int"}[out]
    exact = [coin_strs[0]] * (price // coins[0])

    def rand_events():
        choices = list(coin_strs) * 4 + [buy, buy, buy, refund, "3", "100", "HELLO"]
        return [rng.choice(choices) for _ in range(rng.randint(2, 14))]

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(events: list[str]) -> {ret}:",
        doc=doc,
        reference=build(),
        wrong=[build(strict=True), build(any_coin=True)],
        examples=[([coin_strs[2]] * (price // coins[2] + 1) + [buy, refund],)],
        inputs=[([],), (exact + [buy, refund],), (["100", buy, refund],), ([buy, coin_strs[1], refund, refund],),
                (exact + exact + [buy, buy, buy, "HELLO", refund],)] + [(rand_events(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
# 17. elevator scheduling
# ---------------------------------------------------------------------------------------------

@family("rec_elevator", topic="simulation")
def rec_elevator(rng):
    strategy = rng.choice(["near_low", "near_high", "up_first", "down_first"])
    out = rng.choice(["distance", "order"])
    fname = gen.name(rng, "elevator", "serve_floors", "lift_schedule", "plan_stops")

    def build(st):
        lines = [f"def {fname}(start, requests):"]
        if st.startswith("near"):
            key = "(abs(f - floor), f)" if st == "near_low" else "(abs(f - floor), -f)"
            lines += ["    pending = set(requests)",
                      "    floor = start",
                      "    order = []",
                      "    while pending:",
                      f"        nxt = min(pending, key=lambda f: {key})",
                      "        order.append(nxt)",
                      "        pending.remove(nxt)",
                      "        floor = nxt"]
        elif st == "in_order":
            lines += ["    order = list(requests)"]
        elif st == "up_first":
            lines += ["    floors = set(requests)",
                      "    order = sorted(f for f in floors if f >= start) + "
                      "sorted((f for f in floors if f < start), reverse=True)"]
        else:
            lines += ["    floors = set(requests)",
                      "    order = sorted((f for f in floors if f <= start), reverse=True) + "
                      "sorted(f for f in floors if f > start)"]
        if out == "order":
            lines += ["    return order"]
        else:
            lines += ["    total = 0",
                      "    here = start",
                      "    for f in order:",
                      "        total += abs(f - here)",
                      "        here = f",
                      "    return total"]
        return "\n".join(lines) + "\n"

    wrong = {"near_low": ["near_high", "in_order"], "near_high": ["near_low", "in_order"],
             "up_first": ["down_first"], "down_first": ["up_first"]}[strategy]
    doc = rng.choice([
        "An elevator starts at floor start and must stop once at every floor listed in requests "
        "(a floor listed several times needs only one stop).",
        "requests lists floors an elevator must visit, possibly with repeats; each distinct floor is "
        "visited exactly once. The elevator begins at floor start.",
    ])
    doc += {
        "near_low": " It always goes next to the unvisited requested floor closest to where it currently is; "
                    "when two are equally close it picks the lower one.",
        "near_high": " It always goes next to the unvisited requested floor closest to where it currently is; "
                     "when two are equally close it picks the higher one.",
        "up_first": " It first travels upward, stopping at every requested floor at or above start in "
                    "increasing order, and then travels downward to the requested floors below start in "
                    "decreasing order.",
        "down_first": " It first travels downward, stopping at every requested floor at or below start in "
                      "decreasing order, and then travels upward to the requested floors above start in "
                      "increasing order.",
    }[strategy]
    doc += " A requested floor equal to the current floor is still a stop (at distance 0)."
    doc += (" Return the list of floors in the order they are visited ([] for no requests)." if out == "order"
            else " Return the total number of floors travelled, the sum of the distances between "
                 "consecutive positions (0 for no requests).")

    def rand_case():
        return (rng.randint(0, 12), [rng.randint(0, 12) for _ in range(rng.randint(1, 6))])

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(start: int, requests: list[int]) -> {'list[int]' if out == 'order' else 'int'}:",
        doc=doc,
        reference=build(strategy),
        wrong=[build(w) for w in wrong],
        examples=[rand_case()],
        inputs=[(4, []), (5, [3, 7, 8]), (0, [9, 1]), (6, [6, 2, 6]), (3, [3]), (10, [12, 8, 11, 9, 1])]
        + [rand_case() for _ in range(5)],
    )
