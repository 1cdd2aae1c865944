"""Exact steady state of a two-component cascade through Smoker's closed form.

Model and conventions: :func:`tecmodel.separation.simulate_multicomponent` and
:mod:`tecmodel.separation`. Here A is component 0 (β), B component 1 (β = 1).

Why this method
---------------
With two components, constant β and constant fluxes in a section, one stage composed
with the section's operating line maps the A/B ratio linearly-fractionally (a Möbius
map, Smoker's equation). Going up the extraction section from the raffinate, the
aqueous ratio r = x_A/x_B obeys

    r_{i+1} = (α r_i + b) / (γ r_i + δ),   [[α, b], [γ, δ]] = [[(S + R_A)β, R_A],
                                                             [R_B β,     S + R_B]],

and going down the scrub section from the extract the organic ratio ρ = y_A/y_B obeys
the same form with [[(W + E_A)/β, E_A], [E_B/β, W + E_B]] (R_j, E_j: raffinate and
extract flux of j per unit of feed). k stages are the k-th power of that positive 2×2
matrix, which its two eigenvalues λ₊ > λ₋ > 0 give in closed form. Divided by
λ₊^k/(λ₊ − λ₋), the k-th iterate is

    r_k = [(P + q Q) r_0 + b (1 − q)] / [γ (1 − q) r_0 + (Q + q P)],   q = (λ₋/λ₊)^k,

with P = α − λ₋ and Q = λ₊ − α (P Q = bγ): every term is a product or a sum of
positive numbers, 1 − q is formed by ``expm1`` and q never overflows, so r_k keeps full
relative accuracy however small the trace and however many stages (the determinants,
βS(W + 1)-type products, are formed without subtraction too). The cost does not grow
with the stage count, and k may be any real number.

With the outlet fluxes tied by the balances (R_A + R_B = R, E_A + E_B = E,
E_B − R_A = c = E − F_A), one unknown remains: the smaller of the two traces that
cross the cut, u (R_A when c ≥ 0, else E_B). The two sections must give the same
composition at the feed stage,

    g(u) = ln β + ln r_below − ln ρ_above = 0,

(r_below: aqueous ratio at stage n, or n + 1 for organic feed, from the raffinate;
ρ_above: organic ratio there from the extract), g increasing in ln u. It is solved by a
bracketed secant (Anderson–Björck) on ln u, a handful of evaluations of the closed form
per design. The balance constant c, which sets the traces near a sharp cut, is formed
in double-double as the multicomponent solver does.

Compared with the multicomponent solver (:mod:`.steady_state`, marches over every stage
and Newton on C splits with a Jacobian), this is one scalar equation of O(1) cost per
design, and it also gives a design's purity margin at any stage count without solving
(:func:`purity_margin`), which the design's verification uses. The two agree to ~1e-13
relative on every outlet fraction (tests/test_binary.py). Designs outside the range
where the closed form is known to hold its accuracy — an outlet less than half pure, a
trace below 1e-250, a bracket that does not close — are handed to the multicomponent
solver, row by row, so a batch still gives the numbers of its designs one by one.
"""

from __future__ import annotations

import math

import numpy as np

from .steady_state import _dd_add, _dd_divide, _dd_sum, _two_sum, solve_steady_state

_MAX_EVALUATIONS = 80  # secant steps per design before it is handed to the general solver
_SMALLEST_TRACE = 1e-250  # below this a trace is handed to the log-space general solver
_RESIDUAL_TOLERANCE = 1e-14  # |g| accepted (log-ratios; g has slope ≥ ~1 in ln u)
_LONGEST_STEP = 20.0  # largest secant step in ln u before the root is bracketed


