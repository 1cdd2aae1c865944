"""Replay the kinds of bad calls of issue 16 against the public API and the CLI.

Each case is a call that should either raise a ``TecModelError`` or return finite,
correct numbers. The script prints one line per case that misbehaves and then three
counts:

- ``other-exception``: a plain Python, numpy or pint exception escaped (a bug);
- ``silent-bad``: the call returned, but the result is NaN/inf, or a value that should
  have been refused was accepted (the case says which);
- ``ok``: a ``TecModelError`` (or, for the CLI, one line on stderr and exit 2).

``silent-bad`` is split in the summary by kind: ``nan`` (a NaN/inf result),
``accepted`` (a value that should have been refused gave a finite result). A third
class, ``late``, counts stage values refused only when the plant is evaluated instead of
when the value is set (still a ``TecModelError``, but not at the door).

Run: ``PYTHONPATH=$PWD python scripts/fuzz_bad_input.py [--cli] [--stages]``
(``--cli`` also runs the command-line cases, about a minute; ``--stages`` sets every
numeric stage field of every shipped plant to each bad value, about a minute more).
"""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

warnings.simplefilter("ignore")

# a memory bomb must fail (MemoryError, counted as other-exception), not hang the machine
try:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
    pass

from tecmodel import Q_, TecModelError, finance, scenarios  # noqa: E402
from tecmodel.distributions import LogUniform, Normal, Triangular, Uniform  # noqa: E402
from tecmodel.separation import fenske_stages, kremser_stages  # noqa: E402

BAD_NUMBERS = [
    float("nan"),
    float("inf"),
    -float("inf"),
    True,
    "abc",
    [1, "x"],
    Q_(2, "m"),
    -1.0,
    1e300,  # may be accepted if the result stays finite (a huge location factor)
]


def _finite(value) -> bool:
    magnitude = getattr(value, "magnitude", value)
    try:
        return bool(np.all(np.isfinite(np.asarray(magnitude, dtype=float))))
    except (TypeError, ValueError):
        return True  # not numeric: nothing to check


