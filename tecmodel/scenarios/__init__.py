"""Scenario files: plants written as TOML, shipped reference plants, and the reader/writer.

A scenario file names its stages by type and sets their parameters; a string that
starts like a number (``"20000 t/yr"``, ``"56 USD_2024/kg"``) is read as a Quantity.
Every value a shipped scenario sets carries its source, or the word "assumption", in its
``[provenance]`` table, keyed by the value's dotted path::

    name = "my_plant"
    description = "..."

    [feed]
    rate = "20000 t/yr"
    to = "leach.feed"
    composition = { La = 0.325, Ce = 0.498, Pr = 0.043, Nd = 0.122, Sm = 0.012 }

    [stages.leach]
    type = "AcidLeaching"
    recovery = 0.95

    [[connections]]
    from = "leach.liquor"
    to = "sx.feed"
    # recycle = true      # on a connection that closes a loop (solved by iteration)

    [products.NdPr_oxide]
    source = "sx.extract"
    price = "56 USD_2024/kg"
    graded_components = ["Pr", "Nd"]
    grade = 0.99

    [costing]
    location_factor = 1.0

    [finance]
    discount_rate = 0.10

    [provenance]
    "feed.rate" = "assumption: ..."

>>> from tecmodel import scenarios
>>> "cascade_refinery" in scenarios.names()
True
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import os
import re
import tomllib
from collections.abc import Mapping
from importlib import resources

import numpy as np
from pint.errors import OffsetUnitCalculusError

from ..errors import ScenarioError, TecModelError

__all__ = ["from_dict", "load", "names", "provenance", "read", "stage_types", "to_toml", "write"]

_NUMBER_START = re.compile(r"^\s*[-+]?(\d|\.\d)")


def names() -> list[str]:
    """Names of the shipped reference scenarios."""
    folder = resources.files(__name__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load(name: str):
    """The shipped reference :class:`~tecmodel.plant.Plant` called ``name``."""
    if name not in names():
        raise ScenarioError(f"no shipped scenario named {name!r}; available: {', '.join(names())}")
    text = (resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8")
    return _from_text(text, f"scenario {name!r}")


def read(path):
    """Read a scenario file into a :class:`~tecmodel.plant.Plant`."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {path!r}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"scenario file {path!r} is not UTF-8 text (byte {exc.start}: "
            f"{exc.object[exc.start : exc.start + 1]!r}); save it as UTF-8"
        ) from exc
    return _from_text(text, f"scenario file {path!r}")


def provenance(name: str) -> dict[str, str]:
    """The ``[provenance]`` table of a shipped scenario: dotted path -> source text."""
    if name not in names():
        raise ScenarioError(f"no shipped scenario named {name!r}; available: {', '.join(names())}")
    text = (resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text).get("provenance", {}))


def raw(name: str) -> dict:
    """The parsed TOML of a shipped scenario (plain dicts, strings unparsed)."""
    text = (resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _from_text(text: str, where: str):
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where} is not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ScenarioError(f"{where} nests arrays or tables too deeply to read") from exc
    return from_dict(data, where)


def _table(value, key: str, where: str) -> Mapping:
    """A TOML table (``[key]`` or ``key = { ... }``), else a ScenarioError."""
    if not isinstance(value, Mapping):
        raise ScenarioError(
            f"{where}: '{key}' must be a table ([{key}] or {key} = {{ ... }}), got "
            f"{type(value).__name__} {str(value)[:60]}"
        )
    return value


def _check_port(reference: str, stages: Mapping, side: str, what: str, where: str) -> None:
    """``reference`` must be ``stage.port`` with a stage of this file and one of its ports
    (``side``: ``"inlet_ports"`` or ``"outlet_ports"``)."""
    stage_name, _, port = reference.partition(".")
    if stage_name not in stages or not port:
        raise ScenarioError(
            f"{where}: {what} = {reference!r} must name 'stage.port' with one of the "
            f"stages {', '.join(sorted(stages))}"
        )
    ports = getattr(stages[stage_name], side, None)
    if ports is not None and port not in ports:
        kind = "inlet" if side == "inlet_ports" else "outlet"
        raise ScenarioError(
            f"{where}: {what} = {reference!r}: stage {stage_name!r} has no {kind} port "
            f"{port!r}; its {kind} ports are {', '.join(ports)}"
        )


def _check_names(table: Mapping, valid, key: str, where: str) -> None:
    unknown = sorted(set(table) - set(valid))
    if unknown:
        raise ScenarioError(
            f"{where}: unknown name(s) {', '.join(unknown)} in [{key}]; valid names: "
            f"{', '.join(sorted(valid))}"
        )


# --------------------------------------------------------------------------- reading
def stage_types() -> dict[str, type]:
    """Stage classes a scenario may name in ``type``, by class name."""
    from .. import stages as stage_package

    found = {}
    for module_info in _stage_modules(stage_package):
        for name, obj in inspect.getmembers(module_info, inspect.isclass):
            if (
                dataclasses.is_dataclass(obj)
                and hasattr(obj, "run")
                and hasattr(obj, "inlet_ports")
                and not name.startswith("_")
            ):
                found[name] = obj
    return found


