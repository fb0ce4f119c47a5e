"""Teacher endpoints for students, parents and the links between them."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.api import IssuedPasswordOut
from bekrin.accounts.models import User
from bekrin.accounts.people import parents_visible_to, students_visible_to
from bekrin.core.api_base import ApiView, ScopedIdField, ScopedIdsField, validated
from bekrin.core.filters import ListView
from bekrin.core.openapi import body_as_given
from bekrin.core.roles import STAFF
from bekrin.groups.permissions import groups_visible_to
from bekrin.students.filters import ParentFilters, StudentFilters
from bekrin.students.selectors import parent_rows, student_rows
from bekrin.students.services import (
    ParentInput,
    parent_create,
    parent_link,
    parent_unlink,
    parent_update,
    student_create,
    student_hard_delete,
    student_restore,
    student_soft_delete,
    student_update,
)

STUDENTS_TAG = ["teacher: students"]
PARENTS_TAG = ["teacher: parents"]


class MembershipGroupOut(serializers.Serializer):
    """The group of a membership, as GroupRefOut shows a group (bekrin/core/serializers.py), read without a query
    for the group when the membership's group is selected with it."""

    id = serializers.IntegerField(source="group_id")
    display_name = serializers.CharField(source="group.display_name")


class StudentGroupOut(MembershipGroupOut):
    joined_at = serializers.DateTimeField()


class StudentParentOut(serializers.Serializer):
    id = serializers.IntegerField(source="parent_id")
    full_name = serializers.CharField(source="parent.full_name")
    email = serializers.EmailField(source="parent.email")
    phone = serializers.CharField(source="parent.phone", allow_null=True)
    relation = serializers.CharField(allow_null=True, help_text='"ana", "ata", …')


class StudentOut(serializers.Serializer):
    id = serializers.IntegerField()
    organization_id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    is_active = serializers.BooleanField(help_text="False while soft-deleted: the student cannot log in")
    grade = serializers.CharField(source="student_profile.grade")
    balance = serializers.DecimalField(
        source="student_profile.balance", max_digits=12, decimal_places=2, help_text="AZN, from payments"
    )
    notes = serializers.CharField(source="student_profile.notes", allow_null=True)
    deleted_at = serializers.DateTimeField(source="student_profile.deleted_at", allow_null=True)
    created_at = serializers.DateTimeField(source="date_joined")
    updated_at = serializers.DateTimeField()
    groups = StudentGroupOut(many=True, source="active_memberships", help_text="Active memberships")
    parents = StudentParentOut(many=True, source="parent_list")


class StudentCreatedOut(StudentOut):
    passwords = IssuedPasswordOut(
        many=True,
        help_text="Generated initial passwords (the student's when none was given, a new parent's), shown only "
        "in this response",
    )


class HardDeleteOut(serializers.Serializer):
    deleted = serializers.DictField(child=serializers.IntegerField(), help_text="Rows removed per table")


class ParentChildOut(serializers.Serializer):
    id = serializers.IntegerField(source="student_id")
    full_name = serializers.CharField(source="student.full_name")
    relation = serializers.CharField(allow_null=True)


class ParentOut(serializers.Serializer):
    id = serializers.IntegerField()
    organization_id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="date_joined")
    updated_at = serializers.DateTimeField()
    children = ParentChildOut(many=True, source="children_links")


class ParentCreatedOut(ParentOut):
    passwords = IssuedPasswordOut(many=True, help_text="The generated password when none was given, shown once")


def _password_field() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        max_length=4096,
        help_text="Checked by the password rules; when absent on create one is generated and returned once",
    )


class UserFieldsIn(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, help_text="Unique; a taken one is a 400 with code email_taken")
    phone = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)


class StudentParentIn(UserFieldsIn):
    relation = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)


class StudentPatchIn(UserFieldsIn):
    grade = serializers.CharField(max_length=20)
    notes = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=10000)
    password = _password_field()
    group_ids = ScopedIdsField(
        visible=groups_visible_to, required=False, source="groups", max_length=100, help_text="Active groups"
    )


class StudentCreateIn(StudentPatchIn):
    parent = StudentParentIn(required=False, allow_null=True, help_text="Found by email, or created, and linked")


class ParentIn(UserFieldsIn):
    password = _password_field()


class ParentLinkIn(serializers.Serializer):
    parent_id = ScopedIdField(visible=parents_visible_to, source="parent")
    relation = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)


class ParentUnlinkIn(serializers.Serializer):
    parent_id = ScopedIdField(visible=parents_visible_to, source="parent")


class _StudentView(ApiView):
    allowed_roles = STAFF
    include_deleted = False

    def visible(self, user: Any) -> QuerySet[User]:
        return students_visible_to(user, include_deleted=self.include_deleted)

    def reloaded(self, pk: int) -> User:
        """The student as the output serializers show them, after a write."""
        return student_rows(students_visible_to(self.actor, include_deleted=True)).get(pk=pk)


