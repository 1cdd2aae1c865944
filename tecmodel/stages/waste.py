"""Waste classification by thorium and uranium, disposal, and lime neutralisation.

Rare-earth ores carry thorium and uranium, which follow the residues. Whether a residue
is radioactive waste decides most of its disposal cost (REFERENCE_DATA.md, Waste), so
the rule is explicit here and shared by every stage that makes a residue:

* **Classification rule** (U.S. NRC, 10 CFR 40.4, definition of *source material*): an
  ore or residue that contains, by weight, 0.05 % or more of uranium, thorium or any
  combination is source material. tecmodel classes a solid waste ``"radioactive"`` when
  (Th + U, element basis) / dry mass ≥ :data:`SOURCE_MATERIAL_THRESHOLD`, else it keeps
  the stage's default class. Mountain Pass wastes exceed 0.05 wt% Th (NRC; REFERENCE_DATA).
* **Activity**: the Th-232 (parent) specific activity is λN = ln2 / t½ · N_A / M =
  4.06 kBq per g Th with t½ = 1.405e10 a (ICRP Publication 107, 2008) and
  M = 232.0377 g/mol; U-238 gives 12.4 kBq per g U (t½ = 4.468e9 a, ICRP 107; U-238
  alone, natural U-234/U-235 not counted). These are parent activities; in secular
  equilibrium the Th-232 chain carries ~10 times as many Bq in total. For context: the
  Lynas Malaysia WLP residue is ~6 Bq/g Th (REFERENCE_DATA.md), i.e. ~0.15 wt% Th, which
  this rule classes radioactive.

Because a Monte-Carlo sample may fall on either side of the threshold, a classified waste
is reported as two :class:`~tecmodel.stages.base.Waste` lines — the radioactive one
carries the flow where the rule holds, the other one elsewhere — so every sample is
costed by its own class and arrays give the same numbers as scalars one by one. When all
samples agree only one line is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..elements import ELEMENTS
from ..streams import Stream
from ..units import Q_
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
    mol_per_kg,
    split_stream,
)
from .base import WASTE_CLASSES, StageResult, Waste

__all__ = [
    "SOURCE_MATERIAL_THRESHOLD",
    "THORIUM_SPECIFIC_ACTIVITY",
    "URANIUM_SPECIFIC_ACTIVITY",
    "WASTE_REGIMES",
    "Disposal",
    "LimeNeutralisation",
    "classified_wastes",
    "proton_equivalents_per_kg",
    "source_material_fraction",
    "thorium_activity",
    "waste_regime",
]

#: NRC source-material threshold: 0.05 wt% U + Th (10 CFR 40.4).
SOURCE_MATERIAL_THRESHOLD = 0.0005

_AVOGADRO = 6.02214076e23  # [1/mol], exact (SI 2019)
_SECONDS_PER_YEAR = 365.25 * 86400.0  # Julian year, the convention of ICRP 107
#: Th-232 half-life [a], ICRP Publication 107 (2008).
THORIUM_232_HALF_LIFE = 1.405e10
#: U-238 half-life [a], ICRP Publication 107 (2008).
URANIUM_238_HALF_LIFE = 4.468e9


def _specific_activity(half_life_years: float, molar_mass: float) -> float:
    """Bq per g of nuclide: ln2 / t½ · N_A / M (computed)."""
    return np.log(2.0) / (half_life_years * _SECONDS_PER_YEAR) * _AVOGADRO / molar_mass


#: Specific activity of Th-232 [Bq/g Th] (computed: ~4,057 Bq/g).
THORIUM_SPECIFIC_ACTIVITY = _specific_activity(THORIUM_232_HALF_LIFE, ELEMENTS["Th"].atomic_mass)
#: Specific activity of U-238 [Bq/g U] (computed with M = 238.05079 g/mol of U-238: ~12.4 kBq/g;
#: natural U is 99.27 % U-238 by atoms, the difference is neglected).
URANIUM_SPECIFIC_ACTIVITY = _specific_activity(URANIUM_238_HALF_LIFE, 238.05079)

#: Mol H+ neutralised per mol of lime as CaO (CaO + 2 H+ -> Ca2+ + H2O).
_H_PER_CAO = 2.0
_CAO_MOLAR_MASS = 56.077  # [g/mol] (Ca 40.078 + O 15.999, CIAAW)
_GYPSUM_MOLAR_MASS = 172.17  # [g/mol] CaSO4·2H2O (computed from CIAAW atomic weights)
#: Mol H+ per mol of each acid, and molar masses [g/mol] (computed from CIAAW weights).
ACIDS = {
    "hydrochloric_acid": {"protons": 1.0, "molar_mass": 36.458},
    "sulfuric_acid": {"protons": 2.0, "molar_mass": 98.072},
}
#: Charge of the dissolved cation: rare earths 3+, Th 4+, U as uranyl UO2(2+), Fe 2+.
CATION_CHARGE = {"Th": 4.0, "U": 2.0, "Fe": 2.0}
RARE_EARTH_CHARGE = 3.0
#: Dissolved metals tracked by element mass rather than as a commercial oxide: molar mass
#: [g/mol] (CIAAW 2021). ``"Fe"`` is iron as the metal (NdFeB magnet scrap), which a
#: non-oxidising acid dissolves as Fe2+ (Fe + 2 H+ -> Fe2+ + H2). Neutralising it takes
#: 2 H+ equivalents per mol whether it precipitates as Fe(OH)2 or is oxidised by air on
#: the way: 4 Fe2+ + O2 + 4 H+ -> 4 Fe3+ + 2 H2O consumes 1 H+ per Fe, and
#: Fe3+ + 3 H2O -> Fe(OH)3 + 3 H+ releases 3, so 2 net either way.
ELEMENT_MASS_CATIONS = {"Fe": 55.845}


def cation_charges(components) -> np.ndarray:
    """Charge per mol metal for each component (3 REE, 4 Th, 2 U, 2 Fe, 0 otherwise)."""
    out = []
    for c in components:
        if c in CATION_CHARGE:
            out.append(CATION_CHARGE[c])
        elif c in ELEMENTS and ELEMENTS[c].rare_earth:
            out.append(RARE_EARTH_CHARGE)
        else:
            out.append(0.0)
    return np.asarray(out)


def proton_equivalents_per_kg(components) -> np.ndarray:
    """H+ equivalents that neutralising 1 kg of each dissolved component takes [mol/kg].

    Charge · mol per kg: rare earths, Th and U on their commercial-oxide basis
    (:func:`tecmodel.stages._common.mol_per_kg`), the metals of
    :data:`ELEMENT_MASS_CATIONS` (Fe) on their element mass; 0 for anything else. For
    1 kg of Fe: 2 · 1000 / 55.845 = 35.81 mol H+ (0.5 mol CaO per mol H+).
    """
    components = tuple(components)
    mol = mol_per_kg(components)
    mass = np.array(
        [1000.0 / ELEMENT_MASS_CATIONS[c] if c in ELEMENT_MASS_CATIONS else 0.0
         for c in components]
    )  # fmt: skip
    return (mol + mass) * cation_charges(components)


# --------------------------------------------------------------------------- kernels
def source_material_fraction(stream: Stream, other_kg_s=0.0) -> np.ndarray:
    """(Th + U) on the element basis per kg of (dry) waste [-].

    Parameters
    ----------
    stream : Stream
        Tracked components of the waste; ``"Th"`` is ThO2 and ``"U"`` is U3O8 [kg/s].
    other_kg_s : float or array
        Untracked dry mass that also belongs to the waste [kg/s].
    """
    th = stream.kg_s("Th") / ELEMENTS["Th"].oxide_factor
    u = stream.kg_s("U") / ELEMENTS["U"].oxide_factor
    total = stream.total_kg_s + np.asarray(other_kg_s, dtype=float)
    return np.divide(th + u, total, out=np.zeros(np.shape(total)), where=total > 0)


def thorium_activity(stream: Stream, other_kg_s=0.0) -> np.ndarray:
    """Th-232 parent activity of the (dry) waste [Bq/g]."""
    th = stream.kg_s("Th") / ELEMENTS["Th"].oxide_factor
    total = stream.total_kg_s + np.asarray(other_kg_s, dtype=float)
    fraction = np.divide(th, total, out=np.zeros(np.shape(total)), where=total > 0)
    return fraction * THORIUM_SPECIFIC_ACTIVITY


def uranium_activity(stream: Stream, other_kg_s=0.0) -> np.ndarray:
    """U-238 parent activity of the (dry) waste [Bq/g]."""
    u = stream.kg_s("U") / ELEMENTS["U"].oxide_factor
    total = stream.total_kg_s + np.asarray(other_kg_s, dtype=float)
    fraction = np.divide(u, total, out=np.zeros(np.shape(total)), where=total > 0)
    return fraction * URANIUM_SPECIFIC_ACTIVITY


def classified_wastes(
    name: str,
    stream: Stream,
    *,
    dry_other_kg_s=0.0,
    moisture_kg_s=0.0,
    density_kg_m3=1600.0,
    default_class: str = "non_hazardous",
    threshold=SOURCE_MATERIAL_THRESHOLD,
    waste_class: str | None = None,
) -> tuple[tuple[Waste, ...], dict]:
    """Class a solid waste by its Th + U content and return its Waste line(s).

    ``waste_class`` forces a class; otherwise the waste is ``"radioactive"`` where
    (Th + U) / dry mass ≥ ``threshold`` and ``default_class`` elsewhere. Returns the
    wastes and a details dict (fractions, activities, the rule).
    """
    dry_other = np.asarray(dry_other_kg_s, dtype=float)
    moisture = np.asarray(moisture_kg_s, dtype=float)
    fraction = source_material_fraction(stream, dry_other)
    details = {
        "source_material_fraction": fraction,
        "thorium_activity": Q_(thorium_activity(stream, dry_other), "Bq/g"),
        "uranium_activity": Q_(uranium_activity(stream, dry_other), "Bq/g"),
        "classification_rule": (
            f"radioactive when (Th + U) >= {float(np.max(threshold)):g} of dry mass "
            "(NRC 10 CFR 40.4 source material)"
            if waste_class is None
            else f"class forced to {waste_class!r}"
        ),
    }
    density = Q_(density_kg_m3, "kg/m**3")
    other = dry_other + moisture
    if waste_class is not None:
        return (Waste(name, waste_class, stream, Q_(other, "kg/s"), density),), details
    radioactive = fraction >= threshold
    details["radioactive"] = radioactive
    if np.all(radioactive) or not np.any(radioactive):
        cls = "radioactive" if np.all(radioactive) else default_class
        return (Waste(name, cls, stream, Q_(other, "kg/s"), density),), details
    mask = radioactive.astype(float)
    hot, cold = split_stream(stream, mask[..., None] * np.ones(len(stream.components)))
    return (
        Waste(f"{name} (radioactive)", "radioactive", hot, Q_(other * mask, "kg/s"), density),
        Waste(
            f"{name} ({default_class})",
            default_class,
            cold,
            Q_(other * (1 - mask), "kg/s"),
            density,
        ),
    ), details


# ---------------------------------------------------------------------------- stages
@dataclass(frozen=True)
class Disposal:
    """Send a solid stream to disposal, classed by its thorium and uranium content.

    Inlet ``"feed"`` (a residue or precipitate stream); no outlets; one waste (two lines
    when samples straddle the threshold, see the module notes).

    Parameters
    ----------
    name : str
        Name of the waste in reports.
    moisture_fraction : float or array_like
        Water in the wet waste as disposed of, mass fraction [-]. Default 0.2:
        **assumption** (a dewatered filter cake).
    density : pint.Quantity
        Bulk density of the wet waste [mass/volume]. Default 1,600 kg/m³: **assumption**
        (the ``bulk_density`` of tecmodel/data/disposal.toml).
    default_class : {"non_hazardous", "hazardous"}
        Class below the thorium/uranium threshold.
    threshold : float or array_like
        (Th + U) mass fraction of dry waste at and above which it is radioactive [-].
        Default 0.0005 (NRC 10 CFR 40.4 source material).
    waste_class : str, optional
        Force a class instead of applying the rule.

    Notes
    -----
    Reports in ``details``: dry and wet mass flows, disposal volume flow, the (Th + U)
    fraction, Th-232 and U-238 activities [Bq/g] and the rule applied.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "moisture_fraction": (0.0, 0.99),
        "threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ()

    name: str = "residue"
    moisture_fraction: object = 0.2
    density: object = field(default_factory=lambda: Q_(1600.0, "kg/m**3"))
    default_class: str = "non_hazardous"
    threshold: object = SOURCE_MATERIAL_THRESHOLD
    waste_class: str | None = None
    operators_per_shift: object = 0.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "Disposal")
        moisture = check_fraction(self.moisture_fraction, "moisture_fraction", high=0.99)
        density = check_positive(self.density, "kg/m**3", "density")
        threshold = check_fraction(self.threshold, "threshold")
        check_choice(self.default_class, WASTE_CLASSES, "default_class")
        if self.waste_class is not None:
            check_choice(self.waste_class, WASTE_CLASSES, "waste_class")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        dry = feed.total_kg_s
        water = dry * moisture / (1.0 - moisture)
        wastes, details = classified_wastes(
            self.name, feed, moisture_kg_s=water, density_kg_m3=density,
            default_class=self.default_class, threshold=threshold,
            waste_class=self.waste_class,
        )  # fmt: skip
        details.update(
            dry_mass_flow=Q_(dry, "kg/s").to("kg/h"),
            wet_mass_flow=Q_(dry + water, "kg/s").to("kg/h"),
            volume_flow=Q_((dry + water) / density, "m**3/s").to("m**3/h"),
        )
        return StageResult(
            inlets=dict(inlets), outlets={}, wastes=wastes,
            operators_per_shift=operators, details=details,
        )  # fmt: skip


