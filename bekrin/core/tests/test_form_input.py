"""Form bodies: only the endpoints that declare a form parser take one, and a field a form leaves out is not given.

The walk covers every /api/ view whose parsers accept form data, and every field of each form body its schema
declares, nested ones included: a new form endpoint or field cannot bring back DRF's reading of a missing field
as an unchecked checkbox (`False`) or an empty selection (`[]`).
"""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import is_form_media_type

from bekrin.core.form_input import FormInputSerializer
from bekrin.core.tests.test_access import ROUTES
from bekrin.groups.models import StudyGroup

BODY_METHODS = ("post", "put", "patch")


def takes_forms(view_class: type) -> bool:
    return any(is_form_media_type(parser.media_type) for parser in view_class().get_parsers())


FORM_ROUTES = [(route, view_class) for route, view_class in ROUTES if takes_forms(view_class)]


def form_body_serializers(view_class: type, method: str) -> list[serializers.Serializer]:
    """The serializers the schema declares for a form body of this method (drf-spectacular's reading of it)."""
    generator = SchemaGenerator()  # holds the schema that the view refers to weakly
    view = generator.create_view(view_class.as_view(), method.upper())
    schema = view.schema
    schema.method = method.upper()  # what extend_schema(request=...) is scoped by
    declared = schema.get_request_serializer()
    by_media_type = declared if isinstance(declared, dict) else dict.fromkeys(schema.map_parsers(), declared)
    found = [body for media_type, body in by_media_type.items() if is_form_media_type(media_type)]
    return [body() if isinstance(body, type) else body for body in found if body is not None]


def fields_reading_a_missing_value(serializer: serializers.Serializer, prefix: str = "") -> dict[str, object]:
    """Each writable field (nested ones by their dotted name) that reads an empty form as something: the trap."""
    trapped: dict[str, object] = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        value = field.get_value(QueryDict())
        if value is not empty:
            trapped[prefix + name] = value
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            trapped |= fields_reading_a_missing_value(nested, f"{prefix}{name}.")
    return trapped


def test_only_the_endpoints_that_carry_a_file_take_forms():
    assert sorted(route for route, _ in FORM_ROUTES) == [
        "/api/teacher/bulk-import/users",
        "/api/teacher/tests",
        "/api/teacher/tests/<int:pk>",
    ]


@pytest.mark.parametrize(("route", "view_class"), FORM_ROUTES, ids=[route for route, _ in FORM_ROUTES])
def test_a_field_missing_from_a_form_is_not_given(route, view_class):
    methods = [method for method in BODY_METHODS if hasattr(view_class, method)]
    assert methods, f"{route} takes forms but has no method with a body"
    for method in methods:
        bodies = form_body_serializers(view_class, method)
        assert bodies, f"{method.upper()} {route} takes forms but its schema declares no form body"
        for body in bodies:
            assert fields_reading_a_missing_value(body) == {}, f"{method.upper()} {route}: {type(body).__name__}"


class OptionsIn(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)
    tags = serializers.MultipleChoiceField(choices=["a", "b"], required=False)


class FormOptionsIn(FormInputSerializer, OptionsIn):
    pass


class FormIn(FormInputSerializer):
    title = serializers.CharField()
    is_active = serializers.BooleanField(required=False)
    tags = serializers.MultipleChoiceField(choices=["a", "b"], required=False)
    options = FormOptionsIn(required=False)


class StockNestedIn(FormInputSerializer):
    options = OptionsIn(required=False)


def test_the_walk_catches_stock_drf_fields_also_in_a_nested_serializer():
    assert fields_reading_a_missing_value(OptionsIn()) == {"is_active": False, "tags": []}
    assert fields_reading_a_missing_value(StockNestedIn()) == {"options.is_active": False, "options.tags": []}
    assert fields_reading_a_missing_value(FormIn()) == {}


def test_a_form_reads_a_missing_field_as_not_given_and_a_sent_one_as_sent():
    assert FormIn().run_validation(QueryDict("title=T")) == {"title": "T"}
    sent = FormIn().run_validation(QueryDict("title=T&is_active=false&tags=a&tags=b&options.is_active=true"))
    assert sent == {"title": "T", "is_active": False, "tags": ["a", "b"], "options": {"is_active": True}}


def test_a_missing_form_field_takes_its_default_and_a_partial_form_changes_nothing():
    class DefaultsIn(FormInputSerializer):
        is_active = serializers.BooleanField(required=False, default=True)
        notify = serializers.BooleanField()

    assert DefaultsIn().run_validation(QueryDict("notify=false")) == {"is_active": True, "notify": False}
    missing_required = DefaultsIn(data=QueryDict())
    assert not missing_required.is_valid()  # a required checkbox left out is reported, as in JSON
    assert missing_required.errors["notify"][0].code == "required"
    partial = DefaultsIn(data=QueryDict(), partial=True)
    assert partial.is_valid()
    assert partial.validated_data == {}


@pytest.mark.django_db
def test_a_json_endpoint_answers_a_form_with_415_in_the_error_shape(personas, api_client_for):
    client = api_client_for(personas.teacher)
    form = {"name": "Riyaziyyat", "days_of_week": "1"}
    for response in (
        client.post("/api/teacher/groups", form, format="multipart"),
        client.post("/api/teacher/groups", urlencode(form), content_type="application/x-www-form-urlencoded"),
    ):
        assert response.status_code == 415, response.content
        error = response.json()["error"]
        assert (error["code"], bool(error["message"])) == ("unsupported_media_type", True)
    assert not StudyGroup.objects.exists()
