"""Linked extraction: the loaded extract of one cascade feeds the next as organic.

The savings are computed here by hand from the flows of the unlinked plant and Xu's
organic-feed balance, then compared with the linked plant's consumption.
"""

import warnings

import numpy as np
import pytest

from tecmodel import Q_, Feed, refinery
from tecmodel.errors import TecModelError
from tecmodel.stages.solvent_extraction import (
    MOLAR_MASS_HCL,
    MOLAR_MASS_NAOH,
    SolventExtractionSection,
)

warnings.simplefilter("ignore")
# a feed already in solution (no host mineral: straight to the first cut)
FEED = Feed(rate=Q_(100.0, "kg/h"), composition={"Tb": 0.05, "Dy": 0.15, "Y": 0.80}, to="x.feed")
TREE = ("Tb", ("Dy", "Y"))  # Tb|Dy first; its extract (Dy + Y) is cut at Dy|Y


def _plants():
    out = {}
    for linked in (False, True):
        plant = refinery.design(FEED, ["Tb", "Dy", "Y"], purity=0.99, capacity=100.0,
                                tree=TREE, linked=linked)  # fmt: skip
        out[linked] = plant.evaluate()
    return out


@pytest.fixture(scope="module")
def plants():
    return _plants()


def _stage(result, name):
    return result.flowsheet.stage_results[name]


def _kg_h(result, stage, key):
    return float(_stage(result, stage).consumption[key].to("kg/h").magnitude)


def test_the_linked_sections_are_wired_as_organic_feed_and_unstripped(plants):
    plant = plants[True].plant
    assert plant.stages["sx_tb_dy"].strip_extract is False
    assert plant.stages["sx_dy_y"].feed_phase == "organic"
    assert plant.stages["sx_dy_y"].strip_extract is True  # its extract is a product
    assert int(_stage(plants[True], "sx_tb_dy").details["strip_stages"]) == 0


def test_savings_follow_from_the_balances(plants):
    free, linked = plants[False], plants[True]
    excess = 0.10  # acid_excess default
    # upstream Tb|Dy: its extract (S − W)·F mol/h is no longer stripped with 3 HCl per mol
    up = _stage(free, "sx_tb_dy").details
    F1 = float(up["rare_earth_feed"].to("mol/h").magnitude)
    extract_1 = (float(up["organic_flux"]) - float(up["scrub_flux"])) * F1
    strip_saved = 3 * extract_1 * (1 + excess) * MOLAR_MASS_HCL / 1000
    assert _kg_h(free, "sx_tb_dy", "hydrochloric_acid") - _kg_h(
        linked, "sx_tb_dy", "hydrochloric_acid"
    ) == pytest.approx(strip_saved, rel=1e-9)
    assert _kg_h(linked, "sx_tb_dy", "sodium_hydroxide") == pytest.approx(
        _kg_h(free, "sx_tb_dy", "sodium_hydroxide"), rel=1e-12
    )

    # downstream Dy|Y, fed the loaded organic: Xu's organic-feed optimum by hand
    down = _stage(free, "sx_dy_y").details
    F2 = float(down["rare_earth_feed"].to("mol/h").magnitude)
    assert F2 == pytest.approx(extract_1, rel=1e-6)  # the extract is the next feed
    beta = float(down["separation_factor"])
    split_a = float(down["design"].extract_fraction)
    root = np.sqrt(beta)
    s_aq = max(root * split_a / (root - 1), (1 - split_a) / (root - 1))
    assert float(down["organic_flux"]) == pytest.approx(s_aq, rel=1e-9)
    s_org = max((1 - root * (1 - split_a)) / (root - 1), (1 - split_a) / (root - 1))
    w_org = s_org + 1 - split_a
    # this cut is scrub-controlled (Y is 84 % of its feed): one mol per mol of feed less
    # fresh saponified organic, the same scrub
    assert s_org == pytest.approx(s_aq - 1, rel=1e-9)
    base = 3 * s_org * F2 * MOLAR_MASS_NAOH / 1000
    acid = 3 * (w_org + split_a) * F2 * (1 + excess) * MOLAR_MASS_HCL / 1000
    assert _kg_h(linked, "sx_dy_y", "sodium_hydroxide") == pytest.approx(base, rel=1e-6)
    assert _kg_h(linked, "sx_dy_y", "hydrochloric_acid") == pytest.approx(acid, rel=1e-6)
    base_saved = 3 * 1.0 * F2 * MOLAR_MASS_NAOH / 1000
    assert _kg_h(free, "sx_dy_y", "sodium_hydroxide") - _kg_h(
        linked, "sx_dy_y", "sodium_hydroxide"
    ) == pytest.approx(base_saved, rel=1e-6)
    # the products and their purities are those of the unlinked plant
    for name in free.products:
        assert float(linked.purity(name)) == pytest.approx(float(free.purity(name)), rel=1e-12)
    assert float(linked.levelized_cost.magnitude) < float(free.levelized_cost.magnitude)


def test_bad_linking_options_are_refused():
    with pytest.raises(TecModelError, match="feed_phase"):
        SolventExtractionSection(feed_phase="vapour")
    with pytest.raises(TecModelError, match="strip_extract"):
        SolventExtractionSection(strip_extract="no")
    with pytest.raises(TecModelError, match="linked"):
        refinery.design(FEED, ["Tb", "Dy", "Y"], linked="yes")
