"""The money of a plant: stage results → capital, operating cost, revenue and finance.

:func:`cost_plant` takes a plant and its physics (a
:class:`~tecmodel.flowsheet.FlowsheetResult`) and computes, in one pass, everything a
:class:`~tecmodel.results.PlantResult` reports about money:

1. each stage once (:func:`cost_stages`): its equipment's purchase cost, its reagents and
   utilities at the plant's prices, its wastes at the plant's disposal costs;
2. the plant from the stages: capital (installation stack, site, owner's costs, working
   capital, initial fills), operating cost (the stages' reagents, utilities and waste
   summed; labor, fixed O&M, overhead and royalties on the plant's totals), feed
   purchase, products and revenue;
3. finance: the finance inputs gathered in ONE place (:func:`finance_arguments`) and the
   levelized cost solved twice, at the plant's operating cost and at zero (its capital
   part, which the breakdowns split by).

The result, a :class:`PlantCost`, is a record: nothing is computed lazily and nothing
is read back from the plant afterwards.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import finance
from ..errors import InputError
from ..units import Q_, magnitude
from .capital import ExtrapolationWarning, capital_cost, collected_extrapolations, lang_factor
from .crews import _entry as _crew_entry
from .crews import crew_roster
from .operating import (
    _category,
    _operating_hours,
    operating_cost,
    price,
    split_reagents_and_utilities,
)
from .site import (
    effluent_treatment_equipment_cost,
    estimate_class,
    reagent_storage_equipment_cost,
    site_factor,
)
from .stage_costs import StageCost, _dimensionality_of, _in, cost_stages, costed_units

__all__ = [
    "PRODUCT_EXEMPTION_LIMIT",
    "PlantCost",
    "StageCost",
    "cost_plant",
    "cost_stages",
    "costed_units",
    "effluent_flow",
    "finance_arguments",
    "product_source_material_fraction",
    "recovered_capital",
]

_ANNUAL = "USD/yr"
_SECONDS_PER_HOUR = 3600.0

#: Source-material exemption of rare-earth products: not more than 0.25 wt % Th + U
#: (10 CFR 40.13(c)(1)(vi)).
PRODUCT_EXEMPTION_LIMIT = 0.0025


def _usd(value) -> np.ndarray:
    return np.asarray(_in(value, "USD"), dtype=float)


def _usd_yr(value) -> np.ndarray:
    return np.asarray(_in(value, _ANNUAL), dtype=float)


# ------------------------------------------------------------------------------ stages
def _operator_positions(result) -> np.ndarray:
    return np.asarray(magnitude(result.operators_per_shift, "", "operators_per_shift"))


# ------------------------------------------------------------------------------ finance
def recovered_capital(capital) -> np.ndarray:
    """Capital that is not depreciated and comes back at the end of the life [USD].

    Parameters
    ----------
    capital : CapitalCost
        A plant's capital (``PlantResult.capital``).

    Returns
    -------
    numpy.ndarray
        Working capital plus the land of a new site (the site item ``land``). Land is not
        depreciable (IRC §167 allows depreciation only of property that wears out; land
        does not, IRS Publication 946 (2023), ch. 1); it is recovered at the end of the
        life at its purchase price in real terms, as working capital is (the finance
        model spends both in the last construction year and returns both, escalated by
        inflation, in the last operating year). Contingency and owner's costs counted on
        the land's value stay in the depreciable capital.
    """
    working = _usd(capital.working_capital)
    land = (capital.site or {}).get("land")
    if land is None:
        return working
    return working + _usd(land[1])


def _working_capital_fraction(working_capital, depreciable_capital) -> np.ndarray:
    """Working capital per USD of depreciable capital [-]; 0 for a plant with neither
    (e.g. a flowsheet of generic stages without equipment). Working capital without any
    depreciable capital cannot be expressed as a fraction and is refused."""
    working = np.asarray(working_capital, dtype=float)
    depreciable = np.asarray(depreciable_capital, dtype=float)
    if np.any((depreciable <= 0) & (working > 0)):
        raise InputError(
            "working capital needs depreciable capital to be financed: got working capital "
            f"{working.max():.6g} USD with depreciable capital {depreciable.min():.6g} USD; "
            "give the plant equipment or a working_capital_fraction"
        )
    safe = np.where(depreciable > 0, depreciable, 1.0)
    return np.where(depreciable > 0, working / safe, 0.0)


def finance_arguments(assumptions, depreciable_capital, working_capital) -> dict:
    """The keyword arguments every :mod:`tecmodel.finance` call of a plant receives.

    The one place where a plant's finance inputs are gathered: the levelized cost, the
    cash-flow table (NPV, IRR, payback), the product costs and the economic fast path of
    :class:`tecmodel.sensitivity.Study` all take their finance inputs from here.

    Parameters
    ----------
    assumptions : FinanceAssumptions
        The plant's ``finance``.
    depreciable_capital : ndarray
        Capital that is spent and depreciated: capex less working capital [USD].
    working_capital : ndarray
        Capital recovered at the end of the life and not depreciated: working capital
        and land (:func:`recovered_capital`) [USD].

    Returns
    -------
    dict
        Keyword arguments of :func:`tecmodel.finance.levelized_cost` and
        :func:`tecmodel.finance.cash_flow_table` besides capital, revenue, operating cost
        and production; working capital as a fraction of ``depreciable_capital`` [-].
    """
    values = assumptions.resolved()
    return {
        "discount_rate": values["discount_rate"],
        "plant_life": values["plant_life"],
        "construction_years": values["construction_years"],
        "capital_spend_profile": values["capital_spend_profile"],
        "ramp_up": values["ramp_up"],
        # finance takes working capital as a fraction of the depreciable capital
        "working_capital": _working_capital_fraction(working_capital, depreciable_capital),
        "salvage_fraction": values["salvage_fraction"],
        "tax_rate": values["tax_rate"],
        "depreciation": values["depreciation"],
        "depreciation_life": values["depreciation_life"],
        "loss_rule": values["loss_rule"],
        "inflation": values["inflation"],
        # the policy and finance levers, only those set (none, or the production credit
        # alone: the lean levelized-cost kernel)
        **assumptions.levers(),
    }


# ------------------------------------------------------------------------------ the record
@dataclass(frozen=True, eq=False)
class PlantCost:
    """A plant's money, computed once by :func:`cost_plant` (arrays follow the sample axes).

    Attributes
    ----------
    capital : CapitalCost
    operating : OperatingCost
        Categories; reagents, utilities and waste are the stages' sums.
    stage_costs : dict of str to StageCost
    products : dict of str to Stream
        The product streams.
    annual_production_kg, unit_prices : dict of str to ndarray
        REO product per year [kg/yr] and realized price [USD/kg] by product.
    operating_hours, initial_fill, feed_cost : ndarray
        [h/yr], one-time fills [USD], feed purchase [USD/yr].
    roster : CrewRoster
    estimate : EstimateClass
    working_capital_items : dict of str to ndarray or None
        What the refinery holds [USD], if no working-capital fraction was given.
    capex : pint.Quantity
        Total capital: the capital record's total plus initial fills [USD].
    opex : pint.Quantity
        Operating cost per year: the operating record's total plus feed purchase [USD/yr].
    revenue : pint.Quantity
        At the products' realized prices [USD/yr].
    production : pint.Quantity
        Total REO product [kg/yr].
    levelized_cost : pint.Quantity
        Price per kg of total REO product at which NPV = 0 [USD/kg].
    levelized_capital_cost : ndarray
        The levelized cost with zero operating cost: its capital part [USD/kg].
    finance_arguments : dict
        What :func:`finance_arguments` gathered for this plant.
    purities : dict of str to ndarray
        Purity of each product against its graded components [-].
    radioactive_products, uncosted_outlets : list of str
        Products at or above the source-material exemption limit; outlets neither a
        product, nor connected, nor treated or released by their own stage.
    """

    capital: object
    operating: object
    stage_costs: Mapping[str, StageCost]
    products: Mapping[str, object]
    annual_production_kg: Mapping[str, np.ndarray]
    unit_prices: Mapping[str, np.ndarray]
    operating_hours: np.ndarray
    initial_fill: np.ndarray
    feed_cost: np.ndarray
    roster: object
    estimate: object
    working_capital_items: Mapping | None
    capex: object
    opex: object
    revenue: object
    production: object
    levelized_cost: object
    levelized_capital_cost: np.ndarray
    finance_arguments: Mapping
    purities: Mapping[str, np.ndarray]
    radioactive_products: list
    uncosted_outlets: list

    def fields(self) -> dict:
        """The record as a mapping field name → value (to build a PlantResult from)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(PlantCost)}


