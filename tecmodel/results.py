"""The :class:`PlantResult` a plant evaluation returns, and :func:`evaluate_plant`.

:func:`evaluate_plant` runs the physics (unless given) and hands it to
:func:`tecmodel.costing.plant.cost_plant`, which turns stage results into money in one
pass: equipment → purchase cost → capital (installation stack, owner's costs, working
capital); each stage's consumptions, wastes and labor → operating cost; products ×
prices → revenue; and the discounted cash flow → levelized cost (the price per kg of
total REO product at which NPV = 0). A :class:`PlantResult` is that record together with
the plant and its flowsheet: every headline number is a field, computed once.

The levelized-cost breakdown splits the levelized cost exactly into capital and
operating parts: the capital part is the levelized cost with zero operating cost, the
operating part is the rest, shared among categories (and stages) in proportion to their
annual amounts. The parts add up to the total by construction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import finance
from .atomic import write_atomic
from .costing import purchase_cost

# the glue moved to tecmodel.costing.plant (issue 13); these names stay importable here
from .costing.plant import (  # noqa: F401
    PRODUCT_EXEMPTION_LIMIT,
    PlantCost,
    StageCost,
    cost_plant,
    costed_units,
    effluent_flow,
    product_source_material_fraction,
)
from .errors import InputError
from .flowsheet import FlowsheetResult
from .units import Q_, magnitude

__all__ = ["PlantResult", "evaluate_plant"]

_ANNUAL = "USD/yr"


def _usd(value) -> np.ndarray:
    return np.asarray(value.to("USD").magnitude, dtype=float)


def _usd_yr(value) -> np.ndarray:
    return np.asarray(value.to(_ANNUAL).magnitude, dtype=float)


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
    return PlantResult(plant=plant, flowsheet=flows, **cost_plant(plant, flows).fields())


def _as_reagent_price(value):
    """A reagent price in money of the cost year, as the costing escalates it."""
    from .units import escalate_reagent_price

    value = Q_(value) if isinstance(value, str) else value
    return escalate_reagent_price(value) if hasattr(value, "units") else value


@dataclass(frozen=True, eq=False)
class PlantResult(PlantCost):
    """Everything one plant evaluation produced. Arrays follow the plant's sample axes.

    The money fields are those of :class:`tecmodel.costing.plant.PlantCost`, computed
    once by :func:`~tecmodel.costing.plant.cost_plant`; ``plant`` and ``flowsheet`` are
    what was evaluated.

    Attributes
    ----------
    capex : pint.Quantity
        Total capital (TPC + owner's costs + working capital + initial fills) [USD].
    opex : pint.Quantity
        Operating cost per year, including feed purchase [USD/yr].
    levelized_cost : pint.Quantity
        Price per kg of total REO product at which NPV = 0 [USD/kg].
    production : pint.Quantity
        Total REO product per year [kg/yr].
    revenue : pint.Quantity
        Annual revenue at the products' prices (after off-grade discounts) [USD/yr].
    purities : dict of str to ndarray
        Purity of each product against its graded components [-].
    radioactive_products : list of str
        Products at or above the source-material exemption limit (0.25 wt % Th + U,
        10 CFR 40.13(c)(1)(vi); the regime's limit if the plant names one). They earn no
        revenue unless the product is marked licensed_source_material.
    uncosted_outlets : list of str
        Outlets ('stage.port') that are neither a product, nor connected, nor treated or
        released by their own stage (StageResult.details['released_outlets']).
    """

    plant: object
    flowsheet: FlowsheetResult

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
    def _production_kg(self) -> np.ndarray:
        return np.asarray(self.production.magnitude, dtype=float)

    def purity(self, product: str) -> np.ndarray:
        """Purity of a product against its graded components [-]."""
        return self.purities[product]

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
        revenue = self._revenue(None)
        mean_price = np.divide(
            revenue,
            production,
            # broadcast shape: a finance parameter may be an array while physics is not
            out=np.zeros(np.broadcast_shapes(np.shape(revenue), np.shape(production))),
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
        """The finance inputs :func:`tecmodel.costing.plant.finance_arguments` gathered."""
        return dict(self.finance_arguments)

    def _depreciable_capital(self) -> np.ndarray:
        """capex less what is recovered, not depreciated (working capital, land) [USD]."""
        from .costing.plant import recovered_capital

        return _usd(self.capex) - recovered_capital(self.capital)

    def _levelized(self, annual_operating_cost) -> np.ndarray:
        """Levelized cost at ``annual_operating_cost`` [USD/yr]: the plant's own opex and
        zero (the capital part) are the record's; any other is solved."""
        opex = _usd_yr(self.opex)
        if annual_operating_cost is opex or np.array_equal(annual_operating_cost, opex):
            return np.asarray(self.levelized_cost.magnitude, dtype=float)
        if not np.any(annual_operating_cost):
            return self.levelized_capital_cost
        return np.asarray(
            finance.levelized_cost(
                self._depreciable_capital(),
                annual_operating_cost,
                self._production_kg(),
                **self.finance_arguments,
            ),
            dtype=float,
        )

    def _revenue(self, price) -> np.ndarray:
        if price is None:
            return np.asarray(self.revenue.magnitude, dtype=float)
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

    def _unit_prices_at(self, price) -> dict:
        """Each product's price [USD/kg] at ``price`` (as in :meth:`npv`)."""
        if price is None:
            return dict(self.unit_prices)
        if isinstance(price, Mapping):
            return {
                name: magnitude(price[name], "USD/kg", f"price of {name}")
                if name in price
                else self.unit_prices[name]
                for name in self.products
            }
        uniform = magnitude(price, "USD/kg", "price")
        return {name: uniform for name in self.products}

    def price_support(self, price=None, *, unsupported=None) -> tuple:
        """Price-floor top-ups and shared upside of the products at ``price``.

        Returns
        -------
        tuple of (tuple of ndarray, tuple)
            Amounts per year at full capacity [USD/yr], one per product with a floor or
            cap, and the operating years each is paid (None: the whole life); the
            ``price_support`` and ``price_support_years`` of
            :func:`tecmodel.finance.cash_flow_table`. Products that earn no revenue
            (unlicensed source material) earn no support, nor does the product named
            ``unsupported`` (a solver supplies its own).
        """
        prices = self._unit_prices_at(price)
        amounts, years = [], []
        for name, product in self.plant.products.items():
            if not product.has_price_support() or name == unsupported:
                continue
            if name in self.radioactive_products and not product.licensed_source_material:
                continue
            support = product.price_support(np.asarray(prices[name], dtype=float))
            amounts.append(support * self.annual_production_kg[name])
            paid = product.price_floor_years
            years.append(None if paid is None else int(magnitude(paid, "", "price_floor_years")))
        return tuple(amounts), tuple(years)

    def _yearly_prices(self, price):
        """Each product's unit price by operating year [USD/kg], shape (..., life): its
        deck where it has one (off-grade discount applied), else its constant price; None
        when no product has a deck. A product given a price in ``price`` keeps that
        price, not its deck."""
        decked = [
            name
            for name, p in self.plant.products.items()
            if p.price_deck is not None
            and not (isinstance(price, Mapping) and name in price)
            and not (price is not None and not isinstance(price, Mapping))
        ]
        if not decked:
            return None
        from .price_decks import deck_prices

        values = self.plant.finance.resolved()
        life = int(np.max(values["plant_life"]))
        n_build = values["construction_years"]
        escalation = (1.0 + np.asarray(values["inflation"], dtype=float))[..., None] ** (
            n_build + np.arange(life)
        )
        prices = self._unit_prices_at(price)
        yearly = {}
        for name, product in self.plant.products.items():
            flat = np.asarray(prices[name], dtype=float)[..., None]
            by_year = np.broadcast_to(flat, (*np.shape(flat)[:-1], life))
            unsold = name in self.radioactive_products and not product.licensed_source_material
            if name in decked and not unsold:
                start = product.price_deck_start
                if start is None:
                    start = self.plant.finance.first_production_year
                if start is None:
                    raise InputError(
                        f"products.{name}.price_deck needs a calendar year to start from: "
                        "set products.<name>.price_deck_start or finance.first_production_year"
                    )
                deck = deck_prices(product.price_deck, int(start), life)
                if product.price_deck_basis == "nominal":
                    deck = deck / escalation
                # the off-grade discount of the constant price applies to the deck too
                listed = (
                    0.0
                    if product.price is None
                    else magnitude(product.price, "USD/kg", f"price of {name}")
                )
                ratio = np.divide(
                    flat, listed, out=np.ones_like(flat), where=np.asarray(listed) > 0
                )
                by_year = deck * ratio
            yearly[name] = by_year
        return yearly

    def _deck_adjustment(self, price, *, unsupported=None):
        """Revenue by operating year that the products' price decks (and floors and caps
        applied to the deck's prices) add [USD/yr at full capacity], or None without a
        deck. A product given a price in ``price`` keeps that price, not its deck; the
        product named ``unsupported`` gets no floor or cap (a solver supplies its own)."""
        yearly = self._yearly_prices(price)
        if yearly is None:
            return None
        prices = self._unit_prices_at(price)
        life = next(iter(yearly.values())).shape[-1]
        total = 0.0
        for name, product in self.plant.products.items():
            if name in self.radioactive_products and not product.licensed_source_material:
                continue
            flat = np.asarray(prices[name], dtype=float)[..., None]
            by_year = yearly[name]
            kg = np.asarray(self.annual_production_kg[name], dtype=float)[..., None]
            total = total + (by_year - flat) * kg
            if product.has_price_support() and name != unsupported:
                support = product.price_support(by_year)
                paid = product.price_floor_years
                if paid is not None:
                    years = int(magnitude(paid, "", "price_floor_years"))
                    support = np.where(np.arange(life) < years, support, 0.0)
                total = total + support * kg
        return np.asarray(total, dtype=float)

    def reagent_deck_cost(self):
        """What the reagent price decks (``costing.price_decks``) add to the operating
        cost in each operating year, at full capacity [USD/yr, money of t = 0].

        Returns
        -------
        pint.Quantity of shape (..., plant life), or None
            (deck price − constant price) × the plant's annual consumption of the
            reagent at full capacity, summed over the decked reagents; None without a
            deck. A ``"nominal"`` deck is deflated by ``finance.inflation`` to money of
            t = 0 (the cash flow escalates it back).

        Notes
        -----
        The cash flow takes it as a negative revenue adjustment
        (``revenue_adjustment`` of :func:`tecmodel.finance.cash_flow_table`): a cost is
        deductible just as revenue is taxable, and both are scaled by the ramp-up and
        escalated by inflation, so the after-tax cash flow is the same as that of a
        higher operating cost. What it does not change: the levelized cost (it stays at
        the constant ``prices``), the royalty and the §45X production credit, whose base
        stays the operating cost at the constant prices. Only reagents consumed by mass
        can have a deck [currency/mass].
        """
        decks = self.plant.costing.price_decks
        if not decks:
            return None
        from .costing.operating import price as reagent_price
        from .price_decks import deck_prices, shipped_deck

        values = self.plant.finance.resolved()
        life = int(np.max(values["plant_life"]))
        start = self.plant.costing.price_deck_start
        if start is None:
            start = self.plant.finance.first_production_year
        if start is None:
            raise InputError(
                "costing.price_decks needs a calendar year to start from: set "
                "costing.price_deck_start or finance.first_production_year"
            )
        hours = np.asarray(self.operating_hours, dtype=float)
        per_mass = Q_(1, "kg/h").dimensionality
        total = np.zeros(life)
        for name, deck in decks.items():
            kg_h = np.asarray(0.0)
            for stage, result in self.flowsheet.stage_results.items():
                rate = result.consumption.get(name)
                if rate is None:
                    continue
                if rate.dimensionality != per_mass:
                    raise InputError(
                        f"costing.price_decks.{name}: stage {stage!r} consumes {name} as "
                        f"{rate.units}; a price deck [currency/mass] needs a mass flow"
                    )
                kg_h = kg_h + np.asarray(rate.to("kg/h").magnitude, dtype=float)
            # deck and constant prices both escalated as the costing does reagent prices
            pairs = shipped_deck(deck) if isinstance(deck, str) else deck
            pairs = tuple((year, _as_reagent_price(value)) for year, value in pairs)
            by_year = deck_prices(pairs, int(start), life)
            if self.plant.costing.price_deck_basis == "nominal":
                by_year = by_year / (1.0 + np.asarray(values["inflation"], dtype=float))[
                    ..., None
                ] ** (values["construction_years"] + np.arange(life))
            constant = magnitude(
                _as_reagent_price(reagent_price(name, self.plant.costing.prices)),
                "USD/kg",
                f"price of {name}",
            )
            constant = np.asarray(constant, dtype=float)[..., None]
            kg_yr = (kg_h * hours)[..., None]
            total = total + (by_year - constant) * kg_yr
        return Q_(np.asarray(total, dtype=float), "USD/yr")

    def _support_arguments(self, price=None, *, unsupported=None) -> dict:
        """The ``price_support``, ``price_support_years`` and ``revenue_adjustment``
        arguments of :func:`tecmodel.finance.cash_flow_table` at ``price``: the products'
        floors and caps, their price decks and the reagent price decks (only those that
        apply). :meth:`cash_flow` and :func:`tecmodel.support.support_needed` both use it,
        so a solved lever sees the same money as the NPV it is solved for; the product
        named ``unsupported`` gets no floor or cap (a solver supplies its own)."""
        adjustment = self._deck_adjustment(price, unsupported=unsupported)
        reagents = self.reagent_deck_cost()
        support = {}
        if adjustment is None:
            amounts, years = self.price_support(price, unsupported=unsupported)
            if amounts:
                support = {"price_support": amounts, "price_support_years": years}
        if reagents is not None:
            cost = reagents.to("USD/yr").magnitude
            adjustment = -cost if adjustment is None else adjustment - cost
        if adjustment is not None:
            support["revenue_adjustment"] = adjustment
        return support

    def cash_flow(self, price=None):
        """Yearly cash-flow table at ``price`` (see :meth:`npv`), with the products'
        price floors and caps (:meth:`price_support`) and price decks, and the reagent
        price decks (:meth:`reagent_deck_cost`)."""
        return finance.cash_flow_table(
            self._depreciable_capital(),
            self._revenue(price),
            _usd_yr(self.opex),
            **self.finance_arguments,
            **self._support_arguments(price),
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
        """Internal rate of return [-] at ``price`` (as in :meth:`npv`); NaN if none.
        With debt, the equity holders' (:meth:`equity_irr`)."""
        return finance.irr(self.cash_flow(price).after_tax_cash_flow)

    def equity_irr(self, price=None) -> np.ndarray:
        """IRR of the equity holders' cash flow [-] at ``price``: after debt service,
        with the interest deducted; equals :meth:`irr`."""
        return self.cash_flow(price).equity_irr

    def project_irr(self, price=None) -> np.ndarray:
        """IRR of the unlevered project cash flow [-] at ``price``: no debt flows, tax
        without the interest deduction; equals :meth:`irr` when there is no debt."""
        return self.cash_flow(price).project_irr

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
        from .costing import equipment_correlation
        from .costing.capital import collected_extrapolations

        rows = []
        for stage, result in self.flowsheet.stage_results.items():
            for item in result.equipment:
                correlation = equipment_correlation(item.kind)
                size, units = costed_units(item)
                inside = (size >= correlation.size_min) & (size <= correlation.size_max)
                with collected_extrapolations():  # the row itself reports the range
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
                    **self.finance_arguments,
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


def _describe_size(size) -> str:
    values = np.atleast_1d(size.magnitude)
    if values.size == 1:
        return f"{values[0]:.3g} {size.units:~P}"
    return f"{values.min():.3g}–{values.max():.3g} {size.units:~P}"
