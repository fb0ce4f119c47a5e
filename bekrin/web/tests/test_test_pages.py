"""The test and exam pages through Django's client: the list, a test's questions, assignments and attempts with
their marks; another school's tests; fixed queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bekrin.assessments.models import Test
from bekrin.assessments.services import assignment_create, attempt_start
from bekrin.testing.assessments import submitted_essay
from bekrin.testing.factories import GroupFactory, MembershipFactory, TeacherFactory
from bekrin.testing.schools import populate_school
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db


def test_a_test_shows_its_questions_assignments_and_the_marks_of_each_attempt():
    school = populate_school()
    client = client_of(school.teacher)
    test = Test.objects.get(title="Kəsrlər")

    listed = client.get("/teacher/tests").content.decode()
    page = client.get(f"/teacher/tests/{test.pk}").content.decode()

    assert "Kəsrlər" in listed and "Silinmiş test" not in listed
    assert "Silinmiş test" in client.get("/teacher/tests?status=deleted").content.decode()
    assert "Çoxseçimli" in page and "Rəqəmli" in page
    assert "1: 1" in page  # question 1 answered right


def test_another_schools_test_is_missing():
    school = populate_school()
    stranger = TeacherFactory()
    test = Test.objects.get(title="Kəsrlər")
    assert client_of(stranger).get(f"/teacher/tests/{test.pk}").status_code == 404
    assert "Kəsrlər" not in client_of(stranger).get("/teacher/tests").content.decode()
    assert client_of(school.teacher).get(f"/teacher/tests/{test.pk}").status_code == 200


def test_a_test_page_runs_as_many_queries_for_many_attempts_as_for_few():
    school = populate_school()
    client = client_of(school.teacher)
    test = Test.objects.get(title="Kəsrlər")
    path = f"/teacher/tests/{test.pk}"
    before = queries_of(client, path)
    group = GroupFactory(teacher=school.teacher)
    for _ in range(12):
        student = MembershipFactory(group=group).student
        assignment_create(test=test, student=student)
        attempt_start(test=test, student=student)
    assert queries_of(client, path) == before
    assert queries_of(client, "/teacher/tests") == queries_of(client, "/teacher/tests?search=k")


def test_the_teachers_home_lists_the_tests_whose_written_answers_wait_for_a_mark():
    school = populate_school()
    essay, _attempt = submitted_essay(school)

    home = client_of(school.teacher).get("/teacher/").content.decode()

    assert f'href="/teacher/tests/{essay.pk}?status=submitted">İnşa</a>: 1 cəhd' in home
    assert "Kəsrlər</a>" not in home  # its attempts are graded


def test_a_written_answer_is_marked_on_the_attempts_page_and_the_attempt_is_graded():
    school = populate_school()
    _essay, attempt = submitted_essay(school)
    client = client_of(school.teacher)
    page = client.get(f"/teacher/tests/attempts/{attempt.pk}").content.decode()
    assert "Mənim yayım" in page

    too_much = client.post(f"/teacher/tests/attempts/{attempt.pk}", {"mark-2": "7"})
    none = client.post(f"/teacher/tests/attempts/{attempt.pk}", {"mark-2": ""})
    zero = client.post(f"/teacher/tests/attempts/{attempt.pk}", {"mark-2": "0"})
    assert zero.status_code == 302  # nought is a mark
    marked = client.post(f"/teacher/tests/attempts/{attempt.pk}", {"mark-2": "0,5"})

    assert too_much.status_code == 400 and none.status_code == 400
    assert marked.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.score == Decimal("1.50")
    assert client_of(TeacherFactory()).get(f"/teacher/tests/attempts/{attempt.pk}").status_code == 404
    assert client_of(TeacherFactory()).post(f"/teacher/tests/attempts/{attempt.pk}", {"mark-2": "1"}).status_code == 404


def test_a_test_is_created_given_its_key_on_the_sheet_and_assigned_to_a_group():
    school = populate_school()
    group = GroupFactory(teacher=school.teacher)
    client = client_of(school.teacher)

    created = client.post("/teacher/tests/new", {"title": "Həftəlik quiz", "type": "quiz", "max_attempts": "2",
                          "time_limit_minutes": "30", "is_active": "on"})  # fmt: skip
    test = Test.objects.get(title="Həftəlik quiz")
    assert created["Location"] == f"/teacher/tests/{test.pk}"
    assert test.config["max_attempts"] == 2 and test.config["time_limit_minutes"] == 30

    sheet = client.get(f"/teacher/tests/{test.pk}/key").content.decode()
    assert sheet.count('name="q') == 20 * 6  # twenty questions, five letters and "none" each
    saved = client.post(f"/teacher/tests/{test.pk}/key", {"rows": "20", "q1": "B", "q2": "", "n2": "2,5", "q3": "E"})
    assert saved.status_code == 302
    key = test.answer_key
    key.refresh_from_db()
    assert key.mcq_answers == {"1": "B", "3": "E"} and key.numeric_answers == {"2": "2.5"}

    assigned = client.post(f"/teacher/tests/{test.pk}/assign", {"group_id": str(group.pk),
                           "available_from": "2026-12-08T09:00", "available_to": "2026-12-08T10:00"})  # fmt: skip
    assert assigned.status_code == 302
    assert test.assignments.get().group == group


def test_bad_test_forms_say_why_and_write_nothing():
    school = populate_school()
    client = client_of(school.teacher)
    before = Test.all_objects.count()

    no_title = client.post("/teacher/tests/new", {"title": "", "type": "quiz"})
    not_pdf = client.post("/teacher/tests/new", {"title": "x", "type": "quiz",
                          "pdf": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")})  # fmt: skip
    test = Test.objects.get(title="Kəsrlər")
    window = {"available_from": "2026-12-08T10:00", "available_to": "2026-12-08T09:00"}
    group_id = str(GroupFactory(teacher=school.teacher).pk)
    backwards = client.post(f"/teacher/tests/{test.pk}/assign", {"group_id": group_id, **window})

    assert no_title.status_code == 400 and not_pdf.status_code == 400
    assert Test.all_objects.count() == before
    assert backwards.status_code == 302 and test.assignments.count() == 2  # refused: still its two
    other = TeacherFactory()
    assert client_of(other).get(f"/teacher/tests/{test.pk}/key").status_code == 404
    assert client_of(other).post(f"/teacher/tests/{test.pk}/assign", {"group_id": "1"}).status_code == 404
