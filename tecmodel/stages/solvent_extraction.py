"""Solvent-extraction section: one countercurrent cascade that splits a rare-earth feed
between two neighbours in extraction order (e.g. Nd | Sm).

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

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..data import load_table
from ..elements import ELEMENTS, RARE_EARTHS
from ..errors import InfeasibleDesignError, InputError, describe
from ..separation import kremser_stages
from ..streams import Stream
from ..units import Q_, magnitude
from ._common import check_stream
from .base import Equipment, StageResult

# designs once per distinct intensive input, reused across a change of scale (issue 13)
from .design_reuse import design_cascade, simulate_multicomponent

__all__ = [
    "CascadeSplit",
    "SolventExtractionSection",
    "adjacent_separation_factors",
    "cascade_split",
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
#: leaving as NaCl/NH4Cl); "magnesia": non-saponification with Mg pre-loading (GRINM's
#: process, relayed in REFERENCE_DATA.md), 1.5 mol MgO per mol REE, MgCl2 brine.
SAPONIFICATION_BASES = {
    "sodium_hydroxide": ("sodium_hydroxide", MOLAR_MASS_NAOH, 3.0, "sodium_chloride"),
    "ammonia": ("ammonia", 14.007 + 3 * 1.008, 3.0, "ammonium_chloride"),
    "magnesia": ("magnesia", 24.305 + 15.999, 1.5, "magnesium_chloride"),
}

#: Densities [kg/m³] of the organic components (typical supplier data; assumption):
#: D2EHPA 0.97 kg/L, P507 (HEH/EHP) 0.95 kg/L, kerosene diluent 0.80 kg/L.
EXTRACTANT_DENSITY = {"d2ehpa": 970.0, "p507": 950.0}
DILUENT_DENSITY = 800.0


# ---------------------------------------------------------------------------------------
# separation factors
# ---------------------------------------------------------------------------------------


def separation_factor_systems() -> list[str]:
    """Names of the extractant systems in the separation-factor table."""
    return sorted({e.extra["system"] for e in load_table("separation_factors").entries})


def _pair_key(text: str) -> tuple[str, str]:
    """'Nd/Pr' -> ('Pr', 'Nd') as (lighter, heavier); checks symbols and order."""
    parts = text.split("/") if isinstance(text, str) else []
    if len(parts) != 2:
        raise InputError(
            f"separation factor key {text!r} must look like 'Nd/Pr' "
            "(more extractable / less extractable)"
        )
    heavy, light = (p.strip().capitalize() for p in parts)
    for symbol in (heavy, light):
        if symbol not in RARE_EARTHS:
            raise InputError(
                f"separation factor key {text!r} names {symbol!r}, which is not a rare earth; "
                f"valid symbols are {', '.join(RARE_EARTHS)}"
            )
    if RARE_EARTHS.index(heavy) <= RARE_EARTHS.index(light):
        raise InputError(
            f"separation factor key {text!r} must name the more extractable element first, "
            f"write '{light}/{heavy}' rather than {text!r}"
        )
    return light, heavy


def adjacent_separation_factors(system: str = "default") -> dict[str, float]:
    """Adjacent-pair separation factors of one extractant ``system`` from the data table.

    Returns ``{"Ce/La": 3.24, ...}``; see ``tecmodel/data/separation_factors.toml`` for the
    source of every value (or its labelled assumption).
    """
    table = load_table("separation_factors")
    values = {e.key: float(e.value) for e in table.entries if e.extra["system"] == system}
    if not values:
        raise InputError(
            f"separation_factor_system must be one of {', '.join(separation_factor_systems())}, "
            f"got {system!r}"
        )
    return values


def _relative_factors(rare_earths, system, overrides):
    """β of each present rare earth relative to the first one, and the β of every
    neighbouring pair of present rare earths.

    ``rare_earths`` are in extraction order. A pair of present neighbours (L, H) takes
    ``overrides["H/L"]`` if given, else the product of the table's adjacent pairs between
    them (e.g. Sm/Nd = Pm/Nd · Sm/Pm when Pm is absent).
    """
    table = adjacent_separation_factors(system)
    given = {}
    for key, value in overrides.items():
        light, heavy = _pair_key(key)
        beta = magnitude(value, "", f"separation_factors[{key!r}]")
        bad = ~(np.asarray(beta) > 1.0)
        if np.any(bad):
            raise InfeasibleDesignError(
                f"separation_factors[{key!r}] must be > 1 for a separation (β = D of the "
                f"more over the less extractable element), got {describe(value)}"
            )
        given[(light, heavy)] = beta
    pairs = {}
    for light, heavy in itertools.pairwise(rare_earths):
        if (light, heavy) in given:
            pairs[(light, heavy)] = given.pop((light, heavy))
            continue
        start, stop = RARE_EARTHS.index(light), RARE_EARTHS.index(heavy)
        beta = 1.0
        for i in range(start, stop):
            key = f"{RARE_EARTHS[i + 1]}/{RARE_EARTHS[i]}"
            if key not in table:
                raise InputError(
                    f"no separation factor for {key} in system {system!r}; give it in "
                    f"separation_factors, e.g. {{'{heavy}/{light}': 1.5}}, or choose another "
                    f"separation_factor_system ({', '.join(separation_factor_systems())})"
                )
            beta = beta * table[key]
        pairs[(light, heavy)] = beta
    if given:
        (light, heavy), _ = next(iter(given.items()))
        raise InputError(
            f"separation_factors names the pair '{heavy}/{light}', which are not neighbours "
            f"among the rare earths in the feed ({', '.join(rare_earths)}); name pairs of "
            "neighbours only"
        )
    cumulative = [np.asarray(1.0)]
    for pair in itertools.pairwise(rare_earths):
        cumulative.append(cumulative[-1] * np.asarray(pairs[pair], dtype=float))
    return np.stack(np.broadcast_arrays(*cumulative), axis=-1), pairs


# ---------------------------------------------------------------------------------------
# kernel: split a rare-earth stream by a countercurrent cascade
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CascadeSplit:
    """Result of :func:`cascade_split` (plain arrays over the batch).

    Attributes
    ----------
    extract, raffinate : Stream
        Heavy-side and light-side outlets (oxide basis) [kg/s].
    rare_earths : tuple of str
        Rare earths present, in extraction order (the simulation's component order).
    heavy_group, light_group : tuple of str
    key_separation_factor : numpy.ndarray
        β of the key pair [-].
    feed_fraction : numpy.ndarray
        Molar fraction of the heavy group among the rare earths of the feed [-].
    design : tecmodel.separation.CascadeDesign
        Lumped binary design (Xu), before the multicomponent check.
    extraction_stages, scrub_stages : numpy.ndarray of int
        Stages after the multicomponent check [-].
    stages_added : numpy.ndarray of int
        Stages the multicomponent check added to the design's [-].
    organic_flux, scrub_flux : numpy.ndarray
        S and W per mol of rare-earth feed [-].
    rare_earth_feed : numpy.ndarray
        Molar flow of rare earths in the feed [mol/s].
    purity_extract, purity_raffinate : numpy.ndarray
        Achieved purities on the oxide-mass basis (group fraction of the REO) [-].
    recovery : numpy.ndarray
        Fraction of each rare earth's feed reaching the extract, shape (..., n_rare_earths).
    """

    extract: Stream
    raffinate: Stream
    rare_earths: tuple[str, ...]
    heavy_group: tuple[str, ...]
    light_group: tuple[str, ...]
    key_separation_factor: np.ndarray
    relative_separation_factors: np.ndarray
    feed_fraction: np.ndarray
    design: object
    extraction_stages: np.ndarray
    scrub_stages: np.ndarray
    stages_added: np.ndarray
    organic_flux: np.ndarray
    scrub_flux: np.ndarray
    rare_earth_feed: np.ndarray
    purity_extract: np.ndarray
    purity_raffinate: np.ndarray
    recovery: np.ndarray


def _oxide_mass_per_mol(symbol: str) -> float:
    """kg of commercial oxide per mol of metal [kg/mol]."""
    el = ELEMENTS[symbol]
    return el.atomic_mass * el.oxide_factor / 1000.0


def _molar_purity(mass_purity, main_mass, impurity_mass):
    """Molar purity that guarantees ``mass_purity`` when the main group weighs at least
    ``main_mass`` and the impurity at most ``impurity_mass`` per mol [-]."""
    # mass purity P = x M_main / (x M_main + (1 - x) M_imp)
    #   →  x = P M_imp / (P M_imp + (1 - P) M_main)
    return (
        mass_purity * impurity_mass / (mass_purity * impurity_mass + (1 - mass_purity) * main_mass)
    )


def _check_split(feed: Stream, split_between, present):
    if not isinstance(split_between, tuple | list) or len(split_between) != 2:
        raise InputError(
            f"split_between must be two rare-earth symbols such as ('Nd', 'Sm'), got "
            f"{split_between!r}"
        )
    symbols = []
    for s in split_between:
        symbol = s.strip().capitalize() if isinstance(s, str) else s
        if symbol not in RARE_EARTHS:
            raise InputError(
                f"split_between names {s!r}, which is not a rare earth; valid symbols are "
                f"{', '.join(RARE_EARTHS)}"
            )
        if symbol not in present:
            raise InputError(
                f"split_between names {symbol!r}, which is not in the feed; the rare earths "
                f"in the feed are {', '.join(present) or 'none'}"
            )
        symbols.append(symbol)
    light, heavy = sorted(symbols, key=RARE_EARTHS.index)
    if light == heavy:
        raise InputError(f"split_between must name two different elements, got {split_between!r}")
    i, j = present.index(light), present.index(heavy)
    if j != i + 1:
        between = ", ".join(present[i + 1 : j])
        raise InputError(
            f"split_between {tuple(split_between)!r} must name neighbours in extraction order "
            f"among the rare earths in the feed ({', '.join(present)}); {between} lie(s) "
            f"between them — use ({light!r}, {present[i + 1]!r}) or "
            f"({present[j - 1]!r}, {heavy!r})"
        )
    return light, heavy


def _check_purity(value, name):
    array = magnitude(value, "", name)
    bad = ~((np.asarray(array) > 0.0) & (np.asarray(array) < 1.0))
    if np.any(bad):
        raise InputError(
            f"{name} must be strictly between 0 and 1 (a purity of 1 needs infinitely many "
            f"stages; try 0.999), got {describe(value)}"
        )
    return np.asarray(array, dtype=float)


def cascade_split(
    feed: Stream,
    split_between,
    purity_extract,
    purity_raffinate,
    *,
    separation_factor_system="default",
    separation_factors=None,
    impurities_to_extract=(),
    max_stages=500,
) -> CascadeSplit:
    """Design and simulate one countercurrent cascade cut and split ``feed`` at it.

    The plain kernel behind :class:`SolventExtractionSection` and
    :class:`tecmodel.stages.bio_recovery.Biosorption`. Purities are fractions [-] (arrays
    broadcast with the feed's sample axes); see the module docstring for the method.
    """
    purity_extract = _check_purity(purity_extract, "purity_extract")
    purity_raffinate = _check_purity(purity_raffinate, "purity_raffinate")
    overrides = dict(separation_factors or {})
    present_mask = feed.mass_flows.reshape(-1, len(feed.components)).max(axis=0) > 0
    present = tuple(
        sorted(
            (
                c
                for c, p in zip(feed.components, present_mask, strict=True)
                if p and c in RARE_EARTHS
            ),
            key=RARE_EARTHS.index,
        )
    )
    light, heavy = _check_split(feed, split_between, present)
    for name in impurities_to_extract:
        if name not in feed.components:
            raise InputError(
                f"impurities_to_extract names {name!r}, which the feed does not carry; it "
                f"carries {', '.join(feed.components)}"
            )
        if name in RARE_EARTHS:
            raise InputError(
                f"impurities_to_extract lists {name!r}, a rare earth; rare earths are split by "
                "the cascade, list only non-rare-earth components such as 'Th' or 'Fe'"
            )
    relative, pairs = _relative_factors(present, separation_factor_system, overrides)
    key_beta = np.asarray(pairs[(light, heavy)], dtype=float)

    cut = present.index(heavy)
    light_group, heavy_group = present[:cut], present[cut:]
    columns = [feed.components.index(c) for c in present]
    kg_per_mol = np.array([_oxide_mass_per_mol(c) for c in present])
    batch = np.broadcast_shapes(
        feed.shape, purity_extract.shape, purity_raffinate.shape, relative.shape[:-1]
    )
    flows = np.broadcast_to(feed.mass_flows, (*batch, len(feed.components)))
    moles = flows[..., columns] / kg_per_mol  # mol/s of each rare earth
    total_mol = moles.sum(axis=-1)
    if np.any(total_mol <= 0):
        raise InputError("the feed carries no rare earths in some sample; nothing to separate")
    heavy_mask = np.arange(len(present)) >= cut
    feed_fraction = moles[..., heavy_mask].sum(-1) / total_mol
    target_a = _molar_purity(
        purity_extract, kg_per_mol[heavy_mask].min(), kg_per_mol[~heavy_mask].max()
    )
    target_b = _molar_purity(
        purity_raffinate, kg_per_mol[~heavy_mask].min(), kg_per_mol[heavy_mask].max()
    )
    design = design_cascade(
        np.broadcast_to(key_beta, batch),
        feed_fraction,
        np.broadcast_to(target_a, batch),
        np.broadcast_to(target_b, batch),
        max_stages=max_stages,
    )

    # exact multicomponent steady state, flat over the batch
    flat = math.prod(batch)
    beta_f = np.broadcast_to(relative, (*batch, len(present))).reshape(flat, -1)
    comp_f = moles.reshape(flat, -1) / total_mol.reshape(flat, 1)
    s_f = np.broadcast_to(design.organic_flux, batch).reshape(flat)
    w_f = np.broadcast_to(design.scrub_flux, batch).reshape(flat)
    n_f = np.broadcast_to(design.extraction_stages, batch).reshape(flat).copy()
    m_f = np.broadcast_to(design.scrub_stages, batch).reshape(flat).copy()
    pa_f = np.broadcast_to(purity_extract, batch).reshape(flat)
    pb_f = np.broadcast_to(purity_raffinate, batch).reshape(flat)
    recovery = np.empty((flat, len(present)))
    achieved_a = np.empty(flat)
    achieved_b = np.empty(flat)
    rows = np.arange(flat)
    while rows.size:
        sim = simulate_multicomponent(
            beta_f[rows], comp_f[rows], n_f[rows], m_f[rows], s_f[rows], w_f[rows],
            extract_components=heavy_mask,
        )  # fmt: skip
        extract_mol = sim.extract_composition * np.asarray(sim.extract_flux)[..., None]
        extract_mol = extract_mol.reshape(rows.size, -1)
        share = np.divide(
            extract_mol, comp_f[rows], out=np.zeros_like(extract_mol), where=comp_f[rows] > 0
        )
        share = np.clip(share, 0.0, 1.0)
        mass_in = comp_f[rows] * kg_per_mol
        mass_a = share * mass_in
        mass_b = mass_in - mass_a
        p_a = mass_a[:, heavy_mask].sum(-1) / mass_a.sum(-1)
        p_b = mass_b[:, ~heavy_mask].sum(-1) / mass_b.sum(-1)
        recovery[rows], achieved_a[rows], achieved_b[rows] = share, p_a, p_b
        short_a = (1 - p_a) > (1 - pa_f[rows]) * (1 + 1e-9)
        short_b = (1 - p_b) > (1 - pb_f[rows]) * (1 + 1e-9)
        m_f[rows] += short_a
        n_f[rows] += short_b
        rows = rows[short_a | short_b]
        if rows.size and np.any(n_f[rows] + m_f[rows] > max_stages):
            raise InfeasibleDesignError(
                f"the {light}|{heavy} cut needs more than max_stages={max_stages} stages to "
                "meet both purities with every rare earth present; lower the purities or "
                "raise max_stages"
            )

    def shaped(values):
        return np.reshape(values, batch)[()]

    recovery = recovery.reshape((*batch, len(present)))
    share_all = np.zeros((*batch, len(feed.components)))
    share_all[..., columns] = recovery
    for name in impurities_to_extract:
        share_all[..., feed.components.index(name)] = 1.0
    extract_flows = flows * share_all
    raffinate_flows = np.maximum(flows - extract_flows, 0.0)
    n_total = shaped(n_f)
    m_total = shaped(m_f)
    added = n_total + m_total - design.extraction_stages - design.scrub_stages
    return CascadeSplit(
        extract=Stream(feed.components, extract_flows),
        raffinate=Stream(feed.components, raffinate_flows),
        rare_earths=present,
        heavy_group=heavy_group,
        light_group=light_group,
        key_separation_factor=key_beta[()],
        relative_separation_factors=relative,
        feed_fraction=feed_fraction[()],
        design=design,
        extraction_stages=n_total,
        scrub_stages=m_total,
        stages_added=added,
        organic_flux=design.organic_flux,
        scrub_flux=design.scrub_flux,
        rare_earth_feed=total_mol[()],
        purity_extract=shaped(achieved_a),
        purity_raffinate=shaped(achieved_b),
        recovery=recovery,
    )


# ---------------------------------------------------------------------------------------
# the stage
# ---------------------------------------------------------------------------------------


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
        Row set of ``data/separation_factors.toml``: "default" (D2EHPA/P507, chloride;
        measured light pairs from Yin et al. 2015, relayed and labelled values elsewhere),
        "d2ehpa_lactic", "naphthenic_acid", "lanmodulin", "design_1.5".
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
    saponification_base : {"sodium_hydroxide", "ammonia", "magnesia"}
        Base that saponifies the organic: 3 mol NaOH or NH3 per mol REE loaded (NaCl or
        NH4Cl brine), or non-saponification with Mg pre-loading, 1.5 mol MgO (MgCl2
        brine). Its consumption name is the price-list key. Default "sodium_hydroxide".
    brine_treatment : {None, "discharge", "evaporation", "ammonia_recovery"}
        Treat the saponification brine (one mol of salt per mol of base, in the base and
        scrub water) with :func:`tecmodel.stages.effluent.effluent_treatment`; None
        (default) leaves it untreated and uncosted.
    brine_recycle_fraction : float or array_like
        Treated brine water reused [-]. Default 0.

    Notes
    -----
    Per mol of rare earth fed (Xu, fluxes per unit feed): the organic carries S; the scrub
    liquor W; the extract S − W. Saponification uses 3 mol NaOH per mol REE loaded (S),
    the scrub 3·W and the strip 3·(S − W) mol HCl, 3·S in total, times (1 + acid_excess)
    (REFERENCE_DATA.md, "Reagents"). Volumetric flows: organic = S·F / organic_loading,
    feed = F / feed_concentration, scrub, strip and base = their mol / concentration.
    """

    inlet_ports: ClassVar[tuple[str, ...]] = ("feed",)
    outlet_ports: ClassVar[tuple[str, ...]] = ("extract", "raffinate")

    split_between: tuple[str, str] = ("Nd", "Sm")
    purity_extract: object = 0.995
    purity_raffinate: object = 0.995
    separation_factor_system: str = "default"
    separation_factors: Mapping[str, object] = field(default_factory=dict)
    extractant: str = "p507"
    extractant_volume_fraction: object = 0.30
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
    # -- reagent route and brine (issue 9: local additions to the reagent/effluent part) --
    saponification_base: str = "sodium_hydroxide"
    brine_treatment: str | None = None
    brine_recycle_fraction: object = 0.0

    def __post_init__(self):
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
        if self.separation_factor_system not in separation_factor_systems():
            raise InputError(
                "separation_factor_system must be one of "
                f"{', '.join(separation_factor_systems())}, got {self.separation_factor_system!r}"
            )

    def _positive(self, name, unit):
        value = getattr(self, name)
        result = magnitude(value, unit, name)
        if np.any(~(np.asarray(result) > 0)) or np.any(~np.isfinite(result)):
            raise InputError(f"{name} must be finite and > 0, got {describe(value)}")
        return result

    def _fraction(self, name, *, open_high=False):
        value = getattr(self, name)
        result = np.asarray(magnitude(value, "", name), dtype=float)
        bad = (result < 0) | (result >= 1 if open_high else result > 1) | ~np.isfinite(result)
        if np.any(bad):
            high = "1)" if open_high else "1]"
            raise InputError(f"{name} must lie in [0, {high}, got {describe(value)}")
        return result

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        """Design the cascade for the inlet ``feed`` and report flows, sizes and reagents."""
        feed = _inlet(inlets, "feed", type(self).__name__)
        # -- units at the boundary ------------------------------------------------------
        loading = self._positive("organic_loading", "mol/m**3")
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
        split = cascade_split(
            feed,
            tuple(self.split_between),
            self.purity_extract,
            self.purity_raffinate,
            separation_factor_system=self.separation_factor_system,
            separation_factors=self.separation_factors,
            impurities_to_extract=tuple(self.impurities_to_extract),
            max_stages=self.max_stages,
        )
        if self.strip_stages is None:
            strip = np.ceil(
                kremser_stages(
                    magnitude(self.stripping_factor, "", "stripping_factor"),
                    magnitude(self.strip_residual, "", "strip_residual"),
                )
                - 1e-9
            ).astype(np.int64)
        else:
            strip = np.asarray(self.strip_stages)
            if strip.dtype.kind not in "iu" or np.any(strip < 1):
                raise InputError(
                    f"strip_stages must be a whole number >= 1, got {self.strip_stages!r}"
                )
        saponification = int(self.saponification_stages)
        if saponification < 0:
            raise InputError(
                f"saponification_stages must be >= 0, got {self.saponification_stages!r}"
            )

        # -- flows (mol/s and m³/s) --------------------------------------------------------
        S, W = split.organic_flux, split.scrub_flux
        F = split.rare_earth_feed
        loaded = S * F  # mol/s of REE loaded into the organic
        base_mol = BASE_PER_RARE_EARTH * loaded
        scrub_acid_mol = ACID_PER_RARE_EARTH * W * F * (1 + excess)
        strip_acid_mol = ACID_PER_RARE_EARTH * (S - W) * F * (1 + excess)
        organic = loaded / loading
        aqueous_feed = F / c_feed
        scrub = scrub_acid_mol / c_scrub
        strip_liquor = strip_acid_mol / c_strip
        base = base_mol / c_base

        sections = {
            # name: (stages, aqueous flow)
            "extraction": (split.extraction_stages, aqueous_feed + scrub),
            "scrub": (split.scrub_stages, scrub),
            "strip": (strip, strip_liquor),
            "saponification": (saponification, base),
        }
        equipment = []
        volumes = {}
        mixer_volume_total = 0.0
        organic_held = 0.0
        for name, (stages, aqueous) in sections.items():
            total_flow = organic + aqueous
            volume = _settler_stage_volume(total_flow, mixer_time, settling, depth)
            volumes[name] = Q_(volume, "m**3")
            mixer_volume_total = mixer_volume_total + stages * total_flow * mixer_time
            organic_held = organic_held + stages * volume * organic / total_flow
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
        if self.brine_treatment is not None:
            from .effluent import SALTS, effluent_treatment

            # one mol of brine salt per mol of base (NaCl, NH4Cl; MgCl2 per MgO)
            salt_kg = base_amount * SALTS[brine_salt][0] / 1000.0
            treated, _solid, brine_details = effluent_treatment(
                water_m3_s=base + scrub, salts={brine_salt: salt_kg},
                method=self.brine_treatment, recycle_fraction=self.brine_recycle_fraction,
            )  # fmt: skip
            for key, rate in treated.items():
                consumption[key] = rate if key not in consumption else consumption[key] + rate
        total_stages = split.extraction_stages + split.scrub_stages + strip + saponification
        details = {
            **brine_details,
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
            "extraction_stages": split.extraction_stages,
            "scrub_stages": split.scrub_stages,
            "strip_stages": strip[()],
            "saponification_stages": saponification,
            "total_stages": total_stages,
            "stages_added_by_multicomponent_check": split.stages_added,
            "organic_flux": S,
            "scrub_flux": W,
            "extraction_ratio": split.design.extraction_ratio,
            "scrub_extraction_ratio": split.design.scrub_extraction_ratio,
            "purity_extract": split.purity_extract,
            "purity_raffinate": split.purity_raffinate,
            "recovery_extract": dict(
                zip(split.rare_earths, np.moveaxis(split.recovery, -1, 0), strict=True)
            ),
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
            outlets={"extract": split.extract, "raffinate": split.raffinate},
            equipment=tuple(equipment),
            consumption=consumption,
            wastes=(),
            operators_per_shift=total_stages / per_operator,
            details=details,
        )


_inlet = check_stream  # kept as the name bio_recovery imports
