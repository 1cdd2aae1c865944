"""The steady-state cascade solver (tecmodel/separation/steady_state.py).

Every check is an identity of the model (stage balances, equilibrium, Σ x = 1, outlet
balances, a fixed-D linear re-solve) or a value quoted in issue 11 from an 80-digit
solution; none is a number copied from the solver's output.
"""

import numpy as np
import pytest

from tecmodel.errors import InfeasibleDesignError
from tecmodel.separation import minimum_organic_flux, steady_state
from tecmodel.separation.steady_state import solve_steady_state


def _fluxes(n, m, S, W, organic_feed):
    """Aqueous and organic flux leaving every stage and the feed stage (model Notes)."""
    N = n + m
    if organic_feed:
        organic = np.array([S if i < n else S + 1.0 for i in range(N)])
        aqueous = np.full(N, W)
        aqueous[0], organic[-1] = W - S, S + 1.0 - W
        feed_stage = n  # stage n + 1, 0-based n
    else:
        organic = np.full(N, S)
        aqueous = np.array([W + 1.0 if i < n else W for i in range(N)])
        aqueous[0], organic[-1] = W + 1.0 - S, S - W
        feed_stage = n - 1
    return aqueous, organic, feed_stage


def _solve(beta, feed, n, m, S, W, organic_feed=False, **options):
    beta = np.atleast_2d(np.asarray(beta, dtype=float))
    feed = np.atleast_2d(np.asarray(feed, dtype=float))
    feed = feed / feed.sum(-1, keepdims=True)
    size = max(len(beta), len(feed), np.size(n), np.size(S))
    return solve_steady_state(
        np.broadcast_to(beta, (size, beta.shape[1])),
        np.broadcast_to(feed, (size, feed.shape[1])),
        np.broadcast_to(np.asarray(n, dtype=np.int64), (size,)),
        np.broadcast_to(np.asarray(m, dtype=np.int64), (size,)),
        np.broadcast_to(np.asarray(S, dtype=float), (size,)),
        np.broadcast_to(np.asarray(W, dtype=float), (size,)),
        organic_feed,
        **options,
    )


def _check_identities(beta, feed, n, m, S, W, organic_feed, solution, tolerance=1e-12):
    """Balances of every component in every stage relative to its own flows, Σ = 1, equilibrium."""
    x, y, extract, raffinate, _, real = solution
    beta = np.asarray(beta, dtype=float)
    feed = np.asarray(feed, dtype=float) / np.sum(feed)
    aqueous, organic, feed_stage = _fluxes(n, m, S, W, organic_feed)
    N = n + m
    x, y = x[:N], y[:N]
    assert real[:N].all() and not real[N:].any()
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-13)
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-13)
    present = feed > 0.0
    ratio = y[:, present] / (beta[present] * x[:, present])
    np.testing.assert_allclose(ratio / ratio[:, :1], 1.0, rtol=1e-12)
    out = aqueous[:, None] * x + organic[:, None] * y
    inflow = np.zeros_like(out)
    inflow[:-1] += aqueous[1:, None] * x[1:]
    inflow[1:] += organic[:-1, None] * y[:-1]
    inflow[feed_stage] += feed
    scale = np.where(out > 0.0, out, 1.0)
    assert np.max(np.abs(inflow - out) / scale) <= tolerance
    np.testing.assert_allclose(raffinate, aqueous[0] * x[0], rtol=1e-13)
    np.testing.assert_allclose(extract, organic[-1] * y[-1], rtol=1e-13)
    with np.errstate(invalid="ignore"):
        closure = np.where(present, (extract + raffinate) / np.where(present, feed, 1.0), 1.0)
    np.testing.assert_allclose(closure, 1.0, rtol=1e-13)


