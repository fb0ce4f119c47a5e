"""The parent dashboard's routes; included by config/urls.py under `api/` like every app's urls."""

from django.urls import path

from bekrin.parents import api

urlpatterns = [
    path("parent/children", api.ParentChildrenView.as_view(), name="parent-children"),
    path(
        "parent/children/<int:pk>/attendance",
        api.ParentChildAttendanceView.as_view(),
        name="parent-child-attendance",
    ),
    path("parent/children/<int:pk>/payments", api.ParentChildPaymentsView.as_view(), name="parent-child-payments"),
    path("parent/children/<int:pk>/tests", api.ParentChildTestsView.as_view(), name="parent-child-tests"),
]
