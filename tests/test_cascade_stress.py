"""Stress set of random cascade designs (issue 11): each converges or says why not.

Seeded random designs — 2 to 15 components, aqueous or organic feed, 1.01 to 2 × the
minimum organic flux of the sharp split (Underwood), traces down to 1e-12 in the feed,
up to a few hundred stages per section — go through
:func:`tecmodel.separation.simulate_multicomponent`. Each must either return a steady
state (component balance closed to 1e-9, fractions that sum to 1, outlet fractions finite
and in [0, 1]) or raise :class:`tecmodel.errors.InfeasibleDesignError` with a message.
Every design here has a steady state (positive outlet fluxes, finite stages), so a raise,
allowed by the contract, is counted against the solver.

The first ``CI_DESIGNS`` designs, with at most ``CI_LARGEST_SECTION`` stages per section,
and the designs that once raised or were slow (``PREVIOUSLY_RAISING``,
``RAISED_ON_MERGED_MAIN``, ``SLOW_ON_MERGED_MAIN``) at full length run in the default
suite and must converge (designs 74 and 513 are also cases of the 60-digit reference
set, ``tests/test_cascade_reference.py``); the whole set (``ALL_DESIGNS``, up to 300 stages
per section) runs under ``-m slow``: it fails if any design breaks the contract and is an
xfail stating the count if some raise. The wide set (``WIDE_DESIGNS`` of 16 or 17
components, its own seed stream) extends the component range to the 17 of issue 11 in
the same way: ``CI_WIDE_DESIGNS`` short ones in CI, the whole under ``-m slow``.
"""

import numpy as np
import pytest

from tecmodel.errors import InfeasibleDesignError
from tecmodel.separation import simulate_multicomponent

SEED = 20261202
ALL_DESIGNS = 1000
# the wide set: 16 or 17 components (issue 11: 2 to 17; the set above stops at 15), its
# own seed stream, so that the designs above stay what they were
WIDE = 17  # third word of the wide set's seed
WIDE_DESIGNS = 200
CI_WIDE_DESIGNS = 10
CI_DESIGNS = 40
CI_LARGEST_SECTION = 40  # stages per section in the CI subset (the whole set: 300)
BALANCE_TOLERANCE = 1e-9
# designs of the whole set that raised InfeasibleDesignError before the finite-flux start
# (issue 11: 30 of 1,000) and now converge in under 0.5 s of CPU each: a side started far
# purer than the balance allows, or a trace pinched in a section of 60–290 stages
PREVIOUSLY_RAISING = (
    107, 146, 203, 244, 327, 369, 381, 542, 577, 582, 630, 633, 762, 784, 791, 861, 885,
    916, 945, 997,
)  # fmt: skip
# designs that raised on merged main (998 of 1,000): no start solves them (one side starts
# far purer than its pinched section allows, a singular direction of the Jacobian), and
# continuation in the stage count failed because its extrapolated splits were clipped to
# 700 where the far components' are 780 and more; 912 (563 stages) took ~6 s while its
# Newton steps accepted changes of the residual at the rounding level
RAISED_ON_MERGED_MAIN = (74, 513)
SLOW_ON_MERGED_MAIN = (912,)


def underwood_minimum_flux(beta, feed, extract, organic_feed):
    """Minimum organic flux of a sharp split by Underwood's equation (β ≙ volatility).

    The root θ between the two key β (largest β of the raffinate side, smallest of the
    extract side) of Σ_j β_j f_j / (β_j − θ) = 1 − q, q = 1 for aqueous and 0 for organic
    feed, found by bisection (the sum increases with θ between the poles); the scrub
    section's organic flux Σ_{j in extract} β_j f_j / (β_j − θ) is S (aqueous feed) or
    S + 1 (organic feed).
    """
    low, high = beta[~extract].max(), beta[extract].min()
    target = 1.0 if organic_feed else 0.0  # 1 − q
    for _ in range(200):
        theta = 0.5 * (low + high)
        if np.sum(beta * feed / (beta - theta)) < target:
            low = theta
        else:
            high = theta
    flux = float(np.sum(beta[extract] * feed[extract] / (beta[extract] - theta)))
    return flux - 1.0 if organic_feed else flux


