"""Shapes many endpoints share: the references responses nest beside a foreign key (`"group": {"id",
"display_name"}`), and the one bounded date field of requests."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

# The years a date in a request may name (a query's `from`/`to`, a lesson, a payment): anything else is a typo, and
# the day after 9999-12-31 (an inclusive `to` turned into an exclusive bound, the day after a lesson) does not
# exist in Python. Test windows have a narrower rule of their own (bekrin/assessments/services/assignments.py).
DATE_YEARS = (1900, 9998)


def in_date_years(value: date) -> None:
    """A validator for serializer and filter fields alike (DRF turns Django's ValidationError into its own)."""
    first, last = DATE_YEARS
    if not first <= value.year <= last:
        raise ValidationError(_("Must be a date from the year %(first)d to %(last)d.") % {"first": first, "last": last})


class BoundedDateField(serializers.DateField):
    """A date in the years of DATE_YEARS; the schema's help text says so."""

    def __init__(self, *, help_text: str = "YYYY-MM-DD", **kwargs: Any) -> None:
        first, last = DATE_YEARS
        super().__init__(help_text=f"{help_text} (in the years {first} to {last})", **kwargs)
        self.validators.append(in_date_years)


class PersonRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class GroupRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
