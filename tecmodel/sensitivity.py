"""Which inputs matter: tornado, Monte Carlo, Sobol indices and break-even values.

A :class:`Study` is a plant, a mapping of dotted parameter paths to distributions, and a
metric. Every method evaluates the plant with ARRAYS in place of the parameters — a
tornado of P parameters is one evaluation of 2P cases; a Monte Carlo of a million
samples is one (or a few chunked) evaluations; Sobol indices use scipy's
``sobol_indices`` on the same vectorized function (SALib's ``f(X) = Y`` model).

>>> from tecmodel import Study, Q_, scenarios           # doctest: +SKIP
>>> from tecmodel.distributions import Uniform            # doctest: +SKIP
>>> study = Study(scenarios.load("cascade_refinery"),
...               {"finance.discount_rate": Uniform(0.06, 0.14)})   # doctest: +SKIP
>>> study.tornado().table()                               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .atomic import write_atomic
from .distributions import Distribution
from .errors import InfeasibleDesignError, InputError, UnitError
from .parallel import evaluate_in_chunks
from .paths import freeze_mapping, get_path
from .units import Q_

__all__ = [
    "BreakEven",
    "MonteCarloResult",
    "SobolResult",
    "Study",
    "TornadoResult",
    "breakeven",
    "capex_estimate_range",
]


class _PlantMetric:
    """Picklable f(samples) -> metric magnitudes, for chunked/process-pool evaluation."""

    def __init__(self, plant, metric: str, units: Mapping[str, str], output_unit: str):
        self.plant, self.metric, self.units, self.output_unit = plant, metric, units, output_unit

    def __call__(self, samples: Mapping[str, np.ndarray]) -> np.ndarray:
        plant = self.plant
        for path, values in samples.items():
            unit = self.units[path]
            plant = plant.replace(path, Q_(values, unit) if unit else np.asarray(values))
        value = plant.evaluate().metric(self.metric)
        n = len(next(iter(samples.values())))
        magnitude = value.to(self.output_unit).magnitude if self.output_unit else value
        return np.broadcast_to(np.asarray(magnitude, dtype=float), (n,)).copy()


@dataclass(frozen=True)
class Study:
    """A sensitivity study of ``plant``'s ``metric`` over uncertain ``parameters``.

    Parameters
    ----------
    plant : Plant
    parameters : mapping of dotted path to Distribution
        e.g. ``{"costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"),
        Q_(350, "USD/t"))}``.
    metric : str
        A :class:`PlantResult` attribute: ``levelized_cost`` (default), ``capex``,
        ``opex``, ``production``, ``revenue``.
    """

    plant: object
    parameters: Mapping[str, Distribution]
    metric: str = "levelized_cost"
    _unit: str = field(init=False, repr=False, default="")

    def __post_init__(self):
        if not self.parameters:
            raise InputError("a Study needs at least one parameter")
        for path, distribution in self.parameters.items():
            current = get_path(self.plant, path)  # fails early, naming the valid paths
            if not isinstance(distribution, Distribution):
                raise InputError(
                    f"parameters[{path!r}] must be a tecmodel.distributions "
                    f"Distribution (Uniform, Triangular, Normal, …), got "
                    f"{distribution!r}"
                )
            _check_compatible(path, current, distribution)
        object.__setattr__(self, "parameters", freeze_mapping(self.parameters))
        base = self.plant.evaluate().metric(self.metric)
        object.__setattr__(self, "_unit", f"{base.units}" if hasattr(base, "units") else "")

    def _function(self) -> _PlantMetric:
        units = {p: d.unit for p, d in self.parameters.items()}
        return _PlantMetric(self.plant, self.metric, units, self._unit)

    def _quantity(self, values):
        return Q_(values, self._unit) if self._unit else np.asarray(values)

    @property
    def base_value(self):
        """The metric at the plant's own parameter values."""
        return self.plant.evaluate().metric(self.metric)

    # ------------------------------------------------------------------ tornado
    def tornado(self) -> TornadoResult:
        """Metric with each parameter at its low and high end, the others at base.

        One evaluation of 2P cases (P parameters).
        """
        paths = list(self.parameters)
        count = 2 * len(paths)
        samples = {}
        for i, path in enumerate(paths):
            distribution = self.parameters[path]
            base = get_path(self.plant, path)
            unit = distribution.unit
            base_magnitude = base.to(unit).magnitude if hasattr(base, "units") else base
            column = np.full(count, np.nan)
            column[:] = (
                np.broadcast_to(np.asarray(base_magnitude, dtype=float), ())
                if np.ndim(base_magnitude) == 0
                else np.nan
            )
            if np.ndim(base_magnitude):
                raise InputError(f"tornado needs scalar base values; {path} is an array")
            column[2 * i] = distribution.low
            column[2 * i + 1] = distribution.high
            samples[path] = column
        values = self._function()(samples)
        return TornadoResult(
            parameters=tuple(paths),
            low_inputs=tuple(self.parameters[p].quantity(self.parameters[p].low) for p in paths),
            high_inputs=tuple(self.parameters[p].quantity(self.parameters[p].high) for p in paths),
            low=self._quantity(values[0::2]),
            high=self._quantity(values[1::2]),
            base=self.base_value,
            metric=self.metric,
        )

    # ------------------------------------------------------------------ Monte Carlo
    def sample(self, n: int, seed=None) -> dict[str, np.ndarray]:
        """``n`` joint samples (independent parameters) as magnitudes by path."""
        from .validation import check_integer, check_size

        n = int(check_integer(n, "n", low=1))
        check_size(n * len(self.parameters), f"{n} samples × {len(self.parameters)} inputs")
        rng = _rng(seed)
        uniforms = rng.random((len(self.parameters), int(n)))
        return {path: d.ppf(uniforms[i]) for i, (path, d) in enumerate(self.parameters.items())}

    def monte_carlo(
        self,
        n: int,
        seed=None,
        chunk_size: int | None = None,
        executor=None,
        progress: bool = False,
    ) -> MonteCarloResult:
        """Propagate the distributions through the plant.

        Parameters
        ----------
        n : int
            Number of samples.
        seed : int or numpy.random.Generator
        chunk_size : int, optional
            Evaluate this many samples at a time (bounds memory); same numbers as one
            evaluation.
        executor : concurrent.futures.Executor, optional
            Evaluate chunks concurrently (process pools need picklable plants, which
            tecmodel's are).
        progress : bool
            Show a progress bar on stderr.
        """
        samples = self.sample(n, seed)
        values = evaluate_in_chunks(
            self._function(), samples, int(n), chunk_size, executor, progress, label="Monte Carlo"
        )
        return MonteCarloResult(
            samples={p: self.parameters[p].quantity(v) for p, v in samples.items()},
            values=self._quantity(values),
            metric=self.metric,
        )

    # ------------------------------------------------------------------ Sobol
    def sobol(self, n: int, seed=None, chunk_size: int | None = None) -> SobolResult:
        """First-order and total Sobol indices (scipy.stats.sobol_indices, Saltelli 2010).

        ``n`` must be a power of two; the plant is evaluated on ``n·(P + 2)`` samples in
        one vectorized call (or chunks).
        """
        from .validation import check_integer, check_size

        n = int(check_integer(n, "n", low=2))
        check_size(
            n * (len(self.parameters) + 2),
            f"sobol with n = {n} ({len(self.parameters) + 2} evaluations of n samples)",
        )
        if n < 2 or n & (n - 1):
            raise InputError(f"sobol needs n to be a power of two (e.g. 1024), got {n}")
        paths = list(self.parameters)
        function = self._function()

        def model(x):
            samples = {p: x[i] for i, p in enumerate(paths)}
            return evaluate_in_chunks(function, samples, x.shape[1], chunk_size)

        result = stats.sobol_indices(
            func=model,
            n=n,
            dists=[self.parameters[p] for p in paths],
            random_state=_rng(seed),
        )
        return SobolResult(
            tuple(paths),
            np.asarray(result.first_order, dtype=float),
            np.asarray(result.total_order, dtype=float),
            self.metric,
        )

    # ------------------------------------------------------------------ break-even
    def breakeven(self, path: str, target, low, high, **kwargs) -> BreakEven:
        """Value of ``path`` at which the metric equals ``target`` (see :func:`breakeven`)."""
        return breakeven(self.plant, path, target, low, high, metric=self.metric, **kwargs)


