"""Cost curves: levelized cost against capacity, purity or any parameter, and the
supply (merit-order) curve.

Every curve is ONE plant evaluation with an array parameter (DESIGN.md, principle 2),
so a 50-point curve costs about as much as one point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .paths import get_path
from .units import Q_, magnitude

__all__ = [
    "Curve",
    "SupplyCurve",
    "cost_vs_capacity",
    "cost_vs_parameter",
    "cost_vs_purity",
    "supply_curve",
]


@dataclass(frozen=True)
class Curve:
    """y against x, with units and labels; ``result`` is the batched PlantResult."""

    x: object
    y: object
    x_label: str
    y_label: str
    title: str
    result: object = None
    basis: str = ""

    def table(self):
        """``x`` and ``y`` as a :class:`tecmodel.reporting.tables.Table` (units in the
        column names)."""
        from .reporting.tables import Table

        xs = np.atleast_1d(getattr(self.x, "magnitude", self.x))
        ys = np.atleast_1d(getattr(self.y, "magnitude", self.y))
        x_unit = f" [{self.x.units:~P}]" if hasattr(self.x, "units") else ""
        y_unit = f" [{self.y.units:~P}]" if hasattr(self.y, "units") else ""
        return Table(
            self.title,
            (f"{self.x_label}{x_unit}", f"{self.y_label}{y_unit}"),
            [[float(a), float(b)] for a, b in zip(xs, ys, strict=True)],
        )

    def to_frame(self):
        """``x`` and ``y`` as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.table().to_frame()

    def to_csv(self, path) -> None:
        """Write ``x, y`` as CSV (units in the header, full precision), atomically."""
        self.table().to_csv(path)

    def __repr__(self) -> str:
        return f"Curve({self.title!r}, {np.size(getattr(self.x, 'magnitude', self.x))} points)"

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def check_table_size(plant, count: int, what: str) -> None:
    """Refuse, before any work, ``count`` evaluations whose cash-flow table (count ×
    years) would exceed :data:`tecmodel.validation.MAX_ELEMENTS`: the limit the finance
    code applies, checked before the costing allocates arrays of that many values."""
    from .validation import check_size

    finance = plant.finance.resolved()
    years = int(finance["construction_years"]) + int(np.max(finance["plant_life"]))
    check_size(count * years, f"{what} × {years} years of cash flow")


def cost_vs_parameter(plant, path: str, values, metric: str = "levelized_cost") -> Curve:
    """``metric`` against the parameter at dotted ``path`` set to each of ``values``.

    ``values`` is an array (or Quantity array); the plant is evaluated once.
    """
    from .reporting.labels import metric_label, parameter_label

    get_path(plant, path)  # a clear error for a wrong path before any work
    count = np.size(getattr(values, "magnitude", values))
    check_table_size(plant, count, f"cost_vs_parameter with {count} values")
    result = plant.replace(path, values).evaluate()
    title = (
        f"{plant.name}: {metric_label(metric).lower()} against "
        f"{parameter_label(path, with_unit=False).lower()}"
    )
    basis = "REO" if metric == "levelized_cost" else ""
    return Curve(values, result.metric(metric), path, metric, title, result, basis)


def cost_vs_capacity(
    plant, capacities, metric: str | None = None, product: str | None = None
) -> Curve:
    """Levelized cost (or ``metric``) against nameplate capacity.

    The feed rate is scaled in proportion (stage physics is linear in flow, so product
    capacity scales with it); equipment sizes, and with them capital, follow the
    correlations' exponents.

    Parameters
    ----------
    capacities : pint.Quantity
        Target product rates [mass/time], e.g. ``Q_([1e3, 5e3, 2e4], "t/yr")``: of total
        REO product, or of ``product`` when given.
    metric : str, optional
        Default ``"levelized_cost"`` (per kg of total REO); with ``product``, default
        ``"product_cost"``: the cost per kg of that product with the others sold at their
        prices as credits (:meth:`PlantResult.product_cost`). Any
        :attr:`PlantResult.METRICS` name otherwise.
    product : str, optional
        Size the plant by this product's output (e.g. ``"NdPr_oxide"``).
    """
    if metric is None:
        metric = "product_cost" if product else "levelized_cost"
    targets = magnitude(capacities, "kg/yr", "capacities")
    if np.any(np.asarray(targets) <= 0):
        raise InputError(f"capacities must be > 0, got {capacities}")
    base_result = plant.evaluate()
    if product is not None and product not in base_result.products:
        raise InputError(
            f"product must be one of {', '.join(base_result.products)}, got {product!r}"
        )
    if metric == "product_cost" and product is None:
        raise InputError("metric 'product_cost' needs product=<name>")
    base = (
        base_result.production.to("kg/yr").magnitude
        if product is None
        else base_result.annual_production_kg[product]
    )
    if np.ndim(base) or not base > 0:
        raise InputError(
            f"cost_vs_capacity needs a plant with a scalar, positive production of "
            f"{product or 'REO'}"
        )
    rate = plant.feed.rate
    scaled = rate * (np.asarray(targets) / base)
    result = plant.replace("feed.rate", scaled).evaluate()
    value = result.product_cost(product) if metric == "product_cost" else result.metric(metric)
    what = "REO product" if product is None else product.replace("_", " ")
    from .reporting.labels import metric_label

    basis = {"levelized_cost": "REO", "product_cost": what}.get(metric, "")
    return Curve(
        capacities,
        value,
        f"{what} capacity",
        metric,
        f"{plant.name}: {metric_label(metric).lower()} against {what} capacity",
        result,
        basis,
    )


