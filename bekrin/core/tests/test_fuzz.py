"""Fuzzing the published API with schemathesis: for every operation of /api/schema, requests generated from the
schema (valid and invalid) are sent by each persona through the real WSGI application, in this test's database.
No answer may be a 5xx, and every answer must match what the schema documents for it (status, content type, body).

Each example is sent by a persona drawn with it. `make test` runs a few examples per operation (FUZZ_EXAMPLES, default
12); `make fuzz` runs many.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# The routes a fuzzer must not call: logging out revokes the persona's token for the rest of the run.
SKIPPED = ["/api/auth/logout"]

schema = schemathesis.openapi.from_wsgi("/api/schema", application)
PERSONAS = ["anonymous", "admin", "teacher", "other_teacher", "student", "parent"]


@schemathesis.check
def no_server_error(ctx, response, case) -> None:
    """No 5xx but a 503 the operation documents (the health report of a part that is down, a full pool): those are
    answers, not failures."""
    status = response.status_code
    documented = str(status) in case.operation.definition.raw.get("responses", {})
    if status >= 500 and not (status == 503 and documented):
        raise AssertionError(f"{case.operation.label} answered {status}: {response.text[:300]}")


@pytest.fixture(autouse=True)
def connection_kept_between_requests():
    """The requests go straight to the WSGI application, whose end-of-request signal would close the test's
    connection (inside its transaction); Django's own test client unhooks that signal the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def no_wait_for_the_judge(settings):
    """No worker runs here: submits and imports answer 202 at once instead of waiting for one, and a long poll of a
    pending submission (`?wait=`) answers at once too."""
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    settings.JUDGE_LONG_POLL_SECONDS = 0


def authorization(personas, persona: str) -> dict[str, str]:
    """A new token for each example (anonymous sends none): an earlier example may have set the persona's password,
    which revokes the tokens it had, and the rest of the run would only test 401s."""
    if persona == "anonymous":
        return {}
    _instance, token = AuthToken.objects.create(user=getattr(personas, persona))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
@schema.exclude(path=SKIPPED).parametrize()
@schema.given(persona=st.sampled_from(PERSONAS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run, so a failure reproduces
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error_or_breaks_the_schema(case, persona, personas):
    case.call_and_validate(
        headers=authorization(personas, persona),
        checks=[no_server_error, response_schema_conformance, content_type_conformance],
    )
