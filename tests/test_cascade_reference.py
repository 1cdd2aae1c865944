"""The cascade simulation against high-precision reference steady states.

``tests/data/cascade_reference.json`` is written by ``scripts/reference_cascades.py``: an
independent mpmath solver (shooting from both outlets at 60 digits, see its docstring)
of the same model as :func:`tecmodel.separation.simulate_multicomponent` — constant
fluxes per section, y_j = β_j x_j / Σ_k β_k x_k, aqueous feed into stage n, organic feed
into stage n + 1. Every outlet fraction of every case, traces included, must agree to
1e-8 relative.
"""

import json
import pathlib
from decimal import Decimal, localcontext

import numpy as np
import pytest

from tecmodel.separation import simulate_cascade, simulate_multicomponent

REFERENCE = json.loads(
    (pathlib.Path(__file__).parent / "data" / "cascade_reference.json").read_text()
)
CASES = {case["name"]: case for case in REFERENCE["cases"]}
TOLERANCE = 1e-8
# below the smallest normal double a fraction cannot carry 1e-8 relative accuracy; such
# reference fractions only require tecmodel's value to be as small
SMALLEST_COMPARED = 1e-300


def _reference(case, key):
    return np.array([float(v) for v in case[key]])


def _largest_relative_error(computed, reference):
    computed = np.asarray(computed, dtype=float)
    representable = reference >= SMALLEST_COMPARED
    errors = np.abs(computed[representable] / reference[representable] - 1.0)
    assert np.all(computed[~representable] < SMALLEST_COMPARED * 1e10), (
        "fractions below 1e-300 in the reference must be as small in tecmodel"
    )
    return float(errors.max())


def _simulate(case):
    return simulate_multicomponent(
        case["beta"],
        case["feed"],
        case["n"],
        case["m"],
        case["S"],
        case["W"],
        extract_components=case["extract_components"],
        feed=case["feed_phase"],
    )


@pytest.mark.parametrize("name", list(CASES))
def test_outlet_fractions_agree_with_the_reference(name):
    case = CASES[name]
    result = _simulate(case)
    for key in ("extract_composition", "raffinate_composition"):
        error = _largest_relative_error(getattr(result, key), _reference(case, key))
        assert error <= TOLERANCE, f"{key}: largest relative error {error:.3g}"


# simulate_cascade (Smoker's closed form) at the contract's 1e-8 on two binaries, an easy
# one and the issue's near-pinch one; tests/test_binary.py holds every binary case to 1e-12
_BINARY = ["binary_xu_example", "binary_pinch_aqueous_150"]


@pytest.mark.parametrize("name", _BINARY)
def test_binary_wrapper_agrees_with_the_reference(name):
    case = CASES[name]
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
        error = _largest_relative_error(getattr(result, key), _reference(case, key))
        assert error <= TOLERANCE, f"{key}: largest relative error {error:.3g}"


def test_the_issue_quoted_near_pinch_raffinate_trace():
    # issue 11 quotes an 80-digit solution of β = 2, equimolar feed, S = 1.01 S_min,
    # 150 + 150 stages: A in the raffinate 7.19e-19
    case = CASES["binary_pinch_aqueous_150"]
    assert float(case["raffinate_composition"][0]) == pytest.approx(7.19e-19, rel=1e-3)


@pytest.mark.parametrize("name", list(CASES))
def test_reference_file_is_self_consistent(name):
    # the script's own checks, and the outlet balance R x_R + E y_E = f per component
    # recomputed here in 50-digit decimal arithmetic from the stored strings
    case = CASES[name]
    assert float(case["stage_balance_error"]) < 1e-50
    assert float(case["feed_stage_residual"]) < 1e-50
    assert float(case["change_at_check_digits"]) < 1e-30
    with localcontext() as context:
        context.prec = 50
        S, W = Decimal(case["S"]), Decimal(case["W"])
        if case["feed_phase"] == "organic":
            raffinate, extract = W - S, S + 1 - W
        else:
            raffinate, extract = W + 1 - S, S - W
        feed = [Decimal(f) for f in case["feed"]]
        total = sum(feed)
        for f, x, y in zip(
            feed, case["raffinate_composition"], case["extract_composition"], strict=True
        ):
            outlets = raffinate * Decimal(x) + extract * Decimal(y)
            assert abs(outlets - f / total) <= Decimal("1e-38") * (f / total)
