from django.urls import path

from bekrin.audit import api

urlpatterns = [
    path("teacher/audit", api.AuditListView.as_view(), name="teacher-audit"),
]
