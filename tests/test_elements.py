"""Elements and oxide factors against shared/REFERENCE_DATA.md (CIAAW 2021 masses)."""

import pytest

from tecmodel.elements import ELEMENTS, RARE_EARTHS, atomic_mass, element, oxide_factor
from tecmodel.errors import InputError, TecModelError

# kg commercial oxide per kg element, as tabulated in shared/REFERENCE_DATA.md
PUBLISHED_OXIDE_FACTOR = {
    "Sc": 1.5338, "Y": 1.2699, "La": 1.1728, "Ce": 1.2284, "Pr": 1.2082, "Nd": 1.1664,
    "Pm": 1.1655, "Sm": 1.1596, "Eu": 1.1579, "Gd": 1.1526, "Tb": 1.1762, "Dy": 1.1477,
    "Ho": 1.1455, "Er": 1.1435, "Tm": 1.1421, "Yb": 1.1387, "Lu": 1.1372,
}  # fmt: skip


def test_seventeen_rare_earths():
    assert sorted(RARE_EARTHS) == sorted(PUBLISHED_OXIDE_FACTOR)
    assert len(set(RARE_EARTHS)) == 17


@pytest.mark.parametrize("symbol", sorted(PUBLISHED_OXIDE_FACTOR))
def test_oxide_factor_matches_published_table(symbol):
    assert oxide_factor(symbol) == pytest.approx(PUBLISHED_OXIDE_FACTOR[symbol], abs=1e-4)


def test_oxide_factor_by_hand_for_pr6o11():
    # Pr6O11: (6*140.90766 + 11*15.999) / (6*140.90766)
    expected = (6 * 140.90766 + 11 * 15.999) / (6 * 140.90766)
    assert oxide_factor("Pr") == pytest.approx(expected, rel=1e-12)


def test_thorium_and_uranium_are_not_rare_earths():
    assert not ELEMENTS["Th"].rare_earth and not ELEMENTS["U"].rare_earth
    assert atomic_mass("Th") == pytest.approx(232.0377)


def test_symbol_case_is_forgiven():
    assert element("nd").symbol == "Nd"


def test_unknown_element_names_valid_symbols():
    with pytest.raises(InputError) as info:
        oxide_factor("Xx")
    assert "Xx" in str(info.value) and "Nd" in str(info.value)
    assert isinstance(info.value, TecModelError)
