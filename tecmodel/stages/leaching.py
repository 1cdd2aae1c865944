"""Acid leaching (ore cracking) of a rare-earth concentrate.

The concentrate is slurried with acid; rare earths and part of the thorium and uranium
dissolve into a pregnant leach solution, while gangue, unleached rare earths and most of
the thorium stay in a residue that is filtered off and sent to disposal, classed by its
Th + U content (:mod:`tecmodel.stages.waste`).

Kernel: :func:`leach` works on plain arrays in canonical units; :class:`AcidLeaching`
checks units once and builds the :class:`~tecmodel.stages.base.StageResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..elements import ELEMENTS
from ..errors import InputError
from ..streams import Stream
from ..units import Q_
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
    component_shares,
    mol_per_kg,
)
from .base import Equipment, StageResult
from .waste import ACIDS, SOURCE_MATERIAL_THRESHOLD, cation_charges, classified_wastes

__all__ = ["AcidLeaching", "leach"]

# Defaults. None of these was found in a primary public source in this session; each is an
# explicit assumption to be replaced by plant data or swept in a sensitivity study.
#: REE recovery to the liquor [-]: assumption (a well-cracked concentrate).
DEFAULT_RECOVERY = 0.95
#: Fraction of Th dissolved [-]: assumption (Th mostly reports to the residue, as in the
#: Lynas WLP residue, REFERENCE_DATA.md Waste).
DEFAULT_THORIUM_DISSOLUTION = 0.05
#: Fraction of U dissolved [-]: assumption (U(VI) is more soluble than Th).
DEFAULT_URANIUM_DISSOLUTION = 0.5
#: Acid above stoichiometric, covering free acid in the liquor [-]: assumption.
DEFAULT_ACID_EXCESS = 0.2
#: Acid demand of dissolved impurities [mol H+ per kg]: assumption, calcite CaCO3
#: (2 mol H+ per 100.09 g = 20.0 mol/kg; Fe2O3 would be 37.6 mol/kg).
DEFAULT_IMPURITY_ACID_DEMAND = 20.0
#: Leach residence time: assumption, 2 h.
DEFAULT_RESIDENCE_TIME_H = 2.0
#: Solids mass fraction of the slurry: assumption, 0.3.
DEFAULT_SOLIDS_FRACTION = 0.3
#: Slurry density: computed for 30 wt% solids of 4,000 kg/m3 in water,
#: 1 / (0.3/4000 + 0.7/1000) = 1,290 kg/m3, rounded to 1,300.
DEFAULT_SLURRY_DENSITY = 1300.0
#: Largest single reactor: the UKy leach-tank reference size, 49,950 gal (~189 m3)
#: (tecmodel/data/equipment.toml, key leach_reactor).
DEFAULT_MAX_REACTOR_VOLUME_GAL = 49950.0
#: Agitation power per m3 of reactor: assumption, 0.3 kW/m3.
DEFAULT_AGITATION_POWER = 0.3
#: Water in the filtered residue, mass fraction of the wet cake: assumption, 0.2.
DEFAULT_RESIDUE_MOISTURE = 0.2


def leach(
    mass_flows,
    components,
    dissolution,
    *,
    proton_per_mol,
    acid_protons,
    acid_molar_mass,
    acid_excess,
    impurity_acid_demand,
):
    """Split a feed into liquor and residue and compute the acid it needs.

    Parameters
    ----------
    mass_flows : ndarray
        Feed mass flows, shape (..., n) [kg/s], oxide basis for elements.
    components : sequence of str
        Component names, length n.
    dissolution : ndarray
        Fraction of each component dissolved, shape (..., n) [-].
    proton_per_mol : ndarray
        H+ consumed per mol of each dissolved metal, shape (n,) [-] (0 for impurities).
    acid_protons : float
        Mol H+ per mol acid [-].
    acid_molar_mass : float
        [g/mol].
    acid_excess, impurity_acid_demand : array_like
        Fraction above stoichiometric [-]; H+ demand of dissolved impurities [mol/kg].

    Returns
    -------
    liquor, residue : ndarray
        Mass flows [kg/s], shape (..., n); liquor + residue = feed.
    acid : ndarray
        Acid consumption, 100 % basis [kg/s].
    protons : ndarray
        Stoichiometric H+ demand [mol/s].
    """
    liquor = mass_flows * dissolution
    residue = np.maximum(mass_flows - liquor, 0.0)
    mol = liquor * mol_per_kg(components)
    is_element = np.array([c in ELEMENTS for c in components])
    protons = (mol * proton_per_mol).sum(axis=-1) + impurity_acid_demand * (
        liquor * ~is_element
    ).sum(axis=-1)
    acid = protons / acid_protons * acid_molar_mass / 1000.0 * (1.0 + acid_excess)
    return liquor, residue, acid, protons


@dataclass(frozen=True)
class AcidLeaching:
    """Acid leaching of a concentrate: inlet ``"feed"``, outlet ``"liquor"``, waste
    ``"leach residue"``.

    Rare earths dissolve with ``recovery``, thorium with ``thorium_dissolution``, uranium
    with ``uranium_dissolution``, every other component with its entry in
    ``impurity_dissolution`` (default 0: stays in the residue). Water and acid are not
    tracked components: the liquor carries the dissolved species only.

    Acid (100 % basis) is stoichiometric for what dissolves, times (1 + ``acid_excess``):
    3 mol H+ per mol rare earth (RE2O3 + 6 H+ → 2 RE3+ + 3 H2O; CeO2, Pr6O11 and Tb4O7
    taken as trivalent in solution), 4 per mol Th, 2 per mol U (uranyl), and
    ``impurity_acid_demand`` mol H+ per kg of dissolved impurity. Mol of each element are
    computed from its own atomic mass and oxide formula. HCl gives 1 H+ per mol, H2SO4 2.

    The leach reactor volume is slurry volume flow × residence time, with slurry volume
    flow = feed / solids_fraction / slurry_density; it is split into the fewest equal
    reactors no larger than ``max_reactor_volume``.

    The residue is classed ``"radioactive"`` where (Th + U, element basis) ≥ 0.05 % of
    its dry mass (NRC 10 CFR 40.4 source-material rule), ``"non_hazardous"`` elsewhere
    (see :mod:`tecmodel.stages.waste`).

    Parameters
    ----------
    acid : {"hydrochloric_acid", "sulfuric_acid"}
        Lixiviant; also the consumption name for costing.
    recovery : float or array_like
        Fraction of each rare earth dissolved [-]. Default 0.95 (assumption).
    thorium_dissolution, uranium_dissolution : float or array_like
        Fractions of Th and U dissolved [-]. Defaults 0.05 and 0.5 (assumptions).
    impurity_dissolution : mapping of str to float or array_like
        Fraction dissolved of named non-REE components [-]; a name the feed does not carry
        raises. Default {} (assumption: gangue is inert).
    acid_excess : float or array_like
        Acid above stoichiometric [-]. Default 0.2 (assumption).
    impurity_acid_demand : pint.Quantity
        H+ consumed per kg of dissolved impurity [mol/kg]. Default 20 mol/kg (calcite,
        computed; assumption that gangue behaves like calcite).
    residence_time : pint.Quantity
        Default 2 h (assumption).
    solids_fraction : float or array_like
        Solids mass fraction of the slurry [-]. Default 0.3 (assumption).
    slurry_density : pint.Quantity
        Default 1,300 kg/m³ (computed for 30 wt% solids of 4,000 kg/m³).
    max_reactor_volume : pint.Quantity
        Largest single reactor. Default 49,950 gal (UKy leach-tank reference size).
    agitation_power : pint.Quantity
        Agitator shaft power per reactor volume [power/volume]. Default 0.3 kW/m³
        (assumption).
    residue_moisture : float or array_like
        Water in the filtered residue [-]. Default 0.2 (assumption).
    residue_density : pint.Quantity
        Bulk density of the wet residue. Default 1,600 kg/m³ (tecmodel/data/disposal.toml
        ``bulk_density``, an assumption there).
    radioactive_threshold : float or array_like
        (Th + U) mass fraction of dry residue from which it is radioactive. Default 0.0005
        (NRC 10 CFR 40.4).
    operators_per_shift : float or array_like
        Default 1 (assumption).

    Notes
    -----
    ``consumption``: the acid [kg/h], ``electricity`` (agitators) [kW], ``process_water``
    (slurry make-up, fresh water assumed) [m³/h]. ``equipment``: ``leach_reactor``
    (volume per unit), ``agitator`` (shaft power per unit). ``details``: reactor volume,
    slurry volume flow, stoichiometric H+ demand, and the residue classification figures
    (source-material fraction, Th-232 and U-238 activity in Bq/g, rule).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recovery": (0.0, 1.0),
        "thorium_dissolution": (0.0, 1.0),
        "uranium_dissolution": (0.0, 1.0),
        "solids_fraction": (0.0, 1.0),
        "residue_moisture": (0.0, 0.99),
        "radioactive_threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)

    acid: str = "hydrochloric_acid"
    recovery: object = DEFAULT_RECOVERY
    thorium_dissolution: object = DEFAULT_THORIUM_DISSOLUTION
    uranium_dissolution: object = DEFAULT_URANIUM_DISSOLUTION
    impurity_dissolution: Mapping[str, object] = field(default_factory=dict)
    acid_excess: object = DEFAULT_ACID_EXCESS
    impurity_acid_demand: object = field(
        default_factory=lambda: Q_(DEFAULT_IMPURITY_ACID_DEMAND, "mol/kg")
    )
    residence_time: object = field(default_factory=lambda: Q_(DEFAULT_RESIDENCE_TIME_H, "h"))
    solids_fraction: object = DEFAULT_SOLIDS_FRACTION
    slurry_density: object = field(default_factory=lambda: Q_(DEFAULT_SLURRY_DENSITY, "kg/m**3"))
    max_reactor_volume: object = field(
        default_factory=lambda: Q_(DEFAULT_MAX_REACTOR_VOLUME_GAL, "gal")
    )
    agitation_power: object = field(default_factory=lambda: Q_(DEFAULT_AGITATION_POWER, "kW/m**3"))
    residue_moisture: object = DEFAULT_RESIDUE_MOISTURE
    residue_density: object = field(default_factory=lambda: Q_(1600.0, "kg/m**3"))
    radioactive_threshold: object = SOURCE_MATERIAL_THRESHOLD
    operators_per_shift: object = 1.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "AcidLeaching")
        check_choice(self.acid, ACIDS, "acid")
        recovery = check_fraction(self.recovery, "recovery")
        th = check_fraction(self.thorium_dissolution, "thorium_dissolution")
        u = check_fraction(self.uranium_dissolution, "uranium_dissolution")
        impurity = {
            name: check_fraction(value, f"impurity_dissolution[{name!r}]")
            for name, value in dict(self.impurity_dissolution).items()
        }
        misplaced = [name for name in impurity if name in ELEMENTS]
        if misplaced:
            raise InputError(
                f"impurity_dissolution must not name {misplaced}: rare earths, Th and U are "
                "set by recovery, thorium_dissolution and uranium_dissolution"
            )
        excess = check_positive(self.acid_excess, "", "acid_excess", allow_zero=True)
        demand = check_positive(
            self.impurity_acid_demand, "mol/kg", "impurity_acid_demand", allow_zero=True
        )
        residence = check_positive(self.residence_time, "s", "residence_time")
        solids = check_fraction(self.solids_fraction, "solids_fraction")
        check_positive(solids, "", "solids_fraction")
        density = check_positive(self.slurry_density, "kg/m**3", "slurry_density")
        max_volume = check_positive(self.max_reactor_volume, "m**3", "max_reactor_volume")
        power_density = check_positive(
            self.agitation_power, "kW/m**3", "agitation_power", allow_zero=True
        )
        moisture = check_fraction(self.residue_moisture, "residue_moisture", high=0.99)
        residue_density = check_positive(self.residue_density, "kg/m**3", "residue_density")
        threshold = check_fraction(self.radioactive_threshold, "radioactive_threshold")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )

        shares = {c: recovery for c in feed.rare_earths}
        shares.update({c: v for c, v in (("Th", th), ("U", u)) if c in feed.components})
        shares.update(impurity)
        dissolution = component_shares(feed, shares, name="impurity_dissolution")
        acid = ACIDS[self.acid]
        liquor, residue, acid_kg_s, protons = leach(
            feed.mass_flows, feed.components, dissolution,
            proton_per_mol=cation_charges(feed.components),
            acid_protons=acid["protons"], acid_molar_mass=acid["molar_mass"],
            acid_excess=excess, impurity_acid_demand=demand,
        )  # fmt: skip
        liquor_stream = Stream(feed.components, liquor)
        residue_stream = Stream(feed.components, residue)

        solids_kg_s = feed.total_kg_s
        slurry_m3_s = solids_kg_s / solids / density
        volume = slurry_m3_s * residence
        units = np.maximum(np.ceil(volume / max_volume - 1e-12), 1.0)
        unit_volume = volume / units
        water_m3_h = solids_kg_s * (1.0 / solids - 1.0) / 1000.0 * 3600.0
        power_kw = power_density * volume

        dry = residue_stream.total_kg_s
        water = dry * moisture / (1.0 - moisture)
        wastes, class_details = classified_wastes(
            "leach residue", residue_stream, moisture_kg_s=water,
            density_kg_m3=residue_density, default_class="non_hazardous",
            threshold=threshold,
        )  # fmt: skip
        details = {
            "reactor_volume": Q_(volume, "m**3"),
            "slurry_volume_flow": Q_(slurry_m3_s, "m**3/s").to("m**3/h"),
            "proton_demand": Q_(protons, "mol/s").to("kmol/h"),
            "free_acid": Q_(acid_kg_s * excess / (1.0 + excess), "kg/s").to("kg/h"),
            "residue_dry_mass_flow": Q_(dry, "kg/s").to("kg/h"),
            **class_details,
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": liquor_stream},
            equipment=(
                Equipment("leach reactors", "leach_reactor", Q_(unit_volume, "m**3"), units),
                Equipment("leach agitators", "agitator", Q_(power_kw / units, "kW"), units),
            ),
            consumption={
                self.acid: Q_(acid_kg_s, "kg/s").to("kg/h"),
                "electricity": Q_(power_kw, "kW"),
                "process_water": Q_(water_m3_h, "m**3/h"),
            },
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )
