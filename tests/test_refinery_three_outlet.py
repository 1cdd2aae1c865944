"""refinery.design(three_outlet=True): a middle product between two neighbouring cuts
comes from one three-outlet cascade instead of two two-outlet ones.

Reagents are checked against the balances by hand (saponification 3 S, scrub + strip
acid 3 S times the excess, per mol of each section's feed), so the saving is that of
the sections' own S and feeds; purities, mass in = mass out and the mixer-settler count
are checked on the evaluated plant.
"""

import warnings

import pytest

from tecmodel import refinery
from tecmodel.errors import TecModelError
from tecmodel.stages import ThreeOutletSection
from tecmodel.stages.solvent_extraction import (
    MOLAR_MASS_HCL,
    MOLAR_MASS_NAOH,
    SolventExtractionSection,
)

warnings.simplefilter("ignore")
# Bayan Obo to La, Ce, Pr and Nd at 99.5 % (as tests/test_refinery.py); the rest leaves
# as the Sm–Y concentrate. The chosen tree cuts Pr|Nd and then Nd|Sm on the extract: Nd
# is a middle product between two neighbouring cuts.
PRODUCTS = ["La", "Ce", "Pr", "Nd"]
PURITY = 0.995
BYPRODUCT = 0.99  # tecmodel.refinery.products.BYPRODUCT_PURITY (the concentrate's target)


@pytest.fixture(scope="module")
def plants():
    out = {}
    for three in (False, True):
        plant = refinery.design("bayan_obo", PRODUCTS, purity=PURITY, three_outlet=three)
        out[three] = (plant, plant.evaluate())
    return out


def _sx(result):
    return {
        name: r
        for name, r in result.flowsheet.stage_results.items()
        if "organic_flux" in r.details
    }


def test_a_middle_product_gets_one_three_outlet_cascade(plants):
    plant, _ = plants[True]
    three = [s for s in plant.stages.values() if isinstance(s, ThreeOutletSection)]
    assert len(three) == 1
    assert three[0].split_between == ("Pr", "Nd")
    assert three[0].upper_split == ("Nd", "Sm")
    assert three[0].purity_middle == pytest.approx(PURITY)  # the Nd product's own purity
    two, _ = plants[False]
    assert not any(isinstance(s, ThreeOutletSection) for s in two.stages.values())
    # one cascade less: the two cuts around Nd became one
    count = sum(isinstance(s, SolventExtractionSection) for s in plant.stages.values())
    assert count == sum(isinstance(s, SolventExtractionSection) for s in two.stages.values()) - 1


@pytest.mark.parametrize("three", [False, True])
def test_purities_mass_balance_and_mixer_settlers(plants, three):
    plant, result = plants[three]
    for name in plant.products:
        wanted = BYPRODUCT if "concentrate" in name else PURITY
        assert float(result.purity(name)) >= wanted - 1e-9
    assert abs(float(result.mass_balance_error())) < 1e-6
    # every SX stage: extraction, scrub, strip, saponification (and a drawn organic's
    # own strip battery) of every section
    expected = 0
    for r in _sx(result).values():
        d = r.details
        side = d["strip_stages"] if d.get("draw_phase") == "organic" else 0
        expected += int(
            d["extraction_stages"] + d["scrub_stages"] + d["strip_stages"]
            + d["saponification_stages"] + side
        )  # fmt: skip
    assert int(result.mixer_settlers) == expected


def _hand_reagents(result):
    """NaOH and HCl [kg/h] from each section's S and feed: 3 S F and 3 S F (1 + excess)."""
    naoh = hcl = 0.0
    for r in _sx(result).values():
        F = r.details["rare_earth_feed"].to("mol/h").magnitude
        S = float(r.details["organic_flux"])
        naoh += 3 * S * F * MOLAR_MASS_NAOH / 1000
        hcl += 3 * S * F * 1.10 * MOLAR_MASS_HCL / 1000
    return naoh, hcl


def _reagents(result):
    total = {"sodium_hydroxide": 0.0, "hydrochloric_acid": 0.0}
    for r in _sx(result).values():
        for name in total:
            total[name] += float(r.consumption[name].to("kg/h").magnitude)
    return total["sodium_hydroxide"], total["hydrochloric_acid"]


def test_the_saving_comes_from_the_balances(plants):
    (_, two), (_, three) = plants[False], plants[True]
    for result in (two, three):
        naoh, hcl = _reagents(result)
        hand_naoh, hand_hcl = _hand_reagents(result)
        assert naoh == pytest.approx(hand_naoh, rel=1e-12)
        assert hcl == pytest.approx(hand_hcl, rel=1e-12)
    naoh_two, hcl_two = _reagents(two)
    naoh_three, hcl_three = _reagents(three)
    assert int(three.mixer_settlers) < int(two.mixer_settlers)
    assert naoh_three < naoh_two
    assert hcl_three < hcl_two
    # a replacement is kept only where the exact levelized cost falls
    assert float(three.levelized_cost.magnitude) < float(two.levelized_cost.magnitude)
    print(
        f"\ntwo-outlet: {int(two.mixer_settlers)} mixer-settlers, NaOH {naoh_two:.1f}, "
        f"HCl {hcl_two:.1f} kg/h, {two.levelized_cost:.3f~P}"
        f"\nthree-outlet: {int(three.mixer_settlers)} mixer-settlers, NaOH {naoh_three:.1f}, "
        f"HCl {hcl_three:.1f} kg/h, {three.levelized_cost:.3f~P}"
    )


