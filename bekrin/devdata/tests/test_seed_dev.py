import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from bekrin.accounts.models import User
from bekrin.accounts.services import user_create, user_update
from bekrin.assessments import models as assessment_models
from bekrin.assessments import services as assessments
from bekrin.coding.models import CodingTask, CodingTopic, Difficulty
from bekrin.coding.services import task_create
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.groups.services import group_create, group_soft_delete, group_update, memberships_end
from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.payments.services import payment_create
from bekrin.students.models import StudentProfile
from bekrin.students.services import student_create, student_hard_delete, student_soft_delete
from bekrin.testing.server import ROOT, database_url_of_this_run, running_server

pytestmark = pytest.mark.django_db

TEACHER = "teacher@bekrin.test"
SEED_TASK = ("İki ədədin cəmi", "Giriş və çıxış")
SEED_TEST = "Riyaziyyat: kəsrlər (quiz 1)"
SEED_GROUP_NAME = "Riyaziyyat"


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _row_counts() -> dict[str, int]:
    """Every table of the database, Django's and procrastinate's included."""
    with connection.cursor() as cursor:
        counts = {}
        for table in _tables():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name
            counts[table] = cursor.fetchone()[0]
    return counts


def _contents() -> dict[str, str]:
    """A digest of every row of every table: equal only when no row was added, removed or changed."""
    digests = {}
    with connection.cursor() as cursor:
        for table in _tables():
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t")  # noqa: S608
            digests[table] = cursor.fetchone()[0]
    return digests


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_seed_dev_run_three_times_leaves_the_same_row_counts_in_every_table():
    call_command("seed_dev")
    first = _row_counts()
    call_command("seed_dev")
    second = _row_counts()
    call_command("seed_dev")
    assert first == second == _row_counts()
    seed_tables = [table for table in first if not table.startswith(("django_", "auth_", "axes_", "knox_", "procr"))]
    empty = [table for table in seed_tables if first[table] == 0]
    # Attempts and their result rows come from students taking a test, which the seed leaves to them; so do their
    # audit events. A command runs outside any request, so the audit trail records no request context.
    assert empty == [
        "audit_test_attempt_event",
        "coding_import",  # task imports are a teacher's, not the seed's
        "organization",
        "pghistory_context",
        "test_attempt",
        "test_result",
    ]


def test_seed_dev_logins_of_decision_14_work():
    call_command("seed_dev")
    logins = {
        "teacher@bekrin.test": "teacher-pass-1",
        "parent@bekrin.test": "parent-pass-1",
        **{f"student{n}@bekrin.test": "student-pass-1" for n in (1, 2, 3)},
    }
    for email, password in logins.items():
        user = _user(email)
        assert user.check_password(password), email
        assert user.organization_id is None
    assert _user(TEACHER).is_staff
    parent = _user("parent@bekrin.test")
    assert sorted(parent.child_links.values_list("student__email", flat=True)) == [
        "student1@bekrin.test",
        "student2@bekrin.test",
    ]


def _school_student_with_payments(count: int) -> User:
    """A student of the school's own teacher, paid `count` times before the seed ever ran: the automatic numbering
    hands out the receipt numbers the seed used to pick by hand."""
    school_teacher, _ = user_create(organization_id=None, email="rauf@school.az", full_name="Rauf", role=Role.TEACHER)
    school_student = student_create(actor=school_teacher, full_name="Nərmin", email="nermin@school.az", grade="8")
    for _ in range(count):
        payment_create(
            actor=school_teacher,
            student=school_student.student,
            payment_date=date(2026, 1, 10),
            amount=Decimal("50.00"),
            method=PaymentMethod.CASH,
            status=PaymentStatus.PAID,
        )
    return school_student.student


def test_seed_groups_carry_the_seed_codes_and_payments_take_the_services_numbers():
    _school_student_with_payments(1)
    call_command("seed_dev")
    teacher = _user(TEACHER)
    assert list(StudyGroup.objects.filter(teacher=teacher).order_by("pk").values_list("code", "name")) == [
        ("Qrup1", "Python başlanğıc"),
        ("Qrup2", "Riyaziyyat"),
    ]
    numbers = sorted(Payment.objects.values_list("receipt_no", flat=True))
    assert len(numbers) == len(set(numbers)) == 1 + 3 * 2  # the school's one and two per seed student
    assert Payment.objects.filter(student__email__startswith="student").count() == 6


@dataclass(frozen=True)
class SchoolUse:
    school_student: User  # their payments took the numbers the seed used to pick by hand
    python_group: StudyGroup  # the seed's groups, in the order the seed creates them
    math_group: StudyGroup