def iterate_mobius(k, r0, alpha, b, gamma, delta, det):
    """Ratio after k applications of r → (α r + b)/(γ r + δ), positive α, b, γ, δ.

    ``det`` = αδ − bγ > 0, formed by the caller without cancellation. k ≥ 0, real.
    Every array broadcasts.
    """
    diff = alpha - delta
    s = np.sqrt(diff * diff + 4.0 * b * gamma)  # λ₊ − λ₋
    big = 0.5 * (s + np.abs(diff))
    small = b * gamma / big
    p = np.where(diff >= 0.0, big, small)  # α − λ₋
    q_ = np.where(diff >= 0.0, small, big)  # λ₊ − α
    top = 0.5 * (alpha + delta + s)  # λ₊
    gap = s / top  # 1 − λ₋/λ₊
    log_ratio = np.where(gap < 0.5, np.log1p(-gap), np.log(det / top / top))
    exponent = k * log_ratio
    power = np.exp(exponent)  # (λ₋/λ₊)^k
    rest = -np.expm1(exponent)  # 1 − (λ₋/λ₊)^k
    return ((p + power * q_) * r0 + b * rest) / (gamma * rest * r0 + (q_ + power * p))


class _Binary:
    """Outlet totals and the balance constant of a flat batch of binary cascades."""

    def __init__(self, beta, feed_fraction, n, m, organic_flux, scrub_flux, organic_feed):
        S, W = organic_flux, scrub_flux
        self.beta, self.S, self.W = beta, S, W
        self.organic_feed = organic_feed
        if organic_feed:
            self.raffinate, self.extract = W - S, S + 1.0 - W
        else:
            self.raffinate, self.extract = W + 1.0 - S, S - W
        # stages between the outlet and the feed-stage match, in each section
        self.k_below = n - 1 + int(organic_feed)
        self.k_above = m - int(organic_feed)
        raw = np.stack([feed_fraction, 1.0 - feed_fraction])
        total = _dd_sum(raw)
        self.feed_a = feed_fraction / (feed_fraction + (1.0 - feed_fraction))
        # c = E − F_A in double-double: (S − W) − F_A (aqueous), (S − W) + F_B (organic)
        side = raw[1] if organic_feed else raw[0]
        fraction = _dd_divide((side, np.zeros_like(side)), total)
        if not organic_feed:
            fraction = (-fraction[0], -fraction[1])
        high, low = _dd_add(_two_sum(S, -W), fraction)
        self.c = high + low
        positive = self.c >= 0.0
        self.positive = positive
        # u (R_A if c ≥ 0, else E_B) lies in (max(0, −c), ...) ∩ (0, u_max)
        self.u_max = np.where(
            positive,
            np.minimum(self.raffinate, self.feed_a),
            np.minimum(self.extract, 1.0 - self.feed_a),
        )

    def fluxes(self, u):
        """R_A, R_B, E_A, E_B for the unknown trace u."""
        c = self.c
        r_a = np.where(self.positive, u, u - c)
        e_b = np.where(self.positive, c + u, u)
        return r_a, self.raffinate - r_a, self.extract - e_b, e_b

    def below(self, k, r_a, r_b):
        """ln of the aqueous A/B ratio k stages above the raffinate."""
        beta, S = self.beta, self.S
        det = beta * S * (S + r_a + r_b)
        ratio = iterate_mobius(k, r_a / r_b, (S + r_a) * beta, r_a, r_b * beta, S + r_b, det)
        return np.log(ratio)

    def above(self, k, e_a, e_b):
        """ln of the organic A/B ratio k stages below the extract."""
        beta, W = self.beta, self.W
        det = W * (W + e_a + e_b) / beta
        ratio = iterate_mobius(k, e_a / e_b, (W + e_a) / beta, e_a, e_b / beta, W + e_b, det)
        return np.log(ratio)

    def residual(self, log_u):
        """g = ln β + ln r_below − ln ρ_above at the feed-stage match.

        Both sections' Möbius maps in one call of twice the batch (:meth:`below` and
        :meth:`above` on the two halves: the same numbers, in half the numpy calls).
        """
        r_a, r_b, e_a, e_b = self.fluxes(np.exp(log_u))
        beta, S, W = self.beta, self.S, self.W
        # the arguments of both maps, each pair (below, above) one row of twice the batch
        pairs = (
            self.k_below, self.k_above,
            r_a / r_b, e_a / e_b,
            (S + r_a) * beta, (W + e_a) / beta,
            r_a, e_a,
            r_b * beta, e_b / beta,
            S + r_b, W + e_b,
            beta * S * (S + r_a + r_b), W * (W + e_a + e_b) / beta,
        )  # fmt: skip
        try:
            table = np.stack(pairs)  # every one of the batch's shape, as a rule
        except ValueError:
            table = np.stack(np.broadcast_arrays(*pairs))
        shape = table.shape[1:]
        logs = np.log(iterate_mobius(*table.reshape(7, -1)))
        size = logs.size // 2
        below, above = logs[:size].reshape(shape), logs[size:].reshape(shape)
        return np.log(beta) + below - above

    def subset(self, rows):
        """The designs ``rows`` (sorted distinct indices, or a mask) as a new object."""
        other = object.__new__(_Binary)
        rows = np.asarray(rows)
        size = np.size(self.c)
        if (
            rows.dtype.kind in "iu"
            and rows.size == size
            and np.ndim(self.c) == 1
            and (not rows.size or rows[-1] == rows.size - 1)
        ):  # every design, in order: the same arrays
            other.__dict__.update(self.__dict__)
            return other
        for name, value in self.__dict__.items():
            setattr(other, name, value[rows] if isinstance(value, np.ndarray) else value)
        return other


