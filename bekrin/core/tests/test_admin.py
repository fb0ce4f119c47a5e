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


def test_every_admin_changelist_and_add_page_renders_for_the_seed_teacher(seeded_staff_client, rf):
    request = rf.get("/admin/")
    request.user = User.objects.get(email="teacher@bekrin.test")
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        if not model_admin.has_module_permission(request):
            continue
        assert seeded_staff_client.get(base).status_code == 200, base
        assert seeded_staff_client.get(base + "?q=əli").status_code == 200, base
        assert seeded_staff_client.get(base + "add/").status_code in (200, 403), base


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
