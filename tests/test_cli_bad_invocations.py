"""Bad command lines: one line on standard error and exit status 2, never a traceback.

Run in-process through ``tecmodel.cli.main`` (argument errors exit through argparse with
status 2); ``python -m tecmodel`` is checked once in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tecmodel import OutputError, plotting
from tecmodel.cli import _FIGURE_TYPES, main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # the first 8 bytes of every PNG file (PNG spec 5.2)


def _status(argv) -> int:
    try:
        return main(argv)
    except SystemExit as stop:  # argparse refuses the arguments themselves
        return stop.code


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "bio_recycling", "--set", "finance.plant_life=1e6"],
        ["run", "bio_recycling", "--set", "finance.plant_life=1e9"],
        ["run", "bio_recycling", "--plot", "noext"],
        ["run", "bio_recycling", "--json", "/dev/stdout"],
        ["run", "bio_recycling", "--json", "/proc/self/fd/1"],
        ["run", "bio_recycling", "--format", "xml"],
        ["sweep", "bio_recycling", "costing.labor_rate", "1", "2"],
        [
            "sweep",
            "bio_recycling",
            "costing.labor_rate",
            "1",
            "2",
            "--unit",
            "USD/h",
            "--points",
            "2.5",
        ],
        [
            "sweep",
            "bio_recycling",
            "costing.labor_rate",
            "1",
            "2",
            "--unit",
            "USD/h",
            "--points",
            "100000000",
        ],
        [
            "montecarlo",
            "bio_recycling",
            "-n",
            "4",
            "--seed",
            "-1",
            "--param",
            "finance.discount_rate=0.05:0.1",
        ],
        [
            "montecarlo",
            "bio_recycling",
            "-n",
            "4",
            "--chunk-size",
            "0",
            "--param",
            "finance.discount_rate=0.05:0.1",
        ],
        ["sobol", "bio_recycling", "-n", str(2**30), "--param", "finance.discount_rate=0.05:0.1"],
        ["nosuchcommand"],
        [],
    ],
)
def test_bad_invocation_is_one_line_and_status_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _status(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert os.listdir(tmp_path) == []  # nothing written, no temporary left


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_directory_as_output_is_refused(kind, capsys, tmp_path):
    assert _status(["run", "bio_recycling", f"--{kind}", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err


def test_non_utf8_scenario_file(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'name = "x"\n\xff\xfe\n')
    assert _status(["run", str(path)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_debug_shows_the_traceback(capsys):
    assert _status(["--debug", "run", "bio_recycling", "--set", "finance.plant_life=1e9"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("tecmodel: error:")


def test_plot_dash_writes_png_to_standard_output(capsysbinary):
    assert _status(["run", "bio_recycling", "--plot", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(PNG_SIGNATURE)


def test_figure_types_agree_and_save_refuses_unknown_suffix(tmp_path):
    assert _FIGURE_TYPES == plotting.FIGURE_TYPES
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure()
    try:
        for name in ("noext", "x.nosuchext"):
            with pytest.raises(OutputError, match="extension"):
                plotting.save(figure, tmp_path / name)
    finally:
        plt.close(figure)
    assert os.listdir(tmp_path) == []


def test_python_dash_m_tecmodel_version():
    import tecmodel

    env = dict(os.environ, PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-m", "tecmodel", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"tecmodel {tecmodel.__version__}"


def test_warnings_are_one_line_and_extrapolations_are_left_to_the_summary(capsys, monkeypatch):
    """The command line prints a warning as one line in its own voice; the equipment
    extrapolations, which the summary lists, are not repeated as warnings."""
    import warnings

    from tecmodel.cli import main

    monkeypatch.delenv("TECMODEL_SHOW_WARNINGS", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code = main(
            [
                "run",
                "high_waste_route",
                "--set",
                "finance.production_credit_rate=0.1",
                "--set",
                "finance.investment_credit_rate=0.3",
            ]
        )
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("tecmodel: warning: ") and "45X(c)(1)(B)" in line for line in err)
    assert not any("ExtrapolationWarning" in line or "extrapolated" in line for line in err)
