"""A teacher at a phone and at a laptop reads the coding work: the tasks of a topic, a student's submission with its
code and verdict, and the group's ranking."""

import re

import pytest
from playwright.sync_api import expect

from bekrin.testing.coding import school_with_work
from bekrin.testing.factories import PASSWORD, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_reads_tasks_submissions_and_the_ranking(screen):
    teacher = TeacherFactory(email="resad@bekrin.test")
    _topic, _task, group, submissions = school_with_work(teacher, students=2)
    screen.log_in("resad@bekrin.test", PASSWORD)

    page = screen.open("/teacher/coding/tasks")
    page.get_by_label("Mövzu").select_option(label="Riyaziyyat (1)")
    page.get_by_role("button", name="Göstər").click()
    expect(page.get_by_role("cell", name="İki ədədin cəmi", exact=True)).to_be_visible()
    screen.accessible()

    page.get_by_role("link", name=re.compile(r"^Göndərişlər\W+İki ədədin cəmi$")).click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    page.locator("main table a").first.click()  # the newest first
    expect(page.get_by_role("heading", name=f"İki ədədin cəmi: {submissions[1].student.full_name}")).to_be_visible()
    expect(page.locator("pre code")).to_contain_text("print(sum(map(int, input().split())))")
    screen.accessible()

    page = screen.open(f"/teacher/coding/ranking?group_id={group.pk}")
    expect(page.get_by_role("row").nth(1)).to_contain_text(submissions[0].student.full_name)
    screen.accessible()
