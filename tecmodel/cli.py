r"""The ``tecmodel`` console command.

    tecmodel scenarios                         list shipped reference plants
    tecmodel run cascade_refinery              summary of one plant (or a .toml file)
    tecmodel compare cascade_refinery high_waste_route
    tecmodel capacity high_waste_route 1000 5000 20000 --unit t/yr --plot out/cap.png
    tecmodel sweep high_waste_route costing.disposal_costs.radioactive 0 10000 \
        --points 11 --unit "USD/m**3"
    tecmodel tornado high_waste_route --param "costing.labor_rate=20:60 USD/h" ...
    tecmodel montecarlo high_waste_route -n 100000 --param ... --seed 1
    tecmodel breakeven high_waste_route costing.disposal_costs.radioactive \
        --target cascade_refinery --low 0 --high 20000 --unit "USD/m**3"
    tecmodel export cascade_refinery my_plant.toml
    tecmodel describe cascade_refinery          the flowsheet: stages and streams

Every command accepts ``--set PATH=VALUE`` to change a parameter first (``VALUE`` may
carry units: ``--set "costing.labor_rate=40 USD/h"``). Errors print one line naming
what to change and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import warnings

import numpy as np

__all__ = ["main"]


def _quantity(text: str):
    from .scenarios import _value

    value = _value(text.strip(), "command line")
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _load(name: str):
    from . import scenarios

    if name.endswith(".toml") or os.path.sep in name:
        return scenarios.read(name)
    return scenarios.load(name)


def _apply_sets(plant, sets):
    from .errors import InputError

    for item in sets or []:
        if "=" not in item:
            raise InputError(f"--set needs PATH=VALUE, got {item!r}")
        path, value = item.split("=", 1)
        if "=" in value:
            raise InputError(
                f"--set needs exactly one '=' (PATH=VALUE), got {item!r}; quote a value "
                "with units as one argument: --set 'costing.labor_rate=40 USD/h'"
            )
        plant = plant.replace(path.strip(), _quantity(value))
    return plant


def _plant(args):
    return _apply_sets(_load(args.plant), args.set)


def _number(text: str, option: str) -> float:
    from .errors import InputError

    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(f"{option} must be a number, got {text!r}") from None
    if not np.isfinite(value):
        raise InputError(f"{option} must be finite, got {text!r}")
    return value


def _values(low: str, high: str, points: int, unit: str | None, log: bool):
    from .errors import InputError
    from .units import Q_
    from .validation import check_size

    if unit is None:
        raise InputError(
            "sweep needs --unit for LOW and HIGH (e.g. --unit 'USD/m**3'; "
            "--unit '' for a plain number)"
        )
    if points < 2:
        raise InputError(f"--points must be >= 2, got {points}")
    check_size(points, f"sweep --points {points}")
    lo, hi = _number(low, "low"), _number(high, "high")
    if log and not (lo > 0 and hi > 0):
        raise InputError(f"--log needs low and high > 0, got {low} and {high}")
    grid = np.geomspace(lo, hi, points) if log else np.linspace(lo, hi, points)
    return Q_(grid, unit) if unit else grid


def _parse_param(text: str):
    """``path=low:high [unit]`` → (path, Uniform)."""
    from .distributions import Uniform
    from .errors import InputError

    if "=" not in text or ":" not in text:
        raise InputError(f"--param needs 'path=low:high [unit]', got {text!r}")
    path, spec = text.split("=", 1)
    spec = spec.strip()
    bounds, _, unit = spec.partition(" ")
    low, high = bounds.split(":", 1)
    low, high = _number(low, f"--param {path} low"), _number(high, f"--param {path} high")
    unit = unit.strip()
    if unit:
        return path.strip(), Uniform(_unit_quantity(low, unit), _unit_quantity(high, unit))
    return path.strip(), Uniform(low, high)


def _unit_quantity(value: float, unit: str):
    from .errors import UnitError
    from .units import Q_

    try:
        return Q_(value, unit)
    except Exception as exc:  # pint's UndefinedUnitError and parse errors
        raise UnitError(f"cannot read the unit {unit!r} ({exc})") from exc


# the same list as tecmodel.plotting.FIGURE_TYPES, kept here so that checking the
# arguments does not import matplotlib
_FIGURE_TYPES = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")


def _check_outputs(args) -> None:
    """Refuse bad output paths before any computation (one line, exit 2)."""
    from .atomic import resolve_target
    from .errors import InputError

    for option in ("json", "csv", "plot", "output"):
        path = getattr(args, option, None)
        if not path or path == "-":
            continue
        if option == "plot":
            extension = os.path.splitext(path)[1].lower().lstrip(".")
            if extension not in _FIGURE_TYPES:
                raise InputError(
                    f"--plot {path!r}: the file type is set by the extension; use one of "
                    f"{', '.join('.' + e for e in _FIGURE_TYPES)} (or '-' for PNG on "
                    "standard output)"
                )
        resolve_target(path)


def _note(text: str, args=None) -> None:
    """A progress note: to stderr when results go to standard output, else stdout."""
    to_stdout = args is not None and (
        any(getattr(args, o, None) == "-" for o in ("json", "csv", "plot", "output"))
        or getattr(args, "format", None)
    )
    print(text, file=sys.stderr if to_stdout else sys.stdout)


def _plot(path, draw):
    if not path:
        return
    from . import plotting

    ax = draw()
    plotting.save(ax, path)
    if path != "-":
        print(f"figure written to {path}", file=sys.stderr)


# --------------------------------------------------------------------------- commands
def cmd_scenarios(args):
    from . import scenarios

    for name in scenarios.names():
        plant = scenarios.load(name)
        print(f"{name:<20} {plant.description}")


def cmd_run(args):
    result = _plant(args).evaluate()
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(result.csv_text(args.table))
    elif "-" not in (args.json, args.csv, args.plot):
        print(result.summary())
    if args.json:
        result.to_json(args.json)
        if args.json != "-":
            print(f"results written to {args.json}", file=sys.stderr)
    if args.csv:
        result.to_csv(args.csv, args.table)
        if args.csv != "-":
            print(f"table {args.table!r} written to {args.csv}", file=sys.stderr)
    from . import plotting

    _plot(args.plot, lambda: plotting.plot_breakdown(result, by=args.by))


def cmd_compare(args):
    from .report import compare

    results = {name: _apply_sets(_load(name), args.set).evaluate() for name in args.plants}
    print(compare(results, by=args.by))
    from . import plotting

    _plot(args.plot, lambda: plotting.plot_breakdown(results, by=args.by))


def cmd_capacity(args):
    from . import plotting
    from .curves import cost_vs_capacity
    from .units import Q_

    capacities = Q_(np.asarray(args.capacities, dtype=float), args.unit)
    curve = cost_vs_capacity(_plant(args), capacities)
    _print_curve(curve)
    if args.csv:
        curve.to_csv(args.csv)
    _plot(args.plot, lambda: plotting.plot_curve(curve))


def cmd_sweep(args):
    from . import plotting
    from .curves import check_table_size, cost_vs_parameter

    plant = _plant(args)
    check_table_size(plant, args.points, f"sweep --points {args.points}")  # before linspace
    values = _values(args.low, args.high, args.points, args.unit, args.log)
    curve = cost_vs_parameter(plant, args.path, values, metric=args.metric)
    _print_curve(curve)
    if args.csv:
        curve.to_csv(args.csv)
    _plot(args.plot, lambda: plotting.plot_curve(curve))


def _print_curve(curve):
    xs = np.atleast_1d(getattr(curve.x, "magnitude", curve.x))
    ys = np.atleast_1d(getattr(curve.y, "magnitude", curve.y))
    x_unit = f" [{curve.x.units:~P}]" if hasattr(curve.x, "units") else ""
    y_unit = f" [{curve.y.units:~P}]" if hasattr(curve.y, "units") else ""
    print(f"{curve.title}")
    print(f"  {curve.x_label + x_unit:>40}  {curve.y_label + y_unit}")
    for x, y in zip(xs, ys, strict=True):
        print(f"  {x:>40.6g}  {y:.6g}")


def _study(args):
    from .errors import InputError
    from .sensitivity import Study

    if not args.param:
        raise InputError("give at least one --param 'path=low:high [unit]'")
    parameters = dict(_parse_param(p) for p in args.param)
    return Study(_plant(args), parameters, metric=args.metric)


def cmd_tornado(args):
    from . import plotting

    tornado = _study(args).tornado()
    print(tornado.table())
    _plot(args.plot, lambda: plotting.plot_tornado(tornado))


def cmd_montecarlo(args):
    from . import plotting

    result = _study(args).monte_carlo(
        args.n, seed=args.seed, chunk_size=args.chunk_size, progress=not args.quiet
    )
    print(result.summary())
    if args.csv:
        result.to_csv(args.csv)
    _plot(args.plot, lambda: plotting.plot_distribution(result))


def cmd_sobol(args):
    from . import plotting

    result = _study(args).sobol(args.n, seed=args.seed)
    print(result.table())
    _plot(args.plot, lambda: plotting.plot_sobol(result))


def cmd_breakeven(args):
    from . import scenarios
    from .sensitivity import breakeven

    plant = _plant(args)
    text = args.target.strip()
    if text in scenarios.names() or text.endswith(".toml") or os.path.sep in text:
        target = _apply_sets(_load(text), args.set)
    else:
        target = _quantity(text)
    low, high = _number(args.low, "--low"), _number(args.high, "--high")
    if args.unit:
        low, high = _unit_quantity(low, args.unit), _unit_quantity(high, args.unit)
    print(
        breakeven(
            plant,
            args.path,
            target,
            low,
            high,
            metric=args.metric,
            apply_to_target=args.apply_to_target,
        )
    )


def cmd_export(args):
    from . import scenarios

    scenarios.write(_plant(args), args.output)
    if args.output != "-":
        print(f"scenario written to {args.output}", file=sys.stderr)


def cmd_describe(args):
    print(_plant(args).describe())


def cmd_parameters(args):
    plant = _plant(args)
    for path in plant.parameters():
        value = plant.get(path)
        print(f"{path:<60} {value}")


# --------------------------------------------------------------------------- parser
def _integer(text: str, low: int, what: str) -> int:
    try:
        value = float(text)
        whole = int(value)
    except (TypeError, ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"{what}, got {text!r}") from None
    if value != whole or whole < low:
        raise argparse.ArgumentTypeError(f"{what}, got {text!r}")
    return whole


def _seed(text: str) -> int:
    return _integer(text, 0, "the seed must be a whole number >= 0")


def _count(text: str) -> int:
    return _integer(text, 1, "must be a whole number >= 1")


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tecmodel",
        description="Techno-economic models of rare-earth separation and refining plants.",
        epilog="Plants are shipped scenario names (see 'tecmodel scenarios') or paths to "
        "scenario .toml files.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"tecmodel {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of an internal error"
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    def add(name, help_text, function, plant=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if plant:
            p.add_argument("plant", help="scenario name or .toml file")
            p.add_argument(
                "--set",
                action="append",
                metavar="PATH=VALUE",
                help="change a parameter first, e.g. 'finance.discount_rate=0.08'",
            )
        p.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the full traceback of an internal error",
        )
        p.set_defaults(function=function)
        return p

    add("scenarios", "list the shipped reference plants", cmd_scenarios, plant=False)
    p = add("run", "evaluate one plant and print its summary", cmd_run)
    p.add_argument("--json", help="write all results as JSON ('-': standard output)")
    p.add_argument("--csv", help="write one table as CSV ('-': standard output)")
    p.add_argument(
        "--format",
        choices=["json", "csv"],
        help="print machine-readable results on standard output instead of the summary",
    )
    p.add_argument(
        "--table",
        default="breakdown",
        choices=["breakdown", "stages", "capital", "operating", "equipment", "products", "waste"],
    )
    p.add_argument("--by", default="category", choices=["category", "stage"])
    p.add_argument("--plot", help="write the cost-breakdown figure (PNG/PDF/SVG)")

    p = sub.add_parser("compare", help="routes side by side")
    p.add_argument("plants", nargs="+")
    p.add_argument("--set", action="append", metavar="PATH=VALUE")
    p.add_argument("--by", default="category", choices=["category", "stage"])
    p.add_argument("--plot", help="write the stacked-bar figure")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(function=cmd_compare)

    p = add("capacity", "levelized cost against REO product capacity", cmd_capacity)
    p.add_argument("capacities", nargs="+", type=float)
    p.add_argument("--unit", default="t/yr")
    p.add_argument("--csv")
    p.add_argument("--plot")

    p = add("sweep", "a metric against one parameter (one vectorized evaluation)", cmd_sweep)
    p.add_argument("path")
    p.add_argument("low")
    p.add_argument("high")
    p.add_argument("--points", type=_count, default=11)
    p.add_argument("--unit", help="unit of low and high")
    p.add_argument("--log", action="store_true", help="logarithmic spacing")
    p.add_argument("--metric", default="levelized_cost")
    p.add_argument("--csv")
    p.add_argument("--plot")

    for name, function, help_text in (
        ("tornado", cmd_tornado, "one-at-a-time sensitivity (one evaluation)"),
        ("montecarlo", cmd_montecarlo, "propagate uniform input ranges"),
        ("sobol", cmd_sobol, "variance-based (Sobol) sensitivity indices"),
    ):
        p = add(name, help_text, function)
        p.add_argument(
            "--param",
            action="append",
            metavar="'PATH=LOW:HIGH [UNIT]'",
            help="an uncertain input, uniform between LOW and HIGH",
        )
        p.add_argument("--metric", default="levelized_cost")
        p.add_argument("--plot")
        if name != "tornado":
            p.add_argument("-n", type=_count, default=10_000 if name == "montecarlo" else 1024)
            p.add_argument("--seed", type=_seed, default=None, help="an integer >= 0")
        if name == "montecarlo":
            p.add_argument("--chunk-size", type=_count, default=None)
            p.add_argument("--csv")
            p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = add(
        "breakeven",
        "parameter value where a metric meets a target or another plant",
        cmd_breakeven,
    )
    p.add_argument("path")
    p.add_argument(
        "--target", required=True, help="a value with units ('7 USD/kg') or another plant"
    )
    p.add_argument("--low", required=True)
    p.add_argument("--high", required=True)
    p.add_argument("--unit")
    p.add_argument("--metric", default="levelized_cost")
    p.add_argument(
        "--apply-to-target",
        action="store_true",
        help="with a plant as target, set PATH on it too (a policy for every route)",
    )

    p = add("export", "write a plant as a scenario file", cmd_export)
    p.add_argument("output")
    add("parameters", "list every dotted parameter path and its value", cmd_parameters)
    add("describe", "print the flowsheet: stages and streams", cmd_describe)
    _add_report_command(add)  # issue 14
    return parser


# --------------------------------------------------------------------------- report (issue 14)
def _add_report_command(add) -> None:
    p = add("report", "write the self-contained HTML report (figures, trace, sources)", cmd_report)
    p.add_argument("-o", "--output", default="report.html", help="HTML file ('-': stdout)")
    p.add_argument("--compare", metavar="PLANT", help="add why this other plant differs")
    p.add_argument("--product", help="product whose cost after by-product credits is traced")


def cmd_report(args) -> None:
    import tomllib

    from .atomic import write_atomic
    from .reporting.html import report, scenario_provenance

    plant = _plant(args)
    if args.plant.endswith(".toml") or os.path.sep in args.plant:
        with open(args.plant, "rb") as handle:
            provenance = dict(tomllib.load(handle).get("provenance", {}))
    else:
        provenance = scenario_provenance(plant)
    comparison = None
    if args.compare:
        from .comparison import compare

        comparison = compare(_apply_sets(_load(args.compare), args.set), plant)
    text = report(
        plant.evaluate(), provenance=provenance, product=args.product, comparison=comparison
    )
    if args.output == "-":
        sys.stdout.write(text)
        return
    write_atomic(args.output, text)
    print(f"report written to {args.output} (open it in a browser)")


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """A warning as one line of the command line's own voice (no source line)."""
    print(f"tecmodel: warning: {' '.join(str(message).split())}", file=file or sys.stderr)


