"""Bad input at the entry points a first fuzz run left open (issue 16).

Each case is a call that used to escape as a plain Python exception or be accepted
silently; it must now raise a TecModelError naming the parameter. The good calls beside
them are checked against independent numbers (identities, the table in the data file).
"""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tecmodel import Q_, InputError, OutputError, Study, TecModelError, scenarios, units
from tecmodel.atomic import TEMPORARY_MARK, write_atomic
from tecmodel.distributions import Uniform
from tecmodel.separation import design_reuse
from tecmodel.separation.design import design_cascade as design_cascade_raw
from tecmodel.stages._common import field_default
from tecmodel.stages.solvent_extraction import SolventExtractionSection


# ------------------------------------------------------------------ SX stage fields
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("saponification_stages", 2.5, "whole number"),
        ("saponification_stages", "x", "saponification_stages"),
        ("saponification_stages", math.nan, "finite"),
        ("saponification_stages", True, "saponification_stages"),
        ("saponification_stages", -1, ">= 0"),
        ("saponification_stages", np.array([1, 2]), "not an array"),
        ("impurities_to_extract", 5.0, "list of component names"),
        ("impurities_to_extract", [1, 2], "list of component names"),
        ("max_stages", 0, ">= 1"),
        ("max_stages", 2.5, "whole number"),
        ("strip_stages", 0.5, "strip_stages"),
    ],
)
def test_sx_fields_checked_when_built_and_replaced(field, value, message):
    with pytest.raises(TecModelError, match=message):
        SolventExtractionSection(**{field: value})
    with pytest.raises(TecModelError, match=message):  # dataclasses.replace runs the check
        dataclasses.replace(SolventExtractionSection(), **{field: value})


def test_sx_one_impurity_name_is_one_name_not_its_letters():
    assert SolventExtractionSection(impurities_to_extract="Th").impurities_to_extract == ("Th",)
    assert SolventExtractionSection(impurities_to_extract=["Th"]).impurities_to_extract == ("Th",)


def test_sx_replace_through_plant_names_the_path():
    plant = scenarios.load("monazite_caustic")
    path = next(p for p in plant.parameters() if p.endswith(".saponification_stages"))
    with pytest.raises(InputError, match="whole number") as info:
        plant.replace(path, 2.5)
    assert str(info.value).startswith(path)


# ------------------------------------------------------------------ studies
@pytest.fixture(scope="module")
def study():
    plant = scenarios.load("bio_recycling")
    return Study(plant, {"finance.discount_rate": Uniform(0.05, 0.1)})


@pytest.mark.parametrize("executor", ["x", 3, object()])
def test_monte_carlo_executor_must_be_an_executor(study, executor):
    with pytest.raises(InputError, match=r"executor must be a concurrent\.futures\.Executor"):
        study.monte_carlo(4, executor=executor)


@pytest.mark.parametrize("chunk_size", [0, 2.5, "x", True])
def test_monte_carlo_chunk_size_checked(study, chunk_size):
    with pytest.raises(TecModelError, match="chunk_size"):
        study.monte_carlo(4, chunk_size=chunk_size)


def test_monte_carlo_real_executor_equals_serial(study):
    serial = study.monte_carlo(8, seed=3).values.magnitude
    with ThreadPoolExecutor(2) as pool:
        pooled = study.monte_carlo(8, seed=3, chunk_size=3, executor=pool).values.magnitude
    assert np.array_equal(serial, pooled)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bootstrap": -1}, "bootstrap"),
        ({"bootstrap": 2.5}, "bootstrap"),
        ({"max_width": -1}, "max_width"),
        ({"max_width": 0}, "max_width"),
        ({"max_width": math.nan}, "max_width"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": "x"}, "confidence"),
    ],
)
def test_sobol_options_checked(study, options, message):
    with pytest.raises(TecModelError, match=message):
        study.sobol(8, **options)


def test_sobol_without_bootstrap_has_no_intervals(study):
    result = study.sobol(8, seed=1, bootstrap=0)
    assert np.all(np.isnan(result.first_order_interval[0]))
    assert np.all(np.isfinite(result.first_order))


