"""Stress set of the three-outlet solver: random designs, how many converge.

Run: ``PYTHONPATH=. python scripts/side_draw_stress.py``. Prints the counts of designs
that converge, raise InfeasibleDesignError, or are refused as bad input (a draw that
leaves an outlet without flux), and the median / 90 % / largest iteration counts.
Every converged design must close its balance to 1e-9.
"""

import numpy as np

from tecmodel.errors import InfeasibleDesignError, InputError
from tecmodel.separation.side_draw import simulate_side_draw


def main(count=300, seed=1):
    rng = np.random.default_rng(seed)
    converged, raised, refused, iterations = 0, 0, 0, []
    for _ in range(count):
        components = int(rng.integers(3, 7))
        steps = np.exp(rng.uniform(np.log(1.2), np.log(3.0), components - 1))
        beta = np.concatenate([[1.0], np.cumprod(steps)])[::-1]
        feed = rng.dirichlet(np.ones(components))
        n, m = int(rng.integers(2, 60)), int(rng.integers(2, 60))
        W = float(np.exp(rng.uniform(np.log(0.2), np.log(6.0))))
        S = W + float(rng.uniform(0.05, 0.95))
        k = int(rng.integers(2, n + m))
        phase = ("aqueous", "organic")[int(rng.integers(2))]
        fraction = float(rng.uniform(0.005, 0.3))
        try:
            result = simulate_side_draw(beta, feed, n, m, S, W, k, fraction, draw_phase=phase)
        except InfeasibleDesignError:
            raised += 1
            continue
        except InputError:
            refused += 1
            continue
        assert float(result.mass_balance_error) < 1e-9
        converged += 1
        iterations.append(int(result.iterations))
    print(f"converged {converged}, raised {raised}, refused as bad input {refused}")
    print("iterations (median, 90 %, max):", np.percentile(iterations, [50, 90, 100]))


if __name__ == "__main__":
    main()
