"""The 17 rare-earth elements (Sc, Y, La–Lu) and their commercial oxides.

Atomic masses are CIAAW 2021 standard atomic weights; the commercial oxide is the form
calcination in air gives (CeO2, Pr6O11 and Tb4O7 rather than sesquioxides). Thorium and
uranium are listed too, because they travel with rare earths in every ore and decide
how residues are classed; they are not rare earths (:data:`RARE_EARTHS` excludes them).

>>> from tecmodel.elements import oxide_factor
>>> round(oxide_factor("Nd"), 4)   # kg Nd2O3 per kg Nd
1.1664
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import load_table
from .errors import InputError

__all__ = [
    "ELEMENTS",
    "LIGHT_RARE_EARTHS",
    "RARE_EARTHS",
    "Element",
    "atomic_mass",
    "element",
    "oxide_factor",
    "oxide_formula",
]


@dataclass(frozen=True)
class Element:
    """One element and its commercial oxide M_aO_b."""

    symbol: str
    name: str
    atomic_number: int
    atomic_mass: float  # [g/mol]
    oxide: str
    metal_atoms_per_oxide: int
    oxygen_atoms_per_oxide: int
    rare_earth: bool

    @property
    def oxide_factor(self) -> float:
        """kg of commercial oxide per kg of element [-]: (a·M + b·M_O) / (a·M)."""
        metal = self.metal_atoms_per_oxide * self.atomic_mass
        return (metal + self.oxygen_atoms_per_oxide * OXYGEN_ATOMIC_MASS) / metal

    @property
    def oxygen_per_metal(self) -> float:
        """Mol of O per mol of metal in the commercial oxide (b / a) [-]."""
        return self.oxygen_atoms_per_oxide / self.metal_atoms_per_oxide


def _load() -> tuple[dict[str, Element], float]:
    table = load_table("elements")
    elements = {
        entry.key: Element(
            symbol=entry.key,
            name=entry.extra["name"],
            atomic_number=int(entry.extra["atomic_number"]),
            atomic_mass=float(entry.value),
            oxide=entry.extra["oxide"],
            metal_atoms_per_oxide=int(entry.extra["metal_atoms_per_oxide"]),
            oxygen_atoms_per_oxide=int(entry.extra["oxygen_atoms_per_oxide"]),
            rare_earth=bool(entry.extra["rare_earth"]),
        )
        for entry in table.entries
    }
    return elements, float(table.meta["oxygen_atomic_mass"])


ELEMENTS, OXYGEN_ATOMIC_MASS = _load()

#: The 17 rare earths in extraction order for acidic organophosphorus extractants
#: (distribution ratio rises from La to Lu; Y falls between Dy and Ho; Sc is extracted
#: most strongly of all). Order used for "adjacent" splits.
RARE_EARTHS: tuple[str, ...] = (
    "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Y",
    "Ho", "Er", "Tm", "Yb", "Lu", "Sc",
)  # fmt: skip

#: Light rare earths (La–Eu; cerium group).
LIGHT_RARE_EARTHS: tuple[str, ...] = ("La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu")


def element(symbol: str) -> Element:
    """Look up an element by symbol (``"Nd"``); case of the symbol is forgiven."""
    key = symbol.strip().capitalize() if isinstance(symbol, str) else symbol
    try:
        return ELEMENTS[key]
    except (KeyError, TypeError):
        raise InputError(
            f"element {symbol!r} is not known; valid symbols are {', '.join(ELEMENTS)}"
        ) from None


def atomic_mass(symbol: str) -> float:
    """Standard atomic weight [g/mol]."""
    return element(symbol).atomic_mass


def oxide_formula(symbol: str) -> str:
    """Formula of the commercial oxide, e.g. ``"Pr6O11"``."""
    return element(symbol).oxide


def oxide_factor(symbol: str) -> float:
    """kg of commercial oxide per kg of element [-], from atomic masses."""
    return element(symbol).oxide_factor
