"""Steady state of an extraction + scrub cascade, two or more components (public API).

Input checks, broadcasting and the result record; the numerical method is in
:mod:`tecmodel.separation.steady_state`. Conventions: see :mod:`tecmodel.separation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ._checks import (
    _as_float,
    _check_factors_and_feed,
    _check_feed,
    _check_fraction,
    _check_separation_factor,
    _check_stages,
    _require,
)
from .binary import solve_binary
from .steady_state import solve_steady_state


@dataclass(frozen=True, repr=False)
class CascadeSimulation:
    """Exact steady state of an extraction + scrub cascade (arrays over the batch).

    Component arrays have the components on the last axis, in the order given (for
    :func:`simulate_cascade`: index 0 is A, index 1 is B). Profiles have shape
    ``batch + (stages, components)``, stage 1 first; stages beyond a design's own
    n + m (padding in a batch) are NaN.

    Attributes
    ----------
    purity_extract : numpy.ndarray
        Fraction of the extract components in the extract (organic outlet) [-].
    purity_raffinate : numpy.ndarray
        Fraction of the raffinate components in the raffinate (aqueous outlet) [-].
    recovery_extract : numpy.ndarray
        Fraction of the feed's extract components that leaves in the extract [-].
    recovery_raffinate : numpy.ndarray
        Fraction of the feed's raffinate components that leaves in the raffinate [-].
    extract_flux, raffinate_flux : numpy.ndarray
        Rare-earth flux of the organic and aqueous outlets per unit of feed [-].
    extract_composition, raffinate_composition : numpy.ndarray
        Fractions of every component in the outlets [-].
    aqueous_profile, organic_profile : numpy.ndarray
        Fraction of every component in the aqueous and organic leaving each stage [-]
        (None when the private ``_profiles=False`` asked for the outlets only, as
        :func:`tecmodel.separation.cut.cascade_split` does).
    extraction_stages, scrub_stages : numpy.ndarray
        n and m [-].
    organic_flux, scrub_flux : numpy.ndarray
        S and W per unit of feed [-].
    mass_balance_error : numpy.ndarray
        max over components of |feed − extract − raffinate| / feed [-].
    iterations : numpy.ndarray
        Newton iterations used [-].
    """

    purity_extract: np.ndarray
    purity_raffinate: np.ndarray
    recovery_extract: np.ndarray
    recovery_raffinate: np.ndarray
    extract_flux: np.ndarray
    raffinate_flux: np.ndarray
    extract_composition: np.ndarray
    raffinate_composition: np.ndarray
    aqueous_profile: np.ndarray
    organic_profile: np.ndarray
    extraction_stages: np.ndarray
    scrub_stages: np.ndarray
    organic_flux: np.ndarray
    scrub_flux: np.ndarray
    mass_balance_error: np.ndarray
    iterations: np.ndarray
    extract_components: tuple = field(default=(0,))

    @property
    def total_stages(self):
        """n + m [-]."""
        return self.extraction_stages + self.scrub_stages

    def summary(self) -> str:
        """A short readable table (first design of a batch, and the batch size)."""
        shape = np.shape(self.purity_extract)
        first = (0,) * len(shape)
        lines = [
            "CascadeSimulation" + (f" (batch {shape}, first design shown)" if shape else ""),
            f"  extraction stages n     {int(self.extraction_stages[first])}",
            f"  scrub stages m          {int(self.scrub_stages[first])}",
            f"  organic flux S          {float(self.organic_flux[first]):.6g}",
            f"  scrub flux W            {float(self.scrub_flux[first]):.6g}",
            f"  purity extract          {float(self.purity_extract[first]):.8f}",
            f"  purity raffinate        {float(self.purity_raffinate[first]):.8f}",
            f"  recovery extract        {float(self.recovery_extract[first]):.8f}",
            f"  recovery raffinate      {float(self.recovery_raffinate[first]):.8f}",
            f"  mass balance error      {float(self.mass_balance_error[first]):.2e}",
        ]
        return "\n".join(lines)

    __repr__ = summary


def simulate_multicomponent(
    separation_factors,
    feed_composition,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    *,
    extract_components=None,
    feed="aqueous",
    tolerance=1e-13,
    max_iterations=200,
    _start=None,
    _profiles=True,
):
    r"""Exact steady state of an extraction + scrub cascade for any number of components.

    Parameters
    ----------
    separation_factors : array_like
        β_j = D_j / D_ref of every component relative to any reference component,
        components on the last axis, > 0 [-]. Batch axes lead and broadcast.
    feed_composition : array_like
        Fraction of every component in the feed, components on the last axis; it is
        normalized to sum to 1 [-].
    extraction_stages : array_like of int
        n, stages in the extraction section, ≥ 1 [-].
    scrub_stages : array_like of int
        m, stages in the scrub section, ≥ 1 [-].
    organic_flux : array_like
        S, rare-earth flux carried by the organic, per unit of feed [-].
    scrub_flux : array_like
        W, rare-earth flux in the scrub aqueous, per unit of feed [-].
    extract_components : sequence of int or bool mask, optional
        Components that are wanted in the extract (the more extractable side of the cut);
        the rest are wanted in the raffinate. Default: the components whose
        ``separation_factors`` are above the median of the first batch entry, so for two
        components the more extractable one.
    feed : {"aqueous", "organic"}
        Phase of the feed: aqueous feed enters stage n, organic feed stage n + 1.
    tolerance : float
        Convergence tolerance: largest mismatch, in log-ratios, of the two section
        profiles where they meet at the feed stage [-].
    max_iterations : int
        Newton iteration limit; :class:`InfeasibleDesignError` is raised beyond it.

    Returns
    -------
    CascadeSimulation

    Notes
    -----
    Constant rare-earth fluxes in each section (Xu's constant-flux model, fluxes per unit
    of feed). Aqueous feed: the organic leaving stages 1 … n + m − 1 carries S, the
    aqueous leaving stages 2 … n carries W + 1 and stages n + 1 … n + m carries W; the
    outlets are the raffinate W + 1 − S (aqueous from stage 1) and the extract S − W
    (organic from stage n + m). Fresh organic and the scrub acid carry no rare earths.
    (Refluxing W of extract as scrub liquor gives the same operating lines and the same
    profile.) Organic feed: organic S in the extraction section, S + 1 in the scrub
    section, aqueous W everywhere; outlets W − S and S + 1 − W.

    Equilibrium in every stage i: y_{j,i} = β_j x_{j,i} / Σ_k β_k x_{k,i}. With
    a, o the aqueous and organic flux leaving a stage and F the feed, the balance of
    component j in stage i is

    .. math:: a_{i+1} x_{j,i+1} + o_{i-1} y_{j,i-1} + F_{j,i} = a_i x_{j,i} + o_i y_{j,i}.

    Method (:mod:`tecmodel.separation.steady_state`): the unknowns are the C splits
    ln(R_j / E_j) of the components between raffinate and extract. For given splits,
    the balances up to any stage fix each section's profile by a march from its outlet
    (x_{i+1} ∝ S y_i + R up the extraction section, y_{i−1} ∝ W x_i + E down the scrub
    section), done on logarithms and on positive numbers only; Newton's method makes
    the two marches meet at the feed stage and the outlet fluxes add up. Every
    fraction — trace components included, down to 1e-300 and below — keeps full
    relative accuracy, near the pinch and over hundreds of stages; for β = 2,
    equimolar feed, S = 1.01 S_min and 150 + 150 stages the raffinate trace agrees
    with an 80-digit solution (7.19e-19, issue 11). A design that does not converge
    raises :class:`InfeasibleDesignError` naming it; an unconverged profile is never
    returned. Each design is iterated on its own, so a batch gives the same numbers,
    bit for bit, as the designs one by one.

    A steady state exists for every input with positive outlet fluxes (checked here);
    S below the minimum flux is not infeasible — the targets are simply not met.

    References
    ----------
    .. [1] Xu Guangxian 1985; Zhang, Zhao & Schreiner 2016 (see module docstring).
    """
    organic_feed = _check_feed(feed)
    # the solver forms the balance of a sharp cut from the composition as given
    beta, given, composition = _check_factors_and_feed(separation_factors, feed_composition)
    n, m, S, W = _checked_design(
        extraction_stages, scrub_stages, organic_flux, scrub_flux, organic_feed
    )
    try:
        batch_shape = np.broadcast_shapes(
            beta.shape[:-1], composition.shape[:-1], n.shape, m.shape, S.shape, W.shape
        )
        components = np.broadcast_shapes(beta.shape[-1:], composition.shape[-1:])[0]
    except ValueError as exc:
        raise InputError(f"inputs do not broadcast: {exc}") from exc
    if components < 2:
        raise InputError(f"need at least 2 components on the last axis, got {components}")
    flat = int(np.prod(batch_shape))
    beta_flat = np.broadcast_to(beta, (*batch_shape, components)).reshape(flat, components)
    feed_flat = np.broadcast_to(composition, (*batch_shape, components)).reshape(flat, components)
    given_flat = np.broadcast_to(given, (*batch_shape, components)).reshape(flat, components)
    n_flat = np.broadcast_to(n, batch_shape).reshape(flat)
    m_flat = np.broadcast_to(m, batch_shape).reshape(flat)
    s_flat = np.broadcast_to(S, batch_shape).reshape(flat)
    w_flat = np.broadcast_to(W, batch_shape).reshape(flat)

    wanted = _extract_mask(extract_components, components, beta_flat)

    aqueous, organic, extract, raffinate, iterations, real = solve_steady_state(
        beta_flat,
        given_flat,
        n_flat,
        m_flat,
        s_flat,
        w_flat,
        organic_feed,
        tolerance,
        max_iterations,
        None if _start is None else np.broadcast_to(_start, beta_flat.shape),
        profiles=_profiles,
    )
    return _package(
        batch_shape,
        feed_flat,
        wanted,
        aqueous,
        organic,
        extract,
        raffinate,
        iterations,
        real,
        n_flat,
        m_flat,
        s_flat,
        w_flat,
    )


def _checked_design(extraction_stages, scrub_stages, organic_flux, scrub_flux, organic_feed):
    """Stage counts n, m (whole, ≥ 1) and fluxes S, W (positive, positive outlets)."""
    n = _check_stages("extraction_stages", extraction_stages, 1)
    m = _check_stages("scrub_stages", scrub_stages, 1)
    S = _as_float("organic_flux", organic_flux)
    W = _as_float("scrub_flux", scrub_flux)
    _check_fluxes(S, W, organic_feed)
    return n, m, S, W


def _check_fluxes(S, W, organic_feed):
    """S, W positive, with positive outlets (extract and raffinate)."""
    _require("organic_flux", S, S <= 0.0, "> 0")
    _require("scrub_flux", W, W <= 0.0, "> 0")
    if organic_feed:
        _require("scrub_flux", W, W <= S, "greater than organic_flux (raffinate W - S > 0)")
    else:
        _require(
            "organic_flux",
            S,
            S <= W,
            "greater than scrub_flux (extract S - W > 0)",
        )
        _require(
            "organic_flux",
            S,
            S >= W + 1.0,
            "less than scrub_flux + 1 (raffinate W + 1 - S > 0)",
        )


def _extract_mask(extract_components, components, beta_flat):
    if extract_components is None:
        reference = beta_flat[0]
        return reference > np.median(reference)
    mask = np.asarray(extract_components)
    if mask.dtype == bool:
        if mask.shape != (components,):
            raise InputError(
                f"extract_components as a mask must have {components} entries, got shape "
                f"{mask.shape}"
            )
        wanted = mask.copy()
    else:
        wanted = np.zeros(components, dtype=bool)
        try:
            wanted[mask.astype(np.int64)] = True
        except (IndexError, ValueError, TypeError) as exc:
            raise InputError(
                f"extract_components must be component indices in 0..{components - 1}, "
                f"got {extract_components!r}"
            ) from exc
    if wanted.all() or not wanted.any():
        raise InputError(
            f"extract_components must name some but not all components, got {extract_components!r}"
        )
    return wanted


def _package(
    batch_shape,
    feed_flat,
    wanted,
    aqueous,
    organic,
    extract,
    raffinate,
    iterations,
    real,
    n_flat,
    m_flat,
    s_flat,
    w_flat,
):
    extract_flux = extract.sum(-1)
    raffinate_flux = raffinate.sum(-1)
    extract_composition = extract / extract_flux[:, None]
    raffinate_composition = raffinate / raffinate_flux[:, None]
    imbalance = np.abs(feed_flat - extract - raffinate)
    scale = np.where(feed_flat > 0.0, feed_flat, 1.0)
    mass_balance_error = np.max(imbalance / scale, axis=-1)
    purity_extract = extract_composition[:, wanted].sum(-1)
    purity_raffinate = raffinate_composition[:, ~wanted].sum(-1)
    recovery_extract = extract[:, wanted].sum(-1) / feed_flat[:, wanted].sum(-1)
    recovery_raffinate = raffinate[:, ~wanted].sum(-1) / feed_flat[:, ~wanted].sum(-1)
    components = feed_flat.shape[1]
    aqueous_profile = organic_profile = None  # not formed (the private _profiles=False)
    if aqueous is not None:
        stages = aqueous.shape[1]
        aqueous_profile = np.where(real[:, :, None], aqueous, np.nan).reshape(
            (*batch_shape, stages, components)
        )
        organic_profile = np.where(real[:, :, None], organic, np.nan).reshape(
            (*batch_shape, stages, components)
        )

    def shaped(values):
        return values.reshape(batch_shape)[()]

    def shaped_c(values):
        return values.reshape((*batch_shape, components))

    return CascadeSimulation(
        purity_extract=shaped(purity_extract),
        purity_raffinate=shaped(purity_raffinate),
        recovery_extract=shaped(recovery_extract),
        recovery_raffinate=shaped(recovery_raffinate),
        extract_flux=shaped(extract_flux),
        raffinate_flux=shaped(raffinate_flux),
        extract_composition=shaped_c(extract_composition),
        raffinate_composition=shaped_c(raffinate_composition),
        aqueous_profile=aqueous_profile,
        organic_profile=organic_profile,
        extraction_stages=shaped(n_flat),
        scrub_stages=shaped(m_flat),
        organic_flux=shaped(s_flat),
        scrub_flux=shaped(w_flat),
        mass_balance_error=shaped(mass_balance_error),
        iterations=shaped(iterations),
        extract_components=tuple(int(i) for i in np.flatnonzero(wanted)),
    )


def simulate_cascade(
    separation_factor,
    feed_fraction,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    *,
    feed="aqueous",
    tolerance=1e-13,
    max_iterations=200,
):
    r"""Exact steady state of a two-component extraction + scrub cascade.

    The model of :func:`simulate_multicomponent` with components (A, B),
    ``separation_factors = (β, 1)`` and ``feed_composition = (f_A, 1 − f_A)``, solved by
    Smoker's closed form for two components (:mod:`tecmodel.separation.binary`): one
    scalar equation per design, whatever its stage counts.

    Parameters
    ----------
    separation_factor : array_like
        β = D_A/D_B > 1 [-].
    feed_fraction : array_like
        f_A, fraction of A in the feed, in (0, 1) [-].
    extraction_stages, scrub_stages : array_like of int
        n and m, each ≥ 1 [-].
    organic_flux, scrub_flux : array_like
        S and W per unit of feed [-]; aqueous feed needs W < S < W + 1, organic feed
        S < W < S + 1.
    feed : {"aqueous", "organic"}
        Phase of the feed (aqueous enters stage n, organic stage n + 1).
    tolerance, max_iterations
        See :func:`simulate_multicomponent`; they apply to the designs that the closed
        form hands to it (an outlet less than half pure, a trace below 1e-250).

    Returns
    -------
    CascadeSimulation
        ``purity_extract`` is the fraction of A in the extract, ``purity_raffinate`` that
        of B in the raffinate, ``recovery_extract`` the fraction of A's feed in the
        extract, ``recovery_raffinate`` that of B in the raffinate;
        ``aqueous_profile[..., 0]`` and ``organic_profile[..., 0]`` are the fractions of
        A leaving every stage.

    Notes
    -----
    See :func:`simulate_multicomponent` for the model, :mod:`tecmodel.separation.binary`
    for the method; ``iterations`` counts evaluations of the closed form. The two
    methods agree to ~1e-12 relative on every outlet fraction and profile value.

    Examples
    --------
    >>> result = simulate_cascade(2.0, 0.5, 25, 21, 1.708645, 1.208194)
    >>> round(float(result.purity_extract), 5), round(float(result.purity_raffinate), 5)
    (0.99903, 0.99993)
    """
    return _simulate_binary(
        separation_factor,
        feed_fraction,
        extraction_stages,
        scrub_stages,
        organic_flux,
        scrub_flux,
        feed=feed,
        tolerance=tolerance,
        max_iterations=max_iterations,
    )[0]


def _simulate_binary(
    separation_factor,
    feed_fraction,
    extraction_stages,
    scrub_stages,
    organic_flux,
    scrub_flux,
    *,
    feed="aqueous",
    tolerance=1e-13,
    max_iterations=200,
    start=None,
    general=False,
):
    """:func:`simulate_cascade` and the solved traces ln u (a warm start for the design).

    ``general=True`` solves with the multicomponent method instead (the previous route,
    kept for the benchmark's comparison). ``start``: ln u for the closed form, the
    splits ln(R_j/E_j) for the general method.
    """
    beta = _check_separation_factor(separation_factor)
    feed_fraction = _check_fraction("feed_fraction", feed_fraction)
    beta, feed_fraction = np.broadcast_arrays(beta, feed_fraction)
    separation_factors = np.stack([beta, np.ones_like(beta)], axis=-1)
    composition = np.stack([feed_fraction, 1.0 - feed_fraction], axis=-1)
    if general:
        simulation = simulate_multicomponent(
            separation_factors,
            composition,
            extraction_stages,
            scrub_stages,
            organic_flux,
            scrub_flux,
            extract_components=(0,),
            feed=feed,
            tolerance=tolerance,
            max_iterations=max_iterations,
            _start=start,
        )
        return simulation, None
    organic_feed = _check_feed(feed)
    n, m, S, W = _checked_design(
        extraction_stages, scrub_stages, organic_flux, scrub_flux, organic_feed
    )
    try:
        batch_shape = np.broadcast_shapes(beta.shape, n.shape, m.shape, S.shape, W.shape)
    except ValueError as exc:
        raise InputError(f"inputs do not broadcast: {exc}") from exc
    flat = int(np.prod(batch_shape))

    def flat_of(values):
        return np.broadcast_to(values, batch_shape).reshape(flat)

    b_f, f_f, n_f, m_f, s_f, w_f = (flat_of(v) for v in (beta, feed_fraction, n, m, S, W))
    if start is not None:
        start = flat_of(start)
    aqueous, organic, extract, raffinate, iterations, real, log_u = solve_binary(
        b_f, f_f, n_f, m_f, s_f, w_f, organic_feed, start, tolerance, max_iterations
    )
    feed_flat = np.stack([f_f, 1.0 - f_f], axis=-1)
    simulation = _package(
        batch_shape,
        feed_flat,
        np.array([True, False]),
        aqueous,
        organic,
        extract,
        raffinate,
        iterations,
        real,
        n_f,
        m_f,
        s_f,
        w_f,
    )
    return simulation, log_u
