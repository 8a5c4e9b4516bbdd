/*
 * autodeco.h — the C interface of libautodeco, a CPU inference engine for GGUF language
 * models that decodes with AutoDeco heads (per-token temperature and top-p predicted in the
 * same forward pass as the logits).
 *
 * This header is the whole contract. Conventions:
 *   - Every fallible function returns an autodeco_status, AUTODECO_OK (0) or an error (< 0), and
 *     writes results through out-pointers. On error, autodeco_last_error() returns a message
 *     for the calling thread, valid until that thread's next call into the library.
 *   - Text crosses the interface as UTF-8. Paths are NUL-terminated.
 *   - Objects are opaque handles. autodeco_*_free(NULL) is a harmless no-op.
 *   - No function aborts the process on bad input: NULL pointers, corrupt files, out-of-range
 *     values all return an error status.
 *   - Parameter structs are passed by value and initialised with *_default_params(); new
 *     fields are only ever appended.
 *
 * Basic usage:
 *
 *     autodeco_model *model = NULL;
 *     autodeco_model_params mp = autodeco_model_default_params();
 *     if (autodeco_model_load("model.gguf", mp, &model) != AUTODECO_OK) {
 *         fprintf(stderr, "%s\n", autodeco_last_error());
 *         return 1;
 *     }
 *     printf("%s\n", autodeco_model_desc(model));
 *     autodeco_model_free(model);
 */
#ifndef AUTODECO_H
#define AUTODECO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define AUTODECO_API __declspec(dllimport)
#else
#  define AUTODECO_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------------- */

#define AUTODECO_VERSION_MAJOR 0
#define AUTODECO_VERSION_MINOR 1
#define AUTODECO_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, as returned by autodeco_version_number(). */
#define AUTODECO_VERSION_NUMBER 100
#define AUTODECO_VERSION_STRING "0.1.0"
/* Incremented on every incompatible change of this header (2: autodeco_context_params gained
 * n_seq_max; 3: autodeco_model_params gained copy_to_memory). */
#define AUTODECO_API_VERSION 3

/* The library's version as a static string ("0.1.0"). Thread-safe. */
AUTODECO_API const char *autodeco_version(void);
/* The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Thread-safe. */
AUTODECO_API int32_t autodeco_version_number(void);
/* The ABI version the library was built with; compare with AUTODECO_API_VERSION. */
AUTODECO_API int32_t autodeco_api_version(void);

/* ---- Errors --------------------------------------------------------------------------- */

typedef enum autodeco_status {
    AUTODECO_OK = 0,
    AUTODECO_ERR_INVALID_ARGUMENT = -1, /* NULL pointer, out-of-range value, bad size */
    AUTODECO_ERR_IO = -2,               /* file cannot be opened or read */
    AUTODECO_ERR_BAD_FORMAT = -3,       /* corrupt or truncated GGUF / safetensors */
    AUTODECO_ERR_UNSUPPORTED = -4,      /* valid file, but an architecture or type we lack */
    AUTODECO_ERR_OUT_OF_MEMORY = -5,
    AUTODECO_ERR_CONTEXT_FULL = -6,     /* the KV cache has no room for more tokens */
    AUTODECO_ERR_CANCELLED = -7,        /* autodeco_cancel() stopped the call */
    AUTODECO_ERR_INVALID_TOKEN = -8,    /* a token id outside [0, n_vocab) */
    AUTODECO_ERR_INVALID_UTF8 = -9,     /* text that is not valid UTF-8 */
    AUTODECO_ERR_TEMPLATE = -10,        /* the chat template cannot be rendered */
    AUTODECO_ERR_NO_HEADS = -11,        /* heads needed (OVERRIDE, MEAN, predict), none loaded */
    AUTODECO_ERR_BUFFER_TOO_SMALL = -12, /* the output did not fit; the needed size is reported */
    AUTODECO_ERR_INTERNAL = -99         /* a bug: please report it with the message */
} autodeco_status;

