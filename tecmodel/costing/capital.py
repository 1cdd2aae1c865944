"""Capital cost: power-law equipment scaling, an embedded correlation library, and
installation-factor stacks that turn purchased equipment into total capital.

Kernels (``_scale_cost_kernel``) are plain numpy; public functions check units once with
:func:`tecmodel.units.magnitude`. Money keeps its cost-year unit: a correlation quoted in
``USD_2016`` returns ``USD_2016``, and ``.to("MUSD_2021")`` escalates by CEPCI.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pint

from ..data import load_table
from ..errors import InputError, UnitError, describe
from ..units import Q_, magnitude

__all__ = [
    "CapitalCost",
    "CostCorrelation",
    "ExtrapolationWarning",
    "capital_cost",
    "equipment_correlation",
    "equipment_kinds",
    "installation_factors",
    "lang_factor",
    "purchase_cost",
    "scale_cost",
]


class ExtrapolationWarning(UserWarning):
    """A correlation was used outside the size range it is trusted for."""


# --------------------------------------------------------------------------- helpers
def _unit_string(units) -> str:
    """A parseable string for a pint Unit (the default "~P" format may use superscripts)."""
    return format(units, "D")


def _money(value, name: str):
    """Check that ``value`` is a money Quantity; return (magnitude array, its units)."""
    magnitude(value, "USD", name)  # raises UnitError for plain numbers / wrong dimension
    if isinstance(value, str):
        value = Q_(value)
    return np.asarray(value.magnitude, dtype=float), value.units


def _size_pair(reference_size, size):
    """Magnitudes of ``reference_size`` and ``size`` in the reference's unit."""
    if isinstance(reference_size, str):
        reference_size = Q_(reference_size)
    unit = _unit_string(reference_size.units) if isinstance(reference_size, pint.Quantity) else ""
    reference = magnitude(reference_size, unit, "reference_size")
    try:
        value = magnitude(size, unit, "size")
    except UnitError as exc:
        raise UnitError(
            f"size must have the same dimension as reference_size ({unit or 'dimensionless'}); "
            f"{exc}"
        ) from exc
    return reference, value


# --------------------------------------------------------------------------- scaling
def _scale_cost_kernel(reference_cost, reference_size, size, exponent, parallel_units, k):
    """n · C_ref · (S / (k · S_ref))^e on plain arrays (k = n or 1)."""
    return parallel_units * reference_cost * (size / (k * reference_size)) ** exponent


def scale_cost(
    reference_cost, reference_size, size, exponent, parallel_units=1, scale_parallel=False
):
    """Cost of equipment by the power law (six-tenths rule generalised).

    Parameters
    ----------
    reference_cost : pint.Quantity
        Cost of one reference unit [currency, e.g. USD_2016]. The result keeps this unit.
    reference_size : pint.Quantity or float
        Size of the reference unit [any unit; plain number if dimensionless].
    size : pint.Quantity or array_like
        Size S: with ``scale_parallel`` the total duty shared by the ``parallel_units``,
        otherwise the size of each unit [same dimension as ``reference_size``].
    exponent : float or array_like
        Scaling exponent e [-].
    parallel_units : int or array_like, optional
        Number of identical units n [-].
    scale_parallel : bool, optional
        If True, the duty S is split over n units (each of size S/n); if False, each of
        the n units has size S (a duplicated train).

    Returns
    -------
    pint.Quantity
        Total purchased cost, in the unit of ``reference_cost`` [currency].

    Raises
    ------
    UnitError
        If ``reference_cost`` is not money or ``size`` and ``reference_size`` differ in
        dimension.
    InputError
        If a size or ``parallel_units`` is not positive.

    Notes
    -----
    .. math:: C = n \\, C_{ref} \\left(\\frac{S}{k \\, S_{ref}}\\right)^{e},
              \\quad k = n \\text{ if scale\\_parallel else } 1

    (DESIGN.md contract; PrOMMiS ``get_REE_costing`` uses the same form with
    ``scale_down_parallel_equip``.) Everything broadcasts.

    References
    ----------
    .. [1] Peters, Timmerhaus & West, *Plant Design and Economics for Chemical Engineers*,
       5th ed., McGraw-Hill 2003, ch. 6 (cost–capacity power law).

    Examples
    --------
    >>> from tecmodel import Q_
    >>> cost = scale_cost(Q_(1e6, "USD_2016"), Q_(100, "gal"), Q_(200, "gal"), 0.6)
    >>> round(cost.magnitude)
    1515717
    """
    cost, cost_units = _money(reference_cost, "reference_cost")
    reference, value = _size_pair(reference_size, size)
    exponent = magnitude(exponent, "", "exponent")
    n = magnitude(parallel_units, "", "parallel_units")
    if np.any(np.asarray(reference) <= 0) or np.any(np.asarray(value) < 0):
        raise InputError(
            f"sizes must be positive, got reference_size {describe(reference_size)} "
            f"and size {describe(size)}"
        )
    if np.any(np.asarray(n) <= 0):
        raise InputError(f"parallel_units must be >= 1, got {describe(parallel_units)}")
    k = np.where(scale_parallel, n, 1.0)
    return Q_(_scale_cost_kernel(cost, reference, value, exponent, n, k), cost_units)


