"""Steady state of an extraction + scrub cascade with a third outlet (a side draw).

A three-outlet cascade (三出口, Chinese practice of Xu Guangxian's school) takes, besides
the extract (organic, stage n + m) and the raffinate (aqueous, stage 1), a fraction of the
aqueous or organic leaving one intermediate stage k: a middle product B of a feed A + B + C
(A the more extractable group, C the less). The side draw changes the flux of that phase
on the far side of stage k, so the extraction factor of B changes sign across k and B
collects there (Xu 1985; Zhang, Zhao & Schreiner 2016 give a Gd/Eu/Sm example,
REFERENCE_DATA.md). The whole of C (A) passes stage k in the aqueous (organic) when k lies
in the extraction (scrub) section, so the middle outlet is an enrichment whose purity is
bought with reflux: "the three-outlet mixer–settler battery is an improvement, but only two
streams contain a high purity REE" (Ullmann's Encyclopedia, "Rare Earth Elements", relayed
by chempedia.info/info/17594, read 2026).

Model
-----
Xu's constant-flux model of :func:`tecmodel.separation.simulate_multicomponent` (fluxes
per unit of rare-earth feed; aqueous feed at stage n, organic feed at stage n + 1;
equilibrium y_j = β_j x_j / Σ_k β_k x_k), plus the draw: a fraction ``draw_fraction`` of
the phase leaving stage k leaves the cascade, the rest goes on to the next stage. The
flux of that phase beyond k (below k for the aqueous, above k for the organic, the
outlet included) is lower by the drawn flux D; the other phase keeps its fluxes.

Method
------
With s_i = Σ_k β_k x_{k,i} fixed in every stage, the balances of each component are
linear and tridiagonal in its aqueous fractions (a column diagonally dominant M-matrix,
solved without pivoting by the Thomas algorithm, components in parallel). The N = n + m
unknowns u_i = ln s_i must reproduce themselves, G_i = ln Σ_j β_j x_{j,i}(s) − u_i = 0;
then Σ_j y_{j,i} = 1 in every stage and, by the flux balance, Σ_j x_{j,i} = 1. G is
solved by pseudo-transient continuation (Kelley & Keyes, SIAM J. Numer. Anal. 35, 1998):
implicit Euler steps of du/dt = G with the exact Jacobian (one tridiagonal solve with N
right-hand sides per component), the time step growing as |G| falls so that the last
steps are Newton's; u is kept inside [ln β_min, ln β_max], where every s lies. It starts
from the two-outlet steady state with the same stages and fluxes
(:func:`simulate_multicomponent`), or from a similar design's profile. A design it does
not solve goes to damped Newton on the logit of u within its bounds, then to that with
continuation in the draw fraction (the same equations, other starts). A continuation run
that stalls (max |G| not halved in 50 iterations) hands over to Newton early, and is
taken up again with its whole budget only if Newton fails too. On a random
stress set (3–6 components, adjacent β 1.2–3, 2–60 stages per section, any draw;
``scripts/side_draw_stress.py``) 217 of 219 valid designs converge and 2 raise
:class:`InfeasibleDesignError`. In the one examined, the draw makes the extract's flux
equal to that of a group of components (a sharp cut moving from one key pair to the
next), where G is nearly singular.

Accuracy: the balances close to rounding of the linear solves (tested as an identity,
feed = extract + side + raffinate per component); traces keep a relative accuracy of
roughly ε · (condition of the stage balances), ample for purities to 99.999 % but not the
1e-300 traces of the two-outlet solver, whose marches this problem's third outlet
breaks (the split of each component between three outlets needs a subtraction).

Batches: every design is solved on its own, so a batch gives the numbers of the designs
one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InfeasibleDesignError, InputError
from ._checks import _as_float, _check_factors_and_feed, _check_feed, _check_stages, _require
from .simulation import _check_fluxes, simulate_multicomponent

__all__ = ["SideDrawSimulation", "simulate_side_draw"]

_PHASES = ("aqueous", "organic")
_DRAW_LEVELS = (0.05, 0.15, 0.3, 0.5, 0.75, 1.0)  # continuation in the draw fraction
_STALL_WINDOW = 50  # pseudo-transient iterations that must halve max |G| (a solver choice)


@dataclass(frozen=True, repr=False)
class SideDrawSimulation:
    """Steady state of a three-outlet cascade (arrays over the batch).

    Component arrays have the components on the last axis, in the order given; profiles
    ``batch + (stages, components)``, stage 1 first, NaN beyond a design's own n + m.

    Attributes
    ----------
    extract, side, raffinate : numpy.ndarray
        Flux of every component leaving in the extract (organic, stage n + m), the side
        draw and the raffinate (aqueous, stage 1), per unit of feed [-].
    extract_flux, side_flux, raffinate_flux : numpy.ndarray
        Their totals [-].
    purity_extract, purity_side, purity_raffinate : numpy.ndarray
        Molar fraction of the wanted group in each outlet (``extract_components``,
        ``side_components``, the rest) [-].
    aqueous_profile, organic_profile : numpy.ndarray
        Fractions in the aqueous and organic leaving each stage [-].
    mass_balance_error : numpy.ndarray
        max over components of |feed − extract − side − raffinate| / feed [-].
    iterations : numpy.ndarray
        Newton iterations used (continuation included) [-].
    """

    extract: np.ndarray
    side: np.ndarray
    raffinate: np.ndarray
    extract_flux: np.ndarray
    side_flux: np.ndarray
    raffinate_flux: np.ndarray
    purity_extract: np.ndarray
    purity_side: np.ndarray
    purity_raffinate: np.ndarray
    aqueous_profile: np.ndarray
    organic_profile: np.ndarray
    mass_balance_error: np.ndarray
    iterations: np.ndarray
    extract_components: tuple
    side_components: tuple

    def summary(self) -> str:
        """A short readable table (first design of a batch)."""
        first = (0,) * np.ndim(self.purity_extract)
        return "\n".join(
            [
                "SideDrawSimulation",
                f"  purity extract          {float(self.purity_extract[first]):.8f}",
                f"  purity side             {float(self.purity_side[first]):.8f}",
                f"  purity raffinate        {float(self.purity_raffinate[first]):.8f}",
                f"  fluxes E / D / R        {float(self.extract_flux[first]):.6g} / "
                f"{float(self.side_flux[first]):.6g} / {float(self.raffinate_flux[first]):.6g}",
                f"  mass balance error      {float(self.mass_balance_error[first]):.2e}",
            ]
        )

    __repr__ = summary


def section_fluxes(n, m, organic_flux, scrub_flux, draw_stage, draw_fraction, draw_phase,
                   organic_feed):  # fmt: skip
    """Fluxes leaving every stage, and the fraction of each passed on (one design).

    Returns (aqueous, organic, aqueous_passed, organic_passed, side_flux), arrays over the
    N = n + m stages (stage 1 first; the aqueous of stage 1 is the raffinate, the organic
    of stage N the extract). Raises :class:`InputError` if an outlet flux is not positive.
    """
    N = n + m
    S, W = organic_flux, scrub_flux
    aqueous = np.empty(N)
    organic = np.empty(N)
    if organic_feed:  # organic S below the feed, S + 1 above; aqueous W everywhere
        aqueous[:] = W
        aqueous[0] = W - S
        organic[:n] = S
        organic[n:] = S + 1.0
        organic[-1] = S + 1.0 - W
    else:  # aqueous W + 1 below the feed, W above; organic S everywhere
        aqueous[:n] = W + 1.0
        aqueous[n:] = W
        aqueous[0] = W + 1.0 - S
        organic[:] = S
        organic[-1] = S - W
    k = draw_stage - 1  # 0-based
    aqueous_passed = np.ones(N)
    organic_passed = np.ones(N)
    if draw_phase == "aqueous":
        side = draw_fraction * aqueous[k]
        aqueous[:k] -= side  # every interface below k carries D less aqueous
        aqueous_passed[k] = 1.0 - draw_fraction
        outlet, name = aqueous[0], "the raffinate"
    else:
        side = draw_fraction * organic[k]
        organic[k + 1 :] -= side
        organic_passed[k] = 1.0 - draw_fraction
        outlet, name = organic[-1], "the extract"
    if not outlet > 0.0:
        raise InputError(
            f"draw_fraction {draw_fraction:.6g} at draw_stage {draw_stage} draws {side:.6g} "
            f"per unit of feed, which leaves {name} {outlet:.6g} ≤ 0; draw less, or raise "
            "the fluxes"
        )
    return aqueous, organic, aqueous_passed, organic_passed, side


class _Cascade:
    """Tridiagonal stage balances of one design, for given s (internal)."""

    def __init__(self, beta, feed, fluxes, feed_stage):
        self.beta = beta  # (C,)
        self.feed = feed  # (C,), normalized
        self.aqueous, self.organic, a_pass, o_pass, self.side_flux = fluxes
        # aqueous entering stage i from i + 1 and organic entering i from i − 1
        self.from_above = np.append(self.aqueous[1:] * a_pass[1:], 0.0)
        self.from_below = np.insert(self.organic[:-1] * o_pass[:-1], 0, 0.0)
        self.feed_stage = feed_stage
        self.stages = len(self.aqueous)

    def solve(self, u, rhs=None):
        """x (C, N) for s = e^u; or, with ``rhs`` (C, N, K), M_j⁻¹ rhs (C, N, K)."""
        ratio = self.beta[:, None] * np.exp(-u)[None, :]  # r_{j,i} = β_j / s_i
        diagonal = self.aqueous[None, :] + self.organic[None, :] * ratio
        upper = -self.from_above[None, :]  # coefficient of x_{i+1} in row i
        lower = -self.from_below[None, :] * np.roll(ratio, 1, axis=1)  # of x_{i−1}
        if rhs is None:
            rhs = np.zeros((len(self.beta), self.stages, 1))
            rhs[:, self.feed_stage, 0] = self.feed
        return _thomas(lower, diagonal, upper, rhs)

    def residual(self, u, with_jacobian=True):
        x = self.solve(u)[..., 0]  # (C, N)
        total = (self.beta[:, None] * x).sum(0)
        g = np.log(total) - u
        if not with_jacobian:
            return g, x, None
        # dx_j/du_l = y_{j,l} o_l M_j⁻¹ (e_l − p_l e_{l+1}), p_l: organic passed on from l
        y = self.beta[:, None] * x * np.exp(-u)[None, :]
        columns = np.zeros((self.stages, self.stages))
        index = np.arange(self.stages)
        columns[index, index] = 1.0
        passed = self.from_below[1:] / np.where(self.organic[:-1] > 0, self.organic[:-1], 1.0)
        columns[index[1:], index[:-1]] = -passed
        z = self.solve(u, np.broadcast_to(columns, (len(self.beta), *columns.shape)).copy())
        weights = y * self.organic[None, :]  # (C, N) over l
        jacobian = np.einsum("j,jil,jl->il", self.beta, z, weights) / total[:, None]
        jacobian -= np.eye(self.stages)
        return g, x, jacobian


def _thomas(lower, diagonal, upper, rhs):
    """Solve tridiagonal systems, one per component: rhs (C, N, K) → (C, N, K)."""
    stages = diagonal.shape[1]
    d = diagonal.copy()
    b = rhs.astype(float).copy()
    for i in range(1, stages):
        factor = lower[:, i] / d[:, i - 1]
        d[:, i] -= factor * upper[:, i - 1]
        b[:, i] -= factor[:, None] * b[:, i - 1]
    x = np.empty_like(b)
    x[:, -1] = b[:, -1] / d[:, -1, None]
    for i in range(stages - 2, -1, -1):
        x[:, i] = (b[:, i] - upper[:, i, None] * x[:, i + 1]) / d[:, i, None]
    return x


def _relax(cascade, u, tolerance, max_iterations, bounds, stall=True):
    """Pseudo-transient continuation on G(u) = 0: (u, converged, max |G|, iterations).

    Each step solves (I/τ − J) Δu = G, an implicit Euler step of du/dt = G with time step
    τ; τ grows as max |G| falls (switched evolution relaxation, τ ← τ ‖G_old‖ / ‖G_new‖)
    and is cut by 4 when a step fails, so the last steps are Newton's. A run that has not
    halved max |G| in :data:`_STALL_WINDOW` iterations stops (not converged) and leaves
    the design to the fallback, which from such a start mostly converges in a few steps;
    where it does not, the run is taken up again without that stop (``stall=False``),
    so a design converges exactly where the full budget made it converge. Plain Newton from
    the two-outlet profile stalls when the draw moves a pinched, nearly pure section of
    the profile (s at a bound) far from where it starts; the time step keeps each step
    small until that section has moved.
    """
    low, high = bounds
    margin = 1e-15
    g, _, jacobian = cascade.residual(u)
    norm = np.max(np.abs(g))
    tau = 1.0
    identity = np.eye(len(u))
    checkpoint = norm
    for iteration in range(1, max_iterations + 1):
        if norm <= tolerance:
            return u, True, norm, iteration - 1
        if stall and iteration % _STALL_WINDOW == 0:
            if norm > 0.5 * checkpoint:
                break  # stalled: the callers' damped Newton on the logit takes over
            checkpoint = norm
        try:
            step = np.linalg.solve(identity / tau - jacobian, g)
        except np.linalg.LinAlgError:
            step = np.full_like(u, np.nan)
        value = np.inf
        if np.all(np.isfinite(step)):
            trial = np.clip(u + step, low + margin, high - margin)
            g_trial, _, jacobian_trial = cascade.residual(trial)
            value = np.max(np.abs(g_trial))
        if np.isfinite(value) and value < 10.0 * norm:
            tau = min(tau * max(0.5, norm / max(value, 1e-300)), 1e12)
            u, g, jacobian, norm = trial, g_trial, jacobian_trial, value
        else:
            tau *= 0.25
            if tau < 1e-8:
                break
    return u, norm <= tolerance, norm, iteration


def _relax_on(cascade, u, tolerance, max_iterations, bounds):
    """:func:`_relax` with the whole budget and no stall stop (the third try)."""
    return _relax(cascade, u, tolerance, max_iterations, bounds, stall=False)


def _newton_logit(cascade, u, tolerance, max_iterations, bounds):
    """Damped Newton on G = 0 in v, u = lo + (hi − lo) σ(v): (u, converged, |G|, iterations).

    The fallback of :func:`_relax`: u stays inside its bounds without clipping, and where
    s approaches a bound (a nearly pure stage) a step acts on the log of the gap, which
    is the level of that stage's traces. Steps are capped at 10 in v and backtracked on
    max |G|.
    """
    low, high = bounds
    width = high - low
    if width <= 0.0:
        return u, True, 0.0, 0
    share = np.clip((u - low) / width, 1e-300, 1.0 - 1e-16)
    v = np.log(share) - np.log1p(-share)

    def evaluate(v):
        sigma = np.exp(-np.logaddexp(0.0, -v))  # σ(v) without overflow
        u = low + width * sigma
        g, _, jacobian = cascade.residual(u)
        return u, g, jacobian * (width * sigma * (1.0 - sigma))[None, :]

    u, g, jacobian = evaluate(v)
    norm = np.max(np.abs(g))
    for iteration in range(1, max_iterations + 1):
        if norm <= tolerance:
            return u, True, norm, iteration - 1
        try:
            step = np.linalg.solve(jacobian, -g)
        except np.linalg.LinAlgError:
            return u, False, norm, iteration
        if not np.all(np.isfinite(step)):
            return u, False, norm, iteration
        scale = min(1.0, 10.0 / max(np.max(np.abs(step)), 1e-300))
        for _ in range(30):
            trial = v + scale * step
            u_trial, g_trial, jacobian_trial = evaluate(trial)
            value = np.max(np.abs(g_trial))
            if np.isfinite(value) and value < (1.0 - 1e-4 * scale) * norm:
                v, u, g, jacobian, norm = trial, u_trial, g_trial, jacobian_trial, value
                break
            scale *= 0.5
        else:
            return u, norm <= 1e-10, norm, iteration
    return u, norm <= tolerance, norm, max_iterations


def _solve_one(beta, feed, n, m, S, W, k, f, phase, organic_feed, tolerance, max_iterations,
               start=None):  # fmt: skip
    """One design: (x (N, C), y (N, C), extract, side, raffinate (C,), iterations).

    ``start``: ln s_i of every stage (N,) to start from (a similar design's profile);
    default: those of the two-outlet steady state with the same stages and fluxes.
    """
    present = feed > 0.0
    feed_stage = n if organic_feed else n - 1
    bounds = (np.log(beta[present].min()), np.log(beta[present].max()))
    if start is None:
        two_outlet = simulate_multicomponent(
            beta, feed, n, m, S, W, feed="organic" if organic_feed else "aqueous",
            extract_components=np.arange(len(beta)) == int(np.argmax(beta)),
        )  # fmt: skip
        start = np.log((np.asarray(two_outlet.aqueous_profile) * beta).sum(-1))
    u = np.clip(np.asarray(start, dtype=float), *bounds)
    beta_p, feed_p = beta[present], feed[present] / feed[present].sum()

    def cascade_at(fraction):
        fluxes = section_fluxes(n, m, S, W, k, fraction, phase, organic_feed)
        return _Cascade(beta_p, feed_p, fluxes, feed_stage)

    cascade = cascade_at(f)
    used = 0
    for method, levels in ((_relax, (1.0,)), (_newton_logit, (1.0,)), (_relax_on, (1.0,)),
                           (_newton_logit, _DRAW_LEVELS)):  # fmt: skip
        trial = u
        for level in levels:  # continuation in the draw fraction: the same equations
            trial, ok, norm, more = method(cascade_at(level * f), trial, tolerance,
                                           max_iterations, bounds)  # fmt: skip
            used += more
            if not ok:
                break
        if ok:
            u = trial
            break
    if not ok:
        raise InfeasibleDesignError(
            f"the three-outlet steady state did not converge (largest mismatch {norm:.3g} > "
            f"{tolerance:g} after {used} iterations; n + m = {n} + {m}, draw_stage {k}, "
            f"draw_fraction {f:.4g})"
        )
    _, x, _ = cascade.residual(u, with_jacobian=False)
    y = beta_p[:, None] * x * np.exp(-u)[None, :]
    components = len(beta)
    aqueous = np.zeros((n + m, components))
    organic = np.zeros((n + m, components))
    aqueous[:, present], organic[:, present] = x.T, y.T
    raffinate = cascade.aqueous[0] * aqueous[0]
    extract = cascade.organic[-1] * organic[-1]
    drawn = aqueous[k - 1] if phase == "aqueous" else organic[k - 1]
    side = cascade.side_flux * drawn
    return aqueous, organic, extract, side, raffinate, used


def simulate_side_draw(
    separation_factors,
    feed_composition,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    draw_stage,
    draw_fraction,
    *,
    draw_phase="aqueous",
    extract_components=None,
    side_components=None,
    feed="aqueous",
    tolerance=1e-12,
    max_iterations=300,
    _start=None,
) -> SideDrawSimulation:
    r"""Steady state of an extraction + scrub cascade with a side draw at stage k.

    Parameters
    ----------
    separation_factors, feed_composition : array_like
        β_j of every component (any reference) and the feed fractions, components on the
        last axis, as :func:`tecmodel.separation.simulate_multicomponent` [-].
    extraction_stages, scrub_stages : array_like of int
        n and m, each ≥ 1 [-].
    organic_flux, scrub_flux : array_like
        S and W per unit of feed, as :func:`simulate_multicomponent` (before the draw) [-].
    draw_stage : array_like of int
        k, the stage whose outflow is drawn, 2 ≤ k ≤ n + m − 1 (stage 1 leaves as the
        raffinate, stage n + m as the extract) [-].
    draw_fraction : array_like
        Fraction of the ``draw_phase`` leaving stage k that is drawn, in (0, 1); the drawn
        flux is this times that phase's flux at k [-].
    draw_phase : {"aqueous", "organic"}
        Phase drawn. Default "aqueous".
    extract_components, side_components : sequence of int, optional
        Components wanted in the extract and in the side draw; the rest are wanted in the
        raffinate. Default: the most extractable component, and the next.
    feed : {"aqueous", "organic"}
        Phase of the feed (stage n, or n + 1).
    tolerance : float
        Largest |G_i| accepted (log of s) [-].
    max_iterations : int
        Iterations allowed (pseudo-transient continuation steps).

    Returns
    -------
    SideDrawSimulation

    Raises
    ------
    InputError
        A stage count, ``draw_stage`` or ``draw_fraction`` out of range, or a draw that
        leaves an outlet without flux; the message names the parameter.
    InfeasibleDesignError
        The Newton iteration does not converge.

    Notes
    -----
    The method and its accuracy are in the module docstring. With ``draw_fraction`` → 0
    the result tends to that of :func:`simulate_multicomponent` (a test checks it).
    """
    organic_feed = _check_feed(feed)
    if draw_phase not in _PHASES:
        raise InputError(f"draw_phase must be 'aqueous' or 'organic', got {draw_phase!r}")
    beta, _, composition = _check_factors_and_feed(separation_factors, feed_composition)
    n = _check_stages("extraction_stages", extraction_stages, 1)
    m = _check_stages("scrub_stages", scrub_stages, 1)
    k = _check_stages("draw_stage", draw_stage, 2)
    _require("draw_stage", k, k > n + m - 1, "at most n + m − 1 (an intermediate stage)")
    fraction = _as_float("draw_fraction", draw_fraction)
    _require("draw_fraction", fraction, (fraction <= 0.0) | (fraction >= 1.0), "in (0, 1)")
    S = _as_float("organic_flux", organic_flux)
    W = _as_float("scrub_flux", scrub_flux)
    _check_fluxes(S, W, organic_feed)  # both outlets positive before the draw
    try:
        batch = np.broadcast_shapes(
            beta.shape[:-1], composition.shape[:-1], n.shape, m.shape, k.shape,
            fraction.shape, S.shape, W.shape,
        )  # fmt: skip
        components = np.broadcast_shapes(beta.shape[-1:], composition.shape[-1:])[0]
    except ValueError as exc:
        raise InputError(f"inputs do not broadcast: {exc}") from exc
    if components < 3:
        raise InputError(f"a three-outlet cascade needs at least 3 components, got {components}")
    flat = int(np.prod(batch))

    def flat_of(values, tail=()):
        return np.broadcast_to(values, (*batch, *tail)).reshape(flat, *tail)

    beta_f, feed_f = flat_of(beta, (components,)), flat_of(composition, (components,))
    n_f, m_f, k_f = flat_of(n), flat_of(m), flat_of(k)
    f_f, s_f, w_f = flat_of(fraction), flat_of(S), flat_of(W)
    order = np.argsort(-beta_f[0])
    wanted_e = _mask(extract_components, components, order[:1], "extract_components")
    wanted_d = _mask(side_components, components, order[1:2], "side_components")
    if np.any(wanted_e & wanted_d):
        raise InputError("extract_components and side_components must not share a component")
    if np.all(wanted_e | wanted_d):
        raise InputError("extract_components and side_components leave no raffinate component")
    stages = int((n_f + m_f).max())
    aqueous = np.full((flat, stages, components), np.nan)
    organic = np.full((flat, stages, components), np.nan)
    extract = np.empty((flat, components))
    side = np.empty((flat, components))
    raffinate = np.empty((flat, components))
    iterations = np.empty(flat, dtype=np.int64)
    for row in range(flat):
        N = int(n_f[row] + m_f[row])
        x, y, extract[row], side[row], raffinate[row], iterations[row] = _solve_one(
            beta_f[row], feed_f[row], int(n_f[row]), int(m_f[row]), float(s_f[row]),
            float(w_f[row]), int(k_f[row]), float(f_f[row]), draw_phase, organic_feed,
            tolerance, max_iterations, None if _start is None else _start,
        )  # fmt: skip
        aqueous[row, :N], organic[row, :N] = x, y
    scale = np.where(feed_f > 0.0, feed_f, 1.0)
    balance = np.max(np.abs(feed_f - extract - side - raffinate) / scale, axis=-1)
    totals = [v.sum(-1) for v in (extract, side, raffinate)]
    purities = [
        extract[:, wanted_e].sum(-1) / totals[0],
        side[:, wanted_d].sum(-1) / totals[1],
        raffinate[:, ~(wanted_e | wanted_d)].sum(-1) / totals[2],
    ]

    def shaped(values, tail=()):
        return values.reshape((*batch, *tail))[()]

    return SideDrawSimulation(
        extract=shaped(extract, (components,)),
        side=shaped(side, (components,)),
        raffinate=shaped(raffinate, (components,)),
        extract_flux=shaped(totals[0]),
        side_flux=shaped(totals[1]),
        raffinate_flux=shaped(totals[2]),
        purity_extract=shaped(purities[0]),
        purity_side=shaped(purities[1]),
        purity_raffinate=shaped(purities[2]),
        aqueous_profile=shaped(aqueous, (stages, components)),
        organic_profile=shaped(organic, (stages, components)),
        mass_balance_error=shaped(balance),
        iterations=shaped(iterations),
        extract_components=tuple(int(i) for i in np.flatnonzero(wanted_e)),
        side_components=tuple(int(i) for i in np.flatnonzero(wanted_d)),
    )


def _mask(given, components, default, name):
    wanted = np.zeros(components, dtype=bool)
    try:
        wanted[np.asarray(default if given is None else given, dtype=np.int64)] = True
    except (IndexError, ValueError, TypeError) as exc:
        raise InputError(
            f"{name} must be component indices in 0..{components - 1}, got {given!r}"
        ) from exc
    if not wanted.any():
        raise InputError(f"{name} must name at least one component, got {given!r}")
    return wanted
