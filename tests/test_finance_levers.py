"""Policy and finance levers in the cash-flow table and the levelized cost: debt, grants,
tax credits, price support, sustaining capital and closure, each by hand calculation or
an identity."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import finance
from tecmodel.errors import InputError

BASE = {"discount_rate": 0.1, "plant_life": 10, "construction_years": 2, "tax_rate": 0.21}


def test_levers_at_their_defaults_leave_the_numbers_bit_identical():
    plain = finance.cash_flow_table(100.0, 40.0, 10.0, **BASE)
    explicit = finance.cash_flow_table(
        100.0, 40.0, 10.0, debt_fraction=0.0, grant=0.0, production_credit_rate=0.0, **BASE
    )
    np.testing.assert_array_equal(plain.after_tax_cash_flow, explicit.after_tax_cash_flow)
    assert explicit.project_cash_flow is None  # no lever: the table as it always was
    a = finance.levelized_cost(100.0, 10.0, 2.0, **BASE)
    b = finance.levelized_cost(100.0, 10.0, 2.0, debt_fraction=0.0, closure_cost=0.0, **BASE)
    assert a == b


def test_the_lever_path_with_zero_levers_agrees_with_the_plain_one():
    plain = finance.cash_flow_table(100.0, 40.0, 10.0, **BASE)
    zeros = finance.cash_flow_table(100.0, 40.0, 10.0, grant=np.zeros(1), **BASE)
    # the lever path sums in the plain path's order, so levers at zero change no bit
    np.testing.assert_array_equal(zeros.after_tax_cash_flow[0], plain.after_tax_cash_flow)
    np.testing.assert_array_equal(zeros.project_cash_flow[0], plain.after_tax_cash_flow)
    rng = np.random.default_rng(7)
    for capital, revenue, cost, working in rng.uniform(1.0, 1e9, size=(50, 4)):
        shape = {"ramp_up": (0.5, 0.8), "working_capital": working, "salvage_fraction": 0.1}
        plain = finance.cash_flow_table(capital, revenue, cost, **shape, **BASE)
        zeros = finance.cash_flow_table(capital, revenue, cost, grant=np.zeros(1), **shape, **BASE)
        np.testing.assert_array_equal(zeros.after_tax_cash_flow[0], plain.after_tax_cash_flow)
    lc = finance.levelized_cost(100.0, 10.0, 2.0, grant=np.zeros(1), **BASE)
    assert lc[0] == pytest.approx(finance.levelized_cost(100.0, 10.0, 2.0, **BASE), rel=1e-11)


def test_equity_and_project_cash_flows_by_hand():
    # capital 100 in one construction year, two operating years at 80 - 10 = 70, tax 20 %,
    # straight line over 2 years (50 a year). Half the capital is a 2-year loan at 10 %:
    # payment A = 50 * 0.1 / (1 - 1.1**-2) = 28.80952; year 1 interest 5, principal
    # 23.80952; year 2 interest 0.1 * 26.19048 = 2.61905, principal 26.19048.
    a = 50 * 0.1 / (1 - 1.1**-2)
    interest = [5.0, 0.1 * (50 - (a - 5.0))]
    table = finance.cash_flow_table(
        100.0,
        80.0,
        10.0,
        discount_rate=0.12,
        plant_life=2,
        construction_years=1,
        tax_rate=0.2,
        depreciation="straight_line",
        debt_fraction=0.5,
        debt_rate=0.1,
        debt_years=2,
    )
    np.testing.assert_allclose(table.interest, [0.0, *interest], rtol=1e-13)
    np.testing.assert_allclose(table.principal_repaid, [0.0, a - 5.0, a - interest[1]], rtol=1e-13)
    # interest is deducted: taxable 70 - 50 - interest
    tax = [0.2 * (70 - 50 - i) for i in interest]
    np.testing.assert_allclose(table.tax, [0.0, *tax], rtol=1e-13)
    equity = [-100 + 50, 70 - tax[0] - a, 70 - tax[1] - a]
    np.testing.assert_allclose(table.after_tax_cash_flow, equity, rtol=1e-13)
    # project: no debt flows, tax on 70 - 50 = 20 without the interest deduction
    np.testing.assert_allclose(table.project_cash_flow, [-100, 70 - 4.0, 70 - 4.0], rtol=1e-13)
    assert table.npv == pytest.approx(equity[0] + equity[1] / 1.12 + equity[2] / 1.12**2)


def test_interest_not_deductible_taxes_as_the_project():
    table = finance.cash_flow_table(
        100.0, 40.0, 10.0, debt_fraction=0.7, debt_rate=0.08, interest_deductible=False, **BASE
    )
    np.testing.assert_allclose(
        table.after_tax_cash_flow - table.project_cash_flow,
        table.debt_drawdown - table.interest - table.principal_repaid,
        atol=1e-12,
    )


def test_npv_at_the_irr_is_zero_with_debt():
    table = finance.cash_flow_table(
        100.0, 30.0, 10.0, debt_fraction=0.6, debt_rate=0.07, debt_years=8, grace_years=2, **BASE
    )
    assert finance.npv(table.equity_irr, table.after_tax_cash_flow) == pytest.approx(0, abs=1e-9)
    assert finance.npv(table.project_irr, table.project_cash_flow) == pytest.approx(0, abs=1e-9)
    # leverage on a project earning more than the debt costs raises the equity return
    assert table.project_irr > 0.07
    assert table.equity_irr > table.project_irr


def test_debt_at_the_discount_rate_without_tax_is_worth_nothing():
    # a loan discounted at its own rate has NPV zero, so equity NPV = project NPV
    arguments = {
        **BASE,
        "tax_rate": 0.0,
        "discount_rate": 0.07,
        "capital_spend_profile": (0.4, 0.6),
    }
    table = finance.cash_flow_table(
        100.0,
        30.0,
        10.0,
        debt_fraction=0.8,
        debt_rate=0.07,
        debt_years=6,
        grace_years=1,
        **arguments,
    )
    assert table.npv == pytest.approx(finance.npv(0.07, table.project_cash_flow), rel=1e-12)
    # the debt drawn during construction is 0.8 of the spend, and it is all repaid
    np.testing.assert_allclose(table.debt_drawdown[:2], [32.0, 48.0], rtol=1e-14)
    assert table.principal_repaid.sum() == pytest.approx(80.0, rel=1e-13)
    # interest during construction on what was drawn a year before: 7 % of 32
    assert table.interest[1] == pytest.approx(0.07 * 32.0, rel=1e-14)


@pytest.mark.parametrize("loss_rule", ["offset", "carry_forward"])
def test_levelized_cost_with_levers_makes_the_npv_zero(loss_rule):
    levers = {
        "debt_fraction": np.array([0.0, 0.5, 0.7]),
        "debt_rate": 0.06,
        "grant": np.array([0.0, 20.0, 40.0]),
        "production_credit_rate": 0.1,
        "sustaining_capital_fraction": 0.01,
        "closure_cost": 15.0,
    }
    price = finance.levelized_cost(100.0, 10.0, 2.0, loss_rule=loss_rule, **levers, **BASE)
    table = finance.cash_flow_table(
        100.0, price * 2.0, 10.0, loss_rule=loss_rule, **levers, **BASE
    )
    np.testing.assert_allclose(table.npv, 0.0, atol=1e-8)
    assert np.all(np.diff(price) < 0)  # more debt at 6 % < 10 % and more grant: cheaper


def test_grant_taxable_or_basis_reduction_by_hand():
    # capital 100, one construction year, grant 40; 2 years of 70 net; straight line
    arguments = {
        "discount_rate": 0.1,
        "plant_life": 2,
        "construction_years": 1,
        "tax_rate": 0.25,
        "depreciation": "straight_line",
        "loss_rule": "offset",
    }
    taxable = finance.cash_flow_table(100.0, 80.0, 10.0, grant=40.0, **arguments)
    # year 0: -100 + 40, tax on the grant 0.25 * 40 = 10 (offset) -> -70
    np.testing.assert_allclose(taxable.after_tax_cash_flow, [-70.0, 70 - 5.0, 70 - 5.0])
    reduced = finance.cash_flow_table(
        100.0, 80.0, 10.0, grant=40.0, grant_treatment="basis_reduction", **arguments
    )
    # basis 60: depreciation 30 a year, tax 0.25 * (70 - 30) = 10
    np.testing.assert_allclose(reduced.depreciation, [0.0, 30.0, 30.0])
    np.testing.assert_allclose(reduced.after_tax_cash_flow, [-60.0, 60.0, 60.0])
    np.testing.assert_allclose(reduced.grant, [40.0, 0.0, 0.0])


def test_production_credit_with_a_phase_out_by_hand():
    # 10 % of an operating cost of 30 a year, ramped to 50 % in year 1; schedule 1, 0.75, 0
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=5,
        tax_rate=0.0,
        ramp_up=(0.5,),
        production_credit_rate=0.1,
        production_credit_schedule=(1.0, 0.75, 0.0),
    )
    np.testing.assert_allclose(table.tax_credit, [0.0, 1.5, 2.25, 0.0, 0.0, 0.0], rtol=1e-14)
    np.testing.assert_allclose(
        table.after_tax_cash_flow, [-100.0, 15.0 + 1.5, 30.0 + 2.25, 30.0, 30.0, 30.0]
    )


def test_investment_credit_by_hand():
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=4,
        tax_rate=0.0,
        depreciation="straight_line",
        investment_credit_rate=0.3,
    )
    # 30 % of 100 in the first operating year; the basis loses half of it: 85 / 4
    np.testing.assert_allclose(table.tax_credit, [0.0, 30.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(table.depreciation[1:], 85.0 / 4)


def test_price_support_for_some_years_and_several_amounts_by_hand():
    # floor top-up of 12 a year for 3 years, and upside shared (-2 a year) for the whole life
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=5,
        tax_rate=0.2,
        depreciation="straight_line",
        loss_rule="offset",
        price_support=(12.0, -2.0),
        price_support_years=(3, None),
    )
    np.testing.assert_allclose(table.price_support, [0, 10, 10, 10, -2, -2])
    # taxed: 0.2 * (30 + support - 20)
    tax = 0.2 * (30 + np.array([10.0, 10, 10, -2, -2]) - 20)
    np.testing.assert_allclose(table.tax[1:], tax, rtol=1e-13)


def test_sustaining_capital_and_closure_cost_by_hand():
    table = finance.cash_flow_table(
        100.0,
        60.0,
        30.0,
        discount_rate=0.1,
        plant_life=3,
        tax_rate=0.0,
        sustaining_capital_fraction=0.02,
        closure_cost=25.0,
    )
    np.testing.assert_allclose(table.sustaining_capital, [0, 2, 2, 2])
    np.testing.assert_allclose(table.closure_cost, [0, 0, 0, 25])
    np.testing.assert_allclose(table.after_tax_cash_flow, [-100, 28, 28, 3])


def test_batch_equals_one_by_one_with_levers():
    rates = np.array([0.03, 0.06, 0.09])
    grants = np.array([0.0, 10.0, 30.0])
    batch = finance.levelized_cost(
        100.0, 10.0, 2.0, debt_fraction=0.5, debt_rate=rates, grant=grants, **BASE
    )
    table = finance.cash_flow_table(
        100.0, 25.0, 10.0, debt_fraction=0.5, debt_rate=rates, grant=grants, **BASE
    )
    for i in range(3):
        one = finance.levelized_cost(
            100.0, 10.0, 2.0, debt_fraction=0.5, debt_rate=rates[i], grant=grants[i], **BASE
        )
        assert batch[i] == pytest.approx(one, rel=1e-13)
        single = finance.cash_flow_table(
            100.0, 25.0, 10.0, debt_fraction=0.5, debt_rate=rates[i], grant=grants[i], **BASE
        )
        np.testing.assert_allclose(
            table.after_tax_cash_flow[i], single.after_tax_cash_flow, rtol=1e-14
        )


def test_money_levers_keep_units():
    from tecmodel.units import Q_

    table = finance.cash_flow_table(
        Q_(100.0, "MUSD"),
        Q_(40.0, "MUSD/yr"),
        Q_(10.0, "MUSD/yr"),
        grant=Q_(20.0, "MUSD"),
        **BASE,
    )
    assert table.grant.sum().to("MUSD").magnitude == pytest.approx(20.0)
    with pytest.raises(InputError, match="grant"):
        finance.cash_flow_table(
            Q_(100.0, "MUSD"), Q_(40.0, "MUSD/yr"), Q_(10.0, "MUSD/yr"), grant=20.0, **BASE
        )


@pytest.mark.parametrize(
    ("levers", "match"),
    [
        ({"debt_fraction": 1.5}, "debt_fraction"),
        ({"debt_fraction": 0.5, "debt_rate": -0.01}, "debt_rate"),
        ({"debt_fraction": 0.5, "debt_years": 12}, "debt_years"),
        ({"debt_fraction": 0.5, "debt_years": 5, "grace_years": 5}, "grace_years"),
        ({"debt_fraction": 0.5, "interest_deductible": "yes"}, "interest_deductible"),
        ({"grant": -1.0}, "grant"),
        ({"grant": 1.0, "grant_treatment": "exempt"}, "grant_treatment"),
        ({"production_credit_rate": 2.0}, "production_credit_rate"),
        ({"closure_cost": -5.0}, "closure_cost"),
        ({"price_support": (1.0, 2.0), "price_support_years": (3,)}, "price_support_years"),
    ],
)
def test_bad_levers_are_refused_naming_the_parameter(levers, match):
    with pytest.raises(InputError, match=match):
        finance.cash_flow_table(100.0, 40.0, 10.0, **levers, **BASE)
