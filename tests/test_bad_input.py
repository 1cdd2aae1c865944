"""Bad input never gets past the door (issue 16): only TecModelError, no silent NaN.

Expected behaviour is written from the issue's list; numbers checked here are
independent (Fenske by hand, identities).
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tecmodel import (
    Q_,
    InputError,
    OutputError,
    ScenarioError,
    TecModelError,
    UnitError,
    finance,
    scenarios,
)
from tecmodel.atomic import TEMPORARY_MARK, write_atomic
from tecmodel.distributions import Normal, Triangular, Uniform
from tecmodel.separation import fenske_stages
from tecmodel.validation import check, check_bool, check_fraction, check_size


@pytest.fixture(scope="module")
def bio():
    return scenarios.load("bio_recycling")


# ------------------------------------------------------------------ the validator
def test_percent_understood_and_whole_percent_refused_with_hint():
    assert float(check_fraction(Q_(99.9, "percent"), "purity")) == pytest.approx(0.999)
    assert float(check_fraction("10 %", "share")) == pytest.approx(0.10)
    with pytest.raises(InputError, match=r"10 looks like a percent; write 0.1 or '10 %'"):
        check_fraction(10, "tax_rate")


@pytest.mark.parametrize("bad", [True, False, np.bool_(True), None, "abc", [1, "x"]])
def test_not_a_number_is_refused(bad):
    with pytest.raises(TecModelError, match="share"):
        check_fraction(bad, "share")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.array([0.1, np.nan])])
def test_nan_and_inf_refused(bad):
    with pytest.raises(InputError, match="finite"):
        check(bad, "rate")


def test_dimension_checked_and_named():
    with pytest.raises(UnitError, match="separation_factor"):
        fenske_stages(Q_(2, "m"), 0.99, 0.99)
    with pytest.raises(UnitError, match=r"labor_rate.*attach units"):
        check(40, "labor_rate", "USD/h")
    # percent as a purity: Fenske by hand, ln(0.999/0.001 · 0.99/0.01) / ln 2
    expected = math.log(0.999 / 0.001 * 0.99 / 0.01) / math.log(2.0)
    assert float(fenske_stages(2.0, Q_(99.9, "percent"), 0.99)) == pytest.approx(expected)


def test_booleans_must_be_booleans():
    assert check_bool(True, "recycle") is True
    for bad in ("no", 0, 1, "true"):
        with pytest.raises(InputError, match="TOML boolean"):
            check_bool(bad, "recycle")


def test_size_refused_before_allocation():
    with pytest.raises(InputError, match="chunk"):
        check_size(2**40, "a table")


# ------------------------------------------------------------------ finance entry points
@pytest.mark.parametrize(
    "call",
    [
        lambda: finance.npv("abc", [1, 2]),
        lambda: finance.npv(0.1, "abc"),
        lambda: finance.npv(math.nan, [1, 2]),
        lambda: finance.npv(True, [1, 2]),
        lambda: finance.npv(0.1, []),
        lambda: finance.irr([]),
        lambda: finance.irr([[1, 2], [3]]),
        lambda: finance.payback([]),
        lambda: finance.macrs(True),
        lambda: finance.capital_recovery_factor(0.1, "x"),
        lambda: finance.capital_recovery_factor(math.nan, 10),
        lambda: finance.levelized_cost(math.nan, 1.0, 1.0, discount_rate=0.1, plant_life=5),
        lambda: finance.levelized_cost(1.0, 1.0, 1.0, discount_rate=10, plant_life=5),
        lambda: finance.levelized_cost(1.0, 1.0, 1.0, discount_rate=0.1, plant_life=1e9),
        lambda: finance.levelized_cost(1.0, 1.0, 1.0, discount_rate=0.1, plant_life=1e300),
    ],
)
def test_finance_bad_calls_raise_tecmodel_errors(call):
    with pytest.raises(TecModelError):
        call()


def test_npv_percent_rate_equals_fraction():
    assert finance.npv(Q_(8, "percent"), [-100.0, 60, 60]) == finance.npv(0.08, [-100.0, 60, 60])


# ------------------------------------------------------------------ plant parameters
@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("finance.construction_years", 0, "construction_years"),
        ("finance.discount_rate", math.nan, "finite"),
        ("finance.discount_rate", 10, "looks like a percent"),
        ("finance.tax_rate", True, "number"),
        ("costing.disposal_costs.non_hazardous", 50, "money per"),
        ("costing.prices.glucose", Q_(-1, "USD/kg"), ">= 0"),
        ("costing.labor_rate", "abc", "labor_rate"),
        ("stages.biosorb.purity_extract", math.nan, "purity_extract"),
    ],
)
def test_replace_refuses_with_path_in_message(bio, path, value, message):
    with pytest.raises(TecModelError, match=message) as info:
        bio.replace(path, value)
    assert str(info.value).replace(": ", ".").startswith(path)


def test_reports_with_array_finance_sum_to_total(bio):
    rates = np.array([0.06, 0.08, 0.10])
    result = bio.replace("finance.discount_rate", rates).evaluate()
    parts = result.breakdown()
    total = sum(p.to("USD/kg").magnitude for p in parts.values())
    np.testing.assert_allclose(total, result.levelized_cost.to("USD/kg").magnitude, rtol=1e-12)
    assert "bio_recycling" in result.summary()


def test_distribution_bounds_in_other_units():
    assert Uniform(Q_(1, "USD/kg"), Q_(2000, "USD/t")).high == pytest.approx(2.0)
    with pytest.raises(UnitError, match="high"):
        Uniform(Q_(1, "USD/t"), Q_(2, "m"))
    with pytest.raises(UnitError, match="mode"):
        Triangular(0.0, Q_(1, "m"), 2.0)
    with pytest.raises(InputError, match="finite"):
        Normal(0.0, math.inf)


# ------------------------------------------------------------------ scenario files
def _good_text():
    return scenarios.to_toml(scenarios.load("bio_recycling"))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + '\n[costing.prices]\ncaustic_soda = "350 USD/t"\n', "caustic_soda"),
        (lambda t: t.replace('to = "', 'recycle = "no"\nto = "', 1), "boolean"),
        (lambda t: t + '\n[finance]\ndiscount_rate = "5 m"\n', "discount_rate"),
        (lambda t: "name = 'x'\nfeed = 5\nstages = {}\n", "feed"),
        (lambda t: "name = 'x'\nfeed = {}\nstages = [1, 2]\n", "stages"),
        (lambda t: "name = 'x'\nfeed = " + "[" * 3000 + "]" * 3000 + "\n", "x"),
    ],
)
def test_broken_scenario_files_give_scenario_errors(tmp_path, edit, message):
    path = tmp_path / "broken.toml"
    path.write_text(edit(_good_text()), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        scenarios.read(path)
    assert message in str(info.value) or "broken.toml" in str(info.value)


def test_non_utf8_scenario(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(_good_text().encode() + b"# \xff\n")
    with pytest.raises(ScenarioError, match="UTF-8"):
        scenarios.read(path)


# ------------------------------------------------------------------ safe writes
def test_writes_refuse_devices_directories_and_missing_folders(tmp_path):
    fifo = tmp_path / "fifo"  # a non-regular file (safer to test than /dev/full)
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(fifo, "x")
    assert fifo.is_fifo()
    with pytest.raises(OutputError, match="directory"):
        write_atomic(tmp_path, "x")
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "no" / "such" / "out.txt", "x")
    assert not (tmp_path / "no").exists()


def test_write_through_symlink_keeps_link(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert not [p for p in os.listdir(tmp_path) if TEMPORARY_MARK in p]


def test_dash_is_standard_output(capsys):
    write_atomic("-", "hello\n")
    assert capsys.readouterr().out == "hello\n"


def test_sigterm_removes_temporary_file(tmp_path):
    script = (
        "import time, sys\n"
        "from tecmodel.atomic import atomic_path\n"
        f"with atomic_path({str(tmp_path / 'out.bin')!r}) as t:\n"
        "    open(t, 'wb').write(b'x' * 1000)\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    assert [p for p in os.listdir(tmp_path) if TEMPORARY_MARK in p]
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    time.sleep(0.1)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ the CLI
def _cli(*argv):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    return subprocess.run(
        [sys.executable, "-m", "tecmodel", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "bio_recycling", "--set", "x=0.1=2"],
        pytest.param(
            ["run", "bio_recycling", "--set", "finance.discount_rate=nan"], marks=pytest.mark.slow
        ),
        ["run", "bio_recycling", "--json", "/dev/full"],
        pytest.param(
            ["run", "bio_recycling", "--json", "/nonexistent/dir/out.json"], marks=pytest.mark.slow
        ),
        ["run", "bio_recycling", "--plot", "x.nosuchext"],
        pytest.param(
            ["sweep", "bio_recycling", "costing.labor_rate", "1", "2"], marks=pytest.mark.slow
        ),
        pytest.param(
            ["montecarlo", "bio_recycling", "-n", "4", "--seed", "-1"], marks=pytest.mark.slow
        ),
        pytest.param(
            [
                "sobol",
                "bio_recycling",
                "-n",
                str(2**30),
                "--param",
                "finance.discount_rate=0.05:0.1",
            ],
            marks=pytest.mark.slow,
        ),
    ],
)
def test_cli_failures_are_one_line_exit_2(argv):
    done = _cli(*argv)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_version_and_json_to_stdout():
    import json

    import tecmodel

    assert _cli("--version").stdout.strip() == f"tecmodel {tecmodel.__version__}"
    done = _cli("run", "bio_recycling", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["plant"] == "bio_recycling"


# ------------------------------------------------------------------ property-based
_finite_bad = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, True, False, None, "x", "5 m", [1, "a"]]),
    st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=_finite_bad,
    path=st.sampled_from(
        [
            "finance.discount_rate",
            "finance.tax_rate",
            "finance.salvage_fraction",
            "costing.royalty_rate",
            "costing.location_factor",
            "feed.rate",
            "costing.labor_rate",
            "costing.prices.glucose",
        ]
    ),
)
def test_property_bad_values_only_tecmodel_error(bio, value, path):
    try:
        result = bio.replace(path, value)
    except TecModelError:
        return
    # accepted (e.g. a negative discount rate > -1): the result must be finite
    cost = result.evaluate().levelized_cost.magnitude
    assert np.all(np.isfinite(cost))


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(-0.5, 0.5), flows=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_property_npv_at_irr_is_zero(rate, flows):
    flows = [-1000.0, *[abs(f) + 1.0 for f in flows]]  # one sign change: one IRR
    r = finance.irr(flows)
    assert abs(finance.npv(r, flows)) <= 1e-6 * sum(abs(f) for f in flows)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(value=st.one_of(st.floats(), st.booleans(), st.text(max_size=8), st.none()))
def test_property_validator_slow(value):
    try:
        out = check_fraction(value, "x")
    except TecModelError:
        return
    assert 0.0 <= float(out) <= 1.0
