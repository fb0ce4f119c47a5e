from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from bekrin.core.errors import BUSY_HEADERS, busy_error, database_busy, error_body


class RequestSizeLimitMiddleware:
    """Refuses a body larger than API_MAX_BODY_BYTES before anything reads it; endpoints set tighter limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            return JsonResponse(error_body("too_large", _("The request body is too large.")), status=413)
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
