"""One error shape for the whole API, and the one exception type services raise.

Every error answers `{"error": {"code", "message", "fields"?}}`: `code` is machine-readable and stable, `message`
is for people (Azerbaijani unless the client asks for English), `fields` maps an input field (or an item such as
`items[3].status`) to its messages. Every `code` is a member of `ErrorCode`, which the OpenAPI schema lists.
"""

import logging
import sys
from enum import StrEnum
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


class ErrorCode(StrEnum):
    """Every `error.code` the API can answer. A new code is added here and in ERROR_CODE_MEANINGS, which the
    schema's Error component lists (bekrin/core/openapi.py)."""

    # Requests any endpoint can refuse
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    BAD_REQUEST = "bad_request"
    TOO_MANY_FIELDS = "too_many_fields"
    TOO_MANY_FILES = "too_many_files"
    TOO_LARGE = "too_large"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    CONFLICT = "conflict"
    BUSY = "busy"
    NOT_READY = "not_ready"
    SERVER_ERROR = "server_error"
    ERROR = "error"
    # Logins and accounts
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    EMAIL_TAKEN = "email_taken"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (a code, not a password)
    # The roster import
    INVALID_FILE = "invalid_file"
    INVALID_ROWS = "invalid_rows"
    IMPORT_CONFLICT = "import_conflict"
    TOO_MANY_PASSWORDS = "too_many_passwords"
    # Students, groups, attendance
    NOT_DELETED = "not_deleted"
    IN_USE = "in_use"
    GROUP_DELETED = "group_deleted"
    NOT_A_MEMBER = "not_a_member"
    # Payments
    BALANCE_TOO_LARGE = "balance_too_large"
    DUPLICATE_RECEIPT_NO = "duplicate_receipt_no"
    RECEIPT_NO_RESERVED = "receipt_no_reserved"
    RECEIPT_BUSY = "receipt_busy"
    PAYMENT_DELETED = "payment_deleted"
    # Coding tasks
    DUPLICATE_NAME = "duplicate_name"
    TASK_DELETED = "task_deleted"
    JUDGE_UNAVAILABLE = "judge_unavailable"
    REFERENCE_SOLUTION_FAILED = "reference_solution_failed"
    REFERENCE_SOLUTIONS_TOO_SLOW = "reference_solutions_too_slow"
    TOO_MANY_REFERENCE_CASES = "too_many_reference_cases"
    # Tests and attempts
    INVALID_PDF = "invalid_pdf"
    WRITTEN_QUESTIONS_LOCKED = "written_questions_locked"
    WINDOW_CLOSED = "window_closed"
    ATTEMPT_IN_PROGRESS = "attempt_in_progress"
    NO_ATTEMPTS_LEFT = "no_attempts_left"
    TIME_OVER = "time_over"
    ALREADY_SUBMITTED = "already_submitted"
    ATTEMPT_OPEN = "attempt_open"
    INCOMPLETE = "incomplete"


ERROR_CODE_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.INVALID: "400: a field or the body is invalid; `fields` says which.",
    ErrorCode.PARSE_ERROR: "400: the body is not valid JSON or form data.",
    ErrorCode.BAD_REQUEST: "400: Django refused the request as malformed.",
    ErrorCode.TOO_MANY_FIELDS: "400: more fields or query parameters than the server accepts.",
    ErrorCode.TOO_MANY_FILES: "400: more files than the server accepts.",
    ErrorCode.TOO_LARGE: "413: the body or an uploaded file is too large.",
    ErrorCode.NOT_AUTHENTICATED: "401: no token (or session) was sent.",
    ErrorCode.AUTHENTICATION_FAILED: "401: the token is unknown, expired or revoked.",
    ErrorCode.PERMISSION_DENIED: "403: this role may not use this endpoint.",
    ErrorCode.NOT_FOUND: "404: no such row or URL, or it is outside the caller's scope.",
    ErrorCode.METHOD_NOT_ALLOWED: "405: the endpoint does not answer this method.",
    ErrorCode.NOT_ACCEPTABLE: "406: no answer in a format the Accept header allows.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "415: the body's Content-Type is not accepted here.",
    ErrorCode.THROTTLED: "429: too many requests (or submissions); Retry-After says when to try again.",
    ErrorCode.CONFLICT: "409: the row changed or is in a state that refuses this.",
    ErrorCode.BUSY: "503: every database connection is busy; retry after Retry-After.",
    ErrorCode.NOT_READY: "503 on the health check: a part is down; 409 on a test start: the test has no questions.",
    ErrorCode.SERVER_ERROR: "500: an unexpected error, logged on the server.",
    ErrorCode.ERROR: "Any other status DRF raises without a code of its own.",
    ErrorCode.INVALID_CREDENTIALS: "400: email or password is wrong.",
    ErrorCode.TOO_MANY_ATTEMPTS: "429: too many failed logins; try again later.",
    ErrorCode.EMAIL_TAKEN: "400 on `email`: the email is someone's login already.",
    ErrorCode.WEAK_PASSWORD: "400 on `password`: the password fails the password rules.",
    ErrorCode.INVALID_FILE: "400: the roster file cannot be read (encoding, size, header).",
    ErrorCode.INVALID_ROWS: "400: rows of the roster file are invalid; `fields.rows` lists them.",
    ErrorCode.IMPORT_CONFLICT: "409: users of the roster changed while it was imported.",
    ErrorCode.TOO_MANY_PASSWORDS: "400: a roster import may not set this many passwords at once.",
    ErrorCode.NOT_DELETED: "409: only a soft-deleted student can be deleted for good.",
    ErrorCode.IN_USE: "409: other records still depend on the user.",
    ErrorCode.GROUP_DELETED: "400: the group is deleted.",
    ErrorCode.NOT_A_MEMBER: "400: the student was never a member of the group.",
    ErrorCode.BALANCE_TOO_LARGE: "400 on `amount`: the student's balance would exceed what it can hold.",
    ErrorCode.DUPLICATE_RECEIPT_NO: "409 on `receipt_no`: the receipt number is used.",
    ErrorCode.RECEIPT_NO_RESERVED: "400 on `receipt_no`: numbers of the generated shape are given automatically.",
    ErrorCode.RECEIPT_BUSY: "409: no receipt number could be allocated; try again.",
    ErrorCode.PAYMENT_DELETED: "409: a deleted payment cannot be changed.",
    ErrorCode.DUPLICATE_NAME: "409 on `name`: the name is used in this school.",
    ErrorCode.TASK_DELETED: "409: a deleted task cannot be changed; restore it first.",
    ErrorCode.JUDGE_UNAVAILABLE: "503: the sandbox cannot run on this server.",
    ErrorCode.REFERENCE_SOLUTION_FAILED: "400: an imported task's reference solution fails its own test cases.",
    ErrorCode.REFERENCE_SOLUTIONS_TOO_SLOW: "400: the import's reference solutions take too long to check.",
    ErrorCode.TOO_MANY_REFERENCE_CASES: "400: the import has too many test cases to check in one request.",
    ErrorCode.INVALID_PDF: "400 on `pdf`: the file is not a PDF.",
    ErrorCode.WRITTEN_QUESTIONS_LOCKED: "409: graded attempts have no mark for a new written question.",
    ErrorCode.WINDOW_CLOSED: "409: the test is not open now.",
    ErrorCode.ATTEMPT_IN_PROGRESS: "409: finish the attempt in progress first.",
    ErrorCode.NO_ATTEMPTS_LEFT: "409: no attempts are left for this test.",
    ErrorCode.TIME_OVER: "409: the attempt's time is over; it was submitted with the answers saved before.",
    ErrorCode.ALREADY_SUBMITTED: "409: the attempt is already submitted.",
    ErrorCode.ATTEMPT_OPEN: "409: the student is still working on this attempt.",
    ErrorCode.INCOMPLETE: "400 on `written_scores`: every written question needs a mark.",
}


