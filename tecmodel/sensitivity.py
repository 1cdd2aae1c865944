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

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from . import finance
from .costing.operating import is_reagent_price
from .costing.plant import finance_arguments, recovered_capital
from .distributions import Distribution
from .errors import InfeasibleDesignError, InputError, UnitError
from .parallel import evaluate_in_chunks
from .paths import freeze_mapping, get_path
from .units import Q_, reagent_price_in

__all__ = [
    "BreakEven",
    "MonteCarloResult",
    "MorrisResult",
    "SobolResult",
    "Study",
    "TornadoResult",
    "UncertainIndicesWarning",
    "breakeven",
    "capex_estimate_range",
]


class _PlantMetric:
    """Picklable f(samples) -> metric magnitudes, for chunked/process-pool evaluation.

    The base plant's flowsheet travels with it (``_base``, to other processes too, in
    the same pickle as the plant, so its stage objects stay the plant's): each chunk
    re-runs only the stages whose parameters or inlets its samples change
    (:func:`tecmodel.flowsheet.run_flowsheet` with ``previous``). ``reuse=False`` runs
    every stage of every chunk (the method before issue 13, kept for benchmarks).
    """

    def __init__(self, plant, metric: str, units: Mapping[str, str], output_unit: str, reuse=True):
        self.plant, self.metric, self.units, self.output_unit = plant, metric, units, output_unit
        self.reuse = reuse

    chunk_size = None  # the package default (tecmodel.parallel.DEFAULT_CHUNK_SIZE)

    def __call__(self, samples: Mapping[str, np.ndarray]) -> np.ndarray:
        plant = self.plant
        for path, values in samples.items():
            unit = self.units[path]
            plant = plant.replace(path, Q_(values, unit) if unit else np.asarray(values))
        base = None
        if self.reuse:  # stages upstream of every varied parameter keep the base results
            base = self.__dict__.get("_base")
            if base is None:
                base = self.plant.simulate()
                self._base = base
        flows = plant.simulate(previous=base)
        value = plant.evaluate(flows).metric(self.metric)
        n = len(next(iter(samples.values())))
        magnitude = value.to(self.output_unit).magnitude if self.output_unit else value
        return np.broadcast_to(np.asarray(magnitude, dtype=float), (n,)).copy()


#: Path prefixes of parameters that change money only (the physics is run once).
ECONOMIC_PREFIXES = ("costing.", "finance.", "products.", "feed.price")

#: Metrics the economic fast path computes from the money record.
_FAST_METRICS = ("levelized_cost", "capex", "opex", "production", "revenue")

#: Largest number of costing (non-finance) parameters the fast path tabulates (2^k corners).
_MAX_CORNERS_LOG2 = 10


def is_economic(path: str) -> bool:
    """Whether the parameter at ``path`` changes only money, never the physics."""
    # a product's grade switches its price on or off: a step, not a price
    return path.startswith(ECONOMIC_PREFIXES) and not path.endswith(".grade")


def _money_record(result) -> dict[str, np.ndarray]:
    """The money a metric needs, as plain magnitudes (USD, USD/yr, kg/yr)."""
    return {
        "capex": _mag(result.capex.to("USD")),
        "working_capital": _mag(result.capital.working_capital.to("USD")),
        "recovered_capital": recovered_capital(result.capital),
        "opex": _mag(result.opex.to("USD/yr")),
        "production": _mag(result.production.to("kg/yr")),
        "revenue": _mag(result.revenue.to("USD/yr")),
    }


