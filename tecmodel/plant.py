"""Plants: stages wired by named streams, a feed, a costing basis and finance assumptions.

A :class:`Plant` is immutable and a pure function of its parameters (DESIGN.md,
principle 5). :meth:`Plant.evaluate` runs the flowsheet once, costs it and returns a
:class:`tecmodel.results.PlantResult`. Any parameter may be an array: replace it by its
dotted path and evaluate once,

>>> plant2 = plant.replace("finance.discount_rate", numpy.array([0.06, 0.08, 0.10]))
>>> plant2.evaluate().levelized_cost          # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .data import load_table
from .errors import InputError, TecModelError, UnitError, describe
from .finance import PRODUCTION_CREDIT_BASES
from .flowsheet import normalize_connections, parse_port, run_flowsheet
from .paths import FrozenMapping, freeze_mapping, get_path, parameter_paths, replace_path
from .streams import Stream, is_rare_earth
from .units import Q_, magnitude
from .validation import check, check_choice, check_fraction

__all__ = ["CostingBasis", "Feed", "FinanceAssumptions", "Plant", "Product"]


def _default(table: str, key: str):
    entry = load_table(table)[key]
    unit = entry.extra.get("unit", "")
    return Q_(entry.value, unit) if unit else entry.value


@dataclass(frozen=True)
class Feed:
    """The plant's external feed.

    Parameters
    ----------
    rate : pint.Quantity
        Total mass flow of the feed [mass/time], e.g. ``Q_(20_000, "t/yr")``.
    composition : mapping of str to float
        Mass fractions [-], summing to 1; rare earths, Th and U on the oxide basis.
    to : str
        Inlet port it enters, ``"stage.port"``.
    price : pint.Quantity
        Purchase price per kg of feed [currency/mass]; 0 for a tolling (separation-only)
        cost, which is what the levelized cost then measures.
    """

    rate: object
    composition: Mapping[str, object]
    to: str
    price: object = 0.0

    def __post_init__(self):
        if not isinstance(self.composition, Mapping):
            raise InputError(
                "feed.composition must be a mapping component -> mass fraction, e.g. "
                f"{{La = 0.3, Ce = 0.7}}, got {describe(self.composition)}"
            )
        object.__setattr__(self, "composition", freeze_mapping(self.composition))
        check(self.rate, "feed.rate", "kg/s", low=0.0)
        for component, share in self.composition.items():
            check(share, f"feed.composition.{component}", "", low=0.0, high=1.0)
        if not isinstance(self.to, str):
            raise InputError(f"feed.to must be a port name 'stage.inlet', got {self.to!r}")
        parse_port(self.to, "feed.to")
        self.stream()  # checks the composition now, not at evaluation
        price = self.price_usd_per_kg()
        if np.any(~(np.asarray(price) >= 0)):
            raise InputError(f"feed.price must be >= 0, got {describe(self.price)}")

    def price_usd_per_kg(self):
        """Purchase price [USD/kg] as a plain number (a bare 0 means free)."""
        if (
            not hasattr(self.price, "units")
            and not isinstance(self.price, bool | str)
            and isinstance(self.price, int | float)
            and self.price == 0
        ):
            return np.asarray(self.price, dtype=float)
        return magnitude(self.price, "USD/kg", "feed.price")

    def stream(self) -> Stream:
        """The feed as a :class:`Stream`, built once per Feed (so an unchanged feed is
        the same stream object, which lets a flowsheet reuse unchanged stages)."""
        cached = self.__dict__.get("_stream")
        if cached is None:
            cached = Stream.from_composition(self.rate, self.composition)
            self.__dict__["_stream"] = cached
        return cached


@dataclass(frozen=True)
class Product:
    """A saleable outlet of the plant.

    Parameters
    ----------
    source : str
        Outlet port, ``"stage.port"``.
    price : pint.Quantity, optional
        Price per kg of product (REO basis) at or above ``grade`` [currency/mass].
    graded_components : tuple of str
        Rare earths whose combined share of the product's TREO is its purity
        (``("Nd",)`` for Nd2O3, ``("Pr", "Nd")`` for didymium).
    grade : float
        Purity the price is quoted for [-]; a product below it sells at
        ``price · (1 − off_grade_discount)``.
    off_grade_discount : float, optional
        Default from ``finance_defaults.toml`` (a labelled assumption, 20 %).
    licensed_source_material : bool
        The scenario states explicitly that this product is sold as licensed source
        material. A product at or above the 0.25 wt % Th + U exemption limit (10 CFR
        40.13(c)(1)(vi)) earns no revenue unless this is True (issue 9). Default False.
    price_floor : pint.Quantity, optional
        Guaranteed price [currency/mass]: when the realized price is below it, the
        difference is paid on every kg sold (a top-up, taxed as revenue), as in MP
        Materials' 2025 agreement with the U.S. Department of Defense (US$110/kg NdPr
        oxide for ten years, :func:`tecmodel.policy.ndpr_price_floor`). It enters the
        NPV, IRR and cash flow at the products' prices, not the levelized cost (the
        price the plant needs, whoever pays it).
    price_floor_years : int, optional
        Operating years in which the floor (and cap) apply [yr], from the first;
        default the whole life.
    price_cap : pint.Quantity, optional
        Price above which the producer hands back ``upside_share`` of the excess
        [currency/mass]; None for no cap.
    upside_share : float
        Share of the price above ``price_cap`` paid away [-]; default 0.
    price_deck : str or mapping of int to pint.Quantity, optional
        Prices by calendar year: a shipped deck's name (``"usgs_nd_oxide"``,
        :mod:`tecmodel.price_decks`) or ``{year: price}``. Replaces ``price`` in the
        NPV, IRR and cash flow (the floor and cap then apply year by year), not in the
        levelized cost. Stored as ``(year, price)`` pairs.
    price_deck_start : int, optional
        Calendar year of the deck read in the first operating year (e.g. 2011 to
        replay the 2011 peak); default ``finance.first_production_year``.
    price_deck_basis : {"real", "nominal"}
        ``"real"``: deck prices in constant money, escalated by ``finance.inflation``
        like every price; ``"nominal"``: money of each year, not escalated again.
    """

    source: str
    price: object = None
    graded_components: tuple[str, ...] = ()
    grade: object = 0.0
    off_grade_discount: object = None
    licensed_source_material: bool = False
    price_floor: object = None
    price_floor_years: object = None
    price_cap: object = None
    upside_share: object = 0.0
    price_deck: object = None
    price_deck_start: object = None
    price_deck_basis: str = "real"

    def __post_init__(self):
        if not isinstance(self.source, str):
            raise InputError(
                f"product source must be a port name 'stage.outlet', got {self.source!r}"
            )
        parse_port(self.source, "product source")
        where = f"product at {self.source}"
        if self.price is not None:
            check(self.price, "price", "USD/kg", low=0.0, where=where)
        if self.off_grade_discount is not None:
            check_fraction(self.off_grade_discount, "off_grade_discount", where=where)
        if isinstance(self.graded_components, str):
            object.__setattr__(self, "graded_components", (self.graded_components,))
        for component in self.graded_components:
            if not is_rare_earth(component):
                raise InputError(
                    f"graded_components must be rare earths, got {component!r} for {self.source}"
                )
        check(self.grade, "grade", "", low=0.0, high=1.0, high_open=True, where=where)
        for name in ("price_floor", "price_cap"):
            if getattr(self, name) is not None:
                check(getattr(self, name), name, "USD/kg", low=0.0, where=where)
        if self.price_floor_years is not None:
            years = self.price_floor_years
            unit = "yr" if hasattr(years, "units") and not years.dimensionless else ""
            check(years, "price_floor_years", unit, low=1.0, integer=True, where=where)
        check_fraction(self.upside_share, "upside_share", where=where)
        if isinstance(self.price_deck, Mapping):
            pairs = tuple(sorted((int(y), p) for y, p in self.price_deck.items()))
            object.__setattr__(self, "price_deck", pairs)
        if self.price_deck is not None:
            from .price_decks import deck_prices

            deck_prices(self.price_deck, 2000, 1)  # a bad deck fails now, not later
        if self.price_deck_start is not None:
            check(self.price_deck_start, "price_deck_start", "", integer=True, where=where)
        check_choice(self.price_deck_basis, ("real", "nominal"), "price_deck_basis", where=where)

    def price_support(self, unit_price) -> np.ndarray:
        """Top-up (> 0) or shared upside (< 0) per kg sold at ``unit_price`` [USD/kg]:
        ``max(0, floor - p) - upside_share * max(0, p - cap)``."""
        support = np.zeros(np.shape(unit_price))
        if self.price_floor is not None:
            floor = magnitude(self.price_floor, "USD/kg", "price_floor")
            support = support + np.maximum(floor - unit_price, 0.0)
        if self.price_cap is not None:
            cap = magnitude(self.price_cap, "USD/kg", "price_cap")
            share = magnitude(self.upside_share, "", "upside_share")
            support = support - share * np.maximum(unit_price - cap, 0.0)
        return support

    def has_price_support(self) -> bool:
        """A floor, or a cap with a share paid away, is set."""
        return self.price_floor is not None or (
            self.price_cap is not None and np.any(np.asarray(self.upside_share) != 0)
        )

    def purity(self, stream: Stream) -> np.ndarray:
        """Purity of ``stream`` for this product [-] (1 if no graded components)."""
        if not self.graded_components:
            return np.ones(stream.shape)
        return sum(stream.purity(c) for c in self.graded_components)

    def unit_price(self, stream: Stream) -> np.ndarray:
        """Realized price [USD/kg], after the off-grade discount where purity < grade."""
        if self.price is None:
            return np.zeros(stream.shape)
        price = magnitude(self.price, "USD/kg", f"price of {self.source}")
        discount = magnitude(
            _default("finance_defaults", "off_grade_discount")
            if self.off_grade_discount is None
            else self.off_grade_discount,
            "",
            "off_grade_discount",
        )
        on_grade = self.purity(stream) >= magnitude(self.grade, "", "grade") - 1e-12
        return np.where(on_grade, price, price * (1.0 - discount))


def _regime_disposal_costs(waste_regime, radioactive_route) -> dict:
    """Disposal rates a waste regime (and its radioactive-residue route) sets."""
    from .costing import disposal_costs

    if waste_regime is None:
        if radioactive_route is not None:
            raise InputError(
                f"costing.radioactive_route {radioactive_route!r} needs a waste_regime "
                "(e.g. waste_regime = 'us'), got waste_regime None"
            )
        return {}
    from .stages.waste import waste_regime as regime_rules

    rules = regime_rules(waste_regime)
    regime = {**disposal_costs(), **rules["disposal_costs"]}
    if radioactive_route is not None:
        routes = sorted(
            k.removeprefix("radioactive_")
            for k in rules["alternatives"]
            if k.startswith("radioactive_")
        )
        if radioactive_route not in routes:
            raise InputError(
                f"costing.radioactive_route must be one of {routes or 'none'} for "
                f"waste_regime {waste_regime!r}, got {radioactive_route!r}"
            )
        regime["radioactive"] = rules["alternatives"][f"radioactive_{radioactive_route}"]
    return regime


def _same(a, b) -> bool:
    try:
        return bool(np.all(a == b))
    except Exception:  # values of different kinds (a number and a quantity) differ
        return False


class RegimeFilledRates(FrozenMapping):
    """A CostingBasis's disposal rates, with the (waste regime, radioactive route) that
    filled them in.

    A CostingBasis built from these rates under another regime or route
    (``dataclasses.replace(costing, radioactive_route="llrw")``, a path change, a study)
    re-prices the rates that one filled and keeps those the user set; without the record
    the old regime's rates would pass for the user's and stay.
    """

    __slots__ = ("filled_by",)

    def __init__(self, data, filled_by: tuple):
        super().__init__(data)
        object.__setattr__(self, "filled_by", filled_by)

    def __reduce__(self):
        return (RegimeFilledRates, (self._data, self.filled_by))

    def with_data(self, data) -> RegimeFilledRates:
        """The same record over other rates (one rate changed by a path)."""
        return RegimeFilledRates(data, self.filled_by)


@dataclass(frozen=True)
class CostingBasis:
    """Prices and rules that turn physics into money.

    Parameters
    ----------
    prices : mapping of str to pint.Quantity
        Overrides/extends the embedded price list (``tecmodel/data/prices.toml``).
    disposal_costs : mapping of str to pint.Quantity
        Overrides disposal cost per waste class (per mass or per volume).
    labor_rate : pint.Quantity, optional
        Operator wage before burden [currency/h]; default from ``operating_rules.toml``.
    operating_hours : pint.Quantity, optional
        Hours of operation per year; default 8,064 h/yr (``operating_rules.toml``).
    location_factor : float
        Multiplies the bare erected cost [-].
    installation : "qgess", float or mapping
        Installation stack (see :func:`tecmodel.costing.capital_cost`).
    owners_cost_fraction, working_capital_fraction : float, optional
    royalty_rate : float
        Fraction of revenue [-].
    waste_regime : {None, "us", "malaysia", "china", "australia"}
        Jurisdiction whose disposal prices (``tecmodel/data/waste_regimes.toml``) replace
        the embedded defaults; ``disposal_costs`` still override single classes. Default
        None (the embedded ``disposal.toml`` prices).
    radioactive_route : str, optional
        Route of the regime's radioactive (source-material) residue, priced by the
        regime's ``radioactive_<route>`` entry in ``waste_regimes.toml``. U.S.:
        ``"uranium_mill"`` (alternate feed to a uranium mill, tailings 11e.(2) byproduct
        material), ``"tenorm_landfill"``, ``"llrw"``; None (default) keeps the regime's
        own ``radioactive`` price (U.S.: held on site under a state licence).
    new_site : bool
        True for a plant on a new (greenfield) site: land is bought (issue 10,
        ``site_capital.toml``); False for an addition to an existing site.
    crews_per_position : float, optional
        People employed per position manned 24/7; default 4.5 (``crews.toml``).
    capital_estimate_factor : float
        Multiplies the total plant cost (whole site, contingencies; owner's costs follow)
        [-]; 1 by default. A study samples it within the estimate class's range
        (:func:`tecmodel.sensitivity.capex_estimate_range`).
    price_decks : mapping of str to (str or mapping of int to pint.Quantity)
        Reagent prices by calendar year, by reagent name (a name of ``prices``): a
        shipped deck's name (:mod:`tecmodel.price_decks`) or ``{year: price}``
        [currency/mass]; each stored as ``(year, price)`` pairs. The NPV, IRR and cash
        flow then pay the deck's price for the plant's consumption year by year; the
        levelized cost keeps the constant ``prices`` (see
        :meth:`tecmodel.results.PlantResult.reagent_deck_cost`). Empty by default.
    price_deck_start : int, optional
        Calendar year of the reagent decks read in the first operating year; default
        ``finance.first_production_year``.
    price_deck_basis : {"real", "nominal"}
        ``"real"``: reagent deck prices in constant money, escalated by
        ``finance.inflation``; ``"nominal"``: money of each year, not escalated again.
    """

    prices: Mapping[str, object] = field(default_factory=dict)
    disposal_costs: Mapping[str, object] = field(default_factory=dict)
    labor_rate: object = None
    operating_hours: object = None
    location_factor: object = 1.0
    installation: object = "qgess"
    owners_cost_fraction: object = None
    working_capital_fraction: object = None
    royalty_rate: object = 0.0
    waste_regime: str | None = None
    radioactive_route: str | None = None
    new_site: object = False
    crews_per_position: object = None
    capital_estimate_factor: object = 1.0
    price_decks: Mapping[str, object] = field(default_factory=dict)
    price_deck_start: object = None
    price_deck_basis: str = "real"

    def __post_init__(self):
        # Defaults are filled in, so every number a plant uses has a dotted path
        # ("costing.prices.hydrochloric_acid") that a study can read and replace.
        from .costing import default_prices, disposal_costs

        route = (self.waste_regime, self.radioactive_route)
        regime = _regime_disposal_costs(*route)
        object.__setattr__(self, "prices", freeze_mapping({**default_prices(), **self.prices}))
        rates = self.disposal_costs
        filled_by = getattr(rates, "filled_by", None)
        if filled_by is not None and filled_by != route:
            # rates filled in under another regime or route (dataclasses.replace or a
            # path change): drop what that one filled, keep what the user set
            old_fill = {**disposal_costs(), **_regime_disposal_costs(*filled_by)}
            rates = {
                key: value
                for key, value in rates.items()
                if key not in old_fill or not _same(value, old_fill[key])
            }
        object.__setattr__(
            self,
            "disposal_costs",
            RegimeFilledRates({**disposal_costs(), **regime, **rates}, route),
        )
        if self.labor_rate is None:
            object.__setattr__(self, "labor_rate", _default("operating_rules", "labor_rate"))
        if self.operating_hours is None:
            object.__setattr__(
                self, "operating_hours", _default("operating_rules", "operating_hours")
            )
        if isinstance(self.installation, Mapping):
            object.__setattr__(self, "installation", freeze_mapping(self.installation))
        object.__setattr__(self, "price_decks", freeze_mapping(_reagent_decks(self)))
        _validate_costing(self)


@dataclass(frozen=True)
class FinanceAssumptions:
    """Discounted-cash-flow assumptions (defaults: ``finance_defaults.toml``).

    The fields up to ``inflation`` are those of :func:`tecmodel.finance.cash_flow_table`.
    The policy and finance levers after them (issue 15) are all off by default, and a
    plant without any lever is computed exactly as before they existed.

    Parameters
    ----------
    debt_fraction : float
        Share of the capital spend (less any grant) paid with debt [-].
    debt_rate : float
        Interest rate on the debt [1/yr].
    debt_years : int, optional
        Loan tenor from the first operating year [yr], grace years included; default
        the plant life.
    grace_years : int
        First operating years of interest-only payments [yr].
    interest_deductible : bool
        Interest is deducted from taxable income. Default True.
    grant : pint.Quantity or float
        Capital grant [USD] (e.g. a Defense Production Act Title III award), received as
        the capital is spent.
    grant_treatment : {"taxable", "basis_reduction"}
        The grant taxed as income (the law since Pub. L. 115-97, 26 U.S.C. 118(b)(2)),
        or untaxed with the depreciable basis reduced by it.
    investment_credit_rate : float
        Investment tax credit as a fraction of the depreciable capital [-] (§48C: 0.30,
        :func:`tecmodel.policy.investment_credit_rate_48c`).
    production_credit_rate : float
        Production tax credit as a fraction of the production costs that
        ``production_credit_base`` names [-] (§45X critical minerals: 0.10,
        :func:`tecmodel.policy.production_credit_rate`).
    production_credit_base : {"operating_cost", "operating_cost_and_depreciation"}
        The production costs of the credit: the operating cost, feed purchase included
        (default), or that plus the year's scheduled tax depreciation of the plant (the
        §263A reading of 26 CFR 1.45X-4(c), relayed; see
        :func:`tecmodel.finance.cash_flow_table`).
    first_production_year : int, optional
        Calendar year of the first operating year. When given, the production credit
        follows the §45X phase-out of Pub. L. 119-21 (2025,
        :func:`tecmodel.policy.production_credit_schedule`); when None it is earned in
        every year.
    sustaining_capital_fraction : float
        Sustaining and replacement capital per operating year as a fraction of the
        depreciable capital [-] (SX organic make-up beyond opex, equipment
        replacement), deducted when spent.
    replacement_fraction : float
        Capital replaced every ``replacement_interval`` operating years as a fraction of
        the depreciable capital [-] (equipment replacement, a new SX organic inventory:
        a labelled assumption of the scenario, none is shipped), deducted when spent;
        not spent in the last operating year. Default 0.
    replacement_interval : int, optional
        Operating years between replacements [yr] (e.g. 10); needed with a
        ``replacement_fraction``.
    closure_cost : pint.Quantity or float
        Closure and decommissioning of the site and its residue facilities [USD], paid
        in the last operating year.

    Notes
    -----
    With debt the NPV, IRR and levelized cost are the equity holders' at
    ``discount_rate`` (the cost of equity);
    :meth:`tecmodel.results.PlantResult.project_irr` is the unlevered return.
    """

    discount_rate: object = None
    plant_life: object = None
    construction_years: int = None
    capital_spend_profile: tuple | None = None
    tax_rate: object = None
    depreciation: str = "macrs7"
    depreciation_life: object = None
    salvage_fraction: object = 0.0
    ramp_up: tuple = ()
    loss_rule: str = "carry_forward"
    inflation: object = 0.0
    debt_fraction: object = 0.0
    debt_rate: object = 0.0
    debt_years: object = None
    grace_years: object = 0
    interest_deductible: bool = True
    grant: object = 0.0
    grant_treatment: str = "taxable"
    investment_credit_rate: object = 0.0
    production_credit_rate: object = 0.0
    production_credit_base: str = "operating_cost"
    first_production_year: object = None
    sustaining_capital_fraction: object = 0.0
    replacement_fraction: object = 0.0
    replacement_interval: object = None
    closure_cost: object = 0.0

    def __post_init__(self):
        for key in ("discount_rate", "plant_life", "construction_years", "tax_rate"):
            if getattr(self, key) is None:
                object.__setattr__(self, key, _default("finance_defaults", key))
        if self.capital_spend_profile is not None:
            object.__setattr__(self, "capital_spend_profile", tuple(self.capital_spend_profile))
        object.__setattr__(self, "ramp_up", tuple(self.ramp_up))
        _validate_finance(self)

    def resolved(self) -> dict:
        """Keyword arguments for :mod:`tecmodel.finance`, defaults filled in, plain numbers."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["discount_rate"] = _plain(values["discount_rate"], "1/yr", "discount_rate")
        values["plant_life"] = _plain(values["plant_life"], "yr", "plant_life")
        values["construction_years"] = int(
            _plain(values["construction_years"], "yr", "construction_years")
        )
        values["tax_rate"] = _plain(values["tax_rate"], "", "tax_rate")
        if values["depreciation_life"] is not None:
            values["depreciation_life"] = int(
                _plain(values["depreciation_life"], "yr", "depreciation_life")
            )
        if values["capital_spend_profile"] is None:
            n = values["construction_years"]
            values["capital_spend_profile"] = (0.4, 0.6) if n == 2 else (1.0 / n,) * n
        for name in ("debt_fraction", "debt_rate", "investment_credit_rate"):
            values[name] = _plain(values[name], "", name)
        values["production_credit_rate"] = _plain(
            values["production_credit_rate"], "", "production_credit_rate"
        )
        values["sustaining_capital_fraction"] = _plain(
            values["sustaining_capital_fraction"], "", "sustaining_capital_fraction"
        )
        values["replacement_fraction"] = _plain(
            values["replacement_fraction"], "", "replacement_fraction"
        )
        if values["replacement_interval"] is not None:
            values["replacement_interval"] = int(
                _plain(values["replacement_interval"], "yr", "replacement_interval")
            )
        for name in ("grant", "closure_cost"):
            values[name] = _usd_amount(values[name], name)
        for name in ("debt_years", "grace_years"):
            if values[name] is not None:
                values[name] = _plain(values[name], "yr", name)
        return values

    def levers(self) -> dict:
        """The policy and finance levers that are set, as keyword arguments of
        :func:`tecmodel.finance.levelized_cost` (plain numbers, USD); empty when none."""
        values = self.resolved()
        levers = {}
        for name in (
            "debt_fraction",
            "grant",
            "investment_credit_rate",
            "production_credit_rate",
            "sustaining_capital_fraction",
            "replacement_fraction",
            "closure_cost",
        ):
            if np.ndim(values[name]) or float(values[name]) != 0.0:
                levers[name] = values[name]
        if not levers:
            return {}
        if "replacement_fraction" in levers:
            levers["replacement_interval"] = values["replacement_interval"]
        if "debt_fraction" in levers:  # the loan's terms matter only with a loan
            levers["debt_rate"] = values["debt_rate"]
            if values["debt_years"] is not None:
                levers["debt_years"] = values["debt_years"]
            if np.ndim(values["grace_years"]) or values["grace_years"] != 0:
                levers["grace_years"] = values["grace_years"]
            if not self.interest_deductible:
                levers["interest_deductible"] = False
        if self.grant_treatment != "taxable":
            levers["grant_treatment"] = self.grant_treatment
        if "production_credit_rate" in levers:
            levers.update(self.production_credit_terms())
            if "investment_credit_rate" in levers:
                from .policy import warn_if_credits_stacked

                warn_if_credits_stacked(
                    levers["investment_credit_rate"], levers["production_credit_rate"]
                )
        return levers

    def production_credit_terms(self) -> dict:
        """How the production credit is earned, as keyword arguments of
        :func:`tecmodel.finance.levelized_cost`: the phase-out by operating year when
        ``first_production_year`` is given, and the base when it is not the operating
        cost; empty when both are at their defaults (whatever the rate)."""
        terms = {}
        if self.first_production_year is not None:
            from .policy import production_credit_schedule

            life = np.max(self.resolved()["plant_life"])
            terms["production_credit_schedule"] = production_credit_schedule(
                self.first_production_year, int(life)
            )
        if self.production_credit_base != "operating_cost":
            terms["production_credit_base"] = self.production_credit_base
        return terms


