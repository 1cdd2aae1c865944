"""Streams: flows, purity, mixing and splitting conserve mass; units at the boundary."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tecmodel import Q_
from tecmodel.errors import InputError, UnitError
from tecmodel.stages import StageResult, Waste
from tecmodel.streams import Stream, mix


def test_composition_and_purity_by_hand():
    feed = Stream.from_composition(
        Q_(2, "t/h"), {"La": 0.3, "Ce": 0.5, "Th": 0.01, "gangue": 0.19}
    )
    # TREO = 2000 * (0.3 + 0.5) = 1600 kg/h; purity of Ce = 1000 / 1600
    assert feed.reo.to("kg/h").magnitude == pytest.approx(1600)
    assert feed.purity("Ce") == pytest.approx(1000 / 1600)
    assert feed.fraction("Ce") == pytest.approx(0.5)


def test_same_stream_in_kg_per_h_and_lb_per_h():
    a = Stream.from_mass_flows({"Nd": Q_(100, "kg/h"), "Pr": Q_(30, "kg/h")})
    b = Stream.from_mass_flows({"Nd": Q_(100 / 0.45359237, "lb/h"), "Pr": Q_(30, "kg/h")})
    np.testing.assert_allclose(a.mass_flows, b.mass_flows, rtol=1e-12)


def test_element_basis_uses_oxide_factor():
    s = Stream.from_mass_flows({"Nd": Q_(116.64, "kg/h")})
    # 116.64 kg/h Nd2O3 / 1.1664 kg oxide per kg Nd ≈ 100 kg/h Nd
    assert s.element_flow("Nd").to("kg/h").magnitude == pytest.approx(100.0, rel=1e-4)


def test_plain_number_flow_is_rejected_with_hint():
    with pytest.raises(UnitError, match="Q_"):
        Stream.from_mass_flows({"Nd": 5.0})


def test_negative_flow_named():
    with pytest.raises(InputError, match="'Nd'"):
        Stream.from_mass_flows({"La": Q_(1, "kg/h"), "Nd": Q_(-1, "kg/h")})


def test_fractions_must_sum_to_one():
    with pytest.raises(InputError, match="sum to 1"):
        Stream.from_composition(Q_(1, "kg/h"), {"La": 0.5, "Ce": 0.4})


def test_unknown_component_named():
    s = Stream.from_mass_flows({"La": Q_(1, "kg/h")})
    with pytest.raises(InputError, match="'Xx'"):
        s.flow("Xx")
    with pytest.raises(InputError, match="rare earth"):
        s.purity("gangue")


flows = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(flows, min_size=3, max_size=3),
    st.lists(flows, min_size=2, max_size=2),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_mix_and_split_conserve_mass(a, b, share_la, share_nd):
    s1 = Stream(("La", "Ce", "Nd"), np.array(a))
    s2 = Stream(("Nd", "Fe"), np.array(b))
    mixed = mix(s1, s2)
    assert mixed.total_kg_s == pytest.approx(sum(a) + sum(b), rel=1e-12, abs=1e-12)
    first, second = mixed.split({"La": share_la, "Nd": share_nd})
    np.testing.assert_allclose(
        first.mass_flows + second.mass_flows, mixed.mass_flows, rtol=1e-12, atol=1e-12
    )


def test_arrays_broadcast_like_scalars():
    totals = Q_(np.array([1.0, 2.0, 5.0]), "t/h")
    batch = Stream.from_composition(totals, {"La": 0.4, "Ce": 0.6})
    for i, total in enumerate([1.0, 2.0, 5.0]):
        one = Stream.from_composition(Q_(total, "t/h"), {"La": 0.4, "Ce": 0.6})
        np.testing.assert_array_equal(batch.mass_flows[i], one.mass_flows)


def test_stage_result_mass_balance_with_waste():
    feed = Stream.from_composition(Q_(1, "t/h"), {"La": 0.5, "Th": 0.01, "gangue": 0.49})
    liquor, residue = feed.split({"La": 0.95})
    result = StageResult(
        {"feed": feed}, {"liquor": liquor}, wastes=(Waste("residue", "radioactive", residue),)
    )
    assert result.mass_balance_error() < 1e-12
    # Th in residue: 10 kg/h of (25 + 10 + 490) kg/h
    assert result.wastes[0].mass_fraction("Th") == pytest.approx(10 / 525)
    unbalanced = StageResult({"feed": feed}, {"liquor": liquor})
    # the largest missing component is gangue: 490 kg/h of 1000 kg/h fed
    assert unbalanced.mass_balance_error() == pytest.approx(490 / 1000)


def test_waste_class_checked():
    with pytest.raises(InputError, match="waste_class"):
        Waste("x", "nuclear", Stream.empty(("La",)))


def test_element_basis_round_trip():
    # 15.8 kg/h Nd as element = 15.8 * 1.1664 kg/h Nd2O3; Fe is not converted
    s = Stream.from_element_flows({"Nd": Q_(15.8, "kg/h"), "Fe": Q_(59.6, "kg/h")})
    nd2o3 = 15.8 * (2 * 144.242 + 3 * 15.999) / (2 * 144.242)
    assert s.flow("Nd").to("kg/h").magnitude == pytest.approx(nd2o3, rel=1e-12)
    assert s.flow("Fe").to("kg/h").magnitude == pytest.approx(59.6)
    back = s.element_flows()
    assert back["Nd"].magnitude == pytest.approx(15.8, rel=1e-12)
    with pytest.raises(UnitError):
        Stream.from_element_flows({"Nd": 15.8})
