"""Test configuration.

Property-based tests explore random examples on developers' machines; under CI
(``CI`` set in the environment) they run a fixed, derandomized set, so a green run is
reproducible and a red one is a real regression, not a newly drawn example.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