def _solve_trace(system, guess):
    """ln u at the feed-stage match, per design: (log_u, evaluations, converged).

    Secant steps from ``guess`` (each at most ``_LONGEST_STEP`` in ln u) until the root is
    bracketed, then Anderson–Björck regula falsi on the bracket. Each design stops on its
    own (|g| ≤ tolerance or a bracket a few ulps wide), so its path depends on its own
    numbers only.
    """
    top = np.log(system.u_max) + np.log1p(-1e-12)  # g → +∞ as u → u_max
    x = np.minimum(guess, top)
    if x.shape == (1,):  # one design (every call of a single evaluation)
        return _solve_one_trace(system, x, top)
    g = system.residual(x)
    batch = x.shape
    lo, g_lo = np.full(batch, -np.inf), np.full(batch, np.nan)
    hi, g_hi = top.copy(), np.full(batch, np.inf)
    evaluations = np.ones(batch, dtype=np.int64)
    converged = np.abs(g) <= _RESIDUAL_TOLERANCE
    x_old, g_old = x - 1.0, np.full(batch, np.nan)  # no secant yet: slope 1 assumed
    last = np.zeros(batch, dtype=np.int8)  # side moved last: −1 lo, +1 hi
    active = np.flatnonzero(~converged & np.isfinite(g))
    for _ in range(_MAX_EVALUATIONS):
        if not active.size:
            break
        # every design still active (one design, as a rule): the arrays themselves
        full = active.size == x.size
        xa, ga = (x, g) if full else (x[active], g[active])
        below = ga < 0.0
        # bracket update with the latest point (Anderson–Björck scaling of the kept side)
        if full:
            la, gla, ha, gha, side = lo, g_lo, hi, g_hi, last
        else:
            la, gla, ha, gha = lo[active], g_lo[active], hi[active], g_hi[active]
            side = last[active]
        scale_hi = np.where(np.isfinite(gla) & below, 1.0 - ga / gla, 0.5)
        scale_lo = np.where(np.isfinite(gha) & ~below, 1.0 - ga / gha, 0.5)
        gha = np.where(below & (side == -1), gha * np.where(scale_hi > 0, scale_hi, 0.5), gha)
        gla = np.where(~below & (side == 1), gla * np.where(scale_lo > 0, scale_lo, 0.5), gla)
        la, gla = np.where(below, xa, la), np.where(below, ga, gla)
        ha, gha = np.where(below, ha, xa), np.where(below, gha, ga)
        side = np.where(below, -1, 1).astype(np.int8)
        bracketed = np.isfinite(la) & np.isfinite(gha)
        # before a bracket: a secant step from the last two points, at most 20 in ln u
        if full:
            slope = (ga - g_old) / (xa - x_old)
        else:
            slope = (ga - g_old[active]) / (xa - x_old[active])
        slope = np.where(np.isfinite(slope) & (slope > 0.0), slope, 1.0)
        free = xa - np.clip(ga / slope, -_LONGEST_STEP, _LONGEST_STEP)
        free = np.where(free >= ha, 0.5 * (xa + ha), free)
        falsi = ha - gha * (ha - la) / (gha - gla)
        inside = (falsi > la) & (falsi < ha)
        falsi = np.where(inside, falsi, 0.5 * (la + ha))
        new = np.where(bracketed, falsi, free)
        if full:
            lo, g_lo, hi, g_hi, last = la, gla, ha, gha, side
            x_old, g_old = xa, ga
            g_new = system.residual(new)
            x, g = new, g_new
        else:
            lo[active], g_lo[active], hi[active], g_hi[active] = la, gla, ha, gha
            last[active] = side
            x_old[active], g_old[active] = xa, ga
            g_new = system.subset(active).residual(new)
            x[active], g[active] = new, g_new
        evaluations[active] += 1
        width = ha - la
        done = (np.abs(g_new) <= _RESIDUAL_TOLERANCE) | (
            bracketed & (width <= 4e-16 * np.maximum(1.0, np.abs(new)))
        )
        converged[active] = done & np.isfinite(g_new)
        active = active[~done & np.isfinite(g_new)]
    return x, evaluations, converged


