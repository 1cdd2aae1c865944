"""Plain-text reports: one plant's summary, and routes side by side.

Tables are fixed-width text a user can paste into a report; arrays (Monte-Carlo
samples, sweeps) are shown as their mean with the 5th–95th percentile range.
"""

from __future__ import annotations

import numpy as np

__all__ = ["compare", "format_value", "plant_summary"]


def format_value(value, unit: str | None = None, digits: int = 4) -> str:
    """A number, or the mean [p5–p95] of an array, with its unit."""
    if hasattr(value, "units"):
        if unit:
            value = value.to(unit)
        unit = unit or f"{value.units:~P}"
        value = value.magnitude
    array = np.asarray(value, dtype=float)
    suffix = f" {unit}" if unit else ""
    if array.ndim == 0 or array.size == 1:
        return f"{_number(float(array.ravel()[0]), digits)}{suffix}"
    low, high = np.percentile(array, [5, 95])
    return f"{_number(array.mean(), digits)} [{_number(low, 3)}–{_number(high, 3)}]{suffix}"


def _number(x: float, digits: int) -> str:
    """Significant digits, but whole numbers with thousands separators when large."""
    if np.isfinite(x) and 10**digits <= abs(x) < 1e15:
        return f"{x:,.0f}"
    return f"{x:,.{digits}g}"


def _rows(title: str, items: dict, unit: str, total=None) -> list[str]:
    lines = [title]
    width = max([len(k) for k in items] + [5])
    for key, value in items.items():
        lines.append(f"  {key:<{width}}  {format_value(value, unit)}")
    if total is not None:
        lines.append(f"  {'total':<{width}}  {format_value(total, unit)}")
    return lines


def plant_summary(result) -> str:
    """Headline numbers, products and breakdowns of one :class:`PlantResult`."""
    plant = result.plant
    lines = [f"Plant: {plant.name}"]
    if plant.description:
        lines.append(f"  {plant.description}")
    lines += [
        f"  feed                    {format_value(plant.feed.stream().total, 't/yr')}",
        f"  REO product             {format_value(result.production, 't/yr')}",
        f"  capital (capex)         {format_value(result.capex, 'MUSD')}",
        f"  operating cost (opex)   {format_value(result.opex, 'MUSD/yr')}",
        f"  levelized cost          {format_value(result.levelized_cost, 'USD/kg')} REO",
        f"  revenue at list prices  {format_value(result.revenue, 'MUSD/yr')}",
        f"  NPV at list prices      {format_value(result.npv(), 'MUSD')}",
        f"  IRR at list prices      {format_value(np.asarray(result.irr()) * 100, '%')}",
        f"  payback at list prices  {format_value(result.payback(), 'yr')} from start of "
        "construction",
        f"  mass balance error      {format_value(result.mass_balance_error())}",
        "",
        "Products (levelized cost shared by market value)",
    ]
    costs = result._product_costs_or_mass()
    for name in result.products:
        annual = result.annual_production_kg[name] / 1000.0
        lines.append(
            f"  {name:<16} {format_value(annual, 't/yr')}  purity "
            f"{format_value(result.purity(name) * 100, '%', 5)}  price "
            f"{format_value(result.unit_prices[name], 'USD/kg')}  levelized cost "
            f"{format_value(costs[name], 'USD/kg')}"
        )
    # issue 9: products above the Th+U exemption limit and outlets nobody pays for
    for name in getattr(result, "radioactive_products", []):
        lines.append(
            f"  RADIOACTIVE PRODUCT {name}: >= 0.25 wt % Th+U (10 CFR 40.13(c)(1)(vi)); "
            + (
                "sold as licensed source material"
                if plant.products[name].licensed_source_material
                else "not exempt, earns no revenue"
            )
        )
    uncosted = getattr(result, "uncosted_outlets", [])
    if uncosted:
        lines.append(
            f"  UNCOSTED OUTLETS (neither product, connected nor treated): {', '.join(uncosted)}"
        )
    lines.append("")
    lines += _rows(
        "Levelized cost by category [USD/kg REO]",
        result.breakdown("category"),
        "USD/kg",
        result.levelized_cost,
    )
    lines.append("")
    lines += _rows(
        "Levelized cost by stage [USD/kg REO]",
        result.breakdown("stage"),
        "USD/kg",
        result.levelized_cost,
    )
    lines.append("")
    lines += _rows("Capital [MUSD]", result.capital_breakdown(), "MUSD", result.capex)
    if getattr(result, "estimate", None) is not None:  # issue 10: whole site, crews
        low, high = result.capex_range
        lines += [
            "",
            f"Estimate: {result.estimate}; capex range {format_value(low, 'MUSD')} – "
            f"{format_value(high, 'MUSD')}",
        ]
        lines += _rows("Capital by area [MUSD]", result.capex_by_area(), "MUSD", result.capex)
        lines.append("")
        lines += _rows(
            "Working capital [MUSD]",
            result.working_capital_breakdown(),
            "MUSD",
            result.capital.working_capital,
        )
        lines.append("")
        lines.append(f"Crews: {format_value(result.head_count)} people employed")
        costs = result.labor_by_role()
        for role, count in result.head_count_by_role().items():
            lines.append(
                f"  {role:<30} {format_value(count):>10} people  "
                f"{format_value(costs[role], 'MUSD/yr')}"
            )
    extrapolated = result.extrapolated_equipment()
    if extrapolated:
        lines += [
            "",
            "Equipment costed outside its correlation's valid size range "
            "(cost extrapolated; see tecmodel/data/equipment.toml)",
        ]
        lines += [f"  {text}" for text in extrapolated]
    wastes = result.waste_table()
    if wastes:
        lines += ["", "Wastes"]
        for row in wastes:
            lines.append(
                f"  {row['stage']}/{row['waste']:<22} {row['waste_class']:<14} "
                f"{format_value(row['mass'], 't/yr')}  ThO2 "
                f"{format_value(np.asarray(row['thorium_oxide_fraction']) * 100, 'wt%', 3)}"
            )
    return "\n".join(lines)


