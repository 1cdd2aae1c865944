"""Sobol confidence intervals, correlated inputs and Morris screening (issue 13), on the
toy plant whose levelized cost is affine in two prices, LC = a + b1·x1 + b2·x2."""

import warnings

import numpy as np
import pytest
from scipy import stats

from tecmodel import Q_
from tecmodel.errors import InputError
from tecmodel.sensitivity import Study, UncertainIndicesWarning

from .test_plant import toy_plant
from .test_sensitivity import HCL, POWER, PRICES, lc


def _slopes(plant):
    b1 = (
        lc(plant.replace(HCL, Q_(350, "USD_2019/t")))
        - lc(plant.replace(HCL, Q_(150, "USD_2019/t")))
    ) / 200.0
    b2 = (
        lc(plant.replace(POWER, Q_(0.12, "USD/kWh")))
        - lc(plant.replace(POWER, Q_(0.04, "USD/kWh")))
    ) / 0.08
    return b1, b2


def test_sobol_intervals_cover_the_analytic_index_and_shrink_with_n():
    plant = toy_plant()
    b1, b2 = _slopes(plant)
    v1, v2 = b1**2 * 200.0**2 / 12, b2**2 * 0.08**2 / 12
    s1 = v1 / (v1 + v2)
    study = Study(plant, PRICES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncertainIndicesWarning)
        small = study.sobol(512, seed=3)
    large = study.sobol(2**14, seed=3)
    i = small.parameters.index(HCL)
    for result in (small, large):
        low, high = result.first_order_interval
        assert low[i] <= s1 <= high[i]
        low, high = result.total_order_interval
        assert low[i] <= s1 <= high[i]  # no interactions: total = first order
    width = lambda r: r.first_order_interval[1] - r.first_order_interval[0]  # noqa: E731
    assert np.all(width(large) < width(small))
    assert "interval" in large.table()


def test_sobol_warns_when_intervals_are_wide():
    with pytest.warns(UncertainIndicesWarning, match="raise n"):
        Study(toy_plant(), PRICES).sobol(256, seed=1, max_width=1e-6)


def test_sobol_bootstrap_at_two_to_the_sixteen():
    # scipy's BCa bootstrap runs out of memory here; resampling rows one at a time does not
    result = Study(toy_plant(), PRICES).sobol(2**16, seed=2, bootstrap=20)
    assert np.all(result.first_order_interval[1] - result.first_order_interval[0] < 0.02)


def test_correlated_inputs_have_the_asked_rank_correlation_and_keep_their_margins():
    study = Study(toy_plant(), PRICES, correlation=[[1.0, 0.6], [0.6, 1.0]])
    samples = study.sample(40_000, seed=8)
    x, y = samples[HCL], samples[POWER]
    assert stats.spearmanr(x, y).statistic == pytest.approx(0.6, abs=0.01)
    # margins: still uniform on their ranges (Kolmogorov–Smirnov against the uniform)
    assert stats.kstest((x - 150) / 200, "uniform").pvalue > 0.001
    assert stats.kstest((y - 0.04) / 0.08, "uniform").pvalue > 0.001
    result = study.monte_carlo(2000, seed=8)
    assert result.values.shape == (2000,)


def test_bad_correlations_are_refused():
    with pytest.raises(InputError, match="2×2"):
        Study(toy_plant(), PRICES, correlation=[[1.0]])
    with pytest.raises(InputError, match="symmetric"):
        Study(toy_plant(), PRICES, correlation=[[1.0, 0.5], [0.2, 1.0]])
    with pytest.raises(InputError, match="independent"):
        Study(toy_plant(), PRICES, correlation=np.eye(2)).sobol(64)


def test_morris_effects_of_an_affine_model_are_its_slopes_times_the_ranges():
    plant = toy_plant()
    b1, b2 = _slopes(plant)
    result = Study(plant, PRICES).morris(trajectories=10, levels=4, seed=5)
    i = result.parameters.index(HCL)
    # x = low + range·u, so an effect on the quantile scale is b·range, always the same
    assert result.mu_star[i] == pytest.approx(abs(b1) * 200.0, rel=1e-9)
    assert result.mu_star[1 - i] == pytest.approx(abs(b2) * 0.08, rel=1e-9)
    assert np.all(result.sigma <= 1e-9 * result.mu_star)
    assert result.parameters[result.order()[0]] in PRICES
    assert "mu*" in result.table()
