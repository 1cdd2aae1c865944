"""Reduction of europium(III) to europium(II) with zinc, ahead of a P507 cascade.

Eu(II) is divalent and, unlike its trivalent neighbours Sm and Gd, is hardly extracted by
an acidic organophosphorus extractant: after reduction a cascade extracts Sm, Gd and the
other lanthanides and leaves Eu in the aqueous raffinate (the Chinese zinc-reduction route
for Eu2O3; the cascade is ``separation_factor_system="p507_hcl_eu_reduced"``, whose
extraction order puts Eu first, :data:`tecmodel.separation.cut.EXTRACTION_ORDERS`).

Reagent from the stoichiometry of the reduction,

    2 Eu³⁺ + Zn → 2 Eu²⁺ + Zn²⁺,

i.e. ½ mol Zn per mol Eu, times an excess. The rare-earth stream passes unchanged (the
oxidation state is not a tracked component); the Zn²⁺ formed is not tracked either (a
labelled simplification: it leaves with the Eu raffinate and is not charged to effluent
treatment). No equipment is sized (a stirred tank or a zinc column, small next to the SX
sections it serves; assumption).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..elements import ELEMENTS
from ..errors import InputError
from ..streams import Stream
from ..units import Q_
from ._common import check_positive, check_stage_fields
from .base import StageResult

__all__ = ["ZINC_MOLAR_MASS", "EuropiumReduction"]

#: Molar mass of zinc [kg/mol] (IUPAC standard atomic weight 65.38).
ZINC_MOLAR_MASS = 65.38e-3


@dataclass(frozen=True)
class EuropiumReduction:
    """Zinc reduction of the Eu(III) in a rare-earth chloride liquor.

    Ports: inlet ``feed``, outlet ``liquor`` (the same rare earths, Eu now as Eu(II)).

    Parameters
    ----------
    zinc_excess : float
        Zinc charged over the stoichiometric ½ mol per mol Eu [-]. Default 1.5
        (assumption: zinc dust is charged in excess to drive the reduction to
        completion and cover its dissolution by the acid; no plant figure read).

    Notes
    -----
    ``consumption["zinc"]`` = ``zinc_excess`` · ½ · (mol Eu/s) · 65.38 g/mol, with mol Eu
    from the Eu2O3 (oxide-basis) flow of the feed.
    """

    zinc_excess: object = 1.5

    def __post_init__(self):
        check_stage_fields(self)

    @property
    def inlet_ports(self) -> tuple[str, ...]:
        return ("feed",)

    @property
    def outlet_ports(self) -> tuple[str, ...]:
        return ("liquor",)

    def run(self, inlets: Mapping[str, Stream]) -> StageResult:
        if "feed" not in inlets:
            raise InputError(f"EuropiumReduction needs a 'feed' inlet, got {list(inlets)}")
        excess = check_positive(self.zinc_excess, "", "zinc_excess")
        if np.any(excess < 1.0):
            raise InputError(
                f"zinc_excess must be >= 1 (the stoichiometric charge reduces all the Eu), "
                f"got {excess}"
            )
        feed = inlets["feed"]
        europium = ELEMENTS["Eu"]
        oxide_per_mol = europium.atomic_mass * europium.oxide_factor / 1000.0  # kg/mol
        eu_mol_s = (feed.kg_s("Eu") if "Eu" in feed.components else 0.0) / oxide_per_mol
        zinc_kg_s = excess * 0.5 * eu_mol_s * ZINC_MOLAR_MASS
        return StageResult(
            inlets=dict(inlets),
            outlets={"liquor": feed},
            equipment=(),
            consumption={"zinc": Q_(zinc_kg_s * 3600.0, "kg/h")},
            wastes=(),
            operators_per_shift=0.0,
            details={"europium_reduced": Q_(eu_mol_s * 3600.0, "mol/h")},
        )
