"""The 60-second soak (integration/c/soak.c): 4 threads, each with its own context over one SmolLM2
model, generate / rewind / reset with random samplers (AutoDeco, MeanShift, static, greedy), heads
detached and reloaded, callbacks that stop generation early. No call fails, a greedy probe gives
the same tokens before and after, and resident memory stays flat once warmed up: the mean of the
last 20 s is within 2% of the mean of the 20 s before (the README gives the 30-minute run)."""
import json
import subprocess

from conftest import ROOT

HEADS = ROOT / "heads" / "smollm2-135m-instruct.autodeco"


def test_soak_60_seconds(smollm2, libpath, tmp_path):
    exe = tmp_path / "soak"
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(ROOT / "include"),
                    str(ROOT / "integration" / "c" / "soak.c"), "-L", str(libpath.parent), "-lautodeco",
                    f"-Wl,-rpath,{libpath.parent}", "-lpthread", "-o", str(exe)], check=True)
    p = subprocess.run([str(exe), str(smollm2), str(HEADS), "60", "4", "5"], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    assert summary["errors"] == 0 and summary["probe_equal"] is True
    assert summary["operations"] >= 100
    rss = summary["rss_kib"]
    assert len(rss) == 12
    warmed, last = sum(rss[4:8]) / 4, sum(rss[8:12]) / 4
    assert last <= warmed * 1.02, f"resident memory grew {100 * (last / warmed - 1):.1f}% after warm-up: {rss}"
