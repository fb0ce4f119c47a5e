"""The tenancy matrix: two schools populated through the services. Every persona of the first school
calls every API route that takes an id, with every id of the other school and of rows that are not theirs in
their own, in the URL, in the body and in the query; staff open every admin page on those ids. Every answer is a
403 or a 404 (an admin "does not exist" redirect), no page lists a foreign row, and no table changes.
"""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection
from django.db.models import Model
from psycopg import sql

from bekrin.accounts.models import User
from bekrin.assessments.models import Test, TestAssignment, TestAttempt
from bekrin.attendance.models import AttendanceRecord
from bekrin.coding.models import CodingImport, CodingSubmission, CodingTask, CodingTopic
from bekrin.core.tests.test_access import ROUTES, http_methods
from bekrin.groups.models import StudyGroup
from bekrin.payments.models import Payment
from bekrin.testing.schools import PopulatedSchool, populate_school, rows_of
from conftest import client_for

pytestmark = pytest.mark.django_db

# What each id in a route names: the route's first words decide the `pk`; the other names are the same everywhere.
PK_MODELS: list[tuple[str, type[Model]]] = [
    ("/api/parent/children/", User),
    ("/api/student/coding/submissions/", CodingSubmission),
    ("/api/student/coding/tasks/", CodingTask),
    ("/api/student/tests/attempts/", TestAttempt),
    ("/api/student/tests/", Test),
    ("/api/teacher/coding/imports/", CodingImport),
    ("/api/teacher/coding/tasks/", CodingTask),
    ("/api/teacher/groups/", StudyGroup),
    ("/api/teacher/parents/", User),
    ("/api/teacher/payments/", Payment),
    ("/api/teacher/students/", User),
    ("/api/teacher/tests/attempts/", TestAttempt),
    ("/api/teacher/tests/", Test),
    ("/api/tests/", Test),
]
OTHER_ID_MODELS: dict[str, type[Model]] = {"student_id": User, "assignment_id": TestAssignment}
# Written by any request of a logged-in caller, whatever it asks: the session of an admin page and a token's
# last use. Every other table must be byte for byte the same after the probes.
TOUCHED_BY_ANY_REQUEST = {"django_session", "knox_authtoken"}
LESSON = "2026-03-02"
ID_PARAMETER = re.compile(r"<int:(\w+)>")


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    body: dict | None = None


def _route_models(route: str) -> dict[str, type[Model]]:
    models = {}
    for name in ID_PARAMETER.findall(route):
        if name == "pk":
            models[name] = next(model for prefix, model in PK_MODELS if route.startswith(prefix))
        else:
            models[name] = OTHER_ID_MODELS[name]
    return models


def _first_alive(school: PopulatedSchool, model: type[Model]) -> int:
    manager = model._default_manager  # soft-deletable models hide their deleted rows here
    return min(set(rows_of(school.organization, model)) & set(manager.values_list("pk", flat=True)))


def _url_probes(route: str, methods: list[str], own: PopulatedSchool, foreign: dict[type[Model], list[int]]):
    """Each id of the route in turn set to every foreign id, the other ids to a row of the caller's school."""
    models = _route_models(route)
    for name, model in models.items():
        for foreign_id in foreign.get(model, []):
            path = route
            for other, other_model in models.items():
                value = foreign_id if other == name else _first_alive(own, other_model)
                path = re.sub(rf"<int:{other}>", str(value), path)
            for method in methods:
                yield Probe(method.upper(), path, {} if method != "get" else None)