def _warn_extrapolated(kinds) -> None:
    """One warning per plant evaluation for all its equipment costed out of range.

    The message names the kinds, not the sizes, so a study that evaluates the plant a
    million times shows it once (Python shows a repeated message once per place); the
    sizes and ranges are in ``PlantResult.extrapolated_equipment()`` and ``summary()``.
    """
    warnings.warn(
        f"{len(kinds)} equipment line(s) costed outside their correlation's valid size "
        f"range, so their cost is extrapolated ({', '.join(sorted(set(kinds)))}); "
        "PlantResult.extrapolated_equipment() lists sizes and ranges",
        ExtrapolationWarning,
        stacklevel=5,  # here <- cost_plant <- evaluate_plant <- Plant.evaluate <- caller
    )


def cost_plant(plant, flows) -> PlantCost:
    """Cost and finance ``plant`` from its physics ``flows``, in one pass (module docstring).

    Parameters
    ----------
    plant : Plant
    flows : FlowsheetResult
        ``plant.simulate()``.

    Returns
    -------
    PlantCost
    """
    basis = plant.costing
    hours = _operating_hours(basis.operating_hours)
    for name, product in plant.products.items():
        if product.source not in flows.streams:
            raise InputError(
                f"product {name!r} comes from {product.source!r}, which is not an outlet; "
                f"outlets are {', '.join(flows.streams)}"
            )

    with collected_extrapolations() as extrapolated:
        stage_costs, items = cost_stages(plant, flows, hours)
    if extrapolated:
        _warn_extrapolated(extrapolated)
    equipment_total = sum((c.equipment for c in stage_costs.values()), 0.0)
    site_items = _site_items(plant, flows, equipment_total)

    def capital(**working):
        return capital_cost(
            Q_(equipment_total, "USD"),
            installation=basis.installation,
            location_factor=basis.location_factor,
            owners_cost_fraction=basis.owners_cost_fraction,
            site_items=site_items,
            project_contingency_fraction=site_factor("project_contingency_fraction"),
            estimate_factor=basis.capital_estimate_factor,
            **working,
        )

    plant_capital = capital(working_capital_fraction=basis.working_capital_fraction)

    fill = _initial_fill_cost(flows, basis.prices)
    feed_kg = flows.feeds[plant.feed.to].total_kg_s * _SECONDS_PER_HOUR * hours
    feed_cost = np.asarray(plant.feed.price_usd_per_kg() * feed_kg, dtype=float)

    products = {name: flows.streams[p.source] for name, p in plant.products.items()}
    annual_kg = {name: s.reo_kg_s * _SECONDS_PER_HOUR * hours for name, s in products.items()}
    unit_prices = {name: plant.products[name].unit_price(s) for name, s in products.items()}
    unit_prices = _unexempt_products_unsold(plant, products, unit_prices)
    revenue = sum((unit_prices[n] * annual_kg[n] for n in products), np.asarray(0.0))

    # the plant's operating cost: labor, fixed O&M, overhead and royalties on its totals;
    # reagents, utilities and waste are the stages' own, summed (not costed again)
    positions = sum((_operator_positions(r) for r in flows.stage_results.values()), 0.0)
    crews = (
        _crew_entry("crews_per_position")
        if basis.crews_per_position is None
        else basis.crews_per_position
    )
    operating = operating_cost(
        operators_per_shift=positions,
        total_plant_cost=plant_capital.total_plant_cost,
        revenue=Q_(revenue, _ANNUAL),
        royalty_rate=basis.royalty_rate,
        operating_hours=Q_(hours, "h/yr"),
        labor_rate=basis.labor_rate,
        crews_per_position=crews,
    )
    reagents, utilities = split_reagents_and_utilities(items)
    waste = sum((c.waste for c in stage_costs.values()), np.asarray(0.0))
    operating = dataclasses.replace(
        operating,
        reagents=reagents.to(_ANNUAL),
        utilities=utilities.to(_ANNUAL),
        waste=Q_(waste, _ANNUAL),
        items=items,
    )
    labor = _usd_yr(operating.labor)
    for name, result in flows.stage_results.items():
        share = _share(_operator_positions(result), positions)
        stage_costs[name] = dataclasses.replace(stage_costs[name], labor=labor * share)

    working = None
    if basis.working_capital_fraction is None:  # what the refinery holds
        working = _working_capital_items(flows, operating, revenue, feed_cost, annual_kg)
        plant_capital = capital(working_capital=Q_(sum(working.values(), np.asarray(0.0)), "USD"))
    roster = crew_roster(
        positions, operating, crews_per_position=crews, labor_rate=basis.labor_rate
    )

    capex = plant_capital.total_capital.to("USD") + Q_(fill, "USD")
    opex = operating.total.to(_ANNUAL) + Q_(feed_cost, _ANNUAL)
    production = sum(annual_kg.values(), np.asarray(0.0))
    recovered = recovered_capital(plant_capital)
    depreciable = _usd(capex) - recovered
    arguments = finance_arguments(plant.finance, depreciable, recovered)
    opex_usd = _usd_yr(opex)
    total = finance.levelized_cost(depreciable, opex_usd, production, **arguments)
    capital_part = finance.levelized_cost(
        depreciable, np.zeros_like(opex_usd), production, **arguments
    )
    return PlantCost(
        capital=plant_capital,
        operating=operating,
        stage_costs=stage_costs,
        products=products,
        annual_production_kg=annual_kg,
        unit_prices=unit_prices,
        operating_hours=np.asarray(hours, dtype=float),
        initial_fill=np.asarray(fill, dtype=float),
        feed_cost=feed_cost,
        roster=roster,
        estimate=estimate_class(flows.stage_results, plant.stages),
        working_capital_items=working,
        capex=capex,
        opex=opex,
        revenue=Q_(revenue, _ANNUAL),
        production=Q_(production, "kg/yr"),
        levelized_cost=Q_(np.asarray(total, dtype=float), "USD/kg"),
        levelized_capital_cost=np.asarray(capital_part, dtype=float),
        finance_arguments=arguments,
        purities={n: plant.products[n].purity(s) for n, s in products.items()},
        radioactive_products=_radioactive_products(plant, products),
        uncosted_outlets=_uncosted_outlets(plant, flows),
    )


