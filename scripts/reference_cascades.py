"""High-precision reference steady states of extraction + scrub cascades (mpmath).

Writes ``tests/data/cascade_reference.json``, which ``tests/test_cascade_reference.py``
reads to check :func:`tecmodel.separation.simulate_cascade` and
:func:`tecmodel.separation.simulate_multicomponent` on every outlet fraction.

Run: ``PYTHONPATH=$PWD python scripts/reference_cascades.py`` (a few minutes on one core;
it prints one line per case); ``... reference_cascades.py NAME ... --merge`` solves the
named cases only and puts them into the existing file (without ``--merge``: prints only).

Model (the one in the docstring of ``simulate_multicomponent``): constant rare-earth
fluxes per section per unit of feed, equilibrium y_j = β_j x_j / Σ_k β_k x_k in every
stage, aqueous feed into stage n, organic feed into stage n + 1, barren fresh organic
(stage 1) and scrub acid (stage n + m).

Method: exact shooting from both outlets, at ``WORKING_DIGITS`` significant digits.
The unknowns are the log split ratios u_j = ln(e_j / r_j) of the component fluxes in the
extract (e) and the raffinate (r); r_j = f_j / (1 + e^{u_j}) and e_j = f_j / (1 + e^{−u_j})
balance every component exactly and stay positive however sharp the split.

* From the raffinate up: x_1 = r / R, and the balance of stages 1 … i gives the aqueous
  entering stage i from above, a x_{i+1} = S y_i + r, with y_i = β x_i / Σ β x_i.
* From the extract down: y_{n+m} = e / E, x_i = (y_i / β) / Σ (y_i / β), and the balance of
  stages i … n + m gives the organic entering stage i from below, o y_{i−1} = W x_i + e.
* The two marches meet at the feed stage: with aqueous feed the organic leaving stage n
  (S y_n from below, W x_{n+1} + e from above); with organic feed the aqueous leaving
  stage n + 1 (S y_n + r from below, W x_{n+1} from above). The equations
  ln(from below) − ln(from above) = 0 are the feed stage's balances.
* Their sum is the flux balance Σ r_j = R. Left to Newton's method, that balance is a
  nearly flat direction (a common shift of every u_j moves only the minor fluxes, so the
  Jacobian has a singular value of the size of the outlet traces, and Newton crept or
  stalled on sharp designs). So it is imposed exactly instead: u = v + δ with v_anchor = 0
  (the anchor is the largest feed component), δ solved for every v from the balance
  written without cancellation (Σ_Q r_j − Σ_P e_j = R − Σ_P f_j, P the components mostly
  in the raffinate, Q the rest; see ``Cascade.full``). Newton's method (finite-difference
  Jacobian, mp.lu_solve, halving line search) then solves the C − 1 other feed-stage
  equations for the C − 1 free v_j.

Why shooting: both marches are free of subtractions (sums and quotients of positive
numbers), so every stage composition keeps its relative accuracy whatever its size
(traces of 1e-300 and below included), and a cascade of any length has only C − 1
unknowns. The start is a continuation in the stage count (``continuation``): β-continuation
was tried first and stalls where β^τ puts the design on its pinch (τ ≈ 0.991 for the
β = 2 near-pinch binary), a path that continuation in stages never takes.

Self-checks written into the JSON for every case: the largest relative residual of every
component balance of every stage of the assembled profile (an independent check of the
marches), and the largest relative change of any outlet fraction when the case is solved
again at ``WORKING_DIGITS + 20`` digits.

Inputs that tecmodel reads as doubles (β, feed, S, W) are rounded to doubles first and
used exactly (mpmath converts a float without rounding), so the reference solves the very
design the test passes to tecmodel.
"""

from __future__ import annotations

import json
import pathlib
import sys
import time

import mpmath as mp

WORKING_DIGITS = 60
CHECK_DIGITS = WORKING_DIGITS + 20
CONTINUATION_DIGITS = 40
VERBOSE = "-v" in sys.argv
OUTPUT = (
    pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "cascade_reference.json"
)


