/* An installed-library consumer: compiles against the installed header, links the installed
 * libautodeco.so, checks versions and, given a model path, loads it and tokenizes a string. */
#include <stdio.h>
#include <string.h>

#include "autodeco.h"

int main(int argc, char **argv) {
    if (autodeco_api_version() != AUTODECO_API_VERSION || strcmp(autodeco_version(), AUTODECO_VERSION_STRING) != 0) {
        fprintf(stderr, "version mismatch: header %s, library %s\n", AUTODECO_VERSION_STRING, autodeco_version());
        return 1;
    }
    printf("autodeco %s (API %d)\n", autodeco_version(), autodeco_api_version());
    if (argc < 2) return 0;
    autodeco_model_params mp = autodeco_model_default_params();
    mp.find_heads = false;
    autodeco_model *model = NULL;
    if (autodeco_model_load(argv[1], mp, &model) != AUTODECO_OK) {
        fprintf(stderr, "error: %s\n", autodeco_last_error());
        return 1;
    }
    int32_t ids[16], n = 0;
    int32_t status = autodeco_tokenize(model, "Hello world", 11, ids, 16, false, false, &n);
    printf("%s; n_vocab %d; 'Hello world' -> %d tokens\n", autodeco_model_desc(model), autodeco_model_n_vocab(model),
           status == AUTODECO_OK ? n : -1);
    autodeco_model_free(model);
    return status == AUTODECO_OK ? 0 : 1;
}