def _solve_one_trace(system, x, top):
    """:func:`_solve_trace` of one design, on numpy scalars: the same operations in the
    same order, so the same numbers (``tests/test_binary.py`` compares the two paths).

    A batch of one spends most of its time in numpy's per-call overhead (about 45 calls
    per secant step and 75 per evaluation of g). Here the arithmetic and the choices
    are done on float64 scalars (IEEE operations as numpy's element loops do them,
    under the caller's errstate) and each transcendental function is applied to an
    array of the shape the batch path gives it ((1,) for ln u, (2,) for the two
    sections' Möbius maps), so it runs the same numpy loop on the same numbers.
    """
    one = system.subset(np.arange(1))  # every field a (1,) array or a plain value
    beta, S, W, c = one.beta[0], one.S[0], one.W[0], one.c[0]
    positive, raffinate, extract = bool(one.positive[0]), one.raffinate[0], one.extract[0]
    k_pair = (
        float(np.asarray(one.k_below).reshape(-1)[0]),
        float(np.asarray(one.k_above).reshape(-1)[0]),
    )
    log_beta = np.log(one.beta)[0]
    cell = np.empty(1)

    def residual(log_u):
        cell[0] = log_u
        u = np.exp(cell)[0]
        r_a, e_b = (u, c + u) if positive else (u - c, u)
        r_b, e_a = raffinate - r_a, extract - e_b
        return _one_residual(
            log_beta, k_pair,
            (r_a / r_b, e_a / e_b),
            ((S + r_a) * beta, (W + e_a) / beta),
            (r_a, e_a),
            (r_b * beta, e_b / beta),
            (S + r_b, W + e_b),
            (beta * S * (S + r_a + r_b), W * (W + e_a + e_b) / beta),
        )  # fmt: skip

    x = x[0]
    g = residual(x)
    lo, g_lo = _F(-np.inf), _F(np.nan)
    hi, g_hi = top[0], _F(np.inf)
    evaluations = 1
    converged = bool(abs(g) <= _RESIDUAL_TOLERANCE)
    x_old, g_old = x - 1.0, _F(np.nan)
    last = 0
    active = not converged and math.isfinite(g)
    for _ in range(_MAX_EVALUATIONS):
        if not active:
            break
        below = g < 0.0
        if below:
            scale_hi = 1.0 - g / g_lo if math.isfinite(g_lo) else 0.5
            if last == -1:
                g_hi = g_hi * (scale_hi if scale_hi > 0 else 0.5)
            lo, g_lo = x, g
            last = -1
        else:
            scale_lo = 1.0 - g / g_hi if math.isfinite(g_hi) else 0.5
            if last == 1:
                g_lo = g_lo * (scale_lo if scale_lo > 0 else 0.5)
            hi, g_hi = x, g
            last = 1
        bracketed = math.isfinite(lo) and math.isfinite(g_hi)
        if bracketed:
            falsi = hi - g_hi * (hi - lo) / (g_hi - g_lo)
            new = falsi if (falsi > lo and falsi < hi) else 0.5 * (lo + hi)
        else:
            slope = (g - g_old) / (x - x_old)
            if not (math.isfinite(slope) and slope > 0.0):
                slope = 1.0
            step = g / slope
            if step < -_LONGEST_STEP:
                step = -_LONGEST_STEP
            elif step > _LONGEST_STEP:
                step = _LONGEST_STEP
            free = x - step
            new = 0.5 * (x + hi) if free >= hi else free
        x_old, g_old = x, g
        g = residual(new)
        x = new
        evaluations += 1
        size = abs(new)
        if not (size >= 1.0 or size != size):  # np.maximum(1, |new|), NaN kept
            size = 1.0
        done = bool(abs(g) <= _RESIDUAL_TOLERANCE) or (bracketed and bool(hi - lo <= 4e-16 * size))
        finite = math.isfinite(g)
        converged = done and finite
        active = not done and finite
    return (
        np.array([x], dtype=float),
        np.array([evaluations], dtype=np.int64),
        np.array([converged]),
    )


