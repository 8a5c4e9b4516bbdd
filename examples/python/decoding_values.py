#!/usr/bin/env python3
"""Prints a table of the decoding values AutoDeco chose for every generated token: the heads'
predicted temperature and top-p, the values actually used and the token's probability.

    python3 examples/python/decoding_values.py MODEL.gguf HEADS [--prompt TEXT] [-n 24]
"""
import argparse
import sys

import autodeco


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("heads")
    ap.add_argument("--prompt", default="List three prime numbers.")
    ap.add_argument("-n", "--max-tokens", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    try:
        with autodeco.Model(args.model, heads=args.heads, find_heads=False) as model, \
                autodeco.Context(model, sampler=autodeco.SamplerParams(seed=args.seed)) as ctx:
            print(f"{'#':>3} {'token':>6}  {'T_pred':>6} {'p_pred':>6}  {'T':>6} {'top_p':>6}  {'prob':>6}  text")
            temps = []
            for i, ev in enumerate(ctx.generate(args.prompt, max_tokens=args.max_tokens, chat=True)):
                temps.append(ev.temperature)
                print(f"{i:>3} {ev.token:>6}  {ev.predicted_temperature:6.3f} {ev.predicted_top_p:6.3f}  "
                      f"{ev.temperature:6.3f} {ev.top_p:6.3f}  {ev.prob:6.3f}  {ev.text!r}")
            if temps:
                print(f"mean T {sum(temps) / len(temps):.3f} over {len(temps)} tokens; stopped: {ctx.stop_reason}")
    except autodeco.AutodecoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
