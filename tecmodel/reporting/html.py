"""The self-contained HTML report of a :class:`~tecmodel.results.PlantResult`.

One file, no external resources: figures inline as SVG (text kept as text), tables,
every assumption with its source, the validation status, and for every headline number
its formula with the values that went in (the *trace*, :func:`trace`). Sections that
depend on what a result offers (capital by plant area, crews, radioactive products,
uncosted outlets) appear when the result has them.

>>> from tecmodel import scenarios                              # doctest: +SKIP
>>> scenarios.load("high_waste_route").evaluate().to_html("report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..units import DEFAULT_COST_YEAR, Q_
from .tables import Table

__all__ = ["TraceLine", "assumptions", "report", "result_snippet", "trace"]


@dataclass(frozen=True)
class TraceLine:
    """A headline number, its formula, and the values that went into it.

    ``terms`` maps each input's name to its value in ``unit`` (or in the unit its name
    says); ``text`` is the formula with those values written in.
    """

    quantity: str
    formula: str
    text: str
    value: float
    unit: str
    terms: Mapping[str, float]


def _m(value, unit: str | None = None) -> float:
    if hasattr(value, "units"):
        value = value.to(unit).magnitude if unit else value.magnitude
    return float(np.mean(np.asarray(value, dtype=float)))


def _f(x: float, digits: int = 4) -> str:
    if not np.isfinite(x):
        return "n/a"
    if abs(x) >= 10**digits:
        return f"{x:,.0f}"
    return f"{x:,.{digits}g}"


def trace(result, product: str | None = None) -> list[TraceLine]:
    """Formula trace of the headline numbers (means of arrays for batched results).

    Parameters
    ----------
    result : PlantResult
    product : str, optional
        Also trace this product's cost after by-product credits (default: the product
        with the largest revenue).
    """
    lines: list[TraceLine] = []
    capital = {k: _m(v, "MUSD") for k, v in result.capital_breakdown().items()}
    capex = _m(result.capex, "MUSD")
    groups = {
        "total plant cost": sum(
            v
            for k, v in capital.items()
            if k not in ("owners_cost", "working_capital", "initial_fill")
        ),
        "owner's costs": capital.get("owners_cost", 0.0),
        "working capital": capital.get("working_capital", 0.0),
        "initial fills": capital.get("initial_fill", 0.0),
    }
    lines.append(
        TraceLine(
            "capital (capex)",
            "capex = total plant cost + owner's costs + working capital + initial fills",
            "capex = " + " + ".join(_f(v) for v in groups.values()) + f" = {_f(capex)} MUSD",
            capex,
            "MUSD",
            groups,
        )
    )
    operating = {k: _m(v, "MUSD/yr") for k, v in result.operating_breakdown().items()}
    operating = {k: v for k, v in operating.items() if v != 0}
    opex = _m(result.opex, "MUSD/yr")
    lines.append(
        TraceLine(
            "operating cost (opex)",
            "opex = " + " + ".join(k.replace("_", " ") for k in operating),
            "opex = " + " + ".join(_f(v) for v in operating.values()) + f" = {_f(opex)} MUSD/yr",
            opex,
            "MUSD/yr",
            operating,
        )
    )
    produced = {
        n: _m(Q_(result.annual_production_kg[n], "kg/yr"), "t/yr") for n in result.products
    }
    production = _m(result.production, "t/yr")
    lines.append(
        TraceLine(
            "REO production",
            "production = " + " + ".join(produced),
            "production = "
            + " + ".join(_f(v) for v in produced.values())
            + f" = {_f(production)} t/yr",
            production,
            "t/yr",
            produced,
        )
    )
    prices = {n: _m(Q_(result.unit_prices[n], "USD/kg")) for n in result.products}
    revenue = _m(result.revenue, "MUSD/yr")
    lines.append(
        TraceLine(
            "revenue at list prices",
            "revenue = Σ production_i × price_i",
            "revenue = "
            + " + ".join(
                f"{_f(produced[n])} t/yr × {_f(prices[n])} USD/kg" for n in result.products
            )
            + f" = {_f(revenue)} MUSD/yr",
            revenue,
            "MUSD/yr",
            {
                **{f"{n} [t/yr]": produced[n] for n in produced},
                **{f"{n} price [USD/kg]": prices[n] for n in prices},
            },
        )
    )
    parts = result.breakdown("category")
    lc = _m(result.levelized_cost, "USD/kg")
    capital_part = _m(parts["capital"], "USD/kg")
    operating_part = lc - capital_part
    per_kg = opex * 1e6 / (production * 1e3) if production > 0 else float("nan")
    factor = operating_part / per_kg if per_kg else float("nan")
    annualised = capital_part * production * 1e3 / 1e6
    f = result.plant.finance.resolved()
    lines.append(
        TraceLine(
            "levelized cost",
            "levelized cost = (annualised capital + opex × f) / production, the price at which "
            "NPV = 0; f is the ratio of the discounted after-tax operating cost to its simple sum",
            f"levelized cost = ({_f(annualised)} MUSD/yr + {_f(opex)} MUSD/yr × {_f(factor)}) / "
            f"{_f(production)} t/yr = {_f(capital_part)} + {_f(operating_part)} = {_f(lc)} USD/kg "
            f"(discount rate {_f(float(np.mean(f['discount_rate'])))}/yr, life "
            f"{_f(float(np.mean(f['plant_life'])))} yr, "
            f"tax rate {_f(float(np.mean(f['tax_rate'])))}, "
            f"{f['depreciation']} depreciation, {f['construction_years']} years of construction)",
            lc,
            "USD/kg",
            {
                "annualised capital [MUSD/yr]": annualised,
                "opex [MUSD/yr]": opex,
                "operating factor f [-]": factor,
                "production [t/yr]": production,
                "capital part [USD/kg]": capital_part,
                "operating part [USD/kg]": operating_part,
                "NPV at the levelized cost [MUSD]": _m(result.npv(result.levelized_cost), "MUSD"),
            },
        )
    )
    npv = _m(result.npv(), "MUSD")
    flows = np.asarray(result.cash_flow().after_tax_cash_flow, dtype=float)
    flows = flows.reshape(-1, flows.shape[-1]).mean(axis=0) / 1e6
    rate = float(np.mean(f["discount_rate"]))
    lines.append(
        TraceLine(
            "NPV at list prices",
            "NPV = Σ_t CF_t / (1 + r)^t over the after-tax cash flows CF_t",
            f"NPV = Σ_t CF_t / (1 + {_f(rate)})^t with CF = "
            f"[{', '.join(_f(x, 3) for x in flows)}] MUSD = {_f(npv)} MUSD",
            npv,
            "MUSD",
            {
                "discount rate [1/yr]": rate,
                **{f"CF year {t} [MUSD]": x for t, x in enumerate(flows)},
            },
        )
    )
    if product is None and result.products:
        product = max(result.products, key=lambda n: produced[n] * prices[n])
    if product is not None:
        try:
            cost = _m(result.product_cost(product), "USD/kg")
        except Exception:
            cost = None
        if cost is not None:
            credits = sum(produced[n] * prices[n] for n in result.products if n != product) / 1e3
            lines.append(
                TraceLine(
                    f"cost of {product} after by-product credits",
                    f"the price of {product} at which NPV = 0 with every other product sold at "
                    "its price (credits)",
                    f"{product}: {_f(produced[product])} t/yr; credits "
                    + " + ".join(
                        f"{_f(produced[n])} t/yr × {_f(prices[n])} USD/kg"
                        for n in result.products
                        if n != product
                    )
                    + f" = {_f(credits)} MUSD/yr → {_f(cost)} USD/kg",
                    cost,
                    "USD/kg",
                    {"production [t/yr]": produced[product], "credits [MUSD/yr]": credits},
                )
            )
    return lines


# --------------------------------------------------------------------------- assumptions
def _data_source(path: str, value) -> str | None:
    from ..data import load_table

    parts = path.split(".")
    lookups = {
        "costing.prices": "prices",
        "costing.disposal_costs": "disposal",
    }
    prefix = ".".join(parts[:2])
    try:
        if prefix in lookups and len(parts) == 3:
            return load_table(lookups[prefix])[parts[2]].provenance
        if prefix in ("costing.labor_rate", "costing.operating_hours"):
            return load_table("operating_rules")[parts[1]].provenance
        if parts[0] == "finance" and len(parts) == 2:
            return load_table("finance_defaults")[parts[1]].provenance
    except KeyError:
        return None
    return None


def _shown_value(value) -> str:
    if hasattr(value, "units"):
        m = np.asarray(value.magnitude)
        if m.ndim == 0:
            return f"{_f(float(m))} {value.units:~P}"
        return f"{_f(float(m.mean()))} {value.units:~P} (mean of {m.size})"
    if isinstance(value, float | int | np.floating | np.integer):
        return _f(float(value))
    text = str(value)
    return text if len(text) < 80 else text[:77] + "…"


def assumptions(plant, provenance: Mapping[str, str] | None = None) -> Table:
    """Every parameter of ``plant`` with its value and source.

    The source is the scenario's ``[provenance]`` entry for the path (or its nearest
    parent path); else, for a default, the embedded data table's source (or its labelled
    assumption); else the stage class whose docstring documents the default.
    """
    provenance = dict(provenance or {})
    rows = []
    for path in plant.parameters():
        if path in ("name", "description"):
            continue
        value = plant.get(path)
        source = None
        parts = path.split(".")
        for i in range(len(parts), 0, -1):
            key = ".".join(parts[:i])
            if key in provenance:
                source = provenance[key] if i == len(parts) else f"{provenance[key]} [{key}]"
                break
        if source is None:
            source = _data_source(path, value)
            if source is not None:
                source = f"embedded default: {source}"
        if source is None and parts[0] == "stages" and len(parts) > 2:
            stage = plant.stages[parts[1]]
            source = f"stage default (sources in the docstring of {type(stage).__name__})"
        rows.append([path, _shown_value(value), source or "not stated"])
    return Table("Assumptions and their sources", ("parameter", "value", "source"), rows)


def scenario_provenance(plant) -> dict[str, str]:
    """The ``[provenance]`` table of the shipped scenario named like ``plant`` (or {})."""
    from .. import scenarios

    if plant.name in scenarios.names():
        return scenarios.provenance(plant.name)
    return {}


def validation_rows(plant=None) -> tuple[str | None, list[list[str]]]:
    """(path, table rows) of ``VALIDATION.md`` beside the package, if present; rows that
    name the plant first."""
    root = Path(__file__).resolve().parents[2]
    for candidate in (root / "VALIDATION.md", Path.cwd() / "VALIDATION.md"):
        if candidate.is_file():
            rows = []
            for line in candidate.read_text(encoding="utf-8").splitlines():
                if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line):
                    rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            if plant is not None and len(rows) > 1:
                header, body = rows[0], rows[1:]
                mine = [r for r in body if plant.name in " ".join(r)]
                rows = [header, *mine, *[r for r in body if r not in mine]]
            return str(candidate), rows
    return None, []


# --------------------------------------------------------------------------- rendering
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;
margin-top:2rem}.lede{color:#555}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:11rem}
.card .v{font-size:1.4rem;font-weight:600}.card .l{color:#555;font-size:.85rem}
table.tecmodel{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}
table.tecmodel caption{text-align:left;font-weight:600;padding:.3rem 0}
table.tecmodel th,table.tecmodel td{border-bottom:1px solid #e4e4e4;padding:.2rem .6rem;
text-align:left;vertical-align:top}table.tecmodel td.num{text-align:right;
font-variant-numeric:tabular-nums}.trace{background:#f7f7f7;border-left:3px solid #0072B2;
padding:.5rem .8rem;margin:.5rem 0}.trace code{white-space:pre-wrap}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
.warn{color:#a33}footer{margin-top:3rem;color:#777;font-size:.8rem}
"""


