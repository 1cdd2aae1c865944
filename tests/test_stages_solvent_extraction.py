"""SolventExtractionSection: mass balance, reagent stoichiometry by hand, wiring to
design_cascade, purities, units, batches and error messages."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tecmodel import Q_
from tecmodel.errors import InfeasibleDesignError, TecModelError
from tecmodel.separation import design_cascade
from tecmodel.stages.solvent_extraction import SolventExtractionSection
from tecmodel.streams import Stream

# Hand values (CIAAW 2021 atomic weights, O = 15.999):
#   La2O3: 2·138.90547 + 3·15.999 = 325.80794 g per 2 mol La → 162.90397 g/mol La
#   CeO2:  140.116 + 2·15.999      = 172.114  g per mol Ce
#   Pr6O11: 6·140.90766 + 11·15.999 = 1021.43496 g per 6 mol Pr → 170.23916 g/mol Pr
G_PER_MOL = {"La": 162.90397, "Ce": 172.114, "Pr": 170.23916}
NAOH = 22.98977 + 15.999 + 1.008  # g/mol
HCL = 1.008 + 35.45  # g/mol


def binary_feed(rate=None):
    rate = Q_(100.0, "kg/h") if rate is None else rate
    return Stream.from_composition(rate, {"La": 0.4, "Ce": 0.6})


def test_reagents_are_three_mol_per_mol_loaded_by_hand():
    section = SolventExtractionSection(split_between=("La", "Ce"), acid_excess=0.1)
    result = section.run({"feed": binary_feed()})
    # molar flow of rare earths fed [mol/h]: 40 kg/h La2O3 and 60 kg/h CeO2
    feed_mol = 40_000 / G_PER_MOL["La"] + 60_000 / G_PER_MOL["Ce"]
    organic_flux = float(result.details["organic_flux"])
    loaded = organic_flux * feed_mol  # mol REE loaded per hour
    naoh = result.consumption["sodium_hydroxide"].to("kg/h").magnitude
    hcl = result.consumption["hydrochloric_acid"].to("kg/h").magnitude
    assert naoh == pytest.approx(3 * loaded * NAOH / 1000, rel=1e-9)
    assert hcl == pytest.approx(3 * loaded * 1.1 * HCL / 1000, rel=1e-9)
    assert result.details["rare_earth_feed"].to("mol/h").magnitude == pytest.approx(
        feed_mol, rel=1e-6
    )


def test_stage_counts_equal_design_cascade_on_the_key_pair():
    purity = 0.99
    result = SolventExtractionSection(
        split_between=("Ce", "La"),
        purity_extract=purity,
        purity_raffinate=purity,
        separation_factor_system="d2ehpa_lactic",  # Ce/La 3.24 (Yin et al. 2015)
    ).run({"feed": binary_feed()})
    la, ce = 40 / G_PER_MOL["La"], 60 / G_PER_MOL["Ce"]
    feed_fraction = ce / (la + ce)  # mol fraction of the heavy (more extractable) Ce
    # mass purity → molar purity, conservative: x = P·M_imp / (P·M_imp + (1 − P)·M_main)
    p_ce = purity * G_PER_MOL["La"] / (purity * G_PER_MOL["La"] + (1 - purity) * G_PER_MOL["Ce"])
    p_la = purity * G_PER_MOL["Ce"] / (purity * G_PER_MOL["Ce"] + (1 - purity) * G_PER_MOL["La"])
    design = design_cascade(3.24, feed_fraction, p_ce, p_la)  # Ce/La 3.24, Yin et al. 2015
    assert result.details["extraction_stages"] == design.extraction_stages
    assert result.details["scrub_stages"] == design.scrub_stages
    assert result.details["organic_flux"] == pytest.approx(float(design.organic_flux))
    equipment = {e.name: e for e in result.equipment}
    assert equipment["extraction mixer-settlers"].parallel_units == design.extraction_stages
    assert equipment["extraction mixer-settlers"].kind == "mixer_settler"


def test_purities_met_for_a_three_component_feed_and_minor_element_follows():
    feed = Stream.from_composition(Q_(1.0, "t/h"), {"La": 0.35, "Ce": 0.55, "Pr": 0.10})
    result = SolventExtractionSection(
        split_between=("La", "Ce"), purity_extract=0.995, purity_raffinate=0.99
    ).run({"feed": feed})
    extract, raffinate = result.outlets["extract"], result.outlets["raffinate"]
    assert extract.purity("Ce") + extract.purity("Pr") >= 0.995
    assert raffinate.purity("La") >= 0.99
    # Pr is more extractable than Ce, so it goes to the extract even more completely
    recovery = result.details["recovery_extract"]
    assert recovery["Pr"] > recovery["Ce"] > recovery["La"]
    assert result.mass_balance_error() < 1e-9


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    la=st.floats(0.2, 0.5),
    pr=st.floats(0.2, 0.4),
    iron=st.floats(0.0, 0.1),
    purity=st.floats(0.9, 0.99),
    split=st.sampled_from([("La", "Ce"), ("Ce", "Pr")]),
)
def test_mass_balance_closes(la, pr, iron, purity, split):
    ce = 1.0 - la - pr
    feed = Stream.from_mass_flows(
        {
            "La": Q_(la, "t/h"),
            "Ce": Q_(ce, "t/h"),
            "Pr": Q_(pr, "t/h"),
            "Fe": Q_(iron, "t/h"),
        }
    )
    result = SolventExtractionSection(
        split_between=split, purity_extract=purity, purity_raffinate=purity
    ).run({"feed": feed})
    assert result.mass_balance_error() < 1e-9
    # iron is not extracted: all of it stays in the raffinate
    assert result.outlets["raffinate"].kg_s("Fe") == pytest.approx(iron / 3.6, rel=1e-12)


def test_kg_per_h_and_lb_per_h_give_the_same_product():
    section = SolventExtractionSection(split_between=("La", "Ce"))
    a = section.run({"feed": binary_feed(Q_(100.0, "kg/h"))})
    b = section.run({"feed": binary_feed(Q_(100.0 / 0.45359237, "lb/h"))})
    np.testing.assert_allclose(
        a.outlets["extract"].mass_flows, b.outlets["extract"].mass_flows, rtol=1e-9
    )
    assert a.details["total_stages"] == b.details["total_stages"]


def test_arrays_equal_scalars_one_by_one():
    purities = np.array([0.98, 0.995, 0.999])
    factors = np.array([2.0, 3.24, 2.5])
    batch = SolventExtractionSection(
        split_between=("La", "Ce"),
        purity_extract=purities,
        separation_factors={"Ce/La": factors},
    ).run({"feed": binary_feed()})
    for i in range(3):
        one = SolventExtractionSection(
            split_between=("La", "Ce"),
            purity_extract=purities[i],
            separation_factors={"Ce/La": factors[i]},
        ).run({"feed": binary_feed()})
        np.testing.assert_allclose(
            batch.outlets["extract"].mass_flows[i], one.outlets["extract"].mass_flows, rtol=1e-9
        )
        assert batch.details["total_stages"][i] == one.details["total_stages"]
        for name, rate in one.consumption.items():
            np.testing.assert_allclose(batch.consumption[name].magnitude[i], rate.magnitude)


@pytest.mark.parametrize(
    ("kwargs", "feed", "match"),
    [
        ({"split_between": ("La", "Pr")}, {"La": 0.3, "Ce": 0.5, "Pr": 0.2}, "Ce"),
        ({"split_between": ("Nd", "Sm")}, {"La": 0.5, "Ce": 0.5}, "not in the feed"),
        ({"split_between": ("La", "Xx")}, {"La": 0.5, "Ce": 0.5}, "not a rare earth"),
        ({"split_between": ("La", "Ce"), "purity_extract": 1.0}, {"La": 0.5, "Ce": 0.5}, "0.999"),
        (
            {"split_between": ("La", "Ce"), "separation_factors": {"Ce/La": 0.95}},
            {"La": 0.5, "Ce": 0.5},
            "> 1",
        ),
        (
            {"split_between": ("La", "Ce"), "impurities_to_extract": ("Th",)},
            {"La": 0.5, "Ce": 0.5},
            "Th",
        ),
    ],
)
def test_bad_input_names_what_to_change(kwargs, feed, match):
    stream = Stream.from_composition(Q_(1, "t/h"), feed)
    with pytest.raises(TecModelError, match=match):
        SolventExtractionSection(**kwargs).run({"feed": stream})


def test_separation_factor_at_most_one_is_infeasible():
    with pytest.raises(InfeasibleDesignError, match="separation_factors"):
        SolventExtractionSection(
            split_between=("La", "Ce"), separation_factors={"Ce/La": 1.0}
        ).run({"feed": binary_feed()})


def test_organic_inventory_and_equipment_are_reported():
    result = SolventExtractionSection(split_between=("La", "Ce")).run({"feed": binary_feed()})
    d = result.details
    # organic flow = S · F / 0.3 mol/L
    feed_mol_h = 40_000 / G_PER_MOL["La"] + 60_000 / G_PER_MOL["Ce"]
    expected = float(d["organic_flux"]) * feed_mol_h / 300.0  # m³/h
    assert d["organic_flow"].to("m**3/h").magnitude == pytest.approx(expected, rel=1e-6)
    assert d["organic_inventory"].to("m**3").magnitude > 0
    kinds = {e.kind for e in result.equipment}
    assert kinds == {"mixer_settler", "mixer_settler_saponification"}
    assert d["strip_stages"] == 9  # Kremser: ln(1000·0.5 + 0.5)/ln 2 = 8.97 → 9


def test_actual_stages_round_up_by_hand():
    from tecmodel.separation.design import actual_stages

    assert int(actual_stages(10, 0.85)) == 12  # 10 / 0.85 = 11.76 → 12
    assert int(actual_stages(17, 0.85)) == 20  # 17 / 0.85 = 20 exactly, not 21
    assert int(actual_stages(9, 1.0)) == 9
    assert actual_stages(np.array([4, 5]), 0.5).tolist() == [8, 10]
    for bad in (0.0, 1.2, -0.5):
        with pytest.raises(TecModelError, match="stage_efficiency"):
            actual_stages(10, bad)


def test_stage_efficiency_multiplies_hardware_not_separation():
    feed = {"feed": binary_feed()}
    ideal = SolventExtractionSection(split_between=("La", "Ce")).run(feed)
    half = SolventExtractionSection(split_between=("La", "Ce"), stage_efficiency=0.5).run(feed)
    d0, d1 = ideal.details, half.details
    # equilibrium stages and outlets are the same; real stages are twice the ideal ones
    assert int(d1["ideal_extraction_stages"]) == int(d0["extraction_stages"])
    assert int(d1["extraction_stages"]) == 2 * int(d0["extraction_stages"])
    assert int(d1["scrub_stages"]) == 2 * int(d0["scrub_stages"])
    assert int(d1["strip_stages"]) == 2 * int(d0["strip_stages"])  # Kremser 9 ideal → 18
    np.testing.assert_array_equal(
        half.outlets["extract"].mass_flows, ideal.outlets["extract"].mass_flows
    )
    counts = {e.name: int(np.asarray(e.parallel_units)) for e in half.equipment}
    assert counts["extraction mixer-settlers"] == int(d1["extraction_stages"])
    # mass balance of the stage still closes
    out = half.outlets["extract"].mass_flows + half.outlets["raffinate"].mass_flows
    np.testing.assert_allclose(out, binary_feed().mass_flows, rtol=1e-9)


def test_stage_efficiency_batch_equals_one_by_one():
    feed = {"feed": binary_feed()}
    batch = SolventExtractionSection(
        split_between=("La", "Ce"), stage_efficiency=np.array([1.0, 0.8, 0.5])
    ).run(feed)
    for i, value in enumerate([1.0, 0.8, 0.5]):
        one = SolventExtractionSection(split_between=("La", "Ce"), stage_efficiency=value).run(
            feed
        )
        assert batch.details["total_stages"][i] == one.details["total_stages"]
        for key, rate in one.consumption.items():
            column = np.broadcast_to(batch.consumption[key].magnitude, (3,))
            assert column[i] == rate.magnitude, key


def test_loading_from_saponification_by_hand():
    # 30 vol % P507 (0.95 kg/L, C16H35O3P = 306.427 g/mol) saponified 36 %:
    # c = 0.3 · 950 / 0.306427 = 930.07 mol/m³; loading = c · 0.36 / 3 = 111.6 mol/m³
    molar_mass = 16 * 12.011 + 35 * 1.008 + 3 * 15.999 + 30.974
    loading = 0.3 * 950.0 / (molar_mass / 1000) * 0.36 / 3  # mol/m³
    section = SolventExtractionSection(split_between=("La", "Ce"), saponification_degree=0.36)
    result = section.run({"feed": binary_feed()})
    loaded = result.details["rare_earth_loaded"].to("mol/h").magnitude
    organic = result.details["organic_flow"].to("m**3/h").magnitude
    assert organic == pytest.approx(loaded / loading, rel=1e-12)
    with pytest.raises(TecModelError, match="saponification_degree"):
        SolventExtractionSection(split_between=("La", "Ce"), saponification_degree=0.0).run(
            {"feed": binary_feed()}
        )


def test_saponification_sets_volumes_and_inventory_as_that_loading_given():
    # the loading from saponification (c · degree / 3, hand value above) sizes the organic
    # flow, every mixer-settler and the organic inventory exactly as the same loading
    # given as organic_loading; a lower loading means more organic, larger settlers and a
    # larger inventory
    molar_mass = 16 * 12.011 + 35 * 1.008 + 3 * 15.999 + 30.974
    feed = {"feed": binary_feed()}
    results = {}
    for degree in (0.36, 0.72):
        loading = 0.3 * 950.0 / (molar_mass / 1000) * degree / 3  # mol/m³
        by_degree = SolventExtractionSection(
            split_between=("La", "Ce"), saponification_degree=degree
        ).run(feed)
        given = SolventExtractionSection(
            split_between=("La", "Ce"), organic_loading=Q_(loading, "mol/m**3")
        ).run(feed)
        for key in ("organic_flow", "organic_inventory"):
            assert by_degree.details[key].to_base_units().magnitude == pytest.approx(
                given.details[key].to_base_units().magnitude, rel=1e-12
            ), key
        sizes = {e.name: e.size.to("m**3").magnitude for e in by_degree.equipment}
        for unit in given.equipment:
            assert sizes[unit.name] == pytest.approx(unit.size.to("m**3").magnitude, rel=1e-12)
        results[degree] = by_degree
    low, high = results[0.36].details, results[0.72].details
    assert low["organic_flow"].magnitude == pytest.approx(2 * high["organic_flow"].magnitude)
    assert low["organic_inventory"].magnitude > high["organic_inventory"].magnitude
