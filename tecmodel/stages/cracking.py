"""Cracking rare-earth concentrates by mineral: roast, bake, caustic digestion, clay leach.

A concentrate is a mix of minerals. Its :class:`~tecmodel.streams.Stream` carries

* the rare earths, Th and U on the commercial-oxide basis (as everywhere in tecmodel);
* for each rare-earth **host mineral** a component named after it (``"bastnaesite"``,
  ``"monazite"``, ``"xenotime"``): the mass of that mineral beyond the commercial oxides of
  the rare earths it holds (for bastnäsite RE(CO3)F: CO2 and F less the O they replace in
  the oxide), so the stream's total is the real mass of concentrate;
* **gangue minerals** by name (``"calcite"``, ``"barite"``, ``"quartz"``, …, see
  :data:`GANGUE_MINERALS`), and anything else as an inert impurity.

:func:`concentrate_composition` builds such a composition from a REO grade, a rare-earth
distribution and the mineral mix. What dissolves, what volatilises and what stays then
follows from the minerals and the route:

=============================  ==========================================================
:class:`BastnaesiteCracking`   ``route="roast_hcl"``: oxidising roast (CO2 off, Ce → Ce(IV))
                               and HCl leach; optional Ce(IV) rejection to the residue.
                               ``route="sulfuric_bake"``: concentrated H2SO4 bake (CO2, HF,
                               SiF4 off; calcite → gypsum) and water leach.
:class:`CausticCracking`       monazite: NaOH digestion → Na3PO4 by-product + RE/Th
                               hydroxide cake; HCl dissolution at controlled pH rejects Th.
:class:`SulfuricBake`          Mt Weld-type (monazite, apatite, iron oxides): H2SO4 bake,
                               water leach, MgO neutralisation (Fe/P/Th → WLP residue), lime
                               neutralisation of the sulfate effluent (gypsum residue).
:class:`ClayLeaching`          ion-adsorption clay: (NH4)2SO4 or MgSO4 exchange leach,
                               Al removal with NH4HCO3, ammonium effluent.
=============================  ==========================================================

Every route reports the Th / U / Ra pathway (``details["radionuclide_pathway"]``: the
fraction of each that goes to the liquor, each residue and each outlet). Radium is not a
tracked component (its mass is ~1e-7 of the thorium's); its activity is followed as the
Ra-228 (Th-232 chain) and Ra-226 (U-238 chain) carried into the feed in secular
equilibrium with their parents, split by ``radium_to_residue``.

Mass balance: every tracked component of the feed leaves in exactly one of the outlets or
wastes (shares sum to 1 by construction). Reagents, water and reaction products (CaF2,
gypsum, Na3PO4 water of crystallisation) are untracked; they appear as consumption, as
``other_mass_flow`` of wastes, and in ``details``.

Outlets a stage releases itself (a stack to atmosphere after scrubbing; a by-product it
sells) are listed in ``details["released_outlets"]`` with what happens to them, so
:attr:`tecmodel.results.PlantResult.uncosted_outlets` does not report them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..elements import ELEMENTS, RARE_EARTHS
from ..errors import InputError, describe
from ..streams import Stream
from ..units import Q_, converted
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
    mol_per_kg,
)
from .base import Equipment, StageResult
from .effluent import effluent_treatment
from .waste import (
    SOURCE_MATERIAL_THRESHOLD,
    THORIUM_SPECIFIC_ACTIVITY,
    URANIUM_SPECIFIC_ACTIVITY,
    classified_wastes,
)

__all__ = [
    "GANGUE_MINERALS",
    "HOST_MINERALS",
    "BastnaesiteCracking",
    "CausticCracking",
    "ClayLeaching",
    "SulfuricBake",
    "ThoriumRemoval",
    "concentrate_composition",
    "formula_mass",
    "host_mineral_rest",
]

#: Standard atomic weights [g/mol], CIAAW 2021 (abridged to 5-6 significant figures).
ATOMIC_WEIGHTS = {
    "H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998403, "Na": 22.98977,
    "Mg": 24.305, "Al": 26.981538, "Si": 28.085, "P": 30.973762, "S": 32.06, "Cl": 35.45,
    "Ca": 40.078, "Ti": 47.867, "Fe": 55.845, "Sr": 87.62, "Zr": 91.224, "Ba": 137.327,
}  # fmt: skip


def formula_mass(atoms: Mapping[str, float]) -> float:
    """Molar mass of a formula given as ``{element: atoms}`` [g/mol] (CIAAW 2021)."""
    unknown = [a for a in atoms if a not in ATOMIC_WEIGHTS]
    if unknown:
        raise InputError(f"formula_mass knows {', '.join(ATOMIC_WEIGHTS)}; got {unknown}")
    return sum(ATOMIC_WEIGHTS[a] * n for a, n in atoms.items())


#: Rare-earth host minerals: the ligand atoms per mol of rare earth (formula per RE atom).
#: bastnäsite RE(CO3)F, monazite REPO4, xenotime YPO4 (mineral formulas, e.g. Gupta &
#: Krishnamurthy, *Extractive Metallurgy of Rare Earths*, CRC 2005, ch. 2).
HOST_MINERALS = {
    "bastnaesite": {"C": 1, "O": 3, "F": 1},
    "monazite": {"P": 1, "O": 4},
    "xenotime": {"P": 1, "O": 4},
}

_CO2 = formula_mass({"C": 1, "O": 2})
_HF = formula_mass({"H": 1, "F": 1})
_CAF2 = formula_mass({"Ca": 1, "F": 2})
_CAO = formula_mass({"Ca": 1, "O": 1})
_MGO = formula_mass({"Mg": 1, "O": 1})
_NAOH = formula_mass({"Na": 1, "O": 1, "H": 1})
_NA3PO4 = formula_mass({"Na": 3, "P": 1, "O": 4})
_H2SO4 = formula_mass({"H": 2, "S": 1, "O": 4})
_HCL = formula_mass({"H": 1, "Cl": 1})
_GYPSUM = formula_mass({"Ca": 1, "S": 1, "O": 6, "H": 4})  # CaSO4·2H2O
_AMMONIUM_SULFATE = formula_mass({"N": 2, "H": 8, "S": 1, "O": 4})
_MAGNESIUM_SULFATE = formula_mass({"Mg": 1, "S": 1, "O": 4})
_AMMONIUM_BICARBONATE = formula_mass({"N": 1, "H": 5, "C": 1, "O": 3})
_ALOH3 = formula_mass({"Al": 1, "O": 3, "H": 3})


@dataclass(frozen=True)
class GangueMineral:
    """A gangue mineral: formula mass and what one mol of it does in acid.

    ``protons``: mol H+ consumed when one mol dissolves; ``co2``, ``fluorine``,
    ``phosphorus``, ``calcium``: mol released per mol dissolved.
    """

    formula: str
    molar_mass: float
    protons: float = 0.0
    co2: float = 0.0
    fluorine: float = 0.0
    phosphorus: float = 0.0
    calcium: float = 0.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)


#: Gangue minerals (formula masses computed from CIAAW 2021 weights; reaction counts from
#: the dissolution reactions, e.g. CaCO3 + 2 H+ → Ca2+ + CO2 + H2O;
#: Ca5(PO4)3F + 10 H+ → 5 Ca2+ + 3 H3PO4 + HF; Fe2O3 + 6 H+ → 2 Fe3+ + 3 H2O;
#: CaF2 + 2 H+ → Ca2+ + 2 HF, the last in concentrated H2SO4 only).
GANGUE_MINERALS = {
    "calcite": GangueMineral(
        "CaCO3", formula_mass({"Ca": 1, "C": 1, "O": 3}), 2, co2=1, calcium=1
    ),
    "strontianite": GangueMineral("SrCO3", formula_mass({"Sr": 1, "C": 1, "O": 3}), 2, co2=1),
    "barite": GangueMineral("BaSO4", formula_mass({"Ba": 1, "S": 1, "O": 4})),
    "fluorite": GangueMineral("CaF2", _CAF2, 2, fluorine=2, calcium=1),
    "quartz": GangueMineral("SiO2", formula_mass({"Si": 1, "O": 2})),
    "hematite": GangueMineral("Fe2O3", formula_mass({"Fe": 2, "O": 3}), 6),
    "apatite": GangueMineral(
        "Ca5(PO4)3F", formula_mass({"Ca": 5, "P": 3, "O": 12, "F": 1}), 10,
        fluorine=1, phosphorus=3, calcium=5,
    ),
    "kaolinite": GangueMineral("Al2Si2O5(OH)4", formula_mass({"Al": 2, "Si": 2, "O": 9, "H": 4})),
    "zircon": GangueMineral("ZrSiO4", formula_mass({"Zr": 1, "Si": 1, "O": 4})),
    "rutile": GangueMineral("TiO2", formula_mass({"Ti": 1, "O": 2})),
    "ilmenite": GangueMineral("FeTiO3", formula_mass({"Fe": 1, "Ti": 1, "O": 3}), 2),
}  # fmt: skip


def host_mineral_rest(mineral: str, symbol: str) -> float:
    """Mass of a host mineral beyond the commercial oxide, per mol of rare earth [g/mol].

    rest = Σ ligand atoms − (O atoms per metal in the commercial oxide) · M_O. For
    bastnäsite and La (La2O3, 1.5 O per La): 12.011 + 3·15.999 + 18.998 − 1.5·15.999 =
    55.01 g/mol.
    """
    check_choice(mineral, HOST_MINERALS, "mineral")
    el = ELEMENTS[symbol]
    return formula_mass(HOST_MINERALS[mineral]) - el.oxygen_per_metal * ATOMIC_WEIGHTS["O"]


def concentrate_composition(
    reo_grade,
    distribution: Mapping[str, float],
    *,
    host_minerals: Mapping[str, float],
    gangue: Mapping[str, float],
    thorium_oxide: float = 0.0,
    uranium_oxide: float = 0.0,
) -> dict[str, float]:
    """Mass fractions of a concentrate named by its minerals (sums to 1).

    Parameters
    ----------
    reo_grade : float
        Total rare-earth oxide in the concentrate [-].
    distribution : mapping of rare earth to float
        Share of each rare earth in the TREO (oxide basis) [-]; normalised here.
    host_minerals : mapping of host mineral to float
        Share of the rare earths each host mineral holds [-] (e.g. ``{"bastnaesite": 1}``);
        normalised here. The same distribution is taken for every host.
    gangue : mapping of gangue mineral (or inert name) to float
        Relative amounts of the gangue, normalised to fill the rest of the mass [-].
    thorium_oxide, uranium_oxide : float
        ThO2 and U3O8 mass fractions of the concentrate [-].

    Returns
    -------
    dict
        Component → mass fraction, rare earths and Th/U on the oxide basis, each host
        mineral's rest (see :func:`host_mineral_rest`), then the gangue.

    Raises
    ------
    InputError
        If the grade, oxides and host-mineral rests leave no room (or negative room) for
        the gangue, or a name is unknown.
    """
    grade = float(reo_grade)
    if not 0 < grade < 1:
        raise InputError(f"reo_grade must lie in (0, 1), got {reo_grade!r}")
    bad = [s for s in distribution if s not in RARE_EARTHS]
    if bad:
        raise InputError(f"distribution must name rare earths, got {bad}")
    total = sum(distribution.values())
    hosts_total = sum(host_minerals.values())
    if total <= 0 or hosts_total <= 0:
        raise InputError("distribution and host_minerals must have positive shares")
    out = {s: grade * v / total for s, v in distribution.items()}
    out["Th"] = float(thorium_oxide)
    if uranium_oxide:
        out["U"] = float(uranium_oxide)
    for mineral, share in host_minerals.items():
        rest = sum(
            out[s] * 1000.0 / (ELEMENTS[s].atomic_mass * ELEMENTS[s].oxide_factor)
            * host_mineral_rest(mineral, s) / 1000.0
            for s in distribution
        )  # fmt: skip
        out[mineral] = rest * share / hosts_total
    room = 1.0 - sum(out.values())
    gangue_total = sum(gangue.values())
    if room < 0 or (room > 0 and gangue_total <= 0):
        raise InputError(
            f"reo_grade {grade:g} with its host minerals and Th/U oxides leaves "
            f"{room:.4g} of the mass for gangue; lower the grade or give gangue shares"
        )
    for name, share in gangue.items():
        out[name] = out.get(name, 0.0) + room * share / gangue_total
    return out


# --------------------------------------------------------------------------- helpers
def _rest_per_kg(feed: Stream, mineral: str) -> tuple[np.ndarray, float]:
    """mol RE held per kg of a host mineral's rest [mol/kg], and mol ligand X per mol RE
    for reporting, from the feed's own rare-earth distribution."""
    ree = feed.rare_earths
    if not ree:
        raise InputError(f"a feed carrying {mineral!r} must carry its rare earths too")
    mol = np.stack([feed.kg_s(s) * 1000.0 / (ELEMENTS[s].atomic_mass * ELEMENTS[s].oxide_factor)
                    for s in ree], axis=-1)  # fmt: skip
    rest_g = np.stack([np.full(mol.shape[:-1], host_mineral_rest(mineral, s)) for s in ree], -1)
    total_mol = mol.sum(axis=-1)
    mean_rest = np.divide((mol * rest_g).sum(-1), total_mol, out=np.full(total_mol.shape, np.nan),
                          where=total_mol > 0)  # fmt: skip
    return 1000.0 / mean_rest, mean_rest


