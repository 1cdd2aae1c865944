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
a step cap and backtracking on the max norm of the residual (a halved step must lower
it by Armijo's fraction and by at least 1e-10 relative, more than the rounding of the
marches: ``_MEASURABLE``). The flux balance is
written between the small terms of the cut (what leaks each way), and its constant,
ext − (feed of the extract side), is formed in double-double from the inputs as given:
near a sharp cut it is a difference of numbers of order 1 that sets the level of every
trace crossing the cut, and rounding it to double cost up to 1e-7 relative in those
traces (fifteen_organic, ternary_trace in tests/test_cascade_reference.py); formed
exactly, every reference case agrees to ~1e-12 relative, the worst trace included.

Starts. Newton cannot move a split the residual does not depend on, and two kinds of
start leave such splits. (a) A side started far purer than the balance allows: its leak
lies e^-100 below the balance's constant c, so the balance does not depend on its
splits, while the match at the feed stage does not either once the other side's trace
has pinched (b); the Jacobian's smallest singular value falls to 1e-17 and the step runs
along it (design 107 of the stress set: a 64-stage extraction section at 0.037 organic
flux leaks ~1e-13 of the heavy key, the raffinate side started with leaks below 1e-60).
(b) A trace next to the cut that starts so impure that it accumulates in a long section
to a pinch (stages where it dominates and the composition stops changing), from where the
march forgets the outlet level it started from. Up to three starts are tried, each on the
designs the one before did not solve within a few tens of iterations:

