"""The printable slip with a new password that staff set for a student or a parent (bekrin.accounts.services
password_reset): shown on the answer to that one request, never stored or shown again."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bekrin.accounts.models import User
from bekrin.accounts.services import password_reset


def password_slip(request: HttpRequest, person: User) -> HttpResponse:
    password = password_reset(user=person)
    context = {"person": person, "password": password, "login_url": request.build_absolute_uri("/")}
    response = render(request, "web/teacher/password_slip.html", context)
    response["Cache-Control"] = "no-store"
    return response
