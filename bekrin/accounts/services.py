"""Login and logout: token issue and revocation, with brute-force protection from django-axes. Creating and
changing users: one email is one account; a chosen password passes Django's validators and is hashed with the
default (Argon2) hasher; without one, an initial password is generated as for bulk imports (bekrin.accounts.hashers).
A changed password ends every login made with the old one (`user_update`), except the one of a person who
changed their own (`password_change`).
"""

from typing import Any, TypedDict

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, login
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from knox.models import AuthToken
from rest_framework import status

from bekrin.accounts.hashers import initial_password, initial_password_hash
from bekrin.accounts.models import User, normalize_email
from bekrin.core.errors import DomainError, ErrorCode
from bekrin.core.models import apply_changes


class TooManyAttempts(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = ErrorCode.TOO_MANY_ATTEMPTS


def _authenticated(*, request: HttpRequest, email: str, password: str) -> User | None:
    """The user of these credentials, or None; refused while the (email, address) or the address is locked out,
    and a failure counts towards the lock (axes listens to authenticate's failure signal)."""
    credentials = {"email": normalize_email(email)}
    if AxesProxyHandler.is_locked(request, credentials):
        raise TooManyAttempts(_("Too many failed logins. Try again later."))
    user = authenticate(request, email=credentials["email"], password=password)
    return user if isinstance(user, User) else None


def _logged_in_user(*, request: HttpRequest, email: str, password: str) -> User:
    user = _authenticated(request=request, email=email, password=password)
    if user is None:
        raise DomainError(_("Email or password is wrong."), code=ErrorCode.INVALID_CREDENTIALS)
    return user


def auth_session_login(*, request: HttpRequest, email: str, password: str) -> User:
    """The web app's login: the same checks and lockout as auth_login, then a session (a new session key and CSRF
    token, Django's login) instead of a token."""
    user = _logged_in_user(request=request, email=email, password=password)
    login(request, user)
    return user


def auth_login(*, request: HttpRequest, email: str, password: str) -> tuple[AuthToken, str]:
    """A new token for valid credentials. Wrong email and wrong password fail alike.

    The lock is checked before the password, so the tenth failure still answers 400 and only later tries are
    refused. Failures are counted per (email, address), so one child's mistakes lock only that account from that
    address, and per address over all emails against a higher limit (LOGIN_ADDRESS_FAILURE_LIMIT,
    bekrin/accounts/lockout.py), so spraying guesses over many accounts is stopped too: a school behind one
    address shares that second count.
    """
    user = _logged_in_user(request=request, email=email, password=password)
    instance, token = AuthToken.objects.create(user=user)
    update_last_login(User, user)
    return instance, token


def auth_logout(*, token: AuthToken) -> None:
    token.delete()


class UserChanges(TypedDict, total=False):
    """The user fields an update may change; a key that is absent stays as it is."""

    full_name: str
    email: str
    phone: str | None
    password: str


class EmailTaken(DomainError):
    """400 on field `email`: emails are logins, so one email is one account across every organization."""

    code = ErrorCode.EMAIL_TAKEN

    def __init__(self) -> None:
        message = _("A user with this email already exists.")
        super().__init__(message, fields={"email": [message]})


def email_check_free(*, email: str, exclude_user_id: int | None = None) -> str:
    """The normalized email when it is well-formed and no other user has it; else a 400 on field `email`.

    Emails are unique across every organization (they are logins), so a clash with another school's user answers
    the same as any other clash and says nothing about that school.
    """
    normalized = normalize_email(email)
    try:
        validate_email(normalized)
    except ValidationError as error:
        raise DomainError(_("Enter a valid email address."), fields={"email": list(error.messages)}) from error
    others = User.objects.filter(email=normalized)
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    if others.exists():
        raise EmailTaken()
    return normalized


def _password_set(*, user: User, password: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError(
            _("The password is not strong enough."),
            code=ErrorCode.WEAK_PASSWORD,
            fields={"password": list(error.messages)},
        ) from error
    user.set_password(password)


def _save_unique_email(user: User, update_fields: list[str] | None = None) -> None:
    """Save, turning a concurrent insert of the same email (the unique index) into the documented 400."""
    try:
        with transaction.atomic():
            user.save(update_fields=update_fields)
    except IntegrityError as error:
        if User.objects.filter(email=user.email).exclude(pk=user.pk).exists():
            raise EmailTaken() from error
        raise


def user_create(
    *,
    organization_id: int | None,
    email: str,
    full_name: str,
    role: str,
    phone: str | None = None,
    password: str | None = None,
) -> tuple[User, str | None]:
    """A new active user and, when no password was given, the generated one (to be shown once, never stored).

    A chosen password must pass AUTH_PASSWORD_VALIDATORS (400 on field `password`); a taken email is a 400 on
    field `email` with code `email_taken`.
    """
    with transaction.atomic():
        user = User(
            organization_id=organization_id,
            email=email_check_free(email=email),
            full_name=full_name.strip(),
            phone=phone or None,
            role=role,
            is_active=True,
        )
        generated = initial_password() if password is None else None
        if generated is not None:
            user.password = initial_password_hash(generated)
        else:
            _password_set(user=user, password=str(password))
        _save_unique_email(user)
        return user, generated


def user_update(*, user: User, changes: UserChanges, keep_token: AuthToken | None = None) -> User:
    """Apply the given changes, writing only the fields that really changed.

    Every path that changes a password comes here. A new password revokes every token of the user but
    `keep_token` (the one a person changing their own password is using: `password_change`), so a user whose
    password staff changed logs in again with the new one. Sessions need no revoking: Django keeps a digest of
    the password hash in each session and refuses one whose digest no longer matches (a view that keeps its own
    session, as the web app's and the admin's password forms do, calls `update_session_auth_hash` itself).
    """
    values: dict[str, Any] = {}
    if "email" in changes:
        values["email"] = normalize_email(changes["email"])
    if "full_name" in changes:
        values["full_name"] = changes["full_name"].strip()
    if "phone" in changes:
        values["phone"] = changes["phone"] or None
    with transaction.atomic():
        changed = apply_changes(user, values, save=False)
        if "email" in changed:
            email_check_free(email=user.email, exclude_user_id=user.pk)
        # The hash is compared without check_password(), whose upgrade-on-login would save in the middle.
        if "password" in changes and not check_password(changes["password"], user.password):
            _password_set(user=user, password=changes["password"])
            changed.append("password")
        if changed:
            _save_unique_email(user, [*changed, "updated_at"])
        if "password" in changed:
            revoked = AuthToken.objects.filter(user=user)
            if keep_token is not None:
                revoked = revoked.exclude(pk=keep_token.pk)
            revoked.delete()
    return user


def password_reset(*, user: User) -> str:
    """A new generated password for `user` (a student's or a parent's, set by staff: the caller checks the user is
    theirs to reset), answered to be printed once and never stored in clear. Every token of the user is revoked and
    their sessions end (the hash they carry no longer matches)."""
    password = initial_password()
    with transaction.atomic():
        user.password = initial_password_hash(password)
        user.save(update_fields=["password", "updated_at"])
        AuthToken.objects.filter(user=user).delete()
    return password


def password_change(
    *, request: HttpRequest, user: User, current_password: str, password: str, keep_token: AuthToken | None = None
) -> User:
    """A person changes their own password: the current one is checked as a login is (a wrong one counts towards
    the same lockout, 400 on `current_password`), the new one must pass the password rules (400 on `password`).
    Every other login of theirs ends: tokens but `keep_token`, and sessions (their digest no longer matches)."""
    if _authenticated(request=request, email=user.email, password=current_password) != user:
        message = _("The current password is wrong.")
        raise DomainError(message, code=ErrorCode.INVALID_CREDENTIALS, fields={"current_password": [message]})
    if current_password == password:
        message = _("The new password is the same as the current one.")
        raise DomainError(message, code=ErrorCode.WEAK_PASSWORD, fields={"password": [message]})
    return user_update(user=user, changes={"password": password}, keep_token=keep_token)
