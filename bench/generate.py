"""Fill a database with a school 100 times the seed's beside 20 seed-sized schools and the seed data.

Run: `.venv/bin/python bench/generate.py [--database bench_big] [--scale 1.0]`. At scale 1 the big school has
10,000 students, 400 groups of ~25, ~1.57 M attendance records (one year, three lessons a week), ~150,000 payments
(one a month for 15 months), 60 coding tasks and ~1 M submissions (most pairs fail first, then pass), and ten
graded tests; a smaller scale shrinks the people and groups (0.01 makes a smoke-test school). The database is made
anew and migrated, `seed_dev` loads the seed school (its logins still work), and the rest is set-based SQL and
COPY with row triggers off (`session_replication_role = replica`), so every foreign key here is written right by
construction. Afterwards the maintenance functions other parts add, when the database has them, rebuild what the
triggers would have kept (`coding_ranking_rebuild()`, `user_search_text_rebuild()`), and VACUUM ANALYZE runs.
It prints the time of each step and the big school's logins (all its users have the password below).
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import psycopg  # noqa: E402
from _databases import django_on_new_database  # noqa: E402
from _report import record  # noqa: E402

DEFAULT_DATABASE = "bench_big"
PASSWORD = "bench-pass-1"  # the documented login of generated schools, never a real account
BIG_SLUG = "big"
SMALL_SCHOOLS = 20

# Ordered from the most common, so a skewed pick repeats the common names as a real school does.
MALE_NAMES = [
    "Əli",
    "Hüseyn",
    "Məhəmməd",
    "Yusif",
    "Ömər",
    "Murad",
    "Tural",
    "Rəşad",
    "Elçin",
    "Kənan",
    "İlkin",
    "Orxan",
    "Nicat",
    "Fərid",
    "Ülvi",
    "Cavid",
    "Şahin",
    "Ramil",
    "Səbuhi",
    "Aydın",
    "Emin",
    "Toğrul",
    "Çingiz",
    "Vüqar",
    "Rüstəm",
    "İsmayıl",
    "Əkbər",
    "Nurlan",
    "Fuad",
    "Şəmsi",
    "Zaur",
    "Elnur",
    "Eldəniz",
    "Sənan",
    "Ağa",
]
FEMALE_NAMES = [
    "Zəhra",
    "Fatimə",
    "Ayşə",
    "Nərmin",
    "Leyla",
    "Günel",
    "Aysel",
    "Səbinə",
    "Nigar",
    "Gülnarə",
    "Ülviyyə",
    "Şəbnəm",
    "Lalə",
    "Məryəm",
    "İnci",
    "Aynur",
    "Könül",
    "Sevinc",
    "Türkan",
    "Çiçək",
    "Xədicə",
    "Elmira",
    "Gülşən",
    "Rəna",
    "Nurlanə",
    "Ülkər",
    "Şəhla",
    "Dilarə",
    "Aygün",
    "Səadət",
]
# Surname stems: the male form adds -ov/-yev, the female -ova/-yeva (Məmmədov, Məmmədova); a few take -li.
SURNAME_STEMS = [
    "Məmməd",
    "Əliy",
    "Həsən",
    "Hüseyn",
    "Quliy",
    "İsmayıl",
    "Abbas",
    "Rəhim",
    "Nəsib",
    "Cəfər",
    "Kərim",
    "Bağır",
    "Şükür",
    "Əhməd",
    "Mustafay",
    "Süleyman",
    "İbrahim",
    "Qasım",
    "Orucov",
    "Sadıq",
    "Ağay",
    "Rüstəm",
    "Musay",
    "Nəbiy",
    "Vəliy",
    "Həşim",
    "Zeynal",
    "Əsgər",
    "Şirin",
    "Göyüş",
]
LI_SURNAMES = ["Şahin", "Qarabağlı", "Şirvanlı", "Gəncəli", "Naxçıvanlı", "Lənkəranlı", "Ordubadlı", "Şəkili"]
GROUP_SUBJECTS = [
    "Python başlanğıc",
    "Python irəli",
    "Riyaziyyat",
    "Olimpiada riyaziyyatı",
    "Alqoritmlər",
    "Həndəsə",
    "Məlumat strukturları",
    "Cəbr",
    "Veb proqramlaşdırma",
    "İnformatika",
]
TOPICS = ["Dəyişənlər", "Şərtlər", "Dövrlər", "Siyahılar", "Sətirlər", "Funksiyalar", "Lüğətlər", "Rekursiya"]
# Three lessons a week: a year of them is ~157 lessons, so 10,000 memberships make ~1.57 M attendance records.
SCHEDULES = ["{1,3,5}", "{2,4,6}", "{1,3,5}", "{2,4,6}", "{1,4,6}", "{2,3,5}"]
FEES = [60, 70, 80, 90, 100, 120]


@dataclass(frozen=True)
class Size:
    students: int
    groups: int
    tasks: int
    tests: int


BIG = Size(students=10_000, groups=400, tasks=60, tests=10)
SMALL = Size(students=25, groups=2, tasks=5, tests=1)


def surname(rng: random.Random, female: bool) -> str:
    if rng.random() < 0.12:
        return rng.choice(LI_SURNAMES)
    stem = SURNAME_STEMS[min(int(len(SURNAME_STEMS) * rng.random() ** 2), len(SURNAME_STEMS) - 1)]
    if stem.endswith("ov"):
        return stem + ("a" if female else "")
    ending = "ev" if stem.endswith("y") else "ov"
    return stem + ending + ("a" if female else "")


def full_name(rng: random.Random) -> str:
    female = rng.random() < 0.5
    names = FEMALE_NAMES if female else MALE_NAMES
    return f"{names[min(int(len(names) * rng.random() ** 2), len(names) - 1)]} {surname(rng, female)}"


def copy_users(
    cur: psycopg.Cursor, rng: random.Random, org_id: int, slug: str, role: str, count: int, password_hash: str
) -> list[int]:
    """COPY `count` users of one role (emails `<role><n>@<slug>.bench`); their ids in the order of n."""
    with cur.copy(
        'COPY "user" (organization_id, email, password_hash, full_name, phone, role, is_active, is_staff, '
        "is_superuser, created_at, updated_at) FROM STDIN"
    ) as copy:
        for n in range(1, count + 1):
            phone = f"+994 {rng.choice(['50', '51', '55', '70', '77'])} {rng.randrange(1_000_000, 9_999_999)}"
            copy.write_row(
                (org_id, f"{role}{n}@{slug}.bench", password_hash, full_name(rng), phone, role, True,
                 role == "teacher", False, "now", "now")
            )  # fmt: skip
    cur.execute('SELECT id FROM "user" WHERE organization_id = %s AND role = %s ORDER BY id', (org_id, role))
    return [row[0] for row in cur.fetchall()]


def school(cur: psycopg.Cursor, rng: random.Random, slug: str, name: str, size: Size, password_hash: str) -> None:
    cur.execute(
        "INSERT INTO organization (name, slug, created_at, updated_at) VALUES (%s, %s, now(), now()) RETURNING id",
        (name, slug),
    )
    org = cur.fetchone()[0]  # type: ignore[index]
    teachers = copy_users(cur, rng, org, slug, "teacher", max(1, size.groups // 25), password_hash)
    students = copy_users(cur, rng, org, slug, "student", size.students, password_hash)
    parents = copy_users(cur, rng, org, slug, "parent", size.students * 6 // 10, password_hash)
    params = {"org": org, "teachers": teachers, "students": students, "parents": parents}
    params.update({f"n_{key}": value for key, value in size.__dict__.items()})
    for statement in SCHOOL_SQL:
        cur.execute(statement, {**params, "schedules": SCHEDULES, "fees": FEES,
                                "subjects": GROUP_SUBJECTS, "topics": TOPICS})  # fmt: skip


# Every statement reads the school's organization (%(org)s) and the id arrays above; random() is seeded once
# per run (setseed), so a database is the same every time it is generated.
SCHOOL_SQL = [
    # teacher@<slug>.bench is the first teacher: the documented login.
    """UPDATE "user" SET email = regexp_replace(email, '^teacher1@', 'teacher@')
       WHERE id = (%(teachers)s::bigint[])[1]""",
    """INSERT INTO teacher_profile (user_id, display_title, created_at, updated_at)
       SELECT unnest(%(teachers)s::bigint[]), 'Müəllim', now(), now()""",
    """INSERT INTO student_profile (user_id, grade, balance, notes, deleted_at, created_at, updated_at)
       SELECT id, (5 + (n %% 7))::text || (ARRAY['', 'A', 'B'])[1 + n %% 3], 0, NULL, NULL, now(), now()
       FROM unnest(%(students)s::bigint[]) WITH ORDINALITY AS s(id, n)""",
    """INSERT INTO parent_profile (user_id, deleted_at, created_at, updated_at)
       SELECT unnest(%(parents)s::bigint[]), NULL, now(), now()""",
    # Parent k has child k; every third parent also the sibling further down the list.
    """INSERT INTO parent_student (organization_id, parent_id, student_id, relation, created_at)
       SELECT %(org)s, p.id, (%(students)s::bigint[])[p.n], (ARRAY['ana', 'ata'])[1 + p.n %% 2], now()
       FROM unnest(%(parents)s::bigint[]) WITH ORDINALITY AS p(id, n)
       UNION ALL
       SELECT %(org)s, p.id, (%(students)s::bigint[])[cardinality(%(parents)s::bigint[]) + p.n / 3], 'ana', now()
       FROM unnest(%(parents)s::bigint[]) WITH ORDINALITY AS p(id, n)
       WHERE p.n %% 3 = 0 AND cardinality(%(parents)s::bigint[]) + p.n / 3 <= cardinality(%(students)s::bigint[])""",
    """INSERT INTO "group" (organization_id, teacher_id, code, name, days_of_week, start_time, display_name,
                            is_active, sort_order, deleted_at, created_at, updated_at)
       SELECT %(org)s, t.teacher, t.code, t.name, t.days, t.start, t.code || ': ' || array_to_string(t.days, '-')
              || ' ' || to_char(t.start, 'HH24:MI'), true, NULL, NULL, now() - interval '400 days', now()
       FROM (
         SELECT (%(teachers)s::bigint[])[1 + g %% cardinality(%(teachers)s::bigint[])] AS teacher,
                'G-' || lpad(g::text, 3, '0') AS code,
                (%(subjects)s::text[])[1 + g %% cardinality(%(subjects)s::text[])] || ' ' || (1 + g / 10) AS name,
                (%(schedules)s::text[])[1 + g %% cardinality(%(schedules)s::text[])]::int[] AS days,
                time '09:00' + (g %% 10) * interval '1 hour' AS start
         FROM generate_series(0, %(n_groups)s - 1) AS g
       ) AS t""",
    # Student n sits in group n mod groups (so ~25 a group at scale 1); one in twenty also in the next group;
    # one in thirty (every 30th, never student 1, whom bench/api.py and the query-count test ask as) left a month
    # ago. Most joined before the year of records began, some during it.
    """INSERT INTO group_membership (organization_id, group_id, student_id, joined_at, left_at, is_active)
       SELECT %(org)s, g.id, s.id, s.joined, CASE WHEN s.leaves THEN now() - interval '30 days' END, NOT s.leaves
       FROM (
         SELECT id, n, now() - interval '370 days' + CASE WHEN random() < 0.15 THEN random() * interval '300 days'
                ELSE interval '0' END AS joined, n %% 30 = 0 AS leaves, random() < 0.05 AS second
         FROM unnest(%(students)s::bigint[]) WITH ORDINALITY AS s(id, n)
       ) AS s
       CROSS JOIN (VALUES (0), (1)) AS extra(k)
       CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM "group" WHERE organization_id = %(org)s) AS gs
       CROSS JOIN LATERAL (SELECT gs.ids[1 + (s.n + extra.k) %% %(n_groups)s] AS id) AS g
       WHERE extra.k = 0 OR s.second
       ON CONFLICT DO NOTHING""",
    """INSERT INTO attendance_record (organization_id, group_id, student_id, lesson_date, status, marked_by_id,
                                      marked_at, note, created_at, updated_at)
       SELECT %(org)s, m.group_id, m.student_id, d::date,
              CASE WHEN r < 0.86 THEN 'present' WHEN r < 0.93 THEN 'late' WHEN r < 0.98 THEN 'absent'
                   ELSE 'excused' END,
              g.teacher_id, d + g.start_time + interval '5 minutes', NULL, d + g.start_time, d + g.start_time
       FROM group_membership m
       JOIN "group" g ON g.id = m.group_id
       CROSS JOIN LATERAL generate_series((current_date - 366)::timestamp, (current_date - 1)::timestamp,
                                          interval '1 day') AS d
       CROSS JOIN LATERAL (SELECT random() AS r) AS rr
       WHERE m.organization_id = %(org)s AND extract(isodow FROM d)::int = ANY (g.days_of_week)
         AND d >= m.joined_at::date AND (m.left_at IS NULL OR d < m.left_at)""",
    # One payment a month per membership for 15 months, from the month the student joined; receipts number
    # on from the school's own prefix (bekrin/payments/services.py, receipt_prefix).
    """INSERT INTO payment (organization_id, student_id, group_id, payment_date, title, amount, method, status, note,
                            receipt_no, created_by_id, deleted_at, created_at, updated_at)
       SELECT %(org)s, p.student_id, p.group_id, p.day, to_char(p.month, 'MM.YYYY') || ' təhsil haqqı',
              CASE WHEN p.r < 0.05 THEN p.fee / 2 ELSE p.fee END,
              CASE WHEN p.m < 0.5 THEN 'cash' WHEN p.m < 0.8 THEN 'card' WHEN p.m < 0.95 THEN 'bank' ELSE 'other' END,
              CASE WHEN p.r < 0.05 THEN 'partial' WHEN p.r < 0.90 THEN 'paid' WHEN p.r < 0.98 THEN 'unpaid'
                   ELSE 'cancelled' END,
              NULL,
              %(org)s || '-' || extract(year FROM p.day) || '-'
                || lpad((row_number() OVER (PARTITION BY extract(year FROM p.day) ORDER BY p.day, p.student_id,
                         p.group_id))::text, 6, '0'),
              p.teacher_id, NULL, p.day + interval '10 hours', p.day + interval '10 hours'
       FROM (
         SELECT m.student_id, m.group_id, g.teacher_id, month, month::date + (random() * 9)::int AS day,
                (%(fees)s::int[])[1 + g.id %% cardinality(%(fees)s::int[])]::numeric AS fee,
                random() AS r, random() AS m
         FROM group_membership m
         JOIN "group" g ON g.id = m.group_id
         CROSS JOIN LATERAL generate_series(date_trunc('month', current_date) - interval '14 months',
                                            date_trunc('month', current_date), interval '1 month') AS month
         WHERE m.organization_id = %(org)s AND month >= date_trunc('month', m.joined_at)
           AND (m.left_at IS NULL OR month < m.left_at)
       ) AS p""",
    """UPDATE student_profile sp SET balance = t.total
       FROM (SELECT student_id, sum(amount) AS total FROM payment
             WHERE organization_id = %(org)s AND status IN ('paid', 'partial') AND deleted_at IS NULL
             GROUP BY student_id) AS t
       WHERE sp.user_id = t.student_id""",
    """INSERT INTO coding_topic (organization_id, name, created_at)
       SELECT %(org)s, unnest(%(topics)s::text[]), now()""",
    """INSERT INTO coding_task (organization_id, topic_id, topic_name, title, description, starter_code, difficulty,
                               points, order_index, is_active, created_by_id, deleted_at, created_at, updated_at)
       SELECT %(org)s, t.id, NULL, t.name || ': tapşırıq ' || k, 'İki ədədin cəmini tapın (' || k || ').', '',
              (ARRAY['easy', 'medium', 'hard'])[1 + k %% 3], 10 * (1 + k %% 3), k, true,
              (%(teachers)s::bigint[])[1], NULL, now() - interval '400 days', now()
       FROM generate_series(1, %(n_tasks)s) AS k
       JOIN LATERAL (SELECT id, name FROM coding_topic WHERE organization_id = %(org)s ORDER BY id
                     OFFSET (k - 1) %% cardinality(%(topics)s::text[]) LIMIT 1) AS t ON true""",
    """INSERT INTO coding_test_case (task_id, input, expected, explanation, order_index, created_at)
       SELECT t.id, c || ' ' || (c * 7), (c * 8)::text, CASE WHEN c = 1 THEN 'Nümunə' END, c, now()
       FROM coding_task t CROSS JOIN generate_series(1, 4) AS c
       WHERE t.organization_id = %(org)s""",
    # A diligent student tries more tasks; a (student, task) pair takes 1–5 attempts, the last passes for four
    # in five pairs, the others fail (mostly wrong answers, some errors and time-outs), minutes apart.
    """CREATE TEMP TABLE pairs AS
       SELECT s.id AS student_id, t.id AS task_id, t.points, 1 + floor(random() ^ 1.5 * 5)::int AS attempts,
              random() < 0.8 AS solved, now() - interval '2 hours' - random() * interval '300 days' AS first_at
       FROM (SELECT id, 0.3 + 0.65 * random() AS diligence FROM unnest(%(students)s::bigint[]) AS id) AS s
       CROSS JOIN coding_task t
       WHERE t.organization_id = %(org)s AND random() < s.diligence""",
    """INSERT INTO coding_submission (organization_id, task_id, student_id, submitted_code, status, passed_count,
                                     failed_count, error_message, runtime_ms, attempt_no, created_at)
       SELECT %(org)s, p.task_id, p.student_id,
              'a, b = map(int, input().split())' || E'\\n' || 'print(a + b' || repeat(' + 0', a) || ')' || E'\\n',
              v.status, CASE v.status WHEN 'passed' THEN 4 WHEN 'failed' THEN 1 + a %% 3 ELSE 0 END,
              CASE v.status WHEN 'passed' THEN 0 WHEN 'failed' THEN 3 - a %% 3 ELSE 4 END,
              CASE v.status WHEN 'error' THEN 'NameError: name ''x'' is not defined'
                            WHEN 'timeout' THEN 'Vaxt limiti keçildi' END,
              CASE v.status WHEN 'timeout' THEN 1000 ELSE 20 + (random() * 180)::int END,
              a, p.first_at + (a - 1) * interval '7 minutes'
       FROM pairs p
       CROSS JOIN LATERAL generate_series(1, p.attempts) AS a
       CROSS JOIN LATERAL (SELECT CASE WHEN a = p.attempts AND p.solved THEN 'passed'
                                       WHEN random() < 0.75 THEN 'failed'
                                       WHEN random() < 0.6 THEN 'error' ELSE 'timeout' END AS status) AS v
       ORDER BY p.first_at, a""",
    """INSERT INTO coding_progress (student_profile_id, exercise_id, status, score, solved_at, updated_at)
       SELECT student_id, task_id, CASE WHEN solved THEN 'solved' ELSE 'attempted' END,
              CASE WHEN solved THEN 100 ELSE 50 END,
              CASE WHEN solved THEN first_at + (attempts - 1) * interval '7 minutes' END, now()
       FROM pairs""",
    "DROP TABLE pairs",
    # Tests: each given to a run of groups; every active member of them took it and it was graded.
    """INSERT INTO test (organization_id, created_by_id, type, title, pdf_url, config, is_active, deleted_at,
                        created_at, updated_at)
       SELECT %(org)s, (%(teachers)s::bigint[])[1], (ARRAY['quiz', 'exam'])[1 + k %% 2], 'Sınaq ' || k, '',
              NULL, true, NULL, now() - k * interval '20 days', now() - k * interval '20 days'
       FROM generate_series(1, %(n_tests)s) AS k""",
    """INSERT INTO test_answer_key (test_id, mcq_answers, numeric_answers, written_instructions, created_at,
                                   updated_at)
       SELECT id, '{"1": "A", "2": "C", "3": "B"}', '{"4": "25"}', NULL, now(), now()
       FROM test WHERE organization_id = %(org)s""",
    """INSERT INTO test_assignment (organization_id, test_id, group_id, student_id, available_from, available_to,
                                   created_at)
       SELECT %(org)s, t.id, g.id, NULL, t.created_at, t.created_at + interval '7 days', t.created_at
       FROM test t JOIN "group" g ON g.organization_id = t.organization_id AND g.id %% %(n_tests)s = t.id %% %(n_tests)s
       WHERE t.organization_id = %(org)s""",
    """INSERT INTO test_attempt (organization_id, test_id, student_id, started_at, submitted_at, answers, score,
                                status, created_at)
       SELECT DISTINCT ON (a.test_id, m.student_id) %(org)s, a.test_id, m.student_id,
              a.available_from + interval '1 day',
              a.available_from + interval '1 day 40 minutes', '{"1": "A", "2": "B", "4": "25"}',
              (random() * 4)::int, 'graded', a.available_from + interval '1 day'
       FROM test_assignment a JOIN group_membership m ON m.group_id = a.group_id AND m.is_active
       WHERE a.organization_id = %(org)s""",
    """INSERT INTO test_result (student_profile_id, group_id, attempt_id, test_name, score, max_score, date,
                               written_scores)
       SELECT at.student_id, NULL, at.id, t.title, at.score, 4, at.submitted_at::date, '{}'
       FROM test_attempt at JOIN test t ON t.id = at.test_id
       WHERE at.organization_id = %(org)s""",
]


def scaled(size: Size, scale: float) -> Size:
    return Size(
        students=max(25, round(size.students * scale)),
        groups=max(1, round(size.groups * scale)),
        tasks=max(5, round(size.tasks * min(1.0, scale * 10))),
        tests=max(1, round(size.tests * min(1.0, scale * 10))),
    )


def maintenance(conn: psycopg.Connection) -> list[str]:
    """Call the rebuild functions the database has (other parts add them), so what triggers keep is true."""
    done = []
    for function in ("coding_ranking_rebuild", "user_search_text_rebuild"):
        if conn.execute("SELECT 1 FROM pg_proc WHERE proname = %s", (function,)).fetchone():
            conn.execute(f"SELECT {function}()")
            done.append(function)
    return done


def generate(database: str, scale: float) -> dict[str, int]:
    started = time.perf_counter()

    def step(what: str) -> None:
        print(f"{time.perf_counter() - started:6.1f} s  {what}", flush=True)

    django_on_new_database(database)
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("seed_dev", stdout=open(os.devnull, "w"))  # noqa: SIM115 - its logins are printed below instead
    step("migrated, seed data loaded")
    password_hash = make_password(PASSWORD)  # one hash for every generated user: hashing 20,000 would take minutes
    rng = random.Random(13)
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET synchronous_commit = off")
            cur.execute("SET maintenance_work_mem = '256MB'")
            cur.execute("SET work_mem = '64MB'")
            cur.execute("SELECT setseed(0.13)")
            school(cur, rng, BIG_SLUG, "Böyük Məktəb (bench)", scaled(BIG, scale), password_hash)
            step("big school")
            for n in range(1, SMALL_SCHOOLS + 1):
                school(cur, rng, f"school{n:02d}", f"Məktəb {n}", SMALL, password_hash)
            step(f"{SMALL_SCHOOLS} small schools")
            cur.execute("SET session_replication_role = origin")
            # The commit itself is flushed: until its WAL is on disk, VACUUM may not mark its rows committed
            # (their hint bits), and then no page holding them becomes all-visible.
            cur.execute("SET synchronous_commit = on")
        conn.commit()
        conn.autocommit = True
        rebuilt = maintenance(conn)
        step(f"maintenance functions: {', '.join(rebuilt) or 'none in this database'}")
        conn.execute("VACUUM ANALYZE")
        # An index-only scan reads the table wherever a page is not all-visible: a school in use is vacuumed by
        # autovacuum, so every plan measured here must see what it would see there.
        unmarked = conn.execute(
            "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class"
            " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            " AND relpages > 0 AND relallvisible < relpages"
        ).fetchone()[0]  # type: ignore[index]
        step(f"vacuum analyze (tables not all-visible: {unmarked or 'none'})")
        counts = {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
            for table in ("user", "group", "group_membership", "attendance_record", "payment", "coding_submission",
                          "test_attempt")
        }  # fmt: skip
    print(", ".join(f"{table} {count:,}" for table, count in counts.items()))
    print(f"generated {database} in {time.perf_counter() - started:.0f} s; logins (password {PASSWORD}):")
    print(f"  teacher@{BIG_SLUG}.bench, student1@{BIG_SLUG}.bench, parent1@{BIG_SLUG}.bench (the big school)")
    print(f"  teacher@school01.bench … teacher@school{SMALL_SCHOOLS:02d}.bench (seed-sized schools)")
    print("  and the seed logins of README.md (teacher@bekrin.test / teacher-pass-1, …)")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="made anew (dropped first if it exists)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the big school (1.0: 10,000 students)")
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.database, args.scale)
    took = time.perf_counter() - started
    record(f"generate the big school at scale {args.scale:g}", took, "s", "< 180", took < 180)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