def _routing(feed: Stream, shares: Mapping[str, Mapping[str, object]], destinations):
    """Send each component to destinations by shares; the last destination takes the rest.

    ``shares[component][destination]`` (missing → 0). Returns ``{destination: Stream}``;
    the flows add up to the feed component by component (the remainder is computed as
    feed − Σ others and clipped at 0, which only changes it by rounding).
    """
    sample = np.broadcast_shapes(
        feed.shape, *(np.shape(v) for given in shares.values() for v in given.values())
    )
    flows = np.broadcast_to(feed.mass_flows, (*sample, len(feed.components)))
    feed = Stream(feed.components, np.array(flows))
    n = len(feed.components)
    shape = feed.mass_flows.shape
    parts = {d: np.zeros(shape) for d in destinations}
    rest_name = destinations[-1]
    for i, c in enumerate(feed.components):
        given = shares.get(c, {})
        used = np.zeros(shape[:-1])
        for d in destinations[:-1]:
            value = np.asarray(given.get(d, 0.0), dtype=float)
            parts[d][..., i] = feed.mass_flows[..., i] * value
            used = used + value
        if np.any(used > 1 + 1e-12):
            raise InputError(
                f"shares of {c!r} over {destinations[:-1]} exceed 1: {describe(used)}"
            )
        parts[rest_name][..., i] = np.maximum(
            feed.mass_flows[..., i] - sum(parts[d][..., i] for d in destinations[:-1]), 0.0
        )
    del n
    return {d: Stream(feed.components, v) for d, v in parts.items()}


def _mol_elements(stream: Stream, *, rare_earths=True) -> np.ndarray:
    mol = stream.mass_flows * mol_per_kg(stream.components)
    mask = np.array(
        [(c in RARE_EARTHS) == rare_earths and c in ELEMENTS for c in stream.components]
    )
    return (mol * mask).sum(axis=-1)


def _mol(stream: Stream, name: str) -> np.ndarray:
    el = ELEMENTS[name]
    return stream.kg_s(name) * 1000.0 / (el.atomic_mass * el.oxide_factor)


def _gangue_mol(stream: Stream, name: str) -> np.ndarray:
    return stream.kg_s(name) * 1000.0 / GANGUE_MINERALS[name].molar_mass


def _heat_to_gas(heat_w):
    """Natural gas volume [ft³/h] for a heat duty [W] at 1,036 Btu/ft³ (EIA, as in
    :mod:`tecmodel.stages.precipitation`)."""
    from .precipitation import NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3

    return converted(heat_w, "W", "Btu/h").magnitude / NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3


