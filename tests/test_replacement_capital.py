"""Replacement capital every N operating years (finance.replacement_fraction/_interval)."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import finance
from tecmodel.errors import TecModelError


def test_replacement_every_three_years_by_hand():
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=7,
        construction_years=1,
        tax_rate=0.0,
        replacement_fraction=0.2,
        replacement_interval=3,
    )
    # operating years 1..7; 20 % of 100 spent at the end of the 3rd and 6th, not the 7th
    np.testing.assert_allclose(table.sustaining_capital, [0, 0, 0, 20, 0, 0, 20, 0])
    np.testing.assert_allclose(table.after_tax_cash_flow, [-100, 30, 30, 10, 30, 30, 10, 30])


def test_levelized_cost_makes_npv_zero_with_replacements():
    kwargs = dict(
        discount_rate=0.08,
        plant_life=20,
        construction_years=2,
        tax_rate=0.21,
        inflation=0.02,
        replacement_fraction=0.15,
        replacement_interval=7,
    )
    price = finance.levelized_cost(1000.0, 50.0, 10.0, **kwargs)
    table = finance.cash_flow_table(1000.0, price * 10.0, 50.0, **kwargs)
    assert table.npv == pytest.approx(0.0, abs=1e-6)
    plain = finance.levelized_cost(1000.0, 50.0, 10.0, **{**kwargs, "replacement_fraction": 0})
    assert price > plain


def test_plant_npv_falls_by_the_discounted_after_tax_replacement(waste_plant):
    base = waste_plant.evaluate()
    replaced = (
        waste_plant.replace("finance.replacement_interval", 10)
        .replace("finance.replacement_fraction", 0.1)
        .evaluate(base.flowsheet)
    )
    capital = base.capex.to("USD").magnitude - base.capital.working_capital.to("USD").magnitude
    # one replacement, at the end of operating year 10 = year index 2 + 9 (no inflation);
    # year 20 is the last and has none; 21 % tax (taxable income positive throughout)
    assert np.all(replaced.cash_flow().taxable_income[2:] > 0)
    expected = -(1 - 0.21) * 0.1 * capital / 1.1**11
    change = float((replaced.npv() - base.npv()).to("USD").magnitude)
    assert change == pytest.approx(expected, rel=1e-9)
    assert replaced.levelized_cost > base.levelized_cost


def test_replacement_needs_an_interval(waste_plant):
    with pytest.raises(TecModelError, match="replacement_interval"):
        waste_plant.replace("finance.replacement_fraction", 0.1).evaluate().npv()
    with pytest.raises(TecModelError, match="replacement_interval"):
        waste_plant.replace("finance.replacement_interval", 0)
