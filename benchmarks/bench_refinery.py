"""Benchmark: a 15-product full separation designed and costed, sequence search included.

Target (issue 12): <= 2 s on one core. Prints the wall and CPU times of this run (CPU time
of the process: the machine may be shared); run with OPENBLAS_NUM_THREADS=1. The sequence
search screens every cut with Xu's closed form and designs exactly only the cuts of the
screened candidates (``tecmodel.refinery.sequences.screened_search``); the full exact
table of every cut is timed once for the ratio.
"""

import time
import warnings

from tecmodel import refinery
from tecmodel.refinery.design import _Context
from tecmodel.refinery.sequences import search

warnings.simplefilter("ignore")
PRODUCTS = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y", "Ho", "Er", "Tm",
            "Yb", "Lu"]  # fmt: skip


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main():
    plant, design_wall, design_cpu = _timed(lambda: refinery.design("monazite", PRODUCTS))
    result, eval_wall, eval_cpu = _timed(plant.evaluate)
    print(f"products: {len(plant.products)} (15 oxides; monazite has no Sc)")
    print(f"design incl. sequence search: {design_wall:.2f} s wall, {design_cpu:.2f} s CPU")
    print(f"evaluate (exact costing):     {eval_wall:.2f} s wall, {eval_cpu:.2f} s CPU")
    total = design_cpu + eval_cpu
    print(f"total CPU: {total:.2f} s (target 2 s; ratio {total / 2.0:.2f})")
    print(
        f"levelized cost {result.levelized_cost:.2f~P}, "
        f"{int(result.mixer_settlers)} mixer-settlers"
    )
    context = _Context("monazite", PRODUCTS, 0.999, None, "china", "p507_hcl")
    full, _, full_cpu = _timed(lambda: search(context.table(), context.labels(), keep=1))
    screened, _, screened_cpu = _timed(lambda: context.search(keep=1))
    same = "the same tree" if full[0].tree == screened[0].tree else "a different tree"
    print(
        f"sequence search: exact table of every cut {full_cpu:.2f} s CPU, screened "
        f"{screened_cpu:.2f} s CPU (ratio {full_cpu / screened_cpu:.1f}); {same}, proxy "
        f"{full[0].proxy_cost / 1e6:.3f} vs {screened[0].proxy_cost / 1e6:.3f} MUSD/yr"
    )


if __name__ == "__main__":
    main()
