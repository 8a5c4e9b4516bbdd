"""The AutoDeco heads pipeline end to end at a tiny scale, on the real Qwen2.5-Coder model:
tasks → rejection sampling through the engine (continuous batching) → verification in the
sandbox → export of the verified trajectories → head training → evaluation on held-out tasks
with the trained heads (AutoDeco and MeanShift). Three easy training tasks (ones the model
solved in the project's own sampling run), two samples each, a few hundred positions."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT

TASKS = ROOT / "tasks"
TRAIN_IDS = ["train/2326", "train/2331", "train/2333"]   # ed_extreme_or_none, ed_sum_above, ed_temperature


def run(*args, timeout=900):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def pipeline(qwen, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pipeline")
    by_id = {t["task_id"]: t for t in lines(TASKS / "data" / "train.jsonl")}
    tasks = tmp / "train.jsonl"
    tasks.write_text("".join(json.dumps(by_id[i]) + "\n" for i in TRAIN_IDS), encoding="utf-8")
    samples = tmp / "samples"
    sample_args = [sys.executable, TASKS / "sample.py", "--tasks", tasks, "-m", qwen, "--temperature", 0.7,
                   "--k", 2, "--max-tokens", 200, "--slots", 4, "--tasks-per-call", 2, "--out", samples]
    first = run(*sample_args)
    again = run(*sample_args)   # resumes: nothing left to do
    verified = tmp / "verified"
    export = run(sys.executable, TASKS / "export.py", samples / "train-T0.7.jsonl", "--tasks", tasks,
                 "--out", verified, "--name", "tiny")
    rejected = run(sys.executable, TASKS / "rejected.py", samples / "train-T0.7.jsonl", "--tasks", tasks,
                   "-m", qwen, "--out", verified, "--name", "tiny")
    heads = tmp / "heads"
    train = run(ROOT / "bin" / "autodeco", "train-heads", "-m", qwen, "--data", verified / "tiny.jsonl",
                "--out", heads, "--epochs", 1, "--batch-positions", 32, "--val-fraction", 0.34, "--seed", 0,
                "--threads", 2)
    evaluation = tmp / "eval"
    run(sys.executable, ROOT / "benchmarks" / "humaneval.py", "run", "--tasks", TASKS / "data" / "heldout.jsonl",
        "--model", qwen, "--heads", heads, "--limit", 2, "--n", 2, "--max-tokens", 48, "--threads", 2,
        "--out", evaluation, "--config", "autodeco", "--config", "meanshift")
    return dict(tmp=tmp, samples=samples, first=first, again=again, verified=verified, export=export, rejected=rejected,
                heads=heads, train=train, evaluation=evaluation)


def test_sampling_records_every_sample_with_its_verdict(pipeline):
    rows = lines(pipeline["samples"] / "train-T0.7.jsonl")
    assert [r["task_id"] for r in rows] == TRAIN_IDS
    for r in rows:
        task = int(r["task_id"].split("/")[1])
        assert [s["seed"] for s in r["samples"]] == [1000 * task + i for i in range(2)]
        assert r["n_passed"] == sum(s["status"] == "passed" for s in r["samples"])
        for s in r["samples"]:
            assert s["status"] in {"passed", "failed", "timeout"}
            assert 1 <= s["n_tokens"] <= 200 and s["text"]
    assert "0 to go" in pipeline["again"].stdout   # the second run resumed and found nothing to do


def test_export_writes_both_formats(pipeline):
    rows = lines(pipeline["samples"] / "train-T0.7.jsonl")
    passed = sum(r["n_passed"] for r in rows)
    assert passed >= 1, "none of the 6 samples of three easy tasks passed: the pipeline has nothing to train on"
    ours = lines(pipeline["verified"] / "tiny.jsonl")
    trl = lines(pipeline["verified"] / "tiny.trl.jsonl")
    assert 1 <= len(ours) == len(trl) <= passed
    for a, b in zip(ours, trl):
        assert a["completion"].startswith("```") or "def " in a["completion"]
        assert b["prompt"] == [{"role": "user", "content": a["prompt"]}]
        assert b["completion"] == [{"role": "assistant", "content": a["completion"]}]
        if not a["end_of_turn"]:
            assert a["completion"].endswith("\n```")


def test_rejected_tokens_are_where_failing_samples_leave_the_passing_ones(pipeline, qwen):
    """Every rejected-token line is a failing sample's reply cut just after a token that no
    passing reply of its task took after the same tokens (checked on the model's tokens)."""
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import autodeco
    rows = {r["task_id"]: r for r in lines(pipeline["samples"] / "train-T0.7.jsonl")}
    out = lines(pipeline["verified"] / "tiny.rejected.jsonl")
    assert f"{len(out)} rejected tokens" in pipeline["rejected"].stdout
    with autodeco.Model(qwen, find_heads=False) as model:
        for e in out:
            samples = rows[e["task_id"]]["samples"]
            failing = [s for s in samples if s["seed"] == e["seed"]]
            assert failing and failing[0]["status"] != "passed" and e["end_of_turn"] is False
            path = model.tokenize(failing[0]["text"])[: e["depth"] + 1]
            assert model.detokenize(path) == e["completion"]
            for s in samples:
                if s["status"] == "passed":
                    assert model.tokenize(s["text"])[: e["depth"] + 1] != path


def test_training_writes_loadable_heads(pipeline, qwen):
    heads = pipeline["heads"]
    assert (heads / "model.safetensors").exists() and (heads / "config.json").exists()
    assert json.loads((heads / "config.json").read_text())["model_type"] == "autodeco"
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import autodeco
    with autodeco.Model(qwen, heads=heads) as model, autodeco.Context(model, n_ctx=128, n_threads=2) as ctx:
        assert ctx.has_heads
        ctx.decode(model.tokenize("def add(a, b):"))
        t, p = ctx.predict()
        assert 0 < t < 2 and 0 < p <= 1


def test_evaluation_with_the_trained_heads(pipeline):
    for config in ("autodeco", "meanshift"):
        rows = lines(pipeline["evaluation"] / f"{config}.jsonl")
        assert [r["task_id"] for r in rows] == ["heldout/0", "heldout/1"]
        assert all(r["settings"]["heads"] == str(pipeline["heads"]) for r in rows)
        assert all(len(r["samples"]) == 2 for r in rows)
    auto = [s for r in lines(pipeline["evaluation"] / "autodeco.jsonl") for s in r["samples"]]
    assert all(0 < s["T"]["min"] <= s["T"]["max"] < 2 for s in auto)
