#!/usr/bin/env python3
"""Rejected tokens: where a failing sample leaves every verified answer to its task.

    python3 tasks/rejected.py tasks/data/samples/train-T0.7.jsonl     # -> tasks/data/verified/train-T0.7.rejected.jsonl
    python3 tasks/rejected.py SAMPLES.jsonl --skip 2320 --limit 400 --name NAME

For every task with at least one passing and one failing sample, each sample's reply is
tokenized with the model's own tokenizer and the passing replies form a prefix tree. A failing
reply follows the tree for a while; the first token it takes that no passing reply took at that
point is its *rejected token*: up to there the sample was on a path known to lead to a correct
answer, and that token is where it left every such path. One line per distinct (task, path up to
the rejected token):

    {"prompt", "completion", "end_of_turn": false, "task_id", "family", "seed", "depth"}

where `completion` is the reply up to and including the rejected token (`depth` is its index),
so that `autodeco train-heads --rejected FILE` finds the rejected token as the example's last
completion position. The prompt is the instruction the sample was asked with, as in export.py.
Failing samples that never leave the tree (a prefix of a passing reply) give nothing.
"""
import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "bindings" / "python"))

from taskkit.corpus import load_tasks, results_for_slice, training_instruction  # noqa: E402

DEFAULT_MODEL = pathlib.Path.home() / ".cache" / "autodeco" / "models" / "qwen2.5-coder-0.5b-instruct.gguf"


def first_departure(tokens, tree) -> int:
    """Index of the first token of `tokens` that leaves the prefix tree, or -1 if none does."""
    node = tree
    for i, t in enumerate(tokens):
        if t not in node:
            return i
        node = node[t]
    return -1


def prefix_tree(sequences):
    root = {}
    for seq in sequences:
        node = root
        for t in seq:
            node = node.setdefault(t, {})
    return root


def rejected_tokens(row: dict, task: dict, tokenize, detokenize):
    """The rejected-token examples of one task's results row."""
    passing = [s for s in row["samples"] if s["status"] == "passed"]
    failing = [s for s in row["samples"] if s["status"] != "passed"]
    if not passing or not failing:
        return []
    tree = prefix_tree(tokenize(s["text"]) for s in passing)
    out, seen = [], set()
    for s in failing:
        tokens = tokenize(s["text"])
        i = first_departure(tokens, tree)
        if i < 0 or tuple(tokens[: i + 1]) in seen:
            continue
        seen.add(tuple(tokens[: i + 1]))
        out.append({"prompt": training_instruction(task), "completion": detokenize(tokens[: i + 1]),
                    "end_of_turn": False, "task_id": task["task_id"], "family": task["family"],
                    "seed": s["seed"], "depth": i})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("samples", type=pathlib.Path, help="a results file of tasks/sample.py")
    ap.add_argument("--tasks", type=pathlib.Path, default=HERE / "data" / "train.jsonl")
    ap.add_argument("-m", "--model", type=pathlib.Path, default=DEFAULT_MODEL, help="GGUF model (its tokenizer)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first N tasks of the task file")
    ap.add_argument("--limit", type=int, help="only N tasks (after --skip), as tasks/sample.py")
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "data" / "verified")
    ap.add_argument("--name", help="output name (default: the samples file's name)")
    args = ap.parse_args()

    import autodeco
    model = autodeco.Model(str(args.model), find_heads=False)
    tasks = load_tasks(args.tasks)
    by_id = {t["task_id"]: t for t in tasks}
    rows = results_for_slice(args.samples, tasks, args.skip, args.limit)
    examples = []
    for row in rows:
        examples += rejected_tokens(row, by_id[row["task_id"]], model.tokenize, model.detokenize)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{args.name or args.samples.stem}.rejected.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for e in examples:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    depths = sorted(e["depth"] for e in examples)
    median = depths[len(depths) // 2] if depths else 0
    print(f"{len(rows)} tasks, {len(examples)} rejected tokens (median depth {median} tokens) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
