"""Model loading through the real C ABI (ctypes on the built library)."""
import ctypes

import pytest


@pytest.fixture(scope="module")
def api():
    # The binding's low-level module declares every prototype once (bindings/python/autodeco/_lib.py).
    from autodeco import _lib
    return _lib


def load(api, path):
    handle = ctypes.c_void_p()
    status = api.autodeco_model_load(str(path).encode(), api.autodeco_model_default_params(), ctypes.byref(handle))
    return status, handle


@pytest.mark.parametrize("which,expect", [
    ("smollm2", (49152, 576, 30, 8192, "llama")),
    ("qwen", (151936, 896, 24, 32768, "qwen2")),
])
def test_load_real_models(api, request, which, expect):
    path = request.getfixturevalue(which)
    status, model = load(api, path)
    assert status == 0, api.autodeco_last_error()
    try:
        got = (api.autodeco_model_n_vocab(model), api.autodeco_model_n_embd(model),
               api.autodeco_model_n_layer(model), api.autodeco_model_n_ctx_train(model))
        assert got == expect[:4]
        assert api.autodeco_model_desc(model).decode().startswith(expect[4])
        buf = ctypes.create_string_buffer(64)
        n = api.autodeco_model_meta(model, b"general.architecture", buf, 64)
        assert n == len(expect[4]) and buf.value.decode() == expect[4]
        # snprintf convention: a short buffer is cut but the full length is returned.
        small = ctypes.create_string_buffer(3)
        assert api.autodeco_model_meta(model, b"general.architecture", small, 3) == len(expect[4])
        assert small.value == expect[4][:2].encode()
        assert api.autodeco_model_meta(model, b"general.architecture", None, 0) == len(expect[4])
        assert api.autodeco_model_meta(model, b"no.such.key", buf, 64) == -1
        assert b"no.such.key" in api.autodeco_last_error()
    finally:
        api.autodeco_model_free(model)


def test_load_from_memory(api, smollm2):
    data = smollm2.read_bytes()
    handle = ctypes.c_void_p()
    buf = ctypes.create_string_buffer(data, len(data))
    status = api.autodeco_model_load_from_memory(buf, len(data), api.autodeco_model_default_params(),
                                                 ctypes.byref(handle))
    assert status == 0, api.autodeco_last_error()
    del buf  # the library copied the bytes
    assert api.autodeco_model_n_layer(handle) == 30
    api.autodeco_model_free(handle)


def test_errors_have_status_and_message(api, tmp_path, smollm2):
    status, h = load(api, tmp_path / "missing.gguf")
    assert status == -2 and h.value is None
    assert b"missing.gguf" in api.autodeco_last_error()
    assert api.autodeco_status_string(status) == b"input/output error"

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"NOTAGGUF" * 8)
    status, h = load(api, bad)
    assert status == -3 and h.value is None
    assert b"magic" in api.autodeco_last_error()

    truncated = tmp_path / "trunc.gguf"
    truncated.write_bytes(smollm2.read_bytes()[:100_000])
    status, _ = load(api, truncated)
    assert status == -3
    assert b"truncated" in api.autodeco_last_error()

    # NULL arguments return an error instead of crashing.
    assert api.autodeco_model_load(None, api.autodeco_model_default_params(), ctypes.byref(ctypes.c_void_p())) == -1
    assert api.autodeco_model_load(str(smollm2).encode(), api.autodeco_model_default_params(), None) == -1
    assert api.autodeco_model_load_from_memory(None, 10, api.autodeco_model_default_params(),
                                               ctypes.byref(ctypes.c_void_p())) == -1
    api.autodeco_model_free(None)
    assert api.autodeco_model_n_vocab(None) == 0
    assert api.autodeco_model_desc(None) == b""
    assert api.autodeco_status_string(12345) == b"unknown status"


def test_log_callback_receives_load_info_and_errors(api, smollm2, tmp_path):
    """autodeco_log_set routes the library's diagnostics: INFO lines when a model loads
    (what it is, its heads, the kernel level) and a context is made, an ERROR line with the
    status and message of every failed call; after autodeco_log_set(NULL) nothing more."""
    got = []
    callback = api.autodeco_log_callback(lambda level, message, user: got.append((level, message.decode())))
    api.autodeco_log_set(callback, None)
    try:
        status, model = load(api, smollm2)
        assert status == 0, api.autodeco_last_error()
        try:
            infos = [m for level, m in got if level == 2]
            assert any(m.startswith("loaded ") and "llama" in m and str(smollm2) in m for m in infos), infos
            assert any(m.startswith("kernels: ") for m in infos), infos
            ctx = ctypes.c_void_p()
            params = api.autodeco_context_default_params()
            params.n_ctx = 256
            assert api.autodeco_context_create(model, params, ctypes.byref(ctx)) == 0, api.autodeco_last_error()
            api.autodeco_context_free(ctx)
            assert any(m.startswith("context: n_ctx 256") for level, m in got if level == 2), got
        finally:
            api.autodeco_model_free(model)
        bad = tmp_path / "not-a-model.gguf"
        bad.write_bytes(b"NOPE" + bytes(60))
        got.clear()
        status, _ = load(api, bad)
        assert status < 0
        errors = [m for level, m in got if level == 0]
        assert len(errors) == 1 and api.autodeco_last_error().decode() in errors[0], (got, api.autodeco_last_error())
    finally:
        api.autodeco_log_set(api.autodeco_log_callback(), None)
    got.clear()
    assert load(api, bad)[0] < 0
    assert got == []
