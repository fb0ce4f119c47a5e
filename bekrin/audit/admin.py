"""The audit trail in the admin: the school office (`admin` role) and superusers read their school's events; nobody
adds, changes or deletes one (the tables are append-only besides)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bekrin.accounts.permissions import is_office_user
from bekrin.audit.permissions import AUDITED_MODELS
from bekrin.audit.selectors import event_snapshot, with_actor
from bekrin.core.admin import FoldedSearchAdmin, ReadOnlyMixin


class AuditEventAdmin(ReadOnlyMixin, FoldedSearchAdmin):
    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "actor", "path")
    list_filter = ("pgh_label",)
    ordering = ("-pgh_created_at", "-pgh_id")
    actions = None
    fields = ("pgh_created_at", "pgh_label", "pgh_obj_id", "actor", "path", "snapshot")
    readonly_fields = fields

    def rows(self, request: HttpRequest) -> QuerySet:
        return with_actor(super().rows(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_office_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    @admin.display(description=_("who"))
    def actor(self, event: Any) -> str:
        return event.actor_name or "—"

    @admin.display(description=_("path"))
    def path(self, event: Any) -> str:
        return event.path or "—"

    @admin.display(description=_("recorded fields"))
    def snapshot(self, event: Any) -> str:
        return ", ".join(f"{name}={value}" for name, value in event_snapshot(event).items())


for tracked, tenant_path in AUDITED_MODELS.values():
    admin.site.register(
        tracked.pgh_event_model,  # type: ignore[attr-defined]
        type(f"{tracked.__name__}EventAdmin", (AuditEventAdmin,), {"tenant_path": tenant_path}),
    )
