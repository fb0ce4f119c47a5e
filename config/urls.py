from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from bekrin.core.api import HealthView
from bekrin.core.views import DocsView, SchemaView

handler404 = "bekrin.core.errors.json_not_found"
handler500 = "bekrin.core.errors.json_server_error"

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("health", HealthView.as_view(), name="health"),
    path("schema", SchemaView.as_view(), name="schema"),
    path("docs", DocsView.as_view(url_name="schema"), name="docs"),
    path("", include("bekrin.accounts.urls")),
    path("", include("bekrin.students.urls")),
    path("", include("bekrin.students.parent_urls")),
    path("", include("bekrin.groups.urls")),
    path("", include("bekrin.attendance.urls")),
    path("", include("bekrin.payments.urls")),
    path("", include("bekrin.coding.urls")),
    path("", include("bekrin.assessments.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
]
