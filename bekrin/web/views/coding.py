"""The teacher's (and the office's) coding pages: tasks by topic with difficulty and points, the submissions with
their code and verdicts, and the ranking by group, topic and period. Rows are read through the coding selectors,
narrowed by the API's FilterSets and ranking query (bekrin/coding/api/teacher.py).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bekrin.accounts.models import User
from bekrin.coding.api.teacher import RankingQuery
from bekrin.coding.filters import SubmissionFilters, TaskFilters, any_task
from bekrin.coding.models import Difficulty, SubmissionStatus
from bekrin.coding.permissions import submissions_visible_to, topics_visible_to
from bekrin.coding.selectors import RankingFilters, RankingPages, submission_list, task_list, topic_list
from bekrin.core.pagination import page_rows
from bekrin.core.roles import STAFF
from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.forms import checked_input
from bekrin.web.lists import PAGE_SIZE, list_page


def _pickers(user: User) -> dict[str, Any]:
    return {
        "topics": list(topic_list(topics_visible_to(user))),
        "groups": list(group_rows(groups_visible_to(user))),
        "difficulties": Difficulty.choices,
        "statuses": SubmissionStatus.choices,
    }


@for_roles(STAFF)
@require_GET
def task_page_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = list_page(request, task_list(any_task(user)), TaskFilters)
    context = {"page": page, **_pickers(user)}
    return render(request, "web/teacher/coding/tasks.html", context, status=page.status)


@for_roles(STAFF)
@require_GET
def submission_page_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = list_page(request, submission_list(submissions_visible_to(user)), SubmissionFilters)
    context = {"page": page, **_pickers(user)}
    return render(request, "web/teacher/coding/submissions.html", context, status=page.status)


@for_roles(STAFF)
@require_GET
def submission_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission: its code as sent, its verdict, the counts of passed and failed cases and the message."""
    submission = get_object_or_404(submission_list(submissions_visible_to(signed_in_user(request))), pk=pk)
    return render(request, "web/teacher/coding/submission.html", {"submission": submission})


@for_roles(STAFF)
@require_GET
def ranking_page(request: HttpRequest) -> HttpResponse:
    """The ranking by the points of the distinct tasks solved, by group, topic and period, a page at a time; a
    row's rank is its place in the whole list."""
    user = signed_in_user(request)
    asked = {
        name: request.GET[name] for name in ("group_id", "topic_id", "from", "to", "page") if request.GET.get(name)
    }
    query, errors = checked_input(RankingQuery, asked, request)
    context: dict[str, Any] = {"asked": asked, "errors": errors, "rows": [], **_pickers(user)}
    if query is not None:
        group, topic = query.get("group_id"), query.get("topic_id")
        filters = RankingFilters(
            organization_id=user.organization_id,
            group_id=group.pk if group else None,
            topic_id=topic.pk if topic else None,
            date_from=query.get("from"),
            date_to=query.get("to"),
        )
        number = query.get("page", 1)
        rows, has_next = page_rows(RankingPages(filters), number, PAGE_SIZE)
        if number > 1 and not rows:
            raise Http404(_("Invalid page."))
        context.update(rows=rows, page={"number": number, "has_next": has_next, "count": None})
    return render(request, "web/teacher/coding/ranking.html", context, status=400 if errors else 200)
