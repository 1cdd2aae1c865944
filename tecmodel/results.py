"""Costing a flowsheet and the :class:`PlantResult` a plant evaluation returns.

:func:`evaluate_plant` glues physics to money: equipment → purchase cost → capital
(installation stack, owner's costs, working capital); consumptions, labor and wastes →
operating cost; products × prices → revenue; and the discounted cash flow →
levelized cost (the price per kg of total REO product at which NPV = 0), NPV and IRR.

The levelized-cost breakdown splits the levelized cost exactly into capital and
operating parts: the capital part is the levelized cost with zero operating cost, the
operating part is the rest, shared among categories (and stages) in proportion to their
annual amounts. The parts add up to the total by construction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import finance
from .atomic import write_atomic
from .costing import capital_cost, operating_cost, purchase_cost, reagent_cost
from .costing.crews import operator_labor_cost
from .costing.operating import _waste_cost
from .errors import InputError
from .flowsheet import FlowsheetResult
from .streams import Stream
from .units import Q_, magnitude

__all__ = ["PlantResult", "evaluate_plant"]

_ANNUAL = "USD/yr"
_SECONDS_PER_HOUR = 3600.0


def _usd(value) -> np.ndarray:
    return np.asarray(value.to("USD").magnitude, dtype=float)


def _usd_yr(value) -> np.ndarray:
    return np.asarray(value.to(_ANNUAL).magnitude, dtype=float)


def _operating_hours(plant) -> float | np.ndarray:
    from .costing.operating import _operating_hours as default_hours

    return default_hours(plant.costing.operating_hours)


@dataclass(frozen=True)
class StageCost:
    """Money attributed to one stage (USD and USD/yr magnitudes, arrays over samples)."""

    equipment: np.ndarray
    reagents: np.ndarray
    utilities: np.ndarray
    labor: np.ndarray
    waste: np.ndarray


def costed_units(item):
    """(per-unit size, number of units) an equipment line is bought as.

    A unit larger than its correlation's valid maximum is bought as several equal units
    that fit (as a designer would, and so the cost is not extrapolated upward).
    """
    from .costing import equipment_correlation

    correlation = equipment_correlation(item.kind)
    unit = correlation.reference_size.units
    per_unit = item.size.to(unit).magnitude
    units = np.asarray(item.parallel_units, dtype=float)
    total = per_unit * units
    needed = np.maximum(units, np.ceil(total / correlation.size_max.to(unit).magnitude))
    per_unit = np.divide(
        total, needed, out=np.asarray(per_unit * np.ones_like(total)), where=needed > 0
    )
    return Q_(per_unit, unit), needed


def _purchase(item):
    size, units = costed_units(item)
    return purchase_cost(item.kind, size, units)


def _stage_costs(plant, flows: FlowsheetResult, hours) -> dict[str, StageCost]:
    from .costing.operating import split_reagents_and_utilities

    costs = {}
    basis = plant.costing
    for name, result in flows.stage_results.items():
        equipment = 0.0
        for item in result.equipment:
            equipment = equipment + _usd(_purchase(item))
        items = reagent_cost(
            dict(result.consumption),
            prices=basis.prices or None,
            operating_hours=Q_(hours, "h/yr"),
        )
        reagents, utilities = (_usd_yr(c) for c in split_reagents_and_utilities(items))
        labor = _usd_yr(
            operator_labor_cost(
                result.operators_per_shift,
                crews_per_position=basis.crews_per_position,
                labor_rate=basis.labor_rate,
            )
        )
        waste = _usd_yr(
            _waste_cost(result.wastes, basis.disposal_costs or None, Q_(hours, "h/yr"))
        )
        costs[name] = StageCost(
            *(np.asarray(v, dtype=float) for v in (equipment, reagents, utilities, labor, waste))
        )
    return costs


def _merged_consumption(flows: FlowsheetResult) -> dict:
    merged: dict = {}
    for result in flows.stage_results.values():
        for key, rate in result.consumption.items():
            merged[key] = rate if key not in merged else merged[key] + rate
    return merged


def evaluate_plant(plant, flowsheet: FlowsheetResult | None = None) -> PlantResult:
    """Run, cost and finance ``plant`` (see module docstring).

    Parameters
    ----------
    plant : Plant
    flowsheet : FlowsheetResult, optional
        The plant's physics, already run (:meth:`Plant.simulate`): only the money is
        computed. A study whose parameters are all economic (prices, rates, finance)
        runs the physics once and passes it here for every chunk.
    """
    flows = plant.simulate() if flowsheet is None else flowsheet
    hours = _operating_hours(plant)
    basis = plant.costing

    for name, product in plant.products.items():
        if product.source not in flows.streams:
            raise InputError(
                f"product {name!r} comes from {product.source!r}, which is not an outlet; "
                f"outlets are {', '.join(flows.streams)}"
            )

    stage_costs = _stage_costs(plant, flows, hours)
    equipment_total = sum((c.equipment for c in stage_costs.values()), 0.0)
    site_items = _site_items(plant, flows, equipment_total, hours)  # issue 10
    capital = capital_cost(
        Q_(equipment_total, "USD"),
        installation=basis.installation,
        location_factor=basis.location_factor,
        owners_cost_fraction=basis.owners_cost_fraction,
        working_capital_fraction=basis.working_capital_fraction,
        site_items=site_items,
        project_contingency_fraction=_site_factor("project_contingency_fraction"),
        estimate_factor=basis.capital_estimate_factor,
    )

    fill = _initial_fill_cost(flows, basis.prices)
    feed_price = plant.feed.price_usd_per_kg()
    feed_kg = flows.feeds[plant.feed.to].total_kg_s * _SECONDS_PER_HOUR * hours
    feed_cost = np.asarray(feed_price * feed_kg, dtype=float)

    products = {name: flows.streams[p.source] for name, p in plant.products.items()}
    annual_kg = {name: s.reo_kg_s * _SECONDS_PER_HOUR * hours for name, s in products.items()}
    unit_prices = {name: plant.products[name].unit_price(s) for name, s in products.items()}
    unit_prices = _unexempt_products_unsold(plant, products, unit_prices)  # issue 9
    revenue = sum((unit_prices[n] * annual_kg[n] for n in products), np.asarray(0.0))

    operating = operating_cost(
        consumption=_merged_consumption(flows),
        operators_per_shift=sum(
            (
                np.asarray(magnitude(r.operators_per_shift, "", "operators_per_shift"))
                for r in flows.stage_results.values()
            ),
            0.0,
        ),
        total_plant_cost=capital.total_plant_cost,
        wastes=[w for r in flows.stage_results.values() for w in r.wastes],
        revenue=Q_(revenue, _ANNUAL),
        royalty_rate=basis.royalty_rate,
        prices=basis.prices or None,
        disposal_rates=basis.disposal_costs or None,
        operating_hours=Q_(hours, "h/yr"),
        labor_rate=basis.labor_rate,
        crews_per_position=_crews(basis),
    )
    positions = sum(
        (
            np.asarray(magnitude(r.operators_per_shift, "", "operators_per_shift"))
            for r in flows.stage_results.values()
        ),
        0.0,
    )
    working = None
    if basis.working_capital_fraction is None:  # issue 10: what the refinery holds
        working = _working_capital_items(
            plant, flows, operating, revenue, feed_cost, hours, products, annual_kg
        )
        capital = capital_cost(
            Q_(equipment_total, "USD"),
            installation=basis.installation,
            location_factor=basis.location_factor,
            owners_cost_fraction=basis.owners_cost_fraction,
            site_items=site_items,
            project_contingency_fraction=_site_factor("project_contingency_fraction"),
            estimate_factor=basis.capital_estimate_factor,
            working_capital=Q_(sum(working.values(), np.asarray(0.0)), "USD"),
        )
    from .costing.crews import crew_roster
    from .costing.site import estimate_class

    roster = crew_roster(
        positions, operating, crews_per_position=_crews(basis), labor_rate=basis.labor_rate
    )
    estimate = estimate_class(flows.stage_results, plant.stages)
    return PlantResult(
        plant=plant,
        flowsheet=flows,
        capital=capital,
        operating=operating,
        stage_costs=stage_costs,
        products=products,
        annual_production_kg=annual_kg,
        unit_prices=unit_prices,
        operating_hours=np.asarray(hours, dtype=float),
        initial_fill=np.asarray(fill, dtype=float),
        feed_cost=feed_cost,
        roster=roster,
        estimate=estimate,
        working_capital_items=working,
    )


# ---------------------------------------------------------------- issue 10: whole site
def _site_factor(key: str) -> float:
    from .costing.site import site_factor

    return site_factor(key)


def _crews(basis):
    from .costing.crews import _entry

    return (
        _entry("crews_per_position")
        if basis.crews_per_position is None
        else (basis.crews_per_position)
    )


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
            total = total + np.asarray(flow.to("m**3/h").magnitude, dtype=float)
    return total


def _liquid_reagent_flow(flows) -> np.ndarray:
    """Reagents consumed by mass (stored on site) [kg/h]."""
    from .costing.operating import _category

    total = np.asarray(0.0)
    for result in flows.stage_results.values():
        for name, rate in result.consumption.items():
            if _category(name) == "utility" or not hasattr(rate, "units"):
                continue
            if rate.dimensionality == Q_(1, "kg/h").dimensionality:
                total = total + np.asarray(rate.to("kg/h").magnitude, dtype=float)
    return total


def _site_items(plant, flows, equipment_total, hours) -> dict:
    """Site capital beyond the process units, by item: name → (area, USD Quantity)."""
    from .costing import lang_factor
    from .costing.site import (
        effluent_treatment_equipment_cost,
        reagent_storage_equipment_cost,
    )

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
            Q_(_site_factor("service_facilities_fraction") * bare, "USD"),
        ),
        "effluent_treatment_plant": ("site_services", Q_(installed * effluent, "USD")),
        "reagent_storage": ("site_services", Q_(installed * storage, "USD")),
    }
    new_site = np.asarray(basis.new_site, dtype=float)
    items["land"] = (
        "offsites",
        Q_(new_site * _site_factor("land_fraction") * (bare + effluent + storage), "USD"),
    )
    return items


def _safe_divide(numerator, denominator) -> np.ndarray:
    """numerator / denominator, broadcast, 0 where the denominator is not positive."""
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    shape = np.broadcast_shapes(a.shape, b.shape)
    return np.divide(
        np.broadcast_to(a, shape), np.broadcast_to(b, shape), out=np.zeros(shape), where=b > 0
    )


def _working_capital_items(
    plant, flows, operating, revenue, feed_cost, hours, products, annual_kg
):
    """What the refinery holds [USD by item]: rare earths in the SX cascades, reagent stocks,
    product inventory and receivables (labelled assumptions in working_capital.toml)."""
    from .data import load_table

    table = load_table("working_capital")

    def value(key):
        return float(table[key].value)

    production = sum(annual_kg.values(), np.asarray(0.0))
    mean_price = _safe_divide(revenue, production)
    held_kg = np.asarray(0.0)
    for result in flows.stage_results.values():
        d = result.details
        if "organic_inventory" not in d or "rare_earth_loaded" not in d:
            continue
        feed = result.inlets["feed"]
        feed_mol_h = np.asarray(d["rare_earth_feed"].to("mol/h").magnitude, dtype=float)
        kg_per_mol = _safe_divide(feed.reo_kg_s * _SECONDS_PER_HOUR, feed_mol_h)
        organic_flow = np.asarray(d["organic_flow"].to("m**3/h").magnitude, dtype=float)
        loading = _safe_divide(
            np.asarray(d["rare_earth_loaded"].to("mol/h").magnitude, dtype=float), organic_flow
        )  # mol/m³
        aqueous_flow = np.asarray(d["aqueous_feed_flow"].to("m**3/h").magnitude, dtype=float)
        concentration = _safe_divide(feed_mol_h, aqueous_flow)
        organic_m3 = np.asarray(d["organic_inventory"].to("m**3").magnitude, dtype=float)
        aqueous_m3 = organic_m3 * value("aqueous_to_organic_holdup")
        mol = (
            organic_m3 * loading * value("mean_organic_loading_fraction")
            + aqueous_m3 * concentration
        )
        held_kg = held_kg + mol * kg_per_mol
    reagents = np.asarray(operating.reagents.to(_ANNUAL).magnitude, dtype=float)
    cash_cost = np.asarray(operating.total.to(_ANNUAL).magnitude, dtype=float) + feed_cost
    return {
        "rare_earths_in_process": held_kg * mean_price,
        "reagent_stocks": reagents * value("reagent_stock_days") / 365.0,
        "product_inventory": cash_cost * value("product_inventory_days") / 365.0,
        "receivables": cash_cost * value("receivable_days") / 365.0,
    }


def _initial_fill_cost(flows: FlowsheetResult, prices) -> np.ndarray:
    """One-time fills (StageResult.details["initial_fill"]) at the reagents' prices [USD]."""
    from .costing import price as price_of

    total = np.asarray(0.0)
    for name, result in flows.stage_results.items():
        for reagent, amount in dict(result.details.get("initial_fill", {})).items():
            cost = price_of(reagent, prices) * amount
            try:
                total = total + np.asarray(cost.to("USD").magnitude, dtype=float)
            except Exception as exc:
                raise InputError(
                    f"stage {name!r}: initial fill of {reagent} is {amount} but its price is "
                    f"{price_of(reagent, prices)}; their product must be money"
                ) from exc
    return total


