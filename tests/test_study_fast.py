"""Studies: the economic fast path, chunking, executors and progress (issue 13)."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel import sensitivity as sens
from tecmodel.distributions import LogUniform, Uniform
from tecmodel.plant import Plant
from tecmodel.sensitivity import Study

PARAMETERS = {
    "costing.disposal_costs.radioactive": LogUniform(Q_(137, "USD/m**3"), Q_(17_660, "USD/m**3")),
    "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
    "costing.prices.sodium_hydroxide": Uniform(Q_(250, "USD/t"), Q_(700, "USD/t")),
    "costing.labor_rate": Uniform(Q_(25, "USD/h"), Q_(60, "USD/h")),
    "finance.discount_rate": Uniform(0.06, 0.14),
    "costing.location_factor": Uniform(0.8, 1.3),
}


@pytest.fixture(scope="module")
def study():
    return Study(scenarios.load("high_waste_route"), PARAMETERS)


@pytest.mark.parametrize("metric", ["levelized_cost", "capex", "opex"])
def test_fast_path_equals_full_evaluation(metric):
    study = Study(scenarios.load("high_waste_route"), PARAMETERS, metric=metric)
    fast = study._function()
    assert isinstance(fast, sens._EconomicMetric)
    samples = study.sample(400, seed=4)
    full = study._function(fast=False)(samples)
    assert np.all(np.abs(fast(samples) - full) <= 1e-12 * np.abs(full))


def test_economic_study_runs_physics_once(monkeypatch):
    calls = []
    original = Plant.simulate

    def counting(self, previous=None):
        calls.append(1)
        return original(self, previous)

    plant = scenarios.load("high_waste_route")
    monkeypatch.setattr(Plant, "simulate", counting)
    study = Study(plant, PARAMETERS)
    study.monte_carlo(3000, seed=1, chunk_size=500)
    assert study.base_value.magnitude > 0
    # the study's one physics run (at construction); the fast path and six chunks reuse it
    assert len(calls) == 1


def test_fast_path_falls_back_when_money_is_not_multilinear(monkeypatch):
    real = sens._money_record

    def bent(result):  # money with a square in it: the corner table cannot be exact
        record = real(result)
        record["opex"] = record["opex"] ** 2 / 1e8
        return record

    monkeypatch.setattr(sens, "_money_record", bent)
    study = Study(scenarios.load("high_waste_route"), PARAMETERS)
    assert isinstance(study._function(), sens._PlantMetric)


def test_physics_parameter_uses_full_evaluation():
    plant = scenarios.load("high_waste_route")
    study = Study(plant, {**PARAMETERS, "feed.rate": Uniform(Q_(3.5, "t/h"), Q_(5.5, "t/h"))})
    assert isinstance(study._function(), sens._PlantMetric)


def test_chunks_and_executor_give_the_same_numbers(study):
    whole = study.monte_carlo(5000, seed=9, chunk_size=5000).values.magnitude
    chunked = study.monte_carlo(5000, seed=9, chunk_size=700).values.magnitude
    with ThreadPoolExecutor(2) as pool:
        pooled = study.monte_carlo(5000, seed=9, chunk_size=700, executor=pool).values.magnitude
    assert np.array_equal(chunked, pooled)
    assert np.array_equal(whole, chunked)


def test_progress_callback_reports_rate_and_time_left(study):
    seen = []
    study.monte_carlo(2500, seed=2, chunk_size=1000, progress=seen.append)
    assert [p.done for p in seen] == [1000, 2000, 2500]
    assert [p.chunks_done for p in seen] == [1, 2, 3]
    assert seen[-1].remaining == 0.0
    assert all(p.rate > 0 for p in seen)
    assert "samples" in seen[0].line()


def test_dask_executor_is_bit_identical_to_serial(study):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    try:
        with distributed.Client(cluster) as client:
            values = study.monte_carlo(
                3000, seed=5, chunk_size=1000, executor=client.get_executor()
            ).values.magnitude
    finally:
        cluster.close()
    serial = study.monte_carlo(3000, seed=5, chunk_size=1000).values.magnitude
    assert np.array_equal(values, serial)