def _usd_amount(value, name: str):
    """A money amount [USD]: a Quantity converted, a plain number taken as USD."""
    if hasattr(value, "units"):
        return magnitude(value, "USD", name)
    return magnitude(value, "", name)


# ------------------------------------------------------------------ parameter checks
#: Longest plant life a plant accepts [yr] (a validation range, not data: real plants
#: are financed over 10–40 years; the limit keeps a typo such as 1e6 from running for
#: minutes through a million-year cash-flow table).
MAX_PLANT_LIFE = 200.0


# Every costing and finance field is checked where it enters (construction and
# Plant.replace), with the boundary validator: type, unit, finiteness, range.
def _currency_rate(value, name: str, where: str) -> None:
    """A price or disposal rate: money per something, finite and >= 0."""
    if isinstance(value, str):
        try:
            value = Q_(value)
        except Exception as exc:
            raise UnitError(f"{where}.{name}: cannot read {value!r} as a quantity") from exc
    if not hasattr(value, "units") or value.dimensionality.get("[currency]", 0) != 1:
        raise UnitError(
            f"{where}.{name} must be money per unit of something (e.g. '350 USD/t', "
            f"'0.07 USD/kWh'), got {describe(value)}"
            + ("; attach units" if not hasattr(value, "units") else "")
        )
    check(value.magnitude, name, "", low=0.0, where=where, percent_hint=False)


