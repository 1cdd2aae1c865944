"""Design of a three-outlet cascade A | B | C: stages, draw stage and draw flow.

Method (a search with the steady-state solver, :mod:`tecmodel.separation.side_draw`)
-------------------------------------------------------------------------------------
Outlets: the extract takes the feed's A, the side draw its B and the raffinate its C (per
unit of feed E = f_A, D = f_B, R = f_C, the three-product analogue of Xu's outlet split
with every group sent where it belongs). Two layouts, each drawing the phase in which the
group that must pass the draw stage is the minor one, which gains a factor β over drawing
the other phase (one equilibrium):

* ``"organic"``: organic drawn at stage k of the extraction section (k < n). All of C
  flows down past k in the aqueous, so C in the draw is at least about
  f_C / (W + 1) / β_BC; stages 1 … k strip B from the raffinate, stages k + 1 … n strip A
  from the aqueous above the draw, the scrub section scrubs B from the extract.
  S = W + f_A + f_B, draw fraction f_B / S.
* ``"aqueous"``: aqueous drawn at stage k of the scrub section (k > n). All of A flows up
  past k in the organic, so A in the draw is at least about f_A / (W + f_A) / β_AB;
  stages n + 1 … k scrub C down, k + 1 … n + m scrub B from the extract, the extraction
  section strips B from the raffinate. S = W + f_A, draw fraction f_B / W.

For each layout and each scrub flux W of a geometric grid (:data:`SCRUB_FLUXES`, in
multiples of the feed), the three sections start at 2 stages each and the section that
controls each purity still short is lengthened by max(1, 15 %) per step, each step one
exact simulation warm-started from the last, until every purity is met (a design), the
stage count passes ``max_stages`` or the side impurity that only reflux lowers stops
falling (that W is too small). Among the designs, the one with the least
stages × (S + W + 1) — the total flow through the mixer-settlers per unit of feed times
their number, Xu's criterion of output per mixer volume — is returned. A labelled method
choice: it does not claim the cost optimum, which the plant costing decides between
layouts and cascades.

Reflux bound (what makes an infeasible middle purity quick to refuse)
----------------------------------------------------------------------
Before a layout and W are searched, a necessary condition of the model is checked; where
it fails no section lengths can meet the side purity p_B, and the search is skipped
(the design is the same: that search could only end without one). Organic layout: the
aqueous leaving the draw stage k carries at least the raffinate's C, so x_c ≥ R_c / (W + 1)
(the aqueous flux of the extraction section); in the draw y_B ≥ p_B, so
s = 1 / Σ_j y_j / β_j ≤ β_B,max / p_B and y_c = β_c x_c / s ≥ β_c p_B R_c / (β_B,max (W + 1)),
which must not exceed 1 − p_B, nor must their sum over C. Aqueous layout: the organic
leaving k carries at least the extract's A, y_a ≥ E_a / S; in the draw x_B ≥ p_B, so
s ≥ β_B,min p_B and x_a = s y_a / β_a ≥ β_B,min p_B E_a / (β_a S), each and summed over A
at most 1 − p_B. R_c and E_a are bounded below by the feed less what the other outlets'
impurity budgets can take. A 99.9 % Pr middle
from a Ce–Pr–Nd clay feed needs W ≥ ~50 in the organic layout and S ≥ ~500 in the
aqueous one, far beyond :data:`SCRUB_FLUXES`: refused in milliseconds instead of 20 s of
growing sections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InfeasibleDesignError, InputError
from .side_draw import SideDrawSimulation, simulate_side_draw

__all__ = ["SCRUB_FLUXES", "SideDrawDesign", "design_side_draw"]

#: Scrub fluxes W tried [per unit of feed] (a search grid, not data).
SCRUB_FLUXES = (0.5, 1.0, 2.0, 4.0, 8.0)
#: Shares of the side draw's impurity budget given to the group that passes the draw stage
#: (a search grid, not data).
PASSING_SHARES = (0.5, 0.8)
_GROWTH = 0.15  # a short section is lengthened by this fraction per step (at least 1)
_LAYOUTS = ("organic", "aqueous")


@dataclass(frozen=True, repr=False)
class SideDrawDesign:
    """A designed three-outlet cascade (one design; plain numbers).

    Attributes
    ----------
    extraction_stages, scrub_stages : int
        n and m [-].
    draw_stage : int
        k, the stage drawn [-].
    draw_phase : str
        "organic" (k in the extraction section) or "aqueous" (k in the scrub section).
    draw_fraction : float
        Fraction of that phase leaving stage k that is drawn [-].
    organic_flux, scrub_flux : float
        S and W per unit of feed [-].
    simulation : SideDrawSimulation
        Steady state of the design (purities, outlets, profiles).
    mixer_flow_stages : float
        stages × (S + W + 1), the criterion the search minimized [-].
    candidates : tuple
        (layout, W, stages or None) of every search point, None where infeasible.
    """

    extraction_stages: int
    scrub_stages: int
    draw_stage: int
    draw_phase: str
    draw_fraction: float
    organic_flux: float
    scrub_flux: float
    simulation: SideDrawSimulation
    mixer_flow_stages: float
    candidates: tuple

    @property
    def total_stages(self) -> int:
        return self.extraction_stages + self.scrub_stages

    def summary(self) -> str:
        sim = self.simulation
        return "\n".join(
            [
                "SideDrawDesign",
                f"  stages n + m            {self.extraction_stages} + {self.scrub_stages}",
                f"  draw                    {self.draw_phase} of stage {self.draw_stage}, "
                f"fraction {self.draw_fraction:.4g}",
                f"  organic flux S          {self.organic_flux:.6g}",
                f"  scrub flux W            {self.scrub_flux:.6g}",
                f"  purity extract          {float(sim.purity_extract):.6f}",
                f"  purity side             {float(sim.purity_side):.6f}",
                f"  purity raffinate        {float(sim.purity_raffinate):.6f}",
            ]
        )

    __repr__ = summary


def _outlets(feed, wanted_a, wanted_b, targets, passing_share, layout):
    """Outlet fluxes (E, D, R) per unit of feed from the group balances, or None.

    Extract and raffinate impurities are taken to be B (their neighbour), the side draw's
    impurity budget D (1 − p_B) to come from the passing group (C for the organic layout,
    A for the aqueous one) by ``passing_share`` and from the other outer group by the
    rest. The balances of A and C and E + D + R = 1 then fix the three fluxes.
    """
    f_a, f_c = feed[wanted_a].sum(), feed[~(wanted_a | wanted_b)].sum()
    p_a, p_b, p_c = targets
    share_c = passing_share if layout == "organic" else 1.0 - passing_share
    share_a = 1.0 - share_c
    impurity = 1.0 - p_b
    denominator = 1.0 - share_a * impurity / p_a - share_c * impurity / p_c
    D = (1.0 - f_a / p_a - f_c / p_c) / denominator
    E = (f_a - D * share_a * impurity) / p_a
    R = (f_c - D * share_c * impurity) / p_c
    if not (D > 0 and E > 0 and R > 0):
        return None
    return E, D, R


def _layout(layout, sections, W, E, D):
    """(n, m, k, S, draw fraction) of a layout with section lengths (a, b, c)."""
    a, b, c = sections
    if layout == "organic":  # stages 1..a (draw at a) | a+1..a+b (feed at n = a + b) | scrub c
        S = W + E + D
        return a + b, c, a, S, D / S
    # extraction a | scrub n+1..n+b (draw at n + b) | n+b+1..n+b+c
    S = W + E
    return a, b + c, a + b, S, D / W


def _start_profile(previous, old_sections, new_sections):
    """ln s of a lengthened design from the last one's, section by section."""
    parts = []
    offset = 0
    for old, new in zip(old_sections, new_sections, strict=True):
        segment = previous[offset : offset + old]
        offset += old
        positions = np.linspace(0.0, old - 1.0, new) if new > 1 else np.array([old - 1.0])
        parts.append(np.interp(positions, np.arange(old), segment))
    return np.concatenate(parts)


