"""Each stage's money in plain numpy: equipment, reagents and utilities, waste (issue 13).

:func:`cost_stages` is the first step of :func:`tecmodel.costing.plant.cost_plant`. It
computes, per stage, what the public functions :func:`~tecmodel.costing.purchase_cost`,
:func:`~tecmodel.costing.reagent_cost` and :func:`~tecmodel.costing.disposal_cost`
compute, with the same arithmetic in the same order, so the numbers are bit-identical
(``tests/test_stage_costs.py`` checks this on every shipped plant): a unit conversion is
the product pint forms (``x * factor``, :func:`tecmodel.units.conversion_factor`), a
price escalation the one :func:`tecmodel.units.escalate_reagent_price` forms. What it
saves is pint's bookkeeping: a plant evaluation costs ~40 equipment lines, ~70
consumptions and ~20 wastes, and building Quantities for each took most of the money's
time.

Whatever the fast path does not expect (a negative size or no units, an unknown
reagent or a rate without units, which raise; wastes given as a mapping) is handed to
the public function, so errors are theirs, word for word; a size outside a
correlation's range warns with purchase_cost's own warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pint

from ..units import Q_, conversion_factor, escalate_reagent_price, ureg
from .capital import (
    collect_extrapolated,
    equipment_correlation,
    purchase_cost,
    warn_if_extrapolated,
)
from .operating import _category, _waste_cost, disposal_cost, reagent_cost

__all__ = ["StageCost", "cost_stages", "costed_units"]

_ANNUAL = "USD/yr"


@dataclass(frozen=True)
class StageCost:
    """Money attributed to one stage (USD and USD/yr magnitudes, arrays over samples).

    Attributes
    ----------
    equipment : ndarray
        Purchase cost of the stage's equipment, before the location factor [USD].
    reagents, utilities, waste : ndarray
        The stage's own consumption and wastes at the plant's prices [USD/yr].
    labor : ndarray
        The plant's operating labor shared by the stage's operator positions [USD/yr].
    """

    equipment: np.ndarray
    reagents: np.ndarray
    utilities: np.ndarray
    labor: np.ndarray
    waste: np.ndarray


def _in(quantity, unit):
    """``quantity.to(unit).magnitude`` by pint's own product (one cached factor)."""
    if not isinstance(quantity, pint.Quantity) or not _multiplicative(quantity):
        return quantity.to(unit).magnitude  # pint's error or its offset arithmetic
    return quantity.magnitude * conversion_factor(quantity._units, unit)


_MULTIPLICATIVE: dict = {}  # units container -> whether pint multiplies to convert it
_DIMENSIONALITY: dict = {}  # units container -> (pint cache, its dimensionality)


def _dimensionality_of(quantity):
    """``quantity.dimensionality``, looked up once per unit (and pint cache)."""
    units = quantity._units
    entry = _DIMENSIONALITY.get(units)
    if entry is None or entry[0] is not ureg._cache:
        entry = _DIMENSIONALITY[units] = (ureg._cache, quantity.dimensionality)
    return entry[1]


def _multiplicative(quantity) -> bool:
    """``quantity._is_multiplicative``, looked up once per unit."""
    units = quantity._units
    known = _MULTIPLICATIVE.get(units)
    if known is None:
        known = _MULTIPLICATIVE[units] = bool(quantity._is_multiplicative)
    return known


@dataclass(frozen=True)
class _Numbers:
    """A correlation's numbers in its own size unit (formed once per correlation)."""

    unit: object  # the size unit (pint.Unit)
    size_min: float
    size_max: float
    reference_cost: float  # in the correlation's currency-year unit
    reference_size: float
    exponent: float
    to_usd: float  # conversion factor of the reference cost to USD
    unit_text: str  # the size unit as purchase_cost's warning writes it


_NUMBERS: dict = {}  # id(correlation) -> (correlation, pint cache, _Numbers)


def _numbers(correlation) -> _Numbers:
    """The :class:`_Numbers` of ``correlation``; formed again if pint's cache (exchange
    rates, units) was rebuilt since."""
    entry = _NUMBERS.get(id(correlation))
    if entry is None or entry[0] is not correlation or entry[1] is not ureg._cache:
        unit = correlation.reference_size.units
        numbers = _Numbers(
            unit=unit,
            size_min=_in(correlation.size_min, unit),
            size_max=_in(correlation.size_max, unit),
            reference_cost=float(correlation.reference_cost.magnitude),
            reference_size=float(correlation.reference_size.magnitude),
            exponent=correlation.exponent,
            to_usd=conversion_factor(correlation.reference_cost.units, "USD"),
            unit_text=format(unit, "D"),
        )
        entry = _NUMBERS[id(correlation)] = (correlation, ureg._cache, numbers)
    return entry[2]


