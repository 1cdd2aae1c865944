"""Crews: the people a plant employs, by role, and what their pay costs.

Operators come from the positions a plant mans on every shift (the stages'
``operators_per_shift``) times the crews a continuous (24/7) rota needs, relief included.
The other roles come from ratios on costs the operating-cost model already carries
(supervision on operating labor, maintenance labor as a share of maintenance cost,
laboratory = QA/QC, administration and management = administration, engineering a share of
plant overhead), turned into people at a wage. The roster therefore adds no cost of its own:
each role's cost sits in one operating-cost category (``cost_category``), and the head count
follows from it. Ratios and their sources: ``tecmodel/data/crews.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import load_table
from ..errors import InputError, describe
from ..units import Q_, magnitude

__all__ = ["CrewRoster", "crew_roster", "operator_labor_cost"]

_ANNUAL = "USD/yr"


def _entry(key: str):
    entry = load_table("crews")[key]
    return Q_(float(entry.value), entry.extra.get("unit", ""))


def _ratio(key: str) -> float:
    return float(_entry(key).magnitude)


def _wage(labor_rate, labor_burden):
    from .operating import _rule

    rate = magnitude(
        _rule("labor_rate") if labor_rate is None else labor_rate, "USD/h", "labor_rate"
    )
    burden = magnitude(
        _rule("labor_burden") if labor_burden is None else labor_burden, "", "labor_burden"
    )
    return rate * (1.0 + burden)


def operator_labor_cost(
    operators_per_shift, crews_per_position=None, labor_rate=None, labor_burden=None
):
    """Annual cost of the operators who man ``operators_per_shift`` positions around the clock.

    Parameters
    ----------
    operators_per_shift : float or array_like
        Positions manned at any time [-].
    crews_per_position : float or array_like, optional
        People employed per position [-]; default 4.5 (``crews.toml``).
    labor_rate : pint.Quantity, optional
        Operator wage before burden [currency/h]; default ``operating_rules.toml``.
    labor_burden : float, optional
        [-]; default 0.25.

    Returns
    -------
    pint.Quantity
        [USD/yr]

    Notes
    -----
    cost = positions · crews · paid hours per person (2,080 h/yr) · rate · (1 + burden).
    """
    positions = magnitude(operators_per_shift, "", "operators_per_shift")
    if np.any(np.asarray(positions) < 0):
        raise InputError(f"operators_per_shift must be >= 0, got {describe(operators_per_shift)}")
    crews = magnitude(
        _entry("crews_per_position") if crews_per_position is None else crews_per_position,
        "",
        "crews_per_position",
    )
    if np.any(np.asarray(crews) < 1):
        raise InputError(f"crews_per_position must be >= 1, got {describe(crews_per_position)}")
    hours = _entry("paid_hours_per_person").to("h/yr").magnitude
    return Q_(positions * crews * hours * _wage(labor_rate, labor_burden), _ANNUAL)


#: role -> operating-cost category its pay is counted in
ROLE_CATEGORIES = {
    "operators": "labor",
    "supervision": "supervision",
    "maintenance": "maintenance",
    "laboratory": "qa_qc",
    "engineering": "overhead",
    "management_and_administration": "administration",
}


@dataclass(frozen=True)
class CrewRoster:
    """People by role and their pay [USD/yr]; arrays over samples allowed.

    Attributes
    ----------
    head_count : dict of str to numpy.ndarray
        Role → people employed [-].
    cost : dict of str to pint.Quantity
        Role → annual pay including burden [USD/yr], each inside the operating-cost
        category :data:`ROLE_CATEGORIES` names (not added on top).
    """

    head_count: dict
    cost: dict

    @property
    def total(self) -> np.ndarray:
        """People employed, all roles [-]."""
        return sum(self.head_count.values(), np.asarray(0.0))

    def __repr__(self) -> str:
        rows = [
            f"  {role:<30} {np.mean(n):8.1f} people  "
            f"{np.mean(self.cost[role].m) / 1e6:8.3f} MUSD/yr"
            for role, n in self.head_count.items()
        ]
        return "CrewRoster(\n" + "\n".join(rows) + f"\n  total {np.mean(self.total):.1f}\n)"


def crew_roster(
    operators_per_shift,
    operating,
    crews_per_position=None,
    labor_rate=None,
    labor_burden=None,
) -> CrewRoster:
    """Head count and pay by role from manned positions and an :class:`OperatingCost`.

    Parameters
    ----------
    operators_per_shift : float or array_like
        Positions manned at any time [-].
    operating : OperatingCost
        The plant's operating cost (its labor, supervision, maintenance, QA/QC,
        administration and overhead categories are the bases of the ratios).
    crews_per_position, labor_rate, labor_burden : optional
        See :func:`operator_labor_cost`.

    Returns
    -------
    CrewRoster

    Notes
    -----
    With w = rate·(1 + burden)·2,080 h the yearly cost of one operator and m = 1.5 the
    salaried multiple (``crews.toml``):

    - operators = positions · crews;
    - supervision = supervision cost / (m·w);
    - maintenance = maintenance · (0.375 / w + 0.075 / (m·w)) (AACE shares of maintenance
      cost: direct labor 35–40 %, supervision 7–8 %);
    - laboratory = QA/QC cost / (m·w); management and administration = administration /
      (m·w); engineering = 15 % of overhead / (m·w) (labelled split).
    """
    positions = np.asarray(magnitude(operators_per_shift, "", "operators_per_shift"))
    crews = magnitude(
        _entry("crews_per_position") if crews_per_position is None else crews_per_position,
        "",
        "crews_per_position",
    )
    hours = _entry("paid_hours_per_person").to("h/yr").magnitude
    operator_year = _wage(labor_rate, labor_burden) * hours  # USD/yr per operator
    salaried_year = operator_year * _ratio("salaried_wage_multiple")

    def annual(q):
        return np.asarray(q.to(_ANNUAL).magnitude, dtype=float)

    maintenance = annual(operating.maintenance)
    maintenance_labor = _ratio("maintenance_labor_share") * maintenance
    maintenance_supervision = _ratio("maintenance_supervision_share") * maintenance
    engineering = _ratio("engineering_share_of_overhead") * annual(operating.overhead)
    cost = {
        "operators": annual(operating.labor),
        "supervision": annual(operating.supervision),
        "maintenance": maintenance_labor + maintenance_supervision,
        "laboratory": annual(operating.qa_qc),
        "engineering": engineering,
        "management_and_administration": annual(operating.administration),
    }
    heads = {
        "operators": positions * crews,
        "supervision": cost["supervision"] / salaried_year,
        "maintenance": maintenance_labor / operator_year + maintenance_supervision / salaried_year,
        "laboratory": cost["laboratory"] / salaried_year,
        "engineering": engineering / salaried_year,
        "management_and_administration": cost["management_and_administration"] / salaried_year,
    }
    return CrewRoster(
        head_count={k: np.asarray(v, dtype=float) for k, v in heads.items()},
        cost={k: Q_(v, _ANNUAL) for k, v in cost.items()},
    )
