"""Admin building blocks: tenant scoping, Azerbaijani-aware search, soft-deleted rows visible and restorable."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from bekrin.core.errors import DomainError
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


def changed_values(form: Any, names: Iterable[str]) -> Any:
    """The cleaned values of the fields among `names` that the form changed: the "changes" a service applies."""
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


def _choices_for(request: HttpRequest, related: type[Model]) -> QuerySet | None:
    """The rows of `related` a staff user may pick: their school's, never a superuser; None when unrestricted."""
    if _is_superuser(request):
        return None
    if related is Organization:
        return Organization.objects.filter(pk=request.user.organization_id)  # type: ignore[union-attr,misc]
    path = _tenant_path_of(related)
    if path is None:
        return None
    choices = related._default_manager.filter(same_tenant(request.user, path))  # type: ignore[arg-type]
    if "is_superuser" in {field.name for field in related._meta.get_fields()}:
        choices = choices.exclude(is_superuser=True)
    return choices


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """Labels only ids the field accepts, so an id of another school typed into the URL shows nothing."""

    def __init__(self, *args: Any, accepted: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = accepted

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        try:
            accepted = self.accepted.filter(**{self.rel.get_related_field().name: value}).exists()
        except (ValueError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value) if accepted else ("", "")


class TenantScopedMixin:
    """Foreign keys of a form (a model's or an inline's) offer, accept and label only the staff user's school."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Choices and raw-id validation both use this queryset, so another school's ids are refused.
        choices = _choices_for(request, db_field.related_model)
        if choices is not None:
            kwargs["queryset"] = choices
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if choices is not None and isinstance(getattr(formfield, "widget", None), widgets.ForeignKeyRawIdWidget):
            raw = formfield.widget
            formfield.widget = ScopedRawIdWidget(raw.rel, raw.admin_site, using=raw.db, accepted=formfield.queryset)
        return formfield


class ReadOnlyMixin:
    """Rows the admin shows and never adds, changes or deletes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, TenantScopedMixin, admin.TabularInline):
    """Rows a service owns (memberships, answer keys, test cases): shown beside their parent, written elsewhere."""

    extra = 0


class FoldedSearchAdmin(TenantScopedMixin, admin.ModelAdmin):
    """Staff see and pick only their own organization's rows (superusers see all), cannot move rows to another
    school or grant admin rights, and search finds "Əli" by "əli" or "ƏLİ" whatever the database's locale.

    Nothing is deleted by the stock Delete button or "delete selected": deletions have consequences (balances,
    logins, history) that only the services and the soft-delete actions keep. Admins of rows a service owns set
    `read_only`; what each role may open is decided by `User.has_perm` (bekrin.accounts.permissions).
    """

    # The lookup path from the row to its organization; models without the column reach it through a relation.
    tenant_path = "organization"
    read_only = False

    def rows(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.rows(request)
        if _is_superuser(request):
            return queryset
        return queryset.filter(same_tenant(request.user, self.tenant_path))  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.read_only and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A service refusing the save (a taken email, a weak password) rolls the form's transaction back and is
        # shown as a message on the same form, not as a 500.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if _is_superuser(request):
            return readonly
        own_fields = {field.name for field in self.model._meta.get_fields()}
        return readonly + tuple(name for name in _SUPERUSER_FIELDS if name in own_fields)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if not _is_superuser(request):
            filters = [f for f in filters if not (isinstance(f, str) and f.endswith("organization"))]
        # A relation's filter lists only the related rows the visible rows point at, not every school's.
        return [
            (f, admin.RelatedOnlyFieldListFilter)
            if isinstance(f, str) and get_fields_from_path(self.model, f)[-1].is_relation
            else f
            for f in filters
        ]

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
    """Lists deleted rows too (filterable), and soft-deletes or restores them in bulk, each row through its model's
    services (which lock the row and keep the consequences: a balance, a login, memberships); a subclass names
    them in soft_delete/restore."""

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
        raise NotImplementedError("call the model's soft-delete service")

    def restore(self, obj: Any) -> None:
        raise NotImplementedError("call the model's restore service")

    def _each(self, request: HttpRequest, rows: QuerySet, service: Callable[[Any], None], done: Any) -> None:
        picked = list(rows)
        for obj in picked:
            service(obj)
        self.message_user(request, done % {"count": len(picked)}, messages.SUCCESS)

    @admin.action(description=_("Soft-delete selected rows"))
    def soft_delete_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        alive = queryset.filter(deleted_at__isnull=True)
        self._each(request, alive, self.soft_delete, _("%(count)d rows deleted."))

    @admin.action(description=_("Restore selected rows"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        deleted = queryset.filter(deleted_at__isnull=False)
        self._each(request, deleted, self.restore, _("%(count)d rows restored."))


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
