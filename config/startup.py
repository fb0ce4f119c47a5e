"""Loads the settings before anything else, so a missing or bad setting stops a command or server with one line.

Without this, `manage.py shell` in production mode without SECRET_KEY ends in a 40-line traceback about
AppRegistryNotReady that hides the real reason.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings_or_exit() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting imports config.settings, which checks the environment
    except ImproperlyConfigured as error:
        sys.exit(f"bekrin: {error}")
