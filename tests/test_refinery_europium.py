"""Europium by zinc reduction: Eu(II) stays in the aqueous while the trivalent REs extract.

Hand checks: the zinc of 2 Eu3+ + Zn -> 2 Eu2+ + Zn2+ (half a mol per mol Eu, times the
excess); the reduced P507 set joins Sm and Gd by the product of their pairs through Eu;
the refinery's zinc-reduction route delivers Eu from the raffinate of its first cut.
"""

import warnings

import pytest

from tecmodel import refinery
from tecmodel.errors import TecModelError
from tecmodel.separation.cut import adjacent_separation_factors, extraction_order
from tecmodel.stages import EuropiumReduction
from tecmodel.streams import Stream
from tecmodel.units import Q_

warnings.simplefilter("ignore")

EU2O3_PER_MOL_EU = (2 * 151.964 + 3 * 15.999) / 2 / 1000.0  # kg/mol (IUPAC masses)
ZN = 65.38e-3  # kg/mol


def test_zinc_is_half_a_mole_per_mole_of_europium_times_the_excess():
    feed = Stream.from_composition(Q_(2.0, "kg/s"), {"Eu": 0.5, "Sm": 0.5})
    result = EuropiumReduction(zinc_excess=1.5).run({"feed": feed})
    mol_eu = 1.0 / EU2O3_PER_MOL_EU  # 1 kg/s Eu2O3 -> 5.683 mol/s Eu
    zinc_kg_s = 1.5 * mol_eu / 2 * ZN  # 0.2787 kg/s
    assert result.consumption["zinc"].to("kg/s").magnitude == pytest.approx(zinc_kg_s, rel=1e-9)
    assert result.outlets["liquor"] is feed


def test_less_zinc_than_stoichiometric_is_refused():
    with pytest.raises(TecModelError, match="zinc_excess"):
        EuropiumReduction(zinc_excess=0.8).run(
            {"feed": Stream.from_composition(Q_(1.0, "kg/s"), {"Eu": 1.0})}
        )


def test_reduced_set_puts_europium_first_and_joins_sm_gd_through_it():
    assert extraction_order("p507_hcl_eu_reduced")[0] == "Eu"
    reduced, p507 = (
        adjacent_separation_factors("p507_hcl_eu_reduced"),
        adjacent_separation_factors(),
    )
    assert reduced["Gd/Sm"] == pytest.approx(p507["Eu/Sm"] * p507["Gd/Eu"])
    assert "Eu/Sm" not in reduced and "Gd/Eu" not in reduced


SLATE = [("La", "Ce", "Pr", "Nd"), "Sm", "Eu", "Gd", ("Tb", "Dy"), "Y"]


def test_zinc_reduction_route_makes_europium_from_the_first_cut():
    plant = refinery.design("ion_adsorption_clay", SLATE, europium_route="zinc_reduction")
    names = list(plant.stages)
    assert names.index("reduce_eu") < names.index("sx_eu_reduction")
    assert plant.stages["sx_eu_reduction"].split_between == ("Eu", "La")
    assert ("sx_eu_reduction.raffinate", "precipitate_eu2o3.feed") in plant.connections
    result = plant.evaluate()
    for name, product in plant.products.items():
        if product.price is not None:
            assert result.purity(name) >= 0.999 - 1e-9, name
    # zinc charged for the Eu that reaches the reduction, by the stoichiometry above
    reduction = result.flowsheet.stage_results["reduce_eu"]
    eu_in = float(reduction.inlets["feed"].kg_s("Eu"))
    zinc = reduction.consumption["zinc"].to("kg/s").magnitude
    assert zinc == pytest.approx(1.5 * eu_in / EU2O3_PER_MOL_EU / 2 * ZN, rel=1e-9)


def test_zinc_reduction_route_needs_europium_as_its_own_product():
    with pytest.raises(TecModelError, match="europium"):
        refinery.design("bayan_obo", [("Sm", "Eu", "Gd")], europium_route="zinc_reduction")
    with pytest.raises(TecModelError, match="europium_route"):
        refinery.design("bayan_obo", ["Eu"], europium_route="electrolytic")
