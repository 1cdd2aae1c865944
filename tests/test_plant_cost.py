"""The money of a plant in one pass (tecmodel.costing.plant, issue 13).

The record is checked against identities (breakdowns sum to their totals, the stages'
costs sum to the plant's categories) and against the plant-level path of earlier
versions rebuilt here from the public costing functions: the merged consumption of all
stages costed by ``operating_cost`` and the levelized cost solved by ``finance`` from the
plant's finance assumptions.
"""

import numpy as np
import pytest

from tecmodel import Q_, finance, scenarios
from tecmodel.costing import operating_cost
from tecmodel.costing.crews import _entry
from tecmodel.costing.plant import cost_plant, finance_arguments

PLANTS = scenarios.names()


@pytest.fixture(scope="module", params=PLANTS)
def evaluated(request):
    plant = scenarios.load(request.param)
    flows = plant.simulate()
    return plant, flows, cost_plant(plant, flows)


def _mag(q, unit):
    return np.asarray(q.to(unit).magnitude, dtype=float)


def test_operating_cost_equals_the_merged_plant_path(evaluated):
    plant, flows, record = evaluated
    basis = plant.costing
    merged = {}
    for result in flows.stage_results.values():
        for key, rate in result.consumption.items():
            merged[key] = rate if key not in merged else merged[key] + rate
    positions = sum(
        np.asarray(r.operators_per_shift, dtype=float) for r in flows.stage_results.values()
    )
    old = operating_cost(
        consumption=merged,
        operators_per_shift=positions,
        total_plant_cost=record.capital.total_plant_cost,
        wastes=[w for r in flows.stage_results.values() for w in r.wastes],
        revenue=record.revenue,
        royalty_rate=basis.royalty_rate,
        prices=basis.prices,
        disposal_costs=basis.disposal_costs,
        operating_hours=Q_(record.operating_hours, "h/yr"),
        labor_rate=basis.labor_rate,
        crews_per_position=basis.crews_per_position or _entry("crews_per_position"),
    )
    for name, value in old.breakdown().items():
        new = _mag(getattr(record.operating, name), "USD/yr")
        np.testing.assert_allclose(new, _mag(value, "USD/yr"), rtol=1e-12, atol=1e-6)
    assert set(old.items) == set(record.operating.items)
    for name, value in old.items.items():
        np.testing.assert_allclose(
            _mag(record.operating.items[name], "USD/yr"), _mag(value, "USD/yr"), rtol=1e-12
        )


def test_levelized_cost_equals_a_fresh_solve(evaluated):
    plant, _, record = evaluated
    values = plant.finance.resolved()
    working = _mag(record.capital.working_capital, "USD")
    capital = _mag(record.capex, "USD") - working
    production = _mag(record.production, "kg/yr")
    kwargs = {
        k: values[k]
        for k in (
            "discount_rate",
            "plant_life",
            "construction_years",
            "capital_spend_profile",
            "ramp_up",
            "salvage_fraction",
            "tax_rate",
            "depreciation",
            "depreciation_life",
            "loss_rule",
            "inflation",
        )
    }
    kwargs["working_capital"] = working / capital
    assert finance_arguments(plant.finance, capital, working) == pytest.approx(kwargs)
    total = finance.levelized_cost(capital, _mag(record.opex, "USD/yr"), production, **kwargs)
    capital_part = finance.levelized_cost(capital, 0.0, production, **kwargs)
    np.testing.assert_allclose(record.levelized_cost.magnitude, total, rtol=1e-12)
    np.testing.assert_allclose(record.levelized_capital_cost, capital_part, rtol=1e-12)


