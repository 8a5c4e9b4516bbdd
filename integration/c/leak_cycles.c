/* Leak check: N cycles of load model → create context → generate a few tokens → free.
 * Run under valgrind (scripts/leak-check); every cycle must free what it allocated.
 * Usage: leak_cycles MODEL.gguf HEADS [cycles] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autodeco.h"

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL HEADS [cycles]\n", argv[0]); return 2; }
    int cycles = argc > 3 ? atoi(argv[3]) : 100;
    for (int i = 0; i < cycles; i++) {
        autodeco_model_params mp = autodeco_model_default_params();
        mp.heads_path = argv[2];
        autodeco_model *model = NULL;
        if (autodeco_model_load(argv[1], mp, &model) != AUTODECO_OK) { fprintf(stderr, "%s\n", autodeco_last_error()); return 1; }
        autodeco_context_params cp = autodeco_context_default_params();
        cp.n_ctx = 64;
        cp.n_threads = 1 + i % 2;
        cp.sampler.seed = (uint64_t)i;
        autodeco_context *ctx = NULL;
        if (autodeco_context_create(model, cp, &ctx) != AUTODECO_OK) { fprintf(stderr, "%s\n", autodeco_last_error()); return 1; }
        autodeco_generate_params gp = autodeco_generate_default_params();
        gp.max_tokens = 2;
        int32_t reason = -1;
        const char *prompt = "Hello";
        if (autodeco_generate(ctx, prompt, (int32_t)strlen(prompt), gp, NULL, NULL, &reason) != AUTODECO_OK) {
            fprintf(stderr, "%s\n", autodeco_last_error());
            return 1;
        }
        /* An error path too: it must not leak either. */
        int32_t bad = -1;
        if (autodeco_decode(ctx, &bad, 1) == AUTODECO_OK) return 1;
        autodeco_context_free(ctx);
        autodeco_model_free(model);
    }
    printf("%d cycles OK\n", cycles);
    return 0;
}
