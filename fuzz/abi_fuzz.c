/* Stateful fuzzer of the C ABI (libFuzzer + AddressSanitizer): the input bytes choose a
 * sequence of calls of include/autodeco.h and their arguments, valid and invalid, the way a
 * host program might make them: contexts created and freed in any order over two models (one
 * with heads, one without), decode/feed/step/sample, generation of every kind with callbacks
 * that stop or cancel, stop strings, rewind and reset, heads loaded and predicted, samplers
 * changed, tokenize/detokenize/templates/metadata with odd buffers. Every call must return a
 * status (or a documented value); a crash, a sanitizer report, a leak or a hang is a finding.
 *
 * Models: $AUTODECO_FUZZ_MODEL (a GGUF; scripts/fuzz abi uses the tiny synthetic model with
 * SmolLM2's tokenizer, so thousands of sequences run per second) and $AUTODECO_FUZZ_HEADS
 * (heads for it). Built and run by `scripts/fuzz abi SECONDS`. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autodeco.h"

#define SLOTS 3
#define MAX_OPS 48

static autodeco_model *with_heads;   /* the model, heads loaded */
static autodeco_model *bare;         /* the same file, no heads */
static const char *heads_path;
static int32_t n_vocab;

typedef struct {
    const uint8_t *p;
    size_t n;
} bytes;

static uint8_t u8(bytes *in) {
    if (in->n == 0) return 0;
    in->n--;
    return *in->p++;
}

static uint32_t u32(bytes *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = v << 8 | u8(in);
    return v;
}

/* A count: mostly small, sometimes an edge value. */
static int32_t count(bytes *in, int32_t small) {
    static const int32_t edges[] = {0, -1, 1, INT_MAX, INT_MIN, 65, 4096};
    uint8_t b = u8(in);
    if (b < 200) return small > 0 ? b % (small + 1) : 0;
    return edges[b % (sizeof edges / sizeof edges[0])];
}

/* A token id: mostly valid, sometimes out of range. */
static int32_t token(bytes *in) {
    uint8_t b = u8(in);
    if (b < 220) return (int32_t)(u32(in) % (uint32_t)n_vocab);
    static const int32_t edges[] = {-1, INT_MIN, INT_MAX, 0};
    return b % 5 == 4 ? n_vocab : edges[b % 4];
}