def _reflux_suffices(layout, W, E, beta, feed, wanted_a, wanted_b, targets):
    """False where no section lengths can meet the side purity at this W (a bound).

    A necessary condition of Xu's constant-flux model at any n, m and draw stage k
    (module docstring, "Reflux bound"): organic layout, for every c of C and for C
    together, W + 1 ≥ p_B Σ β_c R_c / (β_B,max (1 − p_B)); aqueous layout, for every a of
    A and for A together, S = W + E ≥ β_B,min p_B Σ (E_a / β_a) / (1 − p_B). What the
    outer purities let leave elsewhere, δ = max(1 − p_A, 1 − p_B) of C (max(1 − p_B,
    1 − p_C) of A), is taken off one component, or off the group at its largest weight.
    A search it refuses could only end without a design; the margin 1e-6 keeps
    rounding from refusing a design on the bound.
    """
    p_a, p_b, p_c = targets
    wanted_c = ~(wanted_a | wanted_b)
    impurity = (1.0 - p_b) * (1.0 + 1e-6)
    if layout == "organic":
        group, weight, lost = wanted_c, beta[wanted_c], max(1.0 - p_a, 1.0 - p_b)
        scale, flux = p_b / (beta[wanted_b].max() * impurity), W + 1.0
    else:
        group, weight, lost = wanted_a, 1.0 / beta[wanted_a], max(1.0 - p_b, 1.0 - p_c)
        scale, flux = beta[wanted_b].min() * p_b / impurity, W + E
    # each passing component alone, and the group together (its loss on the heaviest weight)
    alone = (weight * np.clip(feed[group] - lost, 0.0, None)).max()
    together = max((weight * feed[group]).sum() - weight.max() * lost, 0.0)
    return bool(flux >= scale * max(alone, together))


