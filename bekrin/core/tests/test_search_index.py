"""The people search and its trigram index use the same expression, so the planner can answer from the index
(bekrin.accounts.models.SEARCH_INDEXES). The index exists where the server has pg_trgm (CI's second run, on the
server at 127.0.0.1:5432); the embedded development server has none, and then neither has the database."""

import pytest
from django.db import connection

from bekrin.accounts.models import SEARCH_INDEXES, SEARCH_TEXT, Role, User
from bekrin.core.search import filter_by_search

pytestmark = pytest.mark.django_db


def _has_trigram() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'user'")
        return {row[0] for row in cursor.fetchall()}


def test_the_people_search_is_answered_from_its_index_where_the_server_has_pg_trgm():
    names = {index.name for index in SEARCH_INDEXES}
    if not _has_trigram():
        assert not names & _indexes()
        return
    assert names <= _indexes()
    User.objects.bulk_create(
        User(email=f"s{n}@x.az", full_name=f"Şahin Quliyev {n}", role=Role.STUDENT) for n in range(50)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows would be cheaper to scan
    plan = filter_by_search(User.objects.all(), [SEARCH_TEXT], "sahin quliyev").explain()
    assert "user_search_folded_trgm" in plan
