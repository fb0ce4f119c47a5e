"""The teacher's (and the office's) student pages: the list with its active and deleted tabs, search and group
filter; create (with groups and a new or an existing parent) showing the generated passwords once; a student's page
with groups, parents, attendance, balance, payments, coding and tests; edit; soft delete, restore, and the deletion
for good behind a page that names what it removes.

Input is checked by the API's serializers for the same writes (bekrin/students/api.py), rows are read through the
students' selectors and written by their services.
"""

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.parents.selectors import children_dashboard
from bekrin.students.api import StudentCreateIn, StudentPatchIn
from bekrin.students.filters import StudentFilters
from bekrin.students.selectors import hard_delete_preview, student_rows
from bekrin.students.services import (
    ParentInput,
    StudentChanges,
    student_create,
    student_hard_delete,
    student_restore,
    student_soft_delete,
    student_update,
)
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.forms import checked_input, refusal_errors
from bekrin.web.lists import list_page
from bekrin.web.views.slips import password_slip

PERSON_FIELDS = ("full_name", "email", "phone", "grade", "notes", "password")
PARENT_FIELDS = ("full_name", "email", "phone", "relation")


def _groups(user: User) -> list:
    return list(group_rows(groups_visible_to(user)))


@for_roles(STAFF)
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = list_page(request, student_rows(students_visible_to(user, include_deleted=True)), StudentFilters)
    context = {"page": page, "deleted": page.deleted_tab, "groups": _groups(user)}
    return render(request, "web/teacher/students/list.html", context, status=page.status)


def _posted_student(request: HttpRequest, *, with_parent: bool) -> dict[str, Any]:
    """The form as the API's StudentCreateIn / StudentPatchIn takes it: an empty optional field left out (an
    empty password is "generate one" on create and "keep it" on edit), the parent only when an email is given."""
    post = request.POST
    data: dict[str, Any] = {name: post[name] for name in PERSON_FIELDS if post.get(name, "").strip()}
    data.setdefault("full_name", "")
    data.setdefault("email", "")
    data.setdefault("grade", "")
    data["group_ids"] = post.getlist("group_ids")
    if with_parent and post.get("parent_email", "").strip():
        data["parent"] = {name: post.get(f"parent_{name}", "") for name in PARENT_FIELDS}
    return data


def _form_context(user: User, values: dict[str, Any], errors: dict[str, list[str]], student: User | None) -> dict:
    chosen = {str(pk) for pk in values.get("group_ids", [])}
    return {"values": values, "errors": errors, "student": student, "groups": _groups(user), "chosen": chosen}


@for_roles(STAFF)
@never_cache
@require_http_methods(["GET", "POST"])
def student_new(request: HttpRequest) -> HttpResponse:
    """Create a student (user, profile, groups, a parent found by email or created) in one transaction; the
    generated passwords are shown on the answer to this request only, never stored or shown again."""
    user = signed_in_user(request)
    values: dict[str, Any] = {"group_ids": [request.GET["group_id"]] if request.GET.get("group_id") else []}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _posted_student(request, with_parent=True)
        data, errors = checked_input(StudentCreateIn, values, request)
        if data is not None:
            parent = data.pop("parent", None)
            try:
                created = student_create(actor=user, parent=ParentInput(**parent) if parent else None, **data)
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                context = {"student": created.student, "passwords": created.passwords, "parent": created.parent}
                return render(request, "web/teacher/students/created.html", context, status=201)
        for name in PARENT_FIELDS:
            values[f"parent_{name}"] = request.POST.get(f"parent_{name}", "")
    return render(request, "web/teacher/students/form.html", _form_context(user, values, errors, None),
                  status=400 if errors else 200)  # fmt: skip


@for_roles(STAFF)
@require_GET
def student_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = get_object_or_404(student_rows(students_visible_to(user, include_deleted=True)), pk=pk)
    card = children_dashboard(viewer=user, children=[student], today=timezone.localdate())[0]
    return render(request, "web/teacher/students/detail.html", {"student": student, "card": card})


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = get_object_or_404(student_rows(students_visible_to(user)), pk=pk)
    profile = student.student_profile
    values: dict[str, Any] = {
        "full_name": student.full_name, "email": student.email, "phone": student.phone or "",
        "grade": profile.grade, "notes": profile.notes or "",
        "group_ids": [membership.group_id for membership in student.active_memberships],  # type: ignore[attr-defined]
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _posted_student(request, with_parent=False)
        values.setdefault("notes", None)
        values.setdefault("phone", None)
        data, errors = checked_input(StudentPatchIn, values, request)
        if data is not None:
            try:
                student_update(student=student, changes=cast(StudentChanges, data))
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                messages.success(request, _("The student is saved."))
                return redirect("web:student", pk=student.pk)
    return render(request, "web/teacher/students/form.html", _form_context(user, values, errors, student),
                  status=400 if errors else 200)  # fmt: skip


@for_roles(STAFF)
@require_POST
def student_delete(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(students_visible_to(signed_in_user(request)), pk=pk)
    student_soft_delete(student=student)
    messages.success(request, _("%(name)s is deleted: they cannot log in, their history stays. It can be restored "
                                "from the Deleted tab.") % {"name": student.full_name})  # fmt: skip
    return redirect("web:students")


@for_roles(STAFF)
@require_POST
def student_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(students_visible_to(signed_in_user(request), include_deleted=True), pk=pk)
    student_restore(student=student)
    messages.success(request, _("%(name)s is restored.") % {"name": student.full_name})
    return redirect("web:student", pk=student.pk)


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def student_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Deleting a soft-deleted student for good: a page that names every row it removes, then the deletion."""
    user = signed_in_user(request)
    rows = students_visible_to(user, include_deleted=True).select_related("student_profile")
    student = get_object_or_404(rows, pk=pk)
    if request.method == "POST":
        try:
            removed = student_hard_delete(student=student)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("web:student", pk=student.pk)
        total = sum(removed.values())
        messages.success(request, _("%(name)s is deleted for good (%(rows)s rows).") % {
            "name": student.full_name, "rows": total})  # fmt: skip
        return redirect("web:students")
    context = {"student": student, "removes": hard_delete_preview(student)}
    return render(request, "web/teacher/students/erase.html", context)


@for_roles(STAFF)
@require_POST
def student_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new generated password for the student, on a slip to print and hand over."""
    return password_slip(request, get_object_or_404(students_visible_to(signed_in_user(request)), pk=pk))
