from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bekrin.assessments import models as assessments
from bekrin.attendance.models import AttendanceRecord
from bekrin.coding.models import CodingProgress, CodingTask, Difficulty, ProgressStatus
from bekrin.parents.selectors import attendance_summaries, dashboard_periods
from bekrin.payments.services import payment_create
from bekrin.payments.tests.factories import PaymentFactory
from bekrin.students.models import StudentProfile
from bekrin.testing.factories import GroupFactory, MembershipFactory, ParentLinkFactory, StudentFactory

pytestmark = pytest.mark.django_db

CHILDREN = "/api/parent/children"


def mark(student, group, day, status):
    return AttendanceRecord.objects.create(
        organization=group.organization, group=group, student=student, lesson_date=day, status=status
    )


def solved(student, teacher, points, *, status=ProgressStatus.SOLVED, deleted=False):
    task = CodingTask.objects.create(
        title=f"Tapşırıq {points}",
        description="…",
        difficulty=Difficulty.EASY,
        points=points,
        created_by=teacher,
        deleted_at=timezone.now() if deleted else None,
    )
    return CodingProgress.objects.create(student_profile_id=student.pk, exercise=task, status=status)


def graded(student, teacher, title, score, submitted_at):
    test = assessments.Test.objects.create(created_by=teacher, type=assessments.TestType.QUIZ, title=title)
    attempt = assessments.TestAttempt.objects.create(
        test=test, student=student, submitted_at=submitted_at, score=score, status=assessments.AttemptStatus.GRADED
    )
    return assessments.TestResult.objects.create(
        student_profile_id=student.pk,
        attempt=attempt,
        test_name=title,
        score=score,
        max_score=Decimal("10.00"),
        date=submitted_at.date(),
    )


def pay(teacher, student, amount, day, status="paid"):
    return payment_create(
        actor=teacher, student=student, payment_date=day, amount=Decimal(amount), method="cash", status=status
    )


# --- the children list ------------------------------------------------------------------------------------------


def test_parent_sees_only_linked_children_with_their_dashboard_card(personas, api_client_for):
    today = timezone.localdate()
    now = timezone.now()
    child = personas.student
    group = GroupFactory(teacher=personas.teacher, code="Qrup1")
    MembershipFactory(group=group, student=child)
    mark(child, group, today, "present")
    mark(child, group, today - timedelta(days=40), "late")  # outside both periods (see the aggregate's own test)
    for index in range(7):
        pay(personas.teacher, child, f"{10 + index}.00", today - timedelta(days=index))
    solved(child, personas.teacher, 10)
    solved(child, personas.teacher, 5)
    solved(child, personas.teacher, 100, status=ProgressStatus.ATTEMPTED)
    solved(child, personas.teacher, 50, deleted=True)
    for index in range(6):
        graded(child, personas.teacher, f"Quiz {index}", Decimal(index), now - timedelta(days=index))

    response = api_client_for(personas.parent).get(CHILDREN)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    card = body["results"][0]
    assert (card["id"], card["full_name"], card["grade"]) == (child.pk, "Əli Həsənov", "9")
    assert card["groups"] == [{"id": group.pk, "display_name": group.display_name}]
    assert card["balance"] == f"{sum(range(10, 17))}.00"
    month, last_30 = card["attendance"]["month"], card["attendance"]["last_30_days"]
    assert (month["from"], month["to"]) == (today.replace(day=1).isoformat(), today.isoformat())
    assert (last_30["from"], last_30["to"]) == ((today - timedelta(days=29)).isoformat(), today.isoformat())
    for period in (month, last_30):
        assert period["summary"] == {"present": 1, "late": 0, "absent": 0, "excused": 0}
        assert period["attendance_rate"] == 100.0
    assert [payment["amount"] for payment in card["recent_payments"]] == ["10.00", "11.00", "12.00", "13.00", "14.00"]
    assert card["coding"] == {"solved_count": 2, "total_points": 15}
    assert [test["title"] for test in card["recent_tests"]] == [f"Quiz {index}" for index in range(5)]
    assert card["recent_tests"][0]["score"] == "0.00"
    assert card["recent_tests"][0]["max_score"] == "10.00"


