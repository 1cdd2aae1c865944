"""Dotted paths into immutable models: read and replace one parameter.

``"stages.nd_sm.separation_factor"`` walks attributes of frozen dataclasses and keys of
mappings. :func:`replace_path` returns a new object with that one value changed and
shares everything else, so a Monte-Carlo study replaces parameters by arrays and
evaluates the plant once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .errors import InputError

__all__ = ["FrozenMapping", "freeze_mapping", "get_path", "parameter_paths", "replace_path"]


class FrozenMapping(Mapping):
    """A read-only mapping that pickles (MappingProxyType does not), so plants can be
    sent to process-pool workers."""

    __slots__ = ("_data",)

    def __init__(self, data=None):
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __reduce__(self):
        return (FrozenMapping, (self._data,))


def freeze_mapping(mapping) -> FrozenMapping:
    """A read-only copy of ``mapping`` (so frozen dataclasses stay immutable)."""
    return FrozenMapping(mapping)


def _children(node) -> list[str]:
    if isinstance(node, Mapping):
        return [str(k) for k in node]
    if dataclasses.is_dataclass(node):
        return [f.name for f in dataclasses.fields(node) if f.init]
    return []


def _step(node, key: str, path: str):
    if isinstance(node, Mapping):
        if key in node:
            return node[key]
    elif dataclasses.is_dataclass(node) and key in _children(node):
        return getattr(node, key)
    options = _children(node)
    hint = f"; valid names here: {', '.join(options)}" if options else ""
    raise InputError(f"path {path!r}: {key!r} not found{hint}")


def get_path(root, path: str):
    """The value at dotted ``path`` under ``root``."""
    node = root
    for key in path.split("."):
        node = _step(node, key, path)
    return node


def replace_path(root, path: str, value):
    """A copy of ``root`` with the value at dotted ``path`` replaced by ``value``."""
    keys = path.split(".")
    if not path or not all(keys):
        raise InputError(f"path must be dotted names like 'finance.discount_rate', got {path!r}")
    return _replace(root, keys, value, path)


def _replace(node, keys: list[str], value, path: str):
    key, rest = keys[0], keys[1:]
    child = _step(node, key, path)
    new_child = value if not rest else _replace(child, rest, value, path)
    if isinstance(node, Mapping):
        updated = dict(node)
        updated[key] = new_child
        # a mapping that carries a record of its own (RegimeFilledRates) keeps it
        rebuild = getattr(node, "with_data", None)
        return rebuild(updated) if rebuild is not None else FrozenMapping(updated)
    return dataclasses.replace(node, **{key: new_child})


def parameter_paths(root, prefix: str = "") -> list[str]:
    """Every leaf path under ``root`` (values that are not dataclasses or mappings)."""
    paths = []
    for key in _children(root):
        child = _step(root, key, prefix + key)
        full = f"{prefix}{key}"
        if isinstance(child, Mapping) or dataclasses.is_dataclass(child):
            paths.extend(parameter_paths(child, full + "."))
        else:
            paths.append(full)
    return paths
