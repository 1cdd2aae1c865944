"""Every table of a :class:`~tecmodel.results.PlantResult` as a :class:`Table`.

Names: ``headline``, ``breakdown`` (levelized cost by category), ``stages``, ``capital``,
``operating``, ``equipment``, ``products``, ``waste``, and — when the result offers them —
tables of capital by plant area, crews, and any other table-like attribute listed in
:data:`OPTIONAL_TABLES`. Column names carry units; values are full-precision floats (a
Monte-Carlo result's arrays stay arrays).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InputError
from ..units import Q_
from .tables import Table

__all__ = ["OPTIONAL_TABLES", "TABLE_NAMES", "result_table", "result_tables"]

TABLE_NAMES = (
    "headline",
    "breakdown",
    "stages",
    "capital",
    "operating",
    "equipment",
    "products",
    "waste",
)

#: Tables shown when a result has the attribute (name → (attribute names tried, title)).
OPTIONAL_TABLES = {
    "capital_by_area": (("capex_by_area", "capital_by_area"), "Capital by plant area"),
    "crews": (("crews", "head_count_by_role", "crew_table", "staffing"), "Crews: people by role"),
    "labor_by_role": (("labor_by_role",), "Labor cost by role"),
    "radioactive_products": (
        ("radioactive_products",),
        "Products at or above the source-material limit",
    ),
    "uncosted_outlets": (("uncosted_outlets",), "Outlets neither product, connected nor costed"),
}


def _plain(value, unit=None):
    if hasattr(value, "units"):
        if unit and value.units != value._REGISTRY.Unit(unit):
            value = value.to(unit)  # (no conversion when already in unit: exact values)
        value = value.magnitude
    array = np.asarray(value)
    if array.dtype.kind in "fiub":
        array = array.astype(float)
        return float(array) if array.ndim == 0 else array
    return value


def _unit_for(values) -> str | None:
    for v in values:
        if hasattr(v, "units"):
            if v.check("[currency]"):
                return "USD"
            if v.check("[currency]/[time]"):
                return "USD/yr"
            if v.check("[currency]/[mass]"):
                return "USD/kg"
            if v.check("[mass]/[time]"):
                return "t/yr"
            return f"{v.units:~P}"
    return None


def generic_table(title: str, value) -> Table | None:
    """A table from a mapping (name → number/Quantity, or name → mapping) or a list of
    row mappings; None if ``value`` is none of these."""
    if callable(value):
        value = value()
    if isinstance(value, Mapping) and value:
        items = list(value.items())
        if all(isinstance(v, Mapping) for _, v in items):
            return generic_table(title, [{"name": k, **dict(v)} for k, v in items])
        if all(not isinstance(v, list | tuple | dict) for _, v in items):
            unit = _unit_for([v for _, v in items])
            column = f"value [{unit}]" if unit else "value"
            return Table(title, ("item", column), [[str(k), _plain(v, unit)] for k, v in items])
    if isinstance(value, list | tuple) and value and all(isinstance(r, Mapping) for r in value):
        keys = list(dict.fromkeys(k for r in value for k in r))
        units = {k: _unit_for([r.get(k) for r in value]) for k in keys}
        columns = [f"{k} [{units[k]}]" if units[k] else k for k in keys]
        rows = [[_plain(r.get(k, ""), units[k]) for k in keys] for r in value]
        return Table(title, columns, rows)
    if isinstance(value, list | tuple) and value and all(isinstance(r, str) for r in value):
        return Table(title, ("item",), [[r] for r in value])
    return None


def _amounts(title, items, unit) -> Table:
    return Table(
        title, ("item", f"value [{unit}]"), [[k, _plain(v, unit)] for k, v in items.items()]
    )


def result_table(result, name: str) -> Table:
    """Table ``name`` of ``result`` (see the module docstring)."""
    if name == "headline":
        rows = [
            ["REO product", _plain(result.production, "t/yr"), "t/yr"],
            ["capital (capex)", _plain(result.capex, "MUSD"), "MUSD"],
            ["operating cost (opex)", _plain(result.opex, "MUSD/yr"), "MUSD/yr"],
            ["levelized cost", _plain(result.levelized_cost, "USD/kg"), "USD/kg REO"],
            ["revenue at list prices", _plain(result.revenue, "MUSD/yr"), "MUSD/yr"],
            ["NPV at list prices", _plain(result.npv(), "MUSD"), "MUSD"],
            ["IRR at list prices", _plain(np.asarray(result.irr())), "-"],
            ["payback at list prices", _plain(result.payback(), "yr"), "yr"],
            ["mass balance error", _plain(result.mass_balance_error()), "-"],
        ]
        for attribute, unit in (("head_count", "-"), ("estimate_class", "")):
            value = getattr(result, attribute, None)
            if value is not None:
                rows.append([attribute.replace("_", " "), _plain(value), unit])
        bounds = getattr(result, "capex_range", None)
        if isinstance(bounds, tuple) and len(bounds) == 2:
            rows.append(["capital, low end of the estimate", _plain(bounds[0], "MUSD"), "MUSD"])
            rows.append(["capital, high end of the estimate", _plain(bounds[1], "MUSD"), "MUSD"])
        return Table(f"{result.plant.name}: headline numbers", ("quantity", "value", "unit"), rows)
    if name == "breakdown":
        return _amounts("Levelized cost by category", result.breakdown("category"), "USD/kg")
    if name == "stages":
        return _amounts("Levelized cost by stage", result.breakdown("stage"), "USD/kg")
    if name == "capital":
        return _amounts("Capital", result.capital_breakdown(), "USD")
    if name == "operating":
        return _amounts("Operating cost", result.operating_breakdown(), "USD/yr")
    if name == "equipment":
        rows = []
        for r in result.equipment_table():
            rows.append(
                [
                    r["stage"],
                    r["equipment"],
                    r["kind"],
                    _plain(r["size"]),
                    f"{r['size'].units:~P}",
                    _plain(r["parallel_units"]),
                    _plain(r["purchase_cost"], "USD"),
                    bool(np.all(r["in_valid_range"])),
                ]
            )
        return Table(
            "Equipment",
            (
                "stage",
                "equipment",
                "kind",
                "size per unit",
                "size unit",
                "parallel units",
                "purchase cost [USD]",
                "inside the correlation's range",
            ),
            rows,
        )
    if name == "products":
        shared = result._product_costs_or_mass()
        rows = []
        for product in result.products:
            try:
                credit_cost = _plain(result.product_cost(product), "USD/kg")
            except InputError:
                credit_cost = float("nan")
            rows.append(
                [
                    product,
                    _plain(Q_(result.annual_production_kg[product], "kg/yr"), "t/yr"),
                    _plain(result.purity(product)),
                    _plain(result.unit_prices[product]),
                    _plain(shared[product], "USD/kg"),
                    credit_cost,
                ]
            )
        return Table(
            "Products",
            (
                "product",
                "REO [t/yr]",
                "purity [-]",
                "price [USD/kg]",
                "levelized cost, value-allocated [USD/kg]",
                "cost after by-product credits [USD/kg]",
            ),
            rows,
        )
    if name == "waste":
        rows = [
            [
                r["stage"],
                r["waste"],
                r["waste_class"],
                _plain(r["mass"], "t/yr"),
                _plain(r["thorium_oxide_fraction"]),
            ]
            for r in result.waste_table()
        ]
        return Table(
            "Wastes",
            ("stage", "waste", "waste class", "mass [t/yr]", "ThO2 mass fraction [-]"),
            rows,
        )
    legacy = getattr(result, "_table_rows", None)  # tables PlantResult defines as CSV rows
    if legacy is not None:
        try:
            rows = legacy(name)
        except InputError:
            rows = None
        if rows:
            title = OPTIONAL_TABLES.get(name, (None, name))[1]
            return Table(title, tuple(rows[0]), [list(r) for r in rows[1:]])
    if name in OPTIONAL_TABLES:
        attributes, title = OPTIONAL_TABLES[name]
        for attribute in attributes:
            value = getattr(result, attribute, None)
            if value is not None:
                table = generic_table(title, value)
                if table is not None:
                    return table
        raise InputError(f"this result has no {name} table")
    raise InputError(
        f"table must be one of {', '.join(TABLE_NAMES + tuple(OPTIONAL_TABLES))}; got {name!r}"
    )


def result_tables(result) -> dict[str, Table]:
    """Every table the result offers, by name (optional ones only when present)."""
    tables = {name: result_table(result, name) for name in TABLE_NAMES}
    for name in OPTIONAL_TABLES:
        try:
            tables[name] = result_table(result, name)
        except InputError:
            pass
        except Exception:  # an attribute another branch added, in a shape not foreseen
            continue
    return tables
