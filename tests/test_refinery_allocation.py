"""Cost per kg of each refinery product by the stages its rare earths pass through."""

import warnings

import numpy as np
import pytest

from tecmodel import refinery
from tecmodel.errors import TecModelError

warnings.simplefilter("ignore")


@pytest.fixture(scope="module")
def result():
    plant = refinery.design("bayan_obo", ["La", "Ce"], purity=0.99, capacity=1000.0)
    return plant.evaluate()


def test_product_costs_recover_the_whole_levelized_cost(result):
    """Identity: Σ cost_p · output_p = levelized cost · total output."""
    costs = refinery.product_costs(result)
    assert set(costs) == set(result.products)
    produced = {n: float(result.annual_production_kg[n]) for n in costs}
    recovered = sum(float(costs[n].magnitude) * produced[n] for n in costs)
    total = float(result.levelized_cost.magnitude) * sum(produced.values())
    assert recovered == pytest.approx(total, rel=1e-12)


def test_a_stage_is_shared_by_the_rare_earths_in_its_inlet(result):
    """By hand: the La|Ce cascade's USD/yr (its breakdown part × total output) times
    La's share of the TREO in its feed, over La2O3's output."""
    output = float(np.sum(result._production_kg()))
    usd = float(result.breakdown(by="stage")["sx_la_ce"].magnitude) * output
    feed = result.flowsheet.stage_results["sx_la_ce"].inlets["feed"]
    la = float(feed.kg_s("La"))
    treo = sum(float(feed.kg_s(s)) for s in ("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb",
                                             "Dy", "Y") if s in feed.components)  # fmt: skip
    expected = usd * la / treo / float(result.annual_production_kg["La2O3"])
    got = refinery.stage_shares(result)["La2O3"]["sx_la_ce"]
    assert got == pytest.approx(expected, rel=1e-12)
    # the stage's whole cost is shared out (identity over the products)
    shares = refinery.stage_shares(result)
    shared = sum(
        shares[n].get("sx_la_ce", 0.0) * float(result.annual_production_kg[n]) for n in shares
    )
    assert shared == pytest.approx(usd, rel=1e-12)


def test_a_batch_is_refused(result):
    plant = result.plant.replace("finance.discount_rate", np.array([0.08, 0.1]))
    with pytest.raises(TecModelError, match="scalar"):
        refinery.product_costs(plant.evaluate())
