"""One error shape for the whole API, and the one exception type services raise.

Every error answers `{"error": {"code", "message", "fields"?}}`: `code` is machine-readable and stable, `message`
is for people (Azerbaijani unless the client asks for English), `fields` maps an input field (or an item such as
`items[3].status`) to its messages.
"""

import logging
import sys
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from psycopg_pool import PoolTimeout
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("bekrin.api")


class DomainError(Exception):
    """A request the domain refuses. Services raise it; the API layer renders it in the error shape."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        if code is not None:
            self.code = code


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class NotFound(DomainError):
    """An id the caller cannot see, also in a request body or query: missing and out of scope answer alike."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def database_busy(exc: BaseException | None) -> bool:
    """The error of a request that waited DB_POOL_TIMEOUT seconds for a pooled connection and got none."""
    return isinstance(exc, OperationalError) and isinstance(exc.__cause__, PoolTimeout)


# A full pool frees up as requests finish, so a client may retry almost at once.
BUSY_HEADERS = {"Retry-After": "1"}


def busy_error() -> dict[str, Any]:
    """The 503 body for a full connection pool (sent with BUSY_HEADERS)."""
    logger.warning("Every database connection of the pool stayed busy; answered 503")
    return error_body("busy", _("The server is busy right now; try again in a moment."))


REQUEST_ERRORS = (SuspiciousOperation, BadRequest, MultiPartParserError)


def request_refusal(exc: BaseException | None) -> tuple[int, dict[str, Any]]:
    """The status and body for Django's refusal of a malformed request (one of REQUEST_ERRORS), raised wherever
    the request is read (a view, DRF's parsers, the CSRF check): more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or
    query parameters, more than DATA_UPLOAD_MAX_NUMBER_FILES files, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or
    any other bad request. The API's handler and handler400 (the admin, middleware) both answer with it."""
    if isinstance(exc, RequestDataTooBig):
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, error_body("too_large", _("The request body is too large."))
    if isinstance(exc, TooManyFieldsSent):
        message = _("The request has too many fields or query parameters.")
        return status.HTTP_400_BAD_REQUEST, error_body("too_many_fields", message)
    if isinstance(exc, TooManyFilesSent):
        return status.HTTP_400_BAD_REQUEST, error_body("too_many_files", _("The request has too many files."))
    return status.HTTP_400_BAD_REQUEST, error_body("bad_request", _("The request is malformed."))


_DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _drf_code(exc: exceptions.APIException) -> str:
    for exc_type, code in _DRF_CODES.items():
        if isinstance(exc, exc_type):
            return code
    return str(exc.default_code)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes the error shape, never a traceback."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if database_busy(exc):
        return Response(busy_error(), status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=BUSY_HEADERS)
    if isinstance(exc, REQUEST_ERRORS):
        refused_status, body = request_refusal(exc)
        return Response(body, status=refused_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("Unexpected error in %s", type(view).__name__ if view else "API view", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side; it has been logged.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            non_field: Any = detail.get("non_field_errors")
            message = str(non_field[0]) if non_field else _("The request has invalid fields.")
            fields = {key: value for key, value in detail.items() if key != "non_field_errors"}
        else:
            items = detail if isinstance(detail, list) else [detail]
            message, fields = (str(items[0]) if items else _("Invalid input.")), None
        response.data = error_body("invalid", message, fields)
    else:
        response.data = error_body(_drf_code(exc), str(exc.detail))
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler404: unknown URLs answer in the error shape too."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler400: a request Django refuses outside an API view (the admin, a middleware) answers in the error
    shape too. (With DEBUG on, Django shows its technical page with the same status instead.)"""
    refused_status, body = request_refusal(exception)
    return JsonResponse(body, status=refused_status)


def json_server_error(request: HttpRequest) -> JsonResponse:
    """handler500. Django calls it while handling the exception, so a full connection pool met in a middleware
    (the session or the user loaded before any view) still answers 503 busy, as DatabaseBusyMiddleware does for
    views."""
    if database_busy(sys.exc_info()[1]):
        return JsonResponse(busy_error(), status=503, headers=BUSY_HEADERS)
    return JsonResponse(
        error_body("server_error", _("Something went wrong on our side; it has been logged.")), status=500
    )
