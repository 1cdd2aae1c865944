"""Checks at the boundary: one validator style that every public entry point calls.

Every user-facing value goes through :func:`check` (or one of its short forms) once,
where it enters the package. It checks, in this order,

1. **type**: a number, an array of numbers, a pint Quantity or a string such as
   ``"5 t/h"`` or ``"10 %"``; ``True``/``False``, ``None`` and non-numeric arrays are
   refused (a boolean is never taken as 1 or 0);
2. **unit**: the dimension must match; a plain number is accepted only for a
   dimensionless parameter; percent is understood (``Q_(99.9, "percent")`` is 0.999);
3. **finiteness**: NaN and ±inf are refused;
4. **range**: ``low``/``high`` bounds, whole numbers where asked; a fraction typed as a
   whole percentage (``10`` for 10 %) is refused with the hint
   "10 looks like a percent; write 0.10 or '10 %'";
5. **size**: an array larger than :data:`MAX_ELEMENTS` is refused before anything is
   allocated from it (:func:`check_size`).

A failure raises a :class:`~tecmodel.errors.TecModelError` subclass whose message names
the parameter (and where it belongs: ``"finance"``, ``"stage sx_ce_pr"``), the value
received and what is valid. The result is a plain float or numpy array in the
canonical unit, ready for a kernel that never touches pint.

>>> from tecmodel import Q_
>>> from tecmodel import InputError
>>> from tecmodel.validation import check_fraction
>>> float(check_fraction(Q_(99.9, "percent"), "purity"))
0.999
>>> try:
...     check_fraction(10, "tax_rate")
... except InputError as error:
...     print(error)
tax_rate must lie in [0, 1], got 10; 10 looks like a percent; write 0.1 or '10 %'
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .errors import InputError, UnitError, describe

__all__ = [
    "MAX_ELEMENTS",
    "check",
    "check_bool",
    "check_choice",
    "check_fraction",
    "check_integer",
    "check_positive",
    "check_size",
]

#: Largest number of float64 elements one array may hold (2**28 = 2 GiB). A batch,
#: table or grid larger than this is refused with its size and a hint to chunk.
MAX_ELEMENTS = 2**28


def _label(name: str, where: str | None) -> str:
    return f"{where}: {name}" if where else name


def _to_quantity(value, name, unit, where):
    from .units import Q_

    try:
        return Q_(value.strip())
    except Exception as exc:  # pint raises several unrelated types here
        raise UnitError(
            f"{_label(name, where)}: could not read {value!r} as a number or quantity; "
            f"write it like '3.5{' ' + unit if unit else ''}'"
        ) from exc


@functools.lru_cache(maxsize=512)
def _dimensionality(unit: str):
    from .units import ureg

    return ureg.parse_units(unit).dimensionality if unit else ureg.dimensionless.dimensionality


def _is_bool(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return True
    return isinstance(value, np.ndarray) and value.dtype == bool


def check(
    value,
    name: str,
    unit: str = "",
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    where: str | None = None,
    percent_hint: bool | None = None,
    allow_nan: bool = False,
):
    """Validate one boundary value and return its magnitude in ``unit``.

    Parameters
    ----------
    value : number, array_like, pint.Quantity or str
        What the user gave.
    name : str
        The parameter's name, as the user would write it.
    unit : str
        Canonical unit (``""`` for dimensionless). The result is in this unit.
    low, high : float, optional
        Bounds in ``unit`` (inclusive unless ``low_open``/``high_open``).
    integer : bool
        Require whole numbers.
    where : str, optional
        What the parameter belongs to ("finance", "stage sx_ce_pr"), put first in the
        message.
    percent_hint : bool, optional
        Add the hint "10 looks like a percent" when a plain number above ``high`` but
        at most 100 is given. Default: on for dimensionless values with ``high <= 1``.
    allow_nan : bool
        Let NaN through (for a kernel output documented as NaN, never for user input).

    Returns
    -------
    float or numpy.ndarray
        The magnitude in ``unit`` (0-d results as a numpy float).

    Raises
    ------
    UnitError
        Wrong dimension, a plain number for a dimensional parameter, unreadable text.
    InputError
        Not numeric (including booleans and None), not finite, out of range, not whole.
    """
    if not allow_nan:  # the usual value (a finite float or Quantity in range): no messages
        usual = _usual(value, unit)
        if usual is not None and _in_range(usual, low, high, low_open, high_open, integer):
            return usual
    import pint

    from .units import ureg

    label = _label(name, where)
    if value is None or _is_bool(value):
        raise InputError(
            f"{label} must be a number{' with units of ' + unit if unit else ''}, "
            f"got {value!r}"
            + (
                ("; write a whole number" if integer else "; write a fraction such as 0.5")
                if _is_bool(value) and not unit
                else ""
            )
        )
    given = value
    if isinstance(value, str):
        value = _to_quantity(value, name, unit, where)
    expected = _dimensionality(unit)
    was_plain = not isinstance(value, pint.Quantity)
    if isinstance(value, pint.Quantity):
        if value.dimensionality != expected:
            raise UnitError(
                f"{label} must have dimension {expected} (e.g. {unit or 'a plain fraction'}), "
                f"got {describe(given)} with dimension {value.dimensionality}"
            )
        if _is_bool(value.magnitude):
            raise InputError(f"{label} must be a number, got {describe(given)}")
        try:
            magnitude = value.to(unit or "dimensionless").magnitude
        except Exception as exc:  # non-numeric magnitudes fail inside pint
            raise InputError(f"{label} must be numeric, got {describe(given)}") from exc
    else:
        if expected != ureg.dimensionless.dimensionality:
            example = (
                f"Q_({value!r}, {unit!r}) or '{value} {unit}'"
                if isinstance(value, numbers.Number)
                else f"Q_(values, {unit!r})"
            )
            raise UnitError(
                f"{label} needs units of {unit} ({expected}) but got the plain number "
                f"{describe(given)}; attach units, e.g. {example}"
            )
        magnitude = value
    try:
        array = np.asarray(magnitude, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{label} must be numeric, got {describe(given)}") from exc
    if np.asarray(magnitude).dtype == bool:
        raise InputError(f"{label} must be a number, not a boolean, got {describe(given)}")
    check_size(array.size, f"{label}")
    finite = np.isfinite(array) | (np.isnan(array) if allow_nan else False)
    if not np.all(finite):
        raise InputError(f"{label} must be finite (not NaN or inf), got {describe(given)}")
    values = array[np.isfinite(array)]
    if integer and np.any(values != np.round(values)):
        raise InputError(f"{label} must be a whole number, got {describe(given)}")
    too_low = low is not None and np.any((values <= low) if low_open else (values < low))
    too_high = high is not None and np.any((values >= high) if high_open else (values > high))
    if too_low or too_high:
        raise InputError(
            f"{label} must {_range_text(low, high, low_open, high_open, unit)}, "
            f"got {describe(given)}{_hint(values, high, was_plain, unit, percent_hint)}"
        )
    return array[()] if array.ndim == 0 else array


def _usual(value, unit):
    """:func:`tecmodel.units._usual_magnitude` (imported on first use: units imports
    this module)."""
    from .units import _usual_magnitude

    global _usual
    _usual = _usual_magnitude
    return _usual_magnitude(value, unit)


def _in_range(values, low, high, low_open, high_open, integer) -> bool:
    """Whether finite ``values`` pass :func:`check`'s whole-number and range tests."""
    if type(values) is np.float64:  # one number: the same tests on a Python float
        value = float(values)
        if integer and not value.is_integer():
            return False
        if low is not None and (value <= low if low_open else value < low):
            return False
        return not (high is not None and (value >= high if high_open else value > high))
    values = np.asarray(values)
    if integer and (values != np.round(values)).any():
        return False
    if low is not None and ((values <= low) if low_open else (values < low)).any():
        return False
    return not (high is not None and ((values >= high) if high_open else (values > high)).any())


