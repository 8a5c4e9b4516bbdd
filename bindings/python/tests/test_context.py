"""autodeco.Context: decoding, sampling, heads, generation, cancellation and errors."""
import threading

import numpy as np
import pytest

import autodeco
from autodeco import _lib

PROMPT = "The capital of France is"


def test_context_properties(greedy):
    assert greedy.n_ctx == 256
    assert greedy.n_past == 0
    assert greedy.sampler.mode == "greedy"
    assert not greedy.has_heads
    assert "n_ctx=256" in repr(greedy)
    assert greedy.logits is None and greedy.hidden is None


def test_sampler_params_defaults_come_from_the_library():
    d = _lib.autodeco_sampler_default_params()
    s = autodeco.SamplerParams()
    assert s.mode == "autodeco" and d.mode == _lib.AUTODECO_SAMPLER_AUTODECO
    for f in ("temperature", "top_p", "top_k", "min_p", "repetition_penalty", "repetition_window",
              "use_temperature_head", "use_top_p_head", "seed"):
        assert getattr(s, f) == getattr(d, f), f
    c = autodeco.SamplerParams(mode="static", temperature=0.5, top_k=40, seed=7).to_c()
    assert (c.mode, c.top_k, c.seed) == (_lib.AUTODECO_SAMPLER_STATIC, 40, 7)
    assert abs(c.temperature - 0.5) < 1e-7


def test_context_parameter_errors(model):
    cases = [
        (dict(n_ctx=0), "n_ctx"),
        (dict(n_threads=-1), "n_threads"),
        (dict(sampler=autodeco.SamplerParams(temperature=-1)), "temperature"),
        (dict(sampler=autodeco.SamplerParams(mode="static", top_p=0)), "top_p"),
        (dict(sampler=autodeco.SamplerParams(mode=7)), "sampler.mode"),
    ]
    for kwargs, field in cases:
        with pytest.raises(autodeco.AutodecoError) as e:
            autodeco.Context(model, **kwargs)
        assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT
        assert field in e.value.message, (kwargs, e.value.message)
    with pytest.raises(autodeco.AutodecoError) as e:
        autodeco.Context(model, n_ctx=2048, memory_limit=1024)
    assert e.value.code == _lib.AUTODECO_ERR_OUT_OF_MEMORY and e.value.message
    with pytest.raises(ValueError, match="unknown sampler mode"):
        autodeco.Context(model, sampler="fancy")
    with pytest.raises(TypeError):
        autodeco.Context(model, sampler=3.5)


def test_decode_logits_hidden_reset_rewind(greedy, model):
    ids = model.tokenize(PROMPT)
    greedy.decode(ids)
    assert greedy.n_past == len(ids)
    logits = greedy.logits
    hidden = greedy.hidden
    assert logits.shape == (model.n_vocab,) and logits.dtype == np.float32
    assert hidden.shape == (model.n_embd,) and hidden.dtype == np.float32
    assert np.isfinite(logits).all() and np.isfinite(hidden).all()
    logits[:] = 0  # a copy: the library's buffer is untouched
    assert greedy.logits.std() > 0
    # greedy sample() is the argmax of the logits and does not advance the context
    ev = greedy.sample()
    assert ev.token == int(np.argmax(greedy.logits))
    assert ev.temperature == 0 and ev.predicted_temperature is None and ev.predicted_top_p is None
    assert greedy.n_past == len(ids)
    greedy.rewind(2)
    assert greedy.n_past == 2
    greedy.reset()
    assert greedy.n_past == 0 and greedy.logits is None


def test_decode_errors(greedy, model):
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.decode([model.n_vocab])
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_TOKEN and str(model.n_vocab) in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.decode([])
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "n_tokens" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.decode([1] * 257)
    assert e.value.code == _lib.AUTODECO_ERR_CONTEXT_FULL and "n_ctx is 256" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.rewind(5)
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "rewind" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.step()
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "nothing to run" in e.value.message
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.predict()
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "nothing decoded" in e.value.message


