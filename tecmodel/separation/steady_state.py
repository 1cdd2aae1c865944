"""Steady state of a constant-flux extraction + scrub cascade: one method.

The model (constant fluxes per section, equilibrium y_j = β_j x_j / Σ_k β_k x_k, aqueous
feed at stage n, organic feed at stage n + 1) is stated in the Notes of
:func:`tecmodel.separation.simulate_multicomponent`; conventions in
:mod:`tecmodel.separation`.

Method
------
Unknowns: the split of every component, t_j = ln(R_j / E_j) (raffinate over extract
flux of j), C numbers per design whatever the stage count. For given splits, the
balance of each section up to any stage says that the net flux of every component
through an interface is its outlet flux (−R_j below the feed, E_j above it), so

* going up the extraction section from the raffinate, x_{i+1} ∝ S y_i + R, and
* going down the scrub section from the extract, y_{i−1} ∝ W x_i + E

(∝: normalized to Σ = 1; S, W the section's organic and aqueous fluxes), with
y = equilibrium(x) in every stage. Both marches meet at the feed stage; the C − 1
conditions that they give the same composition there, in log-ratios to a pivot
component, and Σ_j R_j = the raffinate flux are C equations, solved by Newton's
method with a Jacobian propagated through the marches (forward-mode derivatives),
a step cap and backtracking on the max norm of the residual.

Why this method
---------------
The marches add, multiply and divide positive numbers only, and are done on
logarithms, so every fraction keeps full relative accuracy however small (a trace of
1e-12 in the feed, 1e-300 and below in an outlet). Each step is a positive (affine)
map followed by a diagonal projective scaling, which does not expand the Hilbert
projective metric: relative rounding errors do not grow along hundreds of stages.
The equations left (C per design) carry the physical conditioning of the problem
only. A Newton method on the stage balances of all stages (tried first, issue 11)
converges to residuals of 3e-16 but, near the pinch, along an almost singular mode:
for β = 2, equimolar feed, S = 1.01 S_min and 150 + 150 stages it returned a raffinate
trace of 1.6e-25 where the exact value is 7.186e-19 — the same failure as the old
solver stack. Marching from the feed towards the outlets instead (or shooting from one
outlet to the other) subtracts nearly equal numbers. Underwood's roots give the same
section profiles in closed form, but powers of the roots over hundreds of stages are
the same products evaluated less safely.

Batches: every design is iterated on its own and frozen once converged; the marches
stop at each design's own stage counts, and norms are maxima (not sums), so a batch
gives the same numbers, bit for bit, as the designs one by one.
"""

from __future__ import annotations

import numpy as np

from ..errors import InfeasibleDesignError

_MAX_STEP = 10.0  # largest change of any split log-ratio t_j in one Newton step
_HALVINGS = 30  # backtracking halvings before a step counts as stalled
_ROUNDING_FLOOR = 1e-10  # a design stalled with max |residual| below this has converged
_ABSENT = 1e-250  # feed given to a component the feed lacks (its outputs are set to 0)


