"""The three-outlet cut of a rare-earth feed: C | B | A in one cascade with a side draw.

The stream-level kernel of :class:`tecmodel.stages.three_outlet.ThreeOutletSection`, as
:func:`tecmodel.separation.cut.cascade_split` is for a two-outlet cut: the two cuts are
pairs of neighbours in extraction order (``lower`` splits C from B, ``upper`` B from A),
the design is :func:`tecmodel.separation.side_draw_design.design_side_draw` with every
rare earth's own β (no lumping: the design simulates the whole feed), and purities are
commercial (oxide-mass basis) converted to molar ones conservatively as in
:mod:`tecmodel.separation.cut` (the wanted group at its lightest kg of oxide per mol,
the impurities at their heaviest).

A batch of feeds is designed once per distinct rare-earth composition (a change of
scale changes no design); designs with different compositions are designed one by one.
A design is remembered by its exact inputs, so the same cascade asked for again (the
plant evaluated a second time) is not designed again (:data:`_DESIGNS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..elements import RARE_EARTHS
from ..errors import InfeasibleDesignError, InputError
from ..streams import Stream
from .cut import (
    _check_purity,
    _check_split,
    _molar_purity,
    _oxide_mass_per_mol,
    _relative_factors,
    extraction_order,
)
from .side_draw_design import SideDrawDesign, design_side_draw

__all__ = ["ThreeOutletSplit", "three_outlet_split"]


@dataclass(frozen=True)
class ThreeOutletSplit:
    """Result of :func:`three_outlet_split` (arrays over the batch).

    Attributes
    ----------
    extract, middle, raffinate : Stream
        Outlets on the oxide basis: A (heavy side), B (the side draw), C (light side).
    rare_earths : tuple of str
        Rare earths present, in extraction order.
    light_group, middle_group, heavy_group : tuple of str
    designs : tuple of SideDrawDesign
        One per distinct feed composition; ``design`` is the first.
    extraction_stages, scrub_stages, draw_stage : numpy.ndarray of int
        n, m and k (ideal stages) [-].
    draw_phase : str
    draw_fraction, organic_flux, scrub_flux, side_flux : numpy.ndarray
        Per mol of rare-earth feed [-].
    rare_earth_feed : numpy.ndarray
        Molar flow of rare earths in the feed [mol/s].
    purity_extract, purity_middle, purity_raffinate : numpy.ndarray
        Achieved oxide-mass purities [-].
    recovery : numpy.ndarray
        Share of each rare earth's feed in the extract, shape (..., n_rare_earths).
    """

    extract: Stream
    middle: Stream
    raffinate: Stream
    rare_earths: tuple[str, ...]
    light_group: tuple[str, ...]
    middle_group: tuple[str, ...]
    heavy_group: tuple[str, ...]
    relative_separation_factors: np.ndarray
    designs: tuple[SideDrawDesign, ...]
    extraction_stages: np.ndarray
    scrub_stages: np.ndarray
    draw_stage: np.ndarray
    draw_phase: str
    draw_fraction: np.ndarray
    organic_flux: np.ndarray
    scrub_flux: np.ndarray
    side_flux: np.ndarray
    rare_earth_feed: np.ndarray
    purity_extract: np.ndarray
    purity_middle: np.ndarray
    purity_raffinate: np.ndarray
    recovery: np.ndarray

    @property
    def design(self) -> SideDrawDesign:
        return self.designs[0]


def three_outlet_split(
    feed: Stream,
    lower,
    upper,
    purity_extract,
    purity_middle,
    purity_raffinate,
    *,
    separation_factor_system="p507_hcl",
    separation_factors=None,
    max_stages=500,
) -> ThreeOutletSplit:
    """Design one three-outlet cascade for ``feed`` and split it at ``lower`` and ``upper``.

    ``lower`` and ``upper`` are pairs of neighbours in extraction order among the feed's
    rare earths, ``upper`` above ``lower`` (e.g. ``("Ce", "Pr")`` and ``("Pr", "Nd")``:
    La–Ce | Pr | Nd). Purities are oxide-mass fractions in (0, 1), one value each.
    Non-rare-earth components leave in the raffinate.
    """
    targets = [
        float(np.asarray(_check_purity(value, name)).reshape(-1)[0])
        if np.size(value) == 1
        else _scalar_only(name)
        for name, value in (
            ("purity_extract", purity_extract),
            ("purity_middle", purity_middle),
            ("purity_raffinate", purity_raffinate),
        )
    ]
    order = extraction_order(separation_factor_system)
    present_mask = feed.mass_flows.reshape(-1, len(feed.components)).max(axis=0) > 0
    present = tuple(
        sorted(
            (c for c, p in zip(feed.components, present_mask, strict=True)
             if p and c in RARE_EARTHS),
            key=order.index,
        )
    )  # fmt: skip
    _, low_heavy = _check_split(feed, lower, present, order)
    _, up_heavy = _check_split(feed, upper, present, order)
    if present.index(up_heavy) <= present.index(low_heavy):
        raise InputError(
            f"upper {tuple(upper)!r} must cut above lower {tuple(lower)!r} in extraction order "
            f"({', '.join(present)}), leaving at least one rare earth between the cuts"
        )
    relative, _ = _relative_factors(
        present, separation_factor_system, dict(separation_factors or {})
    )
    if np.ndim(relative) > 1:
        raise InputError("three_outlet_split takes one set of separation factors (no arrays)")
    b_start, a_start = present.index(low_heavy), present.index(up_heavy)
    light, middle, heavy = present[:b_start], present[b_start:a_start], present[a_start:]
    kg_per_mol = np.array([_oxide_mass_per_mol(c) for c in present])
    groups = [np.arange(len(present)) >= a_start]
    groups.append((np.arange(len(present)) >= b_start) & ~groups[0])
    groups.append(~(groups[0] | groups[1]))
    molar = [
        _molar_purity(target, kg_per_mol[g].min(), kg_per_mol[~g].max())
        for target, g in zip(targets, groups, strict=True)
    ]
    columns = [feed.components.index(c) for c in present]
    batch = feed.shape
    flows = np.broadcast_to(feed.mass_flows, (*batch, len(feed.components)))
    moles = flows[..., columns] / kg_per_mol
    total_mol = moles.sum(-1)
    if np.any(total_mol <= 0):
        raise InputError("the feed carries no rare earths in some sample; nothing to separate")
    flat = math.prod(batch)
    fractions = (moles / total_mol[..., None]).reshape(flat, -1)
    keys, inverse = np.unique(np.round(fractions, 12), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    designs, rows = [], []
    for index in range(len(keys)):
        row = fractions[int(np.flatnonzero(inverse == index)[0])]
        rows.append(row)
        designs.append(
            _cached_design(
                np.asarray(relative, dtype=float), row, groups[0], groups[1], molar, max_stages
            )
        )
    layouts = {d.draw_phase for d in designs}
    if len(layouts) > 1:
        raise InputError(
            "the feeds of this batch need different draw layouts; design them separately"
        )

    def per_row(values):
        return np.asarray(values)[inverse].reshape(batch)[()]

    shares = {}
    rows = np.array(rows)
    for name in ("extract", "side", "raffinate"):
        # mol per mol of feed of each rare earth, as a share of its feed
        per_design = np.array([np.asarray(getattr(d.simulation, name)) for d in designs])
        share = np.divide(per_design, rows, out=np.zeros_like(per_design), where=rows > 0)
        shares[name] = np.clip(share, 0.0, 1.0)[inverse].reshape((*batch, len(present)))
    outlets = {}
    for name, rest_default in (("extract", 0.0), ("side", 0.0), ("raffinate", 1.0)):
        share_all = np.full((*batch, len(feed.components)), rest_default)
        share_all[..., columns] = shares[name]
        outlets[name] = Stream(feed.components, flows * share_all)
    mass_in = moles * kg_per_mol

    def mass_purity(name, group):
        mass = shares[name] * mass_in
        return (mass[..., group].sum(-1) / mass.sum(-1))[()]

    return ThreeOutletSplit(
        extract=outlets["extract"],
        middle=outlets["side"],
        raffinate=outlets["raffinate"],
        rare_earths=present,
        light_group=light,
        middle_group=middle,
        heavy_group=heavy,
        relative_separation_factors=np.asarray(relative, dtype=float),
        designs=tuple(designs),
        extraction_stages=per_row([d.extraction_stages for d in designs]),
        scrub_stages=per_row([d.scrub_stages for d in designs]),
        draw_stage=per_row([d.draw_stage for d in designs]),
        draw_phase=designs[0].draw_phase,
        draw_fraction=per_row([d.draw_fraction for d in designs]),
        organic_flux=per_row([d.organic_flux for d in designs]),
        scrub_flux=per_row([d.scrub_flux for d in designs]),
        side_flux=per_row([float(d.simulation.side_flux) for d in designs]),
        rare_earth_feed=total_mol[()],
        purity_extract=mass_purity("extract", groups[0]),
        purity_middle=mass_purity("side", groups[1]),
        purity_raffinate=mass_purity("raffinate", groups[2]),
        recovery=shares["extract"],
    )


#: Designs already made, by their exact inputs (bytes of β, composition, groups and molar
#: targets; max_stages): the same cascade designed again (a plant evaluated twice, the
#: refinery's check and the plant's own run, a study's re-runs) is the same design, bit
#: for bit. Infeasible inputs are remembered too and raise again. Bounded (FIFO).
_DESIGNS: dict = {}
_DESIGNS_KEPT = 256


def _cached_design(relative, row, extract_group, side_group, molar, max_stages):
    key = (
        relative.tobytes(), np.asarray(row, dtype=float).tobytes(), extract_group.tobytes(),
        side_group.tobytes(), tuple(float(t) for t in molar), int(max_stages),
    )  # fmt: skip
    if key not in _DESIGNS:
        try:
            value = design_side_draw(
                relative, row, np.flatnonzero(extract_group), np.flatnonzero(side_group),
                *molar, max_stages=max_stages,
            )  # fmt: skip
        except InfeasibleDesignError as error:
            value = error
        if len(_DESIGNS) >= _DESIGNS_KEPT:
            del _DESIGNS[next(iter(_DESIGNS))]
        _DESIGNS[key] = value
    value = _DESIGNS[key]
    if isinstance(value, InfeasibleDesignError):
        raise InfeasibleDesignError(str(value))
    return value


def _scalar_only(name):
    raise InputError(f"{name} of a three-outlet cascade must be one value, not an array")