_DISPOSAL_DIMENSIONS = ("USD/kg", "USD/m**3")


def _reagent_decks(costing) -> dict:
    """``costing.price_decks`` checked, each deck as ``(year, price)`` pairs."""
    from .price_decks import deck_prices

    decks = {}
    for name, deck in costing.price_decks.items():
        if name not in costing.prices:
            raise InputError(
                f"costing.price_decks.{name}: {name!r} has no price to replace; reagents "
                f"with a price are {', '.join(sorted(costing.prices))}"
            )
        if isinstance(deck, Mapping):
            deck = tuple(sorted((int(year), value) for year, value in deck.items()))
        deck_prices(deck, 2000, 1)  # a bad deck fails now, not in the cash flow
        decks[name] = deck
    where = "costing"
    if costing.price_deck_start is not None:
        check(costing.price_deck_start, "price_deck_start", "", integer=True, where=where)
    check_choice(costing.price_deck_basis, ("real", "nominal"), "price_deck_basis", where=where)
    return decks


def _validate_costing(costing) -> None:
    where = "costing"
    for name, value in costing.prices.items():
        _currency_rate(value, name, f"{where}.prices")
    for name, value in costing.disposal_costs.items():
        _currency_rate(value, name, f"{where}.disposal_costs")
        dims = [Q_(1, u).dimensionality for u in _DISPOSAL_DIMENSIONS]
        if Q_(value).dimensionality not in dims:
            raise UnitError(
                f"{where}.disposal_costs.{name} must be money per mass or per volume "
                f"(e.g. '169 USD/t', '3530 USD/m**3'), got {describe(value)}"
            )
    check(costing.labor_rate, "labor_rate", "USD/h", low=0.0, where=where)
    check(costing.operating_hours, "operating_hours", "h/yr", low=0.0, high=8784.0, where=where)
    check(costing.location_factor, "location_factor", "", low=0.0, low_open=True, where=where)
    check_fraction(costing.royalty_rate, "royalty_rate", where=where)
    for name in ("owners_cost_fraction", "working_capital_fraction"):
        if getattr(costing, name) is not None:
            check_fraction(getattr(costing, name), name, where=where)
    installation = costing.installation
    if isinstance(installation, str):
        if installation != "qgess":
            raise InputError(
                f"costing.installation must be 'qgess', a Lang factor or a mapping of "
                f"percentages, got {installation!r}"
            )
    elif isinstance(installation, Mapping):
        for name, value in installation.items():
            check(value, name, "", low=0.0, where="costing.installation")
    else:
        check(installation, "installation", "", low=0.0, low_open=True, where=where)


