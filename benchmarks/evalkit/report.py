"""Turns results files into the tables of docs/evaluation.md and a plot of pass@1.

pass@k of a configuration is the mean over problems of the unbiased per-problem estimate.
Its 95% confidence interval is a percentile bootstrap over problems (10,000 resamples of the
problem set with replacement, fixed seed): it covers the uncertainty from which problems
HumanEval happens to contain and from the finite n samples of each, not from other prompts or
models. Differences between configurations are paired over the same problems."""
import datetime
import pathlib
import re
from typing import Dict, List, Optional

import numpy as np

from .configs import ORACLE_TEMPERATURES, ORACLE_TOP_PS, find, oracle_name
from .results import load_all
from .tokenstats import summarize

def markers(block: str = "humaneval-results") -> tuple:
    """The BEGIN/END comments around a results block of a markdown document."""
    return f"<!-- {block}:begin -->", f"<!-- {block}:end -->"


BEGIN, END = markers()
ORDER = ["greedy", "default", "recommended", "oracle", "meanshift", "autodeco"]
RESAMPLES = 10_000


def bootstrap_ci(values: np.ndarray, resamples: int = RESAMPLES, seed: int = 0) -> tuple:
    """95% percentile-bootstrap interval of the mean of `values` (one value per problem)."""
    if len(values) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def task_number(task_id: str) -> int:
    """HumanEval/37 → 37."""
    return int(task_id.rsplit("/", 1)[1])


def common_tasks(results: List["ConfigResult"]) -> List[str]:
    """The task ids every one of `results` has, in task order."""
    if not results:
        return []
    return sorted(set.intersection(*(set(r.by_task) for r in results)), key=task_number)


def row_label(group: str, res: "ConfigResult") -> str:
    return group if group != "oracle" else f"oracle (best: {res.name[7:]})"


class ConfigResult:
    def __init__(self, name: str, rows: List[dict]):
        self.name = name
        self.rows = sorted(rows, key=lambda r: task_number(r["task_id"]))
        self.by_task = {r["task_id"]: r for r in self.rows}
        self.ns = sorted({r["n"] for r in self.rows})
        settings = self.rows[0]["settings"] if self.rows else {}
        self.seed = settings.get("seed")
        self.max_tokens = settings.get("max_tokens")
        self.batched = sorted({bool(r["settings"].get("batched")) for r in self.rows})

    def values(self, key: str, tasks: Optional[List[str]] = None) -> np.ndarray:
        tasks = tasks if tasks is not None else list(self.by_task)
        return np.array([self.by_task[t].get(key, np.nan) for t in tasks], dtype=np.float64)

    def mean(self, key: str, tasks=None) -> float:
        v = self.values(key, tasks)
        return float(v.mean()) if len(v) and not np.isnan(v).any() else float("nan")

    @property
    def seconds(self) -> float:
        return sum(r["gen_seconds"] + r["exec_seconds"] for r in self.rows)

    @property
    def tokens(self) -> int:
        return sum(r["n_tokens"] for r in self.rows)

    def token_values(self, which: str) -> List[float]:
        """Every generated token's temperature ("T") or top-p ("P")."""
        out: List[float] = []
        for r in self.rows:
            for s in r["samples"]:
                if f"{which}_tokens" in s:
                    out += s[f"{which}_tokens"]
                elif s[which].get("count"):
                    out += [s[which]["mean"]] * s[which]["count"]  # constant within the sample
        return out

    def statuses(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for r in self.rows:
            for s in r["samples"]:
                counts[s["status"]] = counts.get(s["status"], 0) + 1
        return counts


def fmt_pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f}"


def fmt_ci(ci: tuple) -> str:
    return "–" if ci[0] != ci[0] else f"[{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def fmt_time(seconds: float) -> str:
    return str(datetime.timedelta(seconds=round(seconds)))


def best_oracle(results: Dict[str, ConfigResult]) -> Optional[ConfigResult]:
    """The grid point with the highest pass@1 among those covering the most problems."""
    grid = [results[n] for n in results if n.startswith("oracle-") and results[n].rows]
    if not grid:
        return None
    most = max(len(g.rows) for g in grid)
    return max((g for g in grid if len(g.rows) == most), key=lambda g: g.mean("pass@1"))