def _share(part, whole) -> np.ndarray:
    """part / whole, broadcast, 0 where whole is not positive."""
    a = np.asarray(part, dtype=float)
    b = np.asarray(whole, dtype=float)
    shape = np.broadcast_shapes(a.shape, b.shape)
    return np.divide(
        np.broadcast_to(a, shape), np.broadcast_to(b, shape), out=np.zeros(shape), where=b > 0
    )


# ------------------------------------------------------------------------------ site
#: stage classes that already treat effluent (a water-treatment stage of the plant's own)
_EFFLUENT_STAGE_WORDS = ("effluent", "watertreatment", "wastewater")


def effluent_flow(plant, flows) -> np.ndarray:
    """Aqueous effluent the site must treat [m³/h]: the barren liquors of the precipitation
    stages (the last aqueous step before discharge or recycle); 0 if the plant has its own
    effluent-treatment stage."""
    for stage in plant.stages.values():
        name = type(stage).__name__.lower()
        if any(word in name for word in _EFFLUENT_STAGE_WORDS):
            return np.asarray(0.0)
    total = np.asarray(0.0)
    for result in flows.stage_results.values():
        flow = result.details.get("solution_volume_flow")
        if flow is not None:
            total = total + np.asarray(_in(flow, "m**3/h"), dtype=float)
    return total


