"""Upper bounds on stage numbers that catch a mistyped value (issue 16 leftover).

A stoichiometric excess written as a fraction over the stoichiometric charge (default
below 1, e.g. 0.2 = 20 % over) is refused above 500 % with the percent hint; an excess
written as a multiple of stoichiometric (default 1 or more) above 50×; more than 1,000
operators a shift on one stage. Every stage class with such a field is checked, so a new
field named ``*_excess`` gets the bound without further work.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import tecmodel.stages as stages
from tecmodel import InputError
from tecmodel.stages._common import (
    MAX_EXCESS_FRACTION,
    MAX_EXCESS_MULTIPLE,
    MAX_OPERATORS_PER_SHIFT,
    field_default,
)

STAGE_CLASSES = [
    cls
    for _, cls in inspect.getmembers(stages, inspect.isclass)
    if dataclasses.is_dataclass(cls) and hasattr(cls, "run")
]


def _bounded_fields():
    for cls in STAGE_CLASSES:
        for item in dataclasses.fields(cls):
            default = field_default(item)
            if isinstance(default, bool) or not isinstance(default, int | float):
                continue
            if item.name == "excess" or item.name.endswith("_excess"):
                bound = MAX_EXCESS_FRACTION if default < 1 else MAX_EXCESS_MULTIPLE
                yield cls, item.name, bound, default < 1
            elif item.name == "operators_per_shift":
                yield cls, item.name, MAX_OPERATORS_PER_SHIFT, False


CASES = list(_bounded_fields())
REQUIRED = {"GenericStage": {"yields": {"feed": {}}}}  # the one field without a default


def _build(cls):
    return cls(**REQUIRED.get(cls.__name__, {}))


def test_the_shipped_stages_have_bounded_fields():
    names = {name for _, name, _, _ in CASES}
    # the excess fields of the cracking, leaching, precipitation and reduction stages
    assert {"acid_excess", "caustic_excess", "zinc_excess", "operators_per_shift"} <= names


@pytest.mark.parametrize(("cls", "name", "bound", "fraction"), CASES,
                         ids=[f"{c.__name__}.{n}" for c, n, _, _ in CASES])  # fmt: skip
def test_above_the_bound_is_refused_naming_the_field(cls, name, bound, fraction):
    stage = _build(cls)
    dataclasses.replace(stage, **{name: bound})  # the bound itself is allowed
    typed = 20.0 if fraction else bound * 2
    with pytest.raises(InputError, match=name) as caught:
        dataclasses.replace(stage, **{name: typed})
    message = str(caught.value)
    assert f"{bound:g}" in message.replace(",", "")
    if fraction:  # 20 for 20 % over stoichiometric
        assert "20 looks like a percent; write 0.2" in message


def test_an_array_with_one_mistyped_entry_is_refused():
    cls, name, bound, _ = next(c for c in CASES if c[1] == "acid_excess")
    stage = _build(cls)
    with pytest.raises(InputError, match=name):
        dataclasses.replace(stage, **{name: [0.1, 0.2, bound + 1]})
