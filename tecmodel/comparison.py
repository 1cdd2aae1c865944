"""Why two plants' costs differ: an exact, order-independent attribution of the gap.

``compare(a, b).attribution()`` splits ``metric(b) − metric(a)`` into contributions of
input groups — labor, reagent prices, disposal rules, capital factors, finance, scale,
the flowsheet itself, … — by swapping groups of plant parameters from ``a`` to ``b``.
A contribution depends on which other groups were swapped before it, so tecmodel uses
the Shapley value: each group's change averaged over every order of swapping,

    φ_i = Σ_{S ⊆ G∖{i}} |S|! (k − |S| − 1)! / k! · [v(S ∪ {i}) − v(S)],

where v(S) is the metric of plant ``a`` with the groups in S taken from ``b`` and k the
number of groups that differ (Shapley 1953). The contributions sum to v(G) − v(∅) =
metric(b) − metric(a) (up to floating-point rounding), do not depend on the order the
groups are listed in, and a group that interacts with no other gets exactly its own
one-at-a-time effect.

It takes 2^k plant evaluations; the flowsheet physics (the expensive part) is computed
once per combination of the groups that change it, so a comparison of two shipped plants
with six differing groups takes a few seconds.

>>> from tecmodel import compare, scenarios                      # doctest: +SKIP
>>> gap = compare(scenarios.load("cascade_refinery"),
...               scenarios.load("high_waste_route")).attribution()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping

import numpy as np

from .errors import InputError
from .paths import get_path, replace_path

__all__ = ["GROUPS", "Comparison", "compare"]

#: Input group of each plant-level parameter path (a path's first match wins). Paths not
#: listed fall into "other costing" / "other finance" / "other inputs".
GROUPS: dict[str, str] = {
    "feed.rate": "scale",
    "feed.composition": "feed",
    "feed.price": "feed",
    "costing.labor_rate": "labor",
    "costing.operating_hours": "operating hours",
    "costing.prices": "reagent prices",
    "costing.disposal_costs": "disposal rules",
    "costing.waste_regime": "disposal rules",
    "costing.radioactive_route": "disposal rules",
    "costing.location_factor": "capital factors",
    "costing.installation": "capital factors",
    "costing.owners_cost_fraction": "capital factors",
    "costing.working_capital_fraction": "capital factors",
    "costing.royalty_rate": "royalty",
    "finance": "finance",
}

_STRUCTURE = ("stages", "connections", "products", "recycles", "feed.to")


def _same(x, y) -> bool:
    """Whether two parameter values are equal (Quantities compared in one unit)."""
    if x is y:
        return True
    if isinstance(x, Mapping) or isinstance(y, Mapping):
        if not (isinstance(x, Mapping) and isinstance(y, Mapping)) or set(x) != set(y):
            return False
        return all(_same(x[k], y[k]) for k in x)
    if dataclasses.is_dataclass(x) or dataclasses.is_dataclass(y):
        if type(x) is not type(y):
            return False
        return all(
            _same(getattr(x, f.name), getattr(y, f.name)) for f in dataclasses.fields(x) if f.init
        )
    if hasattr(x, "units") or hasattr(y, "units"):
        if not (hasattr(x, "units") and hasattr(y, "units")):
            return False
        if x.dimensionality != y.dimensionality:
            return False
        a, b = np.asarray(x.magnitude), np.asarray(y.to(x.units).magnitude)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-12, atol=0))
    if isinstance(x, str) or isinstance(y, str) or x is None or y is None:
        return x == y
    if isinstance(x, tuple | list) and isinstance(y, tuple | list):
        return len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y, strict=True))
    try:
        return bool(np.array_equal(np.asarray(x), np.asarray(y)))
    except Exception:
        return x == y


def _same_structure(a, b) -> bool:
    if set(a.stages) != set(b.stages):
        return False
    if any(type(a.stages[n]) is not type(b.stages[n]) for n in a.stages):
        return False
    return all(_same(get_path(a, p), get_path(b, p)) for p in _STRUCTURE if p != "stages") and (
        set(a.products) == set(b.products)
    )


def _guess_group(field: str) -> str | None:
    """A group for a costing field this module does not list, by the words in its name."""
    for words, group in (
        (("labor", "crew", "wage", "burden", "staff"), "labor"),
        (("disposal", "waste"), "disposal rules"),
        (("contingency", "installation", "lang", "location", "owner"), "capital factors"),
        (("price",), "reagent prices"),
    ):
        if any(w in field for w in words):
            return group
    return None


def _stage_group(field: str) -> str:
    if field.startswith("separation_factor"):
        return "separation factors"
    if field.startswith("purity"):
        return "purity targets"
    return "stage design"


def _fields(node) -> list[str]:
    return [f.name for f in dataclasses.fields(node) if f.init]


def differing_groups(a, b) -> dict[str, list[str]]:
    """Input group → the dotted paths in it whose values differ between plants ``a`` and
    ``b`` (groups with no difference are left out)."""
    groups: dict[str, list[str]] = {}

    def add(group: str, path: str) -> None:
        if not _same(get_path(a, path), get_path(b, path)):
            groups.setdefault(group, []).append(path)

    if _same_structure(a, b):
        for name, stage in a.stages.items():
            for field in _fields(stage):
                add(_stage_group(field), f"stages.{name}.{field}")
        for name, product in a.products.items():
            for field in _fields(product):
                group = (
                    "product prices" if field in ("price", "off_grade_discount") else "products"
                )
                add(group, f"products.{name}.{field}")
    else:
        differs = [p for p in _STRUCTURE if not _same(get_path(a, p), get_path(b, p))]
        if differs:
            groups["flowsheet"] = differs
    for section in ("feed", "costing", "finance"):
        for field in _fields(getattr(a, section)):
            path = f"{section}.{field}"
            if path in _STRUCTURE:
                continue
            group = GROUPS.get(path) or GROUPS.get(section) or _guess_group(field)
            if group is None:
                group = {"costing": "other costing", "feed": "feed"}.get(section, "other inputs")
            add(group, path)
    return groups


class _WithFlows:
    """A plant whose :meth:`simulate` returns flows already computed (same physics)."""

    def __init__(self, plant, flows):
        self._plant, self._flows = plant, flows

    def simulate(self):
        return self._flows

    def __getattr__(self, name):
        return getattr(self._plant, name)


class Comparison:
    """Plants ``a`` and ``b`` side by side, and why their ``metric`` differs.

    Parameters
    ----------
    a, b : Plant or PlantResult
        The two plants (a result stands for its plant).
    metric : str
        A :attr:`PlantResult.METRICS` name, or ``"product_cost"`` with ``product``.
    product : str, optional
        For ``metric="product_cost"``: the product whose cost after by-product credits
        is compared (both plants must make it).
    labels : (str, str), optional
        Names shown for ``a`` and ``b`` (default: the plants' names).
    groups : mapping of str to sequence of str, optional
        Your own grouping: group name → dotted paths. Every path that differs between
        the plants must be in one group (else an :class:`InputError` lists the rest).
    """

    def __init__(
        self, a, b, metric="levelized_cost", product=None, labels=None, groups=None
    ) -> None:
        self.a = getattr(a, "plant", a)
        self.b = getattr(b, "plant", b)
        if metric == "product_cost" and product is None:
            raise InputError("metric 'product_cost' needs product=<name>")
        self.metric, self.product = metric, product
        self.labels = tuple(labels) if labels else (self.a.name, self.b.name)
        found = differing_groups(self.a, self.b)
        if groups is None:
            self.groups = found
        else:
            self.groups = {str(k): list(v) for k, v in groups.items()}
            covered = {p for paths in self.groups.values() for p in paths}
            missing = [
                p
                for paths in found.values()
                for p in paths
                if not any(p == c or p.startswith(c + ".") for c in covered)
            ]
            if missing:
                raise InputError(
                    f"groups must cover every parameter that differs; not covered: "
                    f"{', '.join(missing)}"
                )
        # groups whose paths are all money (costing, finance, products) leave the physics
        # unchanged: the flowsheet is simulated once per combination of the others
        self._money_only = {
            g
            for g, paths in self.groups.items()
            if all(p.startswith(("costing.", "finance.", "products.")) for p in paths)
        }
        self._values: dict[frozenset, object] = {}
        self._flows: dict[frozenset, object] = {}

    # ------------------------------------------------------------------ evaluation
    def _plant(self, coalition: frozenset):
        plant = self.a
        for group in self.groups:
            if group in coalition:
                for path in self.groups[group]:
                    plant = replace_path(plant, path, get_path(self.b, path))
        return plant

    def _measure(self, result):
        if self.metric == "product_cost":
            return result.product_cost(self.product)
        return result.metric(self.metric)

    def value(self, coalition=()):
        """The metric of ``a`` with the groups in ``coalition`` taken from ``b``."""
        from .results import evaluate_plant

        coalition = frozenset(coalition)
        if coalition not in self._values:
            plant = self._plant(coalition)
            physics = frozenset(g for g in coalition if g not in self._money_only)
            if physics not in self._flows:
                self._flows[physics] = plant.simulate()
            self._values[coalition] = self._measure(
                evaluate_plant(_WithFlows(plant, self._flows[physics]))
            )
        return self._values[coalition]

    def attribution(self) -> dict:
        """Input group → its Shapley contribution to ``metric(b) − metric(a)``.

        The values sum to the difference (to rounding) and do not depend on the order of
        the groups; largest magnitude first.
        """
        names = list(self.groups)
        k = len(names)
        if k == 0:
            return {}
        weights = [
            math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)
        ]
        values = {}
        for i, name in enumerate(names):
            others = names[:i] + names[i + 1 :]
            total = 0.0
            for size in range(k):
                for subset in itertools.combinations(others, size):
                    with_i = self.value(frozenset(subset) | {name})
                    without = self.value(frozenset(subset))
                    total = total + weights[size] * (with_i - without)
            values[name] = total
        order = sorted(names, key=lambda n: -float(np.max(np.abs(_mag(values[n])))))
        return {n: values[n] for n in order}

    @property
    def difference(self):
        """``metric(b) − metric(a)``."""
        return self.value(self.groups) - self.value(())

    def waterfall(self, ax=None):
        """Waterfall figure: ``a``'s metric, each group's contribution, ``b``'s metric."""
        from .plotting import plot_waterfall

        return plot_waterfall(
            self.attribution(),
            self.value(()),
            self.value(self.groups),
            ax=ax,
            start_label=self.labels[0],
            end_label=self.labels[1],
            metric=self.metric,
        )

    def table(self):
        """The attribution as a :class:`tecmodel.reporting.tables.Table`."""
        from .reporting.tables import Table

        parts = self.attribution()
        unit = _unit(self.value(()))
        rows = [[f"{self.labels[0]} ({self.metric})", _mag(self.value(()), unit), ""]]
        rows += [[g, _mag(v, unit), "; ".join(self.groups[g])] for g, v in parts.items()]
        rows.append([f"{self.labels[1]} ({self.metric})", _mag(self.value(self.groups), unit), ""])
        label = f"value [{unit}]" if unit else "value"
        return Table(
            f"Why {self.metric} differs: {self.labels[0]} → {self.labels[1]}",
            ("input group", label, "parameters swapped"),
            rows,
        )

    def to_frame(self):
        """:meth:`table` as a pandas DataFrame (``pandas`` extra)."""
        return self.table().to_frame()

    def __repr__(self) -> str:
        return (
            f"<Comparison {self.labels[0]} → {self.labels[1]} of {self.metric}: "
            f"{len(self.groups)} differing input groups ({', '.join(self.groups)})>"
        )

    def _repr_html_(self) -> str:
        return self.table().html()


def _mag(value, unit=None):
    if hasattr(value, "units"):
        value = value.to(unit).magnitude if unit else value.magnitude
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def _unit(value) -> str:
    if hasattr(value, "units"):
        if value.check("[currency]/[mass]"):
            return "USD/kg"
        if value.check("[currency]"):
            return "MUSD"
        return f"{value.units:~P}"
    return ""


def compare(a, b, metric: str = "levelized_cost", **options) -> Comparison:
    """Compare plants ``a`` and ``b``: ``.attribution()`` (input group → contribution to
    ``metric(b) − metric(a)``, Shapley values, exact and order-independent) and
    ``.waterfall(ax=None)``. See :class:`Comparison` for ``options``."""
    return Comparison(a, b, metric=metric, **options)
