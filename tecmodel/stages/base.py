"""What every stage reports, and the protocol a stage follows.

A stage is an immutable (frozen) dataclass of design parameters. Its :meth:`run`
takes the inlet streams by port name and returns a :class:`StageResult`: what the stage
physically does — outlet streams, equipment with sizes, consumption of reagents and
utilities per operating hour, wastes by class, operators per shift. It never holds a
price: :mod:`tecmodel.costing` turns these into money (DESIGN.md, principle 4).

Every field may be an array over a leading sample axis; results broadcast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np

from ..errors import InputError
from ..streams import Stream, mix
from ..units import Q_, magnitude

__all__ = [
    "WASTE_CLASSES",
    "Equipment",
    "Stage",
    "StageResult",
    "Waste",
]

#: Waste classes, in increasing order of disposal cost (GLOSSARY.md).
WASTE_CLASSES = ("non_hazardous", "hazardous", "radioactive")


@dataclass(frozen=True)
class Equipment:
    """One line of a stage's equipment list.

    Parameters
    ----------
    name : str
        What it is in this stage ("extraction mixer-settlers").
    kind : str
        Key of the cost correlation in :mod:`tecmodel.costing` ("mixer_settler", …).
    size : pint.Quantity
        Size of ONE unit, in the correlation's dimension (volume, power, flow, …).
    parallel_units : int or array_like
        Number of identical units [-].
    """

    name: str
    kind: str
    size: object
    parallel_units: object = 1

    def __post_init__(self):
        units = np.asarray(self.parallel_units)
        if np.any(units < 0):
            raise InputError(f"parallel_units of {self.name} must be >= 0, got {units}")


@dataclass(frozen=True)
class Waste:
    """A waste leaving a stage, with the tracked components it carries.

    Parameters
    ----------
    name : str
        What it is ("leach residue").
    waste_class : {"non_hazardous", "hazardous", "radioactive"}
    stream : Stream
        Tracked components that leave with the waste (they count in the mass balance).
    other_mass_flow : pint.Quantity
        Untracked mass that also goes to disposal (reaction products, moisture, …)
        [mass/time].
    density : pint.Quantity
        Bulk density used to turn mass into disposal volume [mass/volume].
    """

    name: str
    waste_class: str
    stream: Stream
    other_mass_flow: object = field(default_factory=lambda: Q_(0.0, "kg/s"))
    density: object = field(default_factory=lambda: Q_(1600.0, "kg/m**3"))

    def __post_init__(self):
        if self.waste_class not in WASTE_CLASSES:
            raise InputError(
                f"waste_class of {self.name} must be one of {', '.join(WASTE_CLASSES)}, "
                f"got {self.waste_class!r}"
            )

    @property
    def mass_flow(self):
        """Total mass to dispose of [kg/s Quantity]."""
        other = magnitude(self.other_mass_flow, "kg/s", "other_mass_flow")
        return Q_(self.stream.total_kg_s + other, "kg/s")

    @property
    def volume_flow(self):
        """Disposal volume [m³/s Quantity]."""
        density = magnitude(self.density, "kg/m**3", "density")
        return (self.mass_flow.to("kg/s") / Q_(density, "kg/m**3")).to("m**3/s")

    def mass_fraction(self, component: str):
        """Mass fraction of a component (e.g. ``"Th"`` as ThO2) in the whole waste [-]."""
        total = self.mass_flow.magnitude
        flow = self.stream.kg_s(component)
        return np.divide(
            flow,
            total,
            out=np.zeros(np.broadcast_shapes(np.shape(flow), np.shape(total))),
            where=np.asarray(total) > 0,
        )


@dataclass(frozen=True)
class StageResult:
    """What a stage physically does, per operating hour (rates).

    Attributes
    ----------
    inlets, outlets : mapping of port name to Stream
    equipment : tuple of Equipment
    consumption : mapping of reagent/utility name to a rate Quantity
        e.g. ``{"hydrochloric_acid": Q_(…, "kg/h"), "electricity": Q_(…, "kW")}``;
        names must be in the price list used for costing.
    wastes : tuple of Waste
    operators_per_shift : float or array
    details : mapping
        Stage-specific design figures (stage counts, volumes, …) for reports. The key
        ``"initial_fill"``, if present, maps reagent names to one-time amounts (the
        organic inventory of an SX section, say) that plant costing capitalizes at the
        reagents' prices.
    """

    inlets: Mapping[str, Stream]
    outlets: Mapping[str, Stream]
    equipment: tuple[Equipment, ...] = ()
    consumption: Mapping[str, object] = field(default_factory=dict)
    wastes: tuple[Waste, ...] = ()
    operators_per_shift: object = 0.0
    details: Mapping[str, object] = field(default_factory=dict)

    def mass_balance_error(self) -> np.ndarray:
        """Largest relative imbalance over tracked components: |in − out − waste| / in.

        Tracked components are those of the inlet streams; reagent mass is not tracked.
        """
        if not self.inlets and not self.outlets:
            # a stage without stream ports (acid recovery from a given brine) moves no
            # tracked components: its balance holds trivially
            return np.zeros(())
        inflow = mix(*self.inlets.values())
        leaving = [*self.outlets.values(), *(w.stream for w in self.wastes)]
        outflow = mix(*leaving) if leaving else Stream.empty(inflow.components)
        components = tuple(dict.fromkeys((*inflow.components, *outflow.components)))
        a = inflow.reindex(components).mass_flows
        b = outflow.reindex(components).mass_flows
        scale = np.maximum(a.sum(axis=-1, keepdims=True), 1e-300)
        return np.max(np.abs(a - b) / scale, axis=-1)


@runtime_checkable
class Stage(Protocol):
    """A process stage: frozen parameters, named ports and :meth:`run`."""

    inlet_ports: ClassVar[tuple[str, ...]]
    outlet_ports: ClassVar[tuple[str, ...]]

    def run(self, inlets: Mapping[str, Stream]) -> StageResult: ...
