"""tecmodel: unit-aware techno-economic models of separation and refining plants.

>>> import tecmodel
>>> cost = tecmodel.Q_(1.9, "MUSD_2016")
>>> round(cost.to("MUSD_2023").magnitude, 3)
2.799

The main names: :class:`Plant` (and its parts :class:`Feed`, :class:`Product`,
:class:`CostingBasis`, :class:`FinanceAssumptions`), :class:`Study` for sensitivity,
:mod:`tecmodel.scenarios` for the shipped reference plants. They load on first use, so
``import tecmodel`` stays fast and never imports matplotlib.
"""

from __future__ import annotations

import importlib

from .errors import (
    InfeasibleDesignError,
    InputError,
    OutputError,
    ScenarioError,
    TecModelError,
    UnitError,
)
from .units import Q_, ureg

__version__ = "0.1.0"

_LAZY = {
    "Plant": "tecmodel.plant",
    "Feed": "tecmodel.plant",
    "Product": "tecmodel.plant",
    "CostingBasis": "tecmodel.plant",
    "FinanceAssumptions": "tecmodel.plant",
    "PlantResult": "tecmodel.results",
    "Stream": "tecmodel.streams",
    "Study": "tecmodel.sensitivity",
    "Uniform": "tecmodel.distributions",
    "Triangular": "tecmodel.distributions",
    "Normal": "tecmodel.distributions",
    "LogUniform": "tecmodel.distributions",
    "compare": "tecmodel.comparison",
    "Comparison": "tecmodel.comparison",
}
_SUBMODULES = {
    "costing",
    "curves",
    "data",
    "distributions",
    "elements",
    "finance",
    "flowsheet",
    "paths",
    "plant",
    "plotting",
    "report",
    "results",
    "scenarios",
    "sensitivity",
    "separation",
    "stages",
    "streams",
    "units",
    "validation",
    "cli",
    "parallel",
    "comparison",
    "reporting",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"tecmodel.{name}")
    raise AttributeError(f"module 'tecmodel' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY, *_SUBMODULES])


__all__ = [
    "Q_",
    "CostingBasis",
    "Feed",
    "FinanceAssumptions",
    "InfeasibleDesignError",
    "InputError",
    "LogUniform",
    "Normal",
    "OutputError",
    "Plant",
    "PlantResult",
    "Product",
    "ScenarioError",
    "Stream",
    "Study",
    "TecModelError",
    "Triangular",
    "Uniform",
    "UnitError",
    "__version__",
    "compare",
    "ureg",
]
