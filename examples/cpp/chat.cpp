// chat.cpp — an interactive chat with AutoDeco sampling through the C++ wrapper (autodeco.hpp).
//
//   chat MODEL.gguf [HEADS.safetensors|-] [max_tokens]
//
// Reads one user message per line from stdin (until EOF), renders the whole conversation with
// the model's chat template, generates the answer and prints each token's mean T and top-p.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "autodeco.hpp"

int main(int argc, char **argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " MODEL.gguf [HEADS.safetensors|-] [max_tokens]\n";
        return 2;
    }
    const std::string heads = argc > 2 ? argv[2] : "-";
    const int max_tokens = argc > 3 ? std::atoi(argv[3]) : 128;
    try {
        // Declared model first, so the context is destroyed first.
        autodeco::model model(argv[1], heads == "-" ? nullptr : heads.c_str());
        autodeco_context_params params = autodeco_context_default_params();
        params.n_ctx = 2048;
        params.sampler.mode = heads == "-" ? AUTODECO_SAMPLER_GREEDY : AUTODECO_SAMPLER_AUTODECO;
        params.sampler.seed = 1234;
        autodeco::context ctx(model, params);
        std::cerr << "model: " << model.desc() << (ctx.has_heads() ? " (AutoDeco heads)" : " (greedy)") << "\n";

        std::vector<std::pair<std::string, std::string>> messages;
        std::string line;
        while (std::cerr << "> " << std::flush, std::getline(std::cin, line)) {
            if (line.empty()) continue;
            messages.emplace_back("user", line);
            // Simplest correct way: render the whole conversation and run it from an empty context.
            ctx.reset();
            std::string prompt = model.apply_chat_template(messages, true);
            std::string answer;
            double sum_t = 0, sum_p = 0;
            int n = 0;
            int32_t reason = ctx.generate(prompt, max_tokens, [&](const autodeco_token_info &info, const std::string &text) {
                std::cout << text << std::flush;
                answer += text;
                sum_t += info.temperature;
                sum_p += info.top_p;
                n++;
                return true;
            });
            std::cout << "\n";
            std::printf("[%d tokens, mean T %.3f, mean top-p %.3f, stop reason %d]\n", n, n ? sum_t / n : 0.0,
                        n ? sum_p / n : 0.0, reason);
            std::fflush(stdout);
            messages.emplace_back("assistant", answer);
        }
    } catch (const autodeco::error &e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
