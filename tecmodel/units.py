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

Reagent prices are the exception to the CEPCI rule: they follow chemical markets, so a
reagent price written in ``USD_<y>`` (with or without a prefix: ``kUSD_2019/t``) is worth
PPI(2023)/PPI(y) of its magnitude in plain ``USD`` (:func:`escalate_reagent_price`), and
the costing applies that rule to every reagent price it is given. pint's own ``.to()``
still converts by CEPCI, so re-express a reagent price in another unit with
:func:`reagent_price_in`, never ``.to()``: then the same price written in two currency
years gives the same opex.

Public functions take pint Quantities and call :func:`magnitude` once per argument:
it checks the dimension, converts to the canonical unit and hands plain numpy to the
kernel, which never touches pint.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
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
    "conversion_factor",
    "escalate",
    "escalate_reagent_price",
    "exchange_rate",
    "exchange_rates",
    "magnitude",
    "price_index",
    "price_index_years",
    "quantity",
    "reagent_price_in",
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
    _cache_conversion_factors(registry)
    _fast_quantities(registry)
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

    # a Quantity made with a unit string asks for the string's Unit (and takes its
    # container); units are immutable, so one Unit per string serves them all
    registry.parse_units = _once_per_string(registry.parse_units)
    # and Quantity.to(unit string) asks for the string's container through two layers
    registry.parse_units_as_container = _once_per_string(registry.parse_units_as_container)


def _once_per_string(parse):
    """``parse(input_string, as_delta=None, case_sensitive=None)``, remembered for string
    inputs (anything else is parsed each time, as pint does)."""

    @functools.lru_cache(maxsize=4096)
    def cached(input_string, as_delta, case_sensitive):
        return parse(input_string, as_delta, case_sensitive)

    def once(input_string, as_delta=None, case_sensitive=None):
        if type(input_string) is str:
            return cached(input_string, as_delta, case_sensitive)
        return parse(input_string, as_delta, case_sensitive)

    return once


def _cache_conversion_factors(registry) -> None:
    """Convert between multiplicative units with one dictionary look-up.

    pint's conversion runs several layers per call (context search, a scan of both unit
    containers for offset units such as degC, then its own factor cache); a plant
    evaluation converts thousands of times between the same few pairs of units. Here a
    pair's factor is taken from pint (``_get_conversion_factor``) the first time and
    applied exactly as pint applies it (``value * factor``), so every number is the
    same as pint's. Offset units, an active context and non-float magnitudes take
    pint's own path. The table belongs to pint's current cache: when pint rebuilds it
    (:func:`set_exchange_rate`, a redefinition), the table starts afresh.
    """
    convert = registry._convert
    state = {"cache": None, "factors": {}}
    offset = object()  # marks a pair that involves an offset unit

    def factor_of(src, dst):
        if state["cache"] is not registry._cache:
            state["cache"], state["factors"] = registry._cache, {}
        factors = state["factors"]
        key = (src, dst)
        factor = factors.get(key)
        if factor is None:
            try:
                plain = not (
                    registry._validate_and_extract(src) or registry._validate_and_extract(dst)
                )
            except ValueError:
                return offset  # pint raises its own error for this pair
            factor = registry._get_conversion_factor(src, dst) if plain else offset
            if isinstance(factor, pint.DimensionalityError):
                return offset  # pint raises it, with its message
            factors[key] = factor
        return factor

    def fast(value, src, dst, inplace=False, **ctx_kwargs):
        if ctx_kwargs or registry._active_ctx or not isinstance(value, float | np.ndarray):
            return convert(value, src, dst, inplace, **ctx_kwargs)
        factor = factor_of(src, dst)
        if factor is offset:
            return convert(value, src, dst, inplace, **ctx_kwargs)
        if inplace:
            value *= factor
        else:
            value = value * factor
        return value

    registry._convert = fast


