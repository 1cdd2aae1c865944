"""Oxide to metal: molten-salt electrolysis (NdPr) and calciothermic reduction (heavy REE).

**How a metal stream is represented.** A :class:`~tecmodel.streams.Stream` carries
rare earths on the commercial-oxide basis, and so does the ``"metal"`` outlet here: its
``"Nd"`` column is the kg/s of Nd2O3 *equivalent* of the Nd metal produced. The metal
mass itself is ``stream.element_flow("Nd")`` (oxide ÷ oxide factor) and is reported in
``details["metal_mass_flow"]``. This keeps every mass balance closing on one basis:

    oxide in = metal out × oxide factor + losses (oxide equivalent),

and the oxygen (and fluorine) removed leaves in anode gas or slag, which are not tracked
components. Downstream code that needs kg of metal must use ``element_flow``.

Faraday's law: charge per kg of metal = z · F / M, with z = 3 for trivalent rare earths;
for Nd, 3 · 96,485 C/mol / 0.144242 kg/mol = 557 Ah/kg (REFERENCE_DATA.md, computed).
DC energy = charge · cell voltage / current efficiency (6.3–8.8 kWh/kg Nd at 9–11 V and
70–80 %, REFERENCE_DATA.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..errors import InputError
from ..streams import Stream, is_rare_earth
from ..units import Q_
from ._common import (
    FARADAY,
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
    mol_per_kg,
)
from .base import WASTE_CLASSES, Equipment, StageResult
from .waste import classified_wastes

__all__ = [
    "MetallothermicReduction",
    "MoltenSaltElectrolysis",
    "anode_carbon_floor",
    "faraday_charge",
]

#: Valence of the rare-earth ion reduced at the cathode (RE3+ in fluoride melts).
METAL_VALENCE = 3.0
#: Oxygen per metal removed at the anode, RE2O3 basis: Pr6O11, CeO2 and Tb4O7 are taken to
#: lose their extra oxygen on dissolution at ~1,050 °C (assumption).
OXYGEN_PER_METAL = 1.5
_C, _O, _F, _CA = 12.011, 15.999, 18.998, 40.078  # CIAAW 2021 [g/mol]
_CO2 = _C + 2 * _O
_HF = 1.008 + _F
_CAF2 = _CA + 2 * _F
_CAO = _CA + _O

# Defaults for MoltenSaltElectrolysis.
#: Cell voltage: 10 V, the middle of 9–11 V (REFERENCE_DATA.md, Oxide to metal).
DEFAULT_CELL_VOLTAGE = 10.0
#: Current efficiency: 0.75, the middle of 70–80 % (REFERENCE_DATA.md, Oxide to metal).
DEFAULT_CURRENT_EFFICIENCY = 0.75
#: Fraction of the oxide fed that ends as metal: assumption, 0.95.
DEFAULT_ELECTROLYSIS_YIELD = 0.95
#: Actual anode carbon over the CO2 floor (0.062 kg C/kg Nd): assumption, 2.0 (= the CO
#: floor, 0.125 kg/kg); REFERENCE_DATA.md says real use is higher than the floor.
DEFAULT_ANODE_CARBON_RATIO = 2.0
#: Rectifier (AC -> DC) efficiency: assumption, 0.97.
DEFAULT_RECTIFIER_EFFICIENCY = 0.97
#: Electrolyte make-up per kg metal: assumptions (placeholders), 0.01 kg LiF and
#: 0.03 kg REF3 per kg metal.
DEFAULT_LITHIUM_FLUORIDE_LOSS = 0.01
DEFAULT_RARE_EARTH_FLUORIDE_LOSS = 0.03
#: Current of one cell: assumption, 10 kA (the reference size of the electrolysis_cell
#: correlation in tecmodel/data/equipment.toml).
DEFAULT_CELL_CURRENT_KA = 10.0

# Defaults for MetallothermicReduction.
#: Calcium above stoichiometric: 0.2 — Yu, Chung & Wang, Materials 18 (2025) 971,
#: doi:10.3390/ma18050971 (1.2x stoichiometric Ca, 97 % Nd recovery; chloride feed, relayed).
DEFAULT_CALCIUM_EXCESS = 0.2
#: Metal yield: 0.95 — Sharma & Seefurth, J. Electrochem. Soc. 135 (1988) 66,
#: doi:10.1149/1.2095591 (~95 % of Nd2O3 recovered as metal with Ca; relayed abstract).
DEFAULT_REDUCTION_YIELD = 0.95
#: HF above stoichiometric for REO -> REF3: assumption, 0.1.
DEFAULT_HF_EXCESS = 0.1
#: Furnace electricity per kg metal: assumption, 5 kWh/kg (induction heating to ~1,500 °C).
DEFAULT_REDUCTION_ENERGY = 5.0


# ---------------------------------------------------------------------------- kernels
def faraday_charge(atomic_mass, valence=METAL_VALENCE):
    """Charge to deposit 1 kg of metal [A·h/kg]: z · F / M / 3600.

    Parameters
    ----------
    atomic_mass : array_like
        [g/mol].
    valence : array_like
        Electrons per atom [-].
    """
    return valence * FARADAY / (np.asarray(atomic_mass, dtype=float) / 1000.0) / 3600.0


def anode_carbon_floor(atomic_mass, gas="CO2", oxygen_per_metal=OXYGEN_PER_METAL):
    """Stoichiometric carbon per kg metal [kg C/kg]: O/M · (1/2 for CO2, 1 for CO) · M_C / M.

    For Nd: 1.5 · 0.5 · 12.011 / 144.242 = 0.0625 (CO2) and 0.125 (CO).
    """
    per_oxygen = {"CO2": 0.5, "CO": 1.0}[gas]
    return oxygen_per_metal * per_oxygen * _C / np.asarray(atomic_mass, dtype=float)


def _metal_mol(mass_flows, components):
    """mol/s of each rare earth (0 for other components), shape (..., n)."""
    ree = np.array([is_rare_earth(c) for c in components], dtype=float)
    return mass_flows * mol_per_kg(components) * ree


def _metal_details(stream: Stream) -> dict:
    per_element = {c: Q_(stream.element_flow(c).magnitude, "kg/s").to("kg/h")
                   for c in stream.rare_earths}  # fmt: skip
    total = sum((q.magnitude for q in per_element.values()), start=np.zeros(stream.shape))
    return {"metal_mass_flow": Q_(total, "kg/h"), "metal_mass_flow_by_element": per_element}


def _check_rare_earth_feed(feed: Stream, stage: str) -> None:
    if not feed.rare_earths:
        raise InputError(f"{stage} feed must carry at least one rare earth; it carries "
                         f"{', '.join(feed.components)}")  # fmt: skip


# ---------------------------------------------------------------------------- stages
@dataclass(frozen=True)
class MoltenSaltElectrolysis:
    """Molten-salt (REF3–LiF, ~1,050 °C) electrolysis of rare-earth oxide to metal.

    Inlet ``"feed"`` (oxide, e.g. NdPr oxide); outlet ``"metal"`` (oxide-equivalent basis,
    see the module notes); waste ``"electrolysis salt and sludge"`` carrying the oxide not
    recovered (class ``loss_class``, default hazardous: fluoride-bearing, assumption).
    Non-rare-earth components of the feed go to the waste.

    Per mol of metal: charge z·F with z = 3 (557 Ah/kg Nd); current = charge rate /
    ``current_efficiency``; DC power = current · ``cell_voltage``; electricity = DC /
    ``rectifier_efficiency``. Anode carbon = ``anode_carbon_ratio`` × the CO2 floor
    (0.75 mol C per mol RE; 0.062 kg C/kg Nd).

    Parameters
    ----------
    cell_voltage : pint.Quantity
        Default 10 V (REFERENCE_DATA.md: 9–11 V).
    current_efficiency : float or array_like
        Default 0.75 (REFERENCE_DATA.md: >70 % in fluoride melts, 70–80 %).
    metal_yield : float or array_like
        Fraction of each rare earth fed that is tapped as metal [-]. Default 0.95
        (assumption).
    anode_carbon_ratio : float or array_like
        Actual anode carbon over the CO2 floor [-], ≥ 1. Default 2.0 (assumption, equal to
        the CO floor 0.125 kg C/kg Nd; real use is higher than the floor).
    rectifier_efficiency : float or array_like
        Default 0.97 (assumption).
    lithium_fluoride_loss, rare_earth_fluoride_loss : pint.Quantity
        Electrolyte make-up per kg of metal [mass/mass]. Defaults 0.01 and 0.03 kg/kg
        (assumptions, placeholders).
    cell_current : pint.Quantity
        Current of one cell; sets the number of cells. Default 10 kA (assumption).
    loss_class : str
        Waste class of the unrecovered oxide. Default ``"hazardous"`` (assumption); a
        Th + U content above 0.05 wt% makes it radioactive.
    operators_per_shift : float or array_like
        Default 2 (assumption).

    Notes
    -----
    ``consumption``: ``electricity`` [kW], ``anode_carbon``, ``lithium_fluoride``,
    ``rare_earth_fluoride`` [kg/h]. ``equipment``: ``electrolysis_cell`` sized by current
    [kA]. ``details``: metal mass flow (element basis, total and by element),
    ``specific_charge`` [Ah/kg metal], ``specific_energy_dc`` [kWh/kg metal], current,
    DC power, anode carbon floors (CO2 and CO) and the CO2 equivalent of the carbon used.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "current_efficiency": (0.0, 1.0),
        "metal_yield": (0.0, 1.0),
        "rectifier_efficiency": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("metal",)

    cell_voltage: object = field(default_factory=lambda: Q_(DEFAULT_CELL_VOLTAGE, "V"))
    current_efficiency: object = DEFAULT_CURRENT_EFFICIENCY
    metal_yield: object = DEFAULT_ELECTROLYSIS_YIELD
    anode_carbon_ratio: object = DEFAULT_ANODE_CARBON_RATIO
    rectifier_efficiency: object = DEFAULT_RECTIFIER_EFFICIENCY
    lithium_fluoride_loss: object = field(
        default_factory=lambda: Q_(DEFAULT_LITHIUM_FLUORIDE_LOSS, "kg/kg")
    )
    rare_earth_fluoride_loss: object = field(
        default_factory=lambda: Q_(DEFAULT_RARE_EARTH_FLUORIDE_LOSS, "kg/kg")
    )
    cell_current: object = field(default_factory=lambda: Q_(DEFAULT_CELL_CURRENT_KA, "kA"))
    loss_class: str = "hazardous"
    operators_per_shift: object = 2.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "MoltenSaltElectrolysis")
        _check_rare_earth_feed(feed, "MoltenSaltElectrolysis")
        voltage = check_positive(self.cell_voltage, "V", "cell_voltage")
        efficiency = check_fraction(self.current_efficiency, "current_efficiency")
        check_positive(efficiency, "", "current_efficiency")
        metal_yield = check_fraction(self.metal_yield, "metal_yield")
        carbon_ratio = check_positive(self.anode_carbon_ratio, "", "anode_carbon_ratio")
        if np.any(np.asarray(carbon_ratio) < 1):
            raise InputError(
                f"anode_carbon_ratio must be >= 1 (the CO2 floor), got {self.anode_carbon_ratio!r}"
            )
        rectifier = check_fraction(self.rectifier_efficiency, "rectifier_efficiency")
        check_positive(rectifier, "", "rectifier_efficiency")
        lif = check_positive(self.lithium_fluoride_loss, "", "lithium_fluoride_loss",
                             allow_zero=True)  # fmt: skip
        ref3 = check_positive(self.rare_earth_fluoride_loss, "", "rare_earth_fluoride_loss",
                              allow_zero=True)  # fmt: skip
        cell_current = check_positive(self.cell_current, "A", "cell_current")
        check_choice(self.loss_class, WASTE_CLASSES, "loss_class")
        operators = check_positive(self.operators_per_shift, "", "operators_per_shift",
                                   allow_zero=True)  # fmt: skip

        ree = np.array([is_rare_earth(c) for c in feed.components], dtype=float)
        shares = np.asarray(metal_yield, dtype=float)[..., None] * ree
        metal = feed.mass_flows * shares
        loss = np.maximum(feed.mass_flows - metal, 0.0)
        metal_stream = Stream(feed.components, metal)

        mol = _metal_mol(metal, feed.components).sum(axis=-1)  # mol/s of metal
        metal_kg_s = sum(
            (metal_stream.element_flow(c).magnitude for c in feed.rare_earths),
            start=np.zeros(metal_stream.shape),
        )
        current = mol * METAL_VALENCE * FARADAY / efficiency  # A
        dc_power = current * voltage  # W
        electricity_kw = dc_power / rectifier / 1000.0
        carbon_mol = mol * OXYGEN_PER_METAL * 0.5 * carbon_ratio
        carbon_kg_s = carbon_mol * _C / 1000.0
        floor_co2 = mol * OXYGEN_PER_METAL * 0.5 * _C / 1000.0
        cells = np.maximum(np.ceil(current / cell_current - 1e-12), 1.0)

        wastes, class_details = classified_wastes(
            "electrolysis salt and sludge", Stream(feed.components, loss),
            default_class=self.loss_class,
        )  # fmt: skip
        with np.errstate(over="ignore"):  # a vanishing metal flow gives a huge per-kg figure
            per_kg = np.divide(
                1.0, metal_kg_s, out=np.zeros(np.shape(metal_kg_s)), where=metal_kg_s > 0
            )
        details = {
            **_metal_details(metal_stream),
            "specific_charge": Q_(current * efficiency * per_kg / 3600.0, "A*h/kg"),
            "specific_energy_dc": Q_(dc_power * per_kg / 3.6e6, "kW*h/kg"),
            "current": Q_(current, "A").to("kA"),
            "dc_power": Q_(dc_power, "W").to("kW"),
            "anode_carbon_floor_co2": Q_(floor_co2, "kg/s").to("kg/h"),
            "anode_carbon_floor_co": Q_(2 * floor_co2, "kg/s").to("kg/h"),
            "anode_co2_equivalent": Q_(carbon_mol * _CO2 / 1000.0, "kg/s").to("kg/h"),
            "loss_waste": class_details,
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"metal": metal_stream},
            equipment=(
                Equipment(
                    "electrolysis cells",
                    "electrolysis_cell",
                    Q_(current / cells, "A").to("kA"),
                    cells,
                ),
            ),
            consumption={
                "electricity": Q_(electricity_kw, "kW"),
                "anode_carbon": Q_(carbon_kg_s, "kg/s").to("kg/h"),
                "lithium_fluoride": Q_(lif * metal_kg_s, "kg/s").to("kg/h"),
                "rare_earth_fluoride": Q_(ref3 * metal_kg_s, "kg/s").to("kg/h"),
            },
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )


