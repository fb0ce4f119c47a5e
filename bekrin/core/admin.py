"""Admin building blocks: tenant scoping, Azerbaijani-aware search, soft-deleted rows visible and restorable."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import Organization
from bekrin.core.search import filter_by_search
from bekrin.core.tenancy import same_tenant


class FoldedSearchAdmin(admin.ModelAdmin):
    """Staff see their own organization's rows only (superusers see all), and search finds "Əli" by "əli" or
    "ƏLİ" whatever the database's locale."""

    # The lookup path from the row to its organization; models without the column reach it through a relation.
    tenant_path = "organization"

    def rows(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.rows(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(same_tenant(request.user, self.tenant_path))  # type: ignore[arg-type]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return filter_by_search(queryset, list(self.search_fields), search_term), False


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Active")), ("yes", _("Deleted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class SoftDeleteAdmin(FoldedSearchAdmin):
    """Lists deleted rows too (filterable), and soft-deletes or restores them in bulk."""

    actions = ["soft_delete_selected", "restore_selected"]

    def rows(self, request: HttpRequest) -> QuerySet:
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [DeletedFilter, *super().get_list_filter(request)]

    @admin.display(boolean=True, description=_("deleted"))
    def is_deleted(self, obj: Any) -> bool:
        return obj.deleted_at is not None

    @admin.action(description=_("Soft-delete selected rows"))
    def soft_delete_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())
        self.message_user(request, _("%(count)d rows deleted.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Restore selected rows"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(deleted_at__isnull=False).update(deleted_at=None)
        self.message_user(request, _("%(count)d rows restored.") % {"count": count}, messages.SUCCESS)


@admin.register(Organization)
class OrganizationAdmin(FoldedSearchAdmin):
    """Schools are managed by superusers only."""

    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission
