"""The project's routes plus the parent dashboard's, for tests run before config/urls.py includes them."""

from django.urls import include, path

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [*project_urlpatterns, path("api/", include("bekrin.students.parent_urls"))]
