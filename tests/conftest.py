"""Test configuration.

Property-based tests explore random examples on developers' machines; under CI
(``CI`` set in the environment) they run a fixed, derandomized set, so a green run is
reproducible and a red one is a real regression, not a newly drawn example.
"""

import os

import pytest
from hypothesis import settings

from tecmodel import scenarios

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# Shipped plants shared by the figure and output tests (evaluated once per module).
@pytest.fixture(scope="module")
def waste_plant():
    return scenarios.load("high_waste_route")


@pytest.fixture(scope="module")
def waste(waste_plant):
    return waste_plant.evaluate()


@pytest.fixture(scope="module")
def bio():
    return scenarios.load("bio_recycling").evaluate()
