"""Teacher endpoints for groups and their members."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.api_base import ApiView, ScopedIdField, ScopedIdsField, validated
from bekrin.core.filters import ListView
from bekrin.core.openapi import body_as_given
from bekrin.core.roles import STAFF
from bekrin.core.serializers import PersonRefOut
from bekrin.groups.filters import GroupFilters
from bekrin.groups.models import StudyGroup
from bekrin.groups.permissions import group_teachers_visible_to, groups_visible_to
from bekrin.groups.selectors import group_detail_rows, group_rows
from bekrin.groups.services import (
    group_create,
    group_restore,
    group_soft_delete,
    group_update,
    memberships_add,
    memberships_end,
)

TAG = ["teacher: groups"]


class GroupMemberStudentOut(PersonRefOut):
    email = serializers.EmailField()


class StudyGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    organization_id = serializers.IntegerField(allow_null=True)
    teacher_id = serializers.IntegerField()
    teacher = PersonRefOut()
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    days_of_week = serializers.ListField(child=serializers.IntegerField(), help_text="ISO days, 1 = Monday")
    start_time = serializers.TimeField(allow_null=True, help_text="HH:MM")
    display_name = serializers.CharField()
    is_active = serializers.BooleanField()
    sort_order = serializers.IntegerField(allow_null=True)
    member_count = serializers.IntegerField(help_text="Active members")
    deleted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GroupMemberOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership's id")
    student_id = serializers.IntegerField()
    student = GroupMemberStudentOut()
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


class StudyGroupDetailOut(StudyGroupOut):
    members = GroupMemberOut(many=True, source="active_memberships", help_text="Active members, by name")


class StudyGroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=50, required=False, allow_null=True, allow_blank=True)
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(), max_length=20, help_text="ISO days 1–7, each once; stored ascending"
    )
    start_time = serializers.TimeField(required=False, allow_null=True, help_text="HH:MM")
    is_active = serializers.BooleanField(required=False, default=True)
    sort_order = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**31), max_value=2**31 - 1)
    teacher_id = ScopedIdField(
        visible=group_teachers_visible_to, required=False, source="teacher", help_text="Default: the caller"
    )


class GroupStudentIdsIn(serializers.Serializer):
    student_ids = ScopedIdsField(visible=students_visible_to, allow_empty=False, max_length=1000)


class GroupListView(ListView, ApiView):
    """The organization's groups with their member counts; create a group."""

    allowed_roles = STAFF
    filterset_class = GroupFilters

    def visible(self, user: Any) -> QuerySet[StudyGroup]:
        return groups_visible_to(user, include_deleted=True)  # GroupFilters chooses active or deleted

    @extend_schema(
        tags=TAG,
        responses={200: StudyGroupOut(many=True)},
        summary="List groups, ordered by sort_order then display_name",
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_list(group_rows(self.get_queryset()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(StudyGroupOut(page, many=True).data)

    @extend_schema(tags=TAG, request=StudyGroupIn, responses={201: StudyGroupDetailOut}, summary="Create a group")
    def post(self, request: Request) -> Response:
        group = group_create(actor=self.actor, **validated(self, StudyGroupIn))
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data, status=status.HTTP_201_CREATED)


def _reload(view: ApiView, pk: int) -> StudyGroup:
    """The group as the detail serializer shows it (teacher, member count, members), after a write."""
    return group_detail_rows(groups_visible_to(view.actor, include_deleted=True)).get(pk=pk)


class GroupDetailView(ApiView):
    """One group with its active members; change it (display_name is recomputed) or soft-delete it."""

    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[StudyGroup]:
        return group_detail_rows(groups_visible_to(user))

    @extend_schema(tags=TAG, responses={200: StudyGroupDetailOut}, summary="A group with its active members")
    def get(self, request: Request, pk: int) -> Response:
        return Response(StudyGroupDetailOut(self.get_object()).data)

    @extend_schema(
        tags=TAG, request=StudyGroupIn(partial=True), responses={200: StudyGroupDetailOut}, summary="Change a group"
    )
    def patch(self, request: Request, pk: int) -> Response:
        group = self.get_object()
        group_update(group=group, changes=validated(self, StudyGroupIn, partial=True))
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data)

    @extend_schema(tags=TAG, responses={204: None}, summary="Soft-delete a group (POST …/restore undoes it)")
    def delete(self, request: Request, pk: int) -> Response:
        group_soft_delete(group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupRestoreView(ApiView):
    """Undo a group's soft delete (a group that is not deleted stays as it is)."""

    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[StudyGroup]:
        return groups_visible_to(user, include_deleted=True)

    @extend_schema(tags=TAG, request=None, responses={200: StudyGroupDetailOut}, summary="Restore a soft-deleted group")
    def post(self, request: Request, pk: int) -> Response:
        group = group_restore(group=self.get_object())
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data)


class GroupStudentsView(ApiView):
    """Add students to a group (or re-activate their old membership), or end their membership keeping history."""

    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[StudyGroup]:
        return groups_visible_to(user)

    def _student_ids(self) -> list[User]:
        return validated(self, GroupStudentIdsIn)["student_ids"]

    @extend_schema(tags=TAG, request=GroupStudentIdsIn, responses={200: StudyGroupDetailOut}, summary="Add members")
    def post(self, request: Request, pk: int) -> Response:
        group = self.get_object()
        memberships_add(group=group, students=self._student_ids())
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data)

    @extend_schema(tags=TAG, request=GroupStudentIdsIn, responses={200: StudyGroupDetailOut}, summary="End memberships")
    @body_as_given
    def delete(self, request: Request, pk: int) -> Response:
        group = self.get_object()
        memberships_end(group=group, students=self._student_ids())
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data)


class GroupStudentView(ApiView):
    """End one student's membership in a group; the row stays as history."""

    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[StudyGroup]:
        return groups_visible_to(user)

    @extend_schema(
        tags=TAG,
        responses={200: StudyGroupDetailOut},
        summary="End one membership",
        operation_id="teacher_groups_student_destroy",
    )
    def delete(self, request: Request, pk: int, student_id: int) -> Response:
        group = self.get_object()
        student = get_object_or_404(students_visible_to(self.actor), pk=student_id)
        memberships_end(group=group, students=[student])
        return Response(StudyGroupDetailOut(_reload(self, group.pk)).data)
