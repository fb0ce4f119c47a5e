"""The API docs page's start-up script, which the page loads as a file of our own (`/api/docs?script`) so the
Content Security Policy needs no inline script: Swagger UI's settings and the session's CSRF token are in it."""

import re

from django.test import Client


def docs_script(client: Client, page: str) -> str:
    found = re.search(r'<script src="([^"]*\?script=?)"', page)
    assert found, "the docs page names no start-up script"
    answer = client.get(found[1])
    assert answer.status_code == 200
    return answer.content.decode()
