"""Split-sequence synthesis: which adjacent cut to make first, by dynamic programming.

Products are contiguous runs of rare earths in extraction order (P507/D2EHPA, chloride:
La Ce Pr Nd Sm Eu Gd Tb Dy Y Ho Er Tm Yb Lu). A refinery is a binary tree of cascades:
each cascade takes a contiguous run of products and cuts it between two neighbouring
products (Nd|Sm, Gd|Tb, ...). With N products there are Catalan(N − 1) trees (4,862 for
10 products, 9.7 million for 16), but a tree's cost is the sum of its cuts' costs and a
cut's cost depends only on the run it takes and where it cuts, so the cheapest tree over
a run [i, j] is the cheapest cut k plus the cheapest trees over [i, k) and [k, j]:
dynamic programming over the N(N + 1)/2 runs, O(N³) cuts. Keeping the K cheapest trees
per run (instead of one) gives the runner-ups exactly.

What a cut must achieve (the purity rule)
-----------------------------------------
A product P's impurity comes from the two cuts at its boundaries: the cut at its light
boundary leaves some lighter rare earths in the heavy outlet, and every later cut sends
them on to the lightest product of that outlet, P (and likewise at its heavy boundary). So
each boundary gets half of P's impurity budget (all of it at an end of the series), and
a cut whose heavy outlet G begins with P must reach an impurity of
``(1 − purity_P) / boundaries_P · m_P / m_G`` in G (m: TREO mass in the feed): cutting
a large group away from a small product early asks for a very pure group. The target is
never looser than half the other side's share of the cut's feed (so the outlet is purer
than the feed; a labelled rule).

The cut cost (the proxy, then costed exactly)
---------------------------------------------
Each candidate cut is designed with the package's own :func:`tecmodel.separation.design_cascade`
(Xu's design verified by exact simulation, lumped light/heavy groups with the key pair's
sourced β, all candidates in one batch), on an ideal feed (the run's rare earths at their
feed amounts). From its stages and fluxes S, W per mol of feed, sized as
:class:`~tecmodel.stages.SolventExtractionSection` sizes them, come its annual cost
[USD/yr]: installed mixer-settlers (extraction, scrub, strip, saponification; Lang factor
of the costing basis × location factor) and the first organic fill, annualised by the
capital recovery factor of the finance assumptions, plus saponification base, HCl,
extractant losses and operators. This additive proxy ranks the trees; the chosen trees
are then built as plants and costed exactly (:meth:`tecmodel.plant.Plant.evaluate`:
multicomponent check, precipitation, effluents, site, taxes), which ranks them again.

Linked extraction (``linked=True``)
-----------------------------------
With linking, an extract that another cut splits leaves its cascade loaded and unstripped
and feeds that cut as organic (:class:`~tecmodel.stages.SolventExtractionSection`
``strip_extract=False`` and ``feed_phase="organic"``, as :func:`tecmodel.refinery.design`
wires it). A cut's cost then depends on where it sits: it is unstripped when its heavy
side holds more than one product (a property of the cut itself), and fed organic when
it takes the heavy side of the cut above it. The proxy prices both from the section's
own balances: no strip section and no strip acid when unstripped; an organic feed runs
Xu's organic-feed fluxes for the same outlet split (S one less and the same W when
scrub-controlled, the same S and W one more when extraction-controlled), with no
aqueous feed and the fed organic in the flows. The dynamic programme then keeps the
cheapest trees of each run for each feed phase (a light side is fed aqueous, a heavy
side organic); the root is fed aqueous.

The screen (:func:`screened_search`, what :func:`tecmodel.refinery.design` and
:func:`tecmodel.refinery.sequences` run): designing every one of the O(N³) cuts exactly
costs a verified cascade design each (18 s for 15 products), so every cut is first costed
with Xu's closed-form stage numbers (no simulation), the dynamic programme keeps the 12
cheapest trees by that screen, and only their cuts are designed exactly and re-ranked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ..costing import purchase_cost, reagent_cost
from ..costing.capital import lang_factor
from ..costing.crews import operator_labor_cost
from ..errors import InputError
from ..separation import design_cascade, kremser_stages
from ..separation.cut import _molar_purity, _oxide_mass_per_mol, _relative_factors
from ..separation.design import actual_stages
from ..stages.solvent_extraction import (
    BASE_PER_RARE_EARTH,
    EXTRACTANT_DENSITY,
    EXTRACTANT_MOLAR_MASS,
    SAPONIFICATION_BASES,
    SolventExtractionSection,
    _organic_feed_fluxes,
    _settler_stage_volume,
)
from ..units import Q_, magnitude

__all__ = [
    "PHASES",
    "Cut",
    "SplitSequence",
    "all_trees",
    "cut_table",
    "cut_targets",
    "screened_search",
    "search",
    "tree_cuts",
    "tree_rows",
]


@dataclass(frozen=True)
class Cut:
    """One cascade of a split sequence.

    Attributes
    ----------
    name : str
        ``"Nd|Sm"``: the key pair (last light | first heavy rare earth).
    light, heavy : tuple of str
        Products on each side (labels).
    purity_raffinate, purity_extract : float
        Targets of the light and heavy outlets (oxide-mass basis) [-].
    stages : int
        Real (built) extraction + scrub stages of the proxy design [-].
    annual_cost : float
        Proxy cost of the cut [USD/yr].
    feed_phase : {"aqueous", "organic"}
        How its feed arrives: ``"organic"`` in linked extraction when it splits the loaded
        extract of the cut above it.
    strip_extract : bool
        False in linked extraction when its extract goes on loaded to the next cut.
    """

    name: str
    light: tuple[str, ...]
    heavy: tuple[str, ...]
    purity_raffinate: float
    purity_extract: float
    stages: int
    annual_cost: float
    feed_phase: str = "aqueous"
    strip_extract: bool = True


@dataclass
class SplitSequence:
    """A candidate tree of cuts.

    Attributes
    ----------
    tree : nested tuples of str
        ``(("La", "Ce"), "Pr")``: a pair is a cascade (light side, heavy side).
    cuts : tuple of Cut
        Its cascades, root first.
    proxy_cost : float
        Sum of the cuts' proxy costs [USD/yr].
    levelized_cost : pint.Quantity or None
        Exact levelized cost of the built plant [USD/kg], where it was costed.
    plant : Plant or None
        The built plant, where it was costed.
    three_outlet : tuple of str
        Three-outlet cascades of the costed plant (``"Pr|Nd|Sm"``: the light key, the
        middle product, the heavy key), with ``sequences(..., three_outlet=True)``.
    """

    tree: object
    cuts: tuple[Cut, ...]
    proxy_cost: float
    levelized_cost: object = None
    plant: object = field(default=None, repr=False)
    three_outlet: tuple = ()

    def describe(self) -> str:
        """The tree and its cuts as text."""
        lines = [f"tree {_tree_text(self.tree)}: proxy {self.proxy_cost / 1e6:.3f} MUSD/yr"
                 + (f", levelized {self.levelized_cost:.3f~P}" if self.levelized_cost is not None
                    else "")]  # fmt: skip
        if self.three_outlet:
            lines.append(f"  three-outlet cascades: {', '.join(self.three_outlet)}")
        for cut in self.cuts:
            linking = ("" if cut.feed_phase == "aqueous" else ", organic feed") + (
                "" if cut.strip_extract else ", extract unstripped"
            )
            lines.append(
                f"  {cut.name:<8} {cut.stages:>4} stages  {cut.annual_cost / 1e6:8.3f} MUSD/yr"
                f"  (light {cut.purity_raffinate:.6f}, heavy {cut.purity_extract:.6f}{linking})"
            )
        return "\n".join(lines)


def _tree_text(tree) -> str:
    if isinstance(tree, str):
        return tree
    return f"({_tree_text(tree[0])} | {_tree_text(tree[1])})"


def cut_targets(masses, purities, i, k, j):
    """Mass-basis purity targets (raffinate, extract) of the cut of products i..j at k.

    ``masses``: TREO mass of each product in the feed; ``purities``: each product's
    purity. See the module docstring for the rule.
    """
    n = len(masses)
    boundaries = [(p > 0) + (p < n - 1) for p in range(n)]
    m_light = sum(masses[i:k])
    m_heavy = sum(masses[k : j + 1])
    total = m_light + m_heavy
    imp_heavy = (1 - purities[k]) / boundaries[k] * masses[k] / m_heavy
    imp_light = (1 - purities[k - 1]) / boundaries[k - 1] * masses[k - 1] / m_light
    imp_heavy = min(imp_heavy, 0.5 * m_light / total)
    imp_light = min(imp_light, 0.5 * m_heavy / total)
    return 1.0 - imp_light, 1.0 - imp_heavy


def _xu_closed_form(beta, f_a, p_a, p_b):
    """Xu's optimum fluxes and closed-form stages (aqueous feed), rounded up: the screen.

    S, W as :func:`tecmodel.separation.design_cascade` chooses them; n = lg b / lg(β E_M),
    m + 1 = lg a / lg(β / E'_M) (its notes); no simulation, so a few stages short of the
    verified design, the same for every tree (used only to rank candidates). Returns
    S, W, n, m and the outlet split f'_A (extract / feed).
    """
    split_a = (f_a - 1.0 + p_b) / (p_a - 1.0 + p_b)
    root = np.sqrt(beta)
    S = np.maximum(root * split_a / (root - 1.0), (1.0 - split_a) / (root - 1.0))
    W = S - split_a
    factor_a = (p_a / (1.0 - p_a)) / (f_a / (1.0 - f_a))
    factor_b = (p_b / (1.0 - p_b)) / ((1.0 - f_a) / f_a)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.log(factor_b) / np.log(beta * S / (W + 1.0))
        m = np.log(factor_a) / np.log(beta * W / S) - 1.0
    half_fenske = np.ceil(np.log(factor_a * factor_b) / np.log(beta) / 2.0)
    undefined = ~np.isfinite(n) | ~np.isfinite(m) | (n <= 0) | (m < 0)
    n = np.where(undefined, half_fenske, n)  # design_cascade's own fallback
    m = np.where(undefined, half_fenske, m)
    n = np.maximum(np.ceil(n - 1e-9), 1).astype(np.int64)
    m = np.maximum(np.ceil(m - 1e-9), 1).astype(np.int64)
    return S, W, n, m, split_a


def _annual_cut_costs(rows, products, shares, rare_earths, system, extractant, reo_kg_s,
                      costing, finance, max_stages, section_options, exact=True,
                      linked=False):  # fmt: skip
    """Proxy cost [USD/yr], stages, targets and reagent consumption of every cut in ``rows``.

    A row is (i, k, j), or (i, k, j, feed phase) with ``linked``: there the cut is
    unstripped when its heavy side holds more than one product (k < j), and a phase
    ``"organic"`` feeds it the loaded extract of the cut above (module docstring).
    """
    template = SolventExtractionSection(
        extractant=extractant, separation_factor_system=system, **section_options
    )
    _, pairs = _relative_factors(rare_earths, system, {})
    masses = [sum(shares[s] for s in p.elements) for p in products]
    purities = [p.purity for p in products]
    kg_mol = {s: _oxide_mass_per_mol(s) for s in rare_earths}
    # a cut's design does not depend on its feed phase: each (i, k, j) is designed once
    cuts = list(dict.fromkeys(row[:3] for row in rows))
    where = {cut: n for n, cut in enumerate(cuts)}
    index = np.array([where[row[:3]] for row in rows], dtype=np.int64)
    organic_feed = np.array([linked and row[3] == "organic" for row in rows], dtype=bool)
    stripped = np.array([not (linked and row[1] < row[2]) for row in rows], dtype=bool)
    beta, f_a, t_a, t_b, mol_feed, targets = [], [], [], [], [], []
    for i, k, j in cuts:
        light = [s for p in products[i:k] for s in p.elements]
        heavy = [s for p in products[k : j + 1] for s in p.elements]
        p_b, p_a = cut_targets(masses, purities, i, k, j)
        targets.append((p_b, p_a))
        beta.append(float(pairs[(light[-1], heavy[0])]))
        mol_l = sum(reo_kg_s * shares[s] / kg_mol[s] for s in light)
        mol_h = sum(reo_kg_s * shares[s] / kg_mol[s] for s in heavy)
        f_a.append(mol_h / (mol_l + mol_h))
        mol_feed.append(mol_l + mol_h)
        m_l = [kg_mol[s] for s in light]
        m_h = [kg_mol[s] for s in heavy]
        t_a.append(_molar_purity(p_a, min(m_h), max(m_l)))
        t_b.append(_molar_purity(p_b, min(m_l), max(m_h)))
    beta, f_a, t_a, t_b, F = (np.array(v) for v in (beta, f_a, t_a, t_b, mol_feed))
    # the molar targets must exceed the feed's own shares (design_cascade requires it)
    t_a = np.maximum(t_a, f_a + 0.5 * (1 - f_a))
    t_b = np.maximum(t_b, (1 - f_a) + 0.5 * f_a)
    if exact:
        design = design_cascade(beta, f_a, t_a, t_b, max_stages=max_stages)
        S, W = np.asarray(design.organic_flux), np.asarray(design.scrub_flux)
        ideal = np.asarray(design.extraction_stages), np.asarray(design.scrub_stages)
        split_a = np.asarray(design.extract_fraction)
    else:
        S, W, *ideal, split_a = _xu_closed_form(beta, f_a, t_a, t_b)
    # back to one entry per row; an organic feed runs Xu's organic-feed fluxes for the
    # same outlet split, as SolventExtractionSection(feed_phase="organic") does
    beta, F, split_a = beta[index], F[index], split_a[index]
    ideal = [np.asarray(x)[index] for x in ideal]
    targets = [targets[n] for n in index]
    S, W = np.asarray(S)[index], np.asarray(W)[index]
    if organic_feed.any():
        S_organic, W_organic = _organic_feed_fluxes(beta, split_a)
        S = np.where(organic_feed, S_organic, S)
        W = np.where(organic_feed, W_organic, W)
    fed = organic_feed.astype(float)  # mol of rare earth per mol of feed on the organic
    # real stages as SolventExtractionSection.run counts them (ideal / stage efficiency)
    efficiency = template.stage_efficiency
    n_ext = np.asarray(actual_stages(ideal[0], efficiency))
    n_scrub = np.asarray(actual_stages(ideal[1], efficiency))

    # sizing as SolventExtractionSection.run does (its defaults and section_options)
    if template.saponification_degree is None:
        loading = magnitude(template.organic_loading, "mol/m**3", "organic_loading")
    else:  # loading = c_extractant · degree / 3 (the stage's stoichiometry)
        loading = (
            float(template.extractant_volume_fraction) * EXTRACTANT_DENSITY[extractant]
            / (EXTRACTANT_MOLAR_MASS[extractant] / 1000.0)
            * float(template.saponification_degree) / BASE_PER_RARE_EARTH
        )  # fmt: skip
    c_feed = magnitude(template.feed_concentration, "mol/m**3", "feed_concentration")
    c_scrub = magnitude(template.scrub_acid_concentration, "mol/m**3", "scrub_acid_concentration")
    c_strip = magnitude(template.strip_acid_concentration, "mol/m**3", "strip_acid_concentration")
    c_base = magnitude(template.base_concentration, "mol/m**3", "base_concentration")
    mixer_time = magnitude(template.mixer_residence_time, "s", "mixer_residence_time")
    settling = magnitude(template.settling_rate, "m/s", "settling_rate")
    depth = magnitude(template.settler_depth, "m", "settler_depth")
    excess = float(template.acid_excess)
    ideal_strip = int(np.ceil(kremser_stages(template.stripping_factor, template.strip_residual)
                              - 1e-9))  # fmt: skip
    strip_stages = int(actual_stages(ideal_strip, efficiency)) * stripped.astype(np.int64)
    loaded = S * F  # into the fresh saponified organic
    organic = (S + fed) * F / loading
    aqueous_feed = F / c_feed * (1.0 - fed)
    scrub = 3 * W * F * (1 + excess) / c_scrub
    # the extract, (S + fed − W) per mol of feed, is stripped where it leaves the plant
    strip = 3 * (S + fed - W) * F * (1 + excess) * stripped / c_strip
    base = 3 * loaded / c_base
    sections = (
        (n_ext, aqueous_feed + scrub, "mixer_settler"),
        (n_scrub, scrub, "mixer_settler"),
        (strip_stages, strip, "mixer_settler"),
        (template.saponification_stages, base, "mixer_settler_saponification"),
    )
    equipment = 0.0
    organic_held = 0.0
    for stages, aqueous, kind in sections:
        flow = organic + aqueous
        volume = _settler_stage_volume(flow, mixer_time, settling, depth)
        # a section of no stages (an unstripped extract's strip) costs nothing
        units = np.maximum(stages, 1)
        cost = purchase_cost(kind, Q_(volume, "m**3"), units).to("USD").magnitude
        equipment = equipment + cost * (np.asarray(stages) > 0)
        organic_held = organic_held + stages * volume * organic / flow
    fraction = float(template.extractant_volume_fraction)
    inventory = organic_held * (1 + float(template.organic_inventory_allowance))
    fill = {
        extractant: Q_(inventory * fraction * EXTRACTANT_DENSITY[extractant], "kg/h"),
        "kerosene": Q_(inventory * (1 - fraction) * 1000.0, "L/h"),
    }
    one_hour = Q_(1.0, "h/yr")  # a fill priced as if consumed for one hour a year
    fill_cost = sum(c.to("USD/yr").magnitude for c in
                    reagent_cost(fill, costing.prices, one_hour).values())  # fmt: skip
    hours = costing.operating_hours
    base_name, base_mass, base_per_ree, _ = SAPONIFICATION_BASES[template.saponification_base]
    lost = float(template.organic_loss_fraction) * (aqueous_feed + scrub + strip + base) * 3600.0
    # scrub + strip acid [mol/s]: 3 W, plus 3 (S + fed − W) where stripped
    acid = 3 * np.where(stripped, S + fed, W) * F * (1 + excess)
    consumption = {
        base_name: Q_(loaded * base_per_ree * base_mass / 1000 * 3600.0, "kg/h"),
        "hydrochloric_acid": Q_(acid * 36.458 / 1000 * 3600.0, "kg/h"),
        extractant: Q_(lost * fraction * EXTRACTANT_DENSITY[extractant], "kg/h"),
        "kerosene": Q_(lost * (1 - fraction) * 1000.0, "L/h"),
    }
    operating = sum(c.to("USD/yr").magnitude for c in
                    reagent_cost(consumption, costing.prices, hours).values())  # fmt: skip
    total_stages = n_ext + n_scrub + strip_stages + template.saponification_stages
    labor = (
        operator_labor_cost(
            total_stages / float(template.stages_per_operator),
            crews_per_position=costing.crews_per_position,
            labor_rate=costing.labor_rate,
        )
        .to("USD/yr")
        .magnitude
    )
    resolved = finance.resolved()
    r, life = float(resolved["discount_rate"]), float(resolved["plant_life"])
    crf = r * (1 + r) ** life / ((1 + r) ** life - 1)
    installed = equipment * lang_factor(costing.installation) * float(costing.location_factor)
    annual = crf * (installed + fill_cost) + operating + labor
    return annual, n_ext + n_scrub, targets, consumption


#: Feed phases of a cut in linked extraction (a light side is fed aqueous, a heavy side
#: organic; the root aqueous).
PHASES = ("aqueous", "organic")


def _every_row(n, linked):
    cuts = [(i, k, j) for i in range(n) for j in range(i + 1, n) for k in range(i + 1, j + 1)]
    if not linked:
        return cuts
    # a run that starts at the first product is never a heavy side: never fed organic
    return [(*c, "aqueous") for c in cuts] + [(*c, "organic") for c in cuts if c[0] > 0]


def cut_table(products, shares, rare_earths, *, system, extractant, reo_kg_s, costing,
              finance, max_stages=3000, section_options=None, rows=None,
              exact=True, linked=False):  # fmt: skip
    """Every possible cut of ``products`` with its proxy cost: {(i, k, j): Cut}.

    (i, k, j): the cascade takes products i..j and cuts between k − 1 and k. With
    ``linked`` the keys are (i, k, j, phase), phase in :data:`PHASES` (how the cut's feed
    arrives; module docstring).

    Parameters
    ----------
    products : list of ProductSpec
        In extraction order, covering the feed's rare earths.
    shares : mapping
        TREO share of each rare earth in the feed [-].
    reo_kg_s : float
        TREO entering separation [kg/s].
    section_options : mapping, optional
        SolventExtractionSection parameters every cut runs with (stage efficiency,
        saponification degree: :func:`tecmodel.refinery.design.practice_options`).
    rows : iterable of (i, k, j) (or (i, k, j, phase) with ``linked``), optional
        Only these cuts (e.g. :func:`tree_rows` of a given tree); default every cut.
    exact : bool
        True: stages of the verified :func:`tecmodel.separation.design_cascade`; False:
        Xu's closed form (no simulation; the screen of :func:`screened_search`).
    linked : bool
        Linked extraction: a cut whose heavy side holds more than one product is
        unstripped, and a cut of phase ``"organic"`` is fed the loaded extract above it.
    """
    n = len(products)
    labels = [p.label for p in products]
    rows = _every_row(n, linked) if rows is None else list(rows)
    if not rows:
        return {}
    annual, stages, targets, _ = _annual_cut_costs(
        rows, products, shares, rare_earths, system, extractant, reo_kg_s, costing, finance,
        max_stages, dict(section_options or {}), exact, linked,
    )  # fmt: skip
    table = {}
    for row, cost, st, (p_b, p_a) in zip(rows, annual, stages, targets, strict=True):
        i, k, j = row[:3]
        light_key = products[k - 1].elements[-1]
        heavy_key = products[k].elements[0]
        table[row] = Cut(
            f"{light_key}|{heavy_key}", tuple(labels[i:k]), tuple(labels[k : j + 1]),
            float(p_b), float(p_a), int(st), float(cost),
            feed_phase=row[3] if linked else "aqueous", strip_extract=not (linked and k < j),
        )  # fmt: skip
    return table


def search(table, labels, keep=3, linked=False) -> list[SplitSequence]:
    """The ``keep`` cheapest trees over ``labels`` by the additive proxy, cheapest first.

    Dynamic programming over contiguous runs, keeping the ``keep`` cheapest trees of each
    run (with ``linked``, of each run and feed phase: the light side of a cut is fed
    aqueous, its heavy side organic); ``table`` from :func:`cut_table` (with the same
    ``linked``).
    """
    n = len(labels)
    phases = PHASES if linked else (None,)
    light_phase, heavy_phase = PHASES if linked else (None, None)

    def key(i, k, j, phase):
        return (i, k, j) if phase is None else (i, k, j, phase)

    best = {(i, i, phase): [(0.0, labels[i], ())] for i in range(n) for phase in phases}
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            for phase in phases:
                if phase == "organic" and i == 0:
                    continue  # never a heavy side
                candidates = []
                for k in range(i + 1, j + 1):
                    cut = table[key(i, k, j, phase)]
                    for (cl, tl, xl), (cr, tr, xr) in itertools.product(
                        best[(i, k - 1, light_phase)], best[(k, j, heavy_phase)]
                    ):
                        candidates.append((cut.annual_cost + cl + cr, (tl, tr), (cut, *xl, *xr)))
                candidates.sort(key=lambda c: c[0])
                best[(i, j, phase)] = candidates[:keep]
    return [SplitSequence(tree, cuts, cost) for cost, tree, cuts in best[(0, n - 1, phases[0])]]


def _span(tree, labels):
    if isinstance(tree, str):
        i = labels.index(tree)
        return i, i
    return _span(tree[0], labels)[0], _span(tree[1], labels)[1]


def tree_rows(tree, labels, linked=False) -> list[tuple]:
    """The (i, k, j) cuts of ``tree`` (nested pairs of labels), root first.

    With ``linked``: (i, k, j, phase), the phase the cut's position gives it.
    """
    if isinstance(tree, str):
        return []
    if not (isinstance(tree, tuple) and len(tree) == 2):
        raise InputError(f"tree must be nested pairs of product labels, got {tree!r}")
    for leaf in _leaves(tree):
        if leaf not in labels:
            raise InputError(
                f"tree names {leaf!r}, which is not a product label; labels are "
                f"{', '.join(labels)}"
            )
    if _leaves(tree) != list(labels):
        raise InputError(
            f"tree must hold every product label once, in extraction order ({', '.join(labels)})"
            f", got {tree!r}"
        )
    return _rows(tree, labels, PHASES[0] if linked else None)


def _leaves(tree):
    if isinstance(tree, str):
        return [tree]
    return [leaf for t in tree for leaf in _leaves(t)]


def _rows(tree, labels, phase=None):
    """Rows of ``tree`` root first; ``phase`` None (unlinked) or the root's feed phase."""
    if isinstance(tree, str):
        return []
    i, j = _span(tree, labels)
    k = _span(tree[1], labels)[0]
    light, heavy = PHASES if phase is not None else (None, None)
    row = (i, k, j) if phase is None else (i, k, j, phase)
    return [row, *_rows(tree[0], labels, light), *_rows(tree[1], labels, heavy)]


def screened_search(make_table, labels, keep=3, screen=12, linked=False) -> list[SplitSequence]:
    """The ``keep`` cheapest trees, the cuts designed exactly only for screened candidates.

    ``make_table(rows, exact)`` returns :func:`cut_table` for those rows (with the same
    ``linked``). Every cut is first costed with Xu's closed-form stages (no simulation);
    the dynamic programme keeps the ``screen`` cheapest trees by that screen; only their
    cuts are designed and verified exactly, and those trees are ranked again by the exact
    proxy. A tree the screen ranks below ``screen`` is not considered
    (tests/test_refinery.py compares with the full exact search).
    """
    coarse = make_table(None, False)
    candidates = search(coarse, labels, keep=max(screen, keep), linked=linked)
    rows = sorted({row for c in candidates for row in tree_rows(c.tree, labels, linked)})
    table = make_table(rows, True)
    ranked = []
    for candidate in candidates:
        cuts = tree_cuts(candidate.tree, table, labels, linked)
        ranked.append(SplitSequence(candidate.tree, cuts, sum(c.annual_cost for c in cuts)))
    ranked.sort(key=lambda c: c.proxy_cost)
    return ranked[:keep]


def tree_cuts(tree, table, labels, linked=False, phase="aqueous") -> tuple[Cut, ...]:
    """The cuts of ``tree`` (nested pairs of labels), root first, from ``table``.

    With ``linked``, ``phase`` is how the feed of ``tree``'s root cut arrives (a subtree
    on the heavy side of a cut: ``"organic"``).
    """
    if isinstance(tree, str):
        return ()
    return tuple(table[row] for row in _rows(tree, labels, phase if linked else None))


def all_trees(labels):
    """Every binary tree over ``labels`` in order (for brute-force checks; Catalan many)."""
    if len(labels) == 1:
        yield labels[0]
        return
    for k in range(1, len(labels)):
        for left in all_trees(labels[:k]):
            for right in all_trees(labels[k:]):
                yield (left, right)