# --------------------------------------------------------------------------- library
@dataclass(frozen=True)
class CostCorrelation:
    """One row of the equipment library: C = C_ref (S/S_ref)^e for S in [size_min, size_max].

    Attributes
    ----------
    kind : str
    description : str
    reference_cost : pint.Quantity  [currency of the cost year]
    reference_size, size_min, size_max : pint.Quantity  [size unit]
    exponent : float
    provenance : str
        Source and year, or the assumption text.
    range_provenance : str
        Where the valid range comes from.
    """

    kind: str
    description: str
    reference_cost: object
    reference_size: object
    exponent: float
    size_min: object
    size_max: object
    provenance: str
    range_provenance: str

    def __repr__(self) -> str:
        return (
            f"CostCorrelation({self.kind!r}: {self.reference_cost:~P} at "
            f"{self.reference_size:~P}, exponent {self.exponent}, valid "
            f"{self.size_min.magnitude:g}–{self.size_max.magnitude:g} "
            f"{self.size_max.units:~P})"
        )


@functools.cache
def _library() -> dict[str, CostCorrelation]:
    table = load_table("equipment")
    default_unit = table.meta["default_cost_unit"]
    default_range = table.meta["default_range_assumption"]
    library = {}
    for entry in table.entries:
        extra = entry.extra
        size_unit = extra["size_unit"]
        library[entry.key] = CostCorrelation(
            kind=entry.key,
            description=extra.get("description", ""),
            reference_cost=Q_(float(entry.value), extra.get("cost_unit", default_unit)),
            reference_size=Q_(float(extra["reference_size"]), size_unit),
            exponent=float(extra["exponent"]),
            size_min=Q_(float(extra["size_min"]), size_unit),
            size_max=Q_(float(extra["size_max"]), size_unit),
            provenance=entry.provenance,
            range_provenance=extra.get("range_assumption", default_range),
        )
    return library


def equipment_kinds() -> list[str]:
    """Names of the embedded equipment correlations."""
    return sorted(_library())


def equipment_correlation(kind: str) -> CostCorrelation:
    """The embedded correlation for ``kind``.

    Raises
    ------
    InputError
        If ``kind`` is unknown; the message lists the valid kinds.
    """
    library = _library()
    if kind not in library:
        raise InputError(
            f"unknown equipment kind {kind!r}; valid kinds are: {', '.join(sorted(library))}"
        )
    return library[kind]


