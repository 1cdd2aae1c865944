"""What U.S. support does for a domestic rare-earth refinery, and how much closes the gap.

The shipped U.S. route (``high_waste_route``, 99.5 % NdPr oxide, thorium-bearing residue
disposed of as U.S. low-level waste) against the shipped Chinese-cost
``cascade_refinery``, under three levers and their sum:

* the Department of Defense NdPr price floor of MP Materials' 2025 agreement, US$110/kg
  for ten years (``tecmodel.policy.ndpr_price_floor``, MP 10-Q Q3 2025);
* the §45X production credit, 10 % of production costs (26 U.S.C. 45X(b)(1)(M)), with
  the phase-out of Pub. L. 119-21 (2025) from calendar 2031, for a plant first producing
  in 2028 (an assumption); the costs are the operating cost, and in one more row the
  operating cost plus the year's tax depreciation (``finance.production_credit_base``,
  the §263A reading of 26 CFR 1.45X-4(c), relayed in ``data/policy.toml``);
* a concessional loan: 60 % of the capital at 4 %/yr over 15 years with 2 grace years
  (an assumption, of the order of U.S. Treasury-linked public lending; not a quoted
  term sheet).

Then: the NPV against the NdPr market price with and without support, and the grant,
credit rate or loan rate that alone brings the U.S. levelized cost down to the
cascade refinery's, for 200 Monte-Carlo samples of the capital estimate.
Figure: ``examples/out/us_policy.png``. Run: ``python examples/us_policy.py``.
"""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from tecmodel import Q_, policy, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.distributions import Uniform
from tecmodel.sensitivity import Study
from tecmodel.support import support_needed

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
OUT = Path(__file__).resolve().parent / "out"
OUT.mkdir(exist_ok=True)

floor, floor_years = policy.ndpr_price_floor()
LEVERS = {
    "DoD floor": {
        "products.NdPr_oxide.price_floor": floor,
        "products.NdPr_oxide.price_floor_years": floor_years,
    },
    "§45X credit": {
        "finance.production_credit_rate": policy.production_credit_rate(),
        "finance.first_production_year": 2028,
    },
    "concessional loan": {
        "finance.debt_fraction": 0.6,
        "finance.debt_rate": 0.04,
        "finance.debt_years": 15,
        "finance.grace_years": 2,
    },
}
LEVERS["all three"] = {k: v for changes in list(LEVERS.values()) for k, v in changes.items()}


def with_levers(plant, changes):
    for path, value in changes.items():
        plant = plant.replace(path, value)
    return plant


# 1. The two routes, and the U.S. route under each lever (physics run once).
us_plant = scenarios.load("high_waste_route")
flows = us_plant.simulate()
cascade = scenarios.load("cascade_refinery").evaluate()
cases = {"no support": us_plant, **{n: with_levers(us_plant, c) for n, c in LEVERS.items()}}
WIDER_BASE = {"finance.production_credit_base": "operating_cost_and_depreciation"}
cases["§45X incl. deprec."] = with_levers(cases["§45X credit"], WIDER_BASE)
results = {name: plant.evaluate(flows) for name, plant in cases.items()}

ndpr = us_plant.get("products.NdPr_oxide.price")
print(f"U.S. route (high_waste_route) at NdPr {ndpr:~P}; cascade refinery levelized cost")
print(f"{cascade.levelized_cost:.2f~P} REO\n")
print(f"{'case':<20}{'levelized cost':>16}{'NPV':>12}{'equity IRR':>12}{'project IRR':>13}")
print(f"{'':<20}{'[USD/kg REO]':>16}{'[MUSD]':>12}{'[%]':>12}{'[%]':>13}")
for name, result in results.items():
    print(
        f"{name:<20}{result.levelized_cost.to('USD/kg').magnitude:>16.2f}"
        f"{result.npv().to('MUSD').magnitude:>12.0f}"
        f"{100 * result.equity_irr():>12.1f}{100 * result.project_irr():>13.1f}"
    )