/* A static, human-readable name for a status code ("invalid argument"). Never NULL. */
AUTODECO_API const char *autodeco_status_string(int32_t status);

/* The message of the last failed call on this thread ("" if none). The pointer stays valid
 * until the next call into the library on the same thread. Never NULL. */
AUTODECO_API const char *autodeco_last_error(void);

/* ---- Models --------------------------------------------------------------------------- */

/* A loaded GGUF model. Immutable after loading: one model may be shared by any number of
 * threads and contexts. Free it only after every context created from it is freed. */
typedef struct autodeco_model autodeco_model;

typedef struct autodeco_model_params {
    /* AutoDeco heads to load with the model (safetensors file or directory), or NULL (default). */
    const char *heads_path;
    /* With heads_path NULL: use the heads trained for this model, found by the identity their
     * config.json records (architecture, shapes, GGUF name) in $AUTODECO_HEADS_PATH, as
     * NAME.autodeco/ beside NAME.gguf, or among the installed heads (default true). */
    bool find_heads;
    /* false (default): map the file read-only — zero-copy, pages shared with other processes,
     * loads at once; but if the file is truncated or rewritten while the model lives, the next
     * read of a lost page raises SIGBUS, which kills the process. true: read the whole file
     * into private memory at load — costs its size in RAM and the read time, and nothing that
     * happens to the file afterwards can affect the process. Use it when the file may change
     * (downloads, updates, shared folders). Added in API version 3. */
    bool copy_to_memory;
} autodeco_model_params;

/* Defaults for autodeco_model_load(). */
AUTODECO_API autodeco_model_params autodeco_model_default_params(void);

/* Loads the GGUF file at `path` (mapped read-only, zero-copy; or read into memory with
 * params.copy_to_memory), and AutoDeco heads as params say. On success stores a new model in *out_model, which the caller frees with
 * autodeco_model_free(); on error *out_model is NULL.
 * Errors: INVALID_ARGUMENT (NULL path or out_model), IO (cannot open), BAD_FORMAT (corrupt or
 * truncated file), UNSUPPORTED (architecture or tensor type this engine lacks; heads that do
 * not fit the model or whose config.json records another model, the message naming both). */
AUTODECO_API int32_t autodeco_model_load(const char *path, autodeco_model_params params,
                                         autodeco_model **out_model);

/* Loads a model from `size` bytes at `data` (e.g. a game asset pack). The bytes are copied:
 * the caller may free `data` as soon as this returns. Heads only from params.heads_path.
 * Errors as autodeco_model_load(). */
AUTODECO_API int32_t autodeco_model_load_from_memory(const void *data, size_t size,
                                                     autodeco_model_params params,
                                                     autodeco_model **out_model);

/* Frees a model. NULL is a no-op. Contexts of this model must be freed first. */
AUTODECO_API void autodeco_model_free(autodeco_model *model);

/* A short description ("llama 30 layers, dim 576, ..."), valid while the model lives.
 * Returns "" for NULL. */
AUTODECO_API const char *autodeco_model_desc(const autodeco_model *model);

/* Hyper-parameters; each returns 0 for a NULL model. */
AUTODECO_API int32_t autodeco_model_n_vocab(const autodeco_model *model);
AUTODECO_API int32_t autodeco_model_n_embd(const autodeco_model *model);
AUTODECO_API int32_t autodeco_model_n_layer(const autodeco_model *model);
AUTODECO_API int32_t autodeco_model_n_ctx_train(const autodeco_model *model);

/* Copies the metadata value of `key` (numbers and booleans rendered as text, strings as they
 * are, arrays as "[type × n]") into buf, snprintf-style: writes at most buf_size bytes
 * including a terminating NUL and returns the full length (without NUL), so a return value
 * >= buf_size means the text was cut. Returns a negative status if the key is absent
 * (INVALID_ARGUMENT) or an argument is NULL. buf may be NULL when buf_size is 0. */