# ---------------------------------------------------------------- the model


class Cascade:
    """One design at the current mp precision: fluxes, marches, feed-stage residual."""

    def __init__(self, beta, feed, n, m, S, W, organic_feed):
        self.beta = [mp.mpf(b) for b in beta]
        total = mp.fsum(mp.mpf(f) for f in feed)
        self.feed = [mp.mpf(f) / total for f in feed]
        self.n, self.m = n, m
        self.S, self.W = mp.mpf(S), mp.mpf(W)
        self.organic_feed = organic_feed
        if organic_feed:
            # organic S (extraction), S + 1 (scrub); aqueous W throughout
            self.raffinate = self.W - self.S
            self.extract = self.S + 1 - self.W
        else:
            # organic S throughout; aqueous W + 1 (extraction), W (scrub)
            self.raffinate = self.W + 1 - self.S
            self.extract = self.S - self.W
        # the component whose log split ratio is set by the flux balance (and whose
        # feed-stage equation that balance implies): the largest in the feed
        self.anchor = max(range(len(self.feed)), key=lambda j: self.feed[j])
        self._shift = mp.mpf(0)

    def full(self, v):
        """All C log split ratios u from the C − 1 free ones (u_anchor − δ = 0, v = u − δ).

        δ closes the flux balance Σ r_j = R, written without cancellation: with P the
        components mostly in the raffinate (u_j < 0) and Q the rest,
        Σ_Q r_j − Σ_P e_j = R − Σ_P f_j, both sides of the size of the minor fluxes; it is
        solved for δ in logarithms (Newton, safeguarded by a bracket), where it is nearly
        linear.
        """
        base = list(v)
        base.insert(self.anchor, mp.mpf(0))
        delta = self._shift
        tolerance = mp.mpf(10) ** (-(mp.mp.dps - 8))
        low, high = None, None  # φ(low) > 0 > φ(high); φ decreases with δ
        for _ in range(400):
            u = [b + delta for b in base]
            r, e = self.split(u)
            raffinate_side = [uj < 0 for uj in u]
            gap = self.raffinate - mp.fsum(
                f for f, side in zip(self.feed, raffinate_side, strict=True) if side
            )
            minor_raffinate = mp.fsum(
                rj for rj, side in zip(r, raffinate_side, strict=True) if not side
            )
            minor_extract = mp.fsum(ej for ej, side in zip(e, raffinate_side, strict=True) if side)
            # minor_raffinate − minor_extract = gap, as φ = ln(left) − ln(right) = 0
            if gap >= 0:
                left, right = minor_raffinate, minor_extract + gap
            else:
                left, right = minor_raffinate - gap, minor_extract
            if left == 0 or right == 0:
                phi = mp.mpf(1) if right == 0 else mp.mpf(-1)
                derivative = None
            else:
                phi = mp.log(left) - mp.log(right)
                # d(minor r)/dδ = −Σ_Q r e / f, d(minor e)/dδ = Σ_P r e / f
                d_r = -mp.fsum(
                    rj * ej / f
                    for rj, ej, f, side in zip(r, e, self.feed, raffinate_side, strict=True)
                    if not side
                )
                d_e = mp.fsum(
                    rj * ej / f
                    for rj, ej, f, side in zip(r, e, self.feed, raffinate_side, strict=True)
                    if side
                )
                derivative = d_r / left - d_e / right
            if abs(phi) < tolerance:
                self._shift = delta
                return u
            if phi > 0:
                low = delta
            else:
                high = delta
            step = None if derivative is None or derivative == 0 else -phi / derivative
            candidate = None if step is None else delta + step
            if candidate is not None and (
                (low is None or candidate > low) and (high is None or candidate < high)
            ):
                delta = candidate
            elif low is not None and high is not None:
                delta = (low + high) / 2
            elif low is not None:
                delta = low + max(1, abs(step) if step is not None else 1)
            else:
                delta = high - max(1, abs(step) if step is not None else 1)
        raise RuntimeError("flux balance: no shift found")

    def split(self, u):
        """Component fluxes (r, e) in raffinate and extract from the log split ratios."""
        r = [f / (1 + mp.exp(uj)) for f, uj in zip(self.feed, u, strict=True)]
        e = [f / (1 + mp.exp(-uj)) for f, uj in zip(self.feed, u, strict=True)]
        return r, e

    def equilibrium(self, x):
        weighted = [b * xj for b, xj in zip(self.beta, x, strict=True)]
        total = mp.fsum(weighted)
        return [w / total for w in weighted]

    def inverse_equilibrium(self, y):
        weighted = [yj / b for b, yj in zip(self.beta, y, strict=True)]
        total = mp.fsum(weighted)
        return [w / total for w in weighted]

    def march_up(self, r):
        """Aqueous and organic leaving stages 1 … (n or n + 1) from the raffinate."""
        aqueous_flux = self.W if self.organic_feed else self.W + 1
        x = [rj / self.raffinate for rj in r]
        xs, ys = [], []
        for _ in range(self.n):
            y = self.equilibrium(x)
            xs.append(x)
            ys.append(y)
            x = [(self.S * yj + rj) / aqueous_flux for yj, rj in zip(y, r, strict=True)]
        return xs, ys, x  # x: aqueous entering stage n from stage n + 1

    def march_down(self, e):
        """Aqueous and organic leaving stages n + m … n + 1 from the extract."""
        organic_flux = self.S + 1 if self.organic_feed else self.S
        y = [ej / self.extract for ej in e]
        xs, ys = [], []
        for _ in range(self.m):
            x = self.inverse_equilibrium(y)
            xs.append(x)
            ys.append(y)
            y = [(self.W * xj + ej) / organic_flux for xj, ej in zip(x, e, strict=True)]
        return xs, ys, y  # y: organic entering stage n + 1 from stage n

    def meeting(self, u):
        """(from below, from above): the flux the feed-stage balance must match."""
        r, e = self.split(u)
        _, ys_up, _ = self.march_up(r)
        xs_down, _, _ = self.march_down(e)
        x_first_scrub = xs_down[-1]  # aqueous leaving stage n + 1
        if self.organic_feed:
            below = [self.S * yj + rj for yj, rj in zip(ys_up[-1], r, strict=True)]
            above = [self.W * xj for xj in x_first_scrub]
        else:
            below = [self.S * yj for yj in ys_up[-1]]
            above = [self.W * xj + ej for xj, ej in zip(x_first_scrub, e, strict=True)]
        return below, above

    def residual(self, v):
        """ln(from below) − ln(from above) of every component but the anchor."""
        below, above = self.meeting(self.full(v))
        return [
            mp.log(b) - mp.log(a)
            for j, (b, a) in enumerate(zip(below, above, strict=True))
            if j != self.anchor
        ]

    def outlets(self, v):
        r, e = self.split(self.full(v))
        raffinate = mp.fsum(r)
        extract = mp.fsum(e)
        return [rj / raffinate for rj in r], [ej / extract for ej in e]

    def stage_balance_error(self, v):
        """Largest |in − out| / (in + out) of any component in any stage of the profile."""
        r, e = self.split(self.full(v))
        xs_up, ys_up, _ = self.march_up(r)
        xs_down, ys_down, _ = self.march_down(e)
        x = xs_up + xs_down[::-1]  # stages 1 … n + m
        y = ys_up + ys_down[::-1]
        n, m, S, W = self.n, self.m, self.S, self.W
        stages = n + m
        worst = mp.mpf(0)
        for i in range(stages):  # i = 0 … n + m − 1 is stage i + 1
            if self.organic_feed:
                organic_out = S if i < n else S + 1
                organic_in = 0 if i == 0 else (S if i <= n else S + 1)
                aqueous_out = W
                aqueous_in = 0 if i == stages - 1 else W
                feed_here = i == n
            else:
                organic_out = S
                organic_in = 0 if i == 0 else S
                aqueous_out = W + 1 if i < n else W
                aqueous_in = 0 if i == stages - 1 else (W + 1 if i < n - 1 else W)
                feed_here = i == n - 1
            if i == 0:
                aqueous_out = self.raffinate  # the raffinate leaves stage 1
            if i == stages - 1:
                organic_out = self.extract  # the extract leaves stage n + m
            for j, f in enumerate(self.feed):
                inflow = (organic_in * y[i - 1][j] if i > 0 else 0) + (
                    aqueous_in * x[i + 1][j] if i < stages - 1 else 0
                )
                if feed_here:
                    inflow += f
                outflow = organic_out * y[i][j] + aqueous_out * x[i][j]
                worst = max(worst, abs(inflow - outflow) / (inflow + outflow))
        return worst


