"""U.S. support for rare-earth refining as numbers a plant can use (``data/policy.toml``).

The levers themselves live where they act: debt, grants, credits, sustaining capital and
closure in :class:`tecmodel.plant.FinanceAssumptions` (the arithmetic in
:func:`tecmodel.finance.cash_flow_table`), price floors and caps on
:class:`tecmodel.plant.Product`. This module reads the shipped policy facts: the
Department of Defense NdPr price floor of 2025, the §45X production-credit rate and
its phase-out by calendar year, and the §48C investment-credit rate.

Examples
--------
>>> production_credit_schedule(2030, 5).tolist()
[1.0, 0.75, 0.5, 0.25, 0.0]
"""

from __future__ import annotations

import numpy as np

from .data import load_table
from .errors import InputError
from .units import Q_

__all__ = [
    "PolicyWarning",
    "investment_credit_rate_48c",
    "ndpr_price_floor",
    "production_credit_rate",
    "production_credit_schedule",
]


class PolicyWarning(UserWarning):
    """The levers set together are not allowed together by the law they stand for."""


#: 26 U.S.C. 45X(c)(1)(B), read at law.cornell.edu (2026): the term "eligible component"
#: excludes property produced at a facility whose basis was taken into account for the
#: §48C credit after 16 August 2022 (Pub. L. 117-169).
_STACKING_45X_48C = (
    "finance.investment_credit_rate and finance.production_credit_rate are both set: under "
    "26 U.S.C. 45X(c)(1)(B) a mineral produced at a facility whose basis took the §48C "
    "investment credit earns no §45X credit; both are applied as asked (fine for an "
    "investment credit other than §48C, or a what-if)"
)


def warn_if_credits_stacked(investment_credit_rate, production_credit_rate) -> None:
    """Warn (:class:`PolicyWarning`) when an investment credit and the production credit
    are both non-zero in any sample (26 U.S.C. 45X(c)(1)(B))."""
    both = (np.asarray(investment_credit_rate) != 0) & (np.asarray(production_credit_rate) != 0)
    if np.any(both):
        import warnings

        warnings.warn(_STACKING_45X_48C, PolicyWarning, stacklevel=3)


def _entry(key):
    return load_table("policy")[key]


def ndpr_price_floor():
    """The DoD price floor for NdPr oxide and its term (MP Materials 10-Q Q3 2025).

    Returns
    -------
    tuple of (pint.Quantity, int)
        Floor price [USD/kg] and the years it runs [yr].
    """
    return Q_(_entry("ndpr_price_floor").value, "USD/kg"), int(
        _entry("ndpr_price_floor_years").value
    )


def production_credit_rate() -> float:
    """The §45X credit for critical minerals: 10 % of production costs [-].

    Which costs is ``finance.production_credit_base``: the operating cost (default) or
    that plus the year's tax depreciation, the §263A reading of 26 CFR 1.45X-4(c)
    (relayed, see the entry's source in ``data/policy.toml``).
    """
    return float(_entry("production_credit_rate").value)


def investment_credit_rate_48c() -> float:
    """The §48C qualifying advanced energy project credit, 30 % of the investment [-]."""
    return float(_entry("investment_credit_rate_48c").value)


def production_credit_schedule(first_production_year, plant_life) -> np.ndarray:
    """Share of the §45X critical-mineral credit earned in each operating year [-].

    Parameters
    ----------
    first_production_year : int
        Calendar year of the first operating year.
    plant_life : int
        Operating years [yr], >= 1.

    Returns
    -------
    ndarray, shape (plant_life,)
        1 up to calendar 2030, then the phase-out of 26 U.S.C. 45X(b)(3)(D) as amended
        by Pub. L. 119-21 sec. 70514 (2025): 0.75 in 2031, 0.5 in 2032, 0.25 in 2033
        and 0 from 2034 (``data/policy.toml``; relayed from law-firm summaries).
    """
    if isinstance(first_production_year, bool) or not float(first_production_year).is_integer():
        raise InputError(
            f"first_production_year must be a calendar year (a whole number), got "
            f"{first_production_year!r}"
        )
    if isinstance(plant_life, bool) or int(plant_life) != plant_life or plant_life < 1:
        raise InputError(f"plant_life must be a whole number of years >= 1, got {plant_life!r}")
    table = load_table("policy")
    phase = {
        e.key: float(e.value)
        for e in table.entries
        if e.extra.get("table") == "production_credit_phase_out"
    }
    first_cut, last = min(phase), max(phase)
    years = int(first_production_year) + np.arange(int(plant_life))
    share = np.ones(years.size)
    for i, year in enumerate(years):
        if year >= first_cut:
            share[i] = phase[min(int(year), last)]
    return share
