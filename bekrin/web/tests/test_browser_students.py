"""The office at a phone and at a laptop enrols a student with a parent, reads the passwords once, finds the student
by an Azerbaijani search, opens their page, deletes them and deletes them for good after reading what goes."""

import re

import pytest
from playwright.sync_api import expect

from bekrin.accounts.models import User
from bekrin.testing.factories import PASSWORD, GroupFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_enrols_a_student_with_a_parent_and_later_deletes_them_for_good(screen):
    teacher = TeacherFactory(full_name="Rəşad Əliyev", email="resad@bekrin.test")
    group = GroupFactory(teacher=teacher, code="PY1", days_of_week=[1, 4])
    screen.log_in("resad@bekrin.test", PASSWORD)
    page = screen.open("/teacher/students")
    expect(page.get_by_text("Hələ şagird yoxdur.")).to_be_visible()
    page.get_by_role("link", name="Yeni şagird").click()
    page.get_by_label("Ad və soyad", exact=True).fill("Nərgiz Əhmədova")
    page.get_by_label("E-poçt", exact=True).fill("nergiz@bekrin.test")
    page.get_by_label("Sinif").fill("7")
    page.get_by_label(group.display_name).check()
    page.get_by_label("Valideynin e-poçtu").fill("ehmed@bekrin.test")
    page.get_by_label("Valideynin adı və soyadı").fill("Əhməd Əhmədov")
    screen.accessible()
    page.get_by_role("button", name="Yadda saxla").click()

    expect(page.get_by_role("heading", name="Şagird yaradıldı: Nərgiz Əhmədova")).to_be_visible()
    passwords = page.locator("code").all_text_contents()
    assert len(passwords) == 2
    assert User.objects.get(email="nergiz@bekrin.test").check_password(passwords[0])
    screen.accessible()

    page = screen.open("/teacher/students")
    page.get_by_label("Axtarış").fill("nergiz ehmedova")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Nərgiz Əhmədova").click()
    expect(page.get_by_text("Əhməd Əhmədov")).to_be_visible()
    expect(page.get_by_text(group.display_name)).to_be_visible()
    screen.accessible()

    page.get_by_role("button", name="Sil", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("silindi")
    page.get_by_role("link", name="Silinmiş").click()
    page.get_by_role("link", name="Nərgiz Əhmədova").click()
    page.get_by_role("link", name="Birdəfəlik sil").click()
    expect(page.get_by_role("alert")).to_contain_text("Bunu geri qaytarmaq olmaz")
    screen.accessible()
    page.get_by_role("button", name=re.compile("^Nərgiz Əhmədova və bu sətirləri sil")).click()
    expect(page.locator("#messages")).to_contain_text("birdəfəlik silindi")
    assert not User.objects.filter(email="nergiz@bekrin.test").exists()
    assert User.objects.filter(email="ehmed@bekrin.test").exists()  # the parent stays