static float value(bytes *in) {
    static const float edges[] = {0.0f, 1.0f, 0.5f, 0.9f, 2.0f, -1.0f, 1e30f, 1e-30f, 100.0f, 101.0f};
    uint8_t b = u8(in);
    if (b < 128) return (float)u8(in) / 128.0f;
    if (b == 255) {
        uint32_t bits = u32(in);   /* any bit pattern: NaN and infinities included */
        float f;
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    return edges[b % (sizeof edges / sizeof edges[0])];
}

/* A byte string from the input (possibly invalid UTF-8, possibly with NULs), NUL-terminated
 * in `buf` (capacity cap); returns its length. */
static int32_t text(bytes *in, char *buf, int32_t cap) {
    int32_t n = u8(in) % cap;
    for (int32_t i = 0; i < n; i++) {
        uint8_t b = u8(in);
        buf[i] = (char)(b < 96 ? "the cat sat on a mat. <|im_start|>user\n\xc3\xa9\xe6\x9d\xb1 123\n"[b % 40] : b);
    }
    buf[n] = 0;
    return n;
}

/* A length for a buffer of n valid bytes: n, something shorter, or negative. Never longer:
 * a length beyond the buffer is the caller's overflow, which no library can detect. */
static int32_t length(bytes *in, int32_t n) {
    uint8_t b = u8(in);
    if (b < 240) return n;
    if (b < 250) return n > 0 ? u8(in) % n : 0;
    return b == 255 ? INT_MIN : -1 - u8(in);
}

static autodeco_sampler_params sampler(bytes *in) {
    autodeco_sampler_params s = autodeco_sampler_default_params();
    s.mode = u8(in) % 7 - 1;   /* -1 and 5 are invalid */
    s.temperature = value(in);
    s.top_p = value(in);
    s.top_k = count(in, 50);
    s.min_p = u8(in) < 200 ? 0 : value(in);
    s.repetition_penalty = u8(in) < 200 ? 1 : value(in);
    s.repetition_window = count(in, 64);
    s.use_temperature_head = u8(in) & 1;
    s.use_top_p_head = u8(in) & 1;
    s.seed = u32(in);
    return s;
}

/* Callbacks: stop after a chosen number of tokens, or cancel the context. */
typedef struct {
    autodeco_context *ctx;
    int32_t left;
    int cancel;
    size_t seen;
} stopper;

static bool on_token(const autodeco_generation_event *e, void *user) {
    stopper *s = user;
    for (int32_t i = 0; i < e->text_len; i++) s->seen += (unsigned char)e->text[i];   /* read every byte */
    if (s->left-- > 0) return true;
    if (s->cancel) {
        autodeco_cancel(s->ctx);
        return true;
    }
    return false;
}

static bool on_batch_token(int32_t seq, const autodeco_generation_event *e, void *user) {
    (void)seq;
    return on_token(e, user);
}

static void fill_stop(bytes *in, char stops[2][16], const char *ptrs[2], autodeco_generate_params *g) {
    g->n_stop = u8(in) % 3;
    for (int i = 0; i < g->n_stop; i++) {
        text(in, stops[i], 16);
        ptrs[i] = stops[i];
    }
    g->stop = g->n_stop > 0 ? ptrs : NULL;
    uint8_t odd = u8(in);
    if (odd == 255) g->n_stop = -1 - u8(in) % 3;   /* a negative count */
    if (odd == 254) g->stop = NULL;               /* a count without an array */
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    const char *path = getenv("AUTODECO_FUZZ_MODEL");
    heads_path = getenv("AUTODECO_FUZZ_HEADS");
    if (!path || !heads_path) {
        fprintf(stderr, "set AUTODECO_FUZZ_MODEL and AUTODECO_FUZZ_HEADS (scripts/fuzz abi does)\n");
        exit(2);
    }
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = heads_path;
    mp.find_heads = false;
    if (autodeco_model_load(path, mp, &with_heads) != AUTODECO_OK) {
        fprintf(stderr, "cannot load %s with %s: %s\n", path, heads_path, autodeco_last_error());
        exit(2);
    }
    mp.heads_path = NULL;
    if (autodeco_model_load(path, mp, &bare) != AUTODECO_OK) exit(2);
    n_vocab = autodeco_model_n_vocab(with_heads);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    bytes in = {data, size};
    autodeco_context *ctx[SLOTS] = {0};
    char buf[256], buf2[64];
    int32_t ids[32];
    autodeco_token_info info;
    for (int op = 0; op < MAX_OPS && in.n > 0; op++) {
        int k = u8(&in) % SLOTS;
        autodeco_context *c = u8(&in) < 250 ? ctx[k] : NULL;   /* sometimes NULL on purpose */
        const autodeco_model *m = u8(&in) & 1 ? with_heads : bare;
        switch (u8(&in) % 22) {
        case 0: {   /* create (replacing the slot's context) */
            autodeco_context_params p = autodeco_context_default_params();
            p.n_ctx = u8(&in) < 240 ? 8 + u8(&in) % 120 : count(&in, 8);
            p.n_batch = u8(&in) < 240 ? 1 + u8(&in) % 32 : count(&in, 4);
            p.n_threads = u8(&in) % 3;
            p.n_seq_max = u8(&in) < 240 ? 1 + u8(&in) % 4 : count(&in, 4);
            p.memory_limit = u8(&in) < 240 ? 0 : u32(&in);
            if (u8(&in) & 1) p.sampler = sampler(&in);
            autodeco_context *fresh = NULL;
            int32_t st = autodeco_context_create(u8(&in) < 250 ? m : NULL, p, u8(&in) < 250 ? &fresh : NULL);
            if (st == AUTODECO_OK) {
                autodeco_context_free(ctx[k]);
                ctx[k] = fresh;
            }
            break;
        }
        case 1:
            autodeco_context_free(ctx[k]);
            ctx[k] = NULL;
            break;
        case 2:
        case 3: {   /* decode / feed */
            int32_t n = count(&in, 12), real = n < 0 ? 0 : (n > 32 ? 32 : n);
            for (int32_t i = 0; i < real; i++) ids[i] = token(&in);
            if (n > 32) n = 32;   /* the array holds 32: a larger count would be the caller's overflow */
            const int32_t *p = u8(&in) < 250 ? ids : NULL;
            if (op % 2) autodeco_decode(c, p, n); else autodeco_feed(c, p, n);
            break;
        }
        case 4:
            autodeco_step(c, u8(&in) < 250 ? &info : NULL);
            break;
        case 5:
            autodeco_sample(c, u8(&in) < 250 ? &info : NULL);
            break;
        case 6: {   /* logits and hidden state: read the ends when present */
            const float *l = autodeco_get_logits(c);
            const float *h = autodeco_get_hidden(c);
            volatile float sink = 0;
            if (l) sink += l[0] + l[n_vocab - 1];
            if (h) sink += h[0] + h[autodeco_model_n_embd(m == bare ? bare : with_heads) - 1];
            (void)sink;
            break;
        }
        case 7:
            autodeco_context_reset(c);
            break;
        case 8:
            autodeco_context_rewind(c, count(&in, 64));
            break;
        case 9:
            autodeco_cancel(c);
            break;
        case 10: {
            uint8_t which = u8(&in) % 4;
            autodeco_context_load_heads(c, which == 0 ? heads_path : which == 1 ? NULL : which == 2 ? "/nonexistent" : "");
            autodeco_context_has_heads(c);
            break;
        }
        case 11: {
            float t, p;
            autodeco_predict(c, u8(&in) < 250 ? &t : NULL, u8(&in) < 250 ? &p : NULL);
            break;
        }
        case 12:
            autodeco_context_set_sampler(c, sampler(&in));
            break;
        case 13:
        case 14: {   /* generate, or a batch of one prompt */
            int32_t n = text(&in, buf, 64);
            char stops[2][16];
            const char *ptrs[2];
            autodeco_generate_params g = autodeco_generate_default_params();
            g.max_tokens = count(&in, 6);
            fill_stop(&in, stops, ptrs, &g);
            stopper s = {c, u8(&in) % 8, u8(&in) & 1, 0};
            int32_t reason, reasons[8];
            int32_t plen = length(&in, n);
            if (op % 2) {
                autodeco_generate(c, u8(&in) < 250 ? buf : NULL, plen, g, u8(&in) & 1 ? on_token : NULL, &s,
                                  u8(&in) & 1 ? &reason : NULL);
            } else {
                int32_t n_seq = count(&in, 3);
                if (n_seq > 8) n_seq = 8;   /* reasons holds 8 */
                if (u8(&in) & 1) {
                    autodeco_generate_batch(c, buf, plen, g, n_seq, u8(&in) & 1 ? on_batch_token : NULL, &s, reasons);
                } else {
                    autodeco_sampler_params sp[8];
                    for (int i = 0; i < 8; i++) sp[i] = sampler(&in);
                    autodeco_generate_batch_samplers(c, buf, plen, g, n_seq, u8(&in) < 250 ? sp : NULL,
                                                     on_batch_token, &s, u8(&in) & 1 ? reasons : NULL);
                }
            }
            break;
        }
        case 15: {   /* continuous batching over up to 4 requests */
            char prompts[4][32], stops[4][2][16];
            const char *ptrs[4][2];
            autodeco_sampler_params sp[4];
            autodeco_request r[4];
            int32_t n = count(&in, 4), reasons[4];
            if (n > 4) n = 4;
            for (int i = 0; i < 4; i++) {
                int32_t len = text(&in, prompts[i], 32);
                r[i].prompt = u8(&in) < 250 ? prompts[i] : NULL;
                r[i].prompt_len = length(&in, len);
                r[i].params = autodeco_generate_default_params();
                r[i].params.max_tokens = count(&in, 5);
                fill_stop(&in, stops[i], ptrs[i], &r[i].params);
                sp[i] = sampler(&in);
                r[i].sampler = u8(&in) & 1 ? &sp[i] : NULL;
            }
            stopper s = {c, u8(&in) % 12, u8(&in) & 1, 0};
            autodeco_generate_requests(c, u8(&in) < 250 ? r : NULL, n, u8(&in) & 1 ? on_batch_token : NULL, &s,
                                       u8(&in) & 1 ? reasons : NULL);
            break;
        }
        case 16: {   /* tokenize into a buffer of any size */
            int32_t n = text(&in, buf, 128), got = 0;
            int32_t cap = count(&in, 32);
            if (cap > 32) cap = 32;
            autodeco_tokenize(u8(&in) < 250 ? m : NULL, buf, length(&in, n),
                              u8(&in) < 250 ? ids : NULL, cap, u8(&in) & 1, u8(&in) & 1, u8(&in) < 250 ? &got : NULL);
            break;
        }
        case 17: {
            int32_t n = count(&in, 16);
            for (int32_t i = 0; i < 16; i++) ids[i] = token(&in);
            if (n > 16) n = 16;
            int32_t cap = u8(&in) % (int32_t)sizeof buf2;
            autodeco_detokenize(m, u8(&in) < 250 ? ids : NULL, n, cap ? buf2 : NULL, cap, u8(&in) & 1);
            break;
        }
        case 18: {   /* chat template: the model's or a fuzzed one */
            static const char *roles[] = {"system", "user", "assistant", "tool", ""};
            char contents[3][32], tmpl[128];
            autodeco_chat_message msgs[3];
            int32_t n = u8(&in) % 4;
            for (int i = 0; i < 3; i++) {
                text(&in, contents[i], 32);
                msgs[i].role = roles[u8(&in) % 5];
                msgs[i].content = contents[i];
            }
            int own = u8(&in) < 200;
            if (!own) text(&in, tmpl, 128);
            int32_t cap = u8(&in) % (int32_t)sizeof buf;
            autodeco_apply_chat_template(m, own ? NULL : tmpl, msgs, n, u8(&in) & 1, cap ? buf : NULL, cap);
            break;
        }
        case 19: {
            static const char *keys[] = {"general.architecture", "llama.context_length", "tokenizer.ggml.tokens",
                                         "tokenizer.chat_template", "no.such.key"};
            int32_t cap = u8(&in) % 64;
            autodeco_model_meta(m, keys[u8(&in) % 5], cap ? buf2 : NULL, (size_t)cap);
            break;
        }
        case 20:
            autodeco_status_string((int32_t)u32(&in));
            autodeco_token_is_eog(m, token(&in));
            autodeco_context_n_past(c);
            autodeco_context_n_ctx(c);
            break;
        default: {   /* the error message is always a valid string */
            const char *e = autodeco_last_error();
            volatile size_t len = e ? strlen(e) : 0;
            (void)len;
            break;
        }
        }
    }
    for (int k = 0; k < SLOTS; k++) autodeco_context_free(ctx[k]);
    return 0;
}