def test_steps_match_argmax_and_detokenize(greedy, model):
    ids = model.tokenize(PROMPT)
    greedy.decode(ids)
    expected_first = int(np.argmax(greedy.logits))
    greedy.reset()
    events = [greedy.step(ids)] + [greedy.step() for _ in range(5)]
    assert events[0].token == expected_first
    assert greedy.n_past == len(ids) + 5  # the last sampled token is queued, not yet run
    assert "".join(e.text for e in events) == model.detokenize([e.token for e in events])
    assert all(e.temperature == 0 and 0 < e.prob <= 1 for e in events)
    assert "Paris" in "".join(e.text for e in events)


def test_set_sampler(greedy):
    greedy.set_sampler(mode="static", temperature=0.7, top_k=20, seed=3)
    s = greedy.sampler
    assert (s.mode, s.top_k, s.seed) == ("static", 20, 3)
    with pytest.raises(autodeco.AutodecoError) as e:
        greedy.set_sampler(temperature=1000)
    assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "temperature" in e.value.message
    assert greedy.sampler.temperature == pytest.approx(0.7)  # unchanged after a failed call
    greedy.set_sampler("greedy")
    assert greedy.sampler.mode == "greedy"
    greedy.set_sampler({"mode": "static", "temperature": 0.0})
    assert greedy.sampler.mode == "static"


def test_default_sampler_without_heads_is_greedy(model):
    with autodeco.Context(model, n_ctx=64, n_threads=1) as ctx, \
            autodeco.Context(model, n_ctx=64, n_threads=1, sampler="greedy") as greedy:
        assert ctx.sampler.mode == "autodeco" and not ctx.has_heads  # the default policy
        events = list(ctx.generate("Hi", max_tokens=8))
        assert [e.token for e in events] == [e.token for e in greedy.generate("Hi", max_tokens=8)]
        assert all(e.temperature == 0 and e.predicted_temperature is None for e in events)
        ctx.reset()
        ctx.set_sampler(mode="override", temperature=0.5)  # explicit use of heads: an error
        with pytest.raises(autodeco.AutodecoError) as e:
            ctx.step(model.tokenize("Hi"))
        assert e.value.code == _lib.AUTODECO_ERR_NO_HEADS and "heads" in e.value.message


def test_heads_on_context(model, heads_path, tmp_path):
    with autodeco.Context(model, n_ctx=64, n_threads=1) as ctx:
        assert not ctx.has_heads
        with pytest.raises(autodeco.AutodecoError) as e:
            ctx.load_heads(tmp_path / "nothing")
        assert e.value.code == _lib.AUTODECO_ERR_IO and "nothing" in e.value.message
        bad = tmp_path / "bad.safetensors"
        bad.write_bytes(b"\x08" + b"\x00" * 7 + b"{}")
        with pytest.raises(autodeco.AutodecoError) as e:
            ctx.load_heads(bad)
        assert e.value.code in (_lib.AUTODECO_ERR_BAD_FORMAT, _lib.AUTODECO_ERR_UNSUPPORTED)
        ctx.load_heads(heads_path)
        assert ctx.has_heads
        ctx.decode(model.tokenize("Hi"))
        t, p = ctx.predict()
        assert 0 < t < 2 and 0 < p < 1
        ev = ctx.step([1])
        assert ev.predicted_temperature is not None and ev.predicted_top_p is not None


def test_heads_with_model_and_autodeco_values(model_with_heads):
    with autodeco.Context(model_with_heads, n_ctx=128, n_threads=1,
                          sampler=autodeco.SamplerParams(seed=1)) as ctx:
        assert ctx.has_heads
        events = list(ctx.generate(PROMPT, max_tokens=6))
        assert len(events) == 6 and ctx.stop_reason == "max_tokens"
        for ev in events:
            # pure AutoDeco: the values used are the heads' predictions (multipliers 1)
            assert 0 < ev.temperature < 2 and ev.temperature == pytest.approx(ev.predicted_temperature)
            assert 0 < ev.top_p <= 1 and ev.top_p == pytest.approx(ev.predicted_top_p)
            assert 0 < ev.prob <= 1
        # override mode: user values replace the predictions
        ctx.reset()
        ctx.set_sampler(mode="override", temperature=0.5, top_p=0.9)
        ev = next(iter(ctx.generate(PROMPT, max_tokens=1)))
        assert ev.temperature == pytest.approx(0.5) and ev.top_p == pytest.approx(0.9)
        assert ev.predicted_temperature is not None


