"""Django-client helpers of the web app's page tests (bekrin/web/tests)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bekrin.accounts.models import User


def client_of(user: User | None) -> Client:
    """A browser's client with the user's session (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def queries_of(client: Client, path: str) -> int:
    """How many queries a page that must answer 200 runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured)
