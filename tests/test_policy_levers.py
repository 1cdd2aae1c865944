"""Policy and finance levers on a shipped plant: the contract paths, price floors by
hand, credits by hand, and the identities (NPV zero at the levelized cost and at the IRR)."""

from __future__ import annotations

import numpy as np
import pytest

from tecmodel import Q_, finance, policy
from tecmodel.errors import TecModelError

LOAN = {"finance.debt_fraction": 0.6, "finance.debt_rate": 0.05, "finance.debt_years": 12}


def _with(plant, changes):
    for path, value in changes.items():
        plant = plant.replace(path, value)
    return plant


@pytest.fixture(scope="module")
def supported(waste_plant):
    plant = _with(
        waste_plant,
        {
            **LOAN,
            "finance.grace_years": 2,
            "finance.grant": Q_(40, "MUSD"),
            "finance.production_credit_rate": 0.10,
            "products.NdPr_oxide.price_floor": Q_(110, "USD/kg"),
            "products.NdPr_oxide.price_floor_years": 10,
        },
    )
    return plant, plant.evaluate(waste_plant.simulate())


def test_contract_paths_exist_and_default_to_no_support(waste_plant):
    for path in (
        "finance.debt_fraction",
        "finance.debt_rate",
        "finance.debt_years",
        "finance.grant",
        "finance.production_credit_rate",
        "products.NdPr_oxide.price_floor",
        "products.NdPr_oxide.price_floor_years",
    ):
        assert path in waste_plant.parameters()
    assert waste_plant.get("finance.debt_fraction") == 0.0
    assert waste_plant.get("products.NdPr_oxide.price_floor") is None
    assert waste_plant.finance.levers() == {}


def test_levelized_cost_makes_the_equity_npv_zero_with_levers(supported):
    _, result = supported
    # the levelized cost is a price for every kg of REO, floors left out
    table = finance.cash_flow_table(
        result._depreciable_capital(),
        result.levelized_cost.magnitude * result.production.magnitude,
        result.opex.to("USD/yr").magnitude,
        **result.finance_arguments,
    )
    assert abs(table.npv) < 1e-9 * result.capex.to("USD").magnitude


def test_npv_at_the_equity_and_project_irr_is_zero(supported):
    _, result = supported
    table = result.cash_flow()
    assert finance.npv(result.equity_irr(), table.after_tax_cash_flow) == pytest.approx(
        0.0, abs=1e-6 * result.capex.to("USD").magnitude
    )
    assert finance.npv(result.project_irr(), table.project_cash_flow) == pytest.approx(
        0.0, abs=1e-6 * result.capex.to("USD").magnitude
    )
    assert result.irr() == result.equity_irr()


def test_price_floor_top_up_by_hand(supported, waste):
    plant, result = supported
    # NdPr sells at its realized price (44 USD_2024/kg in the scenario, below the floor);
    # the floor pays the difference on every kg
    price = result.unit_prices["NdPr_oxide"]
    assert price < 110.0
    kg = result.annual_production_kg["NdPr_oxide"]
    table = result.cash_flow()
    n_build = plant.finance.resolved()["construction_years"]
    ramp = np.ones(int(plant.finance.resolved()["plant_life"]))
    ramp[: len(plant.finance.ramp_up)] = plant.finance.ramp_up
    expected = np.zeros(table.year.size)
    expected[n_build : n_build + 10] = (110.0 - price) * kg * ramp[:10]
    np.testing.assert_allclose(table.price_support, expected, rtol=1e-12)
    # above the floor no top-up is paid
    high = result.cash_flow({"NdPr_oxide": Q_(120, "USD/kg")})
    np.testing.assert_array_equal(high.price_support, 0.0)
    # the floor raises the NPV at market prices
    assert (
        result.npv()
        > plant.replace("products.NdPr_oxide.price_floor", None).evaluate(result.flowsheet).npv()
    )


def test_production_credit_is_ten_percent_of_the_operating_cost(supported):
    plant, result = supported
    table = result.cash_flow()
    year = plant.finance.resolved()["construction_years"] + len(
        plant.finance.ramp_up
    )  # full capacity
    assert table.tax_credit[year] == pytest.approx(
        0.10 * result.opex.to("USD/yr").magnitude, rel=1e-12
    )