def _fast_quantities(registry) -> None:
    """Make the usual Quantity — a float, int or array magnitude with a unit string or a
    units container — in one step.

    pint's constructor builds two throw-away registry objects and runs a chain of type
    tests before it stores the magnitude and the container (~3 µs; a plant evaluation
    makes several hundred Quantities, and pint makes one on every ``.to()`` and every
    sum). For these arguments it ends with ``_magnitude`` the value itself (the registry
    forces no arrays) and ``_units`` the container — of ``parse_units(units)`` for a
    string — which is what is stored here, so the object is the same. Anything else
    (another Quantity, a string to parse, a Unit, no units, a registry that forces
    arrays) takes pint's own constructor.
    """
    cls = registry.Quantity
    pint_new = cls.__new__
    container = pint.util.UnitsContainer
    plain = frozenset({float, int, np.float64, np.ndarray})
    parse_units = registry.parse_units  # cached per string (_cache_unit_parsing)

    def new(kind, value, units=None):
        if (
            kind is cls
            and type(value) in plain
            and not (registry.force_ndarray or registry.force_ndarray_like)
        ):
            if type(units) is str:
                units = parse_units(units)._units
            elif type(units) is not container:
                return pint_new(kind, value, units)
            inst = object.__new__(kind)
            inst._magnitude = value
            inst._units = units
            return inst
        return pint_new(kind, value, units)

    cls.__new__ = new


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
    from .validation import check_integer

    table = _cepci_table()
    years = np.asarray(check_integer(year, "year", low=0, where="cepci"))
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
    from .validation import check

    if np.ndim(getattr(usd_per_unit, "magnitude", usd_per_unit)) != 0:
        raise InputError(f"usd_per_unit for {currency} must be one number, got {usd_per_unit!r}")
    rate = float(check(usd_per_unit, f"usd_per_unit for {currency}"))
    if rate <= 0:
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
    if np.ndim(cost_year) != 0:
        raise InputError(f"cost_year must be one whole year such as 2023, got {cost_year!r}")
    cepci(cost_year)  # validates the year with a helpful message
    return cost.to(f"USD_{int(cost_year)}")


#: A dollar unit with its year as pint names it, prefix included: "USD_2019", "kiloUSD_2019".
_DATED_USD = re.compile(r"([a-z]*)USD_(\d{4})")

#: Producer price index a reagent price follows, by the currency it is quoted in.
REAGENT_PRICE_INDEX = {"USD": "us_industrial_chemicals", "CNY": "china_chemical_raw_materials"}


def _price_index_table() -> dict[str, dict[int, float]]:
    series: dict[str, dict[int, float]] = {}
    for entry in load_table("price_indices").entries:
        name, year = str(entry.key).rsplit(".", 1)
        series.setdefault(name, {})[int(year)] = float(entry.value)
    return series


def price_index_years(series: str) -> list[int]:
    """Years tabulated for a producer price index series (``tecmodel/data/price_indices.toml``)."""
    table = _price_index_table()
    if series not in table:
        raise InputError(
            f"price index series must be one of {', '.join(sorted(table))}, got {series!r}"
        )
    return sorted(table[series])


def price_index(series: str, year: int) -> float:
    """Annual producer price index of ``series`` in ``year`` [-].

    Raises
    ------
    InputError
        For an unknown series or a year the table does not hold (the message lists them).
    """
    from .validation import check_integer

    years = price_index_years(series)
    if np.ndim(year) != 0:
        raise InputError(f"year must be one whole year such as 2023, got {year!r}")
    whole = int(check_integer(year, "year", low=0, where=f"price index {series!r}"))
    if whole not in years:
        raise InputError(
            f"price index {series!r} has no value for year {year!r}; tabulated years are "
            f"{years[0]}–{years[-1]}"
        )
    return _price_index_table()[series][whole]