def design(index, largest_section=300, wide=False):
    """The index-th random design: a dict of simulate_multicomponent's arguments.

    ``largest_section`` caps the stages per section (the CI subset keeps it short);
    ``wide``: the index-th design of the wide set (16 or 17 components).
    """
    rng = np.random.default_rng([SEED, index, WIDE] if wide else [SEED, index])
    components = int(rng.integers(16, 18) if wide else rng.integers(2, 16))
    beta = np.cumprod(np.concatenate([[1.0], rng.uniform(1.2, 3.0, components - 1)]))
    feed = rng.dirichlet(np.ones(components))
    for trace in rng.choice(components, size=int(rng.integers(0, 3)), replace=False):
        if components > 2:
            feed[trace] = 10.0 ** rng.uniform(-12.0, -6.0)
    feed = feed / feed.sum()
    cut = int(rng.integers(1, components))
    extract = np.arange(components) >= cut
    phase = "organic" if rng.random() < 0.5 else "aqueous"
    factor = float(rng.uniform(1.01, 2.0))
    organic_flux = factor * underwood_minimum_flux(beta, feed, extract, phase == "organic")
    split = float(feed[extract].sum())  # extract flux of the sharp split
    if phase == "organic":
        scrub_flux = organic_flux + 1.0 - split
    else:
        scrub_flux = organic_flux - split
    return {
        "separation_factors": beta,
        "feed_composition": feed,
        "extraction_stages": int(rng.integers(3, largest_section + 1)),
        "scrub_stages": int(rng.integers(3, largest_section + 1)),
        "organic_flux": organic_flux,
        "scrub_flux": scrub_flux,
        "extract_components": extract,
        "feed": phase,
    }


def outcome(index, largest_section=300, wide=False):
    """'converged', 'infeasible: <message>', or a description of what is wrong."""
    arguments = design(index, largest_section, wide)
    try:
        result = simulate_multicomponent(**arguments)
    except InfeasibleDesignError as error:
        message = str(error)
        return f"infeasible: {message}" if message else "infeasible without a message"
    except Exception as error:  # anything else breaks the contract
        return f"raised {type(error).__name__}: {error}"
    extract = np.asarray(result.extract_composition)
    raffinate = np.asarray(result.raffinate_composition)
    problems = []
    if not (np.all(np.isfinite(extract)) and np.all(np.isfinite(raffinate))):
        problems.append("outlet fractions not finite")
    if np.any((extract < 0) | (extract > 1) | (raffinate < 0) | (raffinate > 1)):
        problems.append("outlet fractions outside [0, 1]")
    if not result.mass_balance_error <= BALANCE_TOLERANCE:
        problems.append(f"mass balance error {float(result.mass_balance_error):.3g}")
    feed = arguments["feed_composition"]
    recomputed = result.extract_flux * extract + result.raffinate_flux * raffinate
    if not np.all(np.abs(recomputed - feed) <= BALANCE_TOLERANCE * np.maximum(feed, 1e-300)):
        problems.append("outlets do not add up to the feed")
    for name, values in (("extract", extract), ("raffinate", raffinate)):
        if not abs(values.sum() - 1.0) <= BALANCE_TOLERANCE:
            problems.append(f"{name} fractions sum to {values.sum():.15g}")
    profile = np.asarray(result.aqueous_profile)
    sums = profile.sum(-1)
    sums = sums[np.isfinite(sums)]
    if not np.all(np.abs(sums - 1.0) <= BALANCE_TOLERANCE):
        problems.append("a stage's aqueous fractions do not sum to 1")
    return "; ".join(problems) if problems else "converged"


def _acceptable(text):
    return text == "converged" or (text.startswith("infeasible: ") and len(text) > 12)


