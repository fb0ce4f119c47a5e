"""A teacher at a phone and at a laptop opens a quiz from the list and reads its questions, assignments and the
marks of its attempts."""

import pytest
from playwright.sync_api import expect

from bekrin.testing.factories import PASSWORD
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
