"""The §45X production-credit base: the operating cost, or that plus depreciation.

``production_credit_base="operating_cost_and_depreciation"`` adds the year's scheduled
tax depreciation to the operating cost the credit is a fraction of (the §263A reading
of 26 CFR 1.45X-4(c), relayed in data/policy.toml). Hand calculations of the credit,
the default left bit for bit as it was, and every path (cash-flow table, levelized
cost, the economic fast path of Study, support_needed) reading the same base.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tecmodel import Q_, finance
from tecmodel.distributions import Uniform
from tecmodel.errors import InputError
from tecmodel.plant import FinanceAssumptions
from tecmodel.sensitivity import Study
from tecmodel.support import support_needed

BASE = "operating_cost_and_depreciation"


def test_credit_on_operating_cost_and_depreciation_by_hand():
    # capital 100 spent in one year, straight line over 4 years: 25 a year; opex 30 a
    # year, 50 % in the first operating year; no tax. Credit 10 % of (opex + 25):
    # year 1: 0.1 (15 + 25) = 4.0; later: 0.1 (30 + 25) = 5.5
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=4,
        tax_rate=0.0,
        depreciation="straight_line",
        ramp_up=(0.5,),
        production_credit_rate=0.1,
        production_credit_base=BASE,
    )
    np.testing.assert_allclose(table.tax_credit, [0.0, 4.0, 5.5, 5.5, 5.5], rtol=1e-14)
    # after tax (no tax): revenue - opex + credit
    np.testing.assert_allclose(
        table.after_tax_cash_flow, [-100.0, 15.0 + 4.0, 35.5, 35.5, 35.5], rtol=1e-14
    )
    # with the phase-out 1, 0.75, 0 (the last entry holds): 4.0, 0.75 * 5.5, 0, 0
    phased = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=4,
        tax_rate=0.0,
        depreciation="straight_line",
        ramp_up=(0.5,),
        production_credit_rate=0.1,
        production_credit_schedule=(1.0, 0.75, 0.0),
        production_credit_base=BASE,
    )
    np.testing.assert_allclose(phased.tax_credit, [0.0, 4.0, 4.125, 0.0, 0.0], rtol=1e-14)


def test_the_write_off_at_retirement_is_not_in_the_base():
    # MACRS 7-year, 200 % declining balance with the half-year convention: 1/7, then
    # 2/7 of what is left, 12/49 and 60/343 (IRS Pub. 946 Table A-1: 14.29 %, 24.49 %,
    # 17.49 %, ...), on a plant retired after 3 years: the table deducts 100/7, 1200/49
    # and the rest, 3000/49 (61.22), in year 3; the credit counts the scheduled 6000/343
    # of year 3, not the write-off
    table = finance.cash_flow_table(
        100.0,
        60.0,
        0.0,
        discount_rate=0.1,
        plant_life=3,
        tax_rate=0.0,
        depreciation="macrs7",
        production_credit_rate=0.1,
        production_credit_base=BASE,
    )
    np.testing.assert_allclose(
        table.depreciation, [0.0, 100 / 7, 1200 / 49, 3000 / 49], rtol=1e-12
    )
    np.testing.assert_allclose(table.tax_credit, [0.0, 10 / 7, 120 / 49, 600 / 343], rtol=1e-12)
    np.testing.assert_allclose(table.tax_credit, [0.0, 1.429, 2.449, 1.749], atol=5e-4)


def test_the_base_is_the_basis_after_grant_and_investment_credit():
    # grant 40 taken off the basis: 60; §48C-style credit 30 % of 60 = 18 in year 1,
    # the basis then loses half of it: 51, so 12.75 a year over 4 years (straight line).
    # Production credit: 10 % of (30 + 12.75) = 4.275 a year
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=4,
        tax_rate=0.0,
        depreciation="straight_line",
        grant=40.0,
        grant_treatment="basis_reduction",
        investment_credit_rate=0.3,
        production_credit_rate=0.1,
        production_credit_base=BASE,
    )
    np.testing.assert_allclose(table.depreciation[1:], 12.75, rtol=1e-14)
    np.testing.assert_allclose(
        table.tax_credit, [0.0, 18.0 + 4.275, 4.275, 4.275, 4.275], rtol=1e-14
    )


def test_the_default_base_is_the_operating_cost_bit_for_bit():
    arguments = dict(discount_rate=0.1, plant_life=12, tax_rate=0.21, ramp_up=(0.6,))
    plain = finance.cash_flow_table(100.0, 40.0, 10.0, production_credit_rate=0.1, **arguments)
    named = finance.cash_flow_table(
        100.0,
        40.0,
        10.0,
        production_credit_rate=0.1,
        production_credit_base="operating_cost",
        **arguments,
    )
    np.testing.assert_array_equal(plain.after_tax_cash_flow, named.after_tax_cash_flow)
    np.testing.assert_allclose(plain.tax_credit[1:], [0.6] + [1.0] * 11, rtol=1e-14)
    a = finance.levelized_cost(100.0, 10.0, 2.0, production_credit_rate=0.1, **arguments)
    b = finance.levelized_cost(
        100.0, 10.0, 2.0, production_credit_rate=0.1, production_credit_base="operating_cost",
        **arguments,
    )  # fmt: skip
    assert a == b
    # a base without a rate earns nothing: the plain table's numbers
    none = finance.cash_flow_table(100.0, 40.0, 10.0, production_credit_base=BASE, **arguments)
    without = finance.cash_flow_table(100.0, 40.0, 10.0, **arguments)
    np.testing.assert_array_equal(none.after_tax_cash_flow, without.after_tax_cash_flow)


@pytest.mark.parametrize("loss_rule", ["carry_forward", "offset"])
def test_npv_is_zero_at_the_levelized_cost_and_at_the_irr(loss_rule):
    rng = np.random.default_rng(45)
    for _ in range(30):
        n = int(rng.integers(1, 20))
        arguments = dict(
            discount_rate=rng.uniform(0.0, 0.15, n),
            plant_life=int(rng.integers(2, 30)),
            construction_years=int(rng.integers(1, 4)),
            tax_rate=rng.uniform(0.0, 0.4, n),
            depreciation=str(rng.choice(["macrs5", "macrs7", "macrs15"])),
            ramp_up=tuple(rng.uniform(0.2, 1.0, int(rng.integers(0, 3)))),
            inflation=rng.uniform(0.0, 0.04, n) if rng.random() < 0.5 else 0.0,
            loss_rule=loss_rule,
            production_credit_rate=rng.uniform(0.0, 0.3, n),
            production_credit_base=BASE,
        )
        if rng.random() < 0.5:
            arguments["production_credit_schedule"] = (1.0, 1.0, 0.75, 0.5, 0.25, 0.0)
        capital = rng.uniform(1e7, 1e9, n)
        cost = rng.uniform(1e6, 1e8, n)
        production = rng.uniform(1e5, 1e7, n)
        price = finance.levelized_cost(capital, cost, production, **arguments)
        table = finance.cash_flow_table(capital, price * production, cost, **arguments)
        money = capital + cost * arguments["plant_life"]
        assert np.all(np.abs(table.npv) <= 1e-9 * money)
        # and the table's IRR discounts its own cash flow to zero
        rate = table.equity_irr
        flows = table.after_tax_cash_flow
        ok = np.isfinite(rate)
        assert np.all(np.abs(finance.npv(rate[ok], flows[ok])) <= 1e-6 * money[ok])


def test_depreciation_in_the_base_lowers_the_levelized_cost_by_its_credit():
    # no tax, no discounting: the price covers capital + opex*life less the credits,
    # 0.1 (opex*life + capital), all over production*life
    # (straight line over the life, so the scheduled depreciation sums to the capital)
    capital, cost, production, life = 100.0, 10.0, 2.0, 5
    arguments = dict(
        discount_rate=0.0,
        plant_life=life,
        tax_rate=0.0,
        depreciation="straight_line",
        production_credit_rate=0.1,
    )
    plain = finance.levelized_cost(capital, cost, production, **arguments)
    wider = finance.levelized_cost(
        capital, cost, production, production_credit_base=BASE, **arguments
    )
    assert plain == pytest.approx((capital + cost * life - 0.1 * cost * life) / 10.0, rel=1e-12)
    assert wider == pytest.approx(
        (capital + cost * life - 0.1 * (cost * life + capital)) / 10.0, rel=1e-12
    )


def test_bad_base_is_refused_naming_the_parameter():
    with pytest.raises(InputError, match="production_credit_base"):
        finance.cash_flow_table(
            100.0, 40.0, 10.0, discount_rate=0.1, plant_life=5, production_credit_rate=0.1,
            production_credit_base="depreciation",
        )  # fmt: skip
    with pytest.raises(InputError, match=r"production_credit_base.*operating_cost"):
        FinanceAssumptions(production_credit_base="all_costs")


@pytest.fixture(scope="module")
def credited(waste_plant):
    plant = (
        waste_plant.replace("finance.production_credit_rate", 0.1)
        .replace("finance.first_production_year", 2028)
        .replace("finance.production_credit_base", BASE)
    )
    return plant, plant.simulate()


def test_the_plant_reads_the_base_everywhere(credited):
    plant, flows = credited
    result = plant.evaluate(flows)
    narrow = plant.replace("finance.production_credit_base", "operating_cost").evaluate(flows)
    assert result.levelized_cost < narrow.levelized_cost
    table, plain = result.cash_flow(), narrow.cash_flow()  # plain USD
    # the credits differ by 10 % of the scheduled depreciation, phased out from 2031:
    # first operating year 2028, so full in its first three years (MACRS 7-year when
    # the plant life is past 8 years: the depreciation column is the schedule)
    extra = table.tax_credit - plain.tax_credit
    depreciation = table.depreciation
    start = int(plant.finance.resolved()["construction_years"])
    np.testing.assert_allclose(extra[start : start + 3], 0.1 * depreciation[start : start + 3])
    np.testing.assert_allclose(extra[start + 3], 0.075 * depreciation[start + 3], rtol=1e-12)
    assert np.all(extra[start + 6 :] == 0.0)  # none from 2034


def test_economic_study_agrees_with_full_evaluation(credited):
    plant, flows = credited
    study = Study(
        plant,
        {
            "finance.production_credit_rate": Uniform(0.05, 0.15),
            "costing.capital_estimate_factor": Uniform(0.8, 1.3),
        },
    )
    assert type(study._function()).__name__ == "_EconomicMetric"  # the fast path
    result = study.monte_carlo(16, seed=3)
    full = plant
    for path, values in result.samples.items():
        full = full.replace(path, values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow = full.evaluate(flows).levelized_cost.to("USD/kg").magnitude
    fast = result.values.to("USD/kg").magnitude
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_support_needed_solves_on_the_same_base(credited, waste_plant):
    plant, flows = credited
    target = Q_(6.5, "USD/kg")
    rate = support_needed(plant, "finance.production_credit_rate", target=target)
    cost = plant.replace("finance.production_credit_rate", rate).evaluate(flows).levelized_cost
    assert cost.to("USD/kg").magnitude == pytest.approx(6.5, rel=1e-9)
    narrow = plant.replace("finance.production_credit_base", "operating_cost")
    wider_rate = support_needed(narrow, "finance.production_credit_rate", target=target)
    assert rate < wider_rate  # a wider base needs a lower rate


def test_the_base_round_trips_through_a_scenario_file(credited, tmp_path):
    from tecmodel import scenarios

    plant, flows = credited
    path = tmp_path / "credited.toml"
    scenarios.write(plant, path)
    back = scenarios.read(path)
    assert back.finance.production_credit_base == BASE
    assert back.evaluate(flows).levelized_cost == plant.evaluate(flows).levelized_cost
