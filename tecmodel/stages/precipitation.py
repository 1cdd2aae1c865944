"""Precipitation of rare earths from solution, and calcination of the precipitate to oxide.

Streams stay on the commercial-oxide basis throughout (:mod:`tecmodel.streams`): the
"precipitate" stream counts each rare earth as the oxide it will become, so precipitation
and calcination close their mass balances on that basis, and the real solid (an oxalate
decahydrate or a carbonate hydrate) is reported in ``details``.

Stoichiometry (REFERENCE_DATA.md, Reagents):

* oxalate: 2 RE3+ + 3 H2C2O4 → RE2(C2O4)3↓ + 6 H+, i.e. 1.5 mol oxalic acid per mol RE.
  Oxalic acid is counted as the dihydrate H2C2O4·2H2O (126.06 g/mol), the commercial
  form; for Nd that is 1.5 · 126.06 / (336.48 / 2) = 1.124 kg per kg Nd2O3.
* ammonium bicarbonate: 2 RE3+ + 6 NH4HCO3 → RE2(CO3)3↓ + 6 NH4+ + 3 CO2 + 3 H2O,
  i.e. 3 mol per mol RE.

Mol of rare earth are computed per element from its atomic mass and oxide formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..elements import ELEMENTS
from ..errors import InputError
from ..streams import Stream, is_rare_earth
from ..units import Q_, converted
from ._common import (
    check_choice,
    check_fraction,
    check_positive,
    check_stage_fields,
    check_stream,
    component_shares,
    mol_per_kg,
)
from .base import Equipment, StageResult, Waste

__all__ = [
    "BicarbonatePrecipitation",
    "Calcination",
    "OxalatePrecipitation",
    "precipitation_reagent",
]

# Molar masses [g/mol], computed from CIAAW 2021 atomic weights
# (H 1.008, C 12.011, N 14.007, O 15.999).
_H, _C, _N, _O = 1.008, 12.011, 14.007, 15.999
_WATER = 2 * _H + _O  # 18.015
#: Oxalic acid dihydrate H2C2O4·2H2O.
OXALIC_ACID_DIHYDRATE_MOLAR_MASS = 2 * _H + 2 * _C + 4 * _O + 2 * _WATER  # 126.064
#: Ammonium bicarbonate NH4HCO3.
AMMONIUM_BICARBONATE_MOLAR_MASS = _N + 5 * _H + _C + 3 * _O  # 79.055
_OXALATE = 2 * _C + 4 * _O  # C2O4 group, 88.018
_CARBONATE = _C + 3 * _O  # CO3 group, 60.008
_CO2 = _C + 2 * _O  # 44.009

# Defaults (assumptions unless a source is named).
#: Reagent above stoichiometric [-]: assumption, 0.2.
DEFAULT_EXCESS = 0.2
#: Fraction of each rare earth precipitated [-]: assumption, 0.99 (REE oxalates are
#: sparingly soluble).
DEFAULT_RECOVERY = 0.99
#: Fraction of Th precipitated with the REE [-]: assumption, 0.99 (thorium oxalate is
#: insoluble; with bicarbonate Th also precipitates).
DEFAULT_THORIUM_COPRECIPITATION = 0.99
#: REE concentration of the feed solution, as REO: assumption, 30 g/L.
DEFAULT_REE_CONCENTRATION = 30.0
#: Precipitation-tank residence time: assumption, 1 h.
DEFAULT_RESIDENCE_TIME_H = 1.0
#: Filter-press cycle (fill, press, discharge): assumption, 4 h.
DEFAULT_FILTER_CYCLE_H = 4.0
#: Water in the filter cake, mass fraction: assumption, 0.4.
DEFAULT_CAKE_MOISTURE = 0.4
#: Bulk density of the wet cake: assumption, 1,400 kg/m3.
DEFAULT_CAKE_DENSITY = 1400.0


def precipitation_reagent(
    mass_flows, components, *, mol_per_mol_ree, reagent_molar_mass, excess
) -> np.ndarray:
    """Reagent dose for the rare earths in a solution [kg/s].

    dose = Σ_RE (kg/s of oxide · mol RE per kg oxide) · mol_per_mol_ree · M · (1 + excess)

    Parameters
    ----------
    mass_flows : ndarray
        Shape (..., n) [kg/s], commercial-oxide basis for rare earths.
    components : sequence of str
    mol_per_mol_ree : float
        Mol reagent per mol rare earth [-] (1.5 oxalic acid, 3 NH4HCO3).
    reagent_molar_mass : float
        [g/mol].
    excess : array_like
        Fraction above stoichiometric [-].
    """
    ree = np.array([is_rare_earth(c) for c in components], dtype=float)
    mol_ree = (mass_flows * mol_per_kg(components) * ree).sum(axis=-1)
    return mol_ree * mol_per_mol_ree * reagent_molar_mass / 1000.0 * (1.0 + excess)


def _solid_per_mol_ree(components, anion_per_mol_ree: float, water_per_mol_ree: float):
    """kg of precipitated solid per kg of oxide-basis component (0 for non-REE) [-]."""
    out = []
    for c in components:
        if not is_rare_earth(c):
            out.append(0.0)
            continue
        el = ELEMENTS[c]
        grams_per_mol = el.atomic_mass + anion_per_mol_ree + water_per_mol_ree * _WATER
        out.append(grams_per_mol / (el.atomic_mass * el.oxide_factor))
    return np.asarray(out)


@dataclass(frozen=True)
class _Precipitation:
    """Shared model; subclasses set the reagent (see the concrete classes)."""

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recovery": (0.0, 1.0),
        "thorium_coprecipitation": (0.0, 1.0),
        "cake_moisture": (0.0, 0.99),
        "recycle_fraction": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("precipitate", "liquor")
    reagent: ClassVar[str]
    reagent_molar_mass: ClassVar[float]
    mol_per_mol_ree: ClassVar[float]
    solid_anion_per_mol_ree: ClassVar[float]  # g of anion per mol RE in the solid
    solid_water_per_mol_ree: ClassVar[float]  # mol H2O of hydration per mol RE
    solid_formula: ClassVar[str]
    reagent_basis: ClassVar[str]

    excess: object = DEFAULT_EXCESS
    recovery: object = DEFAULT_RECOVERY
    thorium_coprecipitation: object = DEFAULT_THORIUM_COPRECIPITATION
    impurity_coprecipitation: Mapping[str, object] = field(default_factory=dict)
    ree_concentration: object = field(default_factory=lambda: Q_(DEFAULT_REE_CONCENTRATION, "g/L"))
    residence_time: object = field(default_factory=lambda: Q_(DEFAULT_RESIDENCE_TIME_H, "h"))
    filter_cycle_time: object = field(default_factory=lambda: Q_(DEFAULT_FILTER_CYCLE_H, "h"))
    cake_moisture: object = DEFAULT_CAKE_MOISTURE
    cake_density: object = field(default_factory=lambda: Q_(DEFAULT_CAKE_DENSITY, "kg/m**3"))
    operators_per_shift: object = 1.0
    liquor_treatment: str | None = None
    liquor_anion: str = "chloride"
    recycle_fraction: object = 0.0

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        stage = type(self).__name__
        feed = check_stream(inlets, "feed", stage)
        excess = check_positive(self.excess, "", "excess", allow_zero=True)
        recovery = check_fraction(self.recovery, "recovery")
        thorium = check_fraction(self.thorium_coprecipitation, "thorium_coprecipitation")
        impurity = {
            name: check_fraction(value, f"impurity_coprecipitation[{name!r}]")
            for name, value in dict(self.impurity_coprecipitation).items()
        }
        misplaced = [name for name in impurity if is_rare_earth(name) or name == "Th"]
        if misplaced:
            raise InputError(
                f"impurity_coprecipitation must not name {misplaced}: rare earths and Th are "
                "set by recovery and thorium_coprecipitation"
            )
        concentration = check_positive(self.ree_concentration, "kg/m**3", "ree_concentration")
        residence = check_positive(self.residence_time, "s", "residence_time")
        cycle = check_positive(self.filter_cycle_time, "s", "filter_cycle_time")
        moisture = check_fraction(self.cake_moisture, "cake_moisture", high=0.99)
        cake_density = check_positive(self.cake_density, "kg/m**3", "cake_density")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )

        shares = {c: recovery for c in feed.rare_earths}
        if "Th" in feed.components:
            shares["Th"] = thorium
        shares.update(impurity)
        shares = component_shares(feed, shares, name="impurity_coprecipitation")
        precipitate = feed.mass_flows * shares
        liquor = np.maximum(feed.mass_flows - precipitate, 0.0)

        reagent_kg_s = precipitation_reagent(
            feed.mass_flows, feed.components, mol_per_mol_ree=self.mol_per_mol_ree,
            reagent_molar_mass=self.reagent_molar_mass, excess=excess,
        )  # fmt: skip
        solid_factor = _solid_per_mol_ree(
            feed.components, self.solid_anion_per_mol_ree, self.solid_water_per_mol_ree
        )
        is_ree = solid_factor > 0
        solid_kg_s = (precipitate * solid_factor).sum(axis=-1) + (precipitate * ~is_ree).sum(
            axis=-1
        )
        solution_m3_s = feed.reo_kg_s / concentration
        tank_volume = solution_m3_s * residence
        cake_volume = solid_kg_s / (1.0 - moisture) * cycle / cake_density

        details = {
            "solution_volume_flow": converted(solution_m3_s, "m**3/s", "m**3/h"),
            "tank_volume": Q_(tank_volume, "m**3"),
            "filter_volume": Q_(cake_volume, "m**3"),
            "precipitate_solid": self.solid_formula,
            "precipitate_solid_mass_flow": converted(solid_kg_s, "kg/s", "kg/h"),
            "reagent_basis": self.reagent_basis,
        }
        consumption = {self.reagent: converted(reagent_kg_s, "kg/s", "kg/h")}
        wastes = ()
        if self.liquor_treatment is not None:
            liquor, consumption, wastes = self._treat_liquor(
                feed,
                liquor,
                precipitate,
                reagent_kg_s,
                excess,
                solution_m3_s,
                consumption,
                details,
            )
        return StageResult(
            inlets=dict(inlets),
            outlets={
                "precipitate": Stream(feed.components, precipitate),
                "liquor": Stream(feed.components, liquor),
            },
            equipment=(
                Equipment("precipitation tank", "precipitation_tank", Q_(tank_volume, "m**3")),
                Equipment("precipitate filter press", "filter_press", Q_(cake_volume, "m**3")),
            ),
            consumption=consumption,
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )

    def _treat_liquor(self, feed, liquor, precipitate, reagent_kg_s, excess, water, consumption,
                      details):  # fmt: skip
        """Treat the barren liquor in this stage (see ``liquor_treatment``).

        Salts and acid made by the precipitation itself: oxalate, 3 mol H+ per mol RE
        precipitated (2 RE3+ + 3 H2C2O4 → RE2(C2O4)3 + 6 H+) plus 2 H+ per mol of excess
        oxalic acid, neutralised with lime; bicarbonate, 3 mol NH4Cl (chloride liquor) or
        1.5 mol (NH4)2SO4 (sulfate liquor) per mol RE, and 3 mol NH4+ per mol of excess
        NH4HCO3 (as the same salt). The liquor's tracked remainder (rare earths not
        precipitated, Th, impurities) leaves in a neutralisation sludge classed by Th + U;
        the outlet ``liquor`` then carries no tracked flow and is listed in
        ``details["released_outlets"]``.
        """
        from .effluent import SALTS, effluent_treatment
        from .waste import classified_wastes, proton_equivalents_per_kg

        check_choice(self.liquor_anion, ("chloride", "sulfate"), "liquor_anion")
        ree = np.array([is_rare_earth(c) for c in feed.components], dtype=float)
        mol_ree = (precipitate * mol_per_kg(feed.components) * ree).sum(axis=-1)
        excess_mol = reagent_kg_s * 1000.0 / self.reagent_molar_mass * excess / (1.0 + excess)
        metal_h = (liquor * proton_equivalents_per_kg(feed.components)).sum(axis=-1)
        if self.reagent == "oxalic_acid":
            salts, free_h = {}, 3.0 * mol_ree + 2.0 * excess_mol
        else:
            nh4 = 3.0 * mol_ree + excess_mol
            name = "ammonium_chloride" if self.liquor_anion == "chloride" else "ammonium_sulfate"
            salts = {name: nh4 / SALTS[name][1] * SALTS[name][0] / 1000.0}
            free_h = np.zeros(np.shape(mol_ree))
        treated, _solid, eff_details = effluent_treatment(
            water_m3_s=water, salts=salts, method=self.liquor_treatment,
            recycle_fraction=self.recycle_fraction, free_acid_mol_s=free_h,
            metal_protons_mol_s=metal_h,
        )  # fmt: skip
        merged = dict(consumption)
        for key, rate in treated.items():
            merged[key] = rate if key not in merged else merged[key] + rate
        # metals (rare earths, Th, U, Fe) drop out as hydroxides - the ones whose lime
        # is counted above; other dissolved components (Ca, Sr, Na from gangue and
        # reagents) stay in the discharged or evaporated water
        is_element = proton_equivalents_per_kg(feed.components) > 0
        sludge = Stream(feed.components, liquor * is_element)
        dissolved = Stream(feed.components, liquor * ~is_element)
        wastes, class_details = classified_wastes(
            "precipitation effluent sludge", sludge, moisture_kg_s=sludge.total_kg_s,
            default_class="hazardous",
        )  # fmt: skip
        if np.any(dissolved.total_kg_s > 0):
            wastes = (*wastes, Waste("dissolved salts in treated effluent", "non_hazardous",
                                     dissolved, density=Q_(1e12, "kg/m**3")))  # fmt: skip
        if np.any(_solid > 0):
            wastes = (
                *wastes,
                Waste(
                    "crystallised effluent salt",
                    "non_hazardous",
                    Stream.empty(feed.components),
                    Q_(_solid, "kg/s"),
                ),
            )
        details.update(eff_details)
        details["effluent_sludge"] = class_details
        details["released_outlets"] = {
            "liquor": f"barren liquor treated in this stage ({self.liquor_treatment})"
        }
        return np.zeros_like(liquor), merged, wastes


@dataclass(frozen=True)
class OxalatePrecipitation(_Precipitation):
    """Precipitate rare-earth oxalates from a chloride solution with oxalic acid.

    Inlet ``"feed"`` (REE chloride solution: dissolved species on the oxide basis);
    outlets ``"precipitate"`` (REE oxalate, counted as the oxide it becomes) and
    ``"liquor"`` (barren filtrate with what did not precipitate).

    Oxalic acid (consumption ``"oxalic_acid"``, as the dihydrate [kg/h]) is dosed at
    1.5 mol per mol of rare earth in the FEED times (1 + ``excess``) (REFERENCE_DATA.md;
    1.124 kg dihydrate per kg Nd2O3 at stoichiometry). The oxalate demand of Th and
    impurities is neglected.

    Parameters
    ----------
    excess : float or array_like
        Reagent above stoichiometric [-]. Default 0.2 (assumption).
    recovery : float or array_like
        Fraction of each rare earth precipitated [-]. Default 0.99 (assumption).
    thorium_coprecipitation : float or array_like
        Fraction of Th that precipitates with the REE [-]. Default 0.99 (assumption:
        thorium oxalate is insoluble).
    impurity_coprecipitation : mapping of str to float or array_like
        Fraction of named non-REE components that precipitates [-]; default {} (all stay
        in the liquor). A name the feed does not carry raises.
    ree_concentration : pint.Quantity
        REO concentration of the feed solution, sizes the tank [mass/volume]. Default
        30 g/L (assumption).
    residence_time : pint.Quantity
        Precipitation-tank residence time. Default 1 h (assumption).
    filter_cycle_time, cake_moisture, cake_density
        Filter-press sizing: volume = wet cake per cycle / cake density. Defaults 4 h,
        0.4, 1,400 kg/m³ (assumptions).
    operators_per_shift : float or array_like
        Default 1 (assumption).
    liquor_treatment : {None, "discharge", "evaporation", "ammonia_recovery"}
        Treat the barren liquor in this stage (:mod:`tecmodel.stages.effluent`); None
        (default) leaves the ``liquor`` outlet to be connected, else the plant reports it
        in ``uncosted_outlets``.
    liquor_anion : {"chloride", "sulfate"}
        Anion of the feed solution; sets the ammonium salt of bicarbonate precipitation.
    recycle_fraction : float or array_like
        Treated water returned to the process [-]. Default 0.

    Notes
    -----
    ``equipment``: ``precipitation_tank`` (volume) and ``filter_press`` (cake volume per
    cycle). ``details``: solution volume flow, tank and filter volumes, the solid formula
    and its mass flow (RE2(C2O4)3·10H2O), the reagent basis.
    """

    reagent: ClassVar[str] = "oxalic_acid"
    reagent_basis: ClassVar[str] = "oxalic acid dihydrate H2C2O4·2H2O"
    reagent_molar_mass: ClassVar[float] = OXALIC_ACID_DIHYDRATE_MOLAR_MASS
    mol_per_mol_ree: ClassVar[float] = 1.5
    solid_anion_per_mol_ree: ClassVar[float] = 1.5 * _OXALATE
    solid_water_per_mol_ree: ClassVar[float] = 5.0
    solid_formula: ClassVar[str] = "RE2(C2O4)3·10H2O"


@dataclass(frozen=True)
class BicarbonatePrecipitation(_Precipitation):
    """Precipitate rare-earth carbonates with ammonium bicarbonate.

    Same ports, parameters and reports as :class:`OxalatePrecipitation`; the reagent is
    ``"ammonium_bicarbonate"`` at 3 mol per mol rare earth in the feed times
    (1 + ``excess``) (REFERENCE_DATA.md). The solid is taken as RE2(CO3)3·2H2O
    (assumption on the hydrate; it only affects the reported solid mass and filter size).
    """

    reagent: ClassVar[str] = "ammonium_bicarbonate"
    reagent_basis: ClassVar[str] = "ammonium bicarbonate NH4HCO3"
    reagent_molar_mass: ClassVar[float] = AMMONIUM_BICARBONATE_MOLAR_MASS
    mol_per_mol_ree: ClassVar[float] = 3.0
    solid_anion_per_mol_ree: ClassVar[float] = 1.5 * _CARBONATE
    solid_water_per_mol_ree: ClassVar[float] = 1.0
    solid_formula: ClassVar[str] = "RE2(CO3)3·2H2O"


# ------------------------------------------------------------------------ calcination
#: Mol CO2 released per mol RE on calcination in air: oxalate C2O4 (2 C) · 1.5 = 3 (the
#: CO formed burns to CO2); carbonate CO3 · 1.5 = 1.5.
CO2_PER_MOL_REE = {"oxalate": 3.0, "carbonate": 1.5}
#: Specific heat input of calcination per kg of oxide product: assumption, 15 MJ/kg REO.
#: Order of magnitude built from dehydrating RE2(C2O4)3·10H2O (~1.5 MJ/kg REO), drying a
#: 40 % moisture cake (~3.7 MJ/kg), sensible heat to ~900 °C (~1.8 MJ/kg) and a kiln
#: thermal efficiency of ~50 %; replace with plant or vendor data.
DEFAULT_CALCINATION_ENERGY = 15.0
#: CO2 from burning natural gas: 53.06 kg per MMBtu (HHV), EPA 40 CFR 98 Subpart C,
#: Table C-1.
NATURAL_GAS_CO2_PER_MMBTU = 53.06
#: Heat content of natural gas, 1,036 Btu per cubic foot (HHV): U.S. EIA, Monthly Energy
#: Review, Table A4 (approximate heat content of natural gas, consumption, 2023; relayed).
#: Turns the heat input into the gas volume that tecmodel/data/prices.toml prices per ft³.
NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3 = 1036.0
FUELS = ("natural_gas", "electricity")


@dataclass(frozen=True)
class Calcination:
    """Calcine an oxalate or carbonate precipitate to rare-earth oxide.

    Inlet ``"precipitate"``; outlet ``"product"`` (oxide); when ``recovery`` < 1 a waste
    ``"calciner dust"`` (non_hazardous) carries the loss. The oxide basis does not change,
    so product = precipitate · recovery component by component; calcination in air gives
    the commercial oxides (CeO2, Pr6O11, Tb4O7, RE2O3 otherwise; REFERENCE_DATA.md).

    Parameters
    ----------
    precipitate_form : {"oxalate", "carbonate"}
        Sets the CO2 released: 3 mol (oxalate, CO burnt to CO2 in air) or 1.5 mol
        (carbonate) per mol RE.
    fuel : {"natural_gas", "electricity"}
        Heat source; also the consumption name: natural gas as a volume rate [ft³/h] at
        1,036 Btu/ft³ (EIA; the heat input in MMBtu/h is in ``details``), electricity [kW].
    specific_energy : pint.Quantity
        Heat input per kg of oxide product [energy/mass]. Default 15 MJ/kg (assumption;
        see :data:`DEFAULT_CALCINATION_ENERGY`).
    recovery : float or array_like
        Fraction of the precipitate that reaches the product [-]. Default 1.0
        (assumption: dust is captured and returned).
    operators_per_shift : float or array_like
        Default 0.5 (assumption).

    Notes
    -----
    ``equipment``: ``calciner`` sized by heat input (MMBtu/h). ``details``: ``oxide_forms``
    of the product's rare earths, ``process_co2`` from precipitate decomposition,
    ``combustion_co2`` from natural gas (53.06 kg/MMBtu, EPA), ``heat_input`` [kW] and
    ``heat_input_mmbtu`` [MMBtu/h].
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "recovery": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("precipitate",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("product",)

    precipitate_form: str = "oxalate"
    fuel: str = "natural_gas"
    specific_energy: object = field(
        default_factory=lambda: Q_(DEFAULT_CALCINATION_ENERGY, "MJ/kg")
    )
    recovery: object = 1.0
    operators_per_shift: object = 0.5

    def __post_init__(self):
        # checked when built or replaced (type, unit, finiteness of every field)
        check_stage_fields(self)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        feed = check_stream(inlets, "precipitate", "Calcination")
        check_choice(self.precipitate_form, CO2_PER_MOL_REE, "precipitate_form")
        check_choice(self.fuel, FUELS, "fuel")
        energy = check_positive(self.specific_energy, "J/kg", "specific_energy", allow_zero=True)
        recovery = check_fraction(self.recovery, "recovery")
        operators = check_positive(
            self.operators_per_shift, "", "operators_per_shift", allow_zero=True
        )
        recovery = np.asarray(recovery, dtype=float)
        product = feed.mass_flows * recovery[..., None]
        loss = np.maximum(feed.mass_flows - product, 0.0)
        product_kg_s = product.sum(axis=-1)
        heat_w = energy * product_kg_s
        ree = np.array([is_rare_earth(c) for c in feed.components], dtype=float)
        mol_ree = (feed.mass_flows * mol_per_kg(feed.components) * ree).sum(axis=-1)
        process_co2 = mol_ree * CO2_PER_MOL_REE[self.precipitate_form] * _CO2 / 1000.0
        # (units.converted: what Q_(heat_w, "W").to(unit) gives, one Quantity each)
        if self.fuel == "natural_gas":
            gas_ft3_h = (
                converted(heat_w, "W", "Btu/h").magnitude / NATURAL_GAS_HEAT_CONTENT_BTU_PER_FT3
            )
            consumption = {"natural_gas": Q_(gas_ft3_h, "ft**3/h")}
            combustion_co2 = converted(heat_w, "W", "MMBtu/h") * Q_(
                NATURAL_GAS_CO2_PER_MMBTU, "kg/MMBtu"
            )
        else:
            consumption = {"electricity": converted(heat_w, "W", "kW")}
            combustion_co2 = Q_(np.zeros(np.shape(heat_w)), "kg/h")
        wastes = ()
        if np.any(loss > 0):
            wastes = (Waste("calciner dust", "non_hazardous", Stream(feed.components, loss)),)
        details = {
            "oxide_forms": {c: ELEMENTS[c].oxide for c in feed.rare_earths},
            "process_co2": converted(process_co2, "kg/s", "kg/h"),
            "combustion_co2": combustion_co2.to("kg/h"),
            "heat_input": converted(heat_w, "W", "kW"),
            "heat_input_mmbtu": converted(heat_w, "W", "MMBtu/h"),
        }
        return StageResult(
            inlets=dict(inlets),
            outlets={"product": Stream(feed.components, product)},
            equipment=(Equipment("calciner", "calciner", converted(heat_w, "W", "MMBtu/h")),),
            consumption=consumption,
            wastes=wastes,
            operators_per_shift=operators,
            details=details,
        )
