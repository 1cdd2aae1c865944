"""Yttrium with naphthenic acid: Y least extractable, cut from every lanthanide at once.

Hand checks: the order puts Y first; a Y|La cascade in naphthenic acid designs at least
Fenske's minimum stages for its key factor (the La/Y row); the refinery's naphthenic route
delivers the Y product at its purity from the raffinate of that cascade.
"""

import math
import warnings

import pytest

from tecmodel import refinery
from tecmodel.data import load_table
from tecmodel.elements import RARE_EARTHS
from tecmodel.errors import TecModelError
from tecmodel.separation.cut import extraction_order
from tecmodel.stages import SolventExtractionSection
from tecmodel.streams import Stream
from tecmodel.units import Q_

warnings.simplefilter("ignore")

# kg of oxide per mol of rare earth: Y2O3/2 and La2O3/2 (IUPAC atomic masses)
Y_OXIDE = (2 * 88.906 + 3 * 15.999) / 2
LA_OXIDE = (2 * 138.905 + 3 * 15.999) / 2


def naphthenic_la_over_y():
    table = load_table("separation_factors")
    (row,) = [
        e for e in table.entries if e.key == "La/Y" and e.extra["system"] == "naphthenic_acid"
    ]
    return float(row.value)


def test_yttrium_is_least_extractable_in_naphthenic_acid_only():
    assert extraction_order("naphthenic_acid")[0] == "Y"
    assert sorted(extraction_order("naphthenic_acid")) == sorted(RARE_EARTHS)
    assert extraction_order("p507_hcl") == RARE_EARTHS


def test_a_y_la_cut_leaves_yttrium_in_the_raffinate_in_at_least_fenske_stages():
    section = SolventExtractionSection(
        split_between=("Y", "La"), purity_extract=0.99, purity_raffinate=0.999,
        separation_factor_system="naphthenic_acid", extractant="p507",
    )  # fmt: skip
    feed = Stream.from_composition(Q_(1.0, "kg/s"), {"Y": 0.6, "La": 0.2, "Dy": 0.2})
    result = section.run({"feed": feed})
    raffinate = result.outlets["raffinate"]
    y, la = float(raffinate.kg_s("Y")), float(raffinate.kg_s("La"))
    assert y / (y + la) >= 0.999 - 1e-9
    beta = naphthenic_la_over_y()
    assert float(result.details["separation_factor"]) == pytest.approx(beta)
    # Fenske at total reflux, molar basis: raffinate Y vs La, extract La vs Y
    x_raffinate = (0.999 / Y_OXIDE) / (0.999 / Y_OXIDE + 0.001 / LA_OXIDE)
    x_extract = (0.99 / LA_OXIDE) / (0.99 / LA_OXIDE + 0.01 / Y_OXIDE)
    n_min = math.log(x_raffinate / (1 - x_raffinate) * x_extract / (1 - x_extract)) / math.log(
        beta
    )
    stages = int(result.details["ideal_extraction_stages"] + result.details["ideal_scrub_stages"])
    assert stages >= n_min


SLATE = [("La", "Ce", "Pr", "Nd"), ("Sm", "Eu", "Gd"), ("Tb", "Dy"), "Y"]


def test_naphthenic_route_makes_the_y_product_from_the_first_cut():
    plant = refinery.design("ion_adsorption_clay", SLATE, yttrium_route="naphthenic")
    sections = [k for k in plant.stages if k.startswith("sx_")]
    assert sections[0] == "sx_naphthenic_y"
    first = plant.stages["sx_naphthenic_y"]
    assert first.split_between == ("Y", "La")
    assert first.separation_factor_system == "naphthenic_acid"
    # the Dy|Ho boundary of the P507 tree is cut below the Y left in the lanthanides
    assert "sx_dy_y" in sections
    result = plant.evaluate()
    # every sold product at its purity, the Y2O3 from the naphthenic raffinate included
    for name, product in plant.products.items():
        if product.price is not None:
            assert result.purity(name) >= 0.999 - 1e-9, name
    assert ("sx_naphthenic_y.raffinate", "precipitate_y2o3.feed") in plant.connections


def test_naphthenic_route_needs_yttrium_as_its_own_product():
    with pytest.raises(TecModelError, match="yttrium"):
        refinery.design(
            "ion_adsorption_clay", [("La", "Ce", "Pr", "Nd")], yttrium_route="naphthenic"
        )
    with pytest.raises(TecModelError, match="yttrium_route"):
        refinery.design("ion_adsorption_clay", ["Y"], yttrium_route="p204")
