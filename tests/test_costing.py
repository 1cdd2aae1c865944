"""Costing: every expected number is a hand calculation written in the test."""

import warnings

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.costing import (
    ExtrapolationWarning,
    capital_cost,
    default_prices,
    disposal_cost,
    equipment_correlation,
    equipment_kinds,
    installation_factors,
    labor_cost,
    lang_factor,
    operating_cost,
    price,
    purchase_cost,
    reagent_cost,
    scale_cost,
)
from tecmodel.errors import InputError, UnitError
from tecmodel.units import exchange_rates

from .test_reagent_prices import WPU061_2019, WPU061_2023

ROUGHER = 1_285_343.0  # USD_2016 at 61,107 gal, exponent 0.45 (UKy 2019, account 5.4)


# ----------------------------------------------------------------------------- scale_cost
def test_scale_cost_rougher_twice_size_and_escalation():
    cost = scale_cost(Q_(ROUGHER, "USD_2016"), Q_(61107, "gal"), Q_(2 * 61107, "gal"), 0.45)
    hand = ROUGHER * 2**0.45
    assert str(cost.units) == "USD_2016"
    assert cost.magnitude == pytest.approx(hand, rel=1e-12)
    # CEPCI 2016 = 541.7, 2021 = 708.0
    assert cost.to("USD_2021").magnitude == pytest.approx(hand * 708.0 / 541.7, rel=1e-12)
    assert cost.to("MUSD_2021").magnitude == pytest.approx(hand * 708.0 / 541.7 / 1e6)


def test_scale_cost_parallel_units():
    ref, s_ref, e = Q_(1.0e6, "USD_2016"), Q_(100.0, "m**3"), 0.6
    # n = 4 units each of size S = 300 m3 (duplicated trains): 4 * 1e6 * 3^0.6
    dup = scale_cost(ref, s_ref, Q_(300.0, "m**3"), e, parallel_units=4)
    assert dup.magnitude == pytest.approx(4 * 1e6 * 3**0.6)
    # duty S = 300 m3 split over 4 units of 75 m3: 4 * 1e6 * (300 / (4*100))^0.6
    split = scale_cost(ref, s_ref, Q_(300.0, "m**3"), e, parallel_units=4, scale_parallel=True)
    assert split.magnitude == pytest.approx(4 * 1e6 * 0.75**0.6)


def test_scale_cost_converts_size_units():
    # 61,107 gal = 231.31 m3 (1 gal = 3.785411784 L): same size, same cost
    cost = scale_cost(
        Q_(ROUGHER, "USD_2016"), Q_(61107, "gal"), Q_(61107 * 3.785411784e-3, "m**3"), 0.45
    )
    assert cost.magnitude == pytest.approx(ROUGHER)


def test_scale_cost_wrong_dimension_is_unit_error():
    with pytest.raises(UnitError, match="size"):
        scale_cost(Q_(1e6, "USD"), Q_(10, "m**3"), Q_(5, "kW"), 0.6)
    with pytest.raises(UnitError, match="reference_cost"):
        scale_cost(1e6, Q_(10, "m**3"), Q_(5, "m**3"), 0.6)


def test_scale_cost_arrays_equal_scalars():
    sizes = np.array([10.0, 50.0, 300.0])
    units = np.array([1, 2, 5])
    vector = scale_cost(Q_(2e5, "USD_2019"), Q_(100, "kW"), Q_(sizes, "kW"), 0.7, units, True)
    for i in range(3):
        one = scale_cost(
            Q_(2e5, "USD_2019"), Q_(100, "kW"), Q_(sizes[i], "kW"), 0.7, units[i], True
        )
        assert vector.magnitude[i] == pytest.approx(one.magnitude, rel=1e-14)


# ----------------------------------------------------------------------------- library
def test_library_has_the_needed_kinds():
    needed = {
        "mixer_settler_rougher",
        "mixer_settler_cleaner",
        "mixer_settler_saponification",
        "mixer_settler",
        "tank",
        "storage_tank",
        "pump",
        "filter_press",
        "leach_reactor",
        "roaster",
        "calciner",
        "jaw_crusher",
        "ball_mill",
        "bioreactor",
        "electrolysis_cell",
        "precipitation_tank",
        "agitator",
    }
    assert needed <= set(equipment_kinds())
    for kind in equipment_kinds():
        corr = equipment_correlation(kind)
        assert corr.provenance
        assert corr.size_min < corr.reference_size < corr.size_max


