"""autodeco.Model, the module functions and the errors they raise (messages are the library's)."""
import pathlib
import re

import pytest

import autodeco
from autodeco import _lib

PYPROJECT = pathlib.Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_versions_agree():
    assert autodeco.__version__ == autodeco.version() == _lib.autodeco_version().decode()
    assert autodeco.api_version() == _lib.API_VERSION
    declared = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(), re.M).group(1)
    assert declared == autodeco.version(), "bindings/python/pyproject.toml version differs from the library's"


def test_model_properties(model):
    assert model.n_vocab == 49152
    assert model.n_embd == 576
    assert model.n_layer == 30
    assert model.n_ctx_train == 8192
    assert model.desc.startswith("llama")
    assert "llama" in repr(model)
    assert model.meta("general.architecture") == "llama"
    assert model.meta("llama.block_count") == "30"


def test_meta_missing_key(model):
    with pytest.raises(autodeco.AutodecoError) as e:
        model.meta("no.such.key")
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT
    assert "no.such.key" in e.value.message
    assert e.value.status == "invalid argument"
    assert str(e.value).startswith("invalid argument: ")


def test_special_tokens(model):
    assert model.eos == 2 and model.eot == 2 and model.bos == 1
    assert model.is_eog(model.eos)
    assert not model.is_eog(5)


def test_tokenize_detokenize(model):
    ids = model.tokenize("Hello world")
    assert ids == [19556, 905]
    assert model.detokenize(ids) == "Hello world"
    assert model.tokenize("") == []
    assert model.detokenize([]) == ""
    # special: control-token text becomes one token only when asked
    assert model.tokenize("<|im_start|>", special=True) == [1]
    assert len(model.tokenize("<|im_start|>")) > 1
    assert model.detokenize([model.eos]) == ""
    assert model.detokenize([model.eos], special=True) == "<|im_end|>"
    text = "naïve café — 東京 🙂"
    assert model.detokenize(model.tokenize(text)) == text


def test_detokenize_bytes_keeps_partial_characters(model):
    ids = model.tokenize("🙂")
    raw = b"".join(model.detokenize_bytes([i]) for i in ids)
    assert raw == "🙂".encode()
    if len(ids) > 1:  # a piece alone is an incomplete character: bytes keep it, text replaces it
        assert "\ufffd" in model.detokenize(ids[:1])


def test_text_errors(model):
    with pytest.raises(autodeco.AutodecoError) as e:
        model.tokenize(b"\xff\xfe")
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_UTF8 and "UTF-8" in e.value.message
    for bad in (10 ** 6, -1):
        with pytest.raises(autodeco.AutodecoError) as e:
            model.detokenize([bad])
        assert e.value.code == _lib.AUTODECO_ERR_INVALID_TOKEN
        assert str(bad) in e.value.message


def test_chat_template(model):
    text = model.apply_chat_template([{"role": "user", "content": "hi"}])
    assert text.endswith("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
    same = model.apply_chat_template([("user", "hi")])
    assert same == text
    no_prompt = model.apply_chat_template([("user", "hi")], add_generation_prompt=False)
    assert not no_prompt.endswith("assistant\n")
    custom = model.apply_chat_template([("user", "hi"), ("assistant", "yo")],
                                       template="{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}")
    assert custom == "[user:hi][assistant:yo]"


def test_chat_template_errors(model):
    with pytest.raises(autodeco.AutodecoError) as e:
        model.apply_chat_template([("user", "hi")], template="{% for %}")
    assert e.value.code == _lib.AUTODECO_ERR_TEMPLATE and "syntax error" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        model.apply_chat_template([("user", "hi")], template="{{ raise_exception('nope') }}")
    assert e.value.code == _lib.AUTODECO_ERR_TEMPLATE and "nope" in e.value.message


def test_load_errors(tmp_path, model_path):
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(tmp_path / "missing.gguf")
    assert e.value.code == _lib.AUTODECO_ERR_IO and "missing.gguf" in e.value.message

    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"garbage")
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(garbage)
    assert e.value.code == _lib.AUTODECO_ERR_BAD_FORMAT and "not a GGUF file" in e.value.message

    truncated = tmp_path / "truncated.gguf"
    with open(model_path, "rb") as f:
        truncated.write_bytes(f.read(1_000_000))
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(truncated)
    assert e.value.code == _lib.AUTODECO_ERR_BAD_FORMAT and "truncated" in e.value.message

    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model.from_bytes(b"GGUF\x03\x00\x00\x00")
    assert e.value.code == _lib.AUTODECO_ERR_BAD_FORMAT


def test_heads_errors(tmp_path, model_path):
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(model_path, heads=tmp_path / "none.safetensors")
    assert e.value.code == _lib.AUTODECO_ERR_IO and "none.safetensors" in e.value.message
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"x" * 14)
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Model(model_path, heads=bad)
    assert e.value.code == _lib.AUTODECO_ERR_BAD_FORMAT and "safetensors" in e.value.message


def test_from_bytes_and_close(model_path):
    data = pathlib.Path(model_path).read_bytes()
    m = autodeco.Model.from_bytes(data)
    del data
    with m:
        assert m.n_vocab == 49152
        ctx = autodeco.Context(m, n_ctx=32, n_threads=1, sampler="greedy")
    # leaving the model's `with` closed the context first, then the model
    assert "closed" in repr(ctx) and "closed" in repr(m)
    with pytest.raises(autodeco.AutodecoError) as e:
        m.n_vocab
    assert "closed" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        ctx.decode([1])
    assert "closed" in e.value.message
    m.close()  # idempotent
    ctx.close()


def test_log_callback():
    seen = []
    autodeco.set_log_callback(lambda level, msg: seen.append((level, msg)))
    autodeco.set_log_callback(None)
