"""Families about strings and text processing (every family name starts with `str_`)."""
from .. import gen
from ..family import Variant, family

MIXED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-"


def _body(lines, indent="    "):
    """Indents generated statement lines for a reference's body."""
    return "\n".join(indent + line for line in lines)


# ---------------------------------------------------------------------------------------------
@family("str_caesar_shift", topic="strings")
def str_caesar_shift(rng):
    k = rng.choice([s for s in range(1, 26) if s != 13])
    direction = rng.choice(["forward", "backward"])
    scope = rng.choice(["both", "lower", "upper"])
    fname = gen.name(rng, "caesar_shift", "rotate_letters", "shift_cipher", "encode_shift")
    eff = k if direction == "forward" else 26 - k
    wrap = "from 'z' back to 'a'" if direction == "forward" else "from 'a' back to 'z'"
    toward = "later" if direction == "forward" else "earlier"

    def ref(shift, lower, upper, wrapped=True):
        lines = ["out = []", "for ch in text:"]
        kw = "if"
        if lower:
            new = f"chr((ord(ch) - 97 + {shift}) % 26 + 97)" if wrapped else f"chr(ord(ch) + {shift if direction == 'forward' else -k})"
            lines += [f"    {kw} 'a' <= ch <= 'z':", f"        out.append({new})"]
            kw = "elif"
        if upper:
            new = f"chr((ord(ch) - 65 + {shift}) % 26 + 65)" if wrapped else f"chr(ord(ch) + {shift if direction == 'forward' else -k})"
            lines += [f"    {kw} 'A' <= ch <= 'Z':", f"        out.append({new})"]
        lines += ["    else:", "        out.append(ch)", "return ''.join(out)"]
        return f"def {fname}(text):\n{_body(lines)}\n"

    lower, upper = scope in ("both", "lower"), scope in ("both", "upper")
    which = {"both": "letter (lowercase or uppercase ASCII)", "lower": "lowercase ASCII letter",
             "upper": "uppercase ASCII letter"}[scope]
    rest = {"both": "A letter keeps its case. Every character that is not an ASCII letter is copied unchanged.",
            "lower": "Uppercase letters, digits, spaces, punctuation and everything else are copied unchanged.",
            "upper": "Lowercase letters, digits, spaces, punctuation and everything else are copied unchanged."}[scope]
    doc = rng.choice([
        f"Encrypt text by moving every {which} {k} positions {toward} in the alphabet, wrapping around {wrap}. {rest}",
        f"Return a copy of text in which each {which} is replaced by the letter {k} places {direction} from it in "
        f"the alphabet (the alphabet is circular, so the count wraps {wrap}). {rest}",
    ])
    wrong = [ref(26 - eff, lower, upper), ref(eff, lower, upper, wrapped=False),
             ref(eff, True, True) if scope != "both" else ref(eff, True, False)]
    alphabet = "abcxyzABCXYZ hello, World! 42"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=ref(eff, lower, upper),
        wrong=wrong,
        examples=[(rng.choice(["Hello, World!", "Zebra at 9", "Move by night", "abc XYZ"]),)],
        inputs=[("",), ("a",), ("z",), ("A",), ("Z",), ("abcxyz ABCXYZ",), ("Quiet River 7!",)]
        + [(gen.letters(rng, 3, 16, alphabet),) for _ in range(4)]
        + [(" ".join(w.capitalize() if rng.random() < 0.4 else w for w in gen.words(rng, 1, 4)),) for _ in range(2)],
    )


# ---------------------------------------------------------------------------------------------
_CASE_DESC = {
    "snake": "snake_case (lowercase words joined by underscores)",
    "kebab": "kebab-case (lowercase words joined by hyphens)",
    "camel": "camelCase (words written together, the first word all lowercase and every later word "
             "starting with an uppercase letter followed by lowercase letters)",
    "pascal": "PascalCase (words written together, every word starting with an uppercase letter followed "
              "by lowercase letters)",
}


def _render_case(words, style):
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    if style == "camel":
        return (words[0] + "".join(w.capitalize() for w in words[1:])) if words else ""
    return "".join(w.capitalize() for w in words)


