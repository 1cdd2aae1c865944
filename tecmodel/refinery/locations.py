"""Shipped cost bases ("china", "us"): prices, labor, waste regime and tax.

Values and their sources are in ``tecmodel/data/locations.toml``. A location's prices
are its price set (``price_set``: one of :func:`tecmodel.costing.location_prices`, so
the Chinese plant designed here and the shipped ``cascade_refinery`` buy at the same
``prices_china.toml`` list, escalated by the same rule) with any ``prices.<name>`` row
on top; anything a location does not set takes the package default (``prices.toml``,
``operating_rules.toml``, ``finance_defaults.toml``: U.S. values).
"""

from __future__ import annotations

from ..costing.operating import location_prices
from ..data import load_table
from ..errors import InputError
from ..plant import CostingBasis, FinanceAssumptions
from ..units import Q_

__all__ = ["location_basis", "location_names"]


def location_names() -> list[str]:
    """Names of the shipped cost bases."""
    return sorted({e.key.split(".")[0] for e in load_table("locations").entries})


def _values(name: str) -> dict:
    out = {}
    for entry in load_table("locations").entries:
        where, _, field = entry.key.partition(".")
        if where == name:
            unit = entry.extra.get("unit", "")
            out[field] = Q_(entry.value, unit) if unit else entry.value
    return out


def location_basis(name: str) -> tuple[CostingBasis, FinanceAssumptions]:
    """The :class:`CostingBasis` and :class:`FinanceAssumptions` of location ``name``."""
    if not isinstance(name, str) or name not in location_names():
        raise InputError(f"location must be one of {', '.join(location_names())}, got {name!r}")
    values = _values(name)
    # the price set first (one list per location, shared with the shipped plants), then
    # any single price the location overrides
    prices = location_prices(values["price_set"]) if "price_set" in values else {}
    prices.update({k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("prices.")})
    costing = CostingBasis(
        prices=prices,
        labor_rate=values.get("labor_rate"),
        location_factor=values.get("location_factor", 1.0),
        waste_regime=values.get("waste_regime"),
    )
    finance = {k: values[k] for k in ("tax_rate", "depreciation", "depreciation_life")
               if k in values}  # fmt: skip
    return costing, FinanceAssumptions(**finance)
