#!/usr/bin/env python3
"""Where heads put high and low temperatures: per-token T of AutoDeco samples, by kind of token.

    python3 benchmarks/temperature_map.py NAME=RESULTS.jsonl [NAME=RESULTS.jsonl ...] [--markdown]

Reads `autodeco` results files of benchmarks/humaneval.py (each sample keeps the temperature and
top-p it used per generated token, `T_tokens`/`P_tokens`), re-tokenizes each reply with the
model's tokenizer and keeps the replies whose token count matches (re-tokenizing the text can
merge differently from how it was generated), then reports the mean T and the share of tokens
drawn above T = 1 per kind of token: code keywords, identifiers, digits, string/comment words,
operators and punctuation, indentation and newlines, the code fence and the end of the reply.
"""
import argparse
import json
import keyword
import pathlib
import re
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bindings" / "python"))
DEFAULT_MODEL = pathlib.Path.home() / ".cache" / "autodeco" / "models" / "qwen2.5-coder-0.5b-instruct.gguf"

KINDS = ["keyword", "identifier", "digits", "operator/punctuation", "whitespace/newline", "code fence", "other"]


def kind(piece: str) -> str:
    s = piece.strip()
    if not s:
        return "whitespace/newline"
    if "```" in s:
        return "code fence"
    if s.isdigit():
        return "digits"
    if keyword.iskeyword(s):
        return "keyword"
    if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", s):
        return "identifier"
    if re.fullmatch(r"[^\w\s]+", s):
        return "operator/punctuation"
    return "other"


def collect(path: pathlib.Path, tokenize, piece):
    by_kind = {k: [] for k in KINDS}
    matched = total = 0
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        for s in row.get("samples", []):
            values = s.get("T_tokens")
            if not values:
                continue
            total += 1
            ids = tokenize(s["text"])
            if len(ids) not in (len(values), len(values) - 1):   # the last value may be the end of turn's
                continue
            matched += 1
            for i, t in enumerate(values):
                by_kind[kind(piece(ids[i])) if i < len(ids) else "other"].append(t)
    return by_kind, matched, total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="NAME=results.jsonl")
    ap.add_argument("-m", "--model", default=str(DEFAULT_MODEL))
    args = ap.parse_args()
    import autodeco
    model = autodeco.Model(args.model, find_heads=False)
    tokenize = model.tokenize
    piece = lambda t: model.detokenize([t])   # noqa: E731
    tables = {}
    for spec in args.files:
        name, _, path = spec.partition("=")
        tables[name] = collect(pathlib.Path(path), tokenize, piece)
    names = list(tables)
    print("| kind of token | " + " | ".join(f"{n}: tokens | mean T | T > 1" for n in names) + " |")
    print("|---|" + "---|---|---|" * len(names))
    for k in KINDS:
        cells = []
        for n in names:
            v = tables[n][0][k]
            cells.append(f"{len(v)} | {statistics.fmean(v):.3f} | {100 * sum(x > 1 for x in v) / len(v):.1f}%"
                         if v else "0 | – | –")
        print(f"| {k} | " + " | ".join(cells) + " |")
    for n in names:
        _, matched, total = tables[n]
        print(f"\n{n}: {matched} of {total} replies re-tokenized to their generated length", end="")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
