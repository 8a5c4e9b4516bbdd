"""The evaluation loop: for each configuration and problem not yet done, sample n replies,
extract and execute each, and append the problem's line to the configuration's results file."""
import os
import pathlib
import time
from typing import Callable, Dict, List, Optional

from . import results
from .configs import DecodingConfig
from .extract import program_from_reply
from .generate import Generator, has_batch, has_requests
from .passk import pass_at_k
from .problems import INSTRUCTION_VERSION, Problem
from .sandbox import Limits, isolation_mode, run_tests
from .tokenstats import summarize, varies

HARNESS_VERSION = 1
SEED_STRIDE = 1000  # sample i of HumanEval/t uses seed + SEED_STRIDE * t + i (so n ≤ 1000)


def settings_for(config: DecodingConfig, model: str, heads: Optional[str], n: int, seed: int,
                 max_tokens: int, timeout: float, threads: int) -> dict:
    return {"harness_version": HARNESS_VERSION, "instruction_version": INSTRUCTION_VERSION,
            "model": os.path.basename(model), "heads": heads if config.needs_heads else None,
            "sampler": config.sampler, "n": n, "seed": seed, "max_tokens": max_tokens, "timeout": timeout,
            "threads": threads, "batched": has_batch(), "sandbox": isolation_mode()}


def sample_record(problem: Problem, s, limits: Limits) -> dict:
    code, program = program_from_reply(problem.prompt, s.text, problem.entry_point)
    outcome = run_tests(program, problem.test, problem.entry_point, limits)
    record = {"seed": s.seed, "status": outcome.status, "detail": outcome.detail, "n_tokens": s.n_tokens,
              "stop_reason": s.stop_reason, "gen_seconds": round(s.seconds, 3),
              "exec_seconds": round(outcome.seconds, 3), "text": s.text, "code": code,
              "T": summarize(s.temperatures), "P": summarize(s.top_ps)}
    # The per-token values themselves only when they vary (AutoDeco); static ones are in T/P.
    if varies(s.temperatures) or varies(s.top_ps):
        record["T_tokens"] = [round(v, 4) for v in s.temperatures]
        record["P_tokens"] = [round(v, 4) for v in s.top_ps]
    return record


