"""The web app's forms: they read and check what a person typed; the services decide and write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bekrin.core.errors import DomainError


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