def escalate_reagent_price(price, quote_year: int | None = None):
    """Express a reagent price in the default cost year by a producer price index.

    Reagent prices follow chemical markets, not plant construction costs, so they are not
    escalated by CEPCI (which ``USD_<year>`` units do when converted). The rule:

    - ``USD_<y>`` per unit: quoted in year *y*; multiplied by
      ``PPI(DEFAULT_COST_YEAR) / PPI(y)`` of the U.S. industrial-chemicals PPI (BLS WPU061)
      and returned in plain ``USD`` (dollars of :data:`DEFAULT_COST_YEAR`).
    - ``CNY`` with ``quote_year``: multiplied by the ratio of China's purchaser price index
      of chemical raw materials (NBS); still in ``CNY``, converted at the exchange rate of
      the default cost year when costed. ``CNY`` without a year is taken as quoted in the
      default cost year.
    - Plain ``USD``, ``EUR``, ``AUD`` (no year): returned unchanged.

    Parameters
    ----------
    price : pint.Quantity
        Money per unit of reagent [currency/mass, currency/volume, …].
    quote_year : int, optional
        Year a yearless currency (``CNY``) was quoted in.

    Returns
    -------
    pint.Quantity
        The price in dollars (or yuan) of the default cost year, same denominator.

    Raises
    ------
    InputError
        If the quote year is outside the tabulated index years, or ``quote_year`` is given
        for a price that already carries its year or has no index.
    """
    if not isinstance(price, pint.Quantity) or "[currency]" not in price.dimensionality:
        raise InputError(
            f"price must be a money Quantity (e.g. Q_(250, 'USD_2019/t')), got {price!r}"
        )
    names = [name for name, _power in price.unit_items()]
    dated = [(name, match) for name in names if (match := _DATED_USD.fullmatch(name))]
    if dated:
        if quote_year is not None:
            raise InputError(
                f"quote_year={quote_year!r} given for {price.units}, which carries its year"
            )
        name, match = dated[0]
        prefix, year = match.group(1), int(match.group(2))
        ratio = price_index(REAGENT_PRICE_INDEX["USD"], DEFAULT_COST_YEAR) / price_index(
            REAGENT_PRICE_INDEX["USD"], year
        )
        # the same prefix on plain USD: kUSD_2019/t -> kUSD/t, only the year changes
        units = price.units / ureg.Unit(name) * ureg.Unit(f"{prefix}USD")
        return Q_(price.magnitude * ratio, units)
    if quote_year is not None:
        from .validation import check_integer

        if np.ndim(quote_year) != 0:
            raise InputError(f"quote_year must be one whole year such as 2023, got {quote_year!r}")
        quote_year = int(check_integer(quote_year, "quote_year", low=0))
    if quote_year is None or quote_year == DEFAULT_COST_YEAR:
        return price
    if "CNY" not in names:
        raise InputError(
            f"quote_year applies to CNY prices (USD prices carry their year as USD_<year>), "
            f"got {price.units}"
        )
    series = REAGENT_PRICE_INDEX["CNY"]
    ratio = price_index(series, DEFAULT_COST_YEAR) / price_index(series, quote_year)
    return price * ratio


def reagent_price_in(price, unit: str):
    """A reagent price re-expressed in ``unit`` by the reagent rule, not by CEPCI.

    The result is the price that :func:`escalate_reagent_price` takes to the same value
    as ``price``: between dollar years it moves by the U.S. industrial-chemicals PPI,
    between currencies by the exchange rate, between denominators as pint converts.
    ``Q_(250, "USD_2019/t")`` in ``"USD/t"`` is 250 × PPI(2023)/PPI(2019), where
    ``.to("USD/t")`` would give 250 × CEPCI(2023)/CEPCI(2019).

    Parameters
    ----------
    price : pint.Quantity
        Money per unit of reagent [currency/mass, currency/volume, …].
    unit : str
        The unit wanted, e.g. ``"USD/t"``, ``"USD_2021/kg"``, ``"CNY/t"``.

    Returns
    -------
    pint.Quantity
        The same price in ``unit``.

    Raises
    ------
    InputError
        If ``price`` is not a money Quantity, or ``unit`` is not of its dimension.
    """
    escalated = escalate_reagent_price(price)
    one = Q_(1.0, unit)
    if one.dimensionality != price.dimensionality:
        raise InputError(
            f"unit must be a price of the dimension of {price.units} (e.g. 'USD/t'), got {unit!r}"
        )
    # both are in money of the default year now, so their ratio converts by exchange
    # rate and denominator only
    ratio = (escalated / escalate_reagent_price(one)).to("dimensionless").magnitude
    return Q_(ratio, unit)


def _dimensionality(unit: str):
    return ureg.parse_units(unit).dimensionality if unit else ureg.dimensionless.dimensionality


_USUAL: dict = {}  # (units of a Quantity, target unit) -> factor, or None if not usual
_SAME = object()  # the factor of a Quantity already in the target unit
_F8 = np.dtype(np.float64)
_PLAIN = (float, int, np.float64)  # plain numbers the validator takes as they are (not bool)


