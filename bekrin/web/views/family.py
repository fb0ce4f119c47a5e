"""The homes of students and parents: what the API's dashboards show, read through the same selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.roles import PARENTS, STUDENTS
from bekrin.parents.selectors import children_dashboard
from bekrin.students.selectors import student_rows
from bekrin.web.access import for_roles


def _cards(viewer: User) -> list:
    """The dashboard card of each student the viewer may see: a parent's children, a student themself."""
    students = list(student_rows(students_visible_to(viewer)))
    return children_dashboard(viewer=viewer, children=students, today=timezone.localdate())


@for_roles(STUDENTS)
@require_GET
def student_home(request: HttpRequest) -> HttpResponse:
    cards = _cards(request.user)  # type: ignore[arg-type]  # for_roles let only a student in
    return render(request, "web/family/home.html", {"cards": cards, "own": True})


@for_roles(PARENTS)
@require_GET
def parent_home(request: HttpRequest) -> HttpResponse:
    cards = _cards(request.user)  # type: ignore[arg-type]  # for_roles let only a parent in
    return render(request, "web/family/home.html", {"cards": cards, "own": False})
