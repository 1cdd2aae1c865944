"""Validation cases: published plants rebuilt from their published inputs with the package's
own stages (one function per VALIDATION.md row). Nothing here adjusts a default.

Run ``python -m tests.validation.cases`` to print every row's model value and ratio.
"""

from __future__ import annotations

import warnings

import numpy as np

from tecmodel import scenarios

#: CEPCI years the published figures are quoted in
PHOENIX_YEAR = 2012
WHITE_MESA_YEAR = 2024  # study of 2026; the CEPCI table ends at 2024 (labelled in the row)
AVALON_YEAR = 2012


def _quiet_evaluate(plant):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plant.evaluate()


def scaled_us_refinery(reo_t_per_yr: float):
    """The shipped U.S. route (Mountain Pass bastnäsite, HCl leach, SX, precipitation,
    calcination, U.S. prices and wages) with its feed scaled to ``reo_t_per_yr`` of REO
    product. Scale is the only input changed."""
    plant = scenarios.load("high_waste_route")
    base = _quiet_evaluate(plant).production.to("t/yr").magnitude
    rate = plant.feed.rate * (reo_t_per_yr / float(base))
    return plant.replace("feed.rate", rate)


def phoenix_capital():
    """Model capital of a 19,050 t/yr REO bastnäsite refinery [MUSD_2012]."""
    result = _quiet_evaluate(scaled_us_refinery(19_050.0))
    return float(result.capex.to(f"MUSD_{PHOENIX_YEAR}").magnitude), result


def white_mesa_capital():
    """Model capital of a ~7,550 t/yr separated-products refinery [MUSD_2024]."""
    result = _quiet_evaluate(scaled_us_refinery(7_550.0))
    return float(result.capex.to(f"MUSD_{WHITE_MESA_YEAR}").magnitude), result


def separation_opex(result):
    """Separation opex in Avalon's scope — labor, supplies, reagents, utilities, maintenance,
    overhead; no capital charge, feed, waste disposal or royalties — per t REO
    [USD_2012/t] and the reagents' share of it [-]."""
    parts = {
        k: v.to(f"USD_{AVALON_YEAR}/yr").magnitude for k, v in result.operating_breakdown().items()
    }
    scope = {k: v for k, v in parts.items() if k not in ("waste", "royalties", "feed")}
    total = sum(scope.values())
    per_t = total / result.production.to("t/yr").magnitude
    return float(per_t), float(scope["reagents"] / total)


def avalon_opex():
    """Model separation opex of a 10,000 t/yr REO refinery (Avalon PFS scale)."""
    return separation_opex(_quiet_evaluate(scaled_us_refinery(10_000.0)))


def mp_head_count():
    """People employed by a 20,000 t/yr TREO separation plant (MP's design capacity)."""
    result = _quiet_evaluate(scaled_us_refinery(20_000.0))
    return float(np.asarray(result.head_count))


def mountain_pass_feed_distribution() -> dict:
    """Share of TREO [%] by group in the shipped Mountain Pass feed (oxide basis)."""
    plant = scenarios.load("high_waste_route")
    comp = dict(plant.feed.composition)
    rare = {k: float(v) for k, v in comp.items() if k not in ("Th", "U", "gangue")}
    total = sum(rare.values())
    light = ("La", "Ce", "Pr", "Nd")
    return {
        "Ce": 100 * rare.get("Ce", 0.0) / total,
        "La": 100 * rare.get("La", 0.0) / total,
        "NdPr": 100 * (rare.get("Nd", 0.0) + rare.get("Pr", 0.0)) / total,
        "SEG+": 100 * sum(v for k, v in rare.items() if k not in light) / total,
    }


def product_thorium_uranium() -> dict:
    """(scenario, product) → Th+U mass fraction of the product stream [-]."""
    out = {}
    for name in scenarios.names():
        result = _quiet_evaluate(scenarios.load(name))
        for product, stream in result.products.items():
            total = np.asarray(stream.total_kg_s, dtype=float)
            th_u = sum(
                np.asarray(stream.kg_s(c), dtype=float)
                for c in ("Th", "U")
                if c in stream.components
            )
            out[(name, product)] = float(
                np.max(np.divide(th_u, total, where=total > 0, out=np.zeros(np.shape(total))))
            )
    return out


if __name__ == "__main__":
    cap, r = phoenix_capital()
    print(
        f"Phoenix: {cap:.1f} MUSD_2012 ratio {cap / 781:.3f}; class {r.estimate_class}; "
        f"range {[round(x.to('MUSD_2012').m, 1) for x in r.capex_range]}"
    )
    cap, r = white_mesa_capital()
    print(f"White Mesa: {cap:.1f} MUSD_2024 ratio {cap / 410:.3f}")
    per_t, share = avalon_opex()
    print(f"Avalon: {per_t:.0f} USD_2012/t ratio {per_t / 5634:.3f}; reagents {share:.3f}")
    n = mp_head_count()
    print(f"MP head count: {n:.1f} ratio {n / 800:.3f}")
    print("feed", mountain_pass_feed_distribution())
    print("Th+U", product_thorium_uranium())
