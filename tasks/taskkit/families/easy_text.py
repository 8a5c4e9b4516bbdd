"""Easy families about strings and text: one familiar rule per task, stated in a few plain
sentences (every family name starts with `et_`). Instances differ only in harmless choices:
a character, a constant, a direction, the function's name, the wording, the example inputs."""
from .. import gen
from ..family import Variant, family

SHORT = ("a", "an", "to", "of", "is", "by", "go", "up", "it", "we")
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"


def _fn(name, args, body):
    """A complete function `def name(args):` with the given body lines."""
    return f"def {name}({args}):\n" + "\n".join("    " + line for line in body) + "\n"


def _mixed_words(rng, lo, hi, cap=0.3):
    """Words from the pool, some capitalized or fully uppercase."""
    out = []
    for w in gen.words(rng, lo, hi):
        r = rng.random()
        out.append(w.capitalize() if r < cap else (w.upper() if r < cap + 0.1 else w))
    return out


def _spaced(rng, ws, leading=True):
    """Words joined by runs of one to three spaces, maybe with spaces at either end."""
    text = ""
    for i, w in enumerate(ws):
        text += (" " * rng.randint(1, 3) if i else "") + w
    if leading and rng.random() < 0.4:
        text = " " * rng.randint(1, 2) + text
    if leading and rng.random() < 0.4:
        text += " " * rng.randint(1, 2)
    return text


# ---------------------------------------------------------------------------------------------
@family("et_count_char", topic="strings")
def et_count_char(rng):
    ch = rng.choice("aeinorst")
    ignore = rng.random() < 0.5
    fname = gen.name(rng, "count_char", "char_count", "occurrences", "tally_letter")
    doc = rng.choice([
        f"Return how many times the letter '{ch}' appears in text.",
        f"Count the occurrences of the character '{ch}' in text and return that number.",
        f"Return the number of positions in text that hold the letter '{ch}'.",
    ])
    if ignore:
        doc += f" Case does not matter: both '{ch}' and '{ch.upper()}' are counted."
        ref = _fn(fname, "text", [f"return text.lower().count({ch!r})"])
        bad = _fn(fname, "text", [f"return text.count({ch!r})"])
    else:
        doc += f" Only the lowercase '{ch}' is counted; '{ch.upper()}' is not."
        ref = _fn(fname, "text", [f"return text.count({ch!r})"])
        bad = _fn(fname, "text", [f"return text.lower().count({ch!r})"])
    doc += " An empty string gives 0."
    alphabet = ch * 3 + ch.upper() + "bcdxyz B"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> int:",
        doc=doc,
        reference=ref,
        wrong=[bad, _fn(fname, "text", [f"return len(text.split({ch!r}))"])],
        examples=[(" ".join(rng.sample([w for w in gen.WORDS if ch in w], 2) + _mixed_words(rng, 0, 2)),)],
        inputs=[("",), (ch,), (ch * 3,), (f"{ch.upper()}{ch}b{ch}",), ("xyz",), (ch.upper() * 2,)]
        + [(gen.letters(rng, 3, 14, alphabet),) for _ in range(3)]
        + [(" ".join(_mixed_words(rng, 1, 5)),) for _ in range(2)],
    )


# ---------------------------------------------------------------------------------------------
_SEP_NAME = {" ": "a single space", ",": "a single comma", ";": "a single semicolon", "/": "a single slash"}


