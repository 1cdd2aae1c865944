"""support_needed: the solved lever, plugged back into the plant, meets the target."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import InputError
from tecmodel.support import support_needed


@pytest.fixture(scope="module")
def short_of_money(waste_plant):
    # at 20 USD/kg NdPr the shipped U.S. route loses money: support is needed
    plant = waste_plant.replace("products.NdPr_oxide.price", Q_(20, "USD_2024/kg"))
    flows = plant.simulate()
    assert plant.evaluate(flows).npv().magnitude < 0
    return plant, flows


def _npv(plant, flows):
    return plant.evaluate(flows).npv().to("USD").magnitude


@pytest.mark.parametrize(
    "lever",
    ["finance.grant", "finance.production_credit_rate", "products.NdPr_oxide.price_floor"],
)
def test_plugging_the_solved_value_back_gives_npv_zero(short_of_money, lever):
    plant, flows = short_of_money
    value = support_needed(plant, lever)
    capex = plant.evaluate(flows).capex.to("USD").magnitude
    assert abs(_npv(plant.replace(lever, value), flows)) < 1e-8 * capex


def test_loan_rate_that_breaks_even(short_of_money):
    plant, flows = short_of_money
    loan = plant.replace("finance.debt_fraction", 0.8).replace("finance.debt_years", 15)
    rate = support_needed(loan, "finance.debt_rate")
    assert 0 < rate < 0.10
    capex = plant.evaluate(flows).capex.to("USD").magnitude
    assert abs(_npv(loan.replace("finance.debt_rate", rate), flows)) < 1e-8 * capex
    with pytest.raises(InputError, match="debt_fraction"):
        support_needed(plant, "finance.debt_rate")


def test_grant_that_matches_another_plants_levelized_cost(waste_plant):
    target = Q_(6.0, "USD/kg")
    grant = support_needed(waste_plant, "finance.grant", target=target)
    cost = waste_plant.replace("finance.grant", grant).evaluate().levelized_cost
    assert cost.to("USD/kg").magnitude == pytest.approx(6.0, rel=1e-9)


def test_no_support_needed_gives_zero(waste_plant):
    # the shipped plant earns its discount rate at 44 USD/kg NdPr: no grant needed
    assert waste_plant.evaluate().npv().magnitude > 0
    assert support_needed(waste_plant, "finance.grant").magnitude == 0.0


def test_vectorized_over_samples_equals_one_by_one(short_of_money):
    plant, _ = short_of_money
    acid = np.array([150.0, 250.0, 350.0])
    batch = support_needed(
        plant, "finance.grant", samples={"costing.prices.hydrochloric_acid": acid}
    )
    assert batch.shape == (3,)
    unit = plant.get("costing.prices.hydrochloric_acid").units
    for i, price in enumerate(acid):
        one = support_needed(
            plant.replace("costing.prices.hydrochloric_acid", Q_(price, unit)), "finance.grant"
        )
        assert batch.magnitude[i] == pytest.approx(one.magnitude, rel=1e-8)
    assert np.all(np.diff(batch.magnitude) > 0)  # dearer acid needs more grant


def test_out_of_range_is_nan(short_of_money):
    plant, _ = short_of_money
    tiny = support_needed(plant, "finance.grant", high=Q_(1, "USD"))
    assert np.isnan(tiny.magnitude)


@pytest.mark.parametrize(
    ("lever", "target", "match"),
    [
        ("finance.tax_rate", "npv", "lever"),
        ("products.nothing.price_floor", "npv", "no product"),
        ("products.NdPr_oxide.price_floor", Q_(5, "USD/kg"), "levelized cost"),
        ("finance.grant", "irr", "target"),
    ],
)
def test_bad_requests_are_refused(waste_plant, lever, target, match):
    with pytest.raises(InputError, match=match):
        support_needed(waste_plant, lever, target=target)


@pytest.fixture(scope="module")
def decked(short_of_money):
    """The short-of-money route with a falling NdPr price deck and a rising NaOH deck: the
    NPV reads both year by year, so the solved support must too."""
    plant, _ = short_of_money
    plant = (
        plant.replace(
            "products.NdPr_oxide.price_deck",
            {2030: Q_(24, "USD/kg"), 2035: Q_(18, "USD/kg"), 2040: Q_(15, "USD/kg")},
        )
        .replace("products.NdPr_oxide.price_deck_start", 2030)
        .replace(
            "costing.price_decks",
            {"sodium_hydroxide": {2030: Q_(400, "USD/t"), 2040: Q_(900, "USD/t")}},
        )
        .replace("costing.price_deck_start", 2030)
    )
    return plant, plant.simulate()


@pytest.mark.parametrize(
    "lever",
    ["finance.grant", "finance.production_credit_rate", "products.NdPr_oxide.price_floor"],
)
def test_price_decks_enter_the_solved_support(decked, lever):
    plant, flows = decked
    value = support_needed(plant, lever)
    capex = plant.evaluate(flows).capex.to("USD").magnitude
    assert abs(_npv(plant.replace(lever, value), flows)) < 1e-8 * capex
