"""examples/nvim, the Neovim plugin, under the real `nvim --headless` (Debian's 0.7, LuaJIT FFI)
against SmolLM2 with its AutoDeco heads: it continues a buffer with the text the library itself
produces for that prompt (checked through the Python binding), keeps the editor's main loop
responsive while generating, stops on the cancel key, and answers a question in a scratch buffer.
The driver is integration/hosts/nvim_plugin_check.lua."""
import json
import os
import shutil
import subprocess

import pytest
from conftest import ROOT

import autodeco

HEADS = ROOT / "heads" / "smollm2-135m-instruct.autodeco"


@pytest.fixture(scope="module")
def observed(smollm2, libpath, tmp_path_factory):
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail("nvim is missing: scripts/test installs it (apt install neovim)")
    out = tmp_path_factory.mktemp("nvim") / "observed.json"
    env = dict(os.environ, CHECK_OUT=str(out), AUTODECO_LIBRARY=str(libpath),
               AUTODECO_FFI_HEADER=str(ROOT / "include" / "autodeco_ffi.h"),
               AUTODECO_MODEL=str(smollm2), AUTODECO_HEADS=str(HEADS))
    proc = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE",
                           "--cmd", f"set rtp+={ROOT / 'examples' / 'nvim'}", "--cmd", "runtime plugin/autodeco.vim",
                           "-c", f"luafile {ROOT / 'integration' / 'hosts' / 'nvim_plugin_check.lua'}"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and out.exists(), f"nvim failed ({proc.returncode}): {proc.stdout}{proc.stderr}"
    return json.loads(out.read_text())


def test_continue_inserts_the_librarys_own_continuation_at_the_cursor(observed, smollm2):
    result = observed["continue"]
    assert (result["status"], result["reason"], result["n_tokens"]) == (0, "max tokens", 24)
    before = observed["continue_buffer_before"]
    assert observed["continue_buffer_after"] == before + result["text"]
    # The same prompt, heads and seed through the Python binding: a fresh context gives the same text.
    with autodeco.Model(smollm2, heads=HEADS) as model, autodeco.Context(model, sampler={"seed": 7}) as ctx:
        assert ctx.sampler.mode == "autodeco"
        assert ctx.generate_text(before, max_tokens=24) == result["text"]


def test_tokens_are_coloured_by_temperature(observed):
    assert 1 <= observed["continue_extmarks"] <= 24  # one highlight per token with text


def test_the_editor_loop_never_waits_long(observed):
    # A 5 ms timer on the main loop: model loading and every forward pass happen on the
    # generation thread, so the gaps stay at the timer's own resolution plus scheduling noise.
    assert observed["continue_longest_wait_ms"] < 100


def test_the_cancel_key_stops_a_long_generation(observed):
    result = observed["cancel"]
    assert (result["status"], result["reason"]) == (0, "cancelled")
    assert 3 <= result["n_tokens"] < 100  # max_tokens was 2000
    assert observed["cancel_ms"] < 5000
    assert observed["cancel_running_after"] is False


def test_ask_answers_in_a_scratch_buffer(observed):
    result = observed["ask"]
    assert result["status"] == 0 and result["n_tokens"] >= 1
    assert observed["ask_buffer"] == "> What is the capital of France?\n" + result["text"]
