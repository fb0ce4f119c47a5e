"""Template filters of the web app's pages."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def of(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """`errors|of:name`: a mapping's value for a key the template holds in a variable (None when absent)."""
    return mapping.get(key) if mapping else None
