"""One llama.cpp run for compare.py: prefill a prompt of token ids, then greedy decode.
Prints one JSON line like `autodeco bench`. Run as a separate process so its peak RSS is
its own."""
import argparse
import json
import resource
import time

import numpy as np
import llama_cpp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--prompt-ids", required=True)
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=2048)
    a = ap.parse_args()

    ids = [int(t) for t in open(a.prompt_ids).read().replace(",", " ").split()]
    prompt = []
    while len(prompt) < a.prompt_tokens:
        prompt += ids[: a.prompt_tokens - len(prompt)]

    llm = llama_cpp.Llama(model_path=a.model, n_ctx=a.ctx, n_batch=512, n_ubatch=512,
                          n_threads=a.threads, n_threads_batch=a.threads, verbose=False)
    n_vocab = llm.n_vocab()

    def argmax_last():
        logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(n_vocab,))
        return int(np.argmax(logits))

    t0 = time.perf_counter()
    llm.eval(prompt)
    t1 = time.perf_counter()
    tokens = []
    for _ in range(a.n):
        tok = argmax_last()
        tokens.append(tok)
        llm.eval([tok])
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "engine": "llama.cpp", "prompt_tokens": len(prompt),
        "prefill_s": t1 - t0, "prefill_tps": len(prompt) / (t1 - t0),
        "decode_tokens": a.n, "decode_s": t2 - t1, "decode_tps": a.n / (t2 - t1),
        "peak_rss_mib": rss, "tokens": tokens,
    }))


if __name__ == "__main__":
    main()
