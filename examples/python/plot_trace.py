#!/usr/bin/env python3
"""Plots the temperature and top-p AutoDeco chose for every generated token, from the Python
binding's generation events, to a PNG (needs matplotlib: pip install matplotlib).

    python3 examples/python/plot_trace.py MODEL.gguf HEADS_DIR out.png [--prompt TEXT] [-n 80]
"""
import argparse
import sys

import autodeco


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("heads")
    ap.add_argument("output")
    ap.add_argument("--prompt", default="Write a short poem about autumn leaves.")
    ap.add_argument("-n", "--max-tokens", type=int, default=80)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: pip install matplotlib", file=sys.stderr)
        return 2

    with autodeco.Model(args.model, heads=args.heads, find_heads=False) as model, \
            autodeco.Context(model, sampler=autodeco.SamplerParams(seed=args.seed)) as ctx:
        events = list(ctx.generate(args.prompt, max_tokens=args.max_tokens, chat=True))
    if not events:
        print("nothing generated", file=sys.stderr)
        return 1
    xs = range(len(events))
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(xs, [e.temperature for e in events], color="#d62728", label="temperature")
    ax.plot(xs, [e.top_p for e in events], color="#2ca02c", label="top-p")
    ax.plot(xs, [e.prob for e in events], color="#7f7f7f", linewidth=0.8, label="chosen token probability")
    ax.set_xlabel("generated token")
    ax.set_ylim(0, 2)
    ax.legend(loc="upper right")
    ax.set_title("".join(e.text for e in events)[:90].replace("\n", " ") + "…", fontsize=9)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print(f"{len(events)} tokens; wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
