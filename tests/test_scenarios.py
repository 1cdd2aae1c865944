"""Shipped scenarios: every value they set is sourced or labelled; files round-trip;
broken files give a ScenarioError that says what to change."""

import numpy as np
import pytest

from tecmodel import scenarios
from tecmodel.errors import ScenarioError, TecModelError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

EXEMPT = {"type", "source", "to"}  # wiring, not numbers


def leaf_paths(node, prefix=""):
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from leaf_paths(value, path + ".")
        elif key not in EXEMPT:
            yield path


@pytest.mark.parametrize("name", scenarios.names())
def test_every_value_set_has_provenance(name):
    data = scenarios.raw(name)
    notes = data.get("provenance", {})
    sections = {k: v for k, v in data.items() if isinstance(v, dict) and k != "provenance"}
    missing = [
        path
        for path in leaf_paths(sections)
        if not any(path == key or path.startswith(key + ".") for key in notes)
    ]
    assert not missing, f"{name}: no provenance for {missing}"
    for key, text in notes.items():
        assert text.strip(), key


def test_contract_names_are_shipped():
    assert {"cascade_refinery", "high_waste_route", "bio_recycling"} <= set(scenarios.names())


@pytest.mark.parametrize("name", ["high_waste_route", "bio_recycling"])
def test_scenario_evaluates_and_balances(name):
    result = scenarios.load(name).evaluate()
    assert result.mass_balance_error() < 1e-9
    assert result.levelized_cost.magnitude > 0
    parts = sum(v.magnitude for v in result.breakdown().values())
    assert parts == pytest.approx(result.levelized_cost.magnitude, rel=1e-9)


def test_write_then_read_gives_the_same_plant(tmp_path):
    plant = scenarios.load("high_waste_route")
    path = tmp_path / "copy.toml"
    scenarios.write(plant, path)
    copy = scenarios.read(path)
    assert copy.evaluate().levelized_cost.magnitude == pytest.approx(
        plant.evaluate().levelized_cost.magnitude, rel=1e-12
    )
    assert not list(tmp_path.glob(".tmp-*"))


def test_array_parameters_are_not_written(tmp_path):
    plant = scenarios.load("bio_recycling").replace("finance.discount_rate", np.array([0.1, 0.2]))
    with pytest.raises(ScenarioError, match="array"):
        scenarios.write(plant, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'\n[feed\n", "not valid TOML"),
        ("name = 'x'\n", "missing required \\[feed\\]"),
        (
            "name='x'\n[feed]\nrate='1 t/h'\nto='a.feed'\ncomposition={La=1.0}\n"
            "[stages.a]\ntype='Nope'\n",
            "valid types",
        ),
        (
            "name='x'\n[feed]\nrate='1 t/h'\nto='a.feed'\ncomposition={La=1.0}\n"
            "[stages.a]\ntype='AcidLeaching'\nrecovry=0.9\n",
            "unknown parameter.*recovry",
        ),
        (
            "name='x'\n[feed]\nrate='1 kg'\nto='a.feed'\ncomposition={La=1.0}\n"
            "[stages.a]\ntype='AcidLeaching'\n",
            "feed",
        ),
        (
            "name='x'\nextra=1\n[feed]\nrate='1 t/h'\nto='a.feed'\ncomposition={La=1.0}\n"
            "[stages.a]\ntype='AcidLeaching'\n",
            "unknown top-level",
        ),
    ],
)
def test_broken_files_say_what_to_change(tmp_path, text, message):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message):
        plant = scenarios.read(path)
        plant.evaluate()


def test_missing_file_and_unknown_name():
    with pytest.raises(ScenarioError, match="cannot read"):
        scenarios.read("/nonexistent/plant.toml")
    with pytest.raises(ScenarioError, match="available"):
        scenarios.load("no_such_plant")


def test_round_trip_keeps_empty_tuples_and_overrides(tmp_path):
    plant = scenarios.load("bio_recycling")
    text = scenarios.to_toml(plant)
    assert "split_between = []" in text
    assert "hydrochloric_acid" not in text  # defaults are not repeated
    path = tmp_path / "bio.toml"
    scenarios.write(plant, path)
    assert scenarios.read(path).stages["biosorb"].split_between == ()


RECYCLE_PLANT = """
name = "recycle_loop"
[feed]
rate = "100 kg/h"
to = "mix.a"
composition = { La = 0.6, Ce = 0.4 }
[stages.mix]
type = "GenericStage"
inlet_names = ["a", "b"]
yields = { out = { "*" = 1.0 } }
[stages.split]
type = "GenericStage"
yields = { top = { La = 0.6, "*" = 0.0 }, bottom = { La = 0.4, "*" = 1.0 } }
[[connections]]
from = "mix.out"
to = "split.feed"
[[connections]]
from = "split.top"
to = "mix.b"
recycle = true
[products.oxide]
source = "split.bottom"
price = "1 USD/kg"
"""


def test_scenario_with_declared_recycle(tmp_path):
    """60 % of La recycles: R = 0.6 (F + R) gives R = 1.5 F (hand algebra); all of the
    feed leaves in the product. The recycle survives a write/read round trip."""
    path = tmp_path / "loop.toml"
    path.write_text(RECYCLE_PLANT)
    plant = scenarios.read(path)
    assert plant.recycles == ("split.top",)
    result = plant.evaluate()
    recycle = result.flowsheet.streams["split.top"].kg_s("La") * 3600
    assert recycle == pytest.approx(1.5 * 60.0, rel=1e-9)
    assert result.products["oxide"].total_kg_s * 3600 == pytest.approx(100.0, rel=1e-9)
    assert result.mass_balance_error() < 1e-9
    copy = tmp_path / "copy.toml"
    scenarios.write(plant, copy)
    assert scenarios.read(copy).recycles == ("split.top",)


def test_recycle_that_never_lets_a_component_out_is_reported(tmp_path):
    text = RECYCLE_PLANT.replace(
        'bottom = { La = 0.4, "*" = 1.0 }', "bottom = { La = 0.4, Ce = 0.0 }"
    ).replace('top = { La = 0.6, "*" = 0.0 }', "top = { La = 0.6, Ce = 1.0 }")
    path = tmp_path / "trap.toml"
    path.write_text(text)
    with pytest.raises(TecModelError, match="did not converge"):
        scenarios.read(path).evaluate()


def test_a_section_is_named_once_in_its_error():
    """A dataclass check that names its own section ("finance: ...") is not prefixed with
    the section again."""
    data = scenarios.raw("high_waste_route")
    data["finance"]["grant_treatment"] = "bogus"
    with pytest.raises(ScenarioError) as info:
        scenarios.from_dict(data, where="x.toml")
    message = str(info.value)
    assert message.startswith("x.toml: finance: grant_treatment")
    assert message.count("finance:") == 1
