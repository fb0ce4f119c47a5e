"""Development data of the seed's section 4, with the logins of decision 14; running it again changes nothing."""

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from bekrin.accounts.models import Role, TeacherProfile, User
from bekrin.assessments.models import Test, TestAnswerKey, TestAssignment, TestType
from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.coding.models import (
    CodingProgress,
    CodingSubmission,
    CodingTask,
    CodingTestCase,
    CodingTopic,
    Difficulty,
    ProgressStatus,
    SubmissionStatus,
)
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.payments.services import student_balance_recompute
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile

TEACHER = ("teacher@bekrin.test", "teacher-pass-1", "Rəşad Əliyev")
PARENT = ("parent@bekrin.test", "parent-pass-1", "Gülnarə Həsənova")
STUDENTS = [
    ("student1@bekrin.test", "Əli Həsənov", "9"),
    ("student2@bekrin.test", "Ayşə Həsənova", "7A"),
    ("student3@bekrin.test", "İlkin Şükürov", "10"),
]
STUDENT_PASSWORD = "student-pass-1"  # noqa: S105 - documented development login (decision 14)

SUM_TASK_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"


def _user(email: str, password: str, full_name: str, role: Role, **extra: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, full_name=full_name, role=role, **extra)
    return user


class Command(BaseCommand):
    help = "Create the development data set (idempotent) and print its logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        teacher = _user(*TEACHER, role=Role.TEACHER, is_staff=True)
        TeacherProfile.objects.get_or_create(user=teacher, defaults={"display_title": "Riyaziyyat və proqramlaşdırma"})
        parent = _user(*PARENT, role=Role.PARENT, phone="+994 50 123 45 67")
        ParentProfile.all_objects.get_or_create(user=parent)

        students = []
        for email, full_name, grade in STUDENTS:
            student = _user(email, STUDENT_PASSWORD, full_name, Role.STUDENT)
            StudentProfile.all_objects.get_or_create(user=student, defaults={"grade": grade})
            students.append(student)
        for student, relation in ((students[0], "ana"), (students[1], "ana")):
            ParentStudent.objects.get_or_create(parent=parent, student=student, defaults={"relation": relation})

        # Dates hang on the teacher's creation so a later run, on any day, computes the very same rows.
        anchor = teacher.date_joined.date()
        groups = self._groups(teacher, students, anchor)
        self._attendance(teacher, groups, anchor)
        self._payments(teacher, groups, students, anchor)
        self._coding(teacher, students)
        self._test(teacher, groups[0])

        self.stdout.write(self.style.SUCCESS("Seed data ready. Logins:"))
        self.stdout.write(f"  teacher  {TEACHER[0]} / {TEACHER[1]}  (also the admin at /admin/)")
        self.stdout.write(f"  parent   {PARENT[0]} / {PARENT[1]}")
        for email, _name, _grade in STUDENTS:
            self.stdout.write(f"  student  {email} / {STUDENT_PASSWORD}")

    def _groups(self, teacher: User, students: list[User], anchor: date) -> list[StudyGroup]:
        specs = [
            ("Qrup1", "Python başlanğıc", [1, 4], time(11, 0), students[:2]),
            (None, "Riyaziyyat", [1, 3, 5], time(9, 30), students[1:]),
        ]
        groups = []
        for order, (code, name, days, start, members) in enumerate(specs, start=1):
            group, _created = StudyGroup.all_objects.get_or_create(
                teacher=teacher,
                name=name,
                defaults={"code": code, "days_of_week": days, "start_time": start, "sort_order": order},
            )
            for student in members:
                GroupMembership.objects.get_or_create(
                    group=group, student=student, defaults={"joined_at": teacher.date_joined - timedelta(days=60)}
                )
            groups.append(group)
        return groups

    def _attendance(self, teacher: User, groups: list[StudyGroup], anchor: date) -> None:
        statuses = [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT]
        for group in groups:
            lesson_dates = [
                anchor - timedelta(days=offset)
                for offset in range(1, 29)
                if (anchor - timedelta(days=offset)).isoweekday() in group.days_of_week
            ]
            member_ids = group.memberships.values_list("student_id", flat=True)
            for index, lesson_date in enumerate(sorted(lesson_dates)):
                for position, student_id in enumerate(member_ids):
                    AttendanceRecord.objects.get_or_create(
                        group=group,
                        student_id=student_id,
                        lesson_date=lesson_date,
                        defaults={
                            "status": statuses[(index + position) % len(statuses)],
                            "marked_by": teacher,
                            "marked_at": teacher.date_joined,
                        },
                    )

    def _payments(self, teacher: User, groups: list[StudyGroup], students: list[User], anchor: date) -> None:
        number = 0
        for student in students:
            group = next(g for g in groups if g.memberships.filter(student=student).exists())
            for months_ago, status in ((1, PaymentStatus.PAID), (0, PaymentStatus.UNPAID)):
                number += 1
                Payment.all_objects.get_or_create(
                    receipt_no=f"{anchor.year}-{number:06d}",
                    defaults={
                        "student": student,
                        "group": group,
                        "payment_date": anchor - timedelta(days=30 * months_ago),
                        "title": "Aylıq ödəniş",
                        "amount": Decimal("120.00"),
                        "method": PaymentMethod.CASH,
                        "status": status,
                        "created_by": teacher,
                    },
                )
            student_balance_recompute(student_id=student.pk)

    def _coding(self, teacher: User, students: list[User]) -> None:
        topic, _ = CodingTopic.objects.get_or_create(organization=None, name="Giriş və çıxış")
        tasks: list[tuple[str, str, Difficulty, int, list[tuple[str, str, str | None]]]] = [
            (
                "İki ədədin cəmi",
                "Bir sətirdə iki tam ədəd verilir. Onların cəmini çap edin.",
                Difficulty.EASY,
                10,
                [("2 3\n", "5\n", "2 + 3 = 5"), ("-4 10\n", "6\n", None), ("1000000 1\n", "1000001\n", None)],
            ),
            (
                "Salam, dünya",
                "Ekrana `Salam, dünya!` çap edin.",
                Difficulty.EASY,
                5,
                [("", "Salam, dünya!\n", "Sadəcə mətni çap edin")],
            ),
        ]
        created = []
        for order, (title, description, difficulty, points, cases) in enumerate(tasks, start=1):
            task, was_created = CodingTask.all_objects.get_or_create(
                title=title,
                topic=topic,
                defaults={
                    "topic_name": topic.name,
                    "description": description,
                    "starter_code": "# Kodunuzu buraya yazın\n",
                    "difficulty": difficulty,
                    "points": points,
                    "order_index": order,
                    "created_by": teacher,
                },
            )
            if was_created:
                CodingTestCase.objects.bulk_create(
                    CodingTestCase(task=task, input=i, expected=e, explanation=x, order_index=n)
                    for n, (i, e, x) in enumerate(cases, start=1)
                )
            created.append(task)

        sum_task = created[0]
        attempts = [
            (students[0], 1, "a, b = input().split()\nprint(a + b)\n", SubmissionStatus.FAILED, 0, 3),
            (students[0], 2, SUM_TASK_SOLUTION, SubmissionStatus.PASSED, 3, 0),
            (students[1], 1, "print(sum(map(int, input().split()))\n", SubmissionStatus.ERROR, 0, 3),
        ]
        for student, attempt_no, code, status, passed, failed in attempts:
            CodingSubmission.objects.get_or_create(
                task=sum_task,
                student=student,
                attempt_no=attempt_no,
                defaults={
                    "submitted_code": code,
                    "status": status,
                    "passed_count": passed,
                    "failed_count": failed,
                    "runtime_ms": 12,
                    "error_message": "SyntaxError: '(' was never closed (line 1)"
                    if status == SubmissionStatus.ERROR
                    else None,
                },
            )
        CodingProgress.objects.get_or_create(
            student_profile_id=students[0].pk,
            exercise=sum_task,
            defaults={
                "status": ProgressStatus.SOLVED,
                "score": Decimal(sum_task.points or 0),
                "solved_at": teacher.date_joined,
            },
        )
        CodingProgress.objects.get_or_create(
            student_profile_id=students[1].pk,
            exercise=sum_task,
            defaults={"status": ProgressStatus.ATTEMPTED, "score": Decimal("0")},
        )

    def _test(self, teacher: User, group: StudyGroup) -> None:
        test, _ = Test.all_objects.get_or_create(
            title="Riyaziyyat: kəsrlər (quiz 1)",
            created_by=teacher,
            defaults={
                "type": TestType.QUIZ,
                "config": {
                    "max_attempts": 2,
                    "time_limit_minutes": 30,
                    "question_weights": {},
                    "written_questions": [8],
                },
            },
        )
        TestAnswerKey.objects.get_or_create(
            test=test,
            defaults={
                "mcq_answers": {"1": "A", "2": "C", "3": "B", "4": "D", "5": "A"},
                "numeric_answers": {"6": "2.5", "7": "25"},
                "written_instructions": "8-ci sual: həllin bütün addımlarını yazın.",
            },
        )
        TestAssignment.objects.get_or_create(test=test, group=group)
