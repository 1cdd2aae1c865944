"""tecmodel: unit-aware techno-economic models of separation and refining plants.

>>> import tecmodel
>>> cost = tecmodel.Q_(1.9, "MUSD_2016")
>>> round(cost.to("MUSD_2023").magnitude, 3)
2.799
"""

from __future__ import annotations

from .errors import InfeasibleDesignError, InputError, ScenarioError, TecModelError, UnitError
from .units import Q_, ureg

__version__ = "0.1.0"

__all__ = [
    "Q_",
    "InfeasibleDesignError",
    "InputError",
    "ScenarioError",
    "TecModelError",
    "UnitError",
    "__version__",
    "ureg",
]
