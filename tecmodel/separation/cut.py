"""The cut of a rare-earth feed between two neighbours in extraction order.

One countercurrent cascade (extraction + scrub) designed on the cut with Xu Guangxian's
theory and checked component by component with the exact multicomponent steady state;
used alike by solvent extraction
(:class:`tecmodel.stages.solvent_extraction.SolventExtractionSection`) and by
biosorption (:class:`tecmodel.stages.bio_recovery.Biosorption`). This module also reads
the adjacent-pair separation factors of ``tecmodel/data/separation_factors.toml`` and
checks the names of their sets.

Design choice: lumped light/heavy groups, key-pair separation factor
-------------------------------------------------------------------
The cascade is designed as a binary separation between the *group* of rare earths on the
heavy (more extractable) side of the cut, A, and the group on the light side, B, with the
separation factor of the two key components (the neighbours at the cut), so
``feed_fraction`` = mol of the heavy group / mol of all rare earths and the fluxes S and
W are per unit of the *whole* rare-earth feed. Non-key components are at least as well
separated as the keys, so the lumped binary is the usual conservative basis (Xu 1985).
The exact multicomponent simulation then gives every component's split; if the
mass-basis purity of a product falls short, stages are added one at a time to the
section that controls that purity, for the failing samples only.

Purity targets are commercial purities (oxide-mass basis, as :meth:`Stream.purity`),
converted to the molar basis of the theory conservatively: the wanted product group
takes its lightest kg of oxide per mol and the impurity group its heaviest.

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
import warnings
from dataclasses import dataclass

import numpy as np

from ..data import load_table
from ..elements import ELEMENTS, RARE_EARTHS
from ..errors import InfeasibleDesignError, InputError, describe
from ..streams import Stream
from ..units import magnitude

# designs once per distinct intensive input, reused across a change of scale (issue 13)
from .design_reuse import design_cascade, simulate_multicomponent

__all__ = [
    "DEPRECATED_SYSTEM_NAMES",
    "DERIVED_SYSTEMS",
    "EXTRACTION_ORDERS",
    "CascadeSplit",
    "adjacent_separation_factors",
    "cascade_split",
    "extraction_order",
    "resolve_separation_factor_system",
    "separation_factor_systems",
]

# ---------------------------------------------------------------------------------------
# separation factors
# ---------------------------------------------------------------------------------------


#: Old names of separation-factor sets → the set they now name. "default" and "p507" were
#: the composite D2EHPA + lactic-acid set (Yin et al. 2015 and relayed values), which no
#: industrial P507 plant uses; they keep working with a DeprecationWarning.
DEPRECATED_SYSTEM_NAMES = {
    "default": "d2ehpa_lactic_composite",
    "p507": "d2ehpa_lactic_composite",
}


def separation_factor_systems() -> list[str]:
    """Names of the extractant systems in the separation-factor table."""
    return sorted({e.extra["system"] for e in load_table("separation_factors").entries})


def resolve_separation_factor_system(system) -> str:
    """The table name of ``system``: checked, deprecated aliases mapped (with a warning).

    Raises
    ------
    InputError
        ``system`` is not a string naming a set of ``data/separation_factors.toml``; the
        message lists the valid names.
    """
    valid = separation_factor_systems()
    if isinstance(system, str) and system in DEPRECATED_SYSTEM_NAMES:
        new = DEPRECATED_SYSTEM_NAMES[system]
        warnings.warn(
            f"separation_factor_system {system!r} is deprecated: it names the composite "
            f"D2EHPA + lactic-acid set, now called {new!r}; write {new!r}",
            DeprecationWarning,
            stacklevel=3,
        )
        return new
    if not isinstance(system, str) or system not in valid:
        raise InputError(
            f"separation_factor_system must be one of {', '.join(valid)} (deprecated aliases: "
            f"{', '.join(DEPRECATED_SYSTEM_NAMES)}), got {system!r}"
        )
    return system


#: Extraction order (least to most extractable) of the separation-factor systems in which it
#: is not :data:`tecmodel.elements.RARE_EARTHS`. Naphthenic acid: yttrium is the least
#: extractable rare earth, below La (the basis of the Chinese naphthenic-acid Y2O3
#: purification, Y left in the raffinate; data/separation_factors.toml, naphthenic_acid
#: rows); the lanthanides keep their P507 order there (a labelled simplification).
EXTRACTION_ORDERS = {
    "naphthenic_acid": ("Y", *(s for s in RARE_EARTHS if s != "Y")),
    "p507_hcl_eu_reduced": ("Eu", *(s for s in RARE_EARTHS if s != "Eu")),
}

#: Systems derived from another: the base system's trivalent pairs with the named element
#: taken out of the order (its two pairs multiplied into one), plus the system's own rows.
#: "p507_hcl_eu_reduced": P507 after zinc reduction (tecmodel.stages.EuropiumReduction).
DERIVED_SYSTEMS = {"p507_hcl_eu_reduced": ("p507_hcl", "Eu")}


def extraction_order(system: str = "p507_hcl") -> tuple[str, ...]:
    """Rare earths from least to most extractable in separation-factor ``system``.

    :data:`tecmodel.elements.RARE_EARTHS` for every system except those of
    :data:`EXTRACTION_ORDERS` (naphthenic acid: Y first).
    """
    return EXTRACTION_ORDERS.get(resolve_separation_factor_system(system), RARE_EARTHS)


def _pair_key(text: str, order: tuple[str, ...] = RARE_EARTHS) -> tuple[str, str]:
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
    if order.index(heavy) <= order.index(light):
        raise InputError(
            f"separation factor key {text!r} must name the more extractable element first, "
            f"write '{light}/{heavy}' rather than {text!r}"
        )
    return light, heavy


def adjacent_separation_factors(system: str = "p507_hcl") -> dict[str, float]:
    """Adjacent-pair separation factors of one extractant ``system`` from the data table.

    Returns ``{"Ce/La": 2.48, ...}``; see ``tecmodel/data/separation_factors.toml`` for the
    source of every value (or its labelled assumption) and whether it was read, relayed or
    assumed (``basis``). Default "p507_hcl", the extractant of the shipped plants.
    """
    system = resolve_separation_factor_system(system)
    table = load_table("separation_factors")
    own = {e.key: float(e.value) for e in table.entries if e.extra["system"] == system}
    if system not in DERIVED_SYSTEMS:
        return own
    base_name, moved = DERIVED_SYSTEMS[system]
    base = adjacent_separation_factors(base_name)
    i = RARE_EARTHS.index(moved)
    lighter, heavier = RARE_EARTHS[i - 1], RARE_EARTHS[i + 1]
    below, above = f"{moved}/{lighter}", f"{heavier}/{moved}"
    derived = {k: v for k, v in base.items() if k not in (below, above)}
    derived[f"{heavier}/{lighter}"] = base[below] * base[above]
    return {**derived, **own}


def _relative_factors(rare_earths, system, overrides):
    """β of each present rare earth relative to the first one, and the β of every
    neighbouring pair of present rare earths.

    ``rare_earths`` are in extraction order. A pair of present neighbours (L, H) takes
    ``overrides["H/L"]`` if given, else the product of the table's adjacent pairs between
    them (e.g. Sm/Nd = Pm/Nd · Sm/Pm when Pm is absent).
    """
    system = resolve_separation_factor_system(system)
    table = adjacent_separation_factors(system)
    order = extraction_order(system)
    given = {}
    for key, value in overrides.items():
        light, heavy = _pair_key(key, order)
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
        start, stop = order.index(light), order.index(heavy)
        beta = 1.0
        for i in range(start, stop):
            key = f"{order[i + 1]}/{order[i]}"
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
    splits : numpy.ndarray
        ln(R_j / E_j) of each rare earth, raffinate over extract (the multicomponent
        solution; a start for the steady state of a similar design), shape as
        ``recovery``.
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
    splits: np.ndarray


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


def _check_split(feed: Stream, split_between, present, order=RARE_EARTHS):
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
    light, heavy = sorted(symbols, key=order.index)
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
    separation_factor_system="p507_hcl",
    separation_factors=None,
    impurities_to_extract=(),
    max_stages=500,
    start=None,
) -> CascadeSplit:
    """Design and simulate one countercurrent cascade cut and split ``feed`` at it.

    The plain kernel behind :class:`SolventExtractionSection` and
    :class:`tecmodel.stages.bio_recovery.Biosorption`. Purities are fractions [-] (arrays
    broadcast with the feed's sample axes); see the module docstring for the method.
    ``start``: a CascadeSplit of ONE design of the same rare earths (a study's base),
    whose :attr:`CascadeSplit.splits` start the steady state of every sample (the same
    start for all, so a sample's numbers do not depend on its batch); otherwise each
    design starts from its own total-reflux estimate.
    """
    purity_extract = _check_purity(purity_extract, "purity_extract")
    purity_raffinate = _check_purity(purity_raffinate, "purity_raffinate")
    overrides = dict(separation_factors or {})
    present_mask = feed.mass_flows.reshape(-1, len(feed.components)).max(axis=0) > 0
    order = extraction_order(separation_factor_system)
    present = tuple(
        sorted(
            (
                c
                for c, p in zip(feed.components, present_mask, strict=True)
                if p and c in RARE_EARTHS
            ),
            key=order.index,
        )
    )
    light, heavy = _check_split(feed, split_between, present, order)
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
    remaining = np.empty((flat, len(present)))  # share of each rare earth in the raffinate
    achieved_a = np.empty(flat)
    achieved_b = np.empty(flat)
    splits = np.empty((flat, len(present)))
    given = {}
    if _starts_from(start, present):
        given["_start"] = np.reshape(start.splits, len(present))
    rows = np.arange(flat)
    while rows.size:
        sim = simulate_multicomponent(
            beta_f[rows],
            comp_f[rows],
            n_f[rows],
            m_f[rows],
            s_f[rows],
            w_f[rows],
            extract_components=heavy_mask,
            _profiles=False,
            **given,
        )  # fmt: skip (the outlets only: no stage profiles)
        extract_mol = sim.extract_composition * np.asarray(sim.extract_flux)[..., None]
        extract_mol = extract_mol.reshape(rows.size, -1)
        share = np.divide(
            extract_mol, comp_f[rows], out=np.zeros_like(extract_mol), where=comp_f[rows] > 0
        )
        share = np.clip(share, 0.0, 1.0)
        # the raffinate share from the raffinate itself, not 1 − share: a trace that
        # leaves in the raffinate keeps its value instead of the rounding of 1 − share
        raffinate_mol = sim.raffinate_composition * np.asarray(sim.raffinate_flux)[..., None]
        raffinate_mol = raffinate_mol.reshape(rows.size, -1)
        rest = np.divide(
            raffinate_mol, comp_f[rows], out=np.zeros_like(raffinate_mol), where=comp_f[rows] > 0
        )
        rest = np.clip(rest, 0.0, 1.0)
        mass_in = comp_f[rows] * kg_per_mol
        mass_a = share * mass_in
        mass_b = rest * mass_in
        p_a = mass_a[:, heavy_mask].sum(-1) / mass_a.sum(-1)
        p_b = mass_b[:, ~heavy_mask].sum(-1) / mass_b.sum(-1)
        recovery[rows], achieved_a[rows], achieved_b[rows] = share, p_a, p_b
        remaining[rows] = rest
        with np.errstate(divide="ignore", invalid="ignore"):
            splits[rows] = np.log(raffinate_mol) - np.log(extract_mol)
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
    rest_all = np.ones((*batch, len(feed.components)))  # non-rare-earths stay in the raffinate
    rest_all[..., columns] = remaining.reshape((*batch, len(present)))
    for name in impurities_to_extract:
        rest_all[..., feed.components.index(name)] = 0.0
    extract_flows = flows * share_all
    raffinate_flows = flows * rest_all
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
        splits=splits.reshape((*batch, len(present))),
    )


def _starts_from(start, present) -> bool:
    """Whether ``start`` is a CascadeSplit of one design of the rare earths ``present``."""
    return (
        isinstance(start, CascadeSplit)
        and start.rare_earths == present
        and np.size(start.splits) == len(present)
        and bool(np.all(np.isfinite(start.splits)))
    )
