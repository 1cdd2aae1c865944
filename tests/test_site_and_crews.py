"""Whole-site capital, estimate class, crews and working capital (issue 10)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel.costing.crews import crew_roster, operator_labor_cost
from tecmodel.costing.operating import operating_cost
from tecmodel.costing.site import effluent_treatment_equipment_cost, estimate_class
from tecmodel.errors import InputError
from tecmodel.stages.base import Equipment, StageResult
from tecmodel.units import cepci


def _evaluate(plant):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plant.evaluate()


@pytest.fixture(scope="module")
def us_route():
    return _evaluate(scenarios.load("high_waste_route"))


def test_operator_labor_cost_by_hand():
    # 10 positions x 4.5 crews x 2,080 h x 40 USD/h x 1.25
    cost = operator_labor_cost(10, crews_per_position=4.5, labor_rate=Q_(40.0, "USD/h"))
    assert cost.to("USD/yr").magnitude == pytest.approx(10 * 4.5 * 2080 * 40 * 1.25)
    batch = operator_labor_cost(np.array([5.0, 10.0]), labor_rate=Q_(40.0, "USD/h"))
    assert batch.magnitude[1] == pytest.approx(2 * batch.magnitude[0])
    with pytest.raises(InputError, match="crews_per_position"):
        operator_labor_cost(1, crews_per_position=0.5)


def test_crew_roster_by_hand():
    rate = Q_(40.0, "USD/h")
    operating = operating_cost(
        operators_per_shift=10,
        total_plant_cost=Q_(100.0, "MUSD"),
        labor_rate=rate,
        crews_per_position=4.5,
    )
    roster = crew_roster(10, operating, crews_per_position=4.5, labor_rate=rate)
    year = 40 * 1.25 * 2080  # one operator, burdened [USD/yr]
    labor = 10 * 4.5 * year
    maintenance = 0.02 * 100e6
    overhead = 0.60 * (labor + 0.15 * labor + maintenance)
    heads = roster.head_count
    assert heads["operators"] == pytest.approx(45.0)
    assert heads["supervision"] == pytest.approx(0.15 * labor / (1.5 * year))
    assert heads["maintenance"] == pytest.approx(
        maintenance * (0.375 / year + 0.075 / (1.5 * year))
    )
    assert heads["laboratory"] == pytest.approx(0.10 * labor / (1.5 * year))
    assert heads["management_and_administration"] == pytest.approx(0.20 * labor / (1.5 * year))
    assert heads["engineering"] == pytest.approx(0.15 * overhead / (1.5 * year))
    assert roster.total == pytest.approx(sum(heads.values()))


def test_effluent_plant_by_hand():
    """100 m³/h: 400 m³ of tanks (4 h), a thickener for 48 t/d of solids at 0.5 m² per t/d,
    a 440 gal/min pump — UKy rows ($2016) escalated to 2023 by CEPCI."""
    gal = 400.0 / 0.003785411784
    tank = 73497.75 * (gal / 44431.0) ** 0.5624
    thickener = 870880.0 * ((48 * 0.5) / 0.09290304 / 22590.0) ** 0.8023
    pump = 149645.33 * ((100.0 / 0.003785411784 / 60.0) / 10987.0) ** 0.3814
    expected = (tank + thickener + pump) * cepci(2023) / cepci(2016)
    assert effluent_treatment_equipment_cost(Q_(100.0, "m**3/h")) == pytest.approx(expected)
    assert effluent_treatment_equipment_cost(Q_(0.0, "m**3/h")) == 0.0


def test_estimate_class_follows_the_definition():
    sized = StageResult(
        inlets={}, outlets={}, equipment=(Equipment("tank", "tank", Q_(1000, "gal")),)
    )
    unsized = StageResult(inlets={}, outlets={})
    four = estimate_class({"a": sized})
    five = estimate_class({"a": sized, "b": unsized})
    assert four.name == "AACE Class 4" and four.bounds == (-0.30, 0.50)
    assert five.name == "AACE Class 5" and five.bounds == (-0.50, 1.00)
    assert "b" in five.reason


def test_capex_by_area_sums_to_capex(us_route):
    areas = us_route.capex_by_area()
    total = sum(v.to("USD").magnitude for v in areas.values())
    assert total == pytest.approx(us_route.capex.to("USD").magnitude, rel=1e-12)
    assert {"site_services", "offsites", "contingency", "owners_cost", "working_capital"} <= set(
        areas
    )
    assert sum(1 for k in areas if k.startswith("process_units:")) == len(us_route.plant.stages)


def test_site_items_follow_their_factors(us_route):
    capital = us_route.capital
    bare = capital.bare_erected_cost.to("USD").magnitude
    site = {k: v.to("USD").magnitude for k, (_, v) in capital.site.items()}
    assert site["service_facilities"] == pytest.approx(0.45 * bare)  # PT&W 55 % − QGESS 10 %
    assert site["land"] == 0.0  # existing site
    direct = bare + sum(v.magnitude for v in capital.installation.values()) + sum(site.values())
    assert capital.project_contingency.to("USD").magnitude == pytest.approx(0.10 * direct)
    assert capital.total_plant_cost.to("USD").magnitude == pytest.approx(1.10 * direct)


def test_new_site_buys_land(us_route):
    greenfield = _evaluate(scenarios.load("high_waste_route").replace("costing.new_site", True))
    site = {k: v.to("USD").magnitude for k, (_, v) in greenfield.capital.site.items()}
    bare = greenfield.capital.bare_erected_cost.to("USD").magnitude
    installed = 2.97  # QGESS stack: site equipment items are installed with it
    expected = 0.06 * (
        bare + (site["effluent_treatment_plant"] + site["reagent_storage"]) / installed
    )
    assert site["land"] == pytest.approx(expected)
    assert greenfield.capex > us_route.capex


def test_land_is_not_depreciated_and_comes_back_at_the_end(us_route):
    """Land (new site) is out of the depreciable basis and recovered with working capital:
    total depreciation = capex − working capital − land; the last operating year returns
    (working capital + land) escalated by inflation; the working capital spent in the last
    construction year is that sum escalated likewise."""
    greenfield = _evaluate(scenarios.load("high_waste_route").replace("costing.new_site", True))
    land = greenfield.capital.site["land"][1].to("USD").magnitude
    working = greenfield.capital.working_capital.to("USD").magnitude
    capex = greenfield.capex.to("USD").magnitude
    assert land > 0
    table = greenfield.cash_flow()
    assert np.sum(table.depreciation) == pytest.approx(capex - working - land, rel=1e-9)
    values = greenfield.plant.finance.resolved()
    n_build = int(values["construction_years"])
    life = int(values["plant_life"])
    inflation = float(values["inflation"])
    # the column is money put in (positive) or taken back (negative)
    spent = np.asarray(table.working_capital)[n_build - 1]
    returned = -np.asarray(table.working_capital)[n_build + life - 1]
    assert spent == pytest.approx((working + land) * (1 + inflation) ** (n_build - 1))
    assert returned == pytest.approx((working + land) * (1 + inflation) ** (n_build + life - 1))
    # the same plant on its old site has no land; its basis is capex − working capital
    old = us_route.cash_flow()
    old_capex = us_route.capex.to("USD").magnitude
    old_working = us_route.capital.working_capital.to("USD").magnitude
    assert np.sum(old.depreciation) == pytest.approx(old_capex - old_working, rel=1e-9)


def test_working_capital_items_sum_and_fraction_override(us_route):
    items = us_route.working_capital_breakdown()
    assert set(items) == {
        "rare_earths_in_process",
        "reagent_stocks",
        "product_inventory",
        "receivables",
    }
    total = sum(v.to("USD").magnitude for v in items.values())
    assert total == pytest.approx(us_route.capital.working_capital.to("USD").magnitude)
    opex = us_route.opex.to("USD/yr").magnitude
    assert items["receivables"].magnitude == pytest.approx(opex * 30 / 365)
    reagents = us_route.operating.reagents.to("USD/yr").magnitude
    assert items["reagent_stocks"].magnitude == pytest.approx(reagents * 14 / 365)
    fixed = _evaluate(
        scenarios.load("high_waste_route").replace("costing.working_capital_fraction", 0.05)
    )
    tpc = fixed.capital.total_plant_cost.to("USD").magnitude
    assert fixed.capital.working_capital.to("USD").magnitude == pytest.approx(0.05 * tpc)


def test_head_count_and_exports(us_route):
    roles = us_route.head_count_by_role()
    assert us_route.head_count == pytest.approx(sum(roles.values()))
    positions = sum(
        float(r.operators_per_shift) for r in us_route.flowsheet.stage_results.values()
    )
    assert roles["operators"] == pytest.approx(4.5 * positions)
    labor = us_route.labor_by_role()
    assert labor["operators"].magnitude == pytest.approx(
        us_route.operating.labor.to("USD/yr").magnitude
    )
    data = us_route.to_dict()
    assert data["estimate_class"] == "AACE Class 4"
    assert data["head_count"] == pytest.approx(float(us_route.head_count))
    assert sum(data["capex_by_area_USD"].values()) == pytest.approx(data["capex_USD"])
    assert us_route.csv_text("crews").splitlines()[0] == "role,head count,labor cost [USD/yr]"
    assert "Crews:" in us_route.summary() and "Capital by area" in us_route.summary()


def test_batch_equals_one_by_one():
    plant = scenarios.load("high_waste_route")
    rates = Q_(np.array([30.0, 45.0]), "USD/h")
    batch = _evaluate(plant.replace("costing.labor_rate", rates))
    for i, rate in enumerate(rates):
        single = _evaluate(plant.replace("costing.labor_rate", rate))
        assert np.asarray(batch.head_count)[i] == pytest.approx(
            float(single.head_count), rel=1e-12
        )
        assert batch.capex.magnitude[i] == pytest.approx(single.capex.magnitude, rel=1e-12)
    # revenue as an array (working capital values rare earths in process at the mean price)
    prices = Q_(np.array([40.0, 80.0]), "USD/kg")
    batch = _evaluate(plant.replace("products.NdPr_oxide.price", prices))
    for i, price in enumerate(prices):
        single = _evaluate(plant.replace("products.NdPr_oxide.price", price))
        assert batch.capex.magnitude[i] == pytest.approx(single.capex.magnitude, rel=1e-12)


def test_study_samples_capex_within_the_class_range(us_route):
    from tecmodel import Study
    from tecmodel.sensitivity import capex_estimate_range

    plant = scenarios.load("high_waste_route")
    parameters = capex_estimate_range(plant, us_route)
    (distribution,) = parameters.values()
    assert (distribution.low, distribution.high) == pytest.approx((0.70, 1.50))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = Study(plant, parameters, metric="capex")
        samples = study.monte_carlo(64, seed=1)
    low, high = (x.to("USD").magnitude for x in us_route.capex_range)
    working = us_route.capital.working_capital.to("USD").magnitude
    fill = us_route.initial_fill
    values = np.asarray(samples.values.to("USD").magnitude)
    # the factor scales TPC (owner's costs follow it); working capital and fills do not
    assert np.all(values >= low - 1e-6 * low) and np.all(values <= high + 1e-6 * high)
    assert values.min() >= 0.70 * (us_route.capex.to("USD").magnitude - working - fill) + working
