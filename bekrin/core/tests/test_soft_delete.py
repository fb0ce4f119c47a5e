"""The one soft delete and restore (bekrin.core.models) and the one "apply these changes" every service uses."""

from datetime import datetime

import pytest
from django.apps import apps
from django.contrib import admin

from bekrin.core.admin import SoftDeleteAdmin
from bekrin.core.models import SoftDeleteModel, apply_changes, restore, soft_delete
from bekrin.groups.models import StudyGroup
from bekrin.testing.factories import GroupFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def fresh(group: StudyGroup) -> StudyGroup:
    return StudyGroup.all_objects.get(pk=group.pk)


def test_a_soft_delete_stamps_deleted_at_and_updated_at_and_runs_the_services_step_once():
    group = GroupFactory()
    steps: list[datetime] = []
    deleted = soft_delete(StudyGroup, group.pk, then=lambda row, at: steps.append(at))
    row = fresh(group)
    assert row.deleted_at is not None and row.deleted_at == deleted.deleted_at
    assert row.updated_at > group.updated_at
    assert steps == [row.deleted_at]
    soft_delete(StudyGroup, group.pk, then=lambda row, at: steps.append(at))
    assert (fresh(group).deleted_at, fresh(group).updated_at, steps) == (row.deleted_at, row.updated_at, steps[:1])


def test_a_restore_hands_the_step_the_deletion_time_it_undoes_and_restoring_twice_changes_nothing():
    group = GroupFactory()
    deleted_at = soft_delete(StudyGroup, group.pk).deleted_at
    steps: list[datetime] = []
    restored = restore(StudyGroup, group.pk, then=lambda row, at: steps.append(at))
    assert (restored.deleted_at, fresh(group).deleted_at, steps) == (None, None, [deleted_at])
    restore(StudyGroup, group.pk, then=lambda row, at: steps.append(at))
    assert steps == [deleted_at]


def test_the_row_is_read_again_under_the_lock_so_a_stale_copy_writes_nothing_back():
    group = GroupFactory(name="Riyaziyyat")
    stale = fresh(group)
    StudyGroup.objects.filter(pk=group.pk).update(name="Fizika")
    soft_delete(StudyGroup, stale.pk)
    assert fresh(group).name == "Fizika"


def test_apply_changes_writes_only_what_differs_and_compares_a_foreign_key_by_id(django_assert_num_queries):
    group = GroupFactory(name="Riyaziyyat", sort_order=None)
    same_teacher = type(group.teacher).objects.get(pk=group.teacher_id)
    with django_assert_num_queries(0):
        assert apply_changes(group, {"name": "Riyaziyyat", "teacher": same_teacher}) == []
    other = TeacherFactory(organization=group.teacher.organization)
    with django_assert_num_queries(1):  # the UPDATE of the two changed columns, no read of the old teacher
        assert apply_changes(group, {"name": "Fizika", "teacher": other, "sort_order": None}) == ["name", "teacher"]
    row = fresh(group)
    assert (row.name, row.teacher_id) == ("Fizika", other.pk)


def test_apply_changes_without_save_only_sets_the_fields():
    group = GroupFactory(name="Riyaziyyat")
    assert apply_changes(group, {"name": "Fizika"}, save=False) == ["name"]
    assert (group.name, fresh(group).name) == ("Fizika", "Riyaziyyat")


def test_every_soft_deletable_model_is_deleted_and_restored_in_the_admin_through_its_services():
    registered = {model: model_admin for model, model_admin in admin.site._registry.items()}
    soft_deletable = [
        model for model in apps.get_models() if issubclass(model, SoftDeleteModel) and not model._meta.proxy
    ]
    assert soft_deletable
    for model in soft_deletable:
        model_admin = registered[model]
        assert isinstance(model_admin, SoftDeleteAdmin), model
        assert type(model_admin).soft_delete is not SoftDeleteAdmin.soft_delete, model
        assert type(model_admin).restore is not SoftDeleteAdmin.restore, model
