"""The web app's forms: they read and check what a person typed; the services decide and write."""

from typing import Any

from django import forms
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bekrin.core.api_base import flat_errors
from bekrin.core.errors import DomainError, NotFound


class LoginForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label=_("New password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two new passwords differ."))
        return data


def show_refusal(form: forms.Form, error: DomainError) -> None:
    """A service's refusal on the form: each message on the field it names (a field the form lacks, or none, on
    the form as a whole), as the API's error shape names them."""
    fields = error.fields or {}
    for name, messages in fields.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(name if name in form.fields else None, str(message))
    if not fields:
        form.add_error(None, error.message)


def refusal_errors(error: DomainError) -> dict[str, list[str]]:
    """A service's refusal as a page's errors by field (the API's error shape names them; a refusal without fields
    is the form's as a whole, under `__all__`). A row gone out of reach meanwhile is a 404, as in the API."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    return flat_errors(error.fields) if error.fields else {"__all__": [error.message]}


def checked_input(
    serializer_class: type[serializers.Serializer], data: Any, request: HttpRequest, **kwargs: Any
) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """What a page's form or query says, checked by the API's input serializer for the same write or read (one
    definition of valid input for both): (the validated data, {}) or (None, the errors by field). An id the user
    may not see is a 404, as in the API."""
    serializer = serializer_class(data=data, context={"request": request}, **kwargs)
    try:
        valid = serializer.is_valid()
    except NotFound as error:  # a row out of the user's scope is as missing as one that never existed
        raise Http404(error.message) from error
    return (serializer.validated_data, {}) if valid else (None, flat_errors(serializer.errors))
