"""Admin building blocks: tenant scoping, Azerbaijani-aware search, soft-deleted rows visible and restorable."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import Organization
from bekrin.core.search import filter_by_search
from bekrin.core.tenancy import same_tenant


def _is_superuser(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


def _tenant_path_of(model: type[Model]) -> str | None:
    """How rows of `model` reach their organization, or None for models outside any tenant."""
    if model is Organization:
        return None
    field_names = {field.name for field in model._meta.get_fields()}
    if "organization" in field_names:
        return "organization"
    if "user" in field_names:
        return "user__organization"
    return None


# Fields only a superuser may set: they move rows between schools or hand out admin rights.
_SUPERUSER_FIELDS = ("organization", "is_staff", "is_superuser")


class FoldedSearchAdmin(admin.ModelAdmin):
    """Staff see and pick only their own organization's rows (superusers see all), cannot move rows to another
    school or grant admin rights, and search finds "Əli" by "əli" or "ƏLİ" whatever the database's locale."""

    # The lookup path from the row to its organization; models without the column reach it through a relation.
    tenant_path = "organization"

    def rows(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.rows(request)
        if _is_superuser(request):
            return queryset
        return queryset.filter(same_tenant(request.user, self.tenant_path))  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Choices and raw-id validation both use this queryset, so another school's ids are refused.
        related = db_field.related_model
        if not _is_superuser(request):
            if related is Organization:
                kwargs["queryset"] = Organization.objects.filter(pk=request.user.organization_id)  # type: ignore[union-attr,misc]
            elif (path := _tenant_path_of(related)) is not None:
                kwargs["queryset"] = related._default_manager.filter(same_tenant(request.user, path))  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if _is_superuser(request):
            return readonly
        own_fields = {field.name for field in self.model._meta.get_fields()}
        return readonly + tuple(name for name in _SUPERUSER_FIELDS if name in own_fields)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if _is_superuser(request):
            return filters
        return [f for f in filters if not (isinstance(f, str) and f.endswith("organization"))]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not _is_superuser(request) and hasattr(obj, "organization_id"):
            obj.organization_id = request.user.organization_id  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)

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
    """Lists deleted rows too (filterable), and soft-deletes or restores them in bulk. Models whose deletion has
    consequences (a balance, a login) override soft_delete/restore to go through their services."""

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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Deleting and restoring go through the actions, so their side effects cannot be skipped by the form.
        return (*super().get_readonly_fields(request, obj), "deleted_at")

    def soft_delete(self, obj: Any) -> None:
        obj.mark_deleted()
        obj.save(update_fields=["deleted_at"])

    def restore(self, obj: Any) -> None:
        obj.mark_restored()
        obj.save(update_fields=["deleted_at"])

    @admin.action(description=_("Soft-delete selected rows"))
    def soft_delete_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        rows = list(queryset.filter(deleted_at__isnull=True))
        for obj in rows:
            self.soft_delete(obj)
        self.message_user(request, _("%(count)d rows deleted.") % {"count": len(rows)}, messages.SUCCESS)

    @admin.action(description=_("Restore selected rows"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        rows = list(queryset.filter(deleted_at__isnull=False))
        for obj in rows:
            self.restore(obj)
        self.message_user(request, _("%(count)d rows restored.") % {"count": len(rows)}, messages.SUCCESS)


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
