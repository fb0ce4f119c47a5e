"""A teacher at a phone and at a laptop: logs in, opens today's lesson from the home, marks the grid by tap, by
keyboard and by column, sees a failed save and retries it. Every page is scanned by axe (conftest.py)."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bekrin.attendance.models import AttendanceRecord
from bekrin.testing.factories import PASSWORD, GroupFactory, MembershipFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDENTS = ["Əli Həsənov", "Ayşə Quliyeva", "İlkin Məmmədov"]


@pytest.fixture
def school():
    """A teacher and a group with a lesson every day, so today's lessons always show it."""
    teacher = TeacherFactory(full_name="Rəşad Əliyev", email="resad@bekrin.test")
    group = GroupFactory(teacher=teacher, name="Python", code="PY1", days_of_week=[1, 2, 3, 4, 5, 6, 7])
    for name in STUDENTS:
        MembershipFactory(group=group, joined_at=date(2020, 1, 1), student__full_name=name)
    return teacher, group


def grid_of(screen):
    """Logs the school's teacher in and opens today's lesson from the home."""
    screen.log_in("resad@bekrin.test", PASSWORD)
    page = screen.page
    expect(page.get_by_role("heading", name="Bugünkü dərslər")).to_be_visible()
    screen.accessible()
    page.get_by_role("link", name="Davamiyyəti qeyd et").click()
    page.wait_for_load_state()  # the grid's script runs before `load`: a click before it would do nothing
    grid = page.get_by_role("grid")
    expect(grid).to_be_visible()
    screen.accessible()
    return page, grid


def cell_named(page, student: str):
    """The student's cell of today (the school's today: the grid's dates are in its time zone)."""
    return page.locator(f"tr:has(th:text-is('{student}')) button.cell[data-date='{timezone.localdate().isoformat()}']")


def test_a_teacher_marks_a_lesson_by_tapping_and_the_totals_follow(screen, school):
    page, _grid = grid_of(screen)
    page.get_by_role("button", name=re.compile("Gecikib")).click()
    ali = cell_named(page, "Əli Həsənov")

    ali.click()

    expect(page.locator("#grid-status")).to_have_text("Saxlanıldı.")
    expect(ali).to_have_text("G")
    expect(ali).to_have_attribute("aria-label", re.compile(r"Əli Həsənov: Gecikib$"))
    expect(page.locator("tr:has(th:text-is('Əli Həsənov')) .row-total")).to_contain_text("1/1")
    assert AttendanceRecord.objects.get().status == "late"
    box = ali.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44  # a touch target (axe does not measure it)

    page.reload()
    expect(cell_named(page, "Əli Həsənov")).to_have_text("G")
    screen.accessible()


def test_a_whole_column_is_marked_present_in_one_action_and_a_marked_cell_is_kept(screen, school):
    page, _grid = grid_of(screen)
    page.get_by_role("button", name=re.compile("İştirak etməyib")).click()
    cell_named(page, "Ayşə Quliyeva").click()
    expect(page.locator("#grid-status")).to_have_text("Saxlanıldı.")

    today = timezone.localdate().isoformat()
    page.locator(f"button.column-fill[data-date='{today}']").click()

    expect(page.locator(f".column-total[data-date='{today}']")).to_have_text("2/3")
    statuses = dict(AttendanceRecord.objects.values_list("student__full_name", "status"))
    assert statuses == {"Əli Həsənov": "present", "Ayşə Quliyeva": "absent", "İlkin Məmmədov": "present"}


def test_the_grid_is_one_tab_stop_arrows_move_keys_set_and_focus_stays(laptop, school):
    page, grid = grid_of(laptop)
    first = grid.locator("button.cell").first
    first.focus()
    expect(grid.locator("button.cell[tabindex='0']")).to_have_count(1)

    page.keyboard.press("ArrowDown")
    page.keyboard.press("q")  # qayıb: absent

    focused = page.locator("button.cell:focus")
    expect(page.locator("#grid-status")).to_have_text("Saxlanıldı.")
    expect(focused).to_have_text("−")
    expect(focused).to_have_attribute("aria-label", re.compile("İştirak etməyib$"))
    expect(grid.locator("button.cell[tabindex='0']")).to_have_count(1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Delete")
    expect(page.locator("button.cell:focus")).to_have_text("")
    page.keyboard.press("Enter")  # the chosen status: present
    expect(page.locator("button.cell:focus")).to_have_text("+")
    expect(page.locator("#grid-status")).to_have_text("Saxlanıldı.")
    assert list(AttendanceRecord.objects.values_list("status", flat=True)) == ["present"]


def test_a_failed_save_shows_the_cell_as_not_saved_and_a_click_retries_it(screen, school):
    page, _grid = grid_of(screen)
    page.route("**/teacher/attendance/cells", lambda route: route.abort())
    ali = cell_named(page, "Əli Həsənov")

    ali.click()

    expect(ali).to_have_class(re.compile(r"\bunsaved\b"))
    expect(ali).to_have_attribute("aria-label", re.compile("saxlanılmadı"))
    expect(page.locator("#grid-status")).to_have_text("Saxlanılmadı.")
    assert not AttendanceRecord.objects.exists()

    page.unroute("**/teacher/attendance/cells")
    ali.click()

    expect(page.locator("#grid-status")).to_have_text("Saxlanıldı.")
    expect(ali).not_to_have_class(re.compile(r"\bunsaved\b"))
    assert AttendanceRecord.objects.get().status == "present"
    screen.console_errors.clear()  # the aborted request is logged as a failed load: that was the test


def test_the_names_stay_in_view_while_the_dates_scroll(screen, school):
    page, grid = grid_of(screen)
    name = grid.locator("th.name-col").nth(1)
    before = name.bounding_box()
    page.locator(".grid-scroll").evaluate("element => element.scrollBy(600, 0)")
    after = name.bounding_box()
    assert before and after and abs(before["x"] - after["x"]) < 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # the grid scrolls, not the page
