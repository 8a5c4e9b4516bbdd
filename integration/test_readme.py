"""The README's "Using the library" snippets are the examples' own code: every line of every
c / cpp / python / cmake block there must appear in the file it quotes."""
import re

from conftest import ROOT

SOURCES = {"c": "examples/c/simple.c", "cpp": "examples/cpp/chat.cpp",
           "python": "examples/python/decoding_values.py", "cmake": "integration/consumer/cmake/CMakeLists.txt"}


def test_readme_snippets_come_from_the_examples():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Using the library", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    langs = [lang for lang, _ in blocks]
    for lang in SOURCES:
        assert lang in langs, f"no {lang} snippet in the README"
    for lang, body in blocks:
        if lang not in SOURCES:
            continue
        source = {line.strip() for line in (ROOT / SOURCES[lang]).read_text().splitlines()}
        for line in body.splitlines():
            assert not line.strip() or line.strip() in source, f"README {lang} line not in {SOURCES[lang]}: {line!r}"
