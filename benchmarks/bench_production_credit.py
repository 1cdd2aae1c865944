"""Levelized cost with the §45X production credit: the lean kernel against the general solve.

The credit is the one lever :func:`tecmodel.finance._levelized_cost_kernel` knows; before
it did, any lever sent the solve to the general path (two cash-flow tables and a
bracketed Newton search over the loss pool). One batch of 100,000 random plants
(25-year life, MACRS 7-year, carry-forward losses, a §45X-style phase-out), both credit
bases, timed by both routes in one run; the ratio and the largest disagreement (in
units of the price scale) are printed. Run single-threaded::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_production_credit.py
"""

from __future__ import annotations

import os
import time
from functools import partial

import numpy as np

from tecmodel.finance import (
    _LEVER_DEFAULTS,
    _levelized_cost_general,
    _levelized_cost_kernel,
    _prepare,
    _production_credit_only,
    capital_recovery_factor,
)

N = 100_000


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    rng = np.random.default_rng(20261203)
    capital = rng.uniform(1e8, 3e8, N)
    cost = rng.uniform(1e7, 3e7, N)
    production = rng.uniform(1e6, 3e6, N)
    for base in ("operating_cost", "operating_cost_and_depreciation"):
        levers = {
            **_LEVER_DEFAULTS,
            "production_credit_rate": rng.uniform(0.05, 0.15, N),
            "production_credit_schedule": (1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0),
            "production_credit_base": base,
        }
        _, _, (c, o, b), k = _prepare(
            capital, (cost, 0.0), rng.uniform(0.06, 0.14, N), 25, 2, (0.4, 0.6), (0.5,),
            0.1, 0.0, 0.21, "macrs7", None, "carry_forward", 0.0, levers=levers,
        )  # fmt: skip
        rate = np.maximum(k["discount_rate"], 0.0)
        scale = np.abs(c * capital_recovery_factor(rate, k["plant_life"]) + o) / production
        lean = {key: value for key, value in k.items() if key != "levers"}
        credit = _production_credit_only(k["levers"])
        run_general = partial(_levelized_cost_general, c, o, production, b, scale, k)
        run_kernel = partial(
            _levelized_cost_kernel, c, o, production, b, scale, credit=credit, **lean
        )
        general, kernel = run_general(), run_kernel()
        t_general, t_kernel = best_of(run_general, 1), best_of(run_kernel)
        worst = float(np.max(np.abs(general - kernel) / (np.abs(general) + scale)))
        print(
            f"{base:<32} general {N / t_general:>12,.0f}/s   kernel {N / t_kernel:>12,.0f}/s"
            f"   ratio {t_general / t_kernel:>6.1f}x   largest difference {worst:.1e}"
        )


if __name__ == "__main__":
    main()
