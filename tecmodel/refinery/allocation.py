"""Cost per kg of each product of a refinery, by the stages its rare earths pass through.

A refinery's cost is joint: one cascade serves every product it splits. This module
shares it by a stated physical rule (a labelled choice, not a market price):

* each stage's part of the levelized cost (:meth:`PlantResult.breakdown` with
  ``by="stage"``, capital and operating, plant-wide items by equipment share) is turned
  back into USD/yr;
* a stage's USD/yr is shared among the products in proportion to the TREO mass of each
  product's rare earths (``Product.graded_components``) in the stage's inlets — the head
  and the first cuts by the whole feed, a Tb|Dy cut by Tb and Dy only, a product's own
  precipitation and calcination wholly by it;
* a product's cost per kg is its share summed over the stages, divided by its output.

The shares of every stage sum to one over the products (every rare earth of the feed is
in one product, sold or not), so Σ cost_p · output_p = levelized cost · total output, an
identity the tests check. A small product pays little for the big early cuts and nearly
all of the late cut that isolates it: that is where a Tb4O7 kg's cost comes from
(:func:`stage_shares` lists it stage by stage).
"""

from __future__ import annotations

import numpy as np

from ..elements import RARE_EARTHS
from ..errors import InputError
from ..units import Q_

__all__ = ["product_costs", "stage_shares"]


def _reo(stream, elements) -> float:
    return float(sum(np.asarray(stream.kg_s(s), dtype=float) for s in elements
                     if s in stream.components))  # fmt: skip


def _annual(result) -> dict:
    """USD/yr of each stage (its breakdown share × the plant's output)."""
    output = float(np.sum(result._production_kg()))
    return {
        name: float(np.asarray(part.to("USD/kg").magnitude)) * output
        for name, part in result.breakdown(by="stage").items()
    }


def _elements(result) -> dict:
    products = result.plant.products
    return {name: tuple(p.graded_components) or tuple(RARE_EARTHS) for name, p in products.items()}


def stage_shares(result) -> dict:
    """Product → {stage → USD per kg of that product}, summing to :func:`product_costs`.

    Parameters
    ----------
    result : PlantResult
        A scalar evaluation of a refinery (:func:`tecmodel.refinery.design`).
    """
    if np.ndim(result.levelized_cost.magnitude):
        raise InputError("stage_shares needs a scalar evaluation (one plant, not a batch)")
    annual = _annual(result)
    elements = _elements(result)
    produced = {n: float(np.asarray(result.annual_production_kg[n])) for n in elements}
    stages = result.flowsheet.stage_results
    out = {name: {} for name in elements}
    for stage, usd in annual.items():
        if stage not in stages:  # "feed purchase": shared by output, like the whole feed
            weights = {n: produced[n] for n in elements}
        else:
            inlets = stages[stage].inlets.values()
            weights = {n: sum(_reo(s, e) for s in inlets) for n, e in elements.items()}
            if sum(weights.values()) <= 0:  # a stage that carries no rare earth
                weights = {n: produced[n] for n in elements}
        total = sum(weights.values())
        for name, weight in weights.items():
            if weight > 0 and produced[name] > 0:
                out[name][stage] = usd * weight / total / produced[name]
    return out


def product_costs(result) -> dict:
    """Product → cost per kg [USD/kg] by the stage-by-stage mass rule (module docstring)."""
    return {
        name: Q_(sum(parts.values()), "USD/kg") for name, parts in stage_shares(result).items()
    }