_DESIGNS = [
    # (β, feed, n, m, S, W, organic feed)
    ([2.0, 1.0], [0.5, 0.5], 25, 21, 1.708645, 1.208194, False),
    ([1.3, 1.0], [0.2, 0.8], 60, 40, 3.0, 2.7, False),
    ([3.0, 1.0], [0.7, 0.3], 12, 30, 1.1, 1.5, True),
    ([1.0, 1.5, 2.25, 4.0], [0.3, 0.3, 0.2, 0.2], 30, 30, 2.5, 2.1, False),
    ([1.0, 1.5, 2.25, 4.0], [0.3, 0.3, 0.2, 0.2], 30, 30, 2.0, 2.5, True),
    (
        [1.0, 3.24, 6.61, 10.44, 64.2],
        [0.336, 0.488, 0.043, 0.122, 1e-12],
        40,
        40,
        3.2,
        3.02,
        False,
    ),
    ([1.0, 3.24, 6.61, 10.44, 64.2], [1e-12, 0.488, 0.043, 0.122, 0.0116], 40, 40, 3.0, 3.5, True),
    ([1.0, 2.0], [0.5, 0.5], 1, 1, 1.2, 0.7, False),  # one stage per section
    ([1.0, 2.0], [0.5, 0.5], 1, 1, 0.7, 1.2, True),
]


@pytest.mark.parametrize("design", _DESIGNS)
def test_every_stage_balances_and_is_at_equilibrium(design):
    beta, feed, n, m, S, W, organic_feed = design
    solution = _solve(beta, feed, n, m, S, W, organic_feed)
    _check_identities(beta, feed, n, m, S, W, organic_feed, [a[0] for a in solution])


def test_random_designs_both_feeds_satisfy_the_identities():
    rng = np.random.default_rng(11)
    for _ in range(24):
        components = int(rng.integers(2, 8))
        beta = np.cumprod(np.r_[1.0, rng.uniform(1.05, 3.0, components - 1)])
        feed = rng.uniform(0.01, 1.0, components)
        feed[rng.random(components) < 0.25] = 1e-12  # traces
        feed /= feed.sum()
        n, m = (int(v) for v in rng.integers(1, 80, 2))
        organic_feed = bool(rng.random() < 0.5)
        split = rng.uniform(0.05, 0.95)  # extract flux per unit of feed
        W = rng.uniform(0.1, 4.0)
        S = W + split if not organic_feed else W - 1.0 + split
        if S <= 0.0:
            S, W = 0.5 * split, 0.5 * split + 1.0 - split
        solution = _solve(beta, feed, n, m, S, W, organic_feed)
        _check_identities(beta, feed, n, m, S, W, organic_feed, [a[0] for a in solution])


def test_profile_is_the_fixed_point_of_an_independent_linear_solve():
    # with D_ij = β_j / Σ_k β_k x_ik from the solution, each component's balances are a
    # linear system; a dense solve of it must give the same profile back
    beta, feed, n, m, S, W = [1.0, 1.8, 3.0], [0.4, 0.35, 0.25], 20, 18, 2.2, 1.7
    x = _solve(beta, feed, n, m, S, W)[0][0]
    aqueous, organic, feed_stage = _fluxes(n, m, S, W, False)
    mixed = x @ np.asarray(beta)
    N = n + m
    for j, b in enumerate(beta):
        distribution = b / mixed
        matrix = np.diag(aqueous + organic * distribution)
        matrix -= np.diag(aqueous[1:], 1)
        matrix -= np.diag((organic * distribution)[:-1], -1)
        rhs = np.zeros(N)
        rhs[feed_stage] = feed[j]
        np.testing.assert_allclose(np.linalg.solve(matrix, rhs), x[:, j], rtol=1e-10)


def _near_pinch(feed):
    # issue 11: β = 2, equimolar feed, S = 1.01 S_min for purities 0.999/0.999, W from
    # the outlet split, 150 + 150 stages
    split = (0.5 - 1 + 0.999) / (0.999 - 1 + 0.999)
    S = 1.01 * minimum_organic_flux(2.0, 0.5, 0.999, 0.999, feed=feed)
    W = S - split if feed == "aqueous" else S + 1.0 - split
    return S, W


