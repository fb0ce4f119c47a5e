"""Benchmark of test grading at school scale: regrading after a key change, and submits under contention.

    DEBUG=true .venv/bin/python bench/assessments_bench.py

Creates its own database (`bench_assessments`, on the same PostgreSQL server) and drops it at the end. A 40-question
test (30 MCQ, 10 numeric) is taken by 3,000 students; their submitted attempts are graded once through the answer
key endpoint (which creates the 3,000 summary rows), then the key is changed and saved again through the endpoint
(the regrade, written in bulk). Then 40 students of one group submit at the same moment, from 40 connections.
Targets on the 2-core machine: a regrade of 3,000 attempts under 2 s; the 40 parallel submits under 5 s in all.
"""

# ruff: noqa: E402 - Django must be set up before the project's modules are imported.

import os
import sys
import threading
import time
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
from bekrin.assessments.models import AttemptStatus, Test, TestAssignment, TestAttempt, TestResult, TestType
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.students.models import StudentProfile

STUDENTS = 3_000
PARALLEL = 40
MCQ = {str(n): "ABCD"[n % 4] for n in range(1, 31)}
NUMERIC = {str(n): f"{n}.5" for n in range(31, 41)}
REGRADE_TARGET_S = 2.0
PARALLEL_TARGET_S = 5.0


def main() -> None:
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_assessments"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def client_for(user: User) -> APIClient:
    _instance, token = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def answers_of(n: int) -> dict[str, str]:
    """Student n gets about n % 40 questions right, some numeric ones with a decimal comma."""
    answers = {key: ("a" if int(key) % 4 == 1 else "B") for key in MCQ}
    answers.update({key: value.replace(".", ",") if n % 2 else value for key, value in NUMERIC.items()})
    return answers


def run() -> None:
    teacher = User.objects.create_user("teacher@bench.az", "teacher-pass-1", full_name="Müəllim", role=Role.TEACHER)
    password = make_password("student-pass-1", hasher="pbkdf2_sha256")
    students = User.objects.bulk_create(
        User(email=f"s{n}@bench.az", full_name=f"Şagird {n}", role=Role.STUDENT, password=password)
        for n in range(STUDENTS)
    )
    StudentProfile.objects.bulk_create(StudentProfile(user=student, grade="9") for student in students)
    group = StudyGroup.objects.create(teacher=teacher, name="Bench", days_of_week=[1, 4])
    GroupMembership.objects.bulk_create(GroupMembership(group=group, student=student) for student in students)
    config = {"max_attempts": 1, "time_limit_minutes": 60, "question_weights": {"40": 5}, "written_questions": []}
    test = Test.objects.create(created_by=teacher, type=TestType.EXAM, title="Bench imtahanı", config=config)
    TestAssignment.objects.create(test=test, group=group)
    now = timezone.now()
    TestAttempt.objects.bulk_create(
        TestAttempt(
            test=test,
            student=student,
            started_at=now,
            submitted_at=now,
            answers=answers_of(n),
            status=AttemptStatus.SUBMITTED,
        )
        for n, student in enumerate(students[PARALLEL:], start=PARALLEL)
    )
    teacher_client = client_for(teacher)
    url = f"/api/teacher/tests/{test.pk}/answer-key"

    started = time.perf_counter()
    first = teacher_client.post(url, {"mcq_answers": MCQ, "numeric_answers": NUMERIC}, format="json").json()
    first_s = time.perf_counter() - started
    print(f"first grading of {first['regraded']['attempts']} attempts (creates their results): {first_s:.2f} s")

    changed_key = {**MCQ, "1": "B", "2": "B"}
    started = time.perf_counter()
    second = teacher_client.put(url, {"mcq_answers": changed_key, "numeric_answers": NUMERIC}, format="json").json()
    regrade_s = time.perf_counter() - started
    print(
        f"regrade after a key change: {second['regraded']['attempts']} attempts, "
        f"{second['regraded']['scores_changed']} scores changed, {regrade_s:.2f} s (target < {REGRADE_TARGET_S:.0f} s)"
    )
    assert TestResult.objects.count() == STUDENTS - PARALLEL

    clients = [client_for(student) for student in students[:PARALLEL]]
    attempt_ids = [client.post(f"/api/student/tests/{test.pk}/attempts").json()["id"] for client in clients]
    for n, (client, attempt_id) in enumerate(zip(clients, attempt_ids, strict=True)):
        client.patch(f"/api/student/tests/attempts/{attempt_id}", {"answers": answers_of(n)}, format="json")
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def submit(client: APIClient, attempt_id: int) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(f"/api/student/tests/attempts/{attempt_id}/submit").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(clients, attempt_ids, strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    parallel_s = time.perf_counter() - started
    print(
        f"{PARALLEL} submits at the same moment: {parallel_s:.2f} s, statuses {sorted(set(statuses))} "
        f"(target < {PARALLEL_TARGET_S:.0f} s)"
    )
    if statuses != [200] * PARALLEL:
        raise SystemExit(f"the parallel submits answered {statuses}")
    record(
        "assessments regrade after a key change",
        regrade_s,
        "s",
        f"< {REGRADE_TARGET_S:.0f}",
        regrade_s < REGRADE_TARGET_S,
    )
    record(
        f"assessments {PARALLEL} parallel submits",
        parallel_s,
        "s",
        f"< {PARALLEL_TARGET_S:.0f}",
        parallel_s < PARALLEL_TARGET_S,
    )


if __name__ == "__main__":
    main()
