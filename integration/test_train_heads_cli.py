"""`autodeco train-heads` end to end on a tiny synthetic model (scripts/fixtures/make_tiny_model.py,
generated here): the loss falls, the heads load back for evaluation and generation, the run is
deterministic, --metrics records every step, instruction control trains, and --help documents
every option."""
import json
import math
import re
import statistics
import struct
import subprocess
import sys

import pytest

from conftest import ROOT

CLI = ROOT / ".build/release/autodeco-cli"
SOURCE = ROOT / "Sources/autodeco-cli/TrainHeads.swift"
# 30 examples, ~360 completion positions, 20% held out: 4 epochs of 16 positions are ~76 steps.
# Random initialisation: these tests watch the heads learn from scratch (static initialisation,
# the default, is tested on its own below).
TRAIN = ["--epochs", "4", "--lr", "5e-3", "--batch-positions", "16", "--warmup", "5",
         "--val-fraction", "0.2", "--seed", "0", "--init", "random", "--no-keep-best"]
STEP_KEYS = {"step", "epoch", "lr", "loss", "temperature_loss", "top_p_loss", "mean_temperature",
             "mean_top_p", "gradient_norm", "positions_per_second"}
# Measured, so never equal between two runs.
TIMING_KEYS = {"positions_per_second", "autodeco.train_positions_per_second"}


def run(*args):
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: run swift build -c release --product autodeco-cli")
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, smollm2):
    """The tiny model (SmolLM2's tokenizer) and 30 examples whose completions it generated at T = 0.5."""
    d = tmp_path_factory.mktemp("tiny")
    run(sys.executable, ROOT / "scripts/fixtures/make_tiny_model.py", d / "tiny.gguf", "--tokenizer-from", smollm2,
        "--data", d / "examples.jsonl", "--examples", 30)
    return d


def train(tiny, out, *extra, settings=TRAIN, checkpoints=None):
    """Trains; returns (step lines, validation lines) of the metrics file, and appends its
    checkpoint lines to `checkpoints` when given."""
    metrics = out.parent / (out.name + ".metrics.jsonl")
    run(CLI, "train-heads", "-m", tiny / "tiny.gguf", "--data", tiny / "examples.jsonl", "--out", out,
        "--metrics", metrics, *settings, *extra)
    lines = [json.loads(line) for line in metrics.read_text().splitlines()]
    if checkpoints is not None:
        checkpoints += [x for x in lines if x.get("checkpoint")]
    return ([x for x in lines if not x.get("validation") and not x.get("checkpoint")],
            [x for x in lines if x.get("validation")])


@pytest.fixture(scope="module")
def trained(tiny):
    out = tiny / "heads"
    steps, validation = train(tiny, out, "--threads", 2)
    return out, steps, validation


def mean(xs):
    return statistics.fmean(xs)


def test_metrics_record_every_step_and_the_loss_falls(trained):
    _, steps, validation = trained
    assert len(steps) >= 40
    assert [s["step"] for s in steps] == list(range(1, len(steps) + 1))
    assert [s["epoch"] for s in steps] == sorted(s["epoch"] for s in steps)
    assert steps[0]["epoch"] == 1 and steps[-1]["epoch"] == 4
    for s in steps:
        assert set(s) == STEP_KEYS, set(s) ^ STEP_KEYS
        assert all(math.isfinite(v) for v in s.values())
        assert s["lr"] > 0 and s["gradient_norm"] > 0 and 0 < s["mean_top_p"] < 1
        assert abs(s["loss"] - s["temperature_loss"] - s["top_p_loss"]) < 1e-9
    # Warm-up then cosine decay.
    assert steps[0]["lr"] < steps[4]["lr"] and steps[-1]["lr"] < 0.01 * steps[4]["lr"]
    loss = [s["loss"] for s in steps]
    assert mean(loss[-10:]) < 0.85 * mean(loss[:10]), (mean(loss[:10]), mean(loss[-10:]))
    # The completions were drawn at T = 0.5: the heads learn to predict well below their start.
    temps = [s["mean_temperature"] for s in steps]
    assert mean(temps[-10:]) < mean(temps[:10]) - 0.2, (mean(temps[:10]), mean(temps[-10:]))
    # Held out: per-token heads beat T = 1, P = 1.
    assert len(validation) == 1
    v = validation[0]
    assert v["step"] == len(steps) and v["positions"] > 0
    assert v["objective"] < 0.8 * v["unit_objective"] and v["mean_temperature"] < 1