def _radionuclides(feed: Stream, routes: Mapping[str, Stream], radium_to_residue, residue_name,
                   residue_dry_kg_s):  # fmt: skip
    """Th/U fractions by destination and the radium activity in the named residue."""
    pathway = {}
    for el in ("Th", "U"):
        pathway[el] = {}
        for d, s in routes.items():
            out_flow, fed = np.broadcast_arrays(s.kg_s(el), feed.kg_s(el))
            pathway[el][d] = np.divide(out_flow, fed, out=np.zeros(fed.shape), where=fed > 0)
    # Ra-228 (Th-232 chain) and Ra-226 (U-238 chain) in secular equilibrium in the ore:
    # Bq of radium = Bq of the parent fed.
    th_bq = feed.kg_s("Th") / ELEMENTS["Th"].oxide_factor * 1000.0 * THORIUM_SPECIFIC_ACTIVITY
    u_bq = feed.kg_s("U") / ELEMENTS["U"].oxide_factor * 1000.0 * URANIUM_SPECIFIC_ACTIVITY
    grams = np.asarray(residue_dry_kg_s) * 1000.0
    share = np.asarray(radium_to_residue, dtype=float)
    grams, th_bq, u_bq = np.broadcast_arrays(grams, th_bq, u_bq)
    grams = np.array(grams, dtype=float)
    ra228 = np.divide(th_bq * share, grams, out=np.zeros(np.shape(grams)), where=grams > 0)
    ra226 = np.divide(u_bq * share, grams, out=np.zeros(np.shape(grams)), where=grams > 0)
    pathway["Ra"] = {residue_name: share, "liquor and effluent": 1.0 - share}
    return pathway, Q_(ra228, "Bq/g"), Q_(ra226, "Bq/g")


def _reactors(slurry_m3_s, residence_s, max_volume_m3=189.08):
    """Leach/digestion tanks: total volume and the fewest equal units ≤ the UKy leach-tank
    reference size (49,950 gal = 189 m³, tecmodel/data/equipment.toml)."""
    volume = slurry_m3_s * residence_s
    units = np.maximum(np.ceil(volume / max_volume_m3 - 1e-12), 1.0)
    return volume, units


@dataclass(frozen=True)
class _Common:
    """Parameters every cracking route shares (see the concrete classes)."""

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recovery": (0.0, 1.0),
        "residue_moisture": (0.0, 0.99),
        "radioactive_threshold": (0.0, 1.0),
    }

    recovery: object = 0.95
    acid_excess: object = 0.2
    residence_time: object = field(default_factory=lambda: Q_(2.0, "h"))
    liquor_volume_per_feed: object = field(default_factory=lambda: Q_(5.0, "m**3/t"))
    residue_moisture: object = 0.2
    residue_density: object = field(default_factory=lambda: Q_(1600.0, "kg/m**3"))
    radioactive_threshold: object = SOURCE_MATERIAL_THRESHOLD
    operators_per_shift: object = 2.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def _common(self):
        return {
            "recovery": check_fraction(self.recovery, "recovery"),
            "excess": check_positive(self.acid_excess, "", "acid_excess", allow_zero=True),
            "residence": check_positive(self.residence_time, "s", "residence_time"),
            "liquor_per_kg": check_positive(
                self.liquor_volume_per_feed, "m**3/kg", "liquor_volume_per_feed"
            ),
            "moisture": check_fraction(self.residue_moisture, "residue_moisture", high=0.99),
            "density": check_positive(self.residue_density, "kg/m**3", "residue_density"),
            "threshold": check_fraction(self.radioactive_threshold, "radioactive_threshold"),
            "operators": check_positive(
                self.operators_per_shift, "", "operators_per_shift", allow_zero=True
            ),
        }


def _check_known(feed: Stream, allowed_hosts, stage: str):
    hosts = [c for c in feed.components if c in HOST_MINERALS]
    wrong = [h for h in hosts if h not in allowed_hosts]
    if wrong:
        raise InputError(
            f"{stage} cracks {', '.join(allowed_hosts)}; the feed carries {wrong}, which "
            "needs another route"
        )
    return hosts


def _residue_waste(name, stream, other_kg_s, p, *, default_class="non_hazardous"):
    dry = stream.total_kg_s + np.asarray(other_kg_s, dtype=float)
    water = dry * p["moisture"] / (1.0 - p["moisture"])
    return classified_wastes(
        name, stream, dry_other_kg_s=other_kg_s, moisture_kg_s=water,
        density_kg_m3=p["density"], default_class=default_class, threshold=p["threshold"],
    )  # fmt: skip


# ------------------------------------------------------------------------ bastnäsite
#: Decarbonation enthalpy used for the roast [J/mol CO2]: 178 kJ/mol, the standard
#: enthalpy of CaCO3 → CaO + CO2 (computed from NIST-JANAF formation enthalpies), taken as
#: a proxy for RE(CO3)F → REOF + CO2 (assumption; no measured value found).
DECARBONATION_ENTHALPY = 178.0e3
#: Heat capacity of concentrate solids [J/(kg K)]: assumption, 900 (typical of oxide and
#: carbonate minerals at 300–900 K).
SOLIDS_HEAT_CAPACITY = 900.0
#: Heat capacity of concentrated sulfuric acid [J/(kg K)]: ~1,400 (98 % H2SO4, Perry's
#: Chemical Engineers' Handbook, relayed; rounded).
SULFURIC_ACID_HEAT_CAPACITY = 1400.0


