/* Every function of include/autodeco.h, on the real SmolLM2 model and its shipped heads:
 * success paths, error paths (NULL pointers, bad ids, small buffers, invalid UTF-8), and a
 * multi-threaded part (contexts on threads over one shared model, cancel racing generate).
 * Built against the AddressSanitizer and ThreadSanitizer builds of libautodeco.so by
 * scripts/sanitize; it is an ordinary test too (exit status 0 = every check held).
 * integration/test_abi_coverage.py keeps it calling every AUTODECO_API function.
 * Usage: abi_sanitize MODEL.gguf HEADS (a safetensors file or a heads directory) */
#define _POSIX_C_SOURCE 200809L   /* nanosleep */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autodeco.h"

static atomic_int failures;   /* atomic: worker threads check too */
#define CHECK(cond, what) do { if (!(cond)) { atomic_fetch_add(&failures, 1); \
    fprintf(stderr, "FAIL %s:%d: %s [last error: %s]\n", __FILE__, __LINE__, what, autodeco_last_error()); } } while (0)
/* An error status with a non-empty message. */
#define CHECK_ERR(expr, status) do { int32_t s_ = (expr); \
    CHECK(s_ == (status), #expr " should be " #status); \
    CHECK(autodeco_last_error()[0] != '\0', #expr " left no message"); } while (0)
#define CHECK_OK(expr) CHECK((expr) == AUTODECO_OK, #expr)

static const char *model_path, *heads_path, *self_path;
static const char *bad_utf8 = "ab\xff\xfe" "cd";

/* ---- helpers ------------------------------------------------------------------------ */

static void *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)n);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    fclose(f);
    *size = (size_t)n;
    return data;
}

static autodeco_context *new_context(const autodeco_model *model, int32_t mode, int32_t n_threads) {
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 256;
    cp.n_batch = 32;
    cp.n_threads = n_threads;
    cp.sampler.mode = mode;
    cp.sampler.seed = 42;
    autodeco_context *ctx = NULL;
    CHECK_OK(autodeco_context_create(model, cp, &ctx));
    return ctx;
}

/* Collects generated tokens and text; optionally cancels its own context after `cancel_after`. */
typedef struct {
    int32_t tokens[256];
    int n;
    char text[4096];
    size_t text_len;
    int stop_after;              /* return false after this many tokens (0 = never) */
    autodeco_context *cancel_ctx;
    int cancel_after;
} collector;

static bool collect(const autodeco_generation_event *e, void *user_data) {
    collector *c = user_data;
    if (c->n < 256) c->tokens[c->n] = e->info.token;
    c->n++;
    if (e->text_len < 0 || (e->text_len > 0 && e->text == NULL)) { atomic_fetch_add(&failures, 1); fprintf(stderr, "FAIL: bad event text\n"); }
    if (e->text_len > 0 && c->text_len + (size_t)e->text_len < sizeof c->text) {
        memcpy(c->text + c->text_len, e->text, (size_t)e->text_len);
        c->text_len += (size_t)e->text_len;
        c->text[c->text_len] = '\0';
    }
    if (c->cancel_ctx && c->n == c->cancel_after) autodeco_cancel(c->cancel_ctx);
    return !(c->stop_after > 0 && c->n >= c->stop_after);
}

static int32_t generate(autodeco_context *ctx, const char *prompt, int32_t max_tokens,
                        const char *const *stop, int32_t n_stop, collector *c, int32_t *reason) {
    autodeco_generate_params gp = autodeco_generate_default_params();
    gp.max_tokens = max_tokens;
    gp.stop = stop;
    gp.n_stop = n_stop;
    return autodeco_generate(ctx, prompt, (int32_t)strlen(prompt), gp, c ? collect : NULL, c, reason);
}

static atomic_int log_calls;
static void log_sink(int32_t level, const char *message, void *user_data) {
    (void)user_data;
    if (level < AUTODECO_LOG_ERROR || level > AUTODECO_LOG_INFO || message == NULL) atomic_fetch_add(&failures, 1);
    atomic_fetch_add(&log_calls, 1);
}

/* ---- single-threaded: every function, success and error paths ----------------------- */

static void test_version_and_status(void) {
    CHECK(strcmp(autodeco_version(), AUTODECO_VERSION_STRING) == 0, "version string");
    CHECK(autodeco_version_number() == AUTODECO_VERSION_NUMBER, "version number");
    CHECK(autodeco_api_version() == AUTODECO_API_VERSION, "api version");
    for (int32_t s = -13; s <= 1; s++) CHECK(autodeco_status_string(s)[0] != '\0', "status string");
    CHECK(autodeco_status_string(-99)[0] != '\0', "internal status string");
    CHECK(autodeco_status_string(12345)[0] != '\0', "unknown status string");
    CHECK(autodeco_last_error() != NULL, "last error never NULL");
}

