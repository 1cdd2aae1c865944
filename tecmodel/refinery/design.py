"""Design a full-separation refinery from a feed and a product slate.

:func:`design` opens the feed (cracking or leaching by feed type, thorium removal), splits
the rare earths by a tree of countercurrent SX cascades chosen by cost
(:mod:`tecmodel.refinery.sequences`), precipitates and calcines each product, treats the
brines and liquors, and returns a costed-on-demand :class:`~tecmodel.plant.Plant`.
:func:`sequences` returns the ranked candidate trees with their cuts and costs.

Every SX section designs its own stage numbers from the sourced separation factors and
the purities the purity rule (``sequences`` module docstring) asks of it; nothing here
sets a stage count. With ``three_outlet=True`` a product cut off between two
neighbouring cuts may come from one :class:`~tecmodel.stages.ThreeOutletSection`
instead, where that lowers the exact levelized cost (:meth:`_Context.three_outlet_cuts`).
"""

from __future__ import annotations

import itertools

import numpy as np

from ..data import load_table
from ..elements import RARE_EARTHS
from ..errors import InfeasibleDesignError, InputError, describe
from ..plant import Feed, Plant, Product
from ..separation.cut import extraction_order
from ..stages import (
    BicarbonatePrecipitation,
    Calcination,
    EuropiumReduction,
    OxalatePrecipitation,
    ThreeOutletSection,
)
from ..stages.solvent_extraction import SolventExtractionSection, separation_factor_systems
from ..streams import Stream
from ..units import Q_, magnitude
from .feeds import refinery_feed
from .locations import location_basis
from .products import oxide_price, product_slate
from .sequences import cut_table, screened_search, tree_cuts, tree_rows

__all__ = ["EXTRACTANTS", "design", "sequences"]

#: Extractant systems: name → (extractant priced and held in the organic, preferred
#: separation-factor set, fallback set while the preferred one is not shipped). The
#: fallback is the package's composite D2EHPA + lactic-acid set (d2ehpa_lactic_composite).
EXTRACTANTS = {
    "p507_hcl": ("p507", "p507_hcl", "d2ehpa_lactic_composite"),
    "d2ehpa_hcl": ("d2ehpa", "d2ehpa_hcl", "d2ehpa_lactic_composite"),
}

#: Default REO output [t/yr] when ``capacity`` is None (assumption: a mid-size separation
#: plant; Chinese separation plants run ~2,000-10,000 t/yr REO).
DEFAULT_CAPACITY = 3000.0

#: Recycle of treated saponification brine [-]: the MIIT 2016 >= 85 % water-recycling
#: condition (REFERENCE_DATA.md), used at both locations (assumption for "us").
BRINE_RECYCLE = 0.85

#: Yttrium routes: None (Y is cut by the P507 tree at its P507 place, between Dy and Ho),
#: "naphthenic" (the Chinese naphthenic-acid route: a first cascade in naphthenic acid,
#: where Y is the least extractable rare earth, leaves Y in the raffinate and extracts
#: every lanthanide, which the P507 tree then separates).
YTTRIUM_ROUTES = (None, "naphthenic")

#: Europium routes: None (Eu cut by the P507 tree at its place, between Sm and Gd),
#: "zinc_reduction" (Eu(III) reduced to Eu(II) with zinc, then one P507 cascade extracts
#: every trivalent rare earth and leaves Eu in the raffinate).
EUROPIUM_ROUTES = (None, "zinc_reduction")

#: Separation-factor sets of the single-element first cuts.
NAPHTHENIC_SYSTEM = "naphthenic_acid"
EUROPIUM_REDUCED_SYSTEM = "p507_hcl_eu_reduced"

#: Stage names of the first cuts (``sx_<name>``).
FIRST_CUT_NAMES = {"Y": "naphthenic_y", "Eu": "eu_reduction"}

#: Bulk La and Ce products are precipitated with ammonium bicarbonate (cheaper than oxalic
#: acid; common Chinese practice, assumption as in the shipped scenarios); all others
#: with oxalic acid.
_BICARBONATE = {"La", "Ce"}


