"""Batch = one-by-one and chunked/executor = one-shot, bit for bit (issue 16, item 5).

Economic inputs perturbed on the shipped plants, and the physics-perturbed cascade
(stage counts decided per sample, not per batch; a slow test).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tecmodel import Q_, Study, Uniform, scenarios


def _perturbed(plant, rates, labor):
    return plant.replace("finance.discount_rate", rates).replace(
        "costing.labor_rate", Q_(labor, "USD/h")
    )


@pytest.mark.parametrize(("name", "n"), [("bio_recycling", 12), ("high_waste_route", 3)])
def test_batch_equals_one_by_one_bit_for_bit(name, n):
    warnings.simplefilter("ignore")
    plant = scenarios.load(name)
    rng = np.random.default_rng(7)
    rates, labor = rng.uniform(0.04, 0.14, n), rng.uniform(20.0, 60.0, n)
    batch = _perturbed(plant, rates, labor).evaluate().levelized_cost.to("USD/kg").magnitude
    single = [
        _perturbed(plant, rates[i], labor[i]).evaluate().levelized_cost.to("USD/kg").magnitude
        for i in range(n)
    ]
    np.testing.assert_array_equal(batch, np.array(single))


def test_chunked_and_executor_runs_equal_one_shot():
    warnings.simplefilter("ignore")
    study = Study(
        scenarios.load("bio_recycling"),
        {
            "finance.discount_rate": Uniform(0.05, 0.12),
            "costing.labor_rate": Uniform(Q_(20, "USD/h"), Q_(60, "USD/h")),
        },
    )
    one = study.monte_carlo(64, seed=5).values.magnitude
    chunked = study.monte_carlo(64, seed=5, chunk_size=7).values.magnitude
    with ThreadPoolExecutor(2) as pool:
        threaded = study.monte_carlo(64, seed=5, chunk_size=16, executor=pool).values.magnitude
    np.testing.assert_array_equal(one, chunked)
    np.testing.assert_array_equal(one, threaded)


@pytest.mark.slow
def test_physics_perturbed_cascade_batch_equals_one_by_one():
    warnings.simplefilter("ignore")
    plant = scenarios.load("cascade_refinery")
    rate = plant.feed.rate
    values = rate * np.random.default_rng(1).uniform(0.8, 1.2, 6)
    batch = plant.replace("feed.rate", values).evaluate().levelized_cost.magnitude
    single = [plant.replace("feed.rate", v).evaluate().levelized_cost.magnitude for v in values]
    np.testing.assert_array_equal(batch, np.array(single))
