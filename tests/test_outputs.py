"""Outputs an analyst hands over: tables (pandas, Excel, CSV with units at full
precision), notebook views, per-product cost, the HTML report and its formula trace."""

import re

import numpy as np
import pytest

from tecmodel import Q_, scenarios
from tecmodel.cli import main
from tecmodel.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_product_cost_is_the_price_at_zero_npv(waste, bio):
    for name in waste.products:
        cost = waste.product_cost(name)
        # identity: at that price for this product (others at theirs) NPV is zero
        npv = waste.npv({name: cost}).to("USD").magnitude
        assert abs(npv) < 1e-6 * waste.capex.to("USD").magnitude
    # one product: no credits, so its cost is the levelized cost
    (only,) = bio.products
    assert bio.product_cost(only).magnitude == pytest.approx(bio.levelized_cost.magnitude, 1e-10)
    # credits lower the main product's cost below its no-credit cost per kg of it
    ndpr = waste.annual_production_kg["NdPr_oxide"]
    no_credit = waste.levelized_cost.magnitude * waste._production_kg() / ndpr
    assert waste.product_cost("NdPr_oxide").magnitude < no_credit
    with pytest.raises(InputError, match="NdPr_oxide"):
        waste.product_cost("NdPr")


def test_cost_vs_capacity_by_product(waste_plant):
    from tecmodel.curves import cost_vs_capacity

    targets = Q_([1_000, 3_000, 6_000], "t/yr")
    curve = cost_vs_capacity(waste_plant, targets, product="NdPr_oxide")
    made = curve.result.annual_production_kg["NdPr_oxide"]
    np.testing.assert_allclose(made, targets.to("kg/yr").magnitude, rtol=1e-9)
    np.testing.assert_allclose(
        curve.y.magnitude, curve.result.product_cost("NdPr_oxide").magnitude, rtol=0
    )
    assert curve.y[0] > curve.y[-1]  # economies of scale
    assert "NdPr oxide capacity" in curve.x_label
    frame = curve.to_frame()
    assert frame.columns[0] == "NdPr oxide capacity [t/yr]"


