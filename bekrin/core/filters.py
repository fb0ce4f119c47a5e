"""What every paginated list of the API takes in its query, declared once per list as a django-filter FilterSet.

A list view names its `filterset_class` (a ListFilterSet) and reads `self.filter_list(rows)`, where `rows`
start from `visible(user)`: the filters only ever narrow the caller's scope. Every list takes `search` (each word in
one of the list's `search_fields`, Azerbaijani letters folded, bekrin/core/search.py), `ordering` (a whitelist per
list; `-` for descending; the id breaks ties so pages never overlap) and the paginator's `page` and `page_size`
(bekrin/core/pagination.py). A value a list cannot take (`?ordering=password`, `?deleted=maybe`) answers 400 in
the error shape (bekrin/core/errors.py), never a 500 or an unfiltered list; an id the caller may not see answers
404 naming the parameter, exactly like a missing one. Each parameter is also read under its camelCase name
(`groupId`), and an empty one counts as absent, as `query_param` says (bekrin/core/api_base.py).

bekrin.core.list_schema.ListSchema documents exactly that for every operation whose view has a `filterset_class`:
the filters, `search`, `ordering`, `page`, `page_size`, and the one page envelope around the item serializer the
view declares.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, OrderBy, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from bekrin.core.api_base import MAX_ID, query_param
from bekrin.core.errors import NotFound
from bekrin.core.search import FoldedTextTable, filter_by_search
from bekrin.core.serializers import in_date_years

SEARCH_MAX_LENGTH = 200


class ListOrdering(filters.OrderingFilter):
    """`?ordering=name` or `?ordering=-name,created_at`: only the keys of `fields` (each a field name or an
    expression, such as AzSortKey for names), empty values last, then the id in the same direction as the first
    key."""

    def __init__(self, fields: Mapping[str, Any], **kwargs: Any) -> None:
        """`default` says the list's order without `ordering`."""
        self.sort_by = dict(fields)
        choices = [(choice, choice) for name in self.sort_by for choice in (name, f"-{name}")]
        default = kwargs.pop("default", "")
        kwargs["help_text"] = f"{default} Comma-separated keys, `-` for descending; ties go by id.".strip()
        super().__init__(choices=choices, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        params = [param for param in (value or []) if param not in EMPTY_VALUES]
        if not params:
            return qs
        ordering: list[OrderBy] = []
        for param in params:
            descending = param.startswith("-")
            key = self.sort_by[param.removeprefix("-")]
            expression = F(key) if isinstance(key, str) else key
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        tiebreak = F("pk").desc() if params[0].startswith("-") else F("pk").asc()
        return qs.order_by(*ordering, tiebreak)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A row id (1 to the largest bigint): anything else is a 400, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class ScopedIdFilter(IdFilter):
    """An id among the rows `visible(user)` returns: any other id is a 404 naming the parameter (a row of another
    school is as missing as one that never existed). `narrow(rows, row_id, filterset)` applies it; by default rows
    whose `field_name` is the id."""

    def __init__(
        self,
        visible: Callable[[Any], QuerySet],
        narrow: Callable[[QuerySet, int, "ListFilterSet"], QuerySet] | None = None,
        **kwargs: Any,
    ) -> None:
        self.visible = visible
        self.narrow = narrow
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        row_id = int(value)
        if not self.visible(self.parent.request.user).filter(pk=row_id).exists():
            message = _("Not found: %(id)s.") % {"id": row_id}
            raise NotFound(message, fields={self.field_name: [message]})
        if self.narrow is not None:
            return self.narrow(qs, row_id, self.parent)
        return qs.filter(**{self.field_name: row_id})


class StrictBooleanField(forms.NullBooleanField):
    """The spellings of true and false the API's bodies take (DRF's BooleanField: true, 1, yes, on, …); anything
    else is an error, where Django's NullBooleanField would read it as absent."""

    def to_python(self, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return None
        if value in serializers.BooleanField.TRUE_VALUES:
            return True
        if value in serializers.BooleanField.FALSE_VALUES:
            return False
        raise ValidationError(_("Must be true or false."))

    def validate(self, value: Any) -> None:
        pass


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, **kwargs: Any) -> None:
        kwargs["widget"] = forms.TextInput  # the raw text reaches StrictBooleanField, unmapped
        super().__init__(**kwargs)


class BooleanOption(BooleanFilter):
    """A true/false choice of what the answer holds (the payments' `totals`), not a narrowing of its rows: the view
    reads it from `list_query`."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


DELETED_HELP = "true: only soft-deleted rows; false (the default): only the others."


class DeletedFilter(BooleanFilter):
    """The one active/deleted choice of every list of soft-deletable rows: `deleted=true` lists only the
    soft-deleted ones, `deleted=false` or nothing only the others. Where the contract spells it
    `status=active|deleted` (groups, students, tasks, tests), that is read as the same filter (`alias`); the two
    disagreeing is a 400."""

    def __init__(self, field_name: str = "deleted_at", alias: str | None = None, **kwargs: Any) -> None:
        self.alias = alias
        kwargs.setdefault("help_text", DELETED_HELP)
        super().__init__(field_name=field_name, **kwargs)

    def only_deleted(self, value: bool | None) -> bool:
        if self.alias is None:
            return value is True
        status = self.parent.form.cleaned_data.get(self.alias)
        if status and value is not None and (status == "deleted") != value:
            raise serializers.ValidationError({self.alias: [_("Contradicts `deleted`.")]})
        return value is True or status == "deleted"

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs.filter(**{f"{self.field_name}__isnull": not self.only_deleted(value)})


class StatusAliasFilter(filters.ChoiceFilter):
    """`status=active|deleted`, the contract's spelling of `deleted=false|true`; DeletedFilter(alias="status")
    applies it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "active (the default) or deleted: the same as `deleted=false|true`.")
        super().__init__(choices=[("active", "active"), ("deleted", "deleted")], **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


def add_date_range(filterset_class: type["ListFilterSet"], field_name: str, what: str) -> None:
    """Adds `from` and `to` (inclusive, years 1900 to 9998) on a date field, after the class since `from` is a
    Python keyword; subclasses made afterwards inherit them. ListFilterSet refuses a `to` before `from`."""
    date_filters = {
        "from": filters.DateFilter(
            field_name=field_name,
            lookup_expr="gte",
            validators=[in_date_years],
            help_text=f"{what} on or after (YYYY-MM-DD).",
        ),
        "to": filters.DateFilter(
            field_name=field_name,
            lookup_expr="lte",
            validators=[in_date_years],
            help_text=f"{what} on or before (YYYY-MM-DD).",
        ),
    }
    filterset_class.declared_filters.update(date_filters)
    filterset_class.base_filters.update(date_filters)


class ListFilterSet(filters.FilterSet):
    """The base of every list's FilterSet: `search` over `search_fields`. Each list adds its `ordering`
    (a ListOrdering) and its filters."""

    # field names, text expressions, or a FoldedTextTable that keeps the text
    search_fields: ClassVar[Sequence[str | BaseExpression | FoldedTextTable]] = ()

    search = filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Every word in one of the list's text fields; case and Azerbaijani letters are ignored "
        "(eli finds Əli, sahin Şahin).",
    )

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        first, last = self.form.cleaned_data.get("from"), self.form.cleaned_data.get("to")
        if first and last and first > last:
            self.form.add_error("to", _("Must not be before `from`."))
            return False
        return True

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_by_search(queryset, list(self.search_fields), value)

    @classmethod
    def query_data(cls, request: Request) -> dict[str, str]:
        """The query parameters this FilterSet declares, each by its snake_case or camelCase name."""
        found = {name: query_param(request, name) for name in cls.base_filters}
        return {name: value for name, value in found.items() if value is not None}


