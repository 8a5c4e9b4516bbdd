#!/usr/bin/env python3
"""Turns rejection-sampling results into training data: the passing samples, deduplicated.

    python3 tasks/export.py tasks/data/samples/train-T1.jsonl            # -> tasks/data/verified/train-T1.*
    python3 tasks/export.py SAMPLES.jsonl --limit 600 --out DIR --name NAME
    python3 tasks/export.py SAMPLES.jsonl --skip 2320 --limit 400    # tasks 2,320-2,719 only
    python3 tasks/export.py benchmarks/results/heldout/default.jsonl --harness --tasks tasks/data/heldout.jsonl \
        --name heldout-default                                        # held-out trajectories

Writes two files with the same trajectories:
- NAME.jsonl, for `autodeco train-heads --data`: {"prompt", "completion", "end_of_turn", ...}, the
  prompt being the instruction the sample was asked with and the completion the model's reply as
  generated. A reply that ended at the closing code fence (the sampler's stop string) gets that
  fence back and no end-of-turn target (the model went on writing after it); one that ended with
  the model's own end of turn keeps it.
- NAME.trl.jsonl, in the conversational prompt–completion format that the official AutoDeco
  trainer reads (TRL's SFT trainer via `datasets.load_dataset("json", ...)` with
  `completion_only_loss`): {"prompt": [{"role": "user", ...}], "completion": [{"role":
  "assistant", ...}]}, so the same pipeline can feed heads for a larger model on a GPU.

Duplicates: samples of one task whose extracted code is the same up to whitespace are kept once."""
import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from taskkit.corpus import as_problem, load_tasks, results_for_slice, training_instruction  # noqa: E402

FENCE = "\n```"


def trajectory(task: dict, sample: dict, harness: bool = False) -> dict:
    completion = sample["text"]
    end_of_turn = sample["stop_reason"] == "eog"
    if sample["stop_reason"] == "stop_string":
        completion += FENCE
    prompt = as_problem(task).instruction() if harness else training_instruction(task)
    return {"prompt": prompt, "completion": completion, "end_of_turn": end_of_turn,
            "task_id": task["task_id"], "family": task["family"], "seed": sample["seed"]}


def verified(rows, tasks_by_id, harness: bool = False):
    """(trajectory, …) of every distinct passing sample, in file order."""
    out = []
    for row in rows:
        task = tasks_by_id[row["task_id"]]
        seen = set()
        for s in row["samples"]:
            if s["status"] != "passed":
                continue
            key = " ".join(s["code"].split())
            if key in seen:
                continue
            seen.add(key)
            out.append(trajectory(task, s, harness))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("samples", type=pathlib.Path, help="a results file of tasks/sample.py")
    ap.add_argument("--tasks", type=pathlib.Path, default=HERE / "data" / "train.jsonl")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first N tasks of the task file")
    ap.add_argument("--limit", type=int, help="only N tasks (after --skip), as tasks/sample.py")
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "data" / "verified")
    ap.add_argument("--name", help="output name (default: the samples file's name)")
    ap.add_argument("--harness", action="store_true",
                    help="SAMPLES is a results file of benchmarks/humaneval.py run --tasks (asked with the "
                         "harness's instruction), e.g. held-out trajectories for autodeco eval-heads")
    args = ap.parse_args()

    tasks = load_tasks(args.tasks)
    by_id = {t["task_id"]: t for t in tasks}
    rows = results_for_slice(args.samples, tasks, args.skip, args.limit)
    trajectories = verified(rows, by_id, args.harness)
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.name or args.samples.stem
    ours, trl = args.out / f"{name}.jsonl", args.out / f"{name}.trl.jsonl"
    with open(ours, "w", encoding="utf-8") as f:
        for t in trajectories:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    with open(trl, "w", encoding="utf-8") as f:
        for t in trajectories:
            f.write(json.dumps({"prompt": [{"role": "user", "content": t["prompt"]}],
                                "completion": [{"role": "assistant", "content": t["completion"]}]},
                               ensure_ascii=False) + "\n")
    samples = sum(r["n"] for r in rows)
    passed = sum(r["n_passed"] for r in rows)
    print(f"{len(rows)} tasks, {samples} samples, {passed} passed ({passed / max(samples, 1):.1%}), "
          f"{len(trajectories)} distinct verified trajectories -> {ours}, {trl}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