def _validate_finance(finance) -> None:
    where = "finance"
    rate = finance.discount_rate
    unit = "1/yr" if hasattr(rate, "units") and not rate.dimensionless else ""
    check(
        rate,
        "discount_rate",
        unit,
        low=-1.0,
        low_open=True,
        high=1.0,
        percent_hint=True,
        where=where,
    )
    life = finance.plant_life
    check(
        life,
        "plant_life",
        "yr" if hasattr(life, "units") and not life.dimensionless else "",
        low=1.0,
        high=MAX_PLANT_LIFE,
        integer=True,
        where=where,
    )
    years = finance.construction_years
    check(
        years,
        "construction_years",
        "yr" if hasattr(years, "units") and not years.dimensionless else "",
        low=1.0,
        high=50.0,
        integer=True,
        where=where,
    )
    if np.ndim(getattr(years, "magnitude", years)) != 0:
        raise InputError(
            f"finance.construction_years must be one whole number (it sets the table "
            f"length), got {describe(years)}"
        )
    check(
        finance.tax_rate,
        "tax_rate",
        "",
        low=0.0,
        high=1.0,
        high_open=True,
        where=where,
        percent_hint=True,
    )
    check_fraction(finance.salvage_fraction, "salvage_fraction", where=where)
    check(
        finance.inflation,
        "inflation",
        "",
        low=-1.0,
        low_open=True,
        high=1.0,
        where=where,
        percent_hint=True,
    )
    for name in ("debt_fraction", "investment_credit_rate", "production_credit_rate"):
        check_fraction(getattr(finance, name), name, where=where)
    check_fraction(finance.sustaining_capital_fraction, "sustaining_capital_fraction", where=where)
    check(finance.debt_rate, "debt_rate", "", low=0.0, high=1.0, percent_hint=True, where=where)
    for name in ("grant", "closure_cost"):
        value = getattr(finance, name)
        check(value, name, "USD" if hasattr(value, "units") else "", low=0.0, where=where)
    for name, low in (("debt_years", 1.0), ("grace_years", 0.0)):
        value = getattr(finance, name)
        if value is not None:
            unit = "yr" if hasattr(value, "units") and not value.dimensionless else ""
            check(value, name, unit, low=low, integer=True, where=where)
    if not isinstance(finance.interest_deductible, bool | np.bool_):
        raise InputError(
            f"finance.interest_deductible must be True or False, got "
            f"{describe(finance.interest_deductible)}"
        )
    check_choice(
        finance.grant_treatment, ("taxable", "basis_reduction"), "grant_treatment", where=where
    )
    check_choice(
        finance.production_credit_base,
        PRODUCTION_CREDIT_BASES,
        "production_credit_base",
        where=where,
    )
    check_fraction(finance.replacement_fraction, "replacement_fraction", where=where)
    if finance.replacement_interval is not None:
        interval = finance.replacement_interval
        unit = "yr" if hasattr(interval, "units") and not interval.dimensionless else ""
        check(interval, "replacement_interval", unit, low=1.0, integer=True, where=where)
        if np.ndim(interval) != 0:
            raise InputError(
                "finance.replacement_interval must be one number of years, got "
                f"{describe(interval)}"
            )
    if finance.first_production_year is not None:
        check(
            finance.first_production_year,
            "first_production_year",
            "",
            low=1900.0,
            high=2200.0,
            integer=True,
            where=where,
        )
        if np.ndim(finance.first_production_year) != 0:
            raise InputError(
                "finance.first_production_year must be one calendar year, got "
                f"{describe(finance.first_production_year)}"
            )
    for i, share in enumerate(finance.ramp_up):
        check(share, f"ramp_up[{i}]", "", low=0.0, where=where, percent_hint=False)
    if finance.capital_spend_profile is not None:
        for i, share in enumerate(finance.capital_spend_profile):
            check_fraction(share, f"capital_spend_profile[{i}]", where=where)
    if finance.depreciation_life is not None:
        life = finance.depreciation_life
        check(
            life,
            "depreciation_life",
            "yr" if hasattr(life, "units") and not life.dimensionless else "",
            low=1.0,
            integer=True,
            where=where,
        )
    if not isinstance(finance.depreciation, str):
        for i, share in enumerate(tuple(np.ravel(finance.depreciation))):
            check_fraction(share, f"depreciation[{i}]", where=where)
    check_choice(finance.loss_rule, ("carry_forward", "offset"), "loss_rule", where=where)