class _EconomicMetric:
    """f(samples) -> metric for a study whose parameters are all economic.

    The physics runs once, at construction. Costing turns physics into money through
    sums of products of one price, rate or factor each (consumption x price x hours,
    capital x location factor x installation, ...): the money record (capex, working
    capital, opex, production, revenue) is MULTILINEAR in the k costing parameters.
    It is therefore tabulated exactly at the 2^k corners of a box (one vectorized
    costing evaluation), turned into multilinear coefficients, and evaluated per
    sample as a short polynomial. Before it is used, the surrogate is checked against
    the full costing at 32 random points spread over every parameter's range; if any
    money differs by more than 1e-10 (relative), :attr:`usable` is False and the
    study evaluates the plant in full. Finance parameters (``finance.*``) go to the
    levelized-cost kernel sample by sample.
    """

    def __init__(
        self, plant, metric, parameters: Mapping[str, Distribution], output_unit, flowsheet=None
    ):
        self.plant, self.metric, self.output_unit = plant, metric, output_unit
        self.units = {p: d.unit for p, d in parameters.items()}
        self.costing = [p for p in parameters if not p.startswith("finance.")]
        self.finance = [p for p in parameters if p.startswith("finance.")]
        self.usable = metric in _FAST_METRICS and len(self.costing) <= _MAX_CORNERS_LOG2
        if not self.usable:
            return
        self.flowsheet = plant.simulate() if flowsheet is None else flowsheet
        k = len(self.costing)
        self.origin = np.empty(k)
        self.width = np.empty(k)
        for i, path in enumerate(self.costing):
            a, b = (float(x) for x in parameters[path].ppf(np.array([0.25, 0.75])))
            if not b > a:
                b = a + max(abs(a), 1.0)
            self.origin[i], self.width[i] = a, b - a
        bits = (np.arange(2**k)[:, None] >> np.arange(k)) & 1  # corner c has bit i set
        corners = {
            p: self.origin[i] + self.width[i] * bits[:, i] for i, p in enumerate(self.costing)
        }
        table = self._full(corners, 2**k)
        # Moebius transform: values at corners -> coefficients of prod_{i in S} u_i
        self.coefficients = {}
        for name, values in table.items():
            c = np.array(np.broadcast_to(values, (2**k,)), dtype=float)
            for i in range(k):
                step = 1 << i
                c = c.reshape(-1, 2, step)
                c[:, 1, :] -= c[:, 0, :]
                c = c.reshape(-1)
            self.coefficients[name] = c
        # the check: random points over the whole range of every parameter
        rng = np.random.default_rng(20261201)
        q = rng.uniform(0.001, 0.999, (len(parameters), 32))
        probe = {p: parameters[p].ppf(q[i]) for i, p in enumerate(self.costing)}
        expected = self._full(probe, 32)
        got = self._surrogate(probe, 32)
        for name in table:
            e = np.broadcast_to(expected[name], (32,))
            tolerance = 1e-10 * np.maximum(np.abs(e), np.max(np.abs(table[name])) * 1e-6)
            if not np.all(np.abs(got[name] - e) <= tolerance + 1e-300):
                self.usable = False
                return
        # drop interaction terms that vanish (no product of those parameters occurs)
        for name, c in self.coefficients.items():
            scale = np.max(np.abs(c))
            self.coefficients[name] = [
                (s, float(v)) for s, v in enumerate(c) if s == 0 or abs(v) > 1e-15 * scale
            ]
        self._checked = True

    def _plant_with(self, samples):
        plant = self.plant
        for path, values in samples.items():
            unit = self.units[path]
            plant = plant.replace(path, Q_(values, unit) if unit else np.asarray(values))
        return plant

    def _full(self, samples, n):
        result = self._plant_with(samples).evaluate(self.flowsheet)
        return {k: np.broadcast_to(v, (n,)) for k, v in _money_record(result).items()}

    def _surrogate(self, samples, n):
        u = [
            (np.asarray(samples[p], dtype=float) - self.origin[i]) / self.width[i]
            for i, p in enumerate(self.costing)
        ]
        products = {0: 1.0}

        def product(subset):  # prod of u_i over the bits of subset, built incrementally
            if subset not in products:
                top = subset.bit_length() - 1
                products[subset] = product(subset & ~(1 << top)) * u[top]
            return products[subset]

        out = {}
        for name, terms in self.coefficients.items():
            if isinstance(terms, np.ndarray):
                terms = list(enumerate(terms))
            total = np.zeros(n)
            for subset, value in terms:
                total += value * product(subset)
            out[name] = total
        return out

    #: Samples per chunk by default: about 30 arrays of one float per sample are in
    #: flight (~250 B per sample, 16 MB a chunk); the levelized-cost kernel works on
    #: cache-sized blocks of 8192 inside.
    chunk_size = 2**16

    def __call__(self, samples: Mapping[str, np.ndarray]) -> np.ndarray:
        n = len(next(iter(samples.values())))
        money = self._surrogate({p: samples[p] for p in self.costing}, n)
        native = {"capex": "USD", "opex": "USD/yr", "production": "kg/yr"}.get(
            self.metric, "USD/kg" if self.metric == "levelized_cost" else "USD/yr"
        )
        factor = self.__dict__.get("_factor")
        if factor is None:
            factor = (
                float(Q_(1.0, native).to(self.output_unit).magnitude) if self.output_unit else 1.0
            )
            self._factor = factor
        if self.metric == "levelized_cost":
            finance_plant = self.plant
            for path in self.finance:
                unit = self.units[path]
                values = samples[path]
                finance_plant = finance_plant.replace(
                    path, Q_(values, unit) if unit else np.asarray(values)
                )
            depreciable = money["capex"] - money["recovered_capital"]
            arguments = finance_arguments(
                finance_plant.finance, depreciable, money["recovered_capital"]
            )
            value = np.asarray(
                finance.levelized_cost(
                    depreciable, money["opex"], money["production"], **arguments
                ),
                dtype=float,
            )
        else:
            value = money[self.metric]
        return np.broadcast_to(value * factor, (n,)).copy()


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
    correlation : array_like (P, P), optional
        Spearman rank correlations between the parameters, in their order. Samples
        are drawn from a Gaussian copula whose normal correlation
        r = 2 sin(π ρ_s / 6) gives exactly these rank correlations (Kruskal 1958),
        and each margin keeps its own distribution. Must be symmetric, with ones on
        the diagonal and positive definite. Monte Carlo and tornado use it; Sobol
        indices and Morris screening assume independent inputs and refuse it.
    """

    plant: object
    parameters: Mapping[str, Distribution]
    metric: str = "levelized_cost"
    correlation: object = None
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
        if self.correlation is not None:
            object.__setattr__(self, "correlation", _check_correlation(self.correlation, self))
        flows = self.plant.simulate()  # the base physics, run once for the whole study
        object.__setattr__(self, "_base_flowsheet", flows)
        base = self.plant.evaluate(flows).metric(self.metric)
        object.__setattr__(self, "_unit", f"{base.units}" if hasattr(base, "units") else "")

    def _function(self, fast: bool = True, reuse: bool = True):
        """The vectorized f(samples) -> metric: the economic fast path when every
        parameter is economic (physics once), else the whole plant per chunk, re-running
        only the stages the samples change. ``fast=False, reuse=False``: every stage of
        every chunk (the method before issue 13, for benchmarks)."""
        if fast and all(is_economic(p) for p in self.parameters):
            cached = self.__dict__.get("_economic")
            if cached is None:
                cached = _EconomicMetric(
                    self.plant, self.metric, self.parameters, self._unit, self._base_flowsheet
                )
                object.__setattr__(self, "_economic", cached)
            if cached.usable:
                return cached
        units = {p: d.unit for p, d in self.parameters.items()}
        function = _PlantMetric(self.plant, self.metric, units, self._unit, reuse=reuse)
        if reuse:  # the base flowsheet travels with the function (to other processes too)
            function._base = self._base_flowsheet
        return function

    def _quantity(self, values):
        return Q_(values, self._unit) if self._unit else np.asarray(values)

    @property
    def base_value(self):
        """The metric at the plant's own parameter values."""
        return self.plant.evaluate(self._base_flowsheet).metric(self.metric)

    # ------------------------------------------------------------------ notebooks (issue 14)
    def __repr__(self) -> str:
        return (
            f"Study({self.plant.name!r}, {self.metric}, {len(self.parameters)} parameters: "
            f"{', '.join(self.parameters)})"
        )

    def _repr_html_(self) -> str:
        from .reporting.labels import parameter_label
        from .reporting.tables import Table

        rows = [
            [path, parameter_label(path, with_unit=False), repr(d)]
            for path, d in self.parameters.items()
        ]
        title = f"Study of {self.metric} for {self.plant.name}"
        return Table(title, ("parameter", "label", "distribution"), rows).html()

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
            if base is None:
                raise InputError(
                    f"tornado holds the other parameters at the plant's values, and {path} is "
                    "not set on the plant; set a base first (plant.replace(path, value)) or "
                    "leave it out of the tornado (Monte Carlo and Sobol take it as it is)"
                )
            unit = distribution.unit
            if not hasattr(base, "units"):
                base_magnitude = base
            elif is_reagent_price(path):
                # a reagent price keeps its value under the PPI rule, not pint's CEPCI
                base_magnitude = reagent_price_in(base, unit).magnitude
            else:
                base_magnitude = base.to(unit).magnitude
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
        if self.correlation is None:
            uniforms = rng.random((len(self.parameters), int(n)))
        else:  # Gaussian copula with the normal correlation that gives these ranks
            normal = 2.0 * np.sin(np.pi * self.correlation / 6.0)
            factor = np.linalg.cholesky(normal)
            uniforms = stats.norm.cdf(factor @ rng.standard_normal((len(self.parameters), int(n))))
        return {path: d.ppf(uniforms[i]) for i, (path, d) in enumerate(self.parameters.items())}

    def monte_carlo(
        self,
        n: int,
        seed=None,
        chunk_size: int | None = None,
        executor=None,
        progress=False,
    ) -> MonteCarloResult:
        """Propagate the distributions through the plant.

        A study whose parameters are all economic (``costing.*``, ``finance.*``,
        product and feed prices) runs the physics once and evaluates only the money
        per sample (see :class:`_EconomicMetric`); otherwise the whole plant is
        evaluated chunk by chunk.

        Parameters
        ----------
        n : int
            Number of samples.
        seed : int or numpy.random.Generator
        chunk_size : int, optional
            Evaluate this many samples at a time; default 2^16 for an economic-only
            study (about 250 B per sample in flight) and
            :data:`tecmodel.parallel.DEFAULT_CHUNK_SIZE` (2^13, about 4 KB per sample)
            for one with physics parameters. The numbers do not depend on it.
        executor : concurrent.futures.Executor, optional
            Evaluate chunks concurrently: any Executor (thread or process pool, or a
            dask.distributed ``Client.get_executor()``); same seed, same numbers as
            serial, bit for bit.
        progress : bool or callable
            True: a progress bar with rate and time left on stderr, per chunk; a
            callable receives a :class:`tecmodel.parallel.Progress` per chunk.
        """
        samples = self.sample(n, seed)
        function = self._function()
        if chunk_size is None:
            chunk_size = getattr(function, "chunk_size", None)
        values = evaluate_in_chunks(
            function, samples, int(n), chunk_size, executor, progress, label="Monte Carlo"
        )
        return MonteCarloResult(
            samples={p: self.parameters[p].quantity(v) for p, v in samples.items()},
            values=self._quantity(values),
            metric=self.metric,
        )

    # ------------------------------------------------------------------ Sobol
    def sobol(
        self,
        n: int,
        seed=None,
        chunk_size: int | None = None,
        executor=None,
        bootstrap: int = 200,
        confidence: float = 0.95,
        max_width: float = 0.1,
    ) -> SobolResult:
        """First-order and total Sobol indices with bootstrap confidence intervals.

        ``n`` must be a power of two; the plant is evaluated on ``n·(P + 2)`` samples
        (Saltelli's A, B and the P matrices A_B^(i), from a scrambled Sobol' sequence)
        in one vectorized pass (or chunks). First order by Saltelli et al. (2010),
        S_i = mean(f_B·(f_ABi − f_A)) / V; total by Jansen (1999),
        ST_i = mean((f_A − f_ABi)²) / (2V); V the variance of f_A and f_B together —
        the estimators of ``scipy.stats.sobol_indices``, with f centred on its mean
        first (same expectation, far smaller variance of S_i).

        Confidence intervals: ``bootstrap`` resamples of the n rows (with
        replacement) of the evaluations already made, one at a time, so the memory is
        O(n·P) whatever the number of resamples (scipy's BCa bootstrap needs the
        jackknife, O(n²), and fails at n = 2^16); percentile intervals at
        ``confidence``. A warning names the indices whose interval is wider than
        ``max_width`` (> 0): raise n. ``bootstrap=0`` skips the intervals (NaN) and the
        warning.
        """
        from .validation import check, check_integer, check_size

        n = int(check_integer(n, "n", low=2))
        check_size(
            n * (len(self.parameters) + 2),
            f"sobol with n = {n} ({len(self.parameters) + 2} evaluations of n samples)",
        )
        if n < 2 or n & (n - 1):
            raise InputError(f"sobol needs n to be a power of two (e.g. 1024), got {n}")
        if self.correlation is not None:
            raise InputError(
                "Sobol indices assume independent inputs; this study has a correlation "
                "matrix (use monte_carlo(...).correlations() for rank correlations)"
            )
        confidence = float(
            check(confidence, "confidence", low=0.0, high=1.0, low_open=True, high_open=True)
        )
        bootstrap = int(check_integer(bootstrap, "bootstrap", low=0))
        max_width = float(check(max_width, "max_width", low=0.0, low_open=True))
        paths = list(self.parameters)
        p = len(paths)
        rng = _rng(seed)
        base = stats.qmc.Sobol(2 * p, scramble=True, seed=rng).random(n)
        a, b = base[:, :p].T, base[:, p:].T  # quantiles, (P, n)
        blocks = [a, b]
        for i in range(p):
            mixed = a.copy()
            mixed[i] = b[i]
            blocks.append(mixed)
        quantiles = np.concatenate(blocks, axis=1)  # (P, n (P + 2))
        samples = {path: self.parameters[path].ppf(quantiles[i]) for i, path in enumerate(paths)}
        function = self._function()
        if chunk_size is None:
            chunk_size = getattr(function, "chunk_size", None)
        values = evaluate_in_chunks(function, samples, quantiles.shape[1], chunk_size, executor)
        f_a, f_b = values[:n], values[n : 2 * n]
        f_ab = values[2 * n :].reshape(p, n)
        first, total = _sobol_estimates(f_a, f_b, f_ab)
        low_first, high_first, low_total, high_total = _sobol_bootstrap(
            f_a, f_b, f_ab, bootstrap, confidence, rng
        )
        result = SobolResult(
            tuple(paths),
            first,
            total,
            self.metric,
            first_order_interval=(low_first, high_first),
            total_order_interval=(low_total, high_total),
            confidence=confidence,
        )
        wide = [
            path
            for i, path in enumerate(paths)
            if max(high_first[i] - low_first[i], high_total[i] - low_total[i]) > max_width
        ]
        if wide and bootstrap:
            warnings.warn(
                f"Sobol indices of {', '.join(wide)} have {confidence:.0%} intervals wider "
                f"than {max_width}; raise n (now {n})",
                UncertainIndicesWarning,
                stacklevel=2,
            )
        return result

    # ------------------------------------------------------------------ Morris
    def morris(
        self,
        trajectories: int = 20,
        levels: int = 4,
        seed=None,
        chunk_size: int | None = None,
        executor=None,
    ) -> MorrisResult:
        """Morris elementary-effects screening (Morris 1991; μ* of Campolongo et al. 2007).

        ``trajectories`` random one-at-a-time paths through a grid of ``levels``
        quantile levels (u = (k + ½)/levels of each distribution), each moving every
        parameter once by Δ = levels / (2 (levels − 1)) grid steps; all
        ``trajectories·(P + 1)`` points are evaluated in one vectorized pass. The
        elementary effect of a parameter is the metric change divided by Δ (on the
        quantile scale, so effects of inputs in different units compare). μ* (mean
        |effect|) ranks importance; σ (their spread) flags interactions or curvature.
        A cheap screen for many inputs before a Sobol study of the few that matter.
        """
        from .validation import check_integer, check_size

        trajectories = int(check_integer(trajectories, "trajectories", low=2))
        levels = int(check_integer(levels, "levels", low=2))
        p = len(self.parameters)
        # the grid points (trajectories × (P + 1) × P) are built before any evaluation
        check_size(
            trajectories * (p + 1) * max(p, 1),
            f"morris with {trajectories} trajectories × {p + 1} points × {p} inputs",
        )
        if trajectories < 2:
            raise InputError(f"trajectories must be >= 2, got {trajectories}")
        if levels < 2 or levels % 2:
            raise InputError(f"levels must be an even number >= 2, got {levels}")
        if self.correlation is not None:
            raise InputError("Morris screening assumes independent inputs; drop correlation")
        paths = list(self.parameters)
        p = len(paths)
        rng = _rng(seed)
        jump = levels // 2  # Δ in grid steps
        grid = (np.arange(levels) + 0.5) / levels
        points = np.empty((trajectories, p + 1, p), dtype=int)
        moves = np.empty((trajectories, p), dtype=int)  # which parameter moves at step k
        signs = np.empty((trajectories, p))
        for r in range(trajectories):
            start = rng.integers(0, levels - jump, p)  # room to move up by the jump
            up = rng.random(p) < 0.5
            start = np.where(up, start, start + jump)  # or start high and move down
            order = rng.permutation(p)
            current = start.copy()
            points[r, 0] = current
            for k, i in enumerate(order):
                step = jump if up[i] else -jump
                current = current.copy()
                current[i] += step
                points[r, k + 1] = current
                moves[r, k] = i
                signs[r, k] = 1.0 if up[i] else -1.0
        flat = points.reshape(-1, p)
        samples = {
            path: self.parameters[path].ppf(grid[flat[:, i]]) for i, path in enumerate(paths)
        }
        function = self._function()
        if chunk_size is None:
            chunk_size = getattr(function, "chunk_size", None)
        values = evaluate_in_chunks(function, samples, flat.shape[0], chunk_size, executor)
        values = values.reshape(trajectories, p + 1)
        delta = jump / levels  # Δ on the quantile scale
        effects = np.empty((trajectories, p))
        for r in range(trajectories):
            change = np.diff(values[r]) * signs[r] / delta
            effects[r, moves[r]] = change
        return MorrisResult(
            parameters=tuple(paths),
            mu=effects.mean(axis=0),
            mu_star=np.abs(effects).mean(axis=0),
            sigma=effects.std(axis=0, ddof=1),
            effects=effects,
            metric=self.metric,
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

    def to_table(self):
        """Parameters by swing as a :class:`tecmodel.reporting.tables.Table` (issue 14)."""
        from .reporting.tables import Table

        unit = f"{self.base.units:~P}" if hasattr(self.base, "units") else ""
        label = f" [{unit}]" if unit else ""
        rows = []
        for i in self.order():
            rows.append(
                [
                    self.parameters[i],
                    _fmt(self.low_inputs[i]),
                    _fmt(self.high_inputs[i]),
                    float(_mag(self.low)[i]),
                    float(_mag(self.high)[i]),
                    float(self.swing[i]),
                ]
            )
        return Table(
            f"Tornado of {self.metric}",
            (
                "parameter",
                "low input",
                "high input",
                f"{self.metric} at low{label}",
                f"{self.metric} at high{label}",
                f"swing{label}",
            ),
            rows,
        )

    def to_frame(self):
        """:meth:`to_table` as a pandas DataFrame (``pandas`` extra)."""
        return self.to_table().to_frame()

    def _repr_html_(self) -> str:
        return self.to_table().html()

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
        from .reporting.tables import TableText

        return TableText("\n".join(lines), self.to_table())  # str, with .to_frame()


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

    def to_table(self):
        """One row per sample: inputs and metric, units in the column names (issue 14)."""
        from .reporting.tables import Table

        def name(label, value):
            return f"{label} [{value.units:~P}]" if hasattr(value, "units") else label

        columns = [name(p, v) for p, v in self.samples.items()]
        columns.append(name(self.metric, self.values))
        data = [_mag(v) for v in self.samples.values()] + [_mag(self.values)]
        rows = [list(map(float, row)) for row in zip(*data, strict=True)]
        return Table(f"Monte Carlo of {self.metric}", columns, rows)

    def to_frame(self):
        """Samples and metric values as a pandas DataFrame (``pandas`` extra)."""
        from .reporting.tables import require

        pandas = require("pandas", "pandas")
        table = self.to_table()
        return pandas.DataFrame(
            {c: [r[i] for r in table.rows] for i, c in enumerate(table.columns)}
        )

    def __repr__(self) -> str:
        return f"MonteCarloResult({self.metric}, {len(_mag(self.values)):,} samples)"

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.summary())}</pre>"

    def to_csv(self, path) -> None:
        """Samples and metric values, one row per sample (units in the header, full
        precision), written atomically."""
        self.to_table().to_csv(path)


