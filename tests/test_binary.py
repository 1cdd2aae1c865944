"""Smoker's closed form for two components (tecmodel.separation.binary) and the design
verification built on it, against independent computations: the map applied stage by
stage, the 60-digit reference cascades, the multicomponent solver and the previous
stage-by-stage verification."""

import json
import pathlib

import numpy as np
import pytest

from tecmodel.separation import design_cascade, simulate_cascade, simulate_multicomponent
from tecmodel.separation.binary import iterate_mobius

REFERENCE = json.loads(
    (pathlib.Path(__file__).parent / "data" / "cascade_reference.json").read_text()
)
BINARY_CASES = [case for case in REFERENCE["cases"] if len(case["beta"]) == 2]


def test_closed_form_power_equals_the_map_applied_stage_by_stage():
    rng = np.random.default_rng(3)
    alpha, b, gamma, delta = rng.uniform(1e-6, 3.0, (4, 200))
    b[:50] *= 1e-15  # traces: a nearly triangular matrix
    r0 = rng.uniform(1e-12, 5.0, 200)
    det = alpha * delta - b * gamma
    keep = det > 0.1 * alpha * delta  # a determinant formed without cancellation
    r = r0.copy()
    for k in range(0, 120):
        closed = iterate_mobius(k, r0, alpha, b, gamma, delta, det)
        np.testing.assert_allclose(closed[keep], r[keep], rtol=1e-12)
        r = (alpha * r + b) / (gamma * r + delta)


def _random_designs(seed, size):
    """β, feed fraction and the two purities of the benchmark's random binary designs."""
    rng = np.random.default_rng(seed)
    beta = rng.uniform(1.3, 3.0, size)
    f_a = rng.uniform(0.2, 0.8, size)
    return beta, f_a, rng.uniform(0.99, 0.9999, (2, size))


@pytest.mark.parametrize("case", BINARY_CASES, ids=lambda case: case["name"])
def test_binary_reference_cascades_to_1e_12(case):
    result = simulate_cascade(
        case["beta"][0],
        case["feed"][0] / sum(case["feed"]),
        case["n"],
        case["m"],
        case["S"],
        case["W"],
        feed=case["feed_phase"],
    )
    for key in ("extract_composition", "raffinate_composition"):
        reference = np.array([float(v) for v in case[key]])
        error = np.max(np.abs(getattr(result, key) / reference - 1.0))
        assert error <= 1e-12, f"{key}: {error:.3g}"


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
def test_random_designs_agree_with_the_multicomponent_solver(feed):
    size = 400
    beta, f_a, purity = _random_designs(11, size)
    design = design_cascade(beta, f_a, purity[0], purity[1], feed=feed)
    n, m = design.extraction_stages, design.scrub_stages
    S, W = design.organic_flux, design.scrub_flux
    # also far from the design: more stages, outlets to ~1e-40
    for extra in (0, 40):
        closed = simulate_cascade(beta, f_a, n + extra, m + extra, S, W, feed=feed)
        general = simulate_multicomponent(
            np.stack([beta, np.ones(size)], -1),
            np.stack([f_a, 1.0 - f_a], -1),
            n + extra,
            m + extra,
            S,
            W,
            extract_components=(0,),
            feed=feed,
        )
        for key in ("extract_composition", "raffinate_composition"):
            error = np.max(np.abs(getattr(closed, key) / getattr(general, key) - 1.0))
            assert error <= 1e-10, f"{key}, {extra} extra stages: {error:.3g}"


def test_impure_outlets_are_solved_by_the_general_method_and_balance():
    # an outlet less than half pure is outside the closed form's accurate range
    result = simulate_cascade(2.0, 0.8, 2, 2, 1.2, 0.6)
    general = simulate_multicomponent([2.0, 1.0], [0.8, 0.2], 2, 2, 1.2, 0.6)
    # the same solver on the same design; the two calls may lay the components out
    # differently, so agreement is to rounding, not to the bit
    np.testing.assert_allclose(
        result.raffinate_composition, general.raffinate_composition, rtol=1e-12
    )
    assert result.purity_raffinate < 0.5
    assert float(result.mass_balance_error) <= 1e-12


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
def test_verified_stage_counts_equal_the_stage_by_stage_verification(feed):
    size = 300
    beta, f_a, purity = _random_designs(5, size)
    new = design_cascade(beta, f_a, purity[0], purity[1], feed=feed)
    old = design_cascade(
        beta, f_a, purity[0], purity[1], feed=feed, _verification="stage_by_stage"
    )
    np.testing.assert_array_equal(new.extraction_stages, old.extraction_stages)
    np.testing.assert_array_equal(new.scrub_stages, old.scrub_stages)


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
def test_one_design_solves_to_the_bits_of_the_batch_path(feed):
    """The single-design secant (numpy scalars) against the batch path, which a batch of
    two copies of the design takes: the same trace, evaluations and convergence."""
    from tecmodel.separation.binary import _Binary, _guess, _solve_trace

    beta, f_a, (p_a, p_b) = _random_designs(11, 120)
    design = design_cascade(beta, f_a, p_a, p_b, feed=feed)
    n, m = np.asarray(design.extraction_stages), np.asarray(design.scrub_stages)
    s, w = np.asarray(design.organic_flux), np.asarray(design.scrub_flux)
    rng = np.random.default_rng(5)
    for i in range(beta.size):
        # the design, one stage short in either section, and from a far start
        for dn, dm, shift in ((0, 0, 0.0), (-1, 0, 0.0), (0, -1, 3.0), (0, 0, -40.0)):
            rows = np.array([i, i])
            system = _Binary(
                beta[rows], f_a[rows], np.maximum(n[rows] + dn, 1), np.maximum(m[rows] + dm, 1),
                s[rows], w[rows], feed == "organic",
            )  # fmt: skip
            with np.errstate(all="ignore"):
                guess = _guess(system) + shift + rng.uniform(-0.5, 0.5)
                batch = _solve_trace(system, guess)
                one = _solve_trace(system.subset(np.arange(1)), guess[:1])
            assert one[0].shape == (1,) and one[0].dtype == batch[0].dtype
            assert np.array_equal(one[0], batch[0][:1], equal_nan=True)
            assert np.array_equal(one[1], batch[1][:1]) and one[1].dtype == batch[1].dtype
            assert np.array_equal(one[2], batch[2][:1])
