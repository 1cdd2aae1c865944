"""Bio route inputs (issue 9): scrap bought at a sourced price, the sorbent priced."""

import tomllib
from importlib import resources

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel.data import load_table
from tecmodel.errors import TecModelError
from tecmodel.stages.bio_recovery import magnet_scrap_price, magnet_scrap_stream

# CIAAW 2021 atomic weights, written out here for the hand calculation
OXYGEN, ND, PR, GD, DY, LA = 15.999, 144.242, 140.90766, 157.25, 162.500, 138.90547


def _oxygen_per_kg_element():
    """kg of oxide oxygen per kg of element: Nd2O3, Pr6O11, Gd2O3, Dy2O3, La2O3."""
    return {
        "Nd": 3 * OXYGEN / (2 * ND),
        "Pr": 11 * OXYGEN / (6 * PR),
        "Gd": 3 * OXYGEN / (2 * GD),
        "Dy": 3 * OXYGEN / (2 * DY),
        "La": 3 * OXYGEN / (2 * LA),
    }


def test_scrap_price_by_hand():
    # SMM 3 July 2025 mid-points, CNY per kg of contained element; La and Fe not paid
    per_scrap = 0.158 * 485.5 + 0.0513 * 485.5 + 0.0127 * 1615.5 + 0.0316 * 99.5
    wt = {"Nd": 15.8, "Pr": 5.13, "Gd": 3.16, "Dy": 1.27, "La": 1.07}
    stream_per_scrap = 1 + sum(wt[s] / 100 * f for s, f in _oxygen_per_kg_element().items())
    per_feed, scrap = magnet_scrap_price()
    assert scrap.to("CNY/kg").magnitude == pytest.approx(per_scrap, rel=1e-12)
    assert per_feed.to("CNY/kg").magnitude == pytest.approx(
        per_scrap / stream_per_scrap, rel=1e-12
    )
    assert per_scrap == pytest.approx(125.2762, abs=1e-4)  # 76.709 + 24.906 + 20.517 + 3.144


def test_scrap_price_matches_stream_mass():
    # identity: price per kg of feed x feed mass = price per kg of scrap x scrap mass
    per_feed, per_scrap = magnet_scrap_price()
    stream = magnet_scrap_stream(Q_(1000.0, "kg/h"))
    feed_kg_h = stream.total_kg_s * 3600
    assert (per_feed.magnitude * feed_kg_h) == pytest.approx(per_scrap.magnitude * 1000.0)


def test_shipped_plant_buys_scrap_at_the_computed_price():
    plant = scenarios.load("bio_recycling")
    per_feed, _ = magnet_scrap_price()
    price = plant.feed.price.to("CNY/kg").magnitude
    assert price == pytest.approx(per_feed.to("CNY/kg").magnitude, abs=0.05)
    # the product is priced in the same week's yuan: Pr-Nd oxide 444,000-446,000 CNY/t
    text = (resources.files("tecmodel.scenarios") / "bio_recycling.toml").read_text()
    product = tomllib.loads(text)["products"]["magnet_REO"]["price"]
    assert Q_(product).to("CNY/kg").magnitude == pytest.approx((444 + 446) / 2)


def test_scrap_price_table_values_are_midpoints():
    for entry in load_table("magnet_scrap_prices").entries:
        low, high = entry.extra["range"]
        assert entry.value == pytest.approx((low + high) / 2)


