"""Throughput of the vectorized ``tecmodel.finance.irr`` against a loop of ``numpy_financial.irr``.

Two batches of 10,000 random thirty-year cash-flow series (31 values, t = 0..30):

* ``conventional``: two years of investment, then positive returns (one sign change,
  the usual plant; solved by the batched safeguarded Newton iteration);
* ``mixed``: every value of either sign (several sign changes; solved by batched
  companion-matrix eigenvalues with numpy-financial's closest-to-zero rule).

numpy-financial is timed on a subset and extrapolated per case. Both rates, their
ratio and the largest disagreement are measured in one run. Run single-threaded::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_irr.py
"""

from __future__ import annotations

import os
import time

import numpy as np

from tecmodel.finance import irr

N_CASES = 10_000
N_REFERENCE = 1_000  # numpy-financial cases actually run
YEARS = 30


def batches(rng: np.random.Generator) -> dict[str, np.ndarray]:
    investment = -rng.uniform(50.0, 150.0, (N_CASES, 2))
    returns = rng.uniform(0.0, 20.0, (N_CASES, YEARS - 1))
    conventional = np.concatenate([investment, returns], axis=1)
    mixed = np.concatenate([investment, rng.uniform(-5.0, 20.0, (N_CASES, YEARS - 1))], axis=1)
    return {"conventional": conventional, "mixed": mixed}


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    import numpy_financial as npf

    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    rng = np.random.default_rng(20240605)
    for name, cashflows in batches(rng).items():
        vectorized = best_of(lambda c=cashflows: irr(c))
        subset = cashflows[:N_REFERENCE]
        loop = best_of(lambda s=subset: [npf.irr(row) for row in s], repeats=1)
        ours = irr(cashflows)[:N_REFERENCE]
        theirs = np.array([npf.irr(row) for row in subset])
        same_nan = np.array_equal(np.isnan(ours), np.isnan(theirs))
        difference = np.nanmax(np.abs(ours - theirs)) if np.isfinite(ours).any() else 0.0
        rate_vectorized = N_CASES / vectorized
        rate_loop = N_REFERENCE / loop
        print(
            f"{name:>12}: tecmodel.irr {rate_vectorized:12,.0f} series/s "
            f"({N_CASES} in {vectorized * 1e3:.1f} ms); numpy_financial.irr loop "
            f"{rate_loop:9,.0f} series/s ({N_REFERENCE} in {loop * 1e3:.0f} ms); "
            f"ratio {rate_vectorized / rate_loop:6.1f}x; max |diff| {difference:.2e}; "
            f"NaN pattern equal: {same_nan}; NaN count {int(np.isnan(ours).sum())}"
        )


if __name__ == "__main__":
    main()