# Where extrapolation notices go instead of a warning each, while a plant is costed (one
# summary warning per plant, see collected_extrapolations). A context variable, not
# warnings.catch_warnings: the latter swaps process-wide state and is not thread-safe.
_COLLECTED: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "tecmodel_collected_extrapolations", default=None
)


@contextlib.contextmanager
def collected_extrapolations() -> Iterator[list[str]]:
    """Collect, instead of warning for each, the equipment kinds costed out of range.

    Inside the block :func:`warn_if_extrapolated` appends the correlation's kind to the
    yielded list and warns nothing; the caller decides what to say (a plant warns once,
    listing the kinds; a site estimate whose ranges are stated says nothing). Safe in
    threads and in nested blocks (each block collects its own).
    """
    collected: list[str] = []
    token = _COLLECTED.set(collected)
    try:
        yield collected
    finally:
        _COLLECTED.reset(token)


def collect_extrapolated(kind: str) -> bool:
    """Inside :func:`collected_extrapolations`, note ``kind`` as costed out of range and
    return True; outside, return False (the caller warns)."""
    collected = _COLLECTED.get()
    if collected is None:
        return False
    collected.append(kind)
    return True


def warn_if_extrapolated(correlation, per_unit, unit: str, stacklevel: int = 2) -> None:
    """Warn (:class:`ExtrapolationWarning`) if a per-unit size [``unit``] lies outside the
    range ``correlation`` is valid for; ``stacklevel`` counts from the caller. Inside
    :func:`collected_extrapolations` the kind is collected instead."""
    low = correlation.size_min.to(unit).magnitude
    high = correlation.size_max.to(unit).magnitude
    outside = (np.asarray(per_unit) < low) | (np.asarray(per_unit) > high)
    if np.any(outside):
        kind = correlation.kind
        if collect_extrapolated(kind):
            return
        # a unit too large can be split into parallel units; one too small cannot
        advice = (
            "use more parallel_units to stay in range"
            if np.any(np.asarray(per_unit) > high)
            else "the unit is smaller than the range: no smaller correlation is embedded"
        )
        warnings.warn(
            f"{kind}: per-unit size {describe(Q_(per_unit, unit))} is outside the valid "
            f"range {low:g}–{high:g} {unit} of the correlation ({correlation.range_provenance}); "
            f"the cost is extrapolated ({advice})",
            ExtrapolationWarning,
            stacklevel=stacklevel,
        )


def purchase_cost(kind: str, size, parallel_units=1):
    """Purchased (bare erected) cost of ``parallel_units`` identical units of ``kind``.

    Parameters
    ----------
    kind : str
        Key of the equipment library (see :func:`equipment_kinds`), e.g.
        ``"mixer_settler"``, ``"pump"``, ``"roaster"``.
    size : pint.Quantity or array_like
        Size of ONE unit, in any unit of the correlation's dimension (volume, power,
        flow, heat duty, …), as :class:`tecmodel.stages.Equipment` reports it.
    parallel_units : int or array_like, optional
        Number of identical units n [-].

    Returns
    -------
    pint.Quantity
        n · C_ref · (S/S_ref)^e in the correlation's cost-year currency (e.g. USD_2016).

    Warns
    -----
    ExtrapolationWarning
        If any per-unit size lies outside the correlation's valid range.

    Raises
    ------
    InputError
        Unknown ``kind`` (the message lists the valid kinds).
    UnitError
        ``size`` has the wrong dimension.

    Notes
    -----
    Equivalent to ``scale_cost(C_ref, S_ref, size, e, parallel_units, scale_parallel=False)``.
    """
    correlation = equipment_correlation(kind)
    unit = _unit_string(correlation.reference_size.units)
    try:
        per_unit = magnitude(size, unit, "size")
    except UnitError as exc:
        raise UnitError(f"size of a {kind!r} must be in units like {unit}: {exc}") from exc
    warn_if_extrapolated(correlation, per_unit, unit, stacklevel=3)
    return scale_cost(
        correlation.reference_cost,
        correlation.reference_size,
        Q_(per_unit, unit),
        correlation.exponent,
        parallel_units=parallel_units,
        scale_parallel=False,
    )