def api_cases():
    """(label, thunk) pairs. A thunk returns a value to check for finiteness."""
    plant = scenarios.load("bio_recycling")
    cases = [
        ("npv('abc', [1, 2])", lambda: finance.npv("abc", [1, 2])),
        ("npv(0.1, 'abc')", lambda: finance.npv(0.1, "abc")),
        ("npv(nan, [1, 2])", lambda: finance.npv(float("nan"), [1, 2])),
        ("npv(0.1, [1, nan])", lambda: finance.npv(0.1, [1, float("nan")])),
        ("npv(True, [1, 2])", lambda: finance.npv(True, [1, 2])),
        ("npv(Q_(2, 'm'), [1, 2])", lambda: finance.npv(Q_(2, "m"), [1, 2])),
        ("npv(0.1, [])", lambda: finance.npv(0.1, [])),
        ("irr([])", lambda: finance.irr([])),
        ("irr('abc')", lambda: finance.irr("abc")),
        ("irr([[1, 2], [3]])", lambda: finance.irr([[1, 2], [3]])),
        ("macrs(7.5)", lambda: finance.macrs(7.5)),
        ("macrs(True)", lambda: finance.macrs(True)),
        ("straight_line(0)", lambda: finance.straight_line(0)),
        ("capital_recovery_factor(nan, 10)", lambda: finance.capital_recovery_factor(np.nan, 10)),
        ("capital_recovery_factor(0.1, 'x')", lambda: finance.capital_recovery_factor(0.1, "x")),
        ("payback([])", lambda: finance.payback([])),
        (
            "levelized_cost(nan capital)",
            lambda: finance.levelized_cost(np.nan, 1.0, 1.0, discount_rate=0.1, plant_life=5),
        ),
        (
            "levelized_cost(discount_rate=10)",
            lambda: finance.levelized_cost(1.0, 1.0, 1.0, discount_rate=10, plant_life=5),
        ),
        (
            "levelized_cost(plant_life=1e9)",
            lambda: finance.levelized_cost(1.0, 1.0, 1.0, discount_rate=0.1, plant_life=1e9),
        ),
        ("fenske_stages(Q_(2, 'm'), ...)", lambda: fenske_stages(Q_(2, "m"), 0.99, 0.99)),
        ("fenske_stages(2, True, 0.99)", lambda: fenske_stages(2.0, True, 0.99)),
        ("fenske_stages(2, Q_(99.9 %), 0.99) ok", None),
        ("fenske_stages('x', 0.9, 0.9)", lambda: fenske_stages("x", 0.9, 0.9)),
        ("kremser_stages(nan, 0.01)", lambda: kremser_stages(np.nan, 0.01)),
        ("Uniform(Q_(1, 'USD/t'), Q_(2, 'm'))", lambda: Uniform(Q_(1, "USD/t"), Q_(2, "m"))),
        ("Uniform(nan, 1)", lambda: Uniform(np.nan, 1.0)),
        ("Uniform('a', 'b')", lambda: Uniform("a", "b")),
        ("Normal(0, inf)", lambda: Normal(0.0, np.inf)),
        ("Triangular(0, Q_(1,'m'), 2)", lambda: Triangular(0.0, Q_(1, "m"), 2.0)),
        ("LogUniform(0, 1)", lambda: LogUniform(0.0, 1.0)),
    ]

    def percent_ok():
        value = fenske_stages(2.0, Q_(99.9, "percent"), 0.99)
        expected = (math.log(0.999 / 0.001) + math.log(0.99 / 0.01)) / math.log(2.0)
        if abs(float(value) - expected) > 1e-9:
            raise AssertionError(f"percent misread: {value} != {expected}")
        return value

    cases = [(label, percent_ok if thunk is None else thunk) for label, thunk in cases]
    paths = [
        "finance.discount_rate",
        "finance.plant_life",
        "finance.construction_years",
        "finance.tax_rate",
        "finance.salvage_fraction",
        "finance.inflation",
        "costing.labor_rate",
        "costing.location_factor",
        "costing.royalty_rate",
        "costing.disposal_costs.non_hazardous",
        "costing.prices.glucose",
        "feed.rate",
    ]
    for path in paths:
        for bad in BAD_NUMBERS:
            cases.append(
                (
                    f"replace({path!r}, {bad!r})",
                    lambda path=path, bad=bad: plant.replace(path, bad).evaluate().levelized_cost,
                )
            )
    for path in ("finance.discount_rate", "finance.tax_rate", "costing.royalty_rate"):
        cases.append(
            (
                f"replace({path!r}, 10) percent typed as number",
                lambda path=path: plant.replace(path, 10).evaluate().levelized_cost,
            )
        )
    for path in plant.parameters():
        if path.startswith("stages."):
            for bad in (float("nan"), True, "abc", -1.0):
                cases.append(
                    (
                        f"replace({path!r}, {bad!r})",
                        lambda path=path, bad=bad: (
                            plant.replace(path, bad).evaluate().levelized_cost
                        ),
                    )
                )
    for name in ("glucose", "electricity"):
        cases.append(
            (
                f"negative price {name}",
                lambda name=name: (
                    plant.replace(f"costing.prices.{name}", Q_(-1, "USD/kg"))
                    .evaluate()
                    .levelized_cost
                ),
            )
        )
    array_plant = plant.replace("finance.discount_rate", np.array([0.06, 0.08, 0.1]))
    cases += [
        ("breakdown() with array finance ok", lambda: array_plant.evaluate().breakdown()),
        ("summary() with array finance ok", lambda: array_plant.evaluate().summary()),
        (
            "to_json() with array finance ok",
            lambda: (
                array_plant.evaluate().to_json(os.path.join(tempfile.mkdtemp(), "a.json")) or 0.0
            ),
        ),
    ]
    from tecmodel import Study
    from tecmodel.sensitivity import breakeven

    cases += [
        (
            "breakeven(rounds=0)",
            lambda: breakeven(
                plant,
                "costing.labor_rate",
                Q_(50, "USD/kg"),
                Q_(1, "USD/h"),
                Q_(99, "USD/h"),
                rounds=0,
            ),
        ),
        (
            "breakeven(points=1)",
            lambda: breakeven(
                plant,
                "costing.labor_rate",
                Q_(50, "USD/kg"),
                Q_(1, "USD/h"),
                Q_(99, "USD/h"),
                points=1,
            ),
        ),
        (
            "breakeven(low in other unit)",
            lambda: breakeven(plant, "costing.labor_rate", Q_(50, "USD/kg"), 1.0, Q_(99, "USD/h")),
        ),
        (
            "breakeven target 0 USD for a cost",
            lambda: breakeven(
                plant, "costing.labor_rate", Q_(0, "USD"), Q_(1, "USD/h"), Q_(99, "USD/h")
            ),
        ),
        (
            "Study.sobol(2**30) memory",
            lambda: Study(plant, {"finance.discount_rate": Uniform(0.05, 0.1)}).sobol(2**30),
        ),
        (
            "Study.monte_carlo(-1)",
            lambda: Study(plant, {"finance.discount_rate": Uniform(0.05, 0.1)}).monte_carlo(-1),
        ),
        (
            "Study.monte_carlo(seed=-1)",
            lambda: Study(plant, {"finance.discount_rate": Uniform(0.05, 0.1)}).monte_carlo(
                4, seed=-1
            ),
        ),
        (
            "Study metric nosuch",
            lambda: Study(
                plant, {"finance.discount_rate": Uniform(0.05, 0.1)}, metric="nosuch"
            ).tornado(),
        ),
    ]
    from tecmodel import units
    from tecmodel.separation import design_reuse

    study = Study(plant, {"finance.discount_rate": Uniform(0.05, 0.1)})
    monazite = scenarios.load("monazite_caustic")
    sx = next(p for p in monazite.parameters() if p.endswith(".saponification_stages"))
    impurities = sx.replace("saponification_stages", "impurities_to_extract")
    cases += [
        (f"replace({sx!r}, 2.5)", lambda: monazite.replace(sx, 2.5).evaluate().levelized_cost),
        (f"replace({sx!r}, 'x')", lambda: monazite.replace(sx, "x").evaluate().levelized_cost),
        (
            f"replace({impurities!r}, 5.0)",
            lambda: monazite.replace(impurities, 5.0).evaluate().levelized_cost,
        ),
        ("monte_carlo(executor='x')", lambda: study.monte_carlo(4, executor="x")),
        ("monte_carlo(chunk_size=2.5)", lambda: study.monte_carlo(4, chunk_size=2.5)),
        ("sobol(bootstrap=-1)", lambda: study.sobol(8, bootstrap=-1)),
        ("sobol(max_width=-1)", lambda: study.sobol(8, max_width=-1)),
        ("price_index(2020.7)", lambda: units.price_index("us_industrial_chemicals", 2020.7)),
        ("price_index('abc')", lambda: units.price_index("us_industrial_chemicals", "abc")),
        ("cepci(2020.7)", lambda: units.cepci(2020.7)),
        ("cepci('abc')", lambda: units.cepci("abc")),
        ("design_cascade('x', ...)", lambda: design_reuse.design_cascade("x", 0.5, 0.99, 0.99)),
        (
            "simulate_multicomponent(scalars)",
            lambda: design_reuse.simulate_multicomponent(2.0, 0.5, 10, 10, 1.7, 1.2),
        ),
        (
            "replace('finance.plant_life', 1e6)",
            lambda: plant.replace("finance.plant_life", 1e6).evaluate().levelized_cost,
        ),
    ]
    return cases


