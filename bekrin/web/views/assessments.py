"""The teacher's (and the office's) test and exam pages: the list with its active and deleted tabs, a test's page
with its questions, its assignments and its attempts with the marks per question, and an attempt's page where the
written answers are marked. Rows are read
through the assessments' selectors, narrowed by the API's FilterSets (bekrin/assessments/api/teacher.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bekrin.accounts.models import User
from bekrin.assessments.filters import AttemptFilters, TestFilters
from bekrin.assessments.models import AttemptStatus, TestType
from bekrin.assessments.permissions import attempts_visible_to, tests_visible_to
from bekrin.assessments.scoring import parse_number
from bekrin.assessments.selectors import (
    answer_key_of,
    attempt_view,
    teacher_attempt_views,
    test_assignments,
    test_attempts,
    test_scheme,
    with_counts,
)
from bekrin.assessments.services import attempt_mark_written
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.web.access import for_roles
from bekrin.web.forms import refusal_errors
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


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An attempt's answers and marks; the written questions get their marks here (every one needs a mark, from 0
    to its weight), which grades the attempt, as the API's PATCH does."""
    rows = attempts_visible_to(_user(request)).select_related("student", "result", "test", "test__answer_key")
    attempt = get_object_or_404(rows, pk=pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        scheme = test_scheme(attempt.test)
        typed = {str(q.number): request.POST.get(f"mark-{q.number}", "").strip() for q in scheme.written}
        try:
            # A typed mark is a number to the service, as the API's JSON number is ("2,5" reads as 2.5).
            parsed = {number: parse_number(mark) for number, mark in typed.items() if mark}
            marks = {number: typed[number] if mark is None else mark for number, mark in parsed.items()}
            attempt_mark_written(attempt=attempt, written_scores=marks)
        except DomainError as error:
            errors = refusal_errors(error)
        else:
            messages.success(request, _("The marks are saved."))
            return redirect("web:test", pk=attempt.test_id)
    view = attempt_view(attempt, test_scheme(attempt.test), None, timezone.now())
    questions = [
        {"question": q, "answer": (attempt.answers or {}).get(str(q.number)),
         "mark": (view.marks or {}).get(str(q.number)), "written": view.written_scores.get(str(q.number), "")}
        for q in test_scheme(attempt.test).questions
    ]  # fmt: skip
    context = {"attempt": attempt, "view": view, "questions": questions, "errors": errors}
    return render(request, "web/teacher/tests/attempt.html", context, status=400 if errors else 200)
