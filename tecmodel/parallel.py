"""Chunked evaluation of a batch, serially or on any concurrent.futures.Executor.

Samples are drawn before chunking, so serial, chunked and executor runs give the same
numbers bit for bit (DESIGN.md quality bar).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["evaluate_in_chunks"]


def _chunk(samples: Mapping[str, np.ndarray], start: int, stop: int) -> dict:
    return {k: v[start:stop] for k, v in samples.items()}


def evaluate_in_chunks(
    function: Callable[[dict], np.ndarray],
    samples: Mapping[str, np.ndarray],
    n: int,
    chunk_size: int | None = None,
    executor=None,
    progress: bool = False,
    label: str = "evaluating",
) -> np.ndarray:
    """``function(chunk) -> values`` over consecutive chunks of ``samples``.

    Parameters
    ----------
    function : callable
        Takes ``{name: array of length m}`` and returns an array of length m. Must be
        picklable when ``executor`` is a process pool.
    samples : mapping of name to array of length n
    chunk_size : int, optional
        Samples per evaluation; default all at once.
    executor : concurrent.futures.Executor, optional
        Runs chunks concurrently; results are put back in order.
    progress : bool
        Print a one-line progress bar to stderr.
    """
    size = n if chunk_size is None else max(1, int(chunk_size))
    bounds = [(i, min(i + size, n)) for i in range(0, n, size)]
    results: list = [None] * len(bounds)

    def report(done: int) -> None:
        if progress:
            width = 30
            filled = int(width * done / len(bounds))
            sys.stderr.write(
                f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{len(bounds)} chunks"
            )
            if done == len(bounds):
                sys.stderr.write("\n")
            sys.stderr.flush()

    if executor is None:
        for index, (start, stop) in enumerate(bounds):
            results[index] = np.asarray(function(_chunk(samples, start, stop)))
            report(index + 1)
    else:
        futures = [executor.submit(function, _chunk(samples, a, b)) for a, b in bounds]
        for index, future in enumerate(futures):
            results[index] = np.asarray(future.result())
            report(index + 1)
    return np.concatenate([np.atleast_1d(r) for r in results])
