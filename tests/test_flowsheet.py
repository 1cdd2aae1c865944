"""Flowsheet wiring: order, mass balance and the errors a mis-wired plant gives."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import InputError
from tecmodel.paths import get_path, parameter_paths, replace_path
from tecmodel.stages import StageResult
from tecmodel.streams import Stream


@dataclass(frozen=True)
class Splitter:
    """Test stage: sends `share` of La to 'top', the rest to 'bottom'."""

    share: float = 0.9
    inlet_ports: ClassVar = ("feed",)
    outlet_ports: ClassVar = ("top", "bottom")

    def run(self, inlets):
        top, bottom = inlets["feed"].split({"La": self.share})
        return StageResult(inlets, {"top": top, "bottom": bottom})


@dataclass(frozen=True)
class Mixer:
    inlet_ports: ClassVar = ("a", "b")
    outlet_ports: ClassVar = ("out",)

    def run(self, inlets):
        return StageResult(inlets, {"out": inlets["a"] + inlets["b"]})


FEED = Stream.from_composition(Q_(100, "kg/h"), {"La": 0.6, "Ce": 0.4})


def run(stages, connections, feeds=None):
    from tecmodel.flowsheet import run_flowsheet

    return run_flowsheet(stages, connections, feeds or {"s1.feed": FEED})


def test_branching_graph_runs_in_order_and_balances():
    stages = {"mix": Mixer(), "s2": Splitter(0.5), "s1": Splitter(0.9)}
    result = run(stages, {"s1.top": "s2.feed", "s2.top": "mix.a", "s1.bottom": "mix.b"})
    assert result.order.index("s1") < result.order.index("s2") < result.order.index("mix")
    assert set(result.unconnected_outlets) == {"s2.bottom", "mix.out"}
    assert result.mass_balance_error() < 1e-12
    # La to mix.out: 60 kg/h * (0.9 * 0.5 + 0.1) = 33 kg/h
    assert result.streams["mix.out"].kg_s("La") * 3600 == pytest.approx(33.0)


def test_stream_consumed_twice():
    stages = {"s1": Splitter(), "s2": Splitter(), "s3": Splitter()}
    with pytest.raises(InputError, match="consumed twice"):
        run(stages, [("s1.top", "s2.feed"), ("s1.top", "s3.feed")])


def test_missing_inlet():
    stages = {"s1": Splitter(), "mix": Mixer()}
    with pytest.raises(InputError, match=r"'mix.b' is not connected"):
        run(stages, {"s1.top": "mix.a"})


def test_cycle_without_declared_recycle_is_reported():
    stages = {"s1": Splitter(), "s2": Splitter(), "mix": Mixer()}
    with pytest.raises(InputError, match="declare one of its streams a recycle"):
        run(
            stages, {"s1.top": "mix.a", "mix.out": "s2.feed", "s2.top": "mix.b"}, {"s1.feed": FEED}
        )


def test_declared_recycle_converges_to_the_hand_solution():
    """Feed -> mix -> splitter; 60 % of La goes back to the mixer. At steady state the
    recycle R = 0.6 (F + R), so R = 1.5 F for La, and all of F leaves as 'bottom'."""
    from tecmodel.flowsheet import run_flowsheet

    stages = {"mix": Mixer(), "split": Splitter(0.6)}
    connections = {"mix.out": "split.feed", "split.top": "mix.b"}
    result = run_flowsheet(stages, connections, {"mix.a": FEED}, recycles=["split.top"])
    recycle_la = result.streams["split.top"].kg_s("La")
    assert recycle_la == pytest.approx(1.5 * FEED.kg_s("La"), rel=1e-9)
    bottom_la = result.streams["split.bottom"].kg_s("La")
    assert bottom_la == pytest.approx(FEED.kg_s("La"), rel=1e-9)
    assert result.mass_balance_error() < 1e-9
    assert 0 < result.recycle_iterations < 50  # Wegstein: a linear loop in a few passes


def test_recycle_must_name_a_connected_outlet():
    from tecmodel.flowsheet import run_flowsheet

    with pytest.raises(InputError, match="not the source of a connection"):
        run_flowsheet({"s1": Splitter()}, {}, {"s1.feed": FEED}, recycles=["s1.top"])


def test_unknown_stage_and_port_are_named():
    with pytest.raises(InputError, match="no stage named 'nope'"):
        run({"s1": Splitter()}, {"s1.top": "nope.feed"})
    with pytest.raises(InputError, match="no outlet port 'side'"):
        run({"s1": Splitter(), "s2": Splitter()}, {"s1.side": "s2.feed"})


def test_arrays_flow_through():
    stages = {"s1": Splitter(np.array([0.5, 0.9]))}
    result = run(stages, {})
    np.testing.assert_allclose(result.streams["s1.top"].kg_s("La") * 3600, [30.0, 54.0])


def test_paths_replace_and_get():
    model = {"stages": {"s1": Splitter(0.9)}}
    from tecmodel.paths import FrozenMapping

    model = FrozenMapping(model)
    changed = replace_path(model, "stages.s1.share", 0.5)
    assert get_path(changed, "stages.s1.share") == 0.5
    assert get_path(model, "stages.s1.share") == 0.9  # original untouched
    assert parameter_paths(model) == ["stages.s1.share"]
    with pytest.raises(InputError, match="valid names here: share"):
        replace_path(model, "stages.s1.shares", 1.0)


def test_previous_result_reuses_unchanged_stages_and_gives_the_same_numbers():
    """A stage is a pure function of its parameters and inlets: with the base flowsheet
    as ``previous``, only the replaced stage and those downstream of it run again (the
    SX cascade re-run starts its steady state from the base's splits, so its numbers
    agree with a fresh run to the solver's tolerance, 1e-13 in the log-splits)."""
    from tecmodel import scenarios

    plant = scenarios.load("high_waste_route")
    base = plant.simulate()
    other = plant.replace("stages.sx_ce_pr.purity_extract", 0.985)
    incremental = other.simulate(previous=base)
    fresh = other.simulate()
    rerun = {"sx_ce_pr", "precipitate_ndpr", "precipitate_lace", "calcine_ndpr", "calcine_lace"}
    assert set(incremental.reused) == set(base.order) - rerun
    for key, stream in fresh.streams.items():
        np.testing.assert_allclose(
            incremental.streams[key].mass_flows, stream.mass_flows, rtol=1e-12, atol=0
        )
    assert set(plant.simulate(previous=base).reused) == set(base.order)  # nothing changed
