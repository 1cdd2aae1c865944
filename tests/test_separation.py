"""Tests of tecmodel.separation: closed forms, Xu design, exact cascade simulation.

Reference numbers are computed by hand in the tests (arithmetic shown) or come from the
worked example of Zhang, Zhao & Schreiner, *Separation Hydrometallurgy of Rare Earth
Elements*, Springer 2016 (relayed in REFERENCE_DATA.md): β = 2, equimolar feed,
P_A = 0.999, P_B = 0.9999 → scrub-controlled, E'_M = 1.414, E_M = 0.773, n = 24, m = 21.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel.errors import InfeasibleDesignError, InputError, TecModelError
from tecmodel.separation import (
    design_cascade,
    fenske_stages,
    kremser_stages,
    minimum_organic_flux,
    simulate_cascade,
    simulate_multicomponent,
)

FAST = settings(max_examples=12, deadline=None)

# ---------------------------------------------------------------- closed forms


def test_fenske_hand_calculation():
    # N = ln[(0.999/0.001)(0.9999/0.0001)] / ln 2 = ln(999 · 9999) / ln 2
    expected = (math.log(999.0) + math.log(9999.0)) / math.log(2.0)
    assert expected == pytest.approx(23.25191, abs=1e-5)
    assert fenske_stages(2.0, 0.999, 0.9999) == pytest.approx(expected, rel=1e-13)


def test_fenske_broadcasts():
    beta = np.array([1.5, 2.0, 3.0])
    result = fenske_stages(beta[:, None], np.array([0.99, 0.999]), 0.99)
    assert result.shape == (3, 2)
    # β = 3, P_A = P_B = 0.99: ln(99 · 99) / ln 3
    assert result[2, 0] == pytest.approx(2 * math.log(99.0) / math.log(3.0), rel=1e-13)


def test_kremser_hand_calculation():
    # E = 2, φ = 0.01: N = ln[(1/0.01)(1 − 1/2) + 1/2] / ln 2 = ln(50.5) / ln 2
    expected = math.log(100.0 * 0.5 + 0.5) / math.log(2.0)
    assert expected == pytest.approx(5.65821, abs=1e-5)
    assert kremser_stages(2.0, 0.01) == pytest.approx(expected, rel=1e-13)
    # E = 0.5, φ = 0.6: N = ln[(1/0.6)(1 − 2) + 2] / ln 0.5 = ln(1/3) / ln 0.5
    assert kremser_stages(0.5, 0.6) == pytest.approx(math.log(1 / 3) / math.log(0.5), rel=1e-13)


def test_kremser_inverts_the_kremser_equation():
    # φ = (E − 1)/(E^{N+1} − 1) with N = 4, E = 1.7
    phi = (1.7 - 1.0) / (1.7**5 - 1.0)
    assert kremser_stages(1.7, phi) == pytest.approx(4.0, rel=1e-12)


def test_kremser_limit_at_extraction_factor_one():
    # E = 1: N = 1/φ − 1 = 1/0.1 − 1 = 9
    assert kremser_stages(1.0, 0.1) == 9.0
    near = kremser_stages(np.array([1.0 - 1e-9, 1.0, 1.0 + 1e-9, 1.0 + 1e-15]), 0.1)
    np.testing.assert_allclose(near, 9.0, rtol=1e-7)
    assert np.all(np.isfinite(near))


def test_kremser_unreachable_raises():
    # E = 0.5 can extract at most 50 %: φ = 0.4 is out of reach
    with pytest.raises(InfeasibleDesignError, match="fraction_remaining"):
        kremser_stages(0.5, 0.4)


# ---------------------------------------------------------------- worked example


@pytest.fixture(scope="module")
def worked_example():
    return design_cascade(2.0, 0.5, 0.999, 0.9999)


def test_worked_example_ratios(worked_example):
    design = worked_example
    assert design.controlling_section == "scrub"
    # E'_M = √2 = 1.41421; f'_A = 0.4999/0.9989; W = f'_A/(√2 − 1); E_M = (W + f'_A)/(W + 1)
    split = 0.4999 / 0.9989
    scrub_flux = split / (math.sqrt(2.0) - 1.0)
    assert design.scrub_extraction_ratio == pytest.approx(1.414, abs=1e-3)
    assert design.extraction_ratio == pytest.approx(0.773, abs=1e-3)
    assert design.extraction_ratio == pytest.approx(
        (scrub_flux + split) / (scrub_flux + 1.0), rel=1e-12
    )
    assert design.organic_flux - design.scrub_flux == pytest.approx(split, rel=1e-12)


def test_worked_example_stage_numbers(worked_example):
    design = worked_example
    # Xu's simple form: n = lg 9999 / lg(2 E_M); m + 1 = lg 999 / lg(2/√2)
    n_hand = math.log(9999.0) / math.log(2.0 * design.extraction_ratio)
    m_hand = math.log(999.0) / math.log(math.sqrt(2.0)) - 1.0
    assert design.extraction_stages_closed_form == pytest.approx(n_hand, rel=1e-12)
    assert design.scrub_stages_closed_form == pytest.approx(m_hand, rel=1e-12)
    # the book's n = 24, m = 21 (exact counts need "a few more" than the simple form)
    assert abs(int(design.extraction_stages) - 24) <= 2
    assert abs(int(design.scrub_stages) - 21) <= 2
    assert 44 <= int(design.total_stages) <= 47
    assert design.purity_extract >= 0.999 and design.purity_raffinate >= 0.9999


def test_book_design_is_at_the_edge_of_the_targets():
    # the book's 24 + 21 stages at its fluxes land within 1e-6 of both targets
    split = 0.4999 / 0.9989
    scrub_flux = split / (math.sqrt(2.0) - 1.0)
    result = simulate_cascade(2.0, 0.5, 24, 21, scrub_flux + split, scrub_flux)
    assert result.purity_extract == pytest.approx(0.999, abs=2e-5)
    assert result.purity_raffinate == pytest.approx(0.9999, abs=2e-5)


def test_summary_is_readable(worked_example):
    text = worked_example.summary()
    assert "scrub extraction ratio" in text and "total stages" in text
    assert repr(worked_example) == text


# ---------------------------------------------------------------- simulation


# the regime of real designs: outlets not purer than ~1 − 1e-9 (far more over-staged
# cascades can stall the Newton iteration; it then raises, never returns a wrong answer)
@FAST
@given(
    separation_factor=st.floats(1.2, 2.5),
    feed_fraction=st.floats(0.1, 0.9),
    extraction_stages=st.integers(1, 15),
    scrub_stages=st.integers(1, 15),
    extract_fraction=st.floats(0.05, 0.95),
    scrub_flux=st.floats(0.2, 2.0),
)
def test_mass_balance_closes(
    separation_factor,
    feed_fraction,
    extraction_stages,
    scrub_stages,
    extract_fraction,
    scrub_flux,
):
    organic_flux = scrub_flux + extract_fraction  # S − W = f'_A in (0, 1)
    result = simulate_cascade(
        separation_factor,
        feed_fraction,
        extraction_stages,
        scrub_stages,
        organic_flux,
        scrub_flux,
    )
    assert result.mass_balance_error <= 1e-9
    a_out = result.extract_flux * result.purity_extract + result.raffinate_flux * (
        1.0 - result.purity_raffinate
    )
    assert a_out == pytest.approx(feed_fraction, rel=1e-9)
    assert result.extract_flux == pytest.approx(extract_fraction, rel=1e-12)
    # equilibrium in every stage: y_A x_B = β x_A y_B (fractions of A and B kept apart)
    x = result.aqueous_profile
    y = result.organic_profile
    np.testing.assert_allclose(y[:, 0] * x[:, 1], separation_factor * x[:, 0] * y[:, 1], rtol=1e-8)


def test_multicomponent_mountain_pass_cut():
    # Mountain Pass bastnäsite La/Ce/Pr/Nd/Sm (% REO); β relative to La from D2EHPA with
    # lactic acid (Yin et al., RSC Adv. 2015: Ce/La 3.24, Pr/Ce 2.04, Nd/Pr 1.58) and an
    # ASSUMED Sm/Nd = 5 (the cut spans Pm). Cut Pr | Nd: Nd, Sm to the extract.
    feed = np.array([32.5, 49.8, 4.3, 12.2, 1.0])
    beta = np.cumprod([1.0, 3.24, 2.04, 1.58, 5.0])
    result = simulate_multicomponent(beta, feed, 30, 30, 0.6, 0.45, extract_components=[3, 4])
    feed = feed / feed.sum()
    np.testing.assert_allclose(
        result.extract_composition * result.extract_flux
        + result.raffinate_composition * result.raffinate_flux,
        feed,
        rtol=1e-9,
    )
    assert result.mass_balance_error <= 1e-9
    assert result.extract_flux == pytest.approx(0.15, rel=1e-12)  # S − W
    np.testing.assert_allclose(np.nansum(result.aqueous_profile, -1), 1.0, rtol=1e-9)
    np.testing.assert_allclose(np.nansum(result.organic_profile, -1), 1.0, rtol=1e-9)
    assert result.purity_extract > 0.8 and result.purity_raffinate > 0.99  # feed: 13.2 % Nd+Sm


def test_two_component_closed_form_matches_multicomponent():
    # two independent methods (Smoker's closed form, the multicomponent marches)
    two = simulate_cascade(1.7, 0.4, 12, 9, 2.0, 1.6)
    many = simulate_multicomponent([1.7, 1.0], [0.4, 0.6], 12, 9, 2.0, 1.6)
    assert two.purity_extract == pytest.approx(many.purity_extract, rel=1e-12)
    np.testing.assert_allclose(two.aqueous_profile, many.aqueous_profile, rtol=1e-12)


def test_simulation_batch_equals_one_by_one():
    rng = np.random.default_rng(7)
    beta = rng.uniform(1.3, 2.5, 6)
    feed = rng.uniform(0.2, 0.8, 6)
    n = rng.integers(2, 30, 6)
    m = rng.integers(2, 30, 6)
    scrub = rng.uniform(0.5, 3.0, 6)
    organic = scrub + rng.uniform(0.1, 0.9, 6)
    batch = simulate_cascade(beta, feed, n, m, organic, scrub)
    for i in range(6):
        one = simulate_cascade(beta[i], feed[i], n[i], m[i], organic[i], scrub[i])
        assert batch.purity_extract[i] == pytest.approx(one.purity_extract, rel=1e-12, abs=0)
        assert batch.purity_raffinate[i] == pytest.approx(one.purity_raffinate, rel=1e-12)
        stages = n[i] + m[i]
        np.testing.assert_allclose(
            batch.aqueous_profile[i, :stages], one.aqueous_profile, rtol=1e-12
        )
        assert np.all(np.isnan(batch.aqueous_profile[i, stages:]))


def test_organic_feed_simulation_balances():
    result = simulate_cascade(2.0, 0.3, 10, 10, 1.0, 1.6, feed="organic")
    assert result.mass_balance_error <= 1e-9
    assert result.raffinate_flux == pytest.approx(0.6, rel=1e-12)  # W − S


# ---------------------------------------------------------------- minimum organic flux


def test_minimum_organic_flux_hand_calculation():
    # y_F = 2·0.5/(1 + 0.5) = 2/3; f'_A = 0.4999/0.9989; S_min = f'_A (0.999 − 0.5)/(2/3 − 0.5)
    split = 0.4999 / 0.9989
    expected = split * (0.999 - 0.5) / (2.0 / 3.0 - 0.5)
    assert minimum_organic_flux(2.0, 0.5, 0.999, 0.9999) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
def test_minimum_organic_flux_against_simulation(feed):
    beta, f_a, p_a, p_b = 2.0, 0.4, 0.99, 0.99
    split = (f_a - 1 + p_b) / (p_a - 1 + p_b)
    s_min = minimum_organic_flux(beta, f_a, p_a, p_b, feed=feed)

    def purities(organic_flux, stages):
        scrub = organic_flux - split if feed == "aqueous" else organic_flux + 1 - split
        result = simulate_cascade(beta, f_a, stages, stages, organic_flux, scrub, feed=feed)
        return result.purity_extract, result.purity_raffinate

    # (the solver is reliable up to ~60 + 60 stages here; far more stages make one outlet
    # pure to 1e-12 and the Newton iteration stalls, see the module notes)
    above = purities(1.03 * s_min, 60)
    assert above[0] >= p_a and above[1] >= p_b
    below = purities(0.97 * s_min if feed == "aqueous" else 0.95 * s_min, 60)
    assert below[0] < p_a and below[1] < p_b
    # approaching the minimum from above needs ever more stages but still gets there
    assert purities(1.03 * s_min, 12)[0] < p_a


# ---------------------------------------------------------------- design


def test_verified_designs_meet_purities_when_simulated():
    rng = np.random.default_rng(3)
    size = 20
    beta = rng.uniform(1.4, 3.0, size)
    f_a = rng.uniform(0.2, 0.8, size)
    p_a = rng.uniform(0.99, 0.9999, size)
    p_b = rng.uniform(0.99, 0.9999, size)
    design = design_cascade(beta, f_a, p_a, p_b)
    check = simulate_cascade(
        beta,
        f_a,
        design.extraction_stages,
        design.scrub_stages,
        design.organic_flux,
        design.scrub_flux,
    )
    assert np.all(check.purity_extract >= p_a - 1e-12)
    assert np.all(check.purity_raffinate >= p_b - 1e-12)
    assert np.all(design.extraction_stages >= np.ceil(design.extraction_stages_closed_form))
    assert np.all(design.total_stages >= fenske_stages(beta, p_a, p_b))


def test_design_batch_equals_one_by_one():
    beta = np.array([1.5, 2.0, 2.5])
    f_a = np.array([0.3, 0.5, 0.6])
    p_a = np.array([0.995, 0.999, 0.99])
    batch = design_cascade(beta, f_a, p_a, 0.999)
    for i in range(3):
        one = design_cascade(beta[i], f_a[i], p_a[i], 0.999)
        assert batch.extraction_stages[i] == one.extraction_stages
        assert batch.scrub_stages[i] == one.scrub_stages
        assert batch.purity_extract[i] == pytest.approx(one.purity_extract, rel=1e-12)


def test_organic_feed_design_meets_purities():
    design = design_cascade(2.0, 0.3, 0.999, 0.9999, feed="organic")
    assert design.purity_extract >= 0.999 and design.purity_raffinate >= 0.9999
    assert design.organic_flux + 1 - design.scrub_flux == pytest.approx(
        (0.3 - 1 + 0.9999) / (0.999 - 1 + 0.9999), rel=1e-12
    )


@FAST
@given(
    separation_factor=st.floats(1.5, 3.0),
    feed_fraction=st.floats(0.2, 0.8),
    impurity=st.floats(1e-4, 1e-2),
)
def test_stages_grow_with_purity_and_fall_with_separation_factor(
    separation_factor, feed_fraction, impurity
):
    purities = 1.0 - np.array([impurity, impurity / 10.0])
    by_purity = design_cascade(separation_factor, feed_fraction, purities, purities)
    assert by_purity.total_stages[1] > by_purity.total_stages[0]
    assert np.all(np.diff(fenske_stages(separation_factor, purities, purities)) > 0)
    betas = np.array([separation_factor, separation_factor * 1.3])
    # At Xu's optimum ratios a larger β may switch the controlling section and run at a
    # flux nearer its own minimum, so the VERIFIED count need not fall (β = 2.25 -> 2.925,
    # f_A = 0.371, 1 - P = 0.0039: 32 -> 33 stages), while Xu's closed form does. At the
    # SAME fluxes a larger β never needs more stages.
    optimum = design_cascade(betas, feed_fraction, purities[0], purities[0])
    closed = optimum.extraction_stages_closed_form + optimum.scrub_stages_closed_form
    assert closed[1] < closed[0]
    same_flux = design_cascade(
        betas, feed_fraction, purities[0], purities[0],
        extraction_ratio=float(optimum.extraction_ratio[0]),
        scrub_extraction_ratio=float(optimum.scrub_extraction_ratio[0]),
    )  # fmt: skip
    assert same_flux.total_stages[1] <= same_flux.total_stages[0]


def test_user_ratio_below_minimum_raises():
    with pytest.raises(InfeasibleDesignError, match=r"scrub_extraction_ratio.*minimum"):
        design_cascade(2.0, 0.5, 0.999, 0.9999, scrub_extraction_ratio=1.6)
    with pytest.raises(InfeasibleDesignError, match="extraction_ratio"):
        design_cascade(2.0, 0.5, 0.999, 0.9999, extraction_ratio=0.70)
    # a larger organic flux than Xu's optimum is fine
    design = design_cascade(2.0, 0.5, 0.999, 0.9999, scrub_extraction_ratio=1.3)
    assert design.scrub_extraction_ratio == pytest.approx(1.3)
    assert design.purity_extract >= 0.999


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: fenske_stages(0.95, 0.99, 0.99), InfeasibleDesignError, "separation_factor"),
        (lambda: fenske_stages(2.0, 1.2, 0.99), InputError, "purity_extract"),
        (lambda: kremser_stages(-1.0, 0.1), InputError, "extraction_factor"),
        (lambda: design_cascade(2.0, 0.5, 0.4, 0.99), InfeasibleDesignError, "purity_extract"),
        (lambda: design_cascade(2.0, 0.3, 0.99, 0.6), InfeasibleDesignError, "purity_raffinate"),
        (lambda: design_cascade(2.0, 0.5, 0.99, 0.99, feed="solid"), InputError, "feed"),
        (lambda: design_cascade(2.0, np.nan, 0.99, 0.99), InputError, "feed_fraction"),
        (lambda: simulate_cascade(2.0, 0.5, 0, 5, 1.5, 1.0), InputError, "extraction_stages"),
        (lambda: simulate_cascade(2.0, 0.5, 5, 5, 0.9, 1.0), InputError, "organic_flux"),
        (lambda: simulate_cascade(2.0, 0.5, 5.5, 5, 1.5, 1.0), InputError, "extraction_stages"),
    ],
)
def test_errors_name_the_parameter(call, error, words):
    with pytest.raises(error, match=words) as info:
        call()
    assert isinstance(info.value, TecModelError)


def test_max_stages_message_says_how_many():
    with pytest.raises(InfeasibleDesignError, match=r"needs \d+ stages.*max_stages=500"):
        design_cascade(1.01, 0.5, 0.99999, 0.99999)


def test_batch_error_names_first_offending_index():
    with pytest.raises(InfeasibleDesignError, match=r"got 0\.9 at index \(2,\)"):
        design_cascade([2.0, 2.0, 0.9, 0.8], 0.5, 0.999, 0.9999)


# ---------------------------------------------------------------- solver regressions

_PLANT_BETA = np.array([1.0, 3.24, 6.6096, 10.443168, 64.22966046720002])


@pytest.mark.parametrize(
    ("feed", "n", "m", "organic", "scrub", "extract"),
    [
        (
            [0.33997050236178306, 0.49306331143377125, 0.0430425922053956,
             0.12357074311048528, 0.0003528508885647347],
            18, 15, 1.9457611991175066, 1.7791028685066772, [False, False, True, True, True],
        ),
        (
            [0.33614644574137925, 0.4875172372390896, 0.042558451606811765,
             0.12218168528513655, 0.011596180127582815],
            4, 5, 0.6680755397133522, 0.6568273384891135, [False, False, False, False, True],
        ),
    ],
)  # fmt: skip
def test_plant_cases_that_stalled_the_fraction_newton_converge(
    feed, n, m, organic, scrub, extract
):
    # cascade_refinery designs on which the Newton iteration on fractions stalled at a
    # scaled residual ~1e-3; the log-space pseudo-transient solver takes over
    result = simulate_multicomponent(
        _PLANT_BETA, feed, n, m, organic, scrub, extract_components=np.array(extract)
    )
    assert result.mass_balance_error <= 1e-9
    x, y = result.aqueous_profile, result.organic_profile
    assert np.all((x >= 0) & (x <= 1)) and np.all((y >= 0) & (y <= 1))
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-9)
    # equilibrium: y_j / x_j ∝ β_j in every stage
    ratio = (y / x) / _PLANT_BETA
    np.testing.assert_allclose(ratio, np.broadcast_to(ratio[:, :1], ratio.shape), rtol=1e-8)


def test_over_staged_cascade_converges():
    # β = 3, 17 + 17 stages, S = 3.5: both outlets purer than 1 − 1e-7
    result = simulate_cascade(3.0, 0.5, 17, 17, 3.5, 3.0)
    assert result.mass_balance_error <= 1e-9
    assert 1.0 - result.purity_raffinate < 1e-7 and 1.0 - result.purity_extract < 1e-7
    y, x = result.organic_profile, result.aqueous_profile
    np.testing.assert_allclose(y[:, 0] * x[:, 1], 3.0 * x[:, 0] * y[:, 1], rtol=1e-8)
    np.testing.assert_allclose(np.sum(result.aqueous_profile, -1), 1.0, rtol=1e-9)


def test_cascade_refinery_scenario_evaluates():
    from tecmodel import scenarios

    result = scenarios.load("cascade_refinery").evaluate()
    assert "total" in result.summary()


# ---------------------------------------------------------------- robustness over the valid range


def _check_steady_state(result, beta, feed):
    assert np.all(result.mass_balance_error <= 1e-9)
    x, y = result.aqueous_profile, result.organic_profile
    assert np.all((x >= 0.0) & (x <= 1.0)) and np.all((y >= 0.0) & (y <= 1.0))
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-9)
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-9)
    # equilibrium: y_j / (β_j x_j) is the same for every component of a stage
    keep = (x > 1e-280) & (y > 1e-280)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y / (np.asarray(beta) * x)
    reference = np.nanmax(np.where(keep, ratio, np.nan), axis=-1, keepdims=True)
    assert np.all(np.abs(ratio / reference - 1.0)[keep] <= 1e-9)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    separation_factor=st.floats(1.05, 5.0),
    feed_fraction=st.floats(0.01, 0.99),
    extraction_stages=st.integers(1, 60),
    scrub_stages=st.integers(1, 60),
    extract_fraction=st.floats(0.02, 0.98),
    scrub_flux=st.floats(0.05, 5.0),
)
def test_binary_steady_state_over_the_valid_range(
    separation_factor, feed_fraction, extraction_stages, scrub_stages, extract_fraction, scrub_flux
):
    organic_flux = scrub_flux + extract_fraction
    result = simulate_cascade(
        separation_factor, feed_fraction, extraction_stages, scrub_stages, organic_flux, scrub_flux
    )
    _check_steady_state(result, [separation_factor, 1.0], [feed_fraction, 1 - feed_fraction])
    assert result.extract_flux == pytest.approx(extract_fraction, rel=1e-12)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    steps=st.lists(st.floats(1.05, 3.0), min_size=2, max_size=5),
    weights=st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6),
    trace=st.lists(st.booleans(), min_size=6, max_size=6),
    extraction_stages=st.integers(1, 60),
    scrub_stages=st.integers(1, 60),
    extract_fraction=st.floats(0.02, 0.98),
    scrub_flux=st.floats(0.05, 5.0),
    organic=st.booleans(),
)
def test_multicomponent_steady_state_over_the_valid_range(
    steps, weights, trace, extraction_stages, scrub_stages, extract_fraction, scrub_flux, organic
):
    beta = np.cumprod(np.r_[1.0, steps])
    beta = beta ** min(1.0, np.log(100.0) / np.log(beta[-1]))  # β up to 100
    count = len(beta)
    feed = np.array(weights[:count]) + 0.01
    feed[np.array(trace[:count]) & (np.arange(count) % 2 == 1)] = 1e-12  # trace components
    if organic:  # organic feed: extract S + 1 − W, raffinate W − S
        organic_flux = scrub_flux
        scrub_flux = organic_flux + 1.0 - extract_fraction
    else:
        organic_flux = scrub_flux + extract_fraction
    result = simulate_multicomponent(
        beta,
        feed,
        extraction_stages,
        scrub_stages,
        organic_flux,
        scrub_flux,
        feed="organic" if organic else "aqueous",
    )
    _check_steady_state(result, beta, feed)


_PINCH_STAGES = (150, 200, 300, 500)


@pytest.fixture(scope="module", params=["aqueous", "organic"])
def near_pinch(request):
    # β = 2, equimolar feed, S = 1.01 S_min for P_A = P_B = 0.999, W from the outlet
    # split (S − W = f'_A, aqueous feed; S + 1 − W = f'_A, organic feed). From ~100 + 100
    # stages these stalled the Newton iterations and the β-continuation of the solver
    # stack that steady_state.py replaced (issue 11); kept as regression cases.
    feed = request.param
    split = (0.5 - 1 + 0.999) / (0.999 - 1 + 0.999)
    organic_flux = 1.01 * minimum_organic_flux(2.0, 0.5, 0.999, 0.999, feed=feed)
    scrub_flux = organic_flux - split if feed == "aqueous" else organic_flux + 1.0 - split
    results = [
        simulate_cascade(2.0, 0.5, stages, stages, organic_flux, scrub_flux, feed=feed)
        for stages in _PINCH_STAGES
    ]
    return feed, results


@pytest.mark.parametrize("case", range(len(_PINCH_STAGES)))
def test_near_pinch_cascade_converges(near_pinch, case):
    _, results = near_pinch
    result = results[case]
    _check_steady_state(result, [2.0, 1.0], [0.5, 0.5])
    assert result.extract_flux == pytest.approx(0.5, rel=1e-12)
    assert result.purity_extract >= 0.999 and result.purity_raffinate >= 0.999


def test_near_pinch_purities_improve_with_stages(near_pinch):
    # above S_min the targets are reached with finitely many stages; more stages only
    # lengthen the pure zones at the outlets, so both impurities fall (never rise) with
    # the stage count — away from the targets, towards pure products — down to the floor
    # the outlet fluxes themselves impose: if the extract flux (S − W, or S + 1 − W, in
    # the binary floating-point inputs, exactly) is below the feed's A, that much A must
    # leave in the raffinate whatever the stages (4.4e-16 for the organic-feed case)
    feed, results = near_pinch
    S, W = (Fraction(float(v)) for v in (results[0].organic_flux, results[0].scrub_flux))
    extract_flux = S - W if feed == "aqueous" else S + 1 - W
    floors = (
        max(Fraction(0), extract_flux - Fraction(1, 2)) / extract_flux,  # B in the extract
        max(Fraction(0), Fraction(1, 2) - extract_flux) / (1 - extract_flux),  # A in raffinate
    )
    # (impurities from the outlet compositions: 1 − purity rounds to 0 below ~1e-16)
    for impurity, floor in zip(
        (
            [float(r.extract_composition[1]) for r in results],
            [float(r.raffinate_composition[0]) for r in results],
        ),
        floors,
        strict=True,
    ):
        assert 0.0 < impurity[0] <= 1e-3
        for earlier, later in itertools.pairwise(impurity):
            assert 0.0 < later < earlier or later == pytest.approx(float(floor), rel=1e-9)
            assert later >= float(floor) * (1.0 - 1e-9)


def test_scalar_design_controlling_section_is_a_plain_str():
    design = design_cascade(2.0, 0.5, 0.999, 0.9999)
    assert type(design.controlling_section) is str


# ---------------------------------------------------------------- multicomponent near the pinch

# La/Ce/Pr/Nd/Sm, β relative to La and feed as in the cascade_refinery plant
_REE_BETA = np.array([1.0, 3.24, 6.61, 10.44, 64.2])
_REE_FEED = np.array([0.336, 0.488, 0.043, 0.122, 0.0116])


def _underwood_minimum_flux(beta, feed, extract, organic_feed):
    """Minimum organic flux for a sharp split (Underwood; organic ≙ vapour, β ≙ α).

    θ between the key β solves Σ β_j f_j / (β_j − θ) = 1 − q (q = 1 aqueous feed, 0
    organic feed); the scrub-section organic flux is then Σ_{j ∈ extract} β_j f_j/(β_j − θ)
    (S, aqueous feed; S + 1, organic feed).
    """
    low, high = beta[~extract].max(), beta[extract].min()
    target = 1.0 if organic_feed else 0.0
    for _ in range(200):  # Σ β f/(β − θ) increases with θ between the poles
        theta = 0.5 * (low + high)
        if np.sum(beta * feed / (beta - theta)) < target:
            low = theta
        else:
            high = theta
    flux = np.sum((beta * feed / (beta - theta))[extract])
    return flux - 1.0 if organic_feed else flux


def test_underwood_minimum_flux_matches_the_binary_closed_form():
    # sharp split of an equimolar β = 2 binary: S_min = 1.5 (aqueous), 1.0 (organic feed)
    for feed in ("aqueous", "organic"):
        underwood = _underwood_minimum_flux(
            np.array([1.0, 2.0]), np.array([0.5, 0.5]), np.array([False, True]), feed == "organic"
        )
        closed = minimum_organic_flux(2.0, 0.5, 1 - 1e-12, 1 - 1e-12, feed=feed)
        assert underwood == pytest.approx(closed, rel=1e-9)


def _near_pinch_design(components, cut, factor, feed, trace=None):
    beta = _REE_BETA[list(components)]
    composition = _REE_FEED[list(components)].copy()
    if trace is not None:
        composition[trace] = 1e-12
    composition = composition / composition.sum()
    extract = np.arange(len(beta)) >= cut
    organic_flux = factor * _underwood_minimum_flux(beta, composition, extract, feed == "organic")
    split = composition[extract].sum()  # extract flux of a sharp split
    scrub_flux = organic_flux - split if feed == "aqueous" else organic_flux + 1.0 - split
    return beta, composition, extract, organic_flux, scrub_flux


# (components, first extract component, S / S_min, stages per section, feed, trace):
# the aqueous-feed designs stalled the Newton iterations and the β-continuation of the
# solver stack replaced in issue 11; the organic-feed ones converged
# on the main path and guard it
_MC_PINCH = [
    ((0, 1, 2, 3, 4), 3, 1.05, 150, "aqueous", 4),  # Pr | Nd, Sm at 1e-12
    ((1, 2, 3), 2, 1.01, 150, "aqueous", None),  # Ce, Pr | Nd
    ((1, 2, 3), 1, 1.01, 300, "aqueous", None),  # Ce | Pr, Nd
    ((1, 2, 3), 2, 1.02, 250, "organic", None),
    ((0, 1, 2, 3, 4), 3, 1.01, 300, "organic", None),
]


@pytest.fixture(scope="module")
def multicomponent_near_pinch():
    results = []
    for components, cut, factor, stages, feed, trace in _MC_PINCH:
        beta, composition, extract, organic_flux, scrub_flux = _near_pinch_design(
            components, cut, factor, feed, trace
        )
        result = simulate_multicomponent(
            beta,
            composition,
            stages,
            stages,
            organic_flux,
            scrub_flux,
            extract_components=extract,
            feed=feed,
        )
        results.append((beta, composition, extract, organic_flux, scrub_flux, result))
    return results


@pytest.mark.parametrize("case", range(len(_MC_PINCH)))
def test_multicomponent_near_pinch_converges(multicomponent_near_pinch, case):
    beta, composition, extract, _, _, result = multicomponent_near_pinch[case]
    _check_steady_state(result, beta, composition)
    assert result.extract_flux == pytest.approx(composition[extract].sum(), rel=1e-12)
    # S above the minimum flux and hundreds of stages: both cuts nearly sharp
    assert result.purity_extract > 0.9999 and result.purity_raffinate > 0.9999


def test_multicomponent_near_pinch_batch_equals_one_by_one(multicomponent_near_pinch):
    # a near-pinch design solved together with an easy one gets the numbers it gets alone
    beta, composition, extract, organic_flux, scrub_flux, alone = multicomponent_near_pinch[0]
    stages = _MC_PINCH[0][3]
    batch = simulate_multicomponent(
        beta,
        composition,
        np.array([stages, 12]),
        np.array([stages, 12]),
        organic_flux,
        scrub_flux,
        extract_components=extract,
    )
    np.testing.assert_allclose(batch.extract_composition[0], alone.extract_composition, rtol=1e-12)
    np.testing.assert_allclose(
        batch.aqueous_profile[0, : 2 * stages], alone.aqueous_profile, rtol=1e-12
    )
    assert np.all(batch.mass_balance_error <= 1e-9)
    assert np.all(np.isnan(batch.aqueous_profile[1, 24:]))  # padding of the short design