STAGE_BAD = [float("nan"), True, "abc", -1.0, Q_(2, "m"), None]


def stage_cases():
    """(label, thunk) for every numeric stage field of every shipped plant and bad value.

    A thunk returns ("door", None) when ``replace`` refused the value, else evaluates
    and returns ("late", None) on a TecModelError there, or ("value", cost).
    """
    cases = []
    for name in scenarios.names():
        plant = scenarios.load(name)
        for path in plant.parameters():
            if not path.startswith("stages."):
                continue
            current = plant.get(path)
            if isinstance(current, bool) or not isinstance(current, int | float | Q_):
                continue
            dimensional = isinstance(current, Q_) and not current.dimensionless
            stage_name, field_name = path.split(".")[1:3]
            none_allowed = any(
                item.name == field_name and item.default is None
                for item in dataclasses.fields(plant.stages[stage_name])
            )
            for bad in STAGE_BAD:
                if bad is None and none_allowed:
                    continue  # None is this field's documented default
                if (
                    dimensional
                    and isinstance(bad, Q_)
                    and bad.dimensionality == current.dimensionality
                ):
                    continue  # a valid value, not a bad one

                def thunk(plant=plant, path=path, bad=bad):
                    try:
                        changed = plant.replace(path, bad)
                    except TecModelError:
                        return "door", None
                    try:
                        return "value", changed.evaluate().levelized_cost
                    except TecModelError:
                        return "late", None

                cases.append((f"{name}: replace({path!r}, {bad!r})", thunk))
    return cases


