// autodeco.hpp — header-only C++17 RAII wrapper over the C API (include/autodeco.h).
//
// Handles are std::unique_ptr with deleters calling autodeco_*_free; every failed call throws
// autodeco::error carrying the status and the library's autodeco_last_error() message. A
// context keeps no reference to its model: destroy contexts first (declare the model first).
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "autodeco.h"

namespace autodeco {

class error : public std::runtime_error {
public:
    error(int32_t status, const std::string &message)
        : std::runtime_error(std::string(autodeco_status_string(status)) + ": " + message), status_(status) {}
    int32_t status() const noexcept { return status_; }

private:
    int32_t status_;
};

// Throws for a negative status, with this thread's last error message; returns it otherwise.
inline int32_t check(int32_t status) {
    if (status < 0) throw error(status, autodeco_last_error());
    return status;
}

struct model_deleter {
    void operator()(autodeco_model *m) const noexcept { autodeco_model_free(m); }
};
struct context_deleter {
    void operator()(autodeco_context *c) const noexcept { autodeco_context_free(c); }
};
using model_ptr = std::unique_ptr<autodeco_model, model_deleter>;
using context_ptr = std::unique_ptr<autodeco_context, context_deleter>;

// Reads a snprintf-convention result into a std::string (first call measures, second fills).
template <class F>
std::string read_string(F &&call) {
    int32_t n = check(call(nullptr, 0));
    std::string s(static_cast<size_t>(n) + 1, '\0');
    check(call(s.data(), n + 1));
    s.resize(static_cast<size_t>(n));
    return s;
}

class model {
public:
    explicit model(const std::string &path, const char *heads_path = nullptr) {
        autodeco_model_params p = autodeco_model_default_params();
        p.heads_path = heads_path;
        autodeco_model *m = nullptr;
        check(autodeco_model_load(path.c_str(), p, &m));
        ptr_.reset(m);
    }

    autodeco_model *get() const noexcept { return ptr_.get(); }
    std::string desc() const { return autodeco_model_desc(get()); }
    int32_t n_vocab() const noexcept { return autodeco_model_n_vocab(get()); }
    int32_t n_embd() const noexcept { return autodeco_model_n_embd(get()); }
    bool is_eog(int32_t token) const noexcept { return autodeco_token_is_eog(get(), token); }

    std::string meta(const std::string &key) const {
        return read_string([&](char *buf, int32_t size) {
            return autodeco_model_meta(get(), key.c_str(), buf, static_cast<size_t>(size));
        });
    }

    std::vector<int32_t> tokenize(const std::string &text, bool parse_special = false) const {
        std::vector<int32_t> ids(text.size() + 1);  // text_len + 1 ids always suffice
        int32_t n = 0;
        check(autodeco_tokenize(get(), text.data(), static_cast<int32_t>(text.size()), ids.data(),
                                static_cast<int32_t>(ids.size()), false, parse_special, &n));
        ids.resize(static_cast<size_t>(n));
        return ids;
    }

    std::string detokenize(const std::vector<int32_t> &ids, bool render_special = false) const {
        return read_string([&](char *buf, int32_t size) {
            return autodeco_detokenize(get(), ids.data(), static_cast<int32_t>(ids.size()), buf, size, render_special);
        });
    }

    // messages: (role, content) pairs rendered with the model's own chat template.
    std::string apply_chat_template(const std::vector<std::pair<std::string, std::string>> &messages,
                                    bool add_generation_prompt = true) const {
        std::vector<autodeco_chat_message> c;
        for (const auto &m : messages) c.push_back({m.first.c_str(), m.second.c_str()});
        return read_string([&](char *buf, int32_t size) {
            return autodeco_apply_chat_template(get(), nullptr, c.data(), static_cast<int32_t>(c.size()),
                                                add_generation_prompt, buf, size);
        });
    }

private:
    model_ptr ptr_;
};

class context {
public:
    using token_callback = std::function<bool(const autodeco_token_info &, const std::string &)>;

    explicit context(const model &m, autodeco_context_params params = autodeco_context_default_params()) {
        autodeco_context *c = nullptr;
        check(autodeco_context_create(m.get(), params, &c));
        ptr_.reset(c);
    }

    autodeco_context *get() const noexcept { return ptr_.get(); }
    int32_t n_past() const noexcept { return autodeco_context_n_past(get()); }
    int32_t n_ctx() const noexcept { return autodeco_context_n_ctx(get()); }
    bool has_heads() const noexcept { return autodeco_context_has_heads(get()); }
    void load_heads(const std::string &path) { check(autodeco_context_load_heads(get(), path.c_str())); }
    void set_sampler(const autodeco_sampler_params &p) { check(autodeco_context_set_sampler(get(), p)); }
    void reset() noexcept { autodeco_context_reset(get()); }
    void cancel() noexcept { autodeco_cancel(get()); }

    void feed(const std::vector<int32_t> &ids) {
        check(autodeco_feed(get(), ids.data(), static_cast<int32_t>(ids.size())));
    }
    autodeco_token_info step() {
        autodeco_token_info info{};
        check(autodeco_step(get(), &info));
        return info;
    }

    // Generates after `prompt` (appended to the context), calling on_token for each token with
    // the text it completed; return false to stop. Returns the autodeco_stop_reason.
    int32_t generate(const std::string &prompt, int32_t max_tokens, const token_callback &on_token,
                     const std::vector<std::string> &stop = {}) {
        std::vector<const char *> stops;
        for (const auto &s : stop) stops.push_back(s.c_str());
        autodeco_generate_params gp = autodeco_generate_default_params();
        gp.max_tokens = max_tokens;
        gp.stop = stops.empty() ? nullptr : stops.data();
        gp.n_stop = static_cast<int32_t>(stops.size());
        struct state {
            const token_callback *cb;
            std::exception_ptr error;
        } st{&on_token, nullptr};
        auto trampoline = [](const autodeco_generation_event *ev, void *user) -> bool {
            auto *s = static_cast<state *>(user);
            try {  // an exception must not unwind through the C library
                return (*s->cb)(ev->info, std::string(ev->text, static_cast<size_t>(ev->text_len)));
            } catch (...) {
                s->error = std::current_exception();
                return false;
            }
        };
        int32_t reason = -1;
        check(autodeco_generate(get(), prompt.data(), static_cast<int32_t>(prompt.size()), gp, trampoline, &st,
                                &reason));
        if (st.error) std::rethrow_exception(st.error);
        return reason;
    }

private:
    context_ptr ptr_;
};

}  // namespace autodeco
