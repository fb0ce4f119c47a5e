"""A teacher at a phone and at a laptop opens a quiz from the list and reads its questions, assignments and the
marks of its attempts, marks a written answer of an exam found on the home, and creates a quiz, gives its answer
key on the sheet and assigns it."""

import pytest
from playwright.sync_api import expect

from bekrin.assessments.models import Test
from bekrin.testing.assessments import submitted_essay
from bekrin.testing.factories import PASSWORD, GroupFactory
from bekrin.testing.schools import populate_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_reads_a_quiz_and_its_attempts(screen):
    school = populate_school()
    screen.log_in(school.teacher.email, PASSWORD)
    page = screen.open("/teacher/tests")
    screen.accessible()
    page.get_by_role("link", name="Kəsrlər").click()

    expect(page.get_by_role("heading", name="Kəsrlər")).to_be_visible()
    expect(page.get_by_role("cell", name="Çoxseçimli").first).to_be_visible()
    attempts = page.get_by_role("region", name="Cəhdlər (2)")
    expect(attempts).to_contain_text(school.students[0].full_name)
    screen.accessible()


def test_a_teacher_marks_a_written_answer_from_the_home(screen):
    school = populate_school()
    _essay, attempt = submitted_essay(school)
    screen.log_in(school.teacher.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="İnşa").click()
    page.get_by_role("link", name=school.students[0].full_name).click()
    expect(page.get_by_text("Mənim yayım")).to_be_visible()
    screen.accessible()

    page.get_by_label("2-ci sualın balı, 0-dan 1-dək").fill("0.5")
    page.get_by_role("button", name="Balları yadda saxla").click()

    expect(page.locator("#messages")).to_contain_text("Ballar yadda saxlanıldı.")
    attempt.refresh_from_db()
    assert attempt.status == "graded"


def test_a_teacher_creates_a_quiz_gives_its_key_on_the_sheet_and_assigns_it(screen):
    school = populate_school()
    group = GroupFactory(teacher=school.teacher, code="RIY")
    screen.log_in(school.teacher.email, PASSWORD)
    page = screen.open("/teacher/tests")
    page.get_by_role("link", name="Yeni test").click()
    page.get_by_label("Başlıq").fill("Həftəlik quiz")
    page.get_by_label("Şagirdin cəhd sayı").fill("2")
    screen.accessible()
    page.get_by_role("button", name="Yarat").click()

    page.get_by_role("link", name="Cavab açarını ver").click()
    page.get_by_role("radiogroup", name="1-ci sualın hərfi", exact=True).get_by_text("C", exact=True).click()
    page.get_by_label("2-ci sualın rəqəmli cavabı", exact=True).fill("2,5")
    screen.accessible()
    page.get_by_role("button", name="Cavab açarını yadda saxla").click()
    expect(page.locator("#messages")).to_contain_text("Cavab açarı yadda saxlanıldı")

    page.get_by_label("Qrup", exact=True).select_option(label=group.display_name)
    page.get_by_role("button", name="Təyin et").click()
    expect(page.locator("#messages")).to_contain_text("Test təyin olundu.")
    test = Test.objects.get(title="Həftəlik quiz")
    assert test.answer_key.mcq_answers == {"1": "C"} and test.answer_key.numeric_answers == {"2": "2.5"}
    assert test.assignments.get().group == group