def _plain(value, unit: str, name: str):
    """A Quantity in ``unit`` or a plain number taken to be in ``unit`` already."""
    if hasattr(value, "units") and not value.dimensionless:
        return magnitude(value, unit, name)
    return magnitude(value, "", name)


@dataclass(frozen=True)
class Plant:
    """A refinery: stages wired by named streams, a feed, costing and finance.

    Parameters
    ----------
    name : str
    stages : mapping of str to stage
        Stage objects (see :mod:`tecmodel.stages`) by name.
    feed : Feed
    connections : mapping or sequence of pairs
        ``{"stage.outlet": "stage.inlet", ...}`` or ``[(outlet, inlet), ...]``.
    products : mapping of str to Product
    costing : CostingBasis
    finance : FinanceAssumptions
    description : str
    recycles : tuple of str
        Outlet ports (``"stage.outlet"``) whose connection closes a loop; the loop is
        solved by iteration (see :func:`tecmodel.flowsheet.run_flowsheet`).
    """

    name: str
    stages: Mapping[str, object]
    feed: Feed
    connections: object = ()
    products: Mapping[str, Product] = field(default_factory=dict)
    costing: CostingBasis = field(default_factory=CostingBasis)
    finance: FinanceAssumptions = field(default_factory=FinanceAssumptions)
    description: str = ""
    recycles: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "recycles", tuple(self.recycles))
        object.__setattr__(self, "stages", freeze_mapping(self.stages))
        object.__setattr__(self, "products", freeze_mapping(self.products))
        object.__setattr__(self, "connections", normalize_connections(self.connections))
        for name, product in self.products.items():
            if not isinstance(product, Product):
                raise InputError(f"products[{name!r}] must be a Product, got {product!r}")

    def __repr__(self) -> str:
        return (
            f"Plant({self.name!r}: {len(self.stages)} stages, feed {self.feed.rate} -> "
            f"{self.feed.to}, products {', '.join(self.products) or 'none'})"
        )

    def _repr_html_(self) -> str:
        """Notebook view: stages, feed and products (issue 14)."""
        import html

        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{type(st).__name__}</td></tr>"
            for n, st in self.stages.items()
        )
        products = ", ".join(
            f"{html.escape(n)} ← {html.escape(p.source)}" for n, p in self.products.items()
        )
        return (
            f"<div><strong>Plant {html.escape(self.name)}</strong>: "
            f"{html.escape(self.description)}<br>feed {html.escape(f'{self.feed.rate:~P}')} → "
            f"{html.escape(self.feed.to)}; products {products or 'none'}"
            f'<table class="tecmodel"><thead><tr><th>stage</th><th>type</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )

    def describe(self) -> str:
        """The flowsheet as text: stages with their types, then every stream."""
        lines = [f"Plant {self.name}: {self.description}".rstrip(": "), "Stages"]
        lines += [f"  {name:<24} {type(stage).__name__}" for name, stage in self.stages.items()]
        lines.append("Streams")
        lines.append(f"  feed {self.feed.rate} -> {self.feed.to}")
        for source, destination in self.connections:
            mark = "  (recycle)" if source in self.recycles else ""
            lines.append(f"  {source} -> {destination}{mark}")
        for name, product in self.products.items():
            lines.append(f"  {product.source} -> product {name}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ parameters
    def replace(self, path: str, value) -> Plant:
        """A new plant with the parameter at dotted ``path`` replaced (may be an array).

        The new value is checked where it enters (type, unit, finiteness, range); a bad
        one raises a :class:`~tecmodel.errors.TecModelError` whose message starts with
        ``path``.
        """
        if not isinstance(path, str):
            raise InputError(
                f"path must be a dotted name like 'finance.discount_rate', got {path!r}"
            )
        try:
            return replace_path(self, path, value)
        except TecModelError as exc:
            if str(exc).replace(": ", ".").startswith(path):
                raise
            raise type(exc)(f"{path}: {exc}") from exc

    def get(self, path: str):
        """The parameter at dotted ``path``."""
        return get_path(self, path)

    def parameters(self) -> list[str]:
        """Every dotted parameter path of this plant."""
        return [p for p in parameter_paths(self) if not p.startswith(("connections", "recycles"))]

    # ------------------------------------------------------------------ evaluation
    def simulate(self, previous=None):
        """Run the flowsheet only (no money): a :class:`FlowsheetResult`.

        ``previous``: the flowsheet of a plant this one was derived from by
        :meth:`replace`; stages whose parameters and inlets are unchanged are not run
        again (see :func:`tecmodel.flowsheet.run_flowsheet`).
        """
        return run_flowsheet(
            self.stages,
            self.connections,
            {self.feed.to: self.feed.stream()},
            self.recycles,
            previous=previous,
        )

    def evaluate(self, flowsheet=None):
        """Run, cost and finance the plant: a :class:`tecmodel.results.PlantResult`.

        ``flowsheet``: this plant's :meth:`simulate` result when it is already known
        (the physics is then not run again; only the money is computed).
        """
        from .results import evaluate_plant

        return evaluate_plant(self, flowsheet)
