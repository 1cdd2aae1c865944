"""Figures from results. The only module that imports matplotlib (imported lazily).

Every function takes result objects and an optional ``ax``, arranges the data and
returns the Axes (STYLE.md, example 5). Nothing is computed here that the result objects
do not already hold. Every figure is ready to hand over:

* money in MUSD (sums) or USD/kg (unit costs), with the dollar year on the axis
  ("Levelized cost [USD₂₀₂₃/kg REO]");
* one fixed colour per cost category in every figure
  (:data:`tecmodel.reporting.labels.CATEGORY_COLORS`);
* parameters named in words with their unit ("Radioactive waste disposal rate
  [USD₂₀₂₃/m³]"), not as dotted paths;
* tornado bars annotated with the input values at their ends; Monte Carlo with the zero
  line and the probability of a value below zero; curves with markers; no text that
  overlaps other text.
"""

from __future__ import annotations

import io

import numpy as np

from .reporting.labels import (
    category_color,
    category_label,
    metric_label,
    money_unit,
    parameter_label,
    unit_text,
)

__all__ = [
    "plot_breakdown",
    "plot_cash_flow",
    "plot_curve",
    "plot_distribution",
    "plot_sobol",
    "plot_supply_curve",
    "plot_tornado",
    "plot_waterfall",
    "save",
    "to_svg",
]

_DECREASE, _INCREASE, _TOTAL = "#009E73", "#D55E00", "#0072B2"


