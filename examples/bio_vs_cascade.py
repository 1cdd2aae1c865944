"""Green recycling against the cascade: what a bio-based route costs, and what would
have to change for it to compete.

A researcher's question. The shipped ``bio_recycling`` plant bioleaches NdFeB magnet
scrap with glucose-derived organic acids (Gluconobacter oxydans), captures the rare
earths on a lanmodulin-type biosorbent and calcines them to a mixed magnet oxide. Its
defaults come from the literature (Thompson et al. 2018; Rasoulnia et al. 2023;
Larrinaga et al. 2024) or are labelled assumptions. The script prints both routes'
breakdowns, the tornado of the bio route, and its cost against plant scale and against
the pulp density of the bioleach — the knob that sets the glucose bill.

Figures: ``examples/out/bio_tornado.png``, ``examples/out/bio_pulp_density.png``.
Run: ``python examples/bio_vs_cascade.py``.
"""

import warnings
from pathlib import Path

import numpy as np

from tecmodel import Q_, Study, Uniform, plotting, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.curves import cost_vs_capacity, cost_vs_parameter
from tecmodel.report import compare

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
OUT = Path(__file__).resolve().parent / "out"

bio = scenarios.load("bio_recycling")
cascade = scenarios.load("cascade_refinery")
print(compare({"bio recycling": bio.evaluate(), "cascade refinery": cascade.evaluate()}))

study = Study(
    bio,
    {
        "costing.prices.glucose": Uniform(Q_(0.3, "USD/kg"), Q_(0.7, "USD/kg")),
        "stages.bioleach.pulp_density": Uniform(Q_(10, "g/L"), Q_(100, "g/L")),
        "stages.bioleach.leaching_efficiency": Uniform(0.4, 0.9),
        "costing.labor_rate": Uniform(Q_(25, "USD/h"), Q_(60, "USD/h")),
        "finance.discount_rate": Uniform(0.06, 0.14),
    },
)
tornado = study.tornado()
print("\n" + tornado.table())

scales = Q_([50, 150, 500, 1_500, 5_000], "t/yr")
by_scale = cost_vs_capacity(bio, scales)
print("\nBio route against scale (t/yr of mixed REO):")
for scale, cost in zip(scales.magnitude, by_scale.y.magnitude, strict=True):
    print(f"  {scale:>7,.0f} t/yr  ->  {cost:7.2f} USD/kg")

densities = Q_(np.array([10, 20, 50, 100, 200]), "g/L")
by_density = cost_vs_parameter(bio, "stages.bioleach.pulp_density", densities)
print("\nBio route against bioleach pulp density (glucose per kg of scrap falls with it):")
for density, cost in zip(densities.magnitude, by_density.y.magnitude, strict=True):
    print(f"  {density:>5.0f} g/L  ->  {cost:7.2f} USD/kg")

OUT.mkdir(exist_ok=True)
plotting.save(plotting.plot_tornado(tornado), OUT / "bio_tornado.png")
ax = plotting.plot_curve(by_density, label="bio recycling")
ax.axhline(
    cascade.evaluate().levelized_cost.magnitude,
    color="gray",
    linestyle="--",
    label="cascade refinery",
)
ax.set_xlabel("bioleach pulp density [g/L]")
ax.legend(fontsize=8, frameon=False)
plotting.save(ax, OUT / "bio_pulp_density.png")
print(f"\nFigures: {OUT / 'bio_tornado.png'}, {OUT / 'bio_pulp_density.png'}")
