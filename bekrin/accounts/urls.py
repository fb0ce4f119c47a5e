from django.urls import path

from bekrin.accounts import api
from bekrin.accounts.bulk_import.api import UserBulkImportView

urlpatterns = [
    path("auth/login", api.LoginView.as_view(), name="auth-login"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", api.MeView.as_view(), name="auth-me"),
    path("teacher/bulk-import/users", UserBulkImportView.as_view(), name="teacher-bulk-import-users"),
]
