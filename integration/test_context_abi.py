"""Contexts, decoding, sampling, heads and text through the real C ABI (the binding's
low-level module over the built library)."""
import ctypes
import math
import pathlib

import numpy as np
import pytest

from conftest import ROOT

from autodeco import _lib as c  # noqa: E402

HEADS = ROOT / "Tests/AutoDecoTests/Fixtures/heads"


def check(status):
    assert status == 0, f"{c.autodeco_status_string(status).decode()}: {c.autodeco_last_error().decode()}"


def load_model(path, heads=None):
    params = c.autodeco_model_default_params()
    params.find_heads = False
    if heads is not None:
        params.heads_path = str(heads).encode()
    handle = ctypes.c_void_p()
    check(c.autodeco_model_load(str(path).encode(), params, ctypes.byref(handle)))
    return handle


def make_context(model, mode=c.AUTODECO_SAMPLER_GREEDY, n_ctx=256, seed=0, **sampler):
    p = c.autodeco_context_default_params()
    p.n_ctx = n_ctx
    p.sampler.mode = mode
    p.sampler.seed = seed
    for k, v in sampler.items():
        setattr(p.sampler, k, v)
    ctx = ctypes.c_void_p()
    check(c.autodeco_context_create(model, p, ctypes.byref(ctx)))
    return ctx


def tokenize(model, text, special=True):
    b = text.encode()
    buf = (ctypes.c_int32 * (len(b) + 1))()
    n = ctypes.c_int32()
    check(c.autodeco_tokenize(model, b, len(b), buf, len(b) + 1, False, special, ctypes.byref(n)))
    return list(buf[:n.value])


@pytest.fixture(scope="module")
def small(smollm2):
    m = load_model(smollm2)
    yield m
    c.autodeco_model_free(m)


def test_tokenize_detokenize_roundtrip(small):
    text = "Hello, wörld! 東京 😀\n\tdef f(x): return x"
    ids = tokenize(small, text, special=False)
    assert ids and all(0 <= i < c.autodeco_model_n_vocab(small) for i in ids)
    arr = (ctypes.c_int32 * len(ids))(*ids)
    need = c.autodeco_detokenize(small, arr, len(ids), None, 0, False)
    assert need == len(text.encode())
    buf = ctypes.create_string_buffer(need + 1)
    assert c.autodeco_detokenize(small, arr, len(ids), buf, need + 1, False) == need
    assert buf.value.decode() == text
    # Too small a token buffer: BUFFER_TOO_SMALL with the needed count.
    n = ctypes.c_int32()
    one = (ctypes.c_int32 * 1)()
    assert c.autodeco_tokenize(small, text.encode(), len(text.encode()), one, 1, False, False,
                               ctypes.byref(n)) == c.AUTODECO_ERR_BUFFER_TOO_SMALL
    assert n.value == len(ids)
    # Invalid UTF-8 and bad ids are errors, not crashes.
    assert c.autodeco_tokenize(small, b"\xff\xfe", 2, one, 1, False, False, ctypes.byref(n)) == c.AUTODECO_ERR_INVALID_UTF8
    bad = (ctypes.c_int32 * 2)(5, 10 ** 6)
    assert c.autodeco_detokenize(small, bad, 2, None, 0, False) == c.AUTODECO_ERR_INVALID_TOKEN
    assert b"1000000" in c.autodeco_last_error()


def test_chat_template(small):
    msgs = (c.autodeco_chat_message * 1)(c.autodeco_chat_message(b"user", b"Hi there"))
    n = c.autodeco_apply_chat_template(small, None, msgs, 1, True, None, 0)
    assert n > 0
    buf = ctypes.create_string_buffer(n + 1)
    assert c.autodeco_apply_chat_template(small, None, msgs, 1, True, buf, n + 1) == n
    text = buf.value.decode()
    assert text.endswith("<|im_start|>assistant\n") and "<|im_start|>user\nHi there<|im_end|>" in text
    assert c.autodeco_apply_chat_template(small, b"{% for x in %}", msgs, 1, True, buf, n + 1) == c.AUTODECO_ERR_TEMPLATE


def test_decode_logits_and_greedy_step(small):
    ctx = make_context(small)
    try:
        ids = tokenize(small, "The capital of France is")
        arr = (ctypes.c_int32 * len(ids))(*ids)
        assert not c.autodeco_get_logits(ctx)
        check(c.autodeco_decode(ctx, arr, len(ids)))
        assert c.autodeco_context_n_past(ctx) == len(ids)
        logits = np.ctypeslib.as_array(c.autodeco_get_logits(ctx), shape=(c.autodeco_model_n_vocab(small),)).copy()
        hidden = np.ctypeslib.as_array(c.autodeco_get_hidden(ctx), shape=(c.autodeco_model_n_embd(small),)).copy()
        assert np.isfinite(logits).all() and np.isfinite(hidden).all()
        info = c.autodeco_token_info()
        check(c.autodeco_sample(ctx, ctypes.byref(info)))
        assert info.token == int(np.argmax(logits))
        assert info.predicted_temperature == -1  # no heads
        # step() continues from queued tokens: rewind and compare with feed+step.
        check(c.autodeco_context_rewind(ctx, 0))
        check(c.autodeco_feed(ctx, arr, len(ids)))
        check(c.autodeco_step(ctx, ctypes.byref(info)))
        assert info.token == int(np.argmax(logits))
        assert c.autodeco_context_n_past(ctx) == len(ids)
    finally:
        c.autodeco_context_free(ctx)


