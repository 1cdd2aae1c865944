"""A PlantResult computes each number once (issue 13)."""

import numpy as np

from tecmodel import finance, scenarios


def test_evaluation_solves_the_levelized_cost_twice_and_reports_solve_none(monkeypatch):
    plant = scenarios.load("high_waste_route")
    calls = []
    original = finance.levelized_cost

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(finance, "levelized_cost", counting)
    result = plant.evaluate()
    # the record is built in one pass: the total and its capital part (zero operating
    # cost), each solved once
    assert len(calls) == 2
    result.summary()
    result.to_dict()
    result.breakdown("stage")
    result.product_levelized_costs()
    assert len(calls) == 2


def test_cached_numbers_equal_a_fresh_evaluation():
    plant = scenarios.load("high_waste_route")
    used = plant.evaluate()
    used.summary()
    fresh = plant.evaluate()
    assert used.levelized_cost == fresh.levelized_cost
    parts = used.breakdown("category")
    total = sum(v.magnitude for v in parts.values())
    assert np.isclose(total, used.levelized_cost.magnitude, rtol=1e-12)
    # a different operating cost is solved, not served from the cache
    other = used._levelized(np.asarray(2.0 * used.opex.magnitude))
    assert other > used.levelized_cost.magnitude