@dataclass(frozen=True)
class BastnaesiteCracking(_Common):
    """Crack a bastnäsite concentrate: inlet ``"feed"``, outlets ``"liquor"`` and
    ``"stack"`` (scrubbed off-gas released to atmosphere: CO2, and the HF not captured).

    ``route="roast_hcl"`` — oxidising roast (~620 °C; RE(CO3)F → REOF + CO2, Ce(III) →
    Ce(IV)) then an HCl leach that dissolves the trivalent rare earths; with
    ``cerium_rejection`` > 0 that fraction of Ce stays undissolved as CeO2 in the residue
    (the Mountain Pass practice of leaching roasted concentrate and leaving a cerium
    concentrate; Gupta & Krishnamurthy 2005). Carbonate gangue dissolves (its Ca to the
    liquor as CaCl2, its CO2 to the stack), fluorine stays in the residue as REF3/CaF2
    (``fluorine_to_offgas`` default 0).

    ``route="sulfuric_bake"`` — bake with concentrated H2SO4 (~250–300 °C):
    2 RE(CO3)F + 3 H2SO4 → RE2(SO4)3 + 2 HF + 2 CO2 + 2 H2O; calcite → gypsum (stays in the
    residue); fluorite → CaSO4 + 2 HF; HF leaves as HF/SiF4 (``fluorine_to_offgas``
    default 0.95) and is scrubbed with lime to CaF2. Water leach dissolves the sulfates.

    Acid (100 % basis): 3 mol H+ per mol rare earth dissolved, 4 per Th, 2 per U, and the
    gangue's own demand (:data:`GANGUE_MINERALS`) for what dissolves, × (1 + acid_excess).
    Heat: solids from 25 °C to ``temperature`` (c_p 900 J/kg/K, assumption) plus the
    decarbonation enthalpy per mol CO2 (178 kJ/mol, assumption), and for the bake the acid
    too (1,400 J/kg/K), over ``kiln_efficiency``, supplied by natural gas.

    Parameters
    ----------
    route : {"roast_hcl", "sulfuric_bake"}
    recovery : float or array_like
        Fraction of each (not rejected) rare earth dissolved [-]. Default 0.95 (assumption).
    cerium_rejection : float or array_like
        Fraction of Ce left in the residue as Ce(IV) (roast only) [-]. Default 0.
    thorium_dissolution, uranium_dissolution : float or array_like
        Defaults: roast 0.05 / 0.5; bake 0.9 / 0.9 (assumptions: after an oxidising roast Th
        stays insoluble as ThO2 with CeO2; a low-temperature sulfuric bake makes Th(SO4)2,
        which dissolves in the water leach; a high-temperature bake would not).
    gangue_dissolution : mapping
        Fraction of each gangue mineral dissolved (roast: calcite and strontianite 1;
        bake: calcite and strontianite 1 (to gypsum/SrSO4, which stay in the residue),
        fluorite 0.9); others 0 (assumptions).
    fluorine_to_offgas : float or array_like, optional
        Fraction of the mineral and gangue fluorine released as HF/SiF4 [-].
    radium_to_residue : float or array_like, optional
        Fraction of the Ra fed that stays in the residue [-]. Defaults: roast 0.5 (Ra is
        soluble in chloride; assumption), bake 0.95 (Ra co-precipitates with BaSO4/CaSO4;
        assumption).
    temperature : pint.Quantity, optional
        Roast 620 °C, bake 300 °C (assumptions within the ranges of Gupta & Krishnamurthy
        2005).
    kiln_efficiency : float
        Default 0.5 (assumption).
    scrubber_lime_excess : float
        Lime above 0.5 mol CaO per mol HF [-]. Default 0.1 (assumption).
    acid_excess, residence_time, liquor_volume_per_feed, residue_moisture,
    residue_density, radioactive_threshold, operators_per_shift
        As in :class:`tecmodel.stages.AcidLeaching`; ``liquor_volume_per_feed`` is the
        leach liquor volume per tonne of feed (default 5 m³/t, assumption) that sizes the
        leach tanks.

    Notes
    -----
    ``details``: ``offgas`` (CO2, HF kg/h), ``heat_input``, ``residue_composition``
    (mass fractions), ``radionuclide_pathway``, ``radium_228_activity`` and
    ``radium_226_activity`` of the residue [Bq/g], the residue classification figures, and
    ``released_outlets``.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "cerium_rejection": (0.0, 1.0),
        "thorium_dissolution": (0.0, 1.0),
        "uranium_dissolution": (0.0, 1.0),
        "fluorine_to_offgas": (0.0, 1.0),
        "radium_to_residue": (0.0, 1.0),
        "kiln_efficiency": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor", "stack")
    ROUTES: ClassVar[tuple[str, ...]] = ("roast_hcl", "sulfuric_bake")

    route: str = "roast_hcl"
    cerium_rejection: object = 0.0
    thorium_dissolution: object = None
    uranium_dissolution: object = None
    gangue_dissolution: Mapping[str, object] | None = None
    fluorine_to_offgas: object = None
    radium_to_residue: object = None
    temperature: object = None
    kiln_efficiency: object = 0.5
    scrubber_lime_excess: object = 0.1

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "BastnaesiteCracking")
        check_choice(self.route, self.ROUTES, "route")
        roast = self.route == "roast_hcl"
        p = self._common()
        hosts = _check_known(feed, ("bastnaesite",), "BastnaesiteCracking")
        ce_reject = check_fraction(self.cerium_rejection, "cerium_rejection")
        if not roast and np.any(np.asarray(ce_reject) > 0):
            raise InputError(
                "cerium_rejection needs route='roast_hcl' (Ce(IV) forms in an oxidising roast), "
                f"got route={self.route!r} with cerium_rejection={describe(self.cerium_rejection)}"
            )
        default = (0.05, 0.5, 0.0, 0.5, 620.0) if roast else (0.9, 0.9, 0.95, 0.95, 300.0)
        th = check_fraction(_or(self.thorium_dissolution, default[0]), "thorium_dissolution")
        u = check_fraction(_or(self.uranium_dissolution, default[1]), "uranium_dissolution")
        f_off = check_fraction(_or(self.fluorine_to_offgas, default[2]), "fluorine_to_offgas")
        ra_res = check_fraction(_or(self.radium_to_residue, default[3]), "radium_to_residue")
        temp = check_positive(_or(self.temperature, Q_(default[4], "degC")), "K", "temperature")
        eff = check_fraction(self.kiln_efficiency, "kiln_efficiency")
        check_positive(eff, "", "kiln_efficiency")
        lime_excess = check_positive(
            self.scrubber_lime_excess, "", "scrubber_lime_excess", allow_zero=True
        )
        gangue_default = (
            {"calcite": 1.0, "strontianite": 1.0}
            if roast
            else {"calcite": 1.0, "strontianite": 1.0, "fluorite": 0.9}
        )
        gangue = dict(
            gangue_default if self.gangue_dissolution is None else self.gangue_dissolution
        )
        gangue = {k: check_fraction(v, f"gangue_dissolution[{k!r}]") for k, v in gangue.items()}
        unknown = [k for k in gangue if k not in GANGUE_MINERALS]
        if unknown:
            raise InputError(
                f"gangue_dissolution names {unknown}; known gangue minerals: "
                f"{', '.join(GANGUE_MINERALS)}"
            )

        # -- where each tracked component goes ------------------------------------------
        shares: dict[str, dict[str, object]] = {}
        for s in feed.rare_earths:
            kept = ce_reject if s == "Ce" else 0.0
            shares[s] = {"liquor": (1.0 - kept) * p["recovery"]}
        shares["Th"] = {"liquor": th}
        shares["U"] = {"liquor": u}
        mol_per_rest, rest_g = (
            _rest_per_kg(feed, "bastnaesite") if hosts else (np.zeros(feed.shape), 0.0)
        )
        mol_re_host = feed.kg_s("bastnaesite") * mol_per_rest if hosts else np.zeros(feed.shape)
        # tracked rest of bastnäsite: the CO2 part goes up the stack; the F part (F less
        # the O it replaces) follows the fluorine
        co2_share = np.divide(_CO2, rest_g, out=np.zeros(np.shape(rest_g)),
                              where=np.asarray(rest_g) > 0) if hosts else 0.0  # fmt: skip
        if hosts:
            shares["bastnaesite"] = {"stack": co2_share + (1.0 - co2_share) * f_off}
        gangue_co2_kg = np.zeros(feed.shape)
        gangue_protons = np.zeros(feed.shape)
        gangue_f = np.zeros(feed.shape)
        gypsum_mol = np.zeros(feed.shape)
        for name, frac in gangue.items():
            if name not in feed.components:
                continue
            g = GANGUE_MINERALS[name]
            mol = _gangue_mol(feed, name) * frac
            gangue_protons = gangue_protons + mol * g.protons
            gangue_co2_kg = gangue_co2_kg + mol * g.co2 * _CO2 / 1000.0
            gangue_f = gangue_f + mol * g.fluorine
            co2_mass_share = g.co2 * _CO2 / g.molar_mass
            if roast:  # carbonate Ca/Sr to the liquor as chloride, CO2 to the stack
                shares[name] = {
                    "stack": frac * co2_mass_share,
                    "liquor": frac * (1 - co2_mass_share),
                }
            else:  # sulfates stay in the residue; CO2 and HF leave
                f_share = g.fluorine * ATOMIC_WEIGHTS["F"] / g.molar_mass * f_off
                shares[name] = {"stack": frac * (co2_mass_share + f_share)}
                gypsum_mol = gypsum_mol + mol * g.calcium
        routes = _routing(feed, shares, ("liquor", "stack", "residue"))
        liquor, stack, residue = routes["liquor"], routes["stack"], routes["residue"]

        # -- reagents ---------------------------------------------------------------------
        re_mol = _mol_elements(liquor)
        th_mol = _mol(liquor, "Th") if "Th" in feed.components else 0.0
        u_mol = _mol(liquor, "U") if "U" in feed.components else 0.0
        protons = 3.0 * re_mol + 4.0 * th_mol + 2.0 * u_mol + gangue_protons
        if roast:
            acid_name, acid_kg = "hydrochloric_acid", protons * _HCL / 1000.0
        else:
            acid_name, acid_kg = "sulfuric_acid", protons / 2.0 * _H2SO4 / 1000.0
        acid_kg = acid_kg * (1.0 + p["excess"])
        hf_mol = (mol_re_host + gangue_f) * f_off
        lime_kg = hf_mol / 2.0 * _CAO / 1000.0 * (1.0 + lime_excess)
        caf2_kg = hf_mol / 2.0 * _CAF2 / 1000.0
        co2_kg = mol_re_host * _CO2 / 1000.0 + gangue_co2_kg

        # -- heat, equipment ----------------------------------------------------------------
        d_t = np.maximum(temp - 298.15, 0.0)
        heat_w = feed.total_kg_s * SOLIDS_HEAT_CAPACITY * d_t
        heat_w = heat_w + (co2_kg * 1000.0 / _CO2) * DECARBONATION_ENTHALPY
        if not roast:
            heat_w = heat_w + acid_kg * SULFURIC_ACID_HEAT_CAPACITY * d_t
        heat_w = heat_w / eff
        slurry = feed.total_kg_s * p["liquor_per_kg"]
        volume, units = _reactors(slurry, p["residence"])

        # -- wastes -------------------------------------------------------------------------
        gypsum_kg = gypsum_mol * _GYPSUM / 1000.0
        wastes, class_details = _residue_waste("cracking residue", residue, gypsum_kg, p)
        if np.any(caf2_kg > 0):
            wastes = (*wastes, _solid_waste("scrubber fluoride sludge (CaF2)", feed, caf2_kg))
        pathway, ra228, ra226 = _radionuclides(
            feed, {"liquor": liquor, "residue": residue, "stack": stack}, ra_res,
            "residue", residue.total_kg_s + gypsum_kg,
        )  # fmt: skip
        residue_dry = residue.total_kg_s + gypsum_kg
        details = {
            "route": self.route,
            "offgas": {
                "CO2": converted(co2_kg, "kg/s", "kg/h"),
                "HF": converted(hf_mol * _HF / 1000.0, "kg/s", "kg/h"),
            },
            "heat_input": converted(heat_w, "W", "kW"),
            "proton_demand": converted(protons, "mol/s", "kmol/h"),
            "rare_earth_dissolved": converted(re_mol, "mol/s", "kmol/h"),
            "gypsum_in_residue": converted(gypsum_kg, "kg/s", "kg/h"),
            "residue_dry_mass_flow": converted(residue_dry, "kg/s", "kg/h"),
            "residue_composition": _composition(residue, {"gypsum": gypsum_kg}),
            "radionuclide_pathway": pathway,
            "radium_228_activity": ra228,
            "radium_226_activity": ra226,
            "reactor_volume": Q_(volume, "m**3"),
            "released_outlets": {
                "stack": "off-gas after lime scrubbing of HF (CaF2 sludge costed as a waste); "
                "CO2 released to atmosphere"
            },
            **class_details,
        }
        consumption = {
            acid_name: converted(acid_kg, "kg/s", "kg/h"),
            "natural_gas": Q_(_heat_to_gas(heat_w), "ft**3/h"),
            "lime": converted(lime_kg, "kg/s", "kg/h"),
            "electricity": Q_(0.3 * volume, "kW"),
            "process_water": Q_(slurry * 3600.0, "m**3/h"),
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": liquor, "stack": stack},
            equipment=(
                Equipment("roasting/baking kiln", "roaster", converted(heat_w, "W", "MMBtu/h")),
                Equipment("leach tanks", "leach_reactor", Q_(volume / units, "m**3"), units),
                Equipment("leach agitators", "agitator", Q_(0.3 * volume / units, "kW"), units),
            ),
            consumption=consumption,
            wastes=wastes,
            operators_per_shift=p["operators"],
            details=details,
        )


def _or(value, default):
    return default if value is None else value


def _composition(stream: Stream, others: Mapping[str, np.ndarray]) -> dict:
    total = stream.total_kg_s + sum(np.asarray(v, dtype=float) for v in others.values())
    out = {}
    for c in stream.components:
        out[c] = np.divide(stream.kg_s(c), total, out=np.zeros(np.shape(total)), where=total > 0)
    for k, v in others.items():
        out[k] = np.divide(v, total, out=np.zeros(np.shape(total)), where=total > 0)
    return out


def _solid_waste(name, feed, dry_kg_s, moisture=0.5, waste_class="non_hazardous"):
    """An untracked solid (CaF2, gypsum, hydroxide sludge) as a waste line; ``moisture``
    is the water fraction of the wet solid (assumption 0.5 unless given)."""
    from .base import Waste

    dry = np.asarray(dry_kg_s, dtype=float)
    return Waste(name, waste_class, Stream(feed.components, np.zeros(feed.mass_flows.shape)),
                 Q_(dry / (1.0 - moisture), "kg/s"))  # fmt: skip


# --------------------------------------------------------------------------- monazite
@dataclass(frozen=True)
class CausticCracking(_Common):
    """Crack monazite (or xenotime) with caustic soda: inlet ``"feed"``, outlets
    ``"liquor"`` (rare-earth chloride solution) and ``"phosphate"`` (trisodium phosphate
    solution, a by-product; sold when ``phosphate_price_credit`` is True, else it must be
    connected or it is reported uncosted).

    Digestion (~140 °C, 50 % NaOH): REPO4 + 3 NaOH → RE(OH)3 + Na3PO4; thorium phosphate /
    silicate → Th(OH)4 with 4 mol NaOH per mol Th. NaOH = (3 · mol P + 4 · mol Th) ·
    (1 + ``caustic_excess``). The hydroxide cake is washed and dissolved in HCl at
    controlled pH (~3–4): rare earths dissolve (3 mol HCl per mol), Th(OH)4 stays
    (``thorium_rejection``) and leaves as the **thorium cake**, a radioactive waste under
    any regime; U partly dissolves. Gangue (zircon, rutile, ilmenite, quartz) does not
    react and leaves as the digestion residue. Radium follows the hydroxide cake into the
    HCl and is co-precipitated there with BaSO4 (``radium_to_residue`` to the Th cake,
    default 0.95, assumption; Gupta & Krishnamurthy 2005 describe BaCl2/H2SO4 radium
    removal in the caustic route).

    Parameters
    ----------
    recovery : float or array_like
        Rare earths reaching the liquor [-]. Default 0.95 (assumption).
    caustic_excess : float or array_like
        NaOH above stoichiometric [-]. Default 0.5 (assumption: digestion runs with a
        large excess; the surplus is recovered with the phosphate liquor in practice).
    thorium_rejection : float or array_like
        Th left undissolved in the cake [-]. Default 0.99 (assumption).
    uranium_rejection : float or array_like
        Default 0.5 (assumption).
    temperature : pint.Quantity
        Digestion temperature; the slurry (solids plus NaOH solution) is heated from 25 °C
        with steam from natural gas. Default 140 °C (Gupta & Krishnamurthy 2005).
    phosphate_price_credit : bool
        Sell the Na3PO4 (consumption credit ``trisodium_phosphate``, negative). Default
        True.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "thorium_rejection": (0.0, 1.0),
        "uranium_rejection": (0.0, 1.0),
        "radium_to_residue": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor", "phosphate")

    caustic_excess: object = 0.5
    thorium_rejection: object = 0.99
    uranium_rejection: object = 0.5
    radium_to_residue: object = 0.95
    temperature: object = field(default_factory=lambda: Q_(140.0, "degC"))
    phosphate_price_credit: bool = True

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "CausticCracking")
        p = self._common()
        hosts = _check_known(feed, ("monazite", "xenotime"), "CausticCracking")
        if not hosts:
            raise InputError(
                "CausticCracking needs a phosphate host mineral in the feed ('monazite' or "
                f"'xenotime'); the feed carries {', '.join(feed.components)}"
            )
        caustic_excess = check_positive(self.caustic_excess, "", "caustic_excess", allow_zero=True)
        th_rej = check_fraction(self.thorium_rejection, "thorium_rejection")
        u_rej = check_fraction(self.uranium_rejection, "uranium_rejection")
        ra_res = check_fraction(self.radium_to_residue, "radium_to_residue")
        temp = check_positive(self.temperature, "K", "temperature")

        phosphorus = np.zeros(feed.shape)
        shares: dict[str, dict[str, object]] = {}
        for host in hosts:
            mol_per_rest, _ = _rest_per_kg(feed, host)
            phosphorus = phosphorus + feed.kg_s(host) * mol_per_rest
            shares[host] = {"phosphate": 1.0}
        for s in feed.rare_earths:
            shares[s] = {"liquor": p["recovery"], "thorium_cake": 1.0 - p["recovery"]}
        shares["Th"] = {"liquor": 1.0 - th_rej, "thorium_cake": th_rej}
        shares["U"] = {"liquor": 1.0 - u_rej, "thorium_cake": u_rej}
        routes = _routing(feed, shares, ("liquor", "phosphate", "thorium_cake", "residue"))
        liquor, cake, residue = routes["liquor"], routes["thorium_cake"], routes["residue"]
        th_mol = _mol(feed, "Th") if "Th" in feed.components else 0.0
        naoh_kg = (3.0 * phosphorus + 4.0 * th_mol) * _NAOH / 1000.0 * (1.0 + caustic_excess)
        re_mol = _mol_elements(liquor)
        u_mol = _mol(liquor, "U") if "U" in feed.components else 0.0
        hcl_kg = (3.0 * re_mol + 2.0 * u_mol) * _HCL / 1000.0 * (1.0 + p["excess"])
        na3po4_kg = phosphorus * _NA3PO4 / 1000.0
        # heat: solids + the 50 % NaOH solution (c_p of water, 4,180 J/kg/K) to temperature
        d_t = np.maximum(temp - 298.15, 0.0)
        heat_w = (feed.total_kg_s * SOLIDS_HEAT_CAPACITY + 2.0 * naoh_kg * 4180.0) * d_t / 0.8
        slurry = feed.total_kg_s * p["liquor_per_kg"]
        volume, units = _reactors(slurry, p["residence"])
        th_hydroxide_extra = np.zeros(feed.shape)  # Th(OH)4 vs ThO2: +2 H2O per Th
        if "Th" in feed.components:
            th_hydroxide_extra = _mol(cake, "Th") * 2 * 18.015 / 1000.0
        cake_wastes, cake_details = _residue_waste(
            "thorium hydroxide cake", cake, th_hydroxide_extra, p, default_class="hazardous"
        )
        residue_wastes, residue_details = _residue_waste("digestion residue", residue, 0.0, p)
        pathway, ra228, ra226 = _radionuclides(
            feed, {"liquor": liquor, "thorium_cake": cake, "residue": residue}, ra_res,
            "thorium_cake", cake.total_kg_s + th_hydroxide_extra,
        )  # fmt: skip
        consumption = {
            "sodium_hydroxide": converted(naoh_kg, "kg/s", "kg/h"),
            "hydrochloric_acid": converted(hcl_kg, "kg/s", "kg/h"),
            "natural_gas": Q_(_heat_to_gas(heat_w), "ft**3/h"),
            "electricity": Q_(0.3 * volume, "kW"),
            "process_water": Q_(slurry * 3600.0, "m**3/h"),
        }
        released = {}
        if self.phosphate_price_credit:
            consumption["trisodium_phosphate"] = converted(-na3po4_kg, "kg/s", "kg/h")
            released["phosphate"] = "trisodium phosphate crystallised and sold (credit)"
        details = {
            "trisodium_phosphate": converted(na3po4_kg, "kg/s", "kg/h"),
            "phosphorus": converted(phosphorus, "mol/s", "kmol/h"),
            "heat_input": converted(heat_w, "W", "kW"),
            "radionuclide_pathway": pathway,
            "radium_228_activity": ra228,
            "radium_226_activity": ra226,
            "thorium_cake": cake_details,
            "residue": residue_details,
            "released_outlets": released,
            "reactor_volume": Q_(volume, "m**3"),
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": liquor, "phosphate": routes["phosphate"]},
            equipment=(
                Equipment(
                    "digestion and dissolution tanks",
                    "leach_reactor",
                    Q_(2 * volume / units, "m**3"),
                    units,
                ),
                Equipment("agitators", "agitator", Q_(0.6 * volume / units, "kW"), units),
                Equipment(
                    "cake filters",
                    "filter_press",
                    Q_((cake.total_kg_s + residue.total_kg_s) * 4 * 3600 / 1400.0 + 1e-9, "m**3"),
                    2,
                ),
            ),
            consumption=consumption,
            wastes=(*cake_wastes, *residue_wastes),
            operators_per_shift=p["operators"],
            details=details,
        )


