#!/usr/bin/env python3
"""Generate text with AutoDeco sampling, streaming tokens as they come.

    python3 examples/python/generate.py MODEL.gguf [--heads HEADS] [--prompt TEXT] [-n 64]

Without --heads the context samples greedily. Uses only the public autodeco package (from a
checkout: PYTHONPATH=bindings/python)."""
import argparse
import sys

import autodeco


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--heads", help="AutoDeco heads (safetensors file or directory)")
    ap.add_argument("--prompt", default="Write a haiku about the sea.")
    ap.add_argument("-n", "--max-tokens", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stop", action="append", help="stop string (repeatable)")
    args = ap.parse_args()

    try:
        with autodeco.Model(args.model, heads=args.heads, find_heads=False) as model:
            sampler = autodeco.SamplerParams(mode="autodeco" if args.heads else "greedy", seed=args.seed)
            with autodeco.Context(model, n_ctx=2048, sampler=sampler) as ctx:
                n = 0
                for ev in ctx.generate(args.prompt, max_tokens=args.max_tokens, stop=args.stop, chat=True):
                    print(ev.text, end="", flush=True)
                    n += 1
                print(f"\n[{n} tokens, stopped: {ctx.stop_reason}]")
    except autodeco.AutodecoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
