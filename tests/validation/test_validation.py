"""Every row of VALIDATION.md (repository root) as a test.

Published values are written here with their source; model values come from the package's
own stages built from the published inputs (``cases.py``). A case that misses its tolerance
is an ``xfail`` whose reason states the gap (strict: if the model comes within tolerance the
xfail turns into a failure, and the row must be updated). Tolerances were written before the
comparison was run.
"""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel.separation import design_cascade, fenske_stages, kremser_stages

from . import cases

# --------------------------------------------------------------------------- capital
PHOENIX_PUBLISHED = 781.0  # MUSD_2012, Molycorp initial construction estimate (mining.com)
WHITE_MESA_PUBLISHED = 410.0  # MUSD, Energy Fuels White Mesa phase-2 BFS (2026)
CAPITAL_TOLERANCE = (0.65, 1.5)  # issue 10: ratio model/published once scope matches


@pytest.mark.xfail(
    strict=True,
    reason="scope gap: the model has no chlor-alkali plant, no brine evaporation/salt recovery "
    "in its water treatment and no concentrate roasting; with them missing the whole-site "
    "capital is ~0.27 of Phoenix's estimate (even the Class 4 high end is ~0.41)",
)
def test_phoenix_capital():
    model, _ = cases.phoenix_capital()
    ratio = model / PHOENIX_PUBLISHED
    assert CAPITAL_TOLERANCE[0] <= ratio <= CAPITAL_TOLERANCE[1]


def test_phoenix_published_value_inside_class_range_is_reported():
    """Identity: the Class 4 range brackets the point estimate (−30 % / +50 %)."""
    _, result = cases.phoenix_capital()
    low, high = (x.to("MUSD").magnitude for x in result.capex_range)
    capex = result.capex.to("MUSD").magnitude
    assert result.estimate_class == "AACE Class 4"
    assert low == pytest.approx(0.7 * capex) and high == pytest.approx(1.5 * capex)


@pytest.mark.xfail(
    strict=True,
    reason="scope and feed gap: White Mesa cracks monazite (caustic digestion, radium/thorium "
    "removal) which the model represents with the bastnäsite HCl route, and costs heavy-REE "
    "(Dy, Tb) circuits the U.S. route lacks; the model is ~0.42 of the published capital",
)
def test_white_mesa_capital():
    model, _ = cases.white_mesa_capital()
    ratio = model / WHITE_MESA_PUBLISHED
    assert CAPITAL_TOLERANCE[0] <= ratio <= CAPITAL_TOLERANCE[1]


# --------------------------------------------------------------------------- operating
AVALON_OPEX = 5634.0  # USD_2012 per t REO, Avalon/SNC-Lavalin PFS 2012 (relayed)
AVALON_REAGENT_SHARE = 0.70  # of separation opex (relayed)


@pytest.mark.xfail(
    strict=True,
    reason="the model's separation opex is ~0.56 of Avalon's: its reagent bill rests on "
    "stoichiometric NaOH/HCl with 2019-2023 PrOMMiS prices and a light-REE feed (two SX "
    "sections, P507-HCl β), while Avalon's Nechalacho feed is heavy-REE rich (more "
    "sections and reagent per t REO)",
)
def test_avalon_separation_opex():
    per_t, _ = cases.avalon_opex()
    assert 0.65 <= per_t / AVALON_OPEX <= 1.5


@pytest.mark.xfail(
    strict=True,
    reason="reagents are ~0.57 of the model's separation opex, just under Avalon's ~70 % "
    "± 10 points: the U.S. route rejects ~90 % of its Ce as Ce(IV) before SX (fewer moles "
    "loaded, less NaOH/HCl) and now pays for brine/liquor treatment and a whole-site crew, "
    "which dilute the reagent share; Avalon's heavy-REE feed needs more SX sections",
)
def test_avalon_reagent_share():
    """Reagents' share of separation opex within ±0.10 of Avalon's ~70 %."""
    _, share = cases.avalon_opex()
    assert share == pytest.approx(AVALON_REAGENT_SHARE, abs=0.10)


# --------------------------------------------------------------------------- staffing, feed
MP_EMPLOYEES = 800.0  # MP Materials 2024, mine included (relayed)


@pytest.mark.xfail(
    strict=True,
    reason="the model staffs only the refinery (~71 people for 20,000 t/yr: operators from "
    "positions per shift the stages report, others by ratio); MP's ~800 include the mine, "
    "mill, concentrator, magnet plant and corporate staff",
)
def test_mp_head_count():
    assert 0.5 <= cases.mp_head_count() / MP_EMPLOYEES <= 1.5


MP_FY2021_DISTRIBUTION = {"Ce": 50.2, "La": 32.3, "NdPr": 15.7, "SEG+": 1.8}  # MP 10-K FY2021


@pytest.mark.parametrize("group", list(MP_FY2021_DISTRIBUTION))
def test_mountain_pass_feed_distribution(group):
    """The shipped feed (MP resource grades) within ±1.0 percentage point of FY2021 output."""
    model = cases.mountain_pass_feed_distribution()[group]
    assert model == pytest.approx(MP_FY2021_DISTRIBUTION[group], abs=1.0)


# --------------------------------------------------------------------------- thorium rule
TH_U_LIMIT = 0.0025  # 10 CFR 40.13(c)(1)(vi): ≤ 0.25 wt % Th+U in rare-earth products
_TH_U = cases.product_thorium_uranium()


