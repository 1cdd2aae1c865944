"""Physics studies re-run only the stages whose inputs change (issue 13, item 1).

A stage is a pure function of its parameters and inlet streams, so a stage whose
parameters are the base plant's and whose inlets are bit-identical keeps the base
result. Counted here two ways (the stage classes' ``run`` calls, and the flowsheet's own
record of what it simulated), and the numbers compared with a full re-run. A re-run SX
section starts its steady state from the base design's splits
(:mod:`tecmodel.stages.rerun`): the same for every sample, so chunked and one-shot studies
agree bit for bit, and a study agrees with a fresh evaluation to the solver's tolerance.
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
    downstream stage's parameter varied only that stage and those below it run (and the
    re-run SX section agrees with a fresh run to its solver's tolerance: it starts from
    the base design's splits)."""
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
        np.testing.assert_allclose(
            incremental.streams[key].mass_flows, stream.mass_flows, rtol=1e-12, atol=0,
            err_msg=key,
        )  # fmt: skip


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
    # the study's SX re-runs start from the base design's splits, a full re-run from
    # each design's own estimate: the same solution to the solver's tolerance
    np.testing.assert_allclose(result.values.magnitude, values, rtol=1e-12, atol=0)

    # and one plant evaluated from scratch with every sample at once
    fresh = plant
    for path, values_of in samples.items():
        unit = parameters[path].unit
        fresh = fresh.replace(path, Q_(values_of, unit) if unit else values_of)
    expected = fresh.evaluate().levelized_cost.to(study._unit).magnitude
    np.testing.assert_allclose(result.values.magnitude, expected, rtol=1e-12, atol=0)
    assert np.array_equal(values, expected)  # without a base: the batch's bits


def test_a_physics_study_of_the_feed_rate_reruns_everything(counted):
    """The feed rate changes every stage's inlets: nothing can be reused."""
    plant, runs, simulated = counted
    study = Study(plant, {"feed.rate": Uniform(Q_(3.5, "t/h"), Q_(5.5, "t/h"))})
    runs.clear()
    simulated.clear()
    study.monte_carlo(8, seed=1, chunk_size=4)
    assert [len(s) for s in simulated] == [len(plant.stages)] * 2
    assert len(runs) == 2 * len(plant.stages)


@pytest.fixture
def solves(monkeypatch):
    """Record (keyword options, result) of every multicomponent steady state solved."""
    from tecmodel.separation import design_reuse

    recorded = []
    inner = design_reuse.simulate_multicomponent.function

    def recording(*args, **options):
        result = inner(*args, **options)
        recorded.append((options, result))
        return result

    monkeypatch.setattr(design_reuse.simulate_multicomponent, "function", recording)
    design_reuse.forget()
    yield recorded
    design_reuse.forget()


@pytest.mark.parametrize("n", [14, pytest.param(64, marks=pytest.mark.slow)])
def test_a_physics_study_gives_the_same_bits_in_chunks_of_1_7_and_all(solves, n):
    """Every sample's SX re-run starts from the base design's splits, whatever its chunk:
    chunks of 1, of 7 and all n samples at once give the same bits."""
    from tecmodel.stages.solvent_extraction import adjacent_separation_factors

    table = adjacent_separation_factors("p507_hcl")["Nd/Pr"]  # the set's own value
    plant = scenarios.load("cascade_refinery").replace(
        "stages.sx_pr_nd.separation_factors", {"Nd/Pr": table}
    )
    study = Study(
        plant,
        {
            "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
            "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
        },
    )
    base = plant.simulate().stage_results["sx_pr_nd"].details["cascade_split"]
    solves.clear()
    one = study.monte_carlo(n, seed=11, chunk_size=n).values.magnitude
    assert solves and all(np.array_equal(options["_start"], base.splits) for options, _ in solves)
    for chunk in (1, 7):
        chunked = study.monte_carlo(n, seed=11, chunk_size=chunk).values.magnitude
        assert np.array_equal(one, chunked), chunk


def test_a_rerun_from_its_own_solution_converges_at_once(solves):
    """A section re-run with its base parameters (a new stage object, so it runs again)
    starts at the base's solution: no Newton iteration, the base's numbers to rounding."""
    plant = scenarios.load("cascade_refinery")
    base = plant.simulate()
    purity = plant.stages["sx_pr_nd"].purity_extract
    again = plant.replace("stages.sx_pr_nd.purity_extract", float(purity))
    solves.clear()
    rerun = again.simulate(previous=base)
    assert "sx_pr_nd" in rerun.simulated
    assert [int(np.max(result.iterations)) for _, result in solves] == [0]
    for key in ("sx_pr_nd.extract", "sx_pr_nd.raffinate"):
        np.testing.assert_allclose(
            rerun.streams[key].mass_flows, base.streams[key].mass_flows, rtol=1e-12, atol=0
        )
