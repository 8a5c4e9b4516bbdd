"""autodeco — Python binding of libautodeco, a CPU inference engine for GGUF models that
decodes with AutoDeco heads (per-token temperature and top-p).

Three layers: `_loader` finds the library, `_lib` declares every C function 1:1, and this
module is the Pythonic layer: `Model`, `Context`, `SamplerParams`, `TokenEvent` and
`AutodecoError`. Every failed call raises `AutodecoError(code, message)` with the library's
own message; nothing of the engine is reimplemented here.

    import autodeco
    with autodeco.Model("SmolLM2-135M-Instruct.Q4_1.gguf", heads="heads.safetensors") as model:
        with autodeco.Context(model) as ctx:
            for ev in ctx.generate("What is 2+2?", chat=True, max_tokens=32):
                print(ev.text, end="", flush=True)
"""
from __future__ import annotations

import ctypes
import dataclasses
import os
import queue
import threading
import weakref
from typing import Iterator, Optional, Sequence, Union

import numpy as np

from . import _lib as _c

__all__ = ["AutodecoError", "Model", "Context", "SamplerParams", "TokenEvent", "BatchResult", "version",
           "api_version", "set_log_callback", "STOP_REASONS"]

__version__ = _c.autodeco_version().decode()

PathLike = Union[str, bytes, os.PathLike]


def version() -> str:
    """The library's version string ("0.1.0")."""
    return _c.autodeco_version().decode()


def api_version() -> int:
    """The library's ABI version (checked against this binding at import)."""
    return _c.autodeco_api_version()


# ---- errors ---------------------------------------------------------------------------------

class AutodecoError(Exception):
    """A failed library call: `code` is the autodeco_status (negative), `message` the library's
    autodeco_last_error() text, `status` its autodeco_status_string() name."""

    def __init__(self, code: int, message: str):
        self.code = int(code)
        self.message = message
        self.status = _c.autodeco_status_string(self.code).decode()
        super().__init__(f"{self.status}: {message}" if message else self.status)


def _last_error() -> str:
    return _c.autodeco_last_error().decode("utf-8", "replace")


def _check(status: int) -> int:
    """Raises AutodecoError for a negative status (read the message on this same thread)."""
    if status < 0:
        raise AutodecoError(status, _last_error())
    return status


def _text_out(call) -> bytes:
    """The bytes of a call with the library's snprintf convention, `call(buf, buf_size)`: once to
    learn the length, once into a buffer of that size."""
    n = _check(call(None, 0))
    buf = ctypes.create_string_buffer(n + 1)
    _check(call(buf, n + 1))
    return buf.raw[:n]


def _path(p: PathLike) -> bytes:
    return os.fsencode(os.fspath(p))


def _ids(tokens: Sequence[int]):
    ids = list(tokens)
    return (ctypes.c_int32 * max(len(ids), 1))(*ids), len(ids)


# ---- logging ----------------------------------------------------------------------------------

_log_callback_ref = None  # keeps the CFUNCTYPE alive while the library holds it


def set_log_callback(callback) -> None:
    """Routes the library's diagnostics to callback(level: int, message: str); None discards them."""
    global _log_callback_ref
    if callback is None:
        _c.autodeco_log_set(_c.autodeco_log_callback(), None)
        _log_callback_ref = None
        return

    def trampoline(level, message, _user):
        try:
            callback(level, message.decode("utf-8", "replace") if message else "")
        except Exception:  # never let an exception unwind into the library
            pass

    ref = _c.autodeco_log_callback(trampoline)
    _c.autodeco_log_set(ref, None)
    _log_callback_ref = ref


# ---- model ------------------------------------------------------------------------------------

