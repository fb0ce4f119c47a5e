import pytest

from bekrin.coding.permissions import (
    can_view_submission,
    can_view_task,
    can_view_topic,
    submissions_visible_to,
    tasks_visible_to,
    topics_visible_to,
)
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory, TopicFactory
from bekrin.testing.access import assert_visibility_agrees

pytestmark = pytest.mark.django_db


def users_of(personas):
    return [user for user in personas.as_dict().values() if user is not None]


def test_topic_visibility_agrees_for_every_persona(personas):
    topics = [TopicFactory(), TopicFactory(organization=personas.other_teacher.organization)]
    assert_visibility_agrees(topics_visible_to, can_view_topic, users_of(personas), topics)


def test_task_visibility_agrees_for_every_persona_with_deleted_and_inactive_tasks(personas):
    tasks = [
        TaskFactory(created_by=personas.teacher),
        TaskFactory(created_by=personas.teacher, is_active=False),
        TaskFactory(created_by=personas.other_teacher),
    ]
    deleted = TaskFactory(created_by=personas.teacher)
    deleted.mark_deleted()
    deleted.save()
    tasks.append(deleted)
    assert_visibility_agrees(tasks_visible_to, can_view_task, users_of(personas), tasks)

    def deleted_visible(user):
        return tasks_visible_to(user, deleted=True)

    def can_view_deleted(user, task):
        return can_view_task(user, task, deleted=True)

    assert_visibility_agrees(deleted_visible, can_view_deleted, users_of(personas), tasks)


def test_a_student_sees_active_tasks_of_their_school_only(personas):
    active = TaskFactory(created_by=personas.teacher)
    TaskFactory(created_by=personas.teacher, is_active=False)
    TaskFactory(created_by=personas.other_teacher)
    assert list(tasks_visible_to(personas.student)) == [active]


def test_submission_visibility_agrees_for_every_persona(personas):
    task = TaskFactory(created_by=personas.teacher)
    submissions = [
        SubmissionFactory(task=task, student=personas.student),
        SubmissionFactory(task=task, student=personas.other_student),
        SubmissionFactory(task=TaskFactory(created_by=personas.other_teacher)),
    ]
    assert_visibility_agrees(submissions_visible_to, can_view_submission, users_of(personas), submissions)
    assert list(submissions_visible_to(personas.student)) == [submissions[0]]
    assert not submissions_visible_to(personas.parent).exists()
