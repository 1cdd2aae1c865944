"""Fractions refused at the door (issue 16): a percent typed as a plain number.

Every stage class lists its fraction fields in ``FRACTIONS``; ``51`` for any of them is
refused when the stage is built, replaced or read from a scenario file, with the hint
"51 looks like a percent; write 0.51 or '51 %'", not later when the plant is run.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import tecmodel.stages as stages
from tecmodel import Q_, InputError, ScenarioError, TecModelError, scenarios
from tecmodel.stages._common import fraction_fields

STAGE_CLASSES = [
    cls
    for _, cls in inspect.getmembers(stages, inspect.isclass)
    if dataclasses.is_dataclass(cls) and hasattr(cls, "FRACTIONS")
]
CASES = [(cls, name) for cls in STAGE_CLASSES for name in sorted(fraction_fields(cls))]

# words that mark a share of something in the shipped field names; a new field named so
# must be declared (or listed below with the reason it is not a fraction)
FRACTION_WORDS = (
    "efficiency", "recovery", "fraction", "moisture", "rejection", "removal", "threshold",
    "yield", "purity", "degree", "conversion", "dissolution", "_to_", "residual",
    "coprecipitation", "precipitation", "loss",
)  # fmt: skip
NOT_FRACTIONS = {
    # kg of salt lost per kg of metal: a ratio that may exceed 1 (metal.py)
    "lithium_fluoride_loss",
    "rare_earth_fluoride_loss",
    # a table mineral -> fraction; each entry is checked as a fraction when run (cracking.py)
    "gangue_dissolution",
}


def test_stage_classes_found():
    assert len(STAGE_CLASSES) >= 18


@pytest.mark.parametrize("cls", STAGE_CLASSES, ids=lambda c: c.__name__)
def test_declared_fractions_are_fields_with_a_range_inside_0_1(cls):
    names = {item.name for item in dataclasses.fields(cls)}
    for name, (low, high) in fraction_fields(cls).items():
        assert name in names
        assert 0.0 <= low < high <= 1.0


@pytest.mark.parametrize("cls", STAGE_CLASSES, ids=lambda c: c.__name__)
def test_every_fraction_like_field_is_declared(cls):
    declared = fraction_fields(cls)
    for item in dataclasses.fields(cls):
        default = item.default
        if isinstance(default, bool) or not isinstance(default, int | float | type(None)):
            continue
        looks = any(word in item.name for word in FRACTION_WORDS)
        if looks and item.name not in NOT_FRACTIONS:
            assert item.name in declared, f"{cls.__name__}.{item.name} is not in FRACTIONS"


@pytest.mark.parametrize(("cls", "name"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_51_refused_at_construction_with_the_percent_hint(cls, name):
    with pytest.raises(InputError) as caught:
        cls(**{name: 51})
    message = str(caught.value)
    assert name in message
    assert "51 looks like a percent; write 0.51 or '51 %'" in message


@pytest.mark.parametrize(("cls", "name"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_51_percent_is_understood(cls, name):
    low, high = fraction_fields(cls)[name]
    assert low <= 0.51 <= high  # so 51 % is a valid value of every declared field
    try:
        stage = cls(**{name: Q_(51, "percent")})
    except InputError as exc:  # a tighter rule of the stage itself (e.g. a combination)
        assert "percent" not in str(exc)
    else:
        assert getattr(stage, name) == Q_(51, "percent")


def test_array_with_one_percent_refused():
    with pytest.raises(InputError, match="recovery"):
        stages.Calcination(recovery=[0.9, 95])


def test_none_still_means_route_default():
    stage = stages.BastnaesiteCracking(thorium_dissolution=None)
    assert stage.thorium_dissolution is None


def test_plant_replace_refuses_at_once():
    plant = scenarios.load("bio_recycling")
    path = next(p for p in plant.parameters() if p.endswith(".leaching_efficiency"))
    with pytest.raises(TecModelError, match="looks like a percent"):
        plant.replace(path, 51)


def test_scenario_file_refused_at_read(tmp_path):
    text = scenarios.to_toml(scenarios.load("bio_recycling"))
    assert "leaching_efficiency = " in text
    lines = [
        "leaching_efficiency = 51" if line.startswith("leaching_efficiency = ") else line
        for line in text.splitlines()
    ]
    path = tmp_path / "percent.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenarios.read(path)
    message = str(caught.value)
    assert "leaching_efficiency" in message
    assert "looks like a percent" in message
