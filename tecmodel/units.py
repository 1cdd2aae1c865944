"""One unit registry for the whole package: money with its cost year, and field units.

Money has its own dimension, ``[currency]``. The cost year is part of the unit:
``USD_2016``, ``USD_2021``, … exist for every year of the embedded CEPCI table, and
converting between them multiplies by the CEPCI ratio, so

>>> from tecmodel import Q_
>>> round(Q_(1.0, "USD_2016").to("USD_2021").magnitude, 6)  # 708.0 / 541.7
1.306996

Plain ``USD`` is dollars of :data:`DEFAULT_COST_YEAR`. SI prefixes work (``kUSD``,
``MUSD_2021``). ``CNY``, ``EUR`` and ``AUD`` convert at documented default exchange rates
(:func:`exchange_rate`) that :func:`set_exchange_rate` overrides at run time.

Public functions take pint Quantities and call :func:`magnitude` once per argument:
it checks the dimension, converts to the canonical unit and hands plain numpy to the
kernel, which never touches pint.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import numpy as np
import pint

from .data import load_table
from .errors import InputError

__all__ = [
    "DEFAULT_COST_YEAR",
    "Q_",
    "cepci",
    "cepci_years",
    "escalate",
    "exchange_rate",
    "exchange_rates",
    "magnitude",
    "quantity",
    "set_exchange_rate",
    "ureg",
]

#: The cost year of plain ``USD``: 2023, the latest final annual CEPCI (797.9) and the
#: year of most embedded prices.
DEFAULT_COST_YEAR = 2023

_CURRENCIES = ("CNY", "EUR", "AUD")


def _build_registry() -> pint.UnitRegistry:
    # on_redefinition="ignore" lets set_exchange_rate() replace a currency definition.
    registry = pint.UnitRegistry(on_redefinition="ignore", cache_folder=":auto:")
    registry.formatter.default_format = "~P"
    registry.define("USD = [currency]")
    index = _cepci_table()
    base = index[DEFAULT_COST_YEAR]
    for year, value in index.items():
        # 1 USD_y buys what (base / CEPCI_y) USD of the default year buys.
        registry.define(f"USD_{year} = {base / value!r} * USD")
    for entry in load_table("exchange_rates").entries:
        rate = float(entry.value)
        usd_per_unit = 1.0 / rate if entry.extra["quote"] == "per_usd" else rate
        registry.define(f"{entry.key} = {usd_per_unit!r} * USD")
    # pint's short symbol for year is "a"; users of cost models read "yr".
    registry.define("year = 365.25 * day = yr = julian_year")
    registry.define("MMBtu = 1e6 * Btu")
    registry.define("tonne_per_year = t / year = tpy")
    _cache_unit_parsing(registry)
    return registry


def _cache_unit_parsing(registry) -> None:
    """Remember parsed unit strings (pint re-parses compound ones like "USD/yr" on every
    Quantity; a plant evaluation builds thousands). The parse gives canonical unit
    names only, so a redefined conversion factor (an exchange rate) does not stale it."""
    parse = registry._parse_units_as_container

    @functools.lru_cache(maxsize=4096)
    def cached(input_string, as_delta=True, case_sensitive=True):
        return parse(input_string, as_delta, case_sensitive)

    registry._parse_units_as_container = cached


def _cepci_table() -> dict[int, float]:
    return {int(k): float(v) for k, v in load_table("cepci").values().items()}


ureg: pint.UnitRegistry = _build_registry()
Q_ = ureg.Quantity
pint.set_application_registry(ureg)  # so Quantities pickle across processes


def cepci_years() -> list[int]:
    """Years of the embedded CEPCI table, ascending."""
    return sorted(_cepci_table())


def cepci(year):
    """Chemical Engineering Plant Cost Index for ``year`` (annual average).

    Parameters
    ----------
    year : int or array_like of int
        Calendar year(s) [-].

    Returns
    -------
    float or numpy.ndarray
        The index (base 1957–59 = 100) [-].

    Raises
    ------
    InputError
        If a year is not in the embedded table; the message lists the years available.
    """
    table = _cepci_table()
    years = np.asarray(year)
    if not np.all(np.isin(years, list(table))):
        missing = sorted({int(y) for y in np.ravel(years) if int(y) not in table})
        raise InputError(
            f"cepci: year {missing[0] if len(missing) == 1 else missing} is not in the "
            f"embedded CEPCI table; available years are {min(table)}–{max(table)}"
        )
    if years.ndim == 0:
        return table[int(years)]
    return np.vectorize(table.__getitem__, otypes=[float])(years)


def exchange_rate(currency: str) -> float:
    """US dollars (of the default cost year) per unit of ``currency``."""
    _check_currency(currency)
    return float(Q_(1.0, currency).to("USD").magnitude)


def set_exchange_rate(currency: str, usd_per_unit: float) -> None:
    """Override the exchange rate of ``currency`` for this session.

    Quantities already expressed in that currency convert at the new rate from now on.
    """
    _check_currency(currency)
    rate = float(usd_per_unit)
    if not np.isfinite(rate) or rate <= 0:
        raise InputError(
            f"usd_per_unit for {currency} must be a positive number, got {usd_per_unit!r}"
        )
    ureg.define(f"{currency} = {rate!r} * USD")
    ureg._build_cache()  # pint caches conversion factors; rebuild so the new rate is used


@contextlib.contextmanager
def exchange_rates(**usd_per_unit: float) -> Iterator[None]:
    """Temporarily override exchange rates: ``with exchange_rates(CNY=0.14): ...``."""
    previous = {code: exchange_rate(code) for code in usd_per_unit}
    try:
        for code, rate in usd_per_unit.items():
            set_exchange_rate(code, rate)
        yield
    finally:
        for code, rate in previous.items():
            set_exchange_rate(code, rate)


def _check_currency(currency: str) -> None:
    if currency not in _CURRENCIES:
        raise InputError(
            f"currency must be one of {', '.join(_CURRENCIES)}, got {currency!r} "
            "(US dollars are USD or USD_<year>)"
        )


def escalate(cost, cost_year: int):
    """Express a money Quantity in dollars of ``cost_year`` (CEPCI escalation)."""
    magnitude(cost, "USD", "cost")
    cepci(cost_year)  # validates the year with a helpful message
    return cost.to(f"USD_{int(cost_year)}")


def _dimensionality(unit: str):
    return ureg.parse_units(unit).dimensionality if unit else ureg.dimensionless.dimensionality


def magnitude(value, unit: str, name: str, *, dtype=float, allow_nan: bool = False):
    """Check a boundary argument's dimension and return its magnitude in ``unit``.

    Parameters
    ----------
    value : pint.Quantity, str, float or array_like
        The argument as the user gave it. A string such as ``"5 t/h"`` is parsed.
        A plain number is accepted only when ``unit`` is dimensionless.
    unit : str
        Canonical unit of the argument, e.g. ``"kg/s"``, ``"USD"`` or ``""`` for
        dimensionless.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    float or numpy.ndarray
        Magnitude in ``unit``, as float (array if the input was an array).

    Raises
    ------
    UnitError
        If the dimension does not match, or a plain number was given for a dimensional
        argument (the message shows how to attach units).
    InputError
        If the value is not numeric (booleans and None included) or not finite (NaN and
        inf are refused unless ``allow_nan``); see :func:`tecmodel.validation.check`.
    """
    from .validation import check

    result = check(value, name, unit, allow_nan=allow_nan)
    if dtype is not float:
        result = np.asarray(result, dtype=dtype)
        return result[()] if result.ndim == 0 else result
    return result


def quantity(value, unit: str):
    """Attach ``unit`` to a plain magnitude (the inverse of :func:`magnitude`)."""
    return Q_(value, unit)