def test_near_pinch_raffinate_trace_matches_the_80_digit_solution():
    S, W = _near_pinch("aqueous")
    _, _, extract, raffinate, _, _ = (a[0] for a in _solve([2.0, 1.0], [0.5, 0.5], 150, 150, S, W))
    trace = raffinate[0] / raffinate.sum()
    # issue 11 quotes 7.19e-19 from an 80-digit solution (to three digits)
    assert trace == pytest.approx(7.19e-19, rel=1e-3)
    # identity for these inputs: S − W − 1/2 = 0 exactly in binary floating point, so
    # E_B = (S − W) − E_A = 1/2 − (1/2 − R_A) = R_A exactly; a stage-balance Newton
    # method returned R_A = 1.6e-25 against E_B = 1.5e-18 here
    assert (S - W) - 0.5 == 0.0
    assert extract[1] == pytest.approx(raffinate[0], rel=1e-12)


@pytest.mark.parametrize("feed", ["aqueous", "organic"])
@pytest.mark.parametrize("stages", [150, 300])
def test_near_pinch_cascades_converge_and_balance(feed, stages):
    S, W = _near_pinch(feed)
    solution = [
        a[0] for a in _solve([2.0, 1.0], [0.5, 0.5], stages, stages, S, W, feed == "organic")
    ]
    _check_identities([2.0, 1.0], [0.5, 0.5], stages, stages, S, W, feed == "organic", solution)


def test_trace_component_balances_to_its_own_scale():
    beta = [1.0, 3.24, 6.61, 10.44, 64.2]
    feed = np.array([0.336, 0.488, 0.043, 0.122, 1e-12])
    feed /= feed.sum()
    x, y, extract, raffinate, _, _ = (a[0] for a in _solve(beta, feed, 57, 57, 2.9, 2.73))
    assert extract[4] + raffinate[4] == pytest.approx(feed[4], rel=1e-12)
    assert raffinate[4] > 0.0  # resolved, not flushed to zero
    _check_identities(beta, feed, 57, 57, 2.9, 2.73, False, (x, y, extract, raffinate, None, _))


def test_component_absent_from_the_feed_is_exactly_zero_and_changes_nothing():
    with_zero = [a[0] for a in _solve([1.0, 2.0, 4.0], [0.5, 0.0, 0.5], 20, 20, 1.9, 1.4)]
    without = [a[0] for a in _solve([1.0, 4.0], [0.5, 0.5], 20, 20, 1.9, 1.4)]
    assert np.all(with_zero[0][:, 1] == 0.0) and with_zero[2][1] == 0.0 == with_zero[3][1]
    np.testing.assert_allclose(with_zero[0][:, [0, 2]], without[0], rtol=1e-12)
    np.testing.assert_allclose(with_zero[2][[0, 2]], without[2], rtol=1e-12)


def test_below_the_minimum_flux_still_converges_it_only_misses_purity():
    # S under S_min is not infeasible: a steady state exists, the targets are not met
    S_min = minimum_organic_flux(2.0, 0.5, 0.999, 0.999)
    S = 0.7 * S_min
    W = S - 0.5
    solution = [a[0] for a in _solve([2.0, 1.0], [0.5, 0.5], 200, 200, S, W)]
    _check_identities([2.0, 1.0], [0.5, 0.5], 200, 200, S, W, False, solution)
    extract = solution[2]
    assert extract[0] / extract.sum() < 0.999


def test_a_batch_gives_the_numbers_of_the_designs_one_by_one_bit_for_bit():
    beta = np.array([[2.0, 1.0, 0.5], [1.5, 1.0, 0.8], [3.0, 1.2, 1.0], [2.0, 1.0, 0.5]])
    feed = np.array([[0.3, 0.4, 0.3], [0.2, 0.5, 0.3], [1e-12, 0.6, 0.4], [0.3, 0.4, 0.3]])
    n = np.array([5, 40, 17, 90])
    m = np.array([12, 3, 33, 60])
    S = np.array([1.2, 2.0, 1.6, 1.25])
    W = np.array([0.9, 1.6, 1.1, 0.95])
    batch = solve_steady_state(beta, feed, n, m, S, W, False)
    for row in range(len(beta)):
        alone = solve_steady_state(
            beta[row : row + 1], feed[row : row + 1], n[row : row + 1], m[row : row + 1],
            S[row : row + 1], W[row : row + 1], False,
        )  # fmt: skip
        stages = n[row] + m[row]
        assert np.array_equal(batch[0][row, :stages], alone[0][0, :stages])
        assert np.array_equal(batch[1][row, :stages], alone[1][0, :stages])
        assert np.array_equal(batch[2][row], alone[2][0])
        assert np.array_equal(batch[3][row], alone[3][0])
        assert batch[4][row] == alone[4][0]
        assert np.all(batch[0][row, stages:] == 0.0)


