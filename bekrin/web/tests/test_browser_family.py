"""Students and parents at a phone and at a laptop: their homes, their own password, the language switch."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bekrin.attendance.models import AttendanceRecord
from bekrin.testing.factories import PASSWORD, MembershipFactory, ParentLinkFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Yeni-şifrə-2026"


@pytest.fixture
def family():
    membership = MembershipFactory(
        joined_at=date(2020, 1, 1),
        group__code="RIY",
        student__full_name="Ülviyyə Səfərova",
        student__email="ulviyye@bekrin.test",
    )
    student = membership.student
    student.student_profile.balance = Decimal("-45.50")
    student.student_profile.save()
    AttendanceRecord.objects.create(
        group=membership.group,
        student=student,
        lesson_date=timezone.localdate(),
        status="present",
        marked_by=membership.group.teacher,
        marked_at=timezone.now(),
    )
    link = ParentLinkFactory(student=student, parent__full_name="Gülnarə Səfərova", parent__email="gulnare@bekrin.test")
    return student, link.parent, membership.group


def test_a_parent_sees_their_childs_groups_balance_and_attendance(screen, family):
    screen.log_in("gulnare@bekrin.test", PASSWORD)
    page = screen.page

    expect(page.get_by_role("heading", name="Övladlarım")).to_be_visible()
    card = page.get_by_role("region", name="Ülviyyə Səfərova")
    expect(card).to_contain_text(family[2].display_name)
    expect(card).to_contain_text("-45,50 AZN")
    expect(card).to_contain_text("100,0%")
    screen.accessible()


def test_a_student_changes_their_password_and_logs_in_with_the_new_one(screen, family):
    screen.log_in("ulviyye@bekrin.test", PASSWORD)
    page = screen.page
    expect(page.get_by_role("heading", name="Mənim səhifəm")).to_be_visible()
    screen.accessible()
    if screen.name == "phone":
        page.get_by_role("button", name="Menyu").click()  # the menu folds away on a phone
    page.get_by_role("link", name="Şifrə").click()
    screen.accessible()

    page.get_by_label("Hazırkı şifrə").fill(PASSWORD)
    page.get_by_label("Yeni şifrə", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Yeni şifrə (təkrar)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Şifrəni dəyiş").click()

    expect(page.get_by_text("Şifrəniz dəyişdirildi.")).to_be_visible()
    screen.accessible()
    if screen.name == "phone":
        page.get_by_role("button", name="Menyu").click()
    page.get_by_role("button", name="Çıxış").click()
    expect(page.get_by_role("heading", name="Daxil ol")).to_be_visible()
    screen.log_in("ulviyye@bekrin.test", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Mənim səhifəm")).to_be_visible()


def test_a_wrong_password_is_said_next_to_the_form(screen, family):
    screen.log_in("ulviyye@bekrin.test", "yanlış")
    expect(screen.page.get_by_role("alert")).to_have_text("E-poçt və ya şifrə yanlışdır.")
    screen.accessible()
    screen.console_errors.clear()  # the 400 of the refused login is logged as a failed load


def test_the_language_switch_is_remembered_from_page_to_page(screen, family):
    screen.open("/")
    page = screen.page
    page.get_by_role("button", name="İngilis").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Email").fill("ulviyye@bekrin.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My page")).to_be_visible()
    screen.accessible()