static void test_model_load_errors(void) {
    autodeco_model_params mp = autodeco_model_default_params();
    CHECK(mp.heads_path == NULL && mp.find_heads, "model default params");
    autodeco_model *m = (autodeco_model *)&mp;   /* must be overwritten with NULL */
    CHECK_ERR(autodeco_model_load(NULL, mp, &m), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(m == NULL, "out_model NULL after error");
    CHECK_ERR(autodeco_model_load(model_path, mp, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_load("/nonexistent/model.gguf", mp, &m), AUTODECO_ERR_IO);
    CHECK_ERR(autodeco_model_load(bad_utf8, mp, &m), AUTODECO_ERR_INVALID_UTF8);
    CHECK_ERR(autodeco_model_load(self_path, mp, &m), AUTODECO_ERR_BAD_FORMAT);   /* an ELF file */
    mp.heads_path = "/nonexistent/heads";
    CHECK(autodeco_model_load(model_path, mp, &m) < 0 && m == NULL, "missing heads refused");

    size_t size = 0;
    unsigned char *data = read_file(model_path, &size);
    CHECK(data != NULL, "read model file");
    if (!data) return;
    mp = autodeco_model_default_params();
    CHECK_ERR(autodeco_model_load_from_memory(NULL, size, mp, &m), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_load_from_memory(data, 0, mp, &m), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_load_from_memory(data, size, mp, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_load_from_memory(data, 4096, mp, &m), AUTODECO_ERR_BAD_FORMAT);   /* truncated */
    CHECK_ERR(autodeco_model_load_from_memory(data, size / 2, mp, &m), AUTODECO_ERR_BAD_FORMAT);
    memset(data, 0xA5, 64);                                                                    /* no magic */
    CHECK_ERR(autodeco_model_load_from_memory(data, size, mp, &m), AUTODECO_ERR_BAD_FORMAT);
    free(data);
}

/* A model from memory: the caller's bytes are freed at once, so any later read of them is a
 * use-after-free that AddressSanitizer reports. No heads: the NO_HEADS paths. */
static autodeco_model *load_from_memory_without_heads(void) {
    size_t size = 0;
    void *data = read_file(model_path, &size);
    CHECK(data != NULL, "read model file");
    if (!data) return NULL;
    autodeco_model *m = NULL;
    CHECK_OK(autodeco_model_load_from_memory(data, size, autodeco_model_default_params(), &m));
    memset(data, 0, size);
    free(data);
    return m;
}

static void test_model_info(autodeco_model *model) {
    CHECK(strstr(autodeco_model_desc(model), "llama") != NULL, "desc names the architecture");
    CHECK(strcmp(autodeco_model_desc(NULL), "") == 0, "desc of NULL");
    CHECK(autodeco_model_n_vocab(model) == 49152, "n_vocab");
    CHECK(autodeco_model_n_embd(model) == 576, "n_embd");
    CHECK(autodeco_model_n_layer(model) == 30, "n_layer");
    CHECK(autodeco_model_n_ctx_train(model) > 0, "n_ctx_train");
    CHECK(autodeco_model_n_vocab(NULL) == 0 && autodeco_model_n_embd(NULL) == 0 &&
          autodeco_model_n_layer(NULL) == 0 && autodeco_model_n_ctx_train(NULL) == 0, "hyper-parameters of NULL");

    char buf[64];
    int32_t n = autodeco_model_meta(model, "general.architecture", buf, sizeof buf);
    CHECK(n == 5 && strcmp(buf, "llama") == 0, "meta general.architecture");
    CHECK(autodeco_model_meta(model, "general.architecture", NULL, 0) == 5, "meta length with NULL buffer");
    memset(buf, 'x', sizeof buf);
    CHECK(autodeco_model_meta(model, "general.architecture", buf, 3) == 5 && strcmp(buf, "ll") == 0 && buf[3] == 'x',
          "meta cut to a small buffer, NUL-terminated, nothing written past it");
    CHECK(autodeco_model_meta(model, "llama.block_count", buf, sizeof buf) > 0 && strcmp(buf, "30") == 0, "meta number");
    CHECK(autodeco_model_meta(model, "tokenizer.ggml.tokens", buf, sizeof buf) > 0 && buf[0] == '[', "meta array");
    CHECK_ERR(autodeco_model_meta(model, "no.such.key", buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_meta(model, NULL, buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_meta(NULL, "general.architecture", buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_meta(model, "general.architecture", NULL, 8), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_model_meta(model, bad_utf8, buf, sizeof buf), AUTODECO_ERR_INVALID_UTF8);
}

static void test_text(autodeco_model *model) {
    const char *text = "Hello, world! 东京 😀";
    int32_t ids[64], n = -1, len = (int32_t)strlen(text);
    CHECK_OK(autodeco_tokenize(model, text, len, ids, 64, false, false, &n));
    CHECK(n > 3 && n < len, "token count");
    int32_t need = -1;
    CHECK_ERR(autodeco_tokenize(model, text, len, ids, 2, false, false, &need), AUTODECO_ERR_BUFFER_TOO_SMALL);
    CHECK(need == n, "BUFFER_TOO_SMALL reports the count needed");
    need = -1;
    CHECK(autodeco_tokenize(model, text, len, NULL, 0, false, false, &need) == AUTODECO_ERR_BUFFER_TOO_SMALL && need == n,
          "count only, with no buffer");
    CHECK_OK(autodeco_tokenize(model, "", 0, NULL, 0, true, true, &need));
    CHECK(need == 0, "empty text, no ids");
    CHECK_ERR(autodeco_tokenize(model, bad_utf8, 6, ids, 64, false, false, &need), AUTODECO_ERR_INVALID_UTF8);
    CHECK_ERR(autodeco_tokenize(NULL, text, len, ids, 64, false, false, &need), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_tokenize(model, NULL, 5, ids, 64, false, false, &need), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_tokenize(model, text, -1, ids, 64, false, false, &need), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_tokenize(model, text, len, ids, -1, false, false, &need), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_tokenize(model, text, len, ids, 64, false, false, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_tokenize(model, text, len, NULL, 64, false, false, &need), AUTODECO_ERR_INVALID_ARGUMENT);

    /* Control-token text becomes one token only with parse_special. */
    const char *ctl = "<|im_start|>";
    int32_t special[16], n_special = 0, n_plain = 0;
    CHECK_OK(autodeco_tokenize(model, ctl, 12, special, 16, false, true, &n_special));
    CHECK_OK(autodeco_tokenize(model, ctl, 12, ids, 64, false, false, &n_plain));
    CHECK(n_special == 1 && n_plain > 1, "parse_special");

    char buf[128];
    CHECK(autodeco_detokenize(model, ids, 0, buf, sizeof buf, false) == 0 && buf[0] == '\0', "detokenize nothing");
    CHECK_OK(autodeco_tokenize(model, text, len, ids, 64, false, false, &n));
    CHECK(autodeco_detokenize(model, ids, n, buf, sizeof buf, false) == len && strcmp(buf, text) == 0, "round trip");
    CHECK(autodeco_detokenize(model, ids, n, NULL, 0, false) == len, "detokenize length only");
    memset(buf, 'x', sizeof buf);
    CHECK(autodeco_detokenize(model, ids, n, buf, 4, false) == len && memcmp(buf, "Hel", 4) == 0 && buf[4] == 'x',
          "detokenize cut to a small buffer");
    CHECK(autodeco_detokenize(model, special, 1, buf, sizeof buf, true) == 12 && strcmp(buf, ctl) == 0, "render_special");
    CHECK(autodeco_detokenize(model, special, 1, buf, sizeof buf, false) == 0, "control token hidden");
    int32_t bad[2] = {1, 49152};
    CHECK_ERR(autodeco_detokenize(model, bad, 2, buf, sizeof buf, false), AUTODECO_ERR_INVALID_TOKEN);
    bad[1] = -7;
    CHECK_ERR(autodeco_detokenize(model, bad, 2, buf, sizeof buf, false), AUTODECO_ERR_INVALID_TOKEN);
    CHECK_ERR(autodeco_detokenize(NULL, ids, n, buf, sizeof buf, false), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_detokenize(model, NULL, n, buf, sizeof buf, false), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_detokenize(model, ids, -1, buf, sizeof buf, false), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_detokenize(model, ids, n, buf, -1, false), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_detokenize(model, ids, n, NULL, 16, false), AUTODECO_ERR_INVALID_ARGUMENT);

    int32_t eos = autodeco_token_eos(model), eot = autodeco_token_eot(model), bos = autodeco_token_bos(model);
    CHECK(eos >= 0 && eos < 49152, "eos");
    CHECK(eot >= -1 && eot < 49152 && bos >= -1 && bos < 49152, "eot / bos in range");
    CHECK(autodeco_token_is_eog(model, eos), "eos ends generation");
    CHECK(!autodeco_token_is_eog(model, ids[0]) && !autodeco_token_is_eog(model, -1) &&
          !autodeco_token_is_eog(model, 1 << 30), "ordinary and invalid ids do not");
    CHECK(autodeco_token_eos(NULL) == -1 && autodeco_token_eot(NULL) == -1 && autodeco_token_bos(NULL) == -1 &&
          !autodeco_token_is_eog(NULL, eos), "special tokens of NULL");
}

static void test_chat_template(autodeco_model *model) {
    autodeco_chat_message msgs[2] = {{"system", "Be brief."}, {"user", "Hi 😀"}};
    char buf[512];
    int32_t n = autodeco_apply_chat_template(model, NULL, msgs, 2, true, buf, sizeof buf);
    CHECK(n > 0 && n < (int32_t)sizeof buf && (int32_t)strlen(buf) == n, "model template renders");
    CHECK(strstr(buf, "<|im_start|>user\nHi 😀<|im_end|>") != NULL, "user turn rendered");
    CHECK(strstr(buf, "<|im_start|>assistant\n") != NULL, "generation prompt");
    CHECK(autodeco_apply_chat_template(model, NULL, msgs, 2, true, NULL, 0) == n, "length only");
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(autodeco_apply_chat_template(model, NULL, msgs, 2, true, small, 5) == n && small[4] == '\0' &&
          small[5] == 'x', "cut to a small buffer");
    CHECK(autodeco_apply_chat_template(model, NULL, NULL, 0, false, buf, sizeof buf) >= 0, "no messages");

    const char *tmpl = "{% for m in messages %}[{{ m.role }}] {{ m.content | upper }}\n{% endfor %}";
    n = autodeco_apply_chat_template(model, tmpl, msgs, 2, false, buf, sizeof buf);
    CHECK(n > 0 && strcmp(buf, "[system] BE BRIEF.\n[user] HI 😀\n") == 0, "custom template");
    CHECK_ERR(autodeco_apply_chat_template(model, "{% for %}", msgs, 2, false, buf, sizeof buf), AUTODECO_ERR_TEMPLATE);
    CHECK_ERR(autodeco_apply_chat_template(model, "{{ raise_exception('no') }}", msgs, 2, false, buf, sizeof buf),
              AUTODECO_ERR_TEMPLATE);
    CHECK_ERR(autodeco_apply_chat_template(model, bad_utf8, msgs, 2, false, buf, sizeof buf), AUTODECO_ERR_INVALID_UTF8);
    autodeco_chat_message bad[1] = {{"user", bad_utf8}};
    CHECK_ERR(autodeco_apply_chat_template(model, NULL, bad, 1, false, buf, sizeof buf), AUTODECO_ERR_INVALID_UTF8);
    autodeco_chat_message null_role[1] = {{NULL, "x"}};
    CHECK_ERR(autodeco_apply_chat_template(model, NULL, null_role, 1, false, buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_apply_chat_template(model, NULL, NULL, 2, false, buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_apply_chat_template(model, NULL, msgs, -1, false, buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_apply_chat_template(model, NULL, msgs, 2, false, buf, -1), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_apply_chat_template(NULL, NULL, msgs, 2, false, buf, sizeof buf), AUTODECO_ERR_INVALID_ARGUMENT);
}

static void test_context_errors(autodeco_model *model) {
    autodeco_context_params cp = autodeco_context_default_params();
    autodeco_sampler_params sp = autodeco_sampler_default_params();
    CHECK(cp.n_ctx > 0 && cp.sampler.mode == sp.mode && sp.mode == AUTODECO_SAMPLER_AUTODECO, "default params");
    autodeco_context *ctx = (autodeco_context *)&cp;
    CHECK_ERR(autodeco_context_create(NULL, cp, &ctx), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(ctx == NULL, "out_ctx NULL after error");
    CHECK_ERR(autodeco_context_create(model, cp, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    autodeco_context_params bad = cp;
    bad.n_ctx = 0;
    CHECK_ERR(autodeco_context_create(model, bad, &ctx), AUTODECO_ERR_INVALID_ARGUMENT);
    bad.n_ctx = INT32_MAX;
    CHECK(autodeco_context_create(model, bad, &ctx) < 0 && ctx == NULL, "n_ctx 2^31 - 1 refused");
    bad = cp;
    bad.memory_limit = 1024;
    CHECK_ERR(autodeco_context_create(model, bad, &ctx), AUTODECO_ERR_OUT_OF_MEMORY);
    bad = cp;
    bad.sampler.mode = AUTODECO_SAMPLER_STATIC;   /* (in AUTODECO mode top_p is a multiplier) */
    bad.sampler.top_p = 1.5f;
    CHECK_ERR(autodeco_context_create(model, bad, &ctx), AUTODECO_ERR_INVALID_ARGUMENT);
    bad = cp;
    bad.sampler.mode = 99;
    CHECK_ERR(autodeco_context_create(model, bad, &ctx), AUTODECO_ERR_INVALID_ARGUMENT);

    /* Every context call with a NULL context. */
    int32_t tok = 1;
    autodeco_token_info info;
    float t, p;
    CHECK(autodeco_context_n_ctx(NULL) == 0 && autodeco_context_n_past(NULL) == 0, "sizes of NULL");
    CHECK_ERR(autodeco_context_set_sampler(NULL, sp), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_decode(NULL, &tok, 1), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_feed(NULL, &tok, 1), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_step(NULL, &info), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_sample(NULL, &info), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(autodeco_get_logits(NULL) == NULL && autodeco_get_hidden(NULL) == NULL, "logits of NULL");
    CHECK_ERR(autodeco_context_rewind(NULL, 0), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_context_load_heads(NULL, heads_path), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(!autodeco_context_has_heads(NULL), "heads of NULL");
    CHECK_ERR(autodeco_predict(NULL, &t, &p), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(generate(NULL, "Hi", 1, NULL, 0, NULL, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    autodeco_context_reset(NULL);
    autodeco_cancel(NULL);
    autodeco_context_free(NULL);
    autodeco_model_free(NULL);
}

/* decode / feed / step / sample / logits / hidden / predict / rewind / reset / heads. */
static void test_decoding(autodeco_model *model, autodeco_model *headless) {
    autodeco_context *ctx = new_context(model, AUTODECO_SAMPLER_AUTODECO, 2);
    if (!ctx) return;
    int32_t vocab = autodeco_model_n_vocab(model), embd = autodeco_model_n_embd(model);
    CHECK(autodeco_context_n_ctx(ctx) == 256 && autodeco_context_n_past(ctx) == 0, "fresh context");
    CHECK(autodeco_context_has_heads(ctx), "model's heads attached");
    CHECK(autodeco_get_logits(ctx) == NULL && autodeco_get_hidden(ctx) == NULL, "no logits before decoding");
    autodeco_token_info info;
    float t = -1, p = -1;
    CHECK_ERR(autodeco_sample(ctx, &info), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_predict(ctx, &t, &p), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_step(ctx, &info), AUTODECO_ERR_INVALID_ARGUMENT);   /* nothing queued */

    const char *prompt = "The quick brown fox jumps over the lazy dog. The quick brown fox";
    int32_t ids[64], n = 0;
    CHECK_OK(autodeco_tokenize(model, prompt, (int32_t)strlen(prompt), ids, 64, false, false, &n));
    int32_t bad[3] = {ids[0], vocab, ids[1]};
    CHECK_ERR(autodeco_decode(ctx, bad, 3), AUTODECO_ERR_INVALID_TOKEN);
    CHECK(autodeco_context_n_past(ctx) == 0, "a bad token runs nothing");
    CHECK_ERR(autodeco_decode(ctx, ids, 0), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_decode(ctx, NULL, 3), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_feed(ctx, bad, 3), AUTODECO_ERR_INVALID_TOKEN);
    CHECK_ERR(autodeco_feed(ctx, ids, -2), AUTODECO_ERR_INVALID_ARGUMENT);

    CHECK_OK(autodeco_decode(ctx, ids, n));
    CHECK(autodeco_context_n_past(ctx) == n, "n_past after decode");
    const float *logits = autodeco_get_logits(ctx), *hidden = autodeco_get_hidden(ctx);
    CHECK(logits && hidden, "logits and hidden after decode");
    int finite = 1, argmax = 0;
    for (int32_t i = 0; logits && i < vocab; i++) {
        finite &= isfinite(logits[i]);
        if (logits[i] > logits[argmax]) argmax = i;
    }
    for (int32_t i = 0; hidden && i < embd; i++) finite &= isfinite(hidden[i]);
    CHECK(finite, "logits and hidden finite over their whole length");
    CHECK_OK(autodeco_predict(ctx, &t, &p));
    CHECK(t > 0 && t <= 100 && p > 0 && p <= 1, "predicted T and P in range");
    CHECK_ERR(autodeco_predict(ctx, NULL, &p), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_sample(ctx, NULL), AUTODECO_ERR_INVALID_ARGUMENT);

    autodeco_sampler_params sp = autodeco_sampler_default_params();
    sp.mode = AUTODECO_SAMPLER_GREEDY;
    CHECK_OK(autodeco_context_set_sampler(ctx, sp));
    CHECK_OK(autodeco_sample(ctx, &info));
    CHECK(info.token == argmax && info.predicted_temperature > 0, "greedy sample is the argmax, heads reported");
    sp.temperature = -1;
    CHECK_ERR(autodeco_context_set_sampler(ctx, sp), AUTODECO_ERR_INVALID_ARGUMENT);
    sp = autodeco_sampler_default_params();
    sp.mode = AUTODECO_SAMPLER_STATIC;
    sp.temperature = 0.8f; sp.top_p = 0.9f; sp.top_k = 40; sp.min_p = 0.05f;
    sp.repetition_penalty = 1.2f; sp.repetition_window = 16; sp.seed = 3;
    CHECK_OK(autodeco_context_set_sampler(ctx, sp));
    CHECK_OK(autodeco_sample(ctx, &info));
    CHECK(info.token >= 0 && info.token < vocab && info.probability > 0 && info.probability <= 1, "static sample");

    /* rewind to a shared prefix and feed/step from there. */
    CHECK_ERR(autodeco_context_rewind(ctx, n + 1), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_context_rewind(ctx, -1), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_OK(autodeco_context_rewind(ctx, 4));
    CHECK(autodeco_context_n_past(ctx) == 4 && autodeco_get_logits(ctx) == NULL, "rewound");
    sp = autodeco_sampler_default_params();   /* pure AutoDeco */
    CHECK_OK(autodeco_context_set_sampler(ctx, sp));
    CHECK_OK(autodeco_feed(ctx, ids + 4, n - 4));
    for (int i = 0; i < 4; i++) {
        CHECK_OK(autodeco_step(ctx, &info));
        CHECK(info.token >= 0 && info.token < vocab && info.temperature > 0 && info.top_p > 0 && info.top_p <= 1,
              "AutoDeco step values");
        char piece[64];
        int32_t len = autodeco_step_text(ctx, piece, sizeof piece);
        CHECK(len >= 0 && (len >= (int32_t)sizeof piece || strlen(piece) == (size_t)len), "step text");
    }
    CHECK_ERR(autodeco_step_text(NULL, NULL, 0), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_step_text(ctx, NULL, 8), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(autodeco_context_n_past(ctx) == n + 3, "a step runs the queue and queues its token");
    sp.mode = AUTODECO_SAMPLER_MEAN;   /* these heads may or may not record their mean: either is fine, no crash */
    CHECK_OK(autodeco_context_set_sampler(ctx, sp));
    int32_t s = autodeco_step(ctx, &info);
    CHECK(s == AUTODECO_OK || (s == AUTODECO_ERR_INVALID_ARGUMENT && strstr(autodeco_last_error(), "mean")), "mean mode");

    /* Context full: n_ctx 256 cannot hold 300 more tokens. */
    int32_t many[300];
    for (int i = 0; i < 300; i++) many[i] = ids[i % n];
    CHECK_ERR(autodeco_decode(ctx, many, 300), AUTODECO_ERR_CONTEXT_FULL);

    autodeco_context_reset(ctx);
    CHECK(autodeco_context_n_past(ctx) == 0 && autodeco_get_logits(ctx) == NULL, "reset");

    /* Heads: load errors, then reload the real ones. */
    CHECK_ERR(autodeco_context_load_heads(ctx, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_context_load_heads(ctx, "/nonexistent/heads.safetensors"), AUTODECO_ERR_IO);
    CHECK_ERR(autodeco_context_load_heads(ctx, bad_utf8), AUTODECO_ERR_INVALID_UTF8);
    CHECK(autodeco_context_load_heads(ctx, model_path) < 0, "a GGUF file is not heads");
    CHECK_OK(autodeco_context_load_heads(ctx, heads_path));
    CHECK(autodeco_context_has_heads(ctx), "heads reloaded");
    autodeco_context_free(ctx);

    /* The headless model: AUTODECO falls back to greedy, OVERRIDE and predict need heads;
     * loading them into the context fixes it. */
    if (!headless) return;
    ctx = new_context(headless, AUTODECO_SAMPLER_AUTODECO, 1);
    if (!ctx) return;
    CHECK(!autodeco_context_has_heads(ctx), "no heads from memory");
    CHECK_OK(autodeco_feed(ctx, ids, n));
    CHECK_OK(autodeco_step(ctx, &info));
    CHECK(info.temperature == 0 && info.predicted_temperature == -1, "AUTODECO without heads is greedy");
    CHECK_OK(autodeco_decode(ctx, ids, 1));
    CHECK_ERR(autodeco_predict(ctx, &t, &p), AUTODECO_ERR_NO_HEADS);
    CHECK_OK(generate(ctx, "Hi", 2, NULL, 0, NULL, NULL));
    {
        autodeco_sampler_params sp = autodeco_sampler_default_params();
        sp.mode = AUTODECO_SAMPLER_OVERRIDE;
        CHECK_OK(autodeco_context_set_sampler(ctx, sp));
        CHECK_ERR(generate(ctx, "Hi", 2, NULL, 0, NULL, NULL), AUTODECO_ERR_NO_HEADS);
    }
    CHECK_OK(autodeco_context_load_heads(ctx, heads_path));
    CHECK_OK(autodeco_predict(ctx, &t, &p));
    autodeco_context_free(ctx);
}

static void test_generate(autodeco_model *model) {
    autodeco_context *ctx = new_context(model, AUTODECO_SAMPLER_GREEDY, 2);
    if (!ctx) return;
    autodeco_chat_message msg = {"user", "List three colours."};
    char prompt[512];
    CHECK(autodeco_apply_chat_template(model, NULL, &msg, 1, true, prompt, sizeof prompt) > 0, "chat prompt");

    collector ref = {0};
    int32_t reason = -1;
    CHECK_OK(generate(ctx, prompt, 24, NULL, 0, &ref, &reason));
    CHECK(ref.n >= 1 && ref.n <= 24 && (reason == AUTODECO_STOP_MAX_TOKENS || reason == AUTODECO_STOP_EOG),
          "reference generation");
    CHECK(ref.text_len > 6, "reference text");

    /* A stop string from the middle of the reference: same greedy run, cut before it. */
    if (ref.text_len > 6) {
        char stop[4] = {0};
        memcpy(stop, ref.text + ref.text_len / 2, 3);
        size_t cut = (size_t)(strstr(ref.text, stop) - ref.text);
        const char *stops[2] = {"\x01never\x01", stop};
        collector c = {0};
        autodeco_context_reset(ctx);
        CHECK_OK(generate(ctx, prompt, 24, stops, 2, &c, &reason));
        CHECK(reason == AUTODECO_STOP_STRING, "stopped by the stop string");
        CHECK(c.text_len == cut && memcmp(c.text, ref.text, cut) == 0, "text before the stop string");
    }
    const char *bad_stop[1] = {bad_utf8};
    CHECK_ERR(generate(ctx, prompt, 4, bad_stop, 1, NULL, &reason), AUTODECO_ERR_INVALID_UTF8);
    CHECK_ERR(generate(ctx, prompt, 4, NULL, 1, NULL, &reason), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(generate(ctx, prompt, 4, NULL, -1, NULL, &reason), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(generate(ctx, prompt, -1, NULL, 0, NULL, &reason), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(generate(ctx, bad_utf8, 4, NULL, 0, NULL, &reason), AUTODECO_ERR_INVALID_UTF8);
    CHECK_ERR(generate(ctx, "", 4, NULL, 0, NULL, &reason), AUTODECO_ERR_INVALID_ARGUMENT);
    autodeco_generate_params gp = autodeco_generate_default_params();
    CHECK(gp.max_tokens > 0 && gp.stop == NULL && gp.n_stop == 0, "generate defaults");
    CHECK_ERR(autodeco_generate(ctx, NULL, 5, gp, NULL, NULL, &reason), AUTODECO_ERR_INVALID_ARGUMENT);

    /* A callback that stops at once, one that cancels its own context, no callback at all. */
    collector c = {.stop_after = 1};
    autodeco_context_reset(ctx);
    CHECK_OK(generate(ctx, prompt, 24, NULL, 0, &c, &reason));
    CHECK(reason == AUTODECO_STOP_CALLBACK && c.n == 1 && c.tokens[0] == ref.tokens[0], "callback stop");
    collector k = {.cancel_ctx = ctx, .cancel_after = 2};
    autodeco_context_reset(ctx);
    CHECK_OK(generate(ctx, prompt, 24, NULL, 0, &k, &reason));
    CHECK(reason == AUTODECO_STOP_CANCELLED && k.n == 2, "cancel from the callback");
    autodeco_context_reset(ctx);
    CHECK_OK(generate(ctx, prompt, 3, NULL, 0, NULL, NULL));
    CHECK(autodeco_context_n_past(ctx) > 3, "generation without callback or reason");

    /* The prompt does not fit. */
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 8;
    cp.sampler.mode = AUTODECO_SAMPLER_GREEDY;
    autodeco_context *tiny = NULL;
    CHECK_OK(autodeco_context_create(model, cp, &tiny));
    CHECK_ERR(generate(tiny, prompt, 4, NULL, 0, NULL, &reason), AUTODECO_ERR_CONTEXT_FULL);
    autodeco_context_free(tiny);
    autodeco_context_free(ctx);
}

/* ---- multi-threaded: for ThreadSanitizer ------------------------------------------- */

enum { N_WORKERS = 3, N_TOKENS = 6 };
static const char *thread_prompt = "<|im_start|>user\nName a planet.<|im_end|>\n<|im_start|>assistant\n";

typedef struct {
    autodeco_model *model;
    int index;
    collector out;
    int32_t status;
    int error_message_ok;
} worker;

/* One context per thread over the shared model; greedy output must match the lone run.
 * Every thread also makes an error of its own and reads back only its own message. */
static void *worker_main(void *arg) {
    worker *w = arg;
    autodeco_context *ctx = new_context(w->model, AUTODECO_SAMPLER_GREEDY, 1 + w->index % 2);
    if (!ctx) { w->status = -1; return NULL; }
    int32_t reason = -1;
    w->status = generate(ctx, thread_prompt, N_TOKENS, NULL, 0, &w->out, &reason);
    int32_t bad = -1000 - w->index;
    char expect[32];
    snprintf(expect, sizeof expect, "%d", bad);
    w->error_message_ok = autodeco_decode(ctx, &bad, 1) == AUTODECO_ERR_INVALID_TOKEN &&
                          strstr(autodeco_last_error(), expect) != NULL;
    /* Model-level calls concurrently with the other threads' decoding. */
    int32_t ids[64], n = 0;
    char buf[256];
    autodeco_chat_message msg = {"user", "hello"};
    for (int i = 0; i < 20; i++) {
        if (autodeco_tokenize(w->model, thread_prompt, (int32_t)strlen(thread_prompt), ids, 64, false, true, &n) != 0 ||
            autodeco_detokenize(w->model, ids, n, buf, sizeof buf, true) != (int32_t)strlen(thread_prompt) ||
            autodeco_apply_chat_template(w->model, NULL, &msg, 1, true, buf, sizeof buf) <= 0 ||
            autodeco_model_meta(w->model, "general.architecture", buf, sizeof buf) != 5 ||
            autodeco_model_desc(w->model)[0] == '\0') {
            w->status = -2;
        }
        autodeco_log_set(i % 2 ? log_sink : NULL, NULL);
    }
    autodeco_context_free(ctx);
    return NULL;
}

static void test_threads_share_a_model(autodeco_model *model) {
    autodeco_context *ctx = new_context(model, AUTODECO_SAMPLER_GREEDY, 1);
    if (!ctx) return;
    collector ref = {0};
    CHECK_OK(generate(ctx, thread_prompt, N_TOKENS, NULL, 0, &ref, NULL));
    autodeco_context_free(ctx);

    worker w[N_WORKERS];
    pthread_t th[N_WORKERS];
    for (int i = 0; i < N_WORKERS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].model = model;
        w[i].index = i;
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < N_WORKERS; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].status == AUTODECO_OK, "worker generation and model-level calls");
        CHECK(w[i].out.n == ref.n && memcmp(w[i].out.tokens, ref.tokens, sizeof(int32_t) * (size_t)ref.n) == 0,
              "same greedy tokens as one thread alone");
        CHECK(w[i].error_message_ok, "each thread sees its own last error");
    }
    autodeco_log_set(NULL, NULL);
}

typedef struct {
    autodeco_context *ctx;
    atomic_int done;
    long delay_ns;
} canceller;

/* Cancels `ctx` again and again (a cancel that lands before generate starts is cleared by it)
 * until the generating thread says it has returned. */
static void *cancel_main(void *arg) {
    canceller *c = arg;
    struct timespec d = {0, c->delay_ns};
    nanosleep(&d, NULL);
    struct timespec tick = {0, 200000};
    while (!atomic_load(&c->done)) {
        autodeco_cancel(c->ctx);
        nanosleep(&tick, NULL);
    }
    return NULL;
}

static void test_cancel_races_generate(autodeco_model *model) {
    autodeco_context *ctx = new_context(model, AUTODECO_SAMPLER_AUTODECO, 2);
    if (!ctx) return;
    int32_t long_prompt[80];
    for (int i = 0; i < 80; i++) long_prompt[i] = 100 + i;
    int cancelled = 0;
    const long delays[] = {0, 100000, 1000000, 5000000};
    for (int round = 0; round < 4; round++) {
        canceller c = {ctx, 0, delays[round]};
        pthread_t th;
        CHECK(pthread_create(&th, NULL, cancel_main, &c) == 0, "pthread_create");
        autodeco_context_reset(ctx);
        int32_t reason = -1;
        collector out = {0};
        int32_t s = round % 2 ? generate(ctx, thread_prompt, 200, NULL, 0, &out, &reason)
                              : autodeco_decode(ctx, long_prompt, 80);   /* 3 batches of n_batch 32 */
        atomic_store(&c.done, 1);
        pthread_join(th, NULL);
        if (round % 2) {
            CHECK(s == AUTODECO_OK && reason >= AUTODECO_STOP_EOG && reason <= AUTODECO_STOP_CONTEXT_FULL, "generate under cancel");
            cancelled += reason == AUTODECO_STOP_CANCELLED;
        } else {
            CHECK(s == AUTODECO_OK || s == AUTODECO_ERR_CANCELLED, "decode under cancel");
            cancelled += s == AUTODECO_ERR_CANCELLED;
        }
        CHECK(autodeco_context_n_past(ctx) <= autodeco_context_n_ctx(ctx), "positions within capacity");
    }
    CHECK(cancelled > 0, "at least one run was cancelled");
    /* The context still works after being cancelled. */
    autodeco_context_reset(ctx);
    int32_t reason = -1;
    CHECK_OK(generate(ctx, thread_prompt, 2, NULL, 0, NULL, &reason));
    CHECK(reason == AUTODECO_STOP_MAX_TOKENS || reason == AUTODECO_STOP_EOG, "works after cancellation");
    autodeco_context_free(ctx);
}

/* Batched generation: each sequence equals a single generate() on a fresh context seeded
 * seed + i, in the heads' own sampling mode, or with its own sampler; bad n_seq, bad
 * samplers and NULLs are errors. */
typedef struct { collector seq[5]; } batch_collector;

static bool collect_batch(int32_t seq, const autodeco_generation_event *e, void *user_data) {
    batch_collector *b = user_data;
    if (seq < 0 || seq >= 5) { atomic_fetch_add(&failures, 1); fprintf(stderr, "FAIL: bad sequence index %d\n", seq); return false; }
    return collect(e, &b->seq[seq]);
}

/* A batched sequence (its events in seq, its stop reason) against generate() of 10 tokens on a
 * fresh one-sequence context like cp with sampler sp: same tokens, text and reason. */
static void check_single(autodeco_model *model, autodeco_context_params cp, autodeco_sampler_params sp,
                         const collector *seq, int32_t seq_reason, const char *what) {
    cp.n_seq_max = 1;
    cp.sampler = sp;
    autodeco_context *one = NULL;
    CHECK_OK(autodeco_context_create(model, cp, &one));
    if (!one) return;
    collector ref = {0};
    int32_t reason = -1;
    CHECK_OK(generate(one, thread_prompt, 10, NULL, 0, &ref, &reason));
    CHECK(reason == seq_reason && ref.n == seq->n
          && memcmp(ref.tokens, seq->tokens, sizeof(int32_t) * (size_t)(ref.n < 256 ? ref.n : 256)) == 0
          && ref.text_len == seq->text_len && memcmp(ref.text, seq->text, ref.text_len) == 0, what);
    autodeco_context_free(one);
}

static void test_generate_batch(autodeco_model *model) {
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 256;
    cp.n_batch = 32;
    cp.n_threads = 2;
    cp.n_seq_max = 3;
    cp.sampler.mode = AUTODECO_SAMPLER_AUTODECO;
    cp.sampler.seed = 42;
    autodeco_context *ctx = NULL;
    CHECK_OK(autodeco_context_create(model, cp, &ctx));
    if (!ctx) return;
    autodeco_generate_params gp = autodeco_generate_default_params();
    gp.max_tokens = 10;
    batch_collector b = {0};
    int32_t reasons[3] = {-1, -1, -1};
    CHECK_OK(autodeco_generate_batch(ctx, thread_prompt, (int32_t)strlen(thread_prompt), gp, 3, collect_batch, &b, reasons));
    for (int i = 0; i < 3; i++) {
        autodeco_sampler_params sp = cp.sampler;
        sp.seed = 42 + (uint64_t)i;
        check_single(model, cp, sp, &b.seq[i], reasons[i], "batched sequence equals single generation with seed + i");
    }
    CHECK_OK(autodeco_generate_batch(ctx, thread_prompt, (int32_t)strlen(thread_prompt), gp, 2, NULL, NULL, NULL));
    CHECK_ERR(autodeco_generate_batch(ctx, thread_prompt, (int32_t)strlen(thread_prompt), gp, 4, NULL, NULL, reasons),
              AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_generate_batch(ctx, thread_prompt, (int32_t)strlen(thread_prompt), gp, 0, NULL, NULL, reasons),
              AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_generate_batch(ctx, NULL, 5, gp, 2, NULL, NULL, reasons), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_generate_batch(NULL, thread_prompt, 5, gp, 2, NULL, NULL, reasons), AUTODECO_ERR_INVALID_ARGUMENT);

    /* A sampler per sequence: a static, a greedy and an AutoDeco one, each equal to a single
     * generate() with that sampler; the context's own sampler stays unused. */
    autodeco_sampler_params grid[3] = {cp.sampler, cp.sampler, cp.sampler};
    grid[0].mode = AUTODECO_SAMPLER_STATIC; grid[0].temperature = 0.7f; grid[0].top_p = 0.9f; grid[0].seed = 5;
    grid[1].mode = AUTODECO_SAMPLER_GREEDY;
    grid[2].seed = 9;
    batch_collector g = {0};
    autodeco_context_reset(ctx);   /* the calls above left their prompts in the context */
    CHECK_OK(autodeco_generate_batch_samplers(ctx, thread_prompt, (int32_t)strlen(thread_prompt), gp, 3, grid,
                                              collect_batch, &g, reasons));
    for (int i = 0; i < 3; i++)
        check_single(model, cp, grid[i], &g.seq[i], reasons[i], "batched sequence equals single generation with its own sampler");
    CHECK_ERR(autodeco_generate_batch_samplers(ctx, thread_prompt, 5, gp, 2, NULL, NULL, NULL, reasons),
              AUTODECO_ERR_INVALID_ARGUMENT);
    grid[1].top_k = -1;
    CHECK_ERR(autodeco_generate_batch_samplers(ctx, thread_prompt, 5, gp, 2, grid, NULL, NULL, reasons),
              AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_generate_batch_samplers(ctx, thread_prompt, 5, gp, 4, grid, NULL, NULL, reasons),
              AUTODECO_ERR_INVALID_ARGUMENT);

    /* Continuous batching: 5 requests of one prompt through the 3 slots (shared prompt, refilled
     * slots), samplers of their own or the context's with seed + i; each equals generate(). */
    grid[1].top_k = 0;
    autodeco_request req[5];
    for (int i = 0; i < 5; i++) {
        req[i].prompt = thread_prompt;
        req[i].prompt_len = (int32_t)strlen(thread_prompt);
        req[i].params = gp;
        req[i].sampler = i < 3 ? &grid[i] : NULL;
    }
    batch_collector r = {0};
    int32_t req_reasons[5] = {-1, -1, -1, -1, -1};
    CHECK_OK(autodeco_generate_requests(ctx, req, 5, collect_batch, &r, req_reasons));
    for (int i = 0; i < 5; i++) {
        autodeco_sampler_params sp = cp.sampler;
        if (i < 3) sp = grid[i]; else sp.seed = 42 + (uint64_t)i;
        check_single(model, cp, sp, &r.seq[i], req_reasons[i], "request equals single generation with its sampler");
    }
    CHECK_OK(autodeco_generate_requests(ctx, NULL, 0, NULL, NULL, NULL));
    CHECK_ERR(autodeco_generate_requests(ctx, NULL, 2, NULL, NULL, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    req[1].prompt = NULL;
    CHECK_ERR(autodeco_generate_requests(ctx, req, 2, NULL, NULL, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK_ERR(autodeco_generate_requests(NULL, req, 1, NULL, NULL, NULL), AUTODECO_ERR_INVALID_ARGUMENT);
    autodeco_context_free(ctx);
    cp.n_seq_max = 65;
    ctx = NULL;
    CHECK_ERR(autodeco_context_create(model, cp, &ctx), AUTODECO_ERR_INVALID_ARGUMENT);
    CHECK(ctx == NULL, "no context on bad n_seq_max");
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL.gguf HEADS\n", argv[0]); return 2; }
    self_path = argv[0];
    model_path = argv[1];
    heads_path = argv[2];
    autodeco_log_set(log_sink, NULL);

    test_version_and_status();
    test_model_load_errors();
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = heads_path;
    autodeco_model *model = NULL;
    CHECK_OK(autodeco_model_load(model_path, mp, &model));
    if (!model) return 1;
    autodeco_model *headless = load_from_memory_without_heads();
    test_model_info(model);
    test_model_info(headless);
    test_text(model);
    test_chat_template(model);
    test_context_errors(model);
    test_decoding(model, headless);
    test_generate(model);
    fprintf(stderr, "single-threaded part done (%d failures)\n", atomic_load(&failures));
    test_threads_share_a_model(model);
    test_cancel_races_generate(model);
    test_generate_batch(model);
    autodeco_model_free(headless);
    autodeco_model_free(model);
    autodeco_log_set(NULL, NULL);
    if (atomic_load(&failures)) { fprintf(stderr, "%d checks failed\n", atomic_load(&failures)); return 1; }
    printf("OK: every ABI function exercised (log messages: %d)\n", atomic_load(&log_calls));
    return 0;
}