def test_a_design_that_does_not_converge_raises_and_names_it():
    S, W = _near_pinch("aqueous")
    with pytest.raises(InfeasibleDesignError, match="flat batch index 0") as raised:
        _solve([2.0, 1.0], [0.5, 0.5], 150, 150, S, W, max_iterations=1)
    # one iteration per level cannot reach the design: the message says how far it got
    assert "of its 150 + 150 stages" in str(raised.value)


def test_a_warm_start_from_a_neighbouring_design_reaches_the_same_steady_state():
    beta, feed, S, W = [2.0, 1.0], [0.4, 0.6], 1.7, 1.25
    cold = [a[0] for a in _solve(beta, feed, 21, 19, S, W)]
    shorter = [a[0] for a in _solve(beta, feed, 20, 19, S, W)]
    splits = np.log(shorter[3]) - np.log(shorter[2])  # ln(R_j / E_j) of the neighbour
    warm = [a[0] for a in _solve(beta, feed, 21, 19, S, W, start=splits[None])]
    np.testing.assert_allclose(warm[2], cold[2], rtol=1e-12)
    np.testing.assert_allclose(warm[0][:40], cold[0][:40], rtol=1e-11)
    # no claim on iterations: for this binary the default (finite-flux) start is already
    # within Newton's quadratic range (3 iterations; the neighbour's splits take 4)


@pytest.mark.parametrize("organic_feed", [False, True])
def test_balance_across_a_sharp_cut_is_formed_exactly(organic_feed):
    # c = (S − W) − F_A (aqueous feed) or (S − W) + F_B (organic feed), with F the feed
    # fraction of one side; near a sharp cut c is ~1e-9 or less and must carry the
    # relative accuracy of a double, checked against exact rational arithmetic
    from fractions import Fraction

    from tecmodel.separation.steady_state import _Designs

    rng = np.random.default_rng(7)
    raw = rng.uniform(0.001, 0.5, size=(6, 5))  # 6 designs, 5 components, unnormalized
    extract_side = np.array([True, True, False, False, False])
    side = ~extract_side if organic_feed else extract_side
    # S − W set so that c is tiny: a design on the edge of the cut, like the reference's
    W = rng.uniform(0.5, 1.5, size=6)
    share = raw[:, side].sum(1) / raw.sum(1)
    S = W + (share if not organic_feed else -share) + rng.uniform(-1e-9, 1e-9, size=6)
    if organic_feed:
        S = np.abs(S)
    designs = _Designs(
        np.ones((6, 5)), raw / raw.sum(1, keepdims=True), np.ones(6, int), np.ones(6, int),
        S, W, organic_feed, raw,
    )  # fmt: skip
    computed = designs.cut_imbalance(np.broadcast_to(extract_side[:, None], (5, 6)))
    for k in range(6):
        fraction = sum(Fraction(v) for v in raw[k, side]) / sum(Fraction(v) for v in raw[k])
        exact = Fraction(S[k]) - Fraction(W[k]) + (fraction if organic_feed else -fraction)
        assert abs(computed[k] - float(exact)) <= 1e-15 * abs(float(exact))


