"""Names sorted and searched, and list pages, at the 100× school: 10,000 students (and 5,000 parents, 400 groups,
150,000 payments, 1 M submissions) beside 20 small schools, each figure before and after the lists read them from
indexes.

Run: `DEBUG=true .venv/bin/python bench/search_bench.py` (the embedded server, which has no pg_trgm) and
`DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres DEBUG=true .venv/bin/python bench/search_bench.py`
(a server with pg_trgm). It creates its own database (`bench_search`) on that server, migrates it, loads the schools
with set-based SQL with triggers off (then `SELECT user_search_text_rebuild()`, as a bulk load must), and prints the
median and 90th percentile of the SQL time (the sum of every query's time) for:

- "before": the queries the lists ran until now, on the same data: the people search folding every user's name,
  email and phone per query (with the trigram index on "user" that accounts 0002 made, where pg_trgm exists), the
  name order without its index (user_name_order dropped inside a transaction that is rolled back), an exact COUNT(*)
  of the filter, the groups' member_count as a GROUP BY over every membership, and the payments' totals on every
  page;
- "after": the same page as the lists now read it (bekrin/core/pagination.py: the page plus one row, a count of at
  most 1,001 rows; the search table; the name order index);
- the whole endpoint now (`GET …`, with its query count), and the plan of the search and of students page 1.

The database is dropped at the end.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")


from _databases import admin_execute, django_on_new_database  # noqa: E402
from _report import record  # noqa: E402

BENCH_DB = "bench_search"
STUDENTS = 10_000
RUNS = 30
SEARCH_TARGET_MS = 10.0  # a search among 10,000 students
WARMUP = 5
# A person looks for someone: the terms are typed without Azerbaijani letters, and each finds a few students.
SEARCH_TERMS = ["sahin", "məmməd", "sahin quliyev", "ƏLİ MƏMMƏDOV", "0001234"]
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


SMALL_SCHOOLS = 20
SMALL_STUDENTS = 100
PARENTS = 5_000
GROUPS = 400
PAYMENTS = 150_000
SUBMISSIONS = 1_000_000
TASKS = 100


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def load() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    password = make_password("bench-only-password", hasher="pbkdf2_sha256")
    first, last = sql_array(FIRST), sql_array(LAST)
    # A person's name from their number: first and last names spread evenly, every second one a woman's (-a).
    name = (
        f"({first})[1 + (n::bigint * 7919) % {len(FIRST)}] || ' ' || ({last})[1 + (n::bigint * 104729) % {len(LAST)}]"
        " || CASE WHEN n % 2 = 1 THEN 'a' ELSE '' END"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers (audit, search text), no key checks
        cursor.execute(
            "INSERT INTO organization (id, name, slug, created_at, updated_at) SELECT n, 'Məktəb ' || n, 'm' || n,"
            f" now(), now() FROM generate_series(1, {SMALL_SCHOOLS + 1}) AS n"
        )
        users = [
            # (first id, how many, role, school of the n-th, email prefix)
            (1, SMALL_SCHOOLS + 1, "teacher", "n", "t"),
            (100, STUDENTS, "student", "1", "s"),
            (20_000, PARENTS, "parent", "1", "p"),
            (30_000, SMALL_SCHOOLS * SMALL_STUDENTS, "student", f"2 + (n - 30000) / {SMALL_STUDENTS}", "o"),
        ]
        for first_id, count, role, school, prefix in users:
            cursor.execute(
                'INSERT INTO "user" (id, email, password_hash, full_name, phone, role, is_active, is_staff,'
                " is_superuser, created_at, updated_at, organization_id)"
                f" SELECT n, '{prefix}' || n || '@bench.test', '{password}', {name}, '+99450' || lpad(n::text, 7, '0'),"
                f" '{role}', true, {str(role == 'teacher').lower()}, false, now(), now(), {school}"
                f" FROM generate_series({first_id}, {first_id + count - 1}) AS n"
            )
        cursor.execute(
            "INSERT INTO student_profile (user_id, grade, balance, created_at, updated_at)"
            " SELECT id, (5 + id % 7)::text, 0, now(), now() FROM \"user\" WHERE role = 'student'"
        )
        cursor.execute(
            "INSERT INTO parent_profile (user_id, created_at, updated_at)"
            " SELECT id, now(), now() FROM \"user\" WHERE role = 'parent'"
        )
        cursor.execute(
            'INSERT INTO "group" (id, created_at, updated_at, code, name, days_of_week, display_name, is_active,'
            " sort_order, organization_id, teacher_id)"
            f" SELECT n, now(), now(), 'G' || n, ({last})[1 + n % {len(LAST)}] || ' qrupu ' || n, '{{1,3}}',"
            f" ({last})[1 + n % {len(LAST)}] || ' qrupu ' || n, true, CASE WHEN n % 3 = 0 THEN n END, 1, 1"
            f" FROM generate_series(1, {GROUPS}) AS n"
        )
        cursor.execute(
            "INSERT INTO group_membership (joined_at, is_active, organization_id, student_id, group_id)"
            f" SELECT now(), true, 1, n, 1 + n % {GROUPS} FROM generate_series(100, {100 + STUDENTS - 1}) AS n"
        )
        cursor.execute(
            "INSERT INTO payment (created_at, updated_at, payment_date, title, amount, method, status, receipt_no,"
            " created_by_id, group_id, organization_id, student_id)"
            " SELECT now(), now(), date '2025-01-01' + (n % 450), 'Aylıq ödəniş', 60 + n % 5 * 10,"
            " (ARRAY['cash', 'card', 'bank'])[1 + n % 3],"
            " (ARRAY['paid', 'paid', 'paid', 'unpaid', 'partial', 'cancelled'])[1 + n % 6],"
            f" 'B-' || n, 1, 1 + n % {GROUPS}, 1, 100 + n % {STUDENTS} FROM generate_series(1, {PAYMENTS}) AS n"
        )
        cursor.execute(
            "INSERT INTO coding_task (id, created_at, updated_at, title, description, starter_code, difficulty, points,"
            " order_index, is_active, created_by_id, organization_id)"
            " SELECT n, now(), now(), 'Tapşırıq ' || n, '', '', 'easy', 10, n, true, 1, 1"
            f" FROM generate_series(1, {TASKS}) AS n"
        )
        cursor.execute(
            "INSERT INTO coding_submission (submitted_code, status, passed_count, failed_count, attempt_no, created_at,"
            " organization_id, student_id, task_id)"
            " SELECT 'print(1)', CASE WHEN n % 3 = 0 THEN 'passed' ELSE 'failed' END, 1, n % 3, 1,"
            f" timestamptz '2025-01-01' + n * interval '30 seconds', 1, 100 + n % {STUDENTS}, 1 + n % {TASKS}"
            f" FROM generate_series(1, {SUBMISSIONS}) AS n"
        )
        for table in ("organization", "user", "group", "coding_task"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT user_search_text_rebuild()")
        (rebuilt,) = cursor.fetchone()
        # What autovacuum does to a school's database in time: statistics, and the GIN indexes' pending lists merged
        # (until then the planner counts a list in the index's cost and prefers a table scan).
        cursor.execute("VACUUM ANALYZE")
    print(
        f"loaded {STUDENTS} students, {PARENTS} parents, {GROUPS} groups, {PAYMENTS} payments,"
        f" {SUBMISSIONS} submissions and {SMALL_SCHOOLS} schools of {SMALL_STUDENTS}"
        f" in {time.perf_counter() - started:.0f} s;"
        f" user_search_text_rebuild() made {rebuilt} rows"
    )


class SqlClock:
    """The time of every query run inside `with clock:` (connection.execute_wrapper), summed, and their number."""

    def __init__(self) -> None:
        self.ms, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - start) * 1000
            self.queries += 1


def sql_ms(call) -> tuple[float, float, int]:
    """Median and 90th percentile of the SQL time of `call()`, and its query count."""
    from django.db import connection

    times, queries = [], 0
    for run in range(WARMUP + RUNS):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            call()
        if run >= WARMUP:
            times.append(clock.ms)
            queries = clock.queries
    return statistics.median(times), statistics.quantiles(times, n=10)[-1], queries


def report(label: str, before, after, old_indexes: bool = False, target_ms: float | None = None) -> None:
    """The SQL time of `before` (inside the_old_indexes() when `old_indexes`) and of `after`, whose p90 is
    recorded against `target_ms` when there is one."""
    b_med, b_p90, b_q = float("nan"), float("nan"), 0
    if before is not None:
        with the_old_indexes() if old_indexes else nullcontext():
            b_med, b_p90, b_q = sql_ms(before)
    a_med, a_p90, a_q = sql_ms(after)
    print(
        f"{label:<44} before {b_med:7.1f} ms (p90 {b_p90:7.1f}, {b_q} q)   after {a_med:6.1f} ms"
        f" (p90 {a_p90:6.1f}, {a_q} q)"
    )
    if target_ms is not None:
        record(f"{label}, SQL p90", a_p90, "ms", f"< {target_ms:g}", a_p90 < target_ms)


def the_old_indexes():
    """Inside a transaction that is rolled back: the name order indexes gone, and the trigram index on "user" of
    accounts 0002 back where the server has pg_trgm."""
    from django.db import connection, transaction

    from bekrin.accounts.models import SEARCH_INDEXES, User

    @contextmanager
    def scope():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX user_name_order, user_name_order_no_org")
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                if cursor.fetchone():
                    with connection.schema_editor() as editor:
                        for index in SEARCH_INDEXES:
                            editor.add_index(User, index)
                cursor.execute('ANALYZE "user"')
            yield
            transaction.set_rollback(True)

    return scope()


def run() -> None:
    from django.db import connection
    from django.db.models import Count, Q
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from bekrin.accounts.models import PEOPLE_SEARCH, User
    from bekrin.accounts.people import parents_visible_to, students_visible_to
    from bekrin.coding.permissions import submissions_visible_to
    from bekrin.coding.selectors import submission_list
    from bekrin.core.pagination import bounded_count
    from bekrin.core.search import SearchText, filter_by_search
    from bekrin.groups.models import GroupMembership
    from bekrin.groups.permissions import groups_visible_to
    from bekrin.groups.selectors import GROUP_ORDER, group_rows
    from bekrin.payments.permissions import payments_visible_to
    from bekrin.payments.selectors import payment_rows, payment_totals
    from bekrin.students.selectors import parent_rows, student_rows

    teacher = User.objects.get(email="t1@bench.test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trigram = cursor.fetchone() is not None
        version = cursor.connection.info.server_version // 10000
    print(f"server: PostgreSQL {version}, pg_trgm {'yes' if trigram else 'no'}; SQL ms of one page (50 rows)")

    def old_page(rows) -> None:
        list(rows[:50])
        rows.count()

    def new_page(rows) -> None:
        list(rows[:51])
        bounded_count(rows)

    old_text = [SearchText("full_name", "email", "phone")]
    for label, rows, visible in (
        ("students", student_rows, students_visible_to),
        ("parents", parent_rows, parents_visible_to),
    ):
        report(
            f"{label}, page 1",
            lambda r=rows, v=visible: old_page(r(v(teacher))),
            lambda r=rows, v=visible: new_page(r(v(teacher))),
            old_indexes=True,
        )
    for term in SEARCH_TERMS:
        report(
            f"students ?search={term}",
            lambda t=term: old_page(student_rows(filter_by_search(students_visible_to(teacher), old_text, t))),
            lambda t=term: new_page(student_rows(filter_by_search(students_visible_to(teacher), [PEOPLE_SEARCH], t))),
            old_indexes=True,
            target_ms=SEARCH_TARGET_MS,
        )

    groups = groups_visible_to(teacher)
    old_groups = (
        groups.select_related("teacher")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by(*GROUP_ORDER)
    )
    report("groups, page 1", lambda: old_page(old_groups), lambda: new_page(group_rows(groups)))
    payments = payment_rows(payments_visible_to(teacher).filter(deleted_at__isnull=True))

    def old_payments() -> None:
        old_page(payments)
        payment_totals(payments)

    def new_payments_with_totals() -> None:
        new_page(payments)
        payment_totals(payments)

    report("payments, page 1", old_payments, lambda: new_page(payments))
    report("payments, page 1 with ?totals=true", None, new_payments_with_totals)
    submissions = submission_list(submissions_visible_to(teacher))
    report("teacher submissions, page 1", lambda: old_page(submissions), lambda: new_page(submissions))
    assert GroupMembership.objects.count() == STUDENTS

    _instance, token = AuthToken.objects.create(user=teacher)
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    print("the endpoints now (SQL ms, queries; the first two are the login token's):")
    for url in (
        "/api/teacher/students",
        "/api/teacher/students?search=sahin",
        "/api/teacher/students?search=məmməd",
        "/api/teacher/parents",
        "/api/teacher/groups",
        "/api/teacher/payments",
        "/api/teacher/payments?totals=true",
        "/api/teacher/coding/submissions",
    ):

        def get(u=url) -> None:
            response = client.get(u)
            assert response.status_code == 200, response.content

        median, p90, queries = sql_ms(get)
        print(f"    GET {url:<40} {median:6.1f} ms (p90 {p90:6.1f}), {queries} queries")

    for label, queryset in (
        ("?search=sahin", student_rows(filter_by_search(students_visible_to(teacher), [PEOPLE_SEARCH], "sahin"))),
        ("students page 1", student_rows(students_visible_to(teacher))),
    ):
        plan = queryset[:51].explain(analyze=True)
        print(f"EXPLAIN ANALYZE of {label}:")
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
