"""Summary statistics of per-token sampling values (temperature, top-p)."""
from typing import Dict, Sequence

import numpy as np

PERCENTILES = (5, 25, 50, 75, 95)


def summarize(values: Sequence[float]) -> Dict[str, float]:
    """count, mean, std, min, p5..p95, max (empty: just count 0)."""
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return {"count": 0}
    out = {"count": int(a.size), "mean": float(a.mean()), "std": float(a.std()), "min": float(a.min())}
    for q, v in zip(PERCENTILES, np.percentile(a, PERCENTILES)):
        out[f"p{q}"] = float(v)
    out["max"] = float(a.max())
    return {k: (round(v, 5) if isinstance(v, float) else v) for k, v in out.items()}


def varies(values: Sequence[float]) -> bool:
    return len(values) > 0 and min(values) != max(values)
