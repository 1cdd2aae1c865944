"""tecmodel.refinery: bad input, sequence search against brute force, plant identities."""

import warnings

import numpy as np
import pytest

from tecmodel import refinery
from tecmodel.errors import TecModelError
from tecmodel.refinery.design import _Context
from tecmodel.refinery.sequences import all_trees, search, tree_cuts

warnings.simplefilter("ignore")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"products": ["Lu"], "feed": "bayan_obo"}, "Lu"),
        ({"products": ["Nd", ("Pr", "Nd")]}, "overlap"),
        ({"products": ["Nd"], "purity": 1.0}, "purity"),
        ({"products": [("La", "Nd")]}, "contiguous"),
        ({"products": ["Nd"], "feed": "no_such_ore"}, "no_such_ore"),
        ({"products": ["Nd"], "location": "mars"}, "mars"),
        ({"products": ["Nd"], "extractant": "kerosene"}, "kerosene"),
    ],
)
def test_bad_input_names_it(kwargs, message):
    kwargs = {"feed": "mountain_pass", **kwargs}
    with pytest.raises(TecModelError, match=message):
        refinery.design(**kwargs)


@pytest.mark.parametrize("n_products", [3, 5, 6])
def test_dynamic_programming_finds_the_brute_force_optimum(n_products):
    products = ["La", "Ce", "Pr", "Nd", "Sm", "Gd"][:n_products]
    context = _Context("monazite", products, 0.999, None, "china", "p507_hcl")
    table = context.table()
    labels = context.labels()
    costs = sorted(
        sum(c.annual_cost for c in tree_cuts(t, table, labels)) for t in all_trees(labels)
    )
    found = search(table, labels, keep=2)
    assert found[0].proxy_cost == pytest.approx(costs[0], rel=1e-12)
    assert found[1].proxy_cost == pytest.approx(costs[1], rel=1e-12)
    # the tree's cost is the sum of its cuts (identity)
    assert found[0].proxy_cost == pytest.approx(sum(c.annual_cost for c in found[0].cuts))


@pytest.mark.parametrize(
    ("feed", "products"),
    [
        ("monazite", ["La", "Ce", "Pr", "Nd", "Sm", "Gd"]),
        ("ion_adsorption_clay", ["Tb", "Dy", "Y", "Er", "Yb"]),
    ],
)
@pytest.mark.parametrize("linked", [False, True])
def test_screened_search_finds_the_exact_optimum(feed, products, linked):
    """The closed-form screen keeps the tree the full exact table ranks first (and its
    exact proxy cost: the screened tree's cuts are the exact table's), linked or not."""
    context = _Context(feed, products, 0.999, None, "china", "p507_hcl", linked)
    full = search(context.table(), context.labels(), keep=1, linked=linked)[0]
    screened = context.search(keep=1)[0]
    assert screened.tree == full.tree
    assert screened.proxy_cost == pytest.approx(full.proxy_cost, rel=1e-9)


def test_plant_meets_purities_and_counts_mixer_settlers():
    plant = refinery.design("bayan_obo", ["La", "Ce", "Pr", "Nd"], purity=0.995)
    result = plant.evaluate()
    for name in ("La2O3", "CeO2", "Pr6O11", "Nd2O3"):
        assert result.purity(name) >= 0.995 - 1e-9
    sx = [
        r.details["total_stages"]
        for r in result.flowsheet.stage_results.values()
        if "total_stages" in r.details
    ]
    assert len(sx) == 4  # La|Ce, Ce|Pr, Pr|Nd, Nd|Sm (rest: Sm-Y concentrate)
    assert int(result.mixer_settlers) == int(np.sum(sx))
    assert abs(float(result.mass_balance_error())) < 1e-6


def test_sequences_rank_by_exact_levelized_cost():
    found = refinery.sequences("bayan_obo", ["La", "Ce", ("Pr", "Nd")], keep=3, exact=2)
    costed = [float(c.levelized_cost.magnitude) for c in found[:2]]
    assert costed == sorted(costed)
    assert all(c.cuts for c in found)


def test_price_rule_one_nine_above_the_quote():
    base = refinery.oxide_price("Dy", 0.995).magnitude  # quoted at 99.5 %
    # one more nine (99.95 %) costs 1.2 times (the labelled rule)
    assert refinery.oxide_price("Dy", 0.9995).magnitude == pytest.approx(1.2 * base)
