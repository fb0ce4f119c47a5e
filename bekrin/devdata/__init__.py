"""Development data: `manage.py seed_dev`, which `make run` calls before serving.

It writes through every app's services, so it comes last in the app order (bekrin/core/tests/test_layering.py)
and nothing imports it. It has no models of its own."""