AUTODECO_API int32_t autodeco_model_meta(const autodeco_model *model, const char *key,
                                         char *buf, size_t buf_size);

/* ---- Contexts and decoding ------------------------------------------------------------- */

/* One conversation with a model: KV cache, sampler and its random generator. A context is
 * used by one thread at a time (autodeco_cancel excepted); create one per thread. */
typedef struct autodeco_context autodeco_context;

typedef enum autodeco_sampler_mode {
    AUTODECO_SAMPLER_GREEDY = 0,   /* the most likely token */
    AUTODECO_SAMPLER_STATIC = 1,   /* fixed temperature / top_k / top_p / min_p */
    AUTODECO_SAMPLER_AUTODECO = 2, /* heads' T and P, scaled by temperature and top_p (1 = pure);
                                      greedy on a context without heads (the default policy) */
    AUTODECO_SAMPLER_OVERRIDE = 3, /* temperature and top_p replace the heads' predictions */
    AUTODECO_SAMPLER_MEAN = 4      /* static T, P = the heads' held-out average (MeanShift), scaled
                                      like AUTODECO; needs heads whose checkpoint records it */
} autodeco_sampler_mode;

typedef struct autodeco_sampler_params {
    int32_t mode;               /* one of autodeco_sampler_mode; default AUTODECO: AutoDeco
                                   sampling with heads, greedy decoding without (never an error) */
    float temperature;          /* STATIC/OVERRIDE: T; AUTODECO: multiplier of the predicted T.
                                   0 means greedy. Range [0, 100]. Default 1. */
    float top_p;                /* STATIC/OVERRIDE: P in (0, 1]; AUTODECO: multiplier of the
                                   predicted P (result clamped to 1). Default 1. */
    int32_t top_k;              /* keep the k most likely tokens; 0 = off (default) */
    float min_p;                /* drop tokens below min_p * max probability; 0 = off (default) */
    float repetition_penalty;   /* > 1 discourages recent tokens; 1 = off (default) */
    int32_t repetition_window;  /* recent tokens the penalty considers (default 64) */
    bool use_temperature_head;  /* AUTODECO mode: false uses T_pred = 1 (default true) */
    bool use_top_p_head;        /* AUTODECO mode: false uses P_pred = 1 (default true) */
    uint64_t seed;              /* random seed; same seed, same output (default 0) */
} autodeco_sampler_params;

typedef struct autodeco_context_params {
    int32_t n_ctx;              /* positions the KV cache holds (default 2048) */
    int32_t n_batch;            /* most tokens per prefill forward pass (default 256) */
    int32_t n_threads;          /* worker threads, 0 = one per core (default 0) */
    autodeco_sampler_params sampler;
    uint64_t memory_limit;      /* refuse a context whose buffers (KV cache, activations) would
                                   need more bytes than this; 0 = no limit (default 0) */
    int32_t n_seq_max;          /* most sequences autodeco_generate_batch() decodes in parallel,
                                   1-64 (default 1); each has its own KV cache of n_ctx positions,
                                   counted against memory_limit */
} autodeco_context_params;

/* What one step produced. */
typedef struct autodeco_token_info {
    int32_t token;                 /* the sampled token id */
    float temperature;             /* temperature actually used (0 for greedy) */
    float top_p;                   /* top-p actually used */
    float probability;             /* the token's probability in the distribution it was drawn from */
    float predicted_temperature;   /* the heads' T for this position, or -1 without heads */
    float predicted_top_p;         /* the heads' P for this position, or -1 without heads */
} autodeco_token_info;

AUTODECO_API autodeco_sampler_params autodeco_sampler_default_params(void);
AUTODECO_API autodeco_context_params autodeco_context_default_params(void);

/* Creates a context for `model`, which must outlive it. The context starts with the model's
 * default heads (if any). Errors: INVALID_ARGUMENT (NULL, parameter out of range, with the
 * field named in the message), OUT_OF_MEMORY (buffers larger than params.memory_limit, or
 * than the machine can plausibly hold; the message gives the size). */