def test_generate_matches_steps(greedy, model):
    ids = model.tokenize(PROMPT)
    stepped = [greedy.step(ids)] + [greedy.step() for _ in range(7)]
    greedy.reset()
    generated = list(greedy.generate(PROMPT, max_tokens=8))
    assert [e.token for e in generated] == [e.token for e in stepped]
    assert greedy.stop_reason == "max_tokens"
    assert "".join(e.text for e in generated) == "".join(e.text for e in stepped)


def test_generate_stop_string(greedy):
    text = greedy.generate_text(PROMPT, max_tokens=16, stop=["."])
    assert greedy.stop_reason == "stop_string"
    assert "." not in text and "Paris" in text


def test_generate_chat_continues_context(greedy, model):
    out = greedy.generate_text("What is the capital of France?", chat=True, max_tokens=8)
    assert out
    n = greedy.n_past
    assert n > len(model.tokenize("What is the capital of France?"))
    more = greedy.generate_text([{"role": "user", "content": "Thanks"}], chat=True, max_tokens=2)
    assert more and greedy.n_past > n  # appended to what the context holds


def test_generate_errors(model):
    with autodeco.Context(model, n_ctx=16, n_threads=1, sampler="greedy") as ctx:
        with pytest.raises(autodeco.AutodecoError) as e:
            list(ctx.generate(""))
        assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "prompt is empty" in e.value.message
        with pytest.raises(autodeco.AutodecoError) as e:
            list(ctx.generate("hello " * 40))
        assert e.value.code == _lib.AUTODECO_ERR_CONTEXT_FULL and "n_ctx is 16" in e.value.message
        with pytest.raises(autodeco.AutodecoError) as e:
            list(ctx.generate("hi", max_tokens=-1))
        assert e.value.code == _lib.AUTODECO_ERR_INVALID_ARGUMENT and "max_tokens" in e.value.message
        ctx.reset()
        # context full while generating is a stop reason, not an error
        list(ctx.generate("hello", max_tokens=100))
        assert ctx.stop_reason == "context_full" and ctx.n_past <= 16


def test_cancel_from_another_thread(greedy):
    timer = None
    count = 0
    for ev in greedy.generate(PROMPT, max_tokens=200):
        count += 1
        if timer is None:
            timer = threading.Timer(0.01, greedy.cancel)
            timer.start()
    timer.join()
    assert greedy.stop_reason == "cancelled"
    assert count < 200


def test_breaking_out_stops_generation(greedy, model):
    gen = greedy.generate(PROMPT, max_tokens=100)
    first = next(gen)
    assert first.token >= 0
    gen.close()
    assert greedy.stop_reason in ("callback", "cancelled")
    n = greedy.n_past
    assert n < len(model.tokenize(PROMPT)) + 10
    # the context is usable again, and a kept-but-unfinished iterator is ended by the next call
    kept = greedy.generate(" and", max_tokens=100)
    next(kept)
    greedy.reset()
    assert list(kept) == []
    assert greedy.n_past == 0


def test_close_during_generation(model):
    ctx = autodeco.Context(model, n_ctx=64, n_threads=1, sampler="greedy")
    gen = ctx.generate(PROMPT, max_tokens=50)
    next(gen)
    ctx.close()  # stops the worker before freeing
    assert list(gen) == []
    ctx.close()


def test_two_contexts_share_a_model(model):
    outs = [None, None]

    def run(i):
        with autodeco.Context(model, n_ctx=64, n_threads=1, sampler="greedy") as ctx:
            outs[i] = [e.token for e in ctx.generate(PROMPT, max_tokens=4)]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outs[0] == outs[1] and len(outs[0]) == 4


def test_held_back_text_is_delivered_at_max_tokens(greedy):
    # greedy: the first token after PROMPT is " Paris", a prefix of the stop string, so it is held
    # back; generation then ends at max_tokens and the held text must still reach the caller.
    text = greedy.generate_text(PROMPT, max_tokens=1, stop=[" Paris is great"])
    assert greedy.stop_reason == "max_tokens"
    assert text == " Paris"