def test_frames_csv_and_excel_round_trip(waste, tmp_path):
    import openpyxl

    frame = waste.to_frame("breakdown")
    assert list(frame.columns) == ["item", "value [USD/kg]"]
    # parts sum to the total (identity of the breakdown)
    assert frame["value [USD/kg]"].sum() == pytest.approx(waste.levelized_cost.magnitude, 1e-12)
    # CSV keeps full precision: values read back exactly
    waste.to_csv(tmp_path / "b.csv", "breakdown")
    lines = (tmp_path / "b.csv").read_text().splitlines()
    assert lines[0] == "item,value [USD/kg]"
    capital = float(lines[1].split(",")[1])
    assert capital == waste.breakdown("category")["capital"].magnitude
    waste.to_excel(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for sheet in ("headline", "breakdown", "capital", "products", "waste", "equipment"):
        assert sheet in book.sheetnames
    rows = list(book["breakdown"].iter_rows(values_only=True))
    assert rows[0] == ("item", "value [USD/kg]")
    assert rows[1][1] == pytest.approx(capital, rel=1e-15)  # Excel keeps ~16 digits
    assert not list(tmp_path.glob(".tmp-*"))


def test_missing_pandas_is_a_clear_error(monkeypatch, waste):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    monkeypatch.delitem(__import__("sys").modules, "pandas", raising=False)
    with pytest.raises(InputError, match=r"tecmodel\[pandas\]"):
        waste.to_frame()


def test_notebook_views_and_short_reprs(waste_plant, waste):
    from tecmodel import Study, Uniform
    from tecmodel.curves import cost_vs_parameter

    lc = f"{waste.levelized_cost.to('USD/kg').magnitude:.4g}"
    assert len(repr(waste).splitlines()) == 1 and lc in repr(waste)
    assert "<table" in waste._repr_html_() and lc in waste._repr_html_()
    assert "sx_ce_pr" in waste_plant._repr_html_()
    study = Study(waste_plant, {"finance.discount_rate": Uniform(0.06, 0.14)})
    assert "Discount rate" in study._repr_html_() and len(repr(study)) < 200
    tornado = study.tornado()
    text = tornado.table()
    assert "discount_rate" in text  # still a printable string
    assert list(text.to_frame()["parameter"]) == ["finance.discount_rate"]
    curve = cost_vs_parameter(waste_plant, "finance.discount_rate", np.array([0.08, 0.1]))
    assert "<table" in curve._repr_html_() and "2 points" in repr(curve)


def test_trace_identities(waste):
    from tecmodel.reporting.html import trace

    lines = {line.quantity: line for line in trace(waste)}
    capex = lines["capital (capex)"]
    assert sum(capex.terms.values()) == pytest.approx(waste.capex.to("MUSD").magnitude, 1e-12)
    opex = lines["operating cost (opex)"]
    assert sum(opex.terms.values()) == pytest.approx(waste.opex.to("MUSD/yr").magnitude, 1e-12)
    lc = lines["levelized cost"].terms
    # (annualised capital + opex × f) / production reproduces the levelized cost
    rebuilt = (
        (lc["annualised capital [MUSD/yr]"] + lc["opex [MUSD/yr]"] * lc["operating factor f [-]"])
        * 1e6
        / (lc["production [t/yr]"] * 1e3)
    )
    assert rebuilt == pytest.approx(waste.levelized_cost.magnitude, 1e-10)
    assert abs(lc["NPV at the levelized cost [MUSD]"]) < 1e-6
    npv = lines["NPV at list prices"].terms
    rate = npv.pop("discount rate [1/yr]")
    flows = np.array(list(npv.values()))
    discounted = np.sum(flows / (1 + rate) ** np.arange(flows.size))
    assert discounted == pytest.approx(waste.npv().to("MUSD").magnitude, rel=1e-9)
    # every number written in the formula text is one of its terms (4 significant digits)
    assert (
        f"{waste.capex.to('MUSD').magnitude:.4g} MUSD" in capex.text
        and f"{waste.product_cost('NdPr_oxide').magnitude:.4g} USD/kg"
        in lines["cost of NdPr_oxide after by-product credits"].text
    )


def test_html_report_is_self_contained_and_complete(waste, tmp_path):
    path = tmp_path / "report.html"
    text = waste.to_html(path)
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") >= 3
    # nothing fetched from elsewhere: no scripts, stylesheets or images by URL
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="', text)
    ids = re.findall(r'id="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "duplicate ids between inline figures"
    for section in ("headline", "trace", "breakdown", "products", "capital", "wastes"):
        assert f'id="{section}"' in text
    for number in (waste.levelized_cost.to("USD/kg"), waste.capex.to("MUSD")):
        assert f"{number.magnitude:.4g}" in text  # headline numbers
    assert "radioactive" in text  # the waste class
    # assumptions with their sources: from the scenario and from the embedded data
    from html import escape

    provenance = scenarios.provenance("high_waste_route")
    assert escape(provenance["costing"]) in text  # the scenario's own sources
    assert "PrOMMiS" in text
    assert "Every assumption and its source" in text


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "bio_recycling", "-o", str(out)]) == 0
    assert "open it in a browser" in capsys.readouterr().out
    assert "bio_recycling" in out.read_text(encoding="utf-8")
    assert main(["report", "no_such_plant", "-o", str(out)]) == 2


def test_report_shows_sections_the_result_offers(bio):
    import dataclasses

    from tecmodel.results import PlantResult

    class Extended(PlantResult):  # as a result with capital by area and crews would be
        def capex_by_area(self):
            return {"process_units:bioleach": self.capex * 0.75, "offsites": self.capex * 0.25}

        def head_count_by_role(self):
            return {"operators": 12.0, "maintenance": 4.0}

    fields = {f.name: getattr(bio, f.name) for f in dataclasses.fields(bio)}
    extended = Extended(**fields)
    text = extended.to_html()
    assert "Capital by plant area" in text and "process_units:bioleach" in text
    assert 'id="crews"' in text and "maintenance" in text
    area = extended.table("capital_by_area")
    assert sum(r[1] for r in area.rows) == pytest.approx(bio.capex.to("USD").magnitude, 1e-12)
