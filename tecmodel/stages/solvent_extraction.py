"""Solvent-extraction section: one countercurrent cascade that splits a rare-earth feed
between two neighbours in extraction order (e.g. Nd | Sm).

The cut itself (design on the key pair, multicomponent check, separation-factor sets) is
:func:`tecmodel.separation.cut.cascade_split`, re-exported here.
A :class:`SolventExtractionSection` designs the extraction + scrub cascade with Xu
Guangxian's theory (:func:`tecmodel.separation.design_cascade`) on the cut between the two
key components, computes the outlet compositions of every rare earth with the exact
multicomponent steady state (:func:`tecmodel.separation.simulate_multicomponent`), and
sizes what the plant needs: mixer-settlers of the extraction, scrub, strip and
saponification sections, the organic inventory (a one-time first fill, i.e. capital),
and reagents per hour (saponification base, scrub and strip acid, extractant and diluent
losses, mixer power).

Several sections chain: the extract (heavier side) and the raffinate (lighter side) are
ordinary streams on the commercial-oxide basis and can feed the next section.

Design choice: lumped light/heavy groups, key-pair separation factor
-------------------------------------------------------------------
The cascade is designed as a binary separation between the *group* of rare earths on the
heavy (more extractable) side of the cut, A, and the group on the light side, B, with the
separation factor of the two key components (the neighbours at the cut). So
``feed_fraction`` = mol of the heavy group / mol of all rare earths. This keeps the fluxes
S and W per unit of the *whole* rare-earth feed, which is what sets organic flow,
saponification base and acid; designing on the key pair alone (A/(A+B)) would misstate
the outlet split f'_A whenever other rare earths are present. Non-key components are at
least as well separated as the keys (their β against the opposite key is larger), so the
lumped binary is the usual conservative basis (Xu 1985). The exact multicomponent
simulation then gives every component's split; if the mass-basis purity of a product falls
short (it can, slightly, because purities are on the oxide-mass basis while the theory is
molar), stages are added one at a time to the section that controls that purity, for the
failing samples only, and the number added is reported.

Purity targets are commercial purities (oxide-mass basis, as :meth:`Stream.purity`). They
are converted to the molar basis of the theory conservatively: with M the kg of oxide per
mol of metal, the wanted product group takes its lightest M and the impurity group its
heaviest.

References
----------
.. [1] Xu Guangxian, "Theory of countercurrent extraction and its applications in rare
   earth separation", 1985; Zhang, Zhao & Schreiner, *Separation Hydrometallurgy of Rare
   Earth Elements*, Springer 2016 (relayed in shared/REFERENCE_DATA.md).
.. [2] Separation factors: ``tecmodel/data/separation_factors.toml`` (sources per row).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..errors import InputError, describe
from ..separation import kremser_stages

# the cut of a feed lives in tecmodel.separation.cut; these names are re-exported so
# imports from this module keep working
from ..separation.cut import (  # noqa: F401
    DEPRECATED_SYSTEM_NAMES,
    CascadeSplit,
    _oxide_mass_per_mol,
    _relative_factors,
    adjacent_separation_factors,
    cascade_split,
    resolve_separation_factor_system,
    separation_factor_systems,
)
from ..separation.design import actual_stages
from ..streams import Stream
from ..units import Q_, magnitude
from ..validation import check_integer
from ._common import check_fraction, check_positive, check_stage_fields, check_stream
from .base import Equipment, StageResult
from .rerun import previous_result

__all__ = [
    "CascadeSplit",
    "SolventExtractionSection",
    "adjacent_separation_factors",
    "cascade_split",
    "resolve_separation_factor_system",
    "separation_factor_systems",
]

#: Molar masses of reagents [g/mol] from CIAAW 2021 atomic weights
#: (H 1.008, O 15.999, Na 22.98977, Cl 35.45).
MOLAR_MASS_HCL = 1.008 + 35.45
MOLAR_MASS_NAOH = 22.98977 + 15.999 + 1.008

#: Stoichiometry (REFERENCE_DATA.md, "Reagents"): a trivalent rare earth loaded into an
#: acidic extractant displaces 3 H+ (3 Na+ from a saponified organic); stripping it back
#: takes 3 HCl.
BASE_PER_RARE_EARTH = 3.0
ACID_PER_RARE_EARTH = 3.0

#: Saponification routes (issue 9): base → (consumption name, molar mass [g/mol], mol per
#: mol REE loaded, brine salt). NaOH and NH3: 3 mol per mol REE (3 Na+/NH4+ displaced and
#: leaving as NaCl/NH4Cl); "magnesia" and "lime": non-saponification with Mg or Ca
#: pre-loading (GRINM's processes, relayed in REFERENCE_DATA.md): the organic is loaded
#: with the alkaline-earth ion, which the rare earth then exchanges (2 RE3+ for 3 M2+),
#: so 1.5 mol MgO or CaO per mol REE (charge balance), and an MgCl2 or CaCl2 brine.
#: Ca suits chloride circuits only: with sulfate in the feed it would scale as gypsum.
SAPONIFICATION_BASES = {
    "sodium_hydroxide": ("sodium_hydroxide", MOLAR_MASS_NAOH, 3.0, "sodium_chloride"),
    "ammonia": ("ammonia", 14.007 + 3 * 1.008, 3.0, "ammonium_chloride"),
    "magnesia": ("magnesia", 24.305 + 15.999, 1.5, "magnesium_chloride"),
    "lime": ("lime", 40.078 + 15.999, 1.5, "calcium_chloride"),
}

#: Densities [kg/m³] of the organic components (typical supplier data; assumption):
#: D2EHPA 0.97 kg/L, P507 (HEH/EHP) 0.95 kg/L, kerosene diluent 0.80 kg/L.
EXTRACTANT_DENSITY = {"d2ehpa": 970.0, "p507": 950.0}

#: ``brine_treatment="acid_recovery"``: the route of :mod:`tecmodel.stages.acid_recovery`
#: that regenerates HCl from the brine salt of each non-saponification base (MgCl2 by
#: pyrohydrolysis, MgO back too; CaCl2 by sulfuric displacement, gypsum out). NaCl and
#: NH4Cl brines have no route here (chlor-alkali electrolysis is not modelled).
ACID_RECOVERY_ROUTES = {"magnesia": "pyrohydrolysis", "lime": "sulfuric_displacement"}

#: Molar masses [g/mol] from CIAAW 2021 atomic weights (C 12.011, H 1.008, O 15.999,
#: P 30.974): P507 (HEH/EHP) C16H35O3P, D2EHPA C16H35O4P.
EXTRACTANT_MOLAR_MASS = {
    "p507": 16 * 12.011 + 35 * 1.008 + 3 * 15.999 + 30.974,
    "d2ehpa": 16 * 12.011 + 35 * 1.008 + 4 * 15.999 + 30.974,
}
DILUENT_DENSITY = 800.0


# ---------------------------------------------------------------------------------------
# the stage
# ---------------------------------------------------------------------------------------


def _organic_feed_fluxes(separation_factor, extract_fraction):
    """Xu's optimum (S, W) per mol of an organic feed, for the outlet split f'_A.

    Scrub-controlled S = (1 − √β f'_B)/(√β − 1), extraction-controlled
    S = f'_B/(√β − 1), the larger controls; W = S + 1 − f'_A (the organic-feed balance),
    as :func:`tecmodel.separation.design_cascade` with ``feed="organic"``.
    """
    root = np.sqrt(np.asarray(separation_factor, dtype=float))
    split_b = 1.0 - np.asarray(extract_fraction, dtype=float)
    s_scrub = (1.0 - root * split_b) / (root - 1.0)
    s_extraction = split_b / (root - 1.0)
    organic_flux = np.maximum(s_scrub, s_extraction)
    return organic_flux, organic_flux + split_b


def _settler_stage_volume(total_flow, mixer_time, settling_rate, settler_depth):
    """Volume of one mixer-settler [m³] from its total flow [m³/s].

    mixer = flow · residence time; settler = (flow / specific settling rate) · depth.
    """
    return total_flow * mixer_time + total_flow / settling_rate * settler_depth


@dataclass(frozen=True)
class SolventExtractionSection:
    """A countercurrent solvent-extraction section splitting a feed between two neighbours.

    Parameters
    ----------
    split_between : tuple of str
        Two rare earths that are neighbours in extraction order among those in the feed,
        e.g. ``("Nd", "Sm")`` (either order). Everything from the heavier one on goes to
        the ``extract``, the rest to the ``raffinate``.
    purity_extract : float or array_like
        Wanted fraction of heavy-side rare earths in the extract's REO (oxide-mass basis)
        [-]. Default 0.995 (the "about 99.5 %" of a U.S. producer, REFERENCE_DATA.md).
    purity_raffinate : float or array_like
        Wanted fraction of light-side rare earths in the raffinate's REO [-]. Default 0.995.
    separation_factor_system : str
        Row set of ``data/separation_factors.toml``: "p507_hcl" (default, the set of the
        default extractant: P507/PC-88A in chloride media, each row marked read, relayed or
        assumption), "d2ehpa_hcl" (use it with ``extractant="d2ehpa"``),
        "d2ehpa_lactic_composite" (formerly "default"/"p507", which still work with a
        DeprecationWarning: D2EHPA + lactic acid light pairs from Yin et al. 2015, relayed
        and labelled values elsewhere; no P507 plant runs it), "d2ehpa_lactic",
        "naphthenic_acid", "lanmodulin", "design_1.5".
    separation_factors : mapping, optional
        Overrides by pair, ``{"Nd/Pr": 1.4}`` (more/less extractable; a pair of neighbours
        among the feed's rare earths, e.g. "Sm/Nd" when Pm is absent). Values > 1, may be
        arrays.
    extractant : {"p507", "d2ehpa"}
        Extractant; names its consumption line (price-list key). Default "p507"
        (the workhorse of Chinese refineries).
    extractant_volume_fraction : float
        Extractant in the organic (rest kerosene) [-]. Default 0.30 (30 vol %,
        REFERENCE_DATA.md).
    saponification_degree : float or array_like, optional
        Fraction of the extractant saponified (Na+/NH4+ form) before extraction, in (0, 1]
        [-]. When given, it sets the organic loading from the stoichiometry of the cation
        exchange RE3+ + 3 NaA → REA3 + 3 Na+: loading = c_extractant · degree / 3 [mol/L],
        with c_extractant = extractant_volume_fraction · density / molar mass (0.93 mol/L
        for 30 vol % P507), and ``organic_loading`` is then ignored. Default None (use
        ``organic_loading``). P507 practice: a Pr/Nd mixer-settler pilot ran 70 %
        saponified PC-88A (Nguyen et al. 2022), 0.217 mol/L with 30 vol % P507, inside
        the 0.16–0.24 mol/L loaded organic of P507 circuits (Li et al. 2020); the shipped
        P507 plants set 0.7 (``data/solvent_extraction_practice.toml``).
    organic_loading : pint.Quantity
        Rare earths carried by the loaded organic [mol/volume]. Default 0.3 mol/L, the
        saturation of a 30 vol % D2EHPA organic (REFERENCE_DATA.md, relayed); Xu-optimum
        designs run the scrub section near saturation.
    feed_concentration : pint.Quantity
        Rare earths in the aqueous feed [mol/volume]. Default 1.0 mol/L (assumption:
        chloride SX feeds carry ~1–1.5 M REE, ≈170–250 g/L REO).
    scrub_acid_concentration, strip_acid_concentration : pint.Quantity
        HCl in the scrub and strip liquors [mol/volume]. Defaults 3 and 6 mol/L
        (assumption, typical of chloride circuits).
    acid_excess : float
        Acid fed above the 3 mol HCl per mol REE stoichiometry [-]. Default 0.10
        (assumption).
    base_concentration : pint.Quantity
        NaOH solution used to saponify the organic [mol/volume]. Default 10 mol/L
        (≈ 32 wt % caustic; assumption).
    mixer_residence_time : pint.Quantity
        Mixer volume / total flow [time]. Default 3 min (assumption: 3–5 min is the usual
        range for REE mixer-settlers).
    settling_rate : pint.Quantity
        Specific settler throughput, total flow per settler area [length/time]. Default
        3 m/h (assumption: 2–5 m³ m⁻² h⁻¹ is typical).
    settler_depth : pint.Quantity
        Settler liquid depth [length]. Default 1 m (assumption).
    strip_stages : int, optional
        Stripping stages. Default: Kremser stages for ``stripping_factor`` and
        ``strip_residual``, rounded up.
    stripping_factor : float
        Stripping factor A/(D·O) of the strip section [-]. Default 2.0 (assumption).
    strip_residual : float
        Fraction of the loaded rare earths left on the stripped organic [-]. Default 1e-3
        (assumption). With the defaults Kremser gives 9 stages.
    saponification_stages : int
        Mixer-settlers that saponify the barren organic. Default 1 (assumption; UKy 2019
        has a separate saponification mixer-settler account).
    organic_loss_fraction : float
        Organic lost (entrainment + solubility) per volume of aqueous leaving [-]. Default
        1e-4 (100 ppm by volume; assumption, a usual design allowance).
    organic_inventory_allowance : float
        Organic held outside the mixer-settlers (tanks, pipes) as a fraction of that held
        inside [-]. Default 0.25 (assumption).
    mixer_power_density : pint.Quantity
        Mixer power per mixer volume [power/volume]. Default 0.5 kW/m³ (assumption).
    stages_per_operator : float
        Mixer-settlers one operator watches per shift [-]. Default 50 (assumption).
    impurities_to_extract : tuple of str
        Non-rare-earth components that report to the extract (e.g. ``("Th",)``); all
        other non-rare-earths stay in the raffinate. Default none.
    max_stages : int
        Largest extraction + scrub stage count allowed. Default 500.
    stage_efficiency : float or array_like
        Overall stage efficiency of the mixer-settlers, ideal stages per real stage, in
        (0, 1] [-]. The cascade is designed and simulated in ideal stages; the real
        extraction, scrub and (Kremser-designed) strip stages that are built, sized,
        costed and staffed are ⌈ideal / efficiency⌉
        (:func:`tecmodel.separation.design.actual_stages`). Default 1.0 (ideal stages;
        assumption kept from the first model — no stage efficiency for REE mixer-settlers
        has been read). The shipped P507 plants set 0.9, a labelled assumption of
        ``data/solvent_extraction_practice.toml``. An explicit ``strip_stages`` counts real
        stages.
    saponification_base : {"sodium_hydroxide", "ammonia", "magnesia", "lime"}
        Base that saponifies the organic: 3 mol NaOH or NH3 per mol REE loaded (NaCl or
        NH4Cl brine), or non-saponification with Mg or Ca pre-loading, 1.5 mol MgO or
        CaO (quicklime; MgCl2 or CaCl2 brine). Its consumption name is the price-list
        key. Default "sodium_hydroxide".
    brine_treatment : {None, "discharge", "evaporation", "ammonia_recovery", "acid_recovery"}
        Treat the saponification brine (one mol of salt per mol of base, in the base and
        scrub water) with :func:`tecmodel.stages.effluent.effluent_treatment`; None
        (default) leaves it untreated and uncosted. ``"acid_recovery"`` (Mg or Ca
        non-saponification only) regenerates HCl from that brine by the section's own
        balance with :class:`tecmodel.stages.AcidRecovery` (route by base,
        :data:`ACID_RECOVERY_ROUTES`): its credits, fuel, acid, equipment, gypsum and
        operators are the section's.
    brine_recycle_fraction : float or array_like
        Treated brine water reused [-]. Default 0.
    feed_phase : {"aqueous", "organic"}
        ``"organic"``: linked extraction — the feed arrives as the loaded organic of an
        upstream section's extract (that section sets ``strip_extract=False``), enters at
        the feed stage and serves as extractant itself. The fluxes follow Xu's
        organic-feed optimum for the same outlet split f'_A (module
        :func:`tecmodel.separation.design_cascade` notes): scrub-controlled
        S = (1 − √β f'_B)/(√β − 1), one mol per mol of feed less fresh saponified organic
        than the aqueous feed's √β f'_A/(√β − 1), with the same W; extraction-controlled
        S = f'_B/(√β − 1), the same S and W one larger (W = S + f'_B). Base, scrub acid and
        flows follow from these S, W; there is no aqueous feed. The stage numbers stay
        those of the aqueous-feed multicomponent design (an approximation: the feed stage
        moves by one). Default "aqueous".
    strip_extract : bool
        False when the extract leaves loaded to a linked downstream section
        (``feed_phase="organic"`` there): no strip section and no strip acid. Default True.

    Notes
    -----
    Per mol of rare earth fed (Xu, fluxes per unit feed): the organic carries S; the scrub
    liquor W; the extract S − W. Saponification uses 3 mol NaOH per mol REE loaded (S),
    the scrub 3·W and the strip 3·(S − W) mol HCl, 3·S in total, times (1 + acid_excess)
    (REFERENCE_DATA.md, "Reagents"). Volumetric flows: organic = S·F / organic_loading,
    feed = F / feed_concentration, scrub, strip and base = their mol / concentration.
    """

    #: fraction fields and their range, checked when the stage is built or replaced
    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        "purity_extract": (0.0, 1.0),
        "purity_raffinate": (0.0, 1.0),
        "extractant_volume_fraction": (0.0, 1.0),
        "saponification_degree": (0.0, 1.0),
        "strip_residual": (0.0, 1.0),
        "organic_loss_fraction": (0.0, 1.0),
        "stage_efficiency": (0.0, 1.0),
        "brine_recycle_fraction": (0.0, 1.0),
    }

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("extract", "raffinate")

    split_between: tuple[str, str] = ("Nd", "Sm")
    purity_extract: object = 0.995
    purity_raffinate: object = 0.995
    separation_factor_system: str = "p507_hcl"
    separation_factors: Mapping[str, object] = field(default_factory=dict)
    extractant: str = "p507"
    extractant_volume_fraction: object = 0.30
    saponification_degree: object = None
    organic_loading: object = field(default_factory=lambda: Q_(0.3, "mol/L"))
    feed_concentration: object = field(default_factory=lambda: Q_(1.0, "mol/L"))
    scrub_acid_concentration: object = field(default_factory=lambda: Q_(3.0, "mol/L"))
    strip_acid_concentration: object = field(default_factory=lambda: Q_(6.0, "mol/L"))
    acid_excess: object = 0.10
    base_concentration: object = field(default_factory=lambda: Q_(10.0, "mol/L"))
    mixer_residence_time: object = field(default_factory=lambda: Q_(3.0, "min"))
    settling_rate: object = field(default_factory=lambda: Q_(3.0, "m/h"))
    settler_depth: object = field(default_factory=lambda: Q_(1.0, "m"))
    strip_stages: object = None
    stripping_factor: object = 2.0
    strip_residual: object = 1e-3
    saponification_stages: int = 1
    organic_loss_fraction: object = 1e-4
    organic_inventory_allowance: object = 0.25
    mixer_power_density: object = field(default_factory=lambda: Q_(0.5, "kW/m**3"))
    stages_per_operator: object = 50.0
    impurities_to_extract: tuple[str, ...] = ()
    max_stages: int = 500
    stage_efficiency: object = 1.0
    # -- reagent route and brine (issue 9: local additions to the reagent/effluent part) --
    saponification_base: str = "sodium_hydroxide"
    brine_treatment: str | None = None
    brine_recycle_fraction: object = 0.0
    # -- linked extraction (issue 12) --
    feed_phase: str = "aqueous"
    strip_extract: bool = True

    def __post_init__(self):
        check_stage_fields(self)  # type, unit, finiteness of every field
        if self.saponification_base not in SAPONIFICATION_BASES:
            raise InputError(
                f"saponification_base must be one of {', '.join(SAPONIFICATION_BASES)}, got "
                f"{self.saponification_base!r}"
            )
        if self.extractant not in EXTRACTANT_DENSITY:
            raise InputError(
                f"extractant must be one of {', '.join(EXTRACTANT_DENSITY)}, got "
                f"{self.extractant!r}"
            )
        resolve_separation_factor_system(self.separation_factor_system)
        if self.feed_phase not in ("aqueous", "organic"):
            raise InputError(
                f"feed_phase must be 'aqueous' or 'organic' (the loaded organic of a linked "
                f"upstream section), got {self.feed_phase!r}"
            )
        if not isinstance(self.strip_extract, bool | np.bool_):
            raise InputError(f"strip_extract must be True or False, got {self.strip_extract!r}")
        # checked when built or replaced (dataclasses.replace runs this too), also where
        # this design does not use them (organic_loading with a saponification_degree)
        check_positive(self.organic_loading, "mol/m**3", "organic_loading")
        if self.saponification_degree is not None:
            degree = check_fraction(self.saponification_degree, "saponification_degree")
            if np.any(np.asarray(degree) <= 0):
                raise InputError(
                    "saponification_degree must lie in (0, 1], got "
                    f"{describe(self.saponification_degree)}"
                )
        check_integer(self.saponification_stages, "saponification_stages", low=0)
        if np.ndim(self.saponification_stages) != 0:
            raise InputError(
                "saponification_stages must be one whole number >= 0 (not an array), got "
                f"{describe(self.saponification_stages)}"
            )
        check_integer(self.max_stages, "max_stages", low=1)
        if self.strip_stages is not None:
            check_integer(self.strip_stages, "strip_stages", low=1)
        impurities = self.impurities_to_extract
        if isinstance(impurities, str):
            impurities = (impurities,)  # one name, not its letters
        if not isinstance(impurities, tuple | list) or not all(
            isinstance(name, str) for name in impurities
        ):
            raise InputError(
                "impurities_to_extract must be a list of component names such as ['Th'], got "
                f"{describe(self.impurities_to_extract)}"
            )
        object.__setattr__(self, "impurities_to_extract", tuple(impurities))
        if (
            self.brine_treatment == "acid_recovery"
            and self.saponification_base not in ACID_RECOVERY_ROUTES
        ):
            raise InputError(
                f"brine_treatment 'acid_recovery' regenerates HCl from the MgCl2 or CaCl2 "
                f"brine of saponification_base {' or '.join(map(repr, ACID_RECOVERY_ROUTES))}"
                f"; got saponification_base {self.saponification_base!r}"
            )

    def _positive(self, name, unit):
        value = getattr(self, name)
        result = magnitude(value, unit, name)
        if (~(np.asarray(result) > 0)).any() or (~np.isfinite(result)).any():
            raise InputError(f"{name} must be finite and > 0, got {describe(value)}")
        return result

    def _fraction(self, name, *, open_high=False):
        value = getattr(self, name)
        result = np.asarray(magnitude(value, "", name), dtype=float)
        bad = (result < 0) | (result >= 1 if open_high else result > 1) | ~np.isfinite(result)
        if bad.any():
            high = "1)" if open_high else "1]"
            raise InputError(f"{name} must lie in [0, {high}, got {describe(value)}")
        return result

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        """Design the cascade for the inlet ``feed`` and report flows, sizes and reagents."""
        feed = _inlet(inlets, "feed", type(self).__name__)
        # -- units at the boundary ------------------------------------------------------
        if self.saponification_degree is None:
            loading = self._positive("organic_loading", "mol/m**3")
        else:
            degree = self._fraction("saponification_degree")
            if np.any(degree <= 0):
                raise InputError(
                    "saponification_degree must lie in (0, 1], got "
                    f"{describe(self.saponification_degree)}"
                )
            # mol/m³ of extractant: volume fraction · kg/m³ / (kg/mol)
            c_extractant = (
                self._fraction("extractant_volume_fraction", open_high=True)
                * EXTRACTANT_DENSITY[self.extractant]
                / (EXTRACTANT_MOLAR_MASS[self.extractant] / 1000.0)
            )
            loading = c_extractant * degree / BASE_PER_RARE_EARTH
        c_feed = self._positive("feed_concentration", "mol/m**3")
        c_scrub = self._positive("scrub_acid_concentration", "mol/m**3")
        c_strip = self._positive("strip_acid_concentration", "mol/m**3")
        c_base = self._positive("base_concentration", "mol/m**3")
        mixer_time = self._positive("mixer_residence_time", "s")
        settling = self._positive("settling_rate", "m/s")
        depth = self._positive("settler_depth", "m")
        power_density = self._positive("mixer_power_density", "kW/m**3")
        per_operator = self._positive("stages_per_operator", "")
        excess = np.asarray(magnitude(self.acid_excess, "", "acid_excess"), dtype=float)
        if np.any(excess < 0):
            raise InputError(f"acid_excess must be >= 0, got {describe(self.acid_excess)}")
        extractant_fraction = self._fraction("extractant_volume_fraction", open_high=True)
        loss = self._fraction("organic_loss_fraction")
        allowance = np.asarray(
            magnitude(self.organic_inventory_allowance, "", "organic_inventory_allowance")
        )
        if np.any(allowance < 0):
            raise InputError(
                "organic_inventory_allowance must be >= 0, got "
                f"{self.organic_inventory_allowance!r}"
            )

        # -- the cascade ------------------------------------------------------------------
        split = self._cut(feed)
        efficiency = self.stage_efficiency
        extraction_stages = actual_stages(split.extraction_stages, efficiency)
        scrub_stages = actual_stages(split.scrub_stages, efficiency)
        if not self.strip_extract:  # the loaded extract goes on to a linked section
            strip = np.asarray(0)
        elif self.strip_stages is None:
            ideal_strip = np.ceil(
                kremser_stages(
                    magnitude(self.stripping_factor, "", "stripping_factor"),
                    magnitude(self.strip_residual, "", "strip_residual"),
                )
                - 1e-9
            ).astype(np.int64)
            strip = np.asarray(actual_stages(ideal_strip, efficiency))
        else:
            strip = np.asarray(check_integer(self.strip_stages, "strip_stages", low=1))
        saponification = int(
            check_integer(self.saponification_stages, "saponification_stages", low=0)
        )

        # -- flows (mol/s and m³/s) --------------------------------------------------------
        S, W = split.organic_flux, split.scrub_flux
        F = split.rare_earth_feed
        fed_organic = 0.0  # mol of RE per mol of feed that arrive on the organic
        if self.feed_phase == "organic":
            S, W = _organic_feed_fluxes(split.key_separation_factor, split.design.extract_fraction)
            fed_organic = 1.0
        loaded = S * F  # mol/s of REE loaded into the fresh (saponified) organic
        base_mol = BASE_PER_RARE_EARTH * loaded
        scrub_acid_mol = ACID_PER_RARE_EARTH * W * F * (1 + excess)
        extract_mol = (S + fed_organic - W) * F  # leaves on the organic (= f'_A F)
        strip_acid_mol = ACID_PER_RARE_EARTH * extract_mol * (1 + excess) * self.strip_extract
        organic = (S + fed_organic) * F / loading
        aqueous_feed = F / c_feed * (1.0 - fed_organic)
        scrub = scrub_acid_mol / c_scrub
        strip_liquor = strip_acid_mol / c_strip
        base = base_mol / c_base

        sections = {
            # name: (stages, aqueous flow, organic flow)
            "extraction": (extraction_stages, aqueous_feed + scrub, organic),
            "scrub": (scrub_stages, scrub, organic),
            "strip": (strip, strip_liquor, organic),
            "saponification": (saponification, base, organic),
            **self._extra_sections(split, F, loading, strip, excess, c_strip),
        }
        equipment = []
        volumes = {}
        mixer_volume_total = 0.0
        organic_held = 0.0
        for name, (stages, aqueous, organic_in) in sections.items():
            total_flow = organic_in + aqueous
            volume = _settler_stage_volume(total_flow, mixer_time, settling, depth)
            volumes[name] = Q_(volume, "m**3")
            mixer_volume_total = mixer_volume_total + stages * total_flow * mixer_time
            organic_held = organic_held + stages * volume * organic_in / total_flow
            kind = "mixer_settler_saponification" if name == "saponification" else "mixer_settler"
            if np.any(np.asarray(stages) > 0):
                equipment.append(
                    Equipment(f"{name} mixer-settlers", kind, Q_(volume, "m**3"), stages)
                )
        inventory = organic_held * (1 + allowance)
        extractant_density = EXTRACTANT_DENSITY[self.extractant]
        aqueous_out = aqueous_feed + scrub + strip_liquor + base
        organic_lost = loss * aqueous_out  # m³/s
        hours = 3600.0
        base_name, base_molar_mass, base_per_ree, brine_salt = SAPONIFICATION_BASES[
            self.saponification_base
        ]
        base_amount = base_mol / BASE_PER_RARE_EARTH * base_per_ree
        consumption = {
            base_name: Q_(base_amount * base_molar_mass / 1000 * hours, "kg/h"),
            "hydrochloric_acid": Q_(
                (scrub_acid_mol + strip_acid_mol) * MOLAR_MASS_HCL / 1000 * hours, "kg/h"
            ),
            self.extractant: Q_(
                organic_lost * extractant_fraction * extractant_density * hours, "kg/h"
            ),
            "kerosene": Q_(organic_lost * (1 - extractant_fraction) * 1000 * hours, "L/h"),
            "electricity": Q_(mixer_volume_total * power_density, "kW"),
        }
        brine_details = {}
        brine_wastes, brine_operators = (), 0.0
        if self.brine_treatment == "acid_recovery":
            from .acid_recovery import M_CACL2, M_MGCL2, AcidRecovery

            # the brine of this section's balance: 1.5 mol MgCl2 or CaCl2 per mol REE loaded
            salt_molar_mass = M_MGCL2 if self.saponification_base == "magnesia" else M_CACL2
            recovery = AcidRecovery(
                route=ACID_RECOVERY_ROUTES[self.saponification_base],
                salt_flow=Q_(base_amount * salt_molar_mass / 1000.0, "kg/s"),
                water_flow=Q_(base + scrub, "m**3/s"),
            ).run({})
            for key, rate in recovery.consumption.items():
                consumption[key] = rate if key not in consumption else consumption[key] + rate
            equipment.extend(recovery.equipment)
            brine_wastes, brine_operators = recovery.wastes, recovery.operators_per_shift
            brine_details = {"brine_acid_recovery": recovery.details}
        elif self.brine_treatment is not None:
            from .effluent import SALTS, effluent_treatment

            # one mol of brine salt per mol of base (NaCl, NH4Cl; MgCl2 per MgO, CaCl2 per CaO)
            salt_kg = base_amount * SALTS[brine_salt][0] / 1000.0
            treated, _solid, brine_details = effluent_treatment(
                water_m3_s=base + scrub, salts={brine_salt: salt_kg},
                method=self.brine_treatment, recycle_fraction=self.brine_recycle_fraction,
            )  # fmt: skip
            for key, rate in treated.items():
                consumption[key] = rate if key not in consumption else consumption[key] + rate
        total_stages = extraction_stages + scrub_stages + strip + saponification
        for name, (stages, _, _) in sections.items():
            if name not in ("extraction", "scrub", "strip", "saponification"):
                total_stages = total_stages + stages
        details = {
            **brine_details,
            **self._cut_details(split),
            "extraction_stages": extraction_stages,
            "scrub_stages": scrub_stages,
            "ideal_extraction_stages": split.extraction_stages,
            "ideal_scrub_stages": split.scrub_stages,
            "stage_efficiency": np.asarray(magnitude(efficiency, "", "stage_efficiency"))[()],
            "strip_stages": strip[()],
            "saponification_stages": saponification,
            "total_stages": total_stages,
            "organic_flux": S,
            "scrub_flux": W,
            "feed_phase": self.feed_phase,
            "rare_earth_feed": Q_(F * hours, "mol/h"),
            "rare_earth_loaded": Q_(loaded * hours, "mol/h"),
            "organic_flow": Q_(organic * hours, "m**3/h"),
            "aqueous_feed_flow": Q_(aqueous_feed * hours, "m**3/h"),
            "scrub_flow": Q_(scrub * hours, "m**3/h"),
            "strip_flow": Q_(strip_liquor * hours, "m**3/h"),
            "base_flow": Q_(base * hours, "m**3/h"),
            "organic_to_aqueous_ratio": organic / (aqueous_feed + scrub),
            "stage_volume": volumes,
            "organic_inventory": Q_(inventory, "m**3"),
            "extractant_inventory": Q_(inventory * extractant_fraction * extractant_density, "kg"),
            "diluent_inventory": Q_(inventory * (1 - extractant_fraction), "m**3"),
            # one-time purchases that plant costing capitalizes (StageResult convention)
            "initial_fill": {
                self.extractant: Q_(inventory * extractant_fraction * extractant_density, "kg"),
                "kerosene": Q_(inventory * (1 - extractant_fraction), "m**3"),
            },
        }
        return StageResult(
            inlets={"feed": feed},
            outlets=self._outlets(split),
            equipment=tuple(equipment),
            consumption=consumption,
            wastes=brine_wastes,
            operators_per_shift=total_stages / per_operator + brine_operators,
            details=details,
        )

    # -- the cut: hooks that a section with another cascade (three outlets) replaces -----
    def _cut(self, feed):
        """The designed and simulated cascade of ``feed`` (a :class:`CascadeSplit`)."""
        return cascade_split(
            feed,
            tuple(self.split_between),
            self.purity_extract,
            self.purity_raffinate,
            separation_factor_system=self.separation_factor_system,
            separation_factors=self.separation_factors,
            impurities_to_extract=tuple(self.impurities_to_extract),
            max_stages=self.max_stages,
            start=_base_split(previous_result()),
        )

    def _outlets(self, split):
        return {"extract": split.extract, "raffinate": split.raffinate}

    def _extra_sections(self, split, rare_earth_feed, loading, strip, excess, c_strip):
        """Mixer-settler sections besides extraction, scrub, strip and saponification:
        name → (stages, aqueous flow [m³/s], organic flow [m³/s]); none here."""
        return {}

    def _cut_details(self, split):
        return {
            "split_between": (split.light_group[-1], split.heavy_group[0]),
            "light_group": split.light_group,
            "heavy_group": split.heavy_group,
            "separation_factor": split.key_separation_factor,
            "relative_separation_factors": dict(
                zip(
                    split.rare_earths,
                    np.moveaxis(split.relative_separation_factors, -1, 0),
                    strict=True,
                )
            ),
            "feed_fraction": split.feed_fraction,
            "design": split.design,
            "cascade_split": split,  # the cut's record (a re-run starts from its splits)
            "stages_added_by_multicomponent_check": split.stages_added,
            "extraction_ratio": split.design.extraction_ratio,
            "scrub_extraction_ratio": split.design.scrub_extraction_ratio,
            "purity_extract": split.purity_extract,
            "purity_raffinate": split.purity_raffinate,
            "recovery_extract": dict(
                zip(split.rare_earths, np.moveaxis(split.recovery, -1, 0), strict=True)
            ),
        }


def _base_split(result):
    """The CascadeSplit of this section in a study's base run (a warm start), or None."""
    details = getattr(result, "details", None) or {}
    split = details.get("cascade_split")
    return split if isinstance(split, CascadeSplit) else None


_inlet = check_stream  # kept as the name bio_recovery imports