class _Owner:
    """Lifetime of one library handle: close() (idempotent, also on `with` exit and garbage
    collection) and `handle`, which raises once closed. Subclasses free in _free()."""
    _kind = "object"
    _handle = None

    def _free(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Frees the handle. Idempotent."""
        if self._handle is not None:
            self._free()
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def handle(self) -> ctypes.c_void_p:
        if self._handle is None:
            raise AutodecoError(_c.AUTODECO_ERR_INVALID_ARGUMENT, f"the {self._kind} is closed")
        return self._handle


class Model(_Owner):
    """A loaded GGUF model (immutable; shareable by any number of contexts and threads).

    `heads` is an AutoDeco heads file or directory loaded with the model; `find_heads` lets
    the library find the heads trained for this model when `heads` is None. `copy_to_memory`
    reads the file into memory instead of mapping it, so the process survives the file being
    truncated or replaced while the model lives. Use it as a context manager or call close();
    contexts still open are closed first."""

    def __init__(self, path: PathLike, heads: Optional[PathLike] = None, find_heads: bool = True, *,
                 copy_to_memory: bool = False, _data: Optional[bytes] = None):
        self._handle = None
        self._contexts: "weakref.WeakSet[Context]" = weakref.WeakSet()
        params = _c.autodeco_model_default_params()
        params.find_heads = bool(find_heads)
        params.copy_to_memory = bool(copy_to_memory)
        if heads is not None:
            params.heads_path = _path(heads)
        handle = ctypes.c_void_p()
        if _data is not None:
            _check(_c.autodeco_model_load_from_memory(_data, len(_data), params, ctypes.byref(handle)))
        else:
            _check(_c.autodeco_model_load(_path(path), params, ctypes.byref(handle)))
        self._handle = handle
        self.path = None if _data is not None else os.fspath(path)

    @classmethod
    def from_bytes(cls, data: bytes, heads: Optional[PathLike] = None) -> "Model":
        """Loads a model from GGUF bytes in memory (the library copies them)."""
        return cls(None, heads=heads, find_heads=False, _data=bytes(data))

    # lifetime: close() frees the model after closing any context still open on it
    _kind = "model"

    def _free(self) -> None:
        for ctx in list(self._contexts):
            ctx.close()
        _c.autodeco_model_free(self._handle)

    # hyper-parameters and metadata
    @property
    def desc(self) -> str:
        return _c.autodeco_model_desc(self.handle).decode("utf-8", "replace")

    @property
    def n_vocab(self) -> int:
        return _c.autodeco_model_n_vocab(self.handle)

    @property
    def n_embd(self) -> int:
        return _c.autodeco_model_n_embd(self.handle)

    @property
    def n_layer(self) -> int:
        return _c.autodeco_model_n_layer(self.handle)

    @property
    def n_ctx_train(self) -> int:
        return _c.autodeco_model_n_ctx_train(self.handle)

    def meta(self, key: str) -> str:
        """The GGUF metadata value of `key` as text; AutodecoError if the key is absent."""
        k = key.encode()
        return _text_out(lambda buf, size: _c.autodeco_model_meta(self.handle, k, buf, size)).decode("utf-8", "replace")

    # special tokens
    @property
    def eos(self) -> int:
        return _c.autodeco_token_eos(self.handle)

    @property
    def eot(self) -> int:
        return _c.autodeco_token_eot(self.handle)

    @property
    def bos(self) -> int:
        return _c.autodeco_token_bos(self.handle)

    def is_eog(self, token: int) -> bool:
        return bool(_c.autodeco_token_is_eog(self.handle, token))

    # text
    def tokenize(self, text: str, special: bool = False, add_special: bool = False) -> list:
        """Token ids of `text`. `special` parses control-token text ("<|im_start|>") as tokens."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        cap = len(data) + 1  # text_len + 1 ids always suffice (header)
        buf = (ctypes.c_int32 * cap)()
        n = ctypes.c_int32()
        _check(_c.autodeco_tokenize(self.handle, data, len(data), buf, cap, add_special, special, ctypes.byref(n)))
        return list(buf[:n.value])

    def detokenize_bytes(self, ids: Sequence[int], special: bool = False) -> bytes:
        """The raw bytes of `ids` (may end in an incomplete UTF-8 character)."""
        arr, n = _ids(ids)
        return _text_out(lambda buf, size: _c.autodeco_detokenize(self.handle, arr, n, buf, size, special))

    def detokenize(self, ids: Sequence[int], special: bool = False) -> str:
        """The text of `ids`; bytes that are not valid UTF-8 become U+FFFD."""
        return self.detokenize_bytes(ids, special).decode("utf-8", "replace")

    def apply_chat_template(self, messages, add_generation_prompt: bool = True,
                            template: Optional[str] = None) -> str:
        """Renders messages ([{"role": ..., "content": ...}] or [(role, content)]) with the model's
        chat template (or `template`). Tokenize the result with special=True."""
        pairs = [(m["role"], m["content"]) if isinstance(m, dict) else tuple(m) for m in messages]
        keep = [(r.encode(), t.encode()) for r, t in pairs]
        arr = (_c.autodeco_chat_message * max(len(keep), 1))()
        for i, (r, t) in enumerate(keep):
            arr[i].role, arr[i].content = r, t
        tmpl = template.encode() if template is not None else None
        return _text_out(lambda buf, size: _c.autodeco_apply_chat_template(
            self.handle, tmpl, arr, len(keep), add_generation_prompt, buf, size)).decode("utf-8")

    def __repr__(self) -> str:
        return f"<autodeco.Model {self.desc!r}>" if self._handle is not None else "<autodeco.Model closed>"


# ---- sampler ------------------------------------------------------------------------------------

_MODES = {"greedy": _c.AUTODECO_SAMPLER_GREEDY, "static": _c.AUTODECO_SAMPLER_STATIC,
          "autodeco": _c.AUTODECO_SAMPLER_AUTODECO, "override": _c.AUTODECO_SAMPLER_OVERRIDE,
          "mean": _c.AUTODECO_SAMPLER_MEAN}
_MODE_NAMES = {v: k for k, v in _MODES.items()}
_SD = _c.autodeco_sampler_default_params()  # the library's defaults are the only defaults
_CD = _c.autodeco_context_default_params()
_MAX_TOKENS = _c.autodeco_generate_default_params().max_tokens


@dataclasses.dataclass
class SamplerParams:
    """autodeco_sampler_params. mode: "autodeco" (heads' T and p, scaled by temperature and
    top_p), "greedy", "static" (fixed values), "override" (the values replace the heads') or
    "mean" (the heads' recorded held-out mean T and p, scaled like "autodeco").
    Defaults come from autodeco_sampler_default_params(); the library validates the values."""
    mode: str = _MODE_NAMES.get(_SD.mode, "autodeco")
    temperature: float = _SD.temperature
    top_p: float = _SD.top_p
    top_k: int = _SD.top_k
    min_p: float = _SD.min_p
    repetition_penalty: float = _SD.repetition_penalty
    repetition_window: int = _SD.repetition_window
    use_temperature_head: bool = _SD.use_temperature_head
    use_top_p_head: bool = _SD.use_top_p_head
    seed: int = _SD.seed

    def to_c(self) -> "_c.autodeco_sampler_params":
        p = _c.autodeco_sampler_default_params()
        if isinstance(self.mode, str):
            if self.mode not in _MODES:
                raise ValueError(f"unknown sampler mode {self.mode!r}; expected one of {sorted(_MODES)}")
            p.mode = _MODES[self.mode]
        else:
            p.mode = int(self.mode)  # the library rejects unknown numbers with its own message
        for f in dataclasses.fields(self):
            if f.name != "mode":
                setattr(p, f.name, getattr(self, f.name))
        return p


def _sampler(sampler) -> SamplerParams:
    if sampler is None:
        return SamplerParams()
    if isinstance(sampler, str):
        return SamplerParams(mode=sampler)
    if isinstance(sampler, dict):
        return SamplerParams(**sampler)
    if isinstance(sampler, SamplerParams):
        return dataclasses.replace(sampler)
    raise TypeError(f"sampler must be SamplerParams, a mode name or a dict, not {type(sampler).__name__}")


# ---- events -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class TokenEvent:
    """One sampled token: its id, the text it completed, the temperature and top-p actually used,
    its probability, and the heads' predictions (None without heads)."""
    token: int
    text: str
    temperature: float
    top_p: float
    prob: float
    predicted_temperature: Optional[float]
    predicted_top_p: Optional[float]

    @classmethod
    def _from(cls, info, text: str) -> "TokenEvent":
        pt = info.predicted_temperature
        pp = info.predicted_top_p
        return cls(info.token, text, info.temperature, info.top_p, info.probability,
                   None if pt < 0 else pt, None if pp < 0 else pp)


@dataclasses.dataclass
class BatchResult:
    """One sequence of Context.generate_batch(): its text (stop strings excluded), token ids,
    the temperature and top-p actually used for each token, and why it stopped (a
    STOP_REASONS name)."""
    text: str = ""
    tokens: list = dataclasses.field(default_factory=list)
    temperatures: list = dataclasses.field(default_factory=list)
    top_ps: list = dataclasses.field(default_factory=list)
    stop_reason: str = ""


STOP_REASONS = {_c.AUTODECO_STOP_EOG: "eog", _c.AUTODECO_STOP_MAX_TOKENS: "max_tokens",
                _c.AUTODECO_STOP_STRING: "stop_string", _c.AUTODECO_STOP_CALLBACK: "callback",
                _c.AUTODECO_STOP_CANCELLED: "cancelled", _c.AUTODECO_STOP_CONTEXT_FULL: "context_full"}

_DONE = object()


def _is_conversation(prompt) -> bool:
    """A list of chat messages (one prompt), as opposed to a list of prompts."""
    return len(prompt) > 0 and all(isinstance(m, dict) for m in prompt)


def _generate_params(max_tokens: int, stop) -> tuple:
    """autodeco_generate_params, and the ctypes objects it points to (keep them alive)."""
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    stop_bytes = [s.encode("utf-8") for s in stops]
    params = _c.autodeco_generate_default_params()
    params.max_tokens = max_tokens
    stop_arr = (ctypes.c_char_p * max(len(stop_bytes), 1))(*stop_bytes)
    params.stop = ctypes.cast(stop_arr, ctypes.POINTER(ctypes.c_char_p)) if stop_bytes else None
    params.n_stop = len(stop_bytes)
    return params, (stop_bytes, stop_arr)


class _BatchCollector:
    """The batch callback that gathers each sequence's events into BatchResults; an exception
    in it cancels the generation and is raised by finish()."""

    def __init__(self, handle, count: int):
        self.results = [BatchResult() for _ in range(count)]
        self.texts = [[] for _ in range(count)]
        self.failure = []
        self.reasons = (ctypes.c_int32 * max(count, 1))()

        def on_token(seq, event_p, _user):
            try:
                ev = event_p.contents
                r = self.results[seq]
                r.tokens.append(ev.info.token)
                r.temperatures.append(ev.info.temperature)
                r.top_ps.append(ev.info.top_p)
                if ev.text_len > 0:
                    self.texts[seq].append(ctypes.string_at(ev.text, ev.text_len).decode("utf-8", "replace"))
                return True
            except BaseException as e:  # an exception must not unwind into the library
                self.failure.append(e)
                _c.autodeco_cancel(handle)
                return False

        self.callback = _c.autodeco_batch_callback(on_token)

    def finish(self, status: int) -> "list[BatchResult]":
        if self.failure:
            raise self.failure[0]
        _check(status)
        for i, r in enumerate(self.results):
            r.text = "".join(self.texts[i])
            r.stop_reason = STOP_REASONS.get(self.reasons[i], str(self.reasons[i]))
        return self.results


# ---- context ------------------------------------------------------------------------------------

class Context(_Owner):
    """One conversation with a model: KV cache, sampler and RNG. Use from one thread at a time
    (cancel() excepted). Holds a reference to its model and is freed before it."""

    def __init__(self, model: Model, n_ctx: int = _CD.n_ctx, n_threads: int = _CD.n_threads, sampler=None,
                 n_batch: Optional[int] = None, heads: Optional[PathLike] = None,
                 memory_limit: Optional[int] = None, n_seq_max: int = _CD.n_seq_max):
        self._handle = None
        self._stop_worker = None
        self.model = model
        self._sampler = _sampler(sampler)
        p = _c.autodeco_context_default_params()
        p.n_ctx = n_ctx
        p.n_threads = n_threads
        if n_batch is not None:
            p.n_batch = n_batch
        if memory_limit is not None:
            p.memory_limit = memory_limit  # bytes; the library refuses larger buffers (OUT_OF_MEMORY)
        p.n_seq_max = n_seq_max  # sequences generate_batch() may run at once, each with its own KV cache
        p.sampler = self._sampler.to_c()
        handle = ctypes.c_void_p()
        _check(_c.autodeco_context_create(model.handle, p, ctypes.byref(handle)))
        self._handle = handle
        model._contexts.add(self)
        self._generating = False
        self._stop_worker = None
        self.stop_reason: Optional[str] = None
        if heads is not None:
            self.load_heads(heads)

    # lifetime: close() never frees the context under a running generate()
    _kind = "context"

    def _free(self) -> None:
        if self._stop_worker is not None:
            self._stop_worker()
        _c.autodeco_context_free(self._handle)

    def _idle(self) -> ctypes.c_void_p:
        """The handle, for a call that needs the context to itself: a generate() iterator left
        unfinished (kept but no longer iterated) is stopped first."""
        handle = self.handle
        if self._stop_worker is not None:
            self._stop_worker()
        return handle

    # state
    @property
    def n_ctx(self) -> int:
        return _c.autodeco_context_n_ctx(self.handle)

    @property
    def n_past(self) -> int:
        return _c.autodeco_context_n_past(self.handle)

    @property
    def sampler(self) -> SamplerParams:
        return dataclasses.replace(self._sampler)

    def set_sampler(self, sampler=None, **changes) -> None:
        """Replaces the sampler: a SamplerParams, a mode name or a dict, and/or field=value changes
        to the current settings (ctx.set_sampler(mode="static", temperature=0.7))."""
        new = self._sampler if sampler is None else _sampler(sampler)
        new = dataclasses.replace(new, **changes)
        _check(_c.autodeco_context_set_sampler(self._idle(), new.to_c()))
        self._sampler = new

    # heads
    def load_heads(self, path: PathLike) -> None:
        _check(_c.autodeco_context_load_heads(self._idle(), _path(path)))

    @property
    def has_heads(self) -> bool:
        return bool(_c.autodeco_context_has_heads(self.handle))

    def predict(self) -> tuple:
        """The heads' (temperature, top_p) for the last decoded position."""
        t, p = ctypes.c_float(), ctypes.c_float()
        _check(_c.autodeco_predict(self._idle(), ctypes.byref(t), ctypes.byref(p)))
        return t.value, p.value

    # decoding
    def decode(self, ids: Sequence[int]) -> None:
        """Runs `ids` through the model, appending them; then .logits/.hidden are the last token's."""
        arr, n = _ids(ids)
        _check(_c.autodeco_decode(self._idle(), arr, n))

    def feed(self, ids: Sequence[int]) -> None:
        """Queues `ids` (a prompt) for the next step()."""
        arr, n = _ids(ids)
        _check(_c.autodeco_feed(self._idle(), arr, n))

    def _step_text(self) -> str:
        """The text the last step completed: the engine's streaming detokenizer (autodeco_step_text)."""
        return _text_out(lambda buf, size: _c.autodeco_step_text(self.handle, buf, size)).decode("utf-8")

    def step(self, ids: Optional[Sequence[int]] = None) -> TokenEvent:
        """Feeds `ids` if given, runs one forward pass over the queued tokens and samples one token
        with the context's sampler (queued for the next step). The event's text is the UTF-8
        completed by this token (bytes of a partial character wait for the next token)."""
        if ids is not None:
            self.feed(ids)
        info = _c.autodeco_token_info()
        _check(_c.autodeco_step(self._idle(), ctypes.byref(info)))
        return TokenEvent._from(info, self._step_text())

    def sample(self) -> TokenEvent:
        """Samples from the current logits without running the model or queuing the token."""
        info = _c.autodeco_token_info()
        _check(_c.autodeco_sample(self._idle(), ctypes.byref(info)))
        return TokenEvent._from(info, self.model.detokenize([info.token]))

    def _view(self, ptr, n: int) -> Optional[np.ndarray]:
        if not ptr:
            return None
        return np.ctypeslib.as_array(ptr, shape=(n,)).copy()  # borrowed memory: always copy

    @property
    def logits(self) -> Optional[np.ndarray]:
        """A copy of the last decoded position's logits (n_vocab float32), or None."""
        return self._view(_c.autodeco_get_logits(self._idle()), self.model.n_vocab)

    @property
    def hidden(self) -> Optional[np.ndarray]:
        """A copy of the last position's final normed hidden state (n_embd float32), or None."""
        return self._view(_c.autodeco_get_hidden(self._idle()), self.model.n_embd)

    def reset(self) -> None:
        """Forgets every position and queued token."""
        _c.autodeco_context_reset(self._idle())

    def rewind(self, n_keep: int) -> None:
        """Keeps the first n_keep positions and drops the rest."""
        _check(_c.autodeco_context_rewind(self._idle(), n_keep))

    def cancel(self) -> None:
        """Stops a running decode/step/generate (safe from any thread)."""
        if self._handle is not None:
            _c.autodeco_cancel(self._handle)

    # generation
    def generate(self, prompt, max_tokens: int = _MAX_TOKENS, stop: Union[None, str, Sequence[str]] = None,
                 chat: bool = False) -> Iterator[TokenEvent]:
        """Generates after `prompt`, appended to what the context holds, and yields a TokenEvent per
        token. `chat=True` renders the prompt (a string, taken as a user message, or a list of
        messages) with the model's chat template first. Stops at end of turn, `max_tokens`, a stop
        string (not included in the text), cancel(), or when the iterator is closed; the reason is
        left in .stop_reason ("eog", "max_tokens", "stop_string", "callback", "cancelled",
        "context_full").

        Runs autodeco_generate on a worker thread whose callback hands each event over a queue of
        one, so the engine's own UTF-8 buffering and stop-string matching apply and generation
        never runs more than one token ahead of the consumer."""
        self._idle()
        if chat:
            messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
            prompt = self.model.apply_chat_template(messages, add_generation_prompt=True)
        data = prompt.encode("utf-8") if isinstance(prompt, str) else bytes(prompt)
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        stop_bytes = [s.encode("utf-8") for s in stops]
        params = _c.autodeco_generate_default_params()
        params.max_tokens = max_tokens
        stop_arr = (ctypes.c_char_p * max(len(stop_bytes), 1))(*stop_bytes)
        params.stop = ctypes.cast(stop_arr, ctypes.POINTER(ctypes.c_char_p)) if stop_bytes else None
        params.n_stop = len(stop_bytes)
        return self._generate(data, params, stop_arr)

    def _generate(self, data: bytes, params, stop_arr) -> Iterator[TokenEvent]:
        events: "queue.Queue" = queue.Queue(maxsize=1)
        abandoned = threading.Event()
        stopped = threading.Event()  # set once the worker is joined

        def on_token(event_p, _user):
            try:
                if abandoned.is_set():
                    return False
                ev = event_p.contents
                text = ctypes.string_at(ev.text, ev.text_len).decode("utf-8", "replace") if ev.text_len > 0 else ""
                events.put(TokenEvent._from(ev.info, text))
                return not abandoned.is_set()
            except BaseException:  # an exception must not unwind into the library
                return False

        callback = _c.autodeco_token_callback(on_token)  # referenced until the worker is joined
        handle = self.handle

        def worker():
            reason = ctypes.c_int32(-1)
            status = _c.autodeco_generate(handle, data, len(data), params, callback, None, ctypes.byref(reason))
            message = _last_error() if status < 0 else ""  # thread-local: read it on this thread
            events.put((_DONE, status, message, reason.value))

        def stop_worker():
            """Makes the engine stop and waits for the worker, draining what it still hands over."""
            if thread.is_alive():
                abandoned.set()
                _c.autodeco_cancel(handle)
                while thread.is_alive():
                    try:
                        item = events.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    if isinstance(item, tuple) and item[0] is _DONE and item[1] >= 0:
                        self.stop_reason = STOP_REASONS.get(item[3], str(item[3]))
                thread.join()
            stopped.set()
            self._generating = False
            self._stop_worker = None

        thread = threading.Thread(target=worker, name="autodeco-generate", daemon=True)
        self._generating = True
        self._stop_worker = stop_worker
        self.stop_reason = None
        thread.start()
        try:
            while True:
                item = events.get()
                if isinstance(item, tuple) and item[0] is _DONE:
                    _, status, message, reason = item
                    thread.join()
                    if status < 0:
                        raise AutodecoError(status, message)
                    self.stop_reason = STOP_REASONS.get(reason, str(reason))
                    return
                yield item
                if stopped.is_set():  # another call on the context ended this generation
                    return
        finally:
            # Normal end, or the consumer stopped early (break, exception, close, garbage).
            stop_worker()
            del callback, stop_arr

    def generate_batch(self, prompt, n: Optional[int] = None, max_tokens: int = _MAX_TOKENS,
                       stop: Union[None, str, Sequence[str]] = None, chat: bool = False,
                       samplers: Optional[Sequence] = None) -> "list[BatchResult]":
        """n continuations of `prompt` (appended to what the context holds; `chat` as in generate()),
        decoded in parallel: the prompt runs once and each step is one forward pass for all live
        sequences. Sequence i samples with seed (sampler seed + i) and is exactly what generate()
        gives on a fresh context with that seed. n must be at most the context's n_seq_max.
        `samplers` (one per sequence: SamplerParams, mode names or dicts; n defaults to their
        number): sequence i samples with samplers[i] instead, its seed included, and is exactly
        what generate() gives on a fresh context with that sampler — e.g. a grid of settings in
        one batch. Afterwards the context holds what it held before plus the prompt. Blocks until
        every sequence has stopped; cancel() from another thread stops them all.

        A list of prompts (strings, or with chat=True also message lists) instead of one prompt
        runs generate_requests(): one result per prompt, any number of prompts."""
        if isinstance(prompt, (list, tuple)) and not _is_conversation(prompt):
            if n is not None and n != len(prompt):
                raise ValueError(f"n = {n} but {len(prompt)} prompts")
            return self.generate_requests(prompt, max_tokens=max_tokens, stop=stop, chat=chat, samplers=samplers)
        settings = None if samplers is None else [_sampler(s) for s in samplers]
        if n is None:
            if settings is None:
                raise TypeError("generate_batch() needs n or samplers")
            n = len(settings)
        if settings is not None and len(settings) != n:
            raise ValueError(f"{len(settings)} samplers for n = {n} sequences")
        handle = self._idle()
        data = self._prompt_bytes(prompt, chat)
        params, keep = _generate_params(max_tokens, stop)
        collect = _BatchCollector(handle, max(int(n), 0))
        if settings is None:
            status = _c.autodeco_generate_batch(handle, data, len(data), params, int(n), collect.callback, None,
                                                collect.reasons)
        else:
            array = (_c.autodeco_sampler_params * max(len(settings), 1))(*[sp.to_c() for sp in settings])
            status = _c.autodeco_generate_batch_samplers(handle, data, len(data), params, int(n), array,
                                                         collect.callback, None, collect.reasons)
        del keep
        return collect.finish(status)

    def generate_requests(self, prompts: Sequence, max_tokens: Union[int, Sequence[int]] = _MAX_TOKENS,
                          stop: Union[None, str, Sequence[str]] = None, chat: bool = False,
                          samplers: Optional[Sequence] = None) -> "list[BatchResult]":
        """Continuous batching: one result per prompt, in order. At most n_seq_max prompts decode
        at once, each step one forward pass for all of them, and a finished one's slot takes the
        next prompt at once. Result i is exactly what generate(prompts[i]) gives on a fresh
        context with samplers[i] (or this context's sampler with seed + i). `max_tokens`: one
        limit for all or one per prompt. The context is empty afterwards (what it held is
        discarded). cancel() from another thread stops every running and waiting prompt."""
        count = len(prompts)
        limits = [max_tokens] * count if isinstance(max_tokens, int) else list(max_tokens)
        if len(limits) != count:
            raise ValueError(f"{len(limits)} max_tokens for {count} prompts")
        settings = None if samplers is None else [_sampler(s) for s in samplers]
        if settings is not None and len(settings) != count:
            raise ValueError(f"{len(settings)} samplers for {count} prompts")
        handle = self._idle()
        keep = []
        requests = (_c.autodeco_request * max(count, 1))()
        for i, p in enumerate(prompts):
            data = self._prompt_bytes(p, chat)
            params, kept = _generate_params(limits[i], stop)
            keep += [data, kept]
            requests[i].prompt = data
            requests[i].prompt_len = len(data)
            requests[i].params = params
            if settings is not None:
                c_sampler = settings[i].to_c()
                keep.append(c_sampler)
                requests[i].sampler = ctypes.pointer(c_sampler)
        collect = _BatchCollector(handle, count)
        status = _c.autodeco_generate_requests(handle, requests, count, collect.callback, None, collect.reasons)
        del keep
        return collect.finish(status)

    def _prompt_bytes(self, prompt, chat: bool) -> bytes:
        if chat:
            messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
            prompt = self.model.apply_chat_template(messages, add_generation_prompt=True)
        return prompt.encode("utf-8") if isinstance(prompt, str) else bytes(prompt)

    def generate_text(self, prompt, max_tokens: int = _MAX_TOKENS, stop=None, chat: bool = False) -> str:
        """generate() joined into one string."""
        return "".join(ev.text for ev in self.generate(prompt, max_tokens=max_tokens, stop=stop, chat=chat))

    def __repr__(self) -> str:
        if self._handle is None:
            return "<autodeco.Context closed>"
        return f"<autodeco.Context n_past={self.n_past} n_ctx={self.n_ctx} mode={self._sampler.mode!r}>"