# --------------------------------------------------------------------------- installation
def installation_factors(name: str = "qgess") -> dict[str, float]:
    """Installation cost items as fractions of bare erected cost.

    Parameters
    ----------
    name : {"qgess"}
        The embedded stack: NETL QGESS percentages as used for REE plants by the UKy
        report and PrOMMiS (piping 20, electrical 20, instrumentation 8, plant services
        10, process buildings 40, auxiliary buildings 15, site improvements 10, equipment
        installation 17, field expenses 12, project management and construction 30,
        process contingency 15 — percent of BEC).

    Returns
    -------
    dict of str to float
        Item name → fraction of bare erected cost [-].
    """
    if name != "qgess":
        raise InputError(f"installation stack must be 'qgess', got {name!r}")
    return {e.key: float(e.value) / 100.0 for e in load_table("installation").entries}


def lang_factor(installation="qgess") -> float:
    """Effective Lang factor, total plant cost / bare erected cost, of a stack.

    Notes
    -----
    In the QGESS method every item is a percentage of the bare erected cost and the items
    add (PrOMMiS ``build_process_costs``: TPC = BEC + Σ items), so
    L = 1 + Σ p_i = 1 + 1.97 = 2.97 for the default stack.
    """
    return 1.0 + float(sum(_installation_fractions(installation).values()))


def _installation_fractions(installation) -> dict[str, float]:
    if isinstance(installation, str):
        return installation_factors(installation)
    if isinstance(installation, Mapping):
        fractions = {
            str(k): magnitude(v, "", f"installation[{k!r}]") for k, v in installation.items()
        }
        for key, value in fractions.items():
            if np.any(np.asarray(value) < 0):
                raise InputError(f"installation fraction {key!r} must be >= 0, got {value}")
        return fractions
    factor = magnitude(installation, "", "installation (Lang factor)")
    if np.any(np.asarray(factor) < 1):
        raise InputError(
            f"a Lang factor is installed / purchased cost and must be >= 1, got {describe(factor)}"
        )
    return {"installation": factor - 1.0}