# ------------------------------------------------------------------ price indices, years
@pytest.mark.parametrize("year", [2020.7, "abc", None, True, math.nan, [2020, 2021], 1800])
def test_price_index_year_checked(year):
    with pytest.raises(TecModelError, match="year"):
        units.price_index("us_industrial_chemicals", year)


@pytest.mark.parametrize("year", [2020.7, "abc", None, True, math.nan])
def test_cepci_year_checked(year):
    with pytest.raises(TecModelError, match="year"):
        units.cepci(year)


def test_whole_float_year_reads_the_table():
    # 2020.0 is the year 2020: the same entry as the integer key of the data file
    years = units.price_index_years("us_industrial_chemicals")
    year = years[-1]
    expected = units.price_index("us_industrial_chemicals", year)
    assert units.price_index("us_industrial_chemicals", float(year)) == expected


# ------------------------------------------------------------------ design reuse wrapper
def test_design_cascade_by_keyword_equals_positional():
    by_position = design_reuse.design_cascade(2.0, 0.5, 0.99, 0.99)
    by_name = design_reuse.design_cascade(
        separation_factor=2.0, feed_fraction=0.5, purity_extract=0.99, purity_raffinate=0.99
    )
    raw = design_cascade_raw(2.0, 0.5, 0.99, 0.99)
    assert by_position.extraction_stages == by_name.extraction_stages == raw.extraction_stages
    assert by_position.scrub_stages == by_name.scrub_stages == raw.scrub_stages


@pytest.mark.parametrize(
    "args", [("x", 0.5, 0.99, 0.99), (2.0, [0.5, "a"], 0.99, 0.99), (math.nan, 0.5, 0.99, 0.99)]
)
def test_design_cascade_bad_values_are_tecmodel_errors(args):
    with pytest.raises(TecModelError):
        design_reuse.design_cascade(*args)


def test_simulate_multicomponent_scalar_composition_refused():
    with pytest.raises(InputError, match="last axis"):
        design_reuse.simulate_multicomponent(2.0, 0.5, 10, 10, 1.7, 1.2)


# ------------------------------------------------------------------ safe writes
@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_process_streams_are_refused(path):
    with pytest.raises(OutputError, match="use '-' for standard output"):
        write_atomic(path, "x")


def test_symlink_to_dev_stdout_is_refused(tmp_path):
    link = tmp_path / "out.txt"
    link.symlink_to("/dev/stdout")
    with pytest.raises(OutputError, match="stream of this process"):
        write_atomic(link, "x")
    assert link.is_symlink()