@dataclass(frozen=True)
class LimeNeutralisation:
    """Neutralise an acidic liquor with lime; dissolved metals drop out as a sludge.

    Inlet ``"liquor"`` (dissolved components on the stream basis); outlet ``"effluent"``
    (what stays dissolved); waste ``"neutralisation sludge"`` (precipitated metal
    hydroxides plus gypsum for sulfuric liquors), classed by Th + U (module notes).

    Lime (as CaO) = [free acid H+ + Σ charge · mol metal precipitated] / 2 · (1 + excess).
    Each metal is precipitated as hydroxide: rare earths RE(OH)3 (3 H+ equivalents per
    mol), Th(OH)4 (4), U as uranyl (2), Fe (element basis) 2 per mol (see
    :data:`ELEMENT_MASS_CATIONS`); other components consume no lime unless given in
    ``other_lime_demand``.

    Parameters
    ----------
    acid : {"hydrochloric_acid", "sulfuric_acid"}
        Acid of the liquor. With sulfuric acid the Ca ends as gypsum CaSO4·2H2O in the
        sludge; with hydrochloric acid as dissolved CaCl2 (not tracked).
    free_acid : pint.Quantity
        Free (unreacted) acid flowing in with the liquor, 100 % acid basis [mass/time].
        Default 0 kg/h; take it from the upstream stage's excess acid.
    precipitation : float or array_like
        Fraction of each tracked metal (REE, Th, U) that leaves in the sludge [-].
        Default 0.99: **assumption** (hydroxide precipitation at pH ~9).
    other_precipitation : float or array_like
        Same for non-element components (Fe, Al, …) [-]. Default 0.99: **assumption**.
    lime_excess : float or array_like
        Lime above stoichiometric [-]. Default 0.1: **assumption**.
    sludge_moisture : float or array_like
        Water in the sludge as disposed of [-]. Default 0.5: **assumption** (hydroxide
        sludges dewater poorly).
    sludge_density : pint.Quantity
        Default 1,300 kg/m³: **assumption**.
    default_class : str
        Class of the sludge below the Th + U threshold. Default ``"hazardous"``:
        **assumption** (metal-bearing sludge).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "precipitation": (0.0, 1.0),
        "other_precipitation": (0.0, 1.0),
        "sludge_moisture": (0.0, 0.99),
        "threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("effluent",)

    acid: str = "hydrochloric_acid"
    free_acid: object = field(default_factory=lambda: Q_(0.0, "kg/h"))
    precipitation: object = 0.99
    other_precipitation: object = 0.99
    lime_excess: object = 0.1
    sludge_moisture: object = 0.5
    sludge_density: object = field(default_factory=lambda: Q_(1300.0, "kg/m**3"))
    default_class: str = "hazardous"
    threshold: object = SOURCE_MATERIAL_THRESHOLD
    other_lime_demand: object = field(default_factory=lambda: Q_(0.0, "mol/kg"))
    operators_per_shift: object = 0.5

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        liquor = check_stream(inlets, "liquor", "LimeNeutralisation")
        check_choice(self.acid, ACIDS, "acid")
        free_acid = check_positive(self.free_acid, "kg/s", "free_acid", allow_zero=True)
        precipitation = check_fraction(self.precipitation, "precipitation")
        other_precipitation = check_fraction(self.other_precipitation, "other_precipitation")
        excess = check_positive(self.lime_excess, "", "lime_excess", allow_zero=True)
        moisture = check_fraction(self.sludge_moisture, "sludge_moisture", high=0.99)
        density = check_positive(self.sludge_density, "kg/m**3", "sludge_density")
        threshold = check_fraction(self.threshold, "threshold")
        other_demand = check_positive(
            self.other_lime_demand, "mol/kg", "other_lime_demand", allow_zero=True
        )
        check_choice(self.default_class, WASTE_CLASSES, "default_class")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )

        is_element = np.array([c in ELEMENTS for c in liquor.components])
        shares = np.where(
            is_element, np.asarray(precipitation)[..., None],
            np.asarray(other_precipitation)[..., None],
        )  # fmt: skip
        sludge, effluent = split_stream(liquor, shares)
        acid = ACIDS[self.acid]
        # mol/s of H+ equivalents to neutralise
        free_h = free_acid * 1000.0 / acid["molar_mass"] * acid["protons"]
        equivalents = proton_equivalents_per_kg(liquor.components)
        metal_h = (sludge.mass_flows * equivalents).sum(axis=-1)
        # components with no known charge take other_lime_demand (Fe has its own, above)
        unknown_charge = ~is_element & (equivalents == 0)
        other_kg = (sludge.mass_flows * unknown_charge).sum(axis=-1)
        h_total = free_h + metal_h + other_demand * other_kg
        cao_mol = h_total / _H_PER_CAO * (1.0 + excess)
        lime_kg_s = cao_mol * _CAO_MOLAR_MASS / 1000.0
        # gypsum: one CaSO4·2H2O per mol H2SO4 neutralised (sulfate from acid + salts)
        gypsum = (
            h_total / 2.0 * _GYPSUM_MOLAR_MASS / 1000.0 if self.acid == "sulfuric_acid"
            else np.zeros(np.shape(h_total))
        )  # fmt: skip
        dry_other = np.asarray(gypsum, dtype=float)
        dry = sludge.total_kg_s + dry_other
        water = dry * moisture / (1.0 - moisture)
        wastes, details = classified_wastes(
            "neutralisation sludge", sludge, dry_other_kg_s=dry_other, moisture_kg_s=water,
            density_kg_m3=density, default_class=self.default_class, threshold=threshold,
        )  # fmt: skip
        details.update(
            proton_equivalents=Q_(h_total, "mol/s").to("kmol/h"),
            gypsum_mass_flow=Q_(dry_other, "kg/s").to("kg/h"),
            sludge_dry_mass_flow=Q_(dry, "kg/s").to("kg/h"),
            sludge_volume_flow=Q_((dry + water) / density, "m**3/s").to("m**3/h"),
        )
        return StageResult(
            inlets=dict(inlets),
            outlets={"effluent": effluent},
            consumption={"lime": Q_(lime_kg_s, "kg/s").to("kg/h")},
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )


# ------------------------------------------------------------------ waste regimes
#: Jurisdictions with rules in tecmodel/data/waste_regimes.toml (GLOSSARY waste_regime).
WASTE_REGIMES = ("us", "malaysia", "china", "australia")


def waste_regime(regime: str) -> dict:
    """Thresholds and disposal prices of a jurisdiction.

    Returns ``{"source_material_threshold": float, "product_exemption_limit": float,
    "disposal_costs": {waste_class: Quantity, ...}, "alternatives": {...}}`` from
    ``tecmodel/data/waste_regimes.toml``, each value with its source there.
    """
    from ..data import load_table

    check_choice(regime, WASTE_REGIMES, "waste_regime")
    table = load_table("waste_regimes")
    out = {"disposal_costs": {}, "alternatives": {}}
    for entry in table.entries:
        name, _, item = entry.key.partition(".")
        if name != regime:
            continue
        unit = entry.extra.get("unit", "")
        if item in WASTE_CLASSES:
            out["disposal_costs"][item] = Q_(float(entry.value), unit)
        elif unit:
            out["alternatives"][item] = Q_(float(entry.value), unit)
        else:
            out[item] = float(entry.value)
    return out
