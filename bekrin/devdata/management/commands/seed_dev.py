"""Development data of the seed's section 4 (docs/SEED.md), with the logins of docs/DECISIONS.md, decision 14, on
any database.

`make run` runs this before every start, so it must succeed on a fresh database, on one it seeded before, and on one
a school has used for months: groups, tasks and tests named like the seed's, payments numbered like them, seed rows
edited, soft-deleted or deleted for good, passwords changed. It never finds a row by a name a teacher may reuse (a
group's name, a task's or a test's title, a receipt number); a row is the seed's when it hangs off a seed user.
What "missing" means, per kind of row:

- **Seed users** are their emails. A user with the email is there, whatever became of it (renamed, soft-deleted,
  password changed, out of its groups, even another role) and is left exactly as it is; only an email that no user
  has is created again, with its profile and its documented password. So a student deleted for good comes back and
  a soft-deleted one stays deleted.
- **The teacher's rows** (the two groups, the coding tasks with their test cases and judged submissions, the quiz
  with its answer key and assignment) are created in the run that creates the teacher, and never after: nothing on
  a task or a test is the seed's own (no column could say so), so a later run could only find them by title. What
  the school did to them (edited, deleted) stays.
- **Rows joining two seed rows** (a student's membership and its attendance, the parent's link to a child) are
  created in the run that creates either end, the other end found by its seed identity: a user by email, a group by
  the seed teacher and the group's seed code (`Qrup1`, `Qrup2`), not deleted. Only ends that are still what the
  seed made (the role, the default school, not soft-deleted) are joined.
- **A student's payments** are created with the student; the payments service numbers their receipts.

Everything runs in one transaction, so a failed run leaves nothing half made.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from bekrin.accounts.models import TeacherProfile, User
from bekrin.accounts.services import user_create
from bekrin.assessments.models import TestType
from bekrin.assessments.services import answer_key_save, assignment_create, test_create
from bekrin.attendance.models import AttendanceStatus
from bekrin.attendance.services import CellInput, attendance_mark
from bekrin.coding.models import CodingSubmission, CodingTask, CodingTopic, Difficulty, SubmissionStatus
from bekrin.coding.services import CaseData, progress_recompute, task_create, topic_create
from bekrin.core.roles import Role
from bekrin.groups.models import StudyGroup
from bekrin.groups.services import group_create, memberships_add
from bekrin.payments.models import PaymentMethod, PaymentStatus
from bekrin.payments.services import payment_create
from bekrin.students.models import ParentProfile, StudentProfile
from bekrin.students.services import parent_create, parent_link, student_create

TEACHER = ("teacher@bekrin.test", "teacher-pass-1", "Rəşad Əliyev")
PARENT = ("parent@bekrin.test", "parent-pass-1", "Gülnarə Həsənova")
STUDENTS = [
    ("student1@bekrin.test", "Əli Həsənov", "9"),
    ("student2@bekrin.test", "Ayşə Həsənova", "7A"),
    ("student3@bekrin.test", "İlkin Şükürov", "10"),
]
STUDENT_PASSWORD = "student-pass-1"  # noqa: S105 - documented development login (docs/DECISIONS.md, decision 14)
PARENT_CHILDREN = [(0, "ana"), (1, "ana")]  # positions in STUDENTS


@dataclass(frozen=True)
class GroupSpec:
    code: str  # the seed's identity of the group: with the seed teacher, how a later run finds it
    name: str
    days_of_week: list[int]
    start_time: time
    members: list[int]  # positions in STUDENTS


GROUPS = [
    GroupSpec("Qrup1", "Python başlanğıc", [1, 4], time(11, 0), [0, 1]),
    GroupSpec("Qrup2", "Riyaziyyat", [1, 3, 5], time(9, 30), [1, 2]),
]

SUM_TASK_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"


@dataclass(frozen=True)
class TaskSpec:
    title: str
    description: str
    difficulty: Difficulty
    points: int
    cases: list[CaseData]


TASKS = [
    TaskSpec(
        "İki ədədin cəmi",
        "Bir sətirdə iki tam ədəd verilir. Onların cəmini çap edin.",
        Difficulty.EASY,
        10,
        [
            {"input": "2 3\n", "expected": "5\n", "explanation": "2 + 3 = 5"},
            {"input": "-4 10\n", "expected": "6\n"},
            {"input": "1000000 1\n", "expected": "1000001\n"},
        ],
    ),
    TaskSpec(
        "Salam, dünya",
        "Ekrana `Salam, dünya!` çap edin.",
        Difficulty.EASY,
        5,
        [{"input": "", "expected": "Salam, dünya!\n", "explanation": "Sadəcə mətni çap edin"}],
    ),
]
# Judged attempts on the first task: (student position, attempt, code, verdict, passed, failed).
SUM_TASK_ATTEMPTS = [
    (0, 1, "a, b = input().split()\nprint(a + b)\n", SubmissionStatus.FAILED, 0, 3),
    (0, 2, SUM_TASK_SOLUTION, SubmissionStatus.PASSED, 3, 0),
    (1, 1, "print(sum(map(int, input().split()))\n", SubmissionStatus.ERROR, 0, 3),
]
SYNTAX_ERROR_MESSAGE = "SyntaxError: '(' was never closed (line 1)"
ATTENDANCE_CYCLE = [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT]
ATTENDANCE_DAYS = 28  # lessons of the four weeks before the teacher joined
MEMBERS_SINCE = timedelta(days=60)  # before the teacher joined, so every seeded lesson falls in a membership


@dataclass(frozen=True)
class SeedUser:
    user: User
    created: bool  # in this run
    usable: bool  # still what the seed made, so rows may join it


def _set_documented_password(user: User, password: str) -> None:
    # Decision 14's passwords (docs/DECISIONS.md) are fixed development logins, not chosen by a person; student1's
    # fails the similarity validator the services apply, so the user is created without one and it is set here.
    user.set_password(password)
    user.save(update_fields=["password"])


def _existing(email: str, role: Role, profile: type[StudentProfile | ParentProfile] | None = None) -> SeedUser | None:
    """The user with the seed email, if any; usable when it still has the seed's role, school and live profile."""
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    alive = profile is None or profile.objects.filter(pk=user.pk).exists()
    return SeedUser(user, created=False, usable=user.role == role and user.organization_id is None and alive)