def _axes(ax, figsize=(7.5, 4.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _mag(value):
    return np.asarray(getattr(value, "magnitude", value), dtype=float)


def _in(value, unit):
    """``value`` in ``unit`` as floats (a plain number passes through)."""
    if hasattr(value, "to") and unit:
        return _mag(value.to(unit))
    return _mag(value)


def _display_unit(value, preferred=None):
    """The unit a figure shows ``value`` in: ``preferred``, else MUSD for money in the
    millions, else the value's own unit (None for plain numbers)."""
    if preferred:
        return preferred
    if not hasattr(value, "units"):
        return None
    if value.check("[currency]"):
        return money_unit("USD", _mag(value.to("USD")))
    if value.check("[currency]/[time]"):
        return money_unit("USD/yr", _mag(value.to("USD/yr")))
    if value.check("[currency]/[mass]"):
        return "USD/kg"
    return f"{value.units}"


def _number(x: float) -> str:
    if not np.isfinite(x):
        return "–"
    if abs(x) >= 1e3:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _value_text(value) -> str:
    """A short "137 USD₂₀₂₃/m³" for an input value (Quantity or number)."""
    if hasattr(value, "units"):
        unit = _display_unit(value)
        m = float(np.mean(_in(value, unit)))
        text = unit_text(unit)
        return _number(m) if text == "-" else f"{_number(m)} {text}"
    return _number(float(np.mean(_mag(value))))


def plot_breakdown(results, by: str = "category", ax=None, unit: str = "USD/kg"):
    """Stacked bars of the levelized cost by category (or stage), one bar per route.

    Each category keeps its colour in every figure (:func:`category_color`); the total
    is written above each bar.

    Parameters
    ----------
    results : mapping of label to PlantResult, or one PlantResult
    by : {"category", "stage"}
    unit : str
        Unit of the bars [currency/mass].
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
    x = np.arange(len(labels))
    for key in keys:
        heights = np.array(
            [
                float(_in(parts[label][key], unit).mean()) if key in parts[label] else 0.0
                for label in labels
            ]
        )
        ax.bar(
            x,
            heights,
            bottom=bottom,
            label=category_label(key),
            color=category_color(key),
            edgecolor="white",
            linewidth=0.5,
            width=0.6,
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
    ax.set_xticks(x, labels)
    ax.set_ylim(0, max(float(bottom.max(initial=0.0)), 1e-12) * 1.1)
    ax.set_ylabel(metric_label("levelized_cost", unit, "REO"))
    ax.set_title(f"Where the levelized cost comes from, by {by}")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1],
        names[::-1],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    return ax


def plot_tornado(tornado, ax=None, unit: str | None = None):
    """Horizontal bars: the metric with each parameter at its low and high end.

    Each parameter has two half-height bars (low end below, high end above), each
    annotated with the input value that produced it; the largest swing is on top.
    """
    ax = _axes(ax, (8.0, 0.6 + 0.55 * len(tornado.parameters) + 1.2))
    unit = _display_unit(tornado.base, unit)
    base = float(np.mean(_in(tornado.base, unit)))
    low, high = _in(tornado.low, unit), _in(tornado.high, unit)
    order = tornado.order()[::-1]
    y = np.arange(len(order))
    span = float(np.nanmax(np.abs(np.concatenate([low, high]) - base), initial=0.0)) or 1.0
    for row, i in zip(y, order, strict=True):
        for value, given, offset, color, name in (
            (low[i], tornado.low_inputs[i], -0.2, "#56B4E9", "parameter at its low end"),
            (high[i], tornado.high_inputs[i], 0.2, "#E69F00", "parameter at its high end"),
        ):
            ax.barh(
                row + offset,
                value - base,
                left=base,
                height=0.38,
                color=color,
                label=name if row == y[0] else None,
            )
            right = value >= base
            ax.annotate(
                _value_text(given),
                (value, row + offset),
                xytext=(3 if right else -3, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=7,
            )
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_xlim(base - 1.6 * span, base + 1.6 * span)
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.set_yticks(
        y,
        [parameter_label(tornado.parameters[i], _unit_of(tornado.low_inputs[i])) for i in order],
        fontsize=8,
    )
    basis = "REO" if tornado.metric == "levelized_cost" else ""
    ax.set_xlabel(metric_label(tornado.metric, unit, basis))
    ax.set_title(
        f"Which inputs move the {metric_label(tornado.metric).lower()} "
        f"(base {_number(base)} {unit_text(unit) if unit else ''})".replace(" )", ")")
    )
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def _unit_of(value):
    if hasattr(value, "units"):
        return _display_unit(value)
    return "-"


def plot_curve(
    curve, ax=None, label: str | None = None, x_unit: str | None = None, y_unit: str | None = None
):
    """A cost curve (:class:`tecmodel.curves.Curve`), points marked."""
    ax = _axes(ax)
    x_unit = _display_unit(curve.x, x_unit)
    y_unit = _display_unit(curve.y, y_unit)
    ax.plot(_in(curve.x, x_unit), _in(curve.y, y_unit), marker="o", markersize=5, label=label)
    if "." in curve.x_label:
        ax.set_xlabel(parameter_label(curve.x_label, x_unit or "-"))
    else:
        text = unit_text(x_unit) if x_unit else "-"
        ax.set_xlabel(f"{curve.x_label[0].upper()}{curve.x_label[1:]} [{text}]")
    basis = getattr(curve, "basis", "REO" if curve.y_label == "levelized_cost" else "")
    ax.set_ylabel(metric_label(curve.y_label, y_unit or "-", basis))
    ax.set_title(curve.title)
    ax.grid(alpha=0.3)
    if label:
        ax.legend(fontsize=8, frameon=False)
    return ax


def plot_distribution(monte_carlo, ax=None, bins: int = 60, unit: str | None = None):
    """Histogram of a Monte-Carlo result: the 5th, 50th and 95th percentiles, the zero
    line when the values straddle zero, and the probability of a value below zero for a
    metric that may be negative (NPV)."""
    ax = _axes(ax)
    unit = _display_unit(monte_carlo.values, unit)
    values = _in(monte_carlo.values, unit)
    ax.hist(values, bins=bins, color="#56B4E9", edgecolor="white", linewidth=0.3)
    text = unit_text(unit) if unit else ""
    for q, value, style in zip(
        (5, 50, 95), np.percentile(values, (5, 50, 95)), ("--", "-", "--"), strict=True
    ):
        ax.axvline(
            value,
            color="black",
            linestyle=style,
            linewidth=0.9,
            label=f"P{q}: {_number(value)} {text}".rstrip(),
        )
    lowest, highest = float(values.min()), float(values.max())
    if monte_carlo.metric == "npv" or lowest < 0 < highest:
        ax.axvline(0.0, color=_INCREASE, linewidth=1.4, label="zero")
        share = float(np.mean(values < 0))
        name = "NPV" if monte_carlo.metric == "npv" else metric_label(monte_carlo.metric)
        ax.text(
            0.02,
            0.97,
            f"P({name} < 0) = {100 * share:.1f} %",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "0.7", "boxstyle": "round"},
        )
    basis = "REO" if monte_carlo.metric == "levelized_cost" else ""
    ax.set_xlabel(metric_label(monte_carlo.metric, unit or "-", basis))
    ax.set_ylabel("samples")
    ax.set_title(f"Monte Carlo, {values.size:,} samples")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_sobol(sobol, ax=None):
    """First-order and total Sobol indices per parameter (largest total on top)."""
    ax = _axes(ax, (8.0, 0.6 + 0.5 * len(sobol.parameters) + 1.2))
    order = np.argsort(sobol.total_order, kind="stable")
    y = np.arange(len(order))
    ax.barh(
        y + 0.2, sobol.first_order[order], height=0.38, color="#0072B2", label="first order S1"
    )
    ax.barh(y - 0.2, sobol.total_order[order], height=0.38, color="#E69F00", label="total ST")
    ax.set_yticks(y, [parameter_label(sobol.parameters[i], with_unit=False) for i in order])
    ax.set_xlabel("Sobol index [-]")
    ax.set_xlim(0, max(1.0, float(np.nanmax(sobol.total_order, initial=0.0)) * 1.05))
    ax.set_title(f"Share of the variance of the {metric_label(sobol.metric).lower()}")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def plot_supply_curve(supply, ax=None, demand=None, unit: str = "USD/kg"):
    """Merit-order curve: unit cost against cumulative capacity [kt/yr].

    Each producer is a bar as wide as its capacity, in its own colour; the legend names
    it with its capacity and cost, so narrow producers stay readable.
    """
    ax = _axes(ax, (8.5, 4.5))
    capacity = _mag(supply.capacity.to("t/yr")) / 1000.0  # kt/yr ("kt" is a knot in pint)
    cost = _mag(supply.unit_cost.to(unit))
    left = np.concatenate([[0.0], np.cumsum(capacity)[:-1]])
    for i, (x, w, c, name) in enumerate(zip(left, capacity, cost, supply.names, strict=True)):
        ax.bar(
            x,
            c,
            width=w,
            align="edge",
            color=category_color(name),
            edgecolor="black",
            linewidth=0.5,
            label=f"{i + 1}. {name}: {w:,.1f} kt/yr at {c:.2f}",
        )
        ax.annotate(
            str(i + 1),
            (x + w / 2, c),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    if demand is not None:
        ax.axvline(_mag(demand.to("t/yr")) / 1000.0, color="red", linestyle="--", label="demand")
    total = float(capacity.sum())
    ax.set_xlim(0, total * 1.02)
    ax.set_ylim(0, float(cost.max(initial=0.0)) * 1.12 or 1.0)
    ax.set_xlabel("Cumulative capacity [kt/yr REO]")
    ax.set_ylabel(f"Unit cost [{unit_text(unit)} REO]")
    ax.set_title("Supply (merit-order) curve")
    ax.legend(
        fontsize=7,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title=f"producer: capacity at {unit_text(unit)}",
        title_fontsize=7,
    )
    return ax


def plot_cash_flow(table, ax=None, unit_scale: float = 1e6, unit_label: str = "MUSD"):
    """After-tax and cumulative cash flow by year of a :class:`CashFlowTable`."""
    ax = _axes(ax)
    flows = _mag(table.after_tax_cash_flow) / unit_scale
    if flows.ndim > 1:
        flows = flows.mean(axis=tuple(range(flows.ndim - 1)))
    ax.bar(
        table.year,
        flows,
        color=np.where(flows < 0, _INCREASE, _DECREASE),
        label="after-tax cash flow",
    )
    ax.plot(
        table.year, np.cumsum(flows), color="black", marker="o", markersize=3, label="cumulative"
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("Year from start of construction")
    ax.set_ylabel(f"After-tax cash flow [{unit_text(unit_label)}/yr]")
    ax.set_title("Cash flow")
    ax.legend(fontsize=8, frameon=False)
    return ax


def plot_waterfall(
    contributions,
    start,
    end,
    ax=None,
    start_label: str = "a",
    end_label: str = "b",
    metric: str = "levelized_cost",
    unit: str | None = None,
):
    """Waterfall from ``start`` to ``end`` through ``contributions`` (name → Quantity).

    The first and last bars are the two totals; each contribution floats from the
    running sum, orange when it raises the metric and green when it lowers it, with its
    signed value written on it. See :meth:`tecmodel.comparison.Comparison.waterfall`.
    """
    names = list(contributions)
    ax = _axes(ax, (max(7.5, 1.0 + 0.9 * (len(names) + 2)), 4.8))
    unit = _display_unit(start, unit)
    values = [float(np.mean(_in(contributions[n], unit))) for n in names]
    first, last = float(np.mean(_in(start, unit))), float(np.mean(_in(end, unit)))
    x = np.arange(len(names) + 2)
    ax.bar(x[0], first, color=_TOTAL, width=0.6)
    running = first
    for i, value in enumerate(values, start=1):
        ax.bar(
            x[i],
            value,
            bottom=running,
            color=_INCREASE if value > 0 else _DECREASE,
            width=0.6,
        )
        ax.plot([x[i] - 0.7, x[i] + 0.3], [running, running], color="0.5", linewidth=0.6)
        top = max(running, running + value)
        ax.annotate(
            f"{value:+.2f}",
            (x[i], top),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
        running += value
    ax.bar(x[-1], last, color=_TOTAL, width=0.6)
    for position, total in ((x[0], first), (x[-1], last)):
        ax.annotate(
            f"{total:.2f}",
            (position, total),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ticks = [start_label, *(category_label(n) for n in names), end_label]
    ax.set_xticks(x, ticks, rotation=30, ha="right", fontsize=8)
    heights = [first, last, *np.cumsum([first, *values])]
    ax.set_ylim(min(0.0, min(heights)) * 1.1, max(heights) * 1.15)
    basis = "REO" if metric == "levelized_cost" else ""
    ax.set_ylabel(metric_label(metric, unit or "-", basis))
    ax.set_title(f"Why the {metric_label(metric).lower()} differs: {start_label} → {end_label}")
    ax.axhline(0, color="black", linewidth=0.6)
    return ax


def save(ax_or_figure, path) -> None:
    """Save a figure atomically (temporary file in the same folder, then rename).

    The format follows the suffix (``.png``, ``.svg``, ``.pdf``, … see
    :data:`FIGURE_TYPES`); SVG keeps text as text. ``path == "-"`` writes PNG to
    standard output. Another suffix, or none, raises :class:`~tecmodel.errors.OutputError`
    before anything is written.
    """
    import matplotlib

    from .atomic import atomic_path

    kind = figure_type(path)
    figure = getattr(ax_or_figure, "figure", ax_or_figure)
    with matplotlib.rc_context({"svg.fonttype": "none"}), atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=150, bbox_inches="tight", format=kind)


#: File types a figure can be saved as, by suffix.
FIGURE_TYPES = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")


def figure_type(path) -> str:
    """The figure format of an output path: its suffix, or PNG for ``"-"`` (stdout).

    Raises
    ------
    OutputError
        When the suffix is missing or not one of :data:`FIGURE_TYPES`.
    """
    import os

    from .errors import OutputError

    if isinstance(path, str) and path == "-":
        return "png"
    try:
        extension = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    except TypeError as exc:
        raise OutputError(f"figure path must be a file name, got {path!r}") from exc
    if extension not in FIGURE_TYPES:
        raise OutputError(
            f"cannot write the figure {os.fspath(path)!r}: the file type is set by the "
            f"extension; use one of {', '.join('.' + e for e in FIGURE_TYPES)}"
        )
    return extension


def to_svg(ax_or_figure, close: bool = True) -> str:
    """The figure as an SVG document (text kept as text), for HTML reports and tests."""
    import matplotlib
    import matplotlib.pyplot as plt

    figure = getattr(ax_or_figure, "figure", ax_or_figure)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "tecmodel"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    if close:
        plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
