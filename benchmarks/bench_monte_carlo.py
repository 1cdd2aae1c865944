"""Study throughput, all measured in this run (issue 13); prints figures and ratios.

1. Economic-only Monte Carlo of ``high_waste_route`` (six price/finance inputs), with the
   defaults, against a hand-written raw-numpy reference of the same levelized cost (the
   money affine in the inputs by finite differences of single plant evaluations, then a
   (n,)-vector DCF with the loss pool carried year by year and a Newton solve). Same
   samples; their agreement is printed.
2. Peak memory of a 1e6-sample study with the defaults (tracemalloc, in a second run so
   the timing is not disturbed), and the process's peak resident set.
3. One evaluation of ``cascade_refinery``, and a physics Monte Carlo of it (separation
   factors of two SX sections, a purity target and the feed rate), with where its time
   goes.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_monte_carlo.py [n] [physics_n]``
"""

import cProfile
import io
import pstats
import resource
import sys
import time
import tracemalloc
import warnings

import numpy as np

from tecmodel import Q_, scenarios
from tecmodel.costing.operating import is_reagent_price
from tecmodel.distributions import LogUniform, Uniform
from tecmodel.finance import macrs
from tecmodel.sensitivity import Study
from tecmodel.units import reagent_price_in

warnings.simplefilter("ignore")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
physics_n = int(sys.argv[2]) if len(sys.argv) > 2 else 16

PARAMETERS = {
    "costing.disposal_costs.radioactive": LogUniform(Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3")),
    "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
    "costing.prices.sodium_hydroxide": Uniform(Q_(250, "USD/t"), Q_(700, "USD/t")),
    "costing.labor_rate": Uniform(Q_(25, "USD/h"), Q_(60, "USD/h")),
    "finance.discount_rate": Uniform(0.06, 0.14),
    "costing.location_factor": Uniform(0.8, 1.3),
}
plant = scenarios.load("high_waste_route")
study = Study(plant, PARAMETERS)
study.monte_carlo(1000, seed=0)  # warm up (the physics run and the money table)


# ---------------------------------------------------------------- raw-numpy reference
def money(result):
    return np.array(
        [
            float(result.capex.to("USD").magnitude),
            float(result.capital.working_capital.to("USD").magnitude),
            float(result.opex.to("USD/yr").magnitude),
            float(result.production.to("kg/yr").magnitude),
        ]
    )


costing_paths = [p for p in PARAMETERS if not p.startswith("finance.")]


def base_in_sampled_unit(path):
    """The plant's value at ``path`` in the unit its distribution samples in; a reagent
    price converts by the PPI rule (reagent_price_in), as the costing reads it, so the
    shipped plant lies on the line the samples lie on."""
    unit, value = PARAMETERS[path].unit, plant.get(path)
    if not unit:
        return float(value)
    return (reagent_price_in(value, unit) if is_reagent_price(path) else value.to(unit)).magnitude


base_money = money(plant.evaluate())
gradient = {}
for path in costing_paths:  # the money is affine in each price/rate/factor
    unit = PARAMETERS[path].unit
    x0 = base_in_sampled_unit(path)
    moved = plant.replace(path, Q_(2 * x0, unit) if unit else 2 * x0).evaluate()
    gradient[path] = ((money(moved) - base_money) / x0, x0)
terms = plant.finance.resolved()
LIFE, BUILD = int(terms["plant_life"]), terms["construction_years"]
PROFILE, TAX = np.asarray(terms["capital_spend_profile"]), float(terms["tax_rate"])
MACRS7 = np.asarray(macrs(7))  # IRS Pub. 946 Table A-1, as tecmodel holds it


def reference_levelized_cost(capital, working, opex, production, rate):
    """Straight numpy: yearly flows as (n,) vectors, the loss pool carried year by
    year, Newton on the price from the offset-rule price (a lower bound)."""
    years = BUILD + LIFE
    d = 1.0 / (1.0 + rate)
    discount = [np.ones_like(rate)]
    for _ in range(years - 1):
        discount.append(discount[-1] * d)
    depreciation = np.zeros(years)
    depreciation[BUILD : BUILD + MACRS7.size] = MACRS7 / MACRS7.sum()
    pretax0 = -capital * sum(PROFILE[t] * discount[t] for t in range(BUILD))
    pretax0 = pretax0 - working * (discount[BUILD - 1] - discount[years - 1])
    revenue_pv = sum(discount[t] for t in range(BUILD, years))
    pretax0 = pretax0 - opex * revenue_pv
    dep_pv = sum(depreciation[t] * discount[t] for t in range(BUILD, years))
    price = -(pretax0 - TAX * (-opex * revenue_pv - capital * dep_pv)) / (
        production * revenue_pv * (1 - TAX)
    )
    for _ in range(30):
        pool = np.zeros_like(rate)
        tax_pv = np.zeros_like(rate)
        tax_slope = np.zeros_like(rate)
        pool_slope = np.zeros_like(rate)
        for t in range(BUILD, years):
            income = price * production - opex - capital * depreciation[t]
            gain = income > 0
            used = np.where(gain, np.minimum(pool, income), 0.0)
            used_slope = np.where(gain, np.where(pool < income, pool_slope, production), 0.0)
            tax_pv += TAX * (np.where(gain, income, 0.0) - used) * discount[t]
            tax_slope += TAX * (np.where(gain, production, 0.0) - used_slope) * discount[t]
            pool = pool - used + np.where(gain, 0.0, -income)
            pool_slope = pool_slope - used_slope + np.where(gain, 0.0, -production)
        value = pretax0 + price * production * revenue_pv - tax_pv
        step = -value / (production * revenue_pv - tax_slope)
        price = price + step
        if np.all(np.abs(step) <= 1e-13 * np.abs(price)):
            break
    return price


def reference(n, seed, chunk=65536):
    samples = study.sample(n, seed)
    out = np.empty(n)
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        m = base_money[:, None] + sum(
            gradient[p][0][:, None] * (samples[p][a:b] - gradient[p][1]) for p in costing_paths
        )
        capex, working, opex, production = m
        out[a:b] = reference_levelized_cost(
            capex - working, working, opex, production, samples["finance.discount_rate"][a:b]
        )
    return out


# wall time, and this process's CPU time: on a shared machine the second is what one
# core spends whatever the other processes do (one thread with OPENBLAS_NUM_THREADS=1)
t, c = time.perf_counter(), time.process_time()
result = study.monte_carlo(n, seed=1)
tecmodel_time, tecmodel_cpu = time.perf_counter() - t, time.process_time() - c
t, c = time.perf_counter(), time.process_time()
raw = reference(n, seed=1)
raw_time, raw_cpu = time.perf_counter() - t, time.process_time() - c
agreement = np.max(np.abs(result.values.magnitude - raw) / raw)

print(f"1. Economic-only Monte Carlo of high_waste_route, {n:,} samples, 6 inputs, defaults")
print(f"   tecmodel Study.monte_carlo:     {tecmodel_time:7.3f} s = {n / tecmodel_time:12,.0f} /s")
print(f"   raw-numpy reference kernel:     {raw_time:7.3f} s = {n / raw_time:12,.0f} /s")
print(f"   ratio tecmodel / reference time: {tecmodel_time / raw_time:.2f}x")
print(
    f"   CPU time: tecmodel {tecmodel_cpu:.3f} s = {n / tecmodel_cpu:,.0f} /s, "
    f"reference {raw_cpu:.3f} s = {n / raw_cpu:,.0f} /s, ratio {tecmodel_cpu / raw_cpu:.2f}x"
)
print(f"   largest relative difference:     {agreement:.2e}")
print(f"   median levelized cost {np.median(result.values.magnitude):.4f} USD/kg")

# ---------------------------------------------------------------- memory
del result, raw
tracemalloc.start()
study.monte_carlo(n, seed=1)
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"2. Peak memory of that study (tracemalloc): {peak / 2**20:,.0f} MB")
print(f"   peak resident set of this process so far: {rss:,.0f} MB")

