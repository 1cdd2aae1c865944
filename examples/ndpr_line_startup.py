"""Can a 5,000 t/yr NdPr oxide line in the U.S. compete? Required price and what drives it.

An analyst's question. Start from the shipped ``high_waste_route`` plant (U.S. costs,
Mountain Pass-type concentrate, thorium-bearing residue disposed of as low-level
radioactive waste), scale it to 5,000 t/yr of NdPr oxide, and ask:

1. what NdPr price makes the project's NPV zero (at a 10 %/yr discount rate), against
   the ~US$44/kg China price of June 2024 and the US$75–85/kg that ~40 % of ex-China
   projects need (Benchmark Minerals 2025, REFERENCE_DATA.md);
2. which inputs move that answer (tornado), and how likely the line is to be profitable
   at today's price (Monte Carlo over the uncertain inputs).

Figures go to ``examples/out/``. Run: ``python examples/ndpr_line_startup.py``.
"""

import warnings
from pathlib import Path

from tecmodel import Q_, LogUniform, Study, Uniform, plotting, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.sensitivity import breakeven

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
OUT = Path(__file__).resolve().parent / "out"
NDPR_PRICE = "products.NdPr_oxide.price"

# 1. Scale the reference plant so it makes 5,000 t/yr of NdPr oxide.
reference = scenarios.load("high_waste_route")
base = reference.evaluate()
ndpr = base.annual_production_kg["NdPr_oxide"] / 1000.0  # t/yr
plant = reference.replace("feed.rate", reference.feed.rate * (5_000 / ndpr))
result = plant.evaluate()
print(
    f"NdPr line: {result.annual_production_kg['NdPr_oxide'] / 1e3:,.0f} t/yr NdPr oxide, "
    f"{result.production.to('t/yr'):,.0f~P} REO in all; "
    f"capital {result.capex.to('MUSD'):.0f~P}, operating cost {result.opex.to('MUSD/yr'):.0f~P}"
)

# 2. The NdPr price at which NPV = 0 (La-Ce and SEG sold at their list prices).
required = breakeven(
    plant, NDPR_PRICE, Q_(0, "USD"), Q_(1, "USD/kg"), Q_(400, "USD/kg"), metric="npv"
)
print(
    f"NdPr price for NPV = 0: {required.value:.1f~P} "
    f"(China June 2024 ~44 USD/kg; ex-China projects need 75-85, Benchmark 2025)"
)

# The plant model is a tolling cost: it does not buy its concentrate. A stand-alone
# refinery would. MP Materials' 2024 revenue (US$203.9M) less its NdPr oxide sales
# (1,294 t at a realized US$51/kg, 10-K relayed) over its other 31,400 t of REO sold
# values concentrate at roughly US$4.4/kg REO (a derived estimate, not a quote): at 60 %
# REO that is ~US$2.6/kg of concentrate.
concentrate = Q_(4.4 * 0.60, "USD/kg")
bought = plant.replace("feed.price", concentrate)
required_bought = breakeven(
    bought, NDPR_PRICE, Q_(0, "USD"), Q_(1, "USD/kg"), Q_(400, "USD/kg"), metric="npv"
)
print(f"  ... buying concentrate at {concentrate:.2f~P}: {required_bought.value:.1f~P}")

# 3. Which inputs matter for the NPV, concentrate bought, NdPr price uncertain.
study = Study(
    bought,
    {
        "costing.disposal_costs.radioactive": LogUniform(
            Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3")
        ),
        "costing.prices.sodium_hydroxide": Uniform(Q_(250, "USD/t"), Q_(700, "USD/t")),
        "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
        "costing.labor_rate": Uniform(Q_(25, "USD/h"), Q_(60, "USD/h")),
        "costing.location_factor": Uniform(0.8, 1.3),
        "finance.discount_rate": Uniform(0.06, 0.14),
        NDPR_PRICE: Uniform(Q_(40, "USD/kg"), Q_(85, "USD/kg")),
    },
    metric="npv",
)
tornado = study.tornado()
print("\n" + tornado.table())
monte_carlo = study.monte_carlo(100_000, seed=2024)
p_positive = 1.0 - monte_carlo.probability_below(Q_(0, "USD"))
print(
    f"\nMonte Carlo, 100,000 samples (NdPr 40-85 USD/kg): NPV > 0 in "
    f"{100 * p_positive:.0f} % of them"
)
print(monte_carlo.summary())

OUT.mkdir(exist_ok=True)
plotting.save(plotting.plot_tornado(tornado), OUT / "ndpr_line_tornado.png")
plotting.save(plotting.plot_distribution(monte_carlo), OUT / "ndpr_line_npv.png")
print(f"\nFigures: {OUT / 'ndpr_line_tornado.png'}, {OUT / 'ndpr_line_npv.png'}")
