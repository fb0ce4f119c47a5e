"""The teacher's (and the office's) test and exam pages: the list with its active and deleted tabs, a test's page
with its questions, its assignments and its attempts with the marks per question, and an attempt's page where the
written answers are marked. Rows are read
through the assessments' selectors, narrowed by the API's FilterSets (bekrin/assessments/api/teacher.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bekrin.assessments.api.teacher import AnswerKeyIn, AssignmentIn, TestWriteIn
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
from bekrin.assessments.services import answer_key_save, assignment_create, attempt_mark_written
from bekrin.assessments.services import test_create as create_test  # not `test_…`: a name pytest would collect
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.forms import checked_input, refusal_errors
from bekrin.web.lists import list_page

ASSIGNMENTS_SHOWN = 50


@for_roles(STAFF)
@require_GET
def test_list(request: HttpRequest) -> HttpResponse:
    page = list_page(request, with_counts(tests_visible_to(signed_in_user(request), include_deleted=True)), TestFilters)
    context = {"page": page, "types": TestType.choices, "deleted": page.deleted_tab}
    return render(request, "web/teacher/tests/list.html", context, status=page.status)


@for_roles(STAFF)
@require_GET
def test_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A test, its assignments (the latest) and its attempts a page at a time, each with its marks."""
    user = signed_in_user(request)
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
        "groups": list(group_rows(groups_visible_to(user))),
    }
    return render(request, "web/teacher/tests/detail.html", context, status=page.status)


def _whole(typed: str) -> object:
    """A typed whole number as the JSON number the settings take; anything else as typed, for the service to
    refuse with its own message."""
    return int(typed) if typed.strip().isdigit() else typed


def _posted_test(request: HttpRequest) -> dict[str, object]:
    """The form as the API's TestWriteIn takes it: the settings it shows (attempts, time limit) as `config`."""
    post = request.POST
    config: dict[str, object] = {"max_attempts": _whole(post.get("max_attempts") or "1")}
    if post.get("time_limit_minutes"):
        config["time_limit_minutes"] = _whole(post["time_limit_minutes"])
    data: dict[str, object] = {"title": post.get("title", ""), "type": post.get("type", ""), "config": config,
                               "is_active": "is_active" in post}  # fmt: skip
    if post.get("pdf_url", "").strip():
        data["pdf_url"] = post["pdf_url"].strip()
    if request.FILES.get("pdf"):
        data["pdf"] = request.FILES["pdf"]
    return data


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def test_new(request: HttpRequest) -> HttpResponse:
    """A new test or exam: title, type, attempts, time limit, and its paper (a PDF of at most 20 MB, or a link)."""
    values: dict[str, object] = {"type": TestType.QUIZ, "max_attempts": 1, "is_active": True}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {**request.POST.dict(), "is_active": "is_active" in request.POST}
        data, errors = checked_input(TestWriteIn, _posted_test(request), request)
        if data is not None:
            try:
                test = create_test(author=signed_in_user(request), **data)
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                messages.success(request, _("The test is created: give it its answer key, then assign it."))
                return redirect("web:test", pk=test.pk)
    context = {"values": values, "errors": errors, "types": TestType.choices}
    return render(request, "web/teacher/tests/form.html", context, status=400 if errors else 200)


@for_roles(STAFF)
@require_POST
def test_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assigns the test to a group (its members at any moment) in an optional window."""
    test = get_object_or_404(tests_visible_to(signed_in_user(request)), pk=pk)
    asked = {
        name: request.POST[name] for name in ("group_id", "available_from", "available_to") if request.POST.get(name)
    }
    data, errors = checked_input(AssignmentIn, asked, request)
    if data is not None:
        try:
            assignment_create(test=test, **data)
        except DomainError as error:
            errors = refusal_errors(error)
    for field_messages in errors.values():
        for message in field_messages:
            messages.error(request, message)
    if not errors:
        messages.success(request, _("The test is assigned."))
    return redirect("web:test", pk=test.pk)


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An attempt's answers and marks; the written questions get their marks here (every one needs a mark, from 0
    to its weight), which grades the attempt, as the API's PATCH does."""
    rows = attempts_visible_to(signed_in_user(request)).select_related("student", "result", "test", "test__answer_key")
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


KEY_LETTERS = ("A", "B", "C", "D", "E")
KEY_ROWS = 20  # a new sheet's questions; "more rows" adds ten at a time
MAX_KEY_ROWS = 200


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def answer_key_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer key as a sheet: for each question number a letter (A–E) or a number; written questions are the
    test's own and need no key. Saving a changed key grades every closed attempt again and says how many changed."""
    test = get_object_or_404(tests_visible_to(signed_in_user(request)), pk=pk)
    key = answer_key_of(test)
    mcq = dict(key.mcq_answers) if key else {}
    numeric = {number: str(value) for number, value in (key.numeric_answers if key else {}).items()}
    written = {str(number) for number in (test.config or {}).get("written_questions") or []}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = _row_count(request.POST.get("rows"), 0)
        mcq = {str(n): request.POST[f"q{n}"] for n in range(1, rows + 1) if request.POST.get(f"q{n}") in KEY_LETTERS}
        numeric = {str(n): request.POST[f"n{n}"].strip() for n in range(1, rows + 1)
                   if request.POST.get(f"n{n}", "").strip() and str(n) not in mcq}  # fmt: skip
        data, errors = checked_input(AnswerKeyIn, {"mcq_answers": mcq, "numeric_answers": numeric}, request)
        if data is not None:
            try:
                _key, regraded = answer_key_save(test=test, **data)
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                messages.success(request, _("The answer key is saved; %(attempts)s attempts graded again, "
                                            "%(changed)s of them with a new score.") % {
                    "attempts": regraded.attempts, "changed": regraded.scores_changed})  # fmt: skip
                return redirect("web:test", pk=test.pk)
    numbers = [int(n) for n in [*mcq, *numeric, *written] if str(n).isdigit()]
    rows = max(_row_count(request.GET.get("rows"), KEY_ROWS), max(numbers, default=0))
    sheet = [
        {"number": n, "letter": mcq.get(str(n), ""), "value": numeric.get(str(n), ""), "written": str(n) in written}
        for n in range(1, rows + 1)
    ]
    context = {"test": test, "sheet": sheet, "letters": KEY_LETTERS, "rows": rows, "errors": errors}
    return render(request, "web/teacher/tests/key.html", context, status=400 if errors else 200)


def _row_count(raw: str | None, default: int) -> int:
    return min(int(raw), MAX_KEY_ROWS) if raw and raw.isdigit() else default
