"""Reagent prices: escalation by a producer price index (not CEPCI) and prices by location."""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.costing import location_prices, reagent_cost
from tecmodel.data import load_table
from tecmodel.errors import InputError
from tecmodel.units import (
    escalate_reagent_price,
    price_index,
    price_index_years,
    reagent_price_in,
)

# BLS WPU061 (industrial chemicals, 1982 = 100) monthly values as published, written out
# here so the annual means below are computed independently of the data file.
WPU061_2019 = [259.9, 257.4, 258.3, 259, 254.4, 253.8, 249.3, 245.8, 242.5, 252.3, 250.9, 246.9]
WPU061_2020 = [246.3, 243, 237.9, 211, 200, 209, 218.2, 224.3, 225.8, 227.7, 232.4, 240]
WPU061_2023 = [
    335.513,
    336.439,
    328.228,
    329.065,
    323.285,
    318.053,
    309.811,
    307.451,
    309.468,
    315.551,
    306.389,
]  # fmt: skip  (Jan-Nov)


def test_annual_index_is_the_mean_of_its_months():
    for entry in load_table("price_indices").entries:
        if "monthly" in entry.extra:
            assert entry.value == pytest.approx(np.mean(entry.extra["monthly"]), abs=5e-4)
    assert price_index("us_industrial_chemicals", 2019) == pytest.approx(
        np.mean(WPU061_2019), abs=5e-4
    )
    assert price_index("us_industrial_chemicals", 2023) == pytest.approx(
        np.mean(WPU061_2023), abs=5e-4
    )


def test_months_agree_with_the_bls_one_month_changes():
    # data.bls.gov/timeseries/WPU061 (one-month % changes): Apr 2020 -11.3, May 2020 -5.2
    assert 100 * (WPU061_2020[3] / WPU061_2020[2] - 1) == pytest.approx(-11.3, abs=0.05)
    assert 100 * (WPU061_2020[4] / WPU061_2020[3] - 1) == pytest.approx(-5.2, abs=0.05)
    table = {e.key: e.extra["monthly"] for e in load_table("price_indices").entries
             if "monthly" in e.extra}  # fmt: skip
    assert table["us_industrial_chemicals.2020"] == WPU061_2020


def test_usd_price_escalates_by_ppi_not_cepci():
    price = escalate_reagent_price(Q_(250.0, "USD_2019/t"))
    expected = 250.0 * np.mean(WPU061_2023) / np.mean(WPU061_2019)
    assert price.units == Q_(1, "USD/t").units
    assert price.magnitude == pytest.approx(expected, rel=1e-5)
    # the same unit converted as money (capital) still follows CEPCI 797.9 / 607.5
    assert Q_(250.0, "USD_2019/t").to("USD/t").magnitude == pytest.approx(250 * 797.9 / 607.5)
    assert price.magnitude != pytest.approx(250 * 797.9 / 607.5, rel=1e-3)


def test_yearless_prices_unchanged_and_cny_by_china_index():
    assert escalate_reagent_price(Q_(10.0, "USD/kg")).magnitude == 10.0
    assert escalate_reagent_price(Q_(800.0, "CNY/t")).magnitude == 800.0
    # NBS: chemical raw materials purchase prices -6.1 % in 2023 on 2022
    cny = escalate_reagent_price(Q_(800.0, "CNY/t"), quote_year=2022)
    assert cny.magnitude == pytest.approx(800.0 * (1 - 0.061))
    assert cny.units == Q_(1, "CNY/t").units


def test_escalation_bad_input():
    with pytest.raises(InputError, match=r"2005.*2010–2023"):
        escalate_reagent_price(Q_(1.0, "USD_2005/kg"))
    with pytest.raises(InputError, match="carries its year"):
        escalate_reagent_price(Q_(1.0, "USD_2019/kg"), quote_year=2019)
    with pytest.raises(InputError, match="CNY"):
        escalate_reagent_price(Q_(1.0, "EUR/kg"), quote_year=2020)
    with pytest.raises(InputError, match="money Quantity"):
        escalate_reagent_price(Q_(1.0, "kg"))
    with pytest.raises(InputError, match="china_chemical_raw_materials"):
        price_index_years("no_such_series")
    with pytest.raises(InputError, match="2022–2023"):
        escalate_reagent_price(Q_(1.0, "CNY/kg"), quote_year=2020)


def test_reagent_cost_uses_ppi_utility_keeps_cepci():
    hours = Q_(1000.0, "h/yr")
    costs = reagent_cost(
        {"oxalic_acid": Q_(1.0, "kg/h"), "process_water": Q_(1.0, "gal/h")},
        operating_hours=hours,
    )
    # oxalic acid 1.00 USD_2019/kg (reagent): PPI ratio
    assert costs["oxalic_acid"].to("USD/yr").magnitude == pytest.approx(
        1000 * 1.00 * np.mean(WPU061_2023) / np.mean(WPU061_2019), rel=1e-5
    )
    # process water 3.86e-3 USD_2021/gal (utility): CEPCI 797.9 / 708.0
    assert costs["process_water"].to("USD/yr").magnitude == pytest.approx(
        1000 * 3.86e-3 * 797.9 / 708.0
    )


def test_array_prices_equal_one_by_one():
    values = np.array([150.0, 250.0, 400.0])
    batch = (
        reagent_cost(
            {"hydrochloric_acid": Q_(2.0, "t/h")},
            prices={"hydrochloric_acid": Q_(values, "USD_2020/t")},
            operating_hours=Q_(8064, "h/yr"),
        )["hydrochloric_acid"]
        .to("USD/yr")
        .magnitude
    )
    for i, v in enumerate(values):
        one = (
            reagent_cost(
                {"hydrochloric_acid": Q_(2.0, "t/h")},
                prices={"hydrochloric_acid": Q_(v, "USD_2020/t")},
                operating_hours=Q_(8064, "h/yr"),
            )["hydrochloric_acid"]
            .to("USD/yr")
            .magnitude
        )
        assert batch[i] == one


