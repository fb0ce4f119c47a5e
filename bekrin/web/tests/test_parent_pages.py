"""The parent pages through Django's client: the Azerbaijani search, a parent's children, the new password slip,
another school's parents, fixed queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bekrin.testing.factories import OrganizationFactory, ParentFactory, ParentLinkFactory, TeacherFactory
from bekrin.testing.web import client_of

pytestmark = pytest.mark.django_db


def test_parents_are_found_the_azerbaijani_way_with_their_children():
    teacher = TeacherFactory()
    link = ParentLinkFactory(parent__full_name="Gülnarə Şükürova", student__full_name="Əli Şükürov")
    ParentFactory(full_name="Rauf Quliyev")
    client = client_of(teacher)

    found = client.get("/teacher/parents?search=gulnare sukur").content.decode()
    page = client.get(f"/teacher/parents/{link.parent_id}").content.decode()

    assert "Gülnarə Şükürova" in found and "Rauf Quliyev" not in found and "Əli Şükürov" in found
    assert f'href="/teacher/students/{link.student_id}"' in page


def test_staff_give_a_parent_a_new_password_on_a_slip():
    parent = ParentFactory()
    slip = client_of(TeacherFactory()).post(f"/teacher/parents/{parent.pk}/password")
    password = re.search(r'<code class="fs-5">([^<]+)</code>', slip.content.decode())[1]
    parent.refresh_from_db()
    assert parent.check_password(password)


def test_another_schools_parent_is_missing():
    theirs = ParentFactory(organization=OrganizationFactory(name="Digər məktəb", slug="diger"))
    client = client_of(TeacherFactory())
    before = theirs.password
    assert client.get(f"/teacher/parents/{theirs.pk}").status_code == 404
    assert client.post(f"/teacher/parents/{theirs.pk}/password").status_code == 404
    theirs.refresh_from_db()
    assert theirs.password == before
    assert "Digər" not in client.get("/teacher/parents").content.decode()


def test_the_list_runs_as_many_queries_for_a_big_school_as_for_a_small_one():
    counts = []
    for parents in (1, 30):
        school = OrganizationFactory(name=f"Məktəb {parents}", slug=f"m{parents}")
        for _ in range(parents):
            ParentLinkFactory(student__organization=school)
        with CaptureQueriesContext(connection) as captured:
            assert client_of(TeacherFactory(organization=school)).get("/teacher/parents").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
