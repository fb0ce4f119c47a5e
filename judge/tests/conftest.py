"""Fixtures for the judge's tests: the real sandbox (never the development switch) and a watch on the host. Every
test here runs programs in that sandbox, so each is a `sandbox` test (`make test-fast` leaves them out)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from judge import UNSANDBOXED_SWITCH, sandbox_status
from judge.tests.support import Host, watch_host

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.sandbox)


@pytest.fixture(scope="session", autouse=True)
def real_sandbox() -> Iterator[None]:
    """Every judge test runs in the real sandbox; without one they fail, naming the reason."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(UNSANDBOXED_SWITCH, raising=False)
        status = sandbox_status()
        if not status.available:
            pytest.fail(f"the judge's sandbox is unavailable: {status.reason}", pytrace=False)
        yield


@pytest.fixture
def host() -> Iterator[Host]:
    with watch_host() as watched:
        yield watched