def test_china_price_set_and_cascade_scenario_agree():
    china = location_prices("china")
    assert china["hydrochloric_acid"].magnitude == pytest.approx(175 / 0.31, abs=0.05)  # 31 %
    assert china["sodium_hydroxide"].magnitude == pytest.approx(860 / 0.32)  # 32 % NaOH
    assert location_prices("united_states")["hydrochloric_acid"] == Q_(250.0, "USD_2019/t")
    with pytest.raises(InputError, match="united_states, china"):
        location_prices("mars")
    raw = tomllib.loads(
        (resources.files("tecmodel.scenarios") / "cascade_refinery.toml").read_text("utf-8")
    )
    for name, text in raw["costing"]["prices"].items():
        assert Q_(text) == china[name], name
        assert "prices_china.toml" in raw["provenance"][f"costing.prices.{name}"]


def test_refinery_china_basis_buys_at_the_one_chinese_price_list():
    # refinery.design(location="china") and the shipped cascade_refinery read one list
    # (prices_china.toml), escalated by one rule; the ammonia row, quoted in 2022 at
    # 3,500-3,700 CNY/t (mid-point 3,600), falls with the NBS chemical-raw-materials
    # purchaser index by 6.1 % into 2023 yuan: 3,600 x 0.939 = 3,380.4 CNY/t
    from tecmodel.refinery import location_basis

    costing, _ = location_basis("china")
    china = location_prices("china")
    for name, value in china.items():
        assert costing.prices[name] == value, name
    assert costing.prices["ammonia"].to("CNY/t").magnitude == pytest.approx(3600 * 0.939)
    raw = tomllib.loads(
        (resources.files("tecmodel.scenarios") / "cascade_refinery.toml").read_text("utf-8")
    )
    for name, text in raw["costing"]["prices"].items():
        assert costing.prices[name] == Q_(text), name


def test_prefixed_dated_price_escalates_by_ppi_too():
    # kUSD_2019 is 1000 USD_2019: the prefix must not hide the year from the PPI rule
    ppi_ratio = np.mean(WPU061_2023) / np.mean(WPU061_2019)
    price = escalate_reagent_price(Q_(0.25, "kUSD_2019/t"))
    assert price.to("USD/t").magnitude == pytest.approx(250.0 * ppi_ratio, rel=1e-4)


def test_reagent_price_in_moves_between_years_by_ppi():
    # 250 USD_2019/t in USD_2020/kg: x PPI(2020)/PPI(2019), / 1000 kg per t (hand calculation)
    moved = reagent_price_in(Q_(250.0, "USD_2019/t"), "USD_2020/kg")
    expected = 250.0 * np.mean(WPU061_2020) / np.mean(WPU061_2019) / 1000.0
    assert str(moved.units) == str(Q_(1, "USD_2020/kg").units)
    assert moved.magnitude == pytest.approx(expected, rel=1e-4)
    # identity: whatever unit it is written in, it escalates to the same price
    back = escalate_reagent_price(moved).to("USD/t").magnitude
    assert back == pytest.approx(escalate_reagent_price(Q_(250.0, "USD_2019/t")).magnitude)
    with pytest.raises(InputError, match="unit"):
        reagent_price_in(Q_(250.0, "USD_2019/t"), "kg")


def test_same_price_in_two_currency_years_gives_the_same_opex(waste_plant):
    # One HCl price written four ways; the opex must not depend on the way (it did: pint's
    # CEPCI conversion to USD/t gave 49.87 MUSD/yr against 49.54 for USD_2019/t).
    native = waste_plant.get("costing.prices.hydrochloric_acid")
    assert str(native.units) == str(Q_(1, "USD_2019/t").units)
    opex = {}
    for unit in ("USD_2019/t", "USD/t", "USD_2021/kg", "MUSD_2019/Mt", "CNY/t"):
        price = reagent_price_in(native, unit)
        plant = waste_plant.replace("costing.prices.hydrochloric_acid", price)
        opex[unit] = plant.evaluate().opex.to("USD/yr").magnitude
    for unit, value in opex.items():
        assert value == pytest.approx(opex["USD_2019/t"], rel=1e-12), unit
    # and the rule is the PPI, not CEPCI: 250 USD_2019/t is 250 x PPI ratio in USD/t
    in_usd = reagent_price_in(native, "USD/t").magnitude
    assert in_usd == pytest.approx(250.0 * np.mean(WPU061_2023) / np.mean(WPU061_2019), rel=1e-4)


def test_tornado_holds_a_reagent_price_at_its_ppi_value(waste_plant):
    from tecmodel.distributions import Uniform
    from tecmodel.sensitivity import Study

    # The location factor's low end is the plant's own (1.0), so that row's low case is
    # the plant itself, provided the HCl price (sampled in USD/t, held in USD_2019/t)
    # is held at the value the costing reads.
    assert waste_plant.get("costing.location_factor") == 1.0
    study = Study(
        waste_plant,
        {
            "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
            "costing.location_factor": Uniform(1.0, 1.2),
        },
    )
    tornado = study.tornado()
    assert tornado.low[1].to("USD/kg").magnitude == pytest.approx(
        tornado.base.to("USD/kg").magnitude, rel=1e-12
    )