@dataclass(frozen=True, eq=False)
class PlantResult:
    """Everything one plant evaluation produced. Arrays follow the plant's sample axes.

    Attributes
    ----------
    capex : pint.Quantity
        Total capital (TPC + owner's costs + working capital) [USD].
    opex : pint.Quantity
        Operating cost per year [USD/yr].
    levelized_cost : pint.Quantity
        Price per kg of total REO product at which NPV = 0 [USD/kg].
    """

    plant: object
    flowsheet: FlowsheetResult
    capital: object
    operating: object
    stage_costs: Mapping[str, StageCost]
    products: Mapping[str, Stream]
    annual_production_kg: Mapping[str, np.ndarray]
    unit_prices: Mapping[str, np.ndarray]
    operating_hours: np.ndarray
    initial_fill: np.ndarray
    feed_cost: np.ndarray
    # issue 10: crews, estimate class, working capital by item (None if not computed)
    roster: object = None
    estimate: object = None
    working_capital_items: Mapping | None = None

    #: Names :meth:`metric` accepts: what curves and studies can measure.
    METRICS = ("levelized_cost", "capex", "opex", "production", "revenue", "npv", "irr")

    def metric(self, name: str):
        """A headline number by name (``"levelized_cost"``, ``"npv"``, …); ``npv`` and
        ``irr`` are at the products' own prices."""
        if name not in self.METRICS:
            raise InputError(f"metric must be one of {', '.join(self.METRICS)}, got {name!r}")
        value = getattr(self, name)
        return value() if callable(value) else value

    # ------------------------------------------------------------------ headline numbers
    # A result is immutable, so every number below is computed once, on first use, and
    # kept (functools.cached_property writes to the instance's __dict__): one summary()
    # solves the levelized cost once, not once per line that shows it.
    @cached_property
    def capex(self):
        """Total capital [USD]: TPC, owner's costs, working capital and initial fills."""
        return self.capital.total_capital.to("USD") + Q_(self.initial_fill, "USD")

    @cached_property
    def opex(self):
        """Operating cost per year [USD/yr], including feed purchase."""
        return self.operating.total.to(_ANNUAL) + Q_(self.feed_cost, _ANNUAL)

    @property
    def production(self):
        """Total REO product per year [kg/yr]."""
        return Q_(self._production_kg(), "kg/yr")

    def _production_kg(self) -> np.ndarray:
        return sum(self.annual_production_kg.values(), np.asarray(0.0))

    def purity(self, product: str) -> np.ndarray:
        """Purity of a product against its graded components [-]."""
        return self.plant.products[product].purity(self.products[product])

    @property
    def mixer_settlers(self) -> np.ndarray:
        """Mixer-settlers of the whole plant [-]: every SX stage (extraction, scrub, strip
        and saponification) of every stage's equipment of a mixer-settler kind (issue 12)."""
        return sum(
            (
                np.asarray(item.parallel_units)
                for result in self.flowsheet.stage_results.values()
                for item in result.equipment
                if item.kind.startswith("mixer_settler")
            ),
            np.asarray(0),
        )

    @property
    def purities(self) -> dict[str, np.ndarray]:
        return {name: self.purity(name) for name in self.products}

    @property
    def revenue(self):
        """Annual revenue at the products' prices (after off-grade discounts) [USD/yr]."""
        return Q_(self._revenue(None), _ANNUAL)

    def product_levelized_costs(self, allocation: str = "value") -> dict:
        """Levelized cost per kg of each product [USD/kg].

        Parameters
        ----------
        allocation : {"value", "mass"}
            How the plant's cost is shared among joint products. ``"value"`` (default):
            in proportion to each product's revenue at its price, so
            LC_i = LC · p_i / p̄ with p̄ the production-weighted mean price (a La2O3 kg
            carries less cost than an Nd2O3 kg). ``"mass"``: every kg of REO carries the
            same cost, LC_i = LC. Either way Σ LC_i·q_i = LC·Σ q_i.
        """
        total = self.levelized_cost.magnitude
        if allocation == "mass":
            return {name: Q_(total, "USD/kg") for name in self.products}
        if allocation != "value":
            raise InputError(f"allocation must be 'value' or 'mass', got {allocation!r}")
        production = self._production_kg()
        mean_price = np.divide(
            self._revenue(None),
            production,
            # broadcast shape: a finance parameter may be an array while physics is not
            out=np.zeros(np.broadcast_shapes(np.shape(self._revenue(None)), np.shape(production))),
            where=production > 0,
        )
        if np.any(mean_price <= 0):
            raise InputError("value allocation needs product prices; use allocation='mass'")
        return {
            name: Q_(total * self.unit_prices[name] / mean_price, "USD/kg")
            for name in self.products
        }

    def mass_balance_error(self) -> np.ndarray:
        """Plant-level relative mass-balance error on tracked components [-]."""
        return self.flowsheet.mass_balance_error()

    # ------------------------------------------------------------------ finance
    def _finance_kwargs(self) -> dict:
        cached = self.__dict__.get("_finance_kwargs_cache")
        if cached is not None:
            return dict(cached)
        values = self.plant.finance.resolved()
        kwargs = {
            "discount_rate": values["discount_rate"],
            "plant_life": values["plant_life"],
            "construction_years": values["construction_years"],
            "capital_spend_profile": values["capital_spend_profile"],
            "ramp_up": values["ramp_up"],
            # finance takes working capital as a fraction of the depreciable capital
            "working_capital": _usd(self.capital.working_capital) / self._depreciable_capital(),
            "salvage_fraction": values["salvage_fraction"],
            "tax_rate": values["tax_rate"],
            "depreciation": values["depreciation"],
            "depreciation_life": values["depreciation_life"],
            "loss_rule": values["loss_rule"],
            "inflation": values["inflation"],
        }
        self.__dict__["_finance_kwargs_cache"] = kwargs
        return dict(kwargs)

    def _depreciable_capital(self) -> np.ndarray:
        return _usd(self.capex) - _usd(self.capital.working_capital)

    def _levelized(self, annual_operating_cost) -> np.ndarray:
        """Levelized cost at ``annual_operating_cost`` [USD/yr]; the plant's own opex and
        zero (the capital part) are solved once and kept."""
        opex = _usd_yr(self.opex)
        key = (
            "total"
            if annual_operating_cost is opex or np.array_equal(annual_operating_cost, opex)
            else "capital"
            if not np.any(annual_operating_cost)
            else None
        )
        cache = self.__dict__.setdefault("_levelized_cache", {})
        if key in cache:
            return cache[key]
        value = self._solve_levelized(annual_operating_cost)
        if key is not None:
            cache[key] = value
        return value

    def _solve_levelized(self, annual_operating_cost) -> np.ndarray:
        return np.asarray(
            finance.levelized_cost(
                self._depreciable_capital(),
                annual_operating_cost,
                self._production_kg(),
                **self._finance_kwargs(),
            ),
            dtype=float,
        )

    @cached_property
    def levelized_cost(self):
        """Minimum selling price of the REO product basket [USD/kg] (NPV = 0)."""
        return Q_(self._levelized(_usd_yr(self.opex)), "USD/kg")

    def _revenue(self, price) -> np.ndarray:
        if price is None:
            return sum(
                (self.unit_prices[n] * self.annual_production_kg[n] for n in self.products),
                np.asarray(0.0),
            )
        if isinstance(price, Mapping):
            unknown = set(price) - set(self.products)
            if unknown:
                raise InputError(
                    f"no product named {sorted(unknown)}; products are {', '.join(self.products)}"
                )
            total = np.asarray(0.0)
            for name in self.products:
                p = (
                    magnitude(price[name], "USD/kg", f"price of {name}")
                    if name in price
                    else self.unit_prices[name]
                )
                total = total + p * self.annual_production_kg[name]
            return total
        return magnitude(price, "USD/kg", "price") * self._production_kg()

    def cash_flow(self, price=None):
        """Yearly cash-flow table at ``price`` (see :meth:`npv`)."""
        return finance.cash_flow_table(
            self._depreciable_capital(),
            self._revenue(price),
            _usd_yr(self.opex),
            **self._finance_kwargs(),
        )

    def npv(self, price=None):
        """Net present value [USD] at ``price``: None → each product's own price; a
        Quantity [USD/kg] → that price for every kg of REO; a mapping → per product."""
        return Q_(self.cash_flow(price).npv, "USD")

    def payback(self, price=None):
        """Years from the start of construction until the cumulative after-tax cash flow
        turns non-negative, at ``price`` (as in :meth:`npv`); NaN if it never does."""
        return Q_(finance.payback(self.cash_flow(price).after_tax_cash_flow), "yr")

    def irr(self, price=None) -> np.ndarray:
        """Internal rate of return [-] at ``price`` (as in :meth:`npv`); NaN if none."""
        return finance.irr(self.cash_flow(price).after_tax_cash_flow)

    # ------------------------------------------------------------------ breakdowns
    def capital_breakdown(self) -> dict:
        """Capital line items [USD], summing to :attr:`capex`."""
        items = {k: v.to("USD") for k, v in self.capital.breakdown().items()}
        items["initial_fill"] = Q_(self.initial_fill, "USD")
        return items

    def operating_breakdown(self) -> dict:
        """Operating-cost categories [USD/yr], summing to :attr:`opex`."""
        items = {k: v.to(_ANNUAL) for k, v in self.operating.breakdown().items()}
        items["feed"] = Q_(self.feed_cost, _ANNUAL)
        return items

    def breakdown(self, by: str = "category") -> dict:
        """Levelized cost split into parts that sum to :attr:`levelized_cost` [USD/kg].

        Parameters
        ----------
        by : {"category", "stage"}
            ``"category"``: capital plus each operating category; ``"stage"``: each
            stage's share (capital by its equipment cost; operating by its own
            reagents, utilities, labor and waste, and plant-wide items by its
            equipment share).
        """
        total = self._levelized(_usd_yr(self.opex))
        capital_part = self._levelized(np.zeros_like(_usd_yr(self.opex)))
        operating_part = total - capital_part
        opex = _usd_yr(self.opex)
        share = np.divide(
            operating_part,
            opex,
            out=np.zeros(np.broadcast_shapes(np.shape(operating_part), np.shape(opex))),
            where=opex > 0,
        )
        if by == "category":
            parts = {"capital": capital_part}
            for name, value in self.operating_breakdown().items():
                parts[name] = _usd_yr(value) * share
            return {k: Q_(v, "USD/kg") for k, v in parts.items()}
        if by == "stage":
            equipment_total = sum((c.equipment for c in self.stage_costs.values()), 0.0)
            direct_total = sum(
                (c.reagents + c.utilities + c.labor + c.waste for c in self.stage_costs.values()),
                0.0,
            )
            shared = opex - direct_total - self.feed_cost  # maintenance, overhead, admin, …
            parts = {}
            for name, c in self.stage_costs.items():
                equipment_share = np.divide(
                    c.equipment,
                    equipment_total,
                    out=np.zeros(
                        np.broadcast_shapes(np.shape(c.equipment), np.shape(equipment_total))
                    ),
                    where=np.asarray(equipment_total) > 0,
                )
                direct = c.reagents + c.utilities + c.labor + c.waste
                parts[name] = (
                    capital_part * equipment_share + (direct + shared * equipment_share) * share
                )
            if np.any(self.feed_cost != 0):
                parts["feed purchase"] = self.feed_cost * share
            return {k: Q_(v, "USD/kg") for k, v in parts.items()}
        raise InputError(f"by must be 'category' or 'stage', got {by!r}")

    def equipment_table(self) -> list[dict]:
        """One row per equipment line: stage, name, kind, the per-unit size and number of
        units it is bought as (see :func:`costed_units`), purchase cost, and whether the
        per-unit size lies inside the correlation's valid range."""
        import warnings

        from .costing import equipment_correlation

        rows = []
        for stage, result in self.flowsheet.stage_results.items():
            for item in result.equipment:
                correlation = equipment_correlation(item.kind)
                size, units = costed_units(item)
                inside = (size >= correlation.size_min) & (size <= correlation.size_max)
                with warnings.catch_warnings():  # the row itself reports the range
                    warnings.simplefilter("ignore")
                    cost = purchase_cost(item.kind, size, units)
                rows.append(
                    {
                        "stage": stage,
                        "equipment": item.name,
                        "kind": item.kind,
                        "size": size,
                        "parallel_units": units,
                        "purchase_cost": cost.to("USD"),
                        "in_valid_range": np.asarray(inside),
                        "valid_range": (correlation.size_min, correlation.size_max),
                    }
                )
        return rows

    def extrapolated_equipment(self) -> list[str]:
        """Equipment lines costed outside their correlation's valid size range."""
        return [
            f"{row['stage']}/{row['equipment']} ({row['kind']}): "
            f"{_describe_size(row['size'].to(row['valid_range'][0].units))} per unit, valid "
            f"{row['valid_range'][0].magnitude:.4g}–{row['valid_range'][1]:.4g~P}"
            for row in self.equipment_table()
            if not np.all(row["in_valid_range"])
        ]

    def waste_table(self) -> list[dict]:
        """One row per waste: stage, name, class, mass per year, Th content."""
        rows = []
        for stage, result in self.flowsheet.stage_results.items():
            for waste in result.wastes:
                rows.append(
                    {
                        "stage": stage,
                        "waste": waste.name,
                        "waste_class": waste.waste_class,
                        "mass": (waste.mass_flow * Q_(self.operating_hours, "h/yr")).to("t/yr"),
                        "thorium_oxide_fraction": waste.mass_fraction("Th"),
                    }
                )
        return rows

    # ------------------------------------------------------------------ issue 10: whole site
    @property
    def head_count(self) -> np.ndarray:
        """People employed by the plant, all roles [-] (see :meth:`head_count_by_role`)."""
        return self.roster.total

    def head_count_by_role(self) -> dict:
        """Role → people employed [-] (:func:`tecmodel.costing.crews.crew_roster`)."""
        return dict(self.roster.head_count)

    def labor_by_role(self) -> dict:
        """Role → annual pay including burden [USD/yr]; each sits inside an operating-cost
        category (:data:`tecmodel.costing.crews.ROLE_CATEGORIES`), not on top of it."""
        return {k: v.to(_ANNUAL) for k, v in self.roster.cost.items()}

    @property
    def estimate_class(self) -> str:
        """AACE 18R-97 class of the capital estimate, e.g. ``"AACE Class 4"``."""
        return self.estimate.name

    @property
    def capex_range(self) -> tuple:
        """(low, high) capital for the estimate class: capex × (1 + outer low bound),
        capex × (1 + outer high bound) [USD] (Class 4: −30 % / +50 %)."""
        low, high = self.estimate.bounds
        return self.capex * (1.0 + low), self.capex * (1.0 + high)

    def capex_by_area(self) -> dict:
        """Capital by area [USD]: process units by stage (``process_units:<stage>``, shared
        by equipment cost), site services, offsites, owner's costs, contingency, initial
        fills and working capital; the parts sum to :attr:`capex`."""
        areas = {k: v.to("USD") for k, v in self.capital.areas().items()}
        process = areas.pop("process_units")
        equipment_total = sum((c.equipment for c in self.stage_costs.values()), 0.0)
        out = {}
        for name, cost in self.stage_costs.items():
            share = np.divide(
                cost.equipment,
                equipment_total,
                out=np.zeros(np.shape(equipment_total)),
                where=np.asarray(equipment_total) > 0,
            )
            out[f"process_units:{name}"] = process * share
        out.update(areas)
        out["initial_fill"] = Q_(self.initial_fill, "USD")
        return out

    def working_capital_breakdown(self) -> dict:
        """Working capital by item [USD] (rare earths in process, reagent stocks, product
        inventory, receivables); one item ``working_capital`` if a fraction was given."""
        if self.working_capital_items is None:
            return {"working_capital": self.capital.working_capital.to("USD")}
        return {k: Q_(v, "USD") for k, v in self.working_capital_items.items()}

    # ------------------------------------------------------------------ reports
    def to_dict(self) -> dict:
        """Headline numbers and every table as plain floats/lists (JSON-ready)."""

        def plain(value):
            value = getattr(value, "magnitude", value)
            array = np.asarray(value, dtype=float)
            return array.tolist() if array.ndim else float(array)

        return {
            "plant": self.plant.name,
            "capex_USD": plain(self.capex),
            "opex_USD_per_yr": plain(self.opex),
            "production_kg_per_yr": plain(self.production),
            "levelized_cost_USD_per_kg": plain(self.levelized_cost),
            "revenue_USD_per_yr": plain(self.revenue),
            "npv_USD": plain(self.npv()),
            "mass_balance_error": plain(self.mass_balance_error()),
            "purity": {k: plain(v) for k, v in self.purities.items()},
            "product_kg_per_yr": {k: plain(v) for k, v in self.annual_production_kg.items()},
            "product_levelized_cost_USD_per_kg": {
                k: plain(v) for k, v in self._product_costs_or_mass().items()
            },
            "levelized_cost_by_category_USD_per_kg": {
                k: plain(v) for k, v in self.breakdown("category").items()
            },
            "levelized_cost_by_stage_USD_per_kg": {
                k: plain(v) for k, v in self.breakdown("stage").items()
            },
            "capital_USD": {k: plain(v) for k, v in self.capital_breakdown().items()},
            "operating_USD_per_yr": {k: plain(v) for k, v in self.operating_breakdown().items()},
            # issue 10
            "estimate_class": self.estimate_class,
            "capex_range_USD": [plain(v) for v in self.capex_range],
            "capex_by_area_USD": {k: plain(v) for k, v in self.capex_by_area().items()},
            "working_capital_USD": {
                k: plain(v) for k, v in self.working_capital_breakdown().items()
            },
            "head_count": plain(self.head_count),
            "head_count_by_role": {k: plain(v) for k, v in self.head_count_by_role().items()},
            "labor_by_role_USD_per_yr": {k: plain(v) for k, v in self.labor_by_role().items()},
        }

    def _product_costs_or_mass(self) -> dict:
        try:
            return self.product_levelized_costs("value")
        except InputError:  # products without prices: every kg carries the same cost
            return self.product_levelized_costs("mass")

    def to_json(self, path) -> None:
        """Write :meth:`to_dict` as JSON, atomically."""
        write_atomic(path, json.dumps(self.to_dict(), indent=2))

    def to_csv(self, path, table: str = "breakdown") -> None:
        """Write one table as CSV, atomically.

        ``table``: ``"breakdown"`` (levelized cost by category), ``"stages"``,
        ``"capital"``, ``"operating"``, ``"areas"`` (capex by area), ``"crews"`` (head count
        and labor by role), ``"equipment"``, ``"products"`` or ``"waste"``.
        """
        write_atomic(path, self.csv_text(table))

    def csv_text(self, table: str = "breakdown") -> str:
        """Table ``table`` as CSV: units in the header, floats at full precision."""
        return self.table(table).csv_text()

    def _table_rows(self, table: str) -> list[list]:
        def cells(value, unit):
            m = np.asarray(value.to(unit).magnitude)
            return [f"{x:.6g}" for x in np.atleast_1d(m).ravel()]

        if table == "crews":  # issue 10
            rows = [["role", "head count", "labor cost [USD/yr]"]]
            costs = self.labor_by_role()
            for role, count in self.head_count_by_role().items():
                rows.append(
                    [
                        role,
                        *[f"{x:.6g}" for x in np.atleast_1d(count)],
                        *cells(costs[role], _ANNUAL),
                    ]
                )
            return rows
        if table in ("breakdown", "stages", "capital", "operating", "areas"):
            source, unit = {
                "breakdown": (lambda: self.breakdown("category"), "USD/kg"),
                "stages": (lambda: self.breakdown("stage"), "USD/kg"),
                "capital": (self.capital_breakdown, "USD"),
                "operating": (self.operating_breakdown, _ANNUAL),
                "areas": (self.capex_by_area, "USD"),
            }[table]
            return [["item", f"value [{unit}]"]] + [
                [k, *cells(v, unit)] for k, v in source().items()
            ]
        if table == "equipment":
            rows = [
                ["stage", "equipment", "kind", "size", "parallel_units", "purchase_cost [USD]"]
            ]
            for r in self.equipment_table():
                rows.append(
                    [
                        r["stage"],
                        r["equipment"],
                        r["kind"],
                        f"{r['size']:~P}",
                        str(r["parallel_units"]),
                        *cells(r["purchase_cost"], "USD"),
                    ]
                )
            return rows
        if table == "products":
            rows = [
                [
                    "product",
                    "REO [t/yr]",
                    "purity",
                    "price [USD/kg]",
                    "levelized cost, value-allocated [USD/kg]",
                ]
            ]
            costs = self._product_costs_or_mass()
            for name in self.products:
                rows.append(
                    [
                        name,
                        *cells(Q_(self.annual_production_kg[name], "kg/yr"), "t/yr"),
                        *[f"{x:.6g}" for x in np.atleast_1d(self.purity(name))],
                        *[f"{x:.6g}" for x in np.atleast_1d(self.unit_prices[name])],
                        *cells(costs[name], "USD/kg"),
                    ]
                )
            return rows
        if table == "waste":
            rows = [["stage", "waste", "waste_class", "mass [t/yr]", "ThO2 fraction"]]
            for r in self.waste_table():
                rows.append(
                    [
                        r["stage"],
                        r["waste"],
                        r["waste_class"],
                        *cells(r["mass"], "t/yr"),
                        f"{np.mean(r['thorium_oxide_fraction']):.4g}",
                    ]
                )
            return rows
        raise InputError(
            f"table must be one of breakdown, stages, capital, operating, areas, crews, "
            f"equipment, products, waste; "
            f"got {table!r}"
        )

    def summary(self) -> str:
        """A readable report: headline numbers, products and the cost breakdowns."""
        from .report import plant_summary

        return plant_summary(self)

    # ------------------------------------------------------------------ hand-over outputs
    # (issue 14: tables as pandas/Excel, HTML report, notebooks, per-product cost)
    def product_cost(self, name: str):
        """Cost per kg of product ``name`` [USD/kg] with every other product sold at its
        own price as a by-product credit: the price of ``name`` at which NPV = 0.

        Notes
        -----
        Solved by :func:`tecmodel.finance.levelized_cost` with ``annual_production`` the
        product's own output and ``annual_byproduct_revenue`` the others' revenue at
        their realized prices, so ``npv({name: product_cost(name)}) == 0``. With one
        product it equals :attr:`levelized_cost`.
        """
        if name not in self.products:
            raise InputError(f"product must be one of {', '.join(self.products)}, got {name!r}")
        credits = sum(
            (
                self.unit_prices[n] * self.annual_production_kg[n]
                for n in self.products
                if n != name
            ),
            np.asarray(0.0),
        )
        produced = np.asarray(self.annual_production_kg[name], dtype=float)
        if np.any(produced <= 0):
            raise InputError(f"product {name!r} has no production, so it has no cost per kg")
        return Q_(
            np.asarray(
                finance.levelized_cost(
                    self._depreciable_capital(),
                    _usd_yr(self.opex),
                    produced,
                    annual_byproduct_revenue=credits,
                    **self._finance_kwargs(),
                ),
                dtype=float,
            ),
            "USD/kg",
        )

    def table(self, name: str = "headline"):
        """Table ``name`` as a :class:`tecmodel.reporting.tables.Table` (``headline``,
        ``breakdown``, ``stages``, ``capital``, ``operating``, ``equipment``, ``products``,
        ``waste``, and optional ones the result offers); ``.to_frame()`` gives pandas."""
        from .reporting.result_tables import result_table

        return result_table(self, name)

    def tables(self) -> dict:
        """Every table this result offers, by name."""
        from .reporting.result_tables import result_tables

        return result_tables(self)

    def to_frame(self, table: str = "headline"):
        """Table ``table`` (see :meth:`table`) as a pandas DataFrame (``pandas`` extra)."""
        return self.table(table).to_frame()

    def to_excel(self, path) -> None:
        """Write every table to an Excel workbook, one sheet each (``excel`` extra)."""
        from .reporting.excel import write_excel

        write_excel(self.tables(), path)

    def to_html(self, path=None, **options):
        """The self-contained HTML report (figures inline as SVG, every assumption with
        its source, the formula trace of each headline number); written atomically to
        ``path``, and returned as text. Options: see :func:`tecmodel.reporting.html.report`."""
        from .reporting.html import report

        text = report(self, **options)
        if path is not None:
            write_atomic(path, text)
        return text

    def _repr_html_(self) -> str:
        from .reporting.html import result_snippet

        return result_snippet(self)

    def __repr__(self) -> str:
        from .report import format_value

        return (
            f"<PlantResult {self.plant.name}: levelized cost "
            f"{format_value(self.levelized_cost, 'USD/kg')} REO, capex "
            f"{format_value(self.capex, 'MUSD')}, opex {format_value(self.opex, 'MUSD/yr')}, "
            f"{len(self.products)} products; .summary() for the full report>"
        )


