/*
 * soak.c — a host program's long life, compressed: N threads, each with its own context over one
 * shared model, loop for SECONDS over generate / rewind / reset with random samplers (AutoDeco,
 * MeanShift, static, greedy), heads detached and reloaded, and the occasional cancel. The main
 * thread samples resident memory every INTERVAL seconds; a greedy probe runs before and after.
 *
 *   soak MODEL HEADS SECONDS [THREADS=4] [INTERVAL=10]
 *
 * Prints one line per RSS sample ("rss T_SECONDS KIB") and a final JSON line:
 *   {"operations": n, "errors": n, "rss_kib": [...], "probe_equal": true|false}
 * Exit status 0 unless the probe differs or a call failed unexpectedly; judging the memory curve
 * is left to the caller (integration/test_soak.py, README's Guarantees).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autodeco.h"

enum { PROBE_TOKENS = 24, MAX_SAMPLES = 1024 };

static const autodeco_model *g_model;
static const char *g_heads;
static atomic_bool g_stop;   /* set by the main thread after its last RSS sample */
static atomic_long g_operations;
static atomic_long g_errors;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void fail(const char *what) {
    fprintf(stderr, "soak: %s: %s\n", what, autodeco_last_error());
    atomic_fetch_add(&g_errors, 1);
}

/* xorshift64*: each thread its own stream. */
static uint64_t next_random(uint64_t *s) {
    *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}
static float uniform(uint64_t *s) { return (float)(next_random(s) >> 40) / (float)(1 << 24); }

typedef struct { int32_t tokens[PROBE_TOKENS]; int n; } probe_result;

static bool on_probe_token(const autodeco_generation_event *ev, void *user) {
    probe_result *p = user;
    if (p->n < PROBE_TOKENS) p->tokens[p->n++] = ev->info.token;
    return true;
}

/* Greedy tokens of a fixed prompt on a fresh context. */
static probe_result probe(void) {
    probe_result r = { {0}, 0 };
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 256; cp.n_threads = 1;
    cp.sampler.mode = AUTODECO_SAMPLER_GREEDY;
    autodeco_context *ctx = NULL;
    if (autodeco_context_create(g_model, cp, &ctx) != AUTODECO_OK) { fail("probe context"); return r; }
    autodeco_generate_params gp = autodeco_generate_default_params();
    gp.max_tokens = PROBE_TOKENS;
    const char *prompt = "The three primary colours are";
    if (autodeco_generate(ctx, prompt, (int32_t)strlen(prompt), gp, on_probe_token, &r, NULL) != AUTODECO_OK)
        fail("probe generate");
    autodeco_context_free(ctx);
    return r;
}

typedef struct { uint64_t seed; int stop_after; int seen; } worker_state;

static bool on_token(const autodeco_generation_event *ev, void *user) {
    (void)ev;
    worker_state *w = user;
    return ++w->seen < w->stop_after;  /* sometimes ends the generation from the callback */
}

static const char *PROMPTS[] = {
    "<|im_start|>user\nWrite a haiku about rain.<|im_end|>\n<|im_start|>assistant\n",
    "def fibonacci(n):",
    "Once upon a time, in a village by the sea,",
    "List three uses of a paperclip:",
};

