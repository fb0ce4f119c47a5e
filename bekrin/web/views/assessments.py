"""The teacher's (and the office's) test and exam pages: the list with its active and deleted tabs, and a test's
page with its answer key's shape, its assignments and its attempts with the marks per question. Rows are read
through the assessments' selectors, narrowed by the API's FilterSets (bekrin/assessments/api/teacher.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bekrin.accounts.models import User
from bekrin.assessments.filters import AttemptFilters, TestFilters
from bekrin.assessments.models import AttemptStatus, TestType
from bekrin.assessments.permissions import attempts_visible_to, tests_visible_to
from bekrin.assessments.selectors import (
    answer_key_of,
    teacher_attempt_views,
    test_assignments,
    test_attempts,
    test_scheme,
    with_counts,
)
from bekrin.core.roles import STAFF
from bekrin.web.access import for_roles
from bekrin.web.lists import list_page

ASSIGNMENTS_SHOWN = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # for_roles let only a staff user in


@for_roles(STAFF)
@require_GET
def test_list(request: HttpRequest) -> HttpResponse:
    page = list_page(request, with_counts(tests_visible_to(_user(request), include_deleted=True)), TestFilters)
    context = {"page": page, "types": TestType.choices, "deleted": page.query.get("status") == "deleted"}
    return render(request, "web/teacher/tests/list.html", context, status=page.status)


@for_roles(STAFF)
@require_GET
def test_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A test, its assignments (the latest) and its attempts a page at a time, each with its marks."""
    user = _user(request)
    test = get_object_or_404(with_counts(tests_visible_to(user, include_deleted=True)), pk=pk)
    page = list_page(request, test_attempts(attempts_visible_to(user), test=test), AttemptFilters)
    attempts = teacher_attempt_views(page.rows, test, timezone.now())
    context = {
        "test": test,
        "key": answer_key_of(test),
        "questions": test_scheme(test).questions,
        "assignments": list(test_assignments(test)[:ASSIGNMENTS_SHOWN]),
        "page": page,
        "attempts": attempts,
        "statuses": AttemptStatus.choices,
    }
    return render(request, "web/teacher/tests/detail.html", context, status=page.status)