def test_purchase_cost_matches_uky_rows():
    # at the reference size the cost is the reference cost (UKy table, $2016)
    assert purchase_cost("jaw_crusher", Q_(589, "hp")).magnitude == pytest.approx(1_922_101)
    # ball mill at 2,000 hp: 4,230,785 * (2000/5609)^0.556
    mill = purchase_cost("ball_mill", Q_(2000, "hp"))
    assert mill.magnitude == pytest.approx(4_230_785 * (2000 / 5609) ** 0.556)
    assert str(mill.units) == "USD_2016"
    # three filter presses of 1,000 ft3 each: 3 * 2,183,148 * (1000/3600)^0.72
    press = purchase_cost("filter_press", Q_(1000, "ft**3"), parallel_units=3)
    assert press.magnitude == pytest.approx(3 * 2_183_148 * (1000 / 3600) ** 0.72)


def test_purchase_cost_vectorized_equals_scalars():
    sizes = Q_(np.array([8_000.0, 20_000.0, 100_000.0]), "gal")
    n = np.array([1, 3, 2])
    vector = purchase_cost("mixer_settler_rougher", sizes, n)
    for i in range(3):
        one = purchase_cost("mixer_settler_rougher", sizes[i], int(n[i]))
        assert vector.magnitude[i] == pytest.approx(one.magnitude, rel=1e-14)


def test_purchase_cost_unknown_kind_lists_valid():
    with pytest.raises(InputError, match="flux_capacitor") as info:
        purchase_cost("flux_capacitor", Q_(1, "m**3"))
    assert "mixer_settler" in str(info.value)


def test_purchase_cost_wrong_dimension():
    with pytest.raises(UnitError):
        purchase_cost("pump", Q_(10, "kW"))