AUTODECO_API int32_t autodeco_context_create(const autodeco_model *model, autodeco_context_params params,
                                             autodeco_context **out_ctx);

/* Frees a context. NULL is a no-op. */
AUTODECO_API void autodeco_context_free(autodeco_context *ctx);

/* Capacity (n_ctx) and positions used so far; 0 for NULL. */
AUTODECO_API int32_t autodeco_context_n_ctx(const autodeco_context *ctx);
AUTODECO_API int32_t autodeco_context_n_past(const autodeco_context *ctx);

/* Replaces the sampler settings (and reseeds when the seed changes).
 * Errors: INVALID_ARGUMENT (NULL ctx, value out of range). */
AUTODECO_API int32_t autodeco_context_set_sampler(autodeco_context *ctx, autodeco_sampler_params params);

/* Runs `n_tokens` tokens through the model, appending them to the context. Afterwards
 * autodeco_get_logits() returns the last token's logits.
 * Errors: INVALID_ARGUMENT (NULL, n_tokens <= 0), INVALID_TOKEN, CONTEXT_FULL, CANCELLED. */
AUTODECO_API int32_t autodeco_decode(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens);

/* Queues tokens (e.g. a prompt) for the next autodeco_step(), which runs them in one pass.
 * Errors: INVALID_ARGUMENT, INVALID_TOKEN, CONTEXT_FULL. */
AUTODECO_API int32_t autodeco_feed(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens);

/* One forward pass over the queued tokens, then one token sampled with the context's
 * sampler: in AUTODECO mode the heads predict T and P from the same pass. The sampled token
 * is queued for the next step. Fills *out.
 * Errors: INVALID_ARGUMENT (NULL, nothing queued), CONTEXT_FULL, NO_HEADS (OVERRIDE or MEAN
 * mode without heads; AUTODECO mode without heads decodes greedily), CANCELLED. */
AUTODECO_API int32_t autodeco_step(autodeco_context *ctx, autodeco_token_info *out);

/* The UTF-8 text completed by the token of the last autodeco_step() on `ctx`, from the
 * context's streaming detokenizer (as autodeco_generate()'s events: bytes of an unfinished
 * character are held until a later step completes them, an end-of-generation token flushes
 * them; reset and rewind clear it). Output as autodeco_detokenize (snprintf convention; "" before
 * any step). Errors: INVALID_ARGUMENT (NULL ctx, buf NULL with buf_size > 0, negative buf_size). */
AUTODECO_API int32_t autodeco_step_text(const autodeco_context *ctx, char *buf, int32_t buf_size);

/* Samples from the current logits without running the model and without queuing the token
 * (for callers that drive autodeco_decode themselves). Errors as autodeco_step(). */
AUTODECO_API int32_t autodeco_sample(autodeco_context *ctx, autodeco_token_info *out);

/* The logits of the last decoded position: n_vocab floats, borrowed, valid until the next
 * decode/step/reset on this context. NULL if nothing was decoded yet or ctx is NULL. */
AUTODECO_API const float *autodeco_get_logits(autodeco_context *ctx);

/* The final normed hidden state of the last decoded position (the heads' input): n_embd
 * floats, borrowed, same lifetime as autodeco_get_logits(). NULL if none. */
AUTODECO_API const float *autodeco_get_hidden(autodeco_context *ctx);

/* Forgets all positions and queued tokens. NULL is a no-op. */
AUTODECO_API void autodeco_context_reset(autodeco_context *ctx);

/* Keeps the first n_keep positions, drops the rest and any queued tokens.
 * Errors: INVALID_ARGUMENT (NULL, n_keep < 0 or > n_past). */
AUTODECO_API int32_t autodeco_context_rewind(autodeco_context *ctx, int32_t n_keep);

/* Asks a running decode/step/generate on `ctx` to stop; it returns CANCELLED. Safe to call
 * from any thread while ctx is alive. NULL is a no-op. */
AUTODECO_API void autodeco_cancel(autodeco_context *ctx);

