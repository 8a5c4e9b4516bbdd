#!/usr/bin/env python3
"""Aggregate tokens/s of batched decoding (Context.generate_batch): n sequences of one prompt
sharing each forward pass, against n = 1, through the Python binding and the built library.

    python3 benchmarks/batch_decode.py                       # Qwen2.5-Coder, n 1 4 10, 2 threads
    python3 benchmarks/batch_decode.py --n 1 10 --mode autodeco --tokens 200

Every sequence generates at most --tokens tokens (fewer if it ends its turn; the prompt is a
short chat request whose replies are longer than that at the defaults). Prints one line per n (median of --reps runs) and the hash of
the generated tokens, which is the same for every build that samples identically (batched
sequences are bitwise the single-sequence ones, so the hash also checks that)."""
import argparse
import hashlib
import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bindings" / "python"))
import autodeco  # noqa: E402

MODELS = pathlib.Path(os.environ.get("AUTODECO_MODELS", pathlib.Path.home() / ".cache/autodeco/models"))
PROMPT = "Write a Python function that returns the n-th Fibonacci number, with a docstring and tests."


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=str(MODELS / "qwen2.5-coder-0.5b-instruct.gguf"))
    p.add_argument("--heads", default=str(ROOT / "heads" / "qwen2.5-coder-0.5b-instruct.autodeco"))
    p.add_argument("--n", type=int, nargs="+", default=[1, 4, 10], help="sequence counts")
    p.add_argument("--mode", default="static", choices=["static", "autodeco", "greedy"])
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--top-p", type=float, default=0.9)
    p.add_argument("--tokens", type=int, default=120, help="tokens per sequence")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args()

    model = autodeco.Model(args.model, heads=args.heads if args.mode == "autodeco" else None, find_heads=False)
    for n in args.n:
        ctx = autodeco.Context(model, n_ctx=1024, n_threads=args.threads, n_seq_max=n)
        times, digest = [], ""
        for _ in range(args.reps):
            ctx.reset()
            ctx.set_sampler(mode=args.mode, temperature=args.temperature, top_p=args.top_p, seed=7)
            start = time.monotonic()
            res = ctx.generate_batch(PROMPT, n, max_tokens=args.tokens, chat=True)
            times.append(time.monotonic() - start)
            digest = hashlib.sha1(repr([r.tokens for r in res]).encode()).hexdigest()[:12]
            tokens = sum(len(r.tokens) for r in res)
        t = statistics.median(times)
        print(f"n {n:3d}: {tokens:5d} tokens in {t:6.2f} s = {tokens / t:6.1f} tok/s aggregate "
              f"(prompt included), tokens {digest}", flush=True)
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