def problem_row(problem: Problem, config: DecodingConfig, samples, gen_seconds: float, settings: dict,
                limits: Limits) -> dict:
    """Executes the samples and makes the problem's results line."""
    n = settings["n"]
    records = [sample_record(problem, s, limits) for s in samples]
    passed = sum(r["status"] == "passed" for r in records)
    row = {"task_id": problem.task_id, "config": config.name, "n": n, "n_passed": passed,
           "pass@1": pass_at_k(n, passed, 1), "gen_seconds": round(gen_seconds, 3),
           "exec_seconds": round(sum(r["exec_seconds"] for r in records), 3),
           "n_tokens": sum(r["n_tokens"] for r in records),
           "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "settings": settings, "samples": records}
    if n >= 5:
        row["pass@5"] = pass_at_k(n, passed, 5)
    return row


def _logged(log, store, row, i: int, todo: int) -> None:
    store.append(row)
    log(f"[{row['config']}] {row['task_id']}: {row['n_passed']}/{row['n']} passed, {row['n_tokens']} tokens, "
        f"gen {row['gen_seconds']:.1f}s exec {row['exec_seconds']:.1f}s ({i}/{todo})")


def run_config(gen: Generator, config: DecodingConfig, problems: List[Problem], out_dir: pathlib.Path,
               settings: dict, limits: Limits, log: Callable[[str], None] = print) -> results.ResultsFile:
    store = results.ResultsFile(results.path_for(out_dir, config.name), settings)
    todo = [p for p in problems if p.task_id not in store.done]
    log(f"[{config.name}] {len(problems) - len(todo)} of {len(problems)} problems already done, "
        f"{len(todo)} to go -> {store.path}")
    n, seed = settings["n"], settings["seed"]
    for i, problem in enumerate(todo, 1):
        start = time.monotonic()
        samples = gen.samples(problem.instruction(), config.sampler, n, seed + SEED_STRIDE * problem.number,
                              settings["max_tokens"])
        _logged(log, store, problem_row(problem, config, samples, time.monotonic() - start, settings, limits),
                i, len(todo))
    return store


def _open_stores(configs: List[DecodingConfig], problems: List[Problem], out_dir: pathlib.Path,
                 settings: Dict[str, dict], log: Callable[[str], None]) -> Dict[str, results.ResultsFile]:
    """Each configuration's results file, with how many problems it still lacks."""
    stores = {c.name: results.ResultsFile(results.path_for(out_dir, c.name), settings[c.name]) for c in configs}
    for c in configs:
        left = sum(p.task_id not in stores[c.name].done for p in problems)
        log(f"[{c.name}] {len(problems) - left} of {len(problems)} problems already done, {left} to go "
            f"-> {stores[c.name].path}")
    return stores


def run_configs_requests(gen: Generator, configs: List[DecodingConfig], problems: List[Problem],
                         out_dir: pathlib.Path, settings: Dict[str, dict], limits: Limits, capacity: int,
                         problems_per_call: int = 8,
                         log: Callable[[str], None] = print) -> Dict[str, results.ResultsFile]:
    """run_configs_together by continuous batching across problems (Generator.request_samples):
    the samples of every configuration still missing each of `problems_per_call` problems go
    through `capacity` slots together, so short replies never wait for long ones. Every sample
    gets the seed it gets from run_config and is bitwise the same, so the lines are the same
    (timings aside) and each way of running resumes the others'."""
    stores = _open_stores(configs, problems, out_dir, settings, log)
    todo = [p for p in problems if any(p.task_id not in stores[c.name].done for c in configs)]
    log(f"{len(configs)} configurations, continuous batching over {capacity} slots: {len(todo)} problems to go")
    max_tokens = settings[configs[0].name]["max_tokens"]
    done = 0
    for lo in range(0, len(todo), problems_per_call):
        chunk = todo[lo:lo + problems_per_call]
        jobs, owners = [], []
        for problem in chunk:
            for c in configs:
                if problem.task_id in stores[c.name].done:
                    continue
                base = settings[c.name]["seed"] + SEED_STRIDE * problem.number
                for k in range(settings[c.name]["n"]):
                    jobs.append((problem.instruction(), c.sampler, base + k))
                    owners.append((problem.task_id, c.name))
        samples = gen.request_samples(jobs, max_tokens, capacity)
        for problem in chunk:
            done += 1
            for c in configs:
                mine = [s for s, owner in zip(samples, owners) if owner == (problem.task_id, c.name)]
                if mine:
                    share = sum(s.seconds for s in mine)
                    _logged(log, stores[c.name], problem_row(problem, c, mine, share, settings[c.name], limits),
                            done, len(todo))
    return stores


def run_configs_together(gen: Generator, configs: List[DecodingConfig], problems: List[Problem],
                         out_dir: pathlib.Path, settings: Dict[str, dict], limits: Limits, capacity: int,
                         log: Callable[[str], None] = print) -> Dict[str, results.ResultsFile]:
    """run_config for several configurations at once: per problem, the samples of every
    configuration still missing it are drawn in shared batches of at most `capacity` sequences,
    each sequence with its own sampler and seed (Generator.mixed_samples). Sample i of a
    configuration gets the seed it gets from run_config, and batched sequences are exactly the
    single ones, so the lines are the same as run_config's (timings aside); each configuration
    keeps its own results file, and either way of running resumes the other's."""
    stores = _open_stores(configs, problems, out_dir, settings, log)
    todo = [p for p in problems if any(p.task_id not in stores[c.name].done for c in configs)]
    log(f"{len(configs)} configurations together, batches of at most {capacity} sequences: "
        f"{len(todo)} problems to go")
    for i, problem in enumerate(todo, 1):
        missing = [c for c in configs if problem.task_id not in stores[c.name].done]
        draws, owners = [], []
        for c in missing:
            base = settings[c.name]["seed"] + SEED_STRIDE * problem.number
            for k in range(settings[c.name]["n"]):
                draws.append((c.sampler, base + k))
                owners.append(c.name)
        start = time.monotonic()
        samples = gen.mixed_samples(problem.instruction(), draws, settings[missing[0].name]["max_tokens"], capacity)
        elapsed = time.monotonic() - start
        for c in missing:
            mine = [s for s, owner in zip(samples, owners) if owner == c.name]
            share = elapsed * len(mine) / max(len(samples), 1)
            _logged(log, stores[c.name], problem_row(problem, c, mine, share, settings[c.name], limits), i, len(todo))
    return stores
