from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from bekrin.core.errors import error_body


class RequestSizeLimitMiddleware:
    """Refuses a body larger than API_MAX_BODY_BYTES before anything reads it; endpoints set tighter limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            return JsonResponse(error_body("too_large", _("The request body is too large.")), status=413)
        return self.get_response(request)
