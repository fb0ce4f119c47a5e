"""The base of every API view: who may call it is declared, and every read starts from the caller's scope.

A view lists the roles that may call it (`allowed_roles`); other roles get 403, anonymous callers 401. A view that
reads rows implements `visible(user)`, the rows this user may see, and `get_queryset` is always that, so a detail
lookup outside the caller's organization, children or own rows is a 404 exactly like a missing id. Setting a
class-level `queryset` is refused at import time: there is no unscoped path to forget.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from bekrin.core.errors import NotFound
from bekrin.core.serializers import BoundedDateField

if TYPE_CHECKING:
    # For the type of `actor` only: accounts comes after core, so core never imports it when it runs (the one
    # type-only import the layering test allows, bekrin/core/tests/test_layering.py).
    from bekrin.accounts.models import User


class HasAllowedRole(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return getattr(request.user, "role", None) in getattr(view, "allowed_roles", ())


class ApiView(GenericAPIView):
    allowed_roles: ClassVar[frozenset[str]] = frozenset()
    permission_classes = (IsAuthenticated, HasAllowedRole)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("queryset") is not None:
            raise TypeError(f"{cls.__name__}: scope reads with visible(user), not a class-level queryset")

    @property
    def actor(self) -> "User":
        """The logged-in caller: the permission classes let no anonymous request reach a handler."""
        assert isinstance(self.request.user, get_user_model())
        return self.request.user

    def visible(self, user: Any) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} reads rows but does not say which the caller may see")

    def get_queryset(self) -> QuerySet:
        return self.visible(self.request.user)


class PublicApiView(APIView):
    """An endpoint anyone may call (login, health); declared so, so the access test knows it is deliberate."""

    public: ClassVar[bool] = True
    authentication_classes = ()
    permission_classes = (AllowAny,)


class SchemaView(SpectacularAPIView):
    public = True


# Swagger UI's page carries a <style> block of drf-spectacular's without a nonce: its styles may be inline, its
# scripts still only our static files (the split view serves its start-up script as a file, `?script`).
DOCS_CSP: dict[str, list[str]] = {
    **cast("dict[str, list[str]]", settings.SECURE_CSP),
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    public = True


def query_param(request: Request, name: str) -> str | None:
    """A query parameter by its snake_case name, also accepting the seed's camelCase spelling (groupId), as
    docs/API.md#conventions says.

    An empty one (`?group_id=`, as forms send unset filters) counts as absent."""
    head, *rest = name.split("_")
    camel = head + "".join(part.title() for part in rest)
    return request.query_params.get(name) or request.query_params.get(camel) or None


def validated(
    view: GenericAPIView, serializer_class: type[serializers.Serializer], data: Any = None, **kwargs: Any
) -> Any:
    """`data` (default: the request body) validated by a serializer given the view's context (so the request)."""
    serializer = serializer_class(
        data=view.request.data if data is None else data, context=view.get_serializer_context(), **kwargs
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query_params(request: Request, names: Iterable[str]) -> dict[str, str]:
    """The given query parameters that are present (each also under its camelCase name), ready for a serializer."""
    found = {name: query_param(request, name) for name in names}
    return {name: value for name, value in found.items() if value is not None}


def flat_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors flattened so each message names its item: `{"tasks[1].test_cases[0].expected":
    [...]}`. A list's or an object's own errors (non_field_errors) go under the list's or object's name."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):  # DRF reports a list's bad items by index
                name = f"{prefix}[{key}]"
            elif key == api_settings.NON_FIELD_ERRORS_KEY:
                name = prefix or key
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            flat |= flat_errors(value, name)
        return flat
    if isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        return {prefix: [str(item) for item in detail]} if detail else {}
    if isinstance(detail, list):
        flat = {}
        for index, item in enumerate(detail):
            flat |= flat_errors(item, f"{prefix}[{index}]")
        return flat
    return {prefix: [str(detail)]}


# The largest id PostgreSQL's bigint holds: a larger one in a body must be a 400, never a database error.
MAX_ID = 2**63 - 1


def _not_found(field_name: str, pk: int) -> NotFound:
    message = _("Not found: %(id)s.") % {"id": pk}
    return NotFound(message, fields={field_name: [message]})


class ScopedIdField(serializers.IntegerField):
    """An id in a request body resolved among the rows the caller may see; any other id answers 404 naming the
    field, exactly like a missing one (docs/DECISIONS.md, decision 6). Validates to the row."""

    def __init__(self, visible: Callable[[Any], QuerySet], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        pk = super().to_internal_value(data)
        super().run_validators(pk)  # min/max bound the id before it reaches the database
        row = self.visible(self.context["request"].user).filter(pk=pk).first()
        if row is None:
            raise _not_found(str(self.field_name), pk)
        return row

    def run_validators(self, value: Any) -> None:
        """The validators already ran on the id in to_internal_value; `value` here is the row, not a number."""


class ScopedIdsField(serializers.ListField):
    """A list of ids resolved in one query among the visible rows (404 naming the field for any other id).
    Validates to the rows, in the order given, without repeats."""

    def __init__(self, visible: Callable[[Any], QuerySet], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        found = {row.pk: row for row in self.visible(self.context["request"].user).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise _not_found(str(self.field_name), missing[0])
        return [found[pk] for pk in ids]


class DateRangeQuery(serializers.Serializer):
    """Optional `from` and `to` dates (inclusive, in DATE_YEARS) in a query; `to` may not be before `from`."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so these two cannot be declared as class attributes.
        fields["from"] = BoundedDateField(required=False)
        fields["to"] = BoundedDateField(required=False, help_text="YYYY-MM-DD, inclusive")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": [_("Must not be before `from`.")]})
        return attrs
