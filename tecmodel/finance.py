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

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from tecmodel.errors import InputError

__all__ = [
    "LOSS_RULES",
    "MACRS_RECOVERY_YEARS",
    "CashFlowTable",
    "LoanSchedule",
    "capital_recovery_factor",
    "cash_flow_table",
    "declining_balance",
    "irr",
    "levelized_cost",
    "loan_schedule",
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


def _money(value: Any, name: str = "cashflows", allow_nonfinite: bool = False) -> tuple:
    """Return ``(float array, units or None)`` for a money-like argument.

    Refuses non-numeric values (strings, ``None``, booleans, ragged lists) and NaN/inf
    with an :class:`InputError` naming ``name``.
    """
    units = value.units if _is_quantity(value) else None
    raw = value.magnitude if units is not None else value
    if raw is None or isinstance(raw, bool | np.bool_ | str):
        raise InputError(f"{name} must be numbers [currency], got {_describe_raw(value)}")
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as error:
        raise InputError(
            f"{name} must be numbers [currency] (a rectangular array), got {_describe_raw(value)}"
        ) from error
    if np.asarray(raw).dtype == bool:
        raise InputError(f"{name} must be numbers, not booleans, got {_describe_raw(value)}")
    if not allow_nonfinite and not np.all(np.isfinite(array)):
        raise InputError(f"{name} must be finite (no NaN or inf), got {_describe(array)}")
    return array, units


def _in_years(value: Any, name: str) -> np.ndarray:
    """A number of years (plain, or a time Quantity converted to years) as floats."""
    if _is_quantity(value):
        try:
            value = value.to("year").magnitude
        except Exception as error:  # pint's DimensionalityError
            raise InputError(f"{name} must be a number of years, got {value!r}") from error
    array, _ = _money(value, name)
    return array


def _describe_raw(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _with_units(array: Any, units: Any, like: Any = None) -> Any:
    """Re-attach ``units`` (taken from the Quantity ``like``) to ``array``."""
    if units is None:
        return array
    return type(like)(array, units)


def _fraction(value: Any, name: str, **bounds) -> np.ndarray:
    """A dimensionless rate as a plain float array (``8 percent`` -> ``0.08``).

    Goes through the package's boundary validator (:func:`tecmodel.validation.check`):
    booleans, strings that are not quantities, NaN and inf are refused; ``bounds``
    (``low``, ``high``, ...) add a range check with the percent hint.
    """
    from .validation import check

    return np.asarray(check(value, name, "", **bounds), dtype=float)


def _describe(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim > 0 and arr.size > 4:
        return f"array of shape {arr.shape} (min {np.nanmin(arr):.6g}, max {np.nanmax(arr):.6g})"
    if isinstance(value, np.ndarray | np.generic):
        value = value.tolist()
    return repr(value)


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
    if values.ndim == 0 or values.shape[-1] == 0:
        raise InputError(
            "cashflows must have a time axis (last axis) with at least one period, got "
            f"{_describe_raw(cashflows)}"
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

    Safeguarded Newton (rtsafe) on the trimmed polynomial p(x) = Σ_k w_k x^k (w_0 the
    first and w_d the last non-zero cash flow), kept inside a bracket [lo, hi] from
    Cauchy's root bounds; a step that leaves the bracket is replaced by a geometric
    bisection. All rows iterate together. For x > 1, p is evaluated as
    x^d q(1/x) with the reversed polynomial q, so no power of x overflows.
    """
    n_rows, n_periods = values.shape
    nonzero = values != 0
    first = np.argmax(nonzero, axis=1)
    last = n_periods - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    degree = (last - first).astype(float)
    k = np.arange(n_periods)
    # coefficients of p (ascending) and of q(y) = y^d p(1/y) (ascending), zero-padded,
    # stored as (power, row) so that Horner reads contiguous rows
    index = np.minimum(first[:, None] + k, n_periods - 1)
    ascending = np.where(k <= degree[:, None], np.take_along_axis(values, index, 1), 0.0)
    index = np.maximum(last[:, None] - k, 0)
    reversed_ = np.where(k <= degree[:, None], np.take_along_axis(values, index, 1), 0.0)
    ascending, reversed_ = ascending.T.copy(), reversed_.T.copy()

    lead_low = np.abs(ascending[0])
    biggest = np.max(np.abs(ascending), axis=0)
    # Cauchy: every root of p satisfies lo < |x| < hi.
    hi = 1.0 + biggest / np.abs(reversed_[0])
    lo = 1.0 / (1.0 + biggest / lead_low)
    sign_lo = np.sign(ascending[0])  # sign of p(x) as x -> 0+

    x = np.clip(np.full(n_rows, 1.0 / 1.1), lo, hi)
    active = np.arange(n_rows)
    for _ in range(max_iterations):
        if active.size == 0:
            break
        xa = x[active]
        small = xa <= 1.0
        z = np.where(small, xa, 1.0 / xa)
        coefficients = np.where(small, ascending[:, active], reversed_[:, active])
        h = np.zeros_like(z)
        dh = np.zeros_like(z)
        for row in coefficients[::-1]:  # Horner for h(z) and h'(z)
            dh = dh * z + h
            h = h * z + row
        with np.errstate(divide="ignore", invalid="ignore"):
            # p/p' = h/h' for x <= 1; x q / (d q - y q') for x > 1 (y = 1/x)
            step = np.where(small, h / dh, xa * h / (degree[active] * h - z * dh))
        # sign of p is the sign of h; shrink the bracket
        same_as_lo = np.sign(h) == sign_lo[active]
        lo[active] = np.where(same_as_lo, xa, lo[active])
        hi[active] = np.where(same_as_lo, hi[active], xa)
        newton = xa - step
        # a Newton step of 1e-13 relative leaves an error of order its square, i.e. at
        # the round-off floor of evaluating p: accept it (clipped) and stop there
        tiny = np.abs(step) <= 1e-13 * xa
        inside = np.isfinite(newton) & (newton > lo[active]) & (newton < hi[active])
        x_new = np.where(inside, newton, np.sqrt(lo[active] * hi[active]))
        x_new = np.where(tiny, np.clip(newton, lo[active], hi[active]), x_new)
        x_new = np.where(h == 0, xa, x_new)
        done = (h == 0) | tiny | (hi[active] - lo[active] <= 4 * np.finfo(float).eps * hi[active])
        x[active] = x_new
        active = active[~done]
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
      to bisection; Horner evaluation, stopping once the Newton step is below 1e-13
      relative (the error is then at the round-off floor of evaluating the NPV);
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
    values, _ = _money(cashflows, allow_nonfinite=True)  # documented: NaN in, NaN out
    if values.ndim == 0 or values.shape[-1] == 0:
        raise InputError(
            "cashflows must have a time axis (last axis) with at least one period, got "
            f"{_describe_raw(cashflows)}"
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
    if isinstance(value, bool | np.bool_ | str) or value is None:
        raise InputError(f"{name} must be a whole number of years ≥ 1, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise InputError(f"{name} must be a whole number of years ≥ 1, got {value!r}") from error
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
    years = _in_years(years, "years")
    _check_rate(rate, "rate")
    if np.any(~(years > 0)):
        raise InputError(f"years must be > 0, got {_describe(years)}")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = rate / -np.expm1(-years * np.log1p(rate))
    factor = np.where(rate == 0, 1.0 / years, factor)
    return factor[()] if factor.ndim == 0 else factor


@dataclass(frozen=True)
class LoanSchedule:
    """Yearly debt service of a loan; per-year arrays have years on the last axis.

    Index k of the last axis is the k-th payment, made at the end of year k + 1 after
    the loan is drawn (the drawdown itself is at t = 0 and is not in the arrays).
    Loans of different tenors in one batch share the longest tenor; a shorter loan
    holds zeros after its last payment.

    Attributes
    ----------
    payment : ndarray or Quantity
        Level annual payment of the amortising years, interest plus principal
        [currency/yr]; shape of the broadcast inputs.
    interest : ndarray or Quantity, shape (..., N)
        Interest paid in each year [currency/yr] on the balance at its start.
    principal : ndarray or Quantity, shape (..., N)
        Principal repaid in each year [currency/yr]; zero in the grace years, and the
        row sums to the amount borrowed.
    balance : ndarray or Quantity, shape (..., N)
        Amount owed at the start of each year [currency], before that year's payment.
    """

    payment: Any
    interest: Any
    principal: Any
    balance: Any

    @property
    def debt_service(self):
        """Interest plus principal paid in each year [currency/yr]."""
        return self.interest + self.principal

    def __repr__(self) -> str:
        shape = np.shape(getattr(self.interest, "magnitude", self.interest))
        return f"LoanSchedule(shape={shape})"


def loan_schedule(principal, rate, years, grace_years=0):
    """Repayment schedule of a loan: interest-only grace years, then level payments.

    Parameters
    ----------
    principal : float or array_like or Quantity
        Amount borrowed at t = 0 [currency], ≥ 0.
    rate : float or array_like
        Interest rate per year [1/yr], ≥ 0 (``8 percent`` or 0.08).
    years : int or array_like of int
        Tenor [yr]: the number of annual payments, grace years included, ≥ 1.
    grace_years : int or array_like of int, default 0
        First years in which only interest is paid [yr], ≥ 0 and < `years`.

    Returns
    -------
    LoanSchedule
        ``payment`` (the level payment of the amortising years, broadcast shape of
        the inputs) and the per-year ``interest``, ``principal`` and ``balance``
        arrays of shape ``(..., max(years))``. Money carries the units of
        `principal` if it has units.

    Raises
    ------
    InputError
        For a negative principal or rate, a tenor that is not a whole number ≥ 1, or
        grace years that are not a whole number in [0, years).

    Notes
    -----
    With principal P, rate r, tenor n and g grace years, years 1..g pay the interest
    :math:`P r` only; the remaining :math:`m = n - g` years pay the level annuity

    .. math:: A = P\\,\\mathrm{CRF}(r, m) = \\frac{P\\,r}{1 - (1+r)^{-m}}

    (:func:`capital_recovery_factor`; :math:`A = P/m` at r = 0), of which the interest
    is :math:`r B` on the balance B at the start of the year and the rest repays
    principal. The last payment repays whatever balance is left, so the principal
    column sums to P to round-off, and the debt service discounted at r is worth P
    (Peters, Timmerhaus & West [3]_ ch. 7).

    Examples
    --------
    >>> schedule = loan_schedule(100.0, 0.08, 10)
    >>> round(float(schedule.payment), 4)
    14.903
    """
    amount, units = _money(principal, "principal")
    rate = _fraction(rate, "rate")
    if np.any(amount < 0):
        raise InputError(f"principal must be >= 0 [currency], got {_describe(amount)}")
    if np.any(rate < 0):
        raise InputError(
            f"rate must be >= 0 (a fraction per year, e.g. 0.08), got {_describe(rate)}"
        )
    tenor = _years(years, "years")
    grace = _in_years(grace_years, "grace_years")
    if np.any(grace < 0) or np.any(grace != np.round(grace)):
        raise InputError(
            f"grace_years must be a whole number of years >= 0, got {_describe(grace)}"
        )
    grace = grace.astype(int)
    if np.any(grace >= tenor):
        raise InputError(
            f"grace_years must be fewer than years (at least one repaying year), got "
            f"grace_years={_describe(grace)} and years={_describe(tenor)}"
        )
    shape = np.broadcast_shapes(amount.shape, rate.shape, tenor.shape, grace.shape)
    amount, rate, tenor, grace = (np.broadcast_to(v, shape) for v in (amount, rate, tenor, grace))
    payment = amount * capital_recovery_factor(rate, tenor - grace)
    payment = np.asarray(payment, dtype=float)
    n_years = int(np.max(tenor)) if tenor.size else 1
    interest = np.zeros((*shape, n_years))
    repaid = np.zeros((*shape, n_years))
    owed = np.zeros((*shape, n_years))
    balance = np.array(amount, dtype=float)
    for k in range(n_years):
        owed[..., k] = balance
        interest[..., k] = np.where(k < tenor, rate * balance, 0.0)
        amortising = (k >= grace) & (k < tenor)
        last = k == tenor - 1
        part = np.where(last, balance, np.where(amortising, payment - rate * balance, 0.0))
        repaid[..., k] = part
        balance = balance - part
    result = [payment[()] if payment.ndim == 0 else payment, interest, repaid, owed]
    if units is not None:
        result = [_with_units(value, units, principal) for value in result]
    return LoanSchedule(*result)


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
    if values.ndim == 0 or values.shape[-1] == 0:
        raise InputError(
            "cashflows must have a time axis (last axis) with at least one period, got "
            f"{_describe_raw(cashflows)}"
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


# --------------------------------------------------------------------------------------
# cash-flow table
# --------------------------------------------------------------------------------------
LOSS_RULES = ("carry_forward", "offset")
_TABLE_FIELDS = (
    "capital_spend",
    "working_capital",
    "revenue",
    "operating_cost",
    "depreciation",
    "salvage",
    "taxable_income",
    "tax",
    "after_tax_cash_flow",
    "discounted_cash_flow",
)
#: Columns the policy and finance levers add (zero when no lever is set).
_LEVER_FIELDS = (
    "grant",
    "tax_credit",
    "price_support",
    "sustaining_capital",
    "closure_cost",
    "debt_drawdown",
    "interest",
    "principal_repaid",
    "project_cash_flow",
)
#: How a capital grant is taxed: as income when received, or as a cut in the
#: depreciable basis (the grant itself untaxed).
GRANT_TREATMENTS = ("taxable", "basis_reduction")
#: What the production credit is a fraction of: the year's operating cost, or the
#: operating cost plus the year's scheduled tax depreciation (see ``production_credit_base``).
PRODUCTION_CREDIT_BASES = ("operating_cost", "operating_cost_and_depreciation")


@dataclass(frozen=True)
class CashFlowTable:
    """Yearly cash flows of a project; every array has years on the last axis.

    Index 0 of the last axis is the first construction year (t = 0, undiscounted);
    money arrays have shape ``(..., T)`` with ``T = construction_years + plant_life``
    (the longest life in the batch). Outflows are negative in
    ``after_tax_cash_flow`` and ``discounted_cash_flow``; the itemised columns
    (capital spend, operating cost, tax, ...) are positive amounts.

    Attributes
    ----------
    year : ndarray of int, shape (T,)
        Year index t [yr] from the start of construction.
    capital_spend : array [currency/yr]
        Capital spent in each year, escalated by inflation.
    working_capital : array [currency/yr]
        Working capital tied up (> 0) or released (< 0) in each year.
    revenue, operating_cost : array [currency/yr]
        Product revenue and operating cost, after ramp-up and inflation.
    depreciation : array [currency/yr]
        Tax depreciation of the capital spent.
    salvage : array [currency/yr]
        Salvage value received in the last operating year.
    taxable_income : array [currency/yr]
        revenue - operating_cost - depreciation + salvage.
    tax : array [currency/yr]
        Income tax paid (negative = credit, only with ``loss_rule="offset"``).
    after_tax_cash_flow : array [currency/yr]
        revenue - operating_cost + salvage - tax - capital_spend - working_capital.
    discounted_cash_flow : array [currency/yr]
        ``after_tax_cash_flow / (1 + discount_rate)**year``.
    grant : array [currency/yr]
        Capital grant received, in step with the capital spend.
    tax_credit : array [currency/yr]
        Investment and production tax credits received as cash (refundable or sold).
    price_support : array [currency/yr]
        Price-floor top-up received (> 0) or upside shared above a cap (< 0); taxed.
    sustaining_capital : array [currency/yr]
        Sustaining capital spent in each operating year (deducted when spent).
    closure_cost : array [currency/yr]
        Closure and decommissioning paid in the last operating year (deducted).
    debt_drawdown : array [currency/yr]
        Debt drawn to pay the capital spend (less any grant).
    interest : array [currency/yr]
        Interest paid on the debt.
    principal_repaid : array [currency/yr]
        Debt principal repaid.
    project_cash_flow : array [currency/yr]
        The unlevered cash flow: ``after_tax_cash_flow`` without the debt's flows and
        with tax computed without the interest deduction. ``after_tax_cash_flow`` is the
        equity holders' cash flow; the two are equal when there is no debt.
    """

    year: np.ndarray
    capital_spend: Any
    working_capital: Any
    revenue: Any
    operating_cost: Any
    depreciation: Any
    salvage: Any
    taxable_income: Any
    tax: Any
    after_tax_cash_flow: Any
    discounted_cash_flow: Any
    grant: Any = None
    tax_credit: Any = None
    price_support: Any = None
    sustaining_capital: Any = None
    closure_cost: Any = None
    debt_drawdown: Any = None
    interest: Any = None
    principal_repaid: Any = None
    project_cash_flow: Any = None

    @property
    def npv(self):
        """Net present value [currency]: the sum of the discounted cash flows."""
        return self.discounted_cash_flow.sum(axis=-1)

    @property
    def equity_irr(self):
        """IRR of the equity holders' cash flow, ``after_tax_cash_flow`` [1/yr]."""
        return irr(self.after_tax_cash_flow)

    @property
    def project_irr(self):
        """IRR of the unlevered ``project_cash_flow`` [1/yr]."""
        unlevered = self.project_cash_flow
        return irr(self.after_tax_cash_flow if unlevered is None else unlevered)

    @property
    def cumulative_cash_flow(self):
        """Undiscounted cumulative after-tax cash flow [currency]."""
        return self.after_tax_cash_flow.cumsum(axis=-1)

    def to_dict(self) -> dict[str, Any]:
        """Columns by name (``year`` first), arrays or Quantities as stored; the lever
        columns only when a lever was set."""
        return {
            item.name: getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name) is not None
        }

    def __repr__(self) -> str:
        shape = np.shape(getattr(self.after_tax_cash_flow, "magnitude", self.after_tax_cash_flow))
        return f"CashFlowTable(years={self.year.size}, shape={shape}, columns={_TABLE_FIELDS})"


def _years(value: Any, name: str) -> np.ndarray:
    arr = _in_years(value, name)
    if np.any(~np.isfinite(arr)) or np.any(arr < 1) or np.any(arr != np.round(arr)):
        raise InputError(f"{name} must be a whole number of years ≥ 1, got {_describe(value)}")
    return arr.astype(int)


def _schedule(depreciation: Any, depreciation_life: Any, plant_life: np.ndarray) -> np.ndarray:
    """Depreciation fractions by operating year from a method name or an explicit list."""
    if isinstance(depreciation, str):
        name = depreciation.lower()
        if name.startswith("macrs"):
            digits = name[5:]
            if digits.isdigit() and int(digits) in MACRS_RECOVERY_YEARS:
                return macrs(int(digits))
        elif name in ("straight_line", "declining_balance"):
            if depreciation_life is None:
                if plant_life.ndim != 0:
                    raise InputError(
                        "depreciation_life must be given when plant_life varies across "
                        f"samples and depreciation={depreciation!r}, got None"
                    )
                depreciation_life = int(plant_life)
            if name == "straight_line":
                return straight_line(depreciation_life)
            return declining_balance(depreciation_life)
        valid = [f"macrs{n}" for n in MACRS_RECOVERY_YEARS] + ["straight_line"]
        raise InputError(
            f"depreciation must be one of {[*valid, 'declining_balance']} or a sequence of "
            f"fractions summing to 1, got {depreciation!r}"
        )
    schedule = _fraction(depreciation, "depreciation")
    if schedule.ndim != 1 or abs(schedule.sum() - 1.0) > 1e-9 or np.any(schedule < 0):
        raise InputError(
            "depreciation fractions must be a 1-D sequence of non-negative numbers summing "
            f"to 1, got {_describe(schedule)} (sum {schedule.sum():.6g})"
        )
    return schedule


def _cash_flow_arrays(
    capital,
    revenue,
    operating_cost,
    *,
    discount_rate,
    plant_life,
    construction_years,
    spend_profile,
    ramp_up,
    working_capital,
    salvage_fraction,
    tax_rate,
    schedule,
    loss_rule,
    inflation,
    levers=None,
):
    """Kernel of :func:`cash_flow_table` on validated plain arrays; returns a dict.

    ``plant_life`` is an int array (batch-broadcastable), ``construction_years`` an
    int, ``spend_profile`` (construction_years,), ``ramp_up`` (R,), ``schedule`` (D,).
    ``levers``: None, or the policy and finance levers :func:`_prepare_levers` checked
    (their arithmetic is :func:`_lever_columns`); None leaves every number as it was
    before the levers existed, bit for bit.
    """
    batch = np.broadcast_shapes(
        np.shape(capital),
        np.shape(revenue),
        np.shape(operating_cost),
        np.shape(discount_rate),
        np.shape(plant_life),
        np.shape(working_capital),
        np.shape(salvage_fraction),
        np.shape(tax_rate),
        np.shape(inflation),
    )
    n_build = construction_years
    longest = int(np.max(plant_life))
    n_years = n_build + longest
    year = np.arange(n_years)
    op = year - n_build  # operating-year index j (negative during construction)

    def col(value):  # batch value as a column against the year axis
        return np.asarray(value, dtype=float)[..., np.newaxis]

    life = np.asarray(plant_life)[..., np.newaxis]
    operating = (op >= 0) & (op < life)
    last = op == life - 1
    escalation = (1.0 + col(inflation)) ** year
    capacity = np.ones(n_years)
    ramp_years = min(len(ramp_up), longest)
    capacity[n_build : n_build + ramp_years] = ramp_up[:ramp_years]

    spend = np.zeros(n_years)
    spend[:n_build] = spend_profile
    capital_spend = col(capital) * spend * escalation
    basis = capital_spend.sum(axis=-1, keepdims=True)

    working = col(working_capital) * col(capital) * escalation[..., n_build - 1 : n_build]
    working_capital_flow = np.where(year == n_build - 1, working, 0.0) - np.where(
        last, working, 0.0
    )
    revenue_t = np.where(operating, col(revenue) * capacity * escalation, 0.0)
    cost_t = np.where(operating, col(operating_cost) * capacity * escalation, 0.0)
    salvage_t = np.where(last, col(salvage_fraction) * col(capital) * escalation, 0.0)

    # depreciation by operating year; what is left at retirement is written off then
    fractions = np.zeros(n_years)
    length = min(schedule.size, longest)
    fractions[n_build : n_build + length] = schedule[:length]
    before = np.cumsum(fractions) - fractions  # depreciated before year t
    written_off = np.where(last, 1.0 - before, fractions)
    depreciation_t = basis * np.where(operating, written_off, 0.0)

    if levers is not None:
        batch = np.broadcast_shapes(batch, levers["shape"])
        return _cash_flow_with_levers(
            levers,
            locals_=dict(
                batch=batch,
                year=year,
                op=op,
                life=life,
                operating=operating,
                last=last,
                escalation=escalation,
                capacity=capacity,
                spend=spend,
                capital=col(capital),
                capital_spend=capital_spend,
                working_capital_flow=working_capital_flow,
                revenue_t=revenue_t,
                cost_t=cost_t,
                salvage_t=salvage_t,
                written_off=np.where(operating, written_off, 0.0),
                scheduled=np.where(operating, fractions, 0.0),
                tax_rate=tax_rate,
                loss_rule=loss_rule,
                discount_rate=discount_rate,
                n_build=n_build,
            ),
        )
    taxable = revenue_t - cost_t - depreciation_t + salvage_t
    taxable = np.broadcast_to(taxable, (*batch, n_years))
    tax = _income_tax(taxable, tax_rate, loss_rule, batch)

    after_tax = revenue_t - cost_t + salvage_t - tax - capital_spend - working_capital_flow
    after_tax = np.broadcast_to(after_tax, (*batch, n_years))
    discounted = after_tax / (1.0 + col(discount_rate)) ** year
    full = (*batch, n_years)
    return {
        "year": year,
        "capital_spend": np.broadcast_to(capital_spend, full),
        "working_capital": np.broadcast_to(working_capital_flow, full),
        "revenue": np.broadcast_to(revenue_t, full),
        "operating_cost": np.broadcast_to(cost_t, full),
        "depreciation": np.broadcast_to(depreciation_t, full),
        "salvage": np.broadcast_to(salvage_t, full),
        "taxable_income": taxable,
        "tax": tax,
        "after_tax_cash_flow": after_tax,
        "discounted_cash_flow": discounted,
    }


def _income_tax(taxable, tax_rate, loss_rule, batch):
    """Income tax by year of a (batch, years) taxable income (see :func:`cash_flow_table`)."""
    if loss_rule == "offset":
        return np.asarray(tax_rate, dtype=float)[..., np.newaxis] * taxable
    # carry_forward: losses reduce later taxable income, without limit or expiry
    tax = np.zeros_like(taxable)
    pool = np.zeros(batch)
    rate_flat = np.broadcast_to(np.asarray(tax_rate, dtype=float), batch)
    for t in range(taxable.shape[-1]):
        income = taxable[..., t]
        used = np.minimum(pool, np.maximum(income, 0.0))
        tax[..., t] = rate_flat * (np.maximum(income, 0.0) - used)
        pool = pool - used + np.maximum(-income, 0.0)
    return tax


def _cash_flow_with_levers(levers, locals_):
    """The cash-flow columns with the policy and finance levers (module of record:
    :func:`cash_flow_table`, parameters ``debt_fraction`` to ``closure_cost``).

    Every lever amount is escalated by inflation like the flows it belongs to. The
    grant arrives in step with the capital spend; the debt pays ``debt_fraction`` of
    the capital spend net of the grant, drawn as it is spent; during construction the
    interest on what is drawn is paid (and deducted, like all interest when
    ``interest_deductible``); from the first operating year the balance is repaid by
    :func:`loan_schedule`. The project (unlevered) cash flow has its own tax, without
    the interest deduction.
    """
    v = locals_
    batch, year, n_build = v["batch"], v["year"], v["n_build"]
    n_years = year.size
    full = (*batch, n_years)

    def col(value):
        return np.asarray(value, dtype=float)[..., np.newaxis]

    operating, last, escalation = v["operating"], v["last"], v["escalation"]
    op = v["op"]
    capital_spend = v["capital_spend"]
    spend_share = v["spend"] * escalation  # grant and debt follow the spend profile
    grant_t = np.minimum(col(levers["grant"]), v["capital"]) * spend_share
    basis = capital_spend.sum(axis=-1, keepdims=True)
    if levers["grant_treatment"] == "basis_reduction":
        basis = basis - grant_t.sum(axis=-1, keepdims=True)
    # investment credit on the basis, received in the first operating year; the basis
    # is then reduced by half the credit (as 26 U.S.C. 50(c)(3) does for energy credits)
    investment_credit = col(levers["investment_credit_rate"]) * basis
    basis = basis - 0.5 * investment_credit
    credit_t = np.where(year == n_build, investment_credit, 0.0)
    phase = np.ones(n_years)
    schedule = levers["production_credit_schedule"]
    if schedule is not None:  # its last entry holds for the later years
        phase[n_build:] = schedule[np.minimum(np.arange(n_years - n_build), schedule.size - 1)]
    credit_base_t = v["cost_t"]
    if levers["production_credit_base"] == "operating_cost_and_depreciation":
        # the year's scheduled depreciation of the basis actually depreciated (after any
        # grant or investment-credit reduction); the write-off at retirement is not added
        credit_base_t = credit_base_t + basis * v["scheduled"]
    credit_t = credit_t + col(levers["production_credit_rate"]) * credit_base_t * phase
    support_t = np.zeros(full)
    for amount, years in levers["top_up"]:
        paid = operating & (op < col(years))
        support_t = support_t + np.where(paid, col(amount) * v["capacity"] * escalation, 0.0)
    revenue_t = v["revenue_t"]
    adjustment = levers["revenue_adjustment"]
    if adjustment is not None:  # by operating year; the last entry holds for later years
        j = np.clip(op, 0, adjustment.shape[-1] - 1)
        by_year = np.take(adjustment, j, axis=-1)
        revenue_t = revenue_t + np.where(operating, by_year * v["capacity"] * escalation, 0.0)
    sustaining_t = np.where(
        operating, col(levers["sustaining_capital_fraction"]) * v["capital"] * escalation, 0.0
    )
    interval = levers["replacement_interval"]
    if interval is not None:  # every `interval` operating years, not in the last year
        replaced = operating & ((op + 1) % interval == 0) & ~last
        sustaining_t = sustaining_t + np.where(
            replaced, col(levers["replacement_fraction"]) * v["capital"] * escalation, 0.0
        )
    closure_t = np.where(last, col(levers["closure_cost"]) * escalation, 0.0)
    depreciation_t = basis * v["written_off"]

    # debt: drawn with the spend, interest-only during construction, then amortised
    draw_t = col(levers["debt_fraction"]) * (capital_spend - grant_t)
    rate = col(levers["debt_rate"])
    drawn = draw_t.sum(axis=-1)
    interest_t = np.zeros(np.broadcast_shapes(full, draw_t.shape))
    repaid_t = np.zeros_like(interest_t)
    cumulative = np.cumsum(draw_t, axis=-1)
    interest_t[..., 1:n_build] = (rate * cumulative)[..., : n_build - 1]
    if np.any(drawn):
        loan = loan_schedule(
            drawn, levers["debt_rate"], levers["debt_years"], levers["grace_years"]
        )
        tenor = min(loan.interest.shape[-1], n_years - n_build)
        interest_t[..., n_build : n_build + tenor] = loan.interest[..., :tenor]
        repaid_t[..., n_build : n_build + tenor] = loan.principal[..., :tenor]

    cost_t, salvage_t = v["cost_t"], v["salvage_t"]
    taxable_project = (
        revenue_t
        - cost_t
        - depreciation_t
        + salvage_t
        + support_t
        - sustaining_t
        - closure_t
        + (grant_t if levers["grant_treatment"] == "taxable" else 0.0)
    )
    taxable_project = np.broadcast_to(taxable_project, full)
    deduction = interest_t if levers["interest_deductible"] else 0.0
    taxable = np.broadcast_to(taxable_project - deduction, full)
    tax = _income_tax(taxable, v["tax_rate"], v["loss_rule"], batch)
    tax_project = _income_tax(taxable_project, v["tax_rate"], v["loss_rule"], batch)

    # the plain table's sum, in its order (so levers at zero give its bits), then the levers
    def after(tax_paid):
        return (
            revenue_t
            - cost_t
            + salvage_t
            - tax_paid
            - capital_spend
            - v["working_capital_flow"]
            + grant_t
            + credit_t
            + support_t
            - sustaining_t
            - closure_t
        )

    project = np.broadcast_to(after(tax_project), full)
    after_tax = np.broadcast_to(after(tax) + draw_t - interest_t - repaid_t, full)
    discounted = after_tax / (1.0 + col(v["discount_rate"])) ** year
    columns = {
        "year": year,
        "capital_spend": capital_spend,
        "working_capital": v["working_capital_flow"],
        "revenue": revenue_t,
        "operating_cost": cost_t,
        "depreciation": depreciation_t,
        "salvage": salvage_t,
        "taxable_income": taxable,
        "tax": tax,
        "after_tax_cash_flow": after_tax,
        "discounted_cash_flow": discounted,
        "grant": grant_t,
        "tax_credit": credit_t,
        "price_support": support_t,
        "sustaining_capital": sustaining_t,
        "closure_cost": closure_t,
        "debt_drawdown": draw_t,
        "interest": interest_t,
        "principal_repaid": repaid_t,
        "project_cash_flow": project,
    }
    return {k: (c if k == "year" else np.broadcast_to(c, full)) for k, c in columns.items()}


def _registry_of(*values):
    for value in values:
        if _is_quantity(value) and hasattr(value, "_REGISTRY"):
            return value._REGISTRY
    return None


def _prepare(
    capital,
    annual_amounts,
    discount_rate,
    plant_life,
    construction_years,
    capital_spend_profile,
    ramp_up,
    working_capital,
    salvage_fraction,
    tax_rate,
    depreciation,
    depreciation_life,
    loss_rule,
    inflation,
    levers=None,
):
    """Validate arguments and strip units; returns (money units, arrays, kernel kwargs).

    ``levers``: the policy and finance levers by name (see :data:`_LEVER_DEFAULTS`);
    they enter the kernel's arguments as ``levers`` only when one is not at its default.
    """
    registry = _registry_of(capital, *annual_amounts)
    money_units = capital.units if _is_quantity(capital) else None
    plain = [_money(capital, "capital")[0]]
    for value in annual_amounts:
        if _is_quantity(value) != (money_units is not None):
            raise InputError(
                "give capital [currency] and the annual amounts [currency/yr] either all "
                f"with units or all as plain numbers, got capital={capital!r} and {value!r}"
            )
        if money_units is None:
            plain.append(_money(value, "annual amount")[0])
            continue
        try:
            converted = value.to(money_units / registry.year)
        except Exception as error:  # pint's DimensionalityError
            raise InputError(
                f"annual amounts must be in currency per year like {money_units}/yr, got {value!r}"
            ) from error
        plain.append(_money(converted, "annual amount")[0])

    # a discount rate above 100 % a year is a percent typed as a number (10 for 10 %)
    rate = _fraction(discount_rate, "discount_rate", high=1.0, percent_hint=True)
    _check_rate(rate, "discount_rate")
    life = _in_years(plant_life, "plant_life")
    from .validation import MAX_ELEMENTS, check_size

    if life.size and np.max(life) > MAX_ELEMENTS:  # before any int conversion or allocation
        check_size(np.max(life), "the cash-flow table (years of plant_life)")
    if np.any(~(life > 0)):
        raise InputError(f"plant_life must be > 0 years of operation, got {_describe(plant_life)}")
    life = _years(life, "plant_life")
    n_build = _years(construction_years, "construction_years")
    if n_build.ndim != 0:
        raise InputError(
            f"construction_years must be one whole number (it sets the table length), "
            f"got {_describe(construction_years)}"
        )
    n_build = int(n_build)
    # the table holds (samples × years) values in each of a dozen columns: refuse a size
    # that would exhaust memory before anything is allocated

    batch = np.broadcast_shapes(*(np.shape(v) for v in plain), np.shape(rate), np.shape(life))
    check_size(
        (n_build + int(np.max(life))) * int(np.prod(batch, dtype=float)),
        f"the cash-flow table ({int(np.prod(batch))} samples × "
        f"{n_build + int(np.max(life))} years)",
    )
    if capital_spend_profile is None:
        profile = np.full(n_build, 1.0 / n_build)
    else:
        profile = np.atleast_1d(_fraction(capital_spend_profile, "capital_spend_profile"))
        if profile.ndim != 1 or profile.size != n_build:
            raise InputError(
                f"capital_spend_profile must have one fraction per construction year "
                f"({n_build}), got {_describe(profile)}"
            )
        if abs(profile.sum() - 1.0) > 1e-9 or np.any(profile < 0):
            raise InputError(
                "capital_spend_profile must be non-negative fractions summing to 1, got "
                f"{_describe(profile)} (sum {profile.sum():.6g})"
            )
    ramp = np.asarray(_fraction(ramp_up, "ramp_up"), dtype=float).reshape(-1)
    if ramp.ndim != 1 or np.any(ramp < 0):
        raise InputError(
            f"ramp_up must be a sequence of capacity fractions ≥ 0, got {_describe(ramp)}"
        )
    taxes = _fraction(tax_rate, "tax_rate")
    if np.any(~((taxes >= 0) & (taxes < 1))):
        raise InputError(f"tax_rate must be in [0, 1), got {_describe(tax_rate)}")
    working = _fraction(working_capital, "working_capital")
    salvage = _fraction(salvage_fraction, "salvage_fraction")
    if np.any(~(working >= 0)):
        raise InputError(f"working_capital must be ≥ 0, got {_describe(working_capital)}")
    if np.any(~(salvage >= 0)):
        raise InputError(f"salvage_fraction must be ≥ 0, got {_describe(salvage_fraction)}")
    inflation = _fraction(inflation, "inflation", high=1.0, percent_hint=True)
    _check_rate(inflation, "inflation")
    if loss_rule not in LOSS_RULES:
        raise InputError(f"loss_rule must be one of {LOSS_RULES}, got {loss_rule!r}")
    schedule = _schedule(depreciation, depreciation_life, life)
    kwargs = {
        "discount_rate": rate,
        "plant_life": life,
        "construction_years": n_build,
        "spend_profile": profile,
        "ramp_up": ramp,
        "working_capital": working,
        "salvage_fraction": salvage,
        "tax_rate": taxes,
        "schedule": schedule,
        "loss_rule": loss_rule,
        "inflation": inflation,
    }
    checked = None if levers is None else _prepare_levers(levers, life, money_units, registry)
    if checked is not None:
        kwargs["levers"] = checked
    return money_units, registry, plain, kwargs


#: The levers' values that leave the cash flow as it is without them.
_LEVER_DEFAULTS = {
    "debt_fraction": 0.0,
    "debt_rate": 0.0,
    "debt_years": None,
    "grace_years": 0,
    "interest_deductible": True,
    "grant": 0.0,
    "grant_treatment": "taxable",
    "investment_credit_rate": 0.0,
    "production_credit_rate": 0.0,
    "production_credit_schedule": None,
    "production_credit_base": "operating_cost",
    "price_support": 0.0,
    "price_support_years": None,
    "revenue_adjustment": None,
    "sustaining_capital_fraction": 0.0,
    "replacement_fraction": 0.0,
    "replacement_interval": None,
    "closure_cost": 0.0,
}


def _is_default(name: str, value: Any) -> bool:
    default = _LEVER_DEFAULTS[name]
    if default is None or isinstance(default, bool | str):
        return value is default or (isinstance(default, str) and value == default)
    if _is_quantity(value):
        return False
    try:
        return np.ndim(value) == 0 and float(value) == default
    except (TypeError, ValueError):
        return False


def _amount(value, name, money_units, registry, per_year):
    """A money amount (per year if ``per_year``) as plain floats in the table's units."""
    if money_units is None or not _is_quantity(value):
        if money_units is not None and np.any(np.asarray(value) != 0):
            raise InputError(
                f"{name} must carry units like capital ({money_units}"
                f"{'/yr' if per_year else ''}) when capital has units, got {value!r}"
            )
        array, _ = _money(getattr(value, "magnitude", value), name)
        return array
    target = money_units / registry.year if per_year else money_units
    try:
        return _money(value.to(target), name)[0]
    except InputError:
        raise
    except Exception as error:  # pint's DimensionalityError
        raise InputError(f"{name} must be in {target}, got {value!r}") from error


def _prepare_levers(levers: dict, life: np.ndarray, money_units, registry) -> dict | None:
    """Check the policy and finance levers; None when every one is at its default."""
    if all(_is_default(name, value) for name, value in levers.items()):
        return None
    out = {}
    fraction_bounds = {"low": 0.0, "high": 1.0}
    out["debt_fraction"] = _fraction(levers["debt_fraction"], "debt_fraction", **fraction_bounds)
    out["debt_rate"] = _fraction(
        levers["debt_rate"], "debt_rate", low=0.0, high=1.0, percent_hint=True
    )
    tenor = life if levers["debt_years"] is None else _years(levers["debt_years"], "debt_years")
    if np.any(tenor > life):
        raise InputError(
            "debt_years must not exceed plant_life (the debt is repaid while the plant "
            f"operates), got debt_years={_describe(tenor)} and plant_life={_describe(life)}"
        )
    grace = _in_years(levers["grace_years"], "grace_years")
    if np.any(grace < 0) or np.any(grace != np.round(grace)) or np.any(grace >= tenor):
        raise InputError(
            "grace_years must be a whole number of years >= 0 and fewer than debt_years, got "
            f"{_describe(grace)}"
        )
    out["debt_years"], out["grace_years"] = tenor, grace.astype(int)
    if not isinstance(levers["interest_deductible"], bool | np.bool_):
        raise InputError(
            f"interest_deductible must be True or False, got {levers['interest_deductible']!r}"
        )
    out["interest_deductible"] = bool(levers["interest_deductible"])
    out["grant"] = _amount(levers["grant"], "grant", money_units, registry, per_year=False)
    if np.any(out["grant"] < 0):
        raise InputError(f"grant must be >= 0 [currency], got {_describe(out['grant'])}")
    if levers["grant_treatment"] not in GRANT_TREATMENTS:
        raise InputError(
            f"grant_treatment must be one of {GRANT_TREATMENTS}, got {levers['grant_treatment']!r}"
        )
    out["grant_treatment"] = levers["grant_treatment"]
    for name in (
        "investment_credit_rate",
        "production_credit_rate",
        "sustaining_capital_fraction",
    ):
        out[name] = _fraction(levers[name], name, **fraction_bounds)
    schedule = levers["production_credit_schedule"]
    if schedule is not None:
        schedule = np.atleast_1d(_fraction(schedule, "production_credit_schedule", low=0.0))
        if schedule.ndim != 1 or schedule.size == 0:
            raise InputError(
                "production_credit_schedule must be a 1-D sequence of multipliers, one per "
                f"operating year, got {_describe(schedule)}"
            )
    out["production_credit_schedule"] = schedule
    if levers["production_credit_base"] not in PRODUCTION_CREDIT_BASES:
        raise InputError(
            f"production_credit_base must be one of {PRODUCTION_CREDIT_BASES}, got "
            f"{levers['production_credit_base']!r}"
        )
    out["production_credit_base"] = levers["production_credit_base"]
    out["replacement_fraction"] = _fraction(
        levers["replacement_fraction"], "replacement_fraction", **fraction_bounds
    )
    interval = levers["replacement_interval"]
    if interval is not None:
        interval = _years(interval, "replacement_interval")
        if np.ndim(interval):
            raise InputError(
                f"replacement_interval must be one whole number of years, got {interval!r}"
            )
        interval = int(interval)
    if np.any(out["replacement_fraction"] > 0) and interval is None:
        raise InputError(
            "replacement_fraction needs replacement_interval, the years between "
            "replacements (e.g. 10), got None"
        )
    out["replacement_interval"] = interval
    out["closure_cost"] = _amount(
        levers["closure_cost"], "closure_cost", money_units, registry, per_year=False
    )
    if np.any(out["closure_cost"] < 0):
        raise InputError(
            f"closure_cost must be >= 0 [currency], got {_describe(out['closure_cost'])}"
        )
    support, years = levers["price_support"], levers["price_support_years"]
    if not isinstance(support, tuple):
        support, years = (support,), (years,)
    if not isinstance(years, tuple) or len(years) != len(support):
        raise InputError(
            "price_support_years must match price_support: one number of years (or None, "
            f"the whole life) per amount, got {years!r} for {len(support)} amounts"
        )
    out["top_up"] = []
    for amount, paid_years in zip(support, years, strict=True):
        amount = _amount(amount, "price_support", money_units, registry, per_year=True)
        paid_years = life if paid_years is None else _years(paid_years, "price_support_years")
        out["top_up"].append((amount, paid_years))
    adjustment = levers["revenue_adjustment"]
    if adjustment is not None:
        adjustment = _amount(
            adjustment, "revenue_adjustment", money_units, registry, per_year=True
        )
        if adjustment.ndim == 0 or adjustment.shape[-1] == 0:
            raise InputError(
                "revenue_adjustment must have an axis of operating years (last axis), got "
                f"{_describe(adjustment)}"
            )
    out["revenue_adjustment"] = adjustment
    shapes = [
        np.shape(v)
        for k, v in out.items()
        if isinstance(v, np.ndarray)
        and k not in ("production_credit_schedule", "revenue_adjustment", "replacement_interval")
    ]
    shapes += [np.shape(a) for pair in out["top_up"] for a in pair]
    if adjustment is not None:
        shapes.append(adjustment.shape[:-1])
    out["shape"] = np.broadcast_shapes(*shapes)
    return out


# the policy levers both cash_flow_table and levelized_cost take, documented once
_LEVER_PARAMETERS = """debt_fraction : float or array_like, default 0.0
        Share of the capital spend (less any grant) paid with debt [–], in [0, 1].
        Debt is drawn as the capital is spent; interest on what is drawn is paid during
        construction, and from the first operating year the balance is repaid as
        :func:`loan_schedule` sets out. With debt, ``after_tax_cash_flow``, the NPV and
        the levelized cost are the equity holders' (discounted at `discount_rate`, the
        cost of equity); ``project_cash_flow`` is the unlevered cash flow.
    debt_rate : float or array_like, default 0.0
        Interest rate on the debt [1/yr], in [0, 1].
    debt_years : int or array_like of int, optional
        Tenor of the debt from the first operating year [yr], grace years included,
        at most `plant_life`. Default: `plant_life`.
    grace_years : int or array_like of int, default 0
        First operating years in which only interest is paid [yr], fewer than
        `debt_years`.
    interest_deductible : bool, default True
        Interest is deducted from taxable income (26 U.S.C. 163(a); the 30 % limit of
        163(j) is not applied).
    grant : float or array_like or Quantity, default 0.0
        Capital grant [currency] in money of t = 0 (e.g. a Defense Production Act Title
        III award), received in step with the capital spend and at most the capital.
    grant_treatment : {"taxable", "basis_reduction"}, default "taxable"
        ``"taxable"``: the grant is income in the year it is received (since Pub. L.
        115-97 (2017), 26 U.S.C. 118(b)(2) no longer excludes a contribution by a
        governmental entity from income); ``"basis_reduction"``: the grant is not
        taxed and the depreciable basis is reduced by it.
    investment_credit_rate : float or array_like, default 0.0
        Investment tax credit as a fraction of the depreciable basis [–] (e.g. the
        30 % of 26 U.S.C. 48C), received in the first operating year; the basis is
        reduced by half the credit, as 26 U.S.C. 50(c)(3) does for energy credits.
    production_credit_rate : float or array_like, default 0.0
        Production tax credit as a fraction of the year's production costs [–], as
        `production_credit_base` defines them (0.10 for critical minerals under
        26 U.S.C. 45X(b)(1)(M): 10 % of the costs of production). Credits are cash in
        the year earned, as with a transfer or an elective payment (26 U.S.C. 6417,
        6418), and are not taxed.
    production_credit_schedule : sequence of float, optional
        Multiplier of the production credit in each operating year [–] (a phase-out);
        its last entry holds for later years. Default: 1 in every year.
    production_credit_base : {"operating_cost", "operating_cost_and_depreciation"}
        The production costs the credit is a fraction of. ``"operating_cost"``
        (default): the year's operating cost (materials, labor, utilities, overhead,
        feed purchase).
        ``"operating_cost_and_depreciation"``: plus the year's scheduled tax
        depreciation of the plant (the ``depreciation`` column, on the basis after any
        grant or investment-credit reduction, without the write-off of basis left at
        retirement): the reading of 26 CFR 1.45X-4(c) by reference to the §263A
        production costs of 26 CFR 1.263A-1(e), whose indirect costs include cost
        recovery on production equipment (relayed, see ``data/policy.toml``; the
        regulation's text was not read, so it is an option, not the default).
    sustaining_capital_fraction : float or array_like, default 0.0
        Sustaining and replacement capital in each operating year as a fraction of
        `capital` [–], escalated, deducted in the year spent.
    replacement_fraction : float or array_like, default 0.0
        Capital replaced every `replacement_interval` operating years (equipment
        replacement, a new SX organic inventory) as a fraction of `capital` [–],
        escalated, deducted in the year spent like sustaining capital (expensing it,
        where the tax code would depreciate it, is a simplification), and counted in
        the ``sustaining_capital`` column. Not spent in the last operating year.
    replacement_interval : int, optional
        Operating years between replacements [yr]: spent at the end of operating years
        N, 2N, … (N = the interval). Needed with a `replacement_fraction`.
    closure_cost : float or array_like or Quantity, default 0.0
        Closure and decommissioning of the site and its residue facilities [currency]
        in money of t = 0, paid and deducted in the last operating year."""

_COMMON_PARAMETERS = """discount_rate : float or array_like
        Discount rate [1/yr], > -1; nominal if `inflation` is not zero.
    plant_life : int or array_like of int
        Operating years after construction [yr], ≥ 1; may vary across samples (the
        table then runs to the longest life and shorter lives hold zeros after theirs).
    construction_years : int, default 1
        Years of capital spending before operation starts [yr], ≥ 1.
    capital_spend_profile : sequence of float, optional
        Fraction of `capital` spent in each construction year [–]; must sum to 1.
        Default: equal shares. NETL QGESS [4]_ uses e.g. (0.1, 0.6, 0.3) over 3 years.
    ramp_up : sequence of float, default ()
        Capacity fraction in the first operating years [–]; later years run at 1.
        Scales production, revenue and operating cost alike.
    working_capital : float or array_like, default 0.0
        Working capital as a fraction of `capital` [–], tied up in the last
        construction year and released in the last operating year (not taxed).
    salvage_fraction : float or array_like, default 0.0
        Salvage value as a fraction of `capital` [–], received in the last operating
        year and taxed as ordinary income (the book value is zero by then).
    tax_rate : float or array_like, default 0.21
        Income-tax rate [–] in [0, 1); 0.21 is the US federal corporate rate since 2018
        (26 U.S.C. § 11(b)); add state tax as a combined rate if needed.
    depreciation : str or sequence of float, default "macrs7"
        ``"macrs3"``, ``"macrs5"``, ``"macrs7"``, ``"macrs10"``, ``"macrs15"``,
        ``"macrs20"`` (IRS Pub. 946 Table A-1 [1]_), ``"straight_line"``,
        ``"declining_balance"`` (double declining, switching to straight line), or
        explicit fractions per operating year summing to 1. Depreciation starts in the
        first operating year; whatever is undepreciated at retirement is written off in
        the last operating year.
    depreciation_life : int, optional
        Life [yr] for ``"straight_line"``/``"declining_balance"``; default `plant_life`.
    loss_rule : {"carry_forward", "offset"}, default "carry_forward"
        Treatment of a negative taxable income. ``"carry_forward"``: the loss is kept
        and deducted from the next positive taxable incomes, without expiry or the
        80 % limit of 26 U.S.C. § 172 (a stand-alone project). ``"offset"``: the loss
        earns a tax credit in the same year, i.e. the owner has other profits to offset
        (negative tax).
    inflation : float or array_like, default 0.0
        Annual escalation [1/yr] applied to capital spend, revenue, operating cost,
        working capital and salvage as :math:`(1+i)^t`; inputs are in money of year
        t = 0. Depreciation uses the nominal amounts spent."""


def cash_flow_table(
    capital,
    annual_revenue,
    annual_operating_cost,
    *,
    discount_rate,
    plant_life,
    construction_years=1,
    capital_spend_profile=None,
    ramp_up=(),
    working_capital=0.0,
    salvage_fraction=0.0,
    tax_rate=0.21,
    depreciation="macrs7",
    depreciation_life=None,
    loss_rule="carry_forward",
    inflation=0.0,
    debt_fraction=0.0,
    debt_rate=0.0,
    debt_years=None,
    grace_years=0,
    interest_deductible=True,
    grant=0.0,
    grant_treatment="taxable",
    investment_credit_rate=0.0,
    production_credit_rate=0.0,
    production_credit_schedule=None,
    production_credit_base="operating_cost",
    sustaining_capital_fraction=0.0,
    replacement_fraction=0.0,
    replacement_interval=None,
    closure_cost=0.0,
    price_support=0.0,
    price_support_years=None,
    revenue_adjustment=None,
):
    """Yearly after-tax cash flows of a plant, vectorized over a leading sample axis.

    Parameters
    ----------
    capital : float or array_like or Quantity
        Total capital investment (depreciable) [currency].
    annual_revenue : float or array_like or Quantity
        Revenue per year at full capacity [currency/yr].
    annual_operating_cost : float or array_like or Quantity
        Operating cost per year at full capacity [currency/yr].
    {common}
    {levers}
    price_support : float or array_like or Quantity or tuple, default 0.0
        Money received per year at full capacity on top of `annual_revenue`
        [currency/yr], taxed as revenue and scaled by ramp-up and inflation: a
        price-floor top-up (> 0) or the upside shared above a price cap (< 0). A tuple
        of amounts gives several, each paid for its own number of years.
    price_support_years : int or array_like of int or tuple, optional
        Operating years in which `price_support` is paid [yr], from the first; a tuple
        matching a tuple of amounts. Default: the whole life.
    revenue_adjustment : array_like or Quantity, shape (..., L), optional
        Revenue added in each operating year at full capacity [currency/yr], in money
        of t = 0, scaled by ramp-up and inflation like `annual_revenue` and taxed: a
        price deck's difference from the constant price (see
        :mod:`tecmodel.price_decks`). The last axis is the operating year; its last
        entry holds for later years.

    Returns
    -------
    CashFlowTable
        Frozen table of arrays with shape ``(..., T)`` where ``...`` is the broadcast
        shape of the array arguments and ``T = construction_years + max(plant_life)``;
        index 0 is the first construction year. Money columns carry the units of
        `capital` when the inputs have units.

    Raises
    ------
    InputError
        For a spend profile that does not sum to 1, a plant life ≤ 0, a rate ≤ -1, a
        tax rate outside [0, 1), an unknown depreciation method or loss rule.

    Notes
    -----
    Year-end convention with t = 0 undiscounted (numpy-financial [2]_), in the style
    of the cash-flow tables of Peters, Timmerhaus & West [3]_ ch. 8-9:

    .. math::

        TI_t &= R_t - C_t - D_t + S_t \\\\
        CF_t &= R_t - C_t + S_t - \\mathrm{tax}_t - K_t - W_t \\\\
        \\mathrm{NPV} &= \\sum_t CF_t\\,(1+r)^{-t}

    with revenue R, operating cost C, depreciation D, salvage S, capital spend K and
    working-capital flow W; :math:`\\mathrm{tax}_t = \\tau\\,TI_t` with the offset rule,
    and :math:`\\tau\\max(0, TI_t - \\text{carried loss})` with carry-forward.

    References
    ----------
    See the module references [1]_ to [4]_.

    Examples
    --------
    >>> table = cash_flow_table(100.0, 40.0, 10.0, discount_rate=0.1, plant_life=5,
    ...                         tax_rate=0.0)
    >>> table.after_tax_cash_flow.tolist()
    [-100.0, 30.0, 30.0, 30.0, 30.0, 30.0]
    """
    money_units, _, (capital_, revenue_, cost_), kwargs = _prepare(
        capital,
        (annual_revenue, annual_operating_cost),
        discount_rate,
        plant_life,
        construction_years,
        capital_spend_profile,
        ramp_up,
        working_capital,
        salvage_fraction,
        tax_rate,
        depreciation,
        depreciation_life,
        loss_rule,
        inflation,
        levers={
            "debt_fraction": debt_fraction,
            "debt_rate": debt_rate,
            "debt_years": debt_years,
            "grace_years": grace_years,
            "interest_deductible": interest_deductible,
            "grant": grant,
            "grant_treatment": grant_treatment,
            "investment_credit_rate": investment_credit_rate,
            "production_credit_rate": production_credit_rate,
            "production_credit_schedule": production_credit_schedule,
            "production_credit_base": production_credit_base,
            "sustaining_capital_fraction": sustaining_capital_fraction,
            "replacement_fraction": replacement_fraction,
            "replacement_interval": replacement_interval,
            "closure_cost": closure_cost,
            "price_support": price_support,
            "price_support_years": price_support_years,
            "revenue_adjustment": revenue_adjustment,
        },
    )
    columns = _cash_flow_arrays(capital_, revenue_, cost_, **kwargs)
    if money_units is not None:
        for name in _TABLE_FIELDS + _LEVER_FIELDS:
            if name in columns:
                columns[name] = _with_units(columns[name], money_units, capital)
    return CashFlowTable(**columns)


def levelized_cost(
    capital,
    annual_operating_cost,
    annual_production,
    *,
    discount_rate,
    plant_life,
    annual_byproduct_revenue=0.0,
    construction_years=1,
    capital_spend_profile=None,
    ramp_up=(),
    working_capital=0.0,
    salvage_fraction=0.0,
    tax_rate=0.21,
    depreciation="macrs7",
    depreciation_life=None,
    loss_rule="carry_forward",
    inflation=0.0,
    debt_fraction=0.0,
    debt_rate=0.0,
    debt_years=None,
    grace_years=0,
    interest_deductible=True,
    grant=0.0,
    grant_treatment="taxable",
    investment_credit_rate=0.0,
    production_credit_rate=0.0,
    production_credit_schedule=None,
    production_credit_base="operating_cost",
    sustaining_capital_fraction=0.0,
    replacement_fraction=0.0,
    replacement_interval=None,
    closure_cost=0.0,
):
    """Levelized cost (minimum selling price): the product price at which NPV = 0.

    Parameters
    ----------
    capital : float or array_like or Quantity
        Total capital investment [currency].
    annual_operating_cost : float or array_like or Quantity
        Operating cost per year at full capacity [currency/yr].
    annual_production : float or array_like or Quantity
        Product sold per year at full capacity [kg/yr], > 0.
    annual_byproduct_revenue : float or array_like or Quantity, default 0.0
        Revenue per year from other products at full capacity [currency/yr].
    {common}
    {levers}

    Returns
    -------
    ndarray or float or Quantity
        Price [currency/kg] of the product, broadcast shape of the inputs; escalates
        with `inflation` like every other price. NaN where NPV does not rise with the
        price (zero production).

    Notes
    -----
    Revenue is :math:`p\\,q_t` plus by-products, so the after-tax NPV is a function of
    the price p alone, solved for the whole batch at once, never by a scalar root
    search per sample:

    * ``loss_rule="offset"``: tax is linear in taxable income, so
      :math:`\\mathrm{NPV}(p) = a + b p` exactly. Evaluating the table at p = 0 and at
      a price scale :math:`p_1` (capital recovery plus operating cost per kg) gives
      :math:`p^* = -a/b` with :math:`b = (\\mathrm{NPV}(p_1) - a)/p_1`.
    * ``loss_rule="carry_forward"``: NPV(p) is continuous and piecewise linear (a kink
      wherever some year's tax switches on) and, for discount rate ≥ 0 and tax rate < 1,
      strictly increasing, because a price rise adds at least :math:`(1-\\tau)` of its
      discounted revenue (tax on it falls in the same or a later, more discounted,
      year). Deferring loss credits can only lower NPV, so the offset price is a
      lower bracket; the upper bracket is found by doubling. A safeguarded Newton
      iteration (slope of the current linear piece by a forward difference, bisection
      when a step leaves the bracket) then ends on the exact piece, in a handful of
      steps, to a relative tolerance of 1e-12 in price.

    Examples
    --------
    >>> # no tax: the price covers capital recovery and cost, (100*CRF(10%, 5) + 10) / 2
    >>> round(float(levelized_cost(100.0, 10.0, 2.0, discount_rate=0.1, plant_life=5,
    ...                            tax_rate=0.0)), 6)
    18.189874
    """
    byproduct = annual_byproduct_revenue
    if _is_quantity(capital) and not _is_quantity(byproduct) and not np.any(byproduct):
        byproduct = type(capital)(np.zeros_like(byproduct, dtype=float), capital.units)
        byproduct = byproduct / capital._REGISTRY.year  # a plain 0 is 0 per year
    money_units, registry, (capital_, cost_, byproduct_), kwargs = _prepare(
        capital,
        (annual_operating_cost, byproduct),
        discount_rate,
        plant_life,
        construction_years,
        capital_spend_profile,
        ramp_up,
        working_capital,
        salvage_fraction,
        tax_rate,
        depreciation,
        depreciation_life,
        loss_rule,
        inflation,
        levers={
            "debt_fraction": debt_fraction,
            "debt_rate": debt_rate,
            "debt_years": debt_years,
            "grace_years": grace_years,
            "interest_deductible": interest_deductible,
            "grant": grant,
            "grant_treatment": grant_treatment,
            "investment_credit_rate": investment_credit_rate,
            "production_credit_rate": production_credit_rate,
            "production_credit_schedule": production_credit_schedule,
            "production_credit_base": production_credit_base,
            "sustaining_capital_fraction": sustaining_capital_fraction,
            "replacement_fraction": replacement_fraction,
            "replacement_interval": replacement_interval,
            "closure_cost": closure_cost,
            "price_support": 0.0,
            "price_support_years": None,
            "revenue_adjustment": None,
        },
    )
    production_units = None
    if _is_quantity(annual_production):
        if registry is None:
            registry = annual_production._REGISTRY
        try:
            production = annual_production.to(registry.kg / registry.year).magnitude
        except Exception as error:
            raise InputError(
                f"annual_production must be a mass per year (kg/yr), got {annual_production!r}"
            ) from error
        production_units = registry.kg
    production, _ = _money(
        production if production_units is not None else annual_production, "annual_production"
    )
    if np.any(~(production > 0)):
        raise InputError(f"annual_production must be > 0, got {_describe(annual_production)}")

    # a price scale: capital recovery over the life plus operating cost, per kg
    life = kwargs["plant_life"]
    rate = np.maximum(kwargs["discount_rate"], 0.0)
    scale = np.abs(capital_ * capital_recovery_factor(rate, life) + cost_) / production
    scale = np.where(scale > 0, scale, 1.0)

    # the lean kernel knows one lever, the production credit: with any other set the
    # general path solves it
    levers = kwargs.get("levers")
    credit = _production_credit_only(levers)
    if np.all(kwargs["discount_rate"] >= 0) and (levers is None or credit is not None):
        lean = {k: v for k, v in kwargs.items() if k != "levers"}
        price = _levelized_cost_kernel(
            capital_, cost_, production, byproduct_, scale, credit=credit, **lean
        )
        if levers is not None:  # levers at zero still shape the batch
            price = np.broadcast_to(price, np.broadcast_shapes(price.shape, levers["shape"]))
            price = np.array(price)
    else:
        price = _levelized_cost_general(capital_, cost_, production, byproduct_, scale, kwargs)
    if money_units is not None or production_units is not None:
        units = (money_units if money_units is not None else 1) / (
            production_units if production_units is not None else 1
        )
        like = capital if _is_quantity(capital) else annual_production
        return type(like)(price, units)
    return price[()] if np.ndim(price) == 0 else price


def _production_credit_only(levers):
    """The production credit's terms when it is the only lever that moves money (every
    other one at zero), for :func:`_levelized_cost_kernel`; else None."""
    if levers is None:
        return None
    idle = ("debt_fraction", "grant", "investment_credit_rate", "sustaining_capital_fraction")
    idle += ("replacement_fraction", "closure_cost")
    if any(np.any(levers[name] != 0) for name in idle) or levers["revenue_adjustment"] is not None:
        return None
    if any(np.any(amount != 0) for amount, _ in levers["top_up"]):
        return None
    return {
        "rate": levers["production_credit_rate"],
        "schedule": levers["production_credit_schedule"],
        "base": levers["production_credit_base"],
    }


def _levelized_cost_general(capital_, cost_, production, byproduct_, scale, kwargs):
    """Levelized cost from two cash-flow tables and a bracketed Newton search (any
    discount rate > -1); :func:`_levelized_cost_kernel` is the fast path for rates >= 0."""
    loss_rule, life = kwargs["loss_rule"], kwargs["plant_life"]
    npv_and_slope = _price_npv(capital_, production, byproduct_, cost_, kwargs)

    # With losses offset in the same year NPV is affine in price: one evaluation solves it.
    # Deferring loss credits can only lower NPV, so that price brackets the carry-forward
    # answer from below.
    offset_value, offset_slope = npv_and_slope(np.zeros_like(scale), "offset")
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(offset_slope > 0, -offset_value / offset_slope, np.nan)
    if loss_rule == "carry_forward":
        # NPV within 1e-11 of the money at stake is exact for any practical purpose
        money = np.abs(capital_) + np.abs(cost_) * np.max(life) + np.abs(byproduct_)
        price = _solve_increasing(
            lambda p: npv_and_slope(p, "carry_forward"), price, scale, 1e-11 * money
        )
    return price


def _levelized_cost_kernel(
    capital,
    cost,
    production,
    byproduct,
    scale,
    *,
    discount_rate,
    plant_life,
    construction_years,
    spend_profile,
    ramp_up,
    working_capital,
    salvage_fraction,
    tax_rate,
    schedule,
    loss_rule,
    inflation,
    credit=None,
    block=8192,
    max_iterations=60,
):
    """Levelized cost on validated plain arrays, for discount rates >= 0.

    The cash flow of :func:`_cash_flow_arrays`, never tabulated. Revenue is
    p·q·g_t (+ by-products) with g_t = operating·capacity·escalation, so every
    price-independent amount is a discounted sum over years, taken once:

    * ``loss_rule="offset"``: NPV(p) = a + b·p, solved in closed form.
    * ``loss_rule="carry_forward"``: with unlimited carry-forward the income taxed up
      to year t is X_t = max(0, max_{k<=t} S_k), S the cumulative taxable income
      (tax_t = τ·ΔX_t), so NPV(p) = a₀ + q·G·p − τ·Σ_t ω_t X_t(p) with
      ω_t = d_t − d_{t+1} >= 0 (d the discount factors, d_T = 0). X_t is a maximum
      of functions affine in p, hence convex: NPV is concave, increasing and
      piecewise linear. Newton from the offset price (a lower bound) never
      overshoots and ends on the root once it reaches the last linear piece
      (typically after 1–2 steps, plus one that confirms). Each step is one loop over
      the years carrying the running maximum, the penalty Σ ω X and its slope (the
      slope of S at the latest running-maximum year, the largest since cumulative
      revenue per unit price does not decrease), on blocks of ``block`` samples so
      that everything stays in cache; only rows not yet converged are carried on.

    ``credit``: None, or the production credit (``{"rate", "schedule", "base"}``, as
    :func:`_production_credit_only` gives them). The credit is cash, untaxed and
    independent of the price, so it only adds its discounted sum to a₀.

    Every row is computed from its own numbers only, so a batch equals its rows
    evaluated one by one, whatever the chunking.
    """
    credit_rate = 0.0 if credit is None else credit["rate"]
    batch = np.broadcast_shapes(
        np.shape(credit_rate),
        np.shape(capital),
        np.shape(cost),
        np.shape(production),
        np.shape(byproduct),
        np.shape(scale),
        np.shape(discount_rate),
        np.shape(plant_life),
        np.shape(working_capital),
        np.shape(salvage_fraction),
        np.shape(tax_rate),
        np.shape(inflation),
    )
    n = int(np.prod(batch))

    def flat(value, dtype=float):
        value = np.asarray(value, dtype=dtype)
        if value.size == 1:
            return value.reshape(())
        return np.broadcast_to(value, batch).reshape(-1)

    capital, cost, production, byproduct, scale = map(
        flat, (capital, cost, production, byproduct, scale)
    )
    rate, wc, salvage, tau, infl, credit_rate = map(
        flat, (discount_rate, working_capital, salvage_fraction, tax_rate, inflation, credit_rate)
    )
    life = flat(plant_life, int)
    n_build = int(construction_years)
    longest = int(np.max(life))
    n_years = n_build + longest

    # year profiles per unit amount: (T,) when life and inflation are scalars, else (T, n)
    per_sample = life.ndim == 1 or infl.ndim == 1
    year = np.arange(n_years).reshape(-1, 1) if per_sample else np.arange(n_years)
    op = year - n_build
    operating = (op >= 0) & (op < life)
    last = op == life - 1
    escalation = (1.0 + infl) ** year if per_sample else (1.0 + float(infl)) ** year
    capacity = np.ones(n_years)
    ramp_years = min(len(ramp_up), longest)
    capacity[n_build : n_build + ramp_years] = ramp_up[:ramp_years]
    if per_sample:
        capacity = capacity.reshape(-1, 1)
    g = np.where(operating, capacity * escalation, 0.0)  # revenue per unit of p·q
    spend = np.zeros(capacity.shape)
    spend[:n_build] = np.reshape(spend_profile, (-1,) + (1,) * (capacity.ndim - 1))
    spend_escalated = spend * escalation
    basis = spend_escalated.sum(axis=0)  # depreciation basis per unit of capital
    fractions = np.zeros(capacity.shape)
    length = min(schedule.size, longest)
    fractions[n_build : n_build + length] = np.reshape(
        schedule[:length], (-1,) + (1,) * (capacity.ndim - 1)
    )
    before = np.cumsum(fractions, axis=0) - fractions
    written_off = np.where(operating, np.where(last, 1.0 - before, fractions), 0.0)
    salvage_years = np.where(last, escalation, 0.0)
    last = last.astype(float)
    # the production credit's year profiles: its phase-out on the operating cost (g) and,
    # with that base, on the scheduled depreciation (the write-off at retirement excluded)
    credited_cost = credited_depreciation = None
    if credit is not None:
        phase = np.ones(n_years)
        schedule_ = credit["schedule"]
        if schedule_ is not None:  # its last entry holds for the later years
            j = np.minimum(np.arange(n_years - n_build), schedule_.size - 1)
            phase[n_build:] = schedule_[j]
        phase = phase.reshape((-1,) + (1,) * (capacity.ndim - 1))
        credited_cost = g * phase
        if credit["base"] == "operating_cost_and_depreciation":
            credited_depreciation = np.where(operating, fractions, 0.0) * phase

    # discounted sums over years, d_t = (1 + r)^-t built by repeated division
    shrink = 1.0 / (1.0 + rate)
    d = np.ones(rate.shape)
    revenue_sum = spend_sum = salvage_sum = depreciation_sum = last_sum = 0.0
    credit_cost_sum = credit_depreciation_sum = 0.0
    discount_build = d
    for t in range(n_years):
        if t == n_build - 1:
            discount_build = d
        revenue_sum = revenue_sum + d * g[t]
        spend_sum = spend_sum + d * spend_escalated[t]
        salvage_sum = salvage_sum + d * salvage_years[t]
        depreciation_sum = depreciation_sum + d * written_off[t]
        last_sum = last_sum + d * last[t]
        if credited_cost is not None:
            credit_cost_sum = credit_cost_sum + d * credited_cost[t]
        if credited_depreciation is not None:
            credit_depreciation_sum = credit_depreciation_sum + d * credited_depreciation[t]
        d = d * shrink
    working = wc * capital * escalation[n_build - 1]
    net = byproduct - cost
    depreciable = capital * basis
    salvage_value = salvage * capital
    pretax_zero = (
        net * revenue_sum
        + salvage_value * salvage_sum
        - capital * spend_sum
        - working * (discount_build - last_sum)
    )
    if credit is not None:  # untaxed cash: a₀ only
        pretax_zero = pretax_zero + credit_rate * (
            cost * credit_cost_sum + depreciable * credit_depreciation_sum
        )
    taxable_zero = net * revenue_sum - depreciable * depreciation_sum + salvage_value * salvage_sum
    slope_pretax = production * revenue_sum
    offset_slope = slope_pretax * (1.0 - tau)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(
            offset_slope > 0, -(pretax_zero - tau * taxable_zero) / offset_slope, np.nan
        )
    if loss_rule == "offset":
        return price.reshape(batch)

    # carry-forward: S_t(p) = (net + p·q)·Σg − depreciable·Σwritten_off + salvage·Σsalvage
    cumulative = [np.cumsum(profile, axis=0) for profile in (g, written_off, salvage_years)]
    price = np.array(np.broadcast_to(price, (n,)))

    def rows(value, index):
        return value[index] if np.ndim(value) else value

    def columns(index):  # the year profiles of the rows ``index``
        if not per_sample:
            return [[float(x) for x in c] for c in cumulative]
        return [[row[index] for row in np.broadcast_to(c, (n_years, n))] for c in cumulative]

    for start in range(0, n, block):
        index = slice(start, min(start + block, n))  # a view while every row is active
        if not np.all(np.isfinite(price[index])):
            index = np.arange(index.start, index.stop)[np.isfinite(price[index])]
        profiles = columns(index)
        for _ in range(max_iterations):
            size = index.stop - index.start if isinstance(index, slice) else index.size
            if size == 0:
                break
            p = price[index]
            income_per_revenue = rows(net, index) + p * rows(production, index)
            owed, book, kept = rows(depreciable, index), rows(salvage_value, index), None
            factor = rows(shrink, index)
            fall = 1.0 - factor
            highest = np.zeros(size)
            at_highest = np.zeros(size)
            penalty = np.zeros(size)
            penalty_slope = np.zeros(size)
            d = 1.0
            for t in range(n_years):
                revenue_t, written_t, salvage_t = (c[t] for c in profiles)
                if per_sample or revenue_t or written_t or salvage_t:
                    s = income_per_revenue * revenue_t
                    if per_sample or written_t:
                        s -= owed * written_t
                    if per_sample or salvage_t:
                        s += book * salvage_t
                    kept = s >= highest
                    np.maximum(highest, s, out=highest)
                    np.copyto(at_highest, revenue_t, where=kept)
                    w = d * fall if t < n_years - 1 else d
                    penalty += w * highest
                    penalty_slope += w * at_highest
                d = d * factor
            q, tax = rows(production, index), rows(tau, index)
            value = rows(pretax_zero, index) + p * rows(slope_pretax, index) - tax * penalty
            slope = rows(slope_pretax, index) - tax * q * penalty_slope
            with np.errstate(divide="ignore", invalid="ignore"):
                step = -value / slope
            step = np.where(np.isfinite(step), np.maximum(step, 0.0), 0.0)
            price[index] = p + step
            # once on the last linear piece a step is rounding noise
            going = step > 1e-13 * (np.abs(p) + rows(scale, index))
            if isinstance(index, slice):
                index = np.arange(index.start, index.stop)
            index = index[going]
            if per_sample:
                profiles = [[row[going] for row in c] for c in profiles]
    return price.reshape(batch)


def _price_npv(capital, production, byproduct, cost, kwargs):
    """``f(price, loss_rule) -> (NPV, dNPV/dprice)`` for a batch, from two table
    evaluations.

    Everything but revenue is independent of the price, and revenue is linear in it:
    the table at price 0 and the revenue per unit price are computed once; each call
    then only redoes the tax (a loop over years for carry-forward, differentiated
    alongside) and the discounted sum. Arrays are held year-major so the loop reads
    contiguous rows.
    """
    offset = dict(kwargs, loss_rule="offset")
    at_zero = _cash_flow_arrays(capital, byproduct + 0.0 * production, cost, **offset)
    at_one = _cash_flow_arrays(capital, production + byproduct, cost, **offset)

    def year_major(array):
        array = np.asarray(array, dtype=float)
        return np.ascontiguousarray(np.moveaxis(array, -1, 0))

    per_price = year_major(at_one["revenue"] - at_zero["revenue"])  # revenue per unit price
    taxable_zero = year_major(at_zero["taxable_income"])
    pretax_zero = year_major(at_zero["after_tax_cash_flow"] + at_zero["tax"])
    year = at_zero["year"].reshape((-1,) + (1,) * (taxable_zero.ndim - 1))
    discount = (1.0 + np.asarray(kwargs["discount_rate"], dtype=float)) ** -year
    discount = np.broadcast_to(discount, taxable_zero.shape)
    tax_rate = np.broadcast_to(np.asarray(kwargs["tax_rate"], dtype=float), taxable_zero.shape[1:])
    weight = per_price * discount  # d(discounted revenue)/d(price), by year

    def npv_and_slope(price, loss_rule):
        price = np.asarray(price, dtype=float)
        taxable = taxable_zero + price * per_price
        if loss_rule == "offset":
            tax = tax_rate * taxable
            tax_slope = tax_rate * per_price
        else:  # carry_forward, as in _cash_flow_arrays, with its derivative carried along
            tax = np.empty_like(taxable)
            tax_slope = np.empty_like(taxable)
            pool = np.zeros(taxable.shape[1:])
            pool_slope = np.zeros_like(pool)
            for t in range(taxable.shape[0]):
                income, income_slope = taxable[t], per_price[t]
                gain = income > 0
                profit = np.where(gain, income, 0.0)
                profit_slope = np.where(gain, income_slope, 0.0)
                pool_binds = pool < profit
                used = np.where(pool_binds, pool, profit)
                used_slope = np.where(pool_binds, pool_slope, profit_slope)
                tax[t] = tax_rate * (profit - used)
                tax_slope[t] = tax_rate * (profit_slope - used_slope)
                pool = pool - used - np.where(gain, 0.0, income)
                pool_slope = pool_slope - used_slope - np.where(gain, 0.0, income_slope)
        value = _sum_over_years((pretax_zero + price * per_price - tax) * discount)
        slope = _sum_over_years(weight - tax_slope * discount)
        return value, slope

    return npv_and_slope


def _sum_over_years(array: np.ndarray) -> np.ndarray:
    """Sum a year-major array over its first axis, years in order.

    ``ndarray.sum(axis=0)`` adds a 1-D array (one sample) pairwise but a 2-D one (a
    batch) row by row, so one sample alone and the same sample inside a batch could
    differ by an ulp; a fixed order makes batch = one-by-one bit for bit.
    """
    total = np.array(array[0], dtype=float, copy=True)
    for row in array[1:]:
        total += row
    return total


def _solve_increasing(npv_and_slope, lower, scale, value_tolerance=0.0, max_iterations=100):
    """Vectorized root of an increasing piecewise-linear function from a lower bracket.

    ``npv_and_slope(price)`` maps a batch of prices to (value, slope of the linear piece);
    ``lower`` has value <= 0 (NaN rows stay NaN). Newton on the exact slope lands on the
    root once it is in the right piece; it is kept inside a bracket (bisection when a
    step leaves it). Each row stops on its own test and is then frozen, so its answer
    does not depend on which other rows share the batch. Returns prices with
    ``|hi - lo| <= 1e-12 (|price| + scale)`` or ``|value| <= value_tolerance``.
    """
    lower = np.array(lower, dtype=float)
    scale = np.broadcast_to(scale, lower.shape).astype(float)
    valid = np.isfinite(lower)
    lo = np.where(valid, lower, 0.0)
    # upper bracket by doubling the step above the lower one
    step = np.maximum(np.abs(lo), scale)
    hi = lo + step
    f_hi, _ = npv_and_slope(hi)
    for _ in range(200):
        short = valid & (f_hi < 0)
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        step = np.where(short, 2 * step, step)
        hi = np.where(short, hi + step, hi)
        f_hi, _ = npv_and_slope(hi)
    price = lo.copy()
    tolerance = 1e-12 * (np.abs(lo) + scale)
    done = ~valid
    for _ in range(max_iterations):
        value, slope = npv_and_slope(price)
        lo = np.where(done | (value > 0), lo, price)
        hi = np.where(done | (value < 0), hi, price)
        done = done | (hi - lo <= tolerance) | (np.abs(value) <= value_tolerance)
        if done.all():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = price - value / slope
        inside = np.isfinite(newton) & (newton > lo) & (newton < hi)
        price = np.where(done, price, np.where(inside, newton, 0.5 * (lo + hi)))
    return np.where(valid, price, np.nan)


for _function in (cash_flow_table, levelized_cost):
    _function.__doc__ = _function.__doc__.replace("{common}", _COMMON_PARAMETERS).replace(
        "{levers}", _LEVER_PARAMETERS
    )
