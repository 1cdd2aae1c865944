"""The lean levelized-cost kernel against the general two-table solve (issue 13).

Both solve NPV(price) = 0 on the same cash flow by different routes: the general path
tabulates the cash flow and carries the loss pool year by year; the kernel uses the
identity "taxed income to date = max(0, running max of cumulative taxable income)".
They must agree to 1e-12 of the price scale on random cases and on the shipped plants.
"""

import numpy as np
import pytest

from tecmodel import finance, scenarios
from tecmodel.finance import (
    _levelized_cost_general,
    _levelized_cost_kernel,
    _prepare,
    capital_recovery_factor,
)


def _both(capital, cost, production, byproduct, **kw):
    args = (
        kw.pop("discount_rate"),
        kw.pop("plant_life"),
        kw.pop("construction_years", 1),
        kw.pop("capital_spend_profile", None),
        kw.pop("ramp_up", ()),
        kw.pop("working_capital", 0.0),
        kw.pop("salvage_fraction", 0.0),
        kw.pop("tax_rate", 0.21),
        kw.pop("depreciation", "macrs7"),
        kw.pop("depreciation_life", None),
        kw.pop("loss_rule", "carry_forward"),
        kw.pop("inflation", 0.0),
    )
    _, _, (c, o, b), k = _prepare(capital, (cost, byproduct), *args)
    q = np.asarray(production, dtype=float)
    rate = np.maximum(k["discount_rate"], 0.0)
    scale = np.abs(c * capital_recovery_factor(rate, k["plant_life"]) + o) / q
    scale = np.where(scale > 0, scale, 1.0)
    general = _levelized_cost_general(c, o, q, b, scale, k)
    kernel = _levelized_cost_kernel(c, o, q, b, scale, **k)
    return np.asarray(general), np.asarray(kernel), np.broadcast_to(scale, np.shape(general))


def test_kernel_agrees_with_general_solve_on_random_cases():
    rng = np.random.default_rng(13)
    for _ in range(150):
        n = int(rng.integers(1, 40))
        kw = dict(
            discount_rate=rng.uniform(0, 0.2, n),
            plant_life=int(rng.integers(1, 30)) if rng.random() < 0.6 else rng.integers(1, 30, n),
            construction_years=int(rng.integers(1, 4)),
            tax_rate=rng.uniform(0, 0.5, n),
            depreciation=str(rng.choice(["macrs3", "macrs7", "macrs20", "straight_line"])),
            working_capital=rng.uniform(0, 0.3, n),
            salvage_fraction=rng.uniform(0, 0.2, n),
            inflation=rng.uniform(-0.02, 0.05, n) if rng.random() < 0.5 else 0.0,
            ramp_up=tuple(rng.uniform(0, 1, int(rng.integers(0, 4)))),
            loss_rule=str(rng.choice(["carry_forward", "offset"])),
        )
        if kw["depreciation"] == "straight_line" and np.ndim(kw["plant_life"]):
            kw["depreciation_life"] = 10
        capital = rng.uniform(1e6, 1e9, n)
        cost = rng.uniform(0, 1e8, n) * rng.choice([0, 1])
        production = rng.uniform(1e3, 1e7, n)
        byproduct = rng.uniform(0, 5e7, n) * rng.choice([0, 1])
        general, kernel, scale = _both(capital, cost, production, byproduct, **kw)
        assert np.all(np.abs(general - kernel) <= 1e-12 * (np.abs(general) + scale))


def test_kernel_batch_equals_one_by_one():
    rng = np.random.default_rng(5)
    n = 300
    args = dict(
        discount_rate=rng.uniform(0.02, 0.15, n),
        plant_life=20,
        construction_years=2,
        capital_spend_profile=(0.4, 0.6),
        working_capital=0.1,
    )
    capital, cost = rng.uniform(1e8, 3e8, n), rng.uniform(1e7, 3e7, n)
    batch = finance.levelized_cost(capital, cost, 2e6, **args)
    for i in range(0, n, 37):
        one = finance.levelized_cost(
            capital[i], cost[i], 2e6, **{**args, "discount_rate": args["discount_rate"][i]}
        )
        assert one == batch[i]


