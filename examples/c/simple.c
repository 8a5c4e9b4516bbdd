/*
 * simple.c — load a model and AutoDeco heads, generate with autodeco_step() and print every
 * token with the temperature and top-p the heads chose for it.
 *
 *   simple MODEL.gguf HEADS.safetensors ["prompt"] [n_tokens]
 *
 * Only the public API (include/autodeco.h); objects are freed in reverse order of creation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autodeco.h"

static int fail(const char *what) {
    fprintf(stderr, "error: %s: %s\n", what, autodeco_last_error());
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf HEADS.safetensors [\"prompt\"] [n_tokens]\n", argv[0]);
        return 2;
    }
    const char *prompt = argc > 3 ? argv[3] : "What is the capital of France?";
    const int n_predict = argc > 4 ? atoi(argv[4]) : 32;
    int rc = 1;
    autodeco_model *model = NULL;
    autodeco_context *ctx = NULL;
    int32_t *tokens = NULL;
    char *text = NULL;

    /* 1. The model, with its AutoDeco heads. */
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = argv[2];
    if (autodeco_model_load(argv[1], mp, &model) != AUTODECO_OK) return fail("loading the model");
    printf("model: %s\n", autodeco_model_desc(model));

    /* 2. A context sampling with AutoDeco: the heads' T and p, unscaled. */
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 512;
    cp.sampler.mode = AUTODECO_SAMPLER_AUTODECO;
    cp.sampler.seed = 42;
    if (autodeco_context_create(model, cp, &ctx) != AUTODECO_OK) { fail("creating the context"); goto done; }

    /* 3. The prompt through the model's chat template, then tokens (parse_special: the
     *    template's control tokens become tokens). */
    autodeco_chat_message msg = { "user", prompt };
    int32_t len = autodeco_apply_chat_template(model, NULL, &msg, 1, true, NULL, 0);
    if (len < 0) { fail("chat template"); goto done; }
    text = malloc((size_t)len + 1);
    if (!text) goto done;
    autodeco_apply_chat_template(model, NULL, &msg, 1, true, text, len + 1);

    int32_t n_tokens = 0;
    tokens = malloc(sizeof(int32_t) * ((size_t)len + 1)); /* text_len + 1 ids always suffice */
    if (!tokens) goto done;
    if (autodeco_tokenize(model, text, len, tokens, len + 1, false, true, &n_tokens) != AUTODECO_OK) {
        fail("tokenize");
        goto done;
    }
    if (autodeco_feed(ctx, tokens, n_tokens) != AUTODECO_OK) { fail("feed"); goto done; }

    /* 4. One forward pass per token: the heads predict T and p in the same pass. */
    printf("%-6s %-7s %-7s %-7s %s\n", "token", "T", "top_p", "prob", "text");
    for (int i = 0; i < n_predict; i++) {
        autodeco_token_info info;
        if (autodeco_step(ctx, &info) != AUTODECO_OK) { fail("step"); goto done; }
        if (autodeco_token_is_eog(model, info.token)) {
            printf("[end of turn]\n");
            break;
        }
        char piece[256];
        int32_t n = autodeco_detokenize(model, &info.token, 1, piece, sizeof piece, false);
        if (n < 0) { fail("detokenize"); goto done; }
        for (char *c = piece; *c; c++) if (*c == '\n') *c = ' ';  /* one row per token */
        printf("%-6d T=%.3f p=%.3f %.3f   '%s'\n", info.token, info.temperature, info.top_p,
               info.probability, piece);
    }
    printf("positions used: %d of %d\n", autodeco_context_n_past(ctx), autodeco_context_n_ctx(ctx));
    rc = 0;

done:
    free(tokens);
    free(text);
    autodeco_context_free(ctx);   /* contexts before their model; NULL is a no-op */
    autodeco_model_free(model);
    return rc;
}
