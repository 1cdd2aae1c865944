"""Disposal and neutralisation, oxide-to-metal stages and GenericStage."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel import Q_
from tecmodel.errors import InputError, TecModelError, UnitError
from tecmodel.stages import Equipment, Stage
from tecmodel.stages.generic import GenericStage
from tecmodel.stages.metal import (
    MetallothermicReduction,
    MoltenSaltElectrolysis,
    anode_carbon_floor,
    faraday_charge,
)
from tecmodel.stages.waste import (
    THORIUM_SPECIFIC_ACTIVITY,
    Disposal,
    LimeNeutralisation,
)
from tecmodel.streams import Stream

M_ND, M_PR, M_DY, M_TH, M_O, M_C, M_CA = (
    144.242, 140.90766, 162.500, 232.0377, 15.999, 12.011, 40.078,
)  # fmt: skip
F = 96485.33212  # C/mol


# ------------------------------------------------------------------------------ waste
def test_thorium_specific_activity_4_06_kbq_per_g():
    # A = ln2 / t½ · N_A / M, t½ = 1.405e10 a (ICRP 107)
    by_hand = math.log(2) / (1.405e10 * 365.25 * 86400) * 6.02214076e23 / M_TH
    assert by_hand == pytest.approx(4057, abs=1)
    assert THORIUM_SPECIFIC_ACTIVITY == pytest.approx(by_hand, rel=1e-9)


def test_lynas_like_residue_is_radioactive_and_reports_its_activity():
    # 6 Bq/g Th (Lynas WLP) ↔ 6 / 4057 = 0.148 wt% Th ≥ 0.05 %.
    th_fraction = 6.0 / THORIUM_SPECIFIC_ACTIVITY
    tho2 = th_fraction * 1000 * (M_TH + 2 * M_O) / M_TH  # kg/h ThO2 in 1000 kg/h dry
    feed = Stream.from_mass_flows({"Th": Q_(tho2, "kg/h"), "gangue": Q_(1000 - tho2, "kg/h")})
    result = Disposal(moisture_fraction=0.2).run({"feed": feed})
    (waste,) = result.wastes
    assert waste.waste_class == "radioactive"
    assert result.details["thorium_activity"].to("Bq/g").magnitude == pytest.approx(6.0)
    # wet mass 1000 / 0.8 = 1250 kg/h at 1600 kg/m³
    assert waste.volume_flow.to("m**3/h").magnitude == pytest.approx(1250 / 1600)
    assert result.mass_balance_error() < 1e-9


def test_disposal_below_threshold_keeps_default_class_and_force_overrides():
    feed = Stream.from_mass_flows({"Th": Q_(0.01, "kg/h"), "gangue": Q_(100, "kg/h")})
    assert Disposal().run({"feed": feed}).wastes[0].waste_class == "non_hazardous"
    assert Disposal(default_class="hazardous").run({"feed": feed}).wastes[0].waste_class == (
        "hazardous"
    )
    forced = Disposal(waste_class="radioactive").run({"feed": feed})
    assert forced.wastes[0].waste_class == "radioactive"


def test_disposal_threshold_array_matches_scalars():
    feed = Stream.from_mass_flows({"U": Q_(0.1, "kg/h"), "gangue": Q_(100, "kg/h")})
    thresholds = np.array([1e-4, 1e-3])  # U fraction ≈ 0.085 %
    result = Disposal(threshold=thresholds).run({"feed": feed})
    by_class = {w.waste_class: w for w in result.wastes}
    for i, t in enumerate(thresholds):
        (one,) = Disposal(threshold=t).run({"feed": feed}).wastes
        assert by_class[one.waste_class].mass_flow.magnitude[i] == pytest.approx(
            one.mass_flow.magnitude
        )


def test_lime_for_free_hcl_and_rare_earths_by_hand():
    # 36.458 kg/h HCl = 1 kmol/h H+; 100 kg/h Nd2O3 as NdCl3 = 3 H+ per Nd.
    liquor = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    mol_nd = 2 * 100 / (2 * M_ND + 3 * M_O)  # kmol/h
    protons = 1.0 + 3 * mol_nd * 0.99
    cao = protons / 2 * 1.1 * (M_CA + M_O)  # kg/h
    stage = LimeNeutralisation(free_acid=Q_(36.458, "kg/h"), precipitation=0.99)
    result = stage.run({"liquor": liquor})
    assert result.consumption["lime"].to("kg/h").magnitude == pytest.approx(cao, rel=1e-4)
    assert result.mass_balance_error() < 1e-9
    sulfuric = LimeNeutralisation(acid="sulfuric_acid").run({"liquor": liquor})
    assert sulfuric.details["gypsum_mass_flow"].magnitude > 0


def test_lime_for_dissolved_iron_by_hand():
    # Fe (element basis) dissolved as Fe2+: 2 H+ per Fe whether it lands as Fe(OH)2 or is
    # air-oxidised to Fe(OH)3 (1 H+ used by the oxidation, 3 released by the hydroxide).
    # 55.845 kg/h Fe = 1 kmol/h Fe = 2 kmol/h H+ -> 1 kmol/h CaO, +10 % excess.
    liquor = Stream.from_mass_flows({"Fe": Q_(55.845, "kg/h"), "B_other": Q_(5.0, "kg/h")})
    stage = LimeNeutralisation(other_precipitation=1.0)
    result = stage.run({"liquor": liquor})
    assert result.consumption["lime"].to("kg/h").magnitude == pytest.approx(
        1.0 * 1.1 * (M_CA + M_O), rel=1e-12
    )
    # a component of unknown charge takes other_lime_demand, Fe keeps its own charge
    more = LimeNeutralisation(other_precipitation=1.0, other_lime_demand=Q_(10, "mol/kg"))
    lime = more.run({"liquor": liquor}).consumption["lime"].to("kg/h").magnitude
    assert lime == pytest.approx((2.0 + 5.0 * 10 / 1000) / 2 * 1.1 * (M_CA + M_O), rel=1e-12)


def test_effluent_treatment_neutralises_iron_by_hand():
    from tecmodel.stages.effluent import EffluentTreatment

    # 111.69 kg/h Fe = 2 kmol/h Fe2+; 99 % precipitated: 2 x 2 x 0.99 kmol/h H+ -> CaO/2
    liquor = Stream.from_mass_flows({"Fe": Q_(2 * 55.845, "kg/h")})
    result = EffluentTreatment(water_flow=Q_(10, "m**3/h")).run({"liquor": liquor})
    assert result.consumption["lime"].to("kg/h").magnitude == pytest.approx(
        4.0 * 0.99 / 2 * 1.1 * (M_CA + M_O), rel=1e-12
    )
    assert result.mass_balance_error() < 1e-9
    batch = EffluentTreatment(precipitation=np.array([0.5, 0.99])).run({"liquor": liquor})
    for i, share in enumerate((0.5, 0.99)):
        one = EffluentTreatment(precipitation=share).run({"liquor": liquor})
        assert batch.consumption["lime"].magnitude[i] == one.consumption["lime"].magnitude


# ------------------------------------------------------------------------------ metal
def test_faraday_557_ah_per_kg_nd():
    by_hand = 3 * F / (M_ND / 1000) / 3600  # A·h per kg
    assert by_hand == pytest.approx(557, abs=0.5)
    assert faraday_charge(M_ND) == pytest.approx(by_hand)
    # carbon floor: 0.75 mol C (CO2) or 1.5 mol C (CO) per mol Nd
    assert anode_carbon_floor(M_ND) == pytest.approx(0.75 * M_C / M_ND)
    assert anode_carbon_floor(M_ND, "CO") == pytest.approx(0.125, abs=1e-3)


def test_electrolysis_energy_and_consumptions_by_hand():
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    stage = MoltenSaltElectrolysis(
        cell_voltage=Q_(10, "V"), current_efficiency=0.75, metal_yield=0.95,
        rectifier_efficiency=0.97, anode_carbon_ratio=2.0,
    )  # fmt: skip
    result = stage.run({"feed": feed})
    metal_kg_h = 95 * 2 * M_ND / (2 * M_ND + 3 * M_O)
    charge = 3 * F / (M_ND / 1000) / 3600  # Ah/kg
    dc_kwh_per_kg = charge * 10 / 0.75 / 1000  # 7.43 kWh/kg
    assert dc_kwh_per_kg == pytest.approx(7.43, abs=0.01)
    d = result.details
    assert d["metal_mass_flow"].to("kg/h").magnitude == pytest.approx(metal_kg_h)
    assert d["specific_energy_dc"].to("kW*h/kg").magnitude == pytest.approx(dc_kwh_per_kg)
    assert result.consumption["electricity"].to("kW").magnitude == pytest.approx(
        dc_kwh_per_kg * metal_kg_h / 0.97
    )
    assert result.consumption["anode_carbon"].to("kg/h").magnitude == pytest.approx(
        2 * 0.75 * M_C / M_ND * metal_kg_h
    )
    cells = result.equipment[0]
    assert cells.kind == "electrolysis_cell"
    current_ka = charge * metal_kg_h / 0.75 / 1000
    assert cells.size.to("kA").magnitude * cells.parallel_units == pytest.approx(current_ka)


def test_metal_outlet_is_oxide_equivalent_and_balance_closes():
    feed = Stream.from_mass_flows({"Nd": Q_(75, "kg/h"), "Pr": Q_(25, "kg/h")})
    result = MoltenSaltElectrolysis(metal_yield=0.9).run({"feed": feed})
    metal = result.outlets["metal"]
    (loss,) = result.wastes
    # oxide in = metal × oxide factor + losses (oxide equivalent)
    nd_metal = metal.element_flow("Nd").to("kg/h").magnitude
    assert nd_metal * (2 * M_ND + 3 * M_O) / (2 * M_ND) + loss.stream.kg_s("Nd") * 3600 == (
        pytest.approx(75)
    )
    assert result.mass_balance_error() < 1e-9


def test_calciothermic_reduction_calcium_and_hf_by_hand():
    feed = Stream.from_mass_flows({"Dy": Q_(10, "kg/h")})
    result = MetallothermicReduction(calcium_excess=0.2, hf_excess=0.0).run({"feed": feed})
    mol_dy = 2 * 10 / (2 * M_DY + 3 * M_O)  # kmol/h
    assert result.consumption["calcium"].to("kg/h").magnitude == pytest.approx(
        1.5 * mol_dy * 1.2 * M_CA
    )
    assert result.consumption["hydrogen_fluoride"].to("kg/h").magnitude == pytest.approx(
        3 * mol_dy * (1.008 + 18.998)
    )
    assert result.mass_balance_error() < 1e-9


def test_metal_arrays_equal_scalars_and_units_agree():
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    feed_lb = Stream.from_mass_flows({"Nd": Q_(100, "kg/h").to("lb/h")})
    efficiency = np.array([0.7, 0.75, 0.8])
    vector = MoltenSaltElectrolysis(current_efficiency=efficiency).run({"feed": feed})
    for i, e in enumerate(efficiency):
        one = MoltenSaltElectrolysis(current_efficiency=e).run({"feed": feed_lb})
        assert vector.consumption["electricity"].magnitude[i] == pytest.approx(
            one.consumption["electricity"].magnitude
        )


@settings(max_examples=30, deadline=None)
@given(
    flows=st.lists(st.floats(0.0, 1e4), min_size=3, max_size=3),
    metal_yield=st.floats(0.0, 1.0),
    efficiency=st.floats(0.05, 1.0),
)
def test_metal_mass_balances_close(flows, metal_yield, efficiency):
    flows[0] += 1.0
    feed = Stream.from_mass_flows(
        {n: Q_(f, "kg/h") for n, f in zip(("Nd", "Pr", "Th"), flows, strict=True)}
    )
    msE = MoltenSaltElectrolysis(metal_yield=metal_yield, current_efficiency=efficiency)
    assert msE.run({"feed": feed}).mass_balance_error() < 1e-9
    mtr = MetallothermicReduction(metal_yield=metal_yield)
    assert mtr.run({"feed": feed}).mass_balance_error() < 1e-9


@pytest.mark.parametrize(
    ("make_stage", "word"),
    [
        (lambda: MoltenSaltElectrolysis(current_efficiency=1.2), "current_efficiency"),
        (lambda: MoltenSaltElectrolysis(current_efficiency=0.0), "current_efficiency"),
        (lambda: MoltenSaltElectrolysis(cell_voltage=10), "cell_voltage"),
        (lambda: MoltenSaltElectrolysis(anode_carbon_ratio=0.5), "anode_carbon_ratio"),
        (lambda: MoltenSaltElectrolysis(loss_class="toxic"), "loss_class"),
        (lambda: MetallothermicReduction(metal_yield=-0.1), "metal_yield"),
        (lambda: MetallothermicReduction(calcium_excess=-0.5), "calcium_excess"),
    ],
)
def test_bad_metal_input(make_stage, word):
    feed = Stream.from_mass_flows({"Nd": Q_(100, "kg/h")})
    with pytest.raises(TecModelError, match=word):
        make_stage().run({"feed": feed})


def test_metal_needs_a_rare_earth():
    with pytest.raises(InputError, match="rare earth"):
        MoltenSaltElectrolysis().run({"feed": Stream.from_mass_flows({"Fe": Q_(1, "kg/h")})})


# ---------------------------------------------------------------------------- generic
def test_generic_stage_yields_consumptions_and_protocol():
    feed = Stream.from_mass_flows({"Nd": Q_(80, "kg/h"), "Fe": Q_(20, "kg/h")})
    stage = GenericStage(
        yields={"product": {"Nd": 0.9}, "byproduct": {"Fe": 0.5, "*": 0.05}},
        consumption={"electricity": Q_(5, "kW")},
        consumption_per_feed={"electricity": Q_(20, "kW*h/t"), "sulfuric_acid": 0.1},
        equipment=(Equipment("dryer", "dryer", Q_(1, "m**3")),),
        operators_per_shift=0.5,
    )
    assert isinstance(stage, Stage)
    assert stage.outlet_ports == ("product", "byproduct")
    result = stage.run({"feed": feed})
    assert result.outlets["product"].kg_s("Nd") * 3600 == pytest.approx(72)
    assert result.outlets["byproduct"].kg_s("Nd") * 3600 == pytest.approx(4)
    assert result.outlets["byproduct"].kg_s("Fe") * 3600 == pytest.approx(10)
    assert result.wastes[0].stream.kg_s("Nd") * 3600 == pytest.approx(4)
    # 5 kW + 20 kWh/t × 0.1 t/h = 7 kW; 0.1 kg/kg × 100 kg/h = 10 kg/h
    assert result.consumption["electricity"].to("kW").magnitude == pytest.approx(7)
    assert result.consumption["sulfuric_acid"].to("kg/h").magnitude == pytest.approx(10)
    assert result.mass_balance_error() < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    flows=st.lists(st.floats(0.0, 1e4), min_size=3, max_size=3),
    a=st.floats(0.0, 0.5),
    b=st.floats(0.0, 0.5),
    c=st.floats(0.0, 0.5),
)
def test_generic_mass_balance_closes(flows, a, b, c):
    flows[0] += 1.0
    feed = Stream.from_mass_flows(
        {n: Q_(f, "kg/h") for n, f in zip(("La", "Th", "slag"), flows, strict=True)}
    )
    stage = GenericStage(yields={"one": {"La": a, "*": b}, "two": {"La": b, "slag": c}})
    assert stage.run({"feed": feed}).mass_balance_error() < 1e-9


def test_generic_arrays_equal_scalars():
    feed = Stream.from_mass_flows({"Nd": Q_(80, "kg/h"), "Fe": Q_(20, "kg/h")})
    yields = np.array([0.2, 0.6])
    vector = GenericStage(yields={"product": {"Nd": yields}}).run({"feed": feed})
    for i, y in enumerate(yields):
        one = GenericStage(yields={"product": {"Nd": y}}).run({"feed": feed})
        np.testing.assert_allclose(
            vector.outlets["product"].mass_flows[i], one.outlets["product"].mass_flows
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        ({"yields": {"p": {"Nd": 0.7}, "q": {"Nd": 0.5}}}, InputError, "sum"),
        ({"yields": {"p": {"Xx": 0.5}}}, InputError, "Xx"),
        ({"yields": {"p": {"Nd": 1.5}}}, InputError, "yields"),
        ({"yields": {"p": {"Nd": 0.5}}, "waste_class": "toxic"}, InputError, "waste_class"),
        ({"yields": {"p": {}}, "consumption": {"electricity": 5}}, InputError, "electricity"),
        ({"yields": {"p": {}}, "consumption": {"x": Q_(-5, "kW")}}, InputError, "x"),
        (
            {
                "yields": {"p": {}},
                "consumption": {"e": Q_(5, "kW")},
                "consumption_per_feed": {"e": Q_(1, "kg/kg")},
            },
            UnitError,
            "e",
        ),
    ],
)
def test_generic_bad_input(kwargs, error, word):
    feed = Stream.from_mass_flows({"Nd": Q_(80, "kg/h")})
    with pytest.raises(error, match=word):
        GenericStage(**kwargs).run({"feed": feed})


def test_generic_missing_inlet():
    with pytest.raises(InputError, match="feed"):
        GenericStage(yields={"p": {}}).run(
            {"other": Stream.from_mass_flows({"Nd": Q_(1, "kg/h")})}
        )
