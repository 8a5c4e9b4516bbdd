"""Low-level binding: one Python declaration per function of include/autodeco.h, with the C
prototype beside it. Use the Pythonic layer (autodeco.Model, autodeco.Context) instead unless
you need the raw calls."""
import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_bool, c_char_p, c_float, c_int32, c_size_t,
                    c_uint64, c_void_p)

from . import _loader

lib = _loader.load()

# Version this binding was written for; checked against the library at import.
API_VERSION = 3


def _fn(name, restype, *argtypes):
    """Declares `name` on the library and exports it from this module."""
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    globals()[name] = f
    return f


# ---- structs (field order and types exactly as in the header) -------------------------

class autodeco_model_params(Structure):
    _fields_ = [("heads_path", c_char_p), ("find_heads", c_bool), ("copy_to_memory", c_bool)]


class autodeco_sampler_params(Structure):
    _fields_ = [("mode", c_int32), ("temperature", c_float), ("top_p", c_float), ("top_k", c_int32),
                ("min_p", c_float), ("repetition_penalty", c_float), ("repetition_window", c_int32),
                ("use_temperature_head", c_bool), ("use_top_p_head", c_bool), ("seed", c_uint64)]


class autodeco_context_params(Structure):
    _fields_ = [("n_ctx", c_int32), ("n_batch", c_int32), ("n_threads", c_int32),
                ("sampler", autodeco_sampler_params), ("memory_limit", c_uint64), ("n_seq_max", c_int32)]


class autodeco_token_info(Structure):
    _fields_ = [("token", c_int32), ("temperature", c_float), ("top_p", c_float), ("probability", c_float),
                ("predicted_temperature", c_float), ("predicted_top_p", c_float)]


class autodeco_chat_message(Structure):
    _fields_ = [("role", c_char_p), ("content", c_char_p)]


class autodeco_generation_event(Structure):
    _fields_ = [("info", autodeco_token_info), ("text", c_void_p), ("text_len", c_int32)]


class autodeco_generate_params(Structure):
    _fields_ = [("max_tokens", c_int32), ("stop", POINTER(c_char_p)), ("n_stop", c_int32)]


class autodeco_request(Structure):
    _fields_ = [("prompt", c_char_p), ("prompt_len", c_int32), ("params", autodeco_generate_params),
                ("sampler", POINTER(autodeco_sampler_params))]


# bool (*autodeco_token_callback)(const autodeco_generation_event *event, void *user_data)
autodeco_token_callback = CFUNCTYPE(c_bool, POINTER(autodeco_generation_event), c_void_p)
# bool (*autodeco_batch_callback)(int32_t seq, const autodeco_generation_event *event, void *user_data)
autodeco_batch_callback = CFUNCTYPE(c_bool, c_int32, POINTER(autodeco_generation_event), c_void_p)
# void (*autodeco_log_callback)(int32_t level, const char *message, void *user_data)
autodeco_log_callback = CFUNCTYPE(None, c_int32, c_char_p, c_void_p)

# ---- enums ------------------------------------------------------------------------------

AUTODECO_OK = 0
AUTODECO_ERR_INVALID_ARGUMENT = -1
AUTODECO_ERR_IO = -2
AUTODECO_ERR_BAD_FORMAT = -3
AUTODECO_ERR_UNSUPPORTED = -4
AUTODECO_ERR_OUT_OF_MEMORY = -5
AUTODECO_ERR_CONTEXT_FULL = -6
AUTODECO_ERR_CANCELLED = -7
AUTODECO_ERR_INVALID_TOKEN = -8
AUTODECO_ERR_INVALID_UTF8 = -9
AUTODECO_ERR_TEMPLATE = -10
AUTODECO_ERR_NO_HEADS = -11
AUTODECO_ERR_BUFFER_TOO_SMALL = -12
AUTODECO_ERR_INTERNAL = -99

AUTODECO_SAMPLER_GREEDY = 0
AUTODECO_SAMPLER_STATIC = 1
AUTODECO_SAMPLER_AUTODECO = 2
AUTODECO_SAMPLER_OVERRIDE = 3
AUTODECO_SAMPLER_MEAN = 4

AUTODECO_STOP_EOG = 0
AUTODECO_STOP_MAX_TOKENS = 1
AUTODECO_STOP_STRING = 2
AUTODECO_STOP_CALLBACK = 3
AUTODECO_STOP_CANCELLED = 4
AUTODECO_STOP_CONTEXT_FULL = 5

