"""Precipitation (oxalate, bicarbonate) and calcination: stoichiometry by hand, balances."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel import Q_
from tecmodel.errors import TecModelError, UnitError
from tecmodel.stages.precipitation import (
    BicarbonatePrecipitation,
    Calcination,
    OxalatePrecipitation,
)
from tecmodel.streams import Stream

# CIAAW 2021 atomic weights.
H, C, N, O = 1.008, 12.011, 14.007, 15.999  # noqa: E741
M = {"La": 138.90547, "Ce": 140.116, "Pr": 140.90766, "Nd": 144.242}
# Commercial oxides: metal atoms, oxygen atoms.
OXIDE = {"La": (2, 3), "Ce": (1, 2), "Pr": (6, 11), "Nd": (2, 3)}
OXALIC_DIHYDRATE = 2 * H + 2 * C + 4 * O + 2 * (2 * H + O)  # 126.06 g/mol
NH4HCO3 = N + 5 * H + C + 3 * O  # 79.06 g/mol


def mol_per_kg_oxide(symbol):
    a, b = OXIDE[symbol]
    return 1000.0 * a / (a * M[symbol] + b * O)  # mol RE per kg of oxide


def test_oxalic_acid_dihydrate_1124_kg_per_kg_nd2o3():
    # REFERENCE_DATA.md: 1.5 mol H2C2O4·2H2O (126.07 g/mol) per mol Nd; one mol Nd is half a
    # mol of Nd2O3 (336.48 g/mol): 1.5 · 126.07 / (336.48 / 2) = 1.124 kg/kg.
    by_hand = 1.5 * 126.07 / ((2 * 144.242 + 3 * 15.999) / 2)
    assert by_hand == pytest.approx(1.124, abs=5e-4)
    feed = Stream.from_mass_flows({"Nd": Q_(1, "kg/h")})
    result = OxalatePrecipitation(excess=0.0).run({"feed": feed})
    assert result.consumption["oxalic_acid"].to("kg/h").magnitude == pytest.approx(
        by_hand, rel=1e-4
    )


def test_oxalic_acid_is_summed_per_element_not_by_average():
    flows = {"La": 300.0, "Ce": 500.0, "Pr": 50.0, "Nd": 150.0}  # kg/h of oxide
    mol = sum(flows[s] * mol_per_kg_oxide(s) for s in flows) / 1000.0  # kmol/h RE
    expected = 1.5 * mol * OXALIC_DIHYDRATE * 1.2
    feed = Stream.from_mass_flows({s: Q_(v, "kg/h") for s, v in flows.items()})
    result = OxalatePrecipitation(excess=0.2).run({"feed": feed})
    assert result.consumption["oxalic_acid"].to("kg/h").magnitude == pytest.approx(
        expected, rel=1e-6
    )


def test_ammonium_bicarbonate_three_moles_per_mole():
    feed = Stream.from_mass_flows({"Nd": Q_(1000, "kg/h"), "Ce": Q_(1000, "kg/h")})
    mol = (1000 * mol_per_kg_oxide("Nd") + 1000 * mol_per_kg_oxide("Ce")) / 1000.0
    expected = 3 * mol * NH4HCO3
    result = BicarbonatePrecipitation(excess=0.0).run({"feed": feed})
    assert result.consumption["ammonium_bicarbonate"].to("kg/h").magnitude == pytest.approx(
        expected, rel=1e-6
    )
    assert result.details["precipitate_solid"] == "RE2(CO3)3·2H2O"


def test_precipitate_solid_mass_and_equipment():
    # Nd2(C2O4)3·10H2O per mol Nd: (2·144.242 + 3·88.018 + 10·18.015)/2 g.
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    result = OxalatePrecipitation(recovery=1.0).run({"feed": feed})
    grams_per_mol = (2 * M["Nd"] + 3 * (2 * C + 4 * O) + 10 * (2 * H + O)) / 2
    expected = 100 * mol_per_kg_oxide("Nd") * grams_per_mol / 1000
    solid = result.details["precipitate_solid_mass_flow"].to("kg/h").magnitude
    assert solid == pytest.approx(expected, rel=1e-6)
    # tank: 100 kg/h REO at 30 g/L → 3.333 m³/h · 1 h
    assert result.details["tank_volume"].to("m**3").magnitude == pytest.approx(100 / 30)
    assert [e.kind for e in result.equipment] == ["precipitation_tank", "filter_press"]


def test_thorium_follows_and_impurities_stay():
    feed = Stream.from_mass_flows(
        {"Nd": Q_(100, "kg/h"), "Th": Q_(1, "kg/h"), "Fe": Q_(5, "kg/h")}
    )
    result = OxalatePrecipitation(recovery=0.9, thorium_coprecipitation=0.5).run({"feed": feed})
    precipitate = result.outlets["precipitate"]
    assert precipitate.kg_s("Nd") * 3600 == pytest.approx(90)
    assert precipitate.kg_s("Th") * 3600 == pytest.approx(0.5)
    assert result.outlets["liquor"].kg_s("Fe") * 3600 == pytest.approx(5)


def test_kg_per_hour_and_lb_per_hour_agree():
    a = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    b = Stream.from_mass_flows({"Nd": Q_(100, "kg/h").to("lb/h")})
    ra, rb = (OxalatePrecipitation().run({"feed": s}) for s in (a, b))
    assert ra.consumption["oxalic_acid"].magnitude == pytest.approx(
        rb.consumption["oxalic_acid"].magnitude
    )
    np.testing.assert_allclose(
        ra.outlets["precipitate"].mass_flows, rb.outlets["precipitate"].mass_flows
    )


def test_arrays_equal_scalars_one_by_one():
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h"), "La": Q_(50, "kg/h")})
    excess = np.array([0.0, 0.2, 0.5])
    recovery = np.array([0.9, 0.95, 1.0])
    vector = OxalatePrecipitation(excess=excess, recovery=recovery).run({"feed": feed})
    calc = Calcination(recovery=np.array([1.0, 0.99, 0.98])).run(
        {"precipitate": vector.outlets["precipitate"]}
    )
    for i in range(3):
        one = OxalatePrecipitation(excess=excess[i], recovery=recovery[i]).run({"feed": feed})
        assert vector.consumption["oxalic_acid"].magnitude[i] == pytest.approx(
            one.consumption["oxalic_acid"].magnitude
        )
        np.testing.assert_allclose(
            vector.outlets["liquor"].mass_flows[i], one.outlets["liquor"].mass_flows
        )
        one_calc = Calcination(recovery=[1.0, 0.99, 0.98][i]).run(
            {"precipitate": one.outlets["precipitate"]}
        )
        np.testing.assert_allclose(
            calc.outlets["product"].mass_flows[i], one_calc.outlets["product"].mass_flows
        )
        assert calc.consumption["natural_gas"].magnitude[i] == pytest.approx(
            one_calc.consumption["natural_gas"].magnitude
        )


@settings(max_examples=40, deadline=None)
@given(
    flows=st.lists(st.floats(0.0, 1e4), min_size=4, max_size=4),
    recovery=st.floats(0.0, 1.0),
    thorium=st.floats(0.0, 1.0),
    iron=st.floats(0.0, 1.0),
    calcination_recovery=st.floats(0.0, 1.0),
    bicarbonate=st.booleans(),
)
def test_mass_balances_close(flows, recovery, thorium, iron, calcination_recovery, bicarbonate):
    names = ("Ce", "Nd", "Th", "Fe")
    flows[0] += 1.0
    feed = Stream.from_mass_flows({n: Q_(f, "kg/h") for n, f in zip(names, flows, strict=True)})
    cls = BicarbonatePrecipitation if bicarbonate else OxalatePrecipitation
    stage = cls(
        recovery=recovery, thorium_coprecipitation=thorium, impurity_coprecipitation={"Fe": iron}
    )
    result = stage.run({"feed": feed})
    assert result.mass_balance_error() < 1e-9
    calc = Calcination(recovery=calcination_recovery).run(
        {"precipitate": result.outlets["precipitate"]}
    )
    assert calc.mass_balance_error() < 1e-9


def test_calcination_co2_and_energy_by_hand():
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    result = Calcination().run({"precipitate": feed})
    mol = 100 * mol_per_kg_oxide("Nd")  # mol/h Nd
    co2 = 3 * mol * (C + 2 * O) / 1000  # oxalate: 3 CO2 per Nd in air
    assert result.details["process_co2"].to("kg/h").magnitude == pytest.approx(co2, rel=1e-6)
    # 15 MJ/kg × 100 kg/h = 1500 MJ/h; 1 MMBtu = 1055.056 MJ
    assert result.details["heat_input_mmbtu"].to("MMBtu/h").magnitude == pytest.approx(
        1500 / 1055.056, rel=1e-5
    )
    # gas volume at 1,036 Btu/ft³ (EIA)
    assert result.consumption["natural_gas"].to("ft**3/h").magnitude == pytest.approx(
        1500 / 1055.056 * 1e6 / 1036, rel=1e-5
    )
    assert result.details["oxide_forms"] == {"Nd": "Nd2O3"}
    assert result.equipment[0].kind == "calciner"
    carbonate = Calcination(precipitate_form="carbonate", fuel="electricity").run(
        {"precipitate": feed}
    )
    assert carbonate.details["process_co2"].magnitude == pytest.approx(
        result.details["process_co2"].magnitude / 2
    )
    assert carbonate.consumption["electricity"].to("kW").magnitude == pytest.approx(1500 / 3.6)


@pytest.mark.parametrize(
    ("make_stage", "word"),
    [
        (lambda: OxalatePrecipitation(excess=-0.1), "excess"),
        (lambda: OxalatePrecipitation(recovery=1.5), "recovery"),
        (lambda: OxalatePrecipitation(impurity_coprecipitation={"Zn": 0.5}), "Zn"),
        (
            lambda: OxalatePrecipitation(impurity_coprecipitation={"Nd": 0.5}),
            "impurity_coprecipitation",
        ),
        (lambda: OxalatePrecipitation(ree_concentration=30.0), "ree_concentration"),
        (lambda: BicarbonatePrecipitation(cake_moisture=1.0), "cake_moisture"),
    ],
)
def test_bad_precipitation_input(make_stage, word):
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h"), "Fe": Q_(1, "kg/h")})
    with pytest.raises(TecModelError, match=word):
        make_stage().run({"feed": feed})


@pytest.mark.parametrize(
    ("make_stage", "word"),
    [
        (lambda: Calcination(precipitate_form="sulfate"), "precipitate_form"),
        (lambda: Calcination(fuel="coal"), "fuel"),
        (lambda: Calcination(recovery=-0.5), "recovery"),
        (lambda: Calcination(specific_energy=Q_(15, "MJ")), "specific_energy"),
    ],
)
def test_bad_calcination_input(make_stage, word):
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    with pytest.raises(TecModelError, match=word):
        make_stage().run({"precipitate": feed})


def test_unit_error_is_a_tecmodel_error():
    with pytest.raises(UnitError):
        Calcination(specific_energy=Q_(15, "MJ")).run(
            {"precipitate": Stream.from_mass_flows({"Nd": Q_(1, "kg/h")})}
        )