# ---------------------------------------------------------------- physics
refinery = scenarios.load("cascade_refinery")
refinery.evaluate()
times = []
for _ in range(3):
    t = time.perf_counter()
    refinery.evaluate()
    times.append(time.perf_counter() - t)
print(f"3. One evaluation of cascade_refinery: {1e3 * min(times):,.0f} ms (best of 3)")

refinery = refinery.replace("stages.sx_ce_pr.separation_factors", {"Pr/Ce": 2.04}).replace(
    "stages.sx_pr_nd.separation_factors", {"Nd/Pr": 1.58}
)
physics = Study(
    refinery,
    {
        "stages.sx_ce_pr.separation_factors.Pr/Ce": Uniform(1.9, 2.2),
        "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
        "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
        "feed.rate": Uniform(Q_(4.0, "t/h"), Q_(4.8, "t/h")),
    },
)
profile = cProfile.Profile()
t = time.perf_counter()
profile.enable()
physics.monte_carlo(physics_n, seed=1)
profile.disable()
physics_time = time.perf_counter() - t
print(
    f"   physics Monte Carlo (2 separation factors, a purity, the feed rate), "
    f"{physics_n} samples: {physics_n / physics_time:,.1f} /s (profiled)"
)
text = io.StringIO()
pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
print("   where the time goes (cumulative, tecmodel functions):")
for line in text.getvalue().splitlines():
    if "tecmodel/" in line and ("separation" in line or "stages" in line or "results" in line):
        parts = line.split()
        print(f"     {float(parts[3]):7.2f} s  {parts[-1].split('tecmodel/')[-1]}")