def test_dev_stdout_redirected_to_a_file_keeps_that_file(tmp_path):
    # with standard output redirected to a regular file, /dev/stdout resolves to that file;
    # an atomic rename would replace the file the shell opened
    log = tmp_path / "log.txt"
    script = (
        "from tecmodel.atomic import write_atomic\n"
        "from tecmodel.errors import OutputError\n"
        "print('before', flush=True)\n"
        "try:\n"
        "    write_atomic('/dev/stdout', 'x')\n"
        "except OutputError as error:\n"
        "    print('refused', flush=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    with open(log, "w") as handle:
        subprocess.run([sys.executable, "-c", script], stdout=handle, env=env, check=True)
    assert log.read_text().split() == ["before", "refused"]


def test_error_inside_write_leaves_no_temporary(tmp_path):
    from tecmodel.atomic import atomic_path

    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        open(temporary, "w").write("half")
        raise RuntimeError("stop")
    assert target.read_text() == "old"
    assert not [p for p in os.listdir(tmp_path) if TEMPORARY_MARK in p]


# ------------------------------------------------------------------ every stage field at the door
def _numeric_fields():
    """(stage class, field name, default) for every field with a number or Quantity default."""
    import pint

    cases = []
    for cls in scenarios.stage_types().values():
        for item in dataclasses.fields(cls):
            default = field_default(item)
            if isinstance(default, bool) or not isinstance(default, int | float | pint.Quantity):
                continue
            cases.append(pytest.param(cls, item.name, default, id=f"{cls.__name__}.{item.name}"))
    return cases


def _build(cls, **fields):
    required = {"yields": {}} if cls.__name__ == "GenericStage" else {}
    return cls(**required, **fields)


@pytest.mark.parametrize(("cls", "name", "default"), _numeric_fields())
def test_every_numeric_stage_field_is_checked_when_built(cls, name, default):
    _build(cls, **{name: default})  # the default itself is valid
    for bad in (math.nan, True, "abc", None, np.array([1.0, math.inf])):
        with pytest.raises(TecModelError, match=name):
            _build(cls, **{name: bad})
    if hasattr(default, "units") and not default.dimensionless:  # units are needed
        with pytest.raises(TecModelError, match=name):
            _build(cls, **{name: 1.0})
    elif np.all(np.asarray(default) >= 0):  # a negative count, fraction or rate
        with pytest.raises(TecModelError, match=name):
            _build(cls, **{name: -1.0})


def test_boolean_stage_fields_need_booleans():
    from tecmodel.stages.cracking import CausticCracking, SulfuricBake

    for bad in ("no", 0, 1, math.nan):
        with pytest.raises(TecModelError, match="phosphate_price_credit"):
            CausticCracking(phosphate_price_credit=bad)
        with pytest.raises(TecModelError, match="co_dispose_gypsum"):
            SulfuricBake(co_dispose_gypsum=bad)
    assert SulfuricBake(co_dispose_gypsum=True).co_dispose_gypsum is True


def test_unused_design_fields_are_checked_too():
    # with a saponification degree the organic loading is not used, but a bad one is an error
    stage = SolventExtractionSection(saponification_degree=0.36)
    with pytest.raises(TecModelError, match="organic_loading"):
        dataclasses.replace(stage, organic_loading=-1.0)
    with pytest.raises(TecModelError, match="saponification_degree"):
        dataclasses.replace(stage, saponification_degree=0.0)


# ------------------------------------------------------------------ scenario files: ports
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('to = "bioleach.feed"', 'to = "nosuch.feed"'), r"feed\.to = 'nosuch\.feed'"),
        (('to = "bioleach.feed"', 'to = "bioleach.nosuchport"'), "no inlet port 'nosuchport'"),
        (('to = "bioleach.feed"', 'to = "bioleach"'), "stage.port"),
    ],
)
def test_scenario_ports_checked_at_read(tmp_path, edit, message):
    from tecmodel import ScenarioError

    text = scenarios.to_toml(scenarios.load("bio_recycling"))
    assert edit[0] in text
    path = tmp_path / "plant.toml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=message) as info:
        scenarios.read(path)
    assert str(path) in str(info.value)


def test_scenario_connection_to_unknown_stage(tmp_path):
    from tecmodel import ScenarioError

    text = scenarios.to_toml(scenarios.load("bio_recycling"))
    marker = '[[connections]]\nfrom = "'
    assert marker in text
    path = tmp_path / "plant.toml"
    path.write_text(text.replace(marker, marker + "nosuch_", 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"connection 0: 'from' = 'nosuch_"):
        scenarios.read(path)


# ------------------------------------------------------------------ property: any value, any field
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ANY_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["5 m", "10 %", "3 USD/kg", "1 h", "-2 kg/s", [1, "a"], (), {}]),
)
_FIELDS = [param.values for param in _numeric_fields()]


def _any_value_into_any_field(case, value):
    cls, name, _default = case
    try:
        stage = _build(cls, **{name: value})
    except TecModelError:
        return
    # accepted: the stored value must be a finite number, or a quantity (or text such as
    # "10 %" that reads as one) of a finite number
    stored = getattr(stage, name)
    if isinstance(stored, str):
        stored = Q_(stored)
    magnitude = np.asarray(getattr(stored, "magnitude", stored))
    assert magnitude.dtype.kind in "iuf" and np.all(np.isfinite(magnitude)), (name, value)


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(_FIELDS), value=_ANY_VALUE)
def test_property_any_value_into_any_stage_field(case, value):
    _any_value_into_any_field(case, value)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None)
@given(case=st.sampled_from(_FIELDS), value=_ANY_VALUE)
def test_property_any_value_into_any_stage_field_slow(case, value):
    _any_value_into_any_field(case, value)
