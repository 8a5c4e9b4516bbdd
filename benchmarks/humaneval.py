#!/usr/bin/env python3
"""HumanEval through libautodeco's Python binding: does AutoDeco beat hand-tuned decoding?

    python3 benchmarks/humaneval.py run --config greedy --config autodeco --n 10
    python3 benchmarks/humaneval.py run --config all --limit 10          # first 10 problems
    python3 benchmarks/humaneval.py run --config oracle --n 1            # the grid, shared batches
    python3 benchmarks/humaneval.py report --doc docs/evaluation.md
    python3 benchmarks/humaneval.py run --tasks tasks/data/heldout.jsonl --config greedy   # the project's
    python3 benchmarks/humaneval.py report --tasks tasks/data/heldout.jsonl --doc docs/evaluation.md  # held-out tasks

`run` writes benchmarks/results/humaneval/<config>.jsonl, one line per problem as soon as it
is done, and skips problems already there: stop it at any time and run the same command
again to continue. Samples of several problems and configurations decode together by
continuous batching (each sequence with its own sampler and seed; a finished sequence's slot
takes the next one), with the same results as one by one.
`report` reads those files and writes the tables (and the plot) of docs/evaluation.md, which
describes the method."""
import argparse
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from evalkit import configs, report  # noqa: E402
from evalkit.problems import load_problems  # noqa: E402
from evalkit.sandbox import Limits, isolation_mode  # noqa: E402

MODELS = pathlib.Path(os.environ.get("AUTODECO_MODELS", pathlib.Path.home() / ".cache/autodeco/models"))
DEFAULT_MODEL = MODELS / "qwen2.5-coder-0.5b-instruct.gguf"
DEFAULT_HEADS = ROOT / "heads" / "qwen2.5-coder-0.5b-instruct.autodeco"
DEFAULT_OUT = HERE / "results" / "humaneval"


def cmd_run(args) -> int:
    from evalkit.generate import Generator, has_batch, has_mixed_batch, has_requests
    from evalkit.run import run_config, run_configs_requests, run_configs_together, settings_for

    chosen = configs.resolve(args.config or ["all"])
    heads = None if args.heads == "none" else (args.heads or (str(DEFAULT_HEADS) if DEFAULT_HEADS.exists() else None))
    missing = [c.name for c in chosen if c.needs_heads and heads is None]
    if missing:
        print(f"error: {', '.join(missing)} need AutoDeco heads: pass --heads DIR "
              f"(default {DEFAULT_HEADS} does not exist)", file=sys.stderr)
        return 2
    problems = load_task_problems(args.tasks) if args.tasks else load_problems()
    problems = problems[args.skip:]
    problems = problems[: args.limit] if args.limit else problems
    limits = Limits(timeout=args.timeout)
    print(f"model {args.model}, heads {heads}, {len(problems)} problems, configs {[c.name for c in chosen]}, "
          f"n {args.n}, seed {args.seed}, max tokens {args.max_tokens}, threads {args.threads}, "
          f"sandbox {isolation_mode()}, {'batched' if has_batch() else 'sequential'} sampling", flush=True)
    gen = Generator(str(args.model), heads, args.threads, n_ctx=args.ctx_prompt + args.max_tokens)
    log = lambda m: print(m, flush=True)  # noqa: E731
    settings = {c.name: settings_for(c, str(args.model), heads, 1 if c.deterministic else args.n, args.seed,
                                     args.max_tokens, args.timeout, args.threads) for c in chosen}
    try:
        start = time.monotonic()
        if has_requests() and not args.one_by_one:
            stores = run_configs_requests(gen, chosen, problems, pathlib.Path(args.out), settings, limits,
                                          args.batch_limit, log=log)
        elif len(chosen) > 1 and has_mixed_batch() and not args.one_by_one:
            stores = run_configs_together(gen, chosen, problems, pathlib.Path(args.out), settings, limits,
                                          args.batch_limit, log=log)
        else:
            stores = {c.name: run_config(gen, c, problems, pathlib.Path(args.out), settings[c.name], limits, log=log)
                      for c in chosen}
        for config in chosen:
            rows = [stores[config.name].done[p.task_id] for p in problems if p.task_id in stores[config.name].done]
            if rows:
                mean = sum(r["pass@1"] for r in rows) / len(rows)
                print(f"[{config.name}] pass@1 {100 * mean:.1f}% over {len(rows)} problems", flush=True)
        print(f"done in {time.monotonic() - start:.0f} s", flush=True)
    finally:
        gen.close()
    return 0


