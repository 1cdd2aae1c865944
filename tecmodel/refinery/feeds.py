"""Feeds of a full-separation refinery: rare-earth distribution and the head of the plant.

A shipped feed (``tecmodel/data/feeds.toml``) names a distribution of the rare earths
(% of TREO, oxide basis, with its source), a concentrate (or ore) grade and the route that
opens it:

=======================  ==================================================================
``ion_adsorption_clay``  South China (Longnan-type) ore, Y- and HREE-rich:
                         :class:`~tecmodel.stages.ClayLeaching` (ammonium sulfate exchange).
``bayan_obo``            mixed bastnäsite-monazite concentrate (Baotou):
                         :class:`~tecmodel.stages.cracking.SulfuricBake`.
``mountain_pass``        bastnäsite concentrate: oxidising roast + HCl leach
                         (:class:`~tecmodel.stages.BastnaesiteCracking`), thorium removal.
``monazite``             heavy-mineral-sand monazite: caustic cracking, thorium removal.
=======================  ==================================================================

A :class:`tecmodel.plant.Feed` may be given instead; its host minerals choose the head
the same way (bastnäsite: sulfuric bake + thorium removal; monazite or xenotime: caustic
cracking + thorium removal; no host mineral: the rare earths are taken as already in
solution and go straight to the first SX cut).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import load_table
from ..elements import RARE_EARTHS
from ..errors import InputError
from ..stages import BastnaesiteCracking, CausticCracking, ClayLeaching, ThoriumRemoval
from ..stages.cracking import HOST_MINERALS, SulfuricBake, concentrate_composition

__all__ = ["RefineryFeed", "feed_names", "refinery_feed"]

#: Gangue of each shipped concentrate (relative amounts; labelled assumptions):
#: Bayan Obo concentrate carries fluorite, iron oxides and barite; Mountain Pass
#: calcite, barite, strontianite (as the shipped cascade_refinery scenario); monazite
#: sands zircon, rutile, ilmenite (as monazite_caustic); clay ore is inert kaolinite.
_GANGUE = {
    "ion_adsorption_clay": {"kaolinite": 1.0},
    "bayan_obo": {"fluorite": 0.4, "hematite": 0.3, "barite": 0.2, "quartz": 0.1},
    "mountain_pass": {"calcite": 0.5, "barite": 0.3, "strontianite": 0.1, "quartz": 0.1},
    "monazite": {"zircon": 0.4, "rutile": 0.2, "ilmenite": 0.2, "quartz": 0.2},
}


@dataclass(frozen=True)
class RefineryFeed:
    """A feed as the refinery designer needs it.

    Attributes
    ----------
    name : str
    composition : dict of str to float
        Mass fractions of the material bought [-] (rare earths on the oxide basis).
    head : dict of str to stage
        Stages that open the feed, in flow order; the last one's ``liquor`` goes to SX.
    reo_fraction : float
        TREO per kg of feed [-].
    """

    name: str
    composition: dict
    head: dict
    reo_fraction: float

    @property
    def rare_earths(self) -> tuple[str, ...]:
        """Rare earths present, in extraction order."""
        return tuple(s for s in RARE_EARTHS if s in self.composition and self.composition[s] > 0)

    @property
    def inlet(self) -> str:
        """Port the feed enters (``"stage.port"``)."""
        if not self.head:
            return ""
        first = next(iter(self.head))
        port = "liquor" if isinstance(self.head[first], ThoriumRemoval) else "feed"
        return f"{first}.{port}"


def feed_names() -> list[str]:
    """Names of the shipped feeds."""
    return sorted({e.key.split(".")[0] for e in load_table("feeds").entries})


def _shipped(name: str) -> RefineryFeed:
    table = load_table("feeds")
    values = {e.key.split(".", 1)[1]: float(e.value) for e in table.entries
              if e.key.split(".")[0] == name}  # fmt: skip
    distribution = {s: v / 100.0 for s, v in values.items() if s in RARE_EARTHS}
    grade = values["reo_grade"]
    if name == "ion_adsorption_clay":
        hosts, head = {}, {"leach": ClayLeaching()}
    elif name == "bayan_obo":
        share = values["monazite_share"]
        hosts = {"bastnaesite": 1.0 - share, "monazite": share}
        head = {"crack": SulfuricBake()}
    elif name == "mountain_pass":
        hosts = {"bastnaesite": 1.0}
        head = {"crack": BastnaesiteCracking(route="roast_hcl"), "thorium": ThoriumRemoval()}
    else:  # monazite
        hosts = {"monazite": 1.0}
        head = {"crack": CausticCracking(), "thorium": ThoriumRemoval()}
    if not hosts:  # an ore: the rare earths are ion-adsorbed on the clay, no host mineral
        total = sum(distribution.values())
        composition = {s: grade * v / total for s, v in distribution.items()}
        composition["kaolinite"] = 1.0 - sum(composition.values())
        return RefineryFeed(name, composition, head, grade)
    composition = concentrate_composition(
        grade, distribution, host_minerals=hosts, gangue=_GANGUE[name],
        thorium_oxide=values.get("thorium_oxide", 0.0),
        uranium_oxide=values.get("uranium_oxide", 0.0),
    )  # fmt: skip
    return RefineryFeed(name, composition, head, grade)


def refinery_feed(feed) -> RefineryFeed:
    """A :class:`RefineryFeed` from a shipped feed name or a :class:`tecmodel.plant.Feed`."""
    from ..plant import Feed

    if isinstance(feed, RefineryFeed):
        return feed
    if isinstance(feed, str):
        if feed not in feed_names():
            raise InputError(
                f"feed must be a shipped feed name ({', '.join(feed_names())}) or a "
                f"tecmodel.Feed, got {feed!r}"
            )
        return _shipped(feed)
    if isinstance(feed, Feed):
        composition = {k: float(v) for k, v in feed.composition.items()}
        hosts = [c for c in composition if c in HOST_MINERALS and composition[c] > 0]
        if "bastnaesite" in hosts:
            head = {
                "crack": BastnaesiteCracking(route="sulfuric_bake"),
                "thorium": ThoriumRemoval(),
            }
        elif hosts:
            head = {"crack": CausticCracking(), "thorium": ThoriumRemoval()}
        else:
            head = {}
        reo = sum(v for k, v in composition.items() if k in RARE_EARTHS)
        if reo <= 0:
            raise InputError("feed.composition carries no rare earths; nothing to separate")
        return RefineryFeed("custom", composition, head, reo)
    raise InputError(
        f"feed must be a shipped feed name ({', '.join(feed_names())}) or a tecmodel.Feed, "
        f"got {feed!r}"
    )