def _logsumexp(values):
    """ln Σ exp(values) over the last axis (−inf if every value is −inf)."""
    top = np.max(values, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return top[..., 0] + np.log(np.sum(np.exp(values - top), axis=-1))


def _normalize(values, derivative):
    """Log fractions v − lse(v) and their derivatives (rows: components, columns: t)."""
    total = _logsumexp(values)
    log_fraction = values - total[..., None]
    if derivative is None:
        return log_fraction, None
    weights = np.exp(log_fraction)
    return log_fraction, derivative - np.einsum("bj,bjk->bk", weights, derivative)[:, None, :]


def _mix(log_flux, log_fraction, d_fraction, log_net, d_net):
    """ln of flux·fraction + net (per component), normalized; with derivatives."""
    first = log_flux[:, None] + log_fraction
    values = np.logaddexp(first, log_net)
    if d_fraction is None:
        return _normalize(values, None)
    weight = np.exp(first - values)[..., None]
    derivative = weight * d_fraction + (1.0 - weight) * d_net
    return _normalize(values, derivative)


class _Designs:
    """Fluxes of a flat batch of designs in logs (internal)."""

    def __init__(self, beta, feed, n, m, organic_flux, scrub_flux, organic_feed):
        self.log_beta = np.log(beta)
        self.log_feed = np.log(feed)
        self.n, self.m = n, m
        self.organic_feed = organic_feed
        S, W = organic_flux, scrub_flux
        if organic_feed:
            raffinate, extract = W - S, S + 1.0 - W
        else:
            raffinate, extract = W + 1.0 - S, S - W
        self.log_raffinate = np.log(raffinate)
        self.log_extract = np.log(extract)
        # x_{i+1} ∝ S y_i + R below the feed; y_{i−1} ∝ W x_i + E above it
        self.log_up = np.log(S)  # organic flux carried up the extraction section
        self.log_down = np.log(scrub_flux)  # aqueous flux carried down the scrub section
        # S − W: exact (Sterbenz) when W is within a factor 2 of S, as near a sharp cut
        self.flux_difference = S - W
        self.pivot = np.argmax(feed, axis=-1)

    def subset(self, rows):
        other = object.__new__(_Designs)
        other.__dict__.update(
            {k: (v[rows] if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}
        )
        return other


def _equilibrium(lx, dx, log_beta):
    return _normalize(lx + log_beta, dx)


def _inverse_equilibrium(ly, dy, log_beta):
    return _normalize(ly - log_beta, dy)


def _splits(designs, t, derivatives):
    """ln R, ln E and their (diagonal) derivatives in t."""
    log_r = designs.log_feed - np.logaddexp(0.0, -t)
    log_e = designs.log_feed - np.logaddexp(0.0, t)
    if not derivatives:
        return log_r, log_e, None, None
    eye = np.eye(t.shape[-1])
    d_r = eye * np.exp(-np.logaddexp(0.0, t))[..., None]  # σ(−t)
    d_e = -eye * np.exp(-np.logaddexp(0.0, -t))[..., None]  # −σ(t)
    return log_r, log_e, d_r, d_e


def _march(designs, t, derivatives=True, profiles=False):
    """Match residual G (B, C) and its Jacobian dG/dt (B, C, C); optionally profiles."""
    batch, components = t.shape
    log_r, log_e, d_r, d_e = _splits(designs, t, derivatives)
    log_beta = designs.log_beta
    n, m = designs.n, designs.m
    lx, dx = _normalize(log_r, d_r)  # raffinate composition, stage 1
    ly, dy = _equilibrium(lx, dx, log_beta)
    stages = int((n + m).max())
    if profiles:
        aqueous = np.full((batch, stages, components), -np.inf)
        organic = np.full((batch, stages, components), -np.inf)
        aqueous[:, 0], organic[:, 0] = lx, ly
    # up the extraction section: stages 2 … n
    for i in range(1, int(n.max())):
        moving = (i < n)[:, None]
        new_x, new_dx = _mix(designs.log_up, ly, dy, log_r, d_r)
        new_y, new_dy = _equilibrium(new_x, new_dx, log_beta)
        lx, ly = np.where(moving, new_x, lx), np.where(moving, new_y, ly)
        if derivatives:
            dx = np.where(moving[..., None], new_dx, dx)
            dy = np.where(moving[..., None], new_dy, dy)
        if profiles:
            aqueous[:, i] = np.where(moving, new_x, aqueous[:, i])
            organic[:, i] = np.where(moving, new_y, organic[:, i])
    if designs.organic_feed:  # the bottom side of the match: x_{n+1} ∝ S y_n + R
        bottom, d_bottom = _mix(designs.log_up, ly, dy, log_r, d_r)
    else:  # … y_n
        bottom, d_bottom = ly, dy
    # down the scrub section from the extract: stages N … n + 1
    ly, dy = _normalize(log_e, d_e)
    lx, dx = _inverse_equilibrium(ly, dy, log_beta)
    rows = np.arange(batch)
    last = n + m - 1
    if profiles:
        aqueous[rows, last], organic[rows, last] = lx, ly
    for i in range(1, int(m.max())):
        moving = (i < m)[:, None]
        new_y, new_dy = _mix(designs.log_down, lx, dx, log_e, d_e)
        new_x, new_dx = _inverse_equilibrium(new_y, new_dy, log_beta)
        lx, ly = np.where(moving, new_x, lx), np.where(moving, new_y, ly)
        if derivatives:
            dx = np.where(moving[..., None], new_dx, dx)
            dy = np.where(moving[..., None], new_dy, dy)
        if profiles:
            stage = np.where(moving[:, 0], last - i, last)
            aqueous[rows, stage] = np.where(moving, new_x, aqueous[rows, stage])
            organic[rows, stage] = np.where(moving, new_y, organic[rows, stage])
    if designs.organic_feed:  # the top side of the match: x_{n+1}
        top, d_top = lx, dx
    else:  # … y_n ∝ W x_{n+1} + E
        top, d_top = _mix(designs.log_down, lx, dx, log_e, d_e)
    pivot = designs.pivot
    difference = top - bottom
    residual = difference - difference[rows, pivot][:, None]
    # Σ_j E_j = extract flux, written between the small terms of a sharp cut:
    # Σ_{t≥0} E_j + max(−c, 0) = Σ_{t<0} R_j + max(c, 0), c = ext − F_A (F_A: Σ f, t < 0),
    # compared in logs, so that traces on both sides stay resolved
    extract_side = t < 0.0
    feed = np.exp(designs.log_feed)
    if designs.organic_feed:  # c = (S − W) + F_B, ext = S + 1 − W
        target = designs.flux_difference + np.where(extract_side, 0.0, feed).sum(-1)
    else:  # c = (S − W) − F_A
        target = designs.flux_difference - np.where(extract_side, feed, 0.0).sum(-1)
    raffinate_terms = np.where(extract_side, -np.inf, log_e)  # E_j of the raffinate side
    extract_terms = np.where(extract_side, log_r, -np.inf)  # R_j of the extract side
    with np.errstate(divide="ignore"):
        left = np.logaddexp(_logsumexp(raffinate_terms), np.log(np.maximum(-target, 0.0)))
        right = np.logaddexp(_logsumexp(extract_terms), np.log(np.maximum(target, 0.0)))
    residual[rows, pivot] = left - right
    jacobian = None
    if derivatives:
        d_difference = d_top - d_bottom
        jacobian = d_difference - d_difference[rows, pivot][:, None, :]
        # dE_j/dt_j = −E_j σ(t_j), dR_j/dt_j = R_j σ(−t_j)
        d_left = np.exp(raffinate_terms - left[:, None]) * np.diagonal(d_e, axis1=1, axis2=2)
        d_right = np.exp(extract_terms - right[:, None]) * np.diagonal(d_r, axis1=1, axis2=2)
        jacobian[rows, pivot] = d_left - d_right
    if profiles:
        return residual, jacobian, (aqueous, organic, log_r, log_e)
    return residual, jacobian


def _start(designs):
    """Over-pure start: t_j = −N_side (ln β_j − θ), θ such that Σ R_j = raffinate flux.

    N_side is the stage count of the section that strips j (n for the more extractable
    side of θ, m for the other), as at total reflux (Fenske).
    """
    log_beta = designs.log_beta
    low = log_beta.min(-1) - 1.0
    high = log_beta.max(-1) + 1.0
    target = designs.log_raffinate
    for _ in range(80):  # Σ R_j(θ) increases with θ
        theta = 0.5 * (low + high)
        t = _fenske_splits(designs, theta)
        log_r = designs.log_feed - np.logaddexp(0.0, -t)
        above = _logsumexp(log_r) > target
        high = np.where(above, theta, high)
        low = np.where(above, low, theta)
    return _fenske_splits(designs, 0.5 * (low + high))


def _fenske_splits(designs, theta):
    gap = designs.log_beta - theta[:, None]
    stages = np.where(gap > 0.0, designs.n[:, None], designs.m[:, None])
    return -stages * gap


def solve_steady_state(
    separation_factors,
    feed_composition,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    organic_feed,
    tolerance=1e-13,
    max_iterations=200,
):
    """Steady-state profiles of a flat batch of cascades (inputs already checked).

    Parameters
    ----------
    separation_factors, feed_composition : numpy.ndarray
        (B, C): β of every component (any reference) and feed fractions summing to 1.
    extraction_stages, scrub_stages : numpy.ndarray of int
        (B,): n and m, each ≥ 1.
    organic_flux, scrub_flux : numpy.ndarray
        (B,): S and W per unit of feed, with positive outlets.
    organic_feed : bool
        Feed in the organic (stage n + 1) instead of the aqueous (stage n).
    tolerance : float
        Largest |residual| of the match at the feed stage (log-ratios) accepted [-].
    max_iterations : int
        Newton iterations allowed per design.

    Returns
    -------
    tuple
        (aqueous, organic, extract, raffinate, iterations, real): fractions leaving every
        stage (B, N, C), zero on padding stages; outlet fluxes of every component per
        unit of feed (B, C); Newton iterations (B,); mask of real stages (B, N).

    Raises
    ------
    InfeasibleDesignError
        If a design does not converge (naming its flat batch index and residual).
    """
    batch = len(separation_factors)
    present = feed_composition > 0.0
    feed = np.where(present, feed_composition, _ABSENT)
    feed = feed / feed.sum(-1, keepdims=True)
    designs = _Designs(
        separation_factors,
        feed,
        extraction_stages,
        scrub_stages,
        organic_flux,
        scrub_flux,
        organic_feed,
    )
    with np.errstate(all="ignore"):
        t = _start(designs)
        residual, _ = _march(designs, t, derivatives=False)
    norm = np.max(np.abs(residual), axis=-1)
    converged = norm <= tolerance
    failed = ~np.isfinite(norm)
    iterations = np.zeros(batch, dtype=np.int64)
    active = np.flatnonzero(~converged & ~failed)
    for _ in range(max_iterations):
        if not active.size:
            break
        part = designs.subset(active)
        t_a = t[active]
        with np.errstate(all="ignore"):
            g, jacobian = _march(part, t_a)
            step = _newton_step(jacobian, -g)
        largest = np.max(np.abs(step), axis=-1)
        usable = np.isfinite(largest)
        scale = np.where(usable, np.minimum(1.0, _MAX_STEP / np.maximum(largest, 1e-300)), 0.0)
        step = np.where(usable[:, None], step, 0.0)
        merit = norm[active]
        accepted = np.zeros(active.size, dtype=bool)
        pending = np.flatnonzero(usable)
        for _ in range(_HALVINGS):
            if not pending.size:
                break
            trial = t_a[pending] + scale[pending, None] * step[pending]
            with np.errstate(all="ignore"):
                g_trial, _ = _march(part.subset(pending), trial, derivatives=False)
            value = np.max(np.abs(g_trial), axis=-1)
            good = np.isfinite(value) & (value < (1.0 - 1e-4 * scale[pending]) * merit[pending])
            hit = pending[good]
            t[active[hit]] = trial[good]
            norm[active[hit]] = value[good]
            accepted[hit] = True
            pending = pending[~good]
            scale[pending] *= 0.5
        iterations[active] += 1
        done = norm[active] <= tolerance
        stalled = ~accepted & ~done
        done |= stalled & (norm[active] <= _ROUNDING_FLOOR)
        failed[active[stalled & ~done]] = True
        converged[active[done]] = True
        active = active[~done & ~failed[active]]
    if not np.all(converged):
        row = int(np.flatnonzero(~converged)[0])
        raise InfeasibleDesignError(
            "the steady-state Newton iteration did not converge for the design at flat batch "
            f"index {row} (largest mismatch at the feed stage {norm[row]:.3g} > {tolerance:g} "
            f"after {int(iterations[row])} iterations)"
        )
    with np.errstate(all="ignore"):
        _, _, (log_x, log_y, log_r, log_e) = _march(designs, t, derivatives=False, profiles=True)
    real = np.arange(log_x.shape[1])[None, :] < (extraction_stages + scrub_stages)[:, None]
    keep = present[:, None, :] & real[..., None]
    aqueous = np.where(keep, np.exp(log_x), 0.0)
    organic = np.where(keep, np.exp(log_y), 0.0)
    raffinate = np.where(present, np.exp(log_r), 0.0)
    extract = np.where(present, np.exp(log_e), 0.0)
    return aqueous, organic, extract, raffinate, iterations, real


def _newton_step(jacobian, rhs):
    """Solve J Δ = rhs per design; a singular J gives a NaN step (that design stalls)."""
    try:
        return np.linalg.solve(jacobian, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        step = np.full_like(rhs, np.nan)
        for row in range(len(rhs)):
            try:
                step[row] = np.linalg.solve(jacobian[row], rhs[row])
            except np.linalg.LinAlgError:
                pass
        return step
