"""Cascade designs computed once per distinct intensive input (issue 13).

A solvent-extraction design (Xu's stage counts and fluxes, the multicomponent steady
state that verifies them) depends only on intensive inputs: separation factors, the
feed's composition and the purity targets, all per unit of feed. Three consequences for
studies, used by :class:`tecmodel.stages.solvent_extraction.SolventExtractionSection`
(through :func:`tecmodel.separation.cut.cascade_split`):

* identical rows of a batch are designed once (unique rows, first-occurrence order) and
  the result is scattered back;
* a change of scale (the feed rate) leaves the design inputs unchanged, so the design is
  not redone: the last few designs are kept (:data:`MEMO_SIZE` calls of at most
  :data:`MEMO_ROWS` distinct rows each);
* so that a scaled feed really gives the same inputs, every floating-point input is
  rounded to a grid of 2^-44 of its row's scale (:func:`rounded`; a change below 6e-14
  of the row's largest value) before it is used, whether or not a design is reused. A
  composition computed from flows k times larger differs from the unscaled one in its
  last bits only; after the rounding both are the same numbers (except, rarely, when
  one straddles a grid boundary, and the design is then simply computed again). Because
  the rounding is applied always, a result never depends on whether a design was
  reused.

Nothing is approximated beyond that rounding: a reused design is the design the
function returns for those (rounded) inputs.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import inspect
import math
import threading
from collections import OrderedDict

import numpy as np

from ..errors import TecModelError
from .design import design_cascade as _design_cascade
from .simulation import simulate_multicomponent as _simulate_multicomponent

__all__ = [
    "MEMO_ROWS",
    "MEMO_SIZE",
    "SIGNIFICANT_BITS",
    "design_cascade",
    "forget",
    "rounded",
    "simulate_multicomponent",
    "without_reuse",
]

#: Bits of a row's grid: every floating-point design input is rounded to a multiple of
#: 2^-44 times its row's scale (a change below 6e-14 of the row's largest value).
SIGNIFICANT_BITS = 44
#: Calls whose designs are kept for reuse, most recent first.
MEMO_SIZE = 64
#: Largest number of distinct rows of a call that is kept (single evaluations and
#: low-diversity batches; a large batch of distinct designs is only deduplicated).
MEMO_ROWS = 16


def rounded(values, row_axes: int = 0) -> np.ndarray:
    """Floating-point ``values`` on the grid of their row: multiples of 2^-BITS times the
    power of two at or above the row's largest magnitude (BITS = :data:`SIGNIFICANT_BITS`).

    ``row_axes`` trailing axes form one row (a composition); with 0 every element is its
    own row. On a row's grid, the noise of a scaled computation in a trace component (a
    fraction of 1e-8 computed as a difference of large flows carries relative noise of
    1e-10 and more) vanishes as it does in the large components; a trace below the
    grid is replaced by the nearest power of two (it stays present, its noise vanishes).
    Integers and booleans are returned unchanged.
    """
    array = np.asarray(values)
    if array.dtype.kind != "f":
        return array
    axes = tuple(range(array.ndim - row_axes, array.ndim))
    largest = np.max(np.abs(array), axis=axes, keepdims=True) if axes else np.abs(array)
    _, exponent = np.frexp(largest)  # largest < 2**exponent
    grid = np.ldexp(1.0, exponent - SIGNIFICANT_BITS)
    on_grid = np.round(array / grid) * grid
    below = (np.abs(array) < grid) & (array != 0)
    if not below.any():  # (the usual case: no trace below the grid)
        return np.where(largest > 0, on_grid, array)
    # a trace below the grid keeps its sign and order of magnitude (the nearest power of
    # two): a component present stays present, as the solver was given it
    with np.errstate(divide="ignore"):
        trace = np.sign(array) * np.exp2(np.round(np.log2(np.abs(array))))
    return np.where(largest > 0, np.where(below, trace, on_grid), array)


class _RowReuse:
    """f(*arrays, **options) evaluated once per distinct row of its (rounded) inputs.

    ``trailing[i]``: how many trailing axes of positional argument i belong to one row
    (a component axis); the leading axes are the batch. ``function`` must treat rows
    independently and return a dataclass whose array fields lead with the batch.
    """

    def __init__(self, function, trailing):
        self.function = function
        self.trailing = tuple(trailing)
        self.memo = OrderedDict()
        self.lock = threading.Lock()
        self.calls = 0  # calls of ``function`` (what the tests count)
        self.signature = inspect.signature(function)
        self.row_names = tuple(self.signature.parameters)[: len(self.trailing)]
        # options that may be given by name (the fast path of _row_arguments)
        self.keywords = frozenset(
            name
            for name, parameter in self.signature.parameters.items()
            if name not in self.row_names
            and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
        )
        functools.update_wrapper(self, function)

    def _row_arguments(self, args, options):
        """The row arguments (given by position or by name) as plain numeric arrays and
        the remaining options, or None when the call is not one to reuse: a wrong call,
        quantities or non-numeric values go to ``function`` as made, which checks them
        and raises its own error."""
        if len(args) == len(self.row_names) and self.keywords.issuperset(options):
            row_args, rest = list(args), options  # the usual call: what bind would give
        else:
            try:
                bound = self.signature.bind(*args, **options)
            except TypeError:
                return None
            given = bound.arguments
            if not all(name in given for name in self.row_names):
                return None
            row_args = [given[name] for name in self.row_names]
            rest = {k: v for k, v in given.items() if k not in self.row_names}
        for value, row_axes in zip(row_args, self.trailing, strict=True):
            if hasattr(value, "units") or hasattr(value, "magnitude"):
                return None
            try:
                array = np.asarray(value)
            except (TypeError, ValueError):  # ragged or otherwise not an array
                return None
            if array.dtype.kind not in "iuf" or array.ndim < row_axes:
                return None
        return row_args, rest

    def _run(self, *args, **options):
        self.calls += 1
        return self.function(*args, **options)

    def _remember(self, key, value):
        with self.lock:
            self.memo[key] = value
            self.memo.move_to_end(key)
            while len(self.memo) > MEMO_SIZE:
                self.memo.popitem(last=False)

    def _recall(self, key):
        with self.lock:
            value = self.memo.get(key)
            if value is not None:
                self.memo.move_to_end(key)
            return value

    def __call__(self, *args, **options):
        if not _ENABLED[0]:  # without_reuse(): the call as made
            return self._run(*args, **options)
        reusable = self._row_arguments(args, options)
        if reusable is None:
            return self._run(*args, **options)
        args, options = reusable
        args = [rounded(a, t) for a, t in zip(args, self.trailing, strict=True)]
        batch = np.broadcast_shapes(
            *(np.shape(a)[: np.ndim(a) - t] for a, t in zip(args, self.trailing, strict=True))
        )
        flat = math.prod(batch)
        rows = []
        for a, t in zip(args, self.trailing, strict=True):
            row_shape = np.shape(a)[np.ndim(a) - t :] if t else ()
            rows.append(np.broadcast_to(a, (*batch, *row_shape)).reshape(flat, -1))
        table = np.concatenate([r.astype(float) for r in rows], axis=1)
        option_key = tuple(
            (k, np.asarray(v).dtype.str, np.shape(v), np.asarray(v).tobytes())
            for k, v in sorted(options.items())
        )
        if flat == 1:  # one row: itself
            first = inverse = np.zeros(1, dtype=np.intp)
        else:
            _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
            inverse = np.reshape(inverse, -1)
            order = np.argsort(first, kind="stable")
            first = first[order]
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            inverse = rank[inverse]
        unique = first.size
        if unique == flat and unique > MEMO_ROWS:  # many distinct designs: the call as made
            return self._run(*args, **options)
        row_shapes = tuple(
            np.shape(a)[np.ndim(a) - t :] if t else ()
            for a, t in zip(args, self.trailing, strict=True)
        )
        key = None
        if unique <= MEMO_ROWS:  # a key of the distinct rows only, whatever the batch
            key = (row_shapes, table[first].tobytes(), option_key)
        cached = self._recall(key) if key is not None else None
        if cached is None:
            unique_args = [
                r[first].reshape((unique, *shape))
                for r, shape in zip(rows, row_shapes, strict=True)
            ]
            try:
                cached = self._run(*unique_args, **options)
            except TecModelError:  # the message names the row of the batch as given
                return self._run(*args, **options)
            if key is not None:
                self._remember(key, cached)
        return _scatter(cached, inverse, batch, unique)


_ENABLED = [True]


@contextlib.contextmanager
def without_reuse():
    """Inside this block every design is computed as called: no rounding, no
    deduplication, no memo (the method before issue 13; benchmarks compare with it).
    Not thread-safe: it switches the module for every thread."""
    before = _ENABLED[0]
    _ENABLED[0] = False
    try:
        yield
    finally:
        _ENABLED[0] = before


def forget() -> None:
    """Empty the memo of both functions (the next evaluation designs from cold)."""
    for wrapper in (design_cascade, simulate_multicomponent):
        with wrapper.lock:
            wrapper.memo.clear()


def _scatter(value, inverse, batch, unique):
    """Rows of ``value`` (leading axis ``unique``) taken by ``inverse``, shaped ``batch``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = copy.copy(value)
        for name in _field_names(type(value)):
            object.__setattr__(out, name, _scatter(getattr(value, name), inverse, batch, unique))
        return out
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == unique:
        if not batch and unique == 1:  # one row to a 0-d batch: value[[0]].reshape(...)
            taken = value[0]
            return taken.copy() if isinstance(taken, np.ndarray) else taken
        taken = value[inverse].reshape((*batch, *value.shape[1:]))
        return taken[()] if taken.ndim == 0 else taken
    return value


@functools.cache
def _field_names(kind):
    return tuple(f.name for f in dataclasses.fields(kind))


#: :func:`tecmodel.separation.design_cascade`, once per distinct row (see module docstring).
design_cascade = _RowReuse(_design_cascade, trailing=(0, 0, 0, 0))
#: :func:`tecmodel.separation.simulate_multicomponent`, once per distinct row.
simulate_multicomponent = _RowReuse(_simulate_multicomponent, trailing=(1, 1, 0, 0, 0, 0))