def of_case(case, **changes):
    """The Cascade of a case dict (at the current precision), some inputs changed."""
    inputs = {key: case[key] for key in ("beta", "feed", "n", "m", "S", "W")}
    inputs.update(changes)
    return Cascade(organic_feed=case["feed_phase"] == "organic", **inputs)


# ---------------------------------------------------------------- the solver


def _max_abs(values):
    return max(abs(v) for v in values)


def newton(cascade, u, tolerance, max_iterations=60):
    """Newton on the feed-stage residual; returns (u, residual) or raises RuntimeError."""
    g = cascade.residual(u)
    size = len(u)
    for _ in range(max_iterations):
        norm = _max_abs(g)
        if norm < tolerance:
            return u, norm
        step_size = mp.mpf(10) ** (-(mp.mp.dps // 2))
        jacobian = mp.matrix(size, size)
        for k in range(size):
            h = step_size * (1 + abs(u[k]))
            shifted = list(u)
            shifted[k] += h
            gk = cascade.residual(shifted)
            for j in range(size):
                jacobian[j, k] = (gk[j] - g[j]) / h
        step = mp.lu_solve(jacobian, mp.matrix([-gj for gj in g]))
        factor = mp.mpf(1)
        for _ in range(60):
            trial = [uj + factor * step[j] for j, uj in enumerate(u)]
            g_trial = cascade.residual(trial)
            if _max_abs(g_trial) < norm:
                break
            factor /= 2
        else:
            if norm < mp.mpf(10) ** (-(3 * mp.mp.dps // 4)):
                return u, norm  # converged as far as the working precision allows
            raise RuntimeError(f"line search failed at residual {mp.nstr(norm, 3)}")
        u, g = trial, g_trial
    raise RuntimeError(f"Newton did not converge: residual {mp.nstr(_max_abs(g), 3)}")


def continuation(case):
    """u of the design by continuation in the stage count, at CONTINUATION_DIGITS.

    The feed, β, S and W are those of the design throughout; the sections grow from one
    stage each to n and m (in proportion), each level started from a secant extrapolation
    of the two before (u grows about linearly with the stage count). A level whose Newton
    iteration fails is split in two. Unlike continuation in β, this path never crosses
    the pinch: S stays above the minimum flux of the design at every level.
    """
    n, m = case["n"], case["m"]
    longest = max(n, m)

    def sections(level):
        return max(1, round(n * level / longest)), max(1, round(m * level / longest))

    with mp.workdps(CONTINUATION_DIGITS):

        def at(level):
            extraction, scrub = sections(level)
            return of_case(case, n=extraction, m=scrub)

        first = at(1)
        u = [mp.mpf(0)] * (len(case["beta"]) - 1)  # v = u − u_anchor
        tolerance = mp.mpf(10) ** (-(CONTINUATION_DIGITS - 15))
        u, _ = newton(first, u, tolerance)
        level, previous, steps = 1, None, 1
        growth = 2
        while level < longest:
            target = min(longest, max(level + 1, round(level * growth)))
            if previous is None:
                guess = u
            else:
                ratio = mp.mpf(target - level) / (level - previous[0])
                guess = [a + ratio * (a - b) for a, b in zip(u, previous[1], strict=True)]
            try:
                solved, _ = newton(at(target), guess, tolerance, max_iterations=25)
            except (RuntimeError, ZeroDivisionError):
                if target == level + 1 and guess is not u:
                    # one stage more, from the level's own solution instead of the
                    # extrapolation (design 513 of the stress set: from 1 + 4 to 2 + 5
                    # stages the secant over 1 + 2 and 1 + 4 misses; the plain start works)
                    try:
                        solved, _ = newton(at(target), u, tolerance, max_iterations=25)
                    except (RuntimeError, ZeroDivisionError):
                        solved = None
                    if solved is not None:
                        previous, u, level = (level, u), solved, target
                        continue
                if target == level + 1:
                    raise RuntimeError(
                        f"continuation failed at {sections(target)} stages"
                    ) from None
                growth = 1 + (growth - 1) / 2
                continue
            previous, u, level = (level, u), solved, target
            if VERBOSE:
                print("   level", sections(level), [mp.nstr(v, 8) for v in u], flush=True)
            growth = min(2, 1 + (growth - 1) * 1.5)
            steps += 1
        return [mp.mpf(v) for v in u], steps


def solve(case, digits, start):
    with mp.workdps(digits):
        cascade = of_case(case)
        u, residual = newton(cascade, [mp.mpf(v) for v in start], mp.mpf(10) ** (-(digits - 5)))
        raffinate, extract = cascade.outlets(u)
        balance = cascade.stage_balance_error(u)
        return u, raffinate, extract, residual, balance


def sensitivity(case, u, digits, relative_change="1e-12"):
    """Largest |d ln(outlet fraction) / d ln S| (W moved with S, the outlet split fixed).

    The condition number of the physical problem: a solver in double precision, whose S
    is known only to 1e-16, cannot expect a relative accuracy better than about this
    times 1e-16 on the outlet fractions.
    """
    with mp.workdps(digits):
        delta = mp.mpf(relative_change)
        base = of_case(case)
        S = mp.mpf(case["S"])
        moved = of_case(case, S=S * (1 + delta), W=mp.mpf(case["W"]) + S * delta)
        u_moved, _ = newton(moved, u, mp.mpf(10) ** (-(digits - 5)))
        before = base.outlets(u)
        after = moved.outlets(u_moved)
        return max(
            abs(mp.log(a / b)) / delta
            for side_a, side_b in zip(after, before, strict=True)
            for a, b in zip(side_a, side_b, strict=True)
        )


# ---------------------------------------------------------------- the cases


def underwood_minimum_flux(beta, feed, extract, organic_feed):
    """S_min of a sharp split (Underwood; organic ≙ vapour, β ≙ relative volatility).

    θ between the key β solves Σ_j β_j f_j / (β_j − θ) = 1 − q (q = 1 for aqueous feed,
    0 for organic feed); the organic flux of the scrub section is then
    Σ_{j in extract} β_j f_j / (β_j − θ), which is S (aqueous feed) or S + 1 (organic).
    """
    beta = [mp.mpf(b) for b in beta]
    total = mp.fsum(mp.mpf(f) for f in feed)
    feed = [mp.mpf(f) / total for f in feed]
    low = max(b for b, wanted in zip(beta, extract, strict=True) if not wanted)
    high = min(b for b, wanted in zip(beta, extract, strict=True) if wanted)
    target = 1 if organic_feed else 0

    def underwood(theta):
        return mp.fsum(b * f / (b - theta) for b, f in zip(beta, feed, strict=True)) - target

    for _ in range(4 * mp.mp.prec):  # the sum increases with θ between the two poles
        theta = (low + high) / 2
        if underwood(theta) < 0:
            low = theta
        else:
            high = theta
    flux = mp.fsum(
        b * f / (b - theta) for b, f, wanted in zip(beta, feed, extract, strict=True) if wanted
    )
    return flux - 1 if organic_feed else flux


def binary_minimum_flux(beta, feed_fraction, purity_extract, purity_raffinate, organic_feed):
    """S_min of a binary cut with given purities (Xu; see tecmodel's closed form) and f'_A."""
    beta, f = mp.mpf(beta), mp.mpf(feed_fraction)
    p_a, p_b = mp.mpf(purity_extract), mp.mpf(purity_raffinate)
    split = (f - 1 + p_b) / (p_a - 1 + p_b)
    if organic_feed:
        pinch = f / (beta - (beta - 1) * f)
        return split * (p_a - pinch) / (f - pinch) - 1, split
    pinch = beta * f / (1 + (beta - 1) * f)
    return split * (p_a - f) / (pinch - f), split


# La, Ce, Pr, Nd, Sm: β relative to La and feed as in tecmodel's cascade_refinery plant
LIGHT_BETA = [1.0, 3.24, 6.61, 10.44, 64.2]
LIGHT_FEED = [0.336, 0.488, 0.043, 0.122, 0.0116]
# 15 components La … Lu and Y: illustrative adjacent steps (a numerical test, not data)
ALL_STEPS = [3.0, 2.0, 1.5, 3.5, 2.0, 1.5, 2.5, 2.0, 1.5, 2.0, 2.5, 2.5, 2.0, 1.8]
ALL_FEED = [
    0.25,
    0.40,
    0.05,
    0.15,
    0.03,
    0.005,
    0.02,
    0.003,
    0.015,
    0.04,
    0.004,
    0.01,
    0.0015,
    0.008,
    0.001,
]


def _all_beta():
    beta = [1.0]
    for step in ALL_STEPS:
        beta.append(beta[-1] * step)
    return beta


def _with_traces(feed, traces):
    feed = list(feed)
    for index in traces:
        feed[index] = 1e-12
    return feed


def _sharp(name, beta, feed, cut, factor, n, m, phase, note):
    """A case at `factor` × the Underwood minimum flux of a sharp split at `cut`."""
    # cut: the extract is the components from index `cut` on (β ascending), or a tuple of them
    chosen = cut if isinstance(cut, tuple) else range(cut, len(beta))
    extract = [j in chosen for j in range(len(beta))]
    organic = phase == "organic"
    with mp.workdps(WORKING_DIGITS):
        minimum = underwood_minimum_flux(beta, feed, extract, organic)
        total = mp.fsum(mp.mpf(f) for f in feed)
        split = (
            mp.fsum(mp.mpf(f) for f, wanted in zip(feed, extract, strict=True) if wanted) / total
        )
        S = float(mp.mpf(factor) * minimum)
        W = float(mp.mpf(S) - split) if not organic else float(mp.mpf(S) + 1 - split)
    return {
        "name": name,
        "beta": beta,
        "feed": feed,
        "n": n,
        "m": m,
        "feed_phase": phase,
        "S": S,
        "W": W,
        "extract_components": [j for j in range(len(beta)) if extract[j]],
        "note": f"{note}; S = {factor} × the Underwood minimum flux of the sharp split",
    }


def _binary_pinch(name, stages, phase):
    organic = phase == "organic"
    with mp.workdps(WORKING_DIGITS):
        minimum, split = binary_minimum_flux(2, "0.5", "0.999", "0.999", organic)
        S = float(mp.mpf("1.01") * minimum)
        W = float(mp.mpf(S) - split) if not organic else float(mp.mpf(S) + 1 - split)
    return {
        "name": name,
        "beta": [2.0, 1.0],
        "feed": [0.5, 0.5],
        "n": stages,
        "m": stages,
        "feed_phase": phase,
        "S": S,
        "W": W,
        "extract_components": [0],
        "note": "β = 2, equimolar, S = 1.01 × S_min for purities 0.999 / 0.999 (Xu closed form), "
        "W from the outlet split",
    }


# designs of the stress set (tests/test_cascade_stress.py) that once raised: the design's
# own doubles (β, feed, n, m, S, W), built by the test's generator
STRESS_DESIGNS = (74, 513)


def _stress(index):
    """Design ``index`` of the stress set as a case (its inputs exactly as the test's)."""
    sys.path.insert(0, str(OUTPUT.parent.parent))  # tests/
    from test_cascade_stress import design

    d = design(index)
    extract = [int(j) for j, wanted in enumerate(d["extract_components"]) if wanted]
    return {
        "name": f"stress_{index}",
        "beta": [float(b) for b in d["separation_factors"]],
        "feed": [float(f) for f in d["feed_composition"]],
        "n": int(d["extraction_stages"]),
        "m": int(d["scrub_stages"]),
        "feed_phase": d["feed"],
        "S": float(d["organic_flux"]),
        "W": float(d["scrub_flux"]),
        "extract_components": extract,
        "note": f"design {index} of the stress set (tests/test_cascade_stress.py), "
        f"{len(extract)} of {len(d['separation_factors'])} components in the extract",
    }


def cases():
    return _named_cases() + [_stress(index) for index in STRESS_DESIGNS]


def _named_cases():
    light = LIGHT_BETA
    every = _all_beta()
    return [
        {
            "name": "binary_xu_example",
            "beta": [2.0, 1.0],
            "feed": [0.5, 0.5],
            "n": 25,
            "m": 21,
            "feed_phase": "aqueous",
            "S": 1.708645,
            "W": 1.208194,
            "extract_components": [0],
            "note": "the design of simulate_cascade's docstring example (Xu's worked example)",
        },
        {
            "name": "binary_few_stages",
            "beta": [1.5, 1.0],
            "feed": [0.4, 0.6],
            "n": 3,
            "m": 2,
            "feed_phase": "aqueous",
            "S": 1.2,
            "W": 0.8,
            "extract_components": [0],
            "note": "a short cascade, outlets far from pure",
        },
        {
            "name": "binary_large_scrub",
            "beta": [2.5, 1.0],
            "feed": [0.6, 0.4],
            "n": 40,
            "m": 40,
            "feed_phase": "aqueous",
            "S": 4.0,
            "W": 3.4,
            "extract_components": [0],
            "note": "scrub flux several times the feed",
        },
        _binary_pinch("binary_pinch_aqueous_150", 150, "aqueous"),
        _binary_pinch("binary_pinch_organic_150", 150, "organic"),
        _binary_pinch("binary_pinch_aqueous_300", 300, "aqueous"),
        _sharp(
            "binary_hard_organic",
            [1.3, 1.0],
            [0.2, 0.8],
            (0,),
            1.2,
            200,
            200,
            "organic",
            "β = 1.3, feed 20 % A, organic feed",
        ),
        _sharp(
            "ternary_pinch_pr_nd",
            light[1:4],
            LIGHT_FEED[1:4],
            2,
            1.01,
            150,
            150,
            "aqueous",
            "Ce, Pr | Nd",
        ),
        _sharp(
            "ternary_pinch_ce_pr",
            light[1:4],
            LIGHT_FEED[1:4],
            1,
            1.01,
            300,
            300,
            "aqueous",
            "Ce | Pr, Nd",
        ),
        _sharp(
            "ternary_pinch_organic",
            light[1:4],
            LIGHT_FEED[1:4],
            2,
            1.02,
            250,
            250,
            "organic",
            "Ce, Pr | Nd, organic feed",
        ),
        _sharp(
            "ternary_trace",
            light[1:4],
            _with_traces(LIGHT_FEED[1:4], [0]),
            1,
            1.3,
            40,
            40,
            "aqueous",
            "Ce at 1e-12 in the feed | Pr, Nd",
        ),
        _sharp(
            "five_pinch_sm_trace",
            light,
            _with_traces(LIGHT_FEED, [4]),
            3,
            1.05,
            150,
            150,
            "aqueous",
            "La, Ce, Pr | Nd, Sm; Sm at 1e-12",
        ),
        _sharp(
            "five_organic",
            light,
            LIGHT_FEED,
            3,
            1.05,
            100,
            100,
            "organic",
            "La, Ce, Pr | Nd, Sm, organic feed",
        ),
        _sharp(
            "five_traces_both_sides",
            light,
            _with_traces(LIGHT_FEED, [0, 4]),
            2,
            2.0,
            20,
            20,
            "aqueous",
            "La and Sm at 1e-12; La, Ce | Pr, Nd, Sm",
        ),
        _sharp(
            "fifteen_pr_nd",
            every,
            _with_traces(ALL_FEED, [14]),
            3,
            1.2,
            60,
            60,
            "aqueous",
            "La … Pr | Nd … (15 components), the last at 1e-12",
        ),
        _sharp(
            "fifteen_organic",
            every,
            ALL_FEED,
            7,
            1.5,
            40,
            50,
            "organic",
            "15 components cut in the middle, organic feed",
        ),
        _sharp(
            "seventeen_organic",
            [*every, every[-1] * 1.5, every[-1] * 15.0],
            _with_traces([*ALL_FEED, 0.002, 0.0005], [5, 16]),
            8,
            1.1,
            80,
            80,
            "organic",
            "17 components (the 15 above and two more steps, 1.5 and 15), two at 1e-12, "
            "organic feed",
        ),
        _sharp(
            "fifteen_pinch",
            every,
            ALL_FEED,
            3,
            1.02,
            100,
            100,
            "aqueous",
            "15 components near the pinch, Pr | Nd",
        ),
    ]


# ---------------------------------------------------------------- driver


def run_case(case):
    started = time.process_time()
    start, levels = continuation(case)
    u, raffinate, extract, residual, balance = solve(case, WORKING_DIGITS, start)
    _, raffinate_check, extract_check, _, _ = solve(case, CHECK_DIGITS, u)
    with mp.workdps(CHECK_DIGITS):
        change = max(
            abs(a / b - 1)
            for a, b in zip(raffinate_check + extract_check, raffinate + extract, strict=True)
        )
    condition = sensitivity(case, u, WORKING_DIGITS)
    with mp.workdps(WORKING_DIGITS):
        record = dict(case)
        record.update(
            {
                "raffinate_composition": [mp.nstr(v, 40, strip_zeros=False) for v in raffinate],
                "extract_composition": [mp.nstr(v, 40, strip_zeros=False) for v in extract],
                "feed_stage_residual": mp.nstr(residual, 3),
                "stage_balance_error": mp.nstr(balance, 3),
                "change_at_check_digits": mp.nstr(change, 3),
                "condition_on_organic_flux": mp.nstr(condition, 3),
                "continuation_levels": levels,
            }
        )
    seconds = time.process_time() - started
    print(
        f"{case['name']:28s} C={len(case['beta']):2d} {case['n']:3d}+{case['m']:3d} "
        f"{case['feed_phase']:7s} balance {record['stage_balance_error']}  "
        f"+20 digits {record['change_at_check_digits']}  "
        f"d ln x / d ln S {record['condition_on_organic_flux']}  {seconds:.1f} s",
        flush=True,
    )
    return record


def main():
    only = [a for a in sys.argv[1:] if not a.startswith("-")]
    records = [run_case(case) for case in cases() if not only or case["name"] in only]
    if only and "--merge" not in sys.argv:
        return
    if only:  # --merge: the named cases replace (or join) theirs in the file, in cases() order
        solved = {record["name"]: record for record in records}
        kept = {case["name"]: case for case in json.loads(OUTPUT.read_text())["cases"]}
        kept.update(solved)
        records = [kept[case["name"]] for case in cases() if case["name"] in kept]
    document = {
        "description": "Steady states of extraction + scrub cascades computed by "
        "scripts/reference_cascades.py (mpmath shooting, see its docstring); outlet fractions "
        "as decimal strings",
        "working_digits": WORKING_DIGITS,
        "check_digits": CHECK_DIGITS,
        "cases": records,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
