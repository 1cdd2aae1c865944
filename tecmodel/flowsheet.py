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
from .stages.rerun import rerun_of
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
    recycle_iterations: int = 0  # passes needed to converge declared recycles (0: none)
    stages: Mapping[str, object] | None = None  # the stage objects that were run
    reused: tuple[str, ...] = ()  # stages whose result came from ``previous`` unchanged

    @property
    def simulated(self) -> tuple[str, ...]:
        """Stages that were run for this result (all but :attr:`reused`), in order."""
        return tuple(name for name in self.order if name not in self.reused)

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


def _topological_order(stages, connections, recycles=()) -> tuple[str, ...]:
    upstream = {name: set() for name in stages}
    for source, destination in connections:
        if source in recycles:
            continue  # a declared recycle is torn: its value comes from the iteration
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
        inside = [
            s
            for s, d in connections
            if parse_port(s, "")[0] in cycle and parse_port(d, "")[0] in cycle
        ]
        raise InputError(
            f"the flowsheet has a cycle through stages {', '.join(cycle)}; declare one of "
            f"its streams a recycle ({', '.join(inside)}) so it is solved by iteration"
        )
    return tuple(order)


def _run_once(stages, order, feeding, feeds, torn, previous=None):
    streams: dict[str, Stream] = {}
    results: dict[str, StageResult] = {}
    reused: list[str] = []
    for name in order:
        stage = stages[name]
        inlets = {}
        for port in stage.inlet_ports:
            key = f"{name}.{port}"
            if key in feeds:
                inlets[port] = feeds[key]
            elif key in feeding and feeding[key] in torn:
                inlets[port] = torn[feeding[key]]
            elif key in feeding:
                inlets[port] = streams[feeding[key]]
            else:
                raise InputError(
                    f"inlet {key!r} is not connected: connect an outlet to it or feed it"
                )
        if previous is not None and _unchanged(previous, name, stage, inlets, feeding, feeds):
            result = previous.stage_results[name]
            reused.append(name)
        else:
            with rerun_of(_base_result(previous, name, stage)):
                result = stage.run(inlets)
        results[name] = result
        for port in stage.outlet_ports:
            streams[f"{name}.{port}"] = result.outlets[port]
    return streams, results, tuple(reused)


def _base_result(previous, name, stage):
    """What a stage of this name and class gave in ``previous`` (a warm start), or None."""
    if previous is None or previous.stages is None:
        return None
    if type(previous.stages.get(name)) is not type(stage):
        return None
    return previous.stage_results.get(name)


def _unchanged(previous, name, stage, inlets, feeding, feeds) -> bool:
    """Whether ``previous`` ran this very stage object on the same inlet streams (a
    stage is a pure function of its parameters and inlets, so its result stands).

    An inlet is the same if it is the same object or carries the same components with
    bit-identical flows of the same shape (a new Feed object with the same rate and
    composition, or an outlet of a re-run stage that the change did not touch).
    """
    if previous.stages is None or previous.stages.get(name) is not stage:
        return False
    for port, stream in inlets.items():
        key = f"{name}.{port}"
        before = previous.feeds.get(key) if key in feeds else previous.streams.get(feeding[key])
        if before is not stream and not _same_stream(before, stream):
            return False
    return True


def _same_stream(a, b) -> bool:
    """The same components and bit-identical flows of the same shape."""
    if a is None or b is None or a.components != b.components:
        return False
    x, y = a.mass_flows, b.mass_flows
    return x.shape == y.shape and bool(np.array_equal(x, y))


