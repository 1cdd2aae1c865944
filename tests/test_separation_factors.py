"""Separation-factor sets: names, deprecated aliases and validation at every entry point."""

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