def load_task_problems(path: str) -> list:
    """The tasks of a task-corpus file (tasks/data/*.jsonl) as problems, asked with the same
    instruction as HumanEval's."""
    sys.path.insert(0, str(ROOT / "tasks"))
    from taskkit.corpus import as_problem, load_tasks
    return [as_problem(t) for t in load_tasks(path)]


def resolve_out(args) -> None:
    """--out defaults to results/humaneval, or results/<name of the --tasks file>."""
    if args.out is None:
        args.out = str(HERE / "results" / pathlib.Path(args.tasks).stem) if args.tasks else str(DEFAULT_OUT)


def cmd_report(args) -> int:
    title = f"project tasks ({pathlib.Path(args.tasks).stem})" if args.tasks else "HumanEval"
    block = f"{pathlib.Path(args.tasks).stem}-results" if args.tasks else "humaneval-results"
    text = report.write(pathlib.Path(args.out), pathlib.Path(args.doc) if args.doc else None,
                        pathlib.Path(args.plot) if args.plot else None, title=title, block=block)
    print(text)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="sample, execute and record (resumable)")
    r.add_argument("--config", action="append",
                   help="configuration (repeatable): all, oracle (the grid), " + ", ".join(configs.all_configs()))
    r.add_argument("--n", type=int, default=10, help="samples per problem (greedy always 1; default 10)")
    r.add_argument("--seed", type=int, default=1234, help="base seed: sample i of HumanEval/t uses seed+1000t+i")
    r.add_argument("--skip", type=int, default=0, help="leave out the first N problems (a slice of a task file)")
    r.add_argument("--limit", type=int, default=0, help="only the first N problems (after --skip; smoke runs)")
    r.add_argument("--max-tokens", type=int, default=512, help="most tokens per reply (default 512)")
    r.add_argument("--threads", type=int, default=2, help="engine threads (default 2)")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds per test execution (default 10)")
    r.add_argument("--model", default=str(DEFAULT_MODEL), help="GGUF model")
    r.add_argument("--heads", help=f"AutoDeco heads dir/file, or 'none' (default {DEFAULT_HEADS.relative_to(ROOT)} if present)")
    r.add_argument("--ctx-prompt", type=int, default=768, help="context positions reserved for the prompt")
    r.add_argument("--out", help="results directory (default results/humaneval, or results/<tasks file name>)")
    r.add_argument("--tasks", help="a task-corpus file (tasks/data/heldout.jsonl) instead of HumanEval")
    r.add_argument("--batch-limit", type=int, default=16,
                   help="most sequences decoded at once (continuous batching slots, or the shared batch of "
                        "one problem's configurations with an older binding; default 16, at most 64)")
    r.add_argument("--one-by-one", action="store_true",
                   help="one configuration and one problem at a time (batches of one problem's n samples) "
                        "instead of continuous batching across problems and configurations")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("report", help="tables and plot from the results")
    s.add_argument("--out", help="results directory (default as for run)")
    s.add_argument("--tasks", help="the task-corpus file the results are for (names the block and the plot)")
    s.add_argument("--doc", help="markdown file whose results block to replace (docs/evaluation.md)")
    s.add_argument("--plot", help="PNG/SVG plot of pass@1 per configuration")
    s.set_defaults(func=cmd_report)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    resolve_out(args)
    if getattr(args, "n", 1) < 1 or getattr(args, "n", 1) > 1000:
        parser().error("--n must be in 1..1000")
    if not 1 <= getattr(args, "batch_limit", 1) <= 64:
        parser().error("--batch-limit must be in 1..64")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
