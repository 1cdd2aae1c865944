"""Streams: per-component mass flows that broadcast over a leading sample axis.

A :class:`Stream` holds mass flows of named components. Rare earths, thorium and
uranium are named by element symbol and carried on the **commercial-oxide basis**
(``"Nd"`` is kg/s of Nd2O3, ``"Pr"`` of Pr6O11, ``"Th"`` of ThO2): the way the industry
counts total rare-earth oxide (REO), and a basis that survives precipitation and
calcination unchanged, so mass balances close on it. Any other name (``"Fe"``,
``"gangue"``, ``"B"``) is an impurity carried as-is.

Flows are stored as a float array of shape ``(..., n_components)`` in kg/s; the leading
axes are sample axes (Monte Carlo, sweeps) and broadcast in mixing.

>>> from tecmodel import Q_
>>> from tecmodel.streams import Stream
>>> feed = Stream.from_composition(Q_(1000, "kg/h"), {"La": 0.4, "Ce": 0.5, "Nd": 0.1})
>>> round(feed.purity("Ce"), 3)
0.5
>>> round(feed.flow("Nd").to("kg/h").magnitude, 6)
100.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .elements import ELEMENTS, RARE_EARTHS
from .errors import InputError, describe
from .units import Q_, magnitude

__all__ = ["Stream", "is_rare_earth"]

MASS_FLOW_UNIT = "kg/s"


def is_rare_earth(component: str) -> bool:
    """True for the 17 rare earths (Sc, Y, La–Lu)."""
    return component in RARE_EARTHS


@dataclass(frozen=True, eq=False)
class Stream:
    """Mass flows of named components [kg/s], oxide basis for elements.

    Parameters
    ----------
    components : tuple of str
        Component names, unique.
    mass_flows : numpy.ndarray
        Shape ``(..., len(components))`` [kg/s]. Use the constructors
        :meth:`from_mass_flows` and :meth:`from_composition` to build from Quantities.
    """

    components: tuple[str, ...]
    mass_flows: np.ndarray

    def __post_init__(self):
        flows = np.asarray(self.mass_flows, dtype=float)
        if flows.ndim == 0 or flows.shape[-1] != len(self.components):
            raise InputError(
                f"mass_flows must have a last axis of length {len(self.components)} "
                f"(one per component), got shape {flows.shape}"
            )
        if len(set(self.components)) != len(self.components):
            raise InputError(f"components must be unique, got {self.components}")
        bad = ~(flows >= 0) | ~np.isfinite(flows)
        if bad.any():
            column = int(np.argmax(bad.reshape(-1, flows.shape[-1]).any(axis=0)))
            raise InputError(
                f"mass flow of {self.components[column]!r} must be finite and >= 0, got "
                f"{describe(flows[..., column])} kg/s"
            )
        flows.setflags(write=False)
        object.__setattr__(self, "mass_flows", flows)
        object.__setattr__(self, "components", tuple(self.components))

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_mass_flows(cls, flows: Mapping[str, object]) -> Stream:
        """Build from ``{component: mass flow Quantity}`` (any mass/time unit)."""
        if not flows:
            raise InputError("flows must name at least one component")
        names = tuple(flows)
        arrays = [magnitude(flows[name], MASS_FLOW_UNIT, f"mass flow of {name}") for name in names]
        for name, array in zip(names, arrays, strict=True):
            if np.any(~(np.asarray(array) >= 0)):
                raise InputError(
                    f"mass flow of {name!r} must be >= 0, got {describe(flows[name])}"
                )
        stacked = np.stack(np.broadcast_arrays(*arrays), axis=-1)
        return cls(names, stacked)

    @classmethod
    def from_element_flows(cls, flows: Mapping[str, object]) -> Stream:
        """Build from flows on the ELEMENT basis (kg of Nd, not of Nd2O3).

        Rare earths, Th and U are converted to their commercial oxide with
        :func:`tecmodel.elements.oxide_factor`; other names are kept as they are.
        """
        converted = {}
        for name, flow in flows.items():
            factor = ELEMENTS[name].oxide_factor if name in ELEMENTS else 1.0
            converted[name] = flow * factor if hasattr(flow, "units") else flow
        return cls.from_mass_flows(converted)

    @classmethod
    def from_composition(cls, total, fractions: Mapping[str, object]) -> Stream:
        """Build from a total mass flow and mass fractions that sum to 1.

        Parameters
        ----------
        total : pint.Quantity
            Total mass flow [mass/time].
        fractions : mapping of str to float or array_like
            Mass fraction of each component [-]; must be in [0, 1] and sum to 1.
        """
        total_kg_s = magnitude(total, MASS_FLOW_UNIT, "total")
        names = tuple(fractions)
        parts = np.stack(
            np.broadcast_arrays(*[magnitude(fractions[n], "", f"fraction of {n}") for n in names]),
            axis=-1,
        )
        if np.any((parts < 0) | (parts > 1)):
            raise InputError(f"fractions must lie in [0, 1], got {dict(fractions)}")
        sums = parts.sum(axis=-1)
        if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
            raise InputError(
                f"fractions must sum to 1, got a sum of {describe(sums)}; "
                "add the remainder as an impurity such as 'gangue'"
            )
        return cls(names, np.asarray(total_kg_s)[..., None] * parts)

    @classmethod
    def empty(cls, components: Iterable[str] = ()) -> Stream:
        comps = tuple(components)
        return cls(comps, np.zeros(len(comps)))

    # ------------------------------------------------------------------- queries
    def _index(self, component: str) -> int:
        try:
            return self.components.index(component)
        except ValueError:
            raise InputError(
                f"component {component!r} is not in this stream; it carries "
                f"{', '.join(self.components) or 'nothing'}"
            ) from None

    def kg_s(self, component: str) -> np.ndarray:
        """Mass flow of one component as a plain array [kg/s] (0 if absent)."""
        if component not in self.components:
            return np.zeros(self.mass_flows.shape[:-1])
        return self.mass_flows[..., self.components.index(component)]

    def flow(self, component: str):
        """Mass flow of a component [kg/s Quantity]; raises if the stream lacks it."""
        return Q_(self.mass_flows[..., self._index(component)], MASS_FLOW_UNIT)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the sample axes."""
        return self.mass_flows.shape[:-1]

    @property
    def total_kg_s(self) -> np.ndarray:
        return self.mass_flows.sum(axis=-1)

    @property
    def total(self):
        """Total mass flow [kg/s Quantity]."""
        return Q_(self.total_kg_s, MASS_FLOW_UNIT)

    @property
    def rare_earths(self) -> tuple[str, ...]:
        """The rare-earth components of this stream, in stream order."""
        return tuple(c for c in self.components if is_rare_earth(c))

    @property
    def reo_kg_s(self) -> np.ndarray:
        idx = [i for i, c in enumerate(self.components) if is_rare_earth(c)]
        return self.mass_flows[..., idx].sum(axis=-1)

    @property
    def reo(self):
        """Total rare-earth oxide (TREO) flow [kg/s Quantity]."""
        return Q_(self.reo_kg_s, MASS_FLOW_UNIT)

    def fraction(self, component: str) -> np.ndarray:
        """Mass fraction of a component in the whole stream [-]."""
        total = self.total_kg_s
        return np.divide(self.kg_s(component), total, out=np.zeros_like(total), where=total > 0)

    def purity(self, component: str) -> np.ndarray:
        """Fraction of a rare earth in the stream's total REO (commercial purity) [-]."""
        if not is_rare_earth(component):
            raise InputError(f"purity is defined for rare earths; {component!r} is not one")
        reo = self.reo_kg_s
        return np.divide(self.kg_s(component), reo, out=np.zeros_like(reo), where=reo > 0)

    def element_flow(self, component: str):
        """Flow of a component on the element (metal) basis [kg/s Quantity]."""
        factor = ELEMENTS[component].oxide_factor if component in ELEMENTS else 1.0
        return Q_(self.kg_s(component) / factor, MASS_FLOW_UNIT)

    def element_flows(self, unit: str = "kg/h") -> dict[str, object]:
        """``{component: Quantity}`` on the element basis (the inverse of
        :meth:`from_element_flows`)."""
        return {c: self.element_flow(c).to(unit) for c in self.components}

    def to_dict(self, unit: str = "kg/h") -> dict[str, object]:
        """``{component: Quantity}`` in ``unit``."""
        return {
            c: Q_(self.mass_flows[..., i], MASS_FLOW_UNIT).to(unit)
            for i, c in enumerate(self.components)
        }

    def __repr__(self) -> str:
        if self.mass_flows.ndim == 1:
            body = ", ".join(
                f"{c}={v * 3600:.4g}"
                for c, v in zip(self.components, self.mass_flows, strict=True)
            )
            return f"Stream(kg/h: {body})"
        return f"Stream({len(self.components)} components, samples {self.shape})"

    # --------------------------------------------------------------- operations
    def reindex(self, components: Iterable[str]) -> Stream:
        """The same flows over ``components`` (missing ones are zero; none may be dropped
        unless its flow is zero everywhere)."""
        comps = tuple(components)
        dropped = [c for c in self.components if c not in comps and np.any(self.kg_s(c) > 0)]
        if dropped:
            raise InputError(f"reindex would drop components with flow: {dropped}")
        flows = np.zeros((*self.shape, len(comps)))
        for i, c in enumerate(comps):
            if c in self.components:
                flows[..., i] = self.kg_s(c)
        return Stream(comps, flows)

    def scaled(self, factor) -> Stream:
        """All flows times ``factor`` (broadcasts over the sample axes)."""
        factor = np.asarray(factor, dtype=float)
        if np.any(factor < 0):
            raise InputError(f"factor must be >= 0, got {describe(factor)}")
        return Stream(self.components, self.mass_flows * factor[..., None])

    def split(self, fractions: Mapping[str, object]) -> tuple[Stream, Stream]:
        """Split by component: ``fractions[c]`` of c goes to the first stream, the rest to
        the second. Components not named stay in the second stream."""
        shape = np.broadcast_shapes(
            self.mass_flows.shape, *((*np.shape(v), 1) for v in fractions.values())
        )
        share = np.zeros(shape)
        for name, value in fractions.items():
            v = np.asarray(magnitude(value, "", f"split fraction of {name}"))
            if np.any((v < 0) | (v > 1)):
                raise InputError(f"split fraction of {name} must be in [0, 1], got {describe(v)}")
            share[..., self._index(name)] = v
        first = self.mass_flows * share
        # flows·share <= flows for share <= 1 in floating point, so the rest is >= 0 and
        # first + second reproduces the flows to rounding.
        return Stream(self.components, first), Stream(self.components, self.mass_flows - first)

    def __add__(self, other: Stream) -> Stream:
        return mix(self, other)


def mix(*streams: Stream) -> Stream:
    """Combine streams (union of components, sample axes broadcast)."""
    if not streams:
        raise InputError("mix needs at least one stream")
    comps: list[str] = []
    for s in streams:
        comps.extend(c for c in s.components if c not in comps)
    shape = np.broadcast_shapes(*(s.shape for s in streams))
    flows = np.zeros((*shape, len(comps)))
    for s in streams:
        for i, c in enumerate(s.components):
            flows[..., comps.index(c)] += s.mass_flows[..., i]
    return Stream(tuple(comps), flows)


__all__ += ["mix"]