def test_errors_do_not_kill_the_context(small):
    ctx = make_context(small, n_ctx=8)
    try:
        bad = (ctypes.c_int32 * 1)(-5)
        assert c.autodeco_decode(ctx, bad, 1) == c.AUTODECO_ERR_INVALID_TOKEN
        long = (ctypes.c_int32 * 9)(*range(100, 109))
        assert c.autodeco_decode(ctx, long, 9) == c.AUTODECO_ERR_CONTEXT_FULL
        assert b"n_ctx" in c.autodeco_last_error()
        assert c.autodeco_decode(ctx, None, 3) == c.AUTODECO_ERR_INVALID_ARGUMENT
        assert c.autodeco_step(ctx, None) == c.AUTODECO_ERR_INVALID_ARGUMENT
        info = c.autodeco_token_info()
        assert c.autodeco_step(ctx, ctypes.byref(info)) == c.AUTODECO_ERR_INVALID_ARGUMENT  # nothing queued
        # The default (AUTODECO) without heads decodes greedily; OVERRIDE without heads is an error.
        sp = c.autodeco_sampler_default_params()
        assert sp.mode == c.AUTODECO_SAMPLER_AUTODECO
        check(c.autodeco_context_set_sampler(ctx, sp))
        ok = (ctypes.c_int32 * 2)(100, 101)
        check(c.autodeco_feed(ctx, ok, 2))
        check(c.autodeco_step(ctx, ctypes.byref(info)))
        logits = c.autodeco_get_logits(ctx)
        n_vocab = c.autodeco_model_n_vocab(small)
        assert info.token == max(range(n_vocab), key=lambda i: logits[i])
        assert (info.temperature, info.predicted_temperature, info.predicted_top_p) == (0, -1, -1)
        c.autodeco_context_reset(ctx)
        sp.mode = c.AUTODECO_SAMPLER_OVERRIDE
        check(c.autodeco_context_set_sampler(ctx, sp))
        check(c.autodeco_feed(ctx, ok, 2))
        assert c.autodeco_step(ctx, ctypes.byref(info)) == c.AUTODECO_ERR_NO_HEADS
        sp.mode = c.AUTODECO_SAMPLER_AUTODECO
        sp.temperature = -1
        assert c.autodeco_context_set_sampler(ctx, sp) == c.AUTODECO_ERR_INVALID_ARGUMENT
        assert b"temperature" in c.autodeco_last_error()
        # Still usable afterwards.
        c.autodeco_context_reset(ctx)
        check(c.autodeco_decode(ctx, ok, 2))
    finally:
        c.autodeco_context_free(ctx)
    p = c.autodeco_context_default_params()
    p.n_ctx = 0
    out = ctypes.c_void_p()
    assert c.autodeco_context_create(small, p, ctypes.byref(out)) == c.AUTODECO_ERR_INVALID_ARGUMENT
    assert out.value is None
    c.autodeco_context_free(None)
    c.autodeco_cancel(None)


def test_step_reports_varying_heads_predictions(smollm2):
    model = load_model(smollm2, heads=HEADS / "smollm2.safetensors")
    ctx = make_context(model, mode=c.AUTODECO_SAMPLER_AUTODECO, seed=3)
    try:
        assert c.autodeco_context_has_heads(ctx)
        ids = tokenize(model, "<|im_start|>user\nTell me a story.<|im_end|>\n<|im_start|>assistant\n")
        arr = (ctypes.c_int32 * len(ids))(*ids)
        check(c.autodeco_feed(ctx, arr, len(ids)))
        temps, tops = [], []
        for _ in range(16):
            info = c.autodeco_token_info()
            check(c.autodeco_step(ctx, ctypes.byref(info)))
            assert 0 < info.predicted_temperature < 2 and 0 < info.predicted_top_p < 1
            # Pure AutoDeco: the values used are the predictions (top-p clamped to 1).
            assert math.isclose(info.temperature, info.predicted_temperature, rel_tol=1e-6)
            assert math.isclose(info.top_p, info.predicted_top_p, rel_tol=1e-6)
            assert 0 < info.probability <= 1
            temps.append(info.temperature)
            tops.append(info.top_p)
        assert max(temps) - min(temps) > 1e-3 and max(tops) - min(tops) > 1e-3, (temps, tops)
        t, p = ctypes.c_float(), ctypes.c_float()
        check(c.autodeco_predict(ctx, ctypes.byref(t), ctypes.byref(p)))
        assert 0 < t.value < 2 and 0 < p.value < 1
    finally:
        c.autodeco_context_free(ctx)
        c.autodeco_model_free(model)


def test_generate_with_callback_and_stop(small):
    ctx = make_context(small)
    try:
        events = []

        @c.autodeco_token_callback
        def on_token(event, user):
            e = event.contents
            events.append((e.info.token, ctypes.string_at(e.text, e.text_len).decode()))
            return len(events) < 5

        gp = c.autodeco_generate_default_params()
        gp.max_tokens = 50
        reason = ctypes.c_int32(-1)
        prompt = b"Once upon a time"
        check(c.autodeco_generate(ctx, prompt, len(prompt), gp, on_token, None, ctypes.byref(reason)))
        assert reason.value == c.AUTODECO_STOP_CALLBACK and len(events) == 5
        c.autodeco_context_reset(ctx)
        gp.max_tokens = 7
        check(c.autodeco_generate(ctx, prompt, len(prompt), gp, c.autodeco_token_callback(), None, ctypes.byref(reason)))
        assert reason.value == c.AUTODECO_STOP_MAX_TOKENS
    finally:
        c.autodeco_context_free(ctx)
