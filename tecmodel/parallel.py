"""Chunked evaluation of a batch, serially or on any concurrent.futures.Executor.

Samples are drawn before chunking, so serial, chunked and executor runs give the same
numbers bit for bit (DESIGN.md quality bar): every chunk is evaluated by the same
function on the same rows whichever worker runs it. ``executor`` may be any
:class:`concurrent.futures.Executor`: a thread or process pool, or a dask.distributed
cluster's (``Client(...).get_executor()``, the ``tecmodel[distributed]`` extra).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InputError

__all__ = ["DEFAULT_CHUNK_SIZE", "Progress", "evaluate_in_chunks"]

#: Samples per evaluation by default: 2^13. A whole-plant evaluation holds about 4 KB per
#: sample in flight (~36 MB a chunk), so a million samples never hold more than one
#: chunk of temporaries. Economic-only studies use their own larger default (2^16, a few
#: hundred bytes per sample; see :class:`tecmodel.sensitivity.Study.monte_carlo`).
DEFAULT_CHUNK_SIZE = 2**13


@dataclass(frozen=True)
class Progress:
    """What a ``progress`` callback receives after each chunk.

    Attributes
    ----------
    done, total : int
        Samples evaluated so far, and in all.
    chunks_done, chunks : int
    elapsed : float
        Seconds since the start [s].
    rate : float
        Samples per second so far [1/s].
    remaining : float
        Seconds left at that rate [s].
    """

    done: int
    total: int
    chunks_done: int
    chunks: int
    elapsed: float
    rate: float
    remaining: float

    def line(self, label: str = "evaluating") -> str:
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        return (
            f"{label} [{'#' * filled}{'.' * (width - filled)}] {self.done:,}/{self.total:,} "
            f"samples, {self.rate:,.0f}/s, {_clock(self.remaining)} left"
        )


def _clock(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def _chunk(samples: Mapping[str, np.ndarray], start: int, stop: int) -> dict:
    return {k: v[start:stop] for k, v in samples.items()}


def evaluate_in_chunks(
    function: Callable[[dict], np.ndarray],
    samples: Mapping[str, np.ndarray],
    n: int,
    chunk_size: int | None = None,
    executor=None,
    progress=False,
    label: str = "evaluating",
) -> np.ndarray:
    """``function(chunk) -> values`` over consecutive chunks of ``samples``.

    Parameters
    ----------
    function : callable
        Takes ``{name: array of length m}`` and returns an array of length m. Must be
        picklable when ``executor`` runs it in another process.
    samples : mapping of name to array of length n
    chunk_size : int, optional
        Samples per evaluation; default :data:`DEFAULT_CHUNK_SIZE`.
    executor : concurrent.futures.Executor, optional
        Runs chunks concurrently (any object with ``submit`` returning futures);
        results are put back in order.
    progress : bool or callable
        True: a one-line progress bar with the rate and the time left on stderr,
        updated per chunk. A callable receives a :class:`Progress` after each chunk.
    """
    from .validation import check_integer

    size = (
        DEFAULT_CHUNK_SIZE if chunk_size is None else int(check_integer(chunk_size, "chunk_size"))
    )
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputError(
            "executor must be a concurrent.futures.Executor (an object with a submit method, "
            f"e.g. ThreadPoolExecutor() or a dask Client.get_executor()) or None, got {executor!r}"
        )
    bounds = [(i, min(i + size, n)) for i in range(0, n, size)]
    results: list = [None] * len(bounds)
    start_time = time.perf_counter()
    done_samples = 0

    def report(index: int) -> None:
        if not progress:
            return
        elapsed = time.perf_counter() - start_time
        rate = done_samples / elapsed if elapsed > 0 else float("inf")
        state = Progress(
            done_samples,
            n,
            index + 1,
            len(bounds),
            elapsed,
            rate,
            (n - done_samples) / rate if rate > 0 else float("inf"),
        )
        if callable(progress):
            progress(state)
            return
        sys.stderr.write("\r" + state.line(label))
        if index + 1 == len(bounds):
            sys.stderr.write("\n")
        sys.stderr.flush()

    if executor is None:
        for index, (start, stop) in enumerate(bounds):
            results[index] = np.asarray(function(_chunk(samples, start, stop)))
            done_samples += stop - start
            report(index)
    else:
        futures = [executor.submit(function, _chunk(samples, a, b)) for a, b in bounds]
        for index, future in enumerate(futures):
            results[index] = np.asarray(future.result())
            done_samples += bounds[index][1] - bounds[index][0]
            report(index)
    if not results:
        return np.empty(0)
    return np.concatenate([np.atleast_1d(r) for r in results])
