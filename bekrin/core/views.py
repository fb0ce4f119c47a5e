"""The base of every API view: who may call it is declared, and every read starts from the caller's scope.

A view lists the roles that may call it (`allowed_roles`); other roles get 403, anonymous callers 401. A view that
reads rows implements `visible(user)`, the rows this user may see, and `get_queryset` is always that, so a detail
lookup outside the caller's organization, children or own rows is a 404 exactly like a missing id. Setting a
class-level `queryset` is refused at import time: there is no unscoped path to forget.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from bekrin.accounts.models import Role

ANY_ROLE = frozenset(Role)
STAFF = frozenset({Role.TEACHER, Role.ADMIN})
STUDENTS = frozenset({Role.STUDENT})
PARENTS = frozenset({Role.PARENT})


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


class DocsView(SpectacularSwaggerView):
    public = True


def query_param(request: Request, name: str) -> str | None:
    """A query parameter by its snake_case name, also accepting the seed's camelCase spelling (groupId)."""
    value = request.query_params.get(name)
    if value is None:
        head, *rest = name.split("_")
        value = request.query_params.get(head + "".join(part.title() for part in rest))
    return value


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id in a request body, resolved only among the rows the caller may see (others do not exist)."""

    def __init__(self, visible: Callable[[Any], QuerySet], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.visible(self.context["request"].user)
