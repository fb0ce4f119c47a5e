"""Screenshots of every screen of the web app at a phone's and a laptop's size, into the screenshots folder of docs
(the README shows them). Run against a server with the seed data: `make run`, then
`.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]`. It changes nothing but the seed school's
logins' sessions (it opens forms, it does not submit them).
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's (scripts/system-deps installs it)
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
LOGINS = {  # README.md's seed logins
    "teacher": ("teacher@bekrin.test", "teacher-pass-1"),
    "student": ("student1@bekrin.test", "student-pass-1"),
    "parent": ("parent@bekrin.test", "parent-pass-1"),
}


def log_in(page: Page, base: str, role: str) -> None:
    email, password = LOGINS[role]
    page.goto(base + "/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def first_link(page: Page, base: str, listing: str, prefix: str) -> str:
    page.goto(base + listing)
    return page.locator(f"main table a[href^='{prefix}']").first.get_attribute("href") or listing


def teacher_screens(page: Page, base: str) -> dict[str, str]:
    group = first_link(page, base, "/teacher/groups", "/teacher/groups/")
    student = first_link(page, base, "/teacher/students", "/teacher/students/")
    receipt = first_link(page, base, "/teacher/payments", "/teacher/payments/")
    test = first_link(page, base, "/teacher/tests", "/teacher/tests/")
    group_id = group.rsplit("/", 1)[1]
    return {
        "teacher-home": "/teacher/",
        "groups": "/teacher/groups",
        "group": group,
        "group-form": "/teacher/groups/new",
        "students": "/teacher/students?search=h%C9%99s",
        "student": student,
        "student-form": "/teacher/students/new",
        "payments": "/teacher/payments",
        "receipt": receipt,
        "payment-form": f"/teacher/payments/new?student_id={student.rsplit('/', 1)[1]}",
        "coding-tasks": "/teacher/coding/tasks",
        "coding-submissions": "/teacher/coding/submissions",
        "coding-ranking": "/teacher/coding/ranking",
        "tests": "/teacher/tests",
        "test": test,
        "attendance": f"/teacher/attendance?group_id={group_id}",
        "import": "/teacher/import",
        "password": "/account/password",
    }


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for size, viewport in SIZES.items():
            for role in LOGINS:
                context = browser.new_context(viewport=viewport, reduced_motion="reduce")
                page = context.new_page()
                if role == "teacher":
                    page.goto(base + "/")
                    page.screenshot(path=OUT / f"login-{size}.png", full_page=True)
                log_in(page, base, role)
                screens = teacher_screens(page, base) if role == "teacher" else {f"{role}-home": f"/{role}/"}
                for name, path in screens.items():
                    page.goto(base + path)
                    page.screenshot(path=OUT / f"{name}-{size}.png", full_page=True)
                    print(f"{name}-{size}.png  {path}")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
