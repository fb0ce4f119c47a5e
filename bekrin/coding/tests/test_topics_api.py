import pytest

from bekrin.coding.models import CodingTopic
from bekrin.coding.tests.factories import TaskFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/coding/topics"


def test_teacher_lists_the_topics_of_their_school_with_task_counts(personas, api_client_for, django_assert_num_queries):
    loops = TopicFactory(name="Dövrlər")
    TaskFactory(created_by=personas.teacher, topic=loops)
    gone = TaskFactory(created_by=personas.teacher, topic=loops)
    gone.mark_deleted()
    gone.save()
    TopicFactory(name="Şərtlər")
    TopicFactory(name="Başqa məktəb", organization=personas.other_teacher.organization)
    client = api_client_for(personas.teacher)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with task counts
    with django_assert_num_queries(4):
        body = client.get(URL).json()
    assert [(row["name"], row["task_count"]) for row in body["results"]] == [("Dövrlər", 1), ("Şərtlər", 0)]


def test_teacher_adds_a_topic_and_a_duplicate_name_is_a_conflict(personas, api_client_for):
    client = api_client_for(personas.admin)
    created = client.post(URL, {"name": "  Siyahılar "}, format="json")
    assert created.status_code == 201
    assert created.json()["name"] == "Siyahılar"
    assert created.json()["task_count"] == 0
    duplicate = client.post(URL, {"name": "Siyahılar"}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "duplicate_name"


def test_the_same_topic_name_is_free_in_another_school(personas, api_client_for):
    TopicFactory(name="Siyahılar")
    response = api_client_for(personas.other_teacher).post(URL, {"name": "Siyahılar"}, format="json")
    assert response.status_code == 201
    assert CodingTopic.objects.filter(name="Siyahılar").count() == 2


def test_a_topic_needs_a_name(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, {"name": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"name"}


@pytest.mark.parametrize(("persona", "expected"), [("student", 403), ("parent", 403), ("anonymous", 401)])
def test_only_staff_use_topics(personas, api_client_for, persona, expected):
    client = api_client_for(personas.as_dict()[persona])
    assert client.get(URL).status_code == expected
    assert client.post(URL, {"name": "x"}, format="json").status_code == expected
