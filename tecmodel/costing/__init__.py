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