def _costed_magnitudes(item, correlation=None):
    """(per-unit size in the correlation's size unit, units bought, that unit)."""
    correlation = correlation or equipment_correlation(item.kind)
    numbers = _numbers(correlation)
    unit = numbers.unit
    per_unit = _in(item.size, unit)
    units = np.asarray(item.parallel_units, dtype=float)
    total = per_unit * units
    needed = np.maximum(units, np.ceil(total / numbers.size_max))
    per_unit = np.divide(
        total, needed, out=np.asarray(per_unit * np.ones_like(total)), where=needed > 0
    )
    return per_unit, needed, unit


def costed_units(item):
    """(per-unit size, number of units) an equipment line is bought as.

    A unit larger than its correlation's valid maximum is bought as several equal units
    that fit (as a designer would, and so the cost is not extrapolated upward).
    """
    per_unit, needed, unit = _costed_magnitudes(item)
    return Q_(per_unit, unit), needed


def _equipment_usd(item) -> np.ndarray:
    """``purchase_cost(kind, *costed_units(item))`` in USD, as a plain magnitude."""
    correlation = equipment_correlation(item.kind)
    per_unit, needed, unit = _costed_magnitudes(item, correlation)
    size = np.asarray(per_unit, dtype=float)
    n = np.asarray(needed, dtype=float)
    valid = np.isfinite(size).all() and (size >= 0).all() and (n > 0).all()
    if not valid:  # the public function raises its error
        cost = purchase_cost(item.kind, Q_(per_unit, unit), needed)
        return np.asarray(cost.to("USD").magnitude, dtype=float)
    # purchase_cost's warning, pointing at the caller of cost_stages's caller (cost_plant)
    # (its range test first, in plain numpy: the warning is built only when it is shown)
    numbers = _numbers(correlation)
    low, high = numbers.size_min, numbers.size_max
    if ((size < low) | (size > high)).any() and not collect_extrapolated(correlation.kind):
        shown = size[()] if size.ndim == 0 else size
        warn_if_extrapolated(correlation, shown, numbers.unit_text, stacklevel=4)
    # scale_cost's kernel, n · C_ref · (S / (k · S_ref))^e with k = 1 (k · S_ref = S_ref)
    value = n * numbers.reference_cost * (size / numbers.reference_size) ** numbers.exponent
    value = value[()] if value.ndim == 0 else value
    return np.asarray(value * numbers.to_usd, dtype=float)


class _PriceBook:
    """The plant's prices as (magnitude, unit) after escalation, looked up once each."""

    def __init__(self, prices, hours):
        self.prices = prices
        self.hours = hours  # [h/yr], plain
        self.escalated = {}

    def annual_usd(self, name, rate):
        """``reagent_cost`` of one consumption [USD/yr] or None if it is not the usual
        case (the caller then asks the public function, for its error)."""
        if name not in self.prices or not isinstance(rate, pint.Quantity):
            return None
        price = self.escalated.get(name)
        if price is None:
            price = _escalated(name, self.prices[name])
            if price is None:
                return None
            self.escalated[name] = price
        factor = _annual_factor(price._units, rate._units)
        if factor is None:
            return None
        # (price · rate) · hours, then the conversion: reagent_cost's order
        return (price.magnitude * rate.magnitude) * self.hours * factor


_ESCALATED: dict = {}  # (name, id of the price given) -> (price given, pint cache, escalated)


def _escalated(name, given):
    """The price of ``name`` as reagent_cost uses it (escalated if a reagent), a Quantity,
    or None if it is not one; formed once per price object (and pint cache)."""
    key = (name, given if isinstance(given, str) else id(given))
    entry = _ESCALATED.get(key)
    if entry is not None and entry[0] is given and entry[1] is ureg._cache:
        return entry[2]
    price = Q_(given) if isinstance(given, str) else given
    if (
        _category(name) == "reagent"
        and isinstance(price, pint.Quantity)
        and "[currency]" in price.dimensionality
    ):
        price = escalate_reagent_price(price)
    if not isinstance(price, pint.Quantity):
        price = None
    if len(_ESCALATED) > 4096:  # prices of many plants: start again
        _ESCALATED.clear()
    _ESCALATED[key] = (given, ureg._cache, price)
    return price


_FACTORS: dict = {}  # (price units, rate units) -> (pint cache, factor or None)