class StudentListView(ListView, _StudentView):
    """The organization's students (active or soft-deleted), by group and search; create a student."""

    include_deleted = True  # StudentFilters chooses active or deleted
    filterset_class = StudentFilters

    @extend_schema(
        tags=STUDENTS_TAG,
        responses={200: StudentOut(many=True)},
        summary="List students in alphabetical order",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(student_rows(self.get_queryset())))
        return self.get_paginated_response(StudentOut(page, many=True).data)

    @extend_schema(
        tags=STUDENTS_TAG,
        request=StudentCreateIn,
        responses={201: StudentCreatedOut},
        summary="Create a student (user, profile, groups, optional parent) in one transaction",
    )
    def post(self, request: Request) -> Response:
        data = validated(self, StudentCreateIn)
        parent = data.pop("parent", None)
        created = student_create(actor=self.actor, parent=ParentInput(**parent) if parent else None, **data)
        body = {
            **StudentOut(self.reloaded(created.student.pk)).data,
            "passwords": IssuedPasswordOut(created.passwords, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class StudentDetailView(_StudentView):
    """A student with profile, active groups, parents and balance; change them, or soft-delete the student."""

    def visible(self, user: Any) -> QuerySet[User]:
        return student_rows(super().visible(user))

    @extend_schema(tags=STUDENTS_TAG, responses={200: StudentOut}, summary="A student")
    def get(self, request: Request, pk: int) -> Response:
        return Response(StudentOut(self.get_object()).data)

    @extend_schema(
        tags=STUDENTS_TAG,
        request=StudentPatchIn(partial=True),
        responses={200: StudentOut},
        summary="Change a student; group_ids becomes the set of active groups",
    )
    def patch(self, request: Request, pk: int) -> Response:
        student = self.get_object()
        student_update(student=student, changes=validated(self, StudentPatchIn, partial=True))
        return Response(StudentOut(self.reloaded(student.pk)).data)

    @extend_schema(
        tags=STUDENTS_TAG,
        responses={204: None},
        summary="Soft-delete: cannot log in, memberships end, history stays (POST …/restore undoes it)",
    )
    def delete(self, request: Request, pk: int) -> Response:
        student_soft_delete(student=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudentRestoreView(_StudentView):
    """Undo a student's soft delete: login works again, the memberships the deletion ended are active again."""

    include_deleted = True

    @extend_schema(tags=STUDENTS_TAG, request=None, responses={200: StudentOut}, summary="Restore a student")
    def post(self, request: Request, pk: int) -> Response:
        student = self.get_object()
        student_restore(student=student)
        return Response(StudentOut(self.reloaded(student.pk)).data)


class StudentHardDeleteView(_StudentView):
    """Delete a soft-deleted student for good with every row that points at them (409 if not soft-deleted)."""

    include_deleted = True

    @extend_schema(
        tags=STUDENTS_TAG,
        responses={200: HardDeleteOut, 409: None},
        summary="Hard-delete a soft-deleted student; answers the rows removed per table",
    )
    def delete(self, request: Request, pk: int) -> Response:
        return Response({"deleted": student_hard_delete(student=self.get_object())})


class StudentParentsView(_StudentView):
    """Link a parent to the student (again: updates the relation), or unlink them."""

    @extend_schema(tags=STUDENTS_TAG, request=ParentLinkIn, responses={200: StudentOut}, summary="Link a parent")
    def post(self, request: Request, pk: int) -> Response:
        student = self.get_object()
        parent_link(actor=self.actor, student=student, **validated(self, ParentLinkIn))
        return Response(StudentOut(self.reloaded(student.pk)).data)

    @extend_schema(tags=STUDENTS_TAG, request=ParentUnlinkIn, responses={200: StudentOut}, summary="Unlink a parent")
    @body_as_given
    def delete(self, request: Request, pk: int) -> Response:
        student = self.get_object()
        parent_unlink(student=student, **validated(self, ParentUnlinkIn))
        return Response(StudentOut(self.reloaded(student.pk)).data)


class _ParentView(ApiView):
    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[User]:
        return parent_rows(parents_visible_to(user))


class ParentListView(ListView, _ParentView):
    """The organization's parents with their children; create a parent."""

    filterset_class = ParentFilters

    def visible(self, user: Any) -> QuerySet[User]:
        return parents_visible_to(user)  # the list adds what the rows show

    @extend_schema(
        tags=PARENTS_TAG,
        responses={200: ParentOut(many=True)},
        summary="List parents in alphabetical order",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(parent_rows(self.get_queryset())))
        return self.get_paginated_response(ParentOut(page, many=True).data)

    @extend_schema(tags=PARENTS_TAG, request=ParentIn, responses={201: ParentCreatedOut}, summary="Create a parent")
    def post(self, request: Request) -> Response:
        created = parent_create(actor=self.actor, **validated(self, ParentIn))
        parent = parent_rows(self.get_queryset()).get(pk=created.parent.pk)
        passwords = [created.password] if created.password else []
        body = {**ParentOut(parent).data, "passwords": IssuedPasswordOut(passwords, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)


class ParentDetailView(_ParentView):
    """A parent with their children; change their name, email, phone or password."""

    @extend_schema(tags=PARENTS_TAG, responses={200: ParentOut}, summary="A parent")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ParentOut(self.get_object()).data)

    @extend_schema(tags=PARENTS_TAG, request=ParentIn(partial=True), responses={200: ParentOut}, summary="Change")
    def patch(self, request: Request, pk: int) -> Response:
        parent = self.get_object()
        parent_update(parent=parent, changes=validated(self, ParentIn, partial=True))
        return Response(ParentOut(self.get_queryset().get(pk=parent.pk)).data)
