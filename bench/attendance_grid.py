"""Benchmark of the attendance grid and of saving cells, through the real endpoints (bearer token and all).

    DEBUG=true .venv/bin/python bench/attendance_grid.py

Creates its own database (`bench_attendance`, on the same PostgreSQL server), loads 20 groups of 40 students with
a year of lessons marked three times a week (about 125,000 records), then measures a month grid, a year grid (the
366-day maximum), saving one cell and saving 1,000 cells (40 students × 25 dates), and drops the database.
Targets on the 2-core machine (p90): month grid 50 ms, year grid 200 ms, one cell 50 ms, 1,000 cells 1 s.
"""

# ruff: noqa: E402 - Django must be set up before the project's modules are imported.

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from _report import record
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import setup_test_environment
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.students.models import StudentProfile

GROUPS = 20
STUDENTS_PER_GROUP = 40
YEAR = 2025
RUNS = 20
WARMUP = 3
TARGETS_MS = {"month grid": 50.0, "year grid": 200.0, "one cell": 50.0, "1,000 cells": 1000.0}
STATUSES = [AttendanceStatus.PRESENT] * 7 + [AttendanceStatus.LATE, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]


def main() -> None:
    setup_test_environment()  # the test client's host
    connection.settings_dict["TEST"]["NAME"] = "bench_attendance"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def load() -> tuple[User, list[StudyGroup]]:
    password = make_password("bench-only-password", hasher="pbkdf2_sha256")
    teacher = User.objects.create(email="teacher@bench.az", full_name="Müəllim", role=Role.TEACHER, password=password)
    groups = StudyGroup.objects.bulk_create(
        StudyGroup(teacher=teacher, code=f"Q{n}", name=f"Qrup {n}", days_of_week=[1, 3, 5], display_name=f"Q{n}")
        for n in range(GROUPS)
    )
    students = User.objects.bulk_create(
        User(email=f"s{n}@bench.az", full_name=f"Şagird {n:04d}", role=Role.STUDENT, password=password)
        for n in range(GROUPS * STUDENTS_PER_GROUP)
    )
    StudentProfile.objects.bulk_create(StudentProfile(user=student, grade="9") for student in students)
    joined = timezone.make_aware(datetime(YEAR - 1, 9, 1))
    GroupMembership.objects.bulk_create(
        GroupMembership(group=groups[n // STUDENTS_PER_GROUP], student=student, joined_at=joined)
        for n, student in enumerate(students)
    )
    lessons = [
        date(YEAR, 1, 1) + timedelta(days=offset)
        for offset in range(365)
        if (date(YEAR, 1, 1) + timedelta(days=offset)).isoweekday() in (1, 3, 5)
    ]
    marked_at = timezone.now()
    records = (
        AttendanceRecord(
            group=groups[n // STUDENTS_PER_GROUP],
            student=student,
            lesson_date=day,
            status=STATUSES[(n + index) % len(STATUSES)],
            marked_by=teacher,
            marked_at=marked_at,
        )
        for n, student in enumerate(students)
        for index, day in enumerate(lessons)
    )
    AttendanceRecord.objects.bulk_create(records, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {GROUPS} groups × {STUDENTS_PER_GROUP} students, {AttendanceRecord.objects.count()} records")
    return teacher, groups


def measure(label: str, call: Callable[[], object]) -> None:
    for _ in range(WARMUP):
        call()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(timings, n=10)[-1]
    target = TARGETS_MS[label]
    print(f"{label:<14} median {statistics.median(timings):7.1f} ms   p90 {p90:7.1f} ms")
    record(f"attendance {label}, p90", p90, "ms", f"< {target:.0f}", p90 < target)


def run() -> None:
    teacher, groups = load()
    group = groups[0]
    student_ids = list(GroupMembership.objects.filter(group=group).values_list("student_id", flat=True))
    _instance, token = AuthToken.objects.create(user=teacher)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def grid(**period: str) -> None:
        response = client.get("/api/teacher/attendance", {"group_id": str(group.pk), **period})
        assert response.status_code == 200, response.content
        assert len(response.json()["students"]) == STUDENTS_PER_GROUP

    def save(items: list[dict]) -> None:
        response = client.patch("/api/teacher/attendance", {"items": items}, format="json")
        assert response.status_code == 200, response.content

    one = [{"group_id": group.pk, "student_id": student_ids[0], "lesson_date": f"{YEAR}-03-03", "status": "late"}]
    days = [date(YEAR, 3, 3) + timedelta(days=2 * n) for n in range(25)]
    thousand = [
        {"group_id": group.pk, "student_id": student, "lesson_date": day.isoformat(), "status": "present"}
        for student in student_ids
        for day in days
    ]
    measure("month grid", lambda: grid(month=f"{YEAR}-03"))
    measure("year grid", lambda: grid(**{"from": f"{YEAR}-01-01", "to": f"{YEAR + 1}-01-01"}))
    measure("one cell", lambda: save(one))
    measure("1,000 cells", lambda: save(thousand))


if __name__ == "__main__":
    main()
