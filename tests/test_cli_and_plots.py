"""The console command and the figures: they run, write files atomically, fail kindly."""

import matplotlib
import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.cli import main

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_help_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "breakeven" in capsys.readouterr().out


def test_run_with_set_and_exports(tmp_path, capsys):
    code = main(
        [
            "run",
            "bio_recycling",
            "--set",
            "finance.discount_rate=0.08",
            "--json",
            str(tmp_path / "r.json"),
            "--csv",
            str(tmp_path / "b.csv"),
            "--plot",
            str(tmp_path / "b.png"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "levelized cost" in out
    for name in ("r.json", "b.csv", "b.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_errors_are_one_line_with_status_2(capsys):
    assert main(["run", "no_such_plant"]) == 2
    assert "available" in capsys.readouterr().err
    assert main(["run", "bio_recycling", "--set", "finance.discount_rat=0.1"]) == 2
    assert "discount_rate" in capsys.readouterr().err


def test_sweep_and_tornado_commands(capsys):
    assert (
        main(
            [
                "sweep",
                "bio_recycling",
                "costing.prices.glucose",
                "0.2",
                "0.8",
                "--points",
                "3",
                "--unit",
                "USD/kg",
            ]
        )
        == 0
    )
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()[:1].isdigit()]
    costs = [float(ln.split()[-1]) for ln in lines]
    assert len(costs) == 3 and costs[0] < costs[1] < costs[2]
    assert (
        main(["tornado", "bio_recycling", "--param", "costing.prices.glucose=0.2:0.8 USD/kg"]) == 0
    )
    assert "glucose" in capsys.readouterr().out


def test_plot_functions_return_axes(tmp_path):
    from tecmodel import plotting, scenarios
    from tecmodel.curves import cost_vs_parameter
    from tecmodel.distributions import Uniform
    from tecmodel.sensitivity import Study

    plant = scenarios.load("bio_recycling")
    result = plant.evaluate()
    study = Study(plant, {"costing.prices.glucose": Uniform(Q_(0.2, "USD/kg"), Q_(0.8, "USD/kg"))})
    curve = cost_vs_parameter(plant, "finance.discount_rate", np.array([0.05, 0.1]))
    axes = [
        plotting.plot_breakdown({"bio": result}),
        plotting.plot_breakdown(result, by="stage"),
        plotting.plot_tornado(study.tornado()),
        plotting.plot_curve(curve),
        plotting.plot_distribution(study.monte_carlo(200, seed=1)),
        plotting.plot_cash_flow(result.cash_flow()),
    ]
    for i, ax in enumerate(axes):
        assert ax.get_xlabel() or ax.get_ylabel()
        plotting.save(ax, tmp_path / f"f{i}.png")
    assert len(list(tmp_path.glob("*.png"))) == len(axes)
    assert not list(tmp_path.glob(".tmp-*"))
