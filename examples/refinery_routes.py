"""Four routes to the same product slate: where a Dy2O3 and Tb4O7 refinery's cost comes from.

The slate of the shipped U.S. heavy-REE line (``us_heavy_ree``: La2O3, CeO2, NdPr oxide
at 99.5 %, Tb4O7 and Dy2O3 at 99.9 %) made four ways, each designed by
``tecmodel.refinery.design`` at the same REO output:

* ``us monazite`` — the shipped ``us_heavy_ree`` (monazite, U.S. cost basis);
* ``china monazite`` — the same plant, stage for stage (its split sequence), on the
  Chinese cost basis: the gap to the first is the location alone;
* ``china bayan_obo`` — Bayan Obo concentrate, China;
* ``china clay`` — South China ion-adsorption clay, China (Y, 66 % of its TREO, leaves in
  an unsold Y-Lu concentrate on this slate).

Printed: levelized cost per kg of all REO, and the cost per kg of NdPr oxide, Dy2O3 and
Tb4O7 by the stage-by-stage mass rule of ``tecmodel.refinery.product_costs`` (each stage's
cost shared by the TREO of each product's rare earths in its inlets), with the stages that
make up the Tb4O7 cost. Then the U.S. − China gap of the same plant split exactly by input
group (``tecmodel.compare(...).attribution()``, Shapley values that sum to the gap), and
the breakdown of each route by cost category. Figures go to ``examples/out/`` when
matplotlib is available. The shipped ``cascade_refinery`` and ``high_waste_route`` make
no Dy or Tb, so they are not on this slate.
"""

import warnings
from pathlib import Path

from tecmodel import compare, refinery, scenarios
from tecmodel.costing import ExtrapolationWarning
from tecmodel.refinery import scenario_files

OUT = Path(__file__).resolve().parent / "out"
warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
GROUPS = ("NdPr_oxide", "Dy2O3", "Tb4O7")


def routes():
    """Route label → evaluated PlantResult, all on the us_heavy_ree slate and output."""
    spec = scenario_files.SCENARIOS["us_heavy_ree"]
    us = scenarios.load("us_heavy_ree")
    tree = scenario_files.split_tree(us, spec)
    plants = {
        "us monazite": us,
        "china monazite": refinery.design(
            "monazite",
            spec.products,
            purity=spec.purity,
            capacity=spec.capacity,
            location="china",
            tree=tree,
        ),
    }
    for feed, label in (("bayan_obo", "china bayan_obo"), ("ion_adsorption_clay", "china clay")):
        plants[label] = refinery.design(
            feed, spec.products, purity=spec.purity, capacity=spec.capacity, location="china"
        )
    return plants, {label: plant.evaluate() for label, plant in plants.items()}


def main():
    _, results = routes()
    print("Same slate (La, Ce, NdPr 99.5 %; Tb, Dy 99.9 %), 27,000 t/yr REO out\n")
    print(f"{'route':<16} {'all REO':>9} {'NdPr':>9} {'Dy2O3':>9} {'Tb4O7':>9}  [USD/kg]")
    for label, result in results.items():
        costs = refinery.product_costs(result)
        print(
            f"{label:<16} {float(result.levelized_cost.magnitude):9.2f} "
            + " ".join(f"{float(costs[g].magnitude):9.1f}" for g in GROUPS)
            + f"   {int(result.mixer_settlers)} mixer-settlers"
        )
    print("\nWhere a kg of Tb4O7's cost comes from [USD/kg Tb4O7]: the 4 largest stages")
    for label, result in results.items():
        parts = refinery.stage_shares(result)["Tb4O7"]
        top = sorted(parts.items(), key=lambda item: -item[1])[:4]
        output = float(result.annual_production_kg["Tb4O7"]) / 1000
        print(f"  {label:<16} ({output:5.1f} t/yr) " + ", ".join(f"{s} {v:.1f}" for s, v in top))

    comparison = compare(
        results["china monazite"], results["us monazite"], labels=("China", "U.S.")
    )
    gap = float(comparison.difference.magnitude)
    print(f"\nU.S. minus China, same monazite plant: {gap:+.2f} USD/kg REO, of which")
    for group, part in comparison.attribution().items():
        print(f"  {group:<28} {float(part.magnitude):+7.2f} USD/kg")

    print("\nBreakdown of the levelized cost [USD/kg REO]")
    categories = list(next(iter(results.values())).breakdown())
    print(f"{'':<22}" + "".join(f"{label:>16}" for label in results))
    for category in categories:
        row = [float(r.breakdown()[category].magnitude) for r in results.values()]
        print(f"{category:<22}" + "".join(f"{v:16.2f}" for v in row))
    figures(results, comparison)


def figures(results, comparison):
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return
    from tecmodel import plotting

    OUT.mkdir(exist_ok=True)
    ax = plotting.plot_breakdown(results)
    plotting.save(ax, OUT / "refinery_routes_breakdown.png")
    plotting.save(comparison.waterfall(), OUT / "refinery_routes_us_vs_china.png")
    print(f"\nfigures: {OUT / 'refinery_routes_breakdown.png'}, refinery_routes_us_vs_china.png")


if __name__ == "__main__":
    main()
