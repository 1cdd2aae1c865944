"""Human labels for figures, tables and reports: parameter paths, metrics, units and the
one colour each cost category keeps in every figure.

A dotted path such as ``"costing.disposal_costs.radioactive"`` becomes
"Radioactive waste disposal rate [USD₂₀₂₃/m³]": a label from :data:`PARAMETER_LABELS`
(exact paths first, then patterns with ``*`` for one path segment) and the unit of the
value it stands for, money with its dollar year written as a subscript.

>>> from tecmodel.reporting.labels import parameter_label, unit_text
>>> parameter_label("costing.disposal_costs.radioactive", "USD/m**3")
'Radioactive waste disposal rate [USD₂₀₂₃/m³]'
>>> unit_text("MUSD_2016/yr")
'MUSD₂₀₁₆/yr'
"""

from __future__ import annotations

import re

__all__ = [
    "CATEGORY_COLORS",
    "METRIC_LABELS",
    "PARAMETER_LABELS",
    "category_color",
    "category_label",
    "metric_label",
    "money_unit",
    "parameter_label",
    "unit_text",
]

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: Label of a parameter by dotted path; ``*`` stands for one segment, ``{1}`` (``{2}``…)
#: in the label for the text the first (second…) ``*`` matched.
PARAMETER_LABELS: dict[str, str] = {
    "feed.rate": "Feed rate",
    "feed.price": "Feed purchase price",
    "feed.composition.*": "Feed mass fraction of {1}",
    "costing.labor_rate": "Operator wage",
    "costing.operating_hours": "Operating hours",
    "costing.location_factor": "Location factor",
    "costing.installation": "Installation factors",
    "costing.owners_cost_fraction": "Owner's costs (share of plant cost)",
    "costing.working_capital_fraction": "Working capital (share of plant cost)",
    "costing.royalty_rate": "Royalty (share of revenue)",
    "costing.prices.*": "Price of {1}",
    "costing.disposal_costs.*": "{1} waste disposal rate",
    "costing.waste_regime": "Waste regime",
    "costing.radioactive_route": "Radioactive residue route",
    "finance.discount_rate": "Discount rate",
    "finance.plant_life": "Plant life",
    "finance.construction_years": "Construction time",
    "finance.tax_rate": "Income-tax rate",
    "finance.depreciation": "Depreciation method",
    "finance.depreciation_life": "Depreciation life",
    "finance.salvage_fraction": "Salvage value (share of capital)",
    "finance.inflation": "Inflation",
    "finance.loss_rule": "Tax-loss rule",
    "finance.debt_fraction": "Debt share of capital",
    "finance.debt_rate": "Interest rate on debt",
    "finance.debt_years": "Loan term",
    "finance.grant": "Capital grant",
    "finance.production_credit_rate": "Production tax credit",
    "products.*.price": "{1} price",
    "products.*.grade": "{1} grade",
    "products.*.price_floor": "{1} price floor",
    "stages.*.separation_factor": "Separation factor ({1})",
    "stages.*.separation_factor_system": "Separation-factor set ({1})",
    "stages.*.purity_extract": "Extract purity target ({1})",
    "stages.*.purity_raffinate": "Raffinate purity target ({1})",
    "stages.*.operators_per_shift": "Operators per shift ({1})",
    "stages.*.organic_loss_fraction": "Organic loss ({1})",
    "stages.*.*": "{2} ({1})",
}

#: Metrics by name: label and whether the figure shows it in MUSD.
METRIC_LABELS: dict[str, str] = {
    "levelized_cost": "Levelized cost",
    "product_cost": "Product cost after by-product credits",
    "capex": "Capital cost",
    "opex": "Operating cost",
    "production": "REO production",
    "revenue": "Revenue",
    "npv": "Net present value",
    "irr": "Internal rate of return",
}

_SPECIAL_WORDS = {
    "reo": "REO",
    "ndpr": "NdPr",
    "lace": "La-Ce",
    "seg": "SEG",
    "sx": "SX",
    "qa": "QA",
    "qc": "QC",
    "d2ehpa": "D2EHPA",
    "p507": "P507",
    "hcl": "HCl",
}

#: One fixed colour per cost category, the same in every figure (colour-blind-safe
#: Okabe–Ito hues first, then muted tones).
CATEGORY_COLORS: dict[str, str] = {
    "capital": "#0072B2",
    "reagents": "#E69F00",
    "utilities": "#56B4E9",
    "labor": "#009E73",
    "maintenance": "#7F7F7F",
    "qa_qc": "#B3B3B3",
    "administration": "#CC79A7",
    "tax_and_insurance": "#8C6D31",
    "overhead": "#F0E442",
    "waste": "#D55E00",
    "royalties": "#882255",
    "feed": "#332288",
    "feed purchase": "#332288",
    "finance": "#44AA99",
    "flowsheet": "#117733",
    "scale": "#999933",
    "other": "#DDDDDD",
}
_EXTRA_COLORS = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#17BECF",
    "#BCBD22",
    "#AEC7E8",
    "#FFBB78",
    "#98DF8A",
    "#FF9896",
    "#C5B0D5",
    "#C49C94",
    "#F7B6D2",
    "#9EDAE5",
)


