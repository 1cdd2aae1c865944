"""Effluents: brines and acidic liquors, their treatment, and water recycling.

A refinery's liquid effluents are salt solutions made by its reagents: NaCl from
saponifying the extractant with NaOH (3 mol per mol rare earth loaded), NH4Cl from
ammonium-bicarbonate precipitation (3 mol per mol rare earth), HCl from oxalate
precipitation (3 mol H+ per mol rare earth), (NH4)2SO4 or MgSO4 from clay leaching,
sulfates from a sulfuric-acid bake. High-ammonia, high-salt wastewater is the rare-earth
industry's main effluent problem (China's emission standard GB 26451-2011; the MIIT 2016
industry conditions ask for ≥ 85 % water recycling; REFERENCE_DATA.md).

:func:`effluent_treatment` turns a salt load and a water flow into what treating it costs
physically, by one of :data:`METHODS`:

``"discharge"``
    Neutralise free acid with lime (CaO + 2 H+ → Ca2+ + H2O), precipitate dissolved
    metals as a sludge, discharge the water under permit (consumption
    ``effluent_discharge`` per m³).
``"evaporation"``
    Neutralise, then evaporate the water by mechanical vapour recompression and
    crystallise the salt (a solid waste); the condensate is reusable. Electricity
    40 kWh per m³ evaporated (MVR compressors draw 35–45 kW per t/h of vapour in large
    units: Wikipedia, "Vapor-compression evaporation", relayed; middle value).
``"ammonia_recovery"``
    For ammonium salts: lime stripping, 2 NH4+ + CaO → Ca2+ + 2 NH3 + H2O (0.5 mol CaO per
    mol NH4+), steam-stripped NH3 returned to the plant (a credit: negative ``ammonia``
    consumption, recovery 0.95, assumption); steam 0.1 t per m³ stripped (assumption),
    raised with natural gas at 2.8 MJ per kg steam (latent + sensible heat at 80 %
    boiler efficiency, computed); the stripped brine (CaCl2/CaSO4) is discharged.

``recycle_fraction`` of the treated water returns to the process; the rest is discharged.
Who buys the water follows where it entered the process. A stage that treats the effluent
it makes itself (its saponification, strip or wash solution, its lixiviant) bought that
water, so it buys the fresh make-up for what is not recycled: ``process_water`` =
(1 − recycle_fraction) × the effluent water. :class:`EffluentTreatment` treats a liquor
another stage made and bought the water of, so the recycled share is a credit against
that purchase (negative ``process_water``). Before this rule every caller took the credit,
and a plant whose stages never bought their effluent water was paid for recycling it
(the full-separation clay plant had net negative utilities, −0.68 USD/kg).
With ``"discharge"`` and ``"ammonia_recovery"`` recycling salty water is limited by what
the process tolerates; the fraction is the user's, default 0.

:class:`EffluentTreatment` wraps the kernel as a stage for a liquor a flowsheet connects
to it. Precipitation, solvent-extraction and cracking stages call the kernel for the
effluents they make themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..errors import InputError
from ..streams import Stream
from ..units import Q_, converted
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
)
from .waste import SOURCE_MATERIAL_THRESHOLD, classified_wastes, proton_equivalents_per_kg

__all__ = [
    "METHODS",
    "SALTS",
    "EffluentTreatment",
    "biological_treatment",
    "effluent_treatment",
]

METHODS = ("discharge", "evaporation", "ammonia_recovery")

#: Salts an effluent may carry: molar mass [g/mol] (CIAAW 2021) and NH4+ per formula.
SALTS = {
    "sodium_chloride": (58.44, 0.0),
    "ammonium_chloride": (53.49, 1.0),
    "sodium_sulfate": (142.04, 0.0),
    "ammonium_sulfate": (132.14, 2.0),
    "magnesium_sulfate": (120.37, 0.0),
    "calcium_chloride": (110.98, 0.0),
    "magnesium_chloride": (95.21, 0.0),
    "sodium_phosphate": (163.94, 0.0),
    "sodium_gluconate": (218.14, 0.0),
    "iron_gluconate": (446.14, 0.0),
    # Ca(C6H11O7)2: 40.078 + 2 x (6 x 12.011 + 11 x 1.008 + 7 x 15.999) = 430.372
    "calcium_gluconate": (430.372, 0.0),
}
_CAO = 56.077
_NH3 = 17.031
#: Electricity of MVR evaporation [kWh per m³ evaporated] (see module notes).
EVAPORATION_ELECTRICITY = 40.0
#: Steam per m³ of ammonium effluent stripped [t/m³]: assumption.
STRIPPING_STEAM = 0.1
#: Heat per kg of steam [J/kg]: (2,257 kJ latent + 4.18·75 kJ sensible) / 0.8 ≈ 3.2 MJ;
#: rounded down to 2.8 MJ/kg for feed-water preheat by the stripped liquor (computed).
STEAM_HEAT = 2.8e6
#: Fraction of NH3 recovered in stripping: assumption.
AMMONIA_RECOVERY = 0.95
#: Electricity of biological (activated-sludge) treatment per kg of COD removed
#: [kWh/kg]: 1.9, the most probable value over 202 Italian urban treatment plants
#: (Water Practice & Technology 16(3), 851, 2021) - municipal plants, transferred to a
#: strong organic liquor (labelled transfer).
BIOLOGICAL_TREATMENT_ELECTRICITY = 1.9
#: Dry biological sludge per kg of COD removed [kg/kg]: assumption (aerobic observed
#: yields are of the order of 0.2-0.5).
BIOLOGICAL_SLUDGE_YIELD = 0.3


def biological_treatment(cod_kg_s):
    """Aerobic treatment of a dissolved organic load before discharge; no money.

    Parameters
    ----------
    cod_kg_s : array_like
        Chemical oxygen demand removed [kg O2/s].

    Returns
    -------
    consumption : dict of str to Quantity
        ``electricity`` = COD · :data:`BIOLOGICAL_TREATMENT_ELECTRICITY` [kW].
    sludge_kg_s : ndarray
        Dry biological sludge = COD · :data:`BIOLOGICAL_SLUDGE_YIELD` [kg/s].
    """
    cod = check_positive(cod_kg_s, "", "cod_kg_s", allow_zero=True)
    electricity = cod * 3600.0 * BIOLOGICAL_TREATMENT_ELECTRICITY  # kg/h · kWh/kg = kW
    return {"electricity": Q_(electricity, "kW")}, cod * BIOLOGICAL_SLUDGE_YIELD


def effluent_treatment(
    *,
    water_m3_s,
    salts: Mapping[str, object],
    method: str,
    recycle_fraction=0.0,
    free_acid_mol_s=0.0,
    metal_protons_mol_s=0.0,
    lime_excess=0.1,
    water_bought_upstream=False,
):
    """Treat an effluent; the physics of it, no money.

    Parameters
    ----------
    water_m3_s : array_like
        Effluent water flow [m³/s].
    salts : mapping of salt name to array_like
        Dissolved salts [kg/s]; names from :data:`SALTS`.
    method : {"discharge", "evaporation", "ammonia_recovery"}
    recycle_fraction : array_like
        Fraction of the treated water reused in the process [-].
    free_acid_mol_s, metal_protons_mol_s : array_like
        H+ to neutralise: free acid, and charge of metals precipitated as hydroxides
        [mol/s].
    lime_excess : array_like
        Lime above stoichiometric [-].
    water_bought_upstream : bool
        False (default): the caller made the effluent, so the make-up for the water not
        recycled is bought here (positive ``process_water``). True: another stage bought
        the water; the recycled share is a credit (negative ``process_water``).

    Returns
    -------
    consumption : dict of str to Quantity
        Rates per hour (negative for credits: ammonia recovered, and water recycled when
        ``water_bought_upstream``).
    solid_salt_kg_s : ndarray
        Crystallised salt (evaporation) [kg/s], else 0.
    details : dict
    """
    check_choice(method, METHODS, "effluent method")
    unknown = [s for s in salts if s not in SALTS]
    if unknown:
        raise InputError(f"salts must be among {', '.join(SALTS)}; got {unknown}")
    recycle = check_fraction(recycle_fraction, "recycle_fraction")
    water = np.asarray(water_m3_s, dtype=float)
    salt_total = sum(
        (np.asarray(v, dtype=float) for v in salts.values()), np.zeros(np.shape(water))
    )
    ammonium = sum(
        (
            np.asarray(v, dtype=float) * 1000.0 / SALTS[s][0] * SALTS[s][1]
            for s, v in salts.items()
        ),
        np.zeros(np.shape(water)),
    )
    h = np.asarray(free_acid_mol_s, dtype=float) + np.asarray(metal_protons_mol_s, dtype=float)
    lime_mol = h / 2.0
    consumption = {}
    discharged = water * (1.0 - recycle)
    solid = np.zeros(np.shape(water + salt_total))
    if method == "ammonia_recovery":
        if np.any(ammonium <= 0) and np.any(salt_total > 0):
            raise InputError(
                "effluent method 'ammonia_recovery' needs an ammonium salt "
                f"(ammonium_chloride or ammonium_sulfate); got salts {sorted(salts)}"
            )
        lime_mol = lime_mol + ammonium / 2.0
        heat = water * 1000.0 * STRIPPING_STEAM * STEAM_HEAT  # m³/s · kg/m³ steam ratio · J/kg
        from .precipitation import NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3

        consumption["natural_gas"] = Q_(
            converted(heat, "W", "Btu/h").magnitude / NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3,
            "ft**3/h",
        )
        consumption["ammonia"] = converted(
            -ammonium * AMMONIA_RECOVERY * _NH3 / 1000.0, "kg/s", "kg/h"
        )
        consumption["effluent_discharge"] = converted(discharged, "m**3/s", "m**3/h")
    elif method == "evaporation":
        consumption["electricity"] = Q_(water * 3600.0 * EVAPORATION_ELECTRICITY, "kW")
        solid = salt_total * np.ones(np.shape(solid))
        discharged = np.zeros(np.shape(water))
    else:
        consumption["effluent_discharge"] = converted(discharged, "m**3/s", "m**3/h")
    consumption["lime"] = converted(lime_mol * (1.0 + lime_excess) * _CAO / 1000.0, "kg/s", "kg/h")
    if water_bought_upstream:
        consumption["process_water"] = converted(-water * recycle, "m**3/s", "m**3/h")
    else:
        consumption["process_water"] = converted(water * (1.0 - recycle), "m**3/s", "m**3/h")
    details = {
        "effluent_method": method,
        "effluent_water": converted(water, "m**3/s", "m**3/h"),
        "effluent_salts": {
            s: converted(np.asarray(v, dtype=float), "kg/s", "kg/h") for s, v in salts.items()
        },
        "water_recycled": converted(water * recycle, "m**3/s", "m**3/h"),
        "water_discharged": converted(discharged, "m**3/s", "m**3/h"),
        "crystallised_salt": converted(solid, "kg/s", "kg/h"),
    }
    return consumption, solid, details


@dataclass(frozen=True)
class EffluentTreatment:
    """Treat a liquor a flowsheet connects to it: inlet ``"liquor"``, no outlets.

    The tracked components of the liquor (rare-earth losses, Th, U, Fe, …) precipitate
    on neutralisation with ``precipitation`` and leave in a sludge classed by Th + U; what
    stays dissolved leaves with the discharged or recycled water (a waste line of class
    ``"non_hazardous"`` with no disposal volume of its own: its cost is the discharge
    fee). Salts and water are given, since they are not tracked components.

    Parameters
    ----------
    method : {"discharge", "evaporation", "ammonia_recovery"}
        See :mod:`tecmodel.stages.effluent`.
    water_flow : pint.Quantity
        Effluent water [volume/time].
    salts : mapping of salt name to pint.Quantity
        Dissolved salts [mass/time].
    free_acid : pint.Quantity
        Free acid as H+ [mol/time]. Default 0.
    recycle_fraction : float or array_like
        Default 0.
    precipitation : float or array_like
        Fraction of tracked components precipitated in neutralisation [-]. Default 0.99
        (assumption).
    salt_class, sludge_class : str
        Classes of the crystallised salt and of the sludge below the Th + U threshold.
        Defaults ``"non_hazardous"`` and ``"hazardous"`` (assumptions).
    operators_per_shift : float or array_like
        Default 0.5 (assumption).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recycle_fraction": (0.0, 1.0),
        "precipitation": (0.0, 1.0),
        "threshold": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("liquor",)
    outlet_ports: ClassVar[tuple[str, ...]] = ()

    method: str = "discharge"
    water_flow: object = field(default_factory=lambda: Q_(0.0, "m**3/h"))
    salts: Mapping[str, object] = field(default_factory=dict)
    free_acid: object = field(default_factory=lambda: Q_(0.0, "mol/h"))
    recycle_fraction: object = 0.0
    precipitation: object = 0.99
    salt_class: str = "non_hazardous"
    sludge_class: str = "hazardous"
    threshold: object = SOURCE_MATERIAL_THRESHOLD
    operators_per_shift: object = 0.5

    def __post_init__(self):
        # checked when built or replaced, also where a design does not reach them
        check_stage_fields(self)  # type, unit, finiteness of every field
        from ..validation import check
        from .base import WASTE_CLASSES

        check_choice(self.method, METHODS, "method")
        check_choice(self.salt_class, WASTE_CLASSES, "salt_class")
        check_choice(self.sludge_class, WASTE_CLASSES, "sludge_class")
        check(self.threshold, "threshold", "", low=0.0, high=1.0)
        check_fraction(self.recycle_fraction, "recycle_fraction")
        check_fraction(self.precipitation, "precipitation")

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:  # noqa: F821
        from .base import StageResult, Waste

        liquor = check_stream(inlets, "liquor", "EffluentTreatment")
        check_choice(self.method, METHODS, "method")
        water = check_positive(self.water_flow, "m**3/s", "water_flow", allow_zero=True)
        acid = check_positive(self.free_acid, "mol/s", "free_acid", allow_zero=True)
        salts = {
            k: check_positive(v, "kg/s", f"salts[{k!r}]", allow_zero=True)
            for k, v in dict(self.salts).items()
        }
        share = check_fraction(self.precipitation, "precipitation")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        sludge_flows = liquor.mass_flows * np.asarray(share)[..., None]
        dissolved = np.maximum(liquor.mass_flows - sludge_flows, 0.0)
        sludge = Stream(liquor.components, sludge_flows)
        # hydroxide precipitation: charge x mol of each metal (REE 3, Th 4, U 2, Fe 2)
        metal_h = (sludge_flows * proton_equivalents_per_kg(liquor.components)).sum(axis=-1)
        consumption, solid, details = effluent_treatment(
            water_m3_s=water, salts=salts, method=self.method,
            recycle_fraction=self.recycle_fraction, free_acid_mol_s=acid,
            metal_protons_mol_s=metal_h, water_bought_upstream=True,
        )  # fmt: skip
        wastes, class_details = classified_wastes(
            "effluent sludge", sludge, moisture_kg_s=sludge.total_kg_s,
            default_class=self.sludge_class, threshold=self.threshold,
        )  # fmt: skip
        wastes = (
            *wastes,
            Waste("treated water (dissolved remainder)", "non_hazardous",
                  Stream(liquor.components, dissolved), density=Q_(1e12, "kg/m**3")),
        )  # fmt: skip
        if np.any(solid > 0):
            wastes = (
                *wastes,
                Waste(
                    "crystallised salt",
                    self.salt_class,
                    Stream.empty(liquor.components),
                    Q_(solid, "kg/s"),
                ),
            )
        details.update(class_details)
        return StageResult(
            inlets=dict(inlets), outlets={}, consumption=consumption, wastes=wastes,
            operators_per_shift=operators, details=details,
        )  # fmt: skip