@dataclass(frozen=True)
class CapitalCost:
    """Total capital of a plant, built up from its bare erected equipment cost.

    All attributes are money Quantities in the currency unit of the equipment cost given.

    Attributes
    ----------
    bare_erected_cost : pint.Quantity
        Purchased equipment (bare erected) cost, after the location factor.
    installation : dict of str to pint.Quantity
        Installation items (piping, electrical, …, contingency).
    total_plant_cost : pint.Quantity
        Bare erected cost + installation (QGESS TPC).
    owners_cost : pint.Quantity
    working_capital : pint.Quantity
    total_capital : pint.Quantity
        TPC + owner's costs + working capital (a plant's ``capex`` adds initial fills).
    """

    bare_erected_cost: object
    installation: dict
    total_plant_cost: object
    owners_cost: object
    working_capital: object
    total_capital: object
    site: dict = None
    project_contingency: object = None

    def areas(self) -> dict:
        """Capital by area [Quantities]: process units, site services, offsites,
        contingency, owner's costs and working capital (sum to :attr:`total_capital`).

        QGESS items plant services and auxiliary buildings count as site services, site
        improvements as offsites, process contingency as contingency
        (:data:`tecmodel.costing.site.QGESS_ITEM_AREAS`); ``site`` items carry their area.
        """
        from .site import QGESS_ITEM_AREAS

        zero = 0.0 * self.bare_erected_cost
        out = {
            "process_units": self.bare_erected_cost,
            "site_services": zero,
            "offsites": zero,
            "contingency": zero,
        }
        for key, value in self.installation.items():
            area = QGESS_ITEM_AREAS.get(key, "process_units")
            out[area] = out[area] + value
        for _, (area, value) in (self.site or {}).items():
            out[area] = out[area] + value
        if self.project_contingency is not None:
            out["contingency"] = out["contingency"] + self.project_contingency
        out["owners_cost"] = self.owners_cost
        out["working_capital"] = self.working_capital
        return out

    @property
    def capex(self):
        """Deprecated: :attr:`total_capital`. ``capex`` names a plant's whole capital
        (GLOSSARY.md), which adds initial fills to this total
        (:attr:`tecmodel.costing.plant.PlantCost.capex`, ``PlantResult.capex``)."""
        import warnings

        warnings.warn(
            "CapitalCost.capex is deprecated: use total_capital (a plant's capex, "
            "PlantResult.capex, adds initial fills)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.total_capital

    @property
    def effective_lang_factor(self):
        """Total plant cost / bare erected cost [-]."""
        return (self.total_plant_cost / self.bare_erected_cost).to("").magnitude

    def breakdown(self) -> dict:
        """Ordered mapping of every line item to a Quantity (items sum to total capital)."""
        items = {"bare_erected_cost": self.bare_erected_cost}
        items.update(self.installation)
        for key, (_, value) in (self.site or {}).items():
            items[key] = value
        if self.project_contingency is not None:
            items["project_contingency"] = self.project_contingency
        items["owners_cost"] = self.owners_cost
        items["working_capital"] = self.working_capital
        return items

    def to_dict(self, unit: str | None = None) -> dict:
        """Line items and totals as plain magnitudes (in ``unit`` if given)."""
        out = {}
        rows = {
            **self.breakdown(),
            "total_plant_cost": self.total_plant_cost,
            "total_capital": self.total_capital,
        }
        for key, value in rows.items():
            out[key] = (value.to(unit) if unit else value).magnitude
        return out

    def __repr__(self) -> str:
        def fmt(q):
            m = np.asarray(q.magnitude)
            shown = f"{m:.4g}" if m.ndim == 0 else f"array{m.shape} mean {m.mean():.4g}"
            return f"{shown} {q.units:~P}"

        lines = ["CapitalCost("]
        lines += [f"  {k:<38} {fmt(v)}" for k, v in self.breakdown().items()]
        lines.append(f"  {'total_plant_cost':<38} {fmt(self.total_plant_cost)}")
        lines.append(f"  {'total_capital':<38} {fmt(self.total_capital)}")
        return "\n".join(lines) + "\n)"


def _rule(key: str) -> float:
    return float(load_table("operating_rules")[key].value)


def capital_cost(
    equipment_cost,
    installation="qgess",
    location_factor=1.0,
    owners_cost_fraction=None,
    working_capital_fraction=None,
    site_items=None,
    project_contingency_fraction=None,
    working_capital=None,
    estimate_factor=1.0,
) -> CapitalCost:
    """Total capital from the bare erected (purchased, erected) equipment cost.

    Parameters
    ----------
    equipment_cost : pint.Quantity
        Sum of bare erected equipment costs [currency]; the result is in its unit.
    installation : "qgess", float or mapping, optional
        ``"qgess"``: the embedded QGESS/UKy stack (effective Lang factor 2.97); a number:
        a single Lang factor L (installation = (L − 1)·BEC); a mapping: item name →
        fraction of BEC.
    location_factor : float or array_like, optional
        Multiplies the bare erected cost (and so every installation item) [-].
    owners_cost_fraction : float or array_like, optional
        Owner's costs as a fraction of total plant cost [-]; default 0.15 (labelled
        assumption in ``operating_rules.toml``).
    working_capital_fraction : float or array_like, optional
        Working capital as a fraction of total plant cost [-]; default 0.05 (Humbird et
        al. 2011: 5 % of fixed capital investment).
    site_items : mapping of str to (str, pint.Quantity), optional
        Site capital beyond the process units: name → (area, cost) with area one of
        ``site_services``, ``offsites``, ``contingency`` (see :mod:`tecmodel.costing.site`)
        [currency]. Not scaled by ``location_factor`` (give them at the site already).
    project_contingency_fraction : float, optional
        Project contingency as a fraction of BEC + installation + site items [-];
        default 0 (plant evaluation passes 10 %, Peters & Timmerhaus 1991 Table 17).
    working_capital : pint.Quantity, optional
        Working capital as an amount [currency]; overrides ``working_capital_fraction``.
    estimate_factor : float or array_like, optional
        Multiplies the total plant cost (every item, contingency included) [-]: the
        position of the estimate inside its accuracy range; default 1.

    Returns
    -------
    CapitalCost

    Notes
    -----
    BEC = location_factor · equipment_cost;  item_i = p_i · BEC;
    D = BEC + Σ item_i + Σ site_j;  TPC = D · (1 + f_c) (project contingency f_c);
    owners = f_o · TPC;  working capital = f_w · TPC (or the amount given);
    total capital = TPC + owners + working capital.

    References
    ----------
    .. [1] Honaker et al. 2019, doi:10.2172/1569277 (QGESS installation percentages).
    .. [2] PrOMMiS, ``ree_plant_capcost.py`` (additive composition of the items).
    .. [3] Humbird et al. 2011, NREL/TP-5100-47764 (working capital 5 % of FCI).
    """
    cost, cost_units = _money(equipment_cost, "equipment_cost")
    location = magnitude(location_factor, "", "location_factor")
    if np.any(np.asarray(location) <= 0):
        raise InputError(f"location_factor must be > 0, got {describe(location_factor)}")
    owners = magnitude(
        _rule("owners_cost_fraction") if owners_cost_fraction is None else owners_cost_fraction,
        "",
        "owners_cost_fraction",
    )
    working = magnitude(
        _rule("working_capital_fraction")
        if working_capital_fraction is None
        else working_capital_fraction,
        "",
        "working_capital_fraction",
    )
    fractions = _installation_fractions(installation)
    bare = location * cost
    items = {key: Q_(fraction * bare, cost_units) for key, fraction in fractions.items()}
    direct = bare + sum(fraction * bare for fraction in fractions.values())
    site = {}
    for key, (area, value) in (site_items or {}).items():
        if area not in ("site_services", "offsites", "contingency"):
            raise InputError(
                f"site item {key!r} has area {area!r}; valid: site_services, offsites, contingency"
            )
        amount = Q_(value).to(cost_units) if isinstance(value, str) else value.to(cost_units)
        site[key] = (area, amount)
        direct = direct + amount.magnitude
    contingency_fraction = magnitude(
        0.0 if project_contingency_fraction is None else project_contingency_fraction,
        "",
        "project_contingency_fraction",
    )
    factor = magnitude(estimate_factor, "", "estimate_factor")
    if np.any(np.asarray(factor) <= 0):
        raise InputError(f"estimate_factor must be > 0, got {describe(estimate_factor)}")
    if np.any(np.asarray(factor) != 1.0):
        bare = factor * bare
        items = {key: factor * value for key, value in items.items()}
        site = {key: (area, factor * value) for key, (area, value) in site.items()}
        direct = factor * direct
    project_contingency = contingency_fraction * direct
    tpc = direct + project_contingency
    owners_cost = owners * tpc
    if working_capital is None:
        working_value = working * tpc
    else:
        working_value = magnitude(working_capital, _unit_string(cost_units), "working_capital")
    return CapitalCost(
        bare_erected_cost=Q_(bare, cost_units),
        installation=items,
        total_plant_cost=Q_(tpc, cost_units),
        owners_cost=Q_(owners_cost, cost_units),
        working_capital=Q_(working_value, cost_units),
        total_capital=Q_(tpc + owners_cost + working_value, cost_units),
        site=site,
        project_contingency=(
            Q_(project_contingency, cost_units)
            if project_contingency_fraction is not None
            else None
        ),
    )
