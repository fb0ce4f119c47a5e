import pytest
from django.apps import apps
from django.core.management import call_command

from bekrin.accounts.models import User

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("bekrin.")
    }


def test_seed_dev_creates_every_kind_of_row_and_a_second_run_changes_nothing():
    call_command("seed_dev")
    first = _row_counts()
    call_command("seed_dev")
    assert _row_counts() == first
    empty = [table for table, count in first.items() if count == 0]
    # Attempts and their result rows come from students taking a test, which the seed leaves to them.
    assert sorted(empty) == ["organization", "test_attempt", "test_result"]


def test_seed_dev_logins_of_decision_14_work():
    call_command("seed_dev")
    logins = {
        "teacher@bekrin.test": "teacher-pass-1",
        "parent@bekrin.test": "parent-pass-1",
        **{f"student{n}@bekrin.test": "student-pass-1" for n in (1, 2, 3)},
    }
    for email, password in logins.items():
        user = User.objects.get(email=email)
        assert user.check_password(password), email
        assert user.organization_id is None
    parent = User.objects.get(email="parent@bekrin.test")
    assert sorted(parent.child_links.values_list("student__email", flat=True)) == [
        "student1@bekrin.test",
        "student2@bekrin.test",
    ]
