"""Price decks: product prices that change by year, from a table or a shipped history.

A deck is a sequence of ``(calendar year, price)`` pairs. :func:`deck_prices` reads it for
the operating years of a plant: the price of the calendar year each operating year falls
in, the first price before the deck starts and the last one after it ends. A product
uses a deck through :attr:`tecmodel.plant.Product.price_deck`.

The shipped history (``data/price_decks.toml``) is the USGS Nd2O3 99.5 % price, in
nominal dollars of each year converted to the package's dollars by their money-year
units (the CEPCI convention of :mod:`tecmodel.units`). Nd2O3 stands in for NdPr oxide,
which trades a little below it. Replaying the history from a chosen year gives the
scenarios a policy team asks about: :data:`HISTORICAL_STARTS` names the 2011 peak, the
2016 trough and the 2022 high.

Examples
--------
>>> prices = deck_prices(shipped_deck("usgs_nd_oxide"), 2016, 3)   # from the trough
>>> [round(float(p)) for p in prices]
[59, 70, 67]
"""

from __future__ import annotations

import numpy as np

from .data import load_table
from .errors import InputError
from .units import Q_, magnitude

__all__ = ["HISTORICAL_STARTS", "deck_prices", "shipped_deck", "shipped_deck_names"]

#: Years to start a replay of the shipped NdPr history from, by the event they mark.
HISTORICAL_STARTS = {"2011 peak": 2011, "2016 trough": 2016, "2022 high": 2022}


def shipped_deck_names() -> list[str]:
    """Names of the shipped decks (``data/price_decks.toml``)."""
    return sorted({e.extra["deck"] for e in load_table("price_decks").entries})


def shipped_deck(name: str) -> tuple:
    """A shipped deck as ``((year, Quantity [USD_<year>/kg]), ...)``, years ascending."""
    entries = [e for e in load_table("price_decks").entries if e.extra.get("deck") == name]
    if not entries:
        raise InputError(
            f"price deck must be one of {', '.join(shipped_deck_names())} or a mapping "
            f"year -> price, got {name!r}"
        )
    return tuple(sorted((int(e.key), Q_(float(e.value), f"USD_{int(e.key)}/kg")) for e in entries))


def deck_prices(deck, start_year, n_years) -> np.ndarray:
    """Prices [USD/kg] of the operating years from a deck.

    Parameters
    ----------
    deck : sequence of (int, pint.Quantity) or str
        ``(calendar year, price)`` pairs, or a shipped deck's name.
    start_year : int
        Calendar year whose price the first operating year gets.
    n_years : int
        Operating years [yr], >= 1.

    Returns
    -------
    ndarray, shape (n_years,)
        Price of each operating year [USD/kg]: that of the calendar year
        ``start_year + j``, the first price before the deck starts and the last after
        it ends (no extrapolated trend).
    """
    pairs = shipped_deck(deck) if isinstance(deck, str) else tuple(deck)
    if not pairs:
        raise InputError("a price deck needs at least one (year, price) pair, got none")
    years = np.array([int(y) for y, _ in pairs])
    prices = np.array([float(magnitude(p, "USD/kg", f"price_deck[{y}]")) for y, p in pairs])
    order = np.argsort(years)
    years, prices = years[order], prices[order]
    calendar = int(start_year) + np.arange(int(n_years))
    index = np.clip(np.searchsorted(years, calendar, side="right") - 1, 0, years.size - 1)
    return prices[index]
