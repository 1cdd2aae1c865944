"""Small helpers shared by the stage models: parameter checks and stream kernels.

Everything here works on plain numpy magnitudes (canonical units) except the checks,
which convert a boundary argument once with :func:`tecmodel.validation.check`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .. import validation
from ..elements import ELEMENTS
from ..errors import InputError
from ..streams import Stream

__all__ = [
    "FARADAY",
    "check_choice",
    "check_fraction",
    "check_positive",
    "check_stage_fields",
    "component_shares",
    "fraction_fields",
    "mol_per_kg",
    "split_stream",
]

#: Faraday constant [C/mol] (exact since the 2019 SI redefinition: e · N_A).
FARADAY = 96485.33212


def check_fraction(value, name: str, *, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """A dimensionless fraction in [low, high], as float magnitude (array or 0-d).

    The common boundary validator (:func:`tecmodel.validation.check`): booleans, NaN and
    inf are refused, percent is understood, and ``10`` for a fraction gets a hint.
    """
    return validation.check_fraction(value, name, low=low, high=high)


def check_positive(value, unit: str, name: str, *, allow_zero: bool = False) -> np.ndarray:
    """A Quantity (or fraction when ``unit`` is "") that must be finite and > 0 (or >= 0)."""
    return validation.check_positive(value, name, unit, allow_zero=allow_zero)


def check_choice(value, options: Iterable[str], name: str) -> str:
    """A name that must be one of ``options``."""
    return validation.check_choice(value, options, name)


def field_default(item):
    """The default of a dataclass field (its factory called), or ``dataclasses.MISSING``."""
    import dataclasses

    if item.default is not dataclasses.MISSING:
        return item.default
    if item.default_factory is not dataclasses.MISSING:
        return item.default_factory()
    return dataclasses.MISSING


def check_stage_fields(stage) -> None:
    """Check every field of a stage dataclass against the kind of its default.

    Called from each stage's ``__post_init__``, so a stage built, loaded or changed with
    :func:`dataclasses.replace` (or :meth:`tecmodel.plant.Plant.replace`) is checked at
    once, before it is run. The check follows the field's default value:

    - a boolean default: the value must be a real boolean (``"no"``, 0 or 1 are refused);
    - a pint Quantity default: a Quantity (or a string such as ``"3 m"``) of the same
      dimension, finite, or an array of them;
    - a number default: a finite plain number or array (percent understood), never a
      boolean or a string that is not a number;
    - anything else (None, names, tuples, mappings): left to the stage's own checks.

    A field whose default is zero or positive must not be negative (every such field of
    the shipped stages is a flow, size, count, fraction, excess or rate), except a
    temperature, whose zero is a convention. Tighter ranges (a fraction, whole numbers,
    strictly positive) are the stage's own checks, in its ``__post_init__`` or where
    :meth:`run` converts the value.

    Two kinds of number get an upper bound that catches a mistyped value: a
    stoichiometric excess (a field named ``excess`` or ``*_excess``) at most
    :data:`MAX_EXCESS_FRACTION` when written as a fraction over the stoichiometric
    charge (its default is below 1; ``20`` gets the percent hint) or
    :data:`MAX_EXCESS_MULTIPLE` when written as a multiple of it, and
    ``operators_per_shift`` at most :data:`MAX_OPERATORS_PER_SHIFT`.

    A field a stage class lists in its ``FRACTIONS`` table (name to ``(low, high)``,
    collected over the class and its bases) is a fraction: it must lie in that range
    when it is set, so ``51`` for an efficiency is refused at once with the hint
    "51 looks like a percent; write 0.51 or '51 %'" instead of when the plant is run.
    ``None`` is left alone (a field whose ``None`` means "use the route's default").
    """
    import dataclasses

    import pint

    fractions = fraction_fields(type(stage))
    for item in dataclasses.fields(stage):
        default = field_default(item)
        if default is dataclasses.MISSING:
            continue
        value = getattr(stage, item.name)
        if value is default:
            continue
        if isinstance(default, bool):
            validation.check_bool(value, item.name)
        elif isinstance(default, pint.Quantity):
            unit, low = _quantity_rule(type(stage), item.name, default)
            validation.check(value, item.name, unit, low=low)
        elif isinstance(default, int | float):
            low = 0.0 if default >= 0 else None
            high, hint = _upper_bound(item.name, default)
            validation.check(value, item.name, "", low=low, high=high, percent_hint=hint)
        if item.name in fractions and value is not None:
            low, high = fractions[item.name]
            validation.check_fraction(value, item.name, low=low, high=high)


_QUANTITY_RULES: dict = {}  # (stage class, field) -> (default's units, unit text, low)


def _quantity_rule(kind, name, default):
    """(unit, low) that :func:`check_stage_fields` checks a Quantity field against, from
    its default: formed once per stage class and field (formatting a unit is slow)."""
    key = (kind, name)
    rule = _QUANTITY_RULES.get(key)
    if rule is None or rule[0] != default._units:
        temperature = default.dimensionality == {"[temperature]": 1}
        low = 0.0 if np.all(default.magnitude >= 0) and not temperature else None
        rule = _QUANTITY_RULES[key] = (default._units, f"{default.units}", low)
    return rule[1], rule[2]


# Upper bounds that catch a mistyped number (labelled assumptions, not plant data): a
# stoichiometric excess written as a fraction over the stoichiometric charge (default
# below 1: 0.2 is 20 % over) above 5 (500 % over) is almost surely a percent typed as a
# number; an excess written as a multiple of stoichiometric (default 1 or more) above 50,
# and more than 1,000 operators a shift on one stage (MP Materials reported ~800
# employees in 2024, mine included - REFERENCE_DATA.md, relayed), are taken as mistakes too.
MAX_EXCESS_FRACTION = 5.0
MAX_EXCESS_MULTIPLE = 50.0
MAX_OPERATORS_PER_SHIFT = 1000.0


def _upper_bound(name: str, default: float) -> tuple[float | None, bool | None]:
    """(upper bound, percent hint) for a plain-number stage field, by its name."""
    if name == "excess" or name.endswith("_excess"):
        if default < 1.0:
            return MAX_EXCESS_FRACTION, True
        return MAX_EXCESS_MULTIPLE, False
    if name == "operators_per_shift":
        return MAX_OPERATORS_PER_SHIFT, False
    return None, None


def fraction_fields(cls) -> dict[str, tuple[float, float]]:
    """The ``FRACTIONS`` table of a stage class merged over its bases (name → (low, high))."""
    table: dict[str, tuple[float, float]] = {}
    for klass in reversed(cls.__mro__):
        table.update(vars(klass).get("FRACTIONS", {}))
    return table


def check_stream(inlets: Mapping[str, Stream], port: str, stage: str) -> Stream:
    """The inlet on ``port``; a clear error when it is missing or not a Stream."""
    if port not in inlets:
        raise InputError(
            f"{stage} needs an inlet stream on port {port!r}; got ports {sorted(inlets) or 'none'}"
        )
    stream = inlets[port]
    if not isinstance(stream, Stream):
        raise InputError(f"{stage} inlet {port!r} must be a Stream, got {type(stream).__name__}")
    return stream


def mol_per_kg(components: Iterable[str]) -> np.ndarray:
    """Mol of metal per kg of each component on the stream basis [mol/kg].

    Elements (rare earths, Th, U) are carried as their commercial oxide, so 1 kg of the
    component holds ``1 / oxide_factor`` kg of element, i.e.
    ``1000 / (atomic_mass · oxide_factor)`` mol. Each element uses its own atomic mass
    and oxide formula. Components that are not elements give 0.
    """
    out = []
    for name in components:
        el = ELEMENTS.get(name)
        out.append(0.0 if el is None else 1000.0 / (el.atomic_mass * el.oxide_factor))
    return np.asarray(out)


def component_shares(
    stream: Stream, shares: Mapping[str, object], *, default=0.0, name: str = "shares"
) -> np.ndarray:
    """Array of shape ``(..., n_components)`` with ``shares[c]`` for each component.

    Components not in ``shares`` get ``default``. A key that the stream does not carry
    raises :class:`InputError` naming it.
    """
    unknown = [c for c in shares if c not in stream.components]
    if unknown:
        raise InputError(
            f"{name} names component(s) {unknown} that the inlet does not carry; "
            f"it carries {', '.join(stream.components)}"
        )
    columns = [shares.get(c, default) for c in stream.components]
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in columns])
    return np.stack(arrays, axis=-1)


def split_stream(stream: Stream, shares: np.ndarray) -> tuple[Stream, Stream]:
    """Send ``shares`` (shape ``(..., n)``) of each component to the first stream.

    The second stream is the exact remainder, so first + second == inlet to rounding.
    """
    first = stream.mass_flows * shares
    rest = np.maximum(stream.mass_flows - first, 0.0)
    return Stream(stream.components, first), Stream(stream.components, rest)
