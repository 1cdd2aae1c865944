"""Embedded default data, each value with its source and year.

Every table is a TOML file in this folder with the shape::

    description = "what the numbers are"
    unit = "their unit"
    [defaults]              # optional: source/year shared by every entry
    source = "..."
    year = 2023
    [[entry]]
    key = ...               # what the value is for (a year, a symbol, a reagent name)
    value = ...
    source = "..."          # overrides the default
    year = 2021             # year of the source (or of the price)
    assumption = "..."      # instead of source/year: an explicit, labelled assumption

:func:`load_table` checks that every entry has a value and either a source with a year
or an ``assumption`` text, so no number enters the package silently.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import ScenarioError

__all__ = ["DataEntry", "DataTable", "load_table", "table_names"]


@dataclass(frozen=True)
class DataEntry:
    """One embedded number with its provenance."""

    key: Any
    value: Any
    source: str | None
    year: int | None
    assumption: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def provenance(self) -> str:
        """Where the number comes from, in one line."""
        if self.assumption:
            return f"assumption: {self.assumption}"
        return f"{self.source} ({self.year})"


@dataclass(frozen=True)
class DataTable:
    """A validated table of :class:`DataEntry`, looked up by key."""

    name: str
    description: str
    unit: str
    entries: tuple[DataEntry, ...]
    meta: dict = field(default_factory=dict)

    def __getitem__(self, key) -> DataEntry:
        for entry in self.entries:
            if entry.key == key:
                return entry
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return any(entry.key == key for entry in self.entries)

    def keys(self) -> list:
        return [entry.key for entry in self.entries]

    def values(self) -> dict:
        """Mapping key -> value."""
        return {entry.key: entry.value for entry in self.entries}


def table_names() -> list[str]:
    """Names of the embedded tables (file stems)."""
    folder = resources.files(__name__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


@functools.cache
def load_table(name: str) -> DataTable:
    """Load and validate the embedded table ``name`` (e.g. ``"cepci"``).

    Raises
    ------
    ScenarioError
        If the table does not exist, or an entry lacks a value or its provenance.
    """
    path = resources.files(__name__) / f"{name}.toml"
    if not path.is_file():
        raise ScenarioError(
            f"no embedded data table named {name!r}; available: {', '.join(table_names())}"
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"embedded data table {name!r} is not valid TOML: {exc}") from exc
    return parse_table(name, raw)


def parse_table(name: str, raw: dict) -> DataTable:
    """Validate a table already parsed from TOML (also used for users' own tables)."""
    defaults = raw.get("defaults", {})
    entries = []
    for index, item in enumerate(raw.get("entry", [])):
        where = f"data table {name!r}, entry {index} (key {item.get('key')!r})"
        if "key" not in item or "value" not in item:
            raise ScenarioError(f"{where}: every entry needs 'key' and 'value'")
        assumption = item.get("assumption")
        source = item.get("source", None if assumption else defaults.get("source"))
        year = item.get("year", None if assumption else defaults.get("year"))
        if not assumption and (not source or year is None):
            raise ScenarioError(
                f"{where}: needs a 'source' and a 'year', or an explicit 'assumption' text"
            )
        known = {"key", "value", "source", "year", "assumption"}
        extra = {k: v for k, v in item.items() if k not in known}
        entries.append(DataEntry(item["key"], item["value"], source, year, assumption, extra))
    if not entries:
        raise ScenarioError(f"data table {name!r} has no [[entry]] rows")
    meta = {k: v for k, v in raw.items() if k not in {"entry", "defaults"}}
    return DataTable(
        name=name,
        description=raw.get("description", ""),
        unit=raw.get("unit", ""),
        entries=tuple(entries),
        meta=meta,
    )
