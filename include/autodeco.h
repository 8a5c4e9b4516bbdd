/*
 * autodeco.h — the C interface of libautodeco, a CPU inference engine for GGUF language
 * models that decodes with AutoDeco heads (per-token temperature and top-p predicted in the
 * same forward pass as the logits).
 *
 * This header is the whole contract. Conventions:
 *   - Every fallible function returns an autodeco_status (AUTODECO_OK == 0, errors < 0) and
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
/* Incremented on every incompatible change of this header. */
#define AUTODECO_API_VERSION 1

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
    AUTODECO_ERR_NO_HEADS = -11,        /* AutoDeco sampling asked for, no heads loaded */
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
    /* Reserved for future use; set by autodeco_model_default_params(). */
    int32_t reserved;
} autodeco_model_params;

/* Defaults for autodeco_model_load(). */
AUTODECO_API autodeco_model_params autodeco_model_default_params(void);

/* Loads the GGUF file at `path` (mapped read-only, zero-copy). On success stores a new model
 * in *out_model, which the caller frees with autodeco_model_free().
 * Errors: INVALID_ARGUMENT (NULL path or out_model), IO (cannot open), BAD_FORMAT (corrupt or
 * truncated file), UNSUPPORTED (architecture or tensor type this engine lacks). */
AUTODECO_API int32_t autodeco_model_load(const char *path, autodeco_model_params params,
                                         autodeco_model **out_model);

/* Loads a model from `size` bytes at `data` (e.g. a game asset pack). The bytes are copied:
 * the caller may free `data` as soon as this returns. Errors as autodeco_model_load(). */
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

#ifdef __cplusplus
}
#endif

#endif /* AUTODECO_H */
