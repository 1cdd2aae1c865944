"""Fast paths of issue 13's single evaluation give the numbers of the paths they skip.

Each check compares the fast path with the general one it stands in for, computed in
the test: the validator with its whole sequence of checks, numpy's element-by-element
``logaddexp``, pint's own conversion.
"""

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import InputError
from tecmodel.separation.steady_state import _logaddexp
from tecmodel.units import converted
from tecmodel.validation import check

USUAL = [
    0.25,
    np.float64(0.5),
    3,
    np.array([0.1, 0.9]),
    Q_(2.5, "t/h"),
    Q_(np.array([1.0, 7.5]), "kg/s"),
    Q_(np.float64(40.0), "%"),
]


@pytest.mark.parametrize("value", USUAL, ids=repr)
def test_the_usual_value_is_returned_as_the_full_check_returns_it(value):
    unit = "kg/s" if hasattr(value, "units") and not value.dimensionless else ""
    # allow_nan=True takes the validator's whole sequence (no fast path); the value is
    # finite, so both must return the same magnitude, type and shape
    fast = check(value, "x", unit, low=0.0)
    full = check(value, "x", unit, low=0.0, allow_nan=True)
    assert type(fast) is type(full)
    assert np.array_equal(fast, full)


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        (1.5, {"high": 1.0}),
        (np.float64(0.0), {"low": 0.0, "low_open": True}),
        (np.array([0.2, -0.1]), {"low": 0.0}),
        (2.5, {"integer": True}),
        (Q_(5.0, "kg/s"), {"high": 1.0}),
    ],
)
def test_a_value_out_of_range_is_refused_with_the_validators_message(value, bounds):
    unit = "kg/s" if hasattr(value, "units") else ""
    with pytest.raises(InputError) as fast:
        check(value, "x", unit, **bounds)
    with pytest.raises(InputError) as full:
        check(value, "x", unit, allow_nan=True, **bounds)
    assert str(fast.value) == str(full.value)


def test_logaddexp_agrees_with_numpys_to_a_few_ulps():
    rng = np.random.default_rng(7)
    a = rng.normal(0.0, 30.0, 100_000)
    b = a + rng.normal(0.0, 3.0, a.size) * 10.0 ** rng.uniform(-12, 2, a.size)
    ours, numpys = _logaddexp(a, b), np.logaddexp(a, b)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    assert np.all(np.abs(ours - numpys) <= 4 * np.finfo(float).eps * scale)
    # ln(e^a + e^a) = a + ln 2, and a value far below the other adds nothing
    assert _logaddexp(np.array([3.0]), np.array([3.0]))[0] == 3.0 + np.log(2.0)
    assert _logaddexp(np.array([-800.0]), np.array([5.0]))[0] == 5.0


def test_converted_is_pints_conversion_bit_for_bit():
    values = np.array([0.0, 1e-9, 0.37, 12.5, 4.4e6])
    for source, target in (("m**3/s", "m**3/h"), ("kg/s", "kg/h"), ("W", "Btu/h")):
        ours = converted(values, source, target)
        pints = Q_(values, source).to(target)
        assert ours.units == pints.units
        assert np.array_equal(ours.magnitude, pints.magnitude)


@pytest.mark.parametrize(
    "magnitude",
    [0.37, np.float64(2.5), 7, np.array([1.0, 4.4e6])],
    ids=["float", "numpy float", "int", "array"],
)
@pytest.mark.parametrize("unit", ["kg/h", "USD/yr", "", "m**3"])
def test_the_usual_quantity_is_the_one_pints_constructor_makes(magnitude, unit):
    from pint.facets.plain.quantity import PlainQuantity

    from tecmodel.units import ureg

    pints = PlainQuantity.__new__(Q_, magnitude, unit)  # pint's own constructor
    ours = Q_(magnitude, unit)
    assert type(ours) is type(pints)
    assert ours._units == pints._units and ours._magnitude is magnitude
    assert ours.to(ureg.parse_units(unit or "dimensionless")).magnitude is not None
    again = Q_(magnitude, pints._units)  # a units container
    assert again._units == pints._units and again._magnitude is magnitude


def test_other_quantities_take_pints_constructor():
    made = Q_(Q_(2.0, "t/h"), "kg/h")  # a Quantity converted
    assert made.magnitude == pytest.approx(2000.0) and made.units == Q_(1.0, "kg/h").units
    assert Q_("3 kg").magnitude == 3  # a string parsed
    assert Q_([1.0, 2.0], "m").magnitude.tolist() == [1.0, 2.0]  # a list made an array
    with pytest.raises(TypeError):
        Q_(True, "kg")  # pint refuses a boolean magnitude


@pytest.mark.parametrize(
    "value",
    [np.inf, np.float64(-np.inf), Q_(np.nan, "t/h"), Q_(np.float64(np.inf), "%")],
    ids=repr,
)
def test_a_number_that_is_not_finite_goes_to_the_validator(value):
    from tecmodel.units import _usual_magnitude, magnitude

    unit = "kg/s" if hasattr(value, "units") and not value.dimensionless else ""
    assert _usual_magnitude(value, unit) is None
    with pytest.raises(InputError, match="finite"):
        magnitude(value, unit, "x")
