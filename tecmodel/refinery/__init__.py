"""Full-separation refineries: all 17 rare earths from a feed and a product slate.

>>> from tecmodel import refinery
>>> plant = refinery.design("bayan_obo", ["La", "Ce", "Pr", "Nd"])  # doctest: +SKIP
>>> plant.evaluate().levelized_cost  # doctest: +SKIP

* :func:`design` → :class:`~tecmodel.plant.Plant` (head by feed, SX cuts wired as a tree
  chosen by cost, precipitation + calcination per product, effluents, costing basis of
  the location);
* :func:`sequences` → candidate split sequences ranked by levelized cost, each with its
  cuts and their costs;
* :func:`product_costs` → cost per kg of each product by the stages its rare earths pass
  through (:mod:`~tecmodel.refinery.allocation`; :func:`stage_shares` stage by stage);
* :func:`oxide_price`, :func:`feed_names`, :func:`location_names`.

Modules: :mod:`~tecmodel.refinery.feeds` (feeds and heads), :mod:`~.products` (slates and
oxide prices), :mod:`~.locations` (cost bases), :mod:`~.sequences` (split-sequence
synthesis), :mod:`~.design` (assembly).
"""

from .allocation import product_costs, stage_shares
from .design import EXTRACTANTS, design, sequences
from .feeds import RefineryFeed, feed_names, refinery_feed
from .locations import location_basis, location_names
from .products import GROUPS, ProductSpec, oxide_price, product_slate
from .sequences import Cut, SplitSequence

__all__ = [
    "EXTRACTANTS",
    "GROUPS",
    "Cut",
    "ProductSpec",
    "RefineryFeed",
    "SplitSequence",
    "design",
    "feed_names",
    "location_basis",
    "location_names",
    "oxide_price",
    "product_costs",
    "product_slate",
    "refinery_feed",
    "sequences",
    "stage_shares",
]
