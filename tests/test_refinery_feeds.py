"""Shipped refinery feeds against the distribution figures that were read.

The per-element distributions in tecmodel/data/feeds.toml are recalled (labelled so); these
tests hold them to the aggregate figures that were read in a citable text, so a recalled
value far from the printed table cannot pass unnoticed:

- Chinese industrial ores (English abstract of a paper on the rare-earth partitioning of
  Chinese industrial ores, read at soolun.net/periodical/61b4dcdca317001c98d5eb1377365635):
  Longnan Y2O3 64.83 %, heavy 89.40 %, light 10.53 % (the two groups sum to 99.93 %, so
  light is La-Eu and heavy Gd-Lu + Y); Bayan Obo CeO2 50 %, light > 95 %.
- Mountain Pass bastnaesite, MP Materials 10-K (shared/REFERENCE_DATA.md): La2O3 32.5,
  CeO2 49.8, Pr6O11 4.3, Nd2O3 12.2, Sm2O3 1.0 %.
"""

import pytest

from tecmodel.refinery import refinery_feed

LIGHT = ("La", "Ce", "Pr", "Nd", "Sm", "Eu")
HEAVY = ("Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y")


def percent_of_treo(name):
    feed = refinery_feed(name)
    reo = {s: feed.composition[s] for s in feed.rare_earths}
    total = sum(reo.values())
    return {s: 100.0 * v / total for s, v in reo.items()}


def group(shares, symbols):
    return sum(shares.get(s, 0.0) for s in symbols)


def test_longnan_clay_within_two_points_of_the_read_aggregates():
    # the recalled table misses by 0.9 (Y), 1.7 (heavy) and 1.6 (light) points: reported,
    # not tuned away
    shares = percent_of_treo("ion_adsorption_clay")
    assert shares["Y"] == pytest.approx(64.83, abs=2.0)
    assert group(shares, HEAVY) == pytest.approx(89.40, abs=2.0)
    assert group(shares, LIGHT) == pytest.approx(10.53, abs=2.0)


def test_bayan_obo_ceria_half_and_light_above_95_percent():
    shares = percent_of_treo("bayan_obo")
    assert shares["Ce"] == pytest.approx(50.0, abs=1.0)
    assert group(shares, LIGHT) > 95.0


@pytest.mark.parametrize(
    ("symbol", "ten_k"), [("La", 32.5), ("Ce", 49.8), ("Pr", 4.3), ("Nd", 12.2), ("Sm", 1.0)]
)
def test_mountain_pass_within_one_point_of_the_10k(symbol, ten_k):
    assert percent_of_treo("mountain_pass")[symbol] == pytest.approx(ten_k, abs=1.0)