class UncertainIndicesWarning(UserWarning):
    """Sobol confidence intervals wider than asked for: more samples are needed."""


def _sobol_estimates(f_a, f_b, f_ab):
    """(first order, total) from the A, B and A_B^(i) evaluations (see Study.sobol).

    The outputs are first centred on the mean of f_A and f_B: it leaves the estimators'
    expectations unchanged and removes the variance a large mean adds to the
    first-order one (a levelized cost of 5 ± 0.1 USD/kg otherwise needs ~100x more
    samples for the same interval).
    """
    both = np.concatenate([f_a, f_b])
    centre = np.mean(both)
    variance = np.var(both)
    f_a, f_b, f_ab = f_a - centre, f_b - centre, f_ab - centre
    if not variance > 0:
        zeros = np.zeros(f_ab.shape[0])
        return zeros, zeros.copy()
    first = np.mean(f_b * (f_ab - f_a), axis=1) / variance
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance
    return first, total


def _sobol_bootstrap(f_a, f_b, f_ab, resamples, confidence, rng):
    """Percentile intervals of both indices over ``resamples`` row resamples, one at a
    time (memory O(n·P))."""
    p, n = f_ab.shape
    if not resamples:
        nan = np.full(p, np.nan)
        return nan, nan.copy(), nan.copy(), nan.copy()
    firsts = np.empty((resamples, p))
    totals = np.empty((resamples, p))
    for k in range(resamples):
        rows = rng.integers(0, n, n)
        firsts[k], totals[k] = _sobol_estimates(f_a[rows], f_b[rows], f_ab[:, rows])
    tail = 100 * (1 - confidence) / 2
    low_first, high_first = np.percentile(firsts, [tail, 100 - tail], axis=0)
    low_total, high_total = np.percentile(totals, [tail, 100 - tail], axis=0)
    return low_first, high_first, low_total, high_total