def _usual_magnitude(value, unit: str):
    """:func:`magnitude` of the usual argument, or None.

    The usual argument is a Quantity with a float magnitude (an array of floats or one
    float) in a multiplicative unit of the right dimension, finite and not too large, or
    a plain float, int or numpy float (or float array) for a dimensionless ``unit``.
    Its magnitude in ``unit`` is ``x * factor`` (factor 1 when the units are the same),
    the number pint and :func:`tecmodel.validation.check` compute; everything else
    returns None and goes to the validator, which raises its errors. A plant evaluation
    converts a few hundred such values; the validator's full sequence of checks took
    ~15 µs each.
    """
    if isinstance(value, pint.Quantity):
        raw = value._magnitude
        kind = type(raw)
        if not (kind is float or kind is np.float64 or (kind is np.ndarray and raw.dtype == _F8)):
            return None
        if _FACTORS_OF[0] is not ureg._cache:
            _FACTORS.clear()
            _USUAL.clear()
            _FACTORS_OF[0] = ureg._cache
        key = (value._units, unit)
        try:
            factor = _USUAL[key]
        except KeyError:
            target = unit or "dimensionless"
            try:
                factor = conversion_factor(ureg.Unit(value._units), target)
                if ureg.parse_units(target)._units == value._units:
                    factor = _SAME  # pint returns the magnitude itself, not a product
            except Exception:  # another dimension, an offset unit: not usual
                factor = None
            _USUAL[key] = factor
        if factor is None:
            return None
        if kind is not np.ndarray:  # one number: the 0-d array's element, made directly
            number = np.float64(raw if factor is _SAME else raw * factor)
            return number if math.isfinite(number) else None
        array = np.asarray(raw if factor is _SAME else raw * factor, dtype=float)
    elif not unit and type(value) in _PLAIN:
        number = np.float64(value)
        return number if math.isfinite(number) else None
    elif not unit and type(value) is np.ndarray and value.dtype == _F8:
        array = np.asarray(value, dtype=float)
    else:
        return None
    if array.size > _MAX_USUAL_ELEMENTS or not np.isfinite(array).all():
        return None
    return array[()] if array.ndim == 0 else array


#: Arrays larger than this go to the validator (its size check refuses the largest).
_MAX_USUAL_ELEMENTS = 2**24


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
    result = _usual_magnitude(value, unit)
    if result is None:  # anything unusual: the boundary validator, with its messages
        from .validation import check

        result = check(value, name, unit, allow_nan=allow_nan)
    if dtype is not float:
        result = np.asarray(result, dtype=dtype)
        return result[()] if result.ndim == 0 else result
    return result


_FACTORS: dict = {}
_FACTORS_OF: list = [None]  # the pint cache the factors were taken from


def conversion_factor(from_units, to_units) -> float:
    """The factor f with ``Q_(x, from_units).to(to_units).magnitude == x * f`` exactly.

    For plain-numpy hot paths (costing a plant's stages) that convert the same pairs of
    units many times: ``x * f`` is the very product pint computes, so results are
    bit-identical to pint's. Multiplicative units only (not degC). The factors follow
    :func:`set_exchange_rate` (they are forgotten whenever pint rebuilds its cache).

    Parameters
    ----------
    from_units, to_units : str, pint.Unit or the units container of either

    Raises
    ------
    UnitError
        If the two units differ in dimension or one is an offset unit.
    """
    if _FACTORS_OF[0] is not ureg._cache:
        _FACTORS.clear()
        _FACTORS_OF[0] = ureg._cache
    key = (
        from_units if isinstance(from_units, str) else getattr(from_units, "_units", from_units),
        to_units if isinstance(to_units, str) else getattr(to_units, "_units", to_units),
    )
    factor = _FACTORS.get(key)
    if factor is None:
        from .errors import UnitError

        try:
            one = Q_(1.0, from_units)
            if not one._is_multiplicative or not ureg.Unit(to_units).is_compatible_with(one):
                raise UnitError(f"no conversion factor from {from_units} to {to_units}")
            factor = float(one.to(to_units).magnitude)
        except pint.PintError as exc:
            raise UnitError(
                f"no conversion factor from {from_units} to {to_units}: {exc}"
            ) from exc
        _FACTORS[key] = factor
    return factor


def quantity(value, unit: str):
    """Attach ``unit`` to a plain magnitude (the inverse of :func:`magnitude`)."""
    return Q_(value, unit)


def converted(value, from_unit: str, to_unit: str):
    """``Q_(value, from_unit).to(to_unit)`` for a float (array) ``value``, built once:
    the magnitude is pint's own product (:func:`conversion_factor`)."""
    return Q_(value * conversion_factor(from_unit, to_unit), _container(to_unit))


@functools.lru_cache(maxsize=1024)
def _container(unit: str):
    """The units container of a unit string (canonical names, so a redefinition of a
    unit's factor, e.g. an exchange rate, leaves it valid)."""
    return ureg.parse_units(unit)._units