# ------------------------------------------------------------------------------------
# Issue 9: radioactive products and uncosted outlets
# ------------------------------------------------------------------------------------
#: Source-material exemption of rare-earth products: not more than 0.25 wt % Th + U
#: (10 CFR 40.13(c)(1)(vi)).
PRODUCT_EXEMPTION_LIMIT = 0.0025


def _product_limit(plant) -> float:
    regime = getattr(plant.costing, "waste_regime", None)
    if regime is None:
        return PRODUCT_EXEMPTION_LIMIT
    from .stages.waste import waste_regime

    return waste_regime(regime).get("product_exemption_limit", PRODUCT_EXEMPTION_LIMIT)


def product_source_material_fraction(stream: Stream) -> np.ndarray:
    """(Th + U, element basis) per kg of a product stream [-]."""
    from .stages.waste import source_material_fraction

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


def _radioactive_products(self) -> list[str]:
    limit = _product_limit(self.plant)
    return [
        name
        for name, stream in self.products.items()
        if np.any(product_source_material_fraction(stream) >= limit)
    ]


def _uncosted_outlets(self) -> list[str]:
    sources = {p.source for p in self.plant.products.values()}
    released = set()
    for stage, result in self.flowsheet.stage_results.items():
        for port in dict(result.details.get("released_outlets", {}) or {}):
            released.add(f"{stage}.{port}")
    return [
        name
        for name in self.flowsheet.unconnected_outlets
        if name not in sources and name not in released
    ]


PlantResult.radioactive_products = property(
    _radioactive_products,
    doc="Names of products at or above the source-material exemption limit (0.25 wt % "
    "Th + U, 10 CFR 40.13(c)(1)(vi); the regime's limit if the plant names one). They earn "
    "no revenue unless the product is marked licensed_source_material.",
)
PlantResult.uncosted_outlets = property(
    _uncosted_outlets,
    doc="Outlets ('stage.port') that are neither a product, nor connected, nor treated or "
    "released by their own stage (StageResult.details['released_outlets']).",
)


def _describe_size(size) -> str:
    values = np.atleast_1d(size.magnitude)
    if values.size == 1:
        return f"{values[0]:.3g} {size.units:~P}"
    return f"{values.min():.3g}–{values.max():.3g} {size.units:~P}"
