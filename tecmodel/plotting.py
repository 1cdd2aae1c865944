"""Figures from results. The only module that imports matplotlib (imported lazily).

Every function takes result objects and an optional ``ax``, arranges the data, labels
axes with units and returns the Axes (STYLE.md, example 5). Nothing is computed here
that the result objects do not already hold.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "plot_breakdown",
    "plot_cash_flow",
    "plot_curve",
    "plot_distribution",
    "plot_sobol",
    "plot_supply_curve",
    "plot_tornado",
    "save",
]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    return ax


def _mag(value):
    return np.asarray(getattr(value, "magnitude", value), dtype=float)


def plot_breakdown(results, by: str = "category", ax=None, unit: str = "USD/kg"):
    """Stacked bars of the levelized cost by category (or stage), one bar per route.

    Parameters
    ----------
    results : mapping of label to PlantResult, or one PlantResult
    by : {"category", "stage"}
    """
    ax = _axes(ax)
    if hasattr(results, "breakdown"):
        results = {results.plant.name: results}
    labels = list(results)
    parts = {label: r.breakdown(by) for label, r in results.items()}
    keys = list(dict.fromkeys(k for p in parts.values() for k in p))
    keys = [
        k for k in keys if any(abs(float(_mag(p.get(k, 0)).mean())) > 0 for p in parts.values())
    ]
    bottom = np.zeros(len(labels))
    colors = _palette(len(keys))
    for key, color in zip(keys, colors, strict=True):
        heights = np.array(
            [
                float(_mag(parts[label][key].to(unit)).mean()) if key in parts[label] else 0.0
                for label in labels
            ]
        )
        ax.bar(
            labels,
            heights,
            bottom=bottom,
            label=key.replace("_", " "),
            color=color,
            edgecolor="white",
            linewidth=0.5,
        )
        bottom += heights
    for i, total in enumerate(bottom):
        ax.annotate(
            f"{total:.2f}",
            (i, total),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_ylabel(f"levelized cost [{unit} REO]")
    ax.set_title(f"Where the cost comes from (by {by})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def plot_tornado(tornado, ax=None):
    """Horizontal bars: the metric with each parameter at its low and high end."""
    ax = _axes(ax)
    order = tornado.order()[::-1]
    base = float(_mag(tornado.base))
    low, high = _mag(tornado.low), _mag(tornado.high)
    names = [tornado.parameters[i] for i in order]
    y = np.arange(len(order))
    ax.barh(y, low[order] - base, left=base, color="#4C72B0", label="parameter at low end")
    ax.barh(y, high[order] - base, left=base, color="#DD8452", label="parameter at high end")
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(y, [n.replace("costing.", "").replace("stages.", "") for n in names], fontsize=8)
    unit = f" [{tornado.base.units:~P}]" if hasattr(tornado.base, "units") else ""
    ax.set_xlabel(f"{tornado.metric.replace('_', ' ')}{unit}")
    ax.set_title("Which inputs matter (tornado)")
    ax.legend(fontsize=8, frameon=False)
    return ax


def plot_curve(
    curve, ax=None, label: str | None = None, x_unit: str | None = None, y_unit: str | None = None
):
    """A cost curve (:class:`tecmodel.curves.Curve`)."""
    ax = _axes(ax)
    x = curve.x.to(x_unit) if (x_unit and hasattr(curve.x, "units")) else curve.x
    y = curve.y.to(y_unit) if (y_unit and hasattr(curve.y, "units")) else curve.y
    ax.plot(_mag(x), _mag(y), marker="o", markersize=3, label=label)
    ax.set_xlabel(curve.x_label + (f" [{x.units:~P}]" if hasattr(x, "units") else ""))
    ax.set_ylabel(
        curve.y_label.replace("_", " ") + (f" [{y.units:~P}]" if hasattr(y, "units") else "")
    )
    ax.set_title(curve.title)
    ax.grid(alpha=0.3)
    if label:
        ax.legend(fontsize=8, frameon=False)
    return ax


def plot_distribution(monte_carlo, ax=None, bins: int = 60):
    """Histogram of a Monte-Carlo result with its 5th, 50th and 95th percentiles."""
    ax = _axes(ax)
    values = _mag(monte_carlo.values)
    ax.hist(values, bins=bins, color="#4C72B0", alpha=0.8)
    for q, value in zip((5, 50, 95), _mag(monte_carlo.percentiles()), strict=True):
        ax.axvline(value, color="black", linestyle="--" if q != 50 else "-", linewidth=0.8)
        ax.annotate(
            f"p{q} {value:.3g}",
            (value, ax.get_ylim()[1]),
            rotation=90,
            va="top",
            ha="right",
            fontsize=8,
        )
    unit = f" [{monte_carlo.values.units:~P}]" if hasattr(monte_carlo.values, "units") else ""
    ax.set_xlabel(f"{monte_carlo.metric.replace('_', ' ')}{unit}")
    ax.set_ylabel("samples")
    ax.set_title(f"Monte Carlo, {values.size:,} samples")
    return ax


def plot_sobol(sobol, ax=None):
    """First-order and total Sobol indices per parameter."""
    ax = _axes(ax)
    order = np.argsort(-sobol.total_order, kind="stable")
    x = np.arange(len(order))
    ax.bar(x - 0.2, sobol.first_order[order], width=0.4, label="first order S1")
    ax.bar(x + 0.2, sobol.total_order[order], width=0.4, label="total ST")
    ax.set_xticks(
        x, [sobol.parameters[i].split(".")[-1] for i in order], rotation=30, ha="right", fontsize=8
    )
    ax.set_ylabel("Sobol index [-]")
    ax.set_title(f"Sobol indices of {sobol.metric.replace('_', ' ')}")
    ax.legend(fontsize=8, frameon=False)
    return ax


def plot_supply_curve(supply, ax=None, demand=None):
    """Merit-order curve: unit cost against cumulative capacity (step plot)."""
    ax = _axes(ax)
    capacity = _mag(supply.capacity.to("t/yr"))
    cost = _mag(supply.unit_cost.to("USD/kg"))
    left = np.concatenate([[0.0], np.cumsum(capacity)[:-1]])
    ax.bar(left, cost, width=capacity, align="edge", edgecolor="black", alpha=0.7)
    for x, w, c, name in zip(left, capacity, cost, supply.names, strict=True):
        ax.annotate(name, (x + w / 2, c), ha="center", va="bottom", fontsize=8, rotation=0)
    if demand is not None:
        ax.axvline(_mag(demand.to("t/yr")), color="red", linestyle="--", label="demand")
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel("cumulative capacity [t/yr REO]")
    ax.set_ylabel("levelized cost [USD/kg]")
    ax.set_title("Supply (merit-order) curve")
    return ax


def plot_cash_flow(table, ax=None, unit_scale: float = 1e6, unit_label: str = "MUSD"):
    """After-tax and cumulative cash flow by year of a :class:`CashFlowTable`."""
    ax = _axes(ax)
    flows = _mag(table.after_tax_cash_flow) / unit_scale
    if flows.ndim > 1:
        flows = flows.mean(axis=tuple(range(flows.ndim - 1)))
    ax.bar(table.year, flows, color=np.where(flows < 0, "#C44E52", "#55A868"))
    ax.plot(
        table.year, np.cumsum(flows), color="black", marker="o", markersize=3, label="cumulative"
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("year from start of construction")
    ax.set_ylabel(f"after-tax cash flow [{unit_label}/yr]")
    ax.legend(fontsize=8, frameon=False)
    return ax


def save(ax_or_figure, path) -> None:
    """Save a figure atomically (temporary file in the same folder, then rename)."""
    from .atomic import atomic_path

    figure = getattr(ax_or_figure, "figure", ax_or_figure)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=150, bbox_inches="tight")


def _palette(n: int):
    import matplotlib

    cmap = matplotlib.colormaps["tab20"]
    return [cmap(i % 20) for i in range(n)]