def run_flowsheet(
    stages: Mapping[str, object],
    connections: Iterable[tuple[str, str]],
    feeds: Mapping[str, Stream],
    recycles: Iterable[str] = (),
    tolerance: float = 1e-10,
    max_iterations: int = 500,
    previous: FlowsheetResult | None = None,
) -> FlowsheetResult:
    """Check the wiring and run every stage in topological order.

    Parameters
    ----------
    stages : mapping of name to stage
    connections : pairs ``("stage.outlet", "stage.inlet")``
    feeds : mapping ``"stage.inlet"`` -> Stream of external feeds
    recycles : outlet ports ``"stage.outlet"`` whose connection closes a loop
        The loop is solved by iteration on these (torn) streams, starting from zero
        flow, with Wegstein acceleration, until every recycle flow changes by less than
        ``tolerance`` relative to the plant's feed.
    previous : FlowsheetResult, optional
        A result of the same wiring (e.g. a study's base plant). A stage that is the
        same object as in ``previous`` and receives the same streams (the same objects,
        or bit-identical flows of the same shape) is not run again: its result is taken
        over (and so are, in turn, the streams it feeds downstream). A study varying one
        stage's parameter re-runs only that stage and those downstream of it whose
        inlets changed; :attr:`FlowsheetResult.reused` and
        :attr:`FlowsheetResult.simulated` say which. A stage that runs again sees its
        result in ``previous`` (:func:`tecmodel.stages.rerun.previous_result`) and may
        start an iterative solve from it (the SX cascades do): the numbers then agree
        with a run without ``previous`` to the solver's tolerance, not bit for bit.
        Ignored with recycles (a loop's streams are iterated from zero flow each time).

    Raises
    ------
    InputError
        Wiring errors, a cycle with no declared recycle, or a recycle that does not
        converge within ``max_iterations``.
    """
    connections = normalize_connections(connections)
    if not stages:
        raise InputError("a plant needs at least one stage")
    _check_ports(stages, connections, feeds)
    _check_single_use(connections, feeds)
    recycles = tuple(recycles)
    sources = {s for s, _ in connections}
    for recycle in recycles:
        if recycle not in sources:
            raise InputError(
                f"recycle {recycle!r} is not the source of a connection; recycles name an "
                "outlet port that is connected back upstream"
            )
    order = _topological_order(stages, connections, recycles)
    feeding = {destination: source for source, destination in connections}

    reused: tuple[str, ...] = ()
    if not recycles:
        streams, results, reused = _run_once(stages, order, feeding, feeds, {}, previous)
        iterations = 0
    else:
        streams, results, iterations = _solve_recycles(
            stages, order, feeding, feeds, recycles, tolerance, max_iterations
        )
    unconnected = tuple(k for k in streams if k not in sources)
    return FlowsheetResult(
        order, results, streams, dict(feeds), unconnected, iterations, dict(stages), reused
    )


def _solve_recycles(stages, order, feeding, feeds, recycles, tolerance, max_iterations):
    """Successive substitution on the torn streams, accelerated by Wegstein's method
    (bounded, element by element), vectorized over samples and components."""
    feed = mix(*feeds.values())
    components = feed.components
    scale = np.maximum(feed.total_kg_s, 1e-300)[..., None]
    guess = {r: Stream(components, np.zeros_like(feed.mass_flows)) for r in recycles}
    previous_x = previous_g = None
    for iteration in range(1, max_iterations + 1):
        streams, results, _ = _run_once(stages, order, feeding, feeds, guess)
        for r in recycles:
            new = streams[r]
            extra = [c for c in new.components if c not in components]
            if extra:  # a stage created a component: carry it from now on
                components = components + tuple(extra)
                guess = {k: v.reindex(components) for k, v in guess.items()}
        x = np.stack([guess[r].reindex(components).mass_flows for r in recycles])
        g = np.stack([streams[r].reindex(components).mass_flows for r in recycles])
        scale_c = scale if scale.shape[-1] == 1 else scale[..., :1]
        change = np.max(np.abs(g - x) / scale_c)
        if change <= tolerance:
            return streams, results, iteration
        if previous_x is not None and previous_x.shape == x.shape:
            dx = x - previous_x
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = np.where(np.abs(dx) > 0, (g - previous_g) / dx, 0.0)
                q = np.clip(np.where(slope != 1.0, slope / (slope - 1.0), 0.0), -5.0, 0.0)
            update = q * x + (1.0 - q) * g
        else:
            update = g
        previous_x, previous_g = x, g
        update = np.maximum(update, 0.0)  # flows stay physical while iterating
        guess = {r: Stream(components, update[i]) for i, r in enumerate(recycles)}
    raise InputError(
        f"recycle streams {', '.join(recycles)} did not converge in {max_iterations} "
        f"iterations (last relative change {change:.3g} > {tolerance:g}); check that the "
        "loop does not accumulate a component it never lets out"
    )
