"""Cascade designs computed once per distinct intensive input (issue 13)."""

import numpy as np
import pytest

from tecmodel import scenarios
from tecmodel.separation import design_reuse
from tecmodel.separation.design_reuse import rounded


@pytest.fixture
def fresh():
    for function in (design_reuse.design_cascade, design_reuse.simulate_multicomponent):
        function.memo.clear()
    yield
    for function in (design_reuse.design_cascade, design_reuse.simulate_multicomponent):
        function.memo.clear()


def _calls():
    return design_reuse.design_cascade.calls + design_reuse.simulate_multicomponent.calls


def test_rounding_is_on_the_row_grid():
    # 1 + 2^-50 is within the 2^-44 grid of a row whose largest value is in [1, 2)
    row = np.array([1.0 + 2.0**-50, 0.25, 3.0e-18])
    out = rounded(row, 1)
    assert out[0] == 1.0
    assert out[1] == 0.25  # on the grid already
    assert out[2] == 2.0**-58  # a trace: the nearest power of two (2^-58 = 3.47e-18)
    assert np.all(np.abs(out[:2] - row[:2]) <= 2.0**-45 * 2.0)
    ints = np.array([3, 4])
    assert rounded(ints) is not None and rounded(ints).dtype == ints.dtype


def test_a_change_of_scale_reuses_every_design(fresh):
    plant = scenarios.load("cascade_refinery")
    base = plant.evaluate()
    before = _calls()
    scaled = plant.replace("feed.rate", plant.feed.rate * 1.3).evaluate()
    assert _calls() == before  # no cascade designed again
    # the designs are the same: stage counts equal, flows scale with the feed
    for name, result in base.flowsheet.stage_results.items():
        if "total_stages" not in result.details:
            continue
        other = scaled.flowsheet.stage_results[name].details
        assert np.array_equal(other["total_stages"], result.details["total_stages"])
        ratio = other["organic_flow"].magnitude / result.details["organic_flow"].magnitude
        assert ratio == pytest.approx(1.3, rel=1e-9)


def test_identical_rows_of_a_batch_are_designed_once_and_equal_one_by_one(fresh):
    plant = scenarios.load("cascade_refinery")
    betas = np.array([1.5, 1.6, 1.5, 1.6, 1.5])
    path = "stages.sx_pr_nd.separation_factors"
    batch = plant.replace(path, {"Nd/Pr": betas}).evaluate()
    rows = design_reuse.design_cascade.memo
    assert len(rows) > 0
    for beta in (1.5, 1.6):
        design_reuse.design_cascade.memo.clear()
        design_reuse.simulate_multicomponent.memo.clear()
        one = plant.replace(path, {"Nd/Pr": beta}).evaluate()
        for i in np.flatnonzero(betas == beta):
            assert batch.levelized_cost.magnitude[i] == pytest.approx(
                one.levelized_cost.magnitude, rel=1e-12
            )
    # the batch's duplicates give identical numbers
    lc = batch.levelized_cost.magnitude
    assert lc[0] == lc[2] == lc[4] and lc[1] == lc[3]


def test_a_batch_with_duplicates_designs_each_distinct_row_once(fresh, monkeypatch):
    plant = scenarios.load("cascade_refinery")
    seen = []
    original = design_reuse.design_cascade.function

    def counting(*args, **kwargs):
        seen.append(np.shape(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(design_reuse.design_cascade, "function", counting)
    betas = np.array([1.5, 1.6, 1.5, 1.6, 1.5, 1.5])
    plant.replace("stages.sx_pr_nd.separation_factors", {"Nd/Pr": betas}).simulate()
    # each section's design call sees at most the two distinct rows (sections upstream of
    # the varied one see one row)
    assert seen and all(np.prod(shape) <= 2 for shape in seen)


def test_without_reuse_designs_every_call_and_forget_empties_the_memo(fresh):
    """The switch the benchmarks compare with: every evaluation designs every cascade;
    the numbers differ from the reused ones only by the 2^-44 rounding of the inputs
    (4.7e-14 relative in the levelized cost when this test was written)."""
    plant = scenarios.load("cascade_refinery")
    reused = plant.evaluate()
    assert len(design_reuse.design_cascade.memo) > 0
    design_reuse.forget()
    assert len(design_reuse.design_cascade.memo) == 0
    sections = [
        n for n, r in reused.flowsheet.stage_results.items() if "total_stages" in r.details
    ]
    with design_reuse.without_reuse():
        before = design_reuse.design_cascade.calls
        plant.evaluate()
        computed = plant.evaluate()
        assert design_reuse.design_cascade.calls - before == 2 * len(sections)
        assert len(design_reuse.design_cascade.memo) == 0
    for name in sections:
        a = reused.flowsheet.stage_results[name].details["total_stages"]
        b = computed.flowsheet.stage_results[name].details["total_stages"]
        assert np.array_equal(a, b)
    assert computed.levelized_cost.magnitude == pytest.approx(
        reused.levelized_cost.magnitude, rel=1e-12
    )