def test_generate_batch_equals_single_generation_per_seed(model_with_heads):
    # Sequence i of a batch is what generate() gives on a fresh context seeded seed + i.
    with autodeco.Context(model_with_heads, n_ctx=256, n_threads=2, n_seq_max=4,
                          sampler=autodeco.SamplerParams(seed=11)) as ctx:
        batch = ctx.generate_batch(PROMPT, n=4, max_tokens=12, stop="\n\n")
        assert ctx.n_past == len(model_with_heads.tokenize(PROMPT))   # the context keeps the prompt
    assert len(batch) == 4
    for i, r in enumerate(batch):
        with autodeco.Context(model_with_heads, n_ctx=256, n_threads=1,
                              sampler=autodeco.SamplerParams(seed=11 + i)) as one:
            events = list(one.generate(PROMPT, max_tokens=12, stop="\n\n"))
            assert r.tokens == [e.token for e in events]
            assert r.text == "".join(e.text for e in events)
            assert r.temperatures == pytest.approx([e.temperature for e in events], abs=0)
            assert r.stop_reason == one.stop_reason
    assert len({tuple(r.tokens) for r in batch}) > 1, "different seeds should give different samples"


def test_generate_batch_with_a_sampler_per_sequence(model_with_heads):
    # Sequence i with samplers[i] (its own seed and mode) is what generate() gives with that sampler.
    grid = [autodeco.SamplerParams(mode="static", temperature=0.3, top_p=0.9, seed=5),
            autodeco.SamplerParams(mode="static", temperature=1.0, top_p=1.0, seed=5),
            {"mode": "autodeco", "seed": 6}, "greedy"]
    with autodeco.Context(model_with_heads, n_ctx=256, n_threads=2, n_seq_max=4,
                          sampler=autodeco.SamplerParams(seed=11)) as ctx:
        batch = ctx.generate_batch(PROMPT, max_tokens=10, samplers=grid)
        assert ctx.sampler == autodeco.SamplerParams(seed=11)   # untouched
        with pytest.raises(ValueError, match="2 samplers for n = 3"):
            ctx.generate_batch(PROMPT, n=3, samplers=grid[:2])
        with pytest.raises(autodeco.AutodecoError, match=r"samplers\[1\].*temperature"):
            ctx.generate_batch(PROMPT, samplers=["greedy", {"mode": "static", "temperature": -2.0}])
    assert len(batch) == 4
    for r, sampler in zip(batch, grid):
        with autodeco.Context(model_with_heads, n_ctx=256, n_threads=1, sampler=sampler) as one:
            events = list(one.generate(PROMPT, max_tokens=10))
            assert r.tokens == [e.token for e in events], sampler
            assert r.top_ps == pytest.approx([e.top_p for e in events], abs=0)
    assert batch[0].tokens != batch[1].tokens


REQUEST_PROMPTS = ["The capital of France is", "Once upon a time", "1, 2, 3,", "The capital of France is",
                   "def add(a, b):", "The capital of France is", "Water boils at", "My favourite colour"]


def test_generate_requests_equal_single_generations(model_with_heads):
    # Continuous batching: 8 prompts (some repeated: shared prefill) through 3 slots, different
    # limits and samplers; request i is exactly generate() on a fresh context with its sampler.
    samplers = [{"mode": "autodeco", "seed": 3 + i} if i % 2 else
                {"mode": "static", "temperature": 0.8, "top_p": 0.9, "seed": 3 + i} for i in range(8)]
    limits = [12, 3, 20, 7, 1, 15, 9, 5]
    with autodeco.Context(model_with_heads, n_ctx=256, n_threads=2, n_seq_max=3) as ctx:
        ctx.decode(model_with_heads.tokenize("something already in the context"))
        out = ctx.generate_batch(REQUEST_PROMPTS, max_tokens=limits, samplers=samplers, stop="\n\n")
        assert ctx.n_past == 0   # the context is empty afterwards
    assert len(out) == 8
    for i, r in enumerate(out):
        with autodeco.Context(model_with_heads, n_ctx=256, n_threads=1, sampler=samplers[i]) as one:
            events = list(one.generate(REQUEST_PROMPTS[i], max_tokens=limits[i], stop="\n\n"))
        assert r.tokens == [e.token for e in events], i
        assert r.text == "".join(e.text for e in events), i
        assert r.temperatures == pytest.approx([e.temperature for e in events], abs=0), i
        assert r.top_ps == pytest.approx([e.top_p for e in events], abs=0), i
        assert r.stop_reason == one.stop_reason, i
    assert out[0].tokens != out[3].tokens   # same prompt, other seed and sampler


