"""The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models
Trained on Code", section 2.1): with n samples of which c pass, the probability that at least
one of k samples drawn without replacement passes is 1 - C(n-c, k) / C(n, k)."""
from math import comb


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem; exact integer binomials, so no cancellation."""
    if not (0 <= c <= n) or not (1 <= k <= n):
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:  # every k-subset contains a passing sample
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)
