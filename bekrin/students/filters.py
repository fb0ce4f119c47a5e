"""The queries of the students and parents lists (bekrin/core/filters.py says what every list takes)."""

from django.db.models import Exists, F, OuterRef, QuerySet

from bekrin.accounts.models import PEOPLE_SEARCH, User, name_sort_key
from bekrin.core.filters import DeletedFilter, ListFilterSet, ListOrdering, ScopedIdFilter, StatusAliasFilter
from bekrin.groups.models import GroupMembership
from bekrin.groups.permissions import groups_visible_to

PEOPLE_ORDERING = {
    "full_name": name_sort_key(),
    "email": F("email"),
    "created_at": F("date_joined"),
}


def _in_group(rows: QuerySet[User], group_id: int, filterset: ListFilterSet) -> QuerySet[User]:
    """Active students: the group's current members; deleted students: those who were members (their memberships
    ended with the deletion)."""
    memberships = GroupMembership.objects.filter(student=OuterRef("pk"), group_id=group_id)
    if not filterset.filters["deleted"].only_deleted(filterset.form.cleaned_data.get("deleted")):
        memberships = memberships.filter(is_active=True)
    return rows.filter(Exists(memberships))


class StudentFilters(ListFilterSet):
    search_fields = (PEOPLE_SEARCH,)

    deleted = DeletedFilter(field_name="student_profile__deleted_at", alias="status")
    status = StatusAliasFilter()
    group_id = ScopedIdFilter(
        visible=groups_visible_to, narrow=_in_group, help_text="Members of this group (also `groupId`)."
    )
    ordering = ListOrdering(
        {
            **PEOPLE_ORDERING,
            "grade": F("student_profile__grade"),
            "balance": F("student_profile__balance"),
        },
        default="Default: full_name in Azerbaijani order.",
    )

    class Meta:
        model = User
        fields: list[str] = []


class ParentFilters(ListFilterSet):
    search_fields = (PEOPLE_SEARCH,)

    ordering = ListOrdering(PEOPLE_ORDERING, default="Default: full_name in Azerbaijani order.")

    class Meta:
        model = User
        fields: list[str] = []