def test_scrap_price_arrays_equal_one_by_one():
    nd = np.array([400.0, 485.5, 600.0])
    batch, _ = magnet_scrap_price(scrap_prices={"Nd": Q_(nd, "CNY/kg"), "Pr": Q_(485.5, "CNY/kg")})
    for i, value in enumerate(nd):
        one, _ = magnet_scrap_price(
            scrap_prices={"Nd": Q_(value, "CNY/kg"), "Pr": Q_(485.5, "CNY/kg")}
        )
        assert batch.magnitude[i] == one.magnitude


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"scrap_prices": {"Nd": Q_(-1.0, "CNY/kg")}}, ["scrap_prices['Nd']", ">= 0", "-1"]),
        ({"scrap_prices": {"Nd": 485.5}}, ["scrap_prices['Nd']", "units", "485.5"]),
        ({"ree_elements": {"Nd": 50.0}, "iron": 59.6}, ["more than 100", "Nd"]),
        ({"ree_elements": {"Nd": -1.0}}, ["wt %", ">= 0", "-1"]),
    ],
)
def test_scrap_price_bad_input(kwargs, words):
    with pytest.raises(TecModelError) as info:
        magnet_scrap_price(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_sorbent_price_is_built_from_its_parts():
    # protein: 0.05 mol REE/kg sorbent / 3 REE per LanM x 12 kg/mol LanM = 0.2 kg/kg,
    # at US$316/kg (Ferreira et al. 2018, recombinant E. coli enzyme, 2018 dollars)
    # escalated by the BLS WPU061 PPI; support US$50/kg (labelled assumption, 2023)
    ppi = load_table("price_indices")
    ratio = ppi["us_industrial_chemicals.2023"].value / ppi["us_industrial_chemicals.2018"].value
    protein = 0.05 / 3 * 12 * 316 * ratio
    entry = load_table("prices")["lanmodulin_sorbent"]
    assert entry.value == pytest.approx(protein + 50.0, abs=0.05)
    assert entry.extra["unit"] == "USD_2023/kg"
    # the stage's default capacity is the one the price was built on
    from tecmodel.stages import Biosorption

    assert Biosorption().sorbent_capacity.to("mol/kg").magnitude == 0.05


# ------------------------------------------------------------ spent lixiviant treated
C, H, O2 = 12.011, 1.008, 2 * 15.999
GLUCOSE = 6 * C + 12 * H + 6 * OXYGEN
GLUCONIC = 6 * C + 12 * H + 7 * OXYGEN
CAO = 40.078 + OXYGEN


def _leach(**kwargs):
    from tecmodel.stages.bio_recovery import Bioleaching

    scrap = magnet_scrap_stream(Q_(1, "t/d"))
    return scrap, Bioleaching(**kwargs).run({"feed": scrap})


def test_spent_lixiviant_discharge_by_hand():
    scrap, result = _leach(spent_lixiviant_treatment="discharge")
    _, untreated = _leach()
    solids_kg_h = scrap.total.to("kg/h").magnitude
    lixiviant = solids_kg_h / 10.0  # m3/h at 10 g/L
    glucose = lixiviant * 99.75  # kg/h
    acid_mol = glucose / GLUCOSE * 0.94 * 1000  # mol/h, one gluconic acid per glucose
    acid_kg = acid_mol * GLUCONIC / 1000
    cod = acid_kg * 5.5 * O2 / GLUCONIC  # C6H12O7 + 5.5 O2 -> 6 CO2 + 6 H2O
    assert result.details["gluconic_acid"].to("kg/h").magnitude == pytest.approx(acid_kg)
    assert result.details["spent_lixiviant_cod"].to("kg/h").magnitude == pytest.approx(cod)
    consumption = {k: v.to_base_units().magnitude for k, v in result.consumption.items()}
    # lime: 0.5 mol CaO per mol gluconic acid, 10 % excess, less the acid that dissolved
    # Fe (82 % leached, 2 H+ per Fe2+): that share is neutralised where the Fe precipitates
    fe_mol = scrap.kg_s("Fe") * 3600 * 0.82 / 55.845 * 1000  # mol/h
    lime_kg_h = (acid_mol - 2 * fe_mol) / 2 * 1.1 * CAO / 1000
    assert result.consumption["lime"].to("kg/h").magnitude == pytest.approx(lime_kg_h)
    # all the lixiviant is discharged; biological treatment 1.9 kWh per kg COD
    assert result.consumption["effluent_discharge"].to("m**3/h").magnitude == pytest.approx(
        lixiviant
    )
    extra_kw = (result.consumption["electricity"] - untreated.consumption["electricity"]).to("kW")
    assert extra_kw.magnitude == pytest.approx(cod * 1.9)
    sludge = {w.name: w for w in result.wastes}["biological sludge"]
    assert sludge.mass_flow.to("kg/h").magnitude == pytest.approx(0.3 * cod)
    # tracked components still balance; untreated has no lime
    assert result.mass_balance_error() < 1e-9
    assert "lime" not in untreated.consumption
    assert consumption["glucose"] == untreated.consumption["glucose"].to_base_units().magnitude


def test_spent_lixiviant_evaporation_crystallises_calcium_gluconate():
    _, result = _leach(spent_lixiviant_treatment="evaporation")
    acid_mol = result.details["gluconic_acid"].to("kg/h").magnitude / GLUCONIC * 1000
    salt = {w.name: w for w in result.wastes}["crystallised calcium gluconate"]
    ca_gluconate = 40.078 + 2 * (6 * C + 11 * H + 7 * OXYGEN)
    assert salt.mass_flow.to("kg/h").magnitude == pytest.approx(acid_mol / 2 * ca_gluconate / 1000)
    assert "effluent_discharge" not in result.consumption


def test_spent_lixiviant_arrays_equal_one_by_one():
    conversions = np.array([0.5, 0.94, 1.0])
    _, batch = _leach(spent_lixiviant_treatment="discharge", gluconic_acid_conversion=conversions)
    for i, c in enumerate(conversions):
        _, one = _leach(spent_lixiviant_treatment="discharge", gluconic_acid_conversion=c)
        for key in ("lime", "electricity", "effluent_discharge"):
            values = np.broadcast_to(batch.consumption[key].magnitude, conversions.shape)
            assert values[i] == one.consumption[key].magnitude


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (
            {"spent_lixiviant_treatment": "ammonia_recovery"},
            ["spent_lixiviant_treatment", "ammonia_recovery", "evaporation"],
        ),
        ({"gluconic_acid_conversion": 1.5}, ["gluconic_acid_conversion", "1.5", "[0, 1]"]),
        (
            {"spent_lixiviant_sludge_class": "toxic"},
            ["spent_lixiviant_sludge_class", "toxic", "hazardous"],
        ),
    ],
)
def test_spent_lixiviant_bad_input(kwargs, words):
    from tecmodel.stages.bio_recovery import Bioleaching

    with pytest.raises(TecModelError) as info:
        Bioleaching(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_shipped_bio_plant_treats_its_lixiviant_and_leaves_nothing_uncosted():
    result = scenarios.load("bio_recycling").evaluate()
    assert result.uncosted_outlets == []
    names = [w.name for w in result.flowsheet.stage_results["bioleach"].wastes]
    assert "biological sludge" in names
