"""Logging in and out, each role's home, the password page, and the error pages of everything outside /api/."""

from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from bekrin.accounts.services import TooManyAttempts, auth_session_login, password_change
from bekrin.core.errors import DomainError, json_not_found, json_server_error
from bekrin.core.roles import ANY_ROLE, Role
from bekrin.web.access import for_roles, public
from bekrin.web.forms import LoginForm, PasswordChangeForm, show_refusal

HOMES = {Role.TEACHER: "web:teacher-home", Role.ADMIN: "web:teacher-home"}
HOMES.update({Role.STUDENT: "web:student-home", Role.PARENT: "web:parent-home"})


def home_of(user: object) -> str:
    return HOMES[getattr(user, "role", Role.STUDENT)]


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else None


@public
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """`/`: the one login page for everyone; a logged-in user goes on to their home."""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(home_of(request.user))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_session_login(request=request, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
            status = error.status_code if isinstance(error, TooManyAttempts) else 400
        else:
            return HttpResponseRedirect(_safe_next(request) or resolve_url(home_of(user)))
    elif request.method == "POST":
        status = 400
    return render(request, "web/login.html", {"form": form, "next": _safe_next(request) or ""}, status=status)


@for_roles(ANY_ROLE)
@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


@for_roles(ANY_ROLE)
@require_http_methods(["GET", "POST"])
def password_page(request: HttpRequest) -> HttpResponse:
    """Any user changes their own password; their other sessions and API tokens end, this session stays."""
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                password_change(
                    request=request,
                    user=request.user,  # type: ignore[arg-type]  # for_roles let only a logged-in user in
                    current_password=form.cleaned_data["current_password"],
                    password=form.cleaned_data["password"],
                )
            except DomainError as error:
                show_refusal(form, error)
                status = error.status_code
            else:
                update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
                return render(request, "web/account/password_changed.html")
    return render(request, "web/account/password.html", {"form": form}, status=status)


@public
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for whatever the page names: the icon the pages link to."""
    return redirect(static("web/icon.svg"))


@public
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's `set_language`, which remembers the choice in a cookie (bekrin/web/locale.py)."""
    return set_language(request)


@for_roles(ANY_ROLE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_of(request.user))


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON in the error shape under /api/, a page elsewhere."""
    if _wants_json(request):
        return json_not_found(request, exception)
    return render(request, "web/error.html", {"title": _("Not found"), "status": 404}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403 (DRF answers its own 403s under /api/)."""
    return render(request, "web/error.html", {"title": _("Not allowed"), "status": 403}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the API's answer (a busy pool is a 503) under /api/; a page without a database query
    elsewhere."""
    if _wants_json(request):
        return json_server_error(request)
    return render(request, "web/error_500.html", status=500)
