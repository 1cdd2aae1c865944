"""Benchmark: a 16-product full separation designed and costed, sequence search included.

Target (issue 12): <= 2 s on one core. Prints the times measured in this run; run with
OPENBLAS_NUM_THREADS=1.
"""

import time
import warnings

from tecmodel import refinery

warnings.simplefilter("ignore")
PRODUCTS = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y", "Ho", "Er", "Tm",
            "Yb", "Lu"]  # fmt: skip


def main():
    start = time.perf_counter()
    plant = refinery.design("monazite", PRODUCTS)
    designed = time.perf_counter()
    result = plant.evaluate()
    costed = time.perf_counter()
    print(f"products: {len(plant.products)} (15 oxides; monazite has no Sc)")
    print(f"design incl. sequence search: {designed - start:.2f} s")
    print(f"evaluate (exact costing):     {costed - designed:.2f} s")
    print(f"total: {costed - start:.2f} s (target 2 s; ratio {(costed - start) / 2.0:.2f})")
    print(
        f"levelized cost {result.levelized_cost:.2f~P}, "
        f"{int(result.mixer_settlers)} mixer-settlers"
    )


if __name__ == "__main__":
    main()