def test_record_identities(evaluated):
    _, flows, record = evaluated
    # capex and opex: the capital and operating records' totals plus fills and feed
    np.testing.assert_allclose(
        _mag(record.capex, "USD"),
        _mag(record.capital.total_capital, "USD") + record.initial_fill,
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        _mag(record.opex, "USD/yr"),
        _mag(record.operating.total, "USD/yr") + record.feed_cost,
        rtol=1e-15,
    )
    # each stage costed once: the stages' parts sum to the plant's categories
    for part, category in (
        ("reagents", "reagents"),
        ("utilities", "utilities"),
        ("waste", "waste"),
        ("labor", "labor"),
    ):
        stages = sum(getattr(c, part) for c in record.stage_costs.values())
        np.testing.assert_allclose(
            stages, _mag(getattr(record.operating, category), "USD/yr"), rtol=1e-12, atol=1e-9
        )
    assert set(record.stage_costs) == set(flows.stage_results)
    production = sum(record.annual_production_kg.values())
    np.testing.assert_allclose(_mag(record.production, "kg/yr"), production, rtol=1e-15)


def test_result_breakdowns_sum_to_their_totals(evaluated):
    plant, flows, _ = evaluated
    result = plant.evaluate(flows)
    total = result.levelized_cost.magnitude
    for by in ("category", "stage"):
        parts = sum(v.magnitude for v in result.breakdown(by).values())
        np.testing.assert_allclose(parts, total, rtol=1e-12)
    capital = sum(_mag(v, "USD") for v in result.capital_breakdown().values())
    np.testing.assert_allclose(capital, _mag(result.capex, "USD"), rtol=1e-12)
    areas = sum(_mag(v, "USD") for v in result.capex_by_area().values())
    np.testing.assert_allclose(areas, _mag(result.capex, "USD"), rtol=1e-12)
    operating = sum(_mag(v, "USD/yr") for v in result.operating_breakdown().values())
    np.testing.assert_allclose(operating, _mag(result.opex, "USD/yr"), rtol=1e-12)


def test_npv_at_the_levelized_cost_is_zero(evaluated):
    plant, flows, _ = evaluated
    result = plant.evaluate(flows)
    npv = result.npv(result.levelized_cost).magnitude
    assert abs(npv) <= 1e-9 * result.capex.magnitude


def test_batch_of_money_equals_one_by_one():
    plant = scenarios.load("high_waste_route")
    flows = plant.simulate()
    rates = Q_(np.array([25.0, 38.5, 60.0]), "USD/h")
    discount = np.array([0.06, 0.1, 0.14])
    batch = cost_plant(
        plant.replace("costing.labor_rate", rates).replace("finance.discount_rate", discount),
        flows,
    )
    for i in range(3):
        one = cost_plant(
            plant.replace("costing.labor_rate", rates[i]).replace(
                "finance.discount_rate", float(discount[i])
            ),
            flows,
        )
        assert batch.levelized_cost.magnitude[i] == one.levelized_cost.magnitude
        for name, cost in one.stage_costs.items():
            assert batch.stage_costs[name].labor[i] == cost.labor


def test_one_name_per_idea_old_names_warn_and_agree():
    from tecmodel.costing import capital_cost, disposal_cost

    flow = Q_(2.0, "t/h")
    rates = {"hazardous": Q_(300.0, "USD/t")}
    new = disposal_cost("hazardous", flow, disposal_costs=rates)
    with pytest.warns(DeprecationWarning, match="disposal_costs"):
        old = disposal_cost("hazardous", flow, rates=rates)
    assert old == new
    # 2 t/h at 300 USD/t over the default 8,064 h/yr
    assert new.to("USD/yr").magnitude == pytest.approx(2.0 * 300.0 * 8064.0, rel=1e-12)
    tpc = Q_(10.0, "MUSD")
    wastes = {"hazardous": flow}
    a = operating_cost(total_plant_cost=tpc, wastes=wastes, disposal_costs=rates)
    with pytest.warns(DeprecationWarning, match="disposal_costs"):
        b = operating_cost(total_plant_cost=tpc, wastes=wastes, disposal_rates=rates)
    assert a.waste == b.waste == new
    with pytest.raises(Exception, match="disposal_costs= only"):
        operating_cost(total_plant_cost=tpc, disposal_costs=rates, disposal_rates=rates)
    capital = capital_cost(Q_(1.0, "MUSD"))
    with pytest.warns(DeprecationWarning, match="total_capital"):
        assert capital.capex == capital.total_capital
    with pytest.warns(DeprecationWarning, match="total"):
        assert a.opex == a.total
