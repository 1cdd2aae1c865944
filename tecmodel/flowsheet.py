"""Wiring stages into a flowsheet: a directed graph of named streams.

A connection joins an outlet port ``"stage.port"`` to an inlet port ``"stage.port"``.
:func:`run_flowsheet` checks the wiring (unknown stages or ports, a stream consumed
twice, an inlet fed twice or not at all, a cycle), runs the stages in topological order
and returns every stream and stage result. It knows nothing of money.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .stages.base import StageResult
from .streams import Stream, mix

__all__ = ["FlowsheetResult", "parse_port", "run_flowsheet"]


def parse_port(text: str, what: str) -> tuple[str, str]:
    """Split ``"stage.port"`` into its two names."""
    parts = str(text).split(".")
    if len(parts) != 2 or not all(parts):
        raise InputError(f"{what} must look like 'stage.port', got {text!r}")
    return parts[0], parts[1]


def normalize_connections(connections) -> tuple[tuple[str, str], ...]:
    """Connections as ``((source, destination), ...)`` from a mapping or pairs."""
    if connections is None:
        return ()
    if isinstance(connections, Mapping):
        pairs = list(connections.items())
    else:
        pairs = [tuple(pair) for pair in connections]
    for pair in pairs:
        if len(pair) != 2:
            raise InputError(f"a connection is a (source, destination) pair, got {pair!r}")
    return tuple((str(a), str(b)) for a, b in pairs)


@dataclass(frozen=True)
class FlowsheetResult:
    """Every stream and stage result of one flowsheet evaluation."""

    order: tuple[str, ...]
    stage_results: Mapping[str, StageResult]
    streams: Mapping[str, Stream]  # "stage.port" of every outlet
    feeds: Mapping[str, Stream]  # "stage.port" of every external feed
    unconnected_outlets: tuple[str, ...]

    def mass_balance_error(self) -> np.ndarray:
        """Plant-level relative imbalance: feeds vs unconnected outlets + wastes."""
        inflow = mix(*self.feeds.values())
        leaving = [self.streams[name] for name in self.unconnected_outlets]
        leaving += [w.stream for r in self.stage_results.values() for w in r.wastes]
        outflow = mix(*leaving)
        comps = tuple(dict.fromkeys((*inflow.components, *outflow.components)))
        a = inflow.reindex(comps).mass_flows
        b = outflow.reindex(comps).mass_flows
        scale = np.maximum(a.sum(axis=-1, keepdims=True), 1e-300)
        return np.max(np.abs(a - b) / scale, axis=-1)

    def stage_mass_balance_errors(self) -> dict[str, np.ndarray]:
        return {name: r.mass_balance_error() for name, r in self.stage_results.items()}


def _check_ports(stages, connections, feeds) -> None:
    for source, destination in connections:
        for text, kind in ((source, "outlet"), (destination, "inlet")):
            stage_name, port = parse_port(text, f"connection {kind}")
            if stage_name not in stages:
                raise InputError(
                    f"connection {source!r} -> {destination!r}: no stage named "
                    f"{stage_name!r}; stages are {', '.join(stages)}"
                )
            ports = getattr(stages[stage_name], f"{kind}_ports")
            if port not in ports:
                raise InputError(
                    f"connection {source!r} -> {destination!r}: stage {stage_name!r} has no "
                    f"{kind} port {port!r}; its {kind} ports are {', '.join(ports)}"
                )
    for destination in feeds:
        stage_name, port = parse_port(destination, "feed destination")
        if stage_name not in stages or port not in stages[stage_name].inlet_ports:
            raise InputError(f"feed goes to {destination!r}, which is not a stage inlet port")


def _check_single_use(connections, feeds) -> None:
    sources = [s for s, _ in connections]
    for source in set(sources):
        if sources.count(source) > 1:
            targets = [d for s, d in connections if s == source]
            raise InputError(
                f"stream {source!r} is consumed twice (by {' and '.join(targets)}); "
                "split it with a stage first"
            )
    destinations = [d for _, d in connections] + list(feeds)
    for destination in set(destinations):
        if destinations.count(destination) > 1:
            raise InputError(
                f"inlet {destination!r} is fed twice; mix the streams in a stage first"
            )


def _topological_order(stages, connections) -> tuple[str, ...]:
    upstream = {name: set() for name in stages}
    for source, destination in connections:
        upstream[parse_port(destination, "")[0]].add(parse_port(source, "")[0])
    order: list[str] = []
    ready = [name for name in stages if not upstream[name]]
    remaining = {name: set(deps) for name, deps in upstream.items()}
    while ready:
        name = ready.pop(0)
        order.append(name)
        for other, deps in remaining.items():
            if name in deps:
                deps.discard(name)
                if not deps and other not in order and other not in ready:
                    ready.append(other)
    if len(order) != len(stages):
        cycle = sorted(set(stages) - set(order))
        raise InputError(
            f"the flowsheet has a cycle through stages {', '.join(cycle)}; recycle streams "
            "are not supported yet: model the recycle's effect inside one stage (e.g. a "
            "GenericStage with net yields) instead"
        )
    return tuple(order)


def run_flowsheet(
    stages: Mapping[str, object],
    connections: Iterable[tuple[str, str]],
    feeds: Mapping[str, Stream],
) -> FlowsheetResult:
    """Check the wiring, run every stage once in topological order.

    Parameters
    ----------
    stages : mapping of name to stage
    connections : pairs ``("stage.outlet", "stage.inlet")``
    feeds : mapping ``"stage.inlet"`` -> Stream of external feeds
    """
    connections = normalize_connections(connections)
    if not stages:
        raise InputError("a plant needs at least one stage")
    _check_ports(stages, connections, feeds)
    _check_single_use(connections, feeds)
    order = _topological_order(stages, connections)

    feeding = {destination: source for source, destination in connections}
    streams: dict[str, Stream] = {}
    results: dict[str, StageResult] = {}
    for name in order:
        stage = stages[name]
        inlets = {}
        for port in stage.inlet_ports:
            key = f"{name}.{port}"
            if key in feeds:
                inlets[port] = feeds[key]
            elif key in feeding:
                inlets[port] = streams[feeding[key]]
            else:
                raise InputError(
                    f"inlet {key!r} is not connected: connect an outlet to it or feed it"
                )
        result = stage.run(inlets)
        results[name] = result
        for port in stage.outlet_ports:
            streams[f"{name}.{port}"] = result.outlets[port]
    used = {source for source, _ in connections}
    unconnected = tuple(k for k in streams if k not in used)
    return FlowsheetResult(order, results, streams, dict(feeds), unconnected)