AUTODECO_LOG_ERROR = 0
AUTODECO_LOG_WARN = 1
AUTODECO_LOG_INFO = 2

model_p = c_void_p
context_p = c_void_p

# ---- functions --------------------------------------------------------------------------

# const char *autodeco_version(void)
_fn("autodeco_version", c_char_p)
# int32_t autodeco_version_number(void)
_fn("autodeco_version_number", c_int32)
# int32_t autodeco_api_version(void)
_fn("autodeco_api_version", c_int32)
# const char *autodeco_status_string(int32_t status)
_fn("autodeco_status_string", c_char_p, c_int32)
# const char *autodeco_last_error(void)
_fn("autodeco_last_error", c_char_p)

# autodeco_model_params autodeco_model_default_params(void)
_fn("autodeco_model_default_params", autodeco_model_params)
# int32_t autodeco_model_load(const char *path, autodeco_model_params params, autodeco_model **out_model)
_fn("autodeco_model_load", c_int32, c_char_p, autodeco_model_params, POINTER(c_void_p))
# int32_t autodeco_model_load_from_memory(const void *data, size_t size, autodeco_model_params, autodeco_model **)
_fn("autodeco_model_load_from_memory", c_int32, c_void_p, c_size_t, autodeco_model_params, POINTER(c_void_p))
# void autodeco_model_free(autodeco_model *model)
_fn("autodeco_model_free", None, model_p)
# const char *autodeco_model_desc(const autodeco_model *model)
_fn("autodeco_model_desc", c_char_p, model_p)
# int32_t autodeco_model_n_vocab / n_embd / n_layer / n_ctx_train(const autodeco_model *model)
for _name in ("n_vocab", "n_embd", "n_layer", "n_ctx_train"):
    _fn(f"autodeco_model_{_name}", c_int32, model_p)
# int32_t autodeco_model_meta(const autodeco_model *model, const char *key, char *buf, size_t buf_size)
_fn("autodeco_model_meta", c_int32, model_p, c_char_p, c_char_p, c_size_t)

# autodeco_sampler_params autodeco_sampler_default_params(void)
_fn("autodeco_sampler_default_params", autodeco_sampler_params)
# autodeco_context_params autodeco_context_default_params(void)
_fn("autodeco_context_default_params", autodeco_context_params)
# int32_t autodeco_context_create(const autodeco_model *model, autodeco_context_params, autodeco_context **out_ctx)
_fn("autodeco_context_create", c_int32, model_p, autodeco_context_params, POINTER(c_void_p))
# void autodeco_context_free(autodeco_context *ctx)
_fn("autodeco_context_free", None, context_p)
# int32_t autodeco_context_n_ctx(const autodeco_context *ctx); int32_t autodeco_context_n_past(...)
_fn("autodeco_context_n_ctx", c_int32, context_p)
_fn("autodeco_context_n_past", c_int32, context_p)
# int32_t autodeco_context_set_sampler(autodeco_context *ctx, autodeco_sampler_params params)
_fn("autodeco_context_set_sampler", c_int32, context_p, autodeco_sampler_params)
# int32_t autodeco_decode(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens)
_fn("autodeco_decode", c_int32, context_p, POINTER(c_int32), c_int32)
# int32_t autodeco_feed(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens)
_fn("autodeco_feed", c_int32, context_p, POINTER(c_int32), c_int32)
# int32_t autodeco_step(autodeco_context *ctx, autodeco_token_info *out)
_fn("autodeco_step", c_int32, context_p, POINTER(autodeco_token_info))
# int32_t autodeco_step_text(const autodeco_context *ctx, char *buf, int32_t buf_size)
_fn("autodeco_step_text", c_int32, context_p, c_char_p, c_int32)
# int32_t autodeco_sample(autodeco_context *ctx, autodeco_token_info *out)
_fn("autodeco_sample", c_int32, context_p, POINTER(autodeco_token_info))
# const float *autodeco_get_logits(autodeco_context *ctx)
_fn("autodeco_get_logits", POINTER(c_float), context_p)
# const float *autodeco_get_hidden(autodeco_context *ctx)
_fn("autodeco_get_hidden", POINTER(c_float), context_p)
# void autodeco_context_reset(autodeco_context *ctx)
_fn("autodeco_context_reset", None, context_p)
# int32_t autodeco_context_rewind(autodeco_context *ctx, int32_t n_keep)
_fn("autodeco_context_rewind", c_int32, context_p, c_int32)
# void autodeco_cancel(autodeco_context *ctx)
_fn("autodeco_cancel", None, context_p)