/* ---- AutoDeco heads -------------------------------------------------------------------- */

/* Loads AutoDeco heads (a safetensors file, or a directory of them in the official layout)
 * and attaches them to `ctx`, replacing any it had.
 * Errors: INVALID_ARGUMENT (NULL), IO/BAD_FORMAT (unreadable or corrupt file), UNSUPPORTED
 * (heads for another hidden size, missing tensors). */
AUTODECO_API int32_t autodeco_context_load_heads(autodeco_context *ctx, const char *path);

/* Whether ctx has heads attached; false for NULL. */
AUTODECO_API bool autodeco_context_has_heads(const autodeco_context *ctx);

/* The heads' temperature and top-p for the last decoded position.
 * Errors: INVALID_ARGUMENT (NULL, nothing decoded), NO_HEADS. */
AUTODECO_API int32_t autodeco_predict(autodeco_context *ctx, float *out_temperature, float *out_top_p);

/* ---- Text ------------------------------------------------------------------------------- */

/* Tokenizes `text_len` bytes of UTF-8 into at most `n_max` ids at `tokens`, storing the number
 * of ids in *out_n_tokens. When they do not fit, nothing is written, *out_n_tokens is the
 * count needed and the result is BUFFER_TOO_SMALL (text_len + 1 ids always suffice).
 * `add_special` adds BOS/EOS as the model asks (neither bundled model adds any);
 * `parse_special` turns control-token text such as "<|im_start|>" into that token instead of
 * plain text. Errors: INVALID_ARGUMENT (NULL model, out_n_tokens, text with text_len > 0, or
 * tokens with n_max > 0; negative lengths), INVALID_UTF8, BUFFER_TOO_SMALL. */
AUTODECO_API int32_t autodeco_tokenize(const autodeco_model *model, const char *text, int32_t text_len,
                                       int32_t *tokens, int32_t n_max, bool add_special, bool parse_special,
                                       int32_t *out_n_tokens);

/* Writes the text of `n_tokens` ids into buf (snprintf convention: at most buf_size bytes
 * including a NUL; returns the full length without NUL, so a result >= buf_size means the
 * text was cut). Bytes are the tokens' own, so cutting a token list mid-character yields
 * incomplete UTF-8. `render_special` writes control tokens as their text.
 * Errors: INVALID_ARGUMENT, INVALID_TOKEN (negative status). */
AUTODECO_API int32_t autodeco_detokenize(const autodeco_model *model, const int32_t *tokens, int32_t n_tokens,
                                         char *buf, int32_t buf_size, bool render_special);

/* Special tokens; -1 when the model has none (or model is NULL). */
AUTODECO_API int32_t autodeco_token_eos(const autodeco_model *model);
AUTODECO_API int32_t autodeco_token_eot(const autodeco_model *model);
AUTODECO_API int32_t autodeco_token_bos(const autodeco_model *model);
/* Whether `token` ends generation (EOS or end of turn). */
AUTODECO_API bool autodeco_token_is_eog(const autodeco_model *model, int32_t token);

/* One chat message for autodeco_apply_chat_template(). */
typedef struct autodeco_chat_message {
    const char *role;     /* "system", "user" or "assistant" (NUL-terminated UTF-8) */
    const char *content;  /* NUL-terminated UTF-8 */
} autodeco_chat_message;

/* Renders `n_messages` messages with the model's own chat template (`tmpl` NULL) or the Jinja
 * template `tmpl`, appending the assistant prefix when add_generation_prompt. Output as
 * autodeco_detokenize (snprintf convention). Tokenize the result with parse_special = true.
 * Errors: INVALID_ARGUMENT, INVALID_UTF8, TEMPLATE (no template, unsupported construct, or
 * the template raised an error; the message says which). */
AUTODECO_API int32_t autodeco_apply_chat_template(const autodeco_model *model, const char *tmpl,
                                                  const autodeco_chat_message *messages, int32_t n_messages,
                                                  bool add_generation_prompt, char *buf, int32_t buf_size);

