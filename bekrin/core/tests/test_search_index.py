"""The people search reads accounts_user_search_text (bekrin.accounts.models.UserSearchText), which a trigger on
"user" keeps and user_search_text_rebuild() makes again; the planner answers from its trigrams' GIN index (and from
the pg_trgm index where the server has pg_trgm: CI's second run, on the server at 127.0.0.1:5432). The lists'
name order is a walk of the index user_name_order."""

import pytest
from django.db import connection

from bekrin.accounts.models import PEOPLE_SEARCH, Role, User, UserSearchText
from bekrin.accounts.people import parents_visible_to, students_visible_to
from bekrin.core.search import filter_by_search, fold_text, trigrams
from bekrin.students.selectors import parent_rows, student_rows
from bekrin.testing.factories import ParentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _has_trigram() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def _kept(user: User) -> tuple[int | None, str, str, list[str]]:
    row = UserSearchText.objects.get(user=user)
    return row.organization_id, row.role, row.folded, row.grams


def _expected(user: User) -> tuple[int | None, str, str, list[str]]:
    folded = fold_text(f"{user.full_name} {user.email or ''} {user.phone or ''}")
    grams = sorted({gram for word in folded.split(" ") for gram in trigrams(word)})
    return user.organization_id, user.role, folded, grams


def _table() -> list[tuple]:
    return list(
        UserSearchText.objects.order_by("user_id").values_list("user_id", "organization_id", "role", "folded", "grams")
    )


def _without_scans() -> None:
    """A test's few rows are cheaper to scan or sort than to read by an index: make the planner show whether it can."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")


def test_the_trigger_keeps_the_folded_text_of_a_new_user():
    student = StudentFactory(full_name="Şahin Quliyev", phone="+994 50 123")
    assert _kept(student) == _expected(student)
    assert "sahin quliyev" in _kept(student)[2]


def test_the_trigger_follows_a_rename_a_new_email_a_new_phone_and_a_new_role():
    user = StudentFactory(full_name="Əli Həsənov")
    user.full_name = "Ülviyyə Məmmədova"
    user.save(update_fields=["full_name"])
    assert _kept(user) == _expected(user)
    User.objects.filter(pk=user.pk).update(email="yeni@x.az", phone="055", role=Role.PARENT)
    user.refresh_from_db()
    assert _kept(user) == _expected(user)
    assert _kept(user)[1] == Role.PARENT


def test_the_row_goes_with_its_user():
    user = StudentFactory()
    User.objects.filter(pk=user.pk).delete()
    assert not UserSearchText.objects.filter(user_id=user.pk).exists()


def test_rebuild_makes_exactly_what_the_trigger_kept():
    StudentFactory(full_name="Əli Həsənov", phone="+99450")
    ParentFactory(full_name="Gülnarə İsmayılova")
    kept = _table()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user_search_text")
        cursor.execute("SELECT user_search_text_rebuild()")
        (made,) = cursor.fetchone()
    assert made == len(kept) == User.objects.count()
    assert _table() == kept


@pytest.mark.parametrize(("term", "found"), [("sahin", 1), ("liyev", 1), ("ƏLİ həs", 1), ("ə", 2), ("xyz", 0)])
def test_the_search_through_the_table_keeps_substring_semantics(term, found):
    StudentFactory(full_name="Şahin Quliyev")
    StudentFactory(full_name="Əli Həsənov")
    assert filter_by_search(User.objects.all(), [PEOPLE_SEARCH], term).count() == found


def test_the_search_tables_predicate_is_answered_from_its_index():
    """What a search asks of the table (PEOPLE_SEARCH.matches) is served by the grams index, or by pg_trgm's.
    bench/search_bench.py shows the whole search's plan at 10,000 students: a bitmap scan of that index."""
    User.objects.bulk_create(User(email=f"u{n}@x.az", full_name=f"Şahin {n}", role=Role.STUDENT) for n in range(50))
    _without_scans()
    texts = UserSearchText.objects.filter(folded__contains="sahin", grams__contains=trigrams("sahin"))
    plan = texts.explain()
    assert "user_search_text_grams" in plan or "user_search_text_trgm" in plan, plan
    assert texts.count() == 50


def test_the_trigram_index_is_on_the_kept_text_where_the_server_has_pg_trgm_and_gone_from_user():
    assert "user_search_folded_trgm" not in _indexes("user")
    assert "user_search_text_grams" in _indexes("accounts_user_search_text")
    assert ("user_search_text_trgm" in _indexes("accounts_user_search_text")) == _has_trigram()


@pytest.mark.parametrize(
    ("teacher", "index"), [("teacher", "user_name_order_no_org"), ("other_teacher", "user_name_order")]
)
def test_page_one_of_the_students_and_parents_lists_walks_the_name_order_index(personas, teacher, index):
    _without_scans()
    for rows, visible in ((student_rows, students_visible_to), (parent_rows, parents_visible_to)):
        plan = rows(visible(getattr(personas, teacher)))[:50].explain()
        assert f"{index} on" in plan, plan
        assert "Sort" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_a_database_with_users_migrates_forward_to_the_search_table_and_back():
    """accounts 0003 on a school that already has users: their rows are made, and 0002's index comes back on undo."""
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target: tuple[str, str]) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate([target])

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("accounts")[0]
    migrate(("accounts", "0002_search_indexes"))
    try:
        assert "user_name_order" not in _indexes("user")
        assert ("user_search_folded_trgm" in _indexes("user")) == _has_trigram()
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "user" (email, password_hash, full_name, role, is_active, is_staff, is_superuser,'
                " created_at, updated_at) VALUES ('sahin@x.az', '', 'Şahin Əliyev', 'student', true, false, false,"
                " now(), now())"
            )
    finally:
        migrate(latest)
    user = User.objects.get(email="sahin@x.az")
    assert _kept(user) == _expected(user)
    assert {"user_name_order", "user_name_order_no_org"} <= _indexes("user")
