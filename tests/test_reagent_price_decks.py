"""Reagent price decks (costing.price_decks): the cost difference by year in the DCF."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import TecModelError
from tecmodel.units import escalate_reagent_price

NAOH = "sodium_hydroxide"
TAX, DISCOUNT, INFLATION = 0.21, 0.10, 0.02
RAMP = (0.5, 0.8)


@pytest.fixture(scope="module")
def base(waste_plant):
    plant = (
        waste_plant.replace("finance.inflation", INFLATION)
        .replace("finance.ramp_up", RAMP)
        .replace("finance.first_production_year", 2028)
    )
    return plant, plant.evaluate()


def _naoh_cost(result):
    """The plant's NaOH cost item at its constant price (350 USD_2020/t) [USD/yr]."""
    return result.operating.items[NAOH].to("USD/yr").magnitude


def _usd_2020_per_kg():
    """One USD_2020/kg of reagent in the cost year's dollars (the reagent price index)."""
    return escalate_reagent_price(Q_(1.0, "USD_2020/kg")).to("USD/kg").magnitude


def test_deck_at_the_constant_price_changes_nothing(base):
    plant, result = base
    flat = plant.replace("costing.price_decks", {NAOH: {2028: Q_(350.0, "USD_2020/t")}})
    decked = flat.evaluate(result.flowsheet)
    assert float(decked.npv().magnitude) == float(result.npv().magnitude)
    np.testing.assert_array_equal(
        decked.cash_flow().after_tax_cash_flow, result.cash_flow().after_tax_cash_flow
    )
    assert "costing.price_decks.sodium_hydroxide" in flat.parameters()


def test_npv_falls_by_the_discounted_after_tax_cost_difference(base):
    plant, result = base
    deck = {
        2028: Q_(400.0, "USD_2020/t"),
        2031: Q_(500.0, "USD_2020/t"),
        2035: Q_(300.0, "USD_2020/t"),
    }
    decked = plant.replace("costing.price_decks", {NAOH: deck}).evaluate(result.flowsheet)
    life, n_build = 20, 2
    # by hand: 2028-30 at 400, 2031-34 at 500, 2035 on at 300 (the last price holds)
    # the cost item is 350 USD_2020/t times the consumption, so a deck price P costs
    # (P / 350 − 1) times the cost item more (both escalated by the same index)
    per_t = np.array([400.0] * 3 + [500.0] * 4 + [300.0] * 13)
    difference = (per_t / 350.0 - 1.0) * _naoh_cost(result)
    ramp = np.array([*RAMP, *([1.0] * (life - 2))])
    t = n_build + np.arange(life)
    after_tax = (1 - TAX) * difference * ramp * (1 + INFLATION) ** t
    expected = -np.sum(after_tax / (1 + DISCOUNT) ** t)
    # the hand calculation is linear in tax: taxable income stays positive in both
    assert np.all(result.cash_flow().taxable_income[n_build:] > 0)
    assert np.all(decked.cash_flow().taxable_income[n_build:] > 0)
    change = float((decked.npv() - result.npv()).to("USD").magnitude)
    assert change == pytest.approx(expected, rel=1e-9)
    assert decked.levelized_cost == result.levelized_cost  # the constant prices stay there


def test_nominal_deck_is_deflated_to_money_of_t0(base):
    plant, result = base
    nominal = plant.replace("costing.price_decks", {NAOH: {2028: Q_(0.5, "USD/kg")}}).replace(
        "costing.price_deck_basis", "nominal"
    )
    cost = nominal.evaluate(result.flowsheet).reagent_deck_cost().to("USD/yr").magnitude
    t = 2 + np.arange(20)
    # consumption [kg/yr] = cost item / constant price in the cost year's dollars
    kg = _naoh_cost(result) / (0.350 * _usd_2020_per_kg())
    expected = 0.5 / (1 + INFLATION) ** t * kg - _naoh_cost(result)
    np.testing.assert_allclose(cost, expected, rtol=1e-10)


def test_bad_reagent_decks_are_refused(base, waste_plant):
    plant, result = base
    with pytest.raises(TecModelError, match="no_such_reagent"):
        plant.replace("costing.price_decks", {"no_such_reagent": {2028: Q_(1, "USD/kg")}})
    with pytest.raises(TecModelError, match="price_deck_start"):
        waste_plant.replace("costing.price_decks", {NAOH: {2028: Q_(1, "USD/kg")}}).evaluate(
            result.flowsheet
        ).npv()
    with pytest.raises(TecModelError, match="mass flow"):
        plant.replace("costing.price_decks", {"kerosene": {2028: Q_(1, "USD/kg")}}).evaluate(
            result.flowsheet
        ).npv()
    with pytest.raises(TecModelError, match="price_deck_basis"):
        plant.replace("costing.price_deck_basis", "constant")
