"""benchmarks/humaneval.py end to end on a real model, in its --limit smoke mode: two problems,
a few tokens, greedy plus the two head-driven configurations (SmolLM2 and its shipped heads,
the fastest pair we have), run together in shared batches; then the same one by one, resuming,
refusing mixed settings, and the report."""
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import ROOT

HARNESS = ROOT / "benchmarks" / "humaneval.py"
HEADS = ROOT / "heads" / "smollm2-135m-instruct.autodeco"


def heads_metadata() -> dict:
    """The __metadata__ of the shipped heads' safetensors header (8-byte length, then JSON)."""
    data = (HEADS / "model.safetensors").read_bytes()
    size = int.from_bytes(data[:8], "little")
    return json.loads(data[8:8 + size])["__metadata__"]
CONFIGS = ["greedy", "autodeco", "meanshift"]
SAMPLE_KEYS = {"seed", "status", "detail", "n_tokens", "stop_reason", "gen_seconds", "exec_seconds", "text",
               "code", "T", "P"}


def harness(*args, check=True):
    proc = subprocess.run([sys.executable, str(HARNESS), *map(str, args)], capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        pytest.fail(f"humaneval.py {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def smoke_run(smollm2, tmp_path_factory):
    out = tmp_path_factory.mktemp("humaneval")
    args = ["run", "--model", smollm2, "--heads", HEADS, "--limit", 2, "--n", 2, "--max-tokens", 16,
            "--threads", 2, "--out", out] + [a for c in CONFIGS for a in ("--config", c)]
    first = harness(*args)
    return out, args, first


def rows(path: pathlib.Path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_results_files_have_the_expected_structure(smoke_run):
    out, _, _ = smoke_run
    for config in CONFIGS:
        lines = rows(out / f"{config}.jsonl")
        assert [r["task_id"] for r in lines] == ["HumanEval/0", "HumanEval/1"]
        n = 1 if config == "greedy" else 2
        for r in lines:
            assert r["config"] == config and r["n"] == n and len(r["samples"]) == n
            assert r["settings"]["max_tokens"] == 16 and r["settings"]["seed"] == 1234
            assert r["n_passed"] == sum(s["status"] == "passed" for s in r["samples"])
            assert r["pass@1"] == pytest.approx(r["n_passed"] / n)
            assert "pass@5" not in r  # n < 5
            task = int(r["task_id"].split("/")[1])
            assert [s["seed"] for s in r["samples"]] == [1234 + 1000 * task + i for i in range(n)]
            for s in r["samples"]:
                assert SAMPLE_KEYS <= set(s)
                assert s["status"] in {"passed", "failed", "timeout"}
                assert 1 <= s["n_tokens"] <= 16
                assert s["T"]["count"] == s["P"]["count"] == s["n_tokens"]
                if config == "greedy":
                    assert s["T"]["max"] == 0  # greedy reports temperature 0
                else:
                    assert 0 < s["T"]["min"] and 0 < s["P"]["min"] <= s["P"]["max"] <= 1
    # AutoDeco's per-token values are kept token by token when they vary
    auto = [s for r in rows(out / "autodeco.jsonl") for s in r["samples"]]
    assert any("T_tokens" in s for s in auto)
    assert all(len(s["T_tokens"]) == s["n_tokens"] for s in auto if "T_tokens" in s)
    # MeanShift uses one static pair, the heads' recorded mean (from the safetensors metadata)
    mean = [s for r in rows(out / "meanshift.jsonl") for s in r["samples"]]
    recorded = float(heads_metadata()["autodeco.mean_temperature"])
    assert all(s["T"]["std"] == 0 and s["T"]["mean"] == pytest.approx(recorded, abs=1e-3) for s in mean)


def test_second_run_resumes_without_redoing_anything(smoke_run):
    out, args, _ = smoke_run
    before = {c: (out / f"{c}.jsonl").read_bytes() for c in CONFIGS}
    again = harness(*args)
    assert "2 of 2 problems already done, 0 to go" in again.stdout
    assert {c: (out / f"{c}.jsonl").read_bytes() for c in CONFIGS} == before


def test_a_redone_problem_gets_the_same_samples(smoke_run):
    """HumanEval/1 first ran after HumanEval/0 in the same context; redone alone (after an
    interruption lost its line) it must come out the same: samples depend only on their seed."""
    out, args, _ = smoke_run
    path = out / "autodeco.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + lines[1][: len(lines[1]) // 2])  # the last line cut mid-write
    again = harness(*args)
    assert "[autodeco] 1 of 2 problems already done, 1 to go" in again.stdout
    old, new = json.loads(lines[1]), rows(path)[1]
    strip = lambda r: [{k: v for k, v in s.items() if not k.endswith("seconds")} for s in r["samples"]]
    assert strip(new) == strip(old)


def test_configurations_run_together_give_the_one_by_one_results(smoke_run, tmp_path):
    """The smoke run drew its three configurations' samples of both problems by continuous
    batching (a sampler and seed per sequence, slots refilled across problems); run one
    configuration and one problem at a time they must come out the same."""
    out, args, first = smoke_run
    assert "3 configurations, continuous batching" in first.stdout
    apart = [tmp_path if a == out else a for a in args] + ["--one-by-one"]
    proc = harness(*apart)
    assert "continuous batching" not in proc.stdout
    strip = lambda r: [{k: v for k, v in s.items() if not k.endswith("seconds")} for s in r["samples"]]
    for config in CONFIGS:
        assert [strip(r) for r in rows(tmp_path / f"{config}.jsonl")] == [strip(r) for r in rows(out / f"{config}.jsonl")]


def test_other_settings_in_the_same_directory_are_refused(smoke_run):
    out, args, _ = smoke_run
    changed = [a if a != 16 else 8 for a in args]  # --max-tokens 8
    proc = harness(*changed, check=False)
    assert proc.returncode != 0 and "other settings" in proc.stderr


def test_report_writes_tables_and_plot(smoke_run, tmp_path):
    out, _, _ = smoke_run
    doc = tmp_path / "evaluation.md"
    doc.write_text("# x\n<!-- humaneval-results:begin -->\nold\n<!-- humaneval-results:end -->\ntail\n")
    plot = tmp_path / "pass1.png"
    harness("report", "--out", out, "--doc", doc, "--plot", plot)
    text = doc.read_text()
    assert "old" not in text and text.endswith("tail\n")
    table = text.split("### pass@k per configuration")[1].split("###")[0]
    assert "| greedy | argmax | 2 | 1 |" in table
    assert "| default |" in table and "not yet run" in table  # never measured here
    assert "| autodeco | temperature | " in text
    assert plot.stat().st_size > 1000 and plot.read_bytes()[:4] == b"\x89PNG"


def test_batched_path_is_used_when_the_binding_has_it(smollm2, monkeypatch):
    """Until Context.generate_batch exists, a stand-in with its documented contract (sequence i
    samples with the context's seed + i) checks the harness's side of the call."""
    from types import SimpleNamespace
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from evalkit import generate
    calls = []

    def fake_generate_batch(self, prompt, n, max_tokens=256, stop=None, chat=False):
        base = self.sampler.seed
        calls.append(dict(prompt=prompt, n=n, max_tokens=max_tokens, stop=stop, chat=chat, seed=base))
        out = []
        for i in range(n):
            self.reset()
            self.set_sampler(seed=base + i)
            evs = list(self.generate(prompt, max_tokens=max_tokens, stop=stop, chat=chat))
            out.append(SimpleNamespace(text="".join(e.text for e in evs), tokens=[e.token for e in evs],
                                       temperatures=[e.temperature for e in evs], top_ps=[e.top_p for e in evs],
                                       stop_reason=self.stop_reason))
        return out

    monkeypatch.setattr(generate.autodeco.Context, "generate_batch", fake_generate_batch, raising=False)
    assert generate.has_batch()
    gen = generate.Generator(str(smollm2), str(HEADS), n_threads=1, n_ctx=1024)
    try:
        samples = gen.samples("Write a function add(a, b).", dict(mode="static", temperature=1.0, top_p=1.0),
                              n=3, seed=77, max_tokens=6)
    finally:
        gen.close()
    assert calls == [dict(prompt="Write a function add(a, b).", n=3, max_tokens=6, stop=generate.STOP, chat=True,
                          seed=77)]
    assert [s.seed for s in samples] == [77, 78, 79]
    assert all(1 <= s.n_tokens <= 6 and len(s.temperatures) == s.n_tokens for s in samples)
    assert all(t == 1.0 for s in samples for t in s.temperatures)