@pytest.mark.parametrize("components", [8, 12])
@pytest.mark.parametrize("organic_feed", [False, True])
def test_a_batch_of_many_components_gives_the_numbers_one_by_one_bit_for_bit(
    organic_feed, components
):
    # 8 or more components: numpy sums a (C, 1) array pairwise but a (C, B > 1) array
    # row by row; the solver sums components in one order whatever the batch
    rng = np.random.default_rng(13)
    designs = 5
    factors = rng.uniform(1.3, 2.0, (designs, components - 1))
    beta = np.cumprod(np.column_stack([np.ones(designs), factors]), 1)
    feed = rng.dirichlet(np.ones(components), designs)
    feed[1, 3] = 1e-9  # a trace
    n = rng.integers(5, 25, designs)
    m = rng.integers(5, 25, designs)
    half = components // 2
    split = feed[:, half:].sum(-1)  # the more extractable half to the extract
    S = 1.6 * split / (1.0 - split) + 0.5
    W = S + 1.0 - split if organic_feed else S - split
    for profiles in (True, False):
        batch = solve_steady_state(beta, feed, n, m, S, W, organic_feed, profiles=profiles)
        for row in range(designs):
            one = slice(row, row + 1)
            alone = solve_steady_state(
                beta[one], feed[one], n[one], m[one], S[one], W[one], organic_feed,
                profiles=profiles,
            )  # fmt: skip
            assert np.array_equal(batch[2][row], alone[2][0])
            assert np.array_equal(batch[3][row], alone[3][0])
            if profiles:
                stages = n[row] + m[row]
                assert np.array_equal(batch[0][row, :stages], alone[0][0, :stages])
                assert np.array_equal(batch[1][row, :stages], alone[1][0, :stages])


def _sequential_start(designs):
    """The total-reflux start by the plain one-halving-at-a-time bisection (the loop
    :func:`steady_state._start` replaced), the reference its levels-at-once form must
    reproduce bit for bit."""
    log_beta = designs.log_beta
    low = log_beta.min(0) - 1.0
    high = log_beta.max(0) + 1.0
    columns = np.arange(log_beta.shape[1])
    for _ in range(80):
        theta = 0.5 * (low + high)
        t = steady_state._fenske_splits(designs, theta)
        log_r, log_e, _, _ = steady_state._splits(designs, t, False)
        target = designs.imbalances[np.count_nonzero(t < 0.0, axis=0), columns]
        left, right = steady_state._cut_balance(designs, t, log_r, log_e, target=target)
        above = left < right
        new_high = np.where(above, theta, high)
        new_low = np.where(above, low, theta)
        if np.array_equal(new_high, high) and np.array_equal(new_low, low):
            break
        high, low = new_high, new_low
    return steady_state._fenske_splits(designs, 0.5 * (low + high))


def _designs(components, batch, organic_feed, seed):
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.2, 3.0, (batch, components - 1))
    beta = np.cumprod(np.column_stack([np.ones(batch), factors]), 1)
    feed = rng.dirichlet(np.ones(components), batch)
    n = rng.integers(3, 60, batch)
    m = rng.integers(3, 60, batch)
    split = feed[:, components // 2 :].sum(-1)
    S = rng.uniform(1.05, 2.0, batch) * split / (1.0 - split) + 0.3
    W = S + 1.0 - split if organic_feed else S - split
    return steady_state._Designs(beta, feed, n, m, S, W, organic_feed, feed)


@pytest.mark.parametrize("components", [2, 3, 5, 9, 15])
@pytest.mark.parametrize("organic_feed", [False, True])
def test_the_start_is_the_sequential_bisection_bit_for_bit(components, organic_feed):
    designs = _designs(components, 40, organic_feed, seed=components)
    with np.errstate(all="ignore"):
        reference = _sequential_start(designs)
        assert np.array_equal(steady_state._start(designs), reference)  # one batch
        for row in range(0, 40, 7):  # and one design at a time
            alone = designs.subset(np.array([row]))
            assert np.array_equal(steady_state._start(alone)[:, 0], reference[:, row])
        # stopped once the sides are decided: every split on the side the root gives it
        sides = steady_state._start(designs, sides_only=True)
        assert np.array_equal(sides < 0.0, reference < 0.0)
