"""AcidLeaching: mass balance, acid stoichiometry by hand, sizing, residue classification."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel import Q_
from tecmodel.errors import InputError, TecModelError, UnitError
from tecmodel.stages.leaching import AcidLeaching
from tecmodel.streams import Stream

# CIAAW 2021 atomic weights, written out so the hand calculations are independent.
M_ND, M_LA, M_TH, M_O = 144.242, 138.90547, 232.0377, 15.999
M_HCL = 1.008 + 35.45
M_H2SO4 = 2 * 1.008 + 32.06 + 4 * 15.999


def nd_feed(kg_h=1000.0):
    return Stream.from_mass_flows({"Nd": Q_(kg_h, "kg/h")})


def ore_feed():
    return Stream.from_composition(
        Q_(2000, "kg/h"),
        {"La": 0.25, "Ce": 0.3, "Nd": 0.1, "Th": 0.003, "U": 0.0005, "gangue": 0.3465},
    )


def test_hcl_for_pure_nd2o3_matches_hand_calculation():
    # 1000 kg/h Nd2O3 → 2 · 1000 / M(Nd2O3) kmol/h Nd, 3 HCl per Nd, no excess.
    mol_nd = 2 * 1000.0 / (2 * M_ND + 3 * M_O)  # kmol/h
    expected = 3 * mol_nd * M_HCL  # kg/h
    result = AcidLeaching(recovery=1.0, acid_excess=0.0).run({"feed": nd_feed()})
    assert result.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        expected, rel=1e-4
    )
    assert result.mass_balance_error() < 1e-9


def test_sulfuric_acid_takes_half_the_moles_and_excess_scales():
    mol_nd = 2 * 1000.0 / (2 * M_ND + 3 * M_O)
    expected = 1.5 * mol_nd * M_H2SO4 * 1.25 * 0.9  # 90 % dissolved, 25 % excess
    result = AcidLeaching(acid="sulfuric_acid", recovery=0.9, acid_excess=0.25).run(
        {"feed": nd_feed()}
    )
    assert result.consumption["sulfuric_acid"].to("kg/h").magnitude == pytest.approx(
        expected, rel=1e-4
    )


def test_thorium_and_impurities_consume_acid():
    feed = Stream.from_mass_flows({"Th": Q_(10, "kg/h"), "calcite": Q_(100, "kg/h")})
    stage = AcidLeaching(thorium_dissolution=1.0, impurity_dissolution={"calcite": 0.5},
                         acid_excess=0.0)  # fmt: skip
    mol_th = 10.0 / (M_TH + 2 * M_O)  # kmol/h ThO2 = Th
    protons = 4 * mol_th + 20.0 * 50.0 / 1000.0  # kmol/h (20 mol H+/kg of calcite)
    result = stage.run({"feed": feed})
    assert result.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        protons * M_HCL, rel=1e-4
    )
    assert result.outlets["liquor"].kg_s("calcite") * 3600 == pytest.approx(50.0)


def test_reactor_volume_by_hand():
    # 1000 kg/h solids at 30 wt% in a 1300 kg/m³ slurry for 2 h.
    expected = 1000.0 / 0.3 / 1300.0 * 2.0
    result = AcidLeaching().run({"feed": nd_feed()})
    assert result.details["reactor_volume"].to("m**3").magnitude == pytest.approx(expected)
    reactors = result.equipment[0]
    assert reactors.kind == "leach_reactor"
    total = reactors.size.to("m**3").magnitude * reactors.parallel_units
    assert total == pytest.approx(expected)


def test_large_reactor_volume_is_split_into_parallel_units():
    result = AcidLeaching().run({"feed": nd_feed(1e5)})  # 513 m³ > 189 m³ per unit
    reactors = result.equipment[0]
    assert reactors.parallel_units == 3
    assert reactors.size.to("gal").magnitude <= 49950.0


def test_residue_classed_by_nrc_source_material_rule():
    def residue_class(tho2_kg_h):
        feed = Stream.from_mass_flows({"Nd": Q_(10, "kg/h"), "Th": Q_(tho2_kg_h, "kg/h"),
                                       "gangue": Q_(100, "kg/h")})  # fmt: skip
        stage = AcidLeaching(recovery=1.0, thorium_dissolution=0.0)
        (waste,) = stage.run({"feed": feed}).wastes
        return waste.waste_class

    # Th (element) / dry residue: 0.1 kg ThO2 → 0.1·M_Th/(M_Th + 2 M_O) = 0.0879 kg Th in
    # 100.1 kg → 0.088 % ≥ 0.05 %; 0.04 kg ThO2 → 0.035 % < 0.05 %.
    assert residue_class(0.1) == "radioactive"
    assert residue_class(0.04) == "non_hazardous"


def test_straddling_samples_give_two_waste_lines_with_per_sample_flow():
    feed = ore_feed()
    stage = AcidLeaching(thorium_dissolution=np.array([0.0, 1.0]), uranium_dissolution=1.0)
    result = stage.run({"feed": feed})
    classes = {w.waste_class: w for w in result.wastes}
    assert set(classes) == {"radioactive", "non_hazardous"}
    assert classes["radioactive"].stream.total_kg_s[1] == 0.0
    assert classes["non_hazardous"].stream.total_kg_s[0] == 0.0
    assert np.all(result.mass_balance_error() < 1e-9)


def test_kg_per_hour_and_lb_per_hour_give_the_same_result():
    a = Stream.from_mass_flows({"Nd": Q_(1000, "kg/h"), "gangue": Q_(500, "kg/h")})
    b = Stream.from_mass_flows(
        {"Nd": Q_(1000, "kg/h").to("lb/h"), "gangue": Q_(500, "kg/h").to("lb/h")}
    )
    ra, rb = (AcidLeaching().run({"feed": s}) for s in (a, b))
    np.testing.assert_allclose(ra.outlets["liquor"].mass_flows, rb.outlets["liquor"].mass_flows)
    assert ra.consumption["hydrochloric_acid"].magnitude == pytest.approx(
        rb.consumption["hydrochloric_acid"].magnitude
    )


def test_arrays_equal_scalars_one_by_one():
    recovery = np.array([0.8, 0.9, 0.99])
    residence = Q_(np.array([1.0, 2.0, 3.0]), "h")
    excess = np.array([0.0, 0.1, 0.5])
    feed = ore_feed()
    vector = AcidLeaching(recovery=recovery, residence_time=residence, acid_excess=excess).run(
        {"feed": feed}
    )
    for i in range(3):
        one = AcidLeaching(
            recovery=recovery[i], residence_time=residence[i], acid_excess=excess[i]
        ).run({"feed": feed})
        np.testing.assert_allclose(
            vector.outlets["liquor"].mass_flows[i], one.outlets["liquor"].mass_flows
        )
        for name in ("hydrochloric_acid", "electricity", "process_water"):
            np.testing.assert_allclose(
                np.broadcast_to(vector.consumption[name].magnitude, (3,))[i],
                one.consumption[name].magnitude,
            )
        np.testing.assert_allclose(
            vector.details["reactor_volume"].magnitude[i], one.details["reactor_volume"].magnitude
        )


fractions = st.floats(0.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(
    flows=st.lists(st.floats(0.0, 1e4), min_size=5, max_size=5),
    recovery=fractions,
    th=fractions,
    u=fractions,
    gangue=fractions,
    acid=st.sampled_from(["hydrochloric_acid", "sulfuric_acid"]),
)
def test_mass_balance_closes(flows, recovery, th, u, gangue, acid):
    names = ("La", "Nd", "Th", "U", "gangue")
    flows[0] += 1.0  # keep a non-empty feed
    feed = Stream.from_mass_flows({n: Q_(f, "kg/h") for n, f in zip(names, flows, strict=True)})
    stage = AcidLeaching(
        acid=acid,
        recovery=recovery,
        thorium_dissolution=th,
        uranium_dissolution=u,
        impurity_dissolution={"gangue": gangue},
    )
    result = stage.run({"feed": feed})
    assert result.mass_balance_error() < 1e-9
    assert np.all(result.consumption[acid].magnitude >= 0)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"recovery": 1.2}, "recovery"),
        ({"thorium_dissolution": -0.1}, "thorium_dissolution"),
        ({"acid": "nitric_acid"}, "acid"),
        ({"impurity_dissolution": {"Fe": 0.5}}, "Fe"),
        ({"impurity_dissolution": {"Nd": 0.5}}, "impurity_dissolution"),
        ({"residence_time": 2.0}, "residence_time"),
        ({"residence_time": Q_(-1, "h")}, "residence_time"),
        ({"solids_fraction": 0.0}, "solids_fraction"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, word):
    with pytest.raises(TecModelError, match=word):
        AcidLeaching(**kwargs).run({"feed": ore_feed()})


def test_negative_flow_and_missing_port_raise():
    with pytest.raises(InputError, match="Nd"):
        Stream.from_mass_flows({"Nd": Q_(-1, "kg/h")})
    with pytest.raises(InputError, match="feed"):
        AcidLeaching().run({"concentrate": ore_feed()})
    with pytest.raises(UnitError):
        AcidLeaching(slurry_density=Q_(1300, "kg")).run({"feed": ore_feed()})
