import pytest
from rest_framework.test import APIClient

from bekrin.testing.docs import docs_script

pytestmark = pytest.mark.django_db


def test_openapi_documents_bearer_auth_and_the_error_shape():
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["knoxApiToken"] == {"type": "http", "scheme": "bearer"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    me = schema["paths"]["/api/auth/me"]["get"]
    assert me["responses"]["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["paths"]["/api/auth/login"]["post"]["requestBody"]


def test_docs_page_lets_a_person_authorize(client):
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui" in page
    assert "persistAuthorization" in docs_script(client, page)


def test_cors_allows_only_configured_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.bekrin.az"]
    allowed = APIClient().options(
        "/api/auth/login", HTTP_ORIGIN="https://app.bekrin.az", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.bekrin.az"
    other = APIClient().options(
        "/api/auth/login", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in other
