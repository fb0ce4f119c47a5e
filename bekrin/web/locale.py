"""The language of a request: the web app and the admin speak Azerbaijani unless the person chose English with the
language switch (Django's language cookie, which `set_language` writes); the API keeps following the client's
`Accept-Language` (README, The web app).

A browser's own language is not asked: a school in Azerbaijan uses phones and laptops set to English or Russian,
and its people still expect the school's language first.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SchoolLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        known = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in known else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
