"""Who may open a page of the web app: a role rule on every view, as ApiView's `allowed_roles` is for the API.

An anonymous visitor is sent to the login page (and back afterwards); a logged-in user of another role gets 403.
A row the user may not see (another school's group, a child not theirs) is a 404 by the selectors' scoping, as in
the API.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bekrin.accounts.models import User
from bekrin.core.roles import Role

View = Callable[..., HttpResponse]


def for_roles(roles: Iterable[Role]) -> Callable[[View], View]:
    """The view answers only users of `roles`; it keeps the roles in `allowed_roles` for the access test."""
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "role", None) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.allowed_roles = allowed  # type: ignore[attr-defined]
        return guarded

    return decorate


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request a `for_roles` view answers: for_roles let only a logged-in user in."""
    return request.user  # type: ignore[return-value]


def public(view: View) -> View:
    """A page anyone may open (the login page)."""
    view.public = True  # type: ignore[attr-defined]
    return view
