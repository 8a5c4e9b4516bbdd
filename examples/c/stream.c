/*
 * stream.c — autodeco_generate() with a streaming callback, and a second thread that calls
 * autodeco_cancel() after a delay: generation stops with AUTODECO_STOP_CANCELLED (not an error).
 *
 *   stream MODEL.gguf [HEADS.safetensors|-] ["prompt"] [cancel_after_ms]
 *
 * With heads the context samples with AutoDeco, without ("-") it is greedy.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autodeco.h"

typedef struct {
    int n_tokens;
    double sum_temperature;
} stream_state;

/* Called by the library for every token, on the generating thread. */
static bool on_token(const autodeco_generation_event *ev, void *user_data) {
    stream_state *st = user_data;
    st->n_tokens++;
    st->sum_temperature += ev->info.temperature;
    fwrite(ev->text, 1, (size_t)ev->text_len, stdout);  /* not NUL-terminated */
    fflush(stdout);
    return true;  /* false would stop generation (AUTODECO_STOP_CALLBACK) */
}

typedef struct {
    autodeco_context *ctx;
    int delay_ms;
} canceller_args;

static void *canceller(void *p) {
    canceller_args *a = p;
    struct timespec ts = { a->delay_ms / 1000, (long)(a->delay_ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
    autodeco_cancel(a->ctx);  /* safe from any thread while ctx is alive */
    return NULL;
}

static const char *reason_name(int32_t r) {
    switch (r) {
    case AUTODECO_STOP_EOG: return "end of generation";
    case AUTODECO_STOP_MAX_TOKENS: return "max tokens";
    case AUTODECO_STOP_STRING: return "stop string";
    case AUTODECO_STOP_CALLBACK: return "callback";
    case AUTODECO_STOP_CANCELLED: return "cancelled";
    case AUTODECO_STOP_CONTEXT_FULL: return "context full";
    default: return "?";
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL.gguf [HEADS.safetensors|-] [\"prompt\"] [cancel_after_ms]\n", argv[0]);
        return 2;
    }
    const char *heads = argc > 2 && strcmp(argv[2], "-") != 0 ? argv[2] : NULL;
    const char *prompt = argc > 3 ? argv[3] : "Tell me a long story about a dragon.";
    const int delay_ms = argc > 4 ? atoi(argv[4]) : 1000;

    autodeco_model *model = NULL;
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = heads;
    if (autodeco_model_load(argv[1], mp, &model) != AUTODECO_OK) {
        fprintf(stderr, "error: %s\n", autodeco_last_error());
        return 1;
    }
    autodeco_context *ctx = NULL;
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 1024;
    cp.sampler.mode = heads ? AUTODECO_SAMPLER_AUTODECO : AUTODECO_SAMPLER_GREEDY;
    if (autodeco_context_create(model, cp, &ctx) != AUTODECO_OK) {
        fprintf(stderr, "error: %s\n", autodeco_last_error());
        autodeco_model_free(model);
        return 1;
    }

    /* Render the chat template into a buffer sized by a first call (snprintf convention). */
    autodeco_chat_message msg = { "user", prompt };
    int32_t len = autodeco_apply_chat_template(model, NULL, &msg, 1, true, NULL, 0);
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (text) autodeco_apply_chat_template(model, NULL, &msg, 1, true, text, len + 1);

    pthread_t thread;
    canceller_args args = { ctx, delay_ms };
    pthread_create(&thread, NULL, canceller, &args);

    stream_state st = { 0, 0.0 };
    autodeco_generate_params gp = autodeco_generate_default_params();
    gp.max_tokens = 512;
    int32_t reason = -1;
    int32_t status = text ? autodeco_generate(ctx, text, len, gp, on_token, &st, &reason) : AUTODECO_ERR_OUT_OF_MEMORY;
    pthread_join(thread, NULL);  /* the canceller uses ctx: join before freeing it */

    int rc = 0;
    if (status != AUTODECO_OK) {
        fprintf(stderr, "\nerror: %s: %s\n", autodeco_status_string(status), autodeco_last_error());
        rc = 1;
    } else {
        printf("\n[stopped: %s after %d tokens, mean T %.3f]\n", reason_name(reason), st.n_tokens,
               st.n_tokens ? st.sum_temperature / st.n_tokens : 0.0);
    }
    free(text);
    autodeco_context_free(ctx);
    autodeco_model_free(model);
    return rc;
}