def test_first_production_year_applies_the_45x_phase_out(supported):
    plant, _ = supported
    later = plant.replace("finance.first_production_year", 2030)
    result = later.evaluate()
    table = result.cash_flow()
    n_build = plant.finance.resolved()["construction_years"]
    credits = table.tax_credit[n_build:]
    opex = result.opex.to("USD/yr").magnitude
    ramp = np.ones(credits.size)
    ramp[: len(plant.finance.ramp_up)] = plant.finance.ramp_up
    # 2030 full, 2031 75 %, 2032 50 %, 2033 25 %, none from 2034 (Pub. L. 119-21)
    np.testing.assert_allclose(credits[:5], 0.1 * opex * ramp[:5] * [1, 0.75, 0.5, 0.25, 0])
    np.testing.assert_array_equal(credits[5:], 0.0)
    assert policy.production_credit_rate() == 0.10


def test_loan_terms_are_a_batch_like_any_parameter(waste_plant):
    flows = waste_plant.simulate()
    rates = np.array([0.02, 0.05, 0.08])
    batch = _with(waste_plant, {**LOAN, "finance.debt_rate": rates}).evaluate(flows)
    for i, rate in enumerate(rates):
        one = _with(waste_plant, {**LOAN, "finance.debt_rate": rate}).evaluate(flows)
        assert batch.levelized_cost.magnitude[i] == pytest.approx(
            one.levelized_cost.magnitude, rel=1e-12
        )
    # cheaper debt (below the 10 % discount rate) lowers the levelized cost
    assert np.all(np.diff(batch.levelized_cost.magnitude) > 0)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("finance.debt_fraction", 1.5),
        ("finance.debt_rate", -0.01),
        ("finance.grant", Q_(-1, "MUSD")),
        ("finance.production_credit_rate", 10),
        ("finance.grant_treatment", "exempt"),
        ("products.NdPr_oxide.price_floor", Q_(-5, "USD/kg")),
        ("products.NdPr_oxide.price_floor_years", 2.5),
    ],
)
def test_bad_levers_are_refused_naming_the_path(waste_plant, path, value):
    with pytest.raises(TecModelError, match=path.split(".")[-1]):
        waste_plant.replace(path, value)


def test_levers_set_to_their_defaults_are_bit_identical(waste_plant, waste):
    same = _with(
        waste_plant,
        {
            "finance.debt_fraction": 0.0,
            "finance.grant": 0.0,
            "finance.production_credit_rate": 0.0,
            "finance.closure_cost": 0.0,
        },
    ).evaluate()
    assert same.levelized_cost.magnitude == waste.levelized_cost.magnitude
    assert same.npv().magnitude == waste.npv().magnitude
    assert same.irr() == waste.irr()
    assert "debt_fraction" not in same.finance_arguments


def test_a_study_samples_an_unset_price_floor_like_setting_it_by_hand(waste_plant):
    from tecmodel import Study, Uniform

    study = Study(
        waste_plant,
        {"products.NdPr_oxide.price_floor": Uniform(Q_(60, "USD/kg"), Q_(110, "USD/kg"))},
        metric="npv",
    )
    samples = study.sample(3, seed=4)
    run = study.monte_carlo(3, seed=4)
    floors = samples["products.NdPr_oxide.price_floor"]
    by_hand = [
        waste_plant.replace("products.NdPr_oxide.price_floor", Q_(f, "USD/kg")).evaluate().npv()
        for f in floors
    ]
    np.testing.assert_allclose(
        run.values.to("USD").magnitude, [v.to("USD").magnitude for v in by_hand], rtol=1e-12
    )
    with pytest.raises(TecModelError, match="not set on the plant"):
        study.tornado()


def test_stacking_48c_and_45x_warns_but_is_applied(waste_plant):
    """26 U.S.C. 45X(c)(1)(B): no §45X credit at a facility whose basis took §48C. The
    levers are generic, so stacking both warns; the credits are still both applied."""
    import warnings

    from tecmodel.policy import PolicyWarning

    credit = waste_plant.replace("finance.production_credit_rate", 0.10)
    both = credit.replace("finance.investment_credit_rate", 0.30)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PolicyWarning)
        alone = credit.evaluate()  # one credit alone: no warning
    with pytest.warns(PolicyWarning, match=r"45X\(c\)\(1\)\(B\)"):
        stacked = both.evaluate()
    assert stacked.levelized_cost < alone.levelized_cost  # the investment credit counts
    samples = both.replace("finance.investment_credit_rate", np.array([0.0, 0.3]))
    with pytest.warns(PolicyWarning):  # any sample with both set
        samples.evaluate()