def _stage_modules(package):
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "base":
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def _value(value, where: str):
    from ..units import Q_

    if isinstance(value, str) and _NUMBER_START.match(value):
        try:
            return Q_(value)
        except OffsetUnitCalculusError:  # "400.0 °C": a number and an offset unit
            number, _, unit = value.strip().partition(" ")
            try:
                return Q_(float(number), unit)
            except Exception as exc:
                message = f"{where}: cannot read {value!r} as a quantity ({exc})"
                raise ScenarioError(message) from exc
        except Exception as exc:
            raise ScenarioError(f"{where}: cannot read {value!r} as a quantity ({exc})") from exc
    if isinstance(value, list):
        return tuple(_value(v, where) for v in value)
    if isinstance(value, dict):
        return {k: _value(v, f"{where}.{k}") for k, v in value.items()}
    return value


def _build(cls, fields: dict, where: str):
    valid = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = set(fields) - valid
    if unknown:
        raise ScenarioError(
            f"{where}: unknown parameter(s) {', '.join(sorted(unknown))} for {cls.__name__}; "
            f"valid: {', '.join(sorted(valid))}"
        )
    values = {k: _value(v, f"{where}.{k}") for k, v in fields.items()}
    try:
        return cls(**values)
    except ScenarioError:
        raise
    except TecModelError as exc:
        # a dataclass's own check may already name its section ("finance: ..."): once
        message = str(exc)
        section = where.rsplit(": ", 1)[-1]
        if message.startswith(f"{section}: "):
            message = message[len(section) + 2 :]
        raise ScenarioError(f"{where}: {message}") from exc
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # a value of the wrong TOML type reached a constructor
        raise ScenarioError(
            f"{where}: a value has the wrong type for {cls.__name__} ({exc}); "
            "see the parameter's docstring for what it takes"
        ) from exc


def from_dict(data: Mapping, where: str = "scenario"):
    """Build a Plant from a parsed scenario mapping (see the module docstring)."""
    from ..plant import CostingBasis, Feed, FinanceAssumptions, Plant, Product

    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: a scenario must be a TOML document of tables")
    for key in ("name", "feed", "stages"):
        if key not in data:
            raise ScenarioError(
                f"{where}: missing required [{key}]"
                if key != "name"
                else f"{where}: missing 'name'"
            )
    known = {
        "name",
        "description",
        "feed",
        "stages",
        "connections",
        "products",
        "costing",
        "finance",
        "provenance",
    }
    unknown = set(data) - known
    if unknown:
        raise ScenarioError(
            f"{where}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(sorted(known))}"
        )
    if not isinstance(data["name"], str) or not data["name"]:
        raise ScenarioError(f"{where}: 'name' must be a non-empty string, got {data['name']!r}")
    if not isinstance(data.get("description", ""), str):
        raise ScenarioError(f"{where}: 'description' must be a string")
    _table(data["feed"], "feed", where)
    for key in ("products", "costing", "finance", "provenance"):
        _table(data.get(key, {}), key, where)
    costing = dict(data.get("costing", {}))
    from ..costing import default_prices, disposal_costs

    for key, valid in (("prices", default_prices()), ("disposal_costs", disposal_costs())):
        if key in costing:
            _check_names(
                _table(costing[key], f"costing.{key}", where), valid, f"costing.{key}", where
            )
    types = stage_types()
    stages = {}
    for stage_name, spec in _table(data["stages"], "stages", where).items():
        spec = dict(_table(spec, f"stages.{stage_name}", where))
        kind = spec.pop("type", None)
        if kind not in types:
            raise ScenarioError(
                f"{where}: stage {stage_name!r} has type {kind!r}; valid types: "
                f"{', '.join(sorted(types))}"
            )
        stages[stage_name] = _build(types[kind], spec, f"{where}: stages.{stage_name}")
    feed = data.get("feed")
    if isinstance(feed, Mapping) and isinstance(feed.get("to"), str):
        _check_port(feed["to"], stages, "inlet_ports", "feed.to", where)
    connections, recycles = [], []
    listed = data.get("connections", [])
    if not isinstance(listed, list):
        raise ScenarioError(
            f"{where}: 'connections' must be an array of tables ([[connections]]), got "
            f"{type(listed).__name__}"
        )
    for i, item in enumerate(listed):
        if not isinstance(item, Mapping):
            raise ScenarioError(f"{where}: connection {i} must be a table with 'from' and 'to'")
        if not {"from", "to"} <= set(item) <= {"from", "to", "recycle"}:
            raise ScenarioError(
                f"{where}: connection {i} needs 'from' and 'to' (and optionally "
                f"'recycle = true'), got {sorted(item)}"
            )
        if not (isinstance(item["from"], str) and isinstance(item["to"], str)):
            raise ScenarioError(
                f"{where}: connection {i}: 'from' and 'to' must be port names "
                "'stage.port' (strings)"
            )
        _check_port(item["from"], stages, "outlet_ports", f"connection {i}: 'from'", where)
        _check_port(item["to"], stages, "inlet_ports", f"connection {i}: 'to'", where)
        connections.append((item["from"], item["to"]))
        recycle = item.get("recycle", False)
        if not isinstance(recycle, bool):
            raise ScenarioError(
                f"{where}: connection {i} ({item['from']} -> {item['to']}): 'recycle' must "
                f"be true or false (a TOML boolean, unquoted), got {recycle!r}"
            )
        if recycle:
            recycles.append(item["from"])
    products = {
        name: _build(
            Product, dict(_table(spec, f"products.{name}", where)), f"{where}: products.{name}"
        )
        for name, spec in data.get("products", {}).items()
    }
    try:
        return Plant(
            name=data["name"],
            description=data.get("description", ""),
            stages=stages,
            feed=_build(Feed, data["feed"], f"{where}: feed"),
            connections=connections,
            products=products,
            costing=_build(CostingBasis, data.get("costing", {}), f"{where}: costing"),
            finance=_build(FinanceAssumptions, data.get("finance", {}), f"{where}: finance"),
            recycles=tuple(recycles),
        )
    except TecModelError as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError(f"{where}: {exc}") from exc


