"""Product slates of a full-separation refinery and the prices of separated oxides.

A product is one rare earth (``"Dy"`` → Dy2O3) or a group of neighbours in extraction
order (``("Pr", "Nd")``, or a named group: ``"NdPr"``, ``"SEG"`` = Sm-Eu-Gd, ``"HREE"`` =
Tb-Lu with Y). Rare earths of the feed that no product names leave as by-product
concentrates of the neighbours they sit between (not sold: a labelled choice, so the
levelized cost still counts their mass as product).

Prices: ``tecmodel/data/oxide_prices.toml`` gives each oxide's price with its source, year
and the purity it is quoted for. A purity above that is priced by the labelled rule
``price(p) = price(grade) · (1 + premium)^(log10((1 − grade)/(1 − p)))`` (``premium_per_nine``
= 0.20, assumption); a group without its own quote sells at ``mixed_group_discount`` of
its oxides' value (assumption).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..data import load_table
from ..elements import ELEMENTS, RARE_EARTHS
from ..errors import InputError, describe
from ..units import Q_

__all__ = ["GROUPS", "ProductSpec", "oxide_price", "product_slate"]

#: Named groups (extraction order of P507/D2EHPA in chloride media; Y between Dy and Ho).
GROUPS = {
    "NdPr": ("Pr", "Nd"),
    "SEG": ("Sm", "Eu", "Gd"),
    "HREE": ("Tb", "Dy", "Y", "Ho", "Er", "Tm", "Yb", "Lu"),
}

#: Purity asked of a by-product concentrate (elements no product names) [-]; assumption.
BYPRODUCT_PURITY = 0.99


@dataclass(frozen=True)
class ProductSpec:
    """One product of the slate.

    Attributes
    ----------
    name : str
        Product name (oxide formula for one element, e.g. ``"Dy2O3"``).
    elements : tuple of str
        Its rare earths, in extraction order.
    purity : float
        Wanted share of ``elements`` in the product's TREO (oxide-mass basis) [-].
    sold : bool
        False for a by-product concentrate of elements no product named.
    """

    name: str
    elements: tuple[str, ...]
    purity: float
    sold: bool = True

    @property
    def label(self) -> str:
        """Short label for trees and cuts (``"Dy"``, ``"Pr-Nd"``)."""
        e = self.elements
        return e[0] if len(e) == 1 else f"{e[0]}-{e[-1]}"


def _symbol(value, where: str) -> str:
    symbol = value.strip().capitalize() if isinstance(value, str) else value
    if symbol not in RARE_EARTHS:
        raise InputError(
            f"{where} names {value!r}, which is not a rare earth; valid symbols are "
            f"{', '.join(RARE_EARTHS)} (groups: {', '.join(GROUPS)})"
        )
    return symbol


def _entries(products):
    """(name or None, elements) pairs from the accepted forms."""
    if isinstance(products, Mapping):
        items = list(products.items())
    elif isinstance(products, Sequence) and not isinstance(products, str):
        items = [(None, p) for p in products]
    else:
        raise InputError(
            "products must be a sequence of symbols and tuples of symbols (a tuple is one "
            f"group product) or a mapping name -> elements, got {describe(products)}"
        )
    if not items:
        raise InputError("products must name at least one product, got none")
    out = []
    for name, value in items:
        if isinstance(value, str) and value in GROUPS:
            name, value = name or f"{value}_oxide", GROUPS[value]
        if isinstance(value, str):
            elements = (_symbol(value, "products"),)
        elif isinstance(value, Sequence) and value:
            elements = tuple(_symbol(v, "products") for v in value)
        else:
            raise InputError(
                f"each product must be a symbol or a non-empty tuple of symbols, got {value!r}"
            )
        out.append((name, elements))
    return out


def product_slate(products, present: Sequence[str], purity=0.999) -> list[ProductSpec]:
    """The checked product slate over the feed's rare earths ``present`` (extraction order).

    Raises :class:`~tecmodel.errors.InputError` for an element not in the feed, a product
    named twice or overlapping another, a group that is not contiguous in extraction
    order, or a purity outside (0, 1).
    """
    present = tuple(present)
    specs, owner = [], {}
    for name, elements in _entries(products):
        for s in elements:
            if s not in present:
                raise InputError(
                    f"products names {s!r}, which is not in the feed; the feed's rare earths "
                    f"are {', '.join(present)}"
                )
            if s in owner:
                raise InputError(
                    f"products overlap: {s!r} is in both {owner[s]!r} and "
                    f"{name or '+'.join(elements)!r}; each element may be in one product only"
                )
        ordered = tuple(sorted(set(elements), key=present.index))
        first, last = present.index(ordered[0]), present.index(ordered[-1])
        if last - first + 1 != len(ordered):
            between = [s for s in present[first : last + 1] if s not in ordered]
            raise InputError(
                f"group product {'+'.join(elements)!r} is not contiguous in extraction order "
                f"({', '.join(present)}): {', '.join(between)} lie(s) between its elements; "
                "a cascade splits neighbours only"
            )
        if name is None:
            name = ELEMENTS[ordered[0]].oxide if len(ordered) == 1 else "".join(ordered) + "_oxide"
        for s in ordered:
            owner[s] = name
        specs.append(ProductSpec(name, ordered, 0.0))
    names = [p.name for p in specs]
    if len(set(names)) != len(names):
        raise InputError(f"product names must be unique, got {names}")
    purities = _purities(purity, specs)
    specs = [ProductSpec(p.name, p.elements, purities[p.name]) for p in specs]
    # elements no product names: by-product concentrates of each uncovered run
    runs, run = [], []
    for s in present:
        if s in owner:
            if run:
                runs.append(tuple(run))
            run = []
        else:
            run.append(s)
    if run:
        runs.append(tuple(run))
    for run in runs:
        label = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
        specs.append(ProductSpec(f"{label}_concentrate", run, BYPRODUCT_PURITY, sold=False))
    return sorted(specs, key=lambda p: present.index(p.elements[0]))


def _purities(purity, specs) -> dict[str, float]:
    if isinstance(purity, Mapping):
        by_name = {p.name: p for p in specs}
        by_symbol = {p.elements[0]: p for p in specs if len(p.elements) == 1}
        values = {}
        for key, value in purity.items():
            target = by_name.get(key) or by_symbol.get(key)
            if target is None:
                raise InputError(
                    f"purity names {key!r}, which is not a product; products are "
                    f"{', '.join(by_name)}"
                )
            values[target.name] = value
        missing = [p.name for p in specs if p.name not in values]
        if missing:
            raise InputError(f"purity must give every product, missing {', '.join(missing)}")
    else:
        values = {p.name: purity for p in specs}
    out = {}
    for name, value in values.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError(
                f"purity of {name} must be a number in (0, 1), got {describe(value)}"
            ) from None
        if not (0.0 < number < 1.0) or not math.isfinite(number):
            raise InputError(
                f"purity of {name} must lie strictly between 0 and 1 (a purity of 1 needs "
                f"infinitely many stages; 0.9999 is 4N), got {describe(value)}"
            )
        out[name] = number
    return out


def _price_table():
    return {e.key: e for e in load_table("oxide_prices").entries}


def _quoted(key: str):
    entry = _price_table()[key]
    return Q_(float(entry.value), entry.extra["unit"]).to("USD/kg").magnitude, entry.extra["grade"]


def _premium(purity, grade):
    premium = float(_price_table()["premium_per_nine"].value)
    nines = np.log10((1.0 - grade) / (1.0 - np.asarray(purity, dtype=float)))
    return (1.0 + premium) ** np.maximum(nines, 0.0)


def oxide_price(elements, purity, shares: Mapping[str, float] | None = None):
    """Price of a product of ``elements`` at ``purity`` [USD/kg], a pint Quantity.

    Parameters
    ----------
    elements : str or tuple of str
        One rare earth or a group of neighbours.
    purity : float or array_like
        Share of ``elements`` in the product's TREO [-].
    shares : mapping, optional
        TREO shares of a group's elements (weights of its oxides' value); equal if None.
    """
    elements = (elements,) if isinstance(elements, str) else tuple(elements)
    table = _price_table()
    key = "+".join(elements)
    if key in table:
        price, grade = _quoted(key)
        return Q_(price * _premium(purity, grade), "USD/kg")
    if len(elements) == 1:
        raise InputError(f"no price for {elements[0]!r} in oxide_prices.toml")
    weights = np.array([(shares or {}).get(s, 1.0) for s in elements], dtype=float)
    weights = weights / weights.sum()
    value = sum(
        w * _quoted(s)[0] * _premium(purity, _quoted(s)[1])
        for w, s in zip(weights, elements, strict=True)
    )
    discount = float(table["mixed_group_discount"].value)
    return Q_(value * discount, "USD/kg")