def _body_probes(own: PopulatedSchool, foreign: dict[type[Model], list[int]]) -> Iterator[Probe]:
    """Every id a staff request names in its body or its query, set to a foreign row."""
    own_group, own_student = _first_alive(own, StudyGroup), own.students[0].pk
    own_test, own_task = _first_alive(own, Test), _first_alive(own, CodingTask)
    new_payment = {"payment_date": LESSON, "amount": "5.00", "method": "cash", "status": "paid"}
    new_task = {"title": "Yad", "description": "-", "difficulty": "easy", "test_cases": [{"input": "", "expected": ""}]}
    cell = {"lesson_date": LESSON, "status": "present"}
    for group in foreign[StudyGroup]:
        yield Probe("POST", "/api/teacher/payments", {**new_payment, "student_id": own_student, "group_id": group})
        yield Probe("POST", "/api/teacher/students", {"full_name": "Yad", "email": "y@x.test", "group_ids": [group]})
        yield Probe("PATCH", "/api/teacher/attendance", {**cell, "group_id": group, "student_id": own_student})
        yield Probe(
            "PUT", "/api/teacher/attendance", {"items": [{**cell, "group_id": group, "student_id": own_student}]}
        )
        yield Probe("POST", f"/api/teacher/tests/{own_test}/assignments", {"group_id": group})
        for query in ("teacher/attendance?month=2026-03&", "teacher/students?", "teacher/payments?"):
            yield Probe("GET", f"/api/{query}group_id={group}")
        for query in ("teacher/coding/submissions", "teacher/coding/ranking"):
            yield Probe("GET", f"/api/{query}?group_id={group}")
    for user in foreign[User]:
        yield Probe("POST", "/api/teacher/payments", {**new_payment, "student_id": user})
        yield Probe("POST", f"/api/teacher/groups/{own_group}/students", {"student_ids": [user]})
        yield Probe("DELETE", f"/api/teacher/groups/{own_group}/students", {"student_ids": [user]})
        yield Probe("POST", f"/api/teacher/students/{own_student}/parents", {"parent_id": user})
        yield Probe("DELETE", f"/api/teacher/students/{own_student}/parents", {"parent_id": user})
        yield Probe("POST", "/api/teacher/groups", {"name": "Yad", "days_of_week": [1], "teacher_id": user})
        yield Probe("PATCH", f"/api/teacher/groups/{own_group}", {"teacher_id": user})
        yield Probe("PATCH", "/api/teacher/attendance", {**cell, "group_id": own_group, "student_id": user})
        yield Probe("POST", f"/api/teacher/tests/{own_test}/assignments", {"student_id": user})
        yield Probe("GET", f"/api/teacher/payments?student_id={user}")
        yield Probe("GET", f"/api/teacher/coding/submissions?student_id={user}")
    for topic in foreign[CodingTopic]:
        yield Probe("POST", "/api/teacher/coding/tasks", {**new_task, "topic_id": topic})
        yield Probe("PATCH", f"/api/teacher/coding/tasks/{own_task}", {"topic_id": topic})
        yield Probe("GET", f"/api/teacher/coding/ranking?topic_id={topic}")
    for task in foreign[CodingTask]:
        yield Probe("GET", f"/api/teacher/coding/submissions?task_id={task}")


def _foreign_rows(own: PopulatedSchool, other: PopulatedSchool) -> dict[type[Model], list[int]]:
    models = {model for _prefix, model in PK_MODELS} | set(OTHER_ID_MODELS.values()) | {CodingTopic}
    return {model: rows_of(other.organization, model) for model in models}


def _not_theirs(persona: User, own: PopulatedSchool) -> dict[type[Model], list[int]]:
    """Rows of the caller's own school that are not theirs: another child's work, another family's child."""
    if persona == own.parent:
        children = {student.pk for student in own.students[:2]}
        users = [pk for pk in rows_of(own.organization, User) if pk not in children]
        return {User: users, Test: _hidden_tests(own)}
    student = persona
    others = {
        CodingSubmission: CodingSubmission.objects.exclude(student=student),
        TestAttempt: TestAttempt.objects.exclude(student=student),
    }
    rows: dict[type[Model], list[int]] = {
        model: sorted(set(rows_of(own.organization, model)) & set(queryset.values_list("pk", flat=True)))
        for model, queryset in others.items()
    }
    rows[Test] = _hidden_tests(own)
    rows[CodingTask] = sorted(
        set(rows_of(own.organization, CodingTask)) - set(CodingTask.objects.values_list("pk", flat=True))
    )
    return rows


def _hidden_tests(own: PopulatedSchool) -> list[int]:
    """The school's deleted tests: assigned to nobody any more."""
    return sorted(set(rows_of(own.organization, Test)) - set(Test.objects.values_list("pk", flat=True)))


def table_checksums() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall() if name not in TOUCHED_BY_ANY_REQUEST]
        checksums = {}
        for table in tables:
            query = sql.SQL("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t")
            cursor.execute(query.format(sql.Identifier(table)))
            checksums[table] = cursor.fetchone()[0]
    return checksums


@pytest.fixture
def schools() -> tuple[PopulatedSchool, PopulatedSchool]:
    return populate_school(name="Birinci məktəb", slug="birinci"), populate_school()


def _answer_of(client, probe: Probe) -> int:
    call = getattr(client, probe.method.lower())
    if probe.body is None:
        return call(probe.path).status_code
    return call(probe.path, probe.body, format="json").status_code


