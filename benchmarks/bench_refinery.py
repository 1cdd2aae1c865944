"""Benchmark: a full separation designed and costed, sequence search included.

Target (issue 12): a 16-product full separation designed and costed, sequence search
included, in <= 2 s on one core. Prints the wall and CPU times of this run (CPU time of
the process: the machine may be shared); run with OPENBLAS_NUM_THREADS=1.

Why 15 products on the shipped feeds: of the 17 rare earths Pm has no stable isotope and
is in no ore, and no shipped feed (``tecmodel/data/feeds.toml``) carries Sc, so 15 oxides
(La-Lu without Pm, and Y) are the full slate of every shipped feed. The issue's 16-product
case is timed on a custom feed: the shipped ion-adsorption clay with Sc2O3 added at
0.1 % of TREO (an assumption for this benchmark only, not a sourced composition; the
p507_hcl Sc/Lu factor is itself a labelled placeholder).

The three-outlet lines time ``design(..., three_outlet=True)`` (every eligible middle
tried by an exact evaluation; the side-draw designs' cache emptied first) next to the
two-outlet design of the same slate.

The sequence search screens every cut with Xu's closed form and designs exactly only the
cuts of the screened candidates (``tecmodel.refinery.sequences.screened_search``); the
full exact table of every cut is timed once for the ratio.
"""

import time
import warnings

from tecmodel import Q_, Feed, refinery
from tecmodel.refinery.design import _Context
from tecmodel.refinery.feeds import refinery_feed
from tecmodel.refinery.sequences import search
from tecmodel.separation.side_draw_cut import _DESIGNS as _CACHE

warnings.simplefilter("ignore")
FIFTEEN = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y", "Ho", "Er", "Tm",
           "Yb", "Lu"]  # fmt: skip
SC_SHARE = 0.001  # Sc2O3 / TREO of the benchmark-only 16-product feed (assumption)


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _clay_with_scandium():
    """The shipped clay ore with Sc2O3 at SC_SHARE of its TREO (rare earths in solution:
    a custom Feed without a host mineral goes straight to the first cut)."""
    composition = dict(refinery_feed("ion_adsorption_clay").composition)
    reo = sum(v for k, v in composition.items() if k != "kaolinite")
    composition["Sc"] = SC_SHARE * reo / (1 - SC_SHARE)
    composition["kaolinite"] -= composition["Sc"]
    return Feed(rate=Q_(1.0, "kg/h"), composition=composition, to="sx.feed")


def _case(label, feed, products, linked=False):
    plant, design_wall, design_cpu = _timed(lambda: refinery.design(feed, products, linked=linked))
    result, eval_wall, eval_cpu = _timed(plant.evaluate)
    total = design_cpu + eval_cpu
    print(
        f"{label}: {len(plant.products)} products; design incl. sequence search "
        f"{design_cpu:.2f} s CPU ({design_wall:.2f} wall), evaluate {eval_cpu:.2f} s CPU "
        f"({eval_wall:.2f} wall); total {total:.2f} s CPU (target 2 s; ratio "
        f"{total / 2.0:.2f}); {result.levelized_cost:.2f~P}, "
        f"{int(result.mixer_settlers)} mixer-settlers"
    )


def _three_outlet_case(label, feed, products, purity):
    """Design time with three-outlet cascades next to the two-outlet design (CPU)."""
    times, results = {}, {}
    for three in (False, True):
        _CACHE.clear()  # each design makes its own side-draw designs
        plant, _, cpu = _timed(
            lambda three=three: refinery.design(feed, products, purity=purity, three_outlet=three)
        )
        times[three], results[three] = cpu, plant.evaluate()
        kept = sum(type(s).__name__ == "ThreeOutletSection" for s in plant.stages.values())
        results[three] = (results[three], kept)
    (two, _), (three, kept) = results[False], results[True]
    print(
        f"{label}: design two-outlet {times[False]:.2f} s CPU, three_outlet=True "
        f"{times[True]:.2f} s CPU (ratio {times[True] / times[False]:.1f}); "
        f"{kept} three-outlet cascade(s) kept; {int(two.mixer_settlers)} -> "
        f"{int(three.mixer_settlers)} mixer-settlers, {two.levelized_cost:.3f~P} -> "
        f"{three.levelized_cost:.3f~P}"
    )


def main():
    # the first case also pays the process's first loads of data tables (cold)
    _case("16 products, clay + Sc (benchmark feed)", _clay_with_scandium(), [*FIFTEEN, "Sc"])
    _case("15 products, ion_adsorption_clay", "ion_adsorption_clay", FIFTEEN)
    _case("15 products, monazite", "monazite", FIFTEEN)
    _case("15 products, ion_adsorption_clay, linked", "ion_adsorption_clay", FIFTEEN, True)
    _three_outlet_case("15 products, ion_adsorption_clay, 99.9 %", "ion_adsorption_clay",
                       FIFTEEN, 0.999)  # fmt: skip
    _three_outlet_case("15 products, ion_adsorption_clay, 99 %", "ion_adsorption_clay",
                       FIFTEEN, 0.99)  # fmt: skip
    _three_outlet_case("La, Ce, Pr, Nd, bayan_obo, 99.5 %", "bayan_obo", FIFTEEN[:4], 0.995)
    context = _Context("monazite", FIFTEEN, 0.999, None, "china", "p507_hcl")
    full, _, full_cpu = _timed(lambda: search(context.table(), context.labels(), keep=1))
    screened, _, screened_cpu = _timed(lambda: context.search(keep=1))
    same = "the same tree" if full[0].tree == screened[0].tree else "a different tree"
    print(
        f"sequence search (monazite, 15): exact table of every cut {full_cpu:.2f} s CPU, "
        f"screened {screened_cpu:.2f} s CPU (ratio {full_cpu / screened_cpu:.1f}); {same}, "
        f"proxy {full[0].proxy_cost / 1e6:.3f} vs {screened[0].proxy_cost / 1e6:.3f} MUSD/yr"
    )


if __name__ == "__main__":
    main()
