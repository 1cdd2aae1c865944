"""Three-outlet cascade: the steady state with a side draw and its design.

The solution is checked against the physical equations written out here independently
(every stage's balance of every component, with fluxes built by hand, and equilibrium
y = β x / Σ β x), the outlets against the feed (mass in = mass out), and the limit of a
vanishing draw against the two-outlet solver.
"""

import numpy as np
import pytest

from tecmodel.errors import InfeasibleDesignError, InputError, TecModelError
from tecmodel.separation import simulate_multicomponent
from tecmodel.separation.side_draw import simulate_side_draw
from tecmodel.separation.side_draw_design import design_side_draw

# Gd/Eu/Sm three-outlet example of Zhang, Zhao & Schreiner 2016 (REFERENCE_DATA.md):
# β(Gd/Eu) = 1.40, β(Eu/Sm) = 2.00, feed Gd 0.39, Eu 0.10, Sm 0.51
BETA = np.array([2.8, 2.0, 1.0])
FEED = np.array([0.39, 0.10, 0.51])
N_, M_, S_, W_ = 30, 30, 2.0, 1.61


def _hand_fluxes(n, m, S, W, k, f, phase):
    """Aqueous and organic flux leaving each stage and into the next (aqueous feed)."""
    N = n + m
    aq = np.array([W + 1.0 if i < n else W for i in range(N)])  # 0-based stage i
    aq[0] = W + 1.0 - S
    org = np.full(N, S)
    org[-1] = S - W
    aq_next = aq.copy()  # aqueous from stage i that reaches stage i − 1
    org_next = org.copy()  # organic from stage i that reaches stage i + 1
    drawn = f * (aq[k - 1] if phase == "aqueous" else org[k - 1])
    if phase == "aqueous":
        aq[: k - 1] -= drawn
        aq_next[: k - 1] -= drawn
        aq_next[k - 1] = aq[k - 1] - drawn
    else:
        org[k:] -= drawn
        org_next[k:] -= drawn
        org_next[k - 1] = org[k - 1] - drawn
    return aq, org, aq_next, org_next, drawn


@pytest.mark.parametrize(("phase", "k"), [("aqueous", 20), ("organic", 20),
                                          ("aqueous", 45), ("organic", 45)])  # fmt: skip
