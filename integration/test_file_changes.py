"""A model file that changes while the model is loaded. Mapped (the default), a truncated file
faults the next read of a lost page with SIGBUS, which kills the process: shown here in a child
process, because that is what the header warns about. With copy_to_memory the library holds its
own copy, and generation goes on, token for token, after the file is truncated."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap

from conftest import ROOT

PROGRAM = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {binding!r})
    import autodeco
    path, copy = sys.argv[1], sys.argv[2] == "copy"
    with autodeco.Model(path, find_heads=False, copy_to_memory=copy) as model, \\
            autodeco.Context(model, n_ctx=128, n_threads=1, sampler="greedy") as ctx:
        before = ctx.generate_text("The capital of France is", max_tokens=8)
        ctx.reset()
        os.truncate(path, 4096)            # the file shrinks under the loaded model
        after = ctx.generate_text("The capital of France is", max_tokens=8)
        print(repr(before), repr(after), before == after)
""")


def run(tmp_path, smollm2, mode):
    model = tmp_path / f"{mode}.gguf"
    shutil.copyfile(smollm2, model)
    script = tmp_path / "changes.py"
    script.write_text(PROGRAM.format(binding=str(ROOT / "bindings" / "python")))
    return subprocess.run([sys.executable, str(script), str(model), mode], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ))


def test_a_copied_model_survives_its_file_being_truncated(tmp_path, smollm2):
    p = run(tmp_path, smollm2, "copy")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().endswith("True") and "Paris" in p.stdout


def test_a_mapped_model_faults_when_its_file_is_truncated(tmp_path, smollm2):
    # The documented hazard of the zero-copy default (autodeco.h, copy_to_memory).
    p = run(tmp_path, smollm2, "map")
    assert p.returncode == -signal.SIGBUS, (p.returncode, p.stdout, p.stderr)
