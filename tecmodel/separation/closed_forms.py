"""Closed-form cascade estimates: Fenske minimum stages, Kremser extraction, minimum organic flux.

All quantities are dimensionless (fluxes per unit of rare-earth feed); every function
broadcasts over its inputs. Conventions: see :mod:`tecmodel.separation`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InfeasibleDesignError
from ._checks import (
    _as_float,
    _check_feed,
    _check_fraction,
    _check_separation_factor,
    _check_targets,
    _first,
    _require,
)


def fenske_stages(separation_factor, purity_extract, purity_raffinate):
    r"""Minimum number of stages at total reflux (Fenske).

    Parameters
    ----------
    separation_factor : array_like
        β = D_A/D_B of the more over the less extractable component, > 1 [-].
    purity_extract : array_like
        Fraction of A in the extract (organic outlet), in (0, 1) [-].
    purity_raffinate : array_like
        Fraction of B in the raffinate (aqueous outlet), in (0, 1) [-].

    Returns
    -------
    numpy.ndarray or float
        Minimum number of equilibrium stages N_min (not rounded) [-]. Broadcasts.

    Notes
    -----
    At total reflux the A/B ratio changes by β in every stage, so

    .. math:: N_{min} = \frac{\ln\left[\frac{P_A}{1-P_A}\,\frac{P_B}{1-P_B}\right]}{\ln\beta}

    which equals ln(a·b)/ln β with Xu's purification factors a and b: the feed terms cancel.

    References
    ----------
    .. [1] Xu Guangxian 1985; Zhang, Zhao & Schreiner 2016 (see module docstring).

    Examples
    --------
    >>> round(float(fenske_stages(2.0, 0.999, 0.9999)), 4)
    23.2519
    """
    beta = _check_separation_factor(separation_factor)
    purity_extract = _check_fraction("purity_extract", purity_extract)
    purity_raffinate = _check_fraction("purity_raffinate", purity_raffinate)
    # Fenske: N_min = ln[(P_A/(1-P_A)) (P_B/(1-P_B))] / ln β
    odds = np.log(purity_extract / (1.0 - purity_extract)) + np.log(
        purity_raffinate / (1.0 - purity_raffinate)
    )
    return (odds / np.log(beta))[()]


def kremser_stages(extraction_factor, fraction_remaining):
    r"""Stages for single-solute countercurrent extraction with a clean solvent (Kremser).

    Parameters
    ----------
    extraction_factor : array_like
        E = D · organic flow / aqueous flow of the solute, > 0 [-].
    fraction_remaining : array_like
        φ = x_out / x_in, the fraction of the solute left in the raffinate, in (0, 1)
        [-]. For E < 1 it must exceed 1 − E, the limit reached with infinitely many
        stages.

    Returns
    -------
    numpy.ndarray or float
        Number of equilibrium stages N (not rounded) [-]. Broadcasts.

    Raises
    ------
    InfeasibleDesignError
        If φ ≤ 1 − E (not reachable with any number of stages).

    Notes
    -----
    The Kremser equation φ = (E − 1)/(E^{N+1} − 1) solved for N:

    .. math:: N = \frac{\ln\left[\frac{1}{\varphi}\left(1-\frac{1}{E}\right)
              + \frac{1}{E}\right]}{\ln E}
              = \frac{\ln\left[1 + u\,(1/\varphi - 1)\right]}{\ln E},\quad u = \frac{E-1}{E}

    The second form is evaluated with ``log1p`` so that it stays accurate as E → 1, where
    both numerator and denominator vanish; at E = 1 exactly the limit N = 1/φ − 1 is used.

    Examples
    --------
    >>> round(float(kremser_stages(2.0, 0.01)), 4)
    5.6582
    >>> float(kremser_stages(1.0, 0.1))
    9.0
    """
    extraction_factor = _as_float("extraction_factor", extraction_factor)
    fraction_remaining = _check_fraction("fraction_remaining", fraction_remaining)
    _require("extraction_factor", extraction_factor, extraction_factor <= 0.0, "> 0")
    extraction_factor, fraction_remaining = np.broadcast_arrays(
        extraction_factor, fraction_remaining
    )
    bad = fraction_remaining <= 1.0 - extraction_factor
    _require(
        "fraction_remaining",
        fraction_remaining,
        bad,
        "greater than 1 - extraction_factor (the infinite-stage limit)",
        InfeasibleDesignError,
        extra=f" with extraction_factor {float(_first(extraction_factor, bad)):.10g}",
    )
    excess = 1.0 / fraction_remaining - 1.0
    at_one = extraction_factor == 1.0
    safe_factor = np.where(at_one, 2.0, extraction_factor)
    u = (safe_factor - 1.0) / safe_factor  # exact-ish: E - 1 has no rounding near 1
    # Kremser: N = ln[1 + u (1/φ - 1)] / ln E ; limit E -> 1: N = 1/φ - 1
    stages = np.where(at_one, excess, np.log1p(u * excess) / np.log(safe_factor))
    return stages[()]


def _split(feed_fraction, purity_extract, purity_raffinate):
    """Xu's outlet split f'_A (fraction of feed leaving in the extract)."""
    # Xu: f'_A = (f_A - 1 + P_B) / (P_A - 1 + P_B)
    return (feed_fraction - 1.0 + purity_raffinate) / (purity_extract - 1.0 + purity_raffinate)


def _minimum_organic_flux(beta, feed_fraction, purity_extract, split_extract, organic_feed):
    """Kernel of :func:`minimum_organic_flux` on checked float arrays."""
    if organic_feed:
        # pinch: organic at the feed stage has the feed composition y_F = f_A
        aqueous_at_pinch = feed_fraction / (beta - (beta - 1.0) * feed_fraction)
        # (S+1)(f_A - x*) = f'_A (P_A - x*)
        return (
            split_extract
            * (purity_extract - aqueous_at_pinch)
            / (feed_fraction - aqueous_at_pinch)
            - 1.0
        )
    # pinch: aqueous at the feed stage has the feed composition x_F = f_A
    organic_at_pinch = beta * feed_fraction / (1.0 + (beta - 1.0) * feed_fraction)
    # S (y_F - f_A) = f'_A (P_A - f_A)
    return split_extract * (purity_extract - feed_fraction) / (organic_at_pinch - feed_fraction)


def minimum_organic_flux(
    separation_factor, feed_fraction, purity_extract, purity_raffinate, feed="aqueous"
):
    r"""Minimum organic flux S_min (minimum reflux) of a two-outlet fractionation cascade.

    Below S_min the purities cannot be reached with any number of stages; at S_min they
    are reached only with infinitely many stages (a pinch at the feed stage).

    Parameters
    ----------
    separation_factor : array_like
        β = D_A/D_B > 1 [-].
    feed_fraction : array_like
        f_A, fraction of A in the feed [-].
    purity_extract : array_like
        P_A, fraction of A in the extract (organic outlet), in (f_A, 1) [-].
    purity_raffinate : array_like
        P_B, fraction of B in the raffinate (aqueous outlet), in (1 − f_A, 1) [-].
    feed : {"aqueous", "organic"}
        Phase in which the feed enters (aqueous at stage n, organic at stage n + 1).

    Returns
    -------
    numpy.ndarray or float
        S_min, rare-earth flux carried by the organic per unit of feed [-]. The matching
        minimum scrub flux is W_min = S_min − f'_A (aqueous feed) or S_min + 1 − f'_A
        (organic feed).

    Notes
    -----
    Constant fluxes, constant β, equilibrium y = βx/(1 + (β − 1)x) with x, y the fraction
    of A in the aqueous and organic leaving a stage. The product split follows from the A
    balance, f'_A = (f_A − 1 + P_B)/(P_A − 1 + P_B).

    *Aqueous feed.* Balance of A over the scrub section above stage i (the extract
    f'_A = S − W leaves with composition P_A):

    .. math:: S\,y_i - W\,x_{i+1} = f'_A P_A

    and over the extraction section below stage i+1 (raffinate f'_B = W + 1 − S with
    fraction 1 − P_B of A): (W + 1) x_{i+1} − S y_i = f'_B (1 − P_B). Subtracting, the two
    operating lines cross at x = f'_A P_A + f'_B (1 − P_B) = f_A, whatever S is. The
    cascade pinches (infinitely many stages, composition unchanged from stage to stage)
    when that crossing lies on the equilibrium curve, i.e. when the organic at the feed
    stage is in equilibrium with aqueous of feed composition,
    y_F = βf_A/(1 + (β − 1)f_A). Putting x = f_A, y = y_F, W = S − f'_A in the scrub line:

    .. math:: S_{min} = f'_A\,\frac{P_A - f_A}{y_F - f_A}

    (the Underwood/McCabe-Thiele minimum reflux for a saturated-liquid feed; with constant
    β the equilibrium curve has no tangent pinch, so the feed pinch is the binding one).
    In Xu's terms this is the largest admissible scrub ratio, E'_M,max = S_min/W_min.

    *Organic feed* (enters stage n + 1 as loaded organic; organic flux S + 1 in the scrub
    section, aqueous W in both, f'_A = S + 1 − W): the operating lines cross at y = f_A,
    the pinch aqueous is x* = f_A/(β − (β − 1) f_A) and

    .. math:: S_{min} = f'_A\,\frac{P_A - x^*}{f_A - x^*} - 1 .

    The tests check S_min against the exact stage-by-stage simulation: just above S_min
    the purities are reached with many stages, just below they are not reached.

    References
    ----------
    .. [1] Xu Guangxian 1985; Zhang, Zhao & Schreiner 2016 (see module docstring).

    Examples
    --------
    >>> round(float(minimum_organic_flux(2.0, 0.5, 0.999, 0.9999)), 4)
    1.4983
    """
    organic_feed = _check_feed(feed)
    beta = _check_separation_factor(separation_factor)
    feed_fraction, purity_extract, purity_raffinate = _check_targets(
        feed_fraction, purity_extract, purity_raffinate
    )
    split_extract = _split(feed_fraction, purity_extract, purity_raffinate)
    return _minimum_organic_flux(beta, feed_fraction, purity_extract, split_extract, organic_feed)[
        ()
    ]