def cross_validated_oracle(results: Dict[str, ConfigResult]) -> Optional[dict]:
    """The oracle without its selection bias: the problems are split into even and odd task
    numbers, the best grid point of each half is chosen on that half and scored on the other.
    Every problem is thus scored by a point chosen without it; the mean is an honest estimate
    of "a static setting tuned on HumanEval-like problems" and the gap to the oracle row is
    how much of that row is luck of the selection."""
    grid = [results[n] for n in results if n.startswith("oracle-") and results[n].rows]
    if not grid:
        return None
    tasks = common_tasks(grid)
    halves = [[t for t in tasks if task_number(t) % 2 == parity] for parity in (0, 1)]
    if not halves[0] or not halves[1]:
        return None
    chosen, per_task = [], {}
    for fit, score in ((halves[0], halves[1]), (halves[1], halves[0])):
        best = max(grid, key=lambda g: g.mean("pass@1", fit))
        chosen.append(best.name)
        per_task.update(zip(score, best.values("pass@1", score)))
    values = np.array([per_task[t] for t in tasks])
    return {"tasks": tasks, "values": values, "chosen": chosen}


def build(out_dir: pathlib.Path) -> dict:
    loaded = {name: ConfigResult(name, rows) for name, rows in load_all(out_dir).items() if rows}
    oracle = best_oracle(loaded)
    rows = []
    for group in ORDER:
        res = oracle if group == "oracle" else loaded.get(group)
        rows.append((group, res))
    return {"loaded": loaded, "oracle": oracle, "rows": rows, "cv_oracle": cross_validated_oracle(loaded)}