# int32_t autodeco_context_load_heads(autodeco_context *ctx, const char *path)
_fn("autodeco_context_load_heads", c_int32, context_p, c_char_p)
# bool autodeco_context_has_heads(const autodeco_context *ctx)
_fn("autodeco_context_has_heads", c_bool, context_p)
# int32_t autodeco_predict(autodeco_context *ctx, float *out_temperature, float *out_top_p)
_fn("autodeco_predict", c_int32, context_p, POINTER(c_float), POINTER(c_float))

# int32_t autodeco_tokenize(const autodeco_model *, const char *text, int32_t text_len, int32_t *tokens,
#                           int32_t n_max, bool add_special, bool parse_special, int32_t *out_n_tokens)
_fn("autodeco_tokenize", c_int32, model_p, c_char_p, c_int32, POINTER(c_int32), c_int32, c_bool, c_bool,
    POINTER(c_int32))
# int32_t autodeco_detokenize(const autodeco_model *, const int32_t *tokens, int32_t n_tokens, char *buf,
#                             int32_t buf_size, bool render_special)
_fn("autodeco_detokenize", c_int32, model_p, POINTER(c_int32), c_int32, c_char_p, c_int32, c_bool)
# int32_t autodeco_token_eos / eot / bos(const autodeco_model *model)
for _name in ("eos", "eot", "bos"):
    _fn(f"autodeco_token_{_name}", c_int32, model_p)
# bool autodeco_token_is_eog(const autodeco_model *model, int32_t token)
_fn("autodeco_token_is_eog", c_bool, model_p, c_int32)
# int32_t autodeco_apply_chat_template(const autodeco_model *, const char *tmpl, const autodeco_chat_message *,
#                                      int32_t n_messages, bool add_generation_prompt, char *buf, int32_t buf_size)
_fn("autodeco_apply_chat_template", c_int32, model_p, c_char_p, POINTER(autodeco_chat_message), c_int32, c_bool,
    c_char_p, c_int32)

# autodeco_generate_params autodeco_generate_default_params(void)
_fn("autodeco_generate_default_params", autodeco_generate_params)
# int32_t autodeco_generate(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
#                           autodeco_generate_params, autodeco_token_callback, void *user_data, int32_t *out_reason)
_fn("autodeco_generate", c_int32, context_p, c_char_p, c_int32, autodeco_generate_params, autodeco_token_callback,
    c_void_p, POINTER(c_int32))
# int32_t autodeco_generate_batch(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
#                                 autodeco_generate_params, int32_t n_seq, autodeco_batch_callback,
#                                 void *user_data, int32_t *out_reasons)
_fn("autodeco_generate_batch", c_int32, context_p, c_char_p, c_int32, autodeco_generate_params, c_int32,
    autodeco_batch_callback, c_void_p, POINTER(c_int32))
# int32_t autodeco_generate_batch_samplers(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
#                                          autodeco_generate_params, int32_t n_seq,
#                                          const autodeco_sampler_params *samplers, autodeco_batch_callback,
#                                          void *user_data, int32_t *out_reasons)
_fn("autodeco_generate_batch_samplers", c_int32, context_p, c_char_p, c_int32, autodeco_generate_params, c_int32,
    POINTER(autodeco_sampler_params), autodeco_batch_callback, c_void_p, POINTER(c_int32))
# int32_t autodeco_generate_requests(autodeco_context *ctx, const autodeco_request *requests,
#                                    int32_t n_requests, autodeco_batch_callback, void *user_data,
#                                    int32_t *out_reasons)
_fn("autodeco_generate_requests", c_int32, context_p, POINTER(autodeco_request), c_int32, autodeco_batch_callback,
    c_void_p, POINTER(c_int32))
# void autodeco_log_set(autodeco_log_callback callback, void *user_data)
_fn("autodeco_log_set", None, autodeco_log_callback, c_void_p)

if autodeco_api_version() != API_VERSION:  # noqa: F821 (declared by _fn)
    raise ImportError(f"libautodeco API version {autodeco_api_version()} does not match this binding's "  # noqa: F821
                      f"{API_VERSION}; rebuild or reinstall one of them")
