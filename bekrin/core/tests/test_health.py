"""`/api/health` (the operator's report), `/api/health/live` and `/api/health/ready` (a balancer's probes).

No worker runs in this module: worker heartbeats are rows written here, and the tests with a real worker are in
bekrin/coding/tests/test_worker_lifecycle.py.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bekrin.coding.models import CodingSubmission
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory

HEALTHY = {
    "status": "ok",
    "database": "ok",
    "queue": "ok",
    "judge": "ok",
    "judge_workers": 1,
    "oldest_pending_seconds": None,
}


def workers_with_heartbeats(*ages_in_seconds: int) -> None:
    """Replace the worker rows with workers whose last heartbeat is that old (what procrastinate writes)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_workers")
        for age in ages_in_seconds:
            cursor.execute(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - make_interval(secs => %s))", [age]
            )


@pytest.mark.django_db
def test_health_answers_ok_without_login_while_a_worker_beats(client):
    workers_with_heartbeats(5)
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == HEALTHY


@pytest.mark.django_db
def test_health_answers_503_naming_the_judge_when_no_worker_beat_in_the_last_minute(client):
    workers_with_heartbeats(61, 3600)  # killed workers leave their rows behind
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == HEALTHY | {"status": "error", "judge": "no workers", "judge_workers": 0}


@pytest.mark.django_db
def test_health_counts_only_the_workers_seen_in_the_last_minute(client):
    workers_with_heartbeats(1, 30, 59, 90)
    assert client.get("/api/health").json()["judge_workers"] == 3


@pytest.mark.django_db
def test_health_reports_how_long_the_oldest_pending_submission_has_waited(client, personas):
    workers_with_heartbeats(5)
    task = TaskFactory(created_by=personas.teacher)
    now = timezone.now()
    for status, waited in [("pending", 90), ("pending", 10), ("running", 500), ("passed", 9000)]:
        submission = SubmissionFactory(task=task, student=personas.student, status=status)
        CodingSubmission.objects.filter(pk=submission.pk).update(created_at=now - timedelta(seconds=waited))
    waited = client.get("/api/health").json()["oldest_pending_seconds"]
    assert 90 <= waited < 100


@pytest.mark.django_db
def test_health_costs_three_queries_however_many_submissions(client, personas, django_assert_num_queries):
    workers_with_heartbeats(5)
    SubmissionFactory.create_batch(5, task=TaskFactory(created_by=personas.teacher), student=personas.student)
    # The queue's tables (and so the database), the workers seen in the last minute, the oldest pending submission.
    with django_assert_num_queries(3):
        assert client.get("/api/health").status_code == 200


@pytest.mark.django_db
def test_health_answers_503_when_the_queue_schema_is_missing(client):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO procrastinate_jobs_away")
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == HEALTHY | {
        "status": "error",
        "queue": "not migrated",
        "judge": "unknown",
        "judge_workers": None,
    }


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django fails any database access, so the 200 proves the view needs none.
    response = client.get("/api/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_answers_ok_on_a_migrated_database_even_without_judge_workers(client, django_assert_num_queries):
    workers_with_heartbeats()
    # The tables (the queue's, django_migrations), the applied migrations.
    with django_assert_num_queries(2):
        response = client.get("/api/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_answers_503_in_the_error_shape_when_the_queue_schema_is_missing(client):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO procrastinate_jobs_away")
    response = client.get("/api/health/ready", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json() == {
        "error": {"code": "not_ready", "message": "The job queue's tables are missing; run `manage.py migrate`."}
    }


@pytest.mark.django_db
def test_readiness_answers_503_when_the_database_lacks_a_migration(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'coding')"
        )
    response = client.get("/api/health/ready", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "not_ready",
        "message": "The database lacks 1 of this version's migrations; run `manage.py migrate`.",
    }


@pytest.mark.django_db
def test_openapi_documents_the_health_report_and_the_probes(client):
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    health = schema["paths"]["/api/health"]["get"]["responses"]
    assert health["200"]["content"] == health["503"]["content"]
    report = schema["components"]["schemas"]["Health"]
    assert set(report["properties"]) == set(HEALTHY)
    assert set(report["required"]) == set(HEALTHY)

    def enum(name):
        field = report["properties"][name]
        reference = field.get("$ref") or field["allOf"][0]["$ref"]
        return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["enum"]

    assert enum("status") == ["ok", "error"]
    assert enum("database") == ["ok", "unreachable", "busy"]
    assert enum("judge") == ["ok", "no workers", "unreachable", "busy", "unknown"]
    ready = schema["paths"]["/api/health/ready"]["get"]["responses"]
    assert ready["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "200" in schema["paths"]["/api/health/live"]["get"]["responses"]


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/schema").status_code == 200
    assert client.get("/api/docs").status_code == 200