@dataclass(frozen=True)
class TornadoResult:
    """Metric at each parameter's low and high end; sorted views by swing."""

    parameters: tuple[str, ...]
    low_inputs: tuple
    high_inputs: tuple
    low: object
    high: object
    base: object
    metric: str

    @property
    def swing(self) -> np.ndarray:
        """|metric(high) − metric(low)| per parameter, in the metric's unit."""
        return np.abs(np.asarray(getattr(self.high - self.low, "magnitude", self.high - self.low)))

    def order(self) -> np.ndarray:
        """Parameter indices, largest swing first."""
        return np.argsort(-self.swing, kind="stable")

    def table(self, unit: str | None = None) -> str:
        """Parameters by swing. ``unit`` for the metric (default: MUSD for money above a
        million, else the metric's own unit)."""
        base, low, high = self.base, self.low, self.high
        if hasattr(base, "units"):
            if unit is None and base.check("[currency]") and abs(float(_mag(base))) >= 1e6:
                unit = "MUSD"
            if unit:
                base, low, high = base.to(unit), low.to(unit), high.to(unit)
        label = f" [{base.units:~P}]" if hasattr(base, "units") else ""
        low_m, high_m = _mag(low), _mag(high)
        swing = np.abs(high_m - low_m)
        lines = [
            f"Tornado of {self.metric}{label}; base {_fmt(base)}",
            f"  {'parameter':<44}{'low input':>18}{'high input':>18}"
            f"{'at low':>12}{'at high':>12}{'swing':>12}",
        ]
        for i in self.order():
            lines.append(
                f"  {self.parameters[i]:<44}{_fmt(self.low_inputs[i]):>18}"
                f"{_fmt(self.high_inputs[i]):>18}{low_m[i]:>12.4g}{high_m[i]:>12.4g}"
                f"{swing[i]:>12.4g}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class MonteCarloResult:
    """Samples of every parameter and the metric's values."""

    samples: Mapping[str, object]
    values: object
    metric: str

    def percentiles(self, q=(5, 50, 95)):
        """Percentiles of the metric (with its unit)."""
        values = _mag(self.values)
        result = np.percentile(values, q)
        return Q_(result, self.values.units) if hasattr(self.values, "units") else result

    @property
    def mean(self):
        return np.mean(self.values)

    def probability_below(self, threshold) -> float:
        """Share of samples whose metric is below ``threshold``."""
        unit = self.values.units if hasattr(self.values, "units") else None
        limit = threshold.to(unit).magnitude if unit is not None else threshold
        return float(np.mean(_mag(self.values) < limit))

    def correlations(self) -> dict[str, float]:
        """Spearman rank correlation of each input with the metric."""
        y = _mag(self.values)
        return {p: float(stats.spearmanr(_mag(x), y).statistic) for p, x in self.samples.items()}

    def summary(self) -> str:
        p5, p50, p95 = _mag(self.percentiles())
        unit = f" {self.values.units:~P}" if hasattr(self.values, "units") else ""
        lines = [
            f"Monte Carlo of {self.metric}: {len(_mag(self.values)):,} samples",
            f"  mean {float(np.mean(_mag(self.values))):.4g}{unit}; median {p50:.4g}; "
            f"5–95 % {p5:.4g} – {p95:.4g}{unit}",
            "  rank correlation with inputs:",
        ]
        for path, rho in sorted(self.correlations().items(), key=lambda kv: -abs(kv[1])):
            lines.append(f"    {path:<44} {rho:+.3f}")
        return "\n".join(lines)

    def to_csv(self, path) -> None:
        """Samples and metric values, one row per sample, written atomically."""
        columns = {**{p: _mag(v) for p, v in self.samples.items()}, self.metric: _mag(self.values)}
        lines = [",".join(columns)]
        for row in zip(*columns.values(), strict=True):
            lines.append(",".join(f"{x:.8g}" for x in row))
        write_atomic(path, "\n".join(lines) + "\n")


@dataclass(frozen=True)
class SobolResult:
    """First-order (S1) and total (ST) Sobol indices per parameter."""

    parameters: tuple[str, ...]
    first_order: np.ndarray
    total_order: np.ndarray
    metric: str

    def table(self) -> str:
        lines = [f"Sobol indices of {self.metric}", f"  {'parameter':<44}{'S1':>8}{'ST':>8}"]
        for i in np.argsort(-self.total_order, kind="stable"):
            lines.append(
                f"  {self.parameters[i]:<44}{self.first_order[i]:>8.3f}{self.total_order[i]:>8.3f}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class BreakEven:
    """The parameter value at which the metric meets its target."""

    path: str
    value: object
    metric: str
    target: object

    def __str__(self) -> str:
        return f"{self.metric} meets {_fmt(self.target)} at {self.path} = {_fmt(self.value)}"


def breakeven(
    plant,
    path: str,
    target,
    low,
    high,
    metric: str = "levelized_cost",
    points: int = 65,
    rounds: int = 3,
    apply_to_target: bool = False,
) -> BreakEven:
    """Find the value of ``path`` in [low, high] at which ``metric`` equals ``target``.

    Parameters
    ----------
    plant : Plant
    path : str
        Dotted parameter path, e.g. ``"costing.disposal_costs.radioactive"``.
    target : pint.Quantity or Plant
        A metric value (e.g. ``Q_(7, "USD/kg")``), or another plant: then the value at
        which the two plants' metrics are equal.
    low, high : Quantity or float
        The bracket to search.
    apply_to_target : bool
        With a plant as target: also set ``path`` on the target plant (a policy that
        touches every route). Default False: the target plant stays as it is.

    Notes
    -----
    Each round evaluates ``points`` values at once (one vectorized evaluation), keeps
    the sub-interval where the difference changes sign, and the last round finishes by
    linear interpolation — exact when the metric is affine in the parameter, as the
    levelized cost is in prices and disposal rates.
    """
    from .validation import check, check_integer

    check_integer(points, "points", low=2)
    check_integer(rounds, "rounds", low=1)
    unit = f"{low.units}" if hasattr(low, "units") else ""
    if not unit and hasattr(high, "units") and not high.dimensionless:
        unit = f"{high.units}"
    lo = float(check(low, "low", unit, where="breakeven"))
    hi = float(check(high, "high", unit, where="breakeven"))
    if not hi > lo:
        raise InputError(f"breakeven needs high > low, got {low} and {high}")
    get_path(plant, path)
    other_has_path = False
    if hasattr(target, "evaluate") and apply_to_target:
        get_path(target, path)  # a clear error if the target plant lacks the parameter
        other_has_path = True

    def difference(values: np.ndarray) -> np.ndarray:
        setting = Q_(values, unit) if unit else values
        mine = plant.replace(path, setting).evaluate().metric(metric)
        if hasattr(target, "evaluate"):
            other_plant = target.replace(path, setting) if other_has_path else target
            theirs = other_plant.evaluate().metric(metric)
        else:
            theirs = target
        try:
            diff = mine - theirs
        except Exception as exc:  # pint's DimensionalityError: target in the wrong unit
            raise UnitError(
                f"breakeven target {_fmt(target)} does not have the unit of {metric} "
                f"({getattr(mine, 'units', 'a plain number')}); give e.g. '7 USD/kg'"
            ) from exc
        return np.broadcast_to(
            np.asarray(getattr(diff, "magnitude", diff), dtype=float), values.shape
        )

    a, b = lo, hi
    for _ in range(rounds):
        grid = np.linspace(a, b, points)
        values = difference(grid)
        sign = np.sign(values)
        crossing = np.nonzero(sign[:-1] * sign[1:] <= 0)[0]
        if crossing.size == 0:
            raise InfeasibleDesignError(
                f"no break-even for {path} between {lo:g} and {hi:g} {unit}: the {metric} "
                f"difference runs from {values[0]:.4g} to {values[-1]:.4g} without crossing "
                "zero; widen the bracket"
            )
        i = crossing[0]
        a, b = grid[i], grid[i + 1]
        fa, fb = values[i], values[i + 1]
    root = a if fa == fb else a - fa * (b - a) / (fb - fa)
    target_shown = target if not hasattr(target, "evaluate") else f"plant {target.name}"
    return BreakEven(path, Q_(root, unit) if unit else root, metric, target_shown)


def _rng(seed):
    """``numpy.random.default_rng(seed)`` with a clear error for a bad seed."""
    if isinstance(seed, np.random.Generator) or seed is None:
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a whole number >= 0 or a numpy Generator, got {seed!r}")
    return np.random.default_rng(seed)


def _check_compatible(path: str, current, distribution: Distribution) -> None:
    """The distribution's unit must fit the parameter it replaces."""
    wanted = Q_(1.0, distribution.unit).dimensionality if distribution.unit else None
    if hasattr(current, "units") and not current.dimensionless:
        if wanted != current.dimensionality:
            raise InputError(
                f"{path} is {current:~P}; give its distribution in units of "
                f"{current.dimensionality}, not {distribution.unit or 'plain numbers'}"
            )
    elif wanted is not None and wanted != Q_(1.0, "").dimensionality:
        raise InputError(
            f"{path} is a plain number ({current!r}); give its distribution without units, "
            f"not in {distribution.unit}"
        )


def _mag(value) -> np.ndarray:
    return np.asarray(getattr(value, "magnitude", value), dtype=float)


def _fmt(value) -> str:
    if hasattr(value, "units"):
        m = np.asarray(value.magnitude)
        return f"{float(m):.4g} {value.units:~P}" if m.ndim == 0 else str(value)
    if isinstance(value, str):
        return value
    return f"{float(value):.4g}"


# --------------------------------------------------------------------------- issue 10
def capex_estimate_range(plant, result=None) -> dict:
    """A Study parameter that samples capital within the plant's AACE accuracy range.

    Parameters
    ----------
    plant : Plant
    result : PlantResult, optional
        ``plant.evaluate()`` if already at hand.

    Returns
    -------
    dict
        ``{"costing.capital_estimate_factor": Triangular(1 + low, 1, 1 + high)}`` with
        (low, high) the outer bounds of the estimate class (Class 4: 0.70, 1, 1.50), to merge
        into a Study's parameters:
        ``Study(plant, {**capex_estimate_range(plant), "finance.discount_rate": ...})``.

    Notes
    -----
    The factor multiplies the total plant cost (owner's costs, maintenance and tax &
    insurance follow it). The triangle's mode is the point estimate; AACE 18R-97 gives the
    range, not its shape — the triangular shape is a labelled choice.
    """
    from .distributions import Triangular

    result = plant.evaluate() if result is None else result
    low, high = result.estimate.bounds
    return {"costing.capital_estimate_factor": Triangular(1.0 + low, 1.0, 1.0 + high)}
