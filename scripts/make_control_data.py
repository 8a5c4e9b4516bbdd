#!/usr/bin/env python3
"""Instruction-control triples for `autodeco train-heads --control` / `eval-heads --control`.

From a prompt/completion JSONL, takes examples [start, start + n) (those with prompts of at most
--max-prompt-chars) and writes each three times with the same completion (cut to its first
--completion-chars characters, so no end-of-turn target): once after a high-diversity
instruction (diversity 1), once unchanged (0), once after a low-diversity instruction (-1). The
instruction is appended to the user prompt, its phrasing drawn (seeded) from the chosen set.
The training and evaluation phrasings are disjoint: evaluation measures whether the heads react
to the meaning, not to memorised wording.

Usage: python3 scripts/make_control_data.py BASE.jsonl OUT.jsonl --phrasings train|eval
       [--start 0] [--n 200] [--seed 0]
"""
import argparse, json, random, sys

PHRASINGS = {
    "train": {
        1: ["Be creative and diverse in your answer.",
            "Answer with high randomness and variety.",
            "Feel free to be imaginative and take unusual directions.",
            "Give an original, surprising response.",
            "Use lots of variety and creativity."],
        -1: ["Be precise and certain in your answer.",
             "Answer with low randomness.",
             "Give the most standard, predictable answer.",
             "Be deterministic and exact.",
             "Stay focused and avoid any unnecessary variation."],
    },
    "eval": {
        1: ["Please be as inventive and varied as you can.",
            "Surprise me with an unconventional take.",
            "Let your answer be playful and unexpected.",
            "Explore unusual ideas freely in your reply."],
        -1: ["Stick to the single most likely, conservative answer.",
             "Please respond accurately and without any creativity.",
             "Keep the reply factual, plain and predictable.",
             "Answer carefully and exactly, with no embellishment."],
    },
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("--phrasings", choices=sorted(PHRASINGS), required=True)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--max-prompt-chars", type=int, default=600)
    ap.add_argument("--completion-chars", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.base) if line.strip()]
    rows = [r for r in rows[args.start:] if len(r["prompt"]) <= args.max_prompt_chars][: args.n]
    rng = random.Random(args.seed)
    phr = PHRASINGS[args.phrasings]
    with open(args.out, "w") as f:
        for g, r in enumerate(rows):
            completion = r["completion"][: args.completion_chars]
            for d in (1, 0, -1):
                prompt = r["prompt"] if d == 0 else r["prompt"] + "\n\n" + rng.choice(phr[d])
                f.write(json.dumps({"prompt": prompt, "completion": completion, "end_of_turn": False,
                                    "group": g, "diversity": d}) + "\n")
    print(f"{len(rows)} triples ({args.phrasings} phrasings) -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