_F = np.float64


def _one_residual(log_beta, k, r0, alpha, b, gamma, delta, det):
    """g of one design from the pairs (below, above) of the Möbius maps' arguments:
    :func:`iterate_mobius` on each pair, scalar arithmetic, the functions on (2,)."""
    s, big, small, top, gap, scaled = [], [], [], [], [], []
    for i in (0, 1):
        diff = alpha[i] - delta[i]
        square = diff * diff + 4.0 * b[i] * gamma[i]
        root = _F(math.sqrt(square)) if square >= 0.0 else _F(np.nan)
        half = 0.5 * (root + abs(diff))
        s.append(diff >= 0.0)
        big.append(half)
        small.append(b[i] * gamma[i] / half)
        top.append(0.5 * (alpha[i] + delta[i] + root))
        gap.append(root / top[i])
        scaled.append(det[i] / top[i] / top[i])
    near = np.log1p(-np.array(gap))
    far = np.log(np.array(scaled))
    exponent = np.array([k[i] * (near[i] if gap[i] < 0.5 else far[i]) for i in (0, 1)])
    power = np.exp(exponent)
    rest = -np.expm1(exponent)
    ratio = np.empty(2)
    for i in (0, 1):
        p, q = (big[i], small[i]) if s[i] else (small[i], big[i])
        ratio[i] = ((p + power[i] * q) * r0[i] + b[i] * rest[i]) / (
            gamma[i] * rest[i] * r0[i] + (q + power[i] * p)
        )
    logs = np.log(ratio)
    return log_beta + logs[0] - logs[1]


