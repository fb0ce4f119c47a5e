"""Teacher tests CRUD: PDF upload checks, protected pdf_url, config validation, soft delete and restore."""

from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage

from bekrin.assessments.models import Test
from bekrin.assessments.papers import MAX_PDF_BYTES
from bekrin.assessments.services import authoring  # its test_* services are not pytest tests
from bekrin.assessments.tests.conftest import make_pdf, upload
from bekrin.assessments.tests.factories import AnswerKeyFactory, AssignmentFactory, TestFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def create(client, **data):
    return client.post("/api/teacher/tests", data, format="multipart" if "pdf" in data else "json")


def test_a_teacher_creates_a_test_from_an_uploaded_pdf(personas, api_client_for):
    response = create(
        api_client_for(personas.teacher),
        title="Kəsrlər",
        type="exam",
        config='{"max_attempts": 2, "time_limit_minutes": 45, "question_weights": {"3": 2}}',
        pdf=upload(make_pdf(pages=2)),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    test = Test.objects.get(pk=body["id"])
    assert body["pdf_url"] == f"/api/tests/{test.pk}/pdf"
    assert body["config"] == {
        "max_attempts": 2,
        "time_limit_minutes": 45,
        "question_weights": {"3": 2},
        "written_questions": [],
    }
    assert (body["created_by_id"], body["has_answer_key"], body["questions"]) == (personas.teacher.pk, False, [])
    assert test.organization_id is None
    with default_storage.open(f"test-papers/default/{test.pk}.pdf", "rb") as stored:
        assert stored.read() == make_pdf(pages=2)


def test_a_test_of_another_school_is_stored_under_that_school(personas, api_client_for):
    body = create(api_client_for(personas.other_teacher), title="T", type="quiz", pdf=upload(make_pdf())).json()
    org = personas.other_teacher.organization_id
    assert default_storage.exists(f"test-papers/{org}/{body['id']}.pdf")


def test_a_json_test_may_point_at_an_external_pdf(personas, api_client_for):
    response = create(api_client_for(personas.teacher), title="T", type="quiz", pdf_url="https://cdn.example/a.pdf")
    assert response.status_code == 201
    assert response.json()["pdf_url"] == "https://cdn.example/a.pdf"
    assert response.json()["config"]["max_attempts"] == 1


@pytest.mark.parametrize("content", [b"GIF89a this is an image", b"%PDF-1.7\nnot really a pdf\n%%EOF", b""])
def test_a_file_that_is_not_a_pdf_is_refused_even_when_named_pdf(personas, api_client_for, content):
    response = create(api_client_for(personas.teacher), title="T", type="quiz", pdf=upload(content, "paper.pdf"))
    assert response.status_code == 400
    assert "pdf" in response.json()["error"]["fields"]
    assert not Test.all_objects.exists()


def test_a_pdf_over_20_mb_is_refused_with_413(personas, api_client_for):
    big = make_pdf() + b"\n%" + b"x" * (MAX_PDF_BYTES - len(make_pdf()))
    response = create(api_client_for(personas.teacher), title="T", type="quiz", pdf=upload(big))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "pdf" in response.json()["error"]["fields"]
    assert not Test.all_objects.exists()


def test_a_pdf_of_exactly_20_mb_is_accepted(personas, api_client_for):
    pdf = make_pdf()
    exact = pdf + b"%" * (MAX_PDF_BYTES - len(pdf))
    assert create(api_client_for(personas.teacher), title="T", type="quiz", pdf=upload(exact)).status_code == 201


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "quiz"}, "title"),
        ({"title": "T", "type": "olympiad"}, "type"),
        ({"title": "T", "type": "quiz", "pdf_url": "javascript:alert(1)"}, "pdf_url"),
        ({"title": "T", "type": "quiz", "pdf_url": "ftp://host/a.pdf"}, "pdf_url"),
        ({"title": "T", "type": "quiz", "config": {"max_attempts": 0}}, "config"),
        ({"title": "T", "type": "quiz", "config": None}, "config"),
        ({"title": "T", "type": "quiz", "config": "[]"}, "config"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(personas, api_client_for, data, field):
    response = create(api_client_for(personas.teacher), **data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_a_pdf_and_a_pdf_url_together_are_refused(personas, api_client_for):
    response = create(
        api_client_for(personas.teacher), title="T", type="quiz", pdf_url="https://x.az/a.pdf", pdf=upload(make_pdf())
    )
    assert response.status_code == 400
    assert "pdf_url" in response.json()["error"]["fields"]


def test_the_list_shows_the_schools_tests_with_counts(personas, api_client_for, django_assert_num_queries):
    tests = [TestFactory(created_by=personas.teacher) for _ in range(3)]
    AnswerKeyFactory(test=tests[0])
    AssignmentFactory(test=tests[0], student=personas.student)
    AssignmentFactory(test=tests[0], student=personas.other_student)
    TestFactory(created_by=personas.other_teacher)
    client = api_client_for(personas.teacher)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with creator and key joined and
    # both counts as subqueries
    with django_assert_num_queries(4):
        body = client.get("/api/teacher/tests").json()
    assert body["count"] == 3
    first = next(row for row in body["results"] if row["id"] == tests[0].pk)
    assert (first["assignment_count"], first["attempt_count"], first["has_answer_key"]) == (2, 0, True)


def test_the_list_filters_by_type_activity_and_title(personas, api_client_for):
    TestFactory(created_by=personas.teacher, title="Həndəsə", type="exam")
    TestFactory(created_by=personas.teacher, title="Cəbr", is_active=False)
    client = api_client_for(personas.teacher)
    assert [t["title"] for t in client.get("/api/teacher/tests?type=exam").json()["results"]] == ["Həndəsə"]
    assert [t["title"] for t in client.get("/api/teacher/tests?is_active=false").json()["results"]] == ["Cəbr"]
    assert [t["title"] for t in client.get("/api/teacher/tests?search=HƏND").json()["results"]] == ["Həndəsə"]
    assert client.get("/api/teacher/tests?type=olympiad").status_code == 400


# --- forms: a field the form leaves out is not given, as in JSON ---------------------------------------------------


def test_a_test_uploaded_as_a_form_without_is_active_is_active_and_reaches_its_group(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    teacher = api_client_for(personas.teacher)

    created = create(teacher, title="Kəsrlər", type="quiz", pdf=upload(make_pdf()))
    assert created.status_code == 201, created.content
    assert created.json()["is_active"] is True
    test_id = created.json()["id"]
    assigned = teacher.post(f"/api/teacher/tests/{test_id}/assignments", {"group_id": group.pk}, format="json")
    assert assigned.status_code == 201, assigned.content

    listed = api_client_for(personas.student).get("/api/student/tests").json()
    assert [row["id"] for row in listed["results"]] == [test_id]
    assert Test.objects.get(pk=test_id).is_active is True


def test_a_urlencoded_form_without_is_active_creates_an_active_test(personas, api_client_for):
    form = urlencode({"title": "Kəsrlər", "type": "quiz", "pdf_url": "https://cdn.example/a.pdf"})
    response = api_client_for(personas.teacher).post(
        "/api/teacher/tests", form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True


@pytest.mark.parametrize(("sent", "saved"), [("false", False), ("true", True)])
def test_a_form_that_sends_is_active_saves_what_it_sends(personas, api_client_for, sent, saved):
    response = create(api_client_for(personas.teacher), title="T", type="quiz", is_active=sent, pdf=upload(make_pdf()))
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is saved


@pytest.mark.parametrize("is_active", [True, False])
def test_a_form_change_without_is_active_leaves_it_as_it_was(personas, api_client_for, is_active):
    test = TestFactory(created_by=personas.teacher, is_active=is_active)
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{test.pk}", {"title": "Yeni ad", "pdf": upload(make_pdf())}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is is_active
    test.refresh_from_db()
    assert (test.title, test.is_active) == ("Yeni ad", is_active)


def test_a_teacher_changes_a_test_and_replaces_its_paper(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher, pdf_url="https://x.az/old.pdf")
    client = api_client_for(personas.teacher)
    response = client.patch(
        f"/api/teacher/tests/{test.pk}", {"title": "Yeni ad", "pdf": upload(make_pdf(3))}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["pdf_url"]) == ("Yeni ad", f"/api/tests/{test.pk}/pdf")
    assert response.json()["regraded"] == {"attempts": 0, "scores_changed": 0}
    assert default_storage.exists(f"test-papers/default/{test.pk}.pdf")

    response = client.patch(f"/api/teacher/tests/{test.pk}", {"pdf_url": "https://x.az/new.pdf"}, format="json")
    assert response.json()["pdf_url"] == "https://x.az/new.pdf"
    assert not default_storage.exists(f"test-papers/default/{test.pk}.pdf")


def test_a_config_change_keeps_the_settings_not_given(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher, config={"max_attempts": 3})
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{test.pk}", {"config": {"time_limit_minutes": 20}}, format="json"
    )
    assert response.json()["config"]["max_attempts"] == 3
    assert response.json()["config"]["time_limit_minutes"] == 20


def test_a_written_question_cannot_also_have_a_key_answer(personas, api_client_for):
    test = AnswerKeyFactory(test__created_by=personas.teacher).test
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{test.pk}", {"config": {"written_questions": [1]}}, format="json"
    )
    assert response.status_code == 400
    assert "written_questions" in response.json()["error"]["fields"]["config"]


def test_the_detail_lists_questions_and_the_key_for_the_teacher(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher, config={"written_questions": [4], "question_weights": {"4": 3}})
    AnswerKeyFactory(test=test)
    body = api_client_for(personas.teacher).get(f"/api/teacher/tests/{test.pk}").json()
    assert [(q["number"], q["type"], q["weight"]) for q in body["questions"]] == [
        (1, "mcq", "1.00"),
        (2, "mcq", "1.00"),
        (3, "numeric", "1.00"),
        (4, "written", "3.00"),
    ]
    assert body["max_score"] == "6.00"
    assert body["answer_key"]["mcq_answers"] == {"1": "A", "2": "C"}


def test_soft_delete_hides_the_test_until_restored(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    client = api_client_for(personas.teacher)
    assert client.delete(f"/api/teacher/tests/{test.pk}").status_code == 204
    assert client.get(f"/api/teacher/tests/{test.pk}").status_code == 404
    assert client.get("/api/teacher/tests").json()["count"] == 0
    assert [t["id"] for t in client.get("/api/teacher/tests?status=deleted").json()["results"]] == [test.pk]
    restored = client.post(f"/api/teacher/tests/{test.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert client.get(f"/api/teacher/tests/{test.pk}").status_code == 200
    assert client.post(f"/api/teacher/tests/{test.pk}/restore").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_schools_test_is_a_404(personas, api_client_for, method):
    test = TestFactory(created_by=personas.other_teacher)
    response = getattr(api_client_for(personas.teacher), method)(f"/api/teacher/tests/{test.pk}", {}, format="json")
    assert response.status_code == 404
    assert Test.objects.filter(pk=test.pk).exists()


def test_the_admin_manages_the_schools_tests(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    assert api_client_for(personas.admin).get(f"/api/teacher/tests/{test.pk}").status_code == 200


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_cannot_use_the_teacher_endpoints(personas, api_client_for, persona):
    test = TestFactory(created_by=personas.teacher)
    client = api_client_for(getattr(personas, persona))
    assert client.get("/api/teacher/tests").status_code == 403
    assert client.get(f"/api/teacher/tests/{test.pk}").status_code == 403


def test_deleting_a_deleted_test_keeps_its_first_deletion_time(personas):
    test = TestFactory(created_by=personas.teacher)
    first = authoring.test_delete(test=test).deleted_at
    assert authoring.test_delete(test=test).deleted_at == first
    assert authoring.test_restore(test=test).deleted_at is None
    assert Test.objects.filter(pk=test.pk).exists()