print(
    "\nThe levelized cost is the price every kg of REO would need; the floor does not"
    "\nchange it (it pays only when the market price is below US$110/kg)."
)

# 2. NPV against the NdPr market price: the floor flattens the downside.
prices = np.linspace(20, 160, 29)
curves = {}
for name in ("no support", "DoD floor", "all three"):
    swept = cases[name].replace("products.NdPr_oxide.price", Q_(prices, ndpr.units))
    curves[name] = swept.evaluate(flows).npv().to("MUSD").magnitude
breakeven = prices[np.argmax(curves["no support"] >= 0)]
print(f"\nWithout support the U.S. route breaks even near NdPr {breakeven:.0f} {ndpr.units:~P}.")
print(f"With the floor its NPV is at least {curves['DoD floor'].min():,.0f} MUSD at any price.")

# 3. Support that alone matches the cascade refinery's levelized cost, for 200 samples
#    of the capital estimate (AACE class range, here uniform 0.8-1.3 as an assumption).
study = Study(us_plant, {"costing.capital_estimate_factor": Uniform(0.8, 1.3)})
samples = study.sample(200, seed=15)
grant = support_needed(us_plant, "finance.grant", target=cascade, samples=samples)
credit = support_needed(
    us_plant, "finance.production_credit_rate", target=cascade, samples=samples
)
credit_wider = support_needed(
    with_levers(us_plant, WIDER_BASE),
    "finance.production_credit_rate",
    target=cascade,
    samples=samples,
)
loan = with_levers(us_plant, {"finance.debt_fraction": 0.6, "finance.debt_years": 15})
rate = support_needed(loan, "finance.debt_rate", target=cascade, samples=samples)
print("\nSupport that alone brings the U.S. levelized cost to the cascade refinery's")
print("(5th / 50th / 95th percentile over the capital-estimate samples)")
for label, values, scale, unit in (
    ("capital grant", grant.to("MUSD").magnitude, 1.0, "MUSD"),
    ("production credit rate", credit, 100.0, "% of opex"),
    ("  the same, incl. depreciation", credit_wider, 100.0, "% of opex + depr."),
    ("loan rate, 60 % debt, 15 yr", rate, 100.0, "%/yr"),
):
    if np.all(np.isnan(values)):
        print(f"  {label:<30}  not enough in any sample, even at 0 %")
        continue
    low, mid, high = np.nanpercentile(values * scale, [5, 50, 95])
    reached = int(np.count_nonzero(~np.isnan(values)))
    note = f"  (in the {reached} of {len(values)} samples it can)"
    note = "" if reached == len(values) else note
    print(f"  {label:<30}{low:>9.1f}{mid:>9.1f}{high:>9.1f}  {unit}{note}")
free = loan.replace("finance.debt_rate", 0.0).evaluate(flows).levelized_cost
print(f"  (an interest-free 60 % loan gives {free:.2f~P} at the base capital estimate)")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
for name, npv in curves.items():
    left.plot(prices, npv, marker="o", markersize=3, label=name)
left.axhline(0, color="0.5", lw=0.8)
left.axvline(floor.to(ndpr.units).magnitude, color="0.5", ls=":", lw=0.8)
left.set_xlabel(f"NdPr oxide market price [{ndpr.units:~P}]")
left.set_ylabel("Equity NPV at 10 %/yr [MUSD]")
left.set_title("U.S. route: NPV against the NdPr price")
left.legend(frameon=False)
right.hist(grant.to("MUSD").magnitude, bins=20, color="tab:green")
right.set_xlabel("Grant that matches the cascade's levelized cost [MUSD]")
right.set_ylabel("Samples")
right.set_title("Support needed (200 capital-estimate samples)")
fig.tight_layout()
fig.savefig(OUT / "us_policy.png", dpi=120)
print(f"\nFigure: {OUT / 'us_policy.png'}")