def test_generate_requests_default_seeds_and_a_failing_request(model):
    # Without samplers, request i draws with the context's sampler and seed + i. A prompt that
    # does not fit the context ends that request alone (context_full, no tokens).
    too_long = "word " * 80
    with autodeco.Context(model, n_ctx=64, n_threads=2, n_seq_max=2,
                          sampler=autodeco.SamplerParams(mode="static", temperature=1.0, seed=40)) as ctx:
        out = ctx.generate_requests(["Once upon a time", too_long, "Once upon a time"], max_tokens=8)
    assert out[1].stop_reason == "context_full" and out[1].tokens == []
    assert [r.stop_reason for r in (out[0], out[2])] == ["max_tokens", "max_tokens"]
    for i in (0, 2):
        with autodeco.Context(model, n_ctx=64, n_threads=1,
                              sampler=autodeco.SamplerParams(mode="static", temperature=1.0, seed=40 + i)) as one:
            assert out[i].tokens == [e.token for e in one.generate("Once upon a time", max_tokens=8)]


def test_generate_requests_cancel_stops_running_and_waiting(model):
    with autodeco.Context(model, n_ctx=256, n_threads=1, n_seq_max=2, sampler="greedy") as ctx:
        timer = threading.Timer(0.05, ctx.cancel)
        timer.start()
        out = ctx.generate_requests([PROMPT] * 6, max_tokens=200)
        timer.join()
        assert {r.stop_reason for r in out} == {"cancelled"}
        assert sum(len(r.tokens) for r in out) < 6 * 200
        # the context works afterwards
        again = ctx.generate_requests([PROMPT], max_tokens=3)
        assert again[0].stop_reason == "max_tokens" and len(again[0].tokens) == 3


def test_generate_requests_errors(model):
    with autodeco.Context(model, n_ctx=64, n_seq_max=2, sampler="greedy") as ctx:
        with pytest.raises(ValueError, match="2 samplers for 3 prompts"):
            ctx.generate_requests(["a", "b", "c"], samplers=["greedy", "greedy"])
        with pytest.raises(autodeco.AutodecoError, match=r"requests\[1\].*empty"):
            ctx.generate_requests(["a", ""])
        with pytest.raises(autodeco.AutodecoError, match=r"requests\[0\].*temperature"):
            ctx.generate_requests(["a"], samplers=[{"mode": "static", "temperature": -1.0}])
        with pytest.raises(autodeco.AutodecoError, match="heads"):
            ctx.generate_requests(["a"], samplers=["override"])
        assert ctx.generate_requests([]) == []


def test_generate_batch_errors(model):
    with autodeco.Context(model, n_ctx=64, n_seq_max=2,
                          sampler=autodeco.SamplerParams(mode="greedy")) as ctx:
        with pytest.raises(autodeco.AutodecoError, match="n_seq"):
            ctx.generate_batch(PROMPT, n=3)
        with pytest.raises(autodeco.AutodecoError, match="n_seq"):
            ctx.generate_batch(PROMPT, n=0)
        two = ctx.generate_batch(PROMPT, n=2, max_tokens=5)
        assert two[0].tokens == two[1].tokens   # greedy: both sequences agree
    with pytest.raises(autodeco.AutodecoError, match="n_seq_max"):
        autodeco.Context(model, n_seq_max=65)


def test_step_text_streams_like_generate(model):
    """step()'s text comes from the engine's streaming detokenizer: joined, the steps give the
    text generate() gives for the same tokens, and no step splits a character (multi-byte
    characters that span tokens arrive whole with their last token)."""
    prompt = "Café, naïve, jalapeño, 日本語: "   # SmolLM2 answers in katakana
    with autodeco.Context(model, n_ctx=256, n_threads=1, sampler="greedy") as ctx:
        expected = ctx.generate_text(prompt, max_tokens=24)
        ctx.reset()
        ctx.feed(model.tokenize(prompt))
        pieces = [ctx.step() for _ in range(24)]
        texts = [ev.text for ev in pieces]
        assert all("\ufffd" not in t for t in texts)
        joined = "".join(texts)
        assert expected.startswith(joined) and len(expected) - len(joined) <= 1  # generate flushes at the end
        assert any(len(t.encode()) > len(t) for t in texts), "the test needs a multi-byte character"
        ctx.reset()
        assert ctx._step_text() == ""
