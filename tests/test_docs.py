"""The documentation site builds with warnings as errors (mkdocs --strict): API reference
from the docstrings, gallery from examples/. Skipped where mkdocs is not installed
(``pip install -e ".[docs]"``; .ci/run installs it)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "product_cost" in api and "attribution" in api
    gallery = (tmp_path / "site" / "gallery" / "index.html").read_text(encoding="utf-8")
    assert "cascade_vs_waste" in gallery