# --------------------------------------------------------------------- Mt Weld type
@dataclass(frozen=True)
class SulfuricBake(_Common):
    """Mt Weld-type cracking: concentrated H2SO4 bake, water leach, MgO neutralisation and
    lime neutralisation of the sulfate effluent. Inlet ``"feed"``; outlets ``"liquor"``
    and ``"stack"`` (scrubbed kiln off-gas, released).

    Bake: 2 REPO4 + 3 H2SO4 → RE2(SO4)3 + 2 H3PO4 (3 mol H+ per mol RE), apatite
    (10 H+), a fraction of the iron oxide (6 H+), Th (4 H+), × (1 + acid_excess); F of
    apatite leaves as HF (scrubbed with lime to CaF2). Water leach dissolves the sulfates.
    **Water-leach purification (WLP)**: MgO raises the pH to ~4; Fe, P and Th precipitate
    (FePO4, thorium phosphate) with ``thorium_to_wlp`` of Th and ``phosphorus_to_wlp`` of
    P — the Th-bearing WLP residue (Lynas Malaysia: ~6 Bq/g Th, REFERENCE_DATA.md). MgO
    neutralises the free acid (excess acid, 2 H+ per MgO).
    **Neutralisation underflow (NUF)**: after the rare earths are taken out downstream, the
    sulfate effluent (all sulfate fed, less what Ca of apatite fixed as gypsum in the
    residue) is neutralised with lime; every mol of sulfate becomes a mol of gypsum
    CaSO4·2H2O, which is the NUF residue (low activity). ``co_dispose_gypsum`` puts WLP and
    NUF in one residue, which dilutes its Th (the "gypsum-diluted residue" question; a
    regulator may not accept dilution as a way to change the class).

    Parameters
    ----------
    acid_excess : float or array_like
        Default 0.5 (assumption: bakes run acid-rich).
    iron_dissolution : float or array_like
        Fraction of hematite dissolved in the bake [-]. Default 0.3 (assumption).
    thorium_to_wlp, phosphorus_to_wlp : float or array_like
        Defaults 0.99 and 0.9 (assumptions).
    temperature : pint.Quantity
        Bake temperature. Default 400 °C (assumption, within the 200–650 °C of sulfuric
        baking; Gupta & Krishnamurthy 2005).
    kiln_efficiency : float
        Default 0.5 (assumption).
    co_dispose_gypsum : bool
        Default False.
    radium_to_residue : float or array_like
        Ra kept in the WLP residue (with sulfates) [-]. Default 0.95 (assumption).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "iron_dissolution": (0.0, 1.0),
        "thorium_to_wlp": (0.0, 1.0),
        "phosphorus_to_wlp": (0.0, 1.0),
        "uranium_to_wlp": (0.0, 1.0),
        "radium_to_residue": (0.0, 1.0),
        "kiln_efficiency": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor", "stack")

    acid_excess: object = 0.5
    iron_dissolution: object = 0.3
    thorium_to_wlp: object = 0.99
    phosphorus_to_wlp: object = 0.9
    uranium_to_wlp: object = 0.9
    temperature: object = field(default_factory=lambda: Q_(400.0, "degC"))
    kiln_efficiency: object = 0.5
    co_dispose_gypsum: bool = False
    radium_to_residue: object = 0.95

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "SulfuricBake")
        p = self._common()
        hosts = _check_known(feed, ("monazite", "xenotime", "bastnaesite"), "SulfuricBake")
        fe = check_fraction(self.iron_dissolution, "iron_dissolution")
        th_wlp = check_fraction(self.thorium_to_wlp, "thorium_to_wlp")
        p_wlp = check_fraction(self.phosphorus_to_wlp, "phosphorus_to_wlp")
        u_wlp = check_fraction(self.uranium_to_wlp, "uranium_to_wlp")
        ra_res = check_fraction(self.radium_to_residue, "radium_to_residue")
        temp = check_positive(self.temperature, "K", "temperature")
        eff = check_fraction(self.kiln_efficiency, "kiln_efficiency")
        check_positive(eff, "", "kiln_efficiency")

        host_mol = np.zeros(feed.shape)
        shares: dict[str, dict[str, object]] = {}
        co2_kg = np.zeros(feed.shape)
        hf_mol = np.zeros(feed.shape)
        for host in hosts:
            mol_per_rest, _rest_g = _rest_per_kg(feed, host)
            mol = feed.kg_s(host) * mol_per_rest
            host_mol = host_mol + mol
            if host == "bastnaesite":
                shares[host] = {"stack": 1.0}
                co2_kg = co2_kg + mol * _CO2 / 1000.0
                hf_mol = hf_mol + mol
            else:  # phosphate: H3PO4 into the leach, then mostly into the WLP residue
                shares[host] = {"wlp": p_wlp, "liquor": 1.0 - p_wlp}
        for s in feed.rare_earths:
            shares[s] = {"liquor": p["recovery"]}
        shares["Th"] = {"wlp": th_wlp, "liquor": 1.0 - th_wlp}
        shares["U"] = {"wlp": u_wlp, "liquor": 1.0 - u_wlp}
        protons = 3.0 * host_mol * p["recovery"]
        gypsum_residue_mol = np.zeros(feed.shape)
        if "apatite" in feed.components:
            g = GANGUE_MINERALS["apatite"]
            mol = _gangue_mol(feed, "apatite")
            protons = protons + mol * g.protons
            hf_mol = hf_mol + mol * g.fluorine
            gypsum_residue_mol = gypsum_residue_mol + mol * g.calcium
            shares["apatite"] = {"residue": 1.0}
        if "calcite" in feed.components:
            mol = _gangue_mol(feed, "calcite")
            protons = protons + 2.0 * mol
            co2_kg = co2_kg + mol * _CO2 / 1000.0
            gypsum_residue_mol = gypsum_residue_mol + mol
            share = _CO2 / GANGUE_MINERALS["calcite"].molar_mass
            shares["calcite"] = {"stack": share}
        if "hematite" in feed.components:
            protons = protons + 6.0 * _gangue_mol(feed, "hematite") * fe
            shares["hematite"] = {"wlp": fe}
        th_mol = _mol(feed, "Th") if "Th" in feed.components else 0.0
        protons = protons + 4.0 * th_mol
        acid_mol = protons / 2.0 * (1.0 + p["excess"])
        acid_kg = acid_mol * _H2SO4 / 1000.0
        free_h = protons * p["excess"]
        mgo_kg = free_h / 2.0 * _MGO / 1000.0
        routes = _routing(feed, shares, ("liquor", "stack", "wlp", "residue"))
        liquor, wlp, residue = routes["liquor"], routes["wlp"], routes["residue"]
        # sulfate to NUF gypsum: all sulfate fed less that fixed with Ca in the residue
        nuf_gypsum_mol = np.maximum(acid_mol - gypsum_residue_mol, 0.0)
        lime_kg = nuf_gypsum_mol * _CAO / 1000.0 + hf_mol / 2.0 * _CAO / 1000.0 * 1.1
        nuf_kg = nuf_gypsum_mol * _GYPSUM / 1000.0
        residue_gypsum_kg = gypsum_residue_mol * _GYPSUM / 1000.0
        caf2_kg = hf_mol / 2.0 * _CAF2 / 1000.0
        d_t = np.maximum(temp - 298.15, 0.0)
        heat_w = (feed.total_kg_s * SOLIDS_HEAT_CAPACITY + acid_kg * SULFURIC_ACID_HEAT_CAPACITY
                  ) * d_t / eff + (
                      co2_kg * 1000.0 / _CO2 * DECARBONATION_ENTHALPY / eff)  # fmt: skip
        slurry = feed.total_kg_s * p["liquor_per_kg"]
        volume, units = _reactors(slurry, p["residence"])

        if self.co_dispose_gypsum:
            combined = Stream(feed.components, wlp.mass_flows + residue.mass_flows)
            wastes, class_details = _residue_waste(
                "WLP + NUF residue (co-disposed)", combined, nuf_kg + residue_gypsum_kg, p
            )
            wlp_dry = combined.total_kg_s + nuf_kg + residue_gypsum_kg
        else:
            wlp_wastes, class_details = _residue_waste(
                "water-leach purification (WLP) residue", Stream(
                    feed.components, wlp.mass_flows + residue.mass_flows),
                residue_gypsum_kg, p,
            )  # fmt: skip
            wastes = (*wlp_wastes, _solid_waste("neutralisation underflow (NUF) gypsum", feed,
                                                nuf_kg, moisture=0.3))  # fmt: skip
            wlp_dry = wlp.total_kg_s + residue.total_kg_s + residue_gypsum_kg
        if np.any(caf2_kg > 0):
            wastes = (*wastes, _solid_waste("scrubber fluoride sludge (CaF2)", feed, caf2_kg))
        pathway, ra228, ra226 = _radionuclides(
            feed, {"liquor": liquor, "wlp_residue": wlp, "residue": residue}, ra_res,
            "wlp_residue", wlp_dry,
        )  # fmt: skip
        details = {
            "offgas": {
                "CO2": converted(co2_kg, "kg/s", "kg/h"),
                "HF": converted(hf_mol * _HF / 1000.0, "kg/s", "kg/h"),
            },
            "heat_input": converted(heat_w, "W", "kW"),
            "acid_to_concentrate": np.divide(acid_kg, feed.total_kg_s),
            "nuf_gypsum": converted(nuf_kg, "kg/s", "kg/h"),
            "wlp_residue_dry_mass_flow": converted(wlp_dry, "kg/s", "kg/h"),
            "radionuclide_pathway": pathway,
            "radium_228_activity": ra228,
            "radium_226_activity": ra226,
            "released_outlets": {"stack": "kiln off-gas after lime scrubbing; CO2 to air"},
            "reactor_volume": Q_(volume, "m**3"),
            **class_details,
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": liquor, "stack": routes["stack"]},
            equipment=(
                Equipment("acid-bake kiln", "roaster", converted(heat_w, "W", "MMBtu/h")),
                Equipment(
                    "water-leach and neutralisation tanks",
                    "leach_reactor",
                    Q_(2 * volume / units, "m**3"),
                    units,
                ),
                Equipment("agitators", "agitator", Q_(0.6 * volume / units, "kW"), units),
            ),
            consumption={
                "sulfuric_acid": converted(acid_kg, "kg/s", "kg/h"),
                "magnesia": converted(mgo_kg, "kg/s", "kg/h"),
                "lime": converted(lime_kg, "kg/s", "kg/h"),
                "natural_gas": Q_(_heat_to_gas(heat_w), "ft**3/h"),
                "electricity": Q_(0.3 * volume, "kW"),
                "process_water": Q_(slurry * 3600.0, "m**3/h"),
            },
            wastes=wastes,
            operators_per_shift=p["operators"],
            details=details,
        )


# ------------------------------------------------------------- ion-adsorption clay
@dataclass(frozen=True)
class ClayLeaching:
    """Leach an ion-adsorption clay by ion exchange: inlet ``"feed"`` (the ore), outlet
    ``"liquor"`` (rare-earth sulfate solution after impurity removal).

    Exchange: 2 (clay)3–RE + 3 (NH4)2SO4 → 2 (clay)3–(NH4)3 ... i.e. 3 mol NH4+ (or 1.5
    mol Mg2+) per mol rare earth, times ``lixiviant_excess`` — in practice far above
    stoichiometry because the lixiviant also exchanges other cations and stays in the
    pore water. Impurity removal: Al3+ co-leached (``aluminium_leached`` kg per kg REO)
    is precipitated with NH4HCO3 at pH ~5 (3 mol per mol Al) as Al(OH)3, taking
    ``impurity_removal_loss`` of the rare earths with it. The barren liquor carries the
    unused lixiviant as an ammonium (or magnesium) sulfate effluent, treated by
    ``effluent_method`` with ``recycle_fraction`` returned to the leach.

    Parameters
    ----------
    lixiviant : {"ammonium_sulfate", "magnesium_sulfate"}
    recovery : float or array_like
        Rare earths leached [-]. Default 0.85 (assumption; the MIIT 2016 conditions ask
        > 94 % recovery for ion-adsorption ore from mixed concentrate on, not from ore).
    lixiviant_excess : float or array_like
        Multiple of stoichiometric lixiviant [-]. Default 4 (assumption).
    aluminium_leached : float or array_like
        Al leached per kg REO [kg/kg]. Default 0.1 (assumption).
    impurity_removal_loss : float or array_like
        Default 0.02 (assumption).
    liquor_concentration : pint.Quantity
        REO in the pregnant liquor, sizes the effluent [mass/volume]. Default 1 g/L
        (assumption; pregnant solutions of ion-adsorption leaching are dilute).
    effluent_method : {"discharge", "evaporation", "ammonia_recovery"}
        Default "discharge".
    recycle_fraction : float or array_like
        Default 0.85 (the MIIT 2016 ≥ 85 % water-recycling condition).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recovery": (0.0, 1.0),
        "impurity_removal_loss": (0.0, 1.0),
        "recycle_fraction": (0.0, 1.0),
        "radioactive_threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)

    lixiviant: str = "ammonium_sulfate"
    recovery: object = 0.85
    lixiviant_excess: object = 4.0
    aluminium_leached: object = 0.1
    impurity_removal_loss: object = 0.02
    liquor_concentration: object = field(default_factory=lambda: Q_(1.0, "g/L"))
    effluent_method: str = "discharge"
    recycle_fraction: object = 0.85
    operators_per_shift: object = 2.0
    radioactive_threshold: object = SOURCE_MATERIAL_THRESHOLD

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "feed", "ClayLeaching")
        check_choice(self.lixiviant, ("ammonium_sulfate", "magnesium_sulfate"), "lixiviant")
        recovery = check_fraction(self.recovery, "recovery")
        excess = check_positive(self.lixiviant_excess, "", "lixiviant_excess")
        if np.any(np.asarray(excess) < 1):
            raise InputError(
                f"lixiviant_excess must be >= 1 (a multiple of stoichiometric), got "
                f"{describe(self.lixiviant_excess)}"
            )
        al = check_positive(self.aluminium_leached, "", "aluminium_leached", allow_zero=True)
        loss = check_fraction(self.impurity_removal_loss, "impurity_removal_loss")
        conc = check_positive(self.liquor_concentration, "kg/m**3", "liquor_concentration")
        threshold = check_fraction(self.radioactive_threshold, "radioactive_threshold")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        shares = {s: {"liquor": recovery * (1.0 - loss), "sludge": recovery * loss}
                  for s in feed.rare_earths}  # fmt: skip
        routes = _routing(feed, shares, ("liquor", "sludge", "tailings"))
        leached = routes["liquor"].reo_kg_s + routes["sludge"].reo_kg_s
        re_mol = _mol_elements(routes["liquor"]) + _mol_elements(routes["sludge"])
        if self.lixiviant == "ammonium_sulfate":
            lix_mol = 1.5 * re_mol * excess
            lix_kg, salt = lix_mol * _AMMONIUM_SULFATE / 1000.0, "ammonium_sulfate"
        else:
            lix_mol = 1.5 * re_mol * excess
            lix_kg, salt = lix_mol * _MAGNESIUM_SULFATE / 1000.0, "magnesium_sulfate"
        al_mol = leached * al * 1000.0 / ATOMIC_WEIGHTS["Al"]
        bicarbonate_kg = 3.0 * al_mol * _AMMONIUM_BICARBONATE / 1000.0
        water = leached / conc
        unused = lix_kg * (1.0 - 1.0 / excess)
        consumption, solid, eff_details = effluent_treatment(
            water_m3_s=water, salts={salt: unused}, method=self.effluent_method,
            recycle_fraction=self.recycle_fraction,
        )  # fmt: skip
        # recycled liquor returns its lixiviant: credit the unused share that is recycled
        recycle = check_fraction(self.recycle_fraction, "recycle_fraction")
        lix_bought = lix_kg - unused * recycle
        consumption = {
            salt: converted(lix_bought, "kg/s", "kg/h"),
            "ammonium_bicarbonate": converted(bicarbonate_kg, "kg/s", "kg/h"),
            **{k: v for k, v in consumption.items() if k != salt},
        }
        from .base import Waste

        wastes, class_details = classified_wastes(
            "leached clay tailings", routes["tailings"],
            moisture_kg_s=routes["tailings"].total_kg_s * 0.25, default_class="non_hazardous",
            threshold=threshold,
        )  # fmt: skip
        wastes = (
            *wastes,
            Waste("aluminium hydroxide sludge", "non_hazardous", routes["sludge"],
                  Q_(al_mol * _ALOH3 / 1000.0 * 2.0, "kg/s")),
        )  # fmt: skip
        if np.any(solid > 0):
            wastes = (*wastes, _solid_waste("crystallised lixiviant salt", feed, solid, 0.05))
        tank = water * 2 * 3600.0
        volume, units = _reactors(water, 2 * 3600.0)
        details = {
            "lixiviant_dose": converted(lix_kg, "kg/s", "kg/h"),
            "lixiviant_per_reo": np.divide(lix_kg, routes["liquor"].reo_kg_s),
            "aluminium_removed": converted(al_mol, "mol/s", "kmol/h"),
            **eff_details,
            **class_details,
        }
        del tank
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": routes["liquor"]},
            equipment=(
                Equipment(
                    "leach-liquor and impurity-removal tanks",
                    "leach_reactor",
                    Q_(volume / units, "m**3"),
                    units,
                ),
            ),
            consumption=consumption,
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )


