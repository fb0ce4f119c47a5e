import pytest

from bekrin.accounts.models import User
from bekrin.core.roles import Role
from bekrin.core.search import filter_by_search, fold_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("eli", "Əli"),
        ("Eli", "Əli"),
        ("əli", "Əli"),
        ("ƏLİ", "Əli"),
        ("sahin", "Şahin"),
        ("ali", "Alı"),
        ("IGDIR", "Iğdır"),
    ],
)
def test_fold_text_matches_names_typed_with_or_without_azerbaijani_letters(typed, stored):
    assert fold_text(typed) == fold_text(stored)


@pytest.mark.parametrize("term", ["eli", "Eli", "əli", "ƏLİ", "Əli", "memmedov eli", "ŞƏKİ", "seki"])
def test_search_finds_an_azerbaijani_name_typed_with_or_without_its_letters(term):
    User.objects.create_user("ali@x.az", full_name="Əli Məmmədov", phone="Şəki", role=Role.STUDENT)
    User.objects.create_user("other@x.az", full_name="Nigar Həsənova", role=Role.STUDENT)
    found = filter_by_search(User.objects.all(), ["full_name", "phone"], term)
    assert [u.email for u in found] == ["ali@x.az"]


@pytest.mark.parametrize("term", ["sahin", "SAHIN", "şahin", "Şahin"])
def test_sahin_finds_shahin(term):
    User.objects.create_user("sahin@x.az", full_name="Şahin Quliyev", role=Role.STUDENT)
    User.objects.create_user("sabina@x.az", full_name="Səbinə Quliyeva", role=Role.STUDENT)
    assert [u.email for u in filter_by_search(User.objects.all(), ["full_name"], term)] == ["sahin@x.az"]


def test_search_does_not_match_unrelated_rows():
    User.objects.create_user("ali@x.az", full_name="Əli Məmmədov", role=Role.STUDENT)
    assert not filter_by_search(User.objects.all(), ["full_name"], "Leyla").exists()