def main(argv=None) -> int:
    """Run the command line; returns the exit status (0, or 2 for any error).

    Every failure prints one line on standard error. A bad input names what to change;
    an unexpected internal error says so and how to see its traceback (``--debug``).
    """

    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():  # the command's warning rules end with the command
        if os.environ.get("TECMODEL_SHOW_WARNINGS") is None:
            # Extrapolation warnings are summarized in the summary and reports; keep the
            # terminal readable. Others (credits stacked, wide Sobol intervals) show, as
            # one line each.
            from .costing import ExtrapolationWarning

            warnings.filterwarnings("ignore", category=ExtrapolationWarning)
            warnings.showwarning = _show_warning
        return _run(args)


def _run(args) -> int:
    """Run the parsed command; every failure becomes one line on standard error."""
    from .errors import TecModelError

    try:
        _check_outputs(args)
        args.function(args)
        sys.stdout.flush()
    except TecModelError as exc:
        if args.debug:  # where the check fired, for a developer
            traceback.print_exc()
        message = " ".join(str(exc).split())
        print(f"tecmodel: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        with _suppress():
            sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("tecmodel: interrupted", file=sys.stderr)
        return 2
    except OSError as exc:  # an I/O failure not wrapped below: still one line
        if args.debug:
            traceback.print_exc()
        print(
            f"tecmodel: error: {exc.strerror or exc} ({exc.filename or 'output'})", file=sys.stderr
        )
        return 2
    except MemoryError:
        print("tecmodel: error: out of memory; use fewer samples or --chunk-size", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        first = " ".join(str(exc).split())[:200]
        print(
            f"tecmodel: internal error ({type(exc).__name__}: {first}); this is a bug in "
            "tecmodel, not in your input; run again with --debug for the traceback",
            file=sys.stderr,
        )
        return 2
    return 0


def _suppress():
    import contextlib

    return contextlib.suppress(Exception)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