@dataclass(frozen=True)
class SobolResult:
    """First-order (S1) and total (ST) Sobol indices per parameter, with bootstrap
    confidence intervals ``(low, high)`` arrays (NaN when not bootstrapped)."""

    parameters: tuple[str, ...]
    first_order: np.ndarray
    total_order: np.ndarray
    metric: str
    first_order_interval: tuple = None
    total_order_interval: tuple = None
    confidence: float = 0.95

    def to_table(self):
        """Indices by total order as a :class:`tecmodel.reporting.tables.Table`."""
        from .reporting.tables import Table

        rows = [
            [self.parameters[i], float(self.first_order[i]), float(self.total_order[i])]
            for i in np.argsort(-self.total_order, kind="stable")
        ]
        return Table(f"Sobol indices of {self.metric}", ("parameter", "S1 [-]", "ST [-]"), rows)

    def to_frame(self):
        """:meth:`to_table` as a pandas DataFrame (``pandas`` extra)."""
        return self.to_table().to_frame()

    def _repr_html_(self) -> str:
        return self.to_table().html()

    def table(self) -> str:
        with_ci = self.first_order_interval is not None and np.all(
            np.isfinite(self.first_order_interval[0])
        )
        head = f"  {'parameter':<44}{'S1':>8}{'ST':>8}"
        if with_ci:
            head += f"   {self.confidence:.0%} interval S1 / ST"
        lines = [f"Sobol indices of {self.metric}", head]
        for i in np.argsort(-self.total_order, kind="stable"):
            line = (
                f"  {self.parameters[i]:<44}{self.first_order[i]:>8.3f}{self.total_order[i]:>8.3f}"
            )
            if with_ci:
                (a, b), (c, d) = self.first_order_interval, self.total_order_interval
                line += f"   [{a[i]:.3f}, {b[i]:.3f}] / [{c[i]:.3f}, {d[i]:.3f}]"
            lines.append(line)
        from .reporting.tables import TableText

        return TableText("\n".join(lines), self.to_table())  # str, with .to_frame()