def percent_probe():
    """Where ``51`` (a percent typed as a plain number) is refused, per dimensionless field.

    Counts ``door`` (refused by ``replace``), ``late`` (refused only at evaluation) and
    ``accepted`` (a finite result: right for excess factors, stage or operator counts,
    which may be 51). Informational: which fields are fractions is not decided here.
    """
    where = {"door": 0, "late": 0, "accepted": 0}
    for name in scenarios.names():
        plant = scenarios.load(name)
        for path in plant.parameters():
            if not path.startswith("stages."):
                continue
            current = plant.get(path)
            if isinstance(current, bool) or not isinstance(current, int | float | Q_):
                continue
            if isinstance(current, Q_) and not current.dimensionless:
                continue
            try:
                changed = plant.replace(path, 51)
            except TecModelError:
                where["door"] += 1
                continue
            try:
                changed.evaluate()
            except TecModelError:
                where["late"] += 1
                print(f"late             {name}: replace({path!r}, 51)")
            else:
                where["accepted"] += 1
    return where


# a scenario file that must be refused, and what each one gets wrong
_GOOD = scenarios.to_toml(scenarios.load("bio_recycling"))
BROKEN_FILES = {
    "misspelt price key": _GOOD + '\n[costing.prices]\ncaustic_soda = "350 USD/t"\n',
    "recycle = 'no'": _GOOD.replace('to = "', 'recycle = "no"\nto = "', 1),
    "stages is a list": _GOOD.replace("[stages.", "[notstages.") + "\nstages = [1, 2]\n",
    "feed = 5": "name = 'x'\nfeed = 5\n[stages.a]\ntype='GenericStage'\n",
    "non-UTF-8": None,
    "deep nesting": "name = 'x'\nfeed = " + "[" * 2000 + "]" * 2000 + "\n",
    "wrong unit in finance": _GOOD + '\n[finance]\ndiscount_rate = "5 m"\n',
    "nan in finance": _GOOD + "\n[finance]\ndiscount_rate = nan\n",
    "stage param wrong unit": _GOOD.replace("type = ", 'nosuchparam = "1 m"\ntype = ', 1),
}


def scenario_cases(folder):
    cases = []
    for label, text in BROKEN_FILES.items():
        path = os.path.join(folder, label.replace(" ", "_").replace("'", "") + ".toml")
        if text is None:
            with open(path, "wb") as handle:
                handle.write(_GOOD.encode("utf-8") + b"\n# \xff\xfe\n")
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        cases.append((f"read({label})", lambda path=path: scenarios.read(path), "refuse"))
    return cases


