"""Units, money and cost years. Reference ratios are computed here from the cited CEPCI."""

import math

import numpy as np
import pytest

import tecmodel
from tecmodel import Q_, ureg
from tecmodel.errors import InputError, TecModelError, UnitError
from tecmodel.units import (
    DEFAULT_COST_YEAR,
    cepci,
    cepci_years,
    escalate,
    exchange_rate,
    exchange_rates,
    magnitude,
    set_exchange_rate,
)

# Annual CEPCI, Chemical Engineering magazine (shared/REFERENCE_DATA.md anchor years).
CEPCI_2016, CEPCI_2019, CEPCI_2021, CEPCI_2022, CEPCI_2023 = 541.7, 607.5, 708.0, 816.0, 797.9


def test_registry_is_shared():
    assert tecmodel.ureg is ureg
    assert tecmodel.Q_ is Q_


@pytest.mark.parametrize(
    ("year", "value"),
    [
        (2016, CEPCI_2016),
        (2019, CEPCI_2019),
        (2021, CEPCI_2021),
        (2022, CEPCI_2022),
        (2023, CEPCI_2023),
    ],
)
def test_cepci_anchor_years(year, value):
    assert cepci(year) == value


def test_cepci_covers_2000_to_2024():
    assert set(range(2000, 2025)) <= set(cepci_years())


def test_cepci_accepts_arrays():
    np.testing.assert_array_equal(cepci([2016, 2021]), [CEPCI_2016, CEPCI_2021])


def test_escalation_2016_to_2021_is_cepci_ratio():
    assert Q_(1, "USD_2016").to("USD_2021").magnitude == pytest.approx(708.0 / 541.7, rel=1e-12)


def test_plain_usd_is_default_cost_year():
    assert DEFAULT_COST_YEAR == 2023
    assert Q_(1, "USD").to("USD_2023").magnitude == pytest.approx(1.0, rel=1e-12)
    assert Q_(1, "USD").to("USD_2016").magnitude == pytest.approx(541.7 / 797.9, rel=1e-12)


def test_prefixes_escalate():
    # 1.9 M$ of 2016 in k$ of 2021: 1.9e3 * 708.0 / 541.7
    got = Q_(1.9, "MUSD_2016").to("kUSD_2021").magnitude
    assert got == pytest.approx(1.9e3 * 708.0 / 541.7, rel=1e-12)


def test_escalation_round_trip():
    cost = Q_(np.array([1.0, 2.5, 1e6]), "USD_2004")
    back = cost.to("USD_2022").to("USD_2004")
    np.testing.assert_allclose(back.magnitude, cost.magnitude, rtol=1e-14)


def test_escalate_helper_and_unknown_year():
    assert escalate(Q_(100, "USD_2019"), 2021).magnitude == pytest.approx(100 * 708.0 / 607.5)
    with pytest.raises(InputError, match="1990"):
        escalate(Q_(100, "USD_2019"), 1990)


def test_unknown_cepci_year_lists_available():
    with pytest.raises(InputError) as info:
        cepci(1850)
    assert "1850" in str(info.value) and "2000" in str(info.value)
    assert isinstance(info.value, TecModelError)


def test_currency_conversion_defaults():
    # Federal Reserve G.5A, 2023 annual averages: 7.0809 CNY/USD, 1.0817 USD/EUR, 0.6644 USD/AUD
    assert Q_(7.0809, "CNY").to("USD").magnitude == pytest.approx(1.0, rel=1e-9)
    assert Q_(1, "EUR").to("USD").magnitude == pytest.approx(1.0817)
    assert Q_(1, "AUD").to("USD").magnitude == pytest.approx(0.6644)
    assert exchange_rate("EUR") == pytest.approx(1.0817)


def test_currency_round_trip_through_cost_years():
    cost = Q_(1234.5, "CNY")
    assert cost.to("USD_2016").to("EUR").to("CNY").magnitude == pytest.approx(1234.5, rel=1e-12)


def test_exchange_rate_override_and_restore():
    with exchange_rates(CNY=1 / 7.2):
        assert Q_(7.2, "CNY").to("USD").magnitude == pytest.approx(1.0, rel=1e-12)
    assert Q_(7.0809, "CNY").to("USD").magnitude == pytest.approx(1.0, rel=1e-9)


def test_exchange_rate_errors():
    with pytest.raises(InputError, match="GBP"):
        set_exchange_rate("GBP", 1.3)
    with pytest.raises(InputError, match="positive"):
        set_exchange_rate("CNY", -1)