def _annual_factor(price_units, rate_units):
    """Factor from (price unit · rate unit · h/yr) to USD/yr, or None if that is not a
    cost per year."""
    key = (price_units, rate_units)
    entry = _FACTORS.get(key)
    if entry is not None and entry[0] is ureg._cache:
        return entry[1]
    annual = Q_(1.0, price_units) * Q_(1.0, rate_units) * Q_(1.0, "h/yr")
    factor = None
    if annual.dimensionality == _ANNUAL_DIMENSION:
        factor = conversion_factor(annual.units, _ANNUAL)
    _FACTORS[key] = (ureg._cache, factor)
    return factor


_ANNUAL_DIMENSION = ureg.Quantity(1.0, _ANNUAL).dimensionality
_PER_MASS = ureg.Quantity(1.0, "USD/kg").dimensionality
_PER_VOLUME = ureg.Quantity(1.0, "USD/m**3").dimensionality


def _waste_usd(wastes, disposal_costs, hours, operating_hours) -> np.ndarray:
    """``_waste_cost(wastes, disposal_costs, hours)`` as a plain magnitude [USD/yr]."""
    if wastes is None or isinstance(wastes, Mapping) or not disposal_costs:
        total = _waste_cost(wastes, disposal_costs or None, operating_hours)
        return np.asarray(total.to(_ANNUAL).magnitude, dtype=float)
    total = 0.0
    for waste in wastes:
        rate = disposal_costs.get(waste.waste_class)
        density = getattr(waste, "density", None)
        flow = waste.mass_flow
        if (
            not isinstance(rate, pint.Quantity)
            or not isinstance(density, pint.Quantity)
            or rate.dimensionality not in (_PER_MASS, _PER_VOLUME)
        ):
            cost = disposal_cost(
                waste.waste_class,
                flow,
                density=density,
                disposal_costs=disposal_costs,
                operating_hours=operating_hours,
            )
            total = total + np.asarray(cost.to(_ANNUAL).magnitude, dtype=float)
            continue
        kg_s = flow.magnitude  # a Waste's mass_flow is in kg/s
        if rate.dimensionality == _PER_VOLUME:
            rho = np.asarray(density.to("kg/m**3").magnitude, dtype=float)
            rho = rho[()] if rho.ndim == 0 else rho
            amount, unit = kg_s / rho, "m**3/s"
        else:
            amount, unit = kg_s, "kg/s"
        factor = _annual_factor(rate._units, unit)
        # disposal_cost's order: (rate · flow) · hours, then the conversion
        total = total + (rate.magnitude * amount) * hours * factor
    return np.asarray(total, dtype=float)


def cost_stages(plant, flows, hours):
    """Cost every stage once: (stage costs by name, reagent/utility items by name).

    Parameters
    ----------
    plant : Plant
    flows : FlowsheetResult
    hours : float or ndarray
        Operating hours [h/yr].

    Returns
    -------
    (dict of str to StageCost, dict of str to pint.Quantity)
        The stage costs with ``labor`` still zero (the plant's labor is shared out by
        :func:`~tecmodel.costing.plant.cost_plant`), and the annual cost of each consumed
        reagent or utility summed over the stages [USD/yr].
    """
    basis = plant.costing
    operating_hours = Q_(hours, "h/yr")
    hours_value = np.asarray(operating_hours.magnitude, dtype=float)
    hours_value = hours_value[()] if hours_value.ndim == 0 else hours_value
    book = _PriceBook(basis.prices or {}, hours_value)
    costs, items = {}, {}
    for name, result in flows.stage_results.items():
        equipment = 0.0
        for item in result.equipment:
            equipment = equipment + _equipment_usd(item)
        consumption = dict(result.consumption)
        stage_items = {key: book.annual_usd(key, rate) for key, rate in consumption.items()}
        if any(value is None for value in stage_items.values()):
            # not the usual case: the public function, for its error (or its numbers)
            stage_items = {
                key: cost.to(_ANNUAL).magnitude
                for key, cost in reagent_cost(
                    consumption, prices=basis.prices or None, operating_hours=operating_hours
                ).items()
            }
        for key, cost in stage_items.items():
            items[key] = cost if key not in items else items[key] + cost
        # split_reagents_and_utilities: sums from 0 in the order of the items
        reagents = utilities = 0.0
        for key, cost in stage_items.items():
            if _category(key) == "utility":
                utilities = utilities + cost
            else:
                reagents = reagents + cost
        waste = _waste_usd(result.wastes, basis.disposal_costs, hours_value, operating_hours)
        costs[name] = StageCost(
            *(np.asarray(v, dtype=float) for v in (equipment, reagents, utilities, 0.0, waste))
        )
    return costs, {key: Q_(value, _ANNUAL) for key, value in items.items()}