@pytest.mark.parametrize(
    "case",
    [pytest.param(key, id=f"{key[0]}-{key[1]}") for key in _TH_U],
)
def test_product_thorium_uranium_rule(case):
    assert _TH_U[case] <= TH_U_LIMIT


def test_radioactive_products_agree_with_streams():
    """If PlantResult.radioactive_products exists (issue 9), it names exactly the products
    whose streams exceed the limit."""
    from tecmodel import scenarios

    for name in scenarios.names():
        result = cases._quiet_evaluate(scenarios.load(name))
        if not hasattr(result, "radioactive_products"):
            pytest.skip("PlantResult.radioactive_products not on this branch")
        over = {p for (s, p), v in _TH_U.items() if s == name and v > TH_U_LIMIT}
        assert set(result.radioactive_products) == over


# --------------------------------------------------------------------------- textbook cases
def test_fenske_xu_example():
    """N_min = ln(a·b)/ln β = ln(999 · 9999)/ln 2 = 23.252 (hand calculation)."""
    assert fenske_stages(2.0, 0.999, 0.9999) == pytest.approx(
        np.log(999.0 * 9999.0) / np.log(2.0), rel=1e-12
    )
    assert fenske_stages(2.0, 0.999, 0.9999) == pytest.approx(23.252, abs=1e-3)


def test_kremser_hand_case():
    """E = 2, 1 % left: N = ln(100 · 0.5 + 0.5)/ln 2 = 5.658 (hand calculation)."""
    assert kremser_stages(2.0, 0.01) == pytest.approx(np.log(50.5) / np.log(2.0), rel=1e-12)


def test_xu_worked_example():
    """Zhang, Zhao & Schreiner 2016 (relayed): β = 2, equimolar, 99.9 % / 99.99 % →
    E'_M = 1.414, E_M = 0.773, n = 24, m = 21 by Xu's simple form, which undercounts; the
    verified design may need up to 3 more stages per section (tolerance set before)."""
    design = design_cascade(2.0, 0.5, 0.999, 0.9999)
    assert design.scrub_extraction_ratio == pytest.approx(1.414, abs=1e-3)
    assert design.extraction_ratio == pytest.approx(0.773, abs=1e-3)
    assert 24 <= int(design.extraction_stages) <= 27
    assert 21 - 3 <= int(design.scrub_stages) <= 21 + 3


# --------------------------------------------------------------------------- SX stage counts
PILOT_TOLERANCE = (0.7, 1.3)  # model/published; the pilot's purities and feed are not read
SOLVAY_MIXER_SETTLERS = 1_800.0  # La Rochelle, ~9,000 t/yr REO (Lifton 2014, relayed)
SOLVAY_TOLERANCE = (1 / 3, 3.0)  # order of magnitude: feed, flowsheet, products not read
_PILOT = cases.pilot_pr_nd_section()


@pytest.mark.xfail(
    strict=True,
    reason="the model's Pr|Nd cut needs 52 real extraction + scrub stages (46 ideal / 0.9) "
    "for 99.9 % Nd2O3 and 99 % Pr6O11 at β = 1.5, about half the pilot's 100: the pilot's "
    "purities, feed ratio and β at its conditions are not in the abstract (99.99 % / 99.9 % "
    "at β = 1.4 would need 88), and a pilot is built with margin over Xu's optimum design",
)
def test_pr_nd_pilot_extraction_and_scrub_stages():
    """Nguyen et al. 2022: 100 extraction + scrub stages (70 % saponified PC-88A)."""
    model = float(_PILOT["extraction_stages"] + _PILOT["scrub_stages"])
    ratio = model / cases.PILOT_EXTRACTION_SCRUB_STAGES
    assert PILOT_TOLERANCE[0] <= ratio <= PILOT_TOLERANCE[1]


@pytest.mark.xfail(
    strict=True,
    reason="the model strips in 10 real stages (Kremser with the stage's labelled stripping "
    "factor 2 and 0.1 % residual, / 0.9), half the pilot's 20: the pilot's strip acid, "
    "phase ratio and residual loading are not in the abstract",
)
def test_pr_nd_pilot_strip_stages():
    """Nguyen et al. 2022: 20 stripping stages."""
    ratio = float(_PILOT["strip_stages"]) / cases.PILOT_STRIP_STAGES
    assert PILOT_TOLERANCE[0] <= ratio <= PILOT_TOLERANCE[1]


def test_pr_nd_pilot_cut_runs_the_published_chemistry():
    """The row's inputs are the published ones: PC-88A (p507_hcl), 70 % saponification."""
    assert _PILOT["split_between"] == ("Pr", "Nd")
    assert float(_PILOT["separation_factor"]) == 1.5  # p507_hcl Nd/Pr (relayed)
    assert float(_PILOT["stage_efficiency"]) == 0.9


def test_solvay_la_rochelle_mixer_settlers_order_of_magnitude():
    """~1,800 mixer-settlers for 9,000 t/yr (Lifton 2014, relayed) against a full
    separation of a monazite feed into every rare earth at 99 % at that scale."""
    model, result = cases.solvay_la_rochelle_mixer_settlers()
    assert float(result.production.to("t/yr").magnitude) == pytest.approx(9_000.0, rel=1e-9)
    ratio = model / SOLVAY_MIXER_SETTLERS
    assert SOLVAY_TOLERANCE[0] <= ratio <= SOLVAY_TOLERANCE[1]
