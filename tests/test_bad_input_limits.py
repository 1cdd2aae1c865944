"""Sizes that would exhaust memory are refused before allocation (issue 16, item 6).

The limit is :data:`tecmodel.validation.MAX_ELEMENTS` float64 values (2^28, 2 GiB);
each message gives the size and suggests chunking. The sizes below are far above it,
so a missing check would show as a MemoryError (or the OS killing the run), not a pass.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tecmodel import InputError, Study, Uniform, scenarios
from tecmodel.curves import cost_vs_parameter
from tecmodel.validation import MAX_ELEMENTS


@pytest.fixture(scope="module")
def study():
    warnings.simplefilter("ignore")
    return Study(scenarios.load("bio_recycling"), {"finance.discount_rate": Uniform(0.05, 0.12)})


def test_limit_is_2_gib_of_floats():
    assert MAX_ELEMENTS * 8 == 2 * 2**30


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.monte_carlo(2**30, seed=1),
        lambda s: s.sobol(2**30, seed=1),
        # 2^29 trajectories × 2 points × 1 input = 2^30 grid values, 4 × the limit
        lambda s: s.morris(2**29, seed=1),
    ],
    ids=["monte_carlo", "sobol", "morris"],
)
def test_huge_studies_refused_with_size_and_chunking_advice(study, call):
    with pytest.raises(InputError) as caught:
        call(study)
    message = str(caught.value)
    assert "GiB" in message
    assert "chunk" in message


def test_morris_grid_at_the_limit_is_refused_just_above():
    # the grid holds trajectories × (P + 1) × P values; P = 1 gives 2 per trajectory
    study = Study(scenarios.load("bio_recycling"), {"finance.discount_rate": Uniform(0.05, 0.1)})
    with pytest.raises(InputError, match="morris with"):
        study.morris(MAX_ELEMENTS // 2 + 1, seed=1)


def test_morris_counts_must_be_whole(study):
    with pytest.raises(InputError, match="trajectories"):
        study.morris(2.5, seed=1)
    with pytest.raises(InputError, match="levels"):
        study.morris(4, levels=True, seed=1)


def test_huge_curve_refused():
    plant = scenarios.load("bio_recycling")
    values = np.broadcast_to(np.array(0.08), (10**8,))  # a view: no 800 MB allocated here
    with pytest.raises(InputError, match="chunk"):
        cost_vs_parameter(plant, "finance.discount_rate", values)
