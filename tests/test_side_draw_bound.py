"""The reflux bound of the three-outlet design (side_draw_design, "Reflux bound").

The bound is a chain of two inequalities of Xu's constant-flux model; both are checked on
random steady states of the solver, and a search the bound refuses is checked to end
without a design when it is run anyway, so the screened design is the unscreened one.
"""

import numpy as np
import pytest

from tecmodel.errors import InfeasibleDesignError, InputError
from tecmodel.separation import side_draw_cut
from tecmodel.separation import side_draw_design as sdd
from tecmodel.separation.side_draw import simulate_side_draw

BETA = np.array([2.8, 2.0, 1.0])  # Gd/Eu/Sm (Zhang, Zhao & Schreiner 2016)
FEED = np.array([0.39, 0.10, 0.51])


def _random_states(count=40, seed=3):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        components = int(rng.integers(3, 6))
        steps = np.exp(rng.uniform(np.log(1.3), np.log(2.5), components - 1))
        beta = np.concatenate([[1.0], np.cumprod(steps)])[::-1]
        feed = rng.dirichlet(np.ones(components))
        n, m = int(rng.integers(3, 25)), int(rng.integers(3, 25))
        W = float(rng.uniform(0.5, 4.0))
        S = W + float(rng.uniform(0.2, 0.9))
        phase = ("organic", "aqueous")[int(rng.integers(2))]
        k = int(rng.integers(2, n)) if phase == "organic" else int(rng.integers(n + 1, n + m))
        fraction = float(rng.uniform(0.02, 0.2))
        try:
            sim = simulate_side_draw(beta, feed, n, m, S, W, k, fraction, draw_phase=phase)
        except (InfeasibleDesignError, InputError):  # an emptied outlet, or no convergence
            continue
        yield beta, feed, S, W, k, phase, sim


def test_the_bound_inequalities_hold_on_random_steady_states():
    """Organic draw: y_c(k) ≥ β_c y_B(k) R_c / (β_B,max (W + 1)); aqueous draw:
    x_a(k) ≥ β_B,min x_B(k) E_a / (β_a S), for any middle group B of two or more
    neighbouring components (the components below it being C, above it A)."""
    checked = 0
    for beta, _feed, S, W, k, phase, sim in _random_states():
        x = np.asarray(sim.aqueous_profile)[k - 1]
        y = np.asarray(sim.organic_profile)[k - 1]
        C = len(beta)
        for first in range(1, C - 1):  # B = [first, last], A above, C below
            for last in range(first, C - 1):
                b = np.arange(first, last + 1)
                if phase == "organic":
                    c = np.arange(last + 1, C)
                    r_c = np.asarray(sim.raffinate)[c]
                    bound = beta[c] * y[b].sum() * r_c / (beta[b].max() * (W + 1.0))
                    assert np.all(y[c] >= bound * (1 - 1e-9) - 1e-15)
                    assert y[c].sum() >= bound.sum() * (1 - 1e-9) - 1e-15
                else:
                    a = np.arange(first)
                    e_a = np.asarray(sim.extract)[a]
                    bound = beta[b].min() * x[b].sum() * e_a / (beta[a] * S)
                    assert np.all(x[a] >= bound * (1 - 1e-9) - 1e-15)
                    assert x[a].sum() >= bound.sum() * (1 - 1e-9) - 1e-15
                checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    ("targets", "fluxes"),
    [((0.999, 0.9, 0.999), (0.5, 1.0, 2.0)), ((0.999, 0.97, 0.999), (1.0, 2.0))],
)
def test_a_refused_search_would_find_no_design(monkeypatch, targets, fluxes):
    """Every layout and W the bound refuses ends without a design when searched anyway,
    and the screened design (or its infeasibility) is the unscreened one."""

    def run(screen):
        if not screen:
            monkeypatch.setattr(sdd, "_reflux_suffices", lambda *a: True)
        try:
            return sdd.design_side_draw(BETA, FEED, [0], [1], *targets, scrub_fluxes=fluxes)
        except InfeasibleDesignError as error:
            return str(error)
        finally:
            monkeypatch.undo()

    wanted_a = np.array([True, False, False])
    wanted_b = np.array([False, True, False])
    refused = 0
    for layout in ("organic", "aqueous"):
        for W in fluxes:
            for share in sdd.PASSING_SHARES:
                outlets = sdd._outlets(FEED, wanted_a, wanted_b, targets, share, layout)
                if outlets is None or sdd._reflux_suffices(
                    layout, W, outlets[0], BETA, FEED, wanted_a, wanted_b, targets
                ):
                    continue
                refused += 1
                args = (BETA, FEED, wanted_a, wanted_b, list(targets), 500)
                assert sdd._search(layout, W, share, *args) is None
    screened, unscreened = run(True), run(False)
    if isinstance(screened, str):
        assert screened == unscreened
    else:
        assert screened.candidates == unscreened.candidates
        assert screened.mixer_flow_stages == unscreened.mixer_flow_stages
        np.testing.assert_array_equal(screened.simulation.side, unscreened.simulation.side)
    assert refused > 0


def test_the_bound_refuses_a_pure_middle_at_once():
    """99.9 % Eu from Gd/Eu/Sm: every layout and W of the grid is refused (no simulation);
    the bound's numbers by hand: organic needs W + 1 ≥ 1 · 0.999 · (0.51 − 0.001) /
    (2 · 0.001) = 254.2, aqueous S ≥ 2 · 0.999 · (0.39 − 0.001) / (2.8 · 0.001) = 277.6."""
    calls = []
    original = sdd.simulate_side_draw

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    sdd.simulate_side_draw = counted
    try:
        with pytest.raises(InfeasibleDesignError):
            sdd.design_side_draw(BETA, FEED, [0], [1], 0.999, 0.999, 0.999)
    finally:
        sdd.simulate_side_draw = original
    assert calls == []
    a, b = np.array([True, False, False]), np.array([False, True, False])
    targets = (0.999, 0.999, 0.999)
    assert not sdd._reflux_suffices("organic", 252.0, 0.4, BETA, FEED, a, b, targets)
    assert sdd._reflux_suffices("organic", 254.0, 0.4, BETA, FEED, a, b, targets)
    assert not sdd._reflux_suffices("aqueous", 276.0, 1.0, BETA, FEED, a, b, targets)
    assert sdd._reflux_suffices("aqueous", 278.0, 1.0, BETA, FEED, a, b, targets)


def test_identical_inputs_are_designed_once(monkeypatch):
    """three_outlet_split remembers a design by its exact inputs: the second call of the
    same cut designs nothing and returns the same design object."""
    from tecmodel import Q_
    from tecmodel.streams import Stream

    feed = Stream.from_composition(Q_(1.0, "kg/h"), {"La": 0.25, "Ce": 0.5, "Pr": 0.05,
                                                     "Nd": 0.2})  # fmt: skip
    args = (feed, ("Ce", "Pr"), ("Pr", "Nd"), 0.99, 0.5, 0.99)
    monkeypatch.setattr(side_draw_cut, "_DESIGNS", {})
    first = side_draw_cut.three_outlet_split(*args)
    calls = []
    monkeypatch.setattr(side_draw_cut, "design_side_draw", lambda *a, **k: calls.append(a))
    second = side_draw_cut.three_outlet_split(*args)
    assert calls == []
    assert second.design is first.design
