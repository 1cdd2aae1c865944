"""Sensitivity studies on the toy plant, whose levelized cost is affine in reagent and
utility prices: tornado, Monte Carlo, Sobol (analytic indices) and break-even."""

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.distributions import LogUniform, Normal, Triangular, Uniform
from tecmodel.errors import InfeasibleDesignError, InputError
from tecmodel.sensitivity import Study, breakeven

from .test_plant import toy_plant

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

HCL = "costing.prices.hydrochloric_acid"
POWER = "costing.prices.electricity"
PRICES = {
    HCL: Uniform(Q_(150, "USD_2019/t"), Q_(350, "USD_2019/t")),
    POWER: Uniform(Q_(0.04, "USD_2023/kWh"), Q_(0.12, "USD_2023/kWh")),
}


def lc(plant):
    return plant.evaluate().levelized_cost.to("USD/kg").magnitude


def test_tornado_equals_single_evaluations():
    plant = toy_plant()
    tornado = Study(plant, PRICES).tornado()
    assert tornado.parameters[tornado.order()[0]] in PRICES
    for i, path in enumerate(tornado.parameters):
        low = lc(plant.replace(path, PRICES[path].quantity(PRICES[path].low)))
        high = lc(plant.replace(path, PRICES[path].quantity(PRICES[path].high)))
        assert tornado.low[i].magnitude == pytest.approx(low, rel=1e-12)
        assert tornado.high[i].magnitude == pytest.approx(high, rel=1e-12)
    assert "hydrochloric_acid" in tornado.table()


def test_monte_carlo_same_seed_same_numbers_chunked_or_not():
    study = Study(toy_plant(), PRICES)
    one = study.monte_carlo(2_000, seed=7)
    chunked = study.monte_carlo(2_000, seed=7, chunk_size=300)
    np.testing.assert_array_equal(one.values.magnitude, chunked.values.magnitude)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        pooled = study.monte_carlo(2_000, seed=7, chunk_size=500, executor=pool)
    np.testing.assert_array_equal(one.values.magnitude, pooled.values.magnitude)


def test_monte_carlo_mean_of_affine_model_is_model_at_mean():
    """LC is affine in both prices, so E[LC] = LC(E[prices]) (an identity)."""
    plant = toy_plant()
    result = Study(plant, PRICES).monte_carlo(20_000, seed=3)
    at_mean = lc(plant.replace(HCL, Q_(250, "USD_2019/t")).replace(POWER, Q_(0.08, "USD/kWh")))
    sample_mean = float(np.mean(result.values.magnitude))
    standard_error = float(np.std(result.values.magnitude)) / np.sqrt(20_000)
    assert abs(sample_mean - at_mean) < 4 * standard_error


def test_sobol_matches_analytic_indices_of_affine_model():
    """For LC = a + b1 x1 + b2 x2 with independent uniforms, S_i = b_i² Var_i / Σ b_j² Var_j,
    and first-order = total (no interactions). b_i from two evaluations (affinity)."""
    plant = toy_plant()
    b1 = (
        lc(plant.replace(HCL, Q_(350, "USD_2019/t")))
        - lc(plant.replace(HCL, Q_(150, "USD_2019/t")))
    ) / 200.0
    b2 = (
        lc(plant.replace(POWER, Q_(0.12, "USD/kWh")))
        - lc(plant.replace(POWER, Q_(0.04, "USD/kWh")))
    ) / 0.08
    var1, var2 = 200.0**2 / 12, 0.08**2 / 12
    s1 = b1**2 * var1 / (b1**2 * var1 + b2**2 * var2)
    result = Study(plant, PRICES).sobol(1024, seed=11)
    index = result.parameters.index(HCL)
    assert result.first_order[index] == pytest.approx(s1, abs=0.03)
    assert result.total_order[index] == pytest.approx(s1, abs=0.03)
    assert result.first_order[1 - index] == pytest.approx(1 - s1, abs=0.03)


def test_breakeven_price_meets_target():
    plant = toy_plant()
    target = Q_(0.6, "USD/kg")
    found = breakeven(plant, HCL, target, Q_(0, "USD_2019/t"), Q_(5_000, "USD_2019/t"))
    assert lc(plant.replace(HCL, found.value)) == pytest.approx(0.6, rel=1e-9)


def test_breakeven_without_crossing_says_so():
    with pytest.raises(InfeasibleDesignError, match="widen the bracket"):
        breakeven(toy_plant(), HCL, Q_(100, "USD/kg"), Q_(0, "USD/t"), Q_(10, "USD/t"))


def test_bad_study_inputs():
    with pytest.raises(InputError, match="valid names here"):
        Study(toy_plant(), {"costing.pricez": Uniform(0, 1)})
    with pytest.raises(InputError, match="Distribution"):
        Study(toy_plant(), {HCL: (150, 350)})
    with pytest.raises(InputError, match="power of two"):
        Study(toy_plant(), PRICES).sobol(1000)
    with pytest.raises(InputError, match="high > low"):
        Uniform(2, 1)


def test_distributions_ppf_by_hand():
    assert Uniform(2, 4).ppf(0.25) == pytest.approx(2.5)
    assert LogUniform(1, 100).ppf(0.5) == pytest.approx(10.0)
    assert Triangular(0, 1, 2).ppf(0.5) == pytest.approx(1.0)
    assert Normal(10, 2).high == pytest.approx(10 + 1.6448536 * 2, rel=1e-6)


def test_distribution_units_must_fit_the_parameter():
    with pytest.raises(InputError, match="labor_rate"):
        Study(toy_plant(), {"costing.labor_rate": Uniform(20, 60)})
    with pytest.raises(InputError, match="plain number"):
        Study(toy_plant(), {"finance.discount_rate": Uniform(Q_(5, "USD"), Q_(6, "USD"))})


def test_process_pool_gives_the_same_numbers():
    """Plants pickle, so chunks can run in other processes; same seed, same numbers."""
    from concurrent.futures import ProcessPoolExecutor

    study = Study(toy_plant(), PRICES)
    serial = study.monte_carlo(1_000, seed=5)
    with ProcessPoolExecutor(2) as pool:
        pooled = study.monte_carlo(1_000, seed=5, chunk_size=500, executor=pool)
    np.testing.assert_array_equal(serial.values.magnitude, pooled.values.magnitude)


def test_breakeven_against_another_plant():
    """The HCl price at which the toy plant costs as much as a copy paying 2x the labor:
    at the answer the two levelized costs agree (identity). Applied to both plants, HCl
    moves both costs alike, so there is no crossing."""
    plant = toy_plant()
    dearer = plant.replace("costing.labor_rate", Q_(77, "USD_2021/h"))
    found = breakeven(plant, HCL, dearer, Q_(0, "USD_2019/t"), Q_(50_000, "USD_2019/t"))
    assert lc(plant.replace(HCL, found.value)) == pytest.approx(lc(dearer), rel=1e-9)
    with pytest.raises(InfeasibleDesignError, match="without crossing"):
        breakeven(
            plant, HCL, dearer, Q_(0, "USD_2019/t"), Q_(50_000, "USD_2019/t"), apply_to_target=True
        )
