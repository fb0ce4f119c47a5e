"""Tenancy: a user sees only rows of their own organization, and NULL is a tenant of its own (docs/DECISIONS.md,
decision 6)."""

from typing import Any, Protocol

from django.db.models import Q, QuerySet


class HasOrganization(Protocol):
    organization_id: Any


def same_tenant(user: HasOrganization, path: str = "organization") -> Q:
    """The filter for rows whose `<path>` is the user's organization; NULL matches only NULL."""
    if user.organization_id is None:
        return Q(**{f"{path}__isnull": True})
    return Q(**{f"{path}_id": user.organization_id})


def in_tenant(queryset: QuerySet, user: HasOrganization, path: str = "organization") -> QuerySet:
    return queryset.filter(same_tenant(user, path))
