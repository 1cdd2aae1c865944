"""Uncertain inputs: small distributions with units, for sensitivity studies.

Each distribution maps probabilities to values with :meth:`ppf` (inverse CDF), so one
uniform sample drives any of them, and scipy's Sobol estimator can use them directly.
Bounds and units follow the parameter they describe: ``Uniform(Q_(1000, "USD/m**3"),
Q_(17660, "USD/m**3"))`` or plain numbers for dimensionless parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import InputError, UnitError, describe

__all__ = ["Distribution", "LogUniform", "Normal", "Triangular", "Uniform"]


def _split(value, unit=None, name="bound"):
    """Magnitude and unit string of a Quantity (or text like '5 USD/t') or a plain number.

    All bounds of one distribution are converted to the unit of the first; a bound in an
    incompatible unit, a non-number, a boolean, NaN or inf raise a TecModelError.
    """
    from .validation import check

    if isinstance(value, str):
        from .units import Q_

        try:
            value = Q_(value)
        except Exception as exc:
            raise UnitError(f"{name}: cannot read {value!r} as a number or quantity") from exc
    if hasattr(value, "units") and not (value.dimensionless and not unit):
        if unit == "":
            raise UnitError(
                f"{name} is {describe(value)} but the first bound is a plain number; give "
                "every bound in the same units"
            )
        unit = unit or f"{value.units}"
        return float(check(value, name, unit)), unit
    if unit and not hasattr(value, "units"):
        raise UnitError(
            f"{name} is the plain number {describe(value)} but the other bound is in {unit}; "
            "give every bound in the same units"
        )
    return float(check(value, name, "")), ""


@dataclass(frozen=True)
class Distribution:
    """Base class: ``ppf(q)`` in ``unit``; ``low``/``high`` are the tornado ends."""

    unit: str

    def ppf(self, q) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def low(self) -> float:
        return float(self.ppf(0.05))

    @property
    def high(self) -> float:
        return float(self.ppf(0.95))

    def quantity(self, magnitude):
        """Attach the unit (plain array if dimensionless)."""
        from .units import Q_

        return Q_(magnitude, self.unit) if self.unit else np.asarray(magnitude)

    def sample(self, n: int, seed=None) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return self.ppf(rng.random(n))


class Uniform(Distribution):
    """Uniform between ``low`` and ``high`` (the tornado uses the two ends)."""

    def __init__(self, low, high):
        lo, unit = _split(low, name="low")
        hi, _ = _split(high, unit, "high")
        if not hi > lo:
            raise InputError(
                f"Uniform needs high > low, got low={describe(low)}, high={describe(high)}"
            )
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "_low", lo)
        object.__setattr__(self, "_high", hi)

    def ppf(self, q):
        return self._low + (self._high - self._low) * np.asarray(q, dtype=float)

    @property
    def low(self):
        return self._low

    @property
    def high(self):
        return self._high

    def __repr__(self):
        return f"Uniform({self._low:g}, {self._high:g} {self.unit})".replace(" )", ")")


class LogUniform(Uniform):
    """Uniform in the logarithm between ``low`` > 0 and ``high`` (spans decades)."""

    def __init__(self, low, high):
        super().__init__(low, high)
        if self._low <= 0:
            raise InputError(f"LogUniform needs low > 0, got {describe(low)}")

    def ppf(self, q):
        q = np.asarray(q, dtype=float)
        return np.exp(np.log(self._low) + (np.log(self._high) - np.log(self._low)) * q)


class Triangular(Distribution):
    """Triangular with ``low`` ≤ ``mode`` ≤ ``high`` (tornado: the two ends)."""

    def __init__(self, low, mode, high):
        lo, unit = _split(low, name="low")
        md, _ = _split(mode, unit, "mode")
        hi, _ = _split(high, unit, "high")
        if not (lo <= md <= hi and hi > lo):
            raise InputError(
                f"Triangular needs low <= mode <= high and high > low, got "
                f"{describe(low)}, {describe(mode)}, {describe(high)}"
            )
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "_params", (lo, md, hi))

    def ppf(self, q):
        lo, md, hi = self._params
        return stats.triang.ppf(np.asarray(q, dtype=float), (md - lo) / (hi - lo), lo, hi - lo)

    @property
    def low(self):
        return self._params[0]

    @property
    def high(self):
        return self._params[2]

    def __repr__(self):
        lo, md, hi = self._params
        return f"Triangular({lo:g}, {md:g}, {hi:g} {self.unit})".replace(" )", ")")


class Normal(Distribution):
    """Normal with ``mean`` and ``std`` (tornado: 5th and 95th percentiles)."""

    def __init__(self, mean, std):
        mu, unit = _split(mean, name="mean")
        sd, _ = _split(std, unit, "std")
        if not sd > 0:
            raise InputError(f"Normal needs std > 0, got {describe(std)}")
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "_params", (mu, sd))

    def ppf(self, q):
        mu, sd = self._params
        return stats.norm.ppf(np.asarray(q, dtype=float), mu, sd)

    def __repr__(self):
        return f"Normal({self._params[0]:g}, {self._params[1]:g} {self.unit})".replace(" )", ")")