def _search(layout, W, passing_share, beta, feed, wanted_a, wanted_b, targets, max_stages):
    """Grow the sections of one layout at one W until the purities are met (or not)."""
    outlets = _outlets(feed, wanted_a, wanted_b, targets, passing_share, layout)
    if outlets is None:
        return None
    E, D, _ = outlets
    if layout == "aqueous" and D >= 0.95 * W:
        return None  # the draw would take nearly all the scrub aqueous
    if not _reflux_suffices(layout, W, E, beta, feed, wanted_a, wanted_b, targets):
        return None  # no section lengths meet the side purity at this W
    wanted_c = ~(wanted_a | wanted_b)
    allowed = [1.0 - t for t in targets]
    sections = [2, 2, 2]
    profile = None
    history = []
    extract_side, raffinate_side = np.flatnonzero(wanted_a), np.flatnonzero(wanted_c)
    while True:
        n, m, k, S, fraction = _layout(layout, sections, W, E, D)
        if n + m > max_stages:
            return None
        sim = simulate_side_draw(
            beta, feed, n, m, S, W, k, fraction, draw_phase=layout,
            extract_components=extract_side, side_components=np.flatnonzero(wanted_b),
            _start=profile,
        )  # fmt: skip
        profile = np.log((np.asarray(sim.aqueous_profile) * beta).sum(-1))
        side = np.asarray(sim.side) / float(sim.side_flux)
        side_a, side_c = side[extract_side].sum(), side[raffinate_side].sum()
        impurities = np.array(
            [1.0 - float(sim.purity_extract), side_a + side_c, 1.0 - float(sim.purity_raffinate)]
        )
        short = impurities > np.array(allowed) * (1 + 1e-9)
        if not short.any():
            return n, m, k, S, fraction, sim
        # a purity that three growth steps did not improve by 1 % is limited by the fluxes
        history.append(np.where(short, impurities, 0.0))
        if len(history) > 3 and np.any(short & (history[-1] > 0.99 * history[-4])):
            return None
        # side impurity: A is removed by the sections above the draw in the organic layout,
        # C by those below it in the aqueous one; the other group passes the draw
        budget_a = allowed[1] * (1.0 - passing_share if layout == "organic" else passing_share)
        grow = [bool(short[2]), False, bool(short[0])]
        if short[1]:
            if layout == "organic":
                grow[1] |= side_a > budget_a  # draw → feed strips A
                grow[0] |= side_c > allowed[1] - budget_a  # below the draw holds C down
            else:
                grow[1] |= side_c > allowed[1] - budget_a  # feed → draw scrubs C
                grow[2] |= side_a > budget_a  # draw → extract
            if not any(grow):
                grow[1] = True
        old = list(sections)
        for i, flag in enumerate(grow):
            if flag:
                sections[i] += max(1, int(_GROWTH * sections[i]))
        profile = _start_profile(profile, old, sections)