def _liquid_reagent_flow(flows) -> np.ndarray:
    """Reagents consumed by mass (stored on site) [kg/h]."""
    per_mass = _PER_MASS_FLOW
    total = np.asarray(0.0)
    for result in flows.stage_results.values():
        for name, rate in result.consumption.items():
            if _category(name) == "utility" or not hasattr(rate, "units"):
                continue
            if _dimensionality_of(rate) == per_mass:
                total = total + np.asarray(_in(rate, "kg/h"), dtype=float)
    return total


_PER_MASS_FLOW = Q_(1, "kg/h").dimensionality


def _site_items(plant, flows, equipment_total) -> dict:
    """Site capital beyond the process units, by item: name → (area, USD Quantity)."""
    basis = plant.costing
    location = np.asarray(magnitude(basis.location_factor, "", "location_factor"))
    if isinstance(basis.installation, str) or isinstance(basis.installation, Mapping):
        installed = lang_factor(
            dict(basis.installation)
            if isinstance(basis.installation, Mapping)
            else basis.installation
        )
    else:
        installed = float(np.mean(magnitude(basis.installation, "", "installation")))
    bare = location * np.asarray(equipment_total)
    effluent = location * effluent_treatment_equipment_cost(
        Q_(effluent_flow(plant, flows), "m**3/h")
    )
    storage = location * reagent_storage_equipment_cost(Q_(_liquid_reagent_flow(flows), "kg/h"))
    items = {
        "service_facilities": (
            "site_services",
            Q_(site_factor("service_facilities_fraction") * bare, "USD"),
        ),
        "effluent_treatment_plant": ("site_services", Q_(installed * effluent, "USD")),
        "reagent_storage": ("site_services", Q_(installed * storage, "USD")),
    }
    new_site = np.asarray(basis.new_site, dtype=float)
    items["land"] = (
        "offsites",
        Q_(new_site * site_factor("land_fraction") * (bare + effluent + storage), "USD"),
    )
    return items