class ListFilterBackend(filters.DjangoFilterBackend):
    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: Any) -> dict[str, Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        return {"data": filterset_class.query_data(request), "queryset": queryset, "request": request}


class ListFilterExtension(DjangoFilterExtension):
    """The parameters of a view's `filterset_class`, found without calling `get_queryset` (which needs a caller)."""

    target_class = "bekrin.core.filters.ListFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        filterset_class = auto_schema.view.filterset_class
        model = filterset_class._meta.model
        parameters = []
        for name, field in filterset_class.base_filters.items():
            parameters += self.resolve_filter_field(auto_schema, model, filterset_class, name, field)
        return parameters


class ListView(GenericAPIView):
    """Mixed into an ApiView that lists: `filter_list(rows)` narrows the rows by the query its `filterset_class`
    declares. Only the list's rows: the row a URL names (a test, a child) is found by `get_object` unfiltered."""

    filterset_class: ClassVar[type[ListFilterSet]]
    page_extras: ClassVar[Mapping[str, serializers.Field]] = {}

    def filter_list(self, rows: QuerySet) -> QuerySet:
        """The rows the query selects; `list_query` keeps the query's cleaned values (a BooleanOption's among them)."""
        filterset = ListFilterBackend().get_filterset(self.request, rows, self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        self.list_query: dict[str, Any] = filterset.form.cleaned_data
        return filterset.qs