class DomainError(Exception):
    """A request the domain refuses. Services raise it; the API layer renders it in the error shape."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = ErrorCode.INVALID

    def __init__(self, message: str, *, code: ErrorCode | None = None, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        if code is not None:
            self.code = code


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = ErrorCode.CONFLICT


class NotFound(DomainError):
    """An id the caller cannot see, also in a request body or query: missing and out of scope answer alike."""

    status_code = status.HTTP_404_NOT_FOUND
    code = ErrorCode.NOT_FOUND


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = ErrorCode.TOO_LARGE


def error_body(code: ErrorCode, message: str, fields: Any = None) -> dict[str, Any]:
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
    return error_body(ErrorCode.BUSY, _("The server is busy right now; try again in a moment."))


REQUEST_ERRORS = (SuspiciousOperation, BadRequest, MultiPartParserError)


def request_refusal(exc: BaseException | None) -> tuple[int, dict[str, Any]]:
    """The status and body for Django's refusal of a malformed request (one of REQUEST_ERRORS), raised wherever
    the request is read (a view, DRF's parsers, the CSRF check): more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or
    query parameters, more than DATA_UPLOAD_MAX_NUMBER_FILES files, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or
    any other bad request. The API's handler and handler400 (the admin, middleware) both answer with it."""
    if isinstance(exc, RequestDataTooBig):
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, error_body(
            ErrorCode.TOO_LARGE, _("The request body is too large.")
        )
    if isinstance(exc, TooManyFieldsSent):
        message = _("The request has too many fields or query parameters.")
        return status.HTTP_400_BAD_REQUEST, error_body(ErrorCode.TOO_MANY_FIELDS, message)
    if isinstance(exc, TooManyFilesSent):
        return status.HTTP_400_BAD_REQUEST, error_body(ErrorCode.TOO_MANY_FILES, _("The request has too many files."))
    return status.HTTP_400_BAD_REQUEST, error_body(ErrorCode.BAD_REQUEST, _("The request is malformed."))


_DRF_CODES = {
    exceptions.ValidationError: ErrorCode.INVALID,
    exceptions.ParseError: ErrorCode.PARSE_ERROR,
    exceptions.AuthenticationFailed: ErrorCode.AUTHENTICATION_FAILED,
    exceptions.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: ErrorCode.PERMISSION_DENIED,
    exceptions.NotFound: ErrorCode.NOT_FOUND,
    exceptions.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: ErrorCode.THROTTLED,
}


def _drf_code(exc: exceptions.APIException) -> ErrorCode:
    for exc_type, code in _DRF_CODES.items():
        if isinstance(exc, exc_type):
            return code
    # Every exception class of DRF is above; another library's keeps its status and answers the generic code.
    return ErrorCode.ERROR


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
            error_body(ErrorCode.SERVER_ERROR, _("Something went wrong on our side; it has been logged.")),
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
        response.data = error_body(ErrorCode.INVALID, message, fields)
    else:
        response.data = error_body(_drf_code(exc), str(exc.detail))
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler404: unknown URLs answer in the error shape too."""
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, _("Not found.")), status=404)


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
        error_body(ErrorCode.SERVER_ERROR, _("Something went wrong on our side; it has been logged.")), status=500
    )
