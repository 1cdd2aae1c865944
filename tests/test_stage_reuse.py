"""Physics studies re-run only the stages whose inputs change (issue 13, item 1).

A stage is a pure function of its parameters and inlet streams, so a stage whose
parameters are the base plant's and whose inlets are bit-identical keeps the base
result. Counted here two ways (the stage classes' ``run`` calls, and the flowsheet's own
record of what it simulated), and the numbers compared with a full re-run.
"""

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel.distributions import Uniform
from tecmodel.plant import Plant
from tecmodel.sensitivity import Study

#: high_waste_route: crack -> thorium -> sx_nd_sm -> sx_ce_pr -> (ndpr, lace) lines
UPSTREAM = ("crack", "thorium", "sx_nd_sm", "precipitate_seg", "calcine_seg")
DOWNSTREAM = ("sx_ce_pr", "precipitate_ndpr", "precipitate_lace", "calcine_ndpr", "calcine_lace")


@pytest.fixture
def counted(monkeypatch):
    """Count stage runs (by stage class, over all classes) and record what each
    Plant.simulate call simulated."""
    plant = scenarios.load("high_waste_route")
    runs = []
    for cls in {type(stage) for stage in plant.stages.values()}:
        original = cls.run

        def run(self, inlets, _original=original):
            runs.append(type(self).__name__)
            return _original(self, inlets)

        monkeypatch.setattr(cls, "run", run)
    simulated = []
    simulate = Plant.simulate

    def recording(self, previous=None):
        result = simulate(self, previous)
        simulated.append(result.simulated)
        return result

    monkeypatch.setattr(Plant, "simulate", recording)
    return plant, runs, simulated


def test_a_new_feed_object_with_the_same_flows_reuses_the_stages_it_feeds():
    """feed.price (economic) builds a new Feed; its stream has the same flows, so with a
    downstream stage's parameter varied only that stage and those below it run."""
    plant = scenarios.load("high_waste_route")
    base = plant.simulate()
    other = plant.replace("feed.price", Q_(0.5, "USD/kg")).replace(
        "stages.sx_ce_pr.purity_extract", 0.985
    )
    assert other.feed.stream() is not plant.feed.stream()
    incremental = other.simulate(previous=base)
    assert set(incremental.simulated) == set(DOWNSTREAM)
    assert set(incremental.reused) == set(UPSTREAM)
    fresh = other.simulate()
    for key, stream in fresh.streams.items():
        assert np.array_equal(stream.mass_flows, incremental.streams[key].mass_flows), key


def test_a_study_runs_upstream_stages_once_and_matches_a_full_rerun(counted):
    plant, runs, simulated = counted
    parameters = {
        "stages.sx_ce_pr.purity_extract": Uniform(0.98, 0.99),
        "feed.price": Uniform(Q_(0.0, "USD/kg"), Q_(2.0, "USD/kg")),
    }
    study = Study(plant, parameters)
    assert len(runs) == len(plant.stages)  # the base plant, once
    runs.clear()
    simulated.clear()
    n, chunk = 24, 6
    result = study.monte_carlo(n, seed=3, chunk_size=chunk)
    chunks = n // chunk
    # every chunk simulates the varied stage and the four below it, nothing upstream
    assert len(simulated) == chunks
    assert all(set(s) == set(DOWNSTREAM) for s in simulated)
    assert len(runs) == chunks * len(DOWNSTREAM)

    # the same samples through a full re-run of every stage (no base flowsheet)
    runs.clear()
    samples = study.sample(n, seed=3)
    full = study._function(fast=False, reuse=False)
    values = np.concatenate(
        [full({p: v[a : a + chunk] for p, v in samples.items()}) for a in range(0, n, chunk)]
    )
    assert len(runs) == chunks * len(plant.stages)
    assert np.array_equal(result.values.magnitude, values)

    # and one plant evaluated from scratch with every sample at once
    fresh = plant
    for path, values_of in samples.items():
        unit = parameters[path].unit
        fresh = fresh.replace(path, Q_(values_of, unit) if unit else values_of)
    expected = fresh.evaluate().levelized_cost.to(study._unit).magnitude
    assert np.array_equal(result.values.magnitude, expected)


def test_a_physics_study_of_the_feed_rate_reruns_everything(counted):
    """The feed rate changes every stage's inlets: nothing can be reused."""
    plant, runs, simulated = counted
    study = Study(plant, {"feed.rate": Uniform(Q_(3.5, "t/h"), Q_(5.5, "t/h"))})
    runs.clear()
    simulated.clear()
    study.monte_carlo(8, seed=1, chunk_size=4)
    assert [len(s) for s in simulated] == [len(plant.stages)] * 2
    assert len(runs) == 2 * len(plant.stages)