def _svg(make, index: int) -> str:
    """Render a figure drawn by ``make(ax)`` to inline SVG with ids unique to it."""
    from matplotlib.figure import Figure

    from ..plotting import to_svg

    figure = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = figure.add_subplot()
    make(ax)
    svg = to_svg(figure, close=False)
    prefix = f"f{index}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    return svg


def _card(label: str, value: str) -> str:
    return (
        f'<div class="card"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div></div>'
    )


def _money(value, unit) -> str:
    return f"{_f(_m(value, unit))} {unit}"


def result_snippet(result) -> str:
    """A short HTML view for notebooks: headline and the levelized cost by category."""
    head = result.table("headline")
    parts = result.table("breakdown")
    return (
        f"<div><strong>{html.escape(result.plant.name)}</strong>: levelized cost "
        f"{_f(_m(result.levelized_cost, 'USD/kg'))} USD<sub>{DEFAULT_COST_YEAR}</sub>/kg REO"
        f"{head.html()}{parts.html()}</div>"
    )


def report(
    result,
    provenance: Mapping[str, str] | None = None,
    title: str | None = None,
    product: str | None = None,
    comparison=None,
    figures: bool = True,
) -> str:
    """The HTML report of ``result`` as one self-contained document.

    Parameters
    ----------
    result : PlantResult
    provenance : mapping of dotted path to source text, optional
        Default: the ``[provenance]`` table of the shipped scenario of the same name.
    title : str, optional
    product : str, optional
        Product whose cost after by-product credits is traced (default: the one with the
        largest revenue).
    comparison : tecmodel.comparison.Comparison, optional
        Adds the attribution table and waterfall ("why two plants differ").
    figures : bool
        Include the figures (inline SVG).
    """
    from .. import plotting
    from .result_tables import OPTIONAL_TABLES, result_tables

    plant = result.plant
    if provenance is None:
        provenance = scenario_provenance(plant)
    tables = result_tables(result)
    year = DEFAULT_COST_YEAR
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title or 'tecmodel report: ' + plant.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title or plant.name)}</h1>",
        f'<p class="lede">{html.escape(plant.description or "")}</p>',
        f'<p class="lede">Money in U.S. dollars of {year} (USD<sub>{year}</sub>) unless a '
        "unit says otherwise; per kg of total rare-earth oxide (REO) product.</p>",
        '<section id="headline"><h2>Headline</h2><div class="cards">',
        _card(f"levelized cost [USD{year}/kg REO]", _f(_m(result.levelized_cost, "USD/kg"))),
        _card(f"capital [MUSD{year}]", _f(_m(result.capex, "MUSD"))),
        _card(f"operating cost [MUSD{year}/yr]", _f(_m(result.opex, "MUSD/yr"))),
        _card("REO product [t/yr]", _f(_m(result.production, "t/yr"))),
        _card(f"NPV at list prices [MUSD{year}]", _f(_m(result.npv(), "MUSD"))),
    ]
    for attribute, label in (("head_count", "head count"), ("estimate_class", "estimate class")):
        value = getattr(result, attribute, None)
        if value is not None:
            out.append(_card(label, _shown_value(value)))
    out.append("</div>")
    out.append(tables["headline"].html())
    out.append("</section>")

    out.append('<section id="trace"><h2>How each headline number is made</h2>')
    for line in trace(result, product):
        out.append(
            f'<div class="trace"><strong>{html.escape(line.quantity)}</strong>: '
            f"{html.escape(line.formula)}<br><code>{html.escape(line.text)}</code></div>"
        )
    out.append("</section>")

    out.append('<section id="breakdown"><h2>Where the cost comes from</h2>')
    if figures:
        out.append(
            f"<figure>{_svg(lambda ax: plotting.plot_breakdown(result, ax=ax), 1)}</figure>"
        )
        out.append(
            "<figure>"
            + _svg(lambda ax: plotting.plot_breakdown(result, by="stage", ax=ax), 2)
            + "</figure>"
        )
    out += [tables["breakdown"].html(), tables["stages"].html(), tables["operating"].html()]
    out.append("</section>")

    out.append('<section id="products"><h2>Products</h2>')
    out.append(tables["products"].html())
    if "radioactive_products" in tables:
        out.append(tables["radioactive_products"].html())
    out.append("</section>")

    out.append('<section id="capital"><h2>Capital</h2>')
    if "capital_by_area" in tables:
        out.append(tables["capital_by_area"].html())
    out += [tables["capital"].html(), tables["equipment"].html()]
    extrapolated = result.extrapolated_equipment()
    if extrapolated:
        out.append('<p class="warn">Costed outside the correlation\'s valid size range:</p><ul>')
        out += [f"<li>{html.escape(t)}</li>" for t in extrapolated]
        out.append("</ul>")
    if figures:
        out.append(
            f"<figure>{_svg(lambda ax: plotting.plot_cash_flow(result.cash_flow(), ax=ax), 3)}"
            "</figure>"
        )
    out.append("</section>")

    if "crews" in tables:
        crews = tables["crews"].html()
        if "labor_by_role" in tables:
            crews += tables["labor_by_role"].html()
        out.append(f'<section id="crews"><h2>Crews</h2>{crews}</section>')

    out.append('<section id="wastes"><h2>Wastes and their classes</h2>')
    out.append(tables["waste"].html())
    if "uncosted_outlets" in tables:
        out.append(tables["uncosted_outlets"].html())
    out.append("</section>")
    for name in OPTIONAL_TABLES:
        if name in tables and name not in (
            "capital_by_area",
            "crews",
            "labor_by_role",
            "radioactive_products",
            "uncosted_outlets",
        ):
            out.append(
                f"<section><h2>{html.escape(tables[name].title)}</h2>{tables[name].html()}</section>"
            )

    if comparison is not None:
        out.append('<section id="comparison"><h2>Why two plants differ</h2>')
        out.append(
            "<p>Contributions of input groups to the difference (Shapley values over the "
            "groups: they sum to the difference and do not depend on the order of "
            "swapping).</p>"
        )
        if figures:
            out.append(f"<figure>{_svg(lambda ax: comparison.waterfall(ax=ax), 4)}</figure>")
        out.append(comparison.table().html())
        out.append("</section>")

    out.append('<section id="assumptions"><h2>Every assumption and its source</h2>')
    table = assumptions(plant, provenance)
    unstated = sum(1 for r in table.rows if r[2] == "not stated")
    out.append(f"<p>{len(table.rows)} parameters; {unstated} without a stated source.</p>")
    out.append(table.html(caption=False))
    out.append("</section>")

    out.append('<section id="validation"><h2>Validation status</h2>')
    where, rows = validation_rows(plant)
    if rows:
        out.append(f"<p>From {html.escape(Path(where).name)} ({len(rows) - 1} rows).</p>")
        out.append(Table("Validation", rows[0], rows[1:]).html(caption=False))
    else:
        out.append(
            "<p>No VALIDATION.md found beside the package: this report's numbers are model "
            "outputs from the inputs listed above, not checked here against published "
            "plant data.</p>"
        )
    error = float(np.max(np.asarray(result.mass_balance_error(), dtype=float)))
    out.append(f"<p>Mass balance closes to {error:.1e} (relative).</p></section>")
    from .. import __version__

    out.append(f"<footer>tecmodel {__version__}</footer></body></html>")
    return "\n".join(out)
