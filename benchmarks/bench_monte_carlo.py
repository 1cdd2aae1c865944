"""Monte Carlo throughput of a whole plant: one vectorized evaluation vs a loop.

Prints samples per second for a Monte-Carlo study of the ``high_waste_route`` plant
(six uncertain cost and finance inputs) evaluated as ONE batched plant evaluation, and
for a Python loop that evaluates the plant once per sample (timed on a few samples and
scaled), and their ratio, all measured in this run.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_monte_carlo.py [n]``
"""

import sys
import time
import warnings

import numpy as np

from tecmodel import Q_, scenarios
from tecmodel.distributions import LogUniform, Uniform
from tecmodel.sensitivity import Study

warnings.simplefilter("ignore")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
plant = scenarios.load("high_waste_route")
study = Study(
    plant,
    {
        "costing.disposal_costs.radioactive": LogUniform(
            Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3")
        ),
        "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
        "costing.prices.sodium_hydroxide": Uniform(Q_(250, "USD/t"), Q_(700, "USD/t")),
        "costing.labor_rate": Uniform(Q_(25, "USD/h"), Q_(60, "USD/h")),
        "finance.discount_rate": Uniform(0.06, 0.14),
        "costing.location_factor": Uniform(0.8, 1.3),
    },
)

start = time.perf_counter()
result = study.monte_carlo(n, seed=1, chunk_size=250_000)
batched = time.perf_counter() - start

loop_n = 10
samples = study.sample(loop_n, seed=2)
start = time.perf_counter()
for i in range(loop_n):
    one = plant
    for path, values in samples.items():
        unit = study.parameters[path].unit
        one = one.replace(path, Q_(values[i], unit) if unit else values[i])
    one.evaluate().levelized_cost  # noqa: B018
looped = (time.perf_counter() - start) / loop_n

print(f"Monte Carlo of high_waste_route, {n:,} samples, 6 uncertain inputs")
print(
    f"  one batched evaluation (chunks of 250,000): {batched:8.2f} s = "
    f"{n / batched:12,.0f} samples/s"
)
print(
    f"  loop of single evaluations ({loop_n} timed):    {looped:8.3f} s each = "
    f"{1 / looped:12,.1f} samples/s"
)
print(f"  ratio batched / loop: {(n / batched) * looped:,.0f}x")
print(f"  median levelized cost {np.median(result.values.magnitude):.3f} USD/kg")