def test_heads_load_back_for_evaluation_and_generation(tiny, trained, tmp_path):
    out, _, _ = trained
    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "autodeco" and config["hidden_size"] == 64
    assert (out / "model.safetensors").stat().st_size > 100_000
    table = run(CLI, "eval-heads", "-m", tiny / "tiny.gguf", "--heads", out, "--data", tiny / "examples.jsonl",
                "--max-examples", 8, "--cache", tmp_path / "eval.cache").stdout
    unit = float(re.search(r"^\(a\) .*?\s([\d.]+)\s+[\d.]+$", table, re.M).group(1))
    heads = float(re.search(r"^\(e\) heads per token\s+([\d.]+)\s+[\d.]+$", table, re.M).group(1))
    assert heads < unit, table
    assert float(re.search(r"heads' mean T ([\d.]+)", table).group(1)) < 1, table
    # The inference path reads the same directory: the predictions it reports are the trained ones.
    decoding = run(CLI, "generate", "-m", tiny / "tiny.gguf", "--heads", out, "--chat", "-p", "Tell me about rain.",
                   "-n", 6, "--seed", 1, "--show-decoding").stderr
    predicted = [float(t) for t in re.findall(r"\(heads T=([\d.]+) P=", decoding)]
    assert len(predicted) >= 1 and mean(predicted) < 1, decoding


def safetensors_parts(path):
    """(header without the measured speed, tensor bytes)."""
    blob = path.read_bytes()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    header["__metadata__"] = {k: v for k, v in header["__metadata__"].items() if k not in TIMING_KEYS}
    return header, blob[8 + n:]


def test_same_seed_gives_the_same_heads_with_any_thread_count(tiny, trained):
    out, steps, validation = trained
    again = tiny / "heads-again"
    steps2, validation2 = train(tiny, again, "--threads", 1)
    header, tensors = safetensors_parts(out / "model.safetensors")
    header2, tensors2 = safetensors_parts(again / "model.safetensors")
    assert tensors == tensors2
    assert header == header2
    assert (out / "config.json").read_bytes() == (again / "config.json").read_bytes()
    strip = lambda rows: [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in rows]
    assert strip(steps) == strip(steps2) and validation == validation2


def test_instruction_control_loss_is_reported_and_falls(tiny, tmp_path):
    control = tmp_path / "control.jsonl"
    run(sys.executable, ROOT / "scripts/make_control_data.py", tiny / "examples.jsonl", control,
        "--phrasings", "train", "--n", 12)
    steps, _ = train(tiny, tmp_path / "heads", "--control", control, "--control-weight", 5)
    for s in steps:
        assert set(s) == STEP_KEYS | {"control_loss"}
    ranking = [s["control_loss"] for s in steps]
    assert all(r >= 0 for r in ranking)
    assert max(ranking) == 0 or mean(ranking[-10:]) < 0.9 * mean(ranking[:10]), ranking
    loss = [s["loss"] for s in steps]
    assert mean(loss[-10:]) < 0.85 * mean(loss[:10])


