"""Physics studies of ``cascade_refinery``, all measured in this run (issue 13).

1. One evaluation from a cold start (no design kept): the total against the issue's
   30 ms target, split into the cascade solver (``tecmodel.separation``'s
   ``design_cascade`` and ``simulate_multicomponent``, timed where the SX stages call
   them) and the rest, and into physics and money; then a re-evaluation with the designs
   kept.
2. Physics Monte Carlo — separation factors of two sections (Pr/Ce of ``sx_ce_pr``, Nd/Pr
   of ``sx_pr_nd``), a purity target (``sx_pr_nd.purity_extract``) and the feed rate —
   in samples/s against the 5,000/s target, and against the method before issue 13 on
   the same samples: every stage of every chunk run and every design computed
   (``Study._function(fast=False, reuse=False)`` inside
   ``design_reuse.without_reuse()``); their agreement and where the time goes.
3. A study of one downstream section only (``sx_pr_nd``: Nd/Pr and its purity): the
   stages upstream of it and the other sections keep the base results.
4. Feed rate and a price: every cascade design is reused across the change of scale.

Section 2 runs again with 16 n samples (2b): the solver's fixed cost per batch is spread
over more samples, as in a study of thousands of samples.

Times are this process's CPU time (``time.process_time``): the machine these figures
were taken on is shared, and CPU time is what one core spends whatever the others do
(with ``OPENBLAS_NUM_THREADS=1`` it equals the wall time on an idle machine).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_physics_study.py [n]`` (n samples
in 2-3, default 256; section 2b uses 16 n, section 4 uses 4 n). Studies run in the default chunks.
"""

import sys
import time
import warnings

import numpy as np

from tecmodel import Q_, scenarios
from tecmodel.distributions import Uniform
from tecmodel.parallel import DEFAULT_CHUNK_SIZE
from tecmodel.sensitivity import Study
from tecmodel.separation import design_reuse

warnings.simplefilter("ignore")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 256

# the solver is timed where the SX stages call it (no profiler overhead)
solver_time = [0.0]
for wrapper in (design_reuse.design_cascade, design_reuse.simulate_multicomponent):
    inner = wrapper.function

    def timed(*args, _inner=inner, **kwargs):
        start = time.process_time()
        try:
            return _inner(*args, **kwargs)
        finally:
            solver_time[0] += time.process_time() - start

    wrapper.function = timed


def measure(function, repeats=1):
    """(best wall time, solver time of that run) over ``repeats`` runs [s]."""
    best = None
    for _ in range(repeats):
        solver_time[0] = 0.0
        start = time.process_time()
        function()
        elapsed = time.process_time() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, solver_time[0])
    return best


def split(elapsed, solver):
    rest = elapsed - solver
    return (
        f"solver {1e3 * solver:,.1f} ms ({100 * solver / elapsed:.0f} %), "
        f"the rest {1e3 * rest:,.1f} ms ({100 * rest / elapsed:.0f} %)"
    )


# ------------------------------------------------------------------ 1. one evaluation
refinery = scenarios.load("cascade_refinery")
refinery = refinery.replace("stages.sx_ce_pr.separation_factors", {"Pr/Ce": 2.04}).replace(
    "stages.sx_pr_nd.separation_factors", {"Nd/Pr": 1.58}
)
refinery.evaluate()  # imports, tables


def cold():
    design_reuse.forget()
    refinery.evaluate()


def cold_physics():
    design_reuse.forget()
    refinery.simulate()


cold_time, cold_solver = measure(cold, 5)
physics_time, physics_solver = measure(cold_physics, 5)
flows = refinery.simulate()
money_time, _ = measure(lambda: refinery.evaluate(flows), 10)
warm_time, warm_solver = measure(refinery.evaluate, 10)
print("1. One evaluation of cascade_refinery (best of 5; target 30 ms)")
print(
    f"   cold start (no design kept): {1e3 * cold_time:,.1f} ms: {split(cold_time, cold_solver)}"
)
print(
    f"   physics {1e3 * physics_time:,.1f} ms (solver {1e3 * physics_solver:,.1f} ms), "
    f"money {1e3 * money_time:,.1f} ms"
)
print(f"   again, designs kept: {1e3 * warm_time:,.1f} ms: {split(warm_time, warm_solver)}")
print(
    f"   ratio to the target: {cold_time / 0.030:.1f}x cold, {warm_time / 0.030:.2f}x warm; "
    f"without the solver {(cold_time - cold_solver) / 0.030:.2f}x"
)


# ------------------------------------------------------------------ studies
def compare(title, parameters, samples_n):
    study = Study(refinery, parameters)
    samples = study.sample(samples_n, seed=1)
    chunk = study._function().chunk_size or DEFAULT_CHUNK_SIZE

    def now():
        return study.monte_carlo(samples_n, seed=1).values.magnitude

    def before():
        function = study._function(fast=False, reuse=False)
        with design_reuse.without_reuse():
            return np.concatenate(
                [
                    function({p: v[a : a + chunk] for p, v in samples.items()})
                    for a in range(0, samples_n, chunk)
                ]
            )

    study.monte_carlo(4, seed=0)  # warm up this study's code paths
    design_reuse.forget()
    solver_time[0] = 0.0
    start = time.process_time()
    new = now()
    new_time, new_solver = time.process_time() - start, solver_time[0]
    solver_time[0] = 0.0
    start = time.process_time()
    old = before()
    old_time, old_solver = time.process_time() - start, solver_time[0]
    agreement = np.max(np.abs(new - old) / np.abs(old))
    print(title)
    print(
        f"   now:    {samples_n / new_time:10,.1f} samples/s ({new_time:.2f} s; "
        f"{split(new_time, new_solver)})"
    )
    print(
        f"   before: {samples_n / old_time:10,.1f} samples/s ({old_time:.2f} s; "
        f"{split(old_time, old_solver)})"
    )
    rate = samples_n / new_time
    target = "meets 5,000/s" if rate >= 5000 else f"{5000 / rate:,.1f}x short of 5,000/s"
    print(
        f"   speed-up {old_time / new_time:.2f}x; largest relative difference {agreement:.1e}; "
        + target
    )


physics = {
    "stages.sx_ce_pr.separation_factors.Pr/Ce": Uniform(1.9, 2.2),
    "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
    "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
    "feed.rate": Uniform(Q_(4.0, "t/h"), Q_(4.8, "t/h")),
}
compare(
    f"2. Physics Monte Carlo: 2 separation factors, a purity, the feed rate; {n} samples",
    physics,
    n,
)
# the rate grows with the solver's batch (one chunk of up to DEFAULT_CHUNK_SIZE samples)
compare(f"2b. The same study, {16 * n} samples (one chunk)", physics, 16 * n)
compare(
    f"3. One downstream section (sx_pr_nd: Nd/Pr and its purity); {n} samples",
    {
        "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
        "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
    },
    n,
)
compare(
    f"4. Feed rate and the HCl price (designs reused across scale); {4 * n} samples",
    {
        "feed.rate": Uniform(Q_(4.0, "t/h"), Q_(4.8, "t/h")),
        "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
    },
    4 * n,
)
