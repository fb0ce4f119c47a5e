"""The audit trail: triggers record every change of the tracked tables with who made it, whatever the write path,
and only the school's staff read it."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bekrin.accounts.models import User
from bekrin.assessments.tests.factories import AnswerKeyFactory, TestFactory
from bekrin.audit.models import TrackedPayment, TrackedUser
from bekrin.payments.models import Payment
from bekrin.payments.tests.factories import PaymentFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory, OrganizationFactory, StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/audit"


def events_of(tracked, obj):
    return list(tracked.pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


def test_a_cell_marked_through_the_api_records_an_event_with_the_teacher_as_actor(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    client = api_client_for(personas.teacher)
    cell = {"group_id": group.pk, "student_id": personas.student.pk, "lesson_date": "2026-03-02", "status": "late"}
    assert client.patch("/api/teacher/attendance", cell, format="json").status_code == 200
    assert client.patch("/api/teacher/attendance", {**cell, "status": "present"}, format="json").status_code == 200

    record_id = personas.student.attendance_records.get().pk
    response = client.get(URL, {"model": "attendance_record", "object_id": record_id})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    newest, first = body["results"]
    assert (first["event"], first["values"]["status"], newest["event"], newest["values"]["status"]) == (
        "insert",
        "late",
        "update",
        "present",
    )
    assert newest["actor"] == {"id": personas.teacher.pk, "full_name": personas.teacher.full_name}
    assert newest["path"] == "/api/teacher/attendance"
    assert newest["object_id"] == record_id
    assert newest["values"]["student_id"] == personas.student.pk


def test_a_queryset_update_of_payments_outside_any_service_is_caught(personas):
    payment = PaymentFactory(student=personas.student)
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    Payment.objects.filter(pk=payment.pk).delete()

    inserted, updated, deleted = events_of(TrackedPayment, payment)
    assert (inserted.pgh_label, inserted.amount) == ("insert", Decimal("120.00"))
    assert (updated.pgh_label, updated.amount) == ("update", Decimal("1.00"))
    assert (deleted.pgh_label, deleted.receipt_no) == ("delete", payment.receipt_no)
    assert updated.pgh_context is None  # no request, so no actor: recorded anyway


def test_a_password_change_records_an_event_with_no_hash_in_it(personas, api_client_for):
    student = personas.student
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/students/{student.pk}", {"password": "Yeni-parol-2026!"}, format="json"
    )
    assert response.status_code == 200
    student.refresh_from_db()

    [event] = [e for e in events_of(TrackedUser, student) if e.pgh_label == "password_change"]
    assert event.pgh_context.metadata["user"] == personas.teacher.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM audit_user_event e WHERE pgh_id = %s", [event.pgh_id])
        [[stored]] = cursor.fetchall()
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_user_event'"
            " AND column_name LIKE '%%password%%'"
        )
        assert cursor.fetchall() == []
    assert student.password not in stored
    assert student.password.split("$")[-1] not in stored

    listed = api_client_for(personas.teacher).get(URL, {"model": "user", "object_id": student.pk}).json()
    assert "password_change" in [e["event"] for e in listed["results"]]
    assert all("password" not in e["values"] for e in listed["results"])


def test_a_role_change_is_recorded_with_the_role_it_gave(personas):
    User.objects.filter(pk=personas.student.pk).update(role="admin")
    assert [(e.pgh_label, e.role) for e in events_of(TrackedUser, personas.student)][-1] == ("update", "admin")


def test_another_schools_teacher_finds_nothing_of_the_first_school(personas, api_client_for):
    payment = PaymentFactory(student=personas.student)
    key = AnswerKeyFactory(test=TestFactory(created_by=personas.teacher))
    other_client = api_client_for(personas.other_teacher)
    for model, object_id in (("payment", payment.pk), ("test_answer_key", key.pk), ("user", personas.student.pk)):
        for query in ({"model": model, "object_id": object_id}, {"model": model}):
            body = other_client.get(URL, query).json()
            assert object_id not in [event["object_id"] for event in body["results"]], (model, query)
    own = api_client_for(personas.teacher).get(URL, {"model": "test_answer_key", "object_id": key.pk}).json()
    assert own["count"] == 1


def test_a_school_sees_its_own_events_and_not_the_default_schools(personas, api_client_for):
    other_student = StudentFactory(organization=personas.other_teacher.organization)
    other_payment = PaymentFactory(student=other_student)
    PaymentFactory(student=personas.student)
    body = api_client_for(personas.other_teacher).get(URL, {"model": "payment"}).json()
    assert [event["object_id"] for event in body["results"]] == [other_payment.pk]


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_are_refused(personas, api_client_for, persona):
    response = api_client_for(getattr(personas, persona)).get(URL, {"model": "payment"})
    assert response.status_code == 403
    assert response.json()["error"]["code"]


def test_an_anonymous_caller_must_log_in(api_client_for):
    assert api_client_for(None).get(URL, {"model": "payment"}).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_trail_has_no_write_method(personas, api_client_for, method):
    response = getattr(api_client_for(personas.admin), method)(URL, {"model": "payment"}, format="json")
    assert response.status_code == 405


def test_an_unknown_model_or_a_bad_id_is_a_400_naming_the_parameter(personas, api_client_for):
    client = api_client_for(personas.teacher)
    unknown = client.get(URL, {"model": "organization"})
    assert unknown.status_code == 400
    assert "model" in unknown.json()["error"]["fields"]
    assert "model" in client.get(URL).json()["error"]["fields"]
    assert "object_id" in client.get(URL, {"model": "payment", "object_id": "x"}).json()["error"]["fields"]


def test_the_list_costs_the_same_queries_for_one_event_or_many(personas, api_client_for):
    client = api_client_for(personas.teacher)
    PaymentFactory(student=personas.student)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"model": "payment"}).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(5):
        PaymentFactory(student=personas.student, created_by=personas.teacher)
    # Token lookup and the caller, then the page's count and its rows (each with its actor's name in a subquery).
    assert queries() == one


def test_the_event_tables_refuse_changes_and_deletes(personas):
    payment = PaymentFactory(student=personas.student)
    [event] = events_of(TrackedPayment, payment)
    for statement in ("UPDATE audit_payment_event SET amount = 1", "DELETE FROM audit_payment_event"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    event.refresh_from_db()
    assert event.amount == Decimal("120.00")


def test_the_audit_endpoint_is_in_the_openapi_schema(api_client_for):
    schema = api_client_for(None).get("/api/schema", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"]["/api/teacher/audit"]
    assert set(operations) == {"get"}
    assert {p["name"] for p in operations["get"]["parameters"]} >= {"model", "object_id", "page"}
    event = schema["components"]["schemas"]["AuditEventOut"]["properties"]
    assert set(event) == {"id", "object_id", "event", "at", "actor", "path", "values"}


class TestAdmin:
    def test_the_school_admin_reads_the_events_of_the_school_only(self, client, personas):
        own = PaymentFactory(student=personas.student)
        other_school = OrganizationFactory(slug="ucuncu")
        foreign = PaymentFactory(student=StudentFactory(organization=other_school))
        client.force_login(personas.admin)
        page = client.get("/admin/audit/paymentevent/")
        assert page.status_code == 200
        assert list(page.context["cl"].result_list.values_list("pgh_obj_id", flat=True)) == [own.pk]
        [foreign_event] = events_of(TrackedPayment, foreign)
        assert client.get(f"/admin/audit/paymentevent/{foreign_event.pk}/change/").status_code in (302, 404)

    def test_the_admin_list_is_read_only_for_staff(self, client, personas):
        payment = PaymentFactory(student=personas.student)
        [event] = events_of(TrackedPayment, payment)
        client.force_login(personas.admin)
        change_url = f"/admin/audit/paymentevent/{event.pk}/change/"
        form = client.get(change_url)
        assert form.status_code == 200
        assert 'name="_save"' not in form.content.decode()
        assert client.post(change_url, {"pgh_label": "forged"}).status_code == 403
        assert client.get("/admin/audit/paymentevent/add/").status_code == 403
        assert client.post(f"/admin/audit/paymentevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
        changelist = client.post(
            "/admin/audit/paymentevent/", {"action": "delete_selected", "_selected_action": event.pk}
        )
        assert changelist.status_code in (200, 302)
        event.refresh_from_db()
        assert event.pgh_label == "insert"

    def test_a_teacher_does_not_see_the_trail_in_the_admin(self, client, personas):
        personas.teacher.is_staff = True
        personas.teacher.save(update_fields=["is_staff"])
        client.force_login(personas.teacher)
        assert client.get("/admin/audit/paymentevent/").status_code == 403


def test_a_superusers_account_events_are_not_the_default_schools(personas, api_client_for):
    """Superusers have no school, like the default school's users: their events stay out of that school's trail."""
    root = User.objects.create_superuser("root@bekrin.test", "root-pass-long-1")
    body = api_client_for(personas.admin).get(URL, {"model": "user"}).json()
    assert root.pk not in [event["object_id"] for event in body["results"]]
    assert personas.student.pk in [event["object_id"] for event in body["results"]]
