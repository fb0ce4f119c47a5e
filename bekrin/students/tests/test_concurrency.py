"""Students created at the same moment under real parallel requests: each thread has its own database connection."""

import pytest

from bekrin.accounts.models import User
from bekrin.core.roles import Role
from bekrin.students.models import ParentProfile, ParentStudent
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import TeacherFactory
from conftest import client_for

SIBLINGS = 8


@pytest.mark.django_db(transaction=True)
def test_siblings_created_at_once_with_one_new_parent_email_all_link_to_that_one_parent():
    teacher = TeacherFactory()
    responses = []

    def create(index):
        def job():
            response = client_for(teacher).post(
                "/api/teacher/students",
                {
                    "full_name": f"Uşaq {index}",
                    "email": f"usaq{index}@bekrin.test",
                    "grade": "5",
                    "parent": {"full_name": "Səbinə Əliyeva", "email": "Sebine@bekrin.test", "relation": "ana"},
                },
                format="json",
            )
            responses.append(response)

        return job

    run_in_parallel([create(index) for index in range(SIBLINGS)])

    assert [response.status_code for response in responses] == [201] * SIBLINGS, [r.json() for r in responses]
    [parent] = User.objects.filter(email="sebine@bekrin.test")
    assert parent.role == Role.PARENT
    assert ParentProfile.objects.filter(pk=parent.pk).exists()
    assert ParentStudent.objects.filter(parent=parent).count() == SIBLINGS
    # Only the request that created the parent shows the parent's generated password.
    parent_passwords = [p for r in responses for p in r.json()["passwords"] if p["email"] == parent.email]
    assert len(parent_passwords) == 1
    assert parent.check_password(parent_passwords[0]["password"])
