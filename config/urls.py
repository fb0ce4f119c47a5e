from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from bekrin.core.api import ApiIndexView, HealthView, LivenessView, ReadinessView
from bekrin.core.api_base import DocsView, SchemaView

handler400 = "bekrin.core.errors.json_bad_request"
handler404 = "bekrin.core.errors.json_not_found"
handler500 = "bekrin.core.errors.json_server_error"

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("health", HealthView.as_view(), name="health"),
    path("health/live", LivenessView.as_view(), name="health-live"),
    path("health/ready", ReadinessView.as_view(), name="health-ready"),
    path("schema", SchemaView.as_view(), name="schema"),
    path("docs", DocsView.as_view(url_name="schema"), name="docs"),
    path("", include("bekrin.accounts.urls")),
    path("", include("bekrin.groups.urls")),
    path("", include("bekrin.students.urls")),
    path("", include("bekrin.attendance.urls")),
    path("", include("bekrin.payments.urls")),
    path("", include("bekrin.coding.urls")),
    path("", include("bekrin.assessments.urls")),
    path("", include("bekrin.audit.urls")),
    path("", include("bekrin.parents.urls")),
]

urlpatterns = [
    # The web app will own `/`; until it lands, a person who opens the server finds the API's documentation.
    path("", RedirectView.as_view(pattern_name="docs"), name="home"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
]