def _working_capital_items(flows, operating, revenue, feed_cost, annual_kg):
    """What the refinery holds [USD by item]: rare earths in the SX cascades, reagent stocks,
    product inventory and receivables (labelled assumptions in working_capital.toml)."""
    from ..data import load_table

    table = load_table("working_capital")

    def value(key):
        return float(table[key].value)

    production = sum(annual_kg.values(), np.asarray(0.0))
    mean_price = _share(revenue, production)
    held_kg = np.asarray(0.0)
    for result in flows.stage_results.values():
        d = result.details
        if "organic_inventory" not in d or "rare_earth_loaded" not in d:
            continue
        feed = result.inlets["feed"]
        feed_mol_h = np.asarray(_in(d["rare_earth_feed"], "mol/h"), dtype=float)
        kg_per_mol = _share(feed.reo_kg_s * _SECONDS_PER_HOUR, feed_mol_h)
        organic_flow = np.asarray(_in(d["organic_flow"], "m**3/h"), dtype=float)
        loading = _share(
            np.asarray(_in(d["rare_earth_loaded"], "mol/h"), dtype=float), organic_flow
        )  # mol/m³
        aqueous_flow = np.asarray(_in(d["aqueous_feed_flow"], "m**3/h"), dtype=float)
        concentration = _share(feed_mol_h, aqueous_flow)
        organic_m3 = np.asarray(_in(d["organic_inventory"], "m**3"), dtype=float)
        aqueous_m3 = organic_m3 * value("aqueous_to_organic_holdup")
        mol = (
            organic_m3 * loading * value("mean_organic_loading_fraction")
            + aqueous_m3 * concentration
        )
        held_kg = held_kg + mol * kg_per_mol
    reagents = _usd_yr(operating.reagents)
    cash_cost = _usd_yr(operating.total) + feed_cost
    return {
        "rare_earths_in_process": held_kg * mean_price,
        "reagent_stocks": reagents * value("reagent_stock_days") / 365.0,
        "product_inventory": cash_cost * value("product_inventory_days") / 365.0,
        "receivables": cash_cost * value("receivable_days") / 365.0,
    }


def _initial_fill_cost(flows, prices) -> np.ndarray:
    """One-time fills (StageResult.details["initial_fill"]) at the reagents' prices [USD]."""
    total = np.asarray(0.0)
    for name, result in flows.stage_results.items():
        for reagent, amount in dict(result.details.get("initial_fill", {})).items():
            cost = price(reagent, prices) * amount
            try:
                total = total + np.asarray(cost.to("USD").magnitude, dtype=float)
            except Exception as exc:
                raise InputError(
                    f"stage {name!r}: initial fill of {reagent} is {amount} but its price is "
                    f"{price(reagent, prices)}; their product must be money"
                ) from exc
    return total


# ------------------------------------------------------------------------------ products
def _product_limit(plant) -> float:
    regime = getattr(plant.costing, "waste_regime", None)
    if regime is None:
        return PRODUCT_EXEMPTION_LIMIT
    from ..stages.waste import waste_regime

    return waste_regime(regime).get("product_exemption_limit", PRODUCT_EXEMPTION_LIMIT)


def product_source_material_fraction(stream) -> np.ndarray:
    """(Th + U, element basis) per kg of a product stream [-]."""
    from ..stages.waste import source_material_fraction

    return source_material_fraction(stream)


def _unexempt_products_unsold(plant, products, unit_prices):
    """A product at or above the exemption limit earns nothing unless its scenario says
    it is sold as licensed source material (Product.licensed_source_material)."""
    limit = _product_limit(plant)
    out = dict(unit_prices)
    for name, stream in products.items():
        if getattr(plant.products[name], "licensed_source_material", False):
            continue
        hot = product_source_material_fraction(stream) >= limit
        out[name] = np.where(hot, 0.0, unit_prices[name])
    return out


def _radioactive_products(plant, products) -> list:
    limit = _product_limit(plant)
    return [
        name
        for name, stream in products.items()
        if np.any(product_source_material_fraction(stream) >= limit)
    ]


def _uncosted_outlets(plant, flows) -> list:
    sources = {p.source for p in plant.products.values()}
    released = set()
    for stage, result in flows.stage_results.items():
        for port in dict(result.details.get("released_outlets", {}) or {}):
            released.add(f"{stage}.{port}")
    return [
        name for name in flows.unconnected_outlets if name not in sources and name not in released
    ]
