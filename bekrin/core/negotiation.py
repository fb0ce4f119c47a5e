"""The content negotiation of every view (DEFAULT_CONTENT_NEGOTIATION_CLASS): the API answers in its own format.

A client whose Accept header names none of a view's formats gets the view's first one (JSON) instead of a 406:
RFC 9110 (section 12.5.1) lets a server disregard Accept, and a browser tab, a PDF viewer or `curl -H 'Accept:
text/html'` learns more from the JSON answer, or the JSON error, than from "not acceptable". An unknown `?format=`
is still a 404.
"""

from collections.abc import Iterable

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class OwnFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