# --------------------------------------------------------------------------- writing
def _toml_scalar(value) -> str:
    if hasattr(value, "units"):
        magnitude = np.asarray(value.magnitude)
        if magnitude.ndim:
            raise ScenarioError("array parameters cannot be written to a scenario file")
        return f'"{float(magnitude)!r} {value.units:~C}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ScenarioError(f"cannot write the non-finite number {value}")
        return repr(float(value))
    if isinstance(value, np.ndarray):
        if value.ndim:
            raise ScenarioError("array parameters cannot be written to a scenario file")
        return _toml_scalar(value.item())
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_scalar(v)}" for k, v in value.items()) + " }"
    raise ScenarioError(f"cannot write a value of type {type(value).__name__} to TOML")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_scalar(str(key))


def _fields(obj) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        value = getattr(obj, f.name)
        if value is None or (isinstance(value, Mapping) and not value):
            continue
        out[f.name] = dict(value) if isinstance(value, Mapping) else value
    return out


def _without_defaults(items: dict) -> dict:
    """Costing fields minus the embedded defaults the CostingBasis filled in."""
    from ..costing import default_prices, disposal_costs

    defaults = {"prices": default_prices(), "disposal_costs": disposal_costs()}
    out = dict(items)
    for key, reference in defaults.items():
        changed = {
            k: v for k, v in items.get(key, {}).items() if k not in reference or v != reference[k]
        }
        if changed:
            out[key] = changed
        else:
            out.pop(key, None)
    return out


def to_toml(plant, provenance_notes: Mapping[str, str] | None = None) -> str:
    """Scenario-file text for ``plant`` (scalar parameters only)."""
    lines = [f"name = {_toml_scalar(plant.name)}"]
    if plant.description:
        lines.append(f"description = {_toml_scalar(plant.description)}")
    lines += ["", "[feed]"] + [f"{k} = {_toml_scalar(v)}" for k, v in _fields(plant.feed).items()]
    for name, stage in plant.stages.items():
        lines += ["", f"[stages.{_key(name)}]", f'type = "{type(stage).__name__}"']
        lines += [f"{k} = {_toml_scalar(v)}" for k, v in _fields(stage).items()]
    for source, destination in plant.connections:
        lines += ["", "[[connections]]", f'from = "{source}"', f'to = "{destination}"']
        if source in plant.recycles:
            lines.append("recycle = true")
    for name, product in plant.products.items():
        lines += ["", f"[products.{_key(name)}]"]
        lines += [f"{k} = {_toml_scalar(v)}" for k, v in _fields(product).items()]
    for section in ("costing", "finance"):
        items = _fields(getattr(plant, section))
        if section == "costing":
            items = _without_defaults(items)
        if items:
            lines += ["", f"[{section}]"] + [f"{k} = {_toml_scalar(v)}" for k, v in items.items()]
    if provenance_notes:
        lines += ["", "[provenance]"]
        lines += [f"{_toml_scalar(k)} = {_toml_scalar(v)}" for k, v in provenance_notes.items()]
    return "\n".join(lines) + "\n"


def write(plant, path, provenance_notes: Mapping[str, str] | None = None) -> None:
    """Write ``plant`` as a scenario file, atomically (temporary file, then rename)."""
    from ..atomic import write_atomic

    text = to_toml(plant, provenance_notes)
    from_dict(tomllib.loads(text), "scenario being written")  # never write what cannot be read
    write_atomic(path, text)