def cost_vs_purity(
    plant, stage: str, purities, which: str = "both", metric: str = "levelized_cost"
) -> Curve:
    """Levelized cost against the purity target of a solvent-extraction stage.

    Parameters
    ----------
    stage : str
        Name of a stage with ``purity_extract``/``purity_raffinate`` parameters.
    purities : array_like
        Target purities [-], each in (0, 1).
    which : {"both", "extract", "raffinate"}
        Which target(s) to set.
    """
    values = np.asarray(magnitude(purities, "", "purities"))
    if np.any((values <= 0) | (values >= 1)):
        raise InputError(f"purities must be in (0, 1), got {values}")
    fields = {
        "both": ("purity_extract", "purity_raffinate"),
        "extract": ("purity_extract",),
        "raffinate": ("purity_raffinate",),
    }
    if which not in fields:
        raise InputError(f"which must be 'both', 'extract' or 'raffinate', got {which!r}")
    changed = plant
    for name in fields[which]:
        changed = changed.replace(f"stages.{stage}.{name}", values)
    result = changed.evaluate()
    return Curve(
        values,
        result.metric(metric),
        f"{stage} purity target",
        metric,
        f"{plant.name}: {metric} vs purity",
        result,
    )


@dataclass(frozen=True)
class SupplyCurve:
    """Producers sorted by unit cost against cumulative capacity (merit order)."""

    names: tuple[str, ...]
    capacity: object  # per producer, sorted [t/yr]
    unit_cost: object  # per producer, sorted [USD/kg]
    sources: tuple[str, ...]

    @property
    def cumulative_capacity(self):
        return Q_(np.cumsum(self.capacity.to("t/yr").magnitude), "t/yr")

    def clearing_cost(self, demand):
        """Unit cost of the marginal producer that meets ``demand`` [USD/kg]; NaN if the
        curve's total capacity falls short."""
        need = magnitude(demand, "t/yr", "demand")
        cumulative = self.cumulative_capacity.magnitude
        index = np.searchsorted(cumulative, need - 1e-9)
        costs = self.unit_cost.to("USD/kg").magnitude
        return Q_(
            np.where(index < len(costs), costs[np.minimum(index, len(costs) - 1)], np.nan),
            "USD/kg",
        )

    def to_table(self):
        """Producers in merit order as a :class:`tecmodel.reporting.tables.Table`."""
        from .reporting.tables import Table

        cumulative = self.cumulative_capacity.magnitude
        return Table(
            "Supply curve",
            (
                "producer",
                "capacity [t/yr]",
                "cumulative capacity [t/yr]",
                "unit cost [USD/kg]",
                "source",
            ),
            [
                [name, float(c), float(cum), float(u), src]
                for name, c, cum, u, src in zip(
                    self.names,
                    self.capacity.to("t/yr").magnitude,
                    cumulative,
                    self.unit_cost.to("USD/kg").magnitude,
                    self.sources,
                    strict=True,
                )
            ],
        )

    def to_frame(self):
        """Producers in merit order as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.to_table().to_frame()

    def __repr__(self) -> str:
        return f"SupplyCurve({len(self.names)} producers, {self.capacity.sum():,.0f~P})"

    def _repr_html_(self) -> str:
        return self.to_table()._repr_html_()

    def table(self) -> str:
        rows = [f"{'producer':<28}{'capacity t/yr':>16}{'cumulative':>14}{'USD/kg':>10}"]
        cumulative = self.cumulative_capacity.magnitude
        for i, name in enumerate(self.names):
            rows.append(
                f"{name:<28}{self.capacity[i].to('t/yr').magnitude:>16,.0f}"
                f"{cumulative[i]:>14,.0f}{self.unit_cost[i].to('USD/kg').magnitude:>10.2f}"
            )
        from .reporting.tables import TableText

        return TableText("\n".join(rows), self.to_table())  # str, with .to_frame()


def supply_curve(producers: Mapping[str, object] | Iterable) -> SupplyCurve:
    """Build a merit-order curve.

    Parameters
    ----------
    producers : mapping of name to PlantResult or to ``(capacity, unit_cost[, source])``
        A :class:`PlantResult` contributes its REO production and levelized cost; a tuple
        gives a tabulated producer (cite its source in the third item).
    """
    items = producers.items() if isinstance(producers, Mapping) else producers
    names, capacity, cost, sources = [], [], [], []
    for name, entry in items:
        if hasattr(entry, "levelized_cost"):
            cap = entry.production.to("t/yr").magnitude
            unit_cost = entry.levelized_cost.to("USD/kg").magnitude
            source = f"tecmodel plant model {entry.plant.name}"
        else:
            cap = magnitude(entry[0], "t/yr", f"capacity of {name}")
            unit_cost = magnitude(entry[1], "USD/kg", f"unit cost of {name}")
            source = entry[2] if len(entry) > 2 else "not given"
        if np.ndim(cap) or np.ndim(unit_cost):
            raise InputError(f"producer {name!r} must have a scalar capacity and unit cost")
        names.append(str(name))
        capacity.append(float(cap))
        cost.append(float(unit_cost))
        sources.append(source)
    if not names:
        raise InputError("supply_curve needs at least one producer")
    order = np.argsort(cost, kind="stable")
    return SupplyCurve(
        tuple(names[i] for i in order),
        Q_(np.asarray(capacity)[order], "t/yr"),
        Q_(np.asarray(cost)[order], "USD/kg"),
        tuple(sources[i] for i in order),
    )
