"""compare(a, b).attribution(): Shapley values over input groups — they sum to the gap,
do not depend on the order of the groups, are antisymmetric in (a, b), and reduce to the
one-at-a-time effect where groups do not interact."""

import matplotlib
import numpy as np
import pytest

import tecmodel
from tecmodel import Q_, scenarios
from tecmodel.errors import InputError

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def plants():
    a = scenarios.load("bio_recycling")
    b = (
        a.replace("costing.labor_rate", Q_(60, "USD/h"))
        .replace("costing.prices.glucose", a.get("costing.prices.glucose") * 0.5)
        .replace("costing.location_factor", 1.3)
        .replace("feed.rate", a.get("feed.rate") * 2)
        .replace("finance.discount_rate", 0.12)
    )
    return a, b


def lc(plant):
    return plant.evaluate().levelized_cost.to("USD/kg").magnitude


def test_groups_found_and_public_name(plants):
    a, b = plants
    comparison = tecmodel.compare(a, b)
    assert set(comparison.groups) == {
        "labor",
        "reagent prices",
        "capital factors",
        "scale",
        "finance",
    }
    assert comparison.groups["scale"] == ["feed.rate"]


def test_attribution_sums_to_the_gap_and_ignores_order(plants):
    a, b = plants
    comparison = tecmodel.compare(a, b)
    parts = comparison.attribution()
    gap = lc(b) - lc(a)  # two independent evaluations of the plants themselves
    total = sum(v.to("USD/kg").magnitude for v in parts.values())
    assert total == pytest.approx(gap, rel=1e-12, abs=1e-12)
    # the same groups listed in reverse order give the same contributions
    reverse = dict(reversed(list(comparison.groups.items())))
    again = tecmodel.compare(a, b, groups=reverse).attribution()
    for name, value in parts.items():
        assert again[name].magnitude == pytest.approx(value.magnitude, rel=1e-12, abs=1e-14)
    # swapping the roles of a and b flips every sign (Shapley antisymmetry)
    back = tecmodel.compare(b, a).attribution()
    for name, value in parts.items():
        assert back[name].magnitude == pytest.approx(-value.magnitude, rel=1e-9, abs=1e-12)


def test_groups_that_do_not_interact_get_their_own_effect():
    # Labor and a reagent price enter the operating cost additively and the levelized
    # cost is affine in the operating cost (offset loss rule), so each group's Shapley
    # value is exactly its one-at-a-time effect.
    a = scenarios.load("bio_recycling").replace("finance.loss_rule", "offset")
    labor = a.replace("costing.labor_rate", Q_(60, "USD/h"))
    glucose = a.replace("costing.prices.glucose", a.get("costing.prices.glucose") * 0.5)
    b = labor.replace("costing.prices.glucose", a.get("costing.prices.glucose") * 0.5)
    parts = tecmodel.compare(a, b).attribution()
    assert parts["labor"].magnitude == pytest.approx(lc(labor) - lc(a), rel=1e-9)
    assert parts["reagent prices"].magnitude == pytest.approx(lc(glucose) - lc(a), rel=1e-9)


def test_identical_plants_and_bad_groups(plants):
    a, b = plants
    assert tecmodel.compare(a, a).attribution() == {}
    with pytest.raises(InputError, match=r"feed\.rate"):
        tecmodel.compare(a, b, groups={"money": ["costing", "finance"]})
    with pytest.raises(InputError, match="product"):
        tecmodel.compare(a, b, metric="product_cost")


def test_product_cost_metric_and_waterfall(plants, tmp_path):
    a, b = plants
    comparison = tecmodel.compare(a, b, metric="product_cost", product="magnet_REO")
    parts = comparison.attribution()
    gap = (
        b.evaluate().product_cost("magnet_REO") - a.evaluate().product_cost("magnet_REO")
    ).magnitude
    assert sum(v.magnitude for v in parts.values()) == pytest.approx(gap, rel=1e-12)
    ax = comparison.waterfall()
    floating = ax.patches[1:-1]
    end = floating[-1].get_y() + floating[-1].get_height()
    assert end == pytest.approx(float(np.asarray(b.evaluate().product_cost("magnet_REO").m)))
    frame = comparison.to_frame()
    assert list(frame.iloc[1:-1, 0]) == list(parts)
    assert "<table" in comparison._repr_html_()
