import json
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from bekrin.coding.api.teacher import RankingOut
from bekrin.coding.models import CodingSubmission
from bekrin.coding.selectors import RankingFilters, coding_ranking
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory, TopicFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/coding/ranking"


def at(day, hour=12):
    return timezone.make_aware(datetime(2026, 3, day, hour))


def submit(task, student, when, status="passed"):
    submission = SubmissionFactory(task=task, student=student, status=status)
    CodingSubmission.objects.filter(pk=submission.pk).update(created_at=when)
    return submission


@pytest.fixture
def school(personas):
    """Ayan and Bəhruz both solve 30 points' worth, Bəhruz first; Cavid solves 20; Dəniz only fails."""
    topic = TopicFactory(name="Dövrlər")
    loops = TaskFactory(created_by=personas.teacher, points=10, topic=topic)
    lists = TaskFactory(created_by=personas.teacher, points=20)
    deleted = TaskFactory(created_by=personas.teacher, points=100)
    ayan, behruz, cavid, deniz = (StudentFactory(full_name=name) for name in ("Ayan", "Bəhruz", "Cavid", "Dəniz"))
    submit(loops, ayan, at(2), status="failed")
    submit(loops, ayan, at(3))
    submit(loops, ayan, at(9))  # solving it again adds no points
    submit(lists, ayan, at(5))
    submit(loops, behruz, at(1))
    submit(lists, behruz, at(4))
    submit(lists, cavid, at(2))
    submit(loops, deniz, at(6), status="failed")
    submit(deleted, deniz, at(6))
    deleted.mark_deleted()
    deleted.save()
    submit(
        TaskFactory(created_by=personas.other_teacher, points=500),
        StudentFactory(organization=personas.other_teacher.organization),
        at(1),
    )
    return {"topic": topic, "loops": loops, "lists": lists, "students": (ayan, behruz, cavid, deniz)}


def rows(response):
    return [
        (row["rank"], row["full_name"], row["solved_count"], row["total_points"], row["attempts"])
        for row in response.json()
    ]


def test_ranking_counts_distinct_solved_tasks_and_breaks_ties_by_the_earlier_last_solve(
    personas, api_client_for, school, django_assert_num_queries
):
    client = api_client_for(personas.teacher)
    # 1-2 knox: the token with its user, the user's tokens; 3 the school's kept JSON, none yet: 4-7 its lock and
    # build in a savepoint (test_ranking_snapshot.py); once kept, the next read is 1-3
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200
    with django_assert_num_queries(3):
        assert client.get(URL).content == response.content
    assert rows(response) == [
        (1, "Bəhruz", 2, 30, 2),
        (2, "Ayan", 2, 30, 4),
        (3, "Cavid", 1, 20, 1),
        (4, "Dəniz", 0, 0, 1),
    ]
    first = response.json()[0]
    assert first["student_id"] == school["students"][1].pk
    assert first["last_solved_at"] == at(4).isoformat()
    assert response.json()[3]["last_solved_at"] is None


def test_ranking_filters_by_topic_group_and_period(personas, api_client_for, school):
    ayan, behruz, cavid, _deniz = school["students"]
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=ayan)
    MembershipFactory(group=group, student=cavid)
    MembershipFactory(group=group, student=behruz, is_active=False)
    client = api_client_for(personas.teacher)
    assert rows(client.get(URL, {"topic_id": school["topic"].pk})) == [
        (1, "Bəhruz", 1, 10, 1),
        (2, "Ayan", 1, 10, 3),
        (3, "Dəniz", 0, 0, 1),
    ]
    assert rows(client.get(URL, {"groupId": group.pk})) == [(1, "Ayan", 2, 30, 4), (2, "Cavid", 1, 20, 1)]
    # From the 3rd to the 5th: Ayan's first solve of loops (3rd) and of lists (5th), Bəhruz's lists (4th).
    assert rows(client.get(URL, {"from": "2026-03-03", "to": "2026-03-05"})) == [
        (1, "Ayan", 2, 30, 2),
        (2, "Bəhruz", 1, 20, 1),
    ]


