"""Three-outlet solvent-extraction section: one cascade, three products C | B | A.

A :class:`ThreeOutletSection` is a :class:`~tecmodel.stages.SolventExtractionSection`
whose cascade has a side draw (:mod:`tecmodel.separation.side_draw`): the extract takes
the heavy group A, the raffinate the light group C, and a fraction of the organic or the
aqueous of one intermediate stage the middle group B — Chinese practice (三出口, Xu
Guangxian's school), e.g. La–Ce | Pr | Nd or Nd | Sm–Eu–Gd | Tb–Dy…. The design
(:func:`tecmodel.separation.side_draw_design.design_side_draw`) chooses the stages, the
draw stage and phase, the draw flow and the reflux.

Sizing and reagents are those of the two-outlet section, from this cascade's S and W:
saponification 3 S, scrub acid 3 W, strip acid 3 (S − W) mol per mol of feed (the
extract and, with an organic draw, the drawn organic are both loaded organic: together
S − W). An organic side draw is stripped in a battery of its own with the strip
section's stage count, sized on the drawn organic and its share of the strip liquor (the
main strip section keeps its sizing on the whole organic: conservative, a labelled
simplification). An aqueous side draw leaves as an aqueous product, like the raffinate.
Linked extraction (``feed_phase="organic"``, ``strip_extract=False``) is not offered
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import InputError
from ..separation.side_draw_cut import three_outlet_split
from ..units import magnitude
from .solvent_extraction import ACID_PER_RARE_EARTH, SolventExtractionSection

__all__ = ["ThreeOutletSection"]


@dataclass(frozen=True)
class ThreeOutletSection(SolventExtractionSection):
    """A countercurrent cascade with a side draw, splitting a feed into three products.

    Parameters
    ----------
    split_between : tuple of str
        The lower cut: neighbours in extraction order (e.g. ``("Ce", "Pr")``); everything
        below its heavier element leaves in the ``raffinate``.
    upper_split : tuple of str
        The upper cut, above ``split_between`` (e.g. ``("Pr", "Nd")``); everything from
        its heavier element on leaves in the ``extract``; the rare earths between the two
        cuts leave in the ``middle`` (the side draw).
    purity_middle : float
        Wanted oxide-mass fraction of the middle group in the side draw [-]. Default 0.9
        (assumption: a three-outlet middle is an enriched product, its purity bought with
        reflux; see :mod:`tecmodel.separation.side_draw`).
    Other parameters
        As :class:`SolventExtractionSection` (``purity_extract`` and ``purity_raffinate``
        for the outer products; one value each).
    """

    FRACTIONS: ClassVar[dict[str, tuple[float, float]]] = {
        **SolventExtractionSection.FRACTIONS,
        "purity_middle": (0.0, 1.0),
    }
    outlet_ports: ClassVar[tuple[str, ...]] = ("extract", "middle", "raffinate")

    split_between: tuple[str, str] = ("Ce", "Pr")
    upper_split: tuple[str, str] = ("Pr", "Nd")
    purity_middle: object = 0.9

    def __post_init__(self):
        super().__post_init__()
        if self.feed_phase != "aqueous" or not self.strip_extract:
            raise InputError(
                "a ThreeOutletSection takes an aqueous feed and strips its extract (linked "
                f"extraction is not offered here); got feed_phase {self.feed_phase!r}, "
                f"strip_extract {self.strip_extract!r}"
            )
        if self.impurities_to_extract:
            raise InputError(
                "impurities_to_extract is not offered by a ThreeOutletSection, got "
                f"{self.impurities_to_extract!r}"
            )

    def _cut(self, feed):
        return three_outlet_split(
            feed,
            tuple(self.split_between),
            tuple(self.upper_split),
            self.purity_extract,
            self.purity_middle,
            self.purity_raffinate,
            separation_factor_system=self.separation_factor_system,
            separation_factors=self.separation_factors,
            max_stages=self.max_stages,
        )

    def _outlets(self, split):
        return {"extract": split.extract, "middle": split.middle, "raffinate": split.raffinate}

    def _extra_sections(self, split, rare_earth_feed, loading, strip, excess, c_strip):
        if split.draw_phase != "organic":
            return {}
        drawn = split.side_flux * rare_earth_feed  # mol/s of REE on the drawn organic
        liquor = ACID_PER_RARE_EARTH * drawn * (1 + excess) / c_strip
        return {"side strip": (strip, liquor, drawn / loading)}

    def _cut_details(self, split):
        S, W = split.organic_flux, split.scrub_flux
        return {
            "split_between": (split.light_group[-1], split.middle_group[0]),
            "upper_split": (split.middle_group[-1], split.heavy_group[0]),
            "light_group": split.light_group,
            "middle_group": split.middle_group,
            "heavy_group": split.heavy_group,
            "relative_separation_factors": dict(
                zip(split.rare_earths, split.relative_separation_factors, strict=True)
            ),
            "design": split.design,
            "draw_stage": split.draw_stage,
            "draw_phase": split.draw_phase,
            "draw_fraction": split.draw_fraction,
            "side_flux": split.side_flux,
            "extraction_ratio": S / (W + 1.0),
            "scrub_extraction_ratio": S / W,
            "purity_extract": split.purity_extract,
            "purity_middle": split.purity_middle,
            "purity_raffinate": split.purity_raffinate,
            "recovery_extract": dict(
                zip(split.rare_earths, np.moveaxis(split.recovery, -1, 0), strict=True)
            ),
            "target_purity_middle": float(magnitude(self.purity_middle, "", "purity_middle")),
        }