def _used_for_months() -> SchoolUse:
    """A seeded database after a school's use, made through the services: rows named like the seed's, seed rows
    edited, soft-deleted and deleted for good, a password changed (what seed_dev's docstring must survive)."""
    school_student = _school_student_with_payments(3)
    call_command("seed_dev")
    teacher = _user(TEACHER)
    python_group, math_group = StudyGroup.objects.filter(teacher=teacher).order_by("pk")
    topic = CodingTopic.objects.get(organization=None, name=SEED_TASK[1])
    # The seed teacher's own rows named like the seed's.
    group_create(actor=teacher, name=SEED_GROUP_NAME, days_of_week=[2], start_time=time(15, 0))
    group_create(actor=User.objects.get(email="rauf@school.az"), name=SEED_GROUP_NAME, days_of_week=[4])
    task_create(
        actor=teacher,
        title=SEED_TASK[0],
        description="Başqa variant",
        difficulty=Difficulty.MEDIUM,
        test_cases=[{"input": "1 1\n", "expected": "2\n"}],
        topic=topic,
    )
    assessments.test_create(author=teacher, title=SEED_TEST, type=assessment_models.TestType.EXAM)
    # Seed rows the school changed.
    group_update(group=python_group, changes={"name": "Python başlanğıc (yay)"})
    memberships_end(group=python_group, students=[_user("student1@bekrin.test")])
    user_update(user=_user("parent@bekrin.test"), changes={"password": "a-new-parent-password-7"})
    student_soft_delete(student=_user("student2@bekrin.test"))
    student3 = _user("student3@bekrin.test")
    student_soft_delete(student=student3)
    student_hard_delete(student=student3)
    return SchoolUse(school_student, python_group, math_group)


def test_seed_dev_starts_on_a_database_a_school_has_used_and_a_second_run_changes_nothing():
    school = _used_for_months()
    school_payments = set(Payment.objects.filter(student=school.school_student).values_list("pk", "receipt_no"))
    call_command("seed_dev")
    after = _contents()
    call_command("seed_dev")
    assert _contents() == after

    teacher = _user(TEACHER)
    assert StudyGroup.objects.filter(teacher=teacher, name=SEED_GROUP_NAME).count() == 2  # the seed's, the teacher's
    assert StudyGroup.objects.get(pk=school.python_group.pk).name == "Python başlanğıc (yay)"
    assert CodingTask.objects.filter(title=SEED_TASK[0]).count() == 2
    assert assessment_models.Test.objects.filter(title=SEED_TEST).count() == 2
    assert set(Payment.objects.filter(student=school.school_student).values_list("pk", "receipt_no")) == school_payments
    # The parent's new password, the student who left and the soft-deleted student stay as the school left them.
    assert _user("parent@bekrin.test").check_password("a-new-parent-password-7")
    assert not GroupMembership.objects.get(group=school.python_group, student__email="student1@bekrin.test").is_active
    assert StudentProfile.all_objects.get(user__email="student2@bekrin.test").deleted_at is not None
    assert not _user("student2@bekrin.test").is_active
    # The student deleted for good is back, in the seed's group (not the teacher's of the same name), with two new
    # payments and attendance.
    student3 = _user("student3@bekrin.test")
    assert student3.check_password("student-pass-1")
    assert list(GroupMembership.objects.filter(student=student3).values_list("group", "is_active")) == [
        (school.math_group.pk, True)
    ]
    assert student3.attendance_records.exists()
    assert Payment.objects.filter(student=student3).count() == 2


def test_a_deleted_seed_group_is_not_joined_by_a_recreated_student():
    call_command("seed_dev")
    _python_group, math_group = StudyGroup.objects.filter(teacher=_user(TEACHER)).order_by("pk")
    group_soft_delete(group=math_group)
    student3 = _user("student3@bekrin.test")
    student_soft_delete(student=student3)
    student_hard_delete(student=student3)
    call_command("seed_dev")
    after = _contents()
    call_command("seed_dev")
    assert _contents() == after
    student3 = _user("student3@bekrin.test")
    assert not GroupMembership.objects.filter(student=student3).exists()
    assert list(Payment.objects.filter(student=student3).values_list("group", flat=True)) == [None, None]
    assert StudyGroup.all_objects.get(pk=math_group.pk).deleted_at is not None


def _manage(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.mark.server
@pytest.mark.production_hashers  # the server logs in with the passwords seeded here, under its own hashers
@pytest.mark.django_db(transaction=True)
def test_the_server_starts_on_a_database_with_a_teacher_group_named_like_a_seed_group_and_a_deleted_seed_student():
    call_command("seed_dev")
    teacher = _user(TEACHER)
    group_create(actor=teacher, name=SEED_GROUP_NAME, days_of_week=[2])
    student_soft_delete(student=_user("student3@bekrin.test"))
    # What the Makefile's `run` target runs before it serves, against this test's database.
    env = {**os.environ, "DATABASE_URL": database_url_of_this_run(), "DEBUG": "true", "PYTHONUNBUFFERED": "1"}
    _manage("migrate", "--noinput", env=env)
    _manage("seed_dev", env=env)
    command = [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"]
    with running_server(command, env=env) as server:
        status, body = server.request(
            "POST", "/api/auth/login", json_body={"email": TEACHER, "password": "teacher-pass-1"}
        )
        assert status == 200, body
        status, me = server.request("GET", "/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert (status, me["email"], me["role"]) == (200, TEACHER, Role.TEACHER)