def test_no_eligible_middle_leaves_the_plant_unchanged():
    """99.9 % middles: the reflux bound refuses every side draw, the plant is the
    two-outlet one (the documented no-op), bit for bit."""
    products = ["Tb", "Dy", "Y", "Er", "Yb"]
    two = refinery.design("ion_adsorption_clay", products).evaluate()
    three_plant = refinery.design("ion_adsorption_clay", products, three_outlet=True)
    assert not any(isinstance(s, ThreeOutletSection) for s in three_plant.stages.values())
    three = three_plant.evaluate()
    assert float(three.levelized_cost.magnitude) == float(two.levelized_cost.magnitude)
    assert int(three.mixer_settlers) == int(two.mixer_settlers)


def test_one_cut_is_a_no_op():
    """Two products (a La–Nd group and the Sm–Y concentrate): one cut, no middle."""
    products = [("La", "Ce", "Pr", "Nd")]
    a = refinery.design("bayan_obo", products, purity=0.99, three_outlet=True)
    b = refinery.design("bayan_obo", products, purity=0.99)
    assert a == b


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"three_outlet": "yes"}, "three_outlet"),
        ({"three_outlet": True, "linked": True}, "linked"),
    ],
)
def test_bad_input_names_it(kwargs, message):
    with pytest.raises(TecModelError, match=message):
        refinery.design("bayan_obo", PRODUCTS, purity=PURITY, **kwargs)


def test_every_outlet_goes_where_the_tree_sends_it(plants):
    """The three-outlet cascade's raffinate goes on to the Pr product, its middle to the
    Nd product and its extract to the Sm–Y concentrate, as the two cuts' outlets did."""
    plant, _ = plants[True]
    name = next(n for n, s in plant.stages.items() if isinstance(s, ThreeOutletSection))
    destinations = {src.split(".")[1]: dst for src, dst in plant.connections
                    if src.startswith(name + ".")}  # fmt: skip
    assert destinations == {
        "raffinate": "precipitate_pr6o11.feed",
        "middle": "precipitate_nd2o3.feed",
        "extract": "precipitate_sm_y_concentrate.feed",
    }


def test_sequences_rank_with_three_outlet_cascades():
    """Identity: a costed candidate's levelized cost is that of design(tree,
    three_outlet=True); the costed candidates lead, ranked by it."""
    found = refinery.sequences("bayan_obo", PRODUCTS, purity=PURITY, keep=3, exact=2,
                               three_outlet=True)  # fmt: skip
    costed = [float(c.levelized_cost.magnitude) for c in found[:2]]
    assert costed == sorted(costed)
    for candidate in found[:2]:
        plant = refinery.design("bayan_obo", PRODUCTS, purity=PURITY, tree=candidate.tree,
                                three_outlet=True)  # fmt: skip
        cost = float(plant.evaluate().levelized_cost.magnitude)
        assert cost == float(candidate.levelized_cost.magnitude)
        kept = [s for s in plant.stages.values() if isinstance(s, ThreeOutletSection)]
        assert len(kept) == len(candidate.three_outlet)
    assert found[0].three_outlet == ("Pr|Nd|Sm",)
    # each costed tree costs less with its three-outlet cascade than without (the rule
    # that keeps one), and the unlinked two-outlet ranking lists none
    plain = refinery.sequences("bayan_obo", PRODUCTS, purity=PURITY, keep=3, exact=2)
    without = {c.tree: float(c.levelized_cost.magnitude) for c in plain[:2]}
    for candidate in found[:2]:
        assert float(candidate.levelized_cost.magnitude) < without[candidate.tree]
    assert all(c.three_outlet == () for c in plain)


def test_a_dearer_three_outlet_cascade_is_refused(monkeypatch):
    """Clay to Sm, Eu, Gd at 99 %: the Nd | Sm | Eu side draw is feasible but its reflux
    costs more than the two cuts save, so design keeps the two-outlet plant."""
    from tecmodel.plant import Plant

    evaluate, costed = Plant.evaluate, []

    def recorded(self, *args):
        result = evaluate(self, *args)
        three = [n for n, s in self.stages.items() if isinstance(s, ThreeOutletSection)]
        costed.append((three, float(result.levelized_cost.magnitude)))
        return result

    monkeypatch.setattr(Plant, "evaluate", recorded)
    plant = refinery.design("ion_adsorption_clay", ["Sm", "Eu", "Gd"], purity=0.99,
                            three_outlet=True)  # fmt: skip
    monkeypatch.undo()
    assert not any(isinstance(s, ThreeOutletSection) for s in plant.stages.values())
    (base, base_cost), *tried = costed
    assert base == []
    assert any(three and cost > base_cost for three, cost in tried)
    plain = refinery.design("ion_adsorption_clay", ["Sm", "Eu", "Gd"], purity=0.99)
    assert float(plant.evaluate().levelized_cost.magnitude) == float(
        plain.evaluate().levelized_cost.magnitude
    )
