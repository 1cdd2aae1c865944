"""The plain-numpy stage costing gives exactly the public functions' numbers (issue 13).

The reference below is the stage costing written with the public, pint-based functions
(``purchase_cost``, ``reagent_cost``, ``split_reagents_and_utilities``, ``_waste_cost``):
two routes to the same money, which must agree to the last bit.
"""

import warnings

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel.costing import purchase_cost, reagent_cost
from tecmodel.costing.operating import _waste_cost, split_reagents_and_utilities
from tecmodel.costing.stage_costs import cost_stages, costed_units
from tecmodel.units import conversion_factor, exchange_rate, exchange_rates


def _reference(plant, flows, hours):
    basis = plant.costing
    operating_hours = Q_(hours, "h/yr")
    costs, items = {}, {}
    for name, result in flows.stage_results.items():
        equipment = 0.0
        for item in result.equipment:
            size, units = costed_units(item)
            cost = purchase_cost(item.kind, size, units)
            equipment = equipment + np.asarray(cost.to("USD").magnitude, dtype=float)
        stage_items = reagent_cost(
            dict(result.consumption), prices=basis.prices or None, operating_hours=operating_hours
        )
        for key, cost in stage_items.items():
            items[key] = cost if key not in items else items[key] + cost
        reagents, utilities = split_reagents_and_utilities(stage_items)
        waste = _waste_cost(result.wastes, basis.disposal_costs or None, operating_hours)
        costs[name] = {
            "equipment": np.asarray(equipment, dtype=float),
            "reagents": reagents.to("USD/yr").magnitude,
            "utilities": utilities.to("USD/yr").magnitude,
            "waste": waste.to("USD/yr").magnitude,
        }
    return costs, items


def _assert_same(plant, hours=8064.0):
    flows = plant.simulate()
    with warnings.catch_warnings(record=True) as fast_warnings:
        warnings.simplefilter("always")
        fast, fast_items = cost_stages(plant, flows, hours)
    with warnings.catch_warnings(record=True) as slow_warnings:
        warnings.simplefilter("always")
        slow, slow_items = _reference(plant, flows, hours)
    # the same extrapolation warnings, word for word
    assert [str(w.message) for w in fast_warnings] == [str(w.message) for w in slow_warnings]
    assert fast.keys() == slow.keys()
    for name, expected in slow.items():
        for field, value in expected.items():
            got = getattr(fast[name], field)
            assert np.array_equal(got, value), (plant.name, name, field, got, value)
    assert fast_items.keys() == slow_items.keys()
    for key, cost in slow_items.items():
        assert np.array_equal(fast_items[key].to("USD/yr").magnitude, cost.magnitude), key


@pytest.mark.parametrize("name", scenarios.names())
def test_stage_costs_equal_the_public_functions_on_every_shipped_plant(name):
    _assert_same(scenarios.load(name))


def test_stage_costs_equal_the_public_functions_on_a_batch():
    plant = scenarios.load("high_waste_route")
    plant = plant.replace("feed.rate", Q_(np.array([0.3, 1.0, 4.0]) * 20_000, "t/yr"))
    plant = plant.replace(
        "costing.prices.hydrochloric_acid", Q_(np.array([150.0, 250.0, 350.0]), "USD_2019/t")
    )
    _assert_same(plant, hours=np.array([7000.0, 8064.0, 8500.0]))


def test_stage_costs_follow_an_exchange_rate_change():
    """Factors are cached; a new CNY rate must still reach a CNY-priced plant."""
    plant = scenarios.load("cascade_refinery")
    _assert_same(plant)
    with exchange_rates(CNY=exchange_rate("CNY") * 1.5):
        _assert_same(plant)


def test_conversion_factor_is_pints_product():
    x = np.array([1.0, 3.7, 1e5, 2.2e-7])
    for src, dst in (("t/h", "kg/s"), ("USD_2016", "USD"), ("CNY/t*kg/h*h/yr", "USD/yr")):
        assert np.array_equal(Q_(x, src).to(dst).magnitude, x * conversion_factor(src, dst))
    with exchange_rates(CNY=0.2):
        assert conversion_factor("CNY", "USD") == pytest.approx(0.2, rel=1e-15)


def test_conversion_factor_refuses_offset_units_and_wrong_dimensions():
    from tecmodel.errors import UnitError

    with pytest.raises(UnitError, match="degC"):
        conversion_factor("degC", "K")
    with pytest.raises(UnitError, match="m to s"):
        conversion_factor("m", "s")