def category_color(name: str) -> str:
    """The colour of cost category (or stage, or input group) ``name``.

    Known categories have a fixed colour (:data:`CATEGORY_COLORS`); any other name gets
    one from a second palette chosen by a checksum of the name, so it too is the same in
    every figure.
    """
    if name in CATEGORY_COLORS:
        return CATEGORY_COLORS[name]
    checksum = sum((i + 1) * ord(c) for i, c in enumerate(str(name)))
    return _EXTRA_COLORS[checksum % len(_EXTRA_COLORS)]


def _words(text: str) -> str:
    parts = str(text).replace("_", " ").split(" ")
    return " ".join(_SPECIAL_WORDS.get(p.lower(), p) for p in parts)


def category_label(name: str) -> str:
    """A category, stage or product name as words ("tax_and_insurance" → "tax and
    insurance", "NdPr_oxide" → "NdPr oxide")."""
    return _words(name)


def unit_text(unit) -> str:
    """A unit as a label shows it: pint's short form, money with its dollar year.

    Plain ``USD`` means dollars of :data:`tecmodel.units.DEFAULT_COST_YEAR`, so it is
    written ``USD₂₀₂₃``; ``USD_2016`` becomes ``USD₂₀₁₆``.
    """
    from ..units import DEFAULT_COST_YEAR, ureg

    if unit is None:
        return ""
    if hasattr(unit, "units"):
        unit = unit.units
    text = unit if isinstance(unit, str) else f"{unit:~P}"
    if isinstance(unit, str):
        try:
            text = f"{ureg.Unit(unit):~P}"
        except Exception:  # not a pint unit ("%", "-"): shown as given
            text = unit
    if text in ("", "dimensionless"):
        return "-"

    def year(match: re.Match) -> str:
        prefix, digits = match.group(1) or "", match.group(2) or str(DEFAULT_COST_YEAR)
        return f"{prefix}USD{digits.translate(_SUBSCRIPT)}"

    return re.sub(r"\b([kMG]?)USD(?:_(\d{4}))?\b", year, text)


def money_unit(unit: str, magnitude=None) -> str:
    """``MUSD`` for sums of money of a million or more (``MUSD/yr`` for rates), else
    ``unit`` unchanged."""
    import numpy as np

    if magnitude is not None and unit in ("USD", "USD/yr"):
        values = np.abs(np.asarray(magnitude, dtype=float))
        if values.size and np.nanmax(values) >= 1e6:
            return "M" + unit
    return unit


def _match(pattern: str, path: str) -> list[str] | None:
    pattern_parts, path_parts = pattern.split("."), path.split(".")
    if pattern.endswith("*") and len(path_parts) >= len(pattern_parts):
        # the last * takes the rest of the path
        path_parts = [
            *path_parts[: len(pattern_parts) - 1],
            ".".join(path_parts[len(pattern_parts) - 1 :]),
        ]
    if len(pattern_parts) != len(path_parts):
        return None
    matched = []
    for want, have in zip(pattern_parts, path_parts, strict=True):
        if want == "*":
            matched.append(have)
        elif want != have:
            return None
    return matched


def parameter_label(path: str, unit=None, with_unit: bool = True) -> str:
    """Human label of dotted ``path`` with ``unit`` in brackets.

    Parameters
    ----------
    path : str
        A dotted parameter path (``"finance.discount_rate"``).
    unit : str, pint.Unit or pint.Quantity, optional
        The unit the value is shown in (a Quantity gives its own); dimensionless shows no
        bracket. Rates of discount and tax are fractions, shown as "[-]".
    with_unit : bool
        False for the label alone.
    """
    label = None
    for pattern, template in PARAMETER_LABELS.items():
        matched = _match(pattern, path)
        if matched is not None:
            words = [_words(m) for m in matched]
            if pattern.startswith("stages."):
                words[0] = matched[0]  # a stage's name is the user's identifier
            label = template.format(None, *words)
            break
    if label is None:
        label = _words(path.split(".")[-1])
    label = label[0].upper() + label[1:]
    if not with_unit or unit is None:
        return label
    text = unit_text(unit)
    return f"{label} [{text}]"


def metric_label(metric: str, unit=None, basis: str = "") -> str:
    """Label of a metric with its unit, e.g. "Levelized cost [USD₂₀₂₃/kg REO]"."""
    label = METRIC_LABELS.get(metric, _words(metric).capitalize())
    if unit is None:
        return label
    text = unit_text(unit)
    if basis and text != "-":
        text = f"{text} {basis}"
    return f"{label} [{text}]"