@dataclass(frozen=True)
class MetallothermicReduction:
    """Fluorinate rare-earth oxide with HF and reduce the fluoride with calcium.

    REO + HF → REF3 (3 mol HF per mol RE), then 2 REF3 + 3 Ca → 2 RE + 3 CaF2
    (1.5 mol Ca per mol RE). Used for heavy rare earths (Dy, Tb) whose melting points rule
    out the NdPr electrolysis cell.

    Inlet ``"feed"`` (oxide); outlet ``"metal"`` (oxide-equivalent basis, module notes);
    waste ``"reduction slag"``: the unrecovered oxide equivalent and non-REE components
    (tracked) plus CaF2 formed and the excess Ca (as CaO) (untracked), class
    ``slag_class`` unless Th + U ≥ 0.05 wt% makes it radioactive.

    Parameters
    ----------
    calcium_excess : float or array_like
        Ca above stoichiometric [-]. Default 0.2 (Yu, Chung & Wang 2025: 1.2× gave 97 %).
    metal_yield : float or array_like
        Default 0.95 (Sharma & Seefurth 1988, ~95 %).
    hf_excess : float or array_like
        HF above stoichiometric [-]. Default 0.1 (assumption).
    specific_energy : pint.Quantity
        Furnace electricity per kg of metal [energy/mass]. Default 5 kWh/kg (assumption).
    slag_class : str
        Default ``"non_hazardous"`` (assumption: CaF2 is sparingly soluble).
    slag_density : pint.Quantity
        Default 2,000 kg/m³ (assumption).
    operators_per_shift : float or array_like
        Default 1 (assumption).

    Notes
    -----
    ``consumption``: ``calcium``, ``hydrogen_fluoride`` [kg/h], ``electricity`` [kW].
    ``equipment``: ``reduction_furnace`` sized by electric power [kW]. ``details``: metal
    mass flow (element basis), CaF2 slag mass, stoichiometric Ca.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "metal_yield": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("metal",)

    calcium_excess: object = DEFAULT_CALCIUM_EXCESS
    metal_yield: object = DEFAULT_REDUCTION_YIELD
    hf_excess: object = DEFAULT_HF_EXCESS
    specific_energy: object = field(
        default_factory=lambda: Q_(DEFAULT_REDUCTION_ENERGY, "kW*h/kg")
    )
    slag_class: str = "non_hazardous"
    slag_density: object = field(default_factory=lambda: Q_(2000.0, "kg/m**3"))
    operators_per_shift: object = 1.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "MetallothermicReduction")
        _check_rare_earth_feed(feed, "MetallothermicReduction")
        ca_excess = check_positive(self.calcium_excess, "", "calcium_excess", allow_zero=True)
        metal_yield = check_fraction(self.metal_yield, "metal_yield")
        hf_excess = check_positive(self.hf_excess, "", "hf_excess", allow_zero=True)
        energy = check_positive(self.specific_energy, "J/kg", "specific_energy",
                                allow_zero=True)  # fmt: skip
        check_choice(self.slag_class, WASTE_CLASSES, "slag_class")
        density = check_positive(self.slag_density, "kg/m**3", "slag_density")
        operators = check_positive(self.operators_per_shift, "", "operators_per_shift",
                                   allow_zero=True)  # fmt: skip

        ree = np.array([is_rare_earth(c) for c in feed.components], dtype=float)
        metal = feed.mass_flows * (np.asarray(metal_yield, dtype=float)[..., None] * ree)
        loss = np.maximum(feed.mass_flows - metal, 0.0)
        metal_stream = Stream(feed.components, metal)

        mol_fed = _metal_mol(feed.mass_flows, feed.components).sum(axis=-1)
        mol_metal = _metal_mol(metal, feed.components).sum(axis=-1)
        metal_kg_s = sum(
            (metal_stream.element_flow(c).magnitude for c in feed.rare_earths),
            start=np.zeros(metal_stream.shape),
        )
        hf_kg_s = 3.0 * mol_fed * (1.0 + hf_excess) * _HF / 1000.0
        ca_stoich = 1.5 * mol_fed
        ca_kg_s = ca_stoich * (1.0 + ca_excess) * _CA / 1000.0
        caf2_kg_s = 1.5 * mol_metal * _CAF2 / 1000.0
        # Ca not turned into CaF2 (excess, and the share of unreduced fluoride) ends as CaO.
        cao_kg_s = np.maximum(ca_stoich * (1.0 + ca_excess) - 1.5 * mol_metal, 0.0) * _CAO / 1e3
        power_kw = energy * metal_kg_s / 1000.0

        wastes, class_details = classified_wastes(
            "reduction slag", Stream(feed.components, loss),
            dry_other_kg_s=caf2_kg_s + cao_kg_s, density_kg_m3=density,
            default_class=self.slag_class,
        )  # fmt: skip
        details = {
            **_metal_details(metal_stream),
            "calcium_stoichiometric": Q_(ca_stoich * _CA / 1000.0, "kg/s").to("kg/h"),
            "calcium_fluoride_slag": Q_(caf2_kg_s, "kg/s").to("kg/h"),
            "slag_waste": class_details,
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"metal": metal_stream},
            equipment=(Equipment("reduction furnace", "reduction_furnace", Q_(power_kw, "kW")),),
            consumption={
                "calcium": Q_(ca_kg_s, "kg/s").to("kg/h"),
                "hydrogen_fluoride": Q_(hf_kg_s, "kg/s").to("kg/h"),
                "electricity": Q_(power_kw, "kW"),
            },
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )
