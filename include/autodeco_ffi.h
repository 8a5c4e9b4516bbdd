/* autodeco_ffi.h: the declarations of autodeco.h without preprocessor lines, for FFI front
 * ends that parse C at run time (LuaJIT ffi.cdef, Python cffi). Generated from autodeco.h by
 * scripts/make_ffi_header.py; do not edit. C and C++ programs include autodeco.h instead.
 * Documentation: autodeco.h. */

enum {
    AUTODECO_VERSION_MAJOR = 0,
    AUTODECO_VERSION_MINOR = 1,
    AUTODECO_VERSION_PATCH = 0,
    AUTODECO_VERSION_NUMBER = 100,
    AUTODECO_API_VERSION = 3,
};

const char *autodeco_version(void);

int32_t autodeco_version_number(void);

int32_t autodeco_api_version(void);

typedef enum autodeco_status {
    AUTODECO_OK = 0,
    AUTODECO_ERR_INVALID_ARGUMENT = -1,
    AUTODECO_ERR_IO = -2,
    AUTODECO_ERR_BAD_FORMAT = -3,
    AUTODECO_ERR_UNSUPPORTED = -4,
    AUTODECO_ERR_OUT_OF_MEMORY = -5,
    AUTODECO_ERR_CONTEXT_FULL = -6,
    AUTODECO_ERR_CANCELLED = -7,
    AUTODECO_ERR_INVALID_TOKEN = -8,
    AUTODECO_ERR_INVALID_UTF8 = -9,
    AUTODECO_ERR_TEMPLATE = -10,
    AUTODECO_ERR_NO_HEADS = -11,
    AUTODECO_ERR_BUFFER_TOO_SMALL = -12,
    AUTODECO_ERR_INTERNAL = -99
} autodeco_status;

const char *autodeco_status_string(int32_t status);

const char *autodeco_last_error(void);

typedef struct autodeco_model autodeco_model;

typedef struct autodeco_model_params {

    const char *heads_path;

    bool find_heads;

    bool copy_to_memory;
} autodeco_model_params;

autodeco_model_params autodeco_model_default_params(void);

int32_t autodeco_model_load(const char *path, autodeco_model_params params,
                                         autodeco_model **out_model);

int32_t autodeco_model_load_from_memory(const void *data, size_t size,
                                                     autodeco_model_params params,
                                                     autodeco_model **out_model);

void autodeco_model_free(autodeco_model *model);

const char *autodeco_model_desc(const autodeco_model *model);

int32_t autodeco_model_n_vocab(const autodeco_model *model);
int32_t autodeco_model_n_embd(const autodeco_model *model);
int32_t autodeco_model_n_layer(const autodeco_model *model);
int32_t autodeco_model_n_ctx_train(const autodeco_model *model);

int32_t autodeco_model_meta(const autodeco_model *model, const char *key,
                                         char *buf, size_t buf_size);

typedef struct autodeco_context autodeco_context;

typedef enum autodeco_sampler_mode {
    AUTODECO_SAMPLER_GREEDY = 0,
    AUTODECO_SAMPLER_STATIC = 1,
    AUTODECO_SAMPLER_AUTODECO = 2,
    AUTODECO_SAMPLER_OVERRIDE = 3,
    AUTODECO_SAMPLER_MEAN = 4
} autodeco_sampler_mode;

typedef struct autodeco_sampler_params {
    int32_t mode;
    float temperature;
    float top_p;
    int32_t top_k;
    float min_p;
    float repetition_penalty;
    int32_t repetition_window;
    bool use_temperature_head;
    bool use_top_p_head;
    uint64_t seed;
} autodeco_sampler_params;

typedef struct autodeco_context_params {
    int32_t n_ctx;
    int32_t n_batch;
    int32_t n_threads;
    autodeco_sampler_params sampler;
    uint64_t memory_limit;
    int32_t n_seq_max;
} autodeco_context_params;

typedef struct autodeco_token_info {
    int32_t token;
    float temperature;
    float top_p;
    float probability;
    float predicted_temperature;
    float predicted_top_p;
} autodeco_token_info;

autodeco_sampler_params autodeco_sampler_default_params(void);
autodeco_context_params autodeco_context_default_params(void);

int32_t autodeco_context_create(const autodeco_model *model, autodeco_context_params params,
                                             autodeco_context **out_ctx);

void autodeco_context_free(autodeco_context *ctx);

int32_t autodeco_context_n_ctx(const autodeco_context *ctx);
int32_t autodeco_context_n_past(const autodeco_context *ctx);

int32_t autodeco_context_set_sampler(autodeco_context *ctx, autodeco_sampler_params params);

int32_t autodeco_decode(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens);

int32_t autodeco_feed(autodeco_context *ctx, const int32_t *tokens, int32_t n_tokens);

int32_t autodeco_step(autodeco_context *ctx, autodeco_token_info *out);

int32_t autodeco_step_text(const autodeco_context *ctx, char *buf, int32_t buf_size);

int32_t autodeco_sample(autodeco_context *ctx, autodeco_token_info *out);

const float *autodeco_get_logits(autodeco_context *ctx);

const float *autodeco_get_hidden(autodeco_context *ctx);

void autodeco_context_reset(autodeco_context *ctx);

int32_t autodeco_context_rewind(autodeco_context *ctx, int32_t n_keep);

void autodeco_cancel(autodeco_context *ctx);

int32_t autodeco_context_load_heads(autodeco_context *ctx, const char *path);

bool autodeco_context_has_heads(const autodeco_context *ctx);

int32_t autodeco_predict(autodeco_context *ctx, float *out_temperature, float *out_top_p);

int32_t autodeco_tokenize(const autodeco_model *model, const char *text, int32_t text_len,
                                       int32_t *tokens, int32_t n_max, bool add_special, bool parse_special,
                                       int32_t *out_n_tokens);

int32_t autodeco_detokenize(const autodeco_model *model, const int32_t *tokens, int32_t n_tokens,
                                         char *buf, int32_t buf_size, bool render_special);

int32_t autodeco_token_eos(const autodeco_model *model);
int32_t autodeco_token_eot(const autodeco_model *model);
int32_t autodeco_token_bos(const autodeco_model *model);

bool autodeco_token_is_eog(const autodeco_model *model, int32_t token);

typedef struct autodeco_chat_message {
    const char *role;
    const char *content;
} autodeco_chat_message;

int32_t autodeco_apply_chat_template(const autodeco_model *model, const char *tmpl,
                                                  const autodeco_chat_message *messages, int32_t n_messages,
                                                  bool add_generation_prompt, char *buf, int32_t buf_size);

typedef struct autodeco_generation_event {
    autodeco_token_info info;
    const char *text;
    int32_t text_len;
} autodeco_generation_event;

typedef bool (*autodeco_token_callback)(const autodeco_generation_event *event, void *user_data);

typedef enum autodeco_stop_reason {
    AUTODECO_STOP_EOG = 0,
    AUTODECO_STOP_MAX_TOKENS = 1,
    AUTODECO_STOP_STRING = 2,
    AUTODECO_STOP_CALLBACK = 3,
    AUTODECO_STOP_CANCELLED = 4,
    AUTODECO_STOP_CONTEXT_FULL = 5
} autodeco_stop_reason;

typedef struct autodeco_generate_params {
    int32_t max_tokens;
    const char *const *stop;
    int32_t n_stop;
} autodeco_generate_params;

autodeco_generate_params autodeco_generate_default_params(void);

int32_t autodeco_generate(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                       autodeco_generate_params params, autodeco_token_callback callback,
                                       void *user_data, int32_t *out_reason);

typedef bool (*autodeco_batch_callback)(int32_t seq, const autodeco_generation_event *event, void *user_data);

int32_t autodeco_generate_batch(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                             autodeco_generate_params params, int32_t n_seq,
                                             autodeco_batch_callback callback, void *user_data,
                                             int32_t *out_reasons);

int32_t autodeco_generate_batch_samplers(autodeco_context *ctx, const char *prompt, int32_t prompt_len,
                                                      autodeco_generate_params params, int32_t n_seq,
                                                      const autodeco_sampler_params *samplers,
                                                      autodeco_batch_callback callback, void *user_data,
                                                      int32_t *out_reasons);

typedef struct autodeco_request {
    const char *prompt;
    int32_t prompt_len;
    autodeco_generate_params params;
    const autodeco_sampler_params *sampler;
} autodeco_request;

int32_t autodeco_generate_requests(autodeco_context *ctx, const autodeco_request *requests,
                                                int32_t n_requests, autodeco_batch_callback callback,
                                                void *user_data, int32_t *out_reasons);

typedef enum autodeco_log_level {
    AUTODECO_LOG_ERROR = 0,
    AUTODECO_LOG_WARN = 1,
    AUTODECO_LOG_INFO = 2
} autodeco_log_level;

typedef void (*autodeco_log_callback)(int32_t level, const char *message, void *user_data);

void autodeco_log_set(autodeco_log_callback callback, void *user_data);
