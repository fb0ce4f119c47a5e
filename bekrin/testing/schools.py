"""A second school populated like the dev seed, through the services, for tests that cross tenants.

Every kind of row an id in a URL or a request body can name is there, plus a soft-deleted one of each
soft-deletable kind, so a test can aim every id of the school at another school's users.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db.models import Model

from bekrin.accounts.models import User
from bekrin.assessments.models import Test, TestType
from bekrin.assessments.services import (
    answer_key_save,
    assignment_create,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    test_create,
    test_delete,
)
from bekrin.attendance.models import AttendanceStatus
from bekrin.attendance.services import CellInput, attendance_mark
from bekrin.coding.models import CodingImport, CodingSubmission, SubmissionStatus
from bekrin.coding.services import CaseData, progress_recompute, task_create, task_delete, topic_create
from bekrin.core.models import Organization
from bekrin.groups.services import group_create, group_soft_delete, memberships_add
from bekrin.payments.models import PaymentMethod, PaymentStatus
from bekrin.payments.services import payment_create, payment_delete
from bekrin.students.services import (
    ParentInput,
    parent_create,
    parent_soft_delete,
    student_create,
    student_soft_delete,
)
from bekrin.testing.factories import AdminFactory, OrganizationFactory, TeacherFactory

SUM_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"


@dataclass(frozen=True)
class PopulatedSchool:
    organization: Organization
    admin: User
    teacher: User
    students: list[User]  # the first two share a parent; the last is soft-deleted
    parent: User


def populate_school(*, name: str = "İkinci məktəb", slug: str = "ikinci") -> PopulatedSchool:
    """An organization with an office admin, a teacher, students with a parent, groups with members, attendance,
    payments, a coding topic and tasks with cases, submissions and progress, a task import, a quiz with an answer
    key, assignments, a graded attempt and an open one; one deleted row of each soft-deletable kind."""
    organization: Organization = OrganizationFactory.create(name=name, slug=slug)
    admin: User = AdminFactory.create(organization=organization, email=f"office@{slug}.test")
    teacher: User = TeacherFactory.create(organization=organization, email=f"teacher@{slug}.test", is_staff=True)
    group = group_create(actor=teacher, name="Python", code="B1", days_of_week=[1, 4], start_time=time(11, 0))
    closed_group = group_create(actor=teacher, name="Köhnə qrup", code="B2", days_of_week=[2])
    first = student_create(
        actor=teacher,
        full_name="Nigar Məmmədova",
        email=f"student1@{slug}.test",
        grade="9",
        groups=[group],
        parent=ParentInput(full_name="Sevda Məmmədova", email=f"parent@{slug}.test", relation="ana"),
    )
    assert first.parent is not None
    parent = first.parent.parent
    second = student_create(
        actor=teacher,
        full_name="Tural Məmmədov",
        email=f"student2@{slug}.test",
        grade="7",
        groups=[group, closed_group],
        parent=ParentInput(full_name="Sevda Məmmədova", email=f"parent@{slug}.test"),
    )
    gone = student_create(actor=teacher, full_name="Orxan Qasımov", email=f"student3@{slug}.test", grade="10")
    students = [first.student, second.student, gone.student]
    memberships_add(group=closed_group, students=[gone.student])
    lesson = date(2026, 3, 2)
    attendance_mark(
        actor=teacher,
        cells=[
            CellInput(group_id=group.pk, student_id=student.pk, lesson_date=lesson, status=AttendanceStatus.PRESENT)
            for student in students[:2]
        ],
    )
    for student in students:
        payment_create(
            actor=teacher,
            student=student,
            group=group,
            payment_date=lesson,
            title="Aylıq ödəniş",
            amount=Decimal("120.00"),
            method=PaymentMethod.CASH,
            status=PaymentStatus.PAID,
        )
    deleted_payment = payment_create(
        actor=teacher,
        student=students[0],
        payment_date=lesson,
        amount=Decimal("10.00"),
        method=PaymentMethod.CASH,
        status=PaymentStatus.UNPAID,
    )
    payment_delete(payment=deleted_payment)

    topic = topic_create(actor=teacher, name="Dövrlər")
    cases: list[CaseData] = [
        {"input": "2 3\n", "expected": "5\n", "explanation": "2 + 3 = 5"},
        {"input": "1 1\n", "expected": "2\n"},
    ]
    task = task_create(
        actor=teacher, title="Cəm", description="İki ədədin cəmi.", difficulty="easy", test_cases=cases, topic=topic
    )
    deleted_task = task_create(actor=teacher, title="Silinmiş", description="-", difficulty="easy", test_cases=cases)
    for student, verdict in ((students[0], SubmissionStatus.PASSED), (students[1], SubmissionStatus.FAILED)):
        # A verdict already given, as the seed writes history: submission_create would queue a judge run.
        CodingSubmission.objects.create(
            organization=organization,
            task=task,
            student=student,
            attempt_no=1,
            submitted_code=SUM_SOLUTION,
            status=verdict,
            passed_count=2 if verdict == SubmissionStatus.PASSED else 1,
            failed_count=0 if verdict == SubmissionStatus.PASSED else 1,
            runtime_ms=7,
        )
        progress_recompute(student_id=student.pk, task_id=task.pk)
    task_delete(task=deleted_task)
    CodingImport.objects.create(organization=organization, created_by=teacher, language="az", tasks=[])

    test = _quiz(teacher, "Kəsrlər")
    assignment_create(test=test, group=group)
    assignment_create(test=test, student=students[1])
    graded = attempt_start(test=test, student=students[0])
    attempt_save_answers(attempt=graded, answers={"1": "A", "2": "C"})
    attempt_submit(attempt=graded)
    attempt_start(test=test, student=students[1])
    deleted_test = _quiz(teacher, "Silinmiş test")
    test_delete(test=deleted_test)

    group_soft_delete(group=closed_group)
    student_soft_delete(student=gone.student)
    deleted_parent = parent_create(actor=teacher, full_name="Kənan Əliyev", email=f"parent2@{slug}.test").parent
    parent_soft_delete(parent=deleted_parent)
    return PopulatedSchool(organization=organization, admin=admin, teacher=teacher, students=students, parent=parent)


def _quiz(teacher: User, title: str) -> Test:
    test = test_create(author=teacher, title=title, type=TestType.QUIZ, config={"max_attempts": 2})
    answer_key_save(test=test, mcq_answers={"1": "A", "2": "C"}, numeric_answers={"3": "2.5"})
    return test


def rows_of(organization: Organization, model: type[Model]) -> list[int]:
    """Ids of every row of `model` that belongs to the school, deleted ones included."""
    manager = getattr(model, "all_objects", model._default_manager)
    return sorted(manager.filter(**_tenant_lookup(model, organization)).values_list("pk", flat=True))


def _tenant_lookup(model: type[Model], organization: Organization) -> dict[str, Organization]:
    field_names = {field.name for field in model._meta.get_fields()}
    for path in ("organization", "user__organization", "task__organization", "test__organization"):
        if path.split("__")[0] in field_names:
            return {path: organization}
    for path in ("student_profile__user__organization", "attempt__organization"):
        if path.split("__")[0] in field_names:
            return {path: organization}
    raise LookupError(f"{model.__name__} has no path to its organization")
