"""Every embedded number carries a source and year, or an explicit assumption."""

import pytest

from tecmodel.data import load_table, parse_table, table_names
from tecmodel.errors import ScenarioError


@pytest.mark.parametrize("name", table_names())
def test_every_entry_has_provenance(name):
    table = load_table(name)
    for entry in table.entries:
        assert entry.assumption or (entry.source and entry.year), (name, entry.key)
        assert entry.provenance


def test_unknown_table():
    with pytest.raises(ScenarioError, match="available"):
        load_table("no_such_table")


def test_entry_without_source_is_rejected():
    with pytest.raises(ScenarioError, match="source"):
        parse_table("t", {"entry": [{"key": "x", "value": 1.0}]})


def test_assumption_is_accepted_and_labelled():
    table = parse_table("t", {"entry": [{"key": "x", "value": 1.0, "assumption": "a guess"}]})
    assert table["x"].provenance == "assumption: a guess"
