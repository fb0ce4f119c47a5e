import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from bekrin.core.errors import BUSY_HEADERS, ErrorCode, busy_error, database_busy, error_body


class RequestSizeLimitMiddleware:
    """Refuses a body larger than API_MAX_BODY_BYTES before anything reads it; endpoints set tighter limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            return JsonResponse(error_body(ErrorCode.TOO_LARGE, _("The request body is too large.")), status=413)
        return self.get_response(request)


# The request headers WSGI passes without the HTTP_ prefix.
_BODY_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


class NulCharacterMiddleware:
    """Refuses a NUL character in the path, the query string or any header, for every URL, before anything reads
    them. PostgreSQL cannot hold NUL in text, so such a value (a bearer token, a session cookie, a list filter,
    an admin filter like `?role__exact=%00`) would otherwise reach a query and fail there with a 500. No field
    of ours accepts one; in a JSON or form body, each field's validation refuses it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # unquote_plus reads the query string as Django's QueryDict does (`%00` is NUL); headers and the path
        # arrive decoded.
        texts = [request.path_info, unquote_plus(request.META.get("QUERY_STRING", ""))]
        texts += [value for key, value in request.META.items() if key.startswith("HTTP_") or key in _BODY_HEADERS]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            message = _("The request contains a NUL character, which no field accepts.")
            return JsonResponse(error_body(ErrorCode.BAD_REQUEST, message), status=400)
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """A page outside the API (the admin) that found the connection pool full answers 503 like the API does
    (API views map it in bekrin.core.errors.api_exception_handler), instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_busy(exception):
            return JsonResponse(busy_error(), status=503, headers=BUSY_HEADERS)
        return None


class ServerTimingMiddleware:
    """With SERVER_TIMING on, every response says what it cost: `Server-Timing: db;dur=<ms>;desc="<N> queries",
    app;dur=<ms>`, the queries and their time on this request's connection and the whole request in Django (so
    `app` includes `db`). It counts through `connection.execute_wrapper`, which works with DEBUG off, unlike
    `connection.queries`; bench/api.py reads it. Off, it is not in the chain at all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0
        db_seconds = 0.0

        def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            nonlocal queries, db_seconds
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries += 1
                db_seconds += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f'db;dur={db_seconds * 1000:.2f};desc="{queries} queries", app;dur={app_ms:.2f}'
        return response