def test_every_stage_balance_and_equilibrium_hold(phase, k):
    f = 0.03
    r = simulate_side_draw(BETA, FEED, N_, M_, S_, W_, k, f, draw_phase=phase)
    x, y = np.asarray(r.aqueous_profile), np.asarray(r.organic_profile)
    np.testing.assert_allclose(x.sum(-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-12)
    equilibrium = BETA * x / (BETA * x).sum(-1, keepdims=True)
    np.testing.assert_allclose(y, equilibrium, rtol=1e-10)
    aq, org, aq_next, org_next, drawn = _hand_fluxes(N_, M_, S_, W_, k, f, phase)
    N = N_ + M_
    for i in range(N):
        inflow = np.zeros(3)
        if i + 1 < N:
            inflow += aq_next[i + 1] * x[i + 1]
        if i > 0:
            inflow += org_next[i - 1] * y[i - 1]
        if i == N_ - 1:
            inflow += FEED  # aqueous feed at stage n
        outflow = aq[i] * x[i] + org[i] * y[i]
        np.testing.assert_allclose(inflow, outflow, rtol=1e-9, atol=1e-15)
    assert float(r.side_flux) == pytest.approx(drawn, rel=1e-12)


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
@pytest.mark.parametrize("phase", ["aqueous", "organic"])
def test_mass_in_equals_mass_out(feed, phase):
    S, W = (2.0, 1.61) if feed == "aqueous" else (1.2, 1.9)
    r = simulate_side_draw(BETA, FEED, N_, M_, S, W, 25, 0.02, draw_phase=phase, feed=feed)
    total = np.asarray(r.extract) + np.asarray(r.side) + np.asarray(r.raffinate)
    np.testing.assert_allclose(total, FEED, rtol=1e-12)
    assert float(r.mass_balance_error) < 1e-12


def test_a_vanishing_draw_gives_the_two_outlet_steady_state():
    two = simulate_multicomponent(BETA, FEED, N_, M_, S_, W_, extract_components=[0])
    raffinate = np.asarray(two.raffinate_composition) * float(two.raffinate_flux)
    extract = np.asarray(two.extract_composition) * float(two.extract_flux)
    for phase in ("aqueous", "organic"):
        r = simulate_side_draw(BETA, FEED, N_, M_, S_, W_, 20, 1e-12, draw_phase=phase)
        # the outlets move in proportion to the draw (d ln R_Gd / d f ≈ 7e2 here)
        np.testing.assert_allclose(r.raffinate, raffinate, rtol=1e-8)
        np.testing.assert_allclose(r.extract, extract, rtol=1e-8)


def test_the_middle_component_collects_at_the_draw():
    # organic drawn in the extraction section: Eu is 10 % of the feed, more in the draw
    r = simulate_side_draw(BETA, FEED, 36, 20, 4.51, 4.0, 16, 0.0275, draw_phase="organic")
    assert float(r.purity_side) > 0.5 > FEED[1]


def test_a_batch_gives_the_designs_one_by_one():
    ks = np.array([10, 20, 45])
    batch = simulate_side_draw(BETA, FEED, N_, M_, S_, W_, ks, 0.02, draw_phase="organic")
    for i, k in enumerate(ks):
        one = simulate_side_draw(BETA, FEED, N_, M_, S_, W_, int(k), 0.02, draw_phase="organic")
        np.testing.assert_array_equal(batch.side[i], one.side)
        np.testing.assert_array_equal(batch.raffinate[i], one.raffinate)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("draw_stage", {"draw_stage": 1}),
        ("draw_stage", {"draw_stage": N_ + M_}),
        ("draw_stage", {"draw_stage": 2.5}),
        ("draw_fraction", {"draw_fraction": 0.0}),
        ("draw_fraction", {"draw_fraction": 1.0}),
        ("draw_fraction", {"draw_fraction": -0.2}),
        ("draw_fraction", {"draw_fraction": 0.9}),  # would leave no raffinate
        ("draw_phase", {"draw_phase": "vapour"}),
    ],
)
def test_bad_draws_raise_naming_the_parameter(name, kwargs):
    arguments = {"draw_stage": 20, "draw_fraction": 0.05, **kwargs}
    with pytest.raises(TecModelError, match=name) as caught:
        simulate_side_draw(BETA, FEED, N_, M_, S_, W_, **arguments)
    assert isinstance(caught.value, InputError)


def test_two_components_are_refused():
    with pytest.raises(InputError, match="3 components"):
        simulate_side_draw([2.0, 1.0], [0.5, 0.5], 10, 10, 1.2, 0.7, 5, 0.1)


@pytest.fixture(scope="module")
def design():
    return design_side_draw(BETA, FEED, [0], [1], 0.999, 0.8, 0.999)


def test_the_design_meets_the_three_purities(design):
    sim = design.simulation
    assert float(sim.purity_extract) >= 0.999 * (1 - 1e-9)
    assert float(sim.purity_side) >= 0.8 * (1 - 1e-9)
    assert float(sim.purity_raffinate) >= 0.999 * (1 - 1e-9)
    # and the design's own numbers reproduce its simulation
    again = simulate_side_draw(
        BETA, FEED, design.extraction_stages, design.scrub_stages, design.organic_flux,
        design.scrub_flux, design.draw_stage, design.draw_fraction,
        draw_phase=design.draw_phase,
    )  # fmt: skip
    np.testing.assert_allclose(again.side, sim.side, rtol=1e-8)
    assert 2 <= design.draw_stage <= design.total_stages - 1


def test_a_middle_product_reflux_cannot_buy_is_infeasible():
    # all of Sm (or Gd) passes the draw stage: at W ≤ 1 a 99 % Eu draw is out of reach
    with pytest.raises(InfeasibleDesignError, match="three-outlet"):
        design_side_draw(BETA, FEED, [0], [1], 0.999, 0.99, 0.999, scrub_fluxes=(0.5, 1.0))


def test_design_bad_input_is_named():
    with pytest.raises(InputError, match="purity_side"):
        design_side_draw(BETA, FEED, [0], [1], 0.999, 1.0, 0.999)
    with pytest.raises(InputError, match="extractable"):
        design_side_draw(BETA, FEED, [1], [0], 0.999, 0.8, 0.999)