PERSONAS = ("admin", "teacher", "student", "parent")


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_no_persona_reaches_a_row_that_is_not_theirs_through_the_api(schools, persona_name):
    own, other = schools
    persona = {"admin": own.admin, "teacher": own.teacher, "student": own.students[0], "parent": own.parent}[
        persona_name
    ]
    targets = _foreign_rows(own, other)
    if persona_name in ("student", "parent"):
        for model, ids in _not_theirs(persona, own).items():
            targets[model] = targets.get(model, []) + ids
    probes = [
        probe
        for route, view_class in ROUTES
        if ID_PARAMETER.search(route)
        for probe in _url_probes(route, http_methods(view_class), own, targets)
    ]
    if persona_name in ("admin", "teacher"):
        probes += list(_body_probes(own, targets))
    client = client_for(persona)
    before = table_checksums()

    answers = Counter()
    leaks = []
    for probe in probes:
        status = _answer_of(client, probe)
        answers[status] += 1
        if status not in (403, 404):
            leaks.append(f"{probe.method} {probe.path} {probe.body or ''} -> {status}")

    assert leaks == [], f"{persona_name}: {len(leaks)} of {len(probes)} probes reached a row:\n" + "\n".join(leaks)
    assert len(probes) >= 60
    changed = {table for table, checksum in table_checksums().items() if before[table] != checksum}
    assert changed == set()


# --- the admin -------------------------------------------------------------------------------------------------


def _admin_pages() -> Iterator[tuple[type[Model], str]]:
    for model, _model_admin in admin.site._registry.items():
        yield model, f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def _foreign_pks(model: type[Model], other: PopulatedSchool) -> list:
    try:
        return rows_of(other.organization, model)
    except LookupError:  # not a school's row (the schools themselves, the audit context): no tenant to cross
        return []


def _is_not_found(response) -> bool:
    """403, 404, or the admin's own "does not exist" answer: a redirect to the admin index."""
    return response.status_code in (403, 404) or (response.status_code == 302 and response.url == "/admin/")


@pytest.mark.parametrize("persona_name", ("admin", "teacher"))
def test_staff_see_and_change_no_row_of_another_school_in_the_admin(client, schools, persona_name):
    own, other = schools
    staff = own.admin if persona_name == "admin" else own.teacher
    client.force_login(staff)
    before = table_checksums()
    leaks = []
    requests = 0
    for model, changelist in _admin_pages():
        foreign = set(_foreign_pks(model, other))
        response = client.get(changelist)
        requests += 1
        if response.status_code == 200:
            listed = {row.pk for row in response.context["cl"].queryset}
            if listed & foreign:
                leaks.append(f"{changelist} lists {sorted(listed & foreign)}")
            for spec in response.context["cl"].filter_specs:
                if not isinstance(spec, admin.RelatedFieldListFilter):
                    continue
                choices = {str(value) for value, _label in spec.lookup_choices}
                named = choices & {str(pk) for pk in _foreign_related(model, spec, other)}
                if named:
                    leaks.append(f"{changelist} filter {spec.title} offers {sorted(named)}")
        elif response.status_code != 403:
            leaks.append(f"GET {changelist} -> {response.status_code}")
        for pk in foreign:
            for page in ("change/", "history/", "delete/", "password/"):
                if page == "password/" and model is not User:
                    continue
                url = f"{changelist}{pk}/{page}"
                for method in ("get", "post"):
                    answer = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
                    requests += 1
                    if not _is_not_found(answer):
                        leaks.append(f"{method.upper()} {url} -> {answer.status_code}")
    for field_name, app_label, model_name in (
        ("student", "groups", "groupmembership"),
        ("teacher", "groups", "studygroup"),
    ):
        query = f"?app_label={app_label}&model_name={model_name}&field_name={field_name}&term="
        answer = client.get(f"/admin/autocomplete/{query}")
        requests += 1
        if answer.status_code == 200:
            foreign_users = {str(pk) for pk in rows_of(other.organization, User)}
            offered = {item["id"] for item in answer.json()["results"]}
            if offered & foreign_users:
                leaks.append(f"autocomplete {field_name} offers {sorted(offered & foreign_users)}")
        elif answer.status_code != 403:
            leaks.append(f"autocomplete {field_name} -> {answer.status_code}")

    assert leaks == [], "\n".join(leaks)
    assert requests >= 100
    changed = {table for table, checksum in table_checksums().items() if before[table] != checksum}
    assert changed == set()


def _foreign_related(model: type[Model], spec, other: PopulatedSchool) -> list:
    """The other school's rows a relation filter of `model` could name."""
    related_model = get_fields_from_path(model, spec.field_path)[-1].related_model
    return _foreign_pks(related_model, other)


def test_every_school_row_kind_is_probed(schools):
    """The matrix reaches each kind of row a URL can name, in numbers: a new route or model is not left out."""
    own, other = schools
    foreign = _foreign_rows(own, other)
    assert all(foreign[model] for model in foreign), {model.__name__: ids for model, ids in foreign.items()}
    assert AttendanceRecord.objects.filter(group__organization=other.organization).exists()
