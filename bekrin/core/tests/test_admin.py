import pytest
from django.contrib import admin
from django.core.management import call_command

from bekrin.accounts.models import User
from bekrin.groups.models import StudyGroup
from bekrin.testing.factories import GroupFactory, OrganizationFactory, TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded_staff_client(client):
    call_command("seed_dev")
    client.force_login(User.objects.get(email="teacher@bekrin.test"))
    return client


# What a teacher adds in the admin: groups (SoftDeleteAdmin) and coding topics. Every other row they see is created
# by a service (students, parents, links, tasks, tests, payments through the API; users of staff roles only by an
# admin) or is read-only there (memberships, attendance, submissions, progress, attempts, results): its add page
# answers 403.
TEACHER_ADDS = {"groups.studygroup", "coding.codingtopic"}


def test_every_admin_changelist_and_add_page_renders_for_the_seed_teacher(seeded_staff_client, rf):
    request = rf.get("/admin/")
    request.user = User.objects.get(email="teacher@bekrin.test")
    seen = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        if not model_admin.has_module_permission(request):
            continue
        seen.add(opts.label_lower)
        assert seeded_staff_client.get(base).status_code == 200, base
        assert seeded_staff_client.get(base + "?q=əli").status_code == 200, base
        expected = 200 if opts.label_lower in TEACHER_ADDS else 403
        assert seeded_staff_client.get(base + "add/").status_code == expected, base
    assert seen >= TEACHER_ADDS


def test_admin_search_finds_azerbaijani_names_in_any_case(seeded_staff_client):
    page = seeded_staff_client.get("/admin/accounts/user/?q=ƏLİ").content.decode()
    assert "Əli Həsənov" in page
    assert "Ayşə" not in page


def test_staff_see_only_their_organizations_rows_and_superusers_see_all(client):
    own = GroupFactory(name="Bizim qrup")
    other_school = OrganizationFactory(slug="other")
    GroupFactory(name="Onların qrupu", teacher=TeacherFactory(organization=other_school))
    client.force_login(TeacherFactory(is_staff=True))
    page = client.get("/admin/groups/studygroup/").content.decode()
    assert own.display_name in page
    assert "Onların" not in page
    assert client.get("/admin/core/organization/").status_code == 403

    client.force_login(User.objects.create_superuser("root@bekrin.test", "x-long-password-1"))
    page = client.get("/admin/groups/studygroup/").content.decode()
    assert "Onların" in page


def test_soft_deleted_rows_stay_listed_and_can_be_restored(seeded_staff_client):
    group = StudyGroup.objects.first()
    action = {"_selected_action": [group.pk], "index": 0}
    seeded_staff_client.post("/admin/groups/studygroup/", {**action, "action": "soft_delete_selected"})
    assert not StudyGroup.objects.filter(pk=group.pk).exists()
    assert group.display_name in seeded_staff_client.get("/admin/groups/studygroup/?deleted=yes").content.decode()
    seeded_staff_client.post("/admin/groups/studygroup/", {**action, "action": "restore_selected"})
    assert StudyGroup.objects.filter(pk=group.pk).exists()


def test_staff_cannot_grant_themselves_superuser_or_move_to_another_school(client):
    teacher = TeacherFactory(is_staff=True, email="t@bekrin.test")
    other_school = OrganizationFactory(slug="elsewhere")
    client.force_login(teacher)
    page = client.get(f"/admin/accounts/user/{teacher.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="organization"' not in page
    client.post(
        f"/admin/accounts/user/{teacher.pk}/change/",
        {
            "email": "t@bekrin.test",
            "full_name": "T",
            "role": "teacher",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "organization": other_school.pk,
        },
    )
    teacher.refresh_from_db()
    assert (teacher.is_superuser, teacher.organization_id) == (False, None)


def test_staff_pick_related_rows_only_from_their_school(client):
    other_teacher = TeacherFactory(organization=OrganizationFactory(slug="elsewhere"), full_name="Başqa Müəllim")
    client.force_login(TeacherFactory(is_staff=True))
    page = client.get("/admin/groups/studygroup/add/").content.decode()
    assert "Başqa Müəllim" not in page
    response = client.post(
        "/admin/groups/studygroup/add/",
        {
            "teacher": other_teacher.pk,
            "name": "X",
            "days_of_week": "1",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form is shown again with an error, nothing saved
    assert not StudyGroup.objects.filter(name="X").exists()


def test_admin_deletes_of_payments_and_students_go_through_their_services(seeded_staff_client):
    from bekrin.payments.models import Payment
    from bekrin.students.models import StudentProfile

    student = User.objects.get(email="student1@bekrin.test")
    paid = Payment.objects.filter(student=student, status="paid").first()
    seeded_staff_client.post(
        "/admin/payments/payment/",
        {"_selected_action": [paid.pk], "index": 0, "action": "soft_delete_selected"},
    )
    assert StudentProfile.objects.get(pk=student.pk).balance == 0
    seeded_staff_client.post(
        "/admin/students/studentprofile/",
        {"_selected_action": [student.pk], "index": 0, "action": "soft_delete_selected"},
    )
    student.refresh_from_db()
    assert not student.is_active
    assert not student.memberships.filter(is_active=True).exists()
