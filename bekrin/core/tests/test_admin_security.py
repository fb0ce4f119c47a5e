"""The admin is a second way in: staff act only within their rank and school, and every write keeps the services'
invariants."""

from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from knox.models import AuthToken

from bekrin.accounts.models import User
from bekrin.coding.models import CodingTopic
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership
from bekrin.payments.models import Payment
from bekrin.payments.services import payment_create
from bekrin.students.models import StudentProfile
from bekrin.testing.factories import PASSWORD, GroupFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _staff(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _user_form(user: User, **changes: str) -> dict[str, str]:
    return {"email": user.email, "full_name": user.full_name, "role": user.role, "is_active": "on", **changes}


def test_teacher_can_neither_take_over_a_superuser_nor_grant_a_higher_role(client, personas):
    root = User.objects.create_superuser("root@bekrin.test", "root-pass-long-1")
    teacher = _staff(personas.teacher)
    client.force_login(teacher)

    new_password = {"password1": "Taken-over-9x!", "password2": "Taken-over-9x!", "usable_password": "true"}
    response = client.post(f"/admin/accounts/user/{root.pk}/password/", new_password)
    root.refresh_from_db()
    assert response.status_code in (403, 404)
    assert root.check_password("root-pass-long-1")
    assert "root@bekrin.test" not in client.get("/admin/accounts/user/").content.decode()

    client.post(f"/admin/accounts/user/{personas.student.pk}/change/", _user_form(personas.student, role=Role.ADMIN))
    client.post(f"/admin/accounts/user/{personas.admin.pk}/change/", _user_form(personas.admin, full_name="X"))
    add_page = client.get("/admin/accounts/user/add/").content.decode()
    personas.student.refresh_from_db()
    personas.admin.refresh_from_db()
    assert personas.student.role == Role.STUDENT
    assert personas.admin.full_name != "X"
    assert f'value="{Role.ADMIN}"' not in add_page
    assert f'value="{Role.TEACHER}"' not in add_page


def test_admin_login_locks_an_email_after_the_failure_limit(client, personas):
    teacher = _staff(personas.teacher)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        typed = teacher.email.upper() if attempt % 2 else teacher.email  # one account however it is typed
        client.post("/admin/login/", {"username": typed, "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": teacher.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=teacher.email).exists()
    assert response.context["form"].has_error("__all__", code="too_many_attempts")


def test_admin_shows_and_accepts_no_rows_of_another_school(client, personas):
    other_school = personas.other_teacher.organization
    stranger = StudentFactory(full_name="Yad Şagird", organization=other_school)
    CodingTopic.objects.create(organization=other_school, name="Yad mövzu")
    _foreign_token, _secret = AuthToken.objects.create(user=personas.other_teacher)
    own_token, _secret = AuthToken.objects.create(user=personas.teacher)
    group = GroupFactory(teacher=_staff(personas.teacher))
    client.force_login(personas.admin)

    raw_id_label = client.get(f"/admin/groups/studygroup/add/?teacher={personas.other_teacher.pk}")
    assert "Kamran Babayev" not in raw_id_label.content.decode()
    assert "Yad Şagird" not in client.get(f"/admin/groups/groupmembership/add/?student={stranger.pk}").content.decode()
    assert "Kamran Babayev" not in client.get("/admin/groups/studygroup/").content.decode()
    assert "Yad mövzu" not in client.get("/admin/coding/codingtask/").content.decode()
    tokens = client.get("/admin/knox/authtoken/").content.decode()
    assert own_token.digest in tokens
    assert "Kamran Babayev" not in tokens

    client.post(
        f"/admin/groups/studygroup/{group.pk}/change/",
        {
            "teacher": personas.teacher.pk,
            "name": group.name,
            "days_of_week": "1",
            "is_active": "on",
            "sort_order": "0",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-student": stranger.pk,
            "memberships-0-joined_at_0": "2026-01-10",
            "memberships-0-joined_at_1": "10:00:00",
            "memberships-0-is_active": "on",
            "memberships-1-student": personas.parent.pk,
            "memberships-1-joined_at_0": "2026-01-10",
            "memberships-1-joined_at_1": "10:00:00",
            "memberships-1-is_active": "on",
        },
    )
    assert not GroupMembership.objects.filter(group=group).exists()


def test_admin_deletes_keep_balances_logins_and_history(client, personas):
    office = personas.admin
    student = personas.student
    payment = payment_create(
        actor=office, student=student, payment_date=date(2026, 1, 5), amount=Decimal("50"), method="cash", status="paid"
    )
    _token, _secret = AuthToken.objects.create(user=personas.parent)
    client.force_login(office)

    client.post(f"/admin/payments/payment/{payment.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/payments/payment/", {"_selected_action": [payment.pk], "action": "delete_selected", "post": "yes"}
    )
    client.post(f"/admin/accounts/user/{student.pk}/delete/", {"post": "yes"})
    assert Payment.objects.filter(pk=payment.pk).exists()
    assert StudentProfile.objects.get(pk=student.pk).balance == Decimal("50")
    assert User.objects.filter(pk=student.pk).exists()

    parent_profile = personas.parent.parent_profile
    client.post(
        "/admin/students/parentprofile/", {"_selected_action": [parent_profile.pk], "action": "soft_delete_selected"}
    )
    personas.parent.refresh_from_db()
    assert not personas.parent.is_active
    assert not AuthToken.objects.filter(user=personas.parent).exists()


def test_rows_the_services_own_are_read_only_in_the_admin(client, personas):
    """Answer keys and test settings are validated and regraded by the assessment services, test cases rejudge
    through the coding services, memberships are checked by the group services: the admin shows them only."""
    from bekrin.assessments.models import Test
    from bekrin.coding.models import CodingTask

    test = Test.objects.create(created_by=personas.teacher, type="quiz", title="Sınaq", config={"max_attempts": 1})
    topic = CodingTopic.objects.create(name="Mövzu")
    task = CodingTask.objects.create(
        topic=topic, title="Tapşırıq", description="d", difficulty="easy", created_by=personas.teacher
    )
    client.force_login(personas.admin)
    test_page = client.get(f"/admin/assessments/test/{test.pk}/change/").content.decode()
    task_page = client.get(f"/admin/coding/codingtask/{task.pk}/change/").content.decode()
    group_page = client.get(f"/admin/groups/studygroup/{GroupFactory().pk}/change/").content.decode()
    assert 'name="config"' not in test_page
    assert 'name="answer_key-__prefix__-mcq_answers"' not in test_page
    assert 'name="test_cases-0-expected"' not in task_page and "Add another" not in task_page
    assert client.get("/admin/groups/groupmembership/add/").status_code == 403
    assert 'name="memberships-__prefix__-student"' not in group_page


def test_teachers_and_the_office_differ_in_the_admin(client, personas):
    teacher = _staff(personas.teacher)
    office_only = ("/admin/knox/authtoken/", "/admin/axes/accessattempt/", "/admin/accounts/teacherprofile/")
    client.force_login(teacher)
    assert [client.get(url).status_code for url in office_only] == [403, 403, 403]
    assert client.get("/admin/groups/studygroup/").status_code == 200
    assert "Kamran Babayev" not in client.get("/admin/accounts/user/").content.decode()

    client.force_login(personas.admin)
    assert [client.get(url).status_code for url in office_only] == [200, 200, 200]
    assert client.get("/admin/knox/authtoken/add/").status_code == 403  # a token made here would act as its user
    teacher_form = _user_form(teacher, full_name="Rəşad Əliyev-Quliyev")
    client.post(f"/admin/accounts/user/{teacher.pk}/change/", teacher_form)
    teacher.refresh_from_db()
    assert teacher.full_name == "Rəşad Əliyev-Quliyev"


def test_admin_forms_save_through_the_services_and_show_their_refusals(client, personas):
    from django.contrib import messages

    from bekrin.coding.models import CodingTask
    from bekrin.coding.services.authoring import task_delete

    topic = CodingTopic.objects.create(name="Mövzu")
    task = CodingTask.objects.create(
        topic=topic, title="Köhnə", description="d", difficulty="easy", created_by=personas.teacher
    )
    task_delete(task=task)  # the service refuses to change a deleted task; the stock form would not
    client.force_login(personas.admin)
    form = {
        "topic": topic.pk,
        "title": "Yeni",
        "description": "d",
        "starter_code": "",
        "difficulty": "easy",
        "is_active": "on",
        "test_cases-TOTAL_FORMS": "0",
        "test_cases-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/coding/codingtask/{task.pk}/change/", form, follow=True)
    task.refresh_from_db()
    assert task.title == "Köhnə"
    assert [message.level for message in response.context["messages"]] == [messages.ERROR]


def test_pages_of_no_school_are_the_superusers_only(client, personas):
    """The job queue holds every school's jobs (with their arguments), and auth groups would grant permissions."""
    pages = ("/admin/procrastinate/procrastinatejob/", "/admin/auth/group/", "/admin/core/organization/")
    for staff in (_staff(personas.teacher), personas.admin):
        client.force_login(staff)
        assert [client.get(page).status_code for page in pages] == [403, 403, 403]


def test_a_superuser_saving_a_students_form_keeps_the_students_role(client, personas):
    root = User.objects.create_superuser("root@bekrin.test", "root-pass-long-1")
    student = personas.student
    client.force_login(root)
    page = client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()
    assert f'value="{Role.STUDENT}" selected' in page
    client.post(f"/admin/accounts/user/{student.pk}/change/", _user_form(student, full_name="Yeni Ad"))
    student.refresh_from_db()
    assert (student.role, student.full_name) == (Role.STUDENT, "Yeni Ad")
