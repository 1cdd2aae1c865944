"""What do radioactive-waste rules do to the cost of domestic rare-earth refining?

A policy team's question, asked of the shipped ``high_waste_route`` plant (a U.S.
separation plant whose thorium-bearing leach residue is classed radioactive):

1. the levelized cost across the historical range of U.S. low-level-waste disposal
   rates (US$137–17,660/m³, WM'98, relayed in REFERENCE_DATA.md);
2. what happens if the classification threshold changes: the residue is radioactive
   above 0.05 wt% Th+U (NRC source material, 10 CFR 40); if an exemption let residue up
   to 0.5 wt% go to ordinary (non-hazardous) disposal, the bill changes class.

One vectorized evaluation per question. Figure: ``examples/out/waste_policy.png``.
Run: ``python examples/waste_policy.py``.
"""

import warnings
from pathlib import Path

import numpy as np

from tecmodel import Q_, plotting, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.curves import cost_vs_parameter

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
OUT = Path(__file__).resolve().parent / "out"
plant = scenarios.load("high_waste_route")

# 1. Disposal rate, historical range (log-spaced).
rates = Q_(np.geomspace(137, 17_660, 9), "USD/m**3")
by_rate = cost_vs_parameter(plant, "costing.disposal_costs.radioactive", rates)
print("Levelized cost against the U.S. LLRW disposal rate")
for rate, cost in zip(rates.magnitude, by_rate.y.magnitude, strict=True):
    print(f"  {rate:>8,.0f} USD/m³  ->  {cost:6.2f} USD/kg REO")

# 2. The classification threshold (wt% Th+U above which residue is radioactive).
thresholds = np.array([0.0005, 0.001, 0.002, 0.005])
by_threshold = cost_vs_parameter(plant, "stages.crack.radioactive_threshold", thresholds)
print("\nLevelized cost against the radioactive-classification threshold")
for threshold, cost in zip(thresholds, by_threshold.y.magnitude, strict=True):
    print(f"  Th+U above {100 * threshold:.2f} wt%  ->  {cost:6.2f} USD/kg REO")
residue = plant.evaluate().flowsheet.stage_results["crack"].details
print(
    f"  (the residue holds {100 * float(np.max(residue['source_material_fraction'])):.3f} "
    "wt% Th+U, so any threshold above that reclassifies it)"
)

OUT.mkdir(exist_ok=True)
ax = plotting.plot_curve(by_rate, label="high-waste route")
ax.set_xscale("log")
ax.axvline(3_530, color="#C44E52", linestyle=":", label="Texas compact (~US$100/ft³)")
ax.set_xlabel("radioactive-waste disposal cost [USD/m³]")
ax.legend(fontsize=8, frameon=False)
plotting.save(ax, OUT / "waste_policy.png")
print(f"\nFigure: {OUT / 'waste_policy.png'}")