def test_a_child_without_records_gets_zeros_and_no_rate(personas, api_client_for):
    card = api_client_for(personas.parent).get(CHILDREN).json()["results"][0]
    assert card["attendance"]["month"]["summary"] == {"present": 0, "late": 0, "absent": 0, "excused": 0}
    assert card["attendance"]["month"]["attendance_rate"] is None
    assert card["recent_payments"] == card["recent_tests"] == card["groups"] == []
    assert card["coding"] == {"solved_count": 0, "total_points": 0}
    assert card["balance"] == "0.00"


def test_soft_deleted_children_and_deleted_payments_are_left_out(personas, api_client_for):
    gone = StudentFactory()
    ParentLinkFactory(parent=personas.parent, student=gone)
    StudentProfile.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    PaymentFactory(student=personas.student, deleted_at=timezone.now())

    body = api_client_for(personas.parent).get(CHILDREN).json()

    assert [card["id"] for card in body["results"]] == [personas.student.pk]
    assert body["results"][0]["recent_payments"] == []
    assert api_client_for(personas.parent).get(f"{CHILDREN}/{gone.pk}/payments").status_code == 404


def populate(parent, teacher, count):
    """`count` more linked children, each with a group, attendance, payments, coding progress and results."""
    today = timezone.localdate()
    for index in range(count):
        child = StudentFactory()
        ParentLinkFactory(parent=parent, student=child)
        group = GroupFactory(teacher=teacher)
        MembershipFactory(group=group, student=child)
        mark(child, group, today, "present")
        PaymentFactory.create_batch(3, student=child, group=group)
        solved(child, teacher, 7 + index)
        graded(child, teacher, f"İmtahan {index}", Decimal("8.50"), timezone.now())


def test_children_list_costs_the_same_queries_for_one_child_or_many(
    personas, api_client_for, django_assert_num_queries
):
    client = api_client_for(personas.parent)
    # 1-2 knox (token with user, the user's tokens); 3 count; 4 children with profiles; 5 active memberships with
    # groups; 6 parent links (student_rows); 7 attendance counts; 8 recent payments; 9 coding; 10 recent results
    with django_assert_num_queries(10):
        assert client.get(CHILDREN).json()["count"] == 1
    populate(personas.parent, personas.teacher, 4)
    with django_assert_num_queries(10):
        assert client.get(CHILDREN).json()["count"] == 5


def test_children_list_answers_each_persona(personas, api_client_for):
    for name in ("admin", "teacher", "other_teacher", "student", "other_student"):
        assert api_client_for(getattr(personas, name)).get(CHILDREN).status_code == 403, name
    assert api_client_for(None).get(CHILDREN).status_code == 401
    other = api_client_for(personas.other_parent).get(CHILDREN).json()
    assert [card["id"] for card in other["results"]] == [personas.other_student.pk]


# --- per-child detail -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["attendance", "payments", "tests"])
def test_a_child_not_linked_to_the_parent_is_a_404(personas, api_client_for, suffix):
    client = api_client_for(personas.parent)
    for child in (personas.other_student, personas.teacher, personas.parent):
        response = client.get(f"{CHILDREN}/{child.pk}/{suffix}")
        assert response.status_code == 404, child
        assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"{CHILDREN}/987654321/{suffix}").status_code == 404
    assert client.get(f"{CHILDREN}/{personas.student.pk}/{suffix}").status_code == 200


@pytest.mark.parametrize("suffix", ["attendance", "payments", "tests"])
def test_child_detail_answers_each_persona(personas, api_client_for, suffix):
    path = f"{CHILDREN}/{personas.student.pk}/{suffix}"
    for name in ("admin", "teacher", "other_teacher", "student", "other_student"):
        assert api_client_for(getattr(personas, name)).get(path).status_code == 403, name
    assert api_client_for(None).get(path).status_code == 401
    assert api_client_for(personas.other_parent).get(path).status_code == 404


