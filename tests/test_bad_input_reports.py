"""Reports of a plant with an array finance parameter (issue 16): per row, never a crash.

``plant.replace("finance.discount_rate", np.array([0.08, 0.1])).evaluate()`` gives one
result per rate; every report of it must either work row by row (each row equal to the
one-by-one result at that rate) or refuse with a TecModelError.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tecmodel import scenarios

RATES = np.array([0.08, 0.1])


@pytest.fixture(scope="module")
def results():
    warnings.simplefilter("ignore")
    plant = scenarios.load("bio_recycling")
    batch = plant.replace("finance.discount_rate", RATES).evaluate()
    single = [plant.replace("finance.discount_rate", float(r)).evaluate() for r in RATES]
    return batch, single


def _usd_per_kg(value):
    return np.asarray(value.to("USD/kg").magnitude, dtype=float)


def test_breakdown_per_row_equals_one_by_one_and_sums_to_total(results):
    batch, single = results
    parts = batch.breakdown()
    for i, one in enumerate(single):
        alone = one.breakdown()
        assert set(alone) == set(parts)
        for key, value in alone.items():
            row = np.broadcast_to(_usd_per_kg(parts[key]), RATES.shape)[i]
            assert row == pytest.approx(float(_usd_per_kg(value)), rel=1e-12)
        total = sum(np.broadcast_to(_usd_per_kg(v), RATES.shape)[i] for v in parts.values())
        assert total == pytest.approx(float(_usd_per_kg(one.levelized_cost)), rel=1e-9)
    # a higher discount rate makes capital dearer, nothing else in this plant
    capital = _usd_per_kg(parts["capital"])
    assert capital[1] > capital[0]


def test_summary_shows_mean_and_range_of_the_rows(results):
    batch, single = results
    text = batch.summary()
    assert isinstance(text, str) and "bio_recycling" in text
    costs = [float(_usd_per_kg(one.levelized_cost)) for one in single]
    mean = np.mean(costs)
    low, high = np.percentile(costs, [5, 95])  # the summary's [5th–95th percentile]
    assert f"levelized cost          {mean:.4g} [{low:.3g}–{high:.3g}] USD/kg" in text


def test_to_json_writes_one_value_per_row(results, tmp_path):
    batch, single = results
    path = tmp_path / "result.json"
    batch.to_json(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    costs = data["levelized_cost_USD_per_kg"]
    assert len(costs) == len(RATES)
    for value, one in zip(costs, single, strict=True):
        assert value == pytest.approx(float(_usd_per_kg(one.levelized_cost)), rel=1e-12)


def test_html_report_is_written(results, tmp_path):
    batch, _ = results
    path = tmp_path / "report.html"
    batch.to_html(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "bio_recycling" in text


def test_csv_has_a_column_per_row(results, tmp_path):
    batch, single = results
    path = tmp_path / "result.csv"
    batch.to_csv(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    capital = next(line for line in lines if line.startswith("capital,"))
    values = [float(v) for v in capital.split(",")[1:]]
    assert len(values) == len(RATES)
    for value, one in zip(values, single, strict=True):
        assert value == pytest.approx(float(_usd_per_kg(one.breakdown()["capital"])), rel=1e-9)
