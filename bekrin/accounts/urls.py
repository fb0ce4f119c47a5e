from django.urls import path

from bekrin.accounts import api

urlpatterns = [
    path("auth/login", api.LoginView.as_view(), name="auth-login"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", api.MeView.as_view(), name="auth-me"),
    path("auth/password", api.PasswordChangeView.as_view(), name="auth-password"),
]
