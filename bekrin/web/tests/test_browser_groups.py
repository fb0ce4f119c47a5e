"""A teacher at a phone and at a laptop keeps a group: creates it with its weekly schedule (the display name shown
as it is typed), adds a member found by search, removes them, deletes the group and restores it."""

import re

import pytest
from playwright.sync_api import expect

from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.testing.factories import PASSWORD, StudentFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_creates_a_group_fills_it_and_deletes_and_restores_it(screen):
    TeacherFactory(full_name="Rəşad Əliyev", email="resad@bekrin.test")
    StudentFactory(full_name="Əli Həsənov")
    StudentFactory(full_name="Leyla Quliyeva")
    screen.log_in("resad@bekrin.test", PASSWORD)
    page = screen.open("/teacher/groups")
    expect(page.get_by_text("Hələ qrup yoxdur.")).to_be_visible()
    screen.accessible()

    page.get_by_role("link", name="Yeni qrup").click()
    page.get_by_label("Ad", exact=True).fill("Veb proqramlaşdırma")
    page.get_by_text("Çərşənbə axşamı", exact=True).click()
    page.get_by_text("Cümə", exact=True).click()
    page.get_by_label("Başlama vaxtı").fill("14:30")
    expect(page.locator("#display-name")).to_have_text("Veb proqramlaşdırma: 2-5 14:30")
    screen.accessible()
    page.get_by_role("button", name="Yadda saxla").click()

    expect(page.get_by_role("heading", name="Veb proqramlaşdırma: 2-5 14:30")).to_be_visible()
    expect(page.get_by_text("Qrup yadda saxlanıldı.")).to_be_visible()
    page.get_by_label("Şagirdi ad və ya e-poçtla tapın").fill("eli")
    page.keyboard.press("Enter")  # the list also follows the typing; Enter searches at once
    expect(page.get_by_label(re.compile("Əli Həsənov"))).to_be_visible()
    expect(page.get_by_text("Leyla Quliyeva")).to_have_count(0)
    screen.accessible()
    page.get_by_label(re.compile("Əli Həsənov")).check()
    page.get_by_role("button", name="Seçilmiş şagirdləri əlavə et").click()

    expect(page.get_by_role("heading", name="1 şagird")).to_be_visible()
    group = StudyGroup.objects.get()
    assert GroupMembership.objects.get(group=group).student.full_name == "Əli Həsənov"
    page.get_by_role("button", name=re.compile(r"^Çıxar\W+Əli Həsənov$")).click()
    expect(page.get_by_text("Keçmiş üzvlər (1)")).to_be_visible()
    screen.accessible()

    page.get_by_role("button", name="Sil", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("silindi")
    page.get_by_role("link", name="Silinmiş").click()
    page.get_by_role("link", name="Veb proqramlaşdırma: 2-5 14:30").click()
    page.get_by_role("button", name="Bərpa et").click()
    expect(page.locator("#messages")).to_contain_text("bərpa edildi")
    assert StudyGroup.objects.get().deleted_at is None
