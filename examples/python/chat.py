#!/usr/bin/env python3
"""A chat loop: one user message per line on stdin, answers streamed with AutoDeco sampling.

    python3 examples/python/chat.py MODEL.gguf [--heads HEADS] [-n 256]

Each turn renders the whole conversation with the model's chat template and runs it from an
empty context (simple and always correct). Ctrl-C stops an answer."""
import argparse
import sys

import autodeco


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--heads")
    ap.add_argument("-n", "--max-tokens", type=int, default=256)
    ap.add_argument("--system", default=None, help="system message")
    args = ap.parse_args()

    try:
        with autodeco.Model(args.model, heads=args.heads, find_heads=False) as model, \
                autodeco.Context(model, n_ctx=4096, sampler="autodeco" if args.heads else "greedy") as ctx:
            print(f"model: {model.desc}; {'AutoDeco heads' if ctx.has_heads else 'greedy'}", file=sys.stderr)
            history = [{"role": "system", "content": args.system}] if args.system else []
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    continue
                history.append({"role": "user", "content": line})
                ctx.reset()
                answer = []
                try:
                    for ev in ctx.generate(history, max_tokens=args.max_tokens, chat=True):
                        print(ev.text, end="", flush=True)
                        answer.append(ev.text)
                except KeyboardInterrupt:
                    pass  # leaving the loop stops generation
                print(f"\n[{ctx.stop_reason or 'interrupted'}]", flush=True)
                history.append({"role": "assistant", "content": "".join(answer)})
    except autodeco.AutodecoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