def compare(results: dict, by: str = "category") -> str:
    """Routes side by side: headline numbers and the levelized-cost breakdown.

    Parameters
    ----------
    results : mapping of label to PlantResult
    by : {"category", "stage"}
    """
    labels = list(results)
    breakdowns = {label: r.breakdown(by) for label, r in results.items()}
    keys = list(dict.fromkeys(k for b in breakdowns.values() for k in b))
    width = max([len(k) + 2 for k in keys] + [28])
    column = max([len(label) for label in labels] + [12]) + 2

    def number(value, unit) -> str:
        if value is None:
            return "—".rjust(column)
        return format_value(value, unit, 4).removesuffix(f" {unit}").rjust(column)

    headline = {
        "REO product [t/yr]": (lambda r: r.production, "t/yr"),
        "capital [MUSD]": (lambda r: r.capex, "MUSD"),
        "operating cost [MUSD/yr]": (lambda r: r.opex, "MUSD/yr"),
        "revenue [MUSD/yr]": (lambda r: r.revenue, "MUSD/yr"),
    }
    lines = [" " * width + "".join(label.rjust(column) for label in labels)]
    for name, (get, unit) in headline.items():
        lines.append(f"{name:<{width}}" + "".join(number(get(results[lb]), unit) for lb in labels))
    lines.append(f"levelized cost by {by} [USD/kg REO]")
    for key in keys:
        lines.append(
            f"  {key:<{width - 2}}"
            + "".join(number(breakdowns[lb].get(key), "USD/kg") for lb in labels)
        )
    lines.append(
        f"{'levelized cost [USD/kg REO]':<{width}}"
        + "".join(number(results[lb].levelized_cost, "USD/kg") for lb in labels)
    )
    return "\n".join(lines)
