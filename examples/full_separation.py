"""Dy and Tb from ion-adsorption clay: levelized cost against purity, 99 % to 99.999 %.

A Chinese full-separation line designed by ``tecmodel.refinery.design`` for three sold
products (Tb4O7, Dy2O3, Y2O3); the other rare earths leave as unsold by-product
concentrates. The cost per kg of Dy2O3 and Tb4O7 is ``tecmodel.refinery.product_costs``:
each stage's cost shared by the TREO of each product's rare earths in its inlets, so a
product pays for its share of the cuts it passes through and all of its own precipitation
and calcination. Each purity is a new design (the SX cascades design their own stages).
Writes ``dy_tb_cost_vs_purity.png`` to the temporary folder when matplotlib is available.
"""

import tempfile
import warnings
from pathlib import Path

from tecmodel import refinery
from tecmodel.costing import ExtrapolationWarning

warnings.filterwarnings("ignore", category=ExtrapolationWarning)  # listed in summaries
PURITIES = (0.99, 0.999, 0.9999, 0.99999)


def main():
    rows = []
    for purity in PURITIES:
        plant = refinery.design("ion_adsorption_clay", ["Tb", "Dy", "Y"], purity=purity)
        result = plant.evaluate()
        costs = refinery.product_costs(result)
        dy = float(costs["Dy2O3"].magnitude)
        tb = float(costs["Tb4O7"].magnitude)
        rows.append((purity, dy, tb))
        print(
            f"purity {purity:.5f}: Dy2O3 {dy:8.1f} USD/kg, Tb4O7 {tb:8.1f} USD/kg, "
            f"{int(result.mixer_settlers)} mixer-settlers"
        )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.loglog([1 - p for p in PURITIES], [r[1] for r in rows], marker="o", label="Dy2O3")
    ax.loglog([1 - p for p in PURITIES], [r[2] for r in rows], marker="s", label="Tb4O7")
    ax.legend()
    ax.invert_xaxis()
    ax.set_xlabel("impurity (1 - purity)")
    ax.set_ylabel("product cost [USD/kg]")
    ax.set_title("Ion-adsorption clay, China: cost vs purity")
    fig.tight_layout()
    path = Path(tempfile.gettempdir()) / "dy_tb_cost_vs_purity.png"
    fig.savefig(path, dpi=120)
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
