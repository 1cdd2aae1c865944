"""Whole-site capital: what a refinery needs beyond its process units, by area.

Areas (:data:`AREAS`): process units (each stage's installed equipment), site services
(utilities and service facilities; laboratory, workshop and administration buildings;
reagent storage; the effluent-treatment plant), offsites (site improvements, the residue
storage facility, land for a new site), contingency (QGESS process contingency and project
contingency), owner's costs, initial fills and working capital. Each item is a correlation
on what the plant reports (effluent flow, residue volume, reagent consumption) or a factor
with its source, in ``tecmodel/data/site_capital.toml``.

The AACE estimate class follows from how the plant is defined (:func:`estimate_class`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import load_table
from ..errors import InputError
from ..units import Q_, magnitude
from .capital import collected_extrapolations, purchase_cost

__all__ = [
    "AREAS",
    "EstimateClass",
    "effluent_treatment_equipment_cost",
    "estimate_class",
    "reagent_storage_equipment_cost",
    "residue_storage_cost",
    "site_factor",
]

AREAS = (
    "process_units",
    "site_services",
    "offsites",
    "contingency",
    "owners_cost",
    "initial_fill",
    "working_capital",
)

#: QGESS installation items that belong to an area other than the process units
QGESS_ITEM_AREAS = {
    "plant_services": "site_services",
    "auxiliary_buildings": "site_services",
    "site_improvements": "offsites",
    "process_contingency": "contingency",
}


def _entry(key: str):
    return load_table("site_capital")[key]


def _quantity(key: str):
    entry = _entry(key)
    return Q_(float(entry.value), entry.extra.get("unit", ""))


def site_factor(key: str) -> float:
    """A site-capital factor from ``site_capital.toml`` [-]."""
    return float(_entry(key).value)


def _bought(kind: str, total_size, unit: str, max_per_unit: float):
    """Purchase cost of ``kind`` for a total size split into units of at most max_per_unit."""
    total = np.asarray(total_size, dtype=float)
    units = np.maximum(1.0, np.ceil(total / max_per_unit))
    per_unit = np.maximum(total / units, 1e-12)
    with collected_extrapolations():  # small sites fall below the UKy ranges; that is stated
        cost = purchase_cost(kind, Q_(per_unit, unit), units)
    return np.where(total > 0, cost.to("USD").magnitude, 0.0)


def effluent_treatment_equipment_cost(effluent_flow) -> np.ndarray:
    """Bare erected cost of a neutralisation effluent plant [USD] for an effluent flow.

    Parameters
    ----------
    effluent_flow : pint.Quantity
        Aqueous effluent to treat [volume/time].

    Returns
    -------
    numpy.ndarray
        Neutralisation tanks (UKy precipitation-tank row, 4 h residence, no larger
        than the row's range); a thickener (0.5 m² per t/day of solids at 2 % solids) and
        a transfer pump (UKy rows) [USD, default cost year].
        Labelled assumptions in ``site_capital.toml``. Salt removal (evaporation and
        crystallisation of NaCl/NH4Cl brines) is not included.
    """
    flow = np.asarray(magnitude(effluent_flow, "m**3/h", "effluent_flow"), dtype=float)
    if np.any(flow < 0):
        raise InputError(f"effluent_flow must be >= 0, got {effluent_flow}")
    residence = _quantity("effluent_residence_time").to("h").magnitude
    tank_gal = Q_(flow * residence, "m**3").to("gal").magnitude
    from .capital import equipment_correlation

    tank_max = equipment_correlation("precipitation_tank").size_max.to("gal").magnitude
    tanks = _bought("precipitation_tank", tank_gal, "gal", tank_max)
    solids_t_day = flow * 1.0 * 24.0 * site_factor("effluent_solids_fraction")  # t/day
    area_ft2 = Q_(
        solids_t_day * _quantity("thickener_area_per_solids").to("m**2*day/t").magnitude, "m**2"
    ).to("ft**2")
    thickener_max = equipment_correlation("thickener").size_max.to("ft**2").magnitude
    pump_max = equipment_correlation("pump").size_max.to("gal/min").magnitude
    thickener = _bought("thickener", area_ft2.magnitude, "ft**2", thickener_max)
    pump = _bought("pump", Q_(flow, "m**3/h").to("gal/min").magnitude, "gal/min", pump_max)
    return tanks + thickener + pump


def reagent_storage_equipment_cost(liquid_reagent_mass_flow) -> np.ndarray:
    """Bare erected cost of reagent storage tanks [USD] for the liquid reagents consumed.

    Parameters
    ----------
    liquid_reagent_mass_flow : pint.Quantity
        Sum of the liquid reagents consumed [mass/time].

    Notes
    -----
    Volume = flow · 14 days / 1,200 kg/m³ (labelled assumptions), bought as UKy storage tanks
    no larger than the correlation's range.
    """
    from .capital import equipment_correlation

    flow = np.asarray(magnitude(liquid_reagent_mass_flow, "kg/h", "reagent flow"), dtype=float)
    days = _quantity("reagent_storage_days").to("h").magnitude
    density = _quantity("reagent_storage_density").to("kg/m**3").magnitude
    volume_gal = Q_(flow * days / density, "m**3").to("gal").magnitude
    tank_max = equipment_correlation("storage_tank").size_max.to("gal").magnitude
    return _bought("storage_tank", volume_gal, "gal", tank_max)


def residue_storage_cost(residue_volume_flow) -> np.ndarray:
    """Capital of a lined residue storage facility [USD] for a residue volume flow.

    Parameters
    ----------
    residue_volume_flow : pint.Quantity
        Solid residue kept on site [volume/time] (per operating year).

    Notes
    -----
    cost = volume per year · 20 years · US$25 (2020) per m³ of capacity (labelled
    assumptions, ``site_capital.toml``). Residue shipped off site to a disposal facility
    is costed as a disposal fee instead and needs no cell here.
    """
    volume = np.asarray(magnitude(residue_volume_flow, "m**3/yr", "residue volume"), dtype=float)
    life = _quantity("residue_storage_life").to("yr").magnitude
    rate = _quantity("residue_storage_cost")
    return np.asarray((rate * Q_(volume * life, "m**3")).to("USD").magnitude, dtype=float)


# --------------------------------------------------------------------------- estimate class
@dataclass(frozen=True)
class EstimateClass:
    """An AACE 18R-97 estimate class and its expected accuracy range.

    Attributes
    ----------
    number : int
        1 (most defined) … 5 (concept screening).
    low, high : tuple of float
        Range of the low and high ends of the accuracy range, as fractions
        (Class 4: low −0.15 to −0.30, high +0.20 to +0.50).
    methodology : str
    reason : str
        Why this plant's estimate is in this class.
    """

    number: int
    low: tuple
    high: tuple
    methodology: str
    reason: str

    @property
    def name(self) -> str:
        return f"AACE Class {self.number}"

    @property
    def bounds(self) -> tuple[float, float]:
        """Outer bounds (most negative low, most positive high) as fractions [-]."""
        return float(min(self.low)), float(max(self.high))

    def __str__(self) -> str:
        low, high = self.bounds
        return f"{self.name} ({low:+.0%} to {high:+.0%}; {self.methodology})"


def estimate_class(stage_results, stages=None) -> EstimateClass:
    """The AACE class of a plant's capital estimate, from what the plant defines.

    Parameters
    ----------
    stage_results : mapping of str to StageResult
    stages : mapping of str to stage, optional

    Returns
    -------
    EstimateClass
        Class 4 (equipment factored) when every stage reports sized equipment that is
        priced from correlations and factored up; Class 5 (capacity factored / analogy)
        when any stage carries no sized equipment (a generic or black-box stage), since
        part of the plant is then costed by capacity or not at all.

    Notes
    -----
    tecmodel never has the engineering deliverables of a Class 3 estimate (P&IDs,
    equipment quotes); its best is Class 4. AACE International RP 18R-97 (rev. 2020).
    """
    unsized = [name for name, result in stage_results.items() if not result.equipment]
    if stages is not None:
        unsized += [
            name
            for name, stage in stages.items()
            if type(stage).__name__ == "GenericStage" and name not in unsized
        ]
    key, reason = (
        ("class_5", f"stages without sized equipment: {', '.join(unsized)}")
        if unsized
        else ("class_4", "every stage sizes its equipment; installation and site by factors")
    )
    entry = _entry(key)
    return EstimateClass(
        number=int(entry.value),
        low=tuple(float(x) for x in entry.extra["low"]),
        high=tuple(float(x) for x in entry.extra["high"]),
        methodology=entry.extra["methodology"],
        reason=reason,
    )
