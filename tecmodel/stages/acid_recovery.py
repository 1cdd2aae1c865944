"""Acid recovery: hydrochloric acid (and magnesia) regenerated from chloride brines.

A refinery's chloride brines are its reagents, spent: the MgCl2 of non-saponification
(the Mg-loaded extractant, ``SolventExtractionSection(saponification_base="magnesia")``)
and the CaCl2 left by lime neutralisation or lime stripping of NH4Cl. Regenerating acid
from them changes the reagent bill; each route here comes from its own balance.

``"pyrohydrolysis"`` (MgCl2 brine)
    Spray roasting, the process of hydrochloric-acid regeneration in steel pickling
    (reactor at 600–800 °C, HCl absorbed adiabatically to ~18 wt % acid: Metsep,
    "Technology", relayed; SMS Demag plants return 99.5 % of the acid: Weissenbaeck,
    "Introduction into Hydrochloric Acid Regeneration Technology", relayed), applied to
    magnesium chloride as for MgO production:

        MgCl2(aq) + H2O(g) → MgO(s) + 2 HCl(g)

    ΔH = +256.7 kJ/mol from standard enthalpies of formation (NBS Tables of Chemical
    Thermodynamic Properties 1982, relayed: MgCl2(aq) −801.15, H2O(g) −241.818,
    MgO(s) −601.70, HCl(g) −92.307 kJ/mol; computed). The roaster evaporates the whole
    brine (4.184 kJ/kg/K × 75 K + 2,257 kJ/kg) and supplies ΔH; natural gas burns at
    ``furnace_efficiency``. Credits: the MgO returns to non-saponification (negative
    ``magnesia``) and the recovered HCl to scrubbing and stripping (negative
    ``hydrochloric_acid``, 100 % HCl basis).

``"sulfuric_displacement"`` (CaCl2 brine)
    Sulfuric acid displaces hydrochloric acid and fixes calcium as gypsum:

        CaCl2(aq) + H2SO4 + 2 H2O → CaSO4·2H2O(s) + 2 HCl(aq)

    Consumes ``sulfuric_acid`` (with ``sulfuric_excess``), regenerates HCl in solution at
    the brine's strength (a dilute acid, see ``details["regenerated_acid_wt"]``), and
    makes a gypsum cake (a waste); the HCl not recovered leaves in the cake moisture.

:class:`AcidRecovery` is a stage without streams: the brine is given by its salt and
water flows (as for :class:`~tecmodel.stages.effluent.EffluentTreatment`; brine salts are
not tracked components), e.g. the MgCl2 of an SX section's saponification = 1.5 mol per
mol REE loaded, i.e. ``magnesia`` consumption × 95.21 / 40.30. An SX section with
``brine_treatment="acid_recovery"`` runs it on its own brine, from its own balance
(:data:`tecmodel.stages.solvent_extraction.ACID_RECOVERY_ROUTES`). Chlor-alkali electrolysis
of NaCl brine (NaOH and HCl back) is not modelled: no cell cost correlation is embedded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..errors import InputError, describe
from ..units import Q_
from ._common import check_choice, check_fraction, check_positive, check_stage_fields

__all__ = ["ROUTES", "AcidRecovery", "acid_recovery"]

ROUTES = ("pyrohydrolysis", "sulfuric_displacement")

# Molar masses [g/mol] from CIAAW 2021 atomic weights (H 1.008, O 15.999, Mg 24.305,
# S 32.06, Cl 35.45, Ca 40.078).
_H, _O, _MG, _S, _CL, _CA = 1.008, 15.999, 24.305, 32.06, 35.45, 40.078
M_WATER = 2 * _H + _O
M_HCL = _H + _CL
M_MGCL2 = _MG + 2 * _CL
M_MGO = _MG + _O
M_CACL2 = _CA + 2 * _CL
M_H2SO4 = 2 * _H + _S + 4 * _O
M_GYPSUM = _CA + _S + 4 * _O + 2 * M_WATER

#: Reaction enthalpy of MgCl2(aq) + H2O(g) → MgO + 2 HCl(g) [J/mol] (module notes).
PYROHYDROLYSIS_ENTHALPY = (-601.70 + 2 * -92.307 - (-801.15 + -241.818)) * 1e3
#: Heat to take brine water from 25 °C to vapour at 100 °C [J/kg]: 4,184 × 75 + 2.257e6.
WATER_EVAPORATION_HEAT = 4184.0 * 75.0 + 2.257e6
#: Strength of the regenerated acid of spray roasting [wt % HCl] (Metsep, relayed).
ROASTER_ACID_STRENGTH = 0.18


def acid_recovery(
    *,
    route: str,
    salt_kg_s,
    water_kg_s,
    hcl_recovery,
    furnace_efficiency=0.65,
    sulfuric_excess=0.05,
):
    """Regenerate acid from a chloride brine; physics only, per second.

    Parameters
    ----------
    route : {"pyrohydrolysis", "sulfuric_displacement"}
    salt_kg_s : array_like
        MgCl2 (pyrohydrolysis) or CaCl2 (sulfuric displacement) in the brine [kg/s].
    water_kg_s : array_like
        Brine water [kg/s].
    hcl_recovery : array_like
        Fraction of the chloride returned as usable HCl [-].
    furnace_efficiency : array_like
        Share of the fuel's heat that reaches the brine (roaster + pre-concentrator) [-].
    sulfuric_excess : array_like
        Sulfuric acid above 1 mol per mol CaCl2 [-].

    Returns
    -------
    dict of ndarray
        Species flows in and out [kg/s] (``in_*``, ``out_*``), ``heat_w`` [W] and
        ``fuel_heat_w`` [W] (pyrohydrolysis; zero otherwise).
    """
    check_choice(route, ROUTES, "route")
    salt = np.asarray(salt_kg_s, dtype=float)
    water = np.asarray(water_kg_s, dtype=float)
    eta = np.asarray(hcl_recovery, dtype=float)
    zero = np.zeros(np.broadcast_shapes(salt.shape, water.shape, eta.shape))
    if route == "pyrohydrolysis":
        mol = salt * 1000.0 / M_MGCL2  # mol/s
        hcl = 2.0 * mol * M_HCL / 1000.0
        heat = water * WATER_EVAPORATION_HEAT + mol * PYROHYDROLYSIS_ENTHALPY
        return {
            "in_salt": salt + zero,
            "in_water": water + zero,
            "in_sulfuric_acid": zero,
            "out_hcl_recovered": hcl * eta,
            "out_hcl_lost": hcl * (1.0 - eta),
            "out_oxide": mol * M_MGO / 1000.0 + zero,
            "out_gypsum": zero,
            "out_water": water - mol * M_WATER / 1000.0 + zero,
            "out_sulfuric_acid": zero,
            "heat_w": heat + zero,
            "fuel_heat_w": heat / np.asarray(furnace_efficiency, dtype=float) + zero,
        }
    mol = salt * 1000.0 / M_CACL2
    excess = np.asarray(sulfuric_excess, dtype=float)
    acid_in = mol * (1.0 + excess) * M_H2SO4 / 1000.0
    hcl = 2.0 * mol * M_HCL / 1000.0
    return {
        "in_salt": salt + zero,
        "in_water": water + zero,
        "in_sulfuric_acid": acid_in + zero,
        "out_hcl_recovered": hcl * eta,
        "out_hcl_lost": hcl * (1.0 - eta),
        "out_oxide": zero,
        "out_gypsum": mol * M_GYPSUM / 1000.0 + zero,
        "out_water": water - 2.0 * mol * M_WATER / 1000.0 + zero,
        "out_sulfuric_acid": mol * excess * M_H2SO4 / 1000.0 + zero,
        "heat_w": zero,
        "fuel_heat_w": zero,
    }


@dataclass(frozen=True)
class AcidRecovery:
    """Regenerate hydrochloric acid from a chloride brine (no stream ports).

    Parameters
    ----------
    route : {"pyrohydrolysis", "sulfuric_displacement"}
        See :mod:`tecmodel.stages.acid_recovery`. Default ``"pyrohydrolysis"``.
    salt_flow : pint.Quantity
        MgCl2 (pyrohydrolysis) or CaCl2 (sulfuric displacement) in the brine [mass/time].
    water_flow : pint.Quantity
        Brine water [volume/time, at 1,000 kg/m³].
    hcl_recovery : float or array_like, optional
        Fraction of the chloride returned as usable HCl [-]. Default 0.995 for
        pyrohydrolysis (SMS Demag: 99.5 % acid return, relayed) and 0.95 for sulfuric
        displacement (assumption: acid left in the washed gypsum cake).
    furnace_efficiency : float or array_like
        Default 0.65 (assumption: spray roaster with venturi pre-concentrator).
    sulfuric_excess : float or array_like
        Default 0.05 (assumption).
    residence_time : pint.Quantity
        Reactor hold-up of the displacement route and absorber hold-up of the roaster
        route [time]. Default 1 h (assumption).
    electricity_per_volume : pint.Quantity
        Fans, pumps and agitation per m³ of brine [energy/volume]. Default 5 kWh/m³
        (assumption).
    gypsum_moisture : float or array_like
        Water in the gypsum cake per kg of cake [-]. Default 0.2 (assumption).
    gypsum_class : str
        Waste class of the gypsum cake. Default ``"non_hazardous"`` (assumption: brine
        salts only; tracked radionuclides do not reach this stage).
    operators_per_shift : float or array_like
        Default 1.0 (assumption).

    Notes
    -----
    Equipment: pyrohydrolysis — a spray roaster costed with the ``"roaster"`` correlation
    by its fired heat input, and an HCl absorption column costed as a ``"tank"`` holding
    ``residence_time`` of 18 % acid; sulfuric displacement — reactors
    (``"precipitation_tank"``) for ``residence_time``, agitators at 0.6 kW/m³ and a belt
    filter for the gypsum. The correlations are proxies (none is embedded for these units).
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "hcl_recovery": (0.0, 1.0),
        "furnace_efficiency": (0.0, 1.0),
        "gypsum_moisture": (0.0, 0.9),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ()
    outlet_ports: ClassVar[tuple[str, ...]] = ()

    route: str = "pyrohydrolysis"
    salt_flow: object = field(default_factory=lambda: Q_(0.0, "kg/h"))
    water_flow: object = field(default_factory=lambda: Q_(0.0, "m**3/h"))
    hcl_recovery: object = None
    furnace_efficiency: object = 0.65
    sulfuric_excess: object = 0.05
    residence_time: object = field(default_factory=lambda: Q_(1.0, "h"))
    electricity_per_volume: object = field(default_factory=lambda: Q_(5.0, "kWh/m**3"))
    gypsum_moisture: object = 0.2
    gypsum_class: str = "non_hazardous"
    operators_per_shift: object = 1.0

    def __post_init__(self):
        # checked when built or replaced
        check_stage_fields(self)  # type, unit, finiteness of every field
        from .base import WASTE_CLASSES

        check_choice(self.route, ROUTES, "route")
        check_choice(self.gypsum_class, WASTE_CLASSES, "gypsum_class")
        if self.hcl_recovery is not None:
            check_fraction(self.hcl_recovery, "hcl_recovery")
        check_fraction(self.furnace_efficiency, "furnace_efficiency", low=1e-9)
        check_positive(self.sulfuric_excess, "", "sulfuric_excess", allow_zero=True)
        check_fraction(self.gypsum_moisture, "gypsum_moisture", high=0.9)
        check_positive(self.operators_per_shift, "", "operators_per_shift", allow_zero=True)

    def run(self, inlets) -> StageResult:  # noqa: F821
        from .base import Equipment, StageResult, Waste

        salt = check_positive(self.salt_flow, "kg/s", "salt_flow", allow_zero=True)
        water = check_positive(self.water_flow, "m**3/s", "water_flow", allow_zero=True) * 1e3
        default = 0.995 if self.route == "pyrohydrolysis" else 0.95
        eta = check_fraction(default if self.hcl_recovery is None else self.hcl_recovery,
                             "hcl_recovery")  # fmt: skip
        efficiency = check_fraction(self.furnace_efficiency, "furnace_efficiency", low=1e-9)
        excess = check_positive(self.sulfuric_excess, "", "sulfuric_excess", allow_zero=True)
        hold = check_positive(self.residence_time, "s", "residence_time")
        power = check_positive(self.electricity_per_volume, "kWh/m**3", "electricity_per_volume",
                               allow_zero=True)  # fmt: skip
        moisture = check_fraction(self.gypsum_moisture, "gypsum_moisture", high=0.9)
        flows = acid_recovery(
            route=self.route, salt_kg_s=salt, water_kg_s=water, hcl_recovery=eta,
            furnace_efficiency=efficiency, sulfuric_excess=excess,
        )  # fmt: skip
        if np.any(flows["out_water"] < 0):
            raise InputError(
                f"water_flow {describe(self.water_flow)} is less than the water the "
                f"{self.route} reaction takes from salt_flow {describe(self.salt_flow)}; "
                "valid: a brine (more water than 1 mol per mol MgCl2, 2 per mol CaCl2)"
            )
        brine_m3_h = water / 1e3 * 3600.0
        consumption = {
            "hydrochloric_acid": Q_(-flows["out_hcl_recovered"] * 3600.0, "kg/h"),
            "electricity": Q_(brine_m3_h * power, "kW"),
        }
        wastes = ()
        if self.route == "pyrohydrolysis":
            from .precipitation import NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3

            fuel = Q_(flows["fuel_heat_w"], "W")
            consumption["natural_gas"] = Q_(
                fuel.to("Btu/h").magnitude / NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3, "ft**3/h"
            )
            consumption["magnesia"] = Q_(-flows["out_oxide"] * 3600.0, "kg/h")
            acid_m3 = flows["out_hcl_recovered"] / ROASTER_ACID_STRENGTH / 1100.0 * hold
            equipment = (
                Equipment("spray roaster", "roaster", fuel.to("MMBtu/h")),
                Equipment("HCl absorption column", "tank",
                          Q_(np.maximum(acid_m3, 1e-6), "m**3").to("gal")),
            )  # fmt: skip
            acid_wt = np.full(np.shape(salt + water), ROASTER_ACID_STRENGTH)
        else:
            consumption["sulfuric_acid"] = Q_(flows["in_sulfuric_acid"] * 3600.0, "kg/h")
            volume = water / 1e3 * hold  # m³
            cake_water = flows["out_gypsum"] * moisture / (1.0 - moisture)
            equipment = (
                Equipment("displacement reactors", "precipitation_tank",
                          Q_(np.maximum(volume, 1e-6), "m**3").to("gal")),
                Equipment("reactor agitators", "agitator", Q_(0.6 * volume, "kW")),
                Equipment("gypsum belt filter", "belt_filter",
                          Q_(np.maximum(flows["out_gypsum"] + cake_water, 1e-9), "kg/s")
                          .to("ton/hr")),
            )  # fmt: skip
            wastes = (
                Waste("gypsum cake", self.gypsum_class, _no_stream(),
                      Q_(flows["out_gypsum"] + cake_water + flows["out_hcl_lost"], "kg/s")),
            )  # fmt: skip
            liquid = flows["out_water"] - cake_water + flows["out_hcl_recovered"]
            acid_wt = np.divide(flows["out_hcl_recovered"], liquid,
                                out=np.zeros(np.shape(liquid)), where=liquid > 0)  # fmt: skip
        details = {
            "acid_recovery_route": self.route,
            "hcl_recovered": Q_(flows["out_hcl_recovered"] * 3600.0, "kg/h"),
            "regenerated_acid_wt": acid_wt,
            "balance_in": {k[3:]: Q_(v * 3600.0, "kg/h") for k, v in flows.items()
                           if k.startswith("in_")},
            "balance_out": {k[4:]: Q_(v * 3600.0, "kg/h") for k, v in flows.items()
                            if k.startswith("out_")},
            "heat_duty": Q_(flows["heat_w"], "W").to("kW"),
        }  # fmt: skip
        return StageResult(
            inlets={}, outlets={}, equipment=equipment, consumption=consumption,
            wastes=wastes, operators_per_shift=self.operators_per_shift, details=details,
        )  # fmt: skip


def _no_stream():
    from ..streams import Stream

    return Stream.empty(())
