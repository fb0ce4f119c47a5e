"""pytest plugin loaded before Django is configured: the test run is a development environment."""

import os

os.environ.setdefault("DEBUG", "true")
# Concurrency tests run up to a few dozen threads at once, each with its own connection from the pool.
os.environ.setdefault("DB_POOL_MAX_SIZE", "40")
os.environ.setdefault("DB_POOL_TIMEOUT", "20")
