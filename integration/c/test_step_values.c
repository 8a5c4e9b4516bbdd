/* C test: autodeco_step reports per-token temperature and top-p from the heads, and with
 * non-trivial heads they vary across tokens; in pure AutoDeco mode the values used are the
 * predictions. Exit status 0 = pass. Usage: test_step_values MODEL.gguf HEADS.safetensors */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "autodeco.h"

#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, "FAIL: " __VA_ARGS__); fprintf(stderr, " (%s)\n", autodeco_last_error()); return 1; } } while (0)

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL HEADS\n", argv[0]); return 2; }
    autodeco_model_params mp = autodeco_model_default_params();
    mp.heads_path = argv[2];
    autodeco_model *model = NULL;
    CHECK(autodeco_model_load(argv[1], mp, &model) == AUTODECO_OK, "model load");
    autodeco_context_params cp = autodeco_context_default_params();
    cp.n_ctx = 128;
    cp.sampler.seed = 7;
    CHECK(cp.sampler.mode == AUTODECO_SAMPLER_AUTODECO, "AutoDeco is the default sampler");
    autodeco_context *ctx = NULL;
    CHECK(autodeco_context_create(model, cp, &ctx) == AUTODECO_OK, "context create");
    CHECK(autodeco_context_has_heads(ctx), "heads attached");

    const char *prompt = "<|im_start|>user\nTell me about the moon.<|im_end|>\n<|im_start|>assistant\n";
    int32_t ids[128], n = 0;
    CHECK(autodeco_tokenize(model, prompt, (int32_t)strlen(prompt), ids, 128, false, true, &n) == AUTODECO_OK, "tokenize");
    CHECK(autodeco_feed(ctx, ids, n) == AUTODECO_OK, "feed");

    float t_min = 10, t_max = -1, p_min = 10, p_max = -1;
    for (int i = 0; i < 20; i++) {
        autodeco_token_info info;
        CHECK(autodeco_step(ctx, &info) == AUTODECO_OK, "step %d", i);
        CHECK(info.predicted_temperature > 0 && info.predicted_temperature < 2, "T in (0, 2)");
        CHECK(info.predicted_top_p > 0 && info.predicted_top_p < 1, "P in (0, 1)");
        CHECK(fabsf(info.temperature - info.predicted_temperature) < 1e-6f, "T used = T predicted");
        CHECK(fabsf(info.top_p - info.predicted_top_p) < 1e-6f, "P used = P predicted");
        CHECK(info.probability > 0 && info.probability <= 1, "probability");
        printf("token %6d  T=%.4f  p=%.4f  prob=%.4f\n", info.token, info.temperature, info.top_p, info.probability);
        if (info.temperature < t_min) t_min = info.temperature;
        if (info.temperature > t_max) t_max = info.temperature;
        if (info.top_p < p_min) p_min = info.top_p;
        if (info.top_p > p_max) p_max = info.top_p;
        if (autodeco_token_is_eog(model, info.token)) break;
    }
    CHECK(t_max - t_min > 1e-3f && p_max - p_min > 1e-3f, "T and P vary across tokens (T %.4f..%.4f, P %.4f..%.4f)",
          t_min, t_max, p_min, p_max);
    printf("OK: T %.4f..%.4f, P %.4f..%.4f\n", t_min, t_max, p_min, p_max);
    autodeco_context_free(ctx);
    autodeco_model_free(model);
    return 0;
}
