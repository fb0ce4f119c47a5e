import logging

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from bekrin.core.errors import Conflict, ErrorCode, api_exception_handler


def test_unexpected_errors_are_logged_and_answer_500_without_a_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="bekrin.api"), translation.override("en"):
        response = api_exception_handler(RuntimeError("secret detail"), {"view": None})
    assert response.status_code == 500
    assert response.data == {
        "error": {"code": "server_error", "message": "Something went wrong on our side; it has been logged."}
    }
    assert "secret detail" in caplog.text


def test_domain_conflicts_answer_409_in_the_error_shape():
    response = api_exception_handler(Conflict("Already submitted.", code=ErrorCode.ALREADY_SUBMITTED), {})
    assert (response.status_code, response.data) == (
        409,
        {"error": {"code": "already_submitted", "message": "Already submitted."}},
    )


@pytest.mark.django_db
def test_an_unknown_api_url_answers_404_in_the_error_shape():
    response = APIClient().get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_body_over_the_limit_answers_413(settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = APIClient().post("/api/auth/login", {"email": "x" * 2000, "password": "y"}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
