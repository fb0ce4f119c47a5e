"""The parents' dashboard: each linked child's attendance, payments, coding progress and test results.

It reads the feature apps and none of them reads it, so it comes after them in the app order
(bekrin/core/tests/test_layering.py). It has no models of its own."""
