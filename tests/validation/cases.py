"""Validation cases: published plants rebuilt from their published inputs with the package's
own stages (one function per VALIDATION.md row). Nothing here adjusts a default.

Run ``python -m tests.validation.cases`` to print every row's model value and ratio.
"""

from __future__ import annotations

import warnings

import numpy as np

from tecmodel import scenarios
from tecmodel.elements import RARE_EARTHS

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
    # Only the rare earths: the feed also names its host minerals and gangue (issue 9).
    rare = {k: float(v) for k, v in comp.items() if k in RARE_EARTHS}
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


# --------------------------------------------------------------------------- SX stage counts
#: Nguyen et al., Internauka 2022 no. 42(265) (abstract read): Nd separated from a Pr-Nd
#: chloride solution with 70 % saponified PC-88A in a box-type 120-stage mixer-settler,
#: 100 stages of extraction + scrub and 20 of stripping.
PILOT_EXTRACTION_SCRUB_STAGES = 100
PILOT_STRIP_STAGES = 20


def pilot_pr_nd_section():
    """The pilot's Pr|Nd cut built from its published inputs as far as they are known.

    Published (abstract): PC-88A = P507 (the p507_hcl set), 70 % saponification, chloride
    feed of Pr and Nd, high-purity Nd from the organic side. Labelled assumptions (not in
    the abstract): feed Pr6O11:Nd2O3 = 4.3:12.2 by mass (the shipped Mountain Pass
    didymium, MP 10-K); "high purity" Nd = 99.9 % Nd2O3 in the extract; the Pr-rich
    raffinate at 99 % Pr6O11; stage efficiency 0.9 and the stage's other defaults
    (tecmodel/data/solvent_extraction_practice.toml).
    """
    from tecmodel import Q_
    from tecmodel.data import load_table
    from tecmodel.stages.solvent_extraction import SolventExtractionSection
    from tecmodel.streams import Stream

    practice = load_table("solvent_extraction_practice")
    feed = Stream.from_mass_flows({"Pr": Q_(4.3, "kg/h"), "Nd": Q_(12.2, "kg/h")})
    section = SolventExtractionSection(
        split_between=("Pr", "Nd"),
        purity_extract=0.999,
        purity_raffinate=0.99,
        separation_factor_system="p507_hcl",
        extractant="p507",
        saponification_degree=practice["saponification_degree"].value,
        stage_efficiency=practice["stage_efficiency"].value,
    )
    return section.run({"feed": feed}).details


def solvay_la_rochelle_mixer_settlers():
    """Mixer-settlers of a full separation of a monazite feed into every rare earth at the
    La Rochelle scale, 9,000 t/yr REO (Lifton 2014, relayed), with the refinery designer
    (tecmodel.refinery), P507-HCl (its default), every product at 99 %, and the practice
    values of the shipped P507 plants (stage efficiency, saponification) on every SX
    section. Order-of-magnitude row: La Rochelle's feed, flowsheet, products and
    extractants were not read."""
    from tecmodel import Q_, refinery
    from tecmodel.data import load_table
    from tecmodel.stages.solvent_extraction import SolventExtractionSection

    feed = refinery.refinery_feed("monazite")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plant = refinery.design(
            feed, list(feed.rare_earths), purity=0.99, capacity=Q_(9_000.0, "t/yr")
        )
        # the P507 practice values of the shipped plants on every SX section
        practice = load_table("solvent_extraction_practice")
        for name, stage in plant.stages.items():
            if isinstance(stage, SolventExtractionSection):
                for key in ("stage_efficiency", "saponification_degree"):
                    plant = plant.replace(f"stages.{name}.{key}", practice[key].value)
        result = plant.evaluate()
    return float(np.asarray(result.mixer_settlers)), result


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
    n, r = solvay_la_rochelle_mixer_settlers()
    print(f"La Rochelle scale: {n:.0f} mixer-settlers, ratio {n / 1800:.3f}")
    d = pilot_pr_nd_section()
    print(
        f"Pr|Nd pilot: extraction+scrub {int(d['extraction_stages'] + d['scrub_stages'])} "
        f"(ideal {int(d['ideal_extraction_stages'] + d['ideal_scrub_stages'])}), strip "
        f"{int(d['strip_stages'])}; published "
        f"{PILOT_EXTRACTION_SCRUB_STAGES} + {PILOT_STRIP_STAGES}"
    )
