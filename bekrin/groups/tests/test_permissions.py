import pytest

from bekrin.groups.permissions import can_view_group, group_teachers_visible_to, groups_visible_to
from bekrin.testing.access import assert_visibility_agrees
from bekrin.testing.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(personas):
    """The student's group (and so the parent's), a group the student left, a group nobody of theirs is in, a
    deleted group of the student, and another school's group."""
    own = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=own, student=personas.student)
    left = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=left, student=personas.student, is_active=False)
    unrelated = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=unrelated, student=personas.other_student)
    deleted = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=deleted, student=personas.student)
    deleted.mark_deleted()
    deleted.save()
    foreign = GroupFactory(teacher=personas.other_teacher)
    return {"own": own, "left": left, "unrelated": unrelated, "deleted": deleted, "foreign": foreign}


def test_group_visibility_and_the_per_object_check_agree(personas, groups):
    users = [u for u in personas.as_dict().values() if u is not None]
    assert_visibility_agrees(groups_visible_to, can_view_group, users, groups.values())

    def visible_with_deleted(user):
        return groups_visible_to(user, include_deleted=True)

    def can_view_with_deleted(user, group):
        return can_view_group(user, group, include_deleted=True)

    assert_visibility_agrees(visible_with_deleted, can_view_with_deleted, users, groups.values())


def test_who_sees_which_group(personas, groups):
    def seen(user):
        return {name for name, group in groups.items() if groups_visible_to(user).filter(pk=group.pk).exists()}

    assert seen(personas.teacher) == seen(personas.admin) == {"own", "left", "unrelated"}
    assert seen(personas.other_teacher) == {"foreign"}
    assert seen(personas.student) == seen(personas.parent) == {"own", "left"}
    assert seen(personas.other_student) == seen(personas.other_parent) == {"unrelated"}


def test_only_staff_of_the_school_may_be_named_teacher(personas):
    teachers = set(group_teachers_visible_to(personas.teacher))
    assert personas.teacher in teachers
    assert personas.admin in teachers
    assert personas.other_teacher not in teachers
    assert personas.student not in teachers
    assert not group_teachers_visible_to(personas.student).exists()