1. finite flux (:func:`_finite_flux_start`): each section strips the other side's
   components at its own flux ratio (Kremser's factors, bounded by total reflux), then the
   side that leaks less is made less pure until the two leaks balance: the section that
   separates less sets the leak of both, as it does in the solution;
2. total reflux on each side against the other side's key (:func:`_key_start`), the
   purest either side can be, the balance left to Newton;
3. total reflux with one θ (:func:`_start`, which also decides the sides for 1 and 2),
   θ set by the same cut balance as the equations (double-double constant): set by
   Σ R_j = raffinate flux in double instead, θ followed the rounding of the fluxes
   whenever the cut is sharp, and the start was far less pure than the solution on one
   side. With one θ the purity of both sides moves together, so a side whose section is
   weak drags the other far purer than it is ((a): 30 of the 1,000 stress designs raised
   from this start and continuation).

On the stress set (1,000 designs) start 1 solves 980 within 40 iterations, start 2 eleven,
start 3 three (8 designs have an empty side at start 3, where 1 and 2 are 3) and
continuation six (74, 304, 422, 459, 513, 519); every design converges.
A design no start has solved — long sections far from every start, where the match
residual is strongly non-linear in t — is solved by continuation in the stage count: the
same design with about 1/max(n, m) of its stages (one or two per section, from start 3),
then sections grown by a factor up to 2 per level, each level started from the splits of
the last two, extrapolated linearly (not clipped: the splits far from the cut grow in
proportion to the stage count, and a far split clipped at 700 where it was 778 made that
component take over the scrub march, so that designs 74 and 513 raised); a level that
fails is retried with a smaller growth.
The unknowns and the equations are the same throughout; only the start changes.

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

import math

import numpy as np

from ..errors import InfeasibleDesignError

_MAX_STEP = 10.0  # largest change of any split log-ratio t_j in one Newton step
_HALVINGS = 30  # backtracking halvings before a step counts as stalled
_ROUNDING_FLOOR = 1e-10  # a design stalled with max |residual| below this has converged
# smallest relative decrease of max |residual| that accepts a halved step. When Newton's
# step runs along a (numerically) null direction of the Jacobian — a common shift of an
# over-pure side, |step| 1e10 to 1e19 — it is capped to _MAX_STEP and Armijo's 1e-4 × its
# scale is below the rounding of the residual (two marches equal in exact arithmetic
# differ by ~2e-11 at a residual of 9, design 74 of the stress set). The full capped step
# may still walk such a plateau on any decrease: the dependence on the shift is real,
# if exponentially weak, and grows e-fold per unit of shift until Newton takes over
# (design 489: ten steps of 10, then converged). A halved step's "decrease" below this is
# rounding: accepting it moved the splits by 1e-7 per iteration (design 912: 20 iterations
# of ~26 marches, 6 s of CPU, before the next start solved it in 10)
_MEASURABLE = 1e-10
_LARGEST_SPLIT = 700.0  # |ln(R_j/E_j)| of a given start is clipped to this (±inf in)
_LAST_STEP = 1e-6  # a Newton step from a residual at most this is expected to converge
_DIRECT_ITERATIONS = 40  # Newton iterations from the start before continuation in stages
_GROUP = 2048  # designs solved together (sorted by length, so the marches stop early)
_ABSENT = 1e-250  # feed given to a component the feed lacks (its outputs are set to 0)


def _logsumexp(values):
    """ln Σ exp(values) over axis 0, the components (−inf if every value is −inf)."""
    if len(values) == 2:
        return np.logaddexp(values[0], values[1])
    # the ufuncs' own reductions (np.max and np.sum call them, through a layer of Python
    # that is most of their cost on a few components)
    top = _MAX(values, axis=0)
    # a few finite tops are used as they are (np.where would return them unchanged)
    if top.size > 8 or not all(map(math.isfinite, top.ravel().tolist())):
        top = np.where(np.isfinite(top), top, 0.0)
    return top + np.log(_sum_components(np.exp(values - top)))


_MAX, _SUM = np.maximum.reduce, np.add.reduce


def _sum_components(values):
    """Σ over axis 0 in one order whatever the batch, ((v_0 + v_1) + v_2) + …: numpy sums
    a C-ordered (C, B > 1) array row by row, but a (C, 1) array (or one in Fortran order)
    pairwise when C ≥ 8, which changes the last bits; so the array is taken in C order
    and one design is summed as two copies of itself."""
    if len(values) >= 8:
        if values[0].size == 1:
            return _SUM(np.concatenate([values, values], axis=-1), axis=0)[..., :1]
        values = np.ascontiguousarray(values)
    return _SUM(values, axis=0)


def _normalize(values, derivative):
    """Log fractions v − ln Σ e^v and their derivatives d/dt (components, t, batch)."""
    log_fraction = values - _logsumexp(values)
    if derivative is None:
        return log_fraction, None
    weights = np.exp(log_fraction)[:, None]
    return log_fraction, derivative - _SUM(weights * derivative, axis=0)


def _mix(log_flux, log_fraction, d_fraction, log_net, d_net):
    """ln of flux·fraction + net (per component), NOT normalized; with derivatives.

    ``d_net`` holds d ln net_j / d t_j (the only non-zero derivatives of the net fluxes).
    The march normalizes once, after the equilibrium that follows (normalizing before
    a constant shift in logs and again after it gives the same fractions, at twice the
    cost: the Jacobian's normalization is most of a stage's work).
    """
    first = log_flux + log_fraction
    values = _logaddexp(first, log_net)
    if d_fraction is None:
        return values, None
    weight = np.exp(first - values)
    derivative = weight[:, None] * d_fraction
    _diagonal_of(derivative)[...] += (1.0 - weight) * d_net
    return values, derivative


def _logaddexp(a, b):
    """ln(e^a + e^b) = max(a, b) + ln(1 + e^−|a − b|) for finite a or b (NaN if both are
    infinite): numpy's vectorized exp and log1p, three times faster than np.logaddexp's
    element-by-element loop on a batch; the same numbers whatever the batch."""
    return np.maximum(a, b) + np.log1p(np.exp(-np.abs(a - b)))


def _diagonal(values):
    """(C, B) → (C, C, B) with ``values`` on the diagonal."""
    components = len(values)
    return np.eye(components)[:, :, None] * values[:, None]


def _diagonal_of(matrices):
    """The diagonal (C, B) of C-contiguous (C, C, B) ``matrices``, as a writable view."""
    components, _, batch = matrices.shape
    return matrices.reshape(components * components, batch)[:: components + 1]


class _Designs:
    """Fluxes of a flat batch of designs in logs, batch on the last axis (internal)."""

    def __init__(self, beta, feed, n, m, organic_flux, scrub_flux, organic_feed, raw_feed):
        self.log_beta = np.ascontiguousarray(np.log(beta).T)  # (C, B)
        self.log_feed = np.ascontiguousarray(np.log(feed).T)
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
        # S − W and the feed, kept for the balance of a sharp cut (cut_imbalance)
        self.organic_flux, self.scrub_flux = S, W
        self.raw_feed = np.ascontiguousarray(raw_feed.T)  # (C, B), as given
        self.feed_high, self.feed_low = _dd_sum(self.raw_feed)  # their total
        self.pivot = np.argmax(feed, axis=-1)
        # c of every extract side that is the k most extractable components (k = 0 … C:
        # the sides of the start), formed once
        components = len(self.log_beta)
        self.rank = np.argsort(
            np.argsort(-self.log_beta, axis=0, kind="stable"), axis=0, kind="stable"
        )
        sides = self.rank[:, None, :] < np.arange(components + 1)[None, :, None]
        self.imbalances = self.cut_imbalance(sides)  # (C + 1, B)

    def side_imbalance(self, extract_side):
        """:meth:`cut_imbalance` of sides (C, B), from the table of the sides made of the
        k most extractable components when every design's side is one of them (the
        same numbers: each was formed by cut_imbalance)."""
        count = np.count_nonzero(extract_side, axis=0)
        if np.array_equal(self.rank < count, extract_side):
            return self.imbalances[count, np.arange(count.size)]
        return self.cut_imbalance(extract_side)

    def cut_imbalance(self, extract_side):
        """c = ext − F_A in double-double, rounded once: (S − W) − F_A or (S − W) + F_B.

        F_A (F_B): feed fraction of the components on the extract (raffinate) side,
        summed and divided by the feed total from the fractions as given. Near a sharp
        cut c is the small difference of numbers of order 1 and sets the level of every
        trace that crosses the cut; rounding each term to double would leave an absolute
        error of ~1e-16 in c, i.e. up to 1e-7 relative in those traces.

        ``extract_side``: (C, B), or (C, K, B) for K sides of every design at once.
        """
        side = ~extract_side if self.organic_feed else extract_side
        raw = self.raw_feed.reshape(len(self.raw_feed), *(1,) * (side.ndim - 2), -1)
        part = _dd_sum(np.where(side, raw, 0.0))
        fraction = _dd_divide(part, (self.feed_high, self.feed_low))
        if not self.organic_feed:
            fraction = (-fraction[0], -fraction[1])
        difference = _two_sum(self.organic_flux, -self.scrub_flux)
        high, low = _dd_add(difference, fraction)
        return high + low

    def subset(self, rows):
        """The designs ``rows`` (sorted distinct indices, or a mask) as a new object."""
        other = object.__new__(_Designs)
        rows = np.asarray(rows)
        if (
            rows.dtype.kind in "iu"
            and rows.size == self.pivot.size
            and (not rows.size or rows[-1] == rows.size - 1)
        ):  # every design, in order: the same arrays
            other.__dict__.update(self.__dict__)
            return other
        for name, value in self.__dict__.items():
            if isinstance(value, np.ndarray):  # C order, as every array of a batch
                value = np.ascontiguousarray(value[..., rows])
            setattr(other, name, value)
        return other


def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and a + b = s + e exactly (Knuth)."""
    total = a + b
    shifted = total - a
    return total, (a - (total - shifted)) + (b - shifted)


def _dd_add(a, b):
    """Sum of two double-double numbers (high, low)."""
    high, low = _two_sum(a[0], b[0])
    return _two_sum(high, low + a[1] + b[1])


def _dd_sum(values):
    """Double-double sum over axis 0 of doubles."""
    total = (np.zeros(values.shape[1:]), np.zeros(values.shape[1:]))
    for value in values:
        total = _dd_add(total, (value, 0.0))
    return total


def _two_product(a, b):
    """(p, e) with p = fl(a b) and a b = p + e exactly (Dekker, by Veltkamp splitting)."""
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    low = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, low


def _split(a):
    scaled = 134217729.0 * a  # 2^27 + 1
    high = scaled - (scaled - a)
    return high, a - high


def _dd_divide(a, b):
    """Quotient of two double-double numbers (b > 0), to double-double accuracy."""
    first = a[0] / b[0]
    product = _two_product(first, b[0])
    remainder = (a[0] - product[0] - product[1] + a[1] - first * b[1]) / b[0]
    return _two_sum(first, remainder)


def _splits(designs, t, derivatives):
    """ln R, ln E (C, B) and d ln R_j/dt_j = σ(−t_j), d ln E_j/dt_j = −σ(t_j)."""
    log_r = designs.log_feed - np.logaddexp(0.0, -t)
    log_e = designs.log_feed - np.logaddexp(0.0, t)
    if not derivatives:
        return log_r, log_e, None, None
    return log_r, log_e, np.exp(-np.logaddexp(0.0, t)), -np.exp(-np.logaddexp(0.0, -t))


def _march(designs, t, derivatives=True, profiles=False):
    """Match residual G (C, B) and its Jacobian dG_j/dt_k (C, C, B); optionally profiles.

    The state carried along a section is the phase the next stage mixes (y going up the
    extraction section, x going down the scrub section), normalized once per stage after
    the equilibrium; the other phase is normalized only for the profiles. Without
    profiles the two sections march side by side (:func:`_sections`).
    """
    batch = t.shape[1]
    # C order whatever the caller's (a step or a subset may be a transposed view): the
    # layout decides how numpy sums over the components (see _sum_components)
    t = np.ascontiguousarray(t)
    log_r, log_e, d_r, d_e = _splits(designs, t, derivatives)
    columns = np.arange(batch)
    if profiles:
        bottom, d_bottom, top, d_top, profile = _sections_with_profiles(
            designs, log_r, log_e, d_r, d_e
        )
    else:
        bottom, d_bottom, top, d_top = _sections(designs, log_r, log_e, d_r, d_e)
    pivot = designs.pivot
    difference = top - bottom
    residual = difference - difference[pivot, columns]
    # Σ_j E_j = extract flux, written between the small terms of a sharp cut
    left, right, raffinate_terms, extract_terms = _cut_balance(designs, t, log_r, log_e, True)
    residual[pivot, columns] = left - right
    jacobian = None
    if derivatives:
        d_difference = d_top - d_bottom
        jacobian = d_difference - d_difference[pivot, :, columns].T
        jacobian[pivot, :, columns] = (
            (
                _diagonal(np.exp(raffinate_terms - left) * d_e)
                - _diagonal(np.exp(extract_terms - right) * d_r)
            )
            .sum(0)
            .T
        )
    if profiles:
        return residual, jacobian, (*profile, log_r, log_e)
    return residual, jacobian


def _sections_with_profiles(designs, log_r, log_e, d_r, d_e):
    """Both sections marched one after the other, keeping every stage's fractions:
    (bottom, d_bottom, top, d_top, (aqueous, organic)), as :func:`_sections`."""
    components, batch = log_r.shape
    derivatives = d_r is not None
    log_beta = designs.log_beta
    n, m = designs.n, designs.m
    stages = int((n + m).max())
    aqueous = np.full((stages, components, batch), -np.inf)
    organic = np.full((stages, components, batch), -np.inf)
    aqueous[0] = _normalize(log_r, None)[0]  # the raffinate leaves stage 1
    # y_1 = equilibrium(x_1), x_1 ∝ R
    ly, dy = _normalize(log_r + log_beta, None if d_r is None else _diagonal(d_r))
    organic[0] = ly
    # up the extraction section: stages 2 … n
    for i in range(1, int(n.max())):
        moving = i < n
        values, d_values = _mix(designs.log_up, ly, dy, log_r, d_r)  # x_{i+1}, unnormalized
        new_y, new_dy = _normalize(values + log_beta, d_values)
        if moving.all():
            ly, dy = new_y, new_dy
        else:
            ly = np.where(moving, new_y, ly)
            if derivatives:
                dy = np.where(moving, new_dy, dy)
        aqueous[i] = np.where(moving, _normalize(values, None)[0], -np.inf)
        organic[i] = np.where(moving, ly, -np.inf)
    if designs.organic_feed:  # the bottom side of the match: x_{n+1} ∝ S y_n + R
        bottom, d_bottom = _normalize(*_mix(designs.log_up, ly, dy, log_r, d_r))
    else:  # … y_n
        bottom, d_bottom = ly, dy
    # down the scrub section from the extract: stages N … n + 1; x_N = inverse
    # equilibrium of y_N, y_N ∝ E
    lx, dx = _normalize(log_e - log_beta, None if d_e is None else _diagonal(d_e))
    columns = np.arange(batch)
    last = n + m - 1
    aqueous[last, :, columns] = lx.T
    organic[last, :, columns] = _normalize(log_e, None)[0].T
    for i in range(1, int(m.max())):
        moving = i < m
        values, d_values = _mix(designs.log_down, lx, dx, log_e, d_e)  # y_{i−1}, unnormalized
        new_x, new_dx = _normalize(values - log_beta, d_values)
        if moving.all():
            lx, dx = new_x, new_dx
        else:
            lx = np.where(moving, new_x, lx)
            if derivatives:
                dx = np.where(moving, new_dx, dx)
        stage = last[moving] - i
        aqueous[stage, :, columns[moving]] = lx[:, moving].T
        organic[stage, :, columns[moving]] = _normalize(values, None)[0][:, moving].T
    if designs.organic_feed:  # the top side of the match: x_{n+1}
        top, d_top = lx, dx
    else:  # … y_n ∝ W x_{n+1} + E
        top, d_top = _normalize(*_mix(designs.log_down, lx, dx, log_e, d_e))
    return bottom, d_bottom, top, d_top, (aqueous, organic)


def _sections(designs, log_r, log_e, d_r, d_e):
    """(bottom, d_bottom, top, d_top): the two sides of the feed-stage match and their
    derivatives, both sections marched side by side.

    The extraction section's march takes the first B columns of the state, the scrub
    section's the last B (x_N = inverse equilibrium of y_N ∝ E: ln E − ln β is
    ln E + (−ln β), the same number), so each column goes through exactly the
    operations of its own march, in half the numpy calls; a column stops at its own
    section's stage count.
    """
    batch = log_r.shape[1]
    derivatives = d_r is not None
    log_beta = designs.log_beta
    shift = np.concatenate([log_beta, -log_beta], axis=1)  # (C, 2B)
    net = np.concatenate([log_r, log_e], axis=1)  # R below the feed, E above it
    d_net = np.concatenate([d_r, d_e], axis=1) if derivatives else None
    flux = np.concatenate([designs.log_up, designs.log_down])  # S up, W down
    counts = np.concatenate([designs.n, designs.m])
    # y_1 = equilibrium(x_1), x_1 ∝ R; x_N = inverse equilibrium of y_N, y_N ∝ E
    state, d_state = _normalize(net + shift, _diagonal(d_net) if derivatives else None)
    every = int(counts.min())  # steps 1 … every − 1: every column moves
    for i in range(1, int(counts.max())):
        values, d_values = _mix(flux, state, d_state, net, d_net)  # unnormalized
        new, d_new = _normalize(values + shift, d_values)
        if i < every:
            state, d_state = new, d_new
        else:
            moving = i < counts
            state = np.where(moving, new, state)
            if derivatives:
                d_state = np.where(moving, d_new, d_state)
    # each section's columns as contiguous arrays, as its own march leaves them
    ly = np.ascontiguousarray(state[:, :batch])
    lx = np.ascontiguousarray(state[:, batch:])
    dy = dx = None
    if derivatives:
        dy = np.ascontiguousarray(d_state[..., :batch])
        dx = np.ascontiguousarray(d_state[..., batch:])
    if designs.organic_feed:  # bottom x_{n+1} ∝ S y_n + R; top x_{n+1}
        bottom, d_bottom = _normalize(*_mix(designs.log_up, ly, dy, log_r, d_r))
        top, d_top = lx, dx
    else:  # bottom y_n; top y_n ∝ W x_{n+1} + E
        bottom, d_bottom = ly, dy
        top, d_top = _normalize(*_mix(designs.log_down, lx, dx, log_e, d_e))
    return bottom, d_bottom, top, d_top


def _cut_balance(designs, t, log_r, log_e, terms=False, target=None):
    """The two sides of Σ_j E_j = extract flux, in logs, written between the small terms.

    With c = ext − F_A (F_A: feed of the extract side, t_j < 0, formed in double-double),
    Σ_{t≥0} E_j + max(−c, 0) = Σ_{t<0} R_j + max(c, 0): both sides are sums of positive
    numbers, so traces on either side of the cut stay resolved. Returns (left, right) and,
    if ``terms``, the log terms E_j of the raffinate side and R_j of the extract side;
    ``target``: c of these sides if already formed.
    """
    extract_side = t < 0.0
    if target is None:
        target = designs.side_imbalance(extract_side)
    raffinate_terms = np.where(extract_side, -np.inf, log_e)  # E_j of the raffinate side
    extract_terms = np.where(extract_side, log_r, -np.inf)  # R_j of the extract side
    left = np.logaddexp(_logsumexp(raffinate_terms), np.log(np.maximum(-target, 0.0)))
    right = np.logaddexp(_logsumexp(extract_terms), np.log(np.maximum(target, 0.0)))
    if terms:
        return left, right, raffinate_terms, extract_terms
    return left, right


def _start(designs, sides_only=False):
    """Over-pure start: t_j = −N_side (ln β_j − θ), θ closing the cut balance.

    θ is found by bisection on :func:`_cut_balance`, the equation Newton solves, so the
    start follows the double-double constant of a sharp cut, not its rounding.

    N_side is the stage count of the section that strips j (n for the more extractable
    side of θ, m for the other), as at total reflux (Fenske).

    The bisection (at most 80 halvings, stopped once no bound moves) is evaluated a few
    levels at a time (:func:`_bisection_depth`): every midpoint of the next levels is
    formed as the halvings form it, the balance evaluated at all of them in one call,
    and the path taken from their signs, so θ is the sequential bisection's, bit for bit,
    whatever the batch (``tests/test_steady_state.py`` compares it with the one-at-a-time
    loop).

    ``sides_only``: stop as soon as no ln β_j of any design lies within its bounds; θ is
    then not the root, but every t_j has the sign the root gives it (the sides of the
    cut), which is all the finite-flux and key starts take from this one.
    """
    log_beta = designs.log_beta
    low = log_beta.min(0) - 1.0
    high = log_beta.max(0) + 1.0
    components, batch = log_beta.shape
    depth = _bisection_depth(components, batch)
    columns = np.arange(batch)
    halvings = 0
    while halvings < _START_HALVINGS:
        levels = min(depth, _START_HALVINGS - halvings)
        lows, highs, thetas = _subtree(low, high, levels)  # (2^levels − 1, B), heap order
        above = _start_balance_above(designs, thetas)
        # the sequential loop stops once no bound moves (θ is the bound it replaces):
        # then none ever will, and its result is that of the 80 halvings
        stuck = np.where(above, thetas == highs, thetas == lows)
        child = 2 * np.arange(len(thetas))[:, None] + np.where(above, 1, 2)
        node, stopped = _walk(stuck, child, levels, columns)
        if stopped:  # θ is the node's midpoint, and no bound moved
            return _fenske_splits(designs, 0.5 * (lows[node, columns] + highs[node, columns]))
        halvings += levels
        up, theta = above[node, columns], thetas[node, columns]
        low = np.where(up, lows[node, columns], theta)
        high = np.where(up, theta, highs[node, columns])
        if sides_only and np.all((log_beta < low) | (log_beta > high)):
            break  # θ ∈ [low, high] decides every side: ln β_j > θ iff ln β_j > high
    return _fenske_splits(designs, 0.5 * (low + high))


_START_HALVINGS = 80


def _walk(stuck, child, levels, columns):
    """(node of every design after ``levels`` − 1 steps down the subtree, False), or
    (the node where no design's bounds move, True) if the path stops on the way."""
    if len(columns) == 1:  # one design: the path on Python numbers (the same choices)
        stuck_1, child_1 = stuck[:, 0].tolist(), child[:, 0].tolist()
        node = 0
        for level in range(levels):
            if stuck_1[node]:
                return np.array([node]), True
            if level < levels - 1:
                node = child_1[node]
        return np.array([node]), False
    node = np.zeros(len(columns), dtype=np.int64)
    for level in range(levels):
        if stuck[node, columns].all():
            return node, True
        if level < levels - 1:
            node = child[node, columns]
    return node, False


def _bisection_depth(components, batch):
    """Levels of the bisection evaluated together: many for one small design (where a
    call's overhead is the cost), one for a large batch (where the arithmetic is)."""
    size = components * batch
    if size <= 64:
        return 5
    if size <= 1024:
        return 4
    if size <= 8192:
        return 2
    return 1


def _subtree(low, high, levels):
    """Bounds and midpoints of every interval the next ``levels`` halvings of (low, high)
    can visit, (2^levels − 1, B) each, in heap order (node i's halves are nodes 2i + 1,
    (low_i, θ_i), and 2i + 2, (θ_i, high_i)); each midpoint is formed as the sequential
    bisection forms it, 0.5 (low + high)."""
    nodes = (1 << levels) - 1
    lows = np.empty((nodes, *np.shape(low)))
    highs = np.empty_like(lows)
    thetas = np.empty_like(lows)
    lows[0], highs[0] = low, high
    start, width = 0, 1
    for level in range(levels):
        end = start + width
        theta = thetas[start:end]
        np.multiply(0.5, lows[start:end] + highs[start:end], out=theta)
        if level < levels - 1:  # the halves of node i are nodes 2i + 1 and 2i + 2
            lows[end : end + 2 * width : 2] = lows[start:end]
            lows[end + 1 : end + 2 * width : 2] = theta
            highs[end : end + 2 * width : 2] = theta
            highs[end + 1 : end + 2 * width : 2] = highs[start:end]
        start, width = end, 2 * width
    return lows, highs, thetas


def _start_balance_above(designs, thetas):
    """Whether θ lies above the root of the cut balance, at every θ of ``thetas`` (K, B)."""
    log_beta = designs.log_beta[:, None, :]
    gap = log_beta - thetas
    t = -np.where(gap > 0.0, designs.n, designs.m) * gap  # _fenske_splits, (C, K, B)
    log_feed = designs.log_feed[:, None, :]
    log_r = log_feed - np.logaddexp(0.0, -t)  # _splits without derivatives
    log_e = log_feed - np.logaddexp(0.0, t)
    columns = np.arange(thetas.shape[1])
    target = designs.imbalances[np.count_nonzero(t < 0.0, axis=0), columns]
    left, right = _cut_balance(designs, t, log_r, log_e, target=target)
    return left < right


def _fenske_splits(designs, theta):
    gap = designs.log_beta - theta
    return -np.where(gap > 0.0, designs.n, designs.m) * gap


def _finite_flux_start(designs, t):
    """Per-section (Kremser) splits, the purer side then shifted to close the cut balance.

    ``t`` is the total-reflux start of :func:`_start`, which only decides the sides (its
    t_j < 0: the extract side). Each side's components are stripped by one section, at
    the section's own flux ratio: in the extraction section an extract-side j has the
    extraction factor A_j = S β_j / (L B_e) per stage, in the scrub section a raffinate-side
    j the stripping factor W B_s / (V β_j), with L, V the aqueous and organic fluxes of the
    section and B = Σ β x at the end where the traces are stripped (B_e: the raffinate-side
    feed, B_s: the extract-side feed seen from the aqueous, 1 / Σ (f_j / β_j)); for a long
    section t_j ≈ −n ln A_j or m ln(W B_s / (V β_j)) (Kremser). Both estimates are bounded
    by total reflux against the other side's key, and each key's split is kept at least
    one e-fold on its own side. A side whose leak (Σ E_j of the raffinate side, Σ R_j of
    the extract side, with c) is then smaller than the other's has all its t_j moved
    towards the cut by one amount δ, the log of the ratio of the leaks (leaks far from the
    cut scale as e^-|t_j|), until the leaks are equal: the
    section that separates less sets the leak of both sides, so that neither side starts
    far purer than the balance allows. Without that, a trace next to the cut could start
    e^-100 below its level, where the residual does not depend on it (see the module's
    Method). A design with an empty side keeps ``t``.
    """
    extract_side, light_key, heavy_key, both = _keys(designs, t)
    log_beta, log_feed = designs.log_beta, designs.log_feed
    S, W = designs.organic_flux, designs.scrub_flux
    if designs.organic_feed:
        extraction_aqueous, scrub_organic = W, S + 1.0
    else:
        extraction_aqueous, scrub_organic = W + 1.0, S
    raffinate_feed = np.where(extract_side, -np.inf, log_feed)
    extract_feed = np.where(extract_side, log_feed, -np.inf)
    log_b_extraction = _logsumexp(raffinate_feed + log_beta) - _logsumexp(raffinate_feed)
    log_b_scrub = _logsumexp(extract_feed) - _logsumexp(extract_feed - log_beta)
    theta_extraction = np.log(extraction_aqueous) + log_b_extraction - np.log(S)
    theta_scrub = np.log(W) + log_b_scrub - np.log(scrub_organic)
    n, m = designs.n, designs.m
    theta_extraction = np.minimum(np.maximum(theta_extraction, light_key), heavy_key - 1.0 / n)
    theta_scrub = np.maximum(np.minimum(theta_scrub, heavy_key), light_key + 1.0 / m)
    split = _per_side(designs, extract_side, theta_extraction, theta_scrub)
    log_r, log_e, _, _ = _splits(designs, split, False)
    left, right, raffinate_leaks, extract_leaks = _cut_balance(
        designs, split, log_r, log_e, terms=True
    )
    raffinate_purer = left < right  # the raffinate side leaks less than the extract side
    c = designs.side_imbalance(extract_side)
    # the leak the moved side must reach: the other side's, less its own share of c
    other = np.where(raffinate_purer, right, left)
    own_c = np.log(np.maximum(np.where(raffinate_purer, -c, c), 0.0))
    target = other + np.log1p(-np.exp(own_c - other))
    leak = np.where(raffinate_purer, _logsumexp(raffinate_leaks), _logsumexp(extract_leaks))
    moved = np.where(raffinate_purer, ~extract_side, extract_side)
    # leaks of splits far from the cut scale as e^-|t_j|: one shift δ = ln(target / leak),
    # capped so that the moved side's key stays one e-fold on its side
    limit = np.min(np.where(moved, np.abs(split), np.inf), axis=0) - 1.0
    shift = np.clip(target - leak, 0.0, np.maximum(limit, 0.0))
    shift = np.where(np.isfinite(shift), shift, 0.0)
    split = split + np.where(moved, np.where(raffinate_purer, -shift, shift), 0.0)
    return np.where(both, split, t)


def _key_start(designs, t):
    """Total reflux on each side against the other side's key (the purest either can be).

    t_j = −n (ln β_j − ln β_LK) on the extract side, m (ln β_HK − ln β_j) on the raffinate
    side, sides from ``t`` (:func:`_start`); the cut balance is left to Newton. A design
    with an empty side keeps ``t``.
    """
    extract_side, light_key, heavy_key, both = _keys(designs, t)
    return np.where(both, _per_side(designs, extract_side, light_key, heavy_key), t)


def _keys(designs, t):
    """Sides (t_j < 0: extract), ln β of the light and heavy key, and where both sides exist."""
    extract_side = t < 0.0
    log_beta = designs.log_beta
    light_key = np.max(np.where(extract_side, -np.inf, log_beta), axis=0)
    heavy_key = np.min(np.where(extract_side, log_beta, np.inf), axis=0)
    both = np.isfinite(light_key) & np.isfinite(heavy_key)
    return extract_side, np.where(both, light_key, 0.0), np.where(both, heavy_key, 1.0), both


def _per_side(designs, extract_side, theta_extraction, theta_scrub):
    """t_j = −n (ln β_j − θ_extraction) on the extract side, m (θ_scrub − ln β_j) on the other."""
    log_beta = designs.log_beta
    return np.where(
        extract_side,
        -designs.n * (log_beta - theta_extraction),
        designs.m * (theta_scrub - log_beta),
    )


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
    start=None,
    profiles=True,
):
    """Steady-state profiles of a flat batch of cascades (inputs already checked).

    Parameters
    ----------
    separation_factors, feed_composition : numpy.ndarray
        (B, C): β of every component (any reference) and the feed, non-negative with a
        positive sum (normalized here; pass it as given, not pre-normalized, so that the
        balance across a sharp cut is formed from the exact inputs).
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
    start : numpy.ndarray, optional
        (B, C): splits ln(R_j / E_j) to start from (e.g. those of a similar design);
        default: the over-pure total-reflux estimate.
    profiles : bool
        Whether to form the stage profiles (False: ``aqueous``, ``organic`` and ``real``
        are None; the outlets are the same numbers).

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
    total = extraction_stages + scrub_stages
    if batch <= _GROUP:
        return _solve_group(
            separation_factors, feed_composition, extraction_stages, scrub_stages,
            organic_flux, scrub_flux, organic_feed, tolerance, max_iterations, np.arange(batch),
            start, profiles,
        )  # fmt: skip
    # designs of similar length together, so that the marches stop close to each design's
    # own stage counts; every design is solved on its own, so this changes no number
    order = np.argsort(total, kind="stable")
    stages = int(total.max())
    components = separation_factors.shape[1]
    aqueous = np.zeros((batch, stages, components))
    organic = np.zeros((batch, stages, components))
    extract = np.empty((batch, components))
    raffinate = np.empty((batch, components))
    iterations = np.empty(batch, dtype=np.int64)
    real = np.zeros((batch, stages), dtype=bool)
    for rows in np.array_split(order, -(-batch // _GROUP)):
        part = _solve_group(
            separation_factors[rows], feed_composition[rows], extraction_stages[rows],
            scrub_stages[rows], organic_flux[rows], scrub_flux[rows], organic_feed,
            tolerance, max_iterations, rows, None if start is None else start[rows], profiles,
        )  # fmt: skip
        if profiles:
            width = part[0].shape[1]
            aqueous[rows, :width], organic[rows, :width] = part[0], part[1]
            real[rows, :width] = part[5]
        extract[rows], raffinate[rows], iterations[rows] = part[2], part[3], part[4]
    if not profiles:
        return None, None, extract, raffinate, iterations, None
    return aqueous, organic, extract, raffinate, iterations, real


def _solve_group(
    separation_factors,
    feed_composition,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    organic_feed,
    tolerance,
    max_iterations,
    index,
    start=None,
    profiles=True,
):
    """:func:`solve_steady_state` on one group; ``index``: flat batch index of each row."""
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
        feed_composition,
    )
    given = None
    if start is not None:
        given = np.clip(np.asarray(start, dtype=float).T, -_LARGEST_SPLIT, _LARGEST_SPLIT)
    full_start = given is not None and not np.isnan(given).any()
    common = {}  # the common-θ start, computed once and only if a start needs it

    def total_reflux(rows):
        if "t" not in common:
            with np.errstate(all="ignore"):
                common["t"] = _start(designs)  # (C, B)
        return common["t"][:, rows]

    def sides(rows):
        """A start with the total-reflux start's sides (all that starts 1 and 2 take
        from it, unless a design has an empty side: then they keep it whole)."""
        if "sides" not in common:
            with np.errstate(all="ignore"):
                early = _start(designs, sides_only=True)
            extract = early < 0.0
            if not np.all(extract.any(0) & (~extract).any(0)):
                early = total_reflux(everything)
            common["sides"] = early
        return common["sides"][:, rows]

    # starts in the order tried, each computed for the designs still unsolved (rows);
    # a full given start (a study's base design) skips the start search altogether
    starts = [
        lambda rows: _finite_flux_start(designs.subset(rows), sides(rows)),
        lambda rows: _key_start(designs.subset(rows), sides(rows)),
        total_reflux,
    ]
    everything = np.arange(feed.shape[0])
    if given is not None:
        if not full_start:
            with np.errstate(all="ignore"):
                given = np.where(np.isnan(given), starts[0](everything), given)
        starts.insert(0, lambda rows: given[:, rows])
    direct = min(max_iterations, _DIRECT_ITERATIONS)
    with np.errstate(all="ignore"):
        first = starts[0](everything)
    t, converged, norm, iterations = _newton(designs, first, tolerance, direct)
    for other in starts[1:]:  # the designs not solved from one start try the next
        if converged.all():
            break
        rows = np.flatnonzero(~converged)
        with np.errstate(all="ignore"):
            guess = other(rows)
        t_o, done, norm_o, used = _newton(designs.subset(rows), guess, tolerance, direct)
        iterations[rows] += used
        better = done | (norm_o < norm[rows])
        t[:, rows[better]], norm[rows[better]] = t_o[:, better], norm_o[better]
        converged[rows] = done
    reached = np.ones(len(t[0]))  # level of the continuation solved (1: the design)
    if not converged.all():  # continuation in the stage count from a short cascade
        rows = np.flatnonzero(~converged)
        t_c, done, norm_c, extra, level = _continuation(
            designs.subset(rows), tolerance, max_iterations
        )
        t[:, rows], converged[rows], norm[rows] = t_c, done, norm_c
        iterations[rows] += extra
        reached[rows] = level
    if not np.all(converged):
        row = int(np.flatnonzero(~converged)[0])
        n, m = int(extraction_stages[row]), int(scrub_stages[row])
        raise InfeasibleDesignError(
            "the steady-state Newton iteration did not converge for the design at flat batch "
            f"index {int(index[row])} (largest mismatch at the feed stage {norm[row]:.3g} > "
            f"{tolerance:g} after {int(iterations[row])} iterations; continuation in the stage "
            f"count solved it up to {max(1, round(reached[row] * n))} + "
            f"{max(1, round(reached[row] * m))} of its {n} + {m} stages; beyond, the splits "
            "change too abruptly from one stage count to the next)"
        )
    if not profiles:  # the outlets of the converged splits only (the march's own numbers)
        with np.errstate(all="ignore"):
            log_r, log_e, _, _ = _splits(designs, t, False)
        raffinate = np.where(present, np.exp(log_r.T), 0.0)
        extract = np.where(present, np.exp(log_e.T), 0.0)
        return None, None, extract, raffinate, iterations, None
    with np.errstate(all="ignore"):
        _, _, (log_x, log_y, log_r, log_e) = _march(designs, t, derivatives=False, profiles=True)
    log_x, log_y = log_x.transpose(2, 0, 1), log_y.transpose(2, 0, 1)  # (B, N, C)
    real = np.arange(log_x.shape[1])[None, :] < (extraction_stages + scrub_stages)[:, None]
    keep = present[:, None, :] & real[..., None]
    aqueous = np.where(keep, np.exp(log_x), 0.0)
    organic = np.where(keep, np.exp(log_y), 0.0)
    raffinate = np.where(present, np.exp(log_r.T), 0.0)
    extract = np.where(present, np.exp(log_e.T), 0.0)
    return aqueous, organic, extract, raffinate, iterations, real


def _newton(designs, t, tolerance, max_iterations):
    """Damped Newton from ``t`` (C, B): (t, converged, max |residual|, iterations).

    A design stops when converged, when no step of the backtracking lowers its residual
    (converged if that residual is below the rounding floor), or after
    ``max_iterations``; each design's path depends on its own numbers only.
    """
    t = t.copy()
    batch = t.shape[1]
    with np.errstate(all="ignore"):
        g, jacobian = _march(designs, t)
    norm = np.max(np.abs(g), axis=0)
    converged = norm <= tolerance
    failed = ~np.isfinite(norm)
    iterations = np.zeros(batch, dtype=np.int64)
    active = np.flatnonzero(~converged & ~failed)
    part = designs.subset(active)
    t_a, g_a, jacobian_a, norm_a = t[:, active], g[:, active], jacobian[..., active], norm[active]
    for _ in range(max_iterations):
        if not active.size:
            break
        with np.errstate(all="ignore"):
            step = _newton_step(jacobian_a, -g_a)
        largest = np.max(np.abs(step), axis=0)
        usable = np.isfinite(largest)
        scale = np.where(usable, np.minimum(1.0, _MAX_STEP / np.maximum(largest, 1e-300)), 0.0)
        step = np.where(usable, step, 0.0)
        accepted = np.zeros(active.size, dtype=bool)
        pending = np.flatnonzero(usable)
        for halving in range(_HALVINGS):
            if not pending.size:
                break
            trial = t_a[:, pending] + scale[pending] * step[:, pending]
            trying = part.subset(pending)
            # a step from a residual this small is, as a rule, the last: its Jacobian is
            # formed only if the step is taken and the design has not converged (the
            # residual is the same numbers with or without it)
            last = bool(np.all(norm_a[pending] <= _LAST_STEP))
            with np.errstate(all="ignore"):
                g_trial, jacobian_trial = _march(trying, trial, derivatives=not last)
            value = np.max(np.abs(g_trial), axis=0)
            # Armijo's decrease; a halved step's at least what rounding can tell apart
            floor = _MEASURABLE if halving else 0.0
            decrease = np.maximum(1e-4 * scale[pending], floor) * norm_a[pending]
            good = np.isfinite(value) & (value < norm_a[pending] - decrease)
            hit = pending[good]
            t_a[:, hit], g_a[:, hit] = trial[:, good], g_trial[:, good]
            norm_a[hit] = value[good]
            if last:
                again = np.flatnonzero(good & (value > tolerance))
                if again.size:
                    with np.errstate(all="ignore"):
                        _, jacobian_again = _march(trying.subset(again), trial[:, again])
                    jacobian_a[..., pending[again]] = jacobian_again
            else:
                jacobian_a[..., hit] = jacobian_trial[..., good]
            accepted[hit] = True
            pending = pending[~good]
            scale[pending] *= 0.5
        iterations[active] += 1
        done = norm_a <= tolerance
        stalled = ~accepted & ~done
        done |= stalled & (norm_a <= _ROUNDING_FLOOR)
        t[:, active], norm[active] = t_a, norm_a
        converged[active[done]] = True
        keep = ~done & ~stalled
        if not keep.all():
            active = active[keep]
            part = part.subset(keep)
            t_a, g_a, jacobian_a, norm_a = (
                t_a[:, keep],
                g_a[:, keep],
                jacobian_a[..., keep],
                norm_a[keep],
            )
    return t, converged, norm, iterations


def _continuation(designs, tolerance, max_iterations):
    """Newton along shorter cascades: (t, converged, max |residual|, iterations, level).

    Level λ in (0, 1] solves the design with round(λ n) and round(λ m) stages (at least
    one each), from λ = 1 / max(n, m) (one or two stages, which the total-reflux start
    solves) up to λ = 1. Each level starts from the splits of the level before,
    extrapolated linearly in λ (the splits of well separated components grow about in
    proportion to the stage counts); a level that does not converge is retried closer
    to the last one solved, and a design whose step in λ falls below 1e-3 is left
    unconverged.
    """
    full_n, full_m = designs.n, designs.m
    batch = len(full_n)
    level = 1.0 / np.maximum(full_n, full_m)
    growth = np.full(batch, 2.0)
    short = designs.subset(np.arange(batch))
    short.n = np.maximum(1, np.rint(level * full_n)).astype(np.int64)
    short.m = np.maximum(1, np.rint(level * full_m)).astype(np.int64)
    with np.errstate(all="ignore"):
        t0 = _start(short)
    t, converged, norm, iterations = _newton(short, t0, tolerance, max_iterations)
    solved = np.where(converged, level, 0.0)  # last level solved
    previous_t, previous_level = np.zeros_like(t), np.zeros(batch)
    active = converged & (solved < 1.0)
    while active.any():
        rows = np.flatnonzero(active)
        target = np.minimum(1.0, solved[rows] * growth[rows])
        part = designs.subset(rows)
        part.n = np.maximum(1, np.rint(target * full_n[rows])).astype(np.int64)
        part.m = np.maximum(1, np.rint(target * full_m[rows])).astype(np.int64)
        slope = (t[:, rows] - previous_t[:, rows]) / (solved[rows] - previous_level[rows])
        # not clipped (the splits of converged levels are finite, so is their
        # extrapolation): the splits of components far from the cut grow in proportion
        # to the stage count beyond any fixed bound (design 74 of the stress set: 778 at
        # 70 + 99 of its 143 + 201 stages), and one clipped to 700 leaks e^78 times too
        # much; in the scrub march such a component is multiplied by up to β_max/β_j per
        # stage, takes over the feed stage and the match no longer depends on any split
        guess = t[:, rows] + slope * (target - solved[rows])
        t_new, ok, norm_new, used = _newton(part, guess, tolerance, max_iterations)
        iterations[rows] += used
        hit, miss = rows[ok], rows[~ok]
        previous_t[:, hit], previous_level[hit] = t[:, hit], solved[hit]
        t[:, hit], solved[hit], norm[hit] = t_new[:, ok], target[ok], norm_new[ok]
        growth[miss] = 1.0 + 0.5 * (growth[miss] - 1.0)
        norm[miss] = np.maximum(norm[miss], norm_new[~ok])
        active = (solved < 1.0) & (growth > 1.001)
    done = solved >= 1.0
    norm = np.where(done, norm, np.maximum(norm, tolerance * 10))
    return t, done, norm, iterations, solved


def _newton_step(jacobian, rhs):
    """Solve J Δ = rhs per design (J (C, C, B), rhs (C, B)); singular J: a NaN step."""
    matrices = jacobian.transpose(2, 0, 1)
    try:
        return np.linalg.solve(matrices, rhs.T[..., None])[..., 0].T
    except np.linalg.LinAlgError:
        step = np.full_like(rhs, np.nan)
        for column in range(rhs.shape[1]):
            try:
                step[:, column] = np.linalg.solve(matrices[column], rhs[:, column])
            except np.linalg.LinAlgError:
                pass
        return step
