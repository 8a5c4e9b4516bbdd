"""ABI misuse: every case runs in a child process, so a crash shows up as a dead child, not a
dead test runner. Each case must end in an error status with a message, and the child must
then still be able to use the library (generate one greedy token)."""
import json
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, SMOLLM2

PRELUDE = textwrap.dedent(f"""
    import ctypes, json, sys, threading
    sys.path.insert(0, {str(ROOT / 'bindings/python')!r})
    from autodeco import _lib as c
    MODEL_PATH = {str(SMOLLM2)!r}.encode()
    HEADS = {str(ROOT / 'Tests/AutoDecoTests/Fixtures/heads/smollm2.safetensors')!r}.encode()
    mp = c.autodeco_model_default_params(); mp.find_heads = False
    model = ctypes.c_void_p(); assert c.autodeco_model_load(MODEL_PATH, mp, ctypes.byref(model)) == 0
    cp = c.autodeco_context_default_params(); cp.n_ctx = 64; cp.sampler.mode = c.AUTODECO_SAMPLER_GREEDY
    ctx = ctypes.c_void_p(); assert c.autodeco_context_create(model, cp, ctypes.byref(ctx)) == 0
    info = c.autodeco_token_info()
    buf = ctypes.create_string_buffer(256)
    ids = (ctypes.c_int32 * 4)(100, 200, 300, 400)
    out_n = ctypes.c_int32()
    def result(status):
        print(json.dumps({{"status": status, "message": c.autodeco_last_error().decode("utf-8", "replace")}}))
    def still_works():
        greedy = c.autodeco_sampler_default_params(); greedy.mode = c.AUTODECO_SAMPLER_GREEDY
        assert c.autodeco_context_set_sampler(ctx, greedy) == 0, c.autodeco_last_error()
        c.autodeco_context_reset(ctx)
        assert c.autodeco_feed(ctx, ids, 4) == 0, c.autodeco_last_error()
        assert c.autodeco_step(ctx, ctypes.byref(info)) == 0, c.autodeco_last_error()
""")