def test_ranking_rejects_bad_filters_and_other_schools_ids(personas, api_client_for, school):
    client = api_client_for(personas.teacher)
    assert client.get(URL, {"from": "2026-13-01"}).status_code == 400
    assert client.get(URL, {"from": "2026-03-05", "to": "2026-03-01"}).status_code == 400
    assert client.get(URL, {"group_id": "x"}).status_code == 400
    other_topic = TopicFactory(organization=personas.other_teacher.organization)
    assert client.get(URL, {"topic_id": other_topic.pk}).status_code == 404


def test_another_school_ranks_only_its_own_students(personas, api_client_for, school):
    response = api_client_for(personas.other_teacher).get(URL)
    assert [(row["rank"], row["total_points"]) for row in response.json()] == [(1, 500)]


def test_a_soft_deleted_student_leaves_the_ranking(personas, api_client_for, school):
    profile = school["students"][1].student_profile
    profile.mark_deleted()
    profile.save()
    names = [row["full_name"] for row in api_client_for(personas.teacher).get(URL).json()]
    assert names == ["Ayan", "Cavid", "Dəniz"]


@pytest.mark.parametrize(("persona", "expected"), [("student", 403), ("parent", 403), ("anonymous", 401)])
def test_only_staff_see_the_ranking(personas, api_client_for, persona, expected):
    assert api_client_for(personas.as_dict()[persona]).get(URL).status_code == expected


def test_ranking_takes_any_date_from_1900_to_9998_and_refuses_others_naming_the_field(personas, api_client_for, school):
    client = api_client_for(personas.teacher)
    everything = rows(client.get(URL))
    widest = client.get(URL, {"from": "1900-01-01", "to": "9998-12-31"})
    assert widest.status_code == 200
    assert rows(widest) == everything
    for name, value in (("to", "9999-12-31"), ("from", "1899-12-31"), ("from", "9999-01-01"), ("to", "0001-01-01")):
        response = client.get(URL, {name: value})
        assert response.status_code == 400, (name, value)
        assert response.json()["error"]["fields"].keys() == {name}


def test_the_ranking_reads_the_first_and_the_last_day_a_date_can_name(school):
    widest = RankingFilters(organization_id=None, date_from=date.min, date_to=date.max)
    assert coding_ranking(widest) == coding_ranking(RankingFilters(organization_id=None))


def tie_school(personas, school):
    """Two more students level with Cavid (20 points, solved on the 2nd), so ranks repeat across a page edge."""
    for name in ("Zəfər", "Elmira"):
        submit(school["lists"], StudentFactory(full_name=name), at(2))


def test_a_page_of_the_ranking_keeps_the_ranks_of_the_whole_list(personas, api_client_for, school):
    tie_school(personas, school)
    client = api_client_for(personas.teacher)
    whole = client.get(URL).json()
    assert [row["rank"] for row in whole] == [1, 2, 3, 3, 3, 6]
    pages = [client.get(URL, {"page": page, "page_size": 2}).json() for page in (1, 2, 3)]
    assert [row for page in pages for row in page["results"]] == whole
    assert [row["rank"] for row in pages[1]["results"]] == [3, 3]
    assert {key: pages[1][key] for key in ("count", "previous", "next")} == {
        "count": 6,
        "previous": f"http://testserver{URL}?page_size=2",
        "next": f"http://testserver{URL}?page=3&page_size=2",
    }
    assert pages[2]["next"] is None


def test_a_page_of_a_filtered_ranking_ranks_inside_the_filter(personas, api_client_for, school):
    client = api_client_for(personas.teacher)
    page = client.get(URL, {"topic_id": school["topic"].pk, "page": 2, "page_size": 2}).json()
    assert page["count"] == 3
    assert [(row["rank"], row["full_name"]) for row in page["results"]] == [(3, "Dəniz")]
    assert client.get(URL, {"page_size": 3}).json()["results"] == client.get(URL).json()[:3]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
    ],
)
def test_a_bad_page_is_a_400_naming_it(personas, api_client_for, school, params, field):
    response = api_client_for(personas.teacher).get(URL, params)
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {field}