/* ---- Generation ------------------------------------------------------------------------- */

/* One generated token as autodeco_generate() reports it. */
typedef struct autodeco_generation_event {
    autodeco_token_info info;
    const char *text;      /* UTF-8 text completed by this token (may be empty while a multi-byte
                              character or a possible stop string is held back); not
                              NUL-terminated, valid only during the callback */
    int32_t text_len;
} autodeco_generation_event;

/* Called once per generated token; return false to stop generation. */
typedef bool (*autodeco_token_callback)(const autodeco_generation_event *event, void *user_data);

typedef enum autodeco_stop_reason {
    AUTODECO_STOP_EOG = 0,          /* end-of-sequence or end-of-turn token */
    AUTODECO_STOP_MAX_TOKENS = 1,
    AUTODECO_STOP_STRING = 2,       /* a stop string appeared */
    AUTODECO_STOP_CALLBACK = 3,     /* the callback returned false */
    AUTODECO_STOP_CANCELLED = 4,    /* autodeco_cancel() */
    AUTODECO_STOP_CONTEXT_FULL = 5
} autodeco_stop_reason;

typedef struct autodeco_generate_params {
    int32_t max_tokens;             /* default 256 */
    const char *const *stop;        /* stop strings (NUL-terminated UTF-8), or NULL */
    int32_t n_stop;
} autodeco_generate_params;

AUTODECO_API autodeco_generate_params autodeco_generate_default_params(void);

/* Tokenizes `prompt` (parse_special = true, so chat-template output works as is), runs it,
 * then generates with the context's sampler, calling `callback` (may be NULL) for every token.
 * Stores why it stopped in *out_reason (may be NULL). Cancellation is not an error: it returns
 * AUTODECO_OK with AUTODECO_STOP_CANCELLED.
 * Errors: INVALID_ARGUMENT, INVALID_UTF8, CONTEXT_FULL (prompt too long), NO_HEADS (OVERRIDE
 * or MEAN mode without heads). */
AUTODECO_API int32_t autodeco_generate(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                       autodeco_generate_params params, autodeco_token_callback callback,
                                       void *user_data, int32_t *out_reason);

/* Called once per generated token of sequence `seq` (0 <= seq < n_seq); return false to stop
 * that sequence only. */
typedef bool (*autodeco_batch_callback)(int32_t seq, const autodeco_generation_event *event, void *user_data);

/* Generates n_seq continuations of one prompt in parallel (e.g. n samples of one problem).
 * Tokenizes and runs `prompt` once, appended to what the context holds as in
 * autodeco_generate(); every sequence starts from that shared prefix. Then each step is one
 * forward pass with a row per live sequence, so the weights are read once per step for all
 * of them: aggregate tokens/s grows with n_seq. Sequence i samples with the context's sampler
 * and its own random generator seeded with sampler.seed + i, and produces exactly the tokens,
 * values and text autodeco_generate() produces on a fresh context with seed + i and the same
 * prompt. Each sequence stops on its own (end of generation, params.max_tokens, a stop
 * string, its callback returning false); autodeco_cancel() stops all, and CONTEXT_FULL ends
 * them together. Events of the sequences interleave, in sequence order within a step.
 * `callback` may be NULL; out_reasons (n_seq entries, may be NULL) receives each sequence's
 * autodeco_stop_reason. Cancellation is not an error (AUTODECO_OK, reasons CANCELLED).
 * Afterwards the context holds what it held before plus the prompt, nothing is queued, its
 * own random generator is untouched, and autodeco_get_logits()/get_hidden() return NULL until
 * the next decode.
 * Errors: INVALID_ARGUMENT (NULL ctx or prompt, n_seq outside [1, the context's n_seq_max],
 * negative max_tokens), INVALID_UTF8, CONTEXT_FULL (prompt too long), NO_HEADS. */