def practice_options(extractant: str) -> dict:
    """Operating practice every SX section of a refinery runs with ``extractant``.

    P507: the stage efficiency and saponification degree of
    ``data/solvent_extraction_practice.toml`` (what the shipped P507 plants set); other
    extractants: none (the stage defaults).
    """
    if extractant != "p507":
        return {}
    practice = load_table("solvent_extraction_practice")
    return {
        "stage_efficiency": practice["stage_efficiency"].value,
        "saponification_degree": practice["saponification_degree"].value,
    }


def _extractant(extractant):
    if isinstance(extractant, str) and extractant in separation_factor_systems():
        return "p507", extractant
    if extractant not in EXTRACTANTS:
        raise InputError(
            f"extractant must be one of {', '.join(EXTRACTANTS)} (or a separation-factor set: "
            f"{', '.join(separation_factor_systems())}), got {describe(extractant)}"
        )
    name, preferred, fallback = EXTRACTANTS[extractant]
    systems = separation_factor_systems()
    return name, preferred if preferred in systems else fallback


def _stage_key(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


class _Context:
    """Everything design and sequences share: checked inputs, shares, costing."""

    def __init__(self, feed, products, purity, capacity, location, extractant, linked=False,
                 yttrium_route=None, europium_route=None, three_outlet=False):  # fmt: skip
        if not isinstance(linked, bool):
            raise InputError(f"linked must be True or False, got {linked!r}")
        if not isinstance(three_outlet, bool):
            raise InputError(f"three_outlet must be True or False, got {three_outlet!r}")
        if three_outlet and linked:
            raise InputError(
                "three_outlet=True cannot be combined with linked=True: a ThreeOutletSection "
                "takes an aqueous feed and strips its extract (no linked extraction); choose "
                "one of them"
            )
        self.three_outlet = three_outlet
        if yttrium_route not in YTTRIUM_ROUTES:
            raise InputError(
                f"yttrium_route must be None or 'naphthenic', got {describe(yttrium_route)}"
            )
        if europium_route not in EUROPIUM_ROUTES:
            raise InputError(
                f"europium_route must be None or 'zinc_reduction', got {describe(europium_route)}"
            )
        self.linked = linked
        self.feed = refinery_feed(feed)
        present = self.feed.rare_earths
        self.products = product_slate(products, present, purity)
        # single-element first cuts (yttrium_route, europium_route), in flow order: each
        # takes its element out, and the P507 tree separates what is left
        self.first_cuts = []
        for route, symbol, wanted in (
            (yttrium_route, "Y", "naphthenic"),
            (europium_route, "Eu", "zinc_reduction"),
        ):
            if route != wanted:
                continue
            own = [p for p in self.products if p.elements == (symbol,) and p.sold]
            if not own:
                raise InputError(
                    f"{'yttrium' if symbol == 'Y' else 'europium'}_route={wanted!r} needs "
                    f"{symbol} as a product of its own (list {symbol!r} in products); the "
                    f"products are {', '.join(p.name for p in self.products)}"
                )
            self.first_cuts.append(own[0])
            self.products = [p for p in self.products if p is not own[0]]
        self.extractant, self.system = _extractant(extractant)
        self.practice = practice_options(self.extractant)
        # what every SX section of the plant shares, two- or three-outlet
        self.section_options = dict(
            extractant=self.extractant,
            brine_treatment="evaporation",
            brine_recycle_fraction=BRINE_RECYCLE,
            max_stages=3000,
            **self.practice,
        )
        self.costing, self.finance = location_basis(location)
        self.location = location
        reo = sum(self.feed.composition[s] for s in present)
        self.shares = {s: self.feed.composition[s] / reo for s in present}
        self.rare_earths = present
        taken = {p.elements[0] for p in self.first_cuts}
        self.rare_earths = tuple(s for s in present if s not in taken)
        if capacity is None:
            capacity = Q_(DEFAULT_CAPACITY, "t/yr")
        if not hasattr(capacity, "units"):
            capacity = Q_(capacity, "t/yr")
        hours = magnitude(self.costing.operating_hours, "h/yr", "operating_hours")
        cap = magnitude(capacity, "kg/yr", "capacity") / hours  # REO out per operating hour
        if not cap > 0:
            raise InputError(f"capacity must be > 0 t/yr of REO, got {describe(capacity)}")
        self.capacity = capacity
        # feed rate: REO out = capacity, with the head's REO recovery measured by running
        # the head stages once on 1 kg/s of feed, and the precipitation recovery
        head = self._head_recovery()
        precipitation = float(OxalatePrecipitation().recovery) * float(Calcination().recovery)
        self.reo_to_sx = cap / 3600.0 / precipitation  # kg/s TREO into the first cascade
        self.feed_rate = Q_(self.reo_to_sx / head / self.feed.reo_fraction * 3600.0, "kg/h")

    def _head_recovery(self) -> float:
        stream = Stream.from_composition(Q_(1.0, "kg/s"), self.feed.composition)
        reo_in = float(stream.reo_kg_s)
        for stage in self.feed.head.values():
            port = stage.inlet_ports[0]
            stream = stage.run({port: stream}).outlets["liquor"]
        return float(stream.reo_kg_s) / reo_in

    def table(self, rows=None, exact=True):
        return cut_table(
            self.products, self.shares, self.rare_earths, system=self.system,
            extractant=self.extractant, reo_kg_s=self.reo_to_sx, costing=self.costing,
            finance=self.finance, section_options=self.practice, rows=rows, exact=exact,
            linked=self.linked,
        )  # fmt: skip

    def search(self, keep):
        """The ``keep`` cheapest trees (closed-form screen, then exact cuts); with linking,
        ranked by the linked cuts' costs."""
        return screened_search(self.table, self.labels(), keep=keep, screen=max(12, 2 * keep),
                               linked=self.linked)  # fmt: skip

    def tree_rows(self, tree):
        """The table rows of ``tree``'s cuts (with linking, each with its feed phase)."""
        return tree_rows(tree, self.labels(), self.linked)

    def candidate_table(self, candidate):
        """{row: Cut} of one candidate's own cuts (what :meth:`plant` reads)."""
        return dict(zip(self.tree_rows(candidate.tree), candidate.cuts, strict=True))

    def labels(self):
        return [p.label for p in self.products]

    def _rest_purity(self, symbol: str) -> float:
        """Purity the rest (extract) of the first cut of ``symbol`` must reach (a rule).

        The ``symbol`` the cut leaves in the rest goes on to the products next to its
        P507 place (for Y those holding the nearest lighter and heavier rare earths, e.g.
        Dy and Ho); each of them may take a quarter of its impurity budget from it (the
        P507 cuts at its boundaries keep their halves), scaled by the product's share of
        the rest: ``1 − min_P (1 − purity_P) / 4 · m_P / m_rest`` over those products
        (labelled rule).
        """
        m_rest = sum(self.shares[s] for s in self.rare_earths)
        place = RARE_EARTHS.index(symbol)
        lighter = [s for s in self.rare_earths if RARE_EARTHS.index(s) < place]
        heavier = [s for s in self.rare_earths if RARE_EARTHS.index(s) > place]
        nearest = {side[i] for side, i in ((lighter, -1), (heavier, 0)) if side}
        allowed = [
            (1.0 - p.purity) / 4.0 * sum(self.shares[s] for s in p.elements) / m_rest
            for p in self.products
            if p.sold and nearest & set(p.elements)
        ]
        return 1.0 - min(allowed) if allowed else 0.99

    def _first_cut(self, spec, remaining, stages, connections, inlet):
        """Add the cascade (and reduction) taking ``spec``'s element out; return the port
        of the rest (the extract) and of the element's raffinate."""
        symbol = spec.elements[0]
        system = NAPHTHENIC_SYSTEM if symbol == "Y" else EUROPIUM_REDUCED_SYSTEM
        order = extraction_order(system)
        neighbour = next(s for s in order if s in remaining and s != symbol)
        key = f"sx_{FIRST_CUT_NAMES[symbol]}"
        if symbol == "Eu":
            stages["reduce_eu"] = EuropiumReduction()
            if inlet is not None:
                connections.append((inlet, "reduce_eu.feed"))
            else:
                self._root = "reduce_eu.feed"
            inlet = "reduce_eu.liquor"
        stages[key] = SolventExtractionSection(
            split_between=(symbol, neighbour),
            purity_extract=self._rest_purity(symbol),
            purity_raffinate=spec.purity,
            separation_factor_system=system,
            # assumption: the organic (section_options' extractant) is priced and held as
            # the plant's extractant (for naphthenic acid no price or properties are shipped)
            **self.section_options,
        )
        if inlet is not None:
            connections.append((inlet, f"{key}.feed"))
        else:
            self._root = f"{key}.feed"
        return f"{key}.extract", f"{key}.raffinate"

    def three_outlet_cuts(self, tree, table) -> dict:
        """The pairs of adjacent cuts of ``tree`` one three-outlet cascade replaces.

        Top down, a cut whose heavy side is a cut of one product B from the rest (tree
        ``(L, (B, R))``) or whose light side is one of the rest from B (``((L, B), R)``)
        may become one cascade L | B | R with B in the side draw, at B's own purity and
        the outer targets of the two cuts it replaces (``(L, (B, R))`` is tried first).
        A candidate is kept only where the plant with it runs (its cascade designed by
        the section on the plant's own stream; a middle purity the reflux bound of
        :mod:`tecmodel.separation.side_draw_design` refuses is refused at once) and its
        exact levelized cost is lower than without it
        (:meth:`tecmodel.plant.Plant.evaluate`; a side draw that saves mixer-settlers
        but buys its middle purity with more reflux, and so more NaOH and acid, can
        cost more). Otherwise the two cuts stay and their sides are searched in turn.
        Greedy: the first candidate that lowers the cost is kept (the other form of the
        same node is not tried then). Returns {node: (L, B, R, lower cut, upper cut)}.
        """
        labels = self.labels()
        chosen = {}
        best = [None]  # the levelized cost of the plant with the replacements so far

        def cut_of(node):
            return tree_cuts(node, table, labels)[0]

        def candidates(t):
            if not isinstance(t[1], str) and isinstance(t[1][0], str):
                yield t[0], t[1][0], t[1][1], cut_of(t), cut_of(t[1])
            if not isinstance(t[0], str) and isinstance(t[0][1], str):
                yield t[0][0], t[0][1], t[1], cut_of(t[0]), cut_of(t)

        def cost(three):
            try:
                result = self.plant(tree, table, three=three).evaluate()
            except InfeasibleDesignError:
                return None
            return float(np.asarray(result.levelized_cost.to("USD/kg").magnitude))

        def walk(t):
            if isinstance(t, str):
                return
            for candidate in candidates(t):
                light, _, heavy, _, _ = candidate
                if best[0] is None:
                    best[0] = cost(chosen)
                    if best[0] is None:  # the two-outlet plant does not run: keep it as is
                        best[0] = -np.inf
                trial = cost({**chosen, t: candidate})
                if trial is not None and trial < best[0]:
                    chosen[t], best[0] = candidate, trial
                    walk(light)
                    walk(heavy)
                    return
            walk(t[0])
            walk(t[1])

        walk(tree)
        return chosen

    def plant(self, tree, table, name=None, three=None) -> Plant:
        labels = self.labels()
        by_label = {p.label: p for p in self.products}
        for spec in self.first_cuts:
            by_label[spec.label] = spec
        stages = dict(self.feed.head)
        connections = []
        head_names = list(stages)
        for a, b in itertools.pairwise(head_names):
            connections.append((f"{a}.liquor", f"{b}.{stages[b].inlet_ports[0]}"))
        products = {}

        def build(t, inlet, organic_feed=False):
            if isinstance(t, str):
                spec = by_label[t]
                key = _stage_key(spec.name)
                bicarbonate = set(spec.elements) <= _BICARBONATE
                if bicarbonate:
                    stages[f"precipitate_{key}"] = BicarbonatePrecipitation(
                        liquor_treatment="ammonia_recovery"
                    )
                    stages[f"calcine_{key}"] = Calcination(precipitate_form="carbonate")
                else:
                    stages[f"precipitate_{key}"] = OxalatePrecipitation(
                        liquor_treatment="discharge"
                    )
                    stages[f"calcine_{key}"] = Calcination()
                connections.append((inlet, f"precipitate_{key}.feed"))
                connections.append(
                    (f"precipitate_{key}.precipitate", f"calcine_{key}.precipitate")
                )
                price = oxide_price(spec.elements, spec.purity, self.shares) if spec.sold else None
                products[spec.name] = Product(
                    source=f"calcine_{key}.product", price=price,
                    graded_components=spec.elements, grade=spec.purity,
                )  # fmt: skip
                return
            if three and t in three:
                build_three(t, inlet)
                return
            phase = "organic" if organic_feed else "aqueous"
            cut = tree_cuts(t, table, labels, self.linked, phase)[0]
            light_key, heavy_key = cut.name.split("|")
            for spec in self.first_cuts:
                if _straddles(light_key, spec.elements[0], heavy_key):
                    # the Y (Eu) a first cut left in the rest sits between them in P507
                    # order (Dy, Y, Ho; Sm, Eu, Gd): cut below it, the trace going on
                    # with the heavy side
                    heavy_key = spec.elements[0]
            key = f"sx_{light_key.lower()}_{heavy_key.lower()}"
            # linked extraction: a loaded extract that another cut splits goes on unstripped
            linked_extract = self.linked and not isinstance(t[1], str)
            stages[key] = SolventExtractionSection(
                split_between=(light_key, heavy_key),
                purity_extract=cut.purity_extract,
                purity_raffinate=cut.purity_raffinate,
                separation_factor_system=self.system,
                feed_phase="organic" if organic_feed else "aqueous",
                strip_extract=not linked_extract,
                **self.section_options,
            )
            if inlet is not None:
                connections.append((inlet, f"{key}.feed"))
            else:
                self._root = f"{key}.feed"
            build(t[0], f"{key}.raffinate")
            build(t[1], f"{key}.extract", organic_feed=linked_extract)

        def keys(cut):
            light_key, heavy_key = cut.name.split("|")
            for spec in self.first_cuts:
                if _straddles(light_key, spec.elements[0], heavy_key):
                    heavy_key = spec.elements[0]  # as in build: the trace goes heavy
            return light_key, heavy_key

        def build_three(t, inlet):
            light, middle, heavy, lower, upper = three[t]
            lower_keys, upper_keys = keys(lower), keys(upper)
            names = [*lower_keys, *upper_keys]
            if names[1] == names[2]:
                del names[2]
            key = "sx_" + "_".join(n.lower() for n in names)
            stages[key] = ThreeOutletSection(
                split_between=lower_keys,
                upper_split=upper_keys,
                purity_extract=upper.purity_extract,
                purity_middle=by_label[middle].purity,
                purity_raffinate=lower.purity_raffinate,
                separation_factor_system=self.system,
                **self.section_options,
            )
            if inlet is not None:
                connections.append((inlet, f"{key}.feed"))
            else:
                self._root = f"{key}.feed"
            build(light, f"{key}.raffinate")
            build(middle, f"{key}.middle")
            build(heavy, f"{key}.extract")

        self._root = None
        first = f"{head_names[-1]}.liquor" if head_names else None
        remaining = set(self.shares)
        for spec in self.first_cuts:
            first, raffinate = self._first_cut(spec, remaining, stages, connections, first)
            build(spec.label, raffinate)
            remaining.discard(spec.elements[0])
        build(tree, first)
        inlet = self.feed.inlet or self._root
        if inlet is None:  # a single product and no head: nothing to build
            raise InputError("a refinery needs a head (a mineral feed) or at least two products")
        feed = Feed(rate=self.feed_rate, composition=self.feed.composition, to=inlet)
        products_text = ", ".join(p.name for p in self.products if p.sold)
        return Plant(
            name=name or f"{self.feed.name}_full_separation_{self.location}",
            stages=stages,
            feed=feed,
            connections=connections,
            products=products,
            costing=self.costing,
            finance=self.finance,
            description=(
                f"Full separation of {self.feed.name} to {products_text} "
                f"({self.location} cost basis, {self.system} separation factors)"
            ),
        )


def _straddles(light_key: str, symbol: str, heavy_key: str) -> bool:
    order = RARE_EARTHS.index
    return order(light_key) < order(symbol) < order(heavy_key)


def design(feed, products, *, purity=0.999, capacity=None, location="china",
           extractant="p507_hcl", tree=None, linked=False, yttrium_route=None,
           europium_route=None, three_outlet=False):  # fmt: skip
    """A full-separation refinery for ``feed`` and ``products``: a :class:`~tecmodel.plant.Plant`.

    Parameters
    ----------
    feed : str or tecmodel.Feed
        A shipped feed (``"ion_adsorption_clay"``, ``"bayan_obo"``, ``"mountain_pass"``,
        ``"monazite"``; :func:`tecmodel.refinery.feed_names`) or a :class:`tecmodel.Feed`.
    products : sequence or mapping
        Element symbols and tuples of symbols (a tuple is one group product; ``"NdPr"``,
        ``"SEG"``, ``"HREE"`` name groups), or a mapping product name → elements. Rare
        earths of the feed no product names leave as unsold by-product concentrates.
    purity : float or mapping
        Wanted purity of every product, or per product name (or symbol) [-], in (0, 1).
    capacity : pint.Quantity or float, optional
        REO output [t/yr] the feed is scaled to. Default 3,000 t/yr (assumption).
    location : {"china", "us"}
        Shipped cost basis (prices, labor, waste regime, tax; ``data/locations.toml``).
    extractant : {"p507_hcl", "d2ehpa_hcl"} or str
        Extractant system; maps to a separation-factor set (``p507_hcl`` while shipped,
        else the composite set d2ehpa_lactic_composite).
    tree : nested tuples of product labels, optional
        Use this split sequence instead of the cheapest one (labels as in
        :func:`sequences`).
    linked : bool
        Linked extraction (Chinese practice): an extract that a later cut splits again
        leaves its section loaded, unstripped, and feeds the next section as organic
        (``SolventExtractionSection(strip_extract=False)`` and ``feed_phase="organic"``):
        no strip acid for it and less fresh saponified organic downstream, by the
        balances of Xu's organic-feed design. The split sequence is chosen with linking:
        each cut's proxy cost counts the strip section and acid it saves and the
        organic-feed fluxes it runs where it sits in the tree
        (:mod:`tecmodel.refinery.sequences`, "Linked extraction"). Default False.
    yttrium_route : {None, "naphthenic"}
        None (default): Y is cut by the P507 tree at its P507 place (between Dy and Ho).
        ``"naphthenic"``: the Chinese naphthenic-acid route. A first cascade in naphthenic
        acid, where Y is the least extractable rare earth
        (:data:`tecmodel.separation.cut.EXTRACTION_ORDERS`), cuts Y|La: the Y product
        leaves in its raffinate, every lanthanide in its extract, which the P507 tree
        (chosen by cost over the lanthanide products, ``tree`` labels without Y) then
        separates. Needs Y as a product of its own. The naphthenic factors beyond Nd/Pr
        and the Y factor are labelled assumptions (``data/separation_factors.toml``); the
        organic is priced as the plant's extractant (assumption: no naphthenic-acid price
        is shipped).
    europium_route : {None, "zinc_reduction"}
        None (default): Eu is cut by the P507 tree between Sm and Gd. ``"zinc_reduction"``:
        :class:`~tecmodel.stages.EuropiumReduction` reduces Eu(III) to Eu(II) with zinc
        (½ mol Zn per mol Eu, times an excess), then one P507 cascade
        (``p507_hcl_eu_reduced``: Eu(II) first in the order, its factor a labelled
        assumption) extracts every trivalent rare earth and leaves the Eu product in its
        raffinate; the P507 tree separates the rest. Needs Eu as a product of its own.
        With both routes the naphthenic Y cut comes first.
    three_outlet : bool
        Three-outlet cascades (Chinese practice, 三出口): where the tree cuts one product
        B off between two neighbouring cuts (``(L, (B, R))`` or ``((L, B), R)``, e.g.
        La–Ce | Pr | Nd), the two two-outlet cascades become one
        :class:`~tecmodel.stages.ThreeOutletSection` with B in its side draw at B's
        purity and the outer targets of the cuts it replaces; top down, the
        ``(L, (B, R))`` form first. A pair is replaced only where the side-draw design
        meets those purities on the plant's own streams and the plant's exact levelized
        cost falls (each replacement costed with the ones kept above it); a middle
        product whose purity reflux cannot buy within the design's scrub fluxes
        (typically 99.9 %, :mod:`tecmodel.separation.side_draw_design`, "Reflux bound")
        keeps its two cascades. Where no pair qualifies the plant is the two-outlet one,
        unchanged (a documented no-op, not an error). The tree is the one the two-outlet
        search chooses (or ``tree``). Each candidate costs one plant evaluation. Not
        with ``linked=True`` (:class:`TecModelError`). Default False.

    Returns
    -------
    tecmodel.plant.Plant
        ``plant.evaluate()`` costs it; ``PlantResult.mixer_settlers`` counts its stages.

    Raises
    ------
    tecmodel.errors.TecModelError
        An element not in the feed, overlapping products, a purity outside (0, 1), an
        unknown feed, location or extractant (the message names it).
    """
    context = _Context(feed, products, purity, capacity, location, extractant, linked,
                       yttrium_route, europium_route, three_outlet)  # fmt: skip
    if tree is None:
        best = context.search(keep=1)[0]
        tree, table = best.tree, context.candidate_table(best)
    else:  # only the cuts of the given tree are designed
        table = context.table(context.tree_rows(tree))
    if not context.three_outlet:
        return context.plant(tree, table)
    return _three_outlet_plant(context, tree, table)


def _three_outlet_plant(context, tree, table) -> Plant:
    """The plant of ``tree`` with the cut pairs :meth:`_Context.three_outlet_cuts` keeps
    as three-outlet cascades (their designs are remembered, so the plant's own
    evaluation does not design them again)."""
    return context.plant(tree, table, three=context.three_outlet_cuts(tree, table))


def sequences(feed, products, *, purity=0.999, capacity=None, location="china",
              extractant="p507_hcl", keep=5, exact=3, linked=False, yttrium_route=None,
              europium_route=None, three_outlet=False):  # fmt: skip
    """Candidate split sequences ranked by levelized cost.

    The ``keep`` cheapest trees by the additive proxy cost (dynamic programming,
    :mod:`tecmodel.refinery.sequences`; every cut screened by Xu's closed form, the cuts
    of the screened candidates designed exactly:
    :func:`~tecmodel.refinery.sequences.screened_search`); the first ``exact`` of them are
    built as plants
    and costed exactly, and these lead the list ranked by exact levelized cost; the rest
    follow by proxy cost. Each :class:`~tecmodel.refinery.sequences.SplitSequence` holds its
    tree, its cuts (name, targets, stages, proxy cost), its proxy cost [USD/yr] and, where
    costed, its levelized cost [USD/kg] and plant. Parameters as :func:`design`; with
    ``linked=True`` the proxy counts linked extraction's savings cut by cut (each cut's
    strip section and acid, and the organic-feed fluxes where it takes a loaded extract)
    and the costed plants are built linked, so a candidate's levelized cost is that of
    ``design(..., tree=candidate.tree, linked=True)``. With ``three_outlet=True`` each
    costed candidate is built as :func:`design` builds it with ``three_outlet=True``
    (its eligible cut pairs as three-outlet cascades where they lower its levelized
    cost), so the exact ranking counts them and a candidate's levelized cost is that of
    ``design(..., tree=candidate.tree, three_outlet=True)``; its ``three_outlet`` lists
    the cascades kept (``"Pr|Nd|Sm"``: light key, middle product, heavy key). The proxy
    still ranks two-outlet cuts (a three-outlet cut has no closed-form screen), so a
    tree the proxy ranks below ``exact`` is not costed with them.
    """
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise InputError(f"keep must be a whole number >= 1, got {keep!r}")
    if isinstance(exact, bool) or not isinstance(exact, int) or exact < 0:
        raise InputError(f"exact must be a whole number >= 0, got {exact!r}")
    context = _Context(feed, products, purity, capacity, location, extractant, linked,
                       yttrium_route=yttrium_route, europium_route=europium_route,
                       three_outlet=three_outlet)  # fmt: skip
    candidates = context.search(keep=keep)
    for candidate in candidates[:exact]:
        table = context.candidate_table(candidate)
        if three_outlet:
            three = context.three_outlet_cuts(candidate.tree, table)
            candidate.plant = context.plant(candidate.tree, table, three=three)
            candidate.three_outlet = tuple(
                f"{lower.name.split('|')[0]}|{middle}|{upper.name.split('|')[1]}"
                for _, middle, _, lower, upper in three.values()
            )
        else:
            candidate.plant = context.plant(candidate.tree, table)
        candidate.levelized_cost = candidate.plant.evaluate().levelized_cost
    costed = sorted(candidates[:exact], key=lambda c: float(c.levelized_cost.magnitude))
    return costed + candidates[exact:]