# ------------------------------------------------------------------ thorium removal
@dataclass(frozen=True)
class ThoriumRemoval:
    """Remove dissolved thorium from a pregnant liquor before SX: inlet and outlet
    ``"liquor"``, waste ``"thorium cake"``.

    Th(IV) hydrolyses at a far lower pH (~3–4) than the trivalent rare earths (~6–7), so
    raising the pH with a base precipitates Th(OH)4 selectively (with iron and some
    co-precipitated rare earths); Baotou plants alternatively extract Th with a primary
    amine (Gupta & Krishnamurthy 2005). Base = 4 mol OH- per mol Th precipitated plus
    ``free_acid`` H+, × (1 + ``base_excess``); ``base`` ``"ammonia"`` (1 OH- per NH3) or
    ``"magnesia"`` (2 per MgO).

    Parameters
    ----------
    thorium_removal, uranium_removal : float or array_like
        Fractions precipitated [-]. Defaults 0.99 and 0.5 (assumptions).
    rare_earth_loss : float or array_like
        Rare earths co-precipitated [-]. Default 0.01 (assumption).
    free_acid : pint.Quantity
        Free acid to neutralise first, as H+ [mol/time]. Default 0.
    base : {"ammonia", "magnesia"}
    base_excess : float or array_like
        Default 0.2 (assumption).
    cake_moisture : float or array_like
        Default 0.5 (assumption).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "thorium_removal": (0.0, 1.0),
        "uranium_removal": (0.0, 1.0),
        "rare_earth_loss": (0.0, 1.0),
        "cake_moisture": (0.0, 0.99),
        "radioactive_threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)

    thorium_removal: object = 0.99
    uranium_removal: object = 0.5
    rare_earth_loss: object = 0.01
    free_acid: object = field(default_factory=lambda: Q_(0.0, "mol/h"))
    base: str = "magnesia"
    base_excess: object = 0.2
    cake_moisture: object = 0.5
    radioactive_threshold: object = SOURCE_MATERIAL_THRESHOLD
    operators_per_shift: object = 0.5

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        liquor = check_stream(inlets, "liquor", "ThoriumRemoval")
        check_choice(self.base, ("ammonia", "magnesia"), "base")
        th = check_fraction(self.thorium_removal, "thorium_removal")
        u = check_fraction(self.uranium_removal, "uranium_removal")
        loss = check_fraction(self.rare_earth_loss, "rare_earth_loss")
        acid = check_positive(self.free_acid, "mol/s", "free_acid", allow_zero=True)
        excess = check_positive(self.base_excess, "", "base_excess", allow_zero=True)
        moisture = check_fraction(self.cake_moisture, "cake_moisture", high=0.99)
        threshold = check_fraction(self.radioactive_threshold, "radioactive_threshold")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        shares = {s: {"cake": loss} for s in liquor.rare_earths}
        shares["Th"] = {"cake": th}
        shares["U"] = {"cake": u}
        routes = _routing(liquor, shares, ("cake", "liquor"))
        cake = routes["cake"]
        th_mol = _mol(cake, "Th") if "Th" in liquor.components else np.zeros(liquor.shape)
        re_mol = _mol_elements(cake)
        oh = 4.0 * th_mol + 3.0 * re_mol + acid
        if self.base == "ammonia":
            base_kg = oh * 17.031 / 1000.0 * (1.0 + excess)
        else:
            base_kg = oh / 2.0 * _MGO / 1000.0 * (1.0 + excess)
        extra = th_mol * 2 * 18.015 / 1000.0  # Th(OH)4 = ThO2 + 2 H2O
        dry = cake.total_kg_s + extra
        wastes, class_details = classified_wastes(
            "thorium cake", cake, dry_other_kg_s=extra,
            moisture_kg_s=dry * moisture / (1 - moisture),
            default_class="hazardous", threshold=threshold,
        )  # fmt: skip
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": routes["liquor"]},
            equipment=(
                Equipment(
                    "thorium precipitation filter",
                    "filter_press",
                    Q_(np.maximum(dry / (1 - moisture) * 4 * 3600 / 1400.0, 1e-6), "m**3"),
                ),
            ),
            consumption={self.base: converted(base_kg, "kg/s", "kg/h")},
            wastes=wastes,
            operators_per_shift=operators,
            details={"thorium_removed": converted(th_mol, "mol/s", "mol/h"), **class_details},
        )
