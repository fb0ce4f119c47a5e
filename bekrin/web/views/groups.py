"""The teacher's (and the office's) group pages: the list with its active and deleted tabs, create and edit with the
weekly schedule, one group's members added by search and ended (the history stays), delete and restore.

Input is checked by the API's serializers for the same writes (bekrin/groups/api.py), rows are read through the
groups' selectors and written by their services, as the API does.
"""

from datetime import time
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.groups.api import GroupStudentIdsIn, StudyGroupIn
from bekrin.groups.filters import GroupFilters
from bekrin.groups.models import ISO_WEEKDAYS, GroupMembership, StudyGroup, compose_display_name
from bekrin.groups.permissions import group_teachers_visible_to, groups_visible_to
from bekrin.groups.selectors import group_detail_rows, group_rows
from bekrin.groups.services import (
    GroupFields,
    group_create,
    group_restore,
    group_soft_delete,
    group_update,
    memberships_add,
    memberships_end,
)
from bekrin.students.filters import StudentFilters
from bekrin.students.selectors import by_name
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.forms import checked_input, refusal_errors
from bekrin.web.lists import list_page

DAYS = [(day, WEEKDAYS[day - 1]) for day in ISO_WEEKDAYS]


@for_roles(STAFF)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    visible = groups_visible_to(signed_in_user(request), include_deleted=True)
    page = list_page(request, group_rows(visible), GroupFilters)
    context = {"page": page, "deleted": page.deleted_tab}
    return render(request, "web/teacher/groups/list.html", context, status=page.status)


def _posted_group(request: HttpRequest) -> dict[str, Any]:
    """The form as the API's StudyGroupIn takes it: unset optional fields left out or null."""
    post = request.POST
    data: dict[str, Any] = {
        "name": post.get("name", ""),
        "code": post.get("code") or None,
        "days_of_week": post.getlist("days_of_week"),
        "start_time": post.get("start_time") or None,
        "is_active": "is_active" in post,
        "sort_order": post.get("sort_order") or None,
    }
    if post.get("teacher_id"):
        data["teacher_id"] = post["teacher_id"]
    return data


def _form_values(group: StudyGroup | None, user: User) -> dict[str, Any]:
    if group is None:
        return {"name": "", "code": "", "days_of_week": [], "start_time": "", "is_active": True, "sort_order": "",
                "teacher_id": user.pk}  # fmt: skip
    return {
        "name": group.name,
        "code": group.code or "",
        "days_of_week": group.days_of_week,
        "start_time": group.start_time.strftime("%H:%M") if group.start_time else "",
        "is_active": group.is_active,
        "sort_order": "" if group.sort_order is None else group.sort_order,
        "teacher_id": group.teacher_id,
    }


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def group_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (`pk` None) or edit a group; the display name is shown as it will be while the form is typed in."""
    user = signed_in_user(request)
    group = get_object_or_404(group_rows(groups_visible_to(user)), pk=pk) if pk is not None else None
    values = _form_values(group, user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _posted_group(request)
        data, errors = checked_input(StudyGroupIn, values, request)
        if data is not None:
            try:
                if group is None:
                    saved = group_create(actor=user, **data)
                else:
                    saved = group_update(group=group, changes=cast(GroupFields, data))
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                messages.success(request, _("The group is saved."))
                return redirect("web:group", pk=saved.pk)
        values["days_of_week"] = [int(day) for day in values["days_of_week"] if str(day).isdigit()]
    context = {
        "group": group,
        "values": values,
        "errors": errors,
        "days": DAYS,
        "teachers": list(by_name(group_teachers_visible_to(user))),
        "display_name": _display_name(values),
    }
    return render(request, "web/teacher/groups/form.html", context, status=400 if errors else 200)


def _display_name(values: Any) -> str:
    """The display name the values would give (the model's own rule), for whatever was typed so far."""
    days = sorted(
        {int(day) for day in values.get("days_of_week", []) if str(day).isdigit() and int(day) in ISO_WEEKDAYS}
    )
    try:
        start = time.fromisoformat(values.get("start_time") or "")
    except ValueError:
        start = None
    return compose_display_name(
        code=(values.get("code") or "").strip() or None, name=(values.get("name") or "").strip(), days_of_week=days,
        start_time=start,
    )  # fmt: skip


@for_roles(STAFF)
@require_GET
def group_display_name(request: HttpRequest) -> HttpResponse:
    """The form's live display name: an htmx fragment, computed by the model's rule."""
    values = {**request.GET.dict(), "days_of_week": request.GET.getlist("days_of_week")}
    return HttpResponse(escape(_display_name(values)))


@for_roles(STAFF)
@require_GET
def group_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One group: its members (with a search to add more), its former members, delete or restore."""
    user = signed_in_user(request)
    group = get_object_or_404(group_detail_rows(groups_visible_to(user, include_deleted=True)), pk=pk)
    former = (
        GroupMembership.objects.filter(group=group, is_active=False)
        .select_related("student")
        .order_by("-left_at", "student_id")
    )
    context: dict[str, Any] = {"group": group, "former": list(former), "candidates": None}
    if request.GET.get("search") and group.deleted_at is None:
        members = {membership.student_id for membership in group.active_memberships}  # type: ignore[attr-defined]
        context["candidates"] = list_page(request, by_name(students_visible_to(user)), StudentFilters)
        context["members"] = members
    return render(request, "web/teacher/groups/detail.html", context)


def _live_group(request: HttpRequest, pk: int) -> StudyGroup:
    return get_object_or_404(groups_visible_to(signed_in_user(request)), pk=pk)


@for_roles(STAFF)
@require_POST
def group_members_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = _live_group(request, pk)
    data, errors = checked_input(GroupStudentIdsIn, {"student_ids": request.POST.getlist("student_ids")}, request)
    if data is None:
        for field_messages in errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("web:group", pk=group.pk)
    memberships_add(group=group, students=data["student_ids"])
    names = ", ".join(student.full_name for student in data["student_ids"])
    messages.success(request, _("Added to the group: %(names)s.") % {"names": names})
    return redirect("web:group", pk=group.pk)


@for_roles(STAFF)
@require_POST
def group_member_end(request: HttpRequest, pk: int, student_id: int) -> HttpResponse:
    group = _live_group(request, pk)
    student = get_object_or_404(students_visible_to(signed_in_user(request)), pk=student_id)
    memberships_end(group=group, students=[student])
    messages.success(request, _("%(name)s left the group; their attendance stays.") % {"name": student.full_name})
    return redirect("web:group", pk=group.pk)


@for_roles(STAFF)
@require_POST
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = group_soft_delete(group=_live_group(request, pk))
    messages.success(request, _("%(name)s is deleted. It can be restored from the Deleted tab.") % {
        "name": group.display_name})  # fmt: skip
    return redirect("web:groups")


@for_roles(STAFF)
@require_POST
def group_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    visible = groups_visible_to(signed_in_user(request), include_deleted=True)
    group = group_restore(group=get_object_or_404(visible, pk=pk))
    messages.success(request, _("%(name)s is restored.") % {"name": group.display_name})
    return redirect("web:group", pk=group.pk)
