#!/usr/bin/env python3
"""Rejection sampling: the model's own answers to the training tasks, kept when they pass.

    python3 tasks/sample.py --temperature 1.0 --k 8            # every training task, 8 samples each
    python3 tasks/sample.py --temperature 0.7 --k 8 --limit 200
    python3 tasks/sample.py --stats                             # pass rates and throughput so far

For each task, k completions are drawn through libautodeco's continuous batching (up to --slots
sequences of several tasks decode together, one forward pass per step for all of them, and a
finished sequence's slot takes the next one at once), with static sampling at the given temperature (top-p 1)
and seed `seed + 1000 · task number + i`; each is extracted and run against the task's tests
in the sandbox of the HumanEval harness (benchmarks/evalkit). One line per task is appended
(and fsynced) to tasks/data/samples/<split>-T<temperature>.jsonl as soon as it is done, so the
command can be stopped at any point and run again to continue; a file made with other
settings is refused. Batched sequences are bitwise the single ones, so how a run was batched
or interrupted never changes its samples. `tasks/export.py` turns the passing samples into
training data."""
import argparse
import os
import pathlib
import sys
import time
from collections import defaultdict

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from taskkit.corpus import ROOT, as_problem, load_tasks, task_number, training_instruction  # noqa: E402
from evalkit import results  # noqa: E402
from evalkit.extract import program_from_reply  # noqa: E402
from evalkit.sandbox import Limits, isolation_mode, run_tests  # noqa: E402

SAMPLER_VERSION = 1
SEED_STRIDE = 1000
MODELS = pathlib.Path(os.environ.get("AUTODECO_MODELS", pathlib.Path.home() / ".cache/autodeco/models"))
DEFAULT_MODEL = MODELS / "qwen2.5-coder-0.5b-instruct.gguf"
SAMPLES = HERE / "data" / "samples"


def out_path(out_dir: pathlib.Path, split: str, temperature: float) -> pathlib.Path:
    return pathlib.Path(out_dir) / f"{split}-T{temperature:g}.jsonl"


def verify(task: dict, text: str, limits: Limits) -> dict:
    problem = as_problem(task)
    code, program = program_from_reply(problem.prompt, text, problem.entry_point)
    outcome = run_tests(program, problem.test, problem.entry_point, limits)
    return {"status": outcome.status, "detail": outcome.detail[:200], "code": code}


def cmd_sample(args) -> int:
    from evalkit.generate import Generator, has_requests

    tasks = load_tasks(args.tasks)
    tasks = tasks[args.skip:]
    tasks = tasks[: args.limit] if args.limit else tasks
    split = pathlib.Path(args.tasks).stem
    sampler = {"mode": "static", "temperature": args.temperature, "top_p": args.top_p, "top_k": 0}
    settings = {"harness_version": SAMPLER_VERSION, "instruction_version": "training-3", "model": args.model.name,
                "heads": None, "sampler": sampler, "n": args.k, "seed": args.seed, "max_tokens": args.max_tokens,
                "timeout": args.timeout, "threads": args.threads, "sandbox": isolation_mode()}
    store = results.ResultsFile(out_path(args.out, split, args.temperature), settings)
    todo = [t for t in tasks if t["task_id"] not in store.done]
    print(f"{store.path}: {len(tasks) - len(todo)} of {len(tasks)} tasks done, {len(todo)} to go; "
          f"k {args.k}, T {args.temperature:g}, P {args.top_p:g}, max tokens {args.max_tokens}, "
          f"threads {args.threads}, sandbox {isolation_mode()}", flush=True)
    if not todo:
        return 0
    gen = Generator(str(args.model), None, args.threads, n_ctx=args.ctx)
    limits = Limits(timeout=args.timeout)
    start, tokens, kept, done = time.monotonic(), 0, 0, 0
    try:
        for lo in range(0, len(todo), args.tasks_per_call):
            chunk = todo[lo:lo + args.tasks_per_call]
            jobs = [(training_instruction(t), sampler, args.seed + SEED_STRIDE * task_number(t) + i)
                    for t in chunk for i in range(args.k)]
            t0 = time.monotonic()
            if has_requests():
                samples = gen.request_samples(jobs, args.max_tokens, args.slots)
            else:
                samples = [s for t in chunk for s in gen.samples(training_instruction(t),
                                                                  sampler, args.k, args.seed + SEED_STRIDE
                                                                  * task_number(t), args.max_tokens)]
            gen_s = time.monotonic() - t0
            chunk_passed = 0
            for j, task in enumerate(chunk):
                t1 = time.monotonic()
                mine = samples[j * args.k:(j + 1) * args.k]
                records = []
                for s in mine:
                    record = {"seed": s.seed, "text": s.text, "n_tokens": s.n_tokens, "stop_reason": s.stop_reason}
                    record.update(verify(task, s.text, limits))
                    records.append(record)
                passed = sum(r["status"] == "passed" for r in records)
                n_tok = sum(r["n_tokens"] for r in records)
                store.append({"task_id": task["task_id"], "family": task["family"], "n": args.k, "n_passed": passed,
                              "n_tokens": n_tok, "gen_seconds": round(sum(s.seconds for s in mine), 2),
                              "exec_seconds": round(time.monotonic() - t1, 2),
                              "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "settings": settings,
                              "samples": records})
                tokens += n_tok
                kept += passed
                chunk_passed += passed
                done += 1
            elapsed = time.monotonic() - start
            eta = elapsed / done * (len(todo) - done)
            print(f"[{done}/{len(todo)}] up to {chunk[-1]['task_id']}: {chunk_passed}/{len(jobs)} passed in {gen_s:.0f}s | {tokens / elapsed:.0f} tok/s overall, {kept} kept, "
                  f"ETA {eta / 60:.0f} min", flush=True)
    finally:
        gen.close()
    return 0


