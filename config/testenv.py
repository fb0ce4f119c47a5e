"""pytest plugin loaded before Django is configured: the test run is a development environment."""

import os

os.environ.setdefault("DEBUG", "true")
