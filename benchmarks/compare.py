#!/usr/bin/env python3
"""Side-by-side benchmark: autodeco vs llama.cpp (llama-cpp-python) on the same GGUF files.

For each model x threads: prefill of a fixed 512-token prompt, greedy decode of 128 tokens,
our decode with AutoDeco heads attached (greedy mode still runs the heads and their
statistics every step), and the peak RSS of each run. Every run is a separate process;
repetitions are interleaved between engines so load changes hit both alike. Prints medians
and ratios ours / llama.cpp, the weight bandwidth decode achieves (bytes of weights per token ×
tokens/s) against the machine's single-thread copy bandwidth, and writes JSON to
benchmarks/results/latest.json.

    python3 benchmarks/compare.py            # both models, threads 1 and 2, 3 repetitions
    python3 benchmarks/compare.py --models smollm2 --threads 2 --reps 5
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.expanduser("~/.cache/autodeco/models")
MODELS = {
    "smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen": "qwen2.5-coder-0.5b-instruct.gguf",
}


def prompt_ids(model_path, out_path):
    """Tokenises benchmarks/prompt.txt with llama.cpp's tokenizer, so both engines get the same ids."""
    import llama_cpp
    llm = llama_cpp.Llama(model_path=model_path, vocab_only=True, verbose=False)
    with open(os.path.join(ROOT, "benchmarks", "prompt.txt"), "rb") as f:
        ids = llm.tokenize(f.read(), add_bos=False, special=False)
    with open(out_path, "w") as f:
        f.write(" ".join(map(str, ids)))
    return len(ids)


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def weight_bytes_per_token(model_path):
    """Bytes of weights one decode step streams: every tensor, except the token embedding when
    the model has a separate output matrix (then a step reads only one row of it)."""
    from gguf import GGUFReader
    tensors = GGUFReader(model_path).tensors
    names = {t.name for t in tensors}
    return sum(int(t.n_bytes) for t in tensors
               if not (t.name == "token_embd.weight" and "output.weight" in names))


def copy_bandwidth(mib=256, reps=5):
    """The machine's single-thread copy bandwidth in GB/s (bytes read + written), best of
    `reps` numpy copies of a `mib` MiB buffer: the yardstick for decode's weight traffic."""
    import numpy as np
    a = np.ones(mib << 18, dtype=np.float32)
    b = np.empty_like(a)
    best = 0.0
    for _ in range(reps):
        t = time.perf_counter()
        np.copyto(b, a)
        best = max(best, 2 * a.nbytes / (time.perf_counter() - t) / 1e9)
    return best


