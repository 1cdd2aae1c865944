"""The result a stage gave in the flowsheet run a study starts from, while it runs again.

:func:`tecmodel.flowsheet.run_flowsheet` with ``previous`` (a study's base plant) re-runs
only the stages whose parameters or inlets change; while one of them runs,
:func:`previous_result` is what that stage gave in ``previous`` (None otherwise: a plant
evaluated on its own, a recycle loop). A stage may start an iterative solve from it, as
:class:`tecmodel.stages.SolventExtractionSection` starts its cascade's steady state from
the base design's splits: every sample then starts from the same numbers, whatever the
chunk it is in, so chunked and one-shot studies agree bit for bit.
"""

from __future__ import annotations

import contextlib
import contextvars

__all__ = ["previous_result", "rerun_of"]

_PREVIOUS = contextvars.ContextVar("tecmodel_previous_stage_result", default=None)


@contextlib.contextmanager
def rerun_of(result):
    """Within this block, :func:`previous_result` is ``result`` (a StageResult or None)."""
    token = _PREVIOUS.set(result)
    try:
        yield
    finally:
        _PREVIOUS.reset(token)


def previous_result():
    """The StageResult the running stage gave in the study's base run, or None."""
    return _PREVIOUS.get()
