import pytest

from bekrin.accounts.models import User
from bekrin.core.roles import Role
from bekrin.core.search import filter_by_search, fold_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [("əli", "Əli"), ("ƏLİ", "Əli"), ("ali", "Alı"), ("IĞDIR", "Iğdır")])
def test_fold_text_matches_azerbaijani_spellings(typed, stored):
    assert fold_text(typed) == fold_text(stored)


@pytest.mark.parametrize("term", ["əli", "ƏLİ", "Əli", "məmmədov əli", "ŞƏKİ"])
def test_search_finds_azerbaijani_name_in_any_case(term):
    User.objects.create_user("ali@x.az", full_name="Əli Məmmədov", phone="Şəki", role=Role.STUDENT)
    User.objects.create_user("other@x.az", full_name="Nigar Həsənova", role=Role.STUDENT)
    found = filter_by_search(User.objects.all(), ["full_name", "phone"], term)
    assert [u.email for u in found] == ["ali@x.az"]


def test_search_does_not_match_unrelated_rows():
    User.objects.create_user("ali@x.az", full_name="Əli Məmmədov", role=Role.STUDENT)
    assert not filter_by_search(User.objects.all(), ["full_name"], "Leyla").exists()
