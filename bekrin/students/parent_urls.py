"""The parent dashboard's routes; included by config/urls.py under `api/` like every app's urls."""

from django.urls import path

from bekrin.students import parent_api

urlpatterns = [
    path("parent/children", parent_api.ParentChildrenView.as_view(), name="parent-children"),
    path(
        "parent/children/<int:pk>/attendance",
        parent_api.ParentChildAttendanceView.as_view(),
        name="parent-child-attendance",
    ),
    path(
        "parent/children/<int:pk>/payments", parent_api.ParentChildPaymentsView.as_view(), name="parent-child-payments"
    ),
    path("parent/children/<int:pk>/tests", parent_api.ParentChildTestsView.as_view(), name="parent-child-tests"),
]
