"""Figures ready to hand over: labels in words with units and dollar year, fixed
category colours, annotated tornado bars, Monte Carlo with the zero line and P(NPV < 0),
markers on curves, readable supply curves, and no text that overlaps other text.

Each figure is rendered (Agg) and its text read back from the SVG it writes.
"""

import re
from html import unescape

import matplotlib
import numpy as np
import pytest

from tecmodel import Q_, plotting
from tecmodel.distributions import LogUniform, Uniform
from tecmodel.reporting.labels import CATEGORY_COLORS, parameter_label, unit_text
from tecmodel.sensitivity import Study

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

DISPOSAL = "costing.disposal_costs.radioactive"


@pytest.fixture(autouse=True)
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def svg_text(ax) -> str:
    """Every text string of the figure, from its SVG (text kept as text)."""
    svg = plotting.to_svg(ax, close=False)
    return " ".join(unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


def texts_overlap(ax) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts of the figure whose boxes overlap."""
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = []
    for axes in figure.axes:
        candidates = [axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts]
        candidates += axes.get_xticklabels() + axes.get_yticklabels()
        legend = axes.get_legend()
        if legend is not None:
            candidates += legend.get_texts()
        for t in candidates:
            if t.get_visible() and t.get_text().strip():
                texts.append((t.get_text(), t.get_window_extent(renderer)))
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = texts[i][1], texts[j][1]
            width = min(a.x1, b.x1) - max(a.x0, b.x0)
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width > 1 and height > 1:
                pairs.append((texts[i][0], texts[j][0]))
    return pairs


def test_labels_and_units():
    assert unit_text("USD/kg") == "USD₂₀₂₃/kg"
    assert unit_text("MUSD_2016") == "MUSD₂₀₁₆"
    assert unit_text("t/yr") == "t/yr"
    assert parameter_label(DISPOSAL, "USD/m**3") == "Radioactive waste disposal rate [USD₂₀₂₃/m³]"
    assert parameter_label("costing.prices.sodium_hydroxide", "USD/t") == (
        "Price of sodium hydroxide [USD₂₀₂₃/t]"
    )
    assert parameter_label("stages.sx_ce_pr.purity_extract", with_unit=False) == (
        "Extract purity target (sx_ce_pr)"
    )
    assert parameter_label("products.NdPr_oxide.price", "USD/kg").startswith("NdPr oxide price")


def test_breakdown_colours_fixed_and_axis_has_dollar_year(waste, bio):
    import matplotlib.colors as mcolors

    # bio_recycling has categories in another order and no waste bill
    for results in ({"route": waste}, {"bio": bio, "route": waste}):
        ax = plotting.plot_breakdown(results)
        colours = {}
        for container in ax.containers:
            colours[container.get_label()] = mcolors.to_hex(container.patches[0].get_facecolor())
        assert colours["waste"] == CATEGORY_COLORS["waste"].lower()
        assert colours["capital"] == CATEGORY_COLORS["capital"].lower()
        assert ax.get_ylabel() == "Levelized cost [USD₂₀₂₃/kg REO]"
        assert not texts_overlap(ax)
        text = svg_text(ax)
        assert "Levelized cost [USD₂₀₂₃/kg REO]" in text
        # the total on top of the route's bar, from the result itself
        assert f"{waste.levelized_cost.to('USD/kg').magnitude:.2f}" in text


def test_tornado_bars_carry_input_values(waste_plant):
    study = Study(
        waste_plant,
        {
            DISPOSAL: LogUniform(Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3")),
            "finance.discount_rate": Uniform(0.06, 0.14),
        },
    )
    ax = plotting.plot_tornado(study.tornado())
    text = svg_text(ax)
    assert "Radioactive waste disposal rate [USD₂₀₂₃/m³]" in text
    assert "Discount rate [-]" in text
    for value in ("137 USD₂₀₂₃/m³", "17,660 USD₂₀₂₃/m³", "0.06", "0.14"):
        assert value in text, value
    assert "costing." not in text  # no dotted paths
    assert ax.get_xlabel() == "Levelized cost [USD₂₀₂₃/kg REO]"
    assert not texts_overlap(ax)


def test_monte_carlo_npv_has_zero_line_and_loss_probability(waste_plant):
    study = Study(
        waste_plant,
        {DISPOSAL: LogUniform(Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3"))},
        metric="npv",
    )
    mc = study.monte_carlo(300, seed=3)
    values = mc.values.to("MUSD").magnitude
    share = np.mean(values < 0)
    assert 0 < share < 1  # the range straddles zero (README: NPV < 0 above ~4,300 USD/m³)
    ax = plotting.plot_distribution(mc)
    assert ax.get_xlabel() == "Net present value [MUSD₂₀₂₃]"
    text = svg_text(ax)
    assert f"P(NPV < 0) = {100 * share:.1f} %" in text
    assert any(np.allclose(line.get_xdata(), 0.0) for line in ax.get_lines()), "no zero line"
    p50 = np.percentile(values, 50)
    assert f"P50: {p50:.3g} MUSD₂₀₂₃" in text
    assert not texts_overlap(ax)


def test_curve_has_markers_and_human_labels(waste_plant):
    from tecmodel.curves import cost_vs_parameter

    curve = cost_vs_parameter(waste_plant, DISPOSAL, Q_([0, 3530, 10_000], "USD/m**3"))
    ax = plotting.plot_curve(curve)
    assert ax.get_lines()[0].get_marker() == "o"
    assert ax.get_xlabel() == "Radioactive waste disposal rate [USD₂₀₂₃/m³]"
    assert ax.get_ylabel() == "Levelized cost [USD₂₀₂₃/kg REO]"
    assert "costing." not in ax.get_title()
    assert not texts_overlap(ax)


def test_supply_curve_names_every_producer_readably(waste, bio):
    from tecmodel.curves import supply_curve

    supply = supply_curve(
        {
            "big": (Q_(60_000, "t/yr"), Q_(5, "USD/kg"), "illustrative"),
            "route": waste,
            "bio": bio,
            "small": (Q_(500, "t/yr"), Q_(9, "USD/kg"), "illustrative"),
        }
    )
    ax = plotting.plot_supply_curve(supply, demand=Q_(70_000, "t/yr"))
    text = svg_text(ax)
    for name in ("big", "route", "bio", "small"):
        assert name in text
    assert "Cumulative capacity [kt/yr REO]" in text
    assert "USD₂₀₂₃/kg" in text
    assert not texts_overlap(ax)


def test_sobol_and_cash_flow_labels(waste):
    from tecmodel.sensitivity import SobolResult

    sobol = SobolResult(
        (DISPOSAL, "costing.labor_rate"), np.array([0.9, 0.05]), np.array([0.95, 0.06]), "npv"
    )
    ax = plotting.plot_sobol(sobol)
    text = svg_text(ax)
    assert "Radioactive waste disposal rate" in text and "Operator wage" in text
    assert not texts_overlap(ax)
    ax = plotting.plot_cash_flow(waste.cash_flow())
    assert ax.get_ylabel() == "After-tax cash flow [MUSD₂₀₂₃/yr]"
    assert not texts_overlap(ax)


def test_waterfall_bars_sum_from_start_to_end():
    parts = {"labor": Q_(-0.5, "USD/kg"), "waste": Q_(2.0, "USD/kg")}
    ax = plotting.plot_waterfall(
        parts, Q_(5.0, "USD/kg"), Q_(6.5, "USD/kg"), start_label="A", end_label="B"
    )
    text = svg_text(ax)
    for value in ("5.00", "+2.00", "-0.50", "6.50"):
        assert value in text, value
    # the last contribution ends at the end total
    floating = ax.patches[1:-1]
    top = floating[-1].get_y() + floating[-1].get_height()
    assert top == pytest.approx(6.5)
    assert not texts_overlap(ax)
