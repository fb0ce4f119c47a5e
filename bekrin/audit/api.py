"""The audit trail over HTTP: read-only, for the school's staff (there is no write method to call)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.audit.filters import AuditFilters
from bekrin.audit.permissions import AUDITED_MODELS, audit_events_visible_to
from bekrin.audit.selectors import audit_event_list, event_snapshot
from bekrin.core.api_base import ApiView, query_param
from bekrin.core.filters import ListView
from bekrin.core.roles import STAFF
from bekrin.core.serializers import PersonRefOut


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField(source="pgh_id")
    object_id = serializers.IntegerField(source="pgh_obj_id")
    event = serializers.CharField(
        source="pgh_label", help_text="insert, update, delete, or (users) password_change: the event, never the hash"
    )
    at = serializers.DateTimeField(source="pgh_created_at")
    actor = serializers.SerializerMethodField(help_text="Who made the change; null outside a request (a command).")
    path = serializers.CharField(allow_null=True, help_text="The request's path (/api/…, /admin/…), or null.")
    values = serializers.SerializerMethodField(
        help_text="The tracked fields as they were after the change (before a delete)."
    )

    @extend_schema_field(PersonRefOut(allow_null=True))
    def get_actor(self, event: Any) -> dict[str, Any] | None:
        if event.actor_id is None:
            return None
        return {"id": event.actor_id, "full_name": event.actor_name or ""}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_values(self, event: Any) -> dict[str, Any]:
        return event_snapshot(event)


class AuditListView(ListView, ApiView):
    """Who changed an attendance cell, payment, answer key, attempt score, membership or user, and when."""

    allowed_roles = STAFF
    filterset_class = AuditFilters

    def visible(self, user: Any) -> QuerySet:
        model = query_param(self.request, "model")
        # Another `model` is refused by AuditFilters before any row is read; the table then does not matter.
        return audit_events_visible_to(user, model if model in AUDITED_MODELS else min(AUDITED_MODELS))

    @extend_schema(
        operation_id="teacher_audit_list",
        responses={200: AuditEventOut(many=True)},
        summary="The audit trail of the caller's school, newest first",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(audit_event_list(self.get_queryset())))
        return self.get_paginated_response(AuditEventOut(page, many=True).data)
