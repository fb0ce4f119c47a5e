"""The office at a phone and at a laptop records a payment from a student's page, reads the receipt, finds it in the
list with the totals, and deletes it with a reason."""

import re

import pytest
from playwright.sync_api import expect

from bekrin.payments.models import Payment
from bekrin.testing.factories import PASSWORD, GroupFactory, MembershipFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_records_a_payment_prints_its_receipt_and_deletes_it_with_a_reason(screen):
    teacher = TeacherFactory(full_name="Rəşad Əliyev", email="resad@bekrin.test")
    group = GroupFactory(teacher=teacher, code="PY1")
    student = MembershipFactory(group=group, student__full_name="Ayşə Həsənova").student
    screen.log_in("resad@bekrin.test", PASSWORD)
    page = screen.open(f"/teacher/students/{student.pk}")
    page.get_by_role("link", name="Ödəniş qeyd et").click()
    page.get_by_label("Məbləğ, AZN").fill("45.50")
    page.get_by_label("Qrup").select_option(label=group.display_name)
    page.get_by_label("Başlıq (məsələn: Dekabr)").fill("Dekabr")
    screen.accessible()
    page.get_by_role("button", name="Yadda saxla və qəbzi göstər").click()

    payment = Payment.objects.get()
    expect(page.get_by_role("heading", name=f"Qəbz № {payment.receipt_no}")).to_be_visible()
    expect(page.locator(".receipt")).to_contain_text("45,50 AZN")
    screen.accessible()

    page = screen.open("/teacher/payments")
    expect(page.get_by_role("link", name=payment.receipt_no)).to_be_visible()
    expect(page.locator("#list")).to_contain_text("Ödənilib: 45,50 AZN")
    screen.accessible()
    page.get_by_role("link", name=payment.receipt_no).click()
    page.get_by_text("Ödənişi sil").click()
    page.get_by_label("Niyə silinir?").fill("Səhvən yazılıb")
    page.get_by_role("button", name="Sil", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(re.compile("qəbzi silindi"))
    assert "Səhvən yazılıb" in Payment.all_objects.get().note