@pytest.mark.parametrize("index", range(CI_DESIGNS))
def test_design_converges(index):
    text = outcome(index, CI_LARGEST_SECTION)
    assert _acceptable(text), f"design {index}: {text}"
    assert text == "converged", f"design {index} has a steady state but: {text}"


@pytest.mark.parametrize("index", PREVIOUSLY_RAISING + RAISED_ON_MERGED_MAIN + SLOW_ON_MERGED_MAIN)
def test_previously_raising_design_converges(index):
    text = outcome(index)
    assert text == "converged", f"design {index}: {text}"


@pytest.mark.parametrize("index", range(CI_WIDE_DESIGNS))
def test_wide_design_converges(index):
    text = outcome(index, CI_LARGEST_SECTION, wide=True)
    assert text == "converged", f"wide design {index}: {text}"


def test_generator_is_seeded_and_designs_are_valid():
    # the same index gives the same design; every design is above its minimum flux and
    # within the flux limits simulate_multicomponent accepts
    first, again = design(7), design(7)
    np.testing.assert_array_equal(first["separation_factors"], again["separation_factors"])
    wide = [design(index, CI_LARGEST_SECTION, wide=True) for index in range(CI_WIDE_DESIGNS)]
    assert {len(d["separation_factors"]) for d in wide} <= {16, 17}
    for d in [design(index, CI_LARGEST_SECTION) for index in range(CI_DESIGNS)] + wide:
        S, W = d["organic_flux"], d["scrub_flux"]
        if d["feed"] == "organic":
            assert S < W < S + 1
        else:
            assert W < S < W + 1
        assert np.all(np.diff(d["separation_factors"]) > 0)
        assert d["feed_composition"].sum() == pytest.approx(1.0, rel=1e-15)


def test_underwood_minimum_flux_of_an_equimolar_binary():
    # hand calculation for β = (1, 2), f = (½, ½), sharp split.
    # Aqueous feed: ½/(1 − θ) + 1/(2 − θ) = 0 → 2 − θ = −2(1 − θ) → θ = 4/3;
    #   S_min = 1/(2 − 4/3) = 1.5.
    # Organic feed: ½/(1 − θ) + 1/(2 − θ) = 1 → θ² − 1.5θ = 0 → θ = 1.5;
    #   S_min + 1 = 1/(2 − 1.5) = 2 → S_min = 1.
    beta, feed, extract = np.array([1.0, 2.0]), np.array([0.5, 0.5]), np.array([False, True])
    assert underwood_minimum_flux(beta, feed, extract, False) == pytest.approx(1.5, rel=1e-12)
    assert underwood_minimum_flux(beta, feed, extract, True) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.slow
def test_whole_stress_set():
    outcomes = {index: outcome(index) for index in range(ALL_DESIGNS)}
    broken = {i: text for i, text in outcomes.items() if not _acceptable(text)}
    raised = {i: text for i, text in outcomes.items() if text.startswith("infeasible")}
    print(f"{ALL_DESIGNS} designs: {len(broken)} break the contract, {len(raised)} raise")
    assert not broken, f"{len(broken)} of {ALL_DESIGNS} break the contract: " + "; ".join(
        f"{i}: {text[:120]}" for i, text in list(broken.items())[:20]
    )
    if raised:  # every design has a steady state; raising is allowed but not the goal
        pytest.xfail(f"{len(raised)} of {ALL_DESIGNS} designs raise InfeasibleDesignError")


@pytest.mark.slow
def test_whole_wide_stress_set():
    outcomes = {index: outcome(index, wide=True) for index in range(WIDE_DESIGNS)}
    broken = {i: text for i, text in outcomes.items() if not _acceptable(text)}
    raised = {i: text for i, text in outcomes.items() if text.startswith("infeasible")}
    assert not broken, f"{len(broken)} of {WIDE_DESIGNS} break the contract: " + "; ".join(
        f"{i}: {text[:120]}" for i, text in list(broken.items())[:20]
    )
    if raised:
        pytest.xfail(f"{len(raised)} of {WIDE_DESIGNS} wide designs raise InfeasibleDesignError")
