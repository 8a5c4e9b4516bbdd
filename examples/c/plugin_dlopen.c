/*
 * plugin_dlopen.c — how a host (game engine, editor) uses libautodeco as a run-time plugin:
 * dlopen() the library, resolve every function with dlsym(), share one model between two
 * contexts on two threads (greedy, same prompt: the texts must be identical), free everything,
 * dlclose(); then do it all again.
 *
 *   plugin_dlopen path/to/libautodeco.so MODEL.gguf [n_tokens]
 *
 * Only the header's types are used: the functions themselves come from dlsym.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autodeco.h"

/* The functions this plugin needs, resolved at run time. */
typedef struct {
    void *handle;
    int32_t (*api_version)(void);
    const char *(*version)(void);
    const char *(*last_error)(void);
    autodeco_model_params (*model_default_params)(void);
    int32_t (*model_load)(const char *, autodeco_model_params, autodeco_model **);
    void (*model_free)(autodeco_model *);
    autodeco_context_params (*context_default_params)(void);
    int32_t (*context_create)(const autodeco_model *, autodeco_context_params, autodeco_context **);
    void (*context_free)(autodeco_context *);
    int32_t (*apply_chat_template)(const autodeco_model *, const char *, const autodeco_chat_message *, int32_t,
                                   bool, char *, int32_t);
    autodeco_generate_params (*generate_default_params)(void);
    int32_t (*generate)(autodeco_context *, const char *, int32_t, autodeco_generate_params,
                        autodeco_token_callback, void *, int32_t *);
} api_t;

static int resolve(api_t *api, const char *path) {
    memset(api, 0, sizeof *api);
    api->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!api->handle) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 0;
    }
#define SYM(field, name)                                                        \
    do {                                                                        \
        *(void **)(&api->field) = dlsym(api->handle, name);                     \
        if (!api->field) { fprintf(stderr, "dlsym %s: %s\n", name, dlerror()); return 0; } \
    } while (0)
    SYM(api_version, "autodeco_api_version");
    SYM(version, "autodeco_version");
    SYM(last_error, "autodeco_last_error");
    SYM(model_default_params, "autodeco_model_default_params");
    SYM(model_load, "autodeco_model_load");
    SYM(model_free, "autodeco_model_free");
    SYM(context_default_params, "autodeco_context_default_params");
    SYM(context_create, "autodeco_context_create");
    SYM(context_free, "autodeco_context_free");
    SYM(apply_chat_template, "autodeco_apply_chat_template");
    SYM(generate_default_params, "autodeco_generate_default_params");
    SYM(generate, "autodeco_generate");
#undef SYM
    if (api->api_version() != AUTODECO_API_VERSION) {
        fprintf(stderr, "library API version %d, this plugin was built for %d\n", api->api_version(),
                AUTODECO_API_VERSION);
        return 0;
    }
    return 1;
}

typedef struct {
    const api_t *api;
    const autodeco_model *model;
    const char *prompt;
    int n_tokens;
    char text[8192];
    size_t len;
    int ok;
} worker_t;

static bool collect(const autodeco_generation_event *ev, void *user_data) {
    worker_t *w = user_data;
    size_t n = (size_t)ev->text_len;
    if (w->len + n >= sizeof w->text) n = sizeof w->text - 1 - w->len;
    memcpy(w->text + w->len, ev->text, n);
    w->len += n;
    w->text[w->len] = 0;
    return true;
}

static void *run_worker(void *p) {
    worker_t *w = p;
    const api_t *api = w->api;
    autodeco_context_params cp = api->context_default_params();
    cp.n_ctx = 512;
    cp.n_threads = 1;
    cp.sampler.mode = AUTODECO_SAMPLER_GREEDY;
    autodeco_context *ctx = NULL;
    if (api->context_create(w->model, cp, &ctx) != AUTODECO_OK) {
        fprintf(stderr, "context: %s\n", api->last_error());  /* last_error is per thread */
        return NULL;
    }
    autodeco_generate_params gp = api->generate_default_params();
    gp.max_tokens = w->n_tokens;
    int32_t reason = -1;
    if (api->generate(ctx, w->prompt, (int32_t)strlen(w->prompt), gp, collect, w, &reason) == AUTODECO_OK)
        w->ok = 1;
    else
        fprintf(stderr, "generate: %s\n", api->last_error());
    api->context_free(ctx);
    return NULL;
}

static int round_trip(const char *lib_path, const char *model_path, int n_tokens, int round) {
    api_t api;
    if (!resolve(&api, lib_path)) return 0;
    printf("round %d: libautodeco %s loaded\n", round, api.version());

    int ok = 0;
    autodeco_model *model = NULL;
    autodeco_model_params mp = api.model_default_params();
    mp.find_heads = false;
    char *prompt = NULL;
    if (api.model_load(model_path, mp, &model) != AUTODECO_OK) {
        fprintf(stderr, "model: %s\n", api.last_error());
        goto out;
    }
    autodeco_chat_message msg = { "user", "Name three colours." };
    int32_t len = api.apply_chat_template(model, NULL, &msg, 1, true, NULL, 0);
    if (len < 0 || !(prompt = malloc((size_t)len + 1))) goto out;
    api.apply_chat_template(model, NULL, &msg, 1, true, prompt, len + 1);

    worker_t *w = calloc(2, sizeof *w);
    if (!w) goto out;
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        w[i] = (worker_t){ .api = &api, .model = model, .prompt = prompt, .n_tokens = n_tokens };
        pthread_create(&threads[i], NULL, run_worker, &w[i]);
    }
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    if (w[0].ok && w[1].ok && w[0].len > 0 && strcmp(w[0].text, w[1].text) == 0) {
        printf("round %d: both threads produced the same %zu bytes: %s\n", round, w[0].len, w[0].text);
        ok = 1;
    } else {
        printf("round %d: MISMATCH\n  thread 0: %s\n  thread 1: %s\n", round, w[0].text, w[1].text);
    }
    free(w);
out:
    free(prompt);
    if (model) api.model_free(model);
    if (dlclose(api.handle) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        ok = 0;
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s path/to/libautodeco.so MODEL.gguf [n_tokens]\n", argv[0]);
        return 2;
    }
    int n_tokens = argc > 3 ? atoi(argv[3]) : 16;
    for (int round = 1; round <= 2; round++) {
        if (!round_trip(argv[1], argv[2], n_tokens, round)) return 1;
    }
    printf("OK\n");
    return 0;
}
