"""Price decks: shipped history, reading by year, revenue by year, floors on deck prices."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import Q_, finance
from tecmodel.errors import TecModelError
from tecmodel.price_decks import HISTORICAL_STARTS, deck_prices, shipped_deck


def test_shipped_history_has_the_peak_trough_and_high():
    deck = dict(shipped_deck("usgs_nd_oxide"))
    nominal = {year: price.magnitude for year, price in deck.items()}
    # USGS MCS: 2011 year-end 190-200, 2016 average 40, 2022 134 US$/kg Nd2O3
    assert nominal[2011] == 195.0 and nominal[2016] == 40.0 and nominal[2022] == 134.0
    assert nominal[2016] == min(nominal.values())
    assert HISTORICAL_STARTS == {"2011 peak": 2011, "2016 trough": 2016, "2022 high": 2022}


def test_deck_read_by_calendar_year_holding_the_ends():
    deck = ((2020, Q_(10.0, "USD/kg")), (2021, Q_(20.0, "USD/kg")), (2023, Q_(40.0, "USD/kg")))
    # 2019 before the start -> first; 2022 missing -> 2021's; after 2023 -> last
    np.testing.assert_array_equal(deck_prices(deck, 2019, 6), [10, 10, 20, 20, 40, 40])
    shipped = deck_prices("usgs_nd_oxide", 2016, 2)
    expected = [
        Q_(40.0, "USD_2016/kg").to("USD/kg").magnitude,
        Q_(50.0, "USD_2017/kg").to("USD/kg").magnitude,
    ]
    np.testing.assert_allclose(shipped, expected, rtol=1e-14)


def test_revenue_adjustment_by_operating_year_by_hand():
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=4,
        tax_rate=0.0,
        ramp_up=(0.5,),
        revenue_adjustment=[4.0, -5.0, 10.0],
    )
    # year 1 at half capacity: 0.5 * (60 + 4); then 55, 70, and 70 (last entry holds)
    np.testing.assert_allclose(table.revenue, [0.0, 32.0, 55.0, 70.0, 70.0])


@pytest.fixture(scope="module")
def decked(waste_plant):
    flows = waste_plant.simulate()
    plant = waste_plant.replace("products.NdPr_oxide.price_deck", "usgs_nd_oxide").replace(
        "products.NdPr_oxide.price_deck_start", 2022
    )
    return plant, plant.evaluate(flows), waste_plant.evaluate(flows)


def _ramp(plant, life):
    ramp = np.ones(life)
    ramp[: len(plant.finance.ramp_up)] = plant.finance.ramp_up
    return ramp


def test_deck_replaces_the_ndpr_price_year_by_year(decked):
    plant, result, base = decked
    values = plant.finance.resolved()
    n_build, life = values["construction_years"], int(values["plant_life"])
    deck = deck_prices("usgs_nd_oxide", 2022, life)
    price = result.unit_prices["NdPr_oxide"]
    listed = plant.products["NdPr_oxide"].price.to("USD/kg").magnitude
    kg = result.annual_production_kg["NdPr_oxide"]
    extra = (deck * price / listed - price) * kg * _ramp(plant, life)
    gained = result.cash_flow().revenue - base.cash_flow().revenue
    np.testing.assert_allclose(gained[n_build:], extra, rtol=1e-10)
    assert result.levelized_cost == base.levelized_cost  # the deck is not a cost


def test_floor_tops_up_the_deck_price(decked):
    plant, result, _ = decked
    floored = plant.replace("products.NdPr_oxide.price_floor", Q_(110, "USD/kg")).replace(
        "products.NdPr_oxide.price_floor_years", 10
    )
    with_floor = floored.evaluate(result.flowsheet)
    values = plant.finance.resolved()
    n_build, life = values["construction_years"], int(values["plant_life"])
    deck = deck_prices("usgs_nd_oxide", 2022, life)
    price = result.unit_prices["NdPr_oxide"]
    listed = plant.products["NdPr_oxide"].price.to("USD/kg").magnitude
    realized = deck * price / listed
    top_up = np.where(np.arange(life) < 10, np.maximum(110 - realized, 0.0), 0.0)
    kg = result.annual_production_kg["NdPr_oxide"]
    gained = with_floor.cash_flow().revenue - result.cash_flow().revenue
    np.testing.assert_allclose(gained[n_build:], top_up * kg * _ramp(plant, life), rtol=1e-10)


def test_a_deck_needs_a_start_year(waste_plant):
    plant = waste_plant.replace("products.NdPr_oxide.price_deck", "usgs_nd_oxide")
    with pytest.raises(TecModelError, match="price_deck_start"):
        plant.evaluate().npv()
    with pytest.raises(TecModelError, match="price deck"):
        waste_plant.replace("products.NdPr_oxide.price_deck", "no_such_deck")
