"""Separation-factor sets: names, deprecated aliases and validation at every entry point."""

import itertools
import warnings

import pytest

from tecmodel.data import load_table
from tecmodel.errors import TecModelError
from tecmodel.stages.bio_recovery import Biosorption
from tecmodel.stages.solvent_extraction import (
    DEPRECATED_SYSTEM_NAMES,
    SolventExtractionSection,
    adjacent_separation_factors,
    resolve_separation_factor_system,
    separation_factor_systems,
)


def test_composite_set_is_named_for_what_it_is():
    names = separation_factor_systems()
    assert "d2ehpa_lactic_composite" in names
    assert "default" not in names  # the old name is only an alias now


@pytest.mark.parametrize("alias", sorted(DEPRECATED_SYSTEM_NAMES))
def test_deprecated_alias_warns_and_gives_the_same_values(alias):
    with pytest.warns(DeprecationWarning, match="d2ehpa_lactic_composite"):
        old = adjacent_separation_factors(alias)
    assert old == adjacent_separation_factors("d2ehpa_lactic_composite")


def test_every_value_has_a_source_with_year_or_a_labelled_assumption():
    for entry in load_table("separation_factors").entries:
        has_source = bool(entry.source) and entry.year is not None
        assert has_source or bool(entry.assumption), entry.key


def test_yin_2015_light_pairs_are_the_published_values():
    # Yin et al., RSC Adv. 2015 (abstract): La/Ce 3.24, Ce/Pr 2.04, Pr/Nd 1.58
    values = adjacent_separation_factors("d2ehpa_lactic")
    assert values == {"Ce/La": 3.24, "Pr/Ce": 2.04, "Nd/Pr": 1.58}


@pytest.mark.parametrize("bad", ["p5O7", "", None, 3, ("default",)])
def test_bad_names_raise_tecmodel_error_listing_valid_names(bad):
    with pytest.raises(TecModelError, match="d2ehpa_lactic_composite"):
        resolve_separation_factor_system(bad)
    with pytest.raises(TecModelError, match="separation_factor_system"):
        SolventExtractionSection(separation_factor_system=bad)
    with pytest.raises(TecModelError, match="separation_factor_system"):
        Biosorption(separation_factor_system=bad)


def test_the_default_stage_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        SolventExtractionSection()


def test_the_cut_is_public_and_the_old_import_still_works():
    import tecmodel.separation.cut as cut
    import tecmodel.stages.solvent_extraction as sx

    assert sx.cascade_split is cut.cascade_split
    assert sx.CascadeSplit is cut.CascadeSplit
    assert sx.separation_factor_systems is cut.separation_factor_systems


# ---------------------------------------------------------------------------------------
# issue 11: the P507-HCl and D2EHPA-HCl sets, and what the shipped P507 plants run
# ---------------------------------------------------------------------------------------

BASES = {"read", "relayed", "assumption"}


def test_every_row_says_whether_it_was_read_relayed_or_assumed():
    for entry in load_table("separation_factors").entries:
        basis = entry.extra.get("basis")
        where = f"{entry.extra['system']} {entry.key}"
        assert basis in BASES, where
        # an assumption row has no source, a sourced row is not called an assumption
        assert (basis == "assumption") == bool(entry.assumption), where
        if basis == "read":  # a read value says what it was measured at
            assert entry.extra.get("conditions"), where


@pytest.mark.parametrize("system", ["p507_hcl", "d2ehpa_hcl"])
def test_hcl_sets_cover_every_neighbour_la_to_sc(system):
    from tecmodel.elements import RARE_EARTHS

    values = adjacent_separation_factors(system)
    expected = [f"{h}/{lo}" for lo, h in itertools.pairwise(RARE_EARTHS)]
    assert sorted(values) == sorted(expected)
    assert all(v > 1 for v in values.values())
    # REFERENCE_DATA.md: no adjacent-pair average above ~2.9 for an acidic extractant
    # among the lanthanides (Sc/Lu, Y/Dy excepted: the placeholder and the relayed 3.14)
    lanthanides = {k: v for k, v in values.items() if k not in ("Sc/Lu", "Y/Dy")}
    assert max(lanthanides.values()) <= 2.9


