from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from bekrin.core.api import ApiIndexView, HealthView, LivenessView, ReadinessView
from bekrin.core.api_base import DocsView, SchemaView

handler400 = "bekrin.core.errors.json_bad_request"
handler403 = "bekrin.web.views.account.forbidden"
handler404 = "bekrin.web.views.account.not_found"
handler500 = "bekrin.web.views.account.server_error"

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
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("", include("bekrin.web.urls")),
]
