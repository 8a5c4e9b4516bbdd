"""The verifiable task corpus (tasks/): committed files = what tasks/build.py makes, size and
family rules, decontamination against HumanEval, and the verifiers (every reference passes its
test, every wrong solution of the family fails it) — in-process for all tasks, and through the
real sandbox of the HumanEval harness for one task of every family."""
import collections
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tasks"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from evalkit.problems import load_problems  # noqa: E402
from evalkit.sandbox import Limits, run_tests  # noqa: E402
from taskkit import family as F  # noqa: E402
from taskkit.corpus import INSTRUCTIONS, load_tasks  # noqa: E402
from taskkit.families import load_all  # noqa: E402
from build import BATCHES  # noqa: E402

DATA = ROOT / "tasks" / "data"
NGRAM = 13


@pytest.fixture(scope="module")
def corpus():
    return {split: load_tasks(DATA / f"{split}.jsonl") for split in ("train", "heldout")}


def test_committed_corpus_is_what_the_build_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tasks" / "build.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for split in ("train", "heldout"):
        assert (tmp_path / f"{split}.jsonl").read_bytes() == (DATA / f"{split}.jsonl").read_bytes(), split


def test_sizes_families_and_disjoint_splits(corpus):
    train, held = corpus["train"], corpus["heldout"]
    assert len(train) >= 2000 and len(held) >= 300
    train_fams = {t["family"] for t in train}
    held_fams = {t["family"] for t in held}
    assert len(train_fams | held_fams) >= 60
    assert not train_fams & held_fams, "the held-out split must hold whole families never trained on"
    assert len(held_fams) >= 10
    prompts = [t["prompt"] for t in train + held]
    assert len(set(prompts)) == len(prompts), "duplicate prompts"
    # Batches of families follow each other (ids of earlier tasks never change) and within a
    # batch every family is spread over it (interleaved), so a partial sampling run is balanced.
    F.registry() or load_all()
    module = {name: fam.module for name, fam in F.registry().items()}
    start = 0
    for batch in BATCHES:
        fams = {f for f in train_fams if module[f] in batch}
        assert {t["family"] for t in train[start:start + len(fams)]} == fams, batch
        start += sum(module[t["family"]] in batch for t in train)
    assert start == len(train)


def test_every_task_has_at_least_five_tests_and_a_wrong_solution(corpus):
    for t in corpus["train"] + corpus["heldout"]:
        asserts = t["test"].count("\n    assert ")
        assert asserts >= 5, t["task_id"]
        assert t["wrong"], t["task_id"]
        assert t["entry_point"] in t["prompt"] and t["entry_point"] in t["reference"]


def _grams(text: str) -> set:
    words = text.split()
    return {" ".join(words[i:i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def test_no_13_gram_shared_with_humaneval(corpus):
    # Decontamination: no task prompt or reference solution (nor the instructions the tasks are
    # asked with) shares a 13-gram of whitespace-separated tokens with any HumanEval prompt or
    # canonical solution.
    humaneval = set()
    for p in load_problems():
        humaneval |= _grams(p.prompt) | _grams(p.canonical_solution) | _grams(p.prompt + p.canonical_solution)
    assert len(humaneval) > 10000
    hits = []
    for t in corpus["train"] + corpus["heldout"]:
        shared = (_grams(t["prompt"]) | _grams(t["reference"])) & humaneval
        if shared:
            hits.append((t["task_id"], sorted(shared)[:1]))
    for template in INSTRUCTIONS:
        assert not _grams(template) & humaneval
    assert not hits, hits[:5]


def test_decontamination_check_would_catch_a_copy():
    # The check above could fail: a prompt made of a HumanEval docstring is caught.
    p = load_problems()[12]
    assert _grams(p.prompt) & _grams("def f(x):\n    " + p.prompt.split('"""')[1])


def test_references_pass_and_wrong_solutions_fail_in_process(corpus):
    for t in corpus["train"] + corpus["heldout"]:
        task = F.Task(**t)
        assert F.passes(task.reference, task), t["task_id"]
        for w in task.wrong:
            assert not F.passes(w, task), (t["task_id"], w)


def test_verifiers_in_the_sandbox_one_task_per_family(corpus):
    # The path rejection sampling uses: prompt + code as the model would write it, the task's
    # check() in the sandbox.
    firsts = collections.OrderedDict()
    for t in corpus["train"] + corpus["heldout"]:
        firsts.setdefault(t["family"], t)
    limits = Limits(timeout=10.0)
    for t in firsts.values():
        ok = run_tests(t["prompt"] + "\n\n" + t["reference"], t["test"], t["entry_point"], limits)
        assert ok.status == "passed", (t["task_id"], ok.detail)
        bad = run_tests(t["prompt"] + "\n\n" + t["wrong"][0], t["test"], t["entry_point"], limits)
        assert bad.status == "failed", t["task_id"]
    assert len(firsts) >= 60


def test_task_files_are_json_lines(corpus):
    for split in ("train", "heldout"):
        with open(DATA / f"{split}.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                assert set(row) == {f.name for f in F.dataclasses.fields(F.Task)}


def test_rejected_tokens_are_where_a_failing_sample_leaves_every_passing_one():
    """tasks/rejected.py on hand-made replies, with characters as tokens: the rejected token is
    the first one no passing reply took after the same prefix; a failing reply that stays on a
    passing path gives nothing; duplicates are kept once; tasks without a pass give nothing."""
    import rejected
    task = load_tasks(ROOT / "tasks" / "data" / "train.jsonl")[0]

    def sample(text, status, seed=0):
        return {"text": text, "status": status, "seed": seed}
    row = {"task_id": task["task_id"], "samples": [
        sample("abcd", "passed"), sample("abxy", "passed"),
        sample("abcz", "failed", 1),     # leaves at index 3 (z after abc)
        sample("abq", "failed", 2),      # leaves at index 2 (q after ab)
        sample("abqr", "failed", 3),     # same departure as seed 2: kept once
        sample("ab", "timeout", 4),      # a prefix of passing replies: never leaves
        sample("zzz", "failed", 5),      # leaves at once
    ]}
    out = rejected.rejected_tokens(row, task, tokenize=list, detokenize="".join)
    assert [(e["completion"], e["depth"], e["seed"]) for e in out] == [("abcz", 3, 1), ("abq", 2, 2), ("z", 0, 5)]
    assert all(e["end_of_turn"] is False and e["prompt"] for e in out)
    no_pass = {"task_id": task["task_id"], "samples": [sample("abc", "failed")]}
    assert rejected.rejected_tokens(no_pass, task, tokenize=list, detokenize="".join) == []