def _range_text(low, high, low_open, high_open, unit) -> str:
    u = f" {unit}" if unit else ""
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f"lie in {left}{low:g}, {high:g}{right}{u}"
    if low is not None:
        return f"be {'>' if low_open else '>='} {low:g}{u}"
    return f"be {'<' if high_open else '<='} {high:g}{u}"


def _hint(values, high, was_plain, unit, percent_hint) -> str:
    if percent_hint is None:
        percent_hint = not unit and high is not None and high <= 1
    if not (percent_hint and was_plain and values.size):
        return ""
    big = values[values > high]
    if big.size and np.all((big >= 2) & (big <= 100)):
        shown = float(big.flat[0])
        return f"; {shown:g} looks like a percent; write {shown / 100:g} or '{shown:g} %'"
    return ""


def check_fraction(value, name: str, *, low: float = 0.0, high: float = 1.0, where=None, **kw):
    """A dimensionless fraction in [low, high] (percent understood, hint for 10 vs 0.10)."""
    return check(value, name, "", low=low, high=high, where=where, **kw)


def check_positive(value, name: str, unit: str = "", *, allow_zero: bool = False, where=None):
    """A finite value > 0 (or >= 0 with ``allow_zero``) in ``unit``."""
    return check(value, name, unit, low=0.0, low_open=not allow_zero, where=where)


def check_integer(value, name: str, *, low: int = 1, high: int | None = None, where=None, unit=""):
    """A whole number (or array of them) in [low, high]; returned as int."""
    result = check(value, name, unit, low=low, high=high, integer=True, where=where)
    return np.asarray(result).astype(np.int64)[()]


def check_bool(value, name: str, *, where=None) -> bool:
    """A real boolean (``true``/``false`` in TOML); ``"no"``, 0 or 1 are refused."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise InputError(
        f"{_label(name, where)} must be true or false (a TOML boolean, unquoted), got {value!r}"
    )


def check_choice(value, options, name: str, *, where=None) -> str:
    """A name that must be one of ``options``."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise InputError(
            f"{_label(name, where)} must be one of {', '.join(map(str, options))}, got {value!r}"
        )
    return value


def check_size(elements, what: str, *, limit: int | None = None) -> None:
    """Refuse an allocation of more than ``limit`` float64 elements before it happens.

    Parameters
    ----------
    elements : int or float
        How many elements the array would hold (e.g. samples × years × components).
    what : str
        What is being sized, for the message.
    limit : int, optional
        Default :data:`MAX_ELEMENTS`.
    """
    limit = MAX_ELEMENTS if limit is None else limit
    if elements > limit:
        raise InputError(
            f"{what} would need {float(elements):.3g} values "
            f"(~{float(elements) * 8 / 2**30:.3g} GiB), more than the limit of {limit:.3g}; "
            "use fewer samples or points, or evaluate in chunks (chunk_size=...)"
        )