@dataclass(frozen=True)
class MorrisResult:
    """Morris screening: mean (μ), mean absolute (μ*) and spread (σ) of the elementary
    effects per parameter [metric unit per unit of quantile], and every effect
    (trajectories × parameters)."""

    parameters: tuple[str, ...]
    mu: np.ndarray
    mu_star: np.ndarray
    sigma: np.ndarray
    effects: np.ndarray
    metric: str

    def order(self) -> np.ndarray:
        """Parameter indices, largest μ* first."""
        return np.argsort(-self.mu_star, kind="stable")

    def table(self) -> str:
        lines = [
            f"Morris screening of {self.metric} ({self.effects.shape[0]} trajectories)",
            f"  {'parameter':<44}{'mu*':>12}{'mu':>12}{'sigma':>12}",
        ]
        for i in self.order():
            lines.append(
                f"  {self.parameters[i]:<44}{self.mu_star[i]:>12.4g}{self.mu[i]:>12.4g}"
                f"{self.sigma[i]:>12.4g}"
            )
        return "\n".join(lines)


def _check_correlation(matrix, study) -> np.ndarray:
    """A symmetric, unit-diagonal, positive definite rank-correlation matrix."""
    p = len(study.parameters)
    m = np.asarray(matrix, dtype=float)
    if m.shape != (p, p):
        raise InputError(
            f"correlation must be a {p}×{p} matrix (one row per parameter), got shape {m.shape}"
        )
    if not np.allclose(m, m.T) or not np.allclose(np.diag(m), 1.0) or np.any(np.abs(m) > 1):
        raise InputError(
            "correlation must be symmetric with ones on the diagonal and entries in [-1, 1], "
            f"got {m.tolist()}"
        )
    try:
        np.linalg.cholesky(2.0 * np.sin(np.pi * m / 6.0))
    except np.linalg.LinAlgError as error:
        raise InputError(
            f"correlation must be positive definite (a possible correlation), got {m.tolist()}"
        ) from error
    m.setflags(write=False)
    return m


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
    if current is None:  # an optional lever not set (a price floor): the plant checks it
        return
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