def cli_cases(folder):
    nonutf = os.path.join(folder, "non-UTF-8.toml")
    ro = os.path.join(folder, "ro")
    os.makedirs(ro, exist_ok=True)
    os.chmod(ro, 0o555)
    fifo = os.path.join(folder, "fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    p = "bio_recycling"
    cases = [
        ["run", p, "--set", "finance.discount_rate=nan"],
        ["run", p, "--set", "x=0.1=2"],
        ["run", p, "--set", "finance.discount_rate=0.1=2"],
        ["run", p, "--json", folder],
        ["run", p, "--json", os.path.join(ro, "out.json")],
        ["run", p, "--json", fifo],  # a device-like target (not /dev/full: old code replaced it)
        ["run", p, "--json", "/nonexistent/dir/out.json"],
        ["run", p, "--plot", os.path.join(folder, "x.nosuchext")],
        ["run", p, "--plot", os.path.join(folder, "noext")],
        ["sweep", p, "costing.labor_rate", "1", "2"],
        ["sweep", p, "costing.labor_rate", "1", "2", "--unit", "USD/h", "--points", "100000000"],
        [
            "breakeven",
            p,
            "costing.labor_rate",
            "--target",
            "0 USD",
            "--low",
            "1",
            "--high",
            "99",
            "--unit",
            "USD/h",
        ],
        ["montecarlo", p, "-n", "4", "--seed", "-1", "--param", "finance.discount_rate=0.05:0.1"],
        ["sobol", p, "-n", str(2**30), "--param", "finance.discount_rate=0.05:0.1"],
        ["run", nonutf],
        ["run", os.path.join(folder, "missing.toml")],
        ["run", p, "--set", "finance.plant_life=1e9"],
        ["run", p, "--set", "costing.prices.glucose=-1 USD/kg"],
        ["tornado", p, "--param", "finance.discount_rate=0.1:0.05"],
        ["tornado", p, "--param", "finance.discount_rate=a:b"],
        ["run", p, "--json", "/dev/stdout"],
        ["run", p, "--set", "finance.plant_life=1e6"],
        ["sweep", p, "costing.labor_rate", "1", "2", "--unit", "USD/h", "--points", "2.5"],
        ["montecarlo", p, "-n", "4", "--chunk-size", "0", "--param", "x=0.05:0.1"],
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root writes a read-only folder
        cases = [argv for argv in cases if ro not in " ".join(argv)]
    return cases


def main() -> int:
    counts = {"other-exception": 0, "silent-bad": 0, "ok": 0}
    kinds = {"nan": 0, "accepted": 0, "late": 0}
    for label, thunk in api_cases():
        try:
            value = thunk()
        except TecModelError:
            counts["ok"] += 1
            continue
        except Exception as exc:
            counts["other-exception"] += 1
            print(f"other-exception  {label}: {type(exc).__name__}: {str(exc)[:100]}")
            continue
        if (label.endswith(" ok") or "1e+300" in label) and _finite(value):
            counts["ok"] += 1
        else:
            counts["silent-bad"] += 1
            kinds["accepted" if _finite(value) else "nan"] += 1
            print(f"silent-bad       {label}: returned {str(value)[:80]!r}")
    if "--stages" in sys.argv:
        for label, thunk in stage_cases():
            try:
                where, value = thunk()
            except Exception as exc:
                counts["other-exception"] += 1
                print(f"other-exception  {label}: {type(exc).__name__}: {str(exc)[:100]}")
                continue
            if where == "door":
                counts["ok"] += 1
            elif where == "late":
                counts["ok"] += 1
                kinds["late"] += 1
            else:
                counts["silent-bad"] += 1
                kinds["accepted" if _finite(value) else "nan"] += 1
                print(f"silent-bad       {label}: returned {str(value)[:80]!r}")
        probe = percent_probe()
        print(
            "51 for every dimensionless stage field: refused at replace "
            f"{probe['door']}, refused only at evaluation {probe['late']}, "
            f"accepted {probe['accepted']}"
        )
    with tempfile.TemporaryDirectory() as folder:
        for label, thunk, _ in scenario_cases(folder):
            try:
                thunk()
            except TecModelError:
                counts["ok"] += 1
            except Exception as exc:
                counts["other-exception"] += 1
                print(f"other-exception  {label}: {type(exc).__name__}: {str(exc)[:100]}")
            else:
                counts["silent-bad"] += 1
                print(f"silent-bad       {label}: accepted")
        if "--cli" in sys.argv:
            scenario_cases(folder)  # writes the non-UTF-8 file
            env = dict(os.environ)
            for argv in cli_cases(folder):
                done = subprocess.run(
                    [sys.executable, "-m", "tecmodel.cli", *argv],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=300,
                )
                one_line = len(done.stderr.strip().splitlines()) == 1
                label = "tecmodel " + " ".join(argv)
                if "Traceback" in done.stderr:
                    counts["other-exception"] += 1
                    last = done.stderr.strip().splitlines()[-1]
                    print(f"other-exception  {label}: {last[:100]}")
                elif done.returncode != 2 or not one_line:
                    counts["silent-bad"] += 1
                    print(f"silent-bad       {label}: exit {done.returncode}")
                else:
                    counts["ok"] += 1
            os.chmod(os.path.join(folder, "ro"), 0o755)
    total = sum(counts.values())
    print(
        f"\n{total} cases: other-exception {counts['other-exception']}, "
        f"silent-bad {counts['silent-bad']} (nan {kinds['nan']}, accepted "
        f"{kinds['accepted']}), ok {counts['ok']} (of which refused only at evaluation: "
        f"{kinds['late']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
