"""The HTML report in a real headless browser (Debian's Chromium; CI installs it): the
page loads without console errors, shows the key numbers, and its screenshot is not
blank. Skipped where no Chromium is installed — except under CI, where that fails."""

import os

import numpy as np
import pytest

from tecmodel import scenarios

from .cdp import Browser, chromium_path

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CHROMIUM = chromium_path()
if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must run the browser test: install chromium (see .ci/run)")
if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    session = Browser(CHROMIUM)
    yield session
    session.close()


def test_console_errors_are_caught(browser, tmp_path):
    # the check itself can fail: a page with an error is reported as such
    page = tmp_path / "bad.html"
    page.write_text("<html><body><p>x</p><script>console.error('boom')</script></body></html>")
    assert "boom" in " ".join(browser.load(page.as_uri())["errors"])


def test_report_loads_clean_with_key_numbers_and_is_not_blank(browser, tmp_path):
    import matplotlib.image

    result = scenarios.load("high_waste_route").evaluate()
    page = tmp_path / "report.html"
    result.to_html(page)
    seen = browser.load(page.as_uri())
    assert seen["errors"] == []
    text = seen["text"]
    for number in (
        f"{result.levelized_cost.to('USD/kg').magnitude:.4g}",
        f"{result.capex.to('MUSD').magnitude:.4g}",
        f"{result.opex.to('MUSD/yr').magnitude:.4g}",
    ):
        assert number in text, number
    assert "How each headline number is made" in text
    shot = tmp_path / "shot.png"
    shot.write_bytes(seen["screenshot"])
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    not_white = np.mean(np.any(pixels < 0.9, axis=-1))
    assert 0.01 < not_white < 0.9, not_white  # text and figures, not an empty page
