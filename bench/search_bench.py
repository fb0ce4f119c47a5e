"""Search among 10,000 students (`GET /api/teacher/students?search=`): the time of one search and whether the
database answers it from the trigram index on the folded name, email and phone (bekrin.accounts.models.SEARCH_INDEXES).

Run: `DEBUG=true .venv/bin/python bench/search_bench.py`. It creates its own database (`bench_search`) on the
server of DATABASE_URL (or the embedded one), migrates it, loads 10,000 students with Azerbaijani names, and prints
for a few terms the median and 90th percentile of the search (the selector's page query) and of the whole HTTP
endpoint, then the plan PostgreSQL chooses. The embedded server has no pg_trgm, so there the index does not exist
and the plan is a sequential scan; a server with PostgreSQL's contrib (DATABASE_URL=postgresql://…) has it. The
database is dropped at the end.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")


from _databases import admin_execute, django_on_new_database  # noqa: E402

BENCH_DB = "bench_search"
STUDENTS = 10_000
RUNS = 30
WARMUP = 5
# A person looks for someone: the terms are typed without Azerbaijani letters, and each finds a few students.
TERMS = ["sahin quliyev", "ƏLİ MƏMMƏDOV", "eli memmedov", "gunel", "0001234"]
FIRST = [
    "Əli",
    "Şahin",
    "Nigar",
    "Leyla",
    "Rəşad",
    "Gülnarə",
    "Səbinə",
    "Elvin",
    "Aysel",
    "Tural",
    "Günel",
    "Orxan",
    "Fərid",
    "Vüsal",
    "Nərmin",
    "Ülviyyə",
    "Kamran",
    "Aynur",
    "Cavid",
    "Xədicə",
    "Murad",
    "Zəhra",
    "Rauf",
    "Lalə",
    "Emin",
    "Sevinc",
    "Toğrul",
    "Aytən",
    "Elşən",
    "Könül",
    "Nicat",
    "Fidan",
    "İlkin",
    "Məryəm",
]
LAST = [
    "Məmmədov",
    "Quliyev",
    "Həsənov",
    "Əliyev",
    "Hüseynov",
    "Babayev",
    "Cəfərov",
    "İsmayılov",
    "Rzayev",
    "Qasımov",
    "Abbasov",
    "Nəsirov",
    "Şükürov",
    "Vəliyev",
    "Kərimov",
    "Süleymanov",
    "Orucov",
    "Bağırov",
    "Əhmədov",
    "Mustafayev",
    "Zeynalov",
    "Rəhimov",
    "Paşayev",
    "Xəlilov",
    "Ağayev",
]


def load() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from bekrin.accounts.models import User
    from bekrin.core.roles import Role
    from bekrin.students.models import StudentProfile

    rng = random.Random(12)
    password = make_password("bench-only-password", hasher="pbkdf2_sha256")
    User.objects.create(email="teacher@bench.test", full_name="Müəllim", role=Role.TEACHER, password=password)
    students = User.objects.bulk_create(
        User(
            email=f"s{n}@bench.test",
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}{'a' if n % 2 else ''}",
            phone=f"+99450{n:07d}",
            role=Role.STUDENT,
            password=password,
        )
        for n in range(STUDENTS)
    )
    StudentProfile.objects.bulk_create(StudentProfile(user=student, grade="9") for student in students)
    with connection.cursor() as cursor:
        # What autovacuum does to a school's database in time: statistics, and the GIN index's pending list merged
        # (until then the planner counts the list in the index's cost and prefers a table scan).
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded {STUDENTS} students")


def measure(label: str, call) -> float:
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"{label:<52} median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms")
    return p90


def run() -> None:
    from django.db import connection
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from bekrin.accounts.models import PEOPLE_SEARCH, User
    from bekrin.accounts.people import students_visible_to
    from bekrin.core.search import filter_by_search
    from bekrin.students.selectors import student_rows

    teacher = User.objects.get(email="teacher@bench.test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'user' AND indexname LIKE '%_folded_trgm'")
        indexes = [row[0] for row in cursor.fetchall()]
        version = cursor.connection.info.server_version // 10000
    print(f"server: PostgreSQL {version}; trigram indexes: {', '.join(indexes) or 'none (no pg_trgm)'}")

    def search(term: str):
        return filter_by_search(students_visible_to(teacher), [PEOPLE_SEARCH], term)

    for term in TERMS:
        found = search(term).count()
        measure(f"selector: {term!r} ({found} found), first page", lambda t=term: list(student_rows(search(t))[:50]))

    _instance, token = AuthToken.objects.create(user=teacher)
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def endpoint(term: str) -> None:
        response = client.get("/api/teacher/students", {"search": term})
        assert response.status_code == 200, response.content

    measure("GET /api/teacher/students?search=sahin", lambda: endpoint("sahin"))

    term = "sahin quliyev"
    plan = search(term).explain(analyze=True)
    used = [name for name in indexes if name in plan]
    took = next((line.split(":")[1].strip() for line in plan.splitlines() if "Execution Time" in line), "?")
    print(f"EXPLAIN ANALYZE of ?search={term}: {took}; the trigram index is used: {'yes' if used else 'no'}")
    print("    " + plan.replace("\n", "\n    "))


def main() -> int:
    try:
        django_on_new_database(BENCH_DB)
        load()
        run()
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")  # the pool may hold a connection


if __name__ == "__main__":
    sys.exit(main())
