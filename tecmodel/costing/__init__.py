"""Costing: turns what a plant physically does into money.

:mod:`~tecmodel.costing.capital` — power-law equipment scaling (:func:`scale_cost`), the
embedded equipment library (:func:`purchase_cost`) and installation stacks
(:func:`capital_cost`). :mod:`~tecmodel.costing.operating` — prices, reagents and utilities,
labor, fixed O&M and waste disposal (:func:`operating_cost`).
"""

from __future__ import annotations

from .capital import (
    CapitalCost,
    CostCorrelation,
    ExtrapolationWarning,
    capital_cost,
    equipment_correlation,
    equipment_kinds,
    installation_factors,
    lang_factor,
    purchase_cost,
    scale_cost,
)
from .operating import (
    OperatingCost,
    default_prices,
    disposal_cost,
    disposal_costs,
    fixed_operating_costs,
    labor_cost,
    location_prices,
    operating_cost,
    price,
    reagent_cost,
)

__all__ = [
    "CapitalCost",
    "CostCorrelation",
    "ExtrapolationWarning",
    "OperatingCost",
    "capital_cost",
    "default_prices",
    "disposal_cost",
    "disposal_costs",
    "equipment_correlation",
    "equipment_kinds",
    "fixed_operating_costs",
    "installation_factors",
    "labor_cost",
    "lang_factor",
    "location_prices",
    "operating_cost",
    "price",
    "purchase_cost",
    "reagent_cost",
    "scale_cost",
]