def test_extrapolation_warning():
    with pytest.warns(ExtrapolationWarning, match="pump") as small:
        purchase_cost("pump", Q_(10, "gal/min"))  # range 1,098.7–109,870 gal/min
    # too small: splitting into parallel units would not help, so it is not advised
    assert "parallel_units" not in str(small[0].message)
    assert "smaller than the range" in str(small[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        purchase_cost("pump", Q_(5000, "gal/min"))  # in range: no warning


# ----------------------------------------------------------------------------- installation
def test_qgess_stack_is_lang_297():
    factors = installation_factors("qgess")
    # 20 + 20 + 8 + 10 + 40 + 15 + 10 + 17 + 12 + 30 + 15 = 197 % of BEC
    assert sum(factors.values()) == pytest.approx(1.97)
    assert lang_factor("qgess") == pytest.approx(2.97)
    capital = capital_cost(Q_(10.0, "MUSD_2016"))
    assert capital.total_plant_cost.to("MUSD_2016").magnitude == pytest.approx(29.7)
    assert capital.installation["process_buildings"].to("MUSD_2016").magnitude == pytest.approx(
        4.0
    )
    assert capital.effective_lang_factor == pytest.approx(2.97)


def test_capital_cost_totals_by_hand():
    capital = capital_cost(
        Q_(10.0, "MUSD"),
        installation=4.0,
        location_factor=1.1,
        owners_cost_fraction=0.2,
        working_capital_fraction=0.05,
    )
    bec = 11.0  # 10 * 1.1
    tpc = 4.0 * bec  # 44
    assert capital.bare_erected_cost.to("MUSD").magnitude == pytest.approx(bec)
    assert capital.total_plant_cost.to("MUSD").magnitude == pytest.approx(tpc)
    assert capital.owners_cost.to("MUSD").magnitude == pytest.approx(0.2 * tpc)
    assert capital.working_capital.to("MUSD").magnitude == pytest.approx(0.05 * tpc)
    assert capital.total_capital.to("MUSD").magnitude == pytest.approx(tpc * 1.25)
    parts = sum(v.to("MUSD").magnitude for v in capital.breakdown().values())
    assert parts == pytest.approx(capital.total_capital.to("MUSD").magnitude)
    assert capital.to_dict("MUSD")["total_capital"] == pytest.approx(55.0)


def test_capital_cost_custom_stack_and_arrays():
    capital = capital_cost(Q_([1.0, 2.0], "MUSD"), installation={"piping": 0.5, "civil": 0.25})
    assert capital.total_plant_cost.to("MUSD").magnitude == pytest.approx([1.75, 3.5])
    with pytest.raises(InputError):
        capital_cost(Q_(1.0, "MUSD"), installation=0.5)
    with pytest.raises(UnitError):
        capital_cost(Q_(1.0, "kg"))


# ----------------------------------------------------------------------------- prices
def test_prices_carry_their_year():
    prices = default_prices()
    assert prices["hydrochloric_acid"] == Q_(250.0, "USD_2019/t")
    assert prices["electricity"] == Q_(0.0804, "USD_2023/kWh")
    # HCl in 2023 dollars: 250 * 797.9 / 607.5 per t
    assert prices["hydrochloric_acid"].to("USD_2023/t").magnitude == pytest.approx(
        250 * 797.9 / 607.5
    )


def test_reagent_cost_by_hand():
    consumption = {
        "hydrochloric_acid": Q_(100.0, "kg/h"),
        "electricity": Q_(1.0, "MW"),
        "kerosene": Q_(2.0, "gal/h"),
    }
    costs = reagent_cost(consumption, operating_hours=Q_(8000, "h/yr"))
    # HCl: 0.1 t/h * 250 USD_2019/t * 8000 h, a reagent: escalated 2019 -> 2023 by the BLS
    # industrial-chemicals PPI (WPU061 annual means of the published months), not by CEPCI
    ppi_2019 = np.mean(WPU061_2019)
    ppi_2023 = np.mean(WPU061_2023)  # Jan-Nov
    assert costs["hydrochloric_acid"].to("USD/yr").magnitude == pytest.approx(
        0.1 * 250 * 8000 * ppi_2023 / ppi_2019, rel=1e-5
    )
    # power: 1000 kW * 0.0804 * 8000 h
    assert costs["electricity"].to("USD/yr").magnitude == pytest.approx(1000 * 0.0804 * 8000)
    assert costs["kerosene"].to("USD/yr").magnitude == pytest.approx(2 * 2.699 * 8000)


def test_reagent_cost_unknown_name_and_override():
    with pytest.raises(InputError, match="unobtainium") as info:
        reagent_cost({"unobtainium": Q_(1, "kg/h")})
    assert "hydrochloric_acid" in str(info.value)
    costs = reagent_cost(
        {"unobtainium": Q_(1, "kg/h")},
        prices={"unobtainium": Q_(10, "USD/kg")},
        operating_hours=Q_(1000, "h/yr"),
    )
    assert costs["unobtainium"].to("USD/yr").magnitude == pytest.approx(10_000)
    with pytest.raises(UnitError, match="electricity"):
        reagent_cost({"electricity": Q_(1, "kg/h")})


def test_cny_price_round_trip():
    with exchange_rates(CNY=0.14):
        hcl_cny = Q_(1000.0, "CNY/t")
        assert hcl_cny.to("USD/t").magnitude == pytest.approx(140.0)
        assert hcl_cny.to("USD/t").to("CNY/t").magnitude == pytest.approx(1000.0)
        costs = reagent_cost(
            {"hydrochloric_acid": Q_(1.0, "t/h")},
            prices={"hydrochloric_acid": hcl_cny},
            operating_hours=Q_(100, "h/yr"),
        )
        assert costs["hydrochloric_acid"].to("CNY/yr").magnitude == pytest.approx(100_000.0)
    assert price("d2ehpa") == Q_(15.0, "USD_2023/kg")


# ----------------------------------------------------------------------------- labor, O&M
def test_labor_by_hand():
    labor = labor_cost(10, labor_rate=Q_(40.0, "USD/h"), operating_hours=Q_(8064, "h/yr"))
    assert labor.to("USD/yr").magnitude == pytest.approx(10 * 40 * 1.25 * 8064)
    vector = labor_cost(np.array([5.0, 10.0]), labor_rate=Q_(40.0, "USD/h"))
    assert vector.to("USD/yr").magnitude == pytest.approx([5 * 40 * 1.25 * 8064, 4_032_000])


def test_operating_cost_fixed_om_by_hand():
    result = operating_cost(
        consumption={"electricity": Q_(500.0, "kW")},
        operators_per_shift=10,
        total_plant_cost=Q_(100.0, "MUSD"),
        revenue=Q_(50.0, "MUSD/yr"),
        royalty_rate=0.03,
        labor_rate=Q_(40.0, "USD/h"),
        operating_hours=Q_(8000, "h/yr"),
    )
    labor = 10 * 40 * 1.25 * 8000  # 4.0e6
    power = 500 * 0.0804 * 8000  # 321,600
    maintenance, tax = 0.02 * 100e6, 0.01 * 100e6
    qa, admin = 0.10 * labor, 0.20 * labor
    supervision = 0.15 * labor  # crews.toml (labelled assumption)
    # Peters & Timmerhaus 1991, Table 27: overhead 50-70 % (60 %) of labor+supervision+maintenance
    overhead = 0.60 * (labor + supervision + maintenance)
    b = {k: v.to("USD/yr").magnitude for k, v in result.breakdown().items()}
    assert b["labor"] == pytest.approx(labor)
    assert b["utilities"] == pytest.approx(power)
    assert b["reagents"] == pytest.approx(0.0)
    assert b["maintenance"] == pytest.approx(maintenance)
    assert b["qa_qc"] == pytest.approx(qa)
    assert b["administration"] == pytest.approx(admin)
    assert b["tax_and_insurance"] == pytest.approx(tax)
    assert b["supervision"] == pytest.approx(supervision)
    assert b["overhead"] == pytest.approx(overhead)
    assert b["royalties"] == pytest.approx(0.03 * 50e6)
    assert result.total.to("USD/yr").magnitude == pytest.approx(sum(b.values()))


def test_operating_cost_broadcasts_over_samples():
    operators = np.array([4.0, 8.0, 12.0])
    tpc = Q_(np.array([50.0, 60.0, 70.0]), "MUSD")
    vector = operating_cost({"sulfuric_acid": Q_(1.0, "t/h")}, operators, tpc)
    for i in range(3):
        one = operating_cost({"sulfuric_acid": Q_(1.0, "t/h")}, operators[i], tpc[i])
        assert vector.total.magnitude[i] == pytest.approx(one.total.magnitude, rel=1e-12)


# ----------------------------------------------------------------------------- waste
def test_disposal_by_class_by_hand():
    hours = Q_(8000, "h/yr")
    # radioactive: 1.6 t/h at 1,600 kg/m3 = 1 m3/h; 3,530 USD/m3
    radioactive = disposal_cost("radioactive", Q_(1.6, "t/h"), operating_hours=hours)
    assert radioactive.to("USD/yr").magnitude == pytest.approx(3530 * 8000)
    # with an explicit density of 2,000 kg/m3: 0.8 m3/h
    dense = disposal_cost(
        "radioactive", Q_(1.6, "t/h"), density=Q_(2000, "kg/m**3"), operating_hours=hours
    )
    assert dense.to("USD/yr").magnitude == pytest.approx(0.8 * 3530 * 8000)
    # non-hazardous: USD_2019 1 per short ton (907.18474 kg); 10 short ton/h
    landfill = disposal_cost("non_hazardous", Q_(10, "ton/h"), operating_hours=hours)
    assert landfill.to("USD_2019/yr").magnitude == pytest.approx(10 * 8000)
    with pytest.raises(InputError, match="plutonium_soup"):
        disposal_cost("plutonium_soup", Q_(1, "t/h"))


def test_operating_cost_accepts_waste_objects():
    class FakeWaste:  # the attributes tecmodel.stages.Waste exposes
        waste_class = "radioactive"
        mass_flow = Q_(1.6, "t/h")
        density = Q_(1600, "kg/m**3")

    result = operating_cost(
        wastes=[FakeWaste()], total_plant_cost=Q_(0, "USD"), operating_hours=Q_(1000, "h/yr")
    )
    assert result.waste.to("USD/yr").magnitude == pytest.approx(3530 * 1000)


def test_metallothermic_reduction_can_be_costed():
    """Every consumption and equipment kind the metal stages report has a price/correlation."""
    import warnings

    from tecmodel.stages import MetallothermicReduction, MoltenSaltElectrolysis
    from tecmodel.streams import Stream

    feed = Stream.from_mass_flows({"Dy": Q_(10, "kg/h"), "Nd": Q_(10, "kg/h")})
    for stage in (MetallothermicReduction(), MoltenSaltElectrolysis()):
        result = stage.run({"feed": feed})
        costs = reagent_cost(dict(result.consumption))
        assert all(c.magnitude > 0 for c in costs.values())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for item in result.equipment:
                assert purchase_cost(item.kind, item.size, item.parallel_units).magnitude > 0
