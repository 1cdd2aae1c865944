"""The shipped full-separation scenarios are what tecmodel.refinery.design writes.

Each file is regenerated with its own split sequence (read back from its wiring) and
compared as text; the smaller plants are also evaluated both ways (read → evaluate equals
design → evaluate). Their SX sections run the P507 practice values.
"""

import warnings

import numpy as np
import pytest

from tecmodel import refinery, scenarios
from tecmodel.data import load_table
from tecmodel.refinery import scenario_files
from tecmodel.stages.solvent_extraction import SolventExtractionSection

warnings.simplefilter("ignore")
NAMES = list(scenario_files.SCENARIOS)


def _regenerated(name):
    spec = scenario_files.SCENARIOS[name]
    shipped = scenarios.load(name)
    plant = spec.design(tree=scenario_files.split_tree(shipped, spec))
    plant = plant.__class__(**{**scenario_files._plant_fields(plant), "name": name})
    return shipped, plant, spec


def test_the_three_scenarios_are_shipped():
    assert set(NAMES) == {
        "china_full_separation_clay",
        "china_full_separation_bayan_obo",
        "us_heavy_ree",
    }
    assert set(NAMES) <= set(scenarios.names())


@pytest.mark.parametrize("name", NAMES)
def test_shipped_file_is_the_designed_plant_written(name):
    shipped, plant, spec = _regenerated(name)
    text = scenarios.to_toml(plant, scenario_files.provenance_notes(plant, spec))
    assert text == scenarios.to_toml(shipped, scenarios.provenance(name))


@pytest.mark.parametrize("name", ["china_full_separation_bayan_obo", "us_heavy_ree"])
def test_read_then_evaluate_equals_design_then_evaluate(name):
    shipped, plant, _ = _regenerated(name)
    a, b = shipped.evaluate(), plant.evaluate()
    for field in ("levelized_cost", "capex", "opex"):
        assert float(getattr(a, field).magnitude) == pytest.approx(
            float(getattr(b, field).to(getattr(a, field).units).magnitude), rel=1e-12
        )
    assert int(a.mixer_settlers) == int(b.mixer_settlers)
    for product in b.products:
        assert a.purity(product) == pytest.approx(b.purity(product), rel=1e-12)


def test_split_tree_reads_back_the_tree_design_was_given():
    spec = scenario_files.ScenarioSpec(
        feed="bayan_obo", products=("La", "Ce", "NdPr"), purity=0.99, capacity=1000.0,
        location="china", notes={},
    )  # fmt: skip
    for tree in ((("La", "Ce"), ("Pr-Nd", "Sm-Y")), ("La", ("Ce", ("Pr-Nd", "Sm-Y")))):
        plant = spec.design(tree=tree)
        assert scenario_files.split_tree(plant, spec) == tree


def test_every_sx_section_runs_the_p507_practice_values():
    practice = load_table("solvent_extraction_practice")
    for name in NAMES:
        sections = [
            s for s in scenarios.load(name).stages.values()
            if isinstance(s, SolventExtractionSection)
        ]  # fmt: skip
        assert sections, name
        for stage in sections:
            assert stage.extractant == "p507"
            assert stage.stage_efficiency == practice["stage_efficiency"].value
            assert stage.saponification_degree == practice["saponification_degree"].value


def test_design_sets_the_practice_values_and_the_proxy_counts_real_stages():
    """design() itself carries the practice values; the proxy cut's stages are real
    stages, ⌈ideal / 0.9⌉ per section (the stage's own count)."""
    plant = refinery.design("bayan_obo", ["La", "Ce"], purity=0.99, capacity=1000.0)
    result = plant.evaluate()
    sx = result.flowsheet.stage_results["sx_la_ce"].details
    assert float(sx["stage_efficiency"]) == 0.9
    ideal = int(sx["ideal_extraction_stages"]), int(sx["ideal_scrub_stages"])
    assert int(sx["extraction_stages"]) == int(np.ceil(ideal[0] / 0.9 - 1e-9))
    assert int(sx["scrub_stages"]) == int(np.ceil(ideal[1] / 0.9 - 1e-9))


def test_offset_units_are_read_back(tmp_path):
    """A Bayan Obo plant sets the sulfuric bake's temperature in °C; the writer's
    "400.0 °C" (and a user's "400 degC") read back as 400 °C, not as 400 × °C."""
    from tecmodel import Q_
    from tecmodel.scenarios import _value

    for text in ("400.0 °C", "400 degC"):
        value = _value(text, "test")
        assert value.units == Q_(1, "degC").units
        assert value.to("K").magnitude == pytest.approx(673.15, rel=1e-12)
    plant = scenarios.load("china_full_separation_bayan_obo")
    assert plant.stages["crack"].temperature.to("K").magnitude == pytest.approx(
        scenario_files.SCENARIOS["china_full_separation_bayan_obo"]
        .design(tree=scenario_files.split_tree(plant, scenario_files.SCENARIOS[
            "china_full_separation_bayan_obo"]))
        .stages["crack"].temperature.to("K").magnitude, rel=1e-12
    )  # fmt: skip


def test_split_tree_refuses_a_three_outlet_plant():
    """A three-outlet cascade's middle outlet has no place in a tree of pairs: refused,
    not read back as a wrong tree."""
    from tecmodel import refinery
    from tecmodel.errors import TecModelError
    from tecmodel.stages import ThreeOutletSection

    spec = scenario_files.ScenarioSpec(
        feed="bayan_obo", products=("La", "Ce", "Pr", "Nd"), purity=0.995,
        capacity=1000.0, location="china", notes={},
    )  # fmt: skip
    plant = refinery.design(
        "bayan_obo", spec.products, purity=0.995, capacity=1000.0, three_outlet=True
    )
    assert any(isinstance(s, ThreeOutletSection) for s in plant.stages.values())
    with pytest.raises(TecModelError, match="three-outlet"):
        scenario_files.split_tree(plant, spec)
