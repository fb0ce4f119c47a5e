"""The teacher's (and the office's) parent pages: the list with an Azerbaijani search, and a parent's page with
their children and a new password on a printable slip. Parents are created and linked with a student
(bekrin/web/views/students.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from bekrin.accounts.people import parents_visible_to
from bekrin.core.roles import STAFF
from bekrin.students.filters import ParentFilters
from bekrin.students.selectors import parent_rows
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.lists import list_page
from bekrin.web.views.slips import password_slip


@for_roles(STAFF)
@require_GET
def parent_list(request: HttpRequest) -> HttpResponse:
    page = list_page(request, parent_rows(parents_visible_to(signed_in_user(request))), ParentFilters)
    return render(request, "web/teacher/parents/list.html", {"page": page}, status=page.status)


@for_roles(STAFF)
@require_GET
def parent_page(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(parent_rows(parents_visible_to(signed_in_user(request))), pk=pk)
    return render(request, "web/teacher/parents/detail.html", {"parent": parent})


@for_roles(STAFF)
@require_POST
def parent_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new generated password for the parent, on a slip to print and hand over."""
    return password_slip(request, get_object_or_404(parents_visible_to(signed_in_user(request)), pk=pk))