def test_rejected_tokens_are_trained_away(tiny, tmp_path):
    """--rejected: each example's last completion token is one the sampler should avoid. Here the
    rejected token is the true continuation's first token swapped for a later one of the same
    completion, so the loss is not zero at the start; it must be reported every step, fall, and
    be named in the heads' metadata."""
    examples = [json.loads(line) for line in (tiny / "examples.jsonl").read_text().splitlines()]
    rejected = tmp_path / "rejected.jsonl"
    with open(rejected, "w") as f:
        for e in examples:
            words = e["completion"].split()
            if len(words) >= 3:
                f.write(json.dumps({"prompt": e["prompt"], "completion": words[0] + " " + words[2],
                                    "end_of_turn": False}) + "\n")
    steps, _ = train(tiny, tmp_path / "heads", "--rejected", rejected, "--rejected-weight", 5)
    for s in steps:
        assert set(s) == STEP_KEYS | {"rejected_loss"}
    losses = [s["rejected_loss"] for s in steps]
    assert all(x >= 0 for x in losses) and max(losses) > 0
    assert mean(losses[-10:]) < 0.9 * mean(losses[:10]), losses
    header = safetensors_parts(tmp_path / "heads" / "model.safetensors")[0]["__metadata__"]
    assert header["autodeco.rejected_data"] == "rejected.jsonl" and header["autodeco.rejected_weight"] == "5.0"


def test_static_initialisation_starts_at_the_best_constant_and_keeps_the_best_checkpoint(tiny, tmp_path):
    """Default settings: the heads start as the best static pair of the training positions, the
    validation split is scored before training and four times per epoch, and the written heads
    are the best scoring checkpoint (never worse on validation than where training began)."""
    out, checks = tmp_path / "heads", []
    settings = [x for x in TRAIN if x not in ("--init", "random", "--no-keep-best")]
    steps, validation = train(tiny, out, settings=settings, checkpoints=checks)
    meta = safetensors_parts(out / "model.safetensors")[0]["__metadata__"]
    init = re.fullmatch(r"static T=([\d.]+) P=([\d.]+)", meta["autodeco.init"])
    assert init, meta["autodeco.init"]
    t0, p0 = float(init.group(1)), float(init.group(2))
    # Completions drawn at T = 0.5: the best constant is well below 1, and step 1 predicts it everywhere.
    assert 0.05 <= t0 < 1 and 0.5 <= p0 <= 0.99
    assert abs(steps[0]["mean_temperature"] - t0) < 1e-3 and abs(steps[0]["mean_top_p"] - p0) < 1e-3
    # Checkpoints: step 0, every quarter epoch, and the end; "best" marks each new minimum.
    assert checks[0]["step"] == 0 and checks[-1]["step"] == len(steps) and len(checks) >= 8
    running = float("inf")
    for c in checks:
        assert c["best"] == (c["score"] < running), checks
        running = min(running, c["score"])
    chosen = min(checks, key=lambda c: c["score"])
    assert int(meta["autodeco.written_step"]) == chosen["step"]
    # The final report scores the written heads: exactly the chosen checkpoint's objective.
    assert len(validation) == 1 and abs(validation[0]["objective"] - chosen["objective"]) < 1e-9
    assert validation[0]["objective"] <= checks[0]["objective"]


def declared_options():
    """(long name, has help text) of every @Option/@Flag in TrainHeads.swift."""
    source = SOURCE.read_text()
    found = []
    for m in re.finditer(r"@(?:Option|Flag)\b(.*?)\bvar\s+(\w+)", source, re.S):
        attribute, variable = m.group(1), m.group(2)
        longs = re.findall(r'customLong\("([^"]+)"\)', attribute)
        # ArgumentParser's default long name: the property name in kebab case.
        name = longs[0] if longs else re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", variable).lower()
        found.append((name, re.search(r'help:\s*"', attribute) is not None))
    assert len(found) == source.count("@Option") + source.count("@Flag")
    return found


def test_help_documents_every_option():
    options = declared_options()
    assert len(options) >= 20 and ("metrics", True) in options
    help_text = run(CLI, "train-heads", "--help").stdout
    for name, has_help in options:
        assert has_help, f"--{name} has no help text"
        assert re.search(rf"--{re.escape(name)}\b", help_text), f"--{name} missing from --help"
