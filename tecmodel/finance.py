"""Discounted cash flow: NPV, IRR, depreciation, cash-flow tables and levelized cost.

Every function works on plain numbers or numpy arrays and broadcasts over leading
axes; a series of yearly cash flows always lies on the LAST axis, and index 0 is the
first year (t = 0, undiscounted, numpy-financial's convention). A Monte-Carlo batch of
``N`` plants is therefore one call with arrays of shape ``(N, T)``.

Arguments that carry units (pint Quantities, recognised by ``.magnitude``/``.units``)
are accepted: money is stripped on entry and the same units are put back on money
outputs; rates are converted to plain fractions (so ``8 percent`` is ``0.08``).

References
----------
.. [1] Internal Revenue Service, "Publication 946: How To Depreciate Property",
   2023, Appendix A, Table A-1 (3-, 5-, 7-, 10-, 15- and 20-year property, half-year
   convention). https://www.irs.gov/publications/p946
.. [2] numpy-financial documentation, ``npv`` and ``irr``.
   https://numpy.org/numpy-financial/latest/
.. [3] M. S. Peters, K. D. Timmerhaus, R. E. West, "Plant Design and Economics for
   Chemical Engineers", 5th ed., McGraw-Hill, 2003, ch. 7-9 (time value of money,
   depreciation, cash-flow profitability analysis).
.. [4] NETL, "Quality Guidelines for Energy System Studies: Cost Estimation
   Methodology for NETL Assessments of Power Plant Performance" (QGESS), 2019
   (capital expenditure periods and spend profiles, e.g. 10 %/60 %/30 % over 3 years).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tecmodel.errors import InputError

__all__ = [
    "MACRS_RECOVERY_YEARS",
    "capital_recovery_factor",
    "declining_balance",
    "irr",
    "macrs",
    "npv",
    "payback",
    "straight_line",
]

#: GDS recovery periods [yr] tabulated in IRS Publication 946, Table A-1.
MACRS_RECOVERY_YEARS = (3, 5, 7, 10, 15, 20)


# --------------------------------------------------------------------------------------
# unit handling at the boundary (duck-typed, no dependency on tecmodel.units)
# --------------------------------------------------------------------------------------
def _is_quantity(value: Any) -> bool:
    return hasattr(value, "magnitude") and hasattr(value, "units")


def _money(value: Any) -> tuple[np.ndarray, Any]:
    """Return ``(float array, units or None)`` for a money-like argument."""
    if _is_quantity(value):
        return np.asarray(value.magnitude, dtype=float), value.units
    return np.asarray(value, dtype=float), None


def _with_units(array: Any, units: Any, like: Any = None) -> Any:
    """Re-attach ``units`` (taken from the Quantity ``like``) to ``array``."""
    if units is None:
        return array
    return type(like)(array, units)


def _fraction(value: Any, name: str) -> np.ndarray:
    """A dimensionless rate as a plain float array (``8 percent`` -> ``0.08``)."""
    if _is_quantity(value):
        try:
            value = value.to("dimensionless").magnitude
        except Exception as error:  # pint raises DimensionalityError
            raise InputError(
                f"{name} must be dimensionless (a fraction per year), got {value!r}"
            ) from error
    return np.asarray(value, dtype=float)


def _describe(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim > 0 and arr.size > 4:
        return f"array of shape {arr.shape} (min {np.nanmin(arr):.6g}, max {np.nanmax(arr):.6g})"
    return repr(value.tolist() if isinstance(value, np.ndarray) else value)


def _check_rate(rate: np.ndarray, name: str) -> None:
    if np.any(rate <= -1.0):
        raise InputError(
            f"{name} must be > -1 (a fraction per period, e.g. 0.08), got {_describe(rate)}"
        )


# --------------------------------------------------------------------------------------
# NPV and IRR
# --------------------------------------------------------------------------------------
def npv(rate, cashflows):
    """Net present value of cash flows whose first element is at t = 0.

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period [1/period], > -1. Broadcasts against the leading
        axes of `cashflows` (shape ``(...)`` with cashflows ``(..., T)``).
    cashflows : array_like or Quantity, shape (..., T)
        Cash flows per period [currency]; the last axis is time, index 0 is t = 0.

    Returns
    -------
    ndarray or float or Quantity
        NPV [currency], shape ``broadcast(rate.shape, cashflows.shape[:-1])``, in the
        units of `cashflows` if they have units.

    Raises
    ------
    InputError
        If any rate is ≤ -1 or `cashflows` has no time axis.

    Notes
    -----
    .. math:: \\mathrm{NPV}(r) = \\sum_{t=0}^{T-1} \\frac{v_t}{(1+r)^t}

    The first cash flow is not discounted, as in ``numpy_financial.npv`` [2]_ and in
    spreadsheet practice with the investment entered separately; Excel's ``NPV``
    instead discounts the first value by one period.

    References
    ----------
    .. [2] numpy-financial documentation, ``npv``.

    Examples
    --------
    >>> round(float(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000])), 5)
    3065.22267
    """
    values, units = _money(cashflows)
    rate = _fraction(rate, "rate")
    if values.ndim == 0:
        raise InputError(
            f"cashflows must have a time axis (last axis), got a scalar {cashflows!r}"
        )
    _check_rate(rate, "rate")
    periods = np.arange(values.shape[-1])
    discount = (1.0 + rate[..., np.newaxis]) ** (-periods)
    result = np.sum(values * discount, axis=-1)
    result = result[()] if result.ndim == 0 else result
    return _with_units(result, units, cashflows)


def _sign_changes(values: np.ndarray) -> np.ndarray:
    """Number of sign changes along the last axis, zeros skipped (Descartes' rule)."""
    signs = np.sign(values)
    # carry the last non-zero sign forward over zeros
    index = np.where(signs != 0, np.arange(values.shape[-1]), 0)
    np.maximum.accumulate(index, axis=-1, out=index)
    filled = np.take_along_axis(signs, index, axis=-1)
    changes = (filled[..., 1:] * filled[..., :-1]) < 0
    return changes.sum(axis=-1)


def _irr_single_change(values: np.ndarray, max_iterations: int = 200) -> np.ndarray:
    """Unique root in x = 1/(1+r) > 0 of rows with exactly one sign change.

    Safeguarded Newton (rtsafe) on the polynomial p(x) = Σ v_t x^t, kept inside a
    bracket [lo, hi] from Cauchy's root bounds; a step that leaves the bracket is
    replaced by a geometric bisection. All rows iterate together.
    """
    n_rows, n_periods = values.shape
    nonzero = values != 0
    first = np.argmax(nonzero, axis=1)
    last = n_periods - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    rows = np.arange(n_rows)
    lead_low = np.abs(values[rows, first])
    lead_high = np.abs(values[rows, last])
    biggest = np.max(np.abs(values), axis=1)
    # Cauchy: every root of p(x)/x^first satisfies lo < |x| < hi.
    hi = 1.0 + biggest / lead_high
    lo = 1.0 / (1.0 + biggest / lead_low)
    sign_lo = np.sign(values[rows, first])  # sign of p(x)/x^first as x -> 0+
    degree = last - first
    powers = np.arange(n_periods)

    x = np.clip(np.full(n_rows, 1.0 / 1.1), lo, hi)
    active = np.ones(n_rows, dtype=bool)
    for _ in range(max_iterations):
        if not active.any():
            break
        ia = np.flatnonzero(active)
        xa, va = x[ia], values[ia]
        # p(x)/x^first and p'(x)/x^first, both divided by max(1, x)^degree so that no
        # power overflows; the Newton step f/df and the sign of f are unchanged.
        log_x = np.log(xa)[:, np.newaxis]
        scale = degree[ia, np.newaxis] * np.maximum(log_x, 0.0)
        shifted = powers[np.newaxis, :] - first[ia, np.newaxis]
        keep = (shifted >= 0) & (shifted <= degree[ia, np.newaxis])
        with np.errstate(over="ignore", under="ignore"):
            term = np.where(keep, np.exp(shifted * log_x - scale), 0.0)
            f = np.sum(va * term, axis=1)
            df = np.sum(
                va * shifted * np.where(keep, np.exp((shifted - 1) * log_x - scale), 0.0), axis=1
            )
        # shrink the bracket
        same_as_lo = np.sign(f) == sign_lo[ia]
        lo[ia] = np.where(same_as_lo, xa, lo[ia])
        hi[ia] = np.where(same_as_lo, hi[ia], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = xa - f / df
        inside = np.isfinite(newton) & (newton > lo[ia]) & (newton < hi[ia])
        x_new = np.where(inside, newton, np.sqrt(lo[ia] * hi[ia]))
        done = (
            (f == 0)
            | (np.abs(x_new - xa) <= 4 * np.finfo(float).eps * xa)
            | (hi[ia] - lo[ia] <= 4 * np.finfo(float).eps * hi[ia])
        )
        x[ia] = np.where(f == 0, xa, x_new)
        active[ia[done]] = False
    return x


def _irr_companion(values: np.ndarray) -> np.ndarray:
    """IRR of rows with several sign changes, following numpy-financial's rule.

    The roots of Σ v_t x^t are the eigenvalues of its companion matrix (the matrix
    ``numpy.roots`` builds); rows of equal trimmed degree are solved as one stack by
    ``numpy.linalg.eigvals``. Real roots x > 0 give rates r = 1/x - 1; the rate closest
    to zero is returned.
    """
    n_rows, n_periods = values.shape
    result = np.full(n_rows, np.nan)
    nonzero = values != 0
    first = np.argmax(nonzero, axis=1)
    last = n_periods - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    degree = last - first
    for d in np.unique(degree):
        members = np.flatnonzero(degree == d)
        if d < 1:
            continue
        # coefficients highest power first: v_last, ..., v_first
        idx = last[members, np.newaxis] - np.arange(d + 1)[np.newaxis, :]
        coefficients = np.take_along_axis(values[members], idx, axis=1)
        companion = np.zeros((members.size, d, d))
        companion[:, 0, :] = -coefficients[:, 1:] / coefficients[:, :1]
        if d > 1:
            companion[:, np.arange(1, d), np.arange(d - 1)] = 1.0
        roots = np.linalg.eigvals(companion)
        real_positive = (roots.imag == 0) & (roots.real > 0)
        with np.errstate(divide="ignore"):
            rates = np.where(real_positive, 1.0 / roots.real - 1.0, np.nan)
        any_root = real_positive.any(axis=1)
        pick = np.argmin(np.where(real_positive, np.abs(rates), np.inf), axis=1)
        chosen = np.take_along_axis(rates, pick[:, np.newaxis], axis=1)[:, 0]
        result[members] = np.where(any_root, chosen, np.nan)
    return result


def irr(cashflows):
    """Internal rate of return of each cash-flow series, vectorized over leading axes.

    Parameters
    ----------
    cashflows : array_like or Quantity, shape (..., T)
        Cash flows per period [currency]; the last axis is time, index 0 is t = 0.

    Returns
    -------
    ndarray or float
        IRR [1/period], shape ``cashflows.shape[:-1]``; NaN where no real rate
        r > -1 makes the NPV zero (e.g. all cash flows of one sign) or where a
        series contains NaN/inf.

    Notes
    -----
    The IRR solves :math:`\\sum_t v_t x^t = 0` with :math:`x = 1/(1+r) > 0`.
    By Descartes' rule of signs the number of positive roots is the number of sign
    changes in :math:`v_t` minus an even number, so

    * no sign change: no IRR, NaN;
    * one sign change (a conventional project, all investment before all return):
      exactly one root, found for the whole batch at once by a safeguarded Newton
      iteration on the polynomial, bracketed by Cauchy's root bounds and falling back
      to bisection; converged to a few ulp in x;
    * several sign changes: possibly several roots. Those rows are solved by the
      eigenvalues of the companion matrix (batched ``numpy.linalg.eigvals`` per
      polynomial degree), and the rule of ``numpy_financial.irr`` (version 1.0) [2]_
      is applied: among the real roots x > 0 (eigenvalues with exactly zero imaginary
      part), return the rate closest to zero. A double root reported by LAPACK with a
      tiny imaginary part is therefore not a rate, as in numpy-financial.

    The answer equals ``numpy_financial.irr`` row by row up to eigenvalue round-off
    (about 1e-12 for well-scaled thirty-year series; see ``benchmarks/bench_irr.py``).

    References
    ----------
    .. [2] numpy-financial documentation, ``irr``: "NPV(rate) = 0 can have more than
       one solution so we return only the solution closest to zero."

    Examples
    --------
    >>> round(float(irr([-100, 39, 59, 55, 20])), 5)
    0.28095
    """
    values, _ = _money(cashflows)
    if values.ndim == 0:
        raise InputError(
            f"cashflows must have a time axis (last axis), got a scalar {cashflows!r}"
        )
    batch_shape = values.shape[:-1]
    flat = values.reshape(-1, values.shape[-1])
    result = np.full(flat.shape[0], np.nan)
    finite = np.all(np.isfinite(flat), axis=1)
    changes = np.where(finite, _sign_changes(np.where(finite[:, None], flat, 0.0)), 0)
    single = np.flatnonzero(changes == 1)
    if single.size:
        x = _irr_single_change(flat[single])
        result[single] = 1.0 / x - 1.0
    several = np.flatnonzero(changes >= 2)
    if several.size:
        result[several] = _irr_companion(flat[several])
    result = result.reshape(batch_shape)
    return result[()] if result.ndim == 0 else result


# --------------------------------------------------------------------------------------
# depreciation schedules
# --------------------------------------------------------------------------------------
def _positive_int(value: Any, name: str) -> int:
    if _is_quantity(value):
        value = value.magnitude
    arr = np.asarray(value)
    if arr.ndim != 0 or not np.isfinite(arr) or arr < 1 or arr != np.round(arr):
        raise InputError(f"{name} must be a whole number of years ≥ 1, got {value!r}")
    return int(arr)


def _declining_balance(
    life: int, factor: float, switch: bool, first_year_fraction: float
) -> np.ndarray:
    """Declining balance, switching to straight line on the remaining life when larger.

    ``first_year_fraction`` is 0.5 for the half-year convention (the schedule then has
    ``life + 1`` entries) and 1.0 for whole years (``life`` entries).
    """
    half_year = first_year_fraction < 1.0
    n_years = life + 1 if half_year else life
    rate = factor / life
    book = 1.0
    schedule = np.zeros(n_years)
    remaining_life = float(life)
    for year in range(n_years):
        portion = first_year_fraction if (year == 0 and half_year) else 1.0
        if half_year and year == n_years - 1:
            portion = 0.5
        declining = book * rate * portion
        straight = book * min(1.0, portion / remaining_life)
        amount = max(declining, straight) if switch else declining
        if year == n_years - 1:
            amount = book  # the last year takes what is left
        amount = min(amount, book)
        schedule[year] = amount
        book -= amount
        remaining_life -= portion
    return schedule


def macrs(recovery_years):
    """MACRS (GDS) depreciation fractions, half-year convention, IRS Pub. 946 Table A-1.

    Parameters
    ----------
    recovery_years : int
        Recovery period [yr], one of 3, 5, 7, 10, 15, 20.

    Returns
    -------
    ndarray, shape (recovery_years + 1,)
        Fraction of the depreciable basis deducted in each tax year [–]; sums to 1.

    Raises
    ------
    InputError
        For any other recovery period.

    Notes
    -----
    Computed from the rule behind Table A-1 [1]_: 200 % declining balance for 3-, 5-,
    7- and 10-year property and 150 % for 15- and 20-year property, switching to
    straight line over the remaining recovery period in the first year that gives a
    larger deduction, with the half-year convention (half a year's depreciation in the
    first and in the extra last year). With rate :math:`R = f/n` and book value
    :math:`B_k`,

    .. math:: D_1 = \\tfrac12 R,\\quad D_k = \\max\\big(R B_k,\\; B_k / L_k\\big),

    where :math:`L_k = n - k + 1.5` is the remaining life at the start of year k.
    The values are unrounded; the published table rounds to 0.01 % (0.001 % for
    20-year property) and nudges a few entries so each column sums to 100 %, so the two
    agree to within one unit of the last published digit.

    References
    ----------
    .. [1] IRS Publication 946 (2023), Appendix A, Table A-1.

    Examples
    --------
    >>> np.round(100 * macrs(5), 2).tolist()
    [20.0, 32.0, 19.2, 11.52, 11.52, 5.76]
    """
    if _is_quantity(recovery_years):
        recovery_years = recovery_years.magnitude
    if np.ndim(recovery_years) != 0 or recovery_years not in MACRS_RECOVERY_YEARS:
        raise InputError(
            f"recovery_years must be one of {MACRS_RECOVERY_YEARS} (IRS Pub. 946 "
            f"Table A-1 GDS classes), got {recovery_years!r}"
        )
    life = int(recovery_years)
    factor = 2.0 if life <= 10 else 1.5
    return _declining_balance(life, factor, switch=True, first_year_fraction=0.5)


def straight_line(life):
    """Straight-line depreciation fractions, whole years, no salvage.

    Parameters
    ----------
    life : int
        Depreciation life [yr], ≥ 1.

    Returns
    -------
    ndarray, shape (life,)
        ``1/life`` in each year [–].
    """
    life = _positive_int(life, "life")
    return np.full(life, 1.0 / life)


def declining_balance(life, factor=2.0, switch_to_straight_line=True):
    """Declining-balance depreciation fractions over whole years.

    Parameters
    ----------
    life : int
        Depreciation life [yr], ≥ 1.
    factor : float, default 2.0
        Multiple of the straight-line rate (2.0 = double declining balance) [–], > 0.
    switch_to_straight_line : bool, default True
        Switch to straight line over the remaining life once that deducts more.

    Returns
    -------
    ndarray, shape (life,)
        Fraction of the basis deducted each year [–]; sums to 1.

    Notes
    -----
    Year k deducts :math:`\\max(f B_k / n,\\; B_k/(n-k+1))` of the book value
    :math:`B_k` (the straight-line term only when switching). Without the switch, the
    book value left at the end of the last year is deducted in that year so that the
    schedule sums to 1 (no salvage value), as in Peters, Timmerhaus & West [3]_ ch. 9.
    Full-year convention; :func:`macrs` applies the half-year convention.
    """
    life = _positive_int(life, "life")
    factor = float(getattr(factor, "magnitude", factor))
    if not np.isfinite(factor) or factor <= 0:
        raise InputError(f"factor must be > 0 (2.0 for double declining), got {factor!r}")
    return _declining_balance(
        life, factor, switch=bool(switch_to_straight_line), first_year_fraction=1.0
    )


# --------------------------------------------------------------------------------------
# annuities and payback
# --------------------------------------------------------------------------------------
def capital_recovery_factor(rate, years):
    """Capital recovery factor: the level annual payment that repays 1 over `years`.

    Parameters
    ----------
    rate : float or array_like
        Interest rate per year [1/yr], > -1.
    years : float or array_like
        Number of years [yr], > 0.

    Returns
    -------
    ndarray or float
        CRF [1/yr], broadcast shape of the inputs.

    Notes
    -----
    .. math:: \\mathrm{CRF} = \\frac{r(1+r)^n}{(1+r)^n - 1}
              = \\frac{r}{1 - (1+r)^{-n}} \\xrightarrow{r\\to0} \\frac1n

    evaluated as ``r / -expm1(-n log1p(r))`` to stay accurate for small r, and
    exactly ``1/n`` at r = 0 (Peters, Timmerhaus & West [3]_ ch. 7).
    """
    rate = _fraction(rate, "rate")
    years = np.asarray(getattr(years, "magnitude", years), dtype=float)
    _check_rate(rate, "rate")
    if np.any(~(years > 0)):
        raise InputError(f"years must be > 0, got {_describe(years)}")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = rate / -np.expm1(-years * np.log1p(rate))
    factor = np.where(rate == 0, 1.0 / years, factor)
    return factor[()] if factor.ndim == 0 else factor


def payback(cashflows):
    """Simple (undiscounted) payback time, vectorized over leading axes.

    Parameters
    ----------
    cashflows : array_like or Quantity, shape (..., T)
        Cash flows per period [currency]; index t is at time t (t = 0 first).

    Returns
    -------
    ndarray or float
        Time [yr] from t = 0 at which the cumulative cash flow first becomes
        non-negative, interpolated linearly within the period; 0 if the first cash
        flow is non-negative; NaN if the cumulative cash flow never becomes
        non-negative.

    Notes
    -----
    With cumulative sums :math:`C_t = \\sum_{s\\le t} v_s` and k the first index with
    :math:`C_k \\ge 0 > C_{k-1}`, the payback is :math:`(k-1) + (-C_{k-1})/v_k`. Only
    the first crossing counts: a later negative cash flow (decommissioning) that
    drives the cumulative sum below zero again does not change the answer.
    """
    values, _ = _money(cashflows)
    if values.ndim == 0:
        raise InputError(
            f"cashflows must have a time axis (last axis), got a scalar {cashflows!r}"
        )
    cumulative = np.cumsum(values, axis=-1)
    reached = cumulative >= 0
    ever = reached.any(axis=-1)
    k = np.argmax(reached, axis=-1)
    previous = np.take_along_axis(cumulative, np.maximum(k - 1, 0)[..., None], axis=-1)[..., 0]
    step = np.take_along_axis(values, k[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        time = np.where(k == 0, 0.0, (k - 1) + (-previous) / step)
    time = np.where(ever, time, np.nan)
    return time[()] if time.ndim == 0 else time
