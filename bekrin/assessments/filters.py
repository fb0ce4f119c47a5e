"""The queries of the tests' lists (bekrin/core/filters.py says what every list takes)."""

from django.db.models import F
from django_filters import rest_framework as filters

from bekrin.assessments.models import AttemptStatus, Test, TestAssignment, TestAttempt, TestType
from bekrin.core.filters import (
    BooleanFilter,
    DeletedFilter,
    IdFilter,
    ListFilterSet,
    ListOrdering,
    StatusAliasFilter,
)

TEST_ORDERING = {"created_at": F("created_at"), "title": F("title"), "type": F("type")}
ATTEMPT_ORDERING = {
    "started_at": F("started_at"),
    "submitted_at": F("submitted_at"),
    "score": F("score"),
    "status": F("status"),
}
NEWEST_FIRST = "Default: newest first."


class StudentTestFilters(ListFilterSet):
    search_fields = ("title",)

    type = filters.ChoiceFilter(choices=TestType.choices)
    ordering = ListOrdering(TEST_ORDERING, default=NEWEST_FIRST)

    class Meta:
        model = Test
        fields: list[str] = []


class TestFilters(StudentTestFilters):
    __test__ = False  # not a pytest test class, despite the name

    deleted = DeletedFilter(alias="status")
    status = StatusAliasFilter()
    is_active = BooleanFilter(help_text="Only tests students see (true) or the others (false).")

    class Meta(StudentTestFilters.Meta):
        pass


class AssignmentFilters(ListFilterSet):
    search_fields = ("group__display_name", "student__full_name")

    ordering = ListOrdering(
        {"created_at": F("created_at"), "available_from": F("available_from"), "available_to": F("available_to")},
        default=NEWEST_FIRST,
    )

    class Meta:
        model = TestAssignment
        fields: list[str] = []


class AttemptFilters(ListFilterSet):
    """A test's attempts, for its staff."""

    search_fields = ("student__full_name",)

    status = filters.ChoiceFilter(choices=AttemptStatus.choices)
    student_id = IdFilter(help_text="Also `studentId`.")
    ordering = ListOrdering({**ATTEMPT_ORDERING, "student": F("student__full_name")}, default=NEWEST_FIRST)

    class Meta:
        model = TestAttempt
        fields: list[str] = []


class OwnAttemptFilters(ListFilterSet):
    """A student's own attempts."""

    search_fields = ("test__title",)

    test_id = IdFilter(help_text="Also `testId`.")
    ordering = ListOrdering(ATTEMPT_ORDERING, default=NEWEST_FIRST)

    class Meta:
        model = TestAttempt
        fields: list[str] = []