def solve_binary(
    beta,
    feed_fraction,
    n,
    m,
    organic_flux,
    scrub_flux,
    organic_feed,
    start=None,
    tolerance=1e-13,
    max_iterations=200,
):
    """Outlet fluxes and stage profiles of a flat batch of binary cascades (checked inputs).

    Returns what :func:`.steady_state.solve_steady_state` returns — (aqueous, organic,
    extract, raffinate, iterations, real): fractions leaving every stage (B, N, 2), zero
    on padding stages; outlet fluxes (B, 2); evaluations of the closed form (B,); mask
    of real stages (B, N) — and ``log_u`` (B,), the solved trace, a warm start for a
    similar design. ``start``: ln u to start from (default: the over-pure guess).
    Designs outside the closed form's accurate range go to the general solver, with
    ``tolerance`` and ``max_iterations``.
    """
    system = _Binary(beta, feed_fraction, n, m, organic_flux, scrub_flux, organic_feed)
    with np.errstate(all="ignore"):
        guess = _guess(system)
        if start is not None:
            start = np.asarray(start, dtype=float)
            guess = np.where(np.isfinite(start), start, guess)
        log_u, evaluations, converged = _solve_trace(system, guess)
        r_a, r_b, e_a, e_b = system.fluxes(np.exp(log_u))
    good = converged & np.isfinite(log_u)
    good &= (np.minimum(r_a, e_b) >= _SMALLEST_TRACE) & (r_b > 0.0) & (e_a > 0.0)
    good &= (r_a <= 0.5 * system.raffinate) & (e_b <= 0.5 * system.extract)
    aqueous, organic, real = _profiles(system, r_a, r_b, e_a, e_b)
    extract = np.stack([e_a, e_b], axis=-1)
    raffinate = np.stack([r_a, r_b], axis=-1)
    if not good.all():
        rows = np.flatnonzero(~good)
        given = np.stack([feed_fraction[rows], 1.0 - feed_fraction[rows]], axis=-1)
        betas = np.stack([beta[rows], np.ones(rows.size)], axis=-1)
        part = solve_steady_state(
            betas,
            given,
            n[rows],
            m[rows],
            organic_flux[rows],
            scrub_flux[rows],
            organic_feed,
            tolerance,
            max_iterations,
        )
        width = part[0].shape[1]
        aqueous[rows], organic[rows] = 0.0, 0.0
        aqueous[rows, :width], organic[rows, :width] = part[0], part[1]
        extract[rows], raffinate[rows] = part[2], part[3]
        evaluations[rows] = part[4]
        with np.errstate(divide="ignore"):
            log_u[rows] = np.log(np.where(system.positive[rows], part[3][:, 0], part[2][:, 1]))
    return aqueous, organic, extract, raffinate, evaluations, real, log_u


def _guess(system):
    """ln u of a trace a tenth of the largest possible (the secant walks from there)."""
    return np.log(system.u_max) - np.log(10.0)


def _profiles(system, r_a, r_b, e_a, e_b):
    """Stage-by-stage fractions: the maps marched from both outlets to the feed stage.

    Each step is the positive map of the section (no subtraction), so the fractions keep
    the relative accuracy of the outlets; the ratios stay within (trace, 1/trace).
    """
    n = system.k_below + 1 - int(system.organic_feed)
    m = system.k_above + int(system.organic_feed)
    beta, S, W = system.beta, system.S, system.W
    batch = len(n)
    stages = int((n + m).max())
    ratio = np.full((batch, stages), np.nan)  # aqueous A/B leaving every stage
    # up the extraction section: stages 1 … n
    alpha, b, gamma, delta = (S + r_a) * beta, r_a, r_b * beta, S + r_b
    r = r_a / r_b
    ratio[:, 0] = r
    for i in range(1, int(n.max())):
        r = (alpha * r + b) / (gamma * r + delta)
        ratio[:, i] = r
    # down the scrub section: stages n + m … n + 1 (organic ratio, then ÷ β)
    alpha, b, gamma, delta = (W + e_a) / beta, e_a, e_b / beta, W + e_b
    rho = e_a / e_b
    last = n + m - 1
    scrub = np.empty((batch, int(m.max())))
    scrub[:, 0] = rho
    for i in range(1, int(m.max())):
        rho = (alpha * rho + b) / (gamma * rho + delta)
        scrub[:, i] = rho
    stage = np.arange(stages)[None, :]
    in_scrub = (stage >= n[:, None]) & (stage <= last[:, None])
    rows, cols = np.nonzero(in_scrub)
    ratio[rows, cols] = scrub[rows, last[rows] - cols] / beta[rows]
    real = stage < (n + m)[:, None]
    organic_ratio = ratio * beta[:, None]
    aqueous = _fractions(ratio, real)
    organic = _fractions(organic_ratio, real)
    return aqueous, organic, real


def _fractions(ratio, real):
    """(x_A, x_B) from x_A/x_B, zero on padding stages."""
    fractions = np.empty((*ratio.shape, 2))
    denominator = 1.0 + ratio
    np.divide(ratio, denominator, out=fractions[..., 0])
    np.divide(1.0, denominator, out=fractions[..., 1])
    fractions[~real] = 0.0
    return fractions