def design_side_draw(
    separation_factors,
    feed_composition,
    extract_components,
    side_components,
    purity_extract,
    purity_side,
    purity_raffinate,
    *,
    layouts=_LAYOUTS,
    scrub_fluxes=SCRUB_FLUXES,
    max_stages=500,
) -> SideDrawDesign:
    """Design a three-outlet cascade that meets three molar purities (one design).

    Parameters
    ----------
    separation_factors, feed_composition : array_like
        β_j and feed fractions of every component, shape (C,) [-].
    extract_components, side_components : sequence of int
        Components of A (to the extract) and of B (to the side draw); the rest, C, go to
        the raffinate. A must be more extractable than B, and B than C.
    purity_extract, purity_side, purity_raffinate : float
        Molar purity wanted of A in the extract, B in the side draw, C in the raffinate,
        each in (0, 1) [-].
    layouts : sequence of {"organic", "aqueous"}
        Draw layouts searched (module docstring).
    scrub_fluxes : sequence of float
        W grid searched [per unit of feed].
    max_stages : int
        Largest n + m allowed.

    Returns
    -------
    SideDrawDesign

    Raises
    ------
    InputError
        Bad groups, purities or layouts (named).
    InfeasibleDesignError
        No layout and W of the grid meets the purities within ``max_stages``.
    """
    beta = np.asarray(separation_factors, dtype=float)
    feed = np.asarray(feed_composition, dtype=float)
    if beta.ndim != 1 or beta.shape != feed.shape or len(beta) < 3:
        raise InputError(
            "separation_factors and feed_composition must be 1-d with the same number (≥ 3) "
            f"of components, got shapes {beta.shape} and {feed.shape}"
        )
    feed = feed / feed.sum()
    components = len(beta)
    wanted_a = np.zeros(components, dtype=bool)
    wanted_b = np.zeros(components, dtype=bool)
    wanted_a[list(extract_components)] = True
    wanted_b[list(side_components)] = True
    wanted_c = ~(wanted_a | wanted_b)
    if (wanted_a & wanted_b).any() or not (wanted_a.any() and wanted_b.any() and wanted_c.any()):
        raise InputError(
            "extract_components and side_components must be disjoint and leave a raffinate "
            f"group, got {extract_components!r} and {side_components!r}"
        )
    if not (
        beta[wanted_a].min() > beta[wanted_b].max() and beta[wanted_b].min() > beta[wanted_c].max()
    ):
        raise InputError(
            "the extract group must be more extractable than the side group, and the side "
            "group than the rest (separation_factors in that order)"
        )
    targets = []
    for name, value in (
        ("purity_extract", purity_extract),
        ("purity_side", purity_side),
        ("purity_raffinate", purity_raffinate),
    ):
        value = float(value)
        if not 0.0 < value < 1.0:
            raise InputError(f"{name} must be strictly between 0 and 1, got {value!r}")
        targets.append(value)
    for layout in layouts:
        if layout not in _LAYOUTS:
            raise InputError(f"layouts must name 'organic' or 'aqueous', got {layout!r}")
    best = None
    candidates = []
    for layout in layouts:
        for W in scrub_fluxes:
            for share in PASSING_SHARES:
                found = _search(
                    layout, float(W), share, beta, feed, wanted_a, wanted_b, targets, max_stages
                )
                if found is None:
                    candidates.append((layout, float(W), share, None))
                    continue
                n, m, k, S, fraction, sim = found
                criterion = (n + m) * (S + W + 1.0)
                candidates.append((layout, float(W), share, n + m))
                if best is None or criterion < best[0]:
                    best = (criterion, layout, W, n, m, k, S, fraction, sim)
    if best is None:
        raise InfeasibleDesignError(
            f"no three-outlet design meets purities {targets} within max_stages={max_stages} "
            f"for scrub fluxes {tuple(scrub_fluxes)} and layouts {tuple(layouts)}; a middle "
            "product this pure needs two two-outlet cascades, or lower its purity"
        )
    criterion, layout, W, n, m, k, S, fraction, sim = best
    return SideDrawDesign(
        extraction_stages=int(n),
        scrub_stages=int(m),
        draw_stage=int(k),
        draw_phase=layout,
        draw_fraction=float(fraction),
        organic_flux=float(S),
        scrub_flux=float(W),
        simulation=sim,
        mixer_flow_stages=float(criterion),
        candidates=tuple(candidates),
    )