def main_table(data: dict) -> str:
    lines = ["| configuration | settings | problems | n | pass@1 % | 95% CI | pass@5 % | 95% CI | seed | time | tokens |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for group, res in data["rows"]:
        label = group if res is None else row_label(group, res)
        if res is not None and len(res.batched) > 1:
            label += " (mixes batched and sequential sampling)"
        if res is None:
            cfg = find(group) if group != "oracle" else None
            lines.append(f"| {label} | {describe(cfg) if cfg else 'grid, see below'} | not yet run | | | | | | | | |")
            continue
        p1, p5 = res.values("pass@1"), res.values("pass@5")
        has5 = len(p5) and not np.isnan(p5).any()
        lines.append("| " + " | ".join([
            label, describe(find(res.name)), str(len(res.rows)), "/".join(map(str, res.ns)),
            fmt_pct(p1.mean()), fmt_ci(bootstrap_ci(p1)),
            fmt_pct(p5.mean()) if has5 else "–", fmt_ci(bootstrap_ci(p5)) if has5 else "–",
            f"{res.seed} + 1000·task + i", fmt_time(res.seconds), str(res.tokens)]) + " |")
    return "\n".join(lines)


def describe(cfg) -> str:
    if cfg is None:
        return ""
    s = cfg.sampler
    if s["mode"] == "greedy":
        return "argmax"
    if s["mode"] == "static":
        extra = ""
        if s.get("top_k"):
            extra += f", top-k {s['top_k']}"
        if s.get("repetition_penalty", 1) != 1:
            extra += f", rep. penalty {s['repetition_penalty']:g} (whole context)"
        return f"T {s['temperature']:g}, P {s['top_p']:g}{extra}"
    if s["mode"] == "mean":
        return "static T, P = heads' recorded mean"
    return "heads' T, P per token"


def common_table(data: dict) -> str:
    """pass@1 of every measured configuration over the problems all of them have, so rows that
    cover different problem sets (a run still going) can be compared with each other."""
    measured = [(g, r) for g, r in data["rows"] if r is not None]
    if not measured:
        return "Nothing measured yet."
    tasks = common_tasks([r for _, r in measured])
    if not tasks:
        return "No problem is in every configuration's results yet."
    numbers = [task_number(t) for t in tasks]
    prefix = tasks[0].rsplit("/", 1)[0]
    span = (f"{prefix}/{numbers[0]}–{numbers[-1]}" if numbers == list(range(numbers[0], numbers[-1] + 1))
            else f"{len(tasks)} problems")
    lines = [f"Over the {len(tasks)} problems that every row has ({span}):", "",
             "| configuration | pass@1 % | 95% CI |", "|---|---|---|"]
    for group, res in measured:
        v = res.values("pass@1", tasks)
        lines.append(f"| {row_label(group, res)} | {fmt_pct(v.mean())} | {fmt_ci(bootstrap_ci(v))} |")
    return "\n".join(lines)


def paired_table(data: dict) -> str:
    """AutoDeco minus each other configuration, over the problems both have."""
    auto = data["loaded"].get("autodeco")
    lines = ["| AutoDeco − … | problems | Δ pass@1 (points) | 95% CI |", "|---|---|---|---|"]
    for group, res in data["rows"]:
        if group == "autodeco":
            continue
        if auto is None or res is None:
            lines.append(f"| {group} | not yet run | | |")
            continue
        tasks = [t for t in auto.by_task if t in res.by_task]
        d = auto.values("pass@1", tasks) - res.values("pass@1", tasks)
        lines.append(f"| {group if group != 'oracle' else 'oracle (' + res.name[7:] + ')'} | {len(tasks)} | "
                     f"{100 * d.mean():+.1f} | {fmt_ci(bootstrap_ci(d))} |")
    return "\n".join(lines)


def grid_table(data: dict) -> str:
    loaded = data["loaded"]
    lines = ["| T \\ P | " + " | ".join(f"{p:g}" for p in ORACLE_TOP_PS) + " |",
             "|---|" + "---|" * len(ORACLE_TOP_PS)]
    for t in ORACLE_TEMPERATURES:
        cells = []
        for p in ORACLE_TOP_PS:
            res = loaded.get(oracle_name(t, p))
            cells.append("not yet run" if res is None else f"{fmt_pct(res.mean('pass@1'))} ({len(res.rows)}×{'/'.join(map(str, res.ns))})")
        lines.append(f"| {t:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cv_oracle_text(data: dict) -> str:
    cv, oracle = data.get("cv_oracle"), data.get("oracle")
    if cv is None or oracle is None:
        return "Not available until the grid has been run."
    v = cv["values"]
    same = [t for t in cv["tasks"] if t in oracle.by_task]
    even, odd = (c[7:] for c in cv["chosen"])
    lines = [f"Best grid point chosen on the even-numbered problems: {even}; on the odd-numbered: {odd}. "
             f"Each half scored with the point chosen on the other half, over {len(v)} problems: "
             f"pass@1 **{fmt_pct(v.mean())}%** {fmt_ci(bootstrap_ci(v))}, against "
             f"{fmt_pct(oracle.mean('pass@1', same))}% for the oracle row (the best point chosen and scored on "
             "the same problems)."]
    auto = data["loaded"].get("autodeco")
    if auto is not None:
        tasks = [t for t in cv["tasks"] if t in auto.by_task]
        by_task = dict(zip(cv["tasks"], v))
        d = auto.values("pass@1", tasks) - np.array([by_task[t] for t in tasks])
        lines.append(f"AutoDeco minus the cross-validated oracle, paired over {len(tasks)} problems: "
                     f"{100 * d.mean():+.1f} points {fmt_ci(bootstrap_ci(d))}.")
    return " ".join(lines)


def token_table(data: dict) -> str:
    lines = ["| configuration | value | tokens | mean | std | min | p5 | p25 | p50 | p75 | p95 | max |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("autodeco", "meanshift"):
        res = data["loaded"].get(name)
        for which, label in (("T", "temperature"), ("P", "top-p")):
            if res is None:
                lines.append(f"| {name} | {label} | not yet run |" + " |" * 9)
                continue
            s = summarize(res.token_values(which))
            keys = ["mean", "std", "min", "p5", "p25", "p50", "p75", "p95", "max"]
            lines.append(f"| {name} | {label} | {s['count']} | " + " | ".join(f"{s[k]:.3f}" for k in keys) + " |")
    return "\n".join(lines)


def outcome_table(data: dict) -> str:
    """AutoDeco's samples split by outcome: how long they ran and how hot the heads made them."""
    res = data["loaded"].get("autodeco")
    lines = ["| AutoDeco samples | samples | mean tokens | stopped at max tokens | mean T | tokens with T > 1 | mean P |",
             "|---|---|---|---|---|---|---|"]
    if res is None:
        return "\n".join(lines + ["| not yet run |" + " |" * 6])
    for label, want in (("passed", True), ("failed or timed out", False)):
        picked = [s for r in res.rows for s in r["samples"] if (s["status"] == "passed") == want]
        temps = [t for s in picked for t in s.get("T_tokens", [])]
        tops = [p for s in picked for p in s.get("P_tokens", [])]
        if not picked or not temps:
            lines.append(f"| {label} | {len(picked)} |" + " |" * 5)
            continue
        capped = sum(s["stop_reason"] == "max_tokens" for s in picked)
        lines.append(f"| {label} | {len(picked)} | {np.mean([s['n_tokens'] for s in picked]):.0f} | {capped} | "
                     f"{np.mean(temps):.3f} | {100 * np.mean(np.array(temps) > 1):.1f}% | {np.mean(tops):.3f} |")
    return "\n".join(lines)


def status_table(data: dict) -> str:
    lines = ["| configuration | samples | passed | failed | timeout | stopped at max tokens |", "|---|---|---|---|---|---|"]
    for name, res in sorted(data["loaded"].items()):
        st = res.statuses()
        capped = sum(s["stop_reason"] == "max_tokens" for r in res.rows for s in r["samples"])
        lines.append(f"| {name} | {sum(st.values())} | {st.get('passed', 0)} | {st.get('failed', 0)} | "
                     f"{st.get('timeout', 0)} | {capped} |")
    return "\n".join(lines)


def markdown(data: dict, plot_name: Optional[str]) -> str:
    parts = ["### pass@k per configuration", "", main_table(data), "",
             "### Every configuration on the same problems", "", common_table(data), "",
             "### AutoDeco against each configuration (paired over problems)", "", paired_table(data), "",
             "### Static oracle grid (pass@1 %, problems × n)", "", grid_table(data), "",
             "### The oracle's selection bias (cross-validated over halves)", "", cv_oracle_text(data), "",
             "### Per-token temperature and top-p actually used", "", token_table(data), "",
             "### AutoDeco's samples by outcome", "", outcome_table(data), "",
             "### Outcomes of every sample", "", status_table(data)]
    if plot_name:
        parts += ["", f"![pass@1 per configuration]({plot_name})"]
    return "\n".join(parts) + "\n"


def plot(data: dict, path: pathlib.Path, title: str = "HumanEval") -> bool:
    """Bar chart of pass@1 with 95% CIs; False when nothing is measured yet."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    measured = [(g, r) for g, r in data["rows"] if r is not None]
    if not measured:
        return False
    # Over the problems every row has, so bars of a run still going compare like with like.
    common = common_tasks([r for _, r in measured])
    if not common:
        return False
    labels, means, lo, hi = [], [], [], []
    for group, res in measured:
        v = res.values("pass@1", common)
        a, b = bootstrap_ci(v)
        labels.append(group if group != "oracle" else f"oracle\n{res.name[7:]}")
        means.append(100 * v.mean())
        lo.append(100 * (v.mean() - a))
        hi.append(100 * (b - v.mean()))
    fig, ax = plt.subplots(figsize=(7, 3.8), dpi=120)
    ax.bar(labels, means, yerr=[lo, hi], capsize=5, color="#4C72B0")
    ax.set_ylabel("pass@1 (%)")
    models = sorted({r["settings"].get("model", "?") for _, res in measured for r in res.rows})
    ax.set_title(f"{title} ({len(common)} problems every row has), {', '.join(models)}\n"
                 "pass@1 with 95% bootstrap CI", fontsize=10)
    ax.set_ylim(0, min(100, max(m + h for m, h in zip(means, hi)) * 1.15 + 2))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def write(out_dir: pathlib.Path, doc: Optional[pathlib.Path], plot_path: Optional[pathlib.Path],
          title: str = "HumanEval", block: str = "humaneval-results") -> str:
    """The report of the results in out_dir: to out_dir/report.md, to the `block` of `doc` and
    as a plot titled `title`."""
    data = build(out_dir)
    plotted = plot(data, plot_path, title) if plot_path else False
    plot_ref = None
    if plotted and doc is not None:
        plot_ref = str(pathlib.Path(plot_path).resolve().relative_to(pathlib.Path(doc).resolve().parent))
    elif plotted:
        plot_ref = str(plot_path)
    text = markdown(data, plot_ref)
    (pathlib.Path(out_dir) / "report.md").write_text(text, encoding="utf-8")
    if doc is not None:
        replace_block(pathlib.Path(doc), text, block)
    return text


def replace_block(doc: pathlib.Path, text: str, block: str = "humaneval-results") -> None:
    """Puts `text` between the markers of `block` in `doc`."""
    begin, end = markers(block)
    content = doc.read_text(encoding="utf-8")
    if begin not in content or end not in content:
        raise ValueError(f"{doc} has no {begin} … {end} block to fill")
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    doc.write_text(pattern.sub(lambda _: begin + "\n" + text + end, content), encoding="utf-8")
