"""Which support closes the gap: the grant, credit rate, floor price or loan rate at
which a plant breaks even, or at which it matches another plant's levelized cost.

:func:`support_needed` evaluates the plant once (every Monte-Carlo sample at once, the
physics run once when the samples are economic) and then solves for the lever on the
finance alone, all samples together: the lever changes no capital, operating cost or
production, only the cash flow. A policy team reads the distribution of the answer.

Examples
--------
>>> from tecmodel import scenarios                              # doctest: +SKIP
>>> support_needed(scenarios.load("high_waste_route"), "finance.grant")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import finance
from .errors import InputError
from .units import Q_, magnitude

__all__ = ["LEVERS", "support_needed"]

#: The levers :func:`support_needed` solves for, with their unit ("" for a rate).
LEVERS = {
    "finance.grant": "USD",
    "finance.production_credit_rate": "",
    "finance.debt_rate": "",
    "products.<name>.price_floor": "USD/kg",
}


def _lever_kind(plant, lever: str) -> tuple[str, str | None]:
    if not isinstance(lever, str):
        raise InputError(f"lever must be one of {', '.join(LEVERS)}, got {lever!r}")
    if lever in ("finance.grant", "finance.production_credit_rate", "finance.debt_rate"):
        return lever.split(".")[1], None
    parts = lever.split(".")
    if len(parts) == 3 and parts[0] == "products" and parts[2] == "price_floor":
        if parts[1] not in plant.products:
            raise InputError(
                f"lever {lever!r}: no product named {parts[1]!r}; products are "
                f"{', '.join(plant.products)}"
            )
        return "price_floor", parts[1]
    raise InputError(f"lever must be one of {', '.join(LEVERS)}, got {lever!r}")


def _with_samples(plant, samples):
    """The plant with every sampled path replaced by its array of samples."""
    if samples is None:
        return plant, 1
    if not isinstance(samples, Mapping) or not samples:
        raise InputError(
            "samples must be a mapping of dotted path -> array of samples (e.g. "
            f"Study.sample(n)), got {samples!r}"
        )
    sizes = {np.size(getattr(v, "magnitude", v)) for v in samples.values()}
    if len(sizes) != 1:
        raise InputError(f"samples must all have the same length, got lengths {sorted(sizes)}")
    for path, values in samples.items():
        current = plant.get(path)
        if hasattr(current, "units") and not hasattr(values, "units"):
            values = Q_(np.asarray(values, dtype=float), current.units)
        plant = plant.replace(path, values)
    return plant, sizes.pop()


def _target_cost(target) -> np.ndarray:
    """A levelized cost to match [USD/kg], from a Quantity, a PlantResult or a Plant."""
    if hasattr(target, "evaluate") and hasattr(target, "stages"):
        target = target.evaluate()
    if hasattr(target, "levelized_cost"):
        target = target.levelized_cost
    return np.asarray(magnitude(target, "USD/kg", "target"), dtype=float)


def support_needed(plant, lever, target="npv", *, samples=None, low=None, high=None):
    """The value of a support lever at which ``plant`` breaks even or matches a cost.

    Parameters
    ----------
    plant : Plant
        The plant, with any other support already set (a loan for ``"finance.debt_rate"``
        needs ``finance.debt_fraction`` > 0).
    lever : str
        ``"finance.grant"`` [USD], ``"finance.production_credit_rate"`` [-],
        ``"finance.debt_rate"`` [1/yr] or ``"products.<name>.price_floor"`` [USD/kg]
        (for the product's ``price_floor_years``).
    target : "npv" or pint.Quantity or Plant or PlantResult, default "npv"
        ``"npv"``: the equity NPV at the products' own prices (floors and caps included)
        is zero. A levelized cost [USD/kg], or a plant (or its result) whose levelized
        cost is taken: the plant's levelized cost equals it. A price floor does not
        enter the levelized cost, so it can only be solved against ``"npv"``.
    samples : mapping of str to array_like, optional
        Monte-Carlo samples by dotted path (e.g. :meth:`tecmodel.sensitivity.Study.sample`),
        plain arrays taken in the unit of the plant's current value; the answer has one
        value per sample.
    low, high : float or pint.Quantity, optional
        The range searched. Defaults: grant 0 to the depreciable capital; credit rate 0
        to 1; debt rate 0 to 1; floor 0 to 100 times the product's price (or
        US$1,000/kg if larger).

    Returns
    -------
    pint.Quantity or ndarray
        The lever's value, one per sample (a scalar without samples), in the lever's
        unit (plain numbers for rates). At the low end where the plant already meets
        the target without support (a grant, credit or floor of 0); NaN where no value
        in [low, high] meets it (for the debt rate, also where the plant meets it even
        at the highest rate).

    Notes
    -----
    ``"npv"`` is the NPV :meth:`PlantResult.npv` gives: the products' and reagents'
    price decks enter year by year, and a floor being solved for tops up each year's
    deck price (for ``price_floor_years``). The levelized-cost target keeps constant
    prices, as :attr:`PlantResult.levelized_cost` does.

    The target is monotone in each lever (more grant, credit or floor raises the NPV
    and lowers the levelized cost; a dearer loan does the opposite), and piecewise
    linear in the grant and the credit rate (kinks where tax losses are used). The root
    is bracketed by [low, high] and found for every sample together by false position
    with the Illinois modification, stopping when the target is met to 1e-9 of the
    capital or the bracket is 1e-12 of its width.
    """
    kind, product = _lever_kind(plant, lever)
    if product is not None and not (isinstance(target, str) and target == "npv"):
        raise InputError(
            f"lever {lever!r} is a price floor, which does not enter the levelized cost; "
            "solve it against target='npv'"
        )
    if isinstance(target, str) and target != "npv":
        raise InputError(
            f"target must be 'npv', a levelized cost [USD/kg] or a plant, got {target!r}"
        )
    if kind == "debt_rate" and not np.any(
        np.asarray(magnitude(plant.finance.debt_fraction, "", "debt_fraction")) > 0
    ):
        raise InputError(
            "lever 'finance.debt_rate' needs a loan: set finance.debt_fraction > 0 first"
        )
    batch, n = _with_samples(plant, samples)
    result = batch.evaluate()
    capital = np.broadcast_to(result._depreciable_capital(), (n,)).astype(float)
    opex = np.broadcast_to(result.opex.to("USD/yr").magnitude, (n,)).astype(float)
    production = np.broadcast_to(result.production.to("kg/yr").magnitude, (n,)).astype(float)
    revenue = np.broadcast_to(result._revenue(None), (n,)).astype(float)
    arguments = dict(result.finance_arguments)
    if kind == "production_credit_rate":  # the phase-out and base, as levers() gives them
        arguments.update(batch.finance.production_credit_terms())
    if kind == "debt_rate":
        arguments.setdefault("debt_fraction", batch.finance.resolved()["debt_fraction"])

    # the money the NPV reads besides the lever (floors, caps, price decks), as in
    # PlantResult.cash_flow; a floor being solved for is left out here, added in gap()
    base_support = result._support_arguments(None, unsupported=product)
    yearly = None
    if product is not None:
        paid = batch.products[product].price_floor_years
        floor_years = None if paid is None else int(magnitude(paid, "", "price_floor_years"))
        price = np.broadcast_to(result.unit_prices[product], (n,)).astype(float)
        kg = np.broadcast_to(result.annual_production_kg[product], (n,)).astype(float)
        yearly = result._yearly_prices(None)
        if yearly is not None:  # decks: the floor tops up each year's deck price
            by_year = yearly[product]
            paid_years = np.arange(by_year.shape[-1]) < (
                by_year.shape[-1] if floor_years is None else floor_years
            )

    unit = "USD/kg" if kind == "price_floor" else ("USD" if kind == "grant" else "")
    default_low = {"grant": 0.0, "production_credit_rate": 0.0, "debt_rate": 0.0}
    default_high = {"grant": capital, "production_credit_rate": 1.0, "debt_rate": 1.0}
    if kind == "price_floor":
        default_low["price_floor"] = 0.0
        default_high["price_floor"] = np.maximum(100.0 * price, 1000.0)
    lo = default_low[kind] if low is None else magnitude(low, unit, "low")
    hi = default_high[kind] if high is None else magnitude(high, unit, "high")
    lo = np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy()
    hi = np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy()
    if np.any(~(hi > lo)):
        raise InputError(f"high must be above low, got low={low!r}, high={high!r}")

    if isinstance(target, str):
        goal = None
    else:
        goal = np.broadcast_to(_target_cost(target), (n,)).astype(float)

    def gap(x):
        """Target reached minus target: > 0 means the plant does better than needed."""
        args = dict(arguments)
        support = dict(base_support)
        if kind == "price_floor" and yearly is not None:
            top_up = np.maximum(x[:, None] - by_year, 0.0) * kg[:, None]
            support["revenue_adjustment"] = support["revenue_adjustment"] + np.where(
                paid_years, top_up, 0.0
            )
        elif kind == "price_floor":
            top_up = np.maximum(x - price, 0.0) * kg
            support["price_support"] = (*support.get("price_support", ()), top_up)
            support["price_support_years"] = (
                *support.get("price_support_years", ()),
                floor_years,
            )
        else:
            args[kind] = x
        if goal is None:
            return finance.cash_flow_table(capital, revenue, opex, **args, **support).npv
        cost = finance.levelized_cost(capital, opex, production, **args)
        return goal - cost

    f_lo, f_hi = gap(lo), gap(hi)
    rising = f_hi >= f_lo  # grant, credit, floor: better with more; debt rate: worse
    # orient so that g is increasing in x: g(lo) <= g(hi)
    sign = np.where(rising, 1.0, -1.0)
    g_lo, g_hi = sign * f_lo, sign * f_hi
    answer = np.full(n, np.nan)
    met_without = rising & (f_lo >= 0)
    answer[met_without] = lo[met_without]
    solvable = (g_lo < 0) & (g_hi >= 0) & ~met_without
    tolerance = 1e-9 * np.maximum(np.abs(capital), 1.0)
    if goal is not None:
        tolerance = 1e-12 * np.maximum(np.abs(goal), 1.0)
    a, b = lo.copy(), hi.copy()
    ga, gb = g_lo.copy(), g_hi.copy()
    x = np.where(solvable, 0.5 * (a + b), np.nan)
    side = np.zeros(n)
    active = solvable.copy()
    for _ in range(200):
        if not active.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(active, (a * gb - b * ga) / (gb - ga), x)
        x = np.where(active & ~((x > a) & (x < b)), 0.5 * (a + b), x)
        gx = sign * gap(np.where(active, x, lo))
        done = active & ((np.abs(gx) <= tolerance) | (b - a <= 1e-12 * (hi - lo)))
        answer[done] = x[done]
        active = active & ~done
        right = active & (gx > 0)  # root left of x: move b
        left = active & (gx <= 0)
        b = np.where(right, x, b)
        gb = np.where(right, gx, gb)
        ga = np.where(right & (side > 0), 0.5 * ga, ga)  # Illinois: halve the stale end
        a = np.where(left, x, a)
        ga = np.where(left, gx, ga)
        gb = np.where(left & (side < 0), 0.5 * gb, gb)
        side = np.where(right, 1.0, np.where(left, -1.0, side))
    answer = answer if samples is not None else answer[0]
    return Q_(answer, unit) if unit else answer