@family("et_reverse_words", topic="strings")
def et_reverse_words(rng):
    sep = rng.choice(list(_SEP_NAME))
    fname = gen.name(rng, "reverse_words", "flip_word_order", "words_backwards", "backward_words")
    doc = rng.choice([
        f"The words in text are separated by {_SEP_NAME[sep]}. Return the words in reverse order, "
        f"separated the same way.",
        f"Given words joined by {_SEP_NAME[sep]}, return a string with the same words in the opposite order, "
        f"still joined by {_SEP_NAME[sep]}. The letters inside each word are not reversed.",
        f"Reverse the order of the words in text, where neighbouring words are separated by "
        f"{_SEP_NAME[sep]}. Keep each word as it is.",
    ]) + " An empty string gives an empty string."
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return {sep!r}.join(reversed(text.split({sep!r})))"]),
        wrong=[_fn(fname, "text", ["return text[::-1]"]),
               _fn(fname, "text", [f"return {sep!r}.join(w[::-1] for w in text.split({sep!r}))"])],
        examples=[(sep.join(gen.words(rng, 3, 4)),)],
        inputs=[("",), ("word",), (f"ab{sep}cd",), (f"one{sep}two{sep}three",)]
        + [(sep.join(_mixed_words(rng, 1, 6)),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_capitalize_words", topic="strings")
def et_capitalize_words(rng):
    pos = rng.choice(["first", "last"])
    if pos == "first":
        fname = gen.name(rng, "capitalize_words", "title_words", "upper_initials", "capitalize_each")
        change = "w[:1].upper() + w[1:]"
        other = "w[:-1] + w[-1:].upper()"
        first_wrong = _fn(fname, "text", ["return text.capitalize()"])
    else:
        fname = gen.name(rng, "capitalize_last", "upper_last_letters", "shout_word_ends", "raise_final_letters")
        change = "w[:-1] + w[-1:].upper()"
        other = "w[:1].upper() + w[1:]"
        first_wrong = _fn(fname, "text", ["return text[:-1] + text[-1:].upper()"])
    doc = rng.choice([
        f"text holds lowercase words separated by single spaces. Return it with the {pos} letter of every "
        f"word changed to uppercase.",
        f"Make the {pos} letter of each word in text uppercase and return the result. The words are "
        f"lowercase and separated by single spaces.",
        f"Return a copy of text where every word has its {pos} letter in uppercase. Words are made of "
        f"lowercase letters and separated by single spaces.",
    ]) + " An empty string gives an empty string."
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return ' '.join({change} for w in text.split(' '))"]),
        wrong=[first_wrong, _fn(fname, "text", [f"return ' '.join({other} for w in text.split(' '))"])],
        examples=[(gen.sentence(rng, 2, 4),)],
        inputs=[("",), ("a",), ("go",), ("ab cd",), ("x y z",), ("hello there world",)]
        + [(" ".join(gen.words(rng, 1, 3) + [rng.choice(SHORT)]),) for _ in range(2)]
        + [(gen.sentence(rng, 1, 6),) for _ in range(3)],
    )


# ---------------------------------------------------------------------------------------------
_REMOVE = {
    "vowels": ("aeiouAEIOU", "every vowel (a, e, i, o and u, in lowercase or uppercase)"),
    "digits": (DIGITS, "every digit 0 to 9"),
    "spaces": (" ", "every space character"),
    "punctuation": (".,!?", "every period, comma, exclamation mark and question mark"),
}


@family("et_remove_chars", topic="strings")
def et_remove_chars(rng):
    kind = rng.choice(list(_REMOVE))
    chars, what = _REMOVE[kind]
    fname = gen.name(rng, f"drop_{kind}", f"strip_{kind}", f"without_{kind}", f"delete_{kind}")
    doc = rng.choice([
        f"Remove {what} from text and return what is left, keeping the other characters in order.",
        f"Return text with {what} taken out. All other characters stay, in their original order.",
        f"Build a new string from text that leaves out {what}, and return it.",
    ]) + " An empty string gives an empty string."
    wrong = [
        _fn(fname, "text", ["for ch in text:", f"    if ch in {chars!r}:", "        return text.replace(ch, '', 1)",
                            "return text"]),
        _fn(fname, "text", [f"return ''.join(ch for ch in text if ch in {chars!r})"]),
    ]
    if kind == "vowels":
        wrong.append(_fn(fname, "text", ["return ''.join(ch for ch in text if ch not in 'aeiou')"]))
    alphabet = "abcdeiouAEOxyz 0129.,!?"
    two = chars[0] + "x" + chars[-1] + chars[0]
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return ''.join(ch for ch in text if ch not in {chars!r})"]),
        wrong=wrong,
        examples=[(rng.choice(["Hello, World 42!", "Open the door at 9.", "Is it 2 or 3?", "Quiet river, 7 am"]),)],
        inputs=[("",), ("x",), (chars[0],), (two,), ("AEIOU aeiou",), ("Room 101, floor 3!",), ("bcd",)]
        + [(gen.letters(rng, 4, 16, alphabet),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_affix_check", topic="strings")
def et_affix_check(rng):
    side = rng.choice(["start", "end"])
    ignore = rng.random() < 0.5
    if side == "start":
        param, method, verb = "prefix", "startswith", "begins"
        fname = gen.name(rng, "starts_with", "has_prefix", "begins_with")
    else:
        param, method, verb = "suffix", "endswith", "ends"
        fname = gen.name(rng, "ends_with", "has_suffix", "finishes_with")
    doc = rng.choice([
        f"Return True if text {verb} with {param}, and False otherwise.",
        f"Check whether the string {param} appears at the very {side} of text; return True or False.",
        f"Return whether text {verb} with the characters of {param}.",
    ])
    if ignore:
        doc += f" Uppercase and lowercase letters are treated as equal, so 'Ab' matches 'aB'."
        ref = _fn(fname, f"text, {param}", [f"return text.lower().{method}({param}.lower())"])
        bad = _fn(fname, f"text, {param}", [f"return text.{method}({param})"])
        inside = _fn(fname, f"text, {param}", [f"return {param}.lower() in text.lower()"])
    else:
        doc += " Letter case matters, so 'Ab' does not match 'ab'."
        ref = _fn(fname, f"text, {param}", [f"return text.{method}({param})"])
        bad = _fn(fname, f"text, {param}", [f"return text.lower().{method}({param}.lower())"])
        inside = _fn(fname, f"text, {param}", [f"return {param} in text"])
    doc += f" An empty {param} matches every string."

    def sample():
        w = gen.word(rng)
        n = rng.randint(1, len(w))
        part = w[:n] if side == "start" else w[-n:]
        if rng.random() < 0.4:
            part = part.upper() if rng.random() < 0.5 else part.capitalize()
        if rng.random() < 0.3:
            part = gen.word(rng)[:n]
        return (w, part)

    middle = ("xabx", "ab") if side == "start" else ("xabx", "xa")
    mid2 = ("xab", "ab") if side == "start" else ("abx", "ab")
    cased = ("Apple", "aP") if side == "start" else ("Apple", "Le")
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str, {param}: str) -> bool:",
        doc=doc,
        reference=ref,
        wrong=[bad, inside],
        examples=[sample()],
        inputs=[("", ""), ("abc", ""), ("", "a"), ("abc", "abc"), ("ab", "abc"), middle, mid2, cased,
                ("river", "river".upper())] + [sample() for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_repeat_chars", topic="strings")
def et_repeat_chars(rng):
    k = rng.choice([2, 3, 4, 5])
    times = {2: "twice", 3: "three times", 4: "four times", 5: "five times"}[k]
    fname = gen.name(rng, "repeat_chars", "stretch", "echo_letters", "multiply_chars")
    doc = rng.choice([
        f"Return a string in which every character of text appears {times} in a row, in the original order.",
        f"Write each character of text {times} in a row and return the result.",
        f"Build a new string by repeating every character of text {k} times in place.",
    ]) + " An empty string gives an empty string."
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return ''.join(ch * {k} for ch in text)"]),
        wrong=[_fn(fname, "text", [f"return text * {k}"]),
               _fn(fname, "text", [f"return ''.join(ch * {k - 1} for ch in text)"])],
        examples=[(gen.letters(rng, 2, 4),)],
        inputs=[("",), ("a",), ("ab",), ("a b",), ("xyz!",)]
        + [(gen.letters(rng, 1, 8, LOWER + "AB 12"),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
_CHAR_NAME = {" ": "space", "a": "'a'", "e": "'e'", "o": "'o'", ".": "'.'", ",": "','", "s": "'s'",
              "_": "underscore", "4": "'4'", "3": "'3'", "0": "'0'", "!": "'!'", ";": "';'", "z": "'z'",
              "*": "'*'"}


@family("et_replace_char", topic="strings")
def et_replace_char(rng):
    old, new = rng.choice([(" ", "_"), ("a", "4"), ("e", "3"), ("o", "0"), (".", "!"), (",", ";"), ("s", "z"),
                           ("a", "*"), (" ", ".")])
    fname = gen.name(rng, "replace_char", "swap_char", "substitute", "change_char")
    o, n = _CHAR_NAME[old], _CHAR_NAME[new]
    doc = rng.choice([
        f"Return text with every {o} replaced by {n}. All other characters stay the same.",
        f"Replace each {o} in text with {n} and return the new string.",
        f"Return a copy of text where all {o} characters have become {n}; nothing else changes.",
    ]) + " An empty string gives an empty string."
    alphabet = old * 3 + "abcdehilnrst ,."
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return text.replace({old!r}, {new!r})"]),
        wrong=[_fn(fname, "text", [f"return text.replace({old!r}, {new!r}, 1)"]),
               _fn(fname, "text", [f"return text.replace({old!r}, '')"])],
        examples=[(rng.choice(["sea, sand and sun.", "hello over there", "one. two, three", "a slow snake"]),)],
        inputs=[("",), (old,), (old + "x" + old,), ("tidy",), ("no more, please.",)]
        + [(gen.letters(rng, 3, 14, alphabet),) for _ in range(3)] + [(gen.sentence(rng, 2, 6),) for _ in range(2)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_count_words", topic="strings")
def et_count_words(rng):
    k = rng.choice([1, 1, 2, 3, 4, 5])
    fname = gen.name(rng, "count_words", "word_count", "number_of_words", "how_many_words")
    if k == 1:
        doc = rng.choice(["Return the number of words in text.", "Count the words in text and return the count.",
                          "Return how many words text contains."])
        wrong = [_fn(fname, "text", ["return len(text.split(' '))"]),
                 _fn(fname, "text", ["return text.count(' ') + 1"])]
    else:
        doc = rng.choice([f"Return how many words in text have at least {k} letters.",
                          f"Count the words of text that are {k} or more letters long.",
                          f"Return the number of words in text whose length is {k} or more."])
        wrong = [_fn(fname, "text", [f"return sum(1 for w in text.split() if len(w) > {k})"]),
                 _fn(fname, "text", ["return len(text.split())"])]
    doc += (" Words are separated by one or more spaces, and there may be spaces at the start or end."
            " A string with no words gives 0.")

    def sample(lo, hi):
        ws = [rng.choice(SHORT) if rng.random() < 0.3 else gen.word(rng) for _ in range(rng.randint(lo, hi))]
        return (_spaced(rng, ws),)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> int:",
        doc=doc,
        reference=_fn(fname, "text", [f"return sum(1 for w in text.split() if len(w) >= {k})"]),
        wrong=wrong,
        examples=[(" ".join(gen.words(rng, 2, 4) + [rng.choice(SHORT)]),)],
        inputs=[("",), ("   ",), ("word",), ("a bb ccc dddd eeeee ffffff",), ("  to  be  ",)]
        + [sample(1, 7) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_longest_word", topic="strings")
def et_longest_word(rng):
    which = rng.choice(["longest", "shortest"])
    tie = rng.choice(["first", "last"])
    fname = gen.name(rng, f"{which}_word", f"find_{which}", f"pick_{which}_word")
    cmp_ok, cmp_bad = {("longest", "first"): (">", ">="), ("longest", "last"): (">=", ">"),
                       ("shortest", "first"): ("<", "<="), ("shortest", "last"): ("<=", "<")}[(which, tie)]

    def loop(op):
        return _fn(fname, "text", ["best = None", "for w in text.split():",
                                   f"    if best is None or len(w) {op} len(best):", "        best = w",
                                   "return best if best is not None else ''"])

    doc = rng.choice([
        f"Return the {which} word in text.",
        f"Find the word of text with the {'most' if which == 'longest' else 'fewest'} characters and return it.",
        f"Return the {which} of the words in text.",
    ])
    doc += (f" Words are separated by spaces. If several words share that length, return the one that comes "
            f"{tie}. If text has no words, return an empty string.")
    lex = "max" if which == "longest" else "min"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=loop(cmp_ok),
        wrong=[loop(cmp_bad), _fn(fname, "text", [f"return {lex}(text.split(), default='')"])],
        examples=[(gen.sentence(rng, 3, 5),)],
        inputs=[("",), ("solo",), ("ab cd",), ("zz apple",), ("bb aa cc",), ("apple zz",), ("kiwi fig plum date",)]
        + [(gen.sentence(rng, 2, 7),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_join_words", topic="strings")
def et_join_words(rng):
    sep = rng.choice([", ", " + ", "/", " | ", ";", " and ", "::"])
    case = rng.choice(["keep", "upper", "lower"])
    fname = gen.name(rng, "join_words", "combine", "glue_words", "join_with_separator")
    doc = rng.choice([
        f"Join the strings in words into one string, with {sep!r} between each pair of neighbours.",
        f"Return all the strings of words, in order, joined together by the separator {sep!r}.",
        f"Combine the items of words into a single string, putting {sep!r} between consecutive items.",
    ])
    item = {"keep": "w", "upper": "w.upper()", "lower": "w.lower()"}[case]
    if case != "keep":
        doc += f" Every word is written in {case}case letters in the result."
    doc += " An empty list gives an empty string."
    wrong = [_fn(fname, "words", [f"return ''.join({item} + {sep!r} for w in words)"]),
             _fn(fname, "words", [f"return {(sep.strip() if sep.strip() != sep else ' ')!r}.join({item} for w in words)"])]
    if case != "keep":
        wrong.append(_fn(fname, "words", [f"return {sep!r}.join(words)"]))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(words: list[str]) -> str:",
        doc=doc,
        reference=_fn(fname, "words", [f"return {sep!r}.join({item} for w in words)"]),
        wrong=wrong,
        examples=[(_mixed_words(rng, 2, 3),)],
        inputs=[([],), (["one"],), (["a", "b"],), (["Red", "GREEN", "blue"],), (["", "x"],)]
        + [(_mixed_words(rng, 1, 5),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
_KINDS = {
    "letters": (LOWER + UPPER, "an ASCII letter (a to z or A to Z)", "isalpha",
                ("all_letters", "only_letters", "is_alphabetic")),
    "digits": (DIGITS, "a digit 0 to 9", "isdigit", ("all_digits", "only_digits", "is_numeric_text")),
    "lower": (LOWER, "a lowercase letter a to z", "islower", ("all_lowercase", "only_lowercase", "is_lower_word")),
    "upper": (UPPER, "an uppercase letter A to Z", "isupper", ("all_uppercase", "only_uppercase", "is_upper_word")),
}


@family("et_all_kind", topic="strings")
def et_all_kind(rng):
    kind = rng.choice(list(_KINDS))
    chars, what, method, names = _KINDS[kind]
    empty = rng.choice([True, False])
    fname = gen.name(rng, *names)
    doc = rng.choice([
        f"Return True if every character of text is {what}, and False otherwise.",
        f"Check that text is made only of characters that are each {what}; return True or False.",
        f"Return whether each character in text is {what}.",
    ]) + f" An empty string gives {empty}."
    ref = _fn(fname, "text", ["if text == '':", f"    return {empty}", f"return all(ch in {chars!r} for ch in text)"])
    wrong = [_fn(fname, "text", ["if text == '':", f"    return {empty}", f"return any(ch in {chars!r} for ch in text)"])]
    if empty:
        wrong.append(_fn(fname, "text", [f"return text.{method}()"]))
    else:
        wrong.append(_fn(fname, "text", [f"return all(ch in {chars!r} for ch in text)"]))
    good = {"letters": "HelloThere", "digits": "2024", "lower": "river", "upper": "RIVER"}[kind]
    mixed = {"letters": "abc1", "digits": "12a", "lower": "abC", "upper": "ABc"}[kind]
    alphabet = chars[:10] * 4 + "aZ5 !"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> bool:",
        doc=doc,
        reference=ref,
        wrong=wrong,
        examples=[(good,), (mixed,)],
        inputs=[("",), (chars[0],), (" ",), ("!",), ("ab 12",), ("A",), ("7",)]
        + [(gen.letters(rng, 1, 8, alphabet),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_first_unique", topic="strings")
def et_first_unique(rng):
    end = rng.choice(["first", "last"])
    none = rng.choice(["''", "None"])
    fname = gen.name(rng, f"{end}_unique_char", f"{end}_single", f"{end}_lonely_char")
    order = "text" if end == "first" else "reversed(text)"
    doc = rng.choice([
        f"Return the {end} character of text that occurs exactly once in it.",
        f"Scan text and return the {end} character that appears only one time in the whole string.",
        f"Among the characters of text that are not repeated anywhere in it, return the {end} one.",
    ])
    none_text = "an empty string" if none == "''" else "None"
    doc += f" If no character occurs exactly once (for example when text is empty), return {none_text}."
    ref = _fn(fname, "text", [f"for ch in {order}:", "    if text.count(ch) == 1:", "        return ch",
                              f"return {none}"])
    if end == "first":
        bad = _fn(fname, "text", ["for i, ch in enumerate(text):", "    if ch not in text[i + 1:]:",
                                  "        return ch", f"return {none}"])
    else:
        bad = _fn(fname, "text", ["for i in range(len(text) - 1, -1, -1):", "    if text[i] not in text[:i]:",
                                  "        return text[i]", f"return {none}"])
    ret = "str" if none == "''" else "str | None"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> {ret}:",
        doc=doc,
        reference=ref,
        wrong=[bad, _fn(fname, "text", [f"return text[{0 if end == 'first' else -1}] if text else {none}"])],
        examples=[(rng.choice(["swiss", "level", "banana", "letter", "hello"]),)],
        inputs=[("",), ("a",), ("aabb",), ("abcabc",), ("xaay",), ("abab c",), ("aabbc",), ("cabba",)]
        + [(gen.letters(rng, 2, 10, "abcde"),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_is_anagram", topic="strings")
def et_is_anagram(rng):
    ignore = rng.random() < 0.5
    fname = gen.name(rng, "is_anagram", "same_letters", "are_anagrams", "rearranged")
    doc = rng.choice([
        "Return True if second can be formed by rearranging all the characters of first, using each "
        "character exactly as many times as it appears in first; otherwise return False.",
        "Return whether first and second contain the same characters with the same counts, possibly in a "
        "different order.",
        "Decide if the two strings are anagrams of each other, meaning one is a reordering of the other "
        "with every character used the same number of times. Return True or False.",
    ])
    if ignore:
        doc += " Uppercase and lowercase versions of a letter count as the same character."
        ref = _fn(fname, "first, second", ["return sorted(first.lower()) == sorted(second.lower())"])
        bad = _fn(fname, "first, second", ["return sorted(first) == sorted(second)"])
        setw = _fn(fname, "first, second", ["return set(first.lower()) == set(second.lower())"])
    else:
        doc += " Case matters: 'A' and 'a' are different characters."
        ref = _fn(fname, "first, second", ["return sorted(first) == sorted(second)"])
        bad = _fn(fname, "first, second", ["return sorted(first.lower()) == sorted(second.lower())"])
        setw = _fn(fname, "first, second", ["return set(first) == set(second)"])
    doc += " Two empty strings are anagrams."

    def sample():
        w = gen.word(rng)
        r = rng.random()
        if r < 0.4:
            other = "".join(rng.sample(w, len(w)))
        elif r < 0.7:
            v = gen.word(rng)
            other = "".join(rng.sample(v, len(v)))
        else:
            other = "".join(rng.sample(w, len(w)))[:-1] + rng.choice("xyz")
        if rng.random() < 0.3:
            other = other.capitalize()
        return (w, other)

    return Variant(
        entry_point=fname,
        signature=f"def {fname}(first: str, second: str) -> bool:",
        doc=doc,
        reference=ref,
        wrong=[bad, setw],
        examples=[rng.choice([("lemon", "melon"), ("stone", "tones"), ("inch", "chin"), ("below", "elbow")])]
        if rng.random() < 0.4 else [sample()],
        inputs=[("", ""), ("a", ""), ("abc", "cab"), ("aab", "abb"), ("Abc", "cab"), ("stone", "notes"),
                ("ab", "abc"), ("night", "thing")] + [sample() for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_initials", topic="strings")
def et_initials(rng):
    upper = rng.random() < 0.5
    sep = rng.choice(["", ".", " "])
    fname = gen.name(rng, "initials", "first_letters", "acronym_of", "word_heads")
    doc = rng.choice([
        "Return the first letter of every word in text, in order",
        "Build a string out of the first character of each word of text",
        "Collect the initial letter of each word in text",
    ])
    doc += {"": ", written together with nothing between them.",
            ".": ", with a dot between each pair of neighbouring letters (no dot at the end).",
            " ": ", with a single space between each pair of neighbouring letters."}[sep]
    doc += " Words are separated by single spaces."
    doc += (" Each letter is changed to uppercase." if upper else " Each letter keeps its original case.")
    doc += " An empty string gives an empty string."
    item = "w[0].upper()" if upper else "w[0]"
    pre = "text[i + 1].upper()" if upper else "text[i + 1]"
    last = "w[-1].upper()" if upper else "w[-1]"
    wrong = [_fn(fname, "text", [f"return {sep!r}.join({pre} for i in range(len(text) - 1) if text[i] == ' ')"]),
             _fn(fname, "text", [f"return {sep!r}.join({last} for w in text.split())"])]
    if upper:
        wrong.append(_fn(fname, "text", [f"return {sep!r}.join(w[0] for w in text.split())"]))
    else:
        wrong.append(_fn(fname, "text", [f"return {sep!r}.join(w[0].upper() for w in text.split())"]))
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return {sep!r}.join({item} for w in text.split())"]),
        wrong=wrong,
        examples=[(gen.sentence(rng, 3, 4),)],
        inputs=[("",), ("word",), ("ab cd",), ("big red bus",), ("Big Red bus",)]
        + [(" ".join(_mixed_words(rng, 1, 6)),) for _ in range(5)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_pad_number", topic="strings")
def et_pad_number(rng):
    k = rng.randint(3, 8)
    fill = rng.choice(["0", "0", "*", "#", "."])
    side = "left" if fill == "0" else rng.choice(["left", "right"])
    fname = gen.name(rng, "pad_number", "fixed_width", "pad_to_width", "format_padded")
    doc = rng.choice([
        f"Write the number n in decimal and add '{fill}' characters on its {side} until the string is {k} "
        f"characters long. Return that string.",
        f"Return n as a decimal string padded on the {side} with '{fill}' so that its length is exactly {k}.",
        f"Convert n to text and pad it on the {side} side with the character '{fill}' up to a width of {k}.",
    ]) + f" n is never negative. If n already has {k} or more digits, return its digits unchanged."
    method = "rjust" if side == "left" else "ljust"
    trunc = (f"return ({fill * k!r} + str(n))[-{k}:]" if side == "left" else f"return (str(n) + {fill * k!r})[:{k}]")
    always = (f"return {fill * (k - 1)!r} + str(n)" if side == "left" else f"return str(n) + {fill * (k - 1)!r}")
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(n: int) -> str:",
        doc=doc,
        reference=_fn(fname, "n", [f"return str(n).{method}({k}, {fill!r})"]),
        wrong=[_fn(fname, "n", [trunc]), _fn(fname, "n", [always])],
        examples=[(rng.randint(1, 10 ** (k - 2)),)],
        inputs=[(0,), (7,), (10 ** (k - 1),), (10 ** k + 5,), (123456789,), (45,)]
        + [(rng.randint(0, 10 ** rng.randint(1, k + 1)),) for _ in range(4)],
    )


# ---------------------------------------------------------------------------------------------
@family("et_sort_chars", topic="strings")
def et_sort_chars(rng):
    desc = rng.random() < 0.5
    unique = rng.random() < 0.5
    fname = gen.name(rng, "sort_letters", "sorted_chars", "order_letters", "alphabetize")
    direction = "from z down to a" if desc else "from a to z"
    doc = rng.choice([
        f"Return the letters of text rearranged into alphabetical order {direction}.",
        f"Sort the characters of text {direction} and return them as a string.",
        f"Return a string with the same letters as text, put in order {direction}.",
    ]) + " text holds only lowercase letters a to z."
    doc += (" Each distinct letter appears only once in the result." if unique
            else " Repeated letters are kept as many times as they appear.")
    doc += " An empty string gives an empty string."
    src = "set(text)" if unique else "text"
    other = "text" if unique else "set(text)"
    return Variant(
        entry_point=fname,
        signature=f"def {fname}(text: str) -> str:",
        doc=doc,
        reference=_fn(fname, "text", [f"return ''.join(sorted({src}, reverse={desc}))"]),
        wrong=[_fn(fname, "text", [f"return ''.join(sorted({src}, reverse={not desc}))"]),
               _fn(fname, "text", [f"return ''.join(sorted({other}, reverse={desc}))"])],
        examples=[(gen.word(rng),)],
        inputs=[("",), ("a",), ("ab",), ("ba",), ("aab",), ("zebra",), ("banana",)]
        + [(gen.letters(rng, 2, 12, "abcdefmnxyz"),) for _ in range(4)],
    )
