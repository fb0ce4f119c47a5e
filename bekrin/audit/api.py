"""The audit trail over HTTP: read-only, for the school's staff (there is no write method to call)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.audit.permissions import AUDITED_MODELS, audit_events_visible_to
from bekrin.audit.selectors import audit_event_list, event_snapshot
from bekrin.core.api_base import MAX_ID, ApiView, query_params, validated
from bekrin.core.roles import STAFF
from bekrin.core.serializers import PersonRefOut


class AuditQuery(serializers.Serializer):
    model = serializers.ChoiceField(choices=sorted(AUDITED_MODELS), help_text="What was changed")
    object_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only the events of this row (also `objectId`)."
    )


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


class AuditListView(ApiView):
    """Who changed an attendance cell, payment, answer key, attempt score, membership or user, and when."""

    allowed_roles = STAFF

    @extend_schema(
        operation_id="teacher_audit_list",
        parameters=[AuditQuery],
        responses={200: AuditEventOut(many=True)},
        summary="The audit trail of the caller's school, newest first",
    )
    def get(self, request: Request) -> Response:
        query = validated(self, AuditQuery, data=query_params(request, ("model", "object_id")))
        events = audit_event_list(
            visible=audit_events_visible_to(self.actor, query["model"]), object_id=query.get("object_id")
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AuditEventOut(page, many=True).data)
