"""AutoDeco heads are found by the model they were trained for, wherever the GGUF file lives:
the CLI and the library (C ABI through the Python binding) find the shipped heads for SmolLM2
and Qwen from a directory of their own, $AUTODECO_HEADS_PATH comes first, heads of another
model are refused with a clear message, and --no-heads opts out. Also the one default policy:
generation without heads works everywhere and decodes greedily, the same in CLI, C and Python."""
import os
import shutil
import subprocess

import pytest
from conftest import ROOT

import autodeco

CLI = ROOT / ".build" / "release" / "autodeco-cli"
SHIPPED = {"smollm2": ROOT / "heads" / "smollm2-135m-instruct.autodeco",
           "qwen": ROOT / "heads" / "qwen2.5-coder-0.5b-instruct.autodeco"}


def cli(*args, env=None, check=True):
    e = {k: v for k, v in os.environ.items() if k != "AUTODECO_HEADS_PATH"}
    e.update(env or {})
    p = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, env=e, timeout=600)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture
def elsewhere(tmp_path, smollm2, qwen):
    """Both models under new names in a directory with no heads beside them."""
    (tmp_path / "small.gguf").symlink_to(smollm2)
    (tmp_path / "coder.gguf").symlink_to(qwen)
    return tmp_path


def found(model, env=None):
    line = [l for l in cli("info", model, env=env).stdout.splitlines() if l.startswith("autodeco:")]
    assert len(line) == 1
    return line[0].split(":", 1)[1].strip()


def test_cli_finds_the_shipped_heads_by_model_identity(elsewhere):
    assert found(elsewhere / "small.gguf") == str(SHIPPED["smollm2"])
    assert found(elsewhere / "coder.gguf") == str(SHIPPED["qwen"])


def test_generate_and_trace_use_the_found_heads(elsewhere, tmp_path):
    p = cli("generate", "-m", elsewhere / "small.gguf", "-p", "Hello", "-n", "4", "--seed", "1", "--show-decoding")
    assert "(heads T=" in p.stderr and "no AutoDeco heads" not in p.stderr
    out = tmp_path / "trace.json"
    cli("trace", "-m", elsewhere / "small.gguf", "-p", "Hello", "-n", "4", "--json", out)
    assert SHIPPED["smollm2"].name in out.read_text()


def test_the_search_path_comes_first_and_skips_other_models(elsewhere, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copytree(SHIPPED["smollm2"], mine / "my-own.autodeco")
    shutil.copytree(SHIPPED["qwen"], mine / "not-for-smollm2.autodeco")
    env = {"AUTODECO_HEADS_PATH": f"/nonexistent:{mine}"}
    assert found(elsewhere / "small.gguf", env) == str(mine / "my-own.autodeco")
    assert found(elsewhere / "coder.gguf", env) == str(mine / "not-for-smollm2.autodeco")


def test_heads_of_another_model_are_refused_with_a_clear_message(elsewhere):
    p = cli("generate", "-m", elsewhere / "small.gguf", "--heads", SHIPPED["qwen"], "-p", "Hi", "-n", "2", check=False)
    assert p.returncode != 0
    assert "trained for 'Qwen2.5 Coder 0.5B Instruct AWQ', qwen2" in p.stderr and "this model is" in p.stderr
    shutil.copytree(SHIPPED["qwen"], elsewhere / "small.autodeco")  # beside the model, but the wrong ones
    p = cli("generate", "-m", elsewhere / "small.gguf", "-p", "Hi", "-n", "2", check=False)
    assert p.returncode != 0 and "AutoDeco heads for another model" in p.stderr
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(elsewhere / "small.gguf")
    assert e.value.code == autodeco._lib.AUTODECO_ERR_UNSUPPORTED and "trained for" in e.value.message


def test_no_heads_opts_out(elsewhere):
    p = cli("generate", "-m", elsewhere / "small.gguf", "--no-heads", "-p", "Hi", "-n", "3", "--show-decoding")
    assert "(heads T=" not in p.stderr and "decoding greedily" in p.stderr


def test_the_library_finds_them_too(elsewhere):
    with autodeco.Model(elsewhere / "coder.gguf") as model, autodeco.Context(model, n_ctx=64, n_threads=1) as ctx:
        assert ctx.has_heads
    with autodeco.Model(elsewhere / "small.gguf", find_heads=False) as model, \
            autodeco.Context(model, n_ctx=64, n_threads=1) as ctx:
        assert not ctx.has_heads


def test_without_heads_cli_c_and_python_generate_alike(elsewhere):
    """The default policy without heads (greedy) gives the same text through the CLI and the C
    ABI (Python binding), and none of them fails for lack of heads."""
    prompt = "The capital of France is"
    p = cli("generate", "-m", elsewhere / "small.gguf", "--no-heads", "-p", prompt, "-n", "12")
    with autodeco.Model(elsewhere / "small.gguf", find_heads=False) as model, \
            autodeco.Context(model, n_ctx=128) as ctx:
        assert ctx.sampler.mode == "autodeco"
        assert p.stdout.rstrip("\n") == ctx.generate_text(prompt, max_tokens=12)  # the CLI ends with a newline


def test_with_heads_cli_and_c_generate_alike(elsewhere):
    """With the heads found for the model, the CLI and the C ABI (Python binding) sample the same
    AutoDeco text for the same seed."""
    prompt = "Once upon a time"
    p = cli("generate", "-m", elsewhere / "small.gguf", "-p", prompt, "-n", "16", "--seed", "5")
    with autodeco.Model(elsewhere / "small.gguf") as model, \
            autodeco.Context(model, n_ctx=128, sampler={"seed": 5}) as ctx:
        assert ctx.has_heads and ctx.sampler.mode == "autodeco"
        assert p.stdout.rstrip("\n") == ctx.generate_text(prompt, max_tokens=16)