static void *worker(void *arg) {
    worker_state *w = arg;
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 384; cp.n_threads = 1;
    autodeco_context *ctx = NULL;
    if (autodeco_context_create(g_model, cp, &ctx) != AUTODECO_OK) { fail("context"); return NULL; }
    while (!atomic_load(&g_stop)) {
        uint64_t r = next_random(&w->seed);
        int op = (int)(r % 10);
        if (op < 6) {  /* generate, appended to what the context holds, with a random sampler */
            autodeco_sampler_params sp = autodeco_sampler_default_params();
            static const int32_t modes[] = { AUTODECO_SAMPLER_AUTODECO, AUTODECO_SAMPLER_MEAN,
                                             AUTODECO_SAMPLER_STATIC, AUTODECO_SAMPLER_GREEDY };
            sp.mode = modes[next_random(&w->seed) % 4];
            bool heads = autodeco_context_has_heads(ctx);
            if (!heads && (sp.mode == AUTODECO_SAMPLER_MEAN)) sp.mode = AUTODECO_SAMPLER_STATIC;
            sp.temperature = sp.mode == AUTODECO_SAMPLER_STATIC ? 0.2f + uniform(&w->seed) : 0.5f + uniform(&w->seed);
            sp.top_p = sp.mode == AUTODECO_SAMPLER_STATIC ? 0.5f + 0.5f * uniform(&w->seed) : 1.0f;
            sp.top_k = (int32_t)(next_random(&w->seed) % 3) * 20;
            sp.seed = next_random(&w->seed);
            if (autodeco_context_set_sampler(ctx, sp) != AUTODECO_OK) { fail("set_sampler"); continue; }
            const char *prompt = PROMPTS[next_random(&w->seed) % 4];
            autodeco_generate_params gp = autodeco_generate_default_params();
            gp.max_tokens = 8 + (int32_t)(next_random(&w->seed) % 40);
            const char *stops[] = { "\n\n" };
            gp.stop = stops; gp.n_stop = (int32_t)(next_random(&w->seed) % 2);
            w->seen = 0;
            w->stop_after = 1 + (int)(next_random(&w->seed) % 64);
            int32_t reason = -1;
            int32_t st = autodeco_generate(ctx, prompt, (int32_t)strlen(prompt), gp, on_token, w, &reason);
            if (st == AUTODECO_ERR_CONTEXT_FULL) autodeco_context_reset(ctx);
            else if (st != AUTODECO_OK) fail("generate");
            if (reason == AUTODECO_STOP_CONTEXT_FULL) autodeco_context_reset(ctx);
        } else if (op < 8) {  /* rewind to a random earlier position */
            int32_t past = autodeco_context_n_past(ctx);
            int32_t keep = past > 0 ? (int32_t)(next_random(&w->seed) % (uint64_t)(past + 1)) : 0;
            if (autodeco_context_rewind(ctx, keep) != AUTODECO_OK) fail("rewind");
        } else if (op == 8) {
            autodeco_context_reset(ctx);
        } else {  /* heads off and on again: a context of its own without heads, or a reload */
            if (autodeco_context_has_heads(ctx) && (r & 16)) {
                autodeco_context_free(ctx);
                cp.sampler = autodeco_sampler_default_params();
                if (autodeco_context_create(g_model, cp, &ctx) != AUTODECO_OK) { fail("context"); return NULL; }
            } else if (autodeco_context_load_heads(ctx, g_heads) != AUTODECO_OK) {
                fail("load_heads");
            }
        }
        atomic_fetch_add(&g_operations, 1);
    }
    autodeco_context_free(ctx);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: soak MODEL HEADS SECONDS [THREADS=4] [INTERVAL=10]\n");
        return 2;
    }
    double seconds = atof(argv[3]);
    int n_threads = argc > 4 ? atoi(argv[4]) : 4;
    double interval = argc > 5 ? atof(argv[5]) : 10;
    if (n_threads < 1 || n_threads > 64 || seconds <= 0 || interval <= 0) { fprintf(stderr, "soak: bad arguments\n"); return 2; }
    g_heads = argv[2];
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = g_heads;
    autodeco_model *model = NULL;
    if (autodeco_model_load(argv[1], mp, &model) != AUTODECO_OK) { fail("model"); return 1; }
    g_model = model;

    probe_result first = probe();
    double start = now();
    pthread_t threads[64];
    worker_state states[64];
    for (int i = 0; i < n_threads; i++) {
        states[i] = (worker_state){ .seed = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) };
        pthread_create(&threads[i], NULL, worker, &states[i]);
    }
    long samples[MAX_SAMPLES];
    int n_samples = 0;
    for (double next = start + interval; next <= start + seconds + 1e-6 && n_samples < MAX_SAMPLES; next += interval) {
        while (now() < next) {
            struct timespec ts = { 0, 50 * 1000000L };
            nanosleep(&ts, NULL);
        }
        samples[n_samples] = rss_kib();
        printf("rss %.0f %ld\n", next - start, samples[n_samples]);
        fflush(stdout);
        n_samples++;
    }
    atomic_store(&g_stop, true);
    for (int i = 0; i < n_threads; i++) pthread_join(threads[i], NULL);
    probe_result last = probe();
    bool equal = first.n == last.n && first.n > 0 && memcmp(first.tokens, last.tokens, sizeof(int32_t) * (size_t)first.n) == 0;
    printf("{\"operations\": %ld, \"errors\": %ld, \"probe_equal\": %s, \"rss_kib\": [",
           atomic_load(&g_operations), atomic_load(&g_errors), equal ? "true" : "false");
    for (int i = 0; i < n_samples; i++) printf("%s%ld", i ? ", " : "", samples[i]);
    printf("]}\n");
    autodeco_model_free(model);
    return equal && atomic_load(&g_errors) == 0 ? 0 : 1;
}
