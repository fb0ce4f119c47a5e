"""Reads of the audit trail: newest first, each event with who made it (from the context its trigger stored)."""

from typing import Any

from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from bekrin.accounts.models import User


def with_actor(events: QuerySet) -> QuerySet:
    """Adds `actor_id` and `actor_name` (NULL for a change outside a request: a command, a migration, raw SQL)."""
    actor_id = Cast(KeyTextTransform("user", "pgh_context__metadata"), BigIntegerField())
    return events.annotate(
        actor_id=actor_id,
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("full_name")[:1]),
        path=KeyTextTransform("url", "pgh_context__metadata"),
    )


def audit_event_list(visible: QuerySet) -> QuerySet:
    return with_actor(visible).order_by("-pgh_created_at", "-pgh_id")


def event_snapshot(event: Any) -> dict[str, Any]:
    """The tracked row's fields as the event recorded them (`organization_id`, `status`, ...); the API's JSON
    encoder writes decimals and dates as strings."""
    return {
        field.attname: field.value_from_object(event)
        for field in event._meta.concrete_fields
        if not field.name.startswith("pgh_")
    }
