#!/usr/bin/env python3
"""Builds the verifiable task corpus from the project's task families.

    python3 tasks/build.py                 # writes tasks/data/train.jsonl and heldout.jsonl
    python3 tasks/build.py --check         # only realises every family, prints counts (no files)
    python3 tasks/build.py --check --family NAME [--count 60]

Deterministic: instance i of a family is drawn with seed i; held-out families are fixed in
HELDOUT (whole families, never seen in training), so the held-out split is an in-domain
benchmark of unseen kinds of task. Every task's reference passes its test and every wrong
solution of the family fails it (checked here, and again by integration/test_tasks.py)."""
import argparse
import itertools
import json
import pathlib
import sys
from collections import Counter

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from taskkit import family as F  # noqa: E402
from taskkit.families import load_all  # noqa: E402

DATA = HERE / "data"
# Families modules in the order they were added to the corpus. Each batch's tasks come after
# the earlier batches' (interleaved within the batch), so adding families never changes the id
# of an existing task and sampling results made before stay valid.
BATCHES = (
    ("basics", "numbers", "records", "sequences", "strings"),
    ("easy_data", "easy_text"),   # one plain rule each: the first batch was hard for a 0.5B model
)
TRAIN_PER_FAMILY = 40
HELDOUT_PER_FAMILY = 25
# Whole families kept out of training: about one in six, three from each families module of
# the first batch (strings, sequences, numbers, records) and two from each of the second, so
# every topic has unseen kinds of task.
HELDOUT = (
    "str_acronym", "str_wrap_lines", "str_rotation_offset",
    "seq_leaders", "seq_spiral", "seq_count_pairs",
    "num_roman", "num_clock_gap", "num_prime_range",
    "rec_vending", "rec_merge_intervals", "rec_version_compare",
    "et_longest_word", "et_is_anagram", "ed_is_sorted", "ed_average_rounded",
)


def build_split(families, per_family: int, prefix: str, log) -> list:
    """Every batch's families in turn (BATCHES), their instances interleaved within the batch
    (instance 0 of each family, then instance 1, …) so that a prefix of a batch covers each of
    its families: a partial sampling run is balanced."""
    tasks = []
    for batch in BATCHES:
        tasks += _interleaved([f for f in families if f.module in batch], per_family, log)
    for i, t in enumerate(tasks):
        t.task_id = f"{prefix}/{i}"
    return tasks


def _interleaved(families, per_family: int, log) -> list:
    per = []
    for fam in families:
        made = []
        for seed, variant in F.instances(fam, per_family):
            try:
                made.append(F.realize(fam, variant, ""))
            except F.BadVariant as e:
                raise SystemExit(f"error: {fam.name} (seed {seed}): {e}")
        if len(made) < per_family:
            log(f"warning: {fam.name} yields only {len(made)} distinct instances (wanted {per_family})")
        per.append(made)
    return [t for row in itertools.zip_longest(*per) for t in row if t is not None]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="realise the families without writing files")
    ap.add_argument("--family", action="append", help="only this family (with --check)")
    ap.add_argument("--count", type=int, default=TRAIN_PER_FAMILY, help="instances per family (with --check)")
    ap.add_argument("--out", default=str(DATA))
    args = ap.parse_args()
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731

    load_all()
    fams = F.registry()
    unknown = [n for n in HELDOUT if n not in fams]
    if unknown:
        raise SystemExit(f"error: HELDOUT names unknown families {unknown}")
    if args.check:
        chosen = [fams[n] for n in (args.family or sorted(fams))]
        tasks = [t for fam in chosen for t in _interleaved([fam], args.count, log)]
        for name, n in sorted(Counter(t.family for t in tasks).items()):
            print(f"{name:32} {n}")
        print(f"{len(chosen)} families, {len(tasks)} tasks")
        return 0

    unplaced = sorted({f.module for f in fams.values()} - {m for batch in BATCHES for m in batch})
    if unplaced:
        raise SystemExit(f"error: families modules {unplaced} are in no batch of BATCHES (add them as a new batch)")
    train_fams = [fams[n] for n in sorted(fams) if n not in HELDOUT]
    held_fams = [fams[n] for n in sorted(HELDOUT)]
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for split, chosen, per in (("train", train_fams, TRAIN_PER_FAMILY), ("heldout", held_fams, HELDOUT_PER_FAMILY)):
        tasks = build_split(chosen, per, split, log)
        prompts = Counter(t.prompt for t in tasks)
        dupes = [p for p, n in prompts.items() if n > 1]
        if dupes:
            raise SystemExit(f"error: {len(dupes)} duplicate prompts in {split}")
        path = out / f"{split}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for t in tasks:
                f.write(json.dumps(t.to_json(), ensure_ascii=False) + "\n")
        print(f"{path}: {len(tasks)} tasks from {len(chosen)} families")
    return 0


if __name__ == "__main__":
    sys.exit(main())
