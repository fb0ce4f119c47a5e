"""The paper download: one path for every role, scoped to who may read it."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from bekrin.assessments.tests.conftest import make_pdf, upload
from bekrin.testing.factories import GroupFactory, MembershipFactory, ParentFactory, ParentLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(personas, api_client_for, classroom):
    """The classroom's test with an uploaded paper."""
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{classroom.test.pk}", {"pdf": upload(make_pdf(2))}, format="multipart"
    )
    assert response.status_code == 200
    return response.json()["pdf_url"]


def download(client, url):
    response = client.get(url, HTTP_ACCEPT="application/pdf")
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else None


def test_the_paper_reaches_the_school_the_assigned_student_and_their_parent(personas, api_client_for, paper):
    for persona in ("teacher", "admin", "student", "parent"):
        status, content = download(api_client_for(getattr(personas, persona)), paper)
        assert (status, content) == (200, make_pdf(2)), persona


def test_the_paper_is_served_as_a_private_pdf(personas, api_client_for, paper):
    response = api_client_for(personas.student).get(paper)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")


def test_everyone_else_gets_a_404(personas, api_client_for, paper):
    MembershipFactory(group=GroupFactory(teacher=personas.teacher), student=personas.other_student)
    for persona in ("other_teacher", "other_student", "other_parent"):
        status, _content = download(api_client_for(getattr(personas, persona)), paper)
        assert status == 404, persona
    assert api_client_for(None).get(paper).status_code == 401


def test_a_parent_cannot_reach_the_paper_of_a_test_not_assigned_to_their_child(personas, api_client_for, paper):
    parent = ParentFactory()
    ParentLinkFactory(parent=parent, student=personas.other_student)
    response = api_client_for(parent).get(paper)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_paper_stays_closed_to_students_before_the_window(personas, api_client_for, classroom, paper):
    classroom.assignment.available_from = timezone.now() + timedelta(hours=1)
    classroom.assignment.save()
    assert download(api_client_for(personas.student), paper)[0] == 404
    assert download(api_client_for(personas.parent), paper)[0] == 404
    assert download(api_client_for(personas.teacher), paper)[0] == 200


def test_a_student_who_left_the_group_loses_the_paper(personas, api_client_for, classroom, paper):
    classroom.group.memberships.update(is_active=False)
    assert download(api_client_for(personas.student), paper)[0] == 404


def test_the_stored_file_has_no_public_path(personas, api_client_for, classroom, paper):
    name = f"test-papers/default/{classroom.test.pk}.pdf"
    assert default_storage.exists(name)
    assert api_client_for(personas.teacher).get(f"/media/{name}").status_code == 404
    assert api_client_for(personas.teacher).get(f"/{name}").status_code == 404


def test_a_test_without_a_stored_paper_is_a_404(personas, api_client_for, classroom):
    classroom.test.pdf_url = "https://cdn.example/x.pdf"
    classroom.test.save()
    assert api_client_for(personas.teacher).get(f"/api/tests/{classroom.test.pk}/pdf").status_code == 404
