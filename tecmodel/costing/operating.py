"""Operating cost: prices, reagents and utilities, labor, fixed O&M and waste disposal.

Every price carries its price year in the unit (``USD_2019/t``); annual costs are returned in
plain ``USD/yr`` (dollars of the package's default cost year). Reagent prices are brought to
that year by a producer price index (:func:`tecmodel.units.escalate_reagent_price`: BLS
industrial-chemicals PPI for ``USD_<year>``), not by CEPCI; utility prices (all but process
water quoted in 2023) keep the unit's conversion. Every function that uses prices takes a
``prices`` mapping that overrides or extends the embedded list.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pint

from ..data import load_table
from ..errors import InputError, UnitError, describe
from ..units import Q_, escalate_reagent_price, magnitude

__all__ = [
    "OperatingCost",
    "default_prices",
    "disposal_cost",
    "disposal_costs",
    "fixed_operating_costs",
    "labor_cost",
    "location_prices",
    "operating_cost",
    "price",
    "reagent_cost",
]

_ANNUAL = "USD/yr"
_WASTE_CLASSES = ("non_hazardous", "hazardous", "radioactive")


def _rule(key: str):
    entry = load_table("operating_rules")[key]
    return Q_(float(entry.value), entry.extra.get("unit", ""))


def _operating_hours(operating_hours):
    hours = _rule("operating_hours") if operating_hours is None else operating_hours
    value = magnitude(hours, "h/yr", "operating_hours")
    if np.any(np.asarray(value) < 0) or np.any(np.asarray(value) > 8784):
        raise InputError(f"operating_hours must be within 0–8784 h/yr, got {describe(hours)}")
    return value


# --------------------------------------------------------------------------- prices
def default_prices() -> dict[str, pint.Quantity]:
    """The embedded price list: name → price Quantity with its price year in the unit."""
    return dict(_embedded_prices())


@functools.cache
def _embedded_prices() -> dict[str, pint.Quantity]:
    # built once: a plant evaluation looks prices up for every stage
    return {e.key: Q_(float(e.value), e.extra["unit"]) for e in load_table("prices").entries}


#: Price sets by location: location → embedded table (``tecmodel/data/<table>.toml``).
PRICE_SETS = {"united_states": "prices", "china": "prices_china"}


def location_prices(location: str) -> dict[str, pint.Quantity]:
    """An embedded price set by location, brought to the default cost year.

    Parameters
    ----------
    location : {"united_states", "china"}
        ``"united_states"`` is :func:`default_prices`; ``"china"`` the Chinese set
        (``prices_china.toml``: CNY per unit of the 100 % reagent, each with its source or
        labelled assumption and year). A price quoted in another year than 2023 is escalated
        by China's chemical-raw-materials purchaser price index
        (:func:`tecmodel.units.escalate_reagent_price`).

    Returns
    -------
    dict of str to pint.Quantity
        Name → price [currency per unit].
    """
    if location not in PRICE_SETS:
        raise InputError(f"location must be one of {', '.join(PRICE_SETS)}, got {location!r}")
    if location == "united_states":
        return default_prices()
    out = {}
    for entry in load_table(PRICE_SETS[location]).entries:
        price_ = Q_(float(entry.value), entry.extra["unit"])
        out[entry.key] = escalate_reagent_price(price_, quote_year=entry.year)
    return out


def _category(name: str) -> str:
    table = load_table("prices")
    if _CATEGORY_INDEX[0] is not table:  # name → category of the table's first entry of it
        _CATEGORY_INDEX[1] = {
            entry.key: entry.extra.get("category", "reagent") for entry in reversed(table.entries)
        }
        _CATEGORY_INDEX[0] = table
    return _CATEGORY_INDEX[1].get(name, "reagent")


_CATEGORY_INDEX: list = [None, {}]  # (the prices table, its categories by name), built once


def is_reagent_price(path: str) -> bool:
    """Whether the dotted ``path`` names a reagent price (``costing.prices.<reagent>``).

    Such a price moves between currency years by a producer price index
    (:func:`tecmodel.units.reagent_price_in`); utilities and capital move by CEPCI.
    """
    prefix = "costing.prices."
    return path.startswith(prefix) and _category(path[len(prefix) :]) == "reagent"


def _price_list(prices) -> dict:
    merged = default_prices()
    if prices is not None:
        if not isinstance(prices, Mapping):
            raise InputError(f"prices must be a mapping name -> Quantity, got {describe(prices)}")
        for name, value in prices.items():
            merged[name] = Q_(value) if isinstance(value, str) else value
    return merged


def price(name: str, prices=None) -> pint.Quantity:
    """Price of ``name`` from ``prices`` (if given) or the embedded list.

    Raises
    ------
    InputError
        If the name is unknown; the message lists the known names.
    """
    merged = _price_list(prices)
    if name not in merged:
        raise InputError(f"no price for {name!r}; known names are: {', '.join(sorted(merged))}")
    return merged[name]


# --------------------------------------------------------------------------- reagents
def reagent_cost(consumption, prices=None, operating_hours=None) -> dict[str, pint.Quantity]:
    """Annual cost of each consumed reagent or utility.

    Parameters
    ----------
    consumption : mapping of str to pint.Quantity
        Name → consumption rate per operating hour [mass/time, volume/time or power],
        e.g. ``{"hydrochloric_acid": Q_(120, "kg/h"), "electricity": Q_(2, "MW")}``.
    prices : mapping of str to pint.Quantity, optional
        Overrides/extends :func:`default_prices` [currency per unit of the rate's
        numerator, e.g. USD_2019/t, CNY/t, USD/kWh].
    operating_hours : pint.Quantity, optional
        Hours of operation per year [h/yr]; default 8064 h/yr (PrOMMiS: 8 h × 3 shifts ×
        336 days).

    Returns
    -------
    dict of str to pint.Quantity
        Name → annual cost [USD/yr, default cost year].

    Raises
    ------
    InputError
        For a name without a price (the message names it and lists the known names).
    UnitError
        If price × rate is not money per time (e.g. a price per kg with a rate in kW).

    Notes
    -----
    cost_i = price_i · rate_i · operating_hours. A reagent price quoted as ``USD_<y>`` is
    first multiplied by PPI(2023)/PPI(y) of the U.S. industrial-chemicals producer price
    index (:func:`tecmodel.units.escalate_reagent_price`), not by CEPCI; a utility price
    converts by its unit (CEPCI ratio for ``USD_<y>``); other currencies by exchange rate.
    """
    if not isinstance(consumption, Mapping):
        raise InputError(
            f"consumption must be a mapping name -> rate Quantity, got {describe(consumption)}"
        )
    merged = _price_list(prices)
    unknown = [name for name in consumption if name not in merged]
    if unknown:
        raise InputError(
            f"no price for {', '.join(repr(n) for n in unknown)}; give it in prices= or use "
            f"one of: {', '.join(sorted(merged))}"
        )
    hours = Q_(_operating_hours(operating_hours), "h/yr")
    costs = {}
    for name, rate in consumption.items():
        rate = Q_(rate) if isinstance(rate, str) else rate
        if not isinstance(rate, pint.Quantity):
            raise UnitError(
                f"consumption of {name!r} needs units (e.g. Q_(100, 'kg/h')), got {describe(rate)}"
            )
        unit_price = merged[name]
        if (
            _category(name) == "reagent"
            and isinstance(unit_price, pint.Quantity)
            and "[currency]" in unit_price.dimensionality
        ):
            unit_price = escalate_reagent_price(unit_price)
        annual = unit_price * rate * hours
        if annual.dimensionality != Q_(1.0, _ANNUAL).dimensionality:
            raise UnitError(
                f"consumption of {name!r} is {describe(rate)} but its price is "
                f"{describe(merged[name])}; price × rate must be money per time"
            )
        costs[name] = annual.to(_ANNUAL)
    return costs


# --------------------------------------------------------------------------- labor
def labor_cost(operators_per_shift, labor_rate=None, labor_burden=None, operating_hours=None):
    """Annual operating labor cost.

    Parameters
    ----------
    operators_per_shift : float or array_like
        Operators on duty at any time [-].
    labor_rate : pint.Quantity, optional
        Wage before burden [currency/h]; default USD 38.50/h (2021), a labelled assumption.
    labor_burden : float or array_like, optional
        Burden on wages (benefits, payroll taxes) [-]; default 0.25 (QGESS/PrOMMiS).
    operating_hours : pint.Quantity, optional
        [h/yr]; default 8064 h/yr.

    Returns
    -------
    pint.Quantity
        [USD/yr]

    Notes
    -----
    labor = operators_per_shift · labor_rate · (1 + labor_burden) · operating_hours,
    the PrOMMiS ``get_fixed_OM_costs`` form (operators per shift × rate × (1 + burden) ×
    hours/shift × shifts/day × operating days). It pays for every operated hour of every
    position; staffing a 24/7 position with ~4.2 people working ~2,080 h/yr each costs
    about 8,760/8,064 ≈ 1.09 times more — raise ``operators_per_shift`` to include relief.
    """
    operators = magnitude(operators_per_shift, "", "operators_per_shift")
    if np.any(np.asarray(operators) < 0):
        raise InputError(f"operators_per_shift must be >= 0, got {describe(operators_per_shift)}")
    rate = magnitude(
        _rule("labor_rate") if labor_rate is None else labor_rate, "USD/h", "labor_rate"
    )
    burden = magnitude(
        _rule("labor_burden") if labor_burden is None else labor_burden, "", "labor_burden"
    )
    hours = _operating_hours(operating_hours)
    return Q_(operators * rate * (1.0 + burden) * hours, _ANNUAL)


# --------------------------------------------------------------------------- waste
def disposal_costs() -> dict[str, pint.Quantity]:
    """Embedded disposal cost per waste class (plus ``precipitate``) [currency per t or m³]."""
    return dict(_embedded_disposal_costs())


@functools.cache
def _embedded_disposal_costs() -> dict[str, pint.Quantity]:
    table = load_table("disposal")
    return {
        e.key: Q_(float(e.value), e.extra["unit"])
        for e in table.entries
        if e.key != "bulk_density"
    }


def _renamed(new_value, old_value, old: str, new: str, where: str):
    """The value of a keyword renamed to one name per idea (GLOSSARY.md), warning once."""
    if old_value is None:
        return new_value
    if new_value is not None:
        raise InputError(f"{where}: give {new}= only ({old}= is its deprecated old name)")
    warnings.warn(
        f"{where}: {old}= is deprecated, use {new}= (the same mapping)",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value


def disposal_cost(
    waste_class: str,
    flow,
    density=None,
    disposal_costs=None,
    operating_hours=None,
    *,
    rates=None,
) -> pint.Quantity:
    """Annual disposal cost of a waste stream of one class.

    Parameters
    ----------
    waste_class : {"non_hazardous", "hazardous", "radioactive"} or another key of ``rates``
    flow : pint.Quantity
        Waste flow per operating hour [mass/time or volume/time].
    density : pint.Quantity, optional
        Bulk density to convert between mass and volume when the rate's basis differs
        [mass/volume]; default 1,600 kg/m³ (labelled assumption).
    disposal_costs : mapping of str to pint.Quantity, optional
        Disposal cost per waste class, overriding/extending the embedded list
        (``tecmodel.costing.disposal_costs()``) [currency/mass or currency/volume]; the
        name of ``CostingBasis.disposal_costs``. ``rates=`` is its deprecated old name.
    operating_hours : pint.Quantity, optional
        [h/yr]; default 8064 h/yr.

    Returns
    -------
    pint.Quantity
        [USD/yr]

    Notes
    -----
    cost = rate · flow · operating_hours, with flow converted by the density if the rate
    is per volume and the flow per mass (or the reverse). Defaults: non-hazardous USD 1/short
    ton and precipitate USD 5/short ton ($2019, PrOMMiS); radioactive (US LLRW, Texas
    compact) ~USD 100/ft³ = 3,530 USD/m³; hazardous USD 200/t (assumption).
    """
    overrides = _renamed(disposal_costs, rates, "rates", "disposal_costs", "disposal_cost")
    table = dict(_embedded_disposal_costs())
    if overrides is not None:
        table.update({k: Q_(v) if isinstance(v, str) else v for k, v in overrides.items()})
    if waste_class not in table:
        raise InputError(f"unknown waste_class {waste_class!r}; valid: {', '.join(sorted(table))}")
    rate = table[waste_class]
    flow = Q_(flow) if isinstance(flow, str) else flow
    if not isinstance(flow, pint.Quantity):
        raise UnitError(f"waste flow needs units (e.g. Q_(2, 't/h')), got {describe(flow)}")
    rho = magnitude(
        Q_(float(load_table("disposal")["bulk_density"].value), "kg/m**3")
        if density is None
        else density,
        "kg/m**3",
        "density",
    )
    hours = Q_(_operating_hours(operating_hours), "h/yr")
    per_mass = rate.dimensionality == Q_(1, "USD/kg").dimensionality
    per_volume = rate.dimensionality == Q_(1, "USD/m**3").dimensionality
    is_mass = flow.dimensionality == Q_(1, "kg/s").dimensionality
    is_volume = flow.dimensionality == Q_(1, "m**3/s").dimensionality
    if not (per_mass or per_volume):
        raise UnitError(f"disposal rate of {waste_class!r} must be per mass or per volume")
    if not (is_mass or is_volume):
        raise UnitError(
            f"waste flow must be mass or volume per time (e.g. 't/h', 'm**3/h'), "
            f"got {describe(flow)}"
        )
    if per_volume and is_mass:
        flow = Q_(flow.to("kg/s").magnitude / rho, "m**3/s")
    elif per_mass and is_volume:
        flow = Q_(flow.to("m**3/s").magnitude * rho, "kg/s")
    return (rate * flow * hours).to(_ANNUAL)


def _waste_cost(wastes, disposal_costs, operating_hours):
    """Total disposal cost of Waste-like objects or a mapping class → flow(s)."""
    total = Q_(0.0, _ANNUAL)
    if wastes is None:
        return total
    if isinstance(wastes, Mapping):
        for waste_class, flows in wastes.items():
            for flow in flows if isinstance(flows, list | tuple) else [flows]:
                total = total + disposal_cost(
                    waste_class,
                    flow,
                    disposal_costs=disposal_costs,
                    operating_hours=operating_hours,
                )
        return total
    for waste in wastes:  # objects with waste_class, mass_flow, density (stages.Waste)
        total = total + disposal_cost(
            waste.waste_class,
            waste.mass_flow,
            density=getattr(waste, "density", None),
            disposal_costs=disposal_costs,
            operating_hours=operating_hours,
        )
    return total


# --------------------------------------------------------------------------- fixed O&M
def fixed_operating_costs(total_plant_cost, labor) -> dict[str, pint.Quantity]:
    """QGESS fixed O&M items from total plant cost and annual labor.

    Parameters
    ----------
    total_plant_cost : pint.Quantity
        [currency]
    labor : pint.Quantity
        Annual operating labor [currency/yr].

    Returns
    -------
    dict with ``maintenance`` (2 %/yr of TPC), ``qa_qc`` (10 % of labor),
    ``administration`` (20 % of labor) and ``tax_and_insurance`` (1 %/yr of TPC) [USD/yr].

    References
    ----------
    .. [1] PrOMMiS ``get_fixed_OM_costs`` (NETL QGESS practice); REFERENCE_DATA.md.
    """
    tpc = magnitude(total_plant_cost, "USD", "total_plant_cost")
    labor_value = magnitude(labor, _ANNUAL, "labor")
    return {
        "maintenance": Q_(
            _rule("maintenance_fraction_of_tpc").to("1/yr").magnitude * tpc, _ANNUAL
        ),
        "qa_qc": Q_(_rule("qa_qc_fraction_of_labor").magnitude * labor_value, _ANNUAL),
        "administration": Q_(
            _rule("administration_fraction_of_labor").magnitude * labor_value, _ANNUAL
        ),
        "tax_and_insurance": Q_(
            _rule("tax_and_insurance_fraction_of_tpc").to("1/yr").magnitude * tpc, _ANNUAL
        ),
    }


_CATEGORIES = (
    "reagents",
    "utilities",
    "labor",
    "supervision",
    "maintenance",
    "qa_qc",
    "administration",
    "tax_and_insurance",
    "overhead",
    "waste",
    "royalties",
)


@dataclass(frozen=True)
class OperatingCost:
    """Annual operating cost by category [USD/yr Quantities]; arrays over samples allowed.

    Attributes
    ----------
    reagents, utilities, labor, maintenance, qa_qc, administration, tax_and_insurance,
    overhead, waste, royalties, supervision : pint.Quantity
    items : dict of str to pint.Quantity
        Per reagent/utility annual cost (the parts of ``reagents`` and ``utilities``).
    """

    reagents: object
    utilities: object
    labor: object
    maintenance: object
    qa_qc: object
    administration: object
    tax_and_insurance: object
    overhead: object
    waste: object
    royalties: object
    items: dict = field(default_factory=dict)
    supervision: object = field(default_factory=lambda: Q_(0.0, _ANNUAL))

    def breakdown(self) -> dict:
        """Category → annual cost [USD/yr]."""
        return {name: getattr(self, name) for name in _CATEGORIES}

    @property
    def total(self):
        """Sum of all categories [USD/yr] (a plant's ``opex`` adds feed purchase)."""
        values = list(self.breakdown().values())
        total = values[0]
        for value in values[1:]:
            total = total + value
        return total

    @property
    def opex(self):
        """Deprecated: :attr:`total`. ``opex`` names a plant's whole operating cost
        (GLOSSARY.md), which adds feed purchase to this total
        (:attr:`tecmodel.costing.plant.PlantCost.opex`, ``PlantResult.opex``)."""
        warnings.warn(
            "OperatingCost.opex is deprecated: use total (a plant's opex, PlantResult.opex, "
            "adds feed purchase)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.total

    def to_dict(self, unit: str = _ANNUAL) -> dict:
        """Categories, items and total as plain magnitudes in ``unit``."""
        out = {k: v.to(unit).magnitude for k, v in self.breakdown().items()}
        out.update({f"item:{k}": v.to(unit).magnitude for k, v in self.items.items()})
        out["total"] = self.total.to(unit).magnitude
        return out

    def __repr__(self) -> str:
        def fmt(q):
            m = np.asarray(q.to(_ANNUAL).magnitude)
            return f"{m:.4g}" if m.ndim == 0 else f"array{m.shape} mean {m.mean():.4g}"

        rows = [f"  {k:<18} {fmt(v)} USD/yr" for k, v in self.breakdown().items()]
        rows.append(f"  {'total':<18} {fmt(self.total)} USD/yr")
        return "OperatingCost(\n" + "\n".join(rows) + "\n)"


def split_reagents_and_utilities(items) -> tuple:
    """Sum annual costs by the price list's category: (reagents, utilities) [USD/yr].

    Names not in the embedded list count as reagents.
    """
    reagents = utilities = Q_(0.0, _ANNUAL)
    for name, cost in items.items():
        if _category(name) == "utility":
            utilities = utilities + cost
        else:
            reagents = reagents + cost
    return reagents, utilities


def operating_cost(
    consumption=None,
    operators_per_shift=0.0,
    total_plant_cost=None,
    wastes=None,
    revenue=None,
    royalty_rate=None,
    prices=None,
    disposal_costs=None,
    operating_hours=None,
    labor_rate=None,
    labor_burden=None,
    crews_per_position=None,
    *,
    disposal_rates=None,
) -> OperatingCost:
    """Annual operating cost of a plant, by category.

    Parameters
    ----------
    consumption : mapping of str to pint.Quantity, optional
        Reagent/utility rates per operating hour (see :func:`reagent_cost`).
    operators_per_shift : float or array_like
        [-]
    total_plant_cost : pint.Quantity
        [currency] — basis of maintenance and tax & insurance.
    wastes : iterable of Waste or mapping, optional
        :class:`tecmodel.stages.Waste` objects (class, mass flow, density), or a mapping
        waste_class → flow Quantity (or list of them) [mass/time or volume/time].
    revenue : pint.Quantity, optional
        Annual revenue [currency/yr], basis of royalties.
    royalty_rate : float or array_like, optional
        Royalty as a fraction of revenue [-]; default 0 (labelled assumption).
    prices, disposal_costs : mapping, optional
        Override/extend the embedded price list and disposal cost per waste class (the
        names of ``CostingBasis.prices`` and ``CostingBasis.disposal_costs``;
        ``disposal_rates=`` is the deprecated old name of ``disposal_costs``).
    operating_hours : pint.Quantity, optional
        [h/yr]; default 8064 h/yr.
    labor_rate, labor_burden : optional
        See :func:`labor_cost`.
    crews_per_position : float or array_like, optional
        If given, operators are staffed as a roster: each position manned per shift is
        filled by ``crews_per_position`` people paid ``paid_hours_per_person`` (2,080 h/yr)
        each (see :func:`tecmodel.costing.crews.crew_roster`); if None, every operated hour
        of every position is paid once (the PrOMMiS form of :func:`labor_cost`).

    Returns
    -------
    OperatingCost

    Notes
    -----
    - reagents / utilities: Σ price · rate · hours, split by the price list's category
      (names not in the embedded list count as reagents).
    - labor: :func:`labor_cost` (or the crew roster, see ``crews_per_position``).
    - supervision: 15 % of operating labor (labelled assumption, ``crews.toml``).
    - maintenance 2 %/yr of TPC; QA/QC 10 % of labor; administration 20 % of labor;
      tax & insurance 1 %/yr of TPC (QGESS as used by PrOMMiS).
    - overhead = 60 % × (operating labor + supervision + maintenance): the plant-overhead
      convention of Peters & Timmerhaus (4th ed. 1991, Table 27: 50–70 % of operating
      labor, supervision and maintenance). Reagents, utilities and waste carry no overhead.
    - royalties = royalty_rate · revenue.
    """
    items = reagent_cost(consumption or {}, prices=prices, operating_hours=operating_hours)
    reagents, utilities = split_reagents_and_utilities(items)
    zero = Q_(0.0, _ANNUAL)
    if crews_per_position is None:
        labor = labor_cost(
            operators_per_shift,
            labor_rate=labor_rate,
            labor_burden=labor_burden,
            operating_hours=operating_hours,
        )
    else:
        from .crews import operator_labor_cost

        labor = operator_labor_cost(
            operators_per_shift,
            crews_per_position=crews_per_position,
            labor_rate=labor_rate,
            labor_burden=labor_burden,
        )
    from .crews import _ratio

    supervision = _ratio("supervision_fraction_of_operating_labor") * labor
    if total_plant_cost is None:
        raise InputError(
            "operating_cost needs total_plant_cost (a money Quantity, e.g. Q_(50, 'MUSD'))"
        )
    fixed = fixed_operating_costs(total_plant_cost, labor)
    disposal_costs = _renamed(
        disposal_costs, disposal_rates, "disposal_rates", "disposal_costs", "operating_cost"
    )
    waste = _waste_cost(wastes, disposal_costs, operating_hours)
    # Peters & Timmerhaus: plant overhead on operating labor + supervision + maintenance
    base = labor + supervision + fixed["maintenance"]
    overhead = _rule("overhead_fraction").magnitude * base
    rate = magnitude(
        _rule("royalty_rate") if royalty_rate is None else royalty_rate, "", "royalty_rate"
    )
    if revenue is None:
        if np.any(np.asarray(rate) != 0):
            raise InputError("royalty_rate is set but revenue is missing; give revenue (USD/yr)")
        royalties = zero
    else:
        royalties = Q_(rate * magnitude(revenue, _ANNUAL, "revenue"), _ANNUAL)
    return OperatingCost(
        reagents=reagents.to(_ANNUAL),
        utilities=utilities.to(_ANNUAL),
        labor=labor,
        maintenance=fixed["maintenance"],
        qa_qc=fixed["qa_qc"],
        administration=fixed["administration"],
        tax_and_insurance=fixed["tax_and_insurance"],
        overhead=overhead.to(_ANNUAL),
        waste=waste.to(_ANNUAL),
        royalties=royalties,
        items=items,
        supervision=supervision.to(_ANNUAL),
    )
