"""A merit-order (supply) curve of REO separation capacity from plant models.

Each shipped plant contributes its REO capacity and levelized cost; sorted by cost and
stacked by capacity they form a supply curve, and a demand level reads off the cost of
the marginal plant. Here: the cascade refinery, the U.S. high-waste route with its
residue disposed of at three different rates, and the bio-recycling plant.

Figure: ``examples/out/supply_curve.png``. Run: ``python examples/supply_curve.py``.
"""

import warnings
from pathlib import Path

from tecmodel import Q_, plotting, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.curves import supply_curve

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
OUT = Path(__file__).resolve().parent / "out"
DISPOSAL = "costing.disposal_costs.radioactive"

us = scenarios.load("high_waste_route")
producers = {
    "cascade (China)": scenarios.load("cascade_refinery").evaluate(),
    "U.S., LLRW 1,000/m³": us.replace(DISPOSAL, Q_(1_000, "USD/m**3")).evaluate(),
    "U.S., LLRW 3,530/m³": us.evaluate(),
    "U.S., LLRW 10,000/m³": us.replace(DISPOSAL, Q_(10_000, "USD/m**3")).evaluate(),
    "bio recycling": scenarios.load("bio_recycling").evaluate(),
}
curve = supply_curve(producers)
print(curve.table())
demand = Q_(50_000, "t/yr")
print(
    f"\nAt a demand of {demand:,.0f~P} the marginal plant costs "
    f"{curve.clearing_cost(demand):.2f~P}"
)

OUT.mkdir(exist_ok=True)
plotting.save(plotting.plot_supply_curve(curve, demand=demand), OUT / "supply_curve.png")
print(f"Figure: {OUT / 'supply_curve.png'}")