@family("str_case_convert", topic="strings")
def str_case_convert(rng):
    src, dst = rng.choice([("snake", "camel"), ("snake", "pascal"), ("kebab", "camel"), ("kebab", "pascal"),
                           ("camel", "snake"), ("camel", "kebab"), ("pascal", "snake"), ("pascal", "kebab")])
    fname = gen.name(rng, f"{src}_to_{dst}", "convert_case", "restyle_identifier", "change_naming_style")
    if src in ("snake", "kebab"):
        sep = "_" if src == "snake" else "-"
        first = "parts[0]" if dst == "camel" else "parts[0].capitalize()"
        bad_first = "parts[0].capitalize()" if dst == "camel" else "parts[0]"
        tmpl = """
def {f}(name):
    parts = name.split({sep!r})
    return {first} + ''.join(p.capitalize() for p in parts[1:])
"""
        reference = tmpl.format(f=fname, sep=sep, first=first)
        wrong = [tmpl.format(f=fname, sep=sep, first=bad_first)]
    else:
        sep = "_" if dst == "snake" else "-"
        reference = f"""
def {fname}(name):
    words = []
    current = ''
    for ch in name:
        if ch.isupper() and current:
            words.append(current)
            current = ch.lower()
        else:
            current += ch.lower()
    if current:
        words.append(current)
    return {sep!r}.join(words)
"""
        if src == "camel":
            wrong = [f"""
def {fname}(name):
    return ''.join({sep!r} + ch if ch.isupper() else ch for ch in name)
"""]
        else:
            wrong = [f"""
def {fname}(name):
    return ''.join({sep!r} + ch.lower() if ch.isupper() else ch for ch in name)
"""]
    doc = rng.choice([
        f"The argument name is an identifier written in {_CASE_DESC[src]}. Return the same words written in "
        f"{_CASE_DESC[dst]}.",
        f"Convert an identifier from {_CASE_DESC[src]} to {_CASE_DESC[dst]}, keeping the words and their order.",
    ])
    doc += " Words consist of ASCII letters only. The empty string converts to the empty string."

    def sample(lo, hi):
        return (_render_case(gen.words(rng, lo, hi), src),)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(name: str) -> str:",
        doc=doc,
        reference=reference,
        wrong=wrong,
        examples=[sample(2, 3)],
        inputs=[("",), (_render_case(["x"], src),), (_render_case(["word"], src),),
                (_render_case(["a", "b", "c"], src),), (_render_case(["big", "red", "bus"], src),)]
        + [sample(1, 5) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
def _rle(text, count_first, keep_ones):
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        n = j - i
        c = str(n) if (n > 1 or keep_ones) else ""
        out.append(c + text[i] if count_first else text[i] + c)
        i = j
    return "".join(out)


def _rle_encoder_src(fname, count_first, keep_ones):
    cond = "True" if keep_ones else "n > 1"
    piece = "count + text[i]" if count_first else "text[i] + count"
    return f"""
def {fname}(text):
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        n = j - i
        count = str(n) if {cond} else ''
        out.append({piece})
        i = j
    return ''.join(out)
"""


def _rle_decoder_src(fname, count_first, multi_digit=True, missing=1):
    if count_first:
        grow = "num += ch" if multi_digit else "num = ch"
        return f"""
def {fname}(code):
    out = []
    num = ''
    for ch in code:
        if ch.isdigit():
            {grow}
        else:
            out.append(ch * (int(num) if num else {missing}))
            num = ''
    return ''.join(out)
"""
    limit = "len(code)" if multi_digit else "min(len(code), i + 2)"
    return f"""
def {fname}(code):
    out = []
    i = 0
    while i < len(code):
        ch = code[i]
        j = i + 1
        while j < {limit} and code[j].isdigit():
            j += 1
        out.append(ch * (int(code[i + 1:j]) if j > i + 1 else {missing}))
        i = j
    return ''.join(out)
"""


@family("str_run_length", topic="strings")
def str_run_length(rng):
    mode = rng.choice(["encode", "decode"])
    count_first = rng.random() < 0.5
    keep_ones = rng.random() < 0.5
    where = "before" if count_first else "after"
    fmt = (f"each maximal run of one repeated character is written as the run's length in decimal "
           f"(possibly several digits) placed {where} the character")
    if keep_ones:
        fmt += "; a run of length one is also written with the count 1"
    else:
        fmt += "; a run of length one is written as the bare character, with no count"
    sample_plain = ["aaab", "abbbbbbbbbbbbc", "zzzzzzzzzzzz", "xyz", "wwwwhoo", "abba", "q"]

    def plain(lo, hi):
        out = ""
        for _ in range(rng.randint(lo, hi)):
            ch = rng.choice("abcde")
            if out and out[-1] == ch:
                continue
            out += ch * rng.choice([1, 1, 2, 3, 4, rng.randint(5, 14)])
        return out

    if mode == "encode":
        fname = gen.name(rng, "run_length_encode", "rle_encode", "compress_runs", "encode_runs")
        doc = rng.choice([
            f"Compress text with run-length encoding: {fmt}. The pieces are concatenated in order.",
            f"Return the run-length encoding of text, in which {fmt}.",
        ]) + " The text contains no digits; the empty string encodes to the empty string."
        reference = _rle_encoder_src(fname, count_first, keep_ones)
        wrong = [_rle_encoder_src(fname, count_first, not keep_ones), _rle_encoder_src(fname, not count_first, keep_ones)]
        inputs = [("",), ("a",)] + [(s,) for s in sample_plain] + [(plain(2, 7),) for _ in range(4)]
        examples = [(plain(2, 4) + "zzz",)]
        sig = f"def {fname}(text: str) -> str:"
    else:
        fname = gen.name(rng, "run_length_decode", "rle_decode", "expand_runs", "decode_runs")
        doc = rng.choice([
            f"Expand a run-length encoded string and return the original text. In the encoding, {fmt}.",
            f"The argument code was produced by run-length encoding a text without digits: {fmt}. "
            f"Return the text it encodes.",
        ]) + " The empty string decodes to the empty string."
        reference = _rle_decoder_src(fname, count_first)
        wrong = [_rle_decoder_src(fname, count_first, multi_digit=False)]
        if not keep_ones:
            wrong.append(_rle_decoder_src(fname, count_first, missing=0))
        else:
            wrong.append(_rle_decoder_src(fname, not count_first))
        inputs = [("",), (_rle("a", count_first, keep_ones),)] + [(_rle(s, count_first, keep_ones),) for s in sample_plain] \
            + [(_rle(plain(2, 7), count_first, keep_ones),) for _ in range(4)]
        examples = [(_rle(plain(2, 4) + "zzz", count_first, keep_ones),)]
        sig = f"def {fname}(code: str) -> str:"
    return Variant(entry_point=fname, signature=sig, doc=doc, reference=reference, wrong=wrong,
                   examples=examples, inputs=inputs)


# ---------------------------------------------------------------------------------------------
@family("str_acronym", topic="strings")
def str_acronym(rng):
    stop = rng.choice([(), ("and", "of", "the"), ("a", "an", "the"), ("for", "in", "of", "on")])
    hyphen = rng.random() < 0.5
    dot = rng.random() < 0.5
    fname = gen.name(rng, "acronym", "make_acronym", "initials", "abbreviate")

    def ref(stop_words, split_hyphen, upper=True):
        split = "phrase.replace('-', ' ').split()" if split_hyphen else "phrase.split()"
        first = "word[0].upper()" if upper else "word[0]"
        suffix = " + '.'" if dot else ""
        skip = (f"        if word.lower() in {tuple(stop_words)!r}:\n            continue\n") if stop_words else ""
        return (f"def {fname}(phrase):\n    out = []\n    for word in {split}:\n{skip}"
                f"        out.append({first}{suffix})\n    return ''.join(out)\n")

    words_rule = ("Words are the pieces separated by whitespace or hyphens (so 'x-ray' counts as two words)"
                  if hyphen else "Words are the pieces separated by whitespace; a hyphen does not split a word "
                  "(so 'x-ray' counts as one word)")
    stop_rule = (f"Skip the words {', '.join(repr(w) for w in stop)}, compared without regard to case. "
                 if stop else "Every word contributes, however short. ")
    out_rule = ("each initial is followed by a period" if dot else "the initials are written together with nothing between them")
    doc = rng.choice([
        f"Return the acronym of phrase: the first character of each word, in uppercase, in order. {words_rule}. "
        f"{stop_rule}In the result {out_rule}.",
        f"Build an abbreviation from phrase by taking the uppercased first character of every word. "
        f"{words_rule}. {stop_rule}In the result {out_rule}.",
    ]) + " A phrase with no contributing words gives the empty string."
    wrong = [ref(stop, hyphen, upper=False), ref(stop, not hyphen)]
    if stop:
        wrong.append(ref((), hyphen))
    pool = list(stop) + ["and", "of", "the", "a", "in"]

    def phrase(lo=1):
        ws = []
        for _ in range(rng.randint(lo, 5)):
            w = rng.choice(pool) if rng.random() < 0.3 else gen.word(rng)
            if rng.random() < 0.2:
                w = w + "-" + gen.word(rng)
            if rng.random() < 0.3:
                w = w.capitalize()
            ws.append(w)
        return " ".join(ws)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(phrase: str) -> str:",
        doc=doc,
        reference=ref(stop, hyphen),
        wrong=wrong,
        examples=[(phrase(3),)],
        inputs=[("",), ("   ",), ("x",), ("well-made plan",), ("rise of the tide and an echo",),
                ("Light For The Garden in winter",), ("A Rocket on Mars",)] + [(phrase(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_kth_frequent_word", topic="strings")
def str_kth_frequent_word(rng):
    tie = rng.choice(["alpha", "first"])
    fold = rng.random() < 0.5
    min_len = rng.choice([1, 3, 4])
    fname = gen.name(rng, "kth_most_common_word", "ranked_word", "word_by_frequency")

    def ref(tie_rule, folded, m, shift=0):
        key = "(-counts[w], w)" if tie_rule == "alpha" else "(-counts[w], first[w])"
        norm = "        w = w.lower()\n" if folded else ""
        filt = f"        if len(w) < {m}:\n            continue\n" if m > 1 else ""
        return f"""def {fname}(text, k):
    counts = {{}}
    first = {{}}
    for i, w in enumerate(text.split()):
{norm}{filt}        counts[w] = counts.get(w, 0) + 1
        first.setdefault(w, i)
    ranked = sorted(counts, key=lambda w: {key})
    if k + {shift} > len(ranked):
        return ''
    return ranked[k - 1 + {shift}]
""".replace(" + 0", "")

    case_rule = ("Words are compared without regard to case and the result is returned in lowercase."
                 if fold else "Words are case-sensitive ('Plum' and 'plum' are different words) and are "
                 "returned exactly as written.")
    tie_rule = ("Words with equal counts are ordered alphabetically (ordinary string comparison, so uppercase "
                "letters come before lowercase ones)" if tie == "alpha" else
                "Words with equal counts are ordered by where they first appear in text, earliest first")
    len_rule = (f"Words shorter than {min_len} characters are ignored entirely. " if min_len > 1 else "")
    doc = rng.choice([
        f"Rank the distinct words of text by how often they occur, most frequent first, and return the word "
        f"at rank k (k = 1 is the most frequent). Words are the pieces of text separated by whitespace.",
        f"Split text on whitespace into words, count each distinct word, sort them by decreasing count and "
        f"return the k-th word of that order, counting from 1.",
    ]) + f" {case_rule} {tie_rule}. {len_rule}If there are fewer than k distinct words, return the empty string. k is at least 1."
    pool = ["plum", "pear", "fig", "kiwi", "lime", "ox", "date", "melon", "an"]

    def text():
        ws = rng.sample(pool, rng.randint(2, 5))
        out = [rng.choice(ws) for _ in range(rng.randint(3, 12))]
        return " ".join(w.capitalize() if rng.random() < 0.25 else w for w in out)

    wrong = [ref("first" if tie == "alpha" else "alpha", fold, min_len), ref(tie, not fold, min_len),
             ref(tie, fold, min_len, shift=1), ref(tie, fold, min_len + 1)]
    if min_len > 1:
        wrong.append(ref(tie, fold, 1))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str, k: int) -> str:",
        doc=doc,
        reference=ref(tie, fold, min_len),
        wrong=wrong,
        examples=[(text(), rng.randint(1, 2))],
        inputs=[("", 1), ("pear lemon", 1), ("pear lemon", 2), ("pear lemon", 3), ("pear Plum plum pear plum", 1),
                ("a a a bcd", 1), ("ox ox ox pie", 1), ("tree tree tree bark", 1), ("date date fig kiwi fig", 2)]
        + [(text(), rng.randint(1, 4)) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_reverse_some_words", topic="strings")
def str_reverse_some_words(rng):
    cond_kind = rng.choice(["min", "max", "odd", "even"])
    m = rng.randint(2, 5)
    flip_order = rng.random() < 0.5
    fname = gen.name(rng, "reverse_some_words", "flip_words", "mirror_words", "selective_reverse")
    conds = {"min": (f"len(w) >= {m}", f"len(w) > {m}"), "max": (f"len(w) <= {m}", f"len(w) < {m}"),
             "odd": ("i % 2 == 0", "i % 2 == 1"), "even": ("i % 2 == 1", "i % 2 == 0")}
    good, bad = conds[cond_kind]

    def ref(cond, rev):
        tail = "    out.reverse()\n" if rev else ""
        return f"""def {fname}(text):
    words = text.split(' ') if text else []
    out = []
    for i, w in enumerate(words):
        if {cond}:
            w = w[::-1]
        out.append(w)
{tail}    return ' '.join(out)
"""

    which = {"min": f"every word with at least {m} characters",
             "max": f"every word with at most {m} characters",
             "odd": "the 1st, 3rd, 5th, ... word (positions counted from 1 in the original text)",
             "even": "the 2nd, 4th, 6th, ... word (positions counted from 1 in the original text)"}[cond_kind]
    order = ("Finally the words are put in reverse order (the last word first)." if flip_order else
             "The words stay in their original order.")
    doc = rng.choice([
        f"text is a sequence of words separated by single spaces. Reverse the characters of {which}, leaving "
        f"the other words untouched. {order} Return the words joined by single spaces.",
        f"Return a new string built from the space-separated words of text (words are separated by exactly one "
        f"space): {which} is spelled backwards and every other word is kept as it is. {order}",
    ]) + " An empty text gives an empty string."
    fixed = "a bc def ghij klmno pqrstu vwxyzab"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=ref(good, flip_order),
        wrong=[ref(bad, flip_order), ref(good, not flip_order)],
        examples=[(" ".join(rng.sample(["ox", "sun", "map", "kite", "lamp", "tree"], 2) + gen.words(rng, 2, 3)),)],
        inputs=[("",), ("a",), ("word",), (fixed,), (" ".join(reversed(fixed.split())),), ("ab cd",)]
        + [(gen.sentence(rng, 1, 7),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_interleave_chunks", topic="strings")
def str_interleave_chunks(rng):
    k = rng.randint(1, 3)
    start_b = rng.random() < 0.5
    append = rng.random() < 0.5
    fname = gen.name(rng, "interleave", "weave_strings", "alternate_pieces", "zip_strings")

    def ref(size, b_first, keep_rest):
        pair = "(b, a)" if b_first else "(a, b)"
        rng_expr = "max(len(xs), len(ys))" if keep_rest else "min(len(xs), len(ys))"
        return f"""def {fname}(a, b):
    first, second = {pair}
    xs = [first[i:i + {size}] for i in range(0, len(first), {size})]
    ys = [second[i:i + {size}] for i in range(0, len(second), {size})]
    out = []
    for i in range({rng_expr}):
        if i < len(xs):
            out.append(xs[i])
        if i < len(ys):
            out.append(ys[i])
    return ''.join(out)
"""

    lead, other = ("b", "a") if start_b else ("a", "b")
    piece = "single characters" if k == 1 else f"pieces of {k} characters (the last piece of a string may be shorter)"
    rest = ("When one string runs out of pieces, the remaining pieces of the other are appended in order."
            if append else "As soon as one string has no piece left, stop: the remaining pieces of the other "
            "string are discarded.")
    doc = rng.choice([
        f"Cut a and b from the left into {piece}, then build the result by taking pieces alternately, "
        f"starting with the first piece of {lead}, then the first piece of {other}, then the second piece of "
        f"{lead}, and so on. {rest}",
        f"Return a and b woven together: both strings are split from the left into {piece}, and the pieces "
        f"are concatenated in alternation beginning with {lead}. {rest}",
    ])
    wrong = [ref(k, start_b, not append), ref(k, not start_b, append), ref(k + 1, start_b, append)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(a: str, b: str) -> str:",
        doc=doc,
        reference=ref(k, start_b, append),
        wrong=wrong,
        examples=[(gen.letters(rng, 3, 6), gen.letters(rng, 3, 6, "0123456789"))],
        inputs=[("", ""), ("abc", ""), ("", "xyz"), ("a", "b"), ("abcd", "wxyz"), ("abcdefgh", "12"),
                ("12", "abcdefgh")]
        + [(gen.letters(rng, 0, 9), gen.letters(rng, 0, 9, "0123456789")) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_common_affix", topic="strings")
def str_common_affix(rng):
    suffix = rng.random() < 0.5
    fold = rng.random() < 0.5
    skip_empty = rng.random() < 0.5
    part = "suffix" if suffix else "prefix"
    fname = gen.name(rng, f"common_{part}", f"shared_{part}", f"longest_common_{part}")

    def ref(fold_case, skip, pairwise_ends=False):
        items = "[w for w in words if w]" if skip else "list(words)"
        if pairwise_ends:
            items += "[::max(1, len(words) - 1)]"
        idx = "w[len(w) - 1 - n]" if suffix else "w[n]"
        ref_ch = "base[len(base) - 1 - n]" if suffix else "base[n]"
        if fold_case:
            idx, ref_ch = idx + ".lower()", ref_ch + ".lower()"
        result = "base[len(base) - n:]" if suffix else "base[:n]"
        return f"""def {fname}(words):
    items = {items}
    if not items:
        return ''
    base = items[0]
    n = 0
    while n < len(base) and all(n < len(w) and {idx} == {ref_ch} for w in items):
        n += 1
    return {result}
"""

    case_rule = ("Characters are compared without regard to case, and the result is spelled as in the first "
                 "string considered." if fold else "Characters must match exactly, including case.")
    empty_rule = ("Empty strings in the list are ignored; if nothing is left, return the empty string." if skip_empty
                  else "An empty string in the list makes the answer the empty string, and so does an empty list.")
    where = "end" if suffix else "start"
    doc = rng.choice([
        f"Return the longest string that every string in words {'ends' if suffix else 'starts'} with.",
        f"Find the longest common {part} of the strings in words, that is, the longest run of characters at the "
        f"{where} shared by all of them.",
    ]) + f" {case_rule} {empty_rule}"
    wrong = [ref(not fold, skip_empty), ref(fold, not skip_empty)]
    if suffix:
        fixed = [["ration", "", "nation"], ["Ladder", "bladDER", "adder"], ["bread", "xyz", "thread"],
                 ["pen", "open", "happen", "ten"]]
    else:
        fixed = [["stone", "", "stove"], ["Table", "tablet", "TABLEAU"], ["flow", "xyz", "flower"],
                 ["inter", "internal", "interview", "in"]]

    def group():
        core = gen.word(rng)[: rng.randint(1, 5)]
        out = []
        for _ in range(rng.randint(2, 4)):
            extra = gen.letters(rng, 0, 3)
            w = extra + core if suffix else core + extra
            if fold and rng.random() < 0.4:
                w = "".join(c.upper() if rng.random() < 0.5 else c for c in w)
            out.append(w)
        return out

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(words: list[str]) -> str:",
        doc=doc,
        reference=ref(fold, skip_empty),
        wrong=wrong + [ref(fold, skip_empty, pairwise_ends=True)],
        examples=[(group(),)],
        inputs=[([],), ([""],), (["single"],), (["same", "same"],)] + [(f,) for f in fixed] + [(group(),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
_CLASSES = {
    # name: (description, test expression, plausible wrong test, member, near-miss non-member)
    "digit": ("decimal digits '0' to '9'", "'0' <= ch <= '9'", "ch.isalnum()", "7", "a"),
    "upper": ("uppercase ASCII letters 'A' to 'Z'", "'A' <= ch <= 'Z'", "not ch.islower()", "Q", " "),
    "vowel": ("vowels a, e, i, o, u in either case", "ch in 'aeiouAEIOU'", "ch in 'aeiou'", "e", "A"),
    "punct": ("punctuation marks '.', ',', ';', ':', '!' and '?'", "ch in '.,;:!?'", "not ch.isalnum()", ".", " "),
}


@family("str_class_positions", topic="strings")
def str_class_positions(rng):
    cls = rng.choice(sorted(_CLASSES))
    out_mode = rng.choice(["count", "positions", "last"])
    desc, good, bad, member, miss = _CLASSES[cls]
    noun = {"digit": "digits", "upper": "capitals", "vowel": "vowels", "punct": "punctuation"}[cls]
    fname = {"count": gen.name(rng, f"count_{noun}", f"num_{noun}", f"tally_{noun}"),
             "positions": gen.name(rng, f"{cls}_positions", f"where_{noun}", f"find_{noun}"),
             "last": gen.name(rng, f"last_{cls}_index", f"final_{cls}_position", f"rightmost_{cls}")}[out_mode]

    def ref(test, mode, base=0):
        if mode == "count":
            return f"def {fname}(text):\n    return sum(1 for ch in text if {test})\n"
        if mode == "positions":
            first = "i + 1" if base else "i"
            return f"def {fname}(text):\n    return [{first} for i, ch in enumerate(text) if {test}]\n"
        return (f"def {fname}(text):\n    found = [i for i, ch in enumerate(text) if {test}]\n"
                f"    return found[{-1 if base == 0 else 0}] if found else -1\n")

    sig_out = {"count": "int", "positions": "list[int]", "last": "int"}[out_mode]
    what_a = {"count": f"how many characters of text are {desc}",
              "positions": f"the list of indices (0-based, increasing) of the characters of text that are {desc}",
              "last": f"the 0-based index of the last character of text that is one of the {desc}"}[out_mode]
    what_b = {"count": "how many characters of text belong to it",
              "positions": "the list of indices (0-based, increasing) of the characters of text that belong to it",
              "last": "the 0-based index of the last character of text that belongs to it"}[out_mode]
    none = {"count": "An empty text gives 0.", "positions": "If there are none, return an empty list.",
            "last": "If there is no such character, return -1."}[out_mode]
    doc = rng.choice([
        f"Return {what_a}. No other character counts. {none}",
        f"A character class is made of the {desc}, and of nothing else. Return {what_b}. {none}",
    ])
    wrong = [ref(bad, out_mode)]
    if out_mode == "positions":
        wrong.append(ref(good, out_mode, base=1))
    if out_mode == "last":
        wrong.append(ref(good, out_mode, base=1))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> {sig_out}:",
        doc=doc,
        reference=ref(good, out_mode),
        wrong=wrong,
        examples=[(gen.letters(rng, 8, 14, MIXED),)],
        inputs=[("",), (member,), (miss,), (member + miss,), (member * 3,), ("Ab1 c2D; e!? Up.",)]
        + [(gen.letters(rng, 1, 18, MIXED),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_mask_except", topic="strings")
def str_mask_except(rng):
    k = rng.randint(2, 5)
    fill = rng.choice(["*", "#", "x"])
    keep_end = rng.choice(["last", "first"])
    keep_sep = rng.random() < 0.5
    fname = gen.name(rng, "mask_secret", "mask_chars", "redact", "obscure")

    def ref(kk, end, sep):
        keep = f"i >= len(text) - {kk}" if end == "last" else f"i < {kk}"
        if sep:
            keep += " or ch in ' -'"
        return f"""def {fname}(text):
    return ''.join(ch if {keep} else {fill!r} for i, ch in enumerate(text))
"""

    sep_rule = ("Spaces and hyphens are never replaced, wherever they are." if keep_sep else
                "Every hidden position is replaced, whatever character it holds (spaces and hyphens included).")
    doc = rng.choice([
        f"Hide text behind the character {fill!r}: every character except the {keep_end} {k} is replaced by "
        f"{fill!r}. {sep_rule} A text of {k} characters or fewer is returned unchanged.",
        f"Return text with all characters replaced by {fill!r} except the {keep_end} {k} characters, which "
        f"stay visible. {sep_rule} If text has at most {k} characters nothing is hidden.",
    ])
    wrong = [ref(k - 1, keep_end, keep_sep), ref(k + 1, keep_end, keep_sep), ref(k, keep_end, not keep_sep),
             ref(k, "first" if keep_end == "last" else "last", keep_sep)]

    def card(lo=1):
        groups = [gen.letters(rng, 2, 4, "0123456789") for _ in range(rng.randint(lo, 4))]
        return rng.choice(["-", " ", ""]).join(groups)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=ref(k, keep_end, keep_sep),
        wrong=wrong,
        examples=[(card(3),)],
        inputs=[("",), ("7",), ("12345"[:k],), ("123456"[:k + 1],), ("0123456789",), ("1234-5678-9012",),
                ("ab cd-ef gh",)] + [(card(),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_wrap_lines", topic="strings")
def str_wrap_lines(rng):
    width = rng.randint(6, 16)
    split_long = rng.random() < 0.5
    as_list = rng.random() < 0.5
    fname = gen.name(rng, "wrap_text", "fill_lines", "word_wrap", "break_lines")

    def ref(w, split, cmp="<="):
        pieces = (f"[word[i:i + {w}] for i in range(0, len(word), {w})]" if split else "[word]")
        ret = "lines" if as_list else "'\\n'.join(lines)"
        return f"""def {fname}(text):
    lines = []
    current = ''
    for word in text.split():
        for piece in {pieces}:
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) {cmp} {w}:
                current += ' ' + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return {ret}
"""

    long_rule = (f"A word longer than {width} characters is first cut into pieces of {width} characters (the "
                 f"last piece may be shorter), and each piece is then placed as if it were a separate word."
                 if split_long else
                 f"A word longer than {width} characters is never broken: it goes on a line of its own, which is "
                 f"then longer than {width}.")
    out_rule = ("Return the list of lines (an empty list if text has no words)." if as_list else
                "Return the lines joined with newline characters (an empty string if text has no words).")
    doc = rng.choice([
        f"Greedily wrap the words of text (the pieces separated by whitespace) into lines of at most {width} "
        f"characters: words on a line are separated by one space, and each word is added to the current line if "
        f"the line still fits, otherwise it starts a new line. {long_rule} {out_rule}",
        f"Lay out the whitespace-separated words of text on lines no longer than {width} characters, filling "
        f"each line with as many words as fit (one space between words) before moving to the next line. "
        f"{long_rule} {out_rule}",
    ])
    exact = "x" * (width - 2) + " y z"
    long_word = "q" * (width + 3) + " ab"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> {'list[str]' if as_list else 'str'}:",
        doc=doc,
        reference=ref(width, split_long),
        wrong=[ref(width, split_long, "<"), ref(width, not split_long), ref(width + 1, split_long)],
        examples=[(gen.sentence(rng, 4, 7),)],
        inputs=[("",), ("   ",), ("word",), (exact,), ("x" * (width - 1) + " y",), (long_word,), ("a " * 8,)]
        + [(gen.sentence(rng, 1, 12),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_chunk_groups", topic="strings")
def str_chunk_groups(rng):
    k = rng.randint(2, 5)
    from_right = rng.random() < 0.5
    rest = rng.choice(["keep", "pad", "drop"])
    fill = rng.choice(["0", "_", "."])
    fname = gen.name(rng, "chunk_string", "split_groups", "group_chars", "slice_blocks")

    def ref(right, policy):
        if not right:
            fix = {"keep": "",
                   "pad": f"    if chunks and len(chunks[-1]) < {k}:\n"
                          f"        chunks[-1] = chunks[-1] + {fill!r} * ({k} - len(chunks[-1]))\n",
                   "drop": f"    if chunks and len(chunks[-1]) < {k}:\n        chunks.pop()\n"}[policy]
            return (f"def {fname}(text):\n    chunks = [text[i:i + {k}] for i in range(0, len(text), {k})]\n"
                    f"{fix}    return chunks\n")
        body = f"[text[i:i + {k}] for i in range(r, len(text), {k})]"
        head = {"keep": "([text[:r]] if r else []) + ", "pad": f"([{fill!r} * ({k} - r) + text[:r]] if r else []) + ",
                "drop": ""}[policy]
        return f"def {fname}(text):\n    r = len(text) % {k}\n    return {head}{body}\n"

    side = "right" if from_right else "left"
    short = "first" if from_right else "last"
    rest_rule = {"keep": f"it is kept as it is",
                 "pad": f"it is padded to {k} characters with {fill!r} on its {'left' if from_right else 'right'}",
                 "drop": "it is left out of the result"}[rest]
    doc = rng.choice([
        f"Split text into consecutive groups of {k} characters, forming the groups from the {side} end, and "
        f"return them in their order in text. If the length is not a multiple of {k}, the {short} group is "
        f"shorter; {rest_rule}.",
        f"Return the list of blocks obtained by cutting text every {k} characters, counting from the {side}. "
        f"Blocks appear in the order they occur in text. An incomplete block (the {short} one) can only occur "
        f"when the length is not divisible by {k}: {rest_rule}.",
    ]) + " An empty text gives an empty list."
    wrong = [ref(not from_right, rest)] + [ref(from_right, p) for p in ("keep", "pad", "drop") if p != rest]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> list[str]:",
        doc=doc,
        reference=ref(from_right, rest),
        wrong=wrong,
        examples=[(gen.letters(rng, 2 * k + 1, 3 * k - 1 + 1, "0123456789"),)],
        inputs=[("",), ("a",), ("abcdefgh"[:k],), ("abcdefgh"[:k + 1],), ("1234567890123"[:2 * k + 1],)]
        + [(gen.letters(rng, 1, 14),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_alternate_case", topic="strings")
def str_alternate_case(rng):
    upper_first = rng.random() < 0.5
    letters_only = rng.random() < 0.5
    restart = rng.random() < 0.5
    fname = gen.name(rng, "alternate_case", "zigzag_case", "sponge_case", "toggle_pattern")

    def ref(up_first, only_letters, per_word):
        parity = 0 if up_first else 1
        reset = ("        if ch == ' ':\n            n = 0\n            out.append(ch)\n            continue\n"
                 if per_word else "")
        other = "" if only_letters else "            n += 1\n"
        return f"""def {fname}(text):
    out = []
    n = 0
    for ch in text:
{reset}        if ch.isalpha():
            out.append(ch.upper() if n % 2 == {parity} else ch.lower())
            n += 1
        else:
            out.append(ch)
{other}    return ''.join(out)
"""

    first, second = ("uppercase", "lowercase") if upper_first else ("lowercase", "uppercase")
    counter = ("Only letters advance the alternation: other characters are copied unchanged and do not count."
               if letters_only else "Every character counts as a step in the alternation, but characters that "
               "are not letters are copied unchanged.")
    scope = ("The alternation starts over at the beginning of each space-separated word (a space itself is "
             "copied and does not count)." if restart else "The alternation runs through the whole text without "
             "starting over.")
    doc = rng.choice([
        f"Return text with its letters written alternately in {first} and {second}, the first step being "
        f"{first}. {counter} {scope}",
        f"Rewrite text so that letter case zigzags: step 0 is {first}, step 1 is {second}, step 2 is {first}, "
        f"and so on. {counter} {scope}",
    ]) + " Letters are ASCII letters."
    wrong = [ref(not upper_first, letters_only, restart), ref(upper_first, not letters_only, restart),
             ref(upper_first, letters_only, not restart)]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=ref(upper_first, letters_only, restart),
        wrong=wrong,
        examples=[(gen.sentence(rng, 2, 3),)],
        inputs=[("",), ("a",), ("Q",), ("a1b c-d",), ("abc de",), ("ab cd",), ("HELLO there",)]
        + [(gen.letters(rng, 2, 14, "aBcDeFg h1-"),) for _ in range(3)] + [(gen.sentence(rng, 1, 4),) for _ in range(2)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_dedupe_words", topic="strings")
def str_dedupe_words(rng):
    keep_last = rng.random() < 0.5
    fold = rng.random() < 0.5
    comma = rng.random() < 0.5
    fname = gen.name(rng, "dedupe_words", "unique_words", "drop_repeated_words",
                     "last_mentions" if keep_last else "first_mentions")

    def ref(last, folded, how="seen"):
        split = "text.split(',') if text else []" if comma else "text.split()"
        join = "','" if comma else "' '"
        key = "w.lower()" if folded else "w"
        src = "reversed(items)" if last else "items"
        tail = "    out.reverse()\n" if last else ""
        if how == "sorted":
            return f"def {fname}(text):\n    items = {split}\n    return {join}.join(sorted(set(items)))\n"
        return f"""def {fname}(text):
    items = {split}
    seen = set()
    out = []
    for w in {src}:
        if {key} in seen:
            continue
        seen.add({key})
        out.append(w)
{tail}    return {join}.join(out)
"""

    fmt = ("text is a list of words separated by commas, without spaces; the result uses the same format"
           if comma else "Words in text are separated by whitespace; the result joins them with single spaces")
    occ = ("keep only the last occurrence of each word" if keep_last else "keep only the first occurrence of each word")
    case = ("Two words are duplicates when they are equal ignoring case; the kept occurrence keeps its own spelling."
            if fold else "Words are duplicates only when they are exactly equal, case included.")
    doc = rng.choice([
        f"Remove repeated words from text: {occ}, and keep the surviving words in their original relative order. "
        f"{fmt}. {case}",
        f"Return text with duplicate words dropped so that each word appears once; {occ}, with the kept words "
        f"in the order they stood. {fmt}. {case}",
    ]) + " An empty text gives an empty string."
    wrong = [ref(not keep_last, fold), ref(keep_last, not fold), ref(keep_last, fold, "sorted")]
    sep = "," if comma else " "

    def text():
        pool = gen.words(rng, 2, 4)
        return sep.join((w.upper() if rng.random() < 0.2 else w) for w in (rng.choice(pool) for _ in range(rng.randint(2, 8))))

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=ref(keep_last, fold),
        wrong=wrong,
        examples=[(text(),)],
        inputs=[("",), ("solo",), (sep.join(["a", "b", "a"]),), (sep.join(["Cat", "cat"]),), (sep.join(["b", "a"]),),
                (sep.join(["ink", "Ink", "jar", "INK", "jar"]),)] + [(text(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_rotation_offset", topic="strings")
def str_rotation_offset(rng):
    left = rng.random() < 0.5
    smallest = rng.random() < 0.5
    fold = rng.random() < 0.5
    fname = gen.name(rng, "rotation_offset", "rotation_amount", "find_rotation", "shift_between")

    def ref(to_left, small, folded):
        rot = "x[r:] + x[:r]" if to_left else "x[len(x) - r:] + x[:len(x) - r]"
        prep = "    x, y = a.lower(), b.lower()\n" if folded else "    x, y = a, b\n"
        return f"""def {fname}(a, b):
    if len(a) != len(b):
        return -1
    if not a:
        return 0
{prep}    found = [r for r in range(len(x)) if {rot} == y]
    if not found:
        return -1
    return found[{0 if small else -1}]
"""

    how = ("moving its first r characters to the end" if left else "moving its last r characters to the front")
    pick = "smallest" if smallest else "largest"
    case = ("Letters are compared without regard to case." if fold else "The comparison is case-sensitive.")
    doc = rng.choice([
        f"Rotating a by r (0 <= r < len(a)) means {how}. Return the {pick} r for which rotating a by r gives b, "
        f"or -1 if no r works (in particular when the lengths differ). {case}",
        f"Determine how far a must be rotated to become b, where rotating by r means {how} and r ranges over "
        f"0, 1, ..., len(a) - 1. When several r work, return the {pick}; when none does, return -1. {case}",
    ]) + " Two empty strings give 0."
    wrong = [ref(not left, smallest, fold), ref(left, not smallest, fold), ref(left, smallest, not fold)]

    def pair(plain=False):
        a = gen.letters(rng, 2, 8, "abcAB") if rng.random() < 0.4 else gen.word(rng)
        r = rng.randrange(len(a))
        b = a[r:] + a[:r]
        if plain:
            return (a, b)
        if rng.random() < 0.3:
            b = b.swapcase()
        if rng.random() < 0.2:
            b = b[::-1]
        return (a, b)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(a: str, b: str) -> int:",
        doc=doc,
        reference=ref(left, smallest, fold),
        wrong=wrong,
        examples=[pair(plain=True)],
        inputs=[("", ""), ("ab", "a"), ("a", "a"), ("abc", "bca"), ("abab", "abab"), ("Abc", "bca"), ("abc", "acb"),
                ("xyxy", "YXYX")] + [pair() for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_numbers_in_text", topic="strings")
def str_numbers_in_text(rng):
    signed = rng.random() < 0.5
    agg = rng.choice(["sum", "max", "min", "distinct"])
    fname = {"sum": gen.name(rng, "sum_numbers", "total_of_numbers", "add_embedded_numbers"),
             "max": gen.name(rng, "largest_number", "max_embedded_number", "biggest_number_in_text"),
             "min": gen.name(rng, "smallest_number", "min_embedded_number", "least_number_in_text"),
             "distinct": gen.name(rng, "count_distinct_numbers", "distinct_number_count", "unique_numbers")}[agg]

    def ref(pattern):
        body = {"sum": "return sum(nums)", "max": "return max(nums) if nums else None",
                "min": "return min(nums) if nums else None", "distinct": "return len(set(nums))"}[agg]
        return f"""def {fname}(text):
    nums = [int(t) for t in re.findall({pattern!r}, text)]
    {body}
"""

    number = ("A number is a maximal run of consecutive decimal digits; if the character right before the run is "
              "a minus sign '-', the number is negative (whatever precedes the minus sign)." if signed else
              "A number is a maximal run of consecutive decimal digits; numbers are never negative, so a '-' "
              "before digits is just an ordinary character.")
    what = {"sum": "the sum of all the numbers in text (0 if there are none)",
            "max": "the largest number in text, or None if text contains no number",
            "min": "the smallest number in text, or None if text contains no number",
            "distinct": "how many different values the numbers in text take (0 if there are none)"}[agg]
    doc = rng.choice([f"Return {what}. {number} Leading zeros do not change a value ('007' is 7).",
                      f"{number} Leading zeros are allowed ('007' is 7). Return {what}."])
    pattern = r"-?\d+" if signed else r"\d+"
    wrong = [ref(r"\d+" if signed else r"-?\d+"), ref(r"-?\d" if signed else r"\d")]
    if agg in ("max", "min"):
        wrong.append(f"""def {fname}(text):
    nums = [int(t) for t in re.findall({pattern!r}, text)]
    return {agg}(nums) if nums else 0
""")

    def text():
        parts = []
        for _ in range(rng.randint(1, 6)):
            r = rng.random()
            if r < 0.4:
                parts.append(gen.word(rng))
            elif r < 0.6:
                parts.append(str(rng.randint(0, 120)))
            elif r < 0.8:
                parts.append(gen.word(rng)[:3] + "-" + str(rng.randint(0, 60)))
            else:
                parts.append(str(rng.randint(1, 9)) + gen.word(rng)[:2] + str(rng.randint(10, 99)))
        return rng.choice([" ", ", ", "; "]).join(parts)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> {'int | None' if agg in ('max', 'min') else 'int'}:",
        doc=doc,
        reference=ref(pattern),
        wrong=wrong,
        imports="import re",
        examples=[(text(),)],
        inputs=[("",), ("no digits here",), ("12",), ("12 3",), ("x-7 y3 -2",), ("x-3 y3",), ("a007b7",),
                ("5-3",)] + [(text(),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("str_hamming_like", topic="strings")
def str_hamming_like(rng):
    count_diff = rng.random() < 0.5
    strict = rng.random() < 0.5
    fold = rng.random() < 0.5
    what = "mismatches" if count_diff else "matches"
    fname = gen.name(rng, f"count_{what}", f"positional_{what}", f"{what}_between")

    def ref(diff, strict_len, folded, pad=True):
        prep = "    x, y = a.lower(), b.lower()\n" if folded else "    x, y = a, b\n"
        check = "    if len(a) != len(b):\n        return -1\n" if strict_len else ""
        ret = "same" if not diff else ("max(len(x), len(y)) - same" if pad else "min(len(x), len(y)) - same")
        return f"""def {fname}(a, b):
{check}{prep}    same = sum(1 for p, q in zip(x, y) if p == q)
    return {ret}
"""

    noun = ("positions i where a[i] and b[i] differ" if count_diff else "positions i where a[i] and b[i] are equal")
    case = ("Characters are compared without regard to case." if fold else "Comparison is case-sensitive.")
    if strict:
        length = "If the two strings have different lengths, return -1."
    elif count_diff:
        length = ("If the lengths differ, compare position by position as far as the shorter string goes, and "
                  "count every extra character of the longer string as one more difference.")
    else:
        length = ("If the lengths differ, only positions present in both strings can match; the extra characters "
                  "of the longer string are ignored.")
    doc = rng.choice([f"Count the {noun}. {length} {case}",
                      f"Compare a and b position by position and return the number of {noun}. {length} {case}"])
    wrong = [ref(count_diff, strict, not fold), ref(count_diff, not strict, fold)]
    if count_diff and not strict:
        wrong.append(ref(count_diff, strict, fold, pad=False))

    def pair(lo=0):
        a = gen.letters(rng, lo, 9, "abcAB")
        b = "".join(c if rng.random() < 0.5 else rng.choice("abcAB") for c in a)
        if rng.random() < 0.3:
            b = b[: rng.randint(0, len(b))] if rng.random() < 0.5 else b + gen.letters(rng, 1, 3, "abc")
        return (a, b)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(a: str, b: str) -> int:",
        doc=doc,
        reference=ref(count_diff, strict, fold),
        wrong=wrong,
        examples=[pair(4)],
        inputs=[("", ""), ("a", "a"), ("a", "b"), ("Abc", "abC"), ("abc", "ab"), ("x", "xyz"), ("karma", "KARMA")]
        + [pair() for _ in range(5)],
    )