def test_child_attendance_for_a_month_a_range_and_one_group(personas, api_client_for):
    child = personas.student
    python, maths = GroupFactory(teacher=personas.teacher), GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=python, student=child)
    MembershipFactory(group=maths, student=child)
    mark(child, python, date(2026, 3, 2), "present")
    mark(child, maths, date(2026, 3, 4), "absent")
    mark(child, python, date(2026, 4, 6), "late")
    mark(personas.other_student, python, date(2026, 3, 2), "absent")
    client = api_client_for(personas.parent)
    path = f"{CHILDREN}/{child.pk}/attendance"

    march = client.get(path + "?month=2026-03").json()
    assert (march["from"], march["to"]) == ("2026-03-01", "2026-03-31")
    assert [(row["lesson_date"], row["status"]) for row in march["records"]] == [
        ("2026-03-02", "present"),
        ("2026-03-04", "absent"),
    ]
    rates = {row["group"]["id"]: row["attendance_rate"] for row in march["groups"]}
    assert rates == {python.pk: 100.0, maths.pk: 0.0}

    spring = client.get(path + "?from=2026-03-01&to=2026-04-30").json()
    assert len(spring["records"]) == 3

    only_python = client.get(path + f"?from=2026-03-01&to=2026-04-30&groupId={python.pk}").json()
    assert [row["status"] for row in only_python["records"]] == ["present", "late"]
    assert [row["group"]["id"] for row in only_python["groups"]] == [python.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?month=2026-13", "month"),
        ("?month=march", "month"),
        ("?month=2026-03&from=2026-03-01&to=2026-03-05", "month"),
        ("?from=2026-03-01", "to"),
        ("?from=2026-03-10&to=2026-03-01", "to"),
        ("?from=2025-01-01&to=2026-03-01", "to"),
        ("?from=yesterday&to=2026-03-01", "from"),
    ],
)
def test_child_attendance_refuses_bad_periods(personas, api_client_for, query, field):
    response = api_client_for(personas.parent).get(f"{CHILDREN}/{personas.student.pk}/attendance{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_child_attendance_of_a_group_outside_the_parents_view_is_a_404(personas, api_client_for):
    foreign = GroupFactory(teacher=personas.other_teacher)
    response = api_client_for(personas.parent).get(f"{CHILDREN}/{personas.student.pk}/attendance?group_id={foreign.pk}")
    assert response.status_code == 404


def test_child_payments_list_the_childs_payments_and_balance(personas, api_client_for):
    first = pay(personas.teacher, personas.student, "100.00", date(2026, 1, 5))
    second = pay(personas.teacher, personas.student, "40.00", date(2026, 2, 5), status="partial")
    pay(personas.teacher, personas.student, "60.00", date(2026, 3, 5), status="unpaid")
    pay(personas.teacher, personas.other_student, "999.00", date(2026, 3, 5))

    body = api_client_for(personas.parent).get(f"{CHILDREN}/{personas.student.pk}/payments").json()

    assert body["count"] == 3
    assert [row["id"] for row in body["results"]][1:] == [second.pk, first.pk]
    assert body["balance"] == "140.00"


def test_child_tests_list_the_graded_results_newest_first(personas, api_client_for):
    now = timezone.now()
    older = graded(personas.student, personas.teacher, "Riyaziyyat quiz", Decimal("7.50"), now - timedelta(days=3))
    newer = graded(personas.student, personas.teacher, "Python imtahanı", Decimal("9.00"), now)
    graded(personas.other_student, personas.teacher, "Başqa", Decimal("1.00"), now)

    body = api_client_for(personas.parent).get(f"{CHILDREN}/{personas.student.pk}/tests").json()

    assert [row["attempt_id"] for row in body["results"]] == [newer.attempt_id, older.attempt_id]
    assert body["results"][0]["title"] == "Python imtahanı"
    assert (body["results"][1]["score"], body["results"][1]["max_score"]) == ("7.50", "10.00")


# --- the aggregate itself, on fixed dates ---------------------------------------------------------------------


def test_attendance_summaries_count_each_period_separately(personas):
    group = GroupFactory(teacher=personas.teacher)
    child = personas.student
    for day, status in (
        (date(2026, 3, 15), "present"),
        (date(2026, 3, 1), "late"),
        (date(2026, 2, 20), "absent"),  # last 30 days only
        (date(2026, 2, 10), "present"),  # neither
        (date(2026, 3, 10), "excused"),
    ):
        mark(child, group, day, status)

    summaries = attendance_summaries(AttendanceRecord.objects.all(), [child.pk], dashboard_periods(date(2026, 3, 15)))

    month, last_30 = summaries[child.pk]["month"], summaries[child.pk]["last_30_days"]
    assert month["summary"] == {"present": 1, "late": 1, "absent": 0, "excused": 1}
    assert month["attendance_rate"] == 100.0
    assert (last_30["from"], last_30["to"]) == (date(2026, 2, 14), date(2026, 3, 15))
    assert last_30["summary"] == {"present": 1, "late": 1, "absent": 1, "excused": 1}
    assert last_30["attendance_rate"] == pytest.approx(66.7)