def _teacher() -> SeedUser:
    email, password, full_name = TEACHER
    found = _existing(email, Role.TEACHER)
    if found is not None:
        return found
    teacher, _generated = user_create(organization_id=None, email=email, full_name=full_name, role=Role.TEACHER)
    _set_documented_password(teacher, password)
    # No service makes teachers (the admin and the bulk import write them directly); staff opens the admin.
    teacher.is_staff = True
    teacher.save(update_fields=["is_staff"])
    TeacherProfile.objects.create(user=teacher, display_title="Riyaziyyat və proqramlaşdırma")
    return SeedUser(teacher, created=True, usable=True)


def _parent(teacher: User) -> SeedUser:
    email, password, full_name = PARENT
    found = _existing(email, Role.PARENT, ParentProfile)
    if found is not None:
        return found
    parent = parent_create(actor=teacher, full_name=full_name, email=email, phone="+994 50 123 45 67").parent
    _set_documented_password(parent, password)
    return SeedUser(parent, created=True, usable=True)


def _student(teacher: User, email: str, full_name: str, grade: str) -> SeedUser:
    found = _existing(email, Role.STUDENT, StudentProfile)
    if found is not None:
        return found
    student = student_create(actor=teacher, full_name=full_name, email=email, grade=grade).student
    _set_documented_password(student, STUDENT_PASSWORD)
    return SeedUser(student, created=True, usable=True)


