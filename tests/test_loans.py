"""Tests of tecmodel.finance.loan_schedule: hand calculations and identities."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import finance
from tecmodel.errors import InputError


def test_level_payment_by_the_annuity_formula():
    # A = P r / (1 - (1 + r)^-n) = 100 * 0.08 / (1 - 1.08**-10) = 14.90294887
    expected = 100 * 0.08 / (1 - 1.08**-10)
    schedule = finance.loan_schedule(100.0, 0.08, 10)
    assert schedule.payment == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx(14.90294887, abs=1e-8)
    # year 1: interest 8 on 100, principal 14.9029 - 8 = 6.9029; year 2 interest on 93.097
    assert schedule.interest[0] == pytest.approx(8.0, rel=1e-15)
    assert schedule.principal[0] == pytest.approx(expected - 8.0, rel=1e-13)
    assert schedule.interest[1] == pytest.approx(0.08 * (100 - (expected - 8.0)), rel=1e-13)
    np.testing.assert_allclose(schedule.debt_service, expected, rtol=1e-13)


def test_identities_principal_sums_and_npv_of_debt_service_is_the_loan():
    schedule = finance.loan_schedule(250.0, 0.065, 12, grace_years=3)
    assert schedule.principal.sum() == pytest.approx(250.0, rel=1e-14)
    # the lender's view: -P at t = 0, then the debt service, NPV zero at the loan rate
    flows = np.concatenate([[-250.0], schedule.debt_service])
    assert finance.npv(0.065, flows) == pytest.approx(0.0, abs=1e-10)
    assert finance.irr(flows) == pytest.approx(0.065, rel=1e-10)


def test_grace_years_pay_interest_only_then_level_payments_over_the_rest():
    schedule = finance.loan_schedule(100.0, 0.10, 5, grace_years=2)
    # grace: 10 a year, no principal; then 100 * CRF(10 %, 3) = 100 * 0.1 / (1 - 1.1**-3)
    level = 100 * 0.1 / (1 - 1.1**-3)
    np.testing.assert_allclose(schedule.interest[:2], 10.0, rtol=1e-15)
    np.testing.assert_array_equal(schedule.principal[:2], 0.0)
    np.testing.assert_allclose(schedule.debt_service[2:], level, rtol=1e-13)
    assert schedule.payment == pytest.approx(level, rel=1e-14)
    np.testing.assert_allclose(schedule.balance[:3], 100.0, rtol=1e-15)


def test_zero_rate_repays_in_equal_parts():
    schedule = finance.loan_schedule(120.0, 0.0, 4, grace_years=1)
    np.testing.assert_array_equal(schedule.interest, 0.0)
    np.testing.assert_allclose(schedule.principal, [0.0, 40.0, 40.0, 40.0], rtol=1e-15)


def test_batch_equals_one_by_one_with_different_tenors():
    principal = np.array([100.0, 200.0, 50.0])
    rate = np.array([0.08, 0.03, 0.0])
    years = np.array([10, 5, 7])
    grace = np.array([2, 0, 1])
    batch = finance.loan_schedule(principal, rate, years, grace_years=grace)
    assert batch.interest.shape == (3, 10)
    for i in range(3):
        one = finance.loan_schedule(principal[i], rate[i], int(years[i]), int(grace[i]))
        n = int(years[i])
        assert batch.payment[i] == one.payment
        np.testing.assert_array_equal(batch.interest[i, :n], one.interest)
        np.testing.assert_array_equal(batch.principal[i, :n], one.principal)
        np.testing.assert_array_equal(batch.principal[i, n:], 0.0)
        np.testing.assert_array_equal(batch.interest[i, n:], 0.0)


def test_money_units_are_kept():
    from tecmodel.units import Q_

    schedule = finance.loan_schedule(Q_(100.0, "MUSD"), Q_(8, "percent"), 10)
    assert schedule.payment.to("MUSD").magnitude == pytest.approx(100 * 0.08 / (1 - 1.08**-10))
    assert schedule.principal.sum().to("MUSD").magnitude == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"principal": -1.0, "rate": 0.05, "years": 5}, "principal"),
        ({"principal": 1.0, "rate": -0.05, "years": 5}, "rate"),
        ({"principal": 1.0, "rate": 0.05, "years": 0}, "years"),
        ({"principal": 1.0, "rate": 0.05, "years": 2.5}, "years"),
        ({"principal": 1.0, "rate": 0.05, "years": 5, "grace_years": 5}, "grace_years"),
        ({"principal": 1.0, "rate": 0.05, "years": 5, "grace_years": -1}, "grace_years"),
    ],
)
def test_bad_loans_are_refused_naming_the_parameter(kwargs, match):
    with pytest.raises(InputError, match=match):
        finance.loan_schedule(**kwargs)
