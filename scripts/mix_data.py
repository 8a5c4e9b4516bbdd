#!/usr/bin/env python3
"""Interleaves JSONL training files into one, deterministically: example i of every input in
turn (a, b, a, b, …), each input cut to its first N examples when `FILE:N` is given, the rest
of the longer inputs appended in order. Used for the SmolLM2 mixture experiment (its own
sampled chat answers with human-written code; not the shipped heads, see heads/README.md).

    python3 scripts/mix_data.py OUT.jsonl heads/data/chat-smollm2-train.jsonl heads/data/stdlib-train.jsonl:348
"""
import sys


def read(spec):
    path, _, limit = spec.partition(":")
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    return lines[: int(limit)] if limit else lines


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    inputs = [read(spec) for spec in sys.argv[2:]]
    out = []
    for i in range(max(len(x) for x in inputs)):
        out.extend(x[i] for x in inputs if i < len(x))
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.writelines(out)
    print(f"{sys.argv[1]}: {len(out)} examples from {', '.join(f'{len(x)}' for x in inputs)}", file=sys.stderr)


if __name__ == "__main__":
    main()