def test_p507_rows_are_the_cited_values():
    values = adjacent_separation_factors("p507_hcl")
    # Sciencepaper Online 2012 (abstract): P507-HCl Ce/Pr separation factor "can reach 2.28"
    assert values["Pr/Ce"] == 2.28
    # Tanaka et al. 2021, PC-88A Y/Dy 3.14 (relayed in REFERENCE_DATA.md)
    assert values["Y/Dy"] == 3.14
    # relayed Pr/Nd range 1.4-1.6 for P507 in chloride media
    assert 1.4 <= values["Nd/Pr"] <= 1.6
    table = load_table("separation_factors").entries
    entries = {e.key: e for e in table if e.extra["system"] == "p507_hcl"}
    assert entries["Pr/Ce"].extra["basis"] == "read"
    assert entries["Y/Dy"].extra["basis"] == "relayed"


def test_d2ehpa_hcl_is_peppards_average_step_but_the_hard_pairs():
    values = adjacent_separation_factors("d2ehpa_hcl")
    averaged = {k: v for k, v in values.items() if k not in ("Nd/Pr", "Y/Dy", "Ho/Y", "Sc/Lu")}
    assert set(averaged.values()) == {2.48}  # Peppard et al. 1957, relayed
    assert values["Nd/Pr"] == 1.5


def test_the_stage_default_is_the_set_of_its_default_extractant():
    stage = SolventExtractionSection()
    assert stage.extractant == "p507"
    assert stage.separation_factor_system == "p507_hcl"


def _shipped_sx_stages():
    from tecmodel import scenarios

    for name in scenarios.names():
        plant = scenarios.load(name)
        for stage_name, stage in plant.stages.items():
            if isinstance(stage, SolventExtractionSection):
                yield name, stage_name, stage


def test_shipped_p507_plants_run_the_p507_set_and_the_practice_values():
    practice = load_table("solvent_extraction_practice")
    found = 0
    for name, stage_name, stage in _shipped_sx_stages():
        where = f"{name}.{stage_name}"
        assert stage.extractant == "p507", where  # every shipped SX plant is a P507 plant
        assert stage.separation_factor_system == "p507_hcl", where
        assert stage.stage_efficiency == practice["stage_efficiency"].value, where
        assert stage.saponification_degree == practice["saponification_degree"].value, where
        found += 1
    assert found >= 8  # cascade_refinery 4, three two-section plants


def test_saponified_loading_lies_in_the_read_loaded_organic_range():
    # 30 vol % P507 (0.95 kg/L, C16H35O3P = 306.427 g/mol) saponified 70 % (Nguyen 2022):
    # c = 0.3 · 950 / 0.306427 = 930.07 mol/m³; loading = c · 0.70 / 3 = 217.0 mol/m³
    practice = load_table("solvent_extraction_practice")
    molar_mass = 16 * 12.011 + 35 * 1.008 + 3 * 15.999 + 30.974
    degree = practice["saponification_degree"].value
    loading = 0.3 * 950.0 / (molar_mass / 1000) * degree / 3  # mol/m³
    assert loading == pytest.approx(217.0, abs=0.1)
    low = practice["loaded_organic_low"].value * 1000  # mol/L → mol/m³
    high = practice["loaded_organic_high"].value * 1000
    assert low <= loading <= high  # Li et al. 2020: 0.16-0.24 mol/L
    from tests.test_stages_solvent_extraction import binary_feed

    result = SolventExtractionSection(
        split_between=("La", "Ce"), saponification_degree=degree
    ).run({"feed": binary_feed()})
    loaded = result.details["rare_earth_loaded"].to("mol/h").magnitude
    organic = result.details["organic_flow"].to("m**3/h").magnitude
    assert organic == pytest.approx(loaded / loading, rel=1e-12)
