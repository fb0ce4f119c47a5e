"""Two teachers saving the same cells at the same moment: real parallel requests, each on its own connection."""

from datetime import date, timedelta
from functools import partial

import pytest
from django.utils.dateparse import parse_datetime

from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

REQUESTS = 20
DATES = [date(2026, 3, 2) + timedelta(days=7 * week) for week in range(4)]
STATUSES = list(AttendanceStatus)


def request_items(number: int, group, students) -> list[dict]:
    """Request n writes two of the four dates for every student (each date is written by half the requests),
    every fifth request also clears a cell, and odd requests list their cells backwards."""
    days = [DATES[number % 4], DATES[(number + 1) % 4]]
    items = [
        {
            "group_id": group.pk,
            "student_id": student.pk,
            "lesson_date": day.isoformat(),
            "status": STATUSES[number % 4],
            "note": f"sorğu {number}",
        }
        for day in days
        for student in students
    ]
    if number % 5 == 0:
        cleared = DATES[(number + 2) % 4]
        items.append(
            {"group_id": group.pk, "student_id": students[0].pk, "lesson_date": cleared.isoformat(), "status": None}
        )
    return items[::-1] if number % 2 else items


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_writers_leave_one_row_per_cell_and_the_last_write_wins(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    students = [StudentFactory() for _ in range(5)]
    for student in students:
        MembershipFactory(group=group, student=student)
    clients = [api_client_for(personas.teacher), api_client_for(personas.admin)]

    def write(number: int, items: list[dict]) -> object:
        return clients[number % 2].patch("/api/teacher/attendance", {"items": items}, format="json")

    # Each request's cells are worked out before the threads are released, as only the writes should race.
    jobs = [partial(write, number, request_items(number, group, students)) for number in range(REQUESTS)]
    responses: dict[int, object] = dict(enumerate(run_in_parallel(jobs)))

    assert sorted(responses) == list(range(REQUESTS))
    assert [number for number, response in responses.items() if response.status_code != 200] == []

    # Each request stamps all its cells with one marked_at, taken once it holds the group: that orders them.
    stamp = {}
    for number, response in responses.items():
        stamps = {cell["marked_at"] for cell in response.json()["items"] if cell["status"] is not None}
        assert len(stamps) == 1
        stamp[number] = parse_datetime(stamps.pop())
    assert len(set(stamp.values())) == REQUESTS

    expected = {}
    for number in sorted(range(REQUESTS), key=stamp.__getitem__):
        for item in request_items(number, group, students):
            key = (item["student_id"], date.fromisoformat(item["lesson_date"]))
            expected[key] = None if item["status"] is None else (item["status"], item["note"], stamp[number])
    expected = {key: value for key, value in expected.items() if value is not None}

    rows = AttendanceRecord.objects.filter(group=group)
    stored = {(r.student_id, r.lesson_date): (r.status, r.note, r.marked_at) for r in rows}
    assert len(rows) == len(stored)  # one row per cell
    assert stored == expected