@pytest.mark.parametrize(("limit", "count"), [(4, 4), (3, None)])
def test_a_pages_count_of_the_ranking_is_exact_up_to_the_limit_and_null_above(
    personas, api_client_for, school, monkeypatch, limit, count
):
    monkeypatch.setattr("bekrin.core.pagination.COUNT_LIMIT", limit)  # the school ranks 4 students
    with CaptureQueriesContext(connection) as queries:
        body = api_client_for(personas.teacher).get(URL, {"page": 1, "page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (count, 2)
    assert any(f"LIMIT {limit + 1}" in query["sql"] for query in queries), "the count stops after the limit"


def test_a_page_past_the_last_is_a_404_as_on_every_list(personas, api_client_for, school):
    assert api_client_for(personas.teacher).get(URL, {"page": 3, "page_size": 2}).status_code == 404


def queries_of(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


# Queries: knox's two (the token with its user, the user's tokens), then the topic or the group the filter names,
# then the ranking, and its count before a page; the whole list reads the kept JSON, stale after the school's
# submissions, and builds it again (four more: a savepoint, the lock, the build, the release).
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 7),
        ({"page": 1, "page_size": 2}, 4),
        ({"topic_id": "topic", "from": "2026-03-01"}, 4),
        ({"group_id": "group", "page": 1}, 5),
    ],
)
def test_the_ranking_costs_the_same_queries_for_a_big_school_as_for_a_small_one(
    personas, api_client_for, school, params, expected
):
    group = GroupFactory(teacher=personas.teacher)
    ids = {"topic": school["topic"].pk, "group": group.pk}
    params = {key: ids.get(value, value) for key, value in params.items()}
    client = api_client_for(personas.teacher)
    small = queries_of(client, params)
    for n in range(40):
        student = StudentFactory(full_name=f"Şagird {n}")
        MembershipFactory(group=group, student=student)
        submit(school["loops"], student, at(n % 9 + 1), status="passed" if n % 2 else "failed")
        submit(school["lists"], student, at(n % 9 + 1))
    assert queries_of(client, params) == small == expected


@pytest.mark.parametrize("params", [{}, {"topic_id": "topic"}, {"group_id": "group", "from": "2026-03-02"}])
def test_the_whole_list_from_postgresql_is_what_the_documented_serializer_gives(
    personas, api_client_for, school, params
):
    """The bare list is JSON built by PostgreSQL; it must be the bytes RankingOut renders for the same rows, times
    with and without microseconds, in UTC or not, and names JSON must escape included."""
    group = GroupFactory(teacher=personas.teacher)
    quoted = StudentFactory(full_name='Ülvi "Sürət" \\ Həsənov\n')
    MembershipFactory(group=group, student=quoted)
    MembershipFactory(group=group, student=school["students"][0])
    submit(school["loops"], quoted, timezone.make_aware(datetime(2026, 3, 7, 23, 59, 58, 120)))
    submit(school["lists"], quoted, timezone.make_aware(datetime(2026, 3, 8, 0, 0, 1, 999999)), status="failed")
    ids = {"topic": school["topic"].pk, "group": group.pk}
    params = {key: ids.get(value, value) for key, value in params.items()}
    filters = RankingFilters(
        personas.teacher.organization_id,
        group_id=params.get("group_id"),
        topic_id=params.get("topic_id"),
        date_from=date.fromisoformat(params["from"]) if "from" in params else None,
    )
    client = api_client_for(personas.teacher)
    for zone in ("Asia/Baku", "UTC", "America/Sao_Paulo"):
        with timezone.override(zone):
            rendered = JSONRenderer().render(RankingOut(coding_ranking(filters), many=True).data)
            response = client.get(URL, params)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == rendered, zone
        expected = json.loads(rendered)
        assert len(expected) >= 2
        assert any(row["last_solved_at"] and "." in row["last_solved_at"] for row in expected) or params
