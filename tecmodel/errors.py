"""Exceptions raised by tecmodel.

Every error derives from :class:`TecModelError`, so ``except TecModelError`` catches
anything the package raises on purpose. Messages name the parameter, the value that was
received and what would have been valid.
"""

from __future__ import annotations

__all__ = [
    "InfeasibleDesignError",
    "InputError",
    "OutputError",
    "ScenarioError",
    "TecModelError",
    "UnitError",
]


class TecModelError(Exception):
    """Base class of every error tecmodel raises deliberately."""


class UnitError(TecModelError, TypeError):
    """A quantity has the wrong dimension, or a plain number was given where units are needed."""


class InputError(TecModelError, ValueError):
    """A value is outside its valid range or names something unknown."""


class InfeasibleDesignError(TecModelError, ValueError):
    """A design target cannot be met (β ≤ 1, flux below minimum reflux, too many stages, …)."""


class ScenarioError(TecModelError, ValueError):
    """A scenario file is missing, malformed or refers to something that does not exist."""


class OutputError(TecModelError):
    """A result cannot be written: the path is a directory or device, its folder is
    missing, or the operating system refused (read-only, disk full, permission)."""


class InternalError(TecModelError):
    """A bug in tecmodel: an unexpected exception caught at a boundary (the CLI).

    Not raised for bad input; please report it with the traceback (``--debug``)."""


def describe(value) -> str:
    """Short, readable rendering of a received value for error messages."""
    try:
        import numpy as np

        arr = np.asarray(getattr(value, "magnitude", value))
        if arr.ndim > 0 and arr.size > 4:
            unit = getattr(value, "units", "")
            shown = f"array of shape {arr.shape} (min {arr.min():.6g}, max {arr.max():.6g})"
            return f"{shown} {unit}".strip()
    except Exception:  # rendering must never raise
        pass
    try:
        text = repr(value) if not hasattr(value, "units") else f"{value:~P}"
    except Exception:  # rendering must never raise
        text = object.__repr__(value)
    return text if len(text) <= 120 else text[:117] + "..."
