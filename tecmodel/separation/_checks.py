"""Input checks shared by the cascade functions (internal)."""

from __future__ import annotations

import numpy as np

from ..errors import InfeasibleDesignError, InputError

_FEEDS = ("aqueous", "organic")


def _location(mask: np.ndarray) -> str:
    """' at index (i, j)' for the first True entry of a batch mask, '' for scalars."""
    mask = np.asarray(mask)
    if mask.ndim == 0:
        return ""
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    return f" at index {index}"


def _first(values: np.ndarray, mask: np.ndarray) -> float:
    values = np.broadcast_to(np.asarray(values), np.shape(mask))
    if values.ndim == 0:
        return values[()]
    hits = np.argwhere(mask)
    return values[tuple(hits[0])] if len(hits) else np.nan


def _as_float(name: str, value) -> np.ndarray:
    if hasattr(value, "units") or isinstance(value, bool | np.bool_ | str) or value is None:
        # the package's boundary validator: a dimensionless Quantity (percent included)
        # or a plain number; a dimensional one (2 m) or a boolean is refused
        from ..validation import check

        value = check(value, name, "", allow_nan=True)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    if not np.isfinite(array).all():
        bad = ~np.isfinite(array)
        raise InputError(f"{name} must be finite, got {_first(array, bad)!r}{_location(bad)}")
    return array


def _require(name: str, values, bad, requirement: str, error=InputError, extra: str = ""):
    """Raise ``error`` naming ``name`` if any entry of the mask ``bad`` is True."""
    bad = np.asarray(bad)
    if bad.any():
        received = _first(values, bad)
        raise error(
            f"{name} must be {requirement}, got {float(received):.10g}{_location(bad)}{extra}"
        )


def _check_separation_factor(separation_factor) -> np.ndarray:
    beta = _as_float("separation_factor", separation_factor)
    _require(
        "separation_factor",
        beta,
        beta <= 1.0,
        "> 1 for a separation (β = D_A/D_B of the more over the less extractable component)",
        InfeasibleDesignError,
    )
    return beta


def _check_fraction(name: str, value) -> np.ndarray:
    array = _as_float(name, value)
    _require(name, array, (array <= 0.0) | (array >= 1.0), "strictly between 0 and 1")
    return array


def _check_feed(feed: str) -> bool:
    if feed not in _FEEDS:
        raise InputError(f"feed must be 'aqueous' or 'organic', got {feed!r}")
    return feed == "organic"


def _check_targets(feed_fraction, purity_extract, purity_raffinate):
    """Check f_A, P_A, P_B and return them as float arrays."""
    feed_fraction = _check_fraction("feed_fraction", feed_fraction)
    purity_extract = _check_fraction("purity_extract", purity_extract)
    purity_raffinate = _check_fraction("purity_raffinate", purity_raffinate)
    bad = np.asarray(purity_extract <= feed_fraction)
    if np.any(bad):
        _require(
            "purity_extract",
            np.broadcast_to(purity_extract, bad.shape),
            bad,
            "greater than feed_fraction (the extract must be richer in A than the feed)",
            InfeasibleDesignError,
            extra=f" with feed_fraction {float(_first(feed_fraction, bad)):.10g}",
        )
    bad = np.asarray(purity_raffinate <= 1.0 - feed_fraction)
    if np.any(bad):
        _require(
            "purity_raffinate",
            np.broadcast_to(purity_raffinate, bad.shape),
            bad,
            "greater than 1 - feed_fraction (the raffinate must be richer in B than the feed)",
            InfeasibleDesignError,
            extra=f" with 1 - feed_fraction = {1.0 - float(_first(feed_fraction, bad)):.10g}",
        )
    return feed_fraction, purity_extract, purity_raffinate


def _check_stages(name: str, value, minimum: int) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise InputError(f"{name} must be a whole number of stages, got {value!r}")
    as_int = np.rint(array).astype(np.int64) if array.dtype.kind == "f" else array.astype(np.int64)
    _require(name, array, as_int != array, "a whole number of stages")
    _require(name, as_int, as_int < minimum, f"at least {minimum}")
    return as_int


def _check_factors_and_feed(separation_factors, feed_composition):
    """Checked separation factors and feed composition, components on the last axis:
    (β, the composition as given, the composition normalised to sum 1)."""
    beta = _as_float("separation_factors", separation_factors)
    composition = _as_float("feed_composition", feed_composition)
    if beta.ndim == 0 or composition.ndim == 0:
        raise InputError(
            "separation_factors and feed_composition must have the components on the last "
            f"axis, got shapes {beta.shape} and {composition.shape}"
        )
    _require("separation_factors", beta, beta <= 0.0, "> 0")
    _require("feed_composition", composition, composition < 0.0, ">= 0")
    sums = composition.sum(-1)
    _require("feed_composition (sum over components)", sums, sums <= 0.0, "> 0")
    return beta, composition, composition / sums[..., None]