@pytest.mark.parametrize("name", ["cascade_refinery", "high_waste_route", "bio_recycling"])
def test_kernel_agrees_on_shipped_plants(name):
    result = scenarios.load(name).evaluate()
    kwargs = result._finance_kwargs()
    capital = result._depreciable_capital()
    opex = np.asarray(result.opex.to("USD/yr").magnitude)
    production = result._production_kg()
    for loss_rule in ("carry_forward", "offset"):
        kw = dict(kwargs, loss_rule=loss_rule)
        kw["capital_spend_profile"] = kw["capital_spend_profile"]
        general, kernel, scale = _both(capital, opex, production, 0.0, **kw)
        assert np.all(np.abs(general - kernel) <= 1e-12 * (np.abs(general) + scale))


def test_kernel_with_the_production_credit_agrees_with_the_full_table():
    # the credit is the one lever the kernel knows: the general solve (the cash-flow
    # table with the lever columns) and the kernel must agree to 1e-12 of the price scale
    from tecmodel.finance import _LEVER_DEFAULTS, _production_credit_only

    rng = np.random.default_rng(45)
    for _ in range(150):
        n = int(rng.integers(1, 40))
        args = (
            rng.uniform(0, 0.2, n),  # discount_rate
            int(rng.integers(1, 30)) if rng.random() < 0.6 else rng.integers(1, 30, n),
            int(rng.integers(1, 4)),  # construction_years
            None,
            tuple(rng.uniform(0, 1, int(rng.integers(0, 4)))),  # ramp_up
            rng.uniform(0, 0.3, n),  # working_capital
            rng.uniform(0, 0.2, n),  # salvage_fraction
            rng.uniform(0, 0.5, n),  # tax_rate
            str(rng.choice(["macrs3", "macrs7", "macrs20"])),
            None,
            str(rng.choice(["carry_forward", "offset"])),
            rng.uniform(-0.02, 0.05, n) if rng.random() < 0.5 else 0.0,  # inflation
        )
        schedule = None
        if rng.random() < 0.6:
            schedule = tuple(rng.uniform(0, 1, int(rng.integers(1, 8))))
        levers = {
            **_LEVER_DEFAULTS,
            "production_credit_rate": rng.uniform(0, 0.3, n) if rng.random() < 0.7 else 0.1,
            "production_credit_schedule": schedule,
            "production_credit_base": str(
                rng.choice(["operating_cost", "operating_cost_and_depreciation"])
            ),
        }
        capital = rng.uniform(1e6, 1e9, n)
        cost = rng.uniform(0, 1e8, n) * rng.choice([0, 1])
        q = rng.uniform(1e3, 1e7, n)
        byproduct = rng.uniform(0, 5e7, n) * rng.choice([0, 1])
        _, _, (c, o, b), k = _prepare(capital, (cost, byproduct), *args, levers=levers)
        rate = np.maximum(k["discount_rate"], 0.0)
        scale = np.abs(c * capital_recovery_factor(rate, k["plant_life"]) + o) / q
        scale = np.where(scale > 0, scale, 1.0)
        general = _levelized_cost_general(c, o, q, b, scale, k)
        credit = _production_credit_only(k.pop("levers"))
        assert credit is not None
        kernel = _levelized_cost_kernel(c, o, q, b, scale, credit=credit, **k)
        scale = np.broadcast_to(scale, np.shape(general))
        assert np.all(np.abs(general - kernel) <= 1e-12 * (np.abs(general) + scale))


def test_the_public_solve_takes_the_kernel_only_for_the_credit_alone():
    from tecmodel.finance import _LEVER_DEFAULTS, _production_credit_only

    assert _production_credit_only(None) is None
    _, _, _, k = _prepare(
        100.0, (10.0, 0.0), 0.1, 10, 1, None, (), 0.0, 0.0, 0.21, "macrs7", None,
        "carry_forward", 0.0,
        levers={**_LEVER_DEFAULTS, "production_credit_rate": 0.1, "closure_cost": 5.0},
    )  # fmt: skip
    assert _production_credit_only(k["levers"]) is None  # another lever: the general path
    # levers at zero (arrays) keep their batch shape through the kernel
    lc = finance.levelized_cost(
        100.0, 10.0, 2.0, discount_rate=0.1, plant_life=10, grant=np.zeros(3),
        production_credit_rate=0.1,
    )  # fmt: skip
    assert np.shape(lc) == (3,) and lc[0] == lc[2]