# (name, expression returning a status). Each must return a negative status.
CASES = {
    # NULL pointers
    "load NULL path": "c.autodeco_model_load(None, mp, ctypes.byref(ctypes.c_void_p()))",
    "load NULL out": "c.autodeco_model_load(MODEL_PATH, mp, None)",
    "load_from_memory NULL data": "c.autodeco_model_load_from_memory(None, 100, mp, ctypes.byref(ctypes.c_void_p()))",
    "load_from_memory NULL out": "c.autodeco_model_load_from_memory(buf, 10, mp, None)",
    "load_from_memory size 0": "c.autodeco_model_load_from_memory(buf, 0, mp, ctypes.byref(ctypes.c_void_p()))",
    "meta NULL model": "c.autodeco_model_meta(None, b'general.name', buf, 256)",
    "meta NULL key": "c.autodeco_model_meta(model, None, buf, 256)",
    "meta NULL buf with size": "c.autodeco_model_meta(model, b'general.name', None, 256)",
    "context_create NULL model": "c.autodeco_context_create(None, cp, ctypes.byref(ctypes.c_void_p()))",
    "context_create NULL out": "c.autodeco_context_create(model, cp, None)",
    "set_sampler NULL ctx": "c.autodeco_context_set_sampler(None, cp.sampler)",
    "decode NULL ctx": "c.autodeco_decode(None, ids, 4)",
    "decode NULL tokens": "c.autodeco_decode(ctx, None, 4)",
    "feed NULL ctx": "c.autodeco_feed(None, ids, 4)",
    "feed NULL tokens": "c.autodeco_feed(ctx, None, 2)",
    "step NULL ctx": "c.autodeco_step(None, ctypes.byref(info))",
    "step NULL out": "(c.autodeco_feed(ctx, ids, 1), c.autodeco_step(ctx, None))[1]",
    "sample NULL out": "(c.autodeco_decode(ctx, ids, 1), c.autodeco_sample(ctx, None))[1]",
    "sample before decode": "c.autodeco_sample(ctx, ctypes.byref(info))",
    "rewind NULL ctx": "c.autodeco_context_rewind(None, 0)",
    "load_heads NULL ctx": "c.autodeco_context_load_heads(None, HEADS)",
    "load_heads NULL path": "c.autodeco_context_load_heads(ctx, None)",
    "predict NULL outs": "(c.autodeco_decode(ctx, ids, 1), c.autodeco_predict(ctx, None, None))[1]",
    "predict NULL ctx": "c.autodeco_predict(None, ctypes.byref(ctypes.c_float()), ctypes.byref(ctypes.c_float()))",
    "tokenize NULL model": "c.autodeco_tokenize(None, b'hi', 2, ids, 4, False, False, ctypes.byref(out_n))",
    "tokenize NULL text": "c.autodeco_tokenize(model, None, 5, ids, 4, False, False, ctypes.byref(out_n))",
    "tokenize NULL out_n": "c.autodeco_tokenize(model, b'hi', 2, ids, 4, False, False, None)",
    "tokenize NULL tokens": "c.autodeco_tokenize(model, b'hello world', 11, None, 4, False, False, ctypes.byref(out_n))",
    "detokenize NULL model": "c.autodeco_detokenize(None, ids, 4, buf, 256, False)",
    "detokenize NULL tokens": "c.autodeco_detokenize(model, None, 4, buf, 256, False)",
    "detokenize NULL buf": "c.autodeco_detokenize(model, ids, 4, None, 256, False)",
    "chat NULL model": "c.autodeco_apply_chat_template(None, None, None, 0, True, buf, 256)",
    "chat NULL messages": "c.autodeco_apply_chat_template(model, None, None, 2, True, buf, 256)",
    "chat NULL role": "c.autodeco_apply_chat_template(model, None, (c.autodeco_chat_message * 1)(c.autodeco_chat_message(None, b'x')), 1, True, buf, 256)",
    "chat NULL buf": "c.autodeco_apply_chat_template(model, None, (c.autodeco_chat_message * 1)(c.autodeco_chat_message(b'user', b'x')), 1, True, None, 256)",
    "generate NULL ctx": "c.autodeco_generate(None, b'hi', 2, c.autodeco_generate_default_params(), c.autodeco_token_callback(), None, None)",
    "generate NULL prompt": "c.autodeco_generate(ctx, None, 5, c.autodeco_generate_default_params(), c.autodeco_token_callback(), None, None)",
    "generate NULL stop list": "c.autodeco_generate(ctx, b'hi', 2, c.autodeco_generate_params(10, None, 2), c.autodeco_token_callback(), None, None)",
    # sizes
    "decode zero tokens": "c.autodeco_decode(ctx, ids, 0)",
    "decode negative count": "c.autodeco_decode(ctx, ids, -5)",
    "feed negative count": "c.autodeco_feed(ctx, ids, -1)",
    "tokenize negative length": "c.autodeco_tokenize(model, b'hi', -2, ids, 4, False, False, ctypes.byref(out_n))",
    "tokenize negative n_max": "c.autodeco_tokenize(model, b'hi', 2, ids, -4, False, False, ctypes.byref(out_n))",
    "tokenize buffer too small": "c.autodeco_tokenize(model, b'hello there world', 17, ids, 1, False, False, ctypes.byref(out_n))",
    "detokenize negative count": "c.autodeco_detokenize(model, ids, -1, buf, 256, False)",
    "detokenize negative buf_size": "c.autodeco_detokenize(model, ids, 4, buf, -3, False)",
    "chat negative count": "c.autodeco_apply_chat_template(model, None, None, -1, True, buf, 256)",
    "generate negative max_tokens": "c.autodeco_generate(ctx, b'hi', 2, c.autodeco_generate_params(-1, None, 0), c.autodeco_token_callback(), None, None)",
    "generate empty prompt": "c.autodeco_generate(ctx, b'', 0, c.autodeco_generate_default_params(), c.autodeco_token_callback(), None, None)",
    "batch samplers NULL": "c.autodeco_generate_batch_samplers(ctx, b'hi', 2, c.autodeco_generate_default_params(), 1, None, c.autodeco_batch_callback(), None, None)",
    "batch samplers n_seq above n_seq_max": "c.autodeco_generate_batch_samplers(ctx, b'hi', 2, c.autodeco_generate_default_params(), 9, (c.autodeco_sampler_params * 9)(), c.autodeco_batch_callback(), None, None)",
    "batch samplers invalid entry": "c.autodeco_generate_batch_samplers(ctx, b'hi', 2, c.autodeco_generate_default_params(), 1, (c.autodeco_sampler_params * 1)(c.autodeco_sampler_params(mode=17)), c.autodeco_batch_callback(), None, None)",
    "requests NULL ctx": "c.autodeco_generate_requests(None, (c.autodeco_request * 1)(c.autodeco_request(b'hi', 2, c.autodeco_generate_default_params(), None)), 1, c.autodeco_batch_callback(), None, None)",
    "requests NULL list": "c.autodeco_generate_requests(ctx, None, 3, c.autodeco_batch_callback(), None, None)",
    "requests negative count": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 1)(), -1, c.autodeco_batch_callback(), None, None)",
    "requests NULL prompt": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 2)(c.autodeco_request(b'hi', 2, c.autodeco_generate_default_params(), None), c.autodeco_request(None, 4, c.autodeco_generate_default_params(), None)), 2, c.autodeco_batch_callback(), None, None)",
    "requests empty prompt": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 1)(c.autodeco_request(b'', 0, c.autodeco_generate_default_params(), None)), 1, c.autodeco_batch_callback(), None, None)",
    "requests invalid utf-8": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 1)(c.autodeco_request(b'\\xff\\xfe', 2, c.autodeco_generate_default_params(), None)), 1, c.autodeco_batch_callback(), None, None)",
    "requests negative max_tokens": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 1)(c.autodeco_request(b'hi', 2, c.autodeco_generate_params(-1, None, 0), None)), 1, c.autodeco_batch_callback(), None, None)",
    "requests invalid sampler": "c.autodeco_generate_requests(ctx, (c.autodeco_request * 1)(c.autodeco_request(b'hi', 2, c.autodeco_generate_default_params(), ctypes.pointer(c.autodeco_sampler_params(mode=17)))), 1, c.autodeco_batch_callback(), None, None)",
    "load_from_memory truncated": "c.autodeco_model_load_from_memory(buf, 256, mp, ctypes.byref(ctypes.c_void_p()))",
    "context full": "c.autodeco_decode(ctx, (ctypes.c_int32 * 65)(*([7] * 65)), 65)",
    "rewind past end": "c.autodeco_context_rewind(ctx, 10)",
    "rewind negative": "c.autodeco_context_rewind(ctx, -1)",
    # token ids
    "decode negative id": "c.autodeco_decode(ctx, (ctypes.c_int32 * 1)(-1), 1)",
    "decode id = n_vocab": "c.autodeco_decode(ctx, (ctypes.c_int32 * 1)(49152), 1)",
    "decode id = INT32_MAX": "c.autodeco_decode(ctx, (ctypes.c_int32 * 1)(2**31 - 1), 1)",
    "feed bad id": "c.autodeco_feed(ctx, (ctypes.c_int32 * 2)(5, -7), 2)",
    "detokenize bad id": "c.autodeco_detokenize(model, (ctypes.c_int32 * 1)(10**8), 1, buf, 256, False)",
    # parameters out of range
    "negative temperature": "(setattr(cp.sampler, 'temperature', -0.5), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "NaN temperature": "(setattr(cp.sampler, 'temperature', float('nan')), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "top_p above 1": "(setattr(cp.sampler, 'top_p', 1.5), setattr(cp.sampler, 'mode', 1), c.autodeco_context_set_sampler(ctx, cp.sampler))[2]",
    "top_p zero": "(setattr(cp.sampler, 'top_p', 0.0), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "negative top_k": "(setattr(cp.sampler, 'top_k', -3), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "min_p 1": "(setattr(cp.sampler, 'min_p', 1.0), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "bad sampler mode": "(setattr(cp.sampler, 'mode', 17), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "zero repetition penalty": "(setattr(cp.sampler, 'repetition_penalty', 0.0), c.autodeco_context_set_sampler(ctx, cp.sampler))[1]",
    "n_ctx 0": "(setattr(cp, 'n_ctx', 0), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    "n_ctx 2^31-1": "(setattr(cp, 'n_ctx', 2**31 - 1), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    "n_ctx negative": "(setattr(cp, 'n_ctx', -8), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    "memory limit too small": "(setattr(cp, 'memory_limit', 1 << 20), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    "n_ctx 2^20 over a 64 MiB limit": "(setattr(cp, 'n_ctx', 1 << 20), setattr(cp, 'memory_limit', 64 << 20), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[2]",
    "n_batch 0": "(setattr(cp, 'n_batch', 0), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    "n_threads negative": "(setattr(cp, 'n_threads', -2), c.autodeco_context_create(model, cp, ctypes.byref(ctypes.c_void_p())))[1]",
    # text
    "tokenize invalid UTF-8": "c.autodeco_tokenize(model, b'ab\\xc3(', 4, ids, 4, False, False, ctypes.byref(out_n))",
    "tokenize lone surrogate": "c.autodeco_tokenize(model, b'\\xed\\xa0\\x80', 3, ids, 4, False, False, ctypes.byref(out_n))",
    "load path invalid UTF-8": "c.autodeco_model_load(b'/tmp/\\xff\\xfe.gguf', mp, ctypes.byref(ctypes.c_void_p()))",
    "chat content invalid UTF-8": "c.autodeco_apply_chat_template(model, None, (c.autodeco_chat_message * 1)(c.autodeco_chat_message(b'user', b'\\xff')), 1, True, buf, 256)",
    "hostile template": "c.autodeco_apply_chat_template(model, b'{% for x in messages %}{% for y in messages %}' * 200, (c.autodeco_chat_message * 1)(c.autodeco_chat_message(b'user', b'x')), 1, True, buf, 256)",
    "template raising": "c.autodeco_apply_chat_template(model, b\"{{ raise_exception('no') }}\", (c.autodeco_chat_message * 1)(c.autodeco_chat_message(b'user', b'x')), 1, True, buf, 256)",
    # files
    "load directory": "c.autodeco_model_load(b'/tmp', mp, ctypes.byref(ctypes.c_void_p()))",
    "load missing file": "c.autodeco_model_load(b'/nonexistent/x.gguf', mp, ctypes.byref(ctypes.c_void_p()))",
    "load /dev/null": "c.autodeco_model_load(b'/dev/null', mp, ctypes.byref(ctypes.c_void_p()))",
    "heads missing": "c.autodeco_context_load_heads(ctx, b'/nonexistent/heads')",
    "heads wrong file": "c.autodeco_context_load_heads(ctx, MODEL_PATH)",
    "model with heads of wrong size": f"(setattr(mp, 'heads_path', {str(ROOT / 'Tests/AutoDecoTests/Fixtures/heads/qwen.safetensors')!r}.encode()), c.autodeco_model_load(MODEL_PATH, mp, ctypes.byref(ctypes.c_void_p())))[1]",
    # modes
    "override mode without heads": "(setattr(cp.sampler, 'mode', c.AUTODECO_SAMPLER_OVERRIDE), c.autodeco_context_set_sampler(ctx, cp.sampler), c.autodeco_feed(ctx, ids, 2), c.autodeco_step(ctx, ctypes.byref(info)))[3]",
    "mean mode without heads": "(setattr(cp.sampler, 'mode', c.AUTODECO_SAMPLER_MEAN), c.autodeco_context_set_sampler(ctx, cp.sampler), c.autodeco_feed(ctx, ids, 2), c.autodeco_step(ctx, ctypes.byref(info)))[3]",
    "failed override step leaves the context unchanged": "(setattr(cp.sampler, 'mode', c.AUTODECO_SAMPLER_OVERRIDE), c.autodeco_context_set_sampler(ctx, cp.sampler), c.autodeco_feed(ctx, ids, 2), c.autodeco_step(ctx, ctypes.byref(info)), c.autodeco_context_n_past(ctx) == 0 or sys.exit(3))[3]",
    "predict without heads": "(c.autodeco_decode(ctx, ids, 2), c.autodeco_predict(ctx, ctypes.byref(ctypes.c_float()), ctypes.byref(ctypes.c_float())))[1]",
    "step with nothing queued": "c.autodeco_step(ctx, ctypes.byref(info))",
}


def run_case(expr, *, tail=""):
    code = PRELUDE + f"\nstatus = {expr}\nresult(status)\nstill_works()\n{tail}\nprint('ALIVE')\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", sorted(CASES))
def test_misuse_case(name):
    proc = run_case(CASES[name])
    assert proc.returncode == 0, f"child died ({proc.returncode}): {proc.stderr[-2000:]}"
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "ALIVE", proc.stdout
    r = json.loads(lines[-2])
    assert r["status"] < 0, r
    assert r["message"].strip(), f"{name}: status {r['status']} without a message"


def test_enough_cases():
    assert len(CASES) >= 60


def test_callback_stopping_immediately_and_cancel_race():
    # A callback that stops at once; then cancel racing with generate from another thread.
    tail = textwrap.dedent("""
        stop_now = c.autodeco_token_callback(lambda e, u: False)
        reason = ctypes.c_int32(-1)
        c.autodeco_context_reset(ctx)
        assert c.autodeco_generate(ctx, b'Once upon', 9, c.autodeco_generate_default_params(), stop_now, None, ctypes.byref(reason)) == 0
        assert reason.value == c.AUTODECO_STOP_CALLBACK
        for delay in (0.0, 0.001, 0.01, 0.05):
            c.autodeco_context_reset(ctx)
            t = threading.Timer(delay, c.autodeco_cancel, args=(ctx,))
            t.start()
            gp = c.autodeco_generate_default_params(); gp.max_tokens = 40
            s = c.autodeco_generate(ctx, b'Once upon a time', 16, gp, c.autodeco_token_callback(), None, ctypes.byref(reason))
            t.join()
            assert s in (0, c.AUTODECO_ERR_CANCELLED, c.AUTODECO_ERR_CONTEXT_FULL), s
        c.autodeco_context_free(ctx); c.autodeco_model_free(model)
    """)
    proc = run_case("-1", tail=tail)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ALIVE"), proc.stderr[-2000:]


def test_library_never_prints():
    # Loading, generating and a series of errors write nothing to the host's stdout/stderr.
    code = PRELUDE + textwrap.dedent("""
        c.autodeco_model_load(b'/nonexistent.gguf', mp, ctypes.byref(ctypes.c_void_p()))
        c.autodeco_decode(ctx, (ctypes.c_int32 * 1)(-1), 1)
        gp = c.autodeco_generate_default_params(); gp.max_tokens = 8
        c.autodeco_generate(ctx, b'Hello', 5, gp, c.autodeco_token_callback(), None, None)
        c.autodeco_context_free(ctx); c.autodeco_model_free(model)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