AUTODECO_API int32_t autodeco_generate_batch(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                             autodeco_generate_params params, int32_t n_seq,
                                             autodeco_batch_callback callback, void *user_data,
                                             int32_t *out_reasons);

/* autodeco_generate_batch() with sampler settings per sequence: sequence i samples with
 * samplers[i] (n_seq entries; its seed included, not the context's seed + i) and produces
 * exactly what autodeco_generate() produces on a fresh context whose sampler is samplers[i],
 * with the same prompt. One batch can thus draw a grid of settings (a temperature sweep, several
 * modes) from one prompt, sharing every forward pass. The context's own sampler is unused and
 * unchanged. Each entry is validated as autodeco_context_set_sampler() does.
 * Errors: those of autodeco_generate_batch(), and INVALID_ARGUMENT for samplers NULL or an
 * invalid entry (the message names the sequence), NO_HEADS when an entry's mode needs heads
 * the context lacks. */
AUTODECO_API int32_t autodeco_generate_batch_samplers(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                                      autodeco_generate_params params, int32_t n_seq,
                                                      const autodeco_sampler_params *samplers,
                                                      autodeco_batch_callback callback, void *user_data,
                                                      int32_t *out_reasons);

/* One request of autodeco_generate_requests(): a prompt, its limits and stop strings, and the
 * sampler settings to draw with. */
typedef struct autodeco_request {
    const char *prompt;             /* UTF-8, tokenized as autodeco_generate() does */
    int32_t prompt_len;
    autodeco_generate_params params;            /* max_tokens and stop strings of this request */
    const autodeco_sampler_params *sampler;     /* NULL: the context's sampler with seed + request index */
} autodeco_request;

/* Continuous batching: runs n_requests different prompts, at most the context's n_seq_max at
 * once. Each step is one forward pass with a row per running request (weights read once for
 * all), and as soon as a request ends its slot takes the next waiting one (whose prompt is
 * run, then joins the next step), so the batch stays full while requests of different lengths
 * come and go. Request i produces exactly the tokens, values and text autodeco_generate()
 * produces on a fresh (reset) context with the same prompt and sampler (requests[i].sampler,
 * or the context's sampler with seed + i), however the requests were scheduled.
 * `callback` (may be NULL) gets each event with `seq` = the request's index; returning false
 * stops that request only. autodeco_cancel() stops every running and waiting request
 * (AUTODECO_STOP_CANCELLED; not an error). out_reasons (n_requests entries, may be NULL)
 * receives each request's autodeco_stop_reason, in request order; a prompt that does not fit
 * the context (at least n_ctx tokens) ends that request alone with AUTODECO_STOP_CONTEXT_FULL.
 * The context is empty before and after the call (what it held is discarded); its own sampler
 * and random generator are untouched, and autodeco_get_logits()/get_hidden() return NULL until
 * the next decode. Every request is validated before anything runs.
 * Errors: INVALID_ARGUMENT (NULL ctx, NULL requests with n_requests > 0, n_requests < 0, a NULL
 * or empty prompt, negative max_tokens, an invalid sampler; the message names the request),
 * INVALID_UTF8, NO_HEADS (a request's sampler needs heads the context lacks). */
AUTODECO_API int32_t autodeco_generate_requests(autodeco_context *ctx, const autodeco_request *requests,
                                                int32_t n_requests, autodeco_batch_callback callback,
                                                void *user_data, int32_t *out_reasons);

/* ---- Logging ---------------------------------------------------------------------------- */

typedef enum autodeco_log_level {
    AUTODECO_LOG_ERROR = 0,
    AUTODECO_LOG_WARN = 1,
    AUTODECO_LOG_INFO = 2
} autodeco_log_level;

typedef void (*autodeco_log_callback)(int32_t level, const char *message, void *user_data);

/* Routes the library's diagnostics to `callback` (NULL: discard them, the default). The
 * library never prints to stdout or stderr by itself. Process-wide; thread-safe. */
AUTODECO_API void autodeco_log_set(autodeco_log_callback callback, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* AUTODECO_H */
