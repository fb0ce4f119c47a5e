"""Login and logout: token issue and revocation, with brute-force protection from django-axes."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.http import HttpRequest
from django.utils.translation import gettext as _
from knox.models import AuthToken
from rest_framework import status

from bekrin.accounts.models import User, normalize_email
from bekrin.core.errors import DomainError


class TooManyAttempts(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_attempts"


def auth_login(*, request: HttpRequest, email: str, password: str) -> tuple[AuthToken, str]:
    """A new token for valid credentials. Wrong email and wrong password fail alike.

    The lock is checked before the password, so the tenth failure still answers 400 and only later tries are
    refused; axes keys failures on (email, address) together so one child cannot lock out a whole school.
    """
    credentials = {"email": normalize_email(email)}
    if AxesProxyHandler.is_locked(request, credentials):
        raise TooManyAttempts(_("Too many failed logins. Try again later."))
    user = authenticate(request, email=credentials["email"], password=password)
    if not isinstance(user, User):
        raise DomainError(_("Email or password is wrong."), code="invalid_credentials")
    instance, token = AuthToken.objects.create(user=user)
    update_last_login(User, user)
    return instance, token


def auth_logout(*, token: AuthToken) -> None:
    token.delete()
