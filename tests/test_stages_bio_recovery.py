"""Bio-based recovery: bioleaching (glucose by hand, efficiency, mass balance) and
lanmodulin biosorption (group capture and cascade split) on NdFeB magnet scrap."""

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import TecModelError
from tecmodel.stages.bio_recovery import Bioleaching, Biosorption, magnet_scrap_stream
from tecmodel.streams import Stream


def test_magnet_scrap_is_on_the_oxide_basis():
    scrap = magnet_scrap_stream(Q_(100, "kg/h"))
    # 15.8 kg/h Nd → Nd2O3: 15.8 · (2·144.242 + 3·15.999)/(2·144.242) = 15.8 · 1.16638
    assert scrap.flow("Nd").to("kg/h").magnitude == pytest.approx(15.8 * 1.166375, rel=1e-5)
    assert scrap.flow("Fe").to("kg/h").magnitude == pytest.approx(59.6)
    # metal (element) basis adds up to the scrap rate
    total_elements = sum(scrap.element_flow(c).to("kg/h").magnitude for c in scrap.components)
    assert total_elements == pytest.approx(100.0, rel=1e-12)


def test_bioleaching_glucose_by_hand_and_efficiency():
    scrap = magnet_scrap_stream(Q_(1, "t/d"))
    result = Bioleaching().run({"feed": scrap})
    solids_kg_h = scrap.total.to("kg/h").magnitude
    # lixiviant = solids / 10 g/L; glucose = lixiviant · 99.75 g/L  → 9.975 kg per kg solids
    glucose = solids_kg_h / 10.0 * 99.75
    assert result.consumption["glucose"].to("kg/h").magnitude == pytest.approx(glucose)
    assert result.details["glucose_per_feed"] == pytest.approx(9.975)
    leachate = result.outlets["leachate"]
    for ree in ("Nd", "Pr", "Dy"):
        assert leachate.kg_s(ree) == pytest.approx(0.51 * scrap.kg_s(ree))  # Thompson 2018
    assert leachate.kg_s("Fe") == pytest.approx(0.82 * scrap.kg_s("Fe"))
    assert result.mass_balance_error() < 1e-12
    # bioreactor holds 6.3 h of lixiviant
    lixiviant_m3_h = solids_kg_h / 10.0
    total_volume = sum(
        e.size.to("m**3").magnitude * e.parallel_units
        for e in result.equipment
        if e.kind == "bioreactor"
    )
    assert total_volume == pytest.approx(lixiviant_m3_h * 6.3)


def test_bioleaching_batches_broadcast():
    scrap = magnet_scrap_stream(Q_(1, "t/d"))
    batch = Bioleaching(leaching_efficiency=np.array([0.51, 0.56])).run({"feed": scrap})
    assert batch.outlets["leachate"].kg_s("Nd") == pytest.approx(
        np.array([0.51, 0.56]) * scrap.kg_s("Nd")
    )


def test_biosorption_group_capture_leaves_iron_behind():
    leachate = Bioleaching().run({"feed": magnet_scrap_stream(Q_(1, "t/d"))}).outlets["leachate"]
    result = Biosorption(split_between=None).run({"feed": leachate})
    assert result.outlets["extract"].kg_s("Fe") == 0.0
    assert result.outlets["extract"].kg_s("Nd") == pytest.approx(0.95 * leachate.kg_s("Nd"))
    assert result.mass_balance_error() < 1e-12
    # HCl = 3 mol per mol bound · 1.1 excess
    bound = result.details["rare_earth_bound"].to("mol/h").magnitude
    hcl = result.consumption["hydrochloric_acid"].to("kg/h").magnitude
    assert hcl == pytest.approx(3 * 1.1 * bound * (1.008 + 35.45) / 1000)


def test_biosorption_cascade_splits_nd_from_pr_with_lanmodulin_factors():
    feed = Stream.from_composition(Q_(10, "kg/h"), {"Pr": 0.25, "Nd": 0.75})
    result = Biosorption(split_between=("Pr", "Nd")).run({"feed": feed})
    assert result.details["separation_factor"] == pytest.approx(1.4)  # Larrinaga 2024
    assert result.outlets["extract"].purity("Nd") >= 0.99
    assert result.outlets["raffinate"].purity("Pr") >= 0.99
    assert result.mass_balance_error() < 1e-9


def test_biosorption_needs_factors_beyond_the_measured_pairs():
    feed = Stream.from_composition(Q_(10, "kg/h"), {"Nd": 0.8, "Dy": 0.2})
    with pytest.raises(TecModelError, match="Dy/Nd"):
        Biosorption(split_between=("Nd", "Dy")).run({"feed": feed})
    ok = Biosorption(split_between=("Nd", "Dy"), separation_factors={"Dy/Nd": 3.0}).run(
        {"feed": feed}
    )
    assert ok.mass_balance_error() < 1e-9


def test_bad_efficiency_is_rejected():
    with pytest.raises(TecModelError, match="leaching_efficiency"):
        Bioleaching(leaching_efficiency=1.2).run({"feed": magnet_scrap_stream(Q_(1, "t/d"))})
