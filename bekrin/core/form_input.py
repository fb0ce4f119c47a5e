"""Form bodies (multipart/form-data, urlencoded) read exactly like JSON: a field the form leaves out is not given.

DRF reads HTML input as a browser form would mean it: a missing boolean is an unchecked checkbox (`False`), a
missing multiple choice or many-relation an empty selection (`[]`). A multipart test creation without
`is_active` would then hide the test from every student, while the same JSON creates an active one. Our clients
send a form because it carries a file, not because a checkbox was left unticked; so a missing field means "not
given" (its default applies, a partial update leaves it alone, a required one is reported), as in JSON. Values the
form does carry keep DRF's reading (`""` is null for a nullable field and "not given" for an optional one).

Only views that list a form parser in `parser_classes` take forms (the default parsers are JSON only), and every
serializer of such a body derives from `FormInputSerializer`; bekrin/core/tests/test_form_input.py walks the
URLs and fails on a form field that would read a missing value as something.
"""

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field, empty
from rest_framework.utils import html


def given_in_form(form: Mapping[str, Any], name: str) -> bool:
    """Whether the form carries the field `name`: as itself, as a list (`name[0]`) or as an object (`name.key`),
    the spellings DRF's HTML parsing reads."""
    return any(key == name or key.startswith((f"{name}[", f"{name}.")) for key in form)


def _missing_means_not_given(field: Field) -> Callable[[Mapping[str, Any]], Any]:
    read_drf_value = field.get_value

    def get_value(dictionary: Mapping[str, Any]) -> Any:
        name = field.field_name
        assert name is not None  # the serializer binds its fields before it reads input
        if html.is_html_input(dictionary) and not given_in_form(dictionary, name):
            return empty
        return read_drf_value(dictionary)

    return get_value


class FormInputSerializer(serializers.Serializer):
    """The serializer of a body that may come as a form: a field missing from the form is not given, as in JSON.

    A nested serializer of a form body must derive from this class too (the URL walk checks nested fields)."""

    def get_fields(self) -> dict[str, Field]:
        fields = super().get_fields()
        for field in fields.values():
            # DRF deep-copies the declared fields for each serializer instance, so this changes only its own copy.
            field.get_value = _missing_means_not_given(field)  # type: ignore[method-assign, assignment]
        return fields
