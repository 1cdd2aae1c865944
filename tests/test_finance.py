"""Tests of tecmodel.finance against published values, hand calculations and identities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel import finance
from tecmodel.errors import InputError, TecModelError

# --------------------------------------------------------------------------------------
# NPV
# --------------------------------------------------------------------------------------


def test_npv_numpy_financial_docstring_example():
    # numpy-financial docs, npv: -40000, 5000, 8000, 12000, 30000 at 8 % -> 3065.22267
    assert finance.npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]) == pytest.approx(
        3065.22267, abs=5e-6
    )


def test_npv_near_irr_numpy_financial_example():
    # numpy-financial docs (irr example): npv(0.281, [-100, 39, 59, 55, 20]) ≈ -0.0085
    assert finance.npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(-0.0085, abs=5e-5)


def test_npv_hand_calculation():
    # -100 + 60/1.1 + 60/1.1**2 = -100 + 54.5454... + 49.5867... = 4.13223...
    assert finance.npv(0.1, [-100, 60, 60]) == pytest.approx(
        -100 + 60 / 1.1 + 60 / 1.21, rel=1e-14
    )
    assert finance.npv(0.1, [-100, 60, 60]) == pytest.approx(4.132231405, rel=1e-9)


def test_npv_broadcasts_rate_over_leading_axes():
    cashflows = np.array([[-100.0, 60, 60], [-50.0, 10, 80]])
    rates = np.array([0.05, 0.1])
    got = finance.npv(rates, cashflows)
    assert got.shape == (2,)
    for i in range(2):
        assert got[i] == pytest.approx(finance.npv(rates[i], cashflows[i]), rel=1e-15)
    # a column of rates against one series gives one NPV per rate
    grid = finance.npv(np.array([[0.0], [0.1]]), cashflows)
    assert grid.shape == (2, 2)
    assert grid[0, 0] == pytest.approx(20.0)


def test_npv_rate_at_or_below_minus_one_is_input_error():
    with pytest.raises(InputError, match=r"rate must be > -1.*-1"):
        finance.npv(-1.0, [-100, 50, 60])
    with pytest.raises(TecModelError):
        finance.npv(np.array([0.1, -2.0]), [-100, 50, 60])


def test_npv_keeps_money_units():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    result = finance.npv(ureg.Quantity(8, "percent"), ureg.Quantity([-100.0, 60, 60], "m"))
    assert str(result.units) == "meter"
    assert result.magnitude == pytest.approx(finance.npv(0.08, [-100.0, 60, 60]))


# --------------------------------------------------------------------------------------
# IRR
# --------------------------------------------------------------------------------------

# numpy-financial docs, irr examples (values rounded to 5 decimals there)
NPF_IRR_EXAMPLES = [
    ([-100, 39, 59, 55, 20], 0.28095),
    ([-100, 0, 0, 74], -0.0955),
    ([-100, 100, 0, -7], -0.0833),
    ([-100, 100, 0, 7], 0.06206),
    ([-5, 10.5, 1, -8, 1], 0.0886),
]


@pytest.mark.parametrize(("cashflows", "expected"), NPF_IRR_EXAMPLES)
def test_irr_numpy_financial_docstring_examples(cashflows, expected):
    assert round(float(finance.irr(cashflows)), 5) == pytest.approx(expected, abs=1e-12)


def test_irr_batch_equals_one_by_one():
    # trailing zeros do not change an IRR, so pad the examples to one length
    cashflows = np.array([[*row, 0.0][:5] for row, _ in NPF_IRR_EXAMPLES], dtype=float)
    got = finance.irr(cashflows)
    assert got.shape == (5,)
    for row, value in zip(cashflows, got, strict=True):
        assert value == finance.irr(row)
    stacked = finance.irr(np.stack([cashflows, cashflows[::-1]]))
    assert stacked.shape == (2, 5)
    np.testing.assert_array_equal(stacked[0], got)


def test_irr_hand_calculation_two_periods():
    # -100 + 110/(1+r) = 0  ->  r = 0.10 exactly
    assert finance.irr([-100, 110]) == pytest.approx(0.10, rel=1e-14)
    # -100 + 121/(1+r)^2 = 0 -> r = 0.10; leading and trailing zeros change nothing
    assert finance.irr([0, -100, 0, 121, 0]) == pytest.approx(0.10, rel=1e-14)


def test_irr_no_real_root_is_nan():
    got = finance.irr(np.array([[1.0, 2, 3], [-1.0, -2, -3], [0.0, 0, 0], [1, -1, 1]]))
    # all positive, all negative, all zero: no sign change; 1 - x + x^2 > 0 for all x
    assert np.all(np.isnan(got))
    assert np.isnan(finance.irr([-1.0, np.nan, 3.0]))


def test_irr_multiple_roots_takes_rate_closest_to_zero():
    # -1 + 5x - 6x^2 = -(2x - 1)(3x - 1): x = 1/2 or 1/3 -> r = 1 or r = 2; take 1
    assert finance.irr([-1, 5, -6]) == pytest.approx(1.0, rel=1e-12)
    # (x - 1/1.1)(x - 1/0.8) = x^2 - (1/1.1 + 1/0.8) x + 1/0.88: r = 0.10 or r = -0.20
    assert finance.irr([1 / 0.88, -(1 / 1.1 + 1 / 0.8), 1.0]) == pytest.approx(0.10, rel=1e-12)


def test_irr_matches_numpy_financial_on_random_batch():
    npf = pytest.importorskip("numpy_financial")
    rng = np.random.default_rng(5)
    conventional = np.concatenate(
        [-rng.uniform(50, 150, (100, 2)), rng.uniform(0, 20, (100, 18))], axis=1
    )
    mixed = rng.normal(0, 1, (100, 12))
    for batch in (conventional, mixed):
        got = finance.irr(batch)
        expected = np.array([npf.irr(row) for row in batch])
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10, equal_nan=True)


cash_flow_series = st.lists(
    st.floats(-1e3, 1e3, allow_nan=False).filter(lambda v: abs(v) > 1e-3), min_size=2, max_size=25
)


@settings(max_examples=150, deadline=None)
@given(investment=st.floats(1.0, 1e6), returns=cash_flow_series)
def test_npv_at_irr_is_zero(investment, returns):
    cashflows = np.array([-investment, *np.abs(returns)])
    rate = finance.irr(cashflows)
    assert np.isfinite(rate) and rate > -1
    # NPV at the IRR vanishes relative to the size of the discounted flows
    scale = np.sum(np.abs(cashflows) / (1 + rate) ** np.arange(cashflows.size))
    assert abs(finance.npv(rate, cashflows)) <= 1e-9 * scale


@settings(max_examples=100, deadline=None)
@given(returns=cash_flow_series)
def test_irr_root_when_finite_for_any_signs(returns):
    cashflows = np.array(returns)
    rate = finance.irr(cashflows)
    if np.isfinite(rate):
        scale = np.sum(np.abs(cashflows) / (1 + rate) ** np.arange(cashflows.size))
        assert abs(finance.npv(rate, cashflows)) <= 1e-7 * scale
    else:
        # Descartes: a positive root needs a sign change
        assert np.all(cashflows > 0) or np.all(cashflows < 0) or len(set(np.sign(returns))) > 1


# --------------------------------------------------------------------------------------
# depreciation
# --------------------------------------------------------------------------------------

# IRS Publication 946 (2023), Appendix A, Table A-1: "3-, 5-, 7-, 10-, 15-, and 20-Year
# Property, Half-Year Convention", depreciation rate per recovery year in percent.
PUB946_TABLE_A1 = {
    3: [33.33, 44.45, 14.81, 7.41],
    5: [20.00, 32.00, 19.20, 11.52, 11.52, 5.76],
    7: [14.29, 24.49, 17.49, 12.49, 8.93, 8.92, 8.93, 4.46],
    10: [10.00, 18.00, 14.40, 11.52, 9.22, 7.37, 6.55, 6.55, 6.56, 6.55, 3.28],
    15: [5.00, 9.50, 8.55, 7.70, 6.93, 6.23, 5.90, 5.90, 5.91, 5.90, 5.91, 5.90, 5.91, 5.90,
         5.91, 2.95],
    20: [3.750, 7.219, 6.677, 6.177, 5.713, 5.285, 4.888, 4.522, 4.462, 4.461, 4.462, 4.461,
         4.462, 4.461, 4.462, 4.461, 4.462, 4.461, 4.462, 4.461, 2.231],
}  # fmt: skip


@pytest.mark.parametrize("recovery_years", sorted(PUB946_TABLE_A1))
def test_macrs_matches_pub946_table_a1(recovery_years):
    published = np.array(PUB946_TABLE_A1[recovery_years])
    assert published.sum() == pytest.approx(100.0, abs=1e-9)  # the typed column is whole
    computed = 100 * finance.macrs(recovery_years)
    assert computed.shape == published.shape
    # the table is rounded to 0.01 % (0.001 % for 20-year) and adjusted to sum to 100
    unit = 0.001 if recovery_years == 20 else 0.01
    np.testing.assert_allclose(computed, published, atol=unit + 1e-9)
    assert computed.sum() == pytest.approx(100.0, abs=1e-12)


def test_macrs_unknown_recovery_period_lists_valid_ones():
    with pytest.raises(InputError, match=r"recovery_years must be one of \(3, 5, 7, 10, 15, 20"):
        finance.macrs(6)


def test_straight_line_and_declining_balance_hand_calculation():
    np.testing.assert_allclose(finance.straight_line(4), [0.25] * 4)
    # double declining, 5 years, rate 40 %: 0.4, 0.24, 0.144, then straight line on the
    # remaining 0.216 over 2 years (0.108 > 0.4*0.216 = 0.0864): 0.108, 0.108
    np.testing.assert_allclose(finance.declining_balance(5), [0.4, 0.24, 0.144, 0.108, 0.108])
    # without the switch the last year takes the remaining book value 0.216 - 0.0864
    np.testing.assert_allclose(
        finance.declining_balance(5, switch_to_straight_line=False),
        [0.4, 0.24, 0.144, 0.0864, 0.1296],
    )
    assert finance.declining_balance(12, factor=1.5).sum() == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("life", [0, -3, 2.5])
def test_depreciation_life_must_be_whole_positive(life):
    with pytest.raises(InputError, match="life must be a whole number"):
        finance.straight_line(life)
    with pytest.raises(InputError, match="life must be a whole number"):
        finance.declining_balance(life)


# --------------------------------------------------------------------------------------
# capital recovery factor and payback
# --------------------------------------------------------------------------------------


def test_capital_recovery_factor_textbook_value():
    # (A/P, 10 %, 10): 1.1**10 = 2.5937424601; 0.1 * 2.5937424601 / 1.5937424601
    #   = 0.25937424601 / 1.5937424601 = 0.1627454 (interest tables print 0.16275)
    hand = 0.1 * 1.1**10 / (1.1**10 - 1)
    assert finance.capital_recovery_factor(0.10, 10) == pytest.approx(hand, rel=1e-14)
    assert finance.capital_recovery_factor(0.10, 10) == pytest.approx(0.162745, abs=5e-7)


def test_capital_recovery_factor_zero_rate_limit_and_broadcast():
    got = finance.capital_recovery_factor(np.array([0.0, 1e-12, 1e-6]), np.array([[10.0], [20.0]]))
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got[:, 0], [0.1, 0.05], rtol=1e-15)
    np.testing.assert_allclose(got[:, 1], [0.1, 0.05], rtol=1e-10)
    # first-order expansion: CRF ≈ 1/n + r (n + 1) / (2 n)
    np.testing.assert_allclose(got[:, 2], [0.1 + 1e-6 * 11 / 20, 0.05 + 1e-6 * 21 / 40], rtol=1e-9)


def test_capital_recovery_factor_is_inverse_of_annuity_npv():
    rate, years = 0.07, 25
    annuity = np.r_[0.0, np.ones(years)]
    assert finance.capital_recovery_factor(rate, years) * finance.npv(rate, annuity) == (
        pytest.approx(1.0, rel=1e-13)
    )


def test_capital_recovery_factor_bad_input():
    with pytest.raises(InputError, match="rate must be > -1"):
        finance.capital_recovery_factor(-1.5, 10)
    with pytest.raises(InputError, match="years must be > 0"):
        finance.capital_recovery_factor(0.1, 0)


def test_payback_hand_calculation_and_nan():
    cashflows = np.array(
        [
            [-100, 30, 40, 50, 60],  # cumulative -100, -70, -30, 20 -> 2 + 30/50 = 2.6
            [-100, 10, 10, 10, 10],  # never recovers
            [5, -1, 2, 3, 4],  # non-negative from the start
            [-100, 100, -50, 10, 10],  # first reaches 0 exactly at t = 1
        ],
        dtype=float,
    )
    got = finance.payback(cashflows)
    np.testing.assert_allclose(got, [2.6, np.nan, 0.0, 1.0])
    assert finance.payback(cashflows[0]) == pytest.approx(2.6)


# --------------------------------------------------------------------------------------
# cash-flow table
# --------------------------------------------------------------------------------------


def test_cash_flow_table_without_tax_is_the_textbook_annuity():
    table = finance.cash_flow_table(100.0, 40.0, 10.0, discount_rate=0.1, plant_life=5, tax_rate=0)
    np.testing.assert_array_equal(table.year, np.arange(6))
    np.testing.assert_allclose(table.after_tax_cash_flow, [-100, 30, 30, 30, 30, 30])
    # NPV = -100 + 30 (1 - 1.1**-5) / 0.1 = -100 + 30 * 3.7907868 = 13.7236
    assert table.npv == pytest.approx(-100 + 30 * (1 - 1.1**-5) / 0.1, rel=1e-13)
    assert table.npv == pytest.approx(finance.npv(0.1, table.after_tax_cash_flow), rel=1e-14)
    assert finance.payback(table.after_tax_cash_flow) == pytest.approx(100 / 30)
    assert set(table.to_dict()) >= {"year", "capital_spend", "tax", "discounted_cash_flow"}


def test_cash_flow_table_straight_line_tax_hand_calculation():
    # depreciation 100/5 = 20; taxable income 40 - 10 - 20 = 10; tax 25 % = 2.5;
    # after-tax cash flow 30 - 2.5 = 27.5 in each operating year
    table = finance.cash_flow_table(
        100.0, 40.0, 10.0, discount_rate=0.1, plant_life=5, tax_rate=0.25,
        depreciation="straight_line",
    )  # fmt: skip
    np.testing.assert_allclose(table.depreciation, [0, 20, 20, 20, 20, 20])
    np.testing.assert_allclose(table.taxable_income, [0, 10, 10, 10, 10, 10])
    np.testing.assert_allclose(table.tax, [0, 2.5, 2.5, 2.5, 2.5, 2.5])
    np.testing.assert_allclose(table.after_tax_cash_flow, [-100, 27.5, 27.5, 27.5, 27.5, 27.5])


def test_loss_rules_hand_calculation():
    # depreciation 50, 50 then nothing; taxable income -30, -30, 20, 20, 20, 20; tax 40 %
    arguments = dict(discount_rate=0.0, plant_life=6, tax_rate=0.4, depreciation=[0.5, 0.5])
    offset = finance.cash_flow_table(100.0, 30.0, 10.0, loss_rule="offset", **arguments)
    np.testing.assert_allclose(offset.taxable_income, [0, -30, -30, 20, 20, 20, 20])
    np.testing.assert_allclose(offset.tax, [0, -12, -12, 8, 8, 8, 8])
    # carry forward: pool 30, 60; years 3-5 use 20 each (pool 40, 20, 0); year 6 pays 8
    carried = finance.cash_flow_table(100.0, 30.0, 10.0, loss_rule="carry_forward", **arguments)
    np.testing.assert_allclose(carried.tax, [0, 0, 0, 0, 0, 0, 8])
    # undiscounted, the two rules pay the same total tax: 0.4 * (120 - 60) = 24
    assert offset.tax.sum() == pytest.approx(8.0) == carried.tax.sum()


def test_construction_profile_working_capital_salvage_and_inflation():
    table = finance.cash_flow_table(
        100.0, 50.0, 20.0, discount_rate=0.08, plant_life=4, construction_years=3,
        capital_spend_profile=(0.1, 0.6, 0.3), ramp_up=(0.5,), working_capital=0.15,
        salvage_fraction=0.1, tax_rate=0.0, inflation=0.02,
    )  # fmt: skip
    g = 1.02 ** np.arange(7)
    np.testing.assert_allclose(table.capital_spend, [10 * g[0], 60 * g[1], 30 * g[2], 0, 0, 0, 0])
    np.testing.assert_allclose(table.working_capital, [0, 0, 15 * g[2], 0, 0, 0, -15 * g[2]])
    np.testing.assert_allclose(
        table.revenue, [0, 0, 0, 25 * g[3], 50 * g[4], 50 * g[5], 50 * g[6]]
    )
    np.testing.assert_allclose(
        table.operating_cost[3:], [10 * g[3], 20 * g[4], 20 * g[5], 20 * g[6]]
    )
    np.testing.assert_allclose(table.salvage, [0] * 6 + [10 * g[6]])
    expected = (
        -table.capital_spend - table.working_capital + table.revenue - table.operating_cost
        + table.salvage
    )  # fmt: skip
    np.testing.assert_allclose(table.after_tax_cash_flow, expected)
    np.testing.assert_allclose(table.discounted_cash_flow, expected / 1.08 ** np.arange(7))
    # depreciation basis is the nominal capital spent, fully written off by retirement
    assert table.depreciation.sum() == pytest.approx(table.capital_spend.sum())


def test_macrs_longer_than_life_is_written_off_at_retirement():
    table = finance.cash_flow_table(
        1000.0, 0.0, 0.0, discount_rate=0.1, plant_life=3, depreciation="macrs7"
    )
    seven = finance.macrs(7)
    np.testing.assert_allclose(
        table.depreciation, 1000 * np.array([0, seven[0], seven[1], 1 - seven[:2].sum()])
    )


def test_cash_flow_table_batch_equals_one_by_one_with_varying_life():
    capital = np.array([100.0, 150.0, 120.0])
    life = np.array([3, 5, 4])
    arguments = dict(discount_rate=np.array([0.05, 0.08, 0.1]), tax_rate=0.3, ramp_up=(0.7,))
    batch = finance.cash_flow_table(capital, 45.0, 12.0, plant_life=life, **arguments)
    assert batch.after_tax_cash_flow.shape == (3, 6)
    for i in range(3):
        one = finance.cash_flow_table(
            capital[i], 45.0, 12.0, plant_life=life[i],
            discount_rate=arguments["discount_rate"][i], tax_rate=0.3, ramp_up=(0.7,),
        )  # fmt: skip
        width = one.year.size
        for name in ("depreciation", "tax", "after_tax_cash_flow", "discounted_cash_flow"):
            np.testing.assert_allclose(getattr(batch, name)[i, :width], getattr(one, name))
            np.testing.assert_array_equal(getattr(batch, name)[i, width:], 0.0)
        assert batch.npv[i] == pytest.approx(one.npv, rel=1e-13)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (dict(capital_spend_profile=(0.2, 0.5, 0.2), construction_years=3), "sum 0.9"),
        (dict(capital_spend_profile=(0.5, 0.5), construction_years=3), "one fraction per"),
        (dict(plant_life=0), "plant_life must be > 0"),
        (dict(plant_life=np.array([10, -1])), "plant_life must be > 0"),
        (dict(discount_rate=-1.0), "discount_rate must be > -1"),
        (dict(tax_rate=1.2), r"tax_rate must be in \[0, 1\)"),
        (dict(loss_rule="carry_back"), "loss_rule must be one of"),
        (dict(depreciation="macrs6"), "depreciation must be one of"),
        (dict(depreciation=[0.5, 0.4]), "summing to 1"),
        (dict(construction_years=0), "construction_years must be a whole number"),
    ],
)
def test_cash_flow_table_bad_input(arguments, message):
    base = dict(discount_rate=0.1, plant_life=10)
    with pytest.raises(InputError, match=message):
        finance.cash_flow_table(100.0, 40.0, 10.0, **{**base, **arguments})


# --------------------------------------------------------------------------------------
# levelized cost
# --------------------------------------------------------------------------------------


def test_levelized_cost_without_tax_is_capital_recovery_plus_cost():
    # NPV = -K + (p q - C) / CRF = 0  ->  p = (K CRF + C) / q
    #     = (1e6 * 0.1627454 + 2e5) / 1e4 = 36.27454 per kg at 10 %, 10 years
    price = finance.levelized_cost(1e6, 2e5, 1e4, discount_rate=0.1, plant_life=10, tax_rate=0)
    assert price == pytest.approx((1e6 * 0.1 * 1.1**10 / (1.1**10 - 1) + 2e5) / 1e4, rel=1e-12)


def test_levelized_cost_offset_rule_closed_form_with_tax():
    # straight-line depreciation K/L, tax τ credited in full every year:
    # 0 = -K + [(p q - C)(1 - τ) + τ K / L] / CRF
    #   ->  p = [K CRF - τ K / L + C (1 - τ)] / ((1 - τ) q)
    capital, cost, production, tau, years, rate = 5e6, 1e6, 2e5, 0.3, 20, 0.08
    crf = finance.capital_recovery_factor(rate, years)
    expected = (capital * crf - tau * capital / years + cost * (1 - tau)) / (
        (1 - tau) * production
    )
    price = finance.levelized_cost(
        capital, cost, production, discount_rate=rate, plant_life=years, tax_rate=tau,
        depreciation="straight_line", loss_rule="offset",
    )  # fmt: skip
    assert price == pytest.approx(expected, rel=1e-11)


LEVELIZED_CASE = dict(
    discount_rate=np.array([0.06, 0.1, 0.12, 0.0]),
    plant_life=20,
    construction_years=3,
    capital_spend_profile=(0.1, 0.6, 0.3),
    ramp_up=(0.4, 0.8),
    working_capital=0.1,
    salvage_fraction=0.05,
    tax_rate=np.array([0.21, 0.3, 0.25, 0.4]),
    depreciation="macrs7",
    inflation=0.02,
)


@pytest.mark.parametrize("loss_rule", finance.LOSS_RULES)
def test_npv_at_levelized_cost_is_zero_and_batch_equals_one_by_one(loss_rule):
    capital = np.array([8e7, 1.2e8, 5e7, 2e8])
    cost = np.array([2e7, 1.5e7, 3e7, 1e7])
    production = np.array([1e6, 2e6, 5e5, 3e6])
    byproduct = np.array([0.0, 1e6, 0.0, 5e6])
    price = finance.levelized_cost(
        capital, cost, production, annual_byproduct_revenue=byproduct, loss_rule=loss_rule,
        **LEVELIZED_CASE,
    )  # fmt: skip
    table = finance.cash_flow_table(
        capital, price * production + byproduct, cost, loss_rule=loss_rule, **LEVELIZED_CASE
    )
    assert np.all(np.abs(table.npv) <= 1e-9 * capital)
    for i in range(capital.size):
        one = {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in LEVELIZED_CASE.items()}
        single = finance.levelized_cost(
            capital[i], cost[i], production[i], annual_byproduct_revenue=byproduct[i],
            loss_rule=loss_rule, **one,
        )  # fmt: skip
        assert single == pytest.approx(price[i], rel=1e-10)


def test_carry_forward_price_is_not_below_offset_price():
    arguments = dict(capital=1e8, annual_operating_cost=1e7, annual_production=1e6)
    offset = finance.levelized_cost(**arguments, loss_rule="offset", **LEVELIZED_CASE)
    carried = finance.levelized_cost(**arguments, loss_rule="carry_forward", **LEVELIZED_CASE)
    assert np.all(carried >= offset - 1e-9 * offset)
    assert np.any(carried > offset * (1 + 1e-6))  # MACRS losses early on are deferred


@settings(max_examples=40, deadline=None)
@given(
    capital=st.floats(1e3, 1e9),
    cost_share=st.floats(0.0, 2.0),
    rate=st.floats(0.0, 0.3),
    tax=st.floats(0.0, 0.6),
    life=st.integers(1, 40),
    rule=st.sampled_from(finance.LOSS_RULES),
    method=st.sampled_from(["macrs3", "macrs20", "straight_line", "declining_balance"]),
)
def test_levelized_cost_zero_npv_property(capital, cost_share, rate, tax, life, rule, method):
    cost, production = cost_share * capital / 10, 1e4
    arguments = dict(
        discount_rate=rate, plant_life=life, tax_rate=tax, loss_rule=rule, depreciation=method
    )
    price = finance.levelized_cost(capital, cost, production, **arguments)
    table = finance.cash_flow_table(capital, price * production, cost, **arguments)
    assert abs(table.npv) <= 1e-8 * capital


def test_levelized_cost_units_and_bad_production():
    ureg = pytest.importorskip("tecmodel").ureg
    price = finance.levelized_cost(
        ureg.Quantity(1.0, "MUSD"), ureg.Quantity(2e5, "USD/year"), ureg.Quantity(10, "t/year"),
        discount_rate=ureg.Quantity(10, "percent"), plant_life=10, tax_rate=0,
    )  # fmt: skip
    assert price.to("USD/kg").magnitude == pytest.approx(36.274539488, rel=1e-9)
    with pytest.raises(InputError, match="annual_production must be > 0"):
        finance.levelized_cost(1e6, 2e5, 0.0, discount_rate=0.1, plant_life=10)
