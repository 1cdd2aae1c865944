"""Sequence search with linked extraction: the ranking counts what linking saves.

The linked proxy of a cut is checked against the stage that builds it
(SolventExtractionSection with the same feed phase and stripping), the dynamic programme
against brute force over every tree, and the costed candidate against design(...,
linked=True) of its tree (identity).
"""

import warnings

import pytest

from tecmodel import Q_, refinery
from tecmodel.refinery.design import _Context
from tecmodel.refinery.sequences import _annual_cut_costs, all_trees, search, tree_cuts
from tecmodel.stages.solvent_extraction import SolventExtractionSection
from tecmodel.streams import Stream

warnings.simplefilter("ignore")
FEED = "ion_adsorption_clay"
PRODUCTS = ["Tb", "Dy", "Y", "Er", "Yb"]
# the slate's products by index, with the by-product concentrates of the elements not named:
# 0 La-Gd, 1 Tb, 2 Dy, 3 Y, 4 Ho, 5 Er, 6 Tm, 7 Yb, 8 Lu


@pytest.fixture(scope="module")
def context():
    return _Context(FEED, PRODUCTS, 0.999, None, "china", "p507_hcl", linked=True)


def _section_consumption(context, row, linked):
    """NaOH and HCl [kg/h] of the stage design() builds for ``row``, on the proxy's feed
    (the run's rare earths at their feed amounts)."""
    i, k, j = row[:3]
    products = context.products
    run = [s for p in products[i : j + 1] for s in p.elements]
    reo = {s: context.reo_to_sx * context.shares[s] for s in run}
    feed = Stream.from_composition(Q_(sum(reo.values()), "kg/s"),
                                   {s: v / sum(reo.values()) for s, v in reo.items()})  # fmt: skip
    table = context.table([row])
    cut = table[row]
    light_key, heavy_key = cut.name.split("|")
    stage = SolventExtractionSection(
        split_between=(light_key, heavy_key),
        purity_extract=cut.purity_extract,
        purity_raffinate=cut.purity_raffinate,
        separation_factor_system=context.system,
        extractant=context.extractant,
        max_stages=3000,
        feed_phase=row[3] if linked else "aqueous",
        strip_extract=not (linked and k < j),
        **context.practice,
    )
    consumption = stage.run({"feed": feed}).consumption
    return [float(consumption[n].to("kg/h").magnitude)
            for n in ("sodium_hydroxide", "hydrochloric_acid")]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "linked"),
    [
        ((1, 2, 4), False),  # Tb|Dy of Tb..Ho: unlinked, aqueous feed, stripped
        ((1, 2, 4, "aqueous"), True),  # its extract Dy..Ho goes on loaded: unstripped
        ((1, 2, 4, "organic"), True),  # fed the loaded extract of the cut above, too
        ((3, 4, 4, "organic"), True),  # Y|Ho: its extract is one product, stripped
    ],
)
def test_the_proxy_reagents_are_those_of_the_stage_design_builds(context, row, linked):
    """Saponification base and acid of each cut, proxy against the section's own balance
    (Xu's organic-feed fluxes, no strip acid where unstripped)."""
    c = context if linked else _Context(FEED, PRODUCTS, 0.999, None, "china", "p507_hcl")
    *_, consumption = _annual_cut_costs(
        [row], c.products, c.shares, c.rare_earths, c.system, c.extractant, c.reo_to_sx,
        c.costing, c.finance, 3000, c.practice, True, linked,
    )  # fmt: skip
    proxy = [float(consumption[n].to("kg/h").magnitude[0])
             for n in ("sodium_hydroxide", "hydrochloric_acid")]  # fmt: skip
    assert proxy == pytest.approx(_section_consumption(c, row, linked), rel=1e-9)


def test_linking_lowers_the_cost_of_a_cut_that_sends_its_extract_on(context):
    table = context.table()
    unlinked = _Context(FEED, PRODUCTS, 0.999, None, "china", "p507_hcl").table()
    # no strip section, no strip acid
    assert table[(1, 2, 4, "aqueous")].annual_cost < unlinked[(1, 2, 4)].annual_cost
    assert table[(1, 2, 4, "aqueous")].strip_extract is False
    # an extract that is a product is stripped as before: the same cut, the same cost
    assert table[(0, 4, 4, "aqueous")].annual_cost == unlinked[(0, 4, 4)].annual_cost


def test_linked_dynamic_programming_finds_the_brute_force_optimum(context):
    table, labels = context.table(), context.labels()
    costs = sorted(
        sum(c.annual_cost for c in tree_cuts(t, table, labels, linked=True))
        for t in all_trees(labels)
    )
    found = search(table, labels, keep=2, linked=True)
    assert found[0].proxy_cost == pytest.approx(costs[0], rel=1e-12)
    assert found[1].proxy_cost == pytest.approx(costs[1], rel=1e-12)
    # each cut is priced for its place: heavy sides fed organic, the root aqueous
    assert found[0].cuts[0].feed_phase == "aqueous"
    assert tuple(found[0].cuts) == tree_cuts(found[0].tree, table, labels, linked=True)


def test_ranked_linked_cost_is_the_levelized_cost_of_the_linked_design():
    """Identity: sequences(linked=True) costs its chosen tree as design(..., tree, linked)."""
    found = refinery.sequences(FEED, PRODUCTS, keep=2, exact=1, linked=True)
    best = found[0]
    plant = refinery.design(FEED, PRODUCTS, tree=best.tree, linked=True)
    cost = plant.evaluate().levelized_cost
    assert float(best.levelized_cost.to("USD/kg").magnitude) == pytest.approx(
        float(cost.to("USD/kg").magnitude), rel=1e-12
    )
    # the costed plant is wired as the ranked cuts were priced
    unstripped = [s for s in best.plant.stages.values()
                  if isinstance(s, SolventExtractionSection) and not s.strip_extract]  # fmt: skip
    assert len(unstripped) == sum(not c.strip_extract for c in best.cuts) > 0
