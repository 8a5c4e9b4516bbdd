"""`autodeco trace`: JSON that validates against docs/trace-schema.json, and HTML that renders
in headless Chromium without console errors (screenshot kept for a look)."""
import json
import shutil
import subprocess

import jsonschema
import pytest

from conftest import ROOT

CLI = ROOT / ".build/release/autodeco-cli"
HEADS = ROOT / "Tests/AutoDecoTests/Fixtures/heads/smollm2.safetensors"


def run_trace(smollm2, tmp_path, *extra):
    html, js = tmp_path / "trace.html", tmp_path / "trace.json"
    subprocess.run([str(CLI), "trace", "-m", str(smollm2), "--heads", str(HEADS), "--chat", "-n", "24",
                    "--seed", "1", "-p", "Name three colours.", "-o", str(html), "--json", str(js), *extra],
                   check=True, capture_output=True, text=True, timeout=300)
    return html, json.loads(js.read_text())


def test_json_trace_validates(smollm2, tmp_path):
    _, doc = run_trace(smollm2, tmp_path)
    schema = json.loads((ROOT / "docs/trace-schema.json").read_text())
    jsonschema.validate(doc, schema)
    tokens = doc["tokens"]
    assert 1 <= len(tokens) <= 24 and len(tokens) == doc["summary"]["tokens"]
    assert [t["index"] for t in tokens] == list(range(len(tokens)))
    # Pure AutoDeco: the values used are the heads' predictions, and they vary.
    for t in tokens:
        assert abs(t["temperature"] - t["predicted_temperature"]) < 1e-5
        assert abs(t["top_p"] - t["predicted_top_p"]) < 1e-5
    assert len({round(t["temperature"], 4) for t in tokens}) > 1
    # Files are named, never by their path (a shared trace must not show the author's directories).
    assert doc["model"] == smollm2.name and doc["heads"] == HEADS.name
    # A document missing a field is rejected (the schema can fail).
    broken = dict(doc)
    del broken["tokens"][0]["top_p"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_compare_mode_has_two_runs(smollm2, tmp_path):
    _, doc = run_trace(smollm2, tmp_path, "--compare", "Be creative.", "Be precise.")
    assert [r["instruction"] for r in doc["runs"]] == ["Be creative.", "Be precise."]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("chromium is not installed: scripts/test installs it (apt-get install chromium)")


def test_html_renders_in_headless_chromium(smollm2, tmp_path):
    html, doc = run_trace(smollm2, tmp_path)
    text = html.read_text()
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert text.count('class="tok"') == len(doc["tokens"]) and "<polyline" in text
    shot = tmp_path / "trace.png"
    browser = chromium()
    log = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                          f"--screenshot={shot}", "--window-size=1200,900", html.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000, log.stderr[-2000:]
    console_errors = [l for l in log.stderr.splitlines() if "CONSOLE" in l and ("ERROR" in l or "Uncaught" in l)]
    assert not console_errors, console_errors