class Command(BaseCommand):
    help = "Create the development data that is missing (safe on any database) and print its logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        seed_teacher = _teacher()
        teacher = seed_teacher.user
        parent = _parent(teacher)
        students = [_student(teacher, email, full_name, grade) for email, full_name, grade in STUDENTS]
        # Dates hang on the teacher's creation, so a student created again later gets the same history.
        joined = teacher.date_joined

        for position, relation in PARENT_CHILDREN:
            child = students[position]
            if (parent.created or child.created) and parent.usable and child.usable:
                parent_link(actor=teacher, parent=parent.user, student=child.user, relation=relation)

        # A teacher the school made something else (another role or school) has no seed groups to join.
        groups = self._groups(teacher, created=seed_teacher.created) if seed_teacher.usable else {}
        for spec in GROUPS:
            group = groups.get(spec.code)
            if group is None:
                continue
            joining = [
                (position, students[position].user)
                for position in spec.members
                if (seed_teacher.created or students[position].created) and students[position].usable
            ]
            if joining:
                memberships_add(group=group, students=[user for _position, user in joining], at=joined - MEMBERS_SINCE)
                self._attendance(teacher, group, joining, timezone.localdate(joined))

        for position, student in enumerate(students):
            if student.created:
                member_of = [groups[spec.code] for spec in GROUPS if position in spec.members and spec.code in groups]
                self._payments(teacher, student.user, member_of[0] if member_of else None, timezone.localdate(joined))

        if seed_teacher.created:
            self._coding(teacher, students)
            if GROUPS[0].code in groups:
                self._test(teacher, groups[GROUPS[0].code])

        self.stdout.write(self.style.SUCCESS("Seed data ready. Logins:"))
        self.stdout.write(f"  teacher  {TEACHER[0]} / {TEACHER[1]}  (also the admin at /admin/)")
        self.stdout.write(f"  parent   {PARENT[0]} / {PARENT[1]}")
        for email, _name, _grade in STUDENTS:
            self.stdout.write(f"  student  {email} / {STUDENT_PASSWORD}")
        kept = [seed.user.email for seed in [seed_teacher, parent, *students] if not seed.created]
        if kept:
            self.stdout.write(f"Existing users left as they are (a changed password stays): {', '.join(kept)}")

    def _groups(self, teacher: User, *, created: bool) -> dict[str, StudyGroup]:
        """The seed groups by code: made now with a new teacher, else the teacher's oldest alive group per code."""
        if created:
            return {
                spec.code: group_create(
                    actor=teacher,
                    name=spec.name,
                    code=spec.code,
                    days_of_week=spec.days_of_week,
                    start_time=spec.start_time,
                    sort_order=order,
                )
                for order, spec in enumerate(GROUPS, start=1)
            }
        found: dict[str, StudyGroup] = {}
        for group in StudyGroup.objects.filter(teacher=teacher, code__in=[g.code for g in GROUPS]).order_by("-pk"):
            found[group.code or ""] = group  # newest first, so the oldest is written last and wins
        return found

    def _attendance(self, teacher: User, group: StudyGroup, joining: list[tuple[int, User]], anchor: date) -> None:
        lesson_dates = sorted(
            day
            for day in (anchor - timedelta(days=offset) for offset in range(1, ATTENDANCE_DAYS + 1))
            if day.isoweekday() in group.days_of_week
        )
        cells = [
            CellInput(
                group_id=group.pk,
                student_id=student.pk,
                lesson_date=lesson_date,
                status=ATTENDANCE_CYCLE[(index + position) % len(ATTENDANCE_CYCLE)],
            )
            for index, lesson_date in enumerate(lesson_dates)
            for position, student in joining
        ]
        if cells:
            attendance_mark(actor=teacher, cells=cells)

    def _payments(self, teacher: User, student: User, group: StudyGroup | None, anchor: date) -> None:
        for months_ago, status in ((1, PaymentStatus.PAID), (0, PaymentStatus.UNPAID)):
            payment_create(
                actor=teacher,
                student=student,
                group=group,
                payment_date=anchor - timedelta(days=30 * months_ago),
                title="Aylıq ödəniş",
                amount=Decimal("120.00"),
                method=PaymentMethod.CASH,
                status=status,
            )

    def _coding(self, teacher: User, students: list[SeedUser]) -> None:
        # A topic is the school's, not the seed's, and its name is unique in a school: one with this name is the one.
        topic_name = "Giriş və çıxış"
        topic = CodingTopic.objects.filter(organization=None, name=topic_name).first() or topic_create(
            actor=teacher, name=topic_name
        )
        tasks: list[CodingTask] = [
            task_create(
                actor=teacher,
                title=spec.title,
                description=spec.description,
                difficulty=spec.difficulty,
                test_cases=spec.cases,
                topic=topic,
                starter_code="# Kodunuzu buraya yazın\n",
                points=spec.points,
                order_index=order,
            )
            for order, spec in enumerate(TASKS, start=1)
        ]
        sum_task = tasks[0]
        judged: set[int] = set()
        for position, attempt_no, code, verdict, passed, failed in SUM_TASK_ATTEMPTS:
            student = students[position]
            if not student.usable:
                continue
            # Verdicts already given: submission_create would queue them for the judge, which is not history.
            CodingSubmission.objects.create(
                task=sum_task,
                student=student.user,
                attempt_no=attempt_no,
                submitted_code=code,
                status=verdict,
                passed_count=passed,
                failed_count=failed,
                runtime_ms=12,
                error_message="SyntaxError: '(' was never closed (line 1)"
                if verdict == SubmissionStatus.ERROR
                else None,
            )
            judged.add(student.user.pk)
        for student_id in sorted(judged):
            progress_recompute(student_id=student_id, task_id=sum_task.pk)

    def _test(self, teacher: User, group: StudyGroup) -> None:
        test = test_create(
            author=teacher,
            title="Riyaziyyat: kəsrlər (quiz 1)",
            type=TestType.QUIZ,
            config={"max_attempts": 2, "time_limit_minutes": 30, "question_weights": {}, "written_questions": [8]},
        )
        answer_key_save(
            test=test,
            mcq_answers={"1": "A", "2": "C", "3": "B", "4": "D", "5": "A"},
            numeric_answers={"6": "2.5", "7": "25"},
            written_instructions="8-ci sual: həllin bütün addımlarını yazın.",
        )
        assignment_create(test=test, group=group)
