"""A stage described by numbers the user gives: yields, consumptions, equipment, labour.

For any step that has no physical model in tecmodel (a dryer, a magnetic separator, a
vendor's black box), :class:`GenericStage` sends a given fraction of each component to
each outlet, sends the rest to a waste, and reports consumptions that are fixed or
proportional to the feed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, UnitError, describe
from ..streams import Stream, mix
from ..units import Q_, ureg
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    component_shares,
)
from .base import WASTE_CLASSES, Equipment, StageResult, Waste

__all__ = ["GenericStage"]

#: Units in which rates are reported, by dimension (matched in order).
_RATE_UNITS = ("kg/h", "kW", "m**3/h", "mol/h")


def _as_rate(value, name: str):
    """A Quantity in the first of :data:`_RATE_UNITS` whose dimension matches."""
    if np.any(np.asarray(value.magnitude) < 0):
        raise InputError(f"{name} must be >= 0, got {describe(value)}")
    for unit in _RATE_UNITS:
        if value.dimensionality == ureg.parse_units(unit).dimensionality:
            return value.to(unit)
    return value


@dataclass(frozen=True)
class GenericStage:
    """Yields per component to each outlet; the remainder goes to a waste.

    Ports: inlets are named by ``inlet_names`` (all inlets are mixed), outlets by the keys of
    ``yields``. ``inlet_ports`` and ``outlet_ports`` are therefore per instance.

    Parameters
    ----------
    yields : mapping of outlet name to mapping of component to fraction
        ``yields[outlet][component]`` is the fraction of the component's feed that goes to
        ``outlet`` [-]; the key ``"*"`` sets the fraction for every component not named.
        For each component the fractions over outlets must sum to ≤ 1; the remainder goes
        to the waste. Naming a component the feed does not carry raises.
    inlet_names : tuple of str
        Inlet port names. Default ``("feed",)``.
    waste_name : str
        Name of the waste that takes the remainder. Default ``"residue"``.
    waste_class : {"non_hazardous", "hazardous", "radioactive"}
        Class of that waste. Default ``"non_hazardous"``.
    waste_density : pint.Quantity
        Default 1,600 kg/m³ (tecmodel/data/disposal.toml ``bulk_density``, an assumption).
    consumption : mapping of name to pint.Quantity
        Fixed rates (e.g. ``{"electricity": Q_(50, "kW")}``).
    consumption_per_feed : mapping of name to pint.Quantity
        Rates per unit of total feed mass, e.g. ``{"sulfuric_acid": Q_(0.1, "kg/kg"),
        "electricity": Q_(20, "kWh/t")}``; multiplied by the feed mass flow.
    equipment : tuple of Equipment
        Reported as given.
    operators_per_shift : float or array_like
        Default 0.
    """

    yields: Mapping[str, Mapping[str, object]]
    inlet_names: tuple[str, ...] = ("feed",)
    waste_name: str = "residue"
    waste_class: str = "non_hazardous"
    waste_density: object = field(default_factory=lambda: Q_(1600.0, "kg/m**3"))
    consumption: Mapping[str, object] = field(default_factory=dict)
    consumption_per_feed: Mapping[str, object] = field(default_factory=dict)
    equipment: tuple[Equipment, ...] = ()
    operators_per_shift: object = 0.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    @property
    def inlet_ports(self) -> tuple[str, ...]:
        return tuple(self.inlet_names)

    @property
    def outlet_ports(self) -> tuple[str, ...]:
        return tuple(self.yields)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        missing = [p for p in self.inlet_ports if p not in inlets]
        if missing:
            raise InputError(
                f"GenericStage needs inlet streams on ports {list(self.inlet_ports)}; "
                f"missing {missing}"
            )
        if not self.yields:
            raise InputError("yields must name at least one outlet")
        check_choice(self.waste_class, WASTE_CLASSES, "waste_class")
        density = check_positive(self.waste_density, "kg/m**3", "waste_density")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        feed = mix(*(inlets[p] for p in self.inlet_ports))

        shares = {}
        for outlet, table in self.yields.items():
            table = dict(table)
            default = check_fraction(table.pop("*", 0.0), f"yields[{outlet!r}]['*']")
            checked = {
                c: check_fraction(v, f"yields[{outlet!r}][{c!r}]") for c, v in table.items()
            }
            shares[outlet] = component_shares(
                feed, checked, default=default, name=f"yields[{outlet!r}]"
            )
        total = sum(shares.values())
        if np.any(total > 1.0 + 1e-12):
            column = int(np.argmax((total > 1.0 + 1e-12).reshape(-1, total.shape[-1]).any(0)))
            component = feed.components[column]
            raise InputError(
                f"yields of {component!r} over outlets {list(self.yields)} sum to "
                f"{describe(total[..., column])}; they must sum to <= 1 (the rest is waste)"
            )

        outlets = {o: Stream(feed.components, feed.mass_flows * s) for o, s in shares.items()}
        remainder = feed.mass_flows - sum(o.mass_flows for o in outlets.values())
        remainder = np.maximum(remainder, 0.0)
        wastes = ()
        if np.any(remainder > 0):
            wastes = (
                Waste(
                    self.waste_name,
                    self.waste_class,
                    Stream(feed.components, remainder),
                    density=Q_(density, "kg/m**3"),
                ),
            )

        consumption = {}
        for name, value in dict(self.consumption).items():
            if not hasattr(value, "dimensionality"):
                raise InputError(
                    f"consumption[{name!r}] must be a rate Quantity such as "
                    f"Q_(50, 'kW') or Q_(10, 'kg/h'), got {describe(value)}"
                )
            consumption[name] = _as_rate(value, f"consumption[{name!r}]")
        feed_rate = Q_(feed.total_kg_s, "kg/s")
        for name, value in dict(self.consumption_per_feed).items():
            if not hasattr(value, "dimensionality"):
                value = Q_(value, "kg/kg")  # a plain number is kg per kg of feed
            rate = _as_rate(value * feed_rate, f"consumption_per_feed[{name!r}]")
            if name in consumption:
                if rate.dimensionality != consumption[name].dimensionality:
                    raise UnitError(
                        f"consumption_per_feed[{name!r}] times the feed rate gives "
                        f"{rate.units}, which cannot be added to consumption[{name!r}] in "
                        f"{consumption[name].units}"
                    )
                consumption[name] = consumption[name] + rate.to(consumption[name].units)
            else:
                consumption[name] = rate
        return StageResult(
            inlets=dict(inlets),
            outlets=outlets,
            equipment=tuple(self.equipment),
            consumption=consumption,
            wastes=wastes,
            operators_per_shift=operators,
            details={"feed_rate": feed_rate.to("kg/h")},
        )