def cmd_stats(args) -> int:
    for path in sorted(pathlib.Path(args.out).glob("*.jsonl")):
        rows = list(results.read_lines(path))
        if not rows:
            continue
        n = sum(r["n"] for r in rows)
        passed = sum(r["n_passed"] for r in rows)
        tokens = sum(r["n_tokens"] for r in rows)
        gen_s = sum(r["gen_seconds"] for r in rows)
        solved = sum(r["n_passed"] > 0 for r in rows)
        unique = sum(len({s["code"].strip() for s in r["samples"] if s["status"] == "passed"}) for r in rows)
        print(f"{path.name}: {len(rows)} tasks, {n} samples, pass rate {passed / n:.1%}, tasks with a pass "
              f"{solved / len(rows):.1%}, {passed} passing ({unique} distinct), {tokens / gen_s:.0f} tok/s over "
              f"{gen_s / 3600:.2f} h of generation")
        if args.families:
            by = defaultdict(lambda: [0, 0])
            for r in rows:
                by[r["family"]][0] += r["n_passed"]
                by[r["family"]][1] += r["n"]
            for fam, (p, k) in sorted(by.items(), key=lambda kv: kv[1][0] / kv[1][1]):
                print(f"    {fam:36} {p / k:6.1%} of {k}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", default=str(HERE / "data" / "train.jsonl"))
    ap.add_argument("-m", "--model", type=pathlib.Path, default=DEFAULT_MODEL)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--top-p", type=float, default=1.0)
    ap.add_argument("--k", type=int, default=8, help="samples per task")
    ap.add_argument("--slots", type=int, default=16, help="sequences decoded at once (continuous batching)")
    ap.add_argument("--tasks-per-call", type=int, default=16,
                    help="tasks whose samples share one continuous batch (results are written after each)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-tokens", type=int, default=384)
    ap.add_argument("--ctx", type=int, default=1024, help="context length (prompt + reply)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per test run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip", type=int, default=0, help="start at task N of the file")
    ap.add_argument("--limit", type=int, help="only N tasks")
    ap.add_argument("--out", type=pathlib.Path, default=SAMPLES)
    ap.add_argument("--stats", action="store_true", help="print pass rates and throughput of the files in --out")
    ap.add_argument("--families", action="store_true", help="with --stats: pass rate per family")
    args = ap.parse_args()
    return cmd_stats(args) if args.stats else cmd_sample(args)


if __name__ == "__main__":
    sys.exit(main())
