"""examples/love, the LÖVE 11 game, run for real under a virtual X server (xvfb-run) against
SmolLM2 with its AutoDeco heads: villagers' lines are generated on a love.thread and streamed into
speech bubbles while the frame loop keeps drawing. Checks that lines were generated, that the first
one is exactly what the library produces for its prompt (through the Python binding), and that no
frame took longer than 100 ms while the model was generating."""
import json
import os
import shutil
import subprocess

import pytest
from conftest import ROOT

import autodeco

HEADS = ROOT / "heads" / "smollm2-135m-instruct.autodeco"


@pytest.fixture(scope="module")
def report(smollm2, libpath, tmp_path_factory):
    for tool in ("love", "xvfb-run"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: scripts/test installs it (apt install love xvfb)")
    tmp = tmp_path_factory.mktemp("love")
    out = tmp / "report.json"
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", "love", str(ROOT / "examples" / "love"),
         "--model", str(smollm2), "--heads", str(HEADS), "--library", str(libpath),
         "--header", str(ROOT / "include" / "autodeco_ffi.h"),
         "--test", "6", "--report", str(out), "--screenshot", str(tmp / "shot.png")],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, HOME=str(tmp)))
    assert proc.returncode == 0 and out.exists(), f"love failed ({proc.returncode}): {proc.stdout}{proc.stderr}"
    data = json.loads(out.read_text())
    data["screenshot_bytes"] = (tmp / "shot.png").stat().st_size if (tmp / "shot.png").exists() else 0
    return data


def test_lines_are_generated_with_the_heads(report):
    assert report["status"].startswith("AutoDeco heads loaded"), report["status"]
    assert len(report["lines"]) >= 1
    for line in report["lines"]:
        assert line["n_tokens"] >= 1 and line["text"].strip()
        assert 0 < line["mean_temperature"] < 3


def test_the_first_line_is_the_librarys_own_output(report, smollm2):
    first = report["lines"][0]
    with autodeco.Model(smollm2, heads=HEADS) as model, \
            autodeco.Context(model, n_ctx=1024, sampler={"seed": 1}) as ctx:
        expected = ctx.generate_text(first["prompt"], max_tokens=40, stop="\n", chat=True)
    assert first["text"] == expected


def test_the_frame_loop_keeps_running_while_generating(report):
    assert report["generating_frames"] >= 10
    assert report["longest_generating_frame_ms"] < 100


def test_a_screenshot_was_taken(report):
    assert report["screenshot_bytes"] > 10_000