def test_field_units():
    assert Q_(1, "t/yr").to("kg/s").magnitude == pytest.approx(1000 / (365.25 * 86400))
    assert Q_(1, "MMBtu/h").to("kW").magnitude == pytest.approx(
        1e6 * 1055.056 / 3600 / 1e3, rel=1e-5
    )
    assert Q_(1, "gal").to("m**3").magnitude == pytest.approx(3.785411784e-3)
    assert Q_(1, "hp").to("W").magnitude == pytest.approx(745.69987, rel=1e-7)
    assert Q_(10, "USD/kg").to("USD/t").magnitude == pytest.approx(1e4)


def test_magnitude_converts_to_canonical():
    assert magnitude(Q_(3.6, "t/h"), "kg/s", "feed_rate") == pytest.approx(1.0)
    np.testing.assert_allclose(
        magnitude(Q_([1, 2], "lb/h"), "kg/h", "feed_rate"), [0.45359237, 0.90718474]
    )
    assert magnitude("5 t/h", "kg/h", "feed_rate") == pytest.approx(5000)
    assert magnitude(0.3, "", "recovery") == 0.3


def test_magnitude_wrong_dimension_names_argument():
    with pytest.raises(UnitError) as info:
        magnitude(Q_(3, "m"), "kg/s", "feed_rate")
    message = str(info.value)
    assert "feed_rate" in message and "[mass]" in message and "m" in message


def test_magnitude_plain_float_for_dimensional_argument_shows_fix():
    with pytest.raises(UnitError) as info:
        magnitude(5.0, "kg/h", "feed_rate")
    message = str(info.value)
    assert "feed_rate" in message and "Q_(5.0, 'kg/h')" in message


def test_money_has_its_own_dimension():
    with pytest.raises(UnitError):
        magnitude(Q_(1, "kg"), "USD", "cost")
    assert math.isclose(magnitude(Q_(2, "kUSD_2016"), "USD_2016", "cost"), 2000)


# ------------------------------------------------------------------ fast paths (issue 13)
def test_magnitude_of_usual_values_is_the_validators_number():
    """magnitude() converts usual Quantities by one cached factor; the numbers, types and
    shapes must be those of the full validator (tecmodel.validation.check)."""
    from tecmodel.validation import check

    rng = np.random.default_rng(13)
    cases = [
        (Q_(99.9, "percent"), ""),
        (Q_(rng.random(7) * 1e3, "t/h"), "kg/s"),
        (Q_(3.0, "CNY/t"), "USD/kg"),
        (Q_(7.0, "USD_2016"), "USD"),
        (Q_(np.float64(2.5), "h"), "s"),
        (Q_(rng.random((2, 3)), "m**3/h"), "m**3/h"),
        (Q_(0.08, "1/yr"), "1/yr"),
        (Q_(-4.0, "kg"), "g"),
        (np.array([0.1, 0.2]), ""),
        (0.3, ""),
    ]
    for value, unit in cases:
        fast, full = magnitude(value, unit, "x"), check(value, "x", unit)
        assert np.array_equal(fast, full) and type(fast) is type(full), (value, unit)
    same = rng.random(4)
    assert magnitude(Q_(same, "kg/s"), "kg/s", "x") is check(Q_(same, "kg/s"), "x", "kg/s")


def test_magnitude_of_unusual_values_raises_the_validators_errors():
    from tecmodel.validation import check

    for value, unit in [
        (Q_(1.0, "m"), "s"),
        (1.0, "kg"),
        (Q_(float("nan"), "m"), "m"),
        (Q_(np.array([1.0, np.inf]), "kg"), "kg"),
        (True, ""),
        (None, "kg"),
    ]:
        with pytest.raises(TecModelError) as fast:
            magnitude(value, unit, "x")
        with pytest.raises(TecModelError) as full:
            check(value, "x", unit)
        assert str(fast.value) == str(full.value)
    assert magnitude(Q_(20.0, "degC"), "K", "t") == pytest.approx(293.15)  # offset unit


def test_quantity_conversion_fast_path_follows_an_exchange_rate():
    from tecmodel.units import exchange_rate, exchange_rates

    before = Q_(100.0, "CNY").to("USD").magnitude
    with exchange_rates(CNY=exchange_rate("CNY") * 2):
        assert Q_(100.0, "CNY").to("USD").magnitude == pytest.approx(2 * before, rel=1e-15)
        assert magnitude(Q_(100.0, "CNY"), "USD", "x") == pytest.approx(2 * before, rel=1e-15)
    assert Q_(100.0, "CNY").to("USD").magnitude == before