def cpu_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--bin", default=os.path.join(ROOT, "bin", "autodeco"))
    ap.add_argument("--no-heads", action="store_true", help="skip the run with AutoDeco heads")
    ap.add_argument("--heads-ab", type=int, default=4,
                    help="in each run with heads, decode the tokens again N times with and N times without "
                         "the heads, alternating in one process: the heads' cost per token (default 4)")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "latest.json"))
    a = ap.parse_args()

    configs = []
    # Measured in a child process: this process's peak RSS is inherited by the runs it starts.
    facts = run_json([sys.executable, "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import compare; "
                      "print(json.dumps({'copy': compare.copy_bandwidth(), 'bytes': {m: compare.weight_bytes_per_token("
                      "compare.os.path.join(compare.CACHE, compare.MODELS[m])) for m in sys.argv[2:]}}))",
                      os.path.dirname(os.path.abspath(__file__)), *a.models])
    weight_bytes, copy_gbps = facts["bytes"], facts["copy"]
    for name in a.models:
        path = os.path.join(CACHE, MODELS[name])
        ids_path = f"/tmp/autodeco-bench-{name}.ids"
        prompt_ids(path, ids_path)
        heads = os.path.join(ROOT, "Tests", "AutoDecoTests", "Fixtures", "heads", f"{name}.safetensors")
        for t in a.threads:
            common = ["-m", path, "-t", str(t), "--ctx", str(a.ctx), "--prompt-ids", ids_path,
                      "--prompt-tokens", str(a.prompt_tokens), "-n", str(a.n)]
            runs = {
                "ours": [a.bin, "bench"] + common,
                "llama.cpp": [sys.executable, os.path.join(ROOT, "benchmarks", "llama_child.py"),
                              "--model", path, "--threads", str(t), "--prompt-ids", ids_path,
                              "--prompt-tokens", str(a.prompt_tokens), "-n", str(a.n), "--ctx", str(a.ctx)],
            }
            if not a.no_heads:
                runs["ours+heads"] = [a.bin, "bench"] + common + ["--heads", heads, "--heads-ab", str(a.heads_ab)]
            configs.append({"model": name, "threads": t, "runs": runs, "results": {k: [] for k in runs}})

    loads = []
    for rep in range(a.reps):
        for c in configs:
            for engine, cmd in c["runs"].items():
                loads.append(os.getloadavg()[0])
                r = run_json(cmd)
                c["results"][engine].append(r)
                print(f"rep {rep + 1} {c['model']:8} t={c['threads']} {engine:10} prefill {r['prefill_tps']:7.1f} "
                      f"decode {r['decode_tps']:6.1f} tok/s  rss {r['peak_rss_mib']:.0f} MiB", file=sys.stderr)

    def med(rs, key):
        return statistics.median(r[key] for r in rs)

    rows = []
    for c in configs:
        res = c["results"]
        ours, llama = res["ours"], res["llama.cpp"]
        row = {
            "model": c["model"], "threads": c["threads"],
            "ours_prefill_tps": med(ours, "prefill_tps"), "llama_prefill_tps": med(llama, "prefill_tps"),
            "ours_decode_tps": med(ours, "decode_tps"), "llama_decode_tps": med(llama, "decode_tps"),
            "ours_rss_mib": med(ours, "peak_rss_mib"), "llama_rss_mib": med(llama, "peak_rss_mib"),
            # Greedy tokens both engines agree on before the first difference (a sanity check:
            # llama.cpp quantises differently, so long agreement is expected, not equality).
            "greedy_agreement": next((i for i, (x, y) in enumerate(zip(ours[0]["tokens"], llama[0]["tokens"]))
                                      if x != y), len(ours[0]["tokens"])),
            "runs": res,
        }
        if "ours+heads" in res:
            row["ours_heads_decode_tps"] = med(res["ours+heads"], "decode_tps")
            row["ours_heads_rss_mib"] = med(res["ours+heads"], "peak_rss_mib")
            # Decode with heads / without (the heads' cost; 1.0 = free), and the time per token
            # spent after the forward pass (heads + sampler) in each.
            row["heads_decode_ratio"] = row["ours_heads_decode_tps"] / row["ours_decode_tps"]
            row["ours_sample_ms"] = med(ours, "sample_ms_per_token")
            row["ours_heads_sample_ms"] = med(res["ours+heads"], "sample_ms_per_token")
            # In-process A/B (same tokens, alternating, so load changes hit both sides): the
            # heads' share of decode time per token, median over repetitions, and its range.
            costs = [r["heads_cost_pct"] for r in res["ours+heads"] if "heads_cost_pct" in r]
            if costs:
                row["heads_cost_pct"] = statistics.median(costs)
                row["heads_cost_pct_range"] = [min(costs), max(costs)]
        # Achieved weight bandwidth of decode: bytes of weights per token × tokens per second.
        wb = weight_bytes[c["model"]]
        row["weight_bytes_per_token"] = wb
        row["ours_decode_weight_gbps"] = wb * row["ours_decode_tps"] / 1e9
        row["llama_decode_weight_gbps"] = wb * row["llama_decode_tps"] / 1e9
        rows.append(row)

    hdr = (f"{'model':8} {'thr':>3} | {'prefill ours':>12} {'llama':>7} {'ratio':>5} | {'decode ours':>11} "
           f"{'llama':>6} {'ratio':>5} | {'+heads':>6} {'ratio':>5} {'cost%':>5} | {'RSS ours':>8} {'llama':>6} | agree")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        h = r.get("ours_heads_decode_tps")
        print(f"{r['model']:8} {r['threads']:>3} | {r['ours_prefill_tps']:12.1f} {r['llama_prefill_tps']:7.1f} "
              f"{r['ours_prefill_tps'] / r['llama_prefill_tps']:5.2f} | {r['ours_decode_tps']:11.1f} "
              f"{r['llama_decode_tps']:6.1f} {r['ours_decode_tps'] / r['llama_decode_tps']:5.2f} | "
              f"{(h or 0):6.1f} {((h or 0) / r['llama_decode_tps']):5.2f} {r.get('heads_cost_pct', float('nan')):5.1f} | "
              f"{r['ours_rss_mib']:8.0f} {r['llama_rss_mib']:6.0f} | {r['greedy_agreement']}/{a.n}")
    print(f"(medians of {a.reps} interleaved runs; prompt {a.prompt_tokens} tokens, {a.n} greedy tokens, "
          f"n_ctx {a.ctx}; load average during runs {min(loads):.1f}-{max(loads):.1f}; cost% = the heads' share "
          f"of decode time per token, in-process A/B with {a.heads_ab}+{a.heads_ab} alternating decodes per run)")
    print(f"decode weight traffic (weights per token x tok/s) against a single-thread copy bandwidth of {copy_gbps:.1f} GB/s:")
    for r in rows:
        print(f"  {r['model']:8} t={r['threads']}  {r['weight_bytes_per_token'] / 2**20:6.1f} MiB/token  "
              f"ours {r['ours_decode_weight_gbps']:5.1f} GB/s ({100 * r['ours_decode_weight_gbps'] / copy_gbps:3.0f}%)  "
              f"llama.cpp {r['llama_decode_weight_gbps']:5.1f} GB/s ({100 * r['llama_decode_weight_gbps'] / copy_gbps:3.0f}%)")

    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"cpu": cpu_name(), "date": time.strftime("%Y-%m-%d %H:%M:%S"), "reps": a.reps,
                   "prompt_tokens": a.prompt_tokens, "decode_tokens": a.n, "n_ctx": a.ctx,
                   "load_average": [min(loads), max(loads)], "copy_bandwidth_gbps": copy_gbps,
                   "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
