from typing import Any

from django.contrib.auth import logout, update_session_auth_hash
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.accounts.selectors import parent_children, user_for_me, user_profile_fields
from bekrin.accounts.services import auth_login, auth_logout, password_change
from bekrin.core.api_base import ApiView, PublicApiView
from bekrin.core.roles import ANY_ROLE, Role
from bekrin.core.serializers import PersonRefOut


class OrganizationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices)
    organization = OrganizationOut(allow_null=True)
    profile = serializers.DictField(help_text="The role's profile fields (grade and balance for a student, …).")
    children = PersonRefOut(many=True, required=False, help_text="Only for a parent.")


def me_payload(user: User) -> dict[str, Any]:
    user = user_for_me(user.pk)
    payload = MeOut(
        {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "role": user.role,
            "organization": user.organization,
            "profile": user_profile_fields(user),
        }
    ).data
    if user.role == Role.PARENT:
        payload["children"] = PersonRefOut(parent_children(user), many=True).data
    return payload


class IssuedPasswordOut(serializers.Serializer):
    """A generated initial password, returned once when the account is created and never again."""

    email = serializers.EmailField()
    password = serializers.CharField()


class LoginIn(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class LoginOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    user = MeOut()


class LoginView(PublicApiView):
    """A wrong email and a wrong password get the same 400; 10 failures from one address for one email, or 20
    from one address over any emails, get 429 until a cool-off ends."""

    @extend_schema(
        request=LoginIn,
        responses={200: LoginOut},
        auth=[],
        summary="Log in with email and password; send the token as `Authorization: Bearer <token>`",
    )
    def post(self, request: Request) -> Response:
        data = LoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        instance, token = auth_login(request=request._request, **data.validated_data)
        return Response(
            LoginOut({"token": token, "expires_at": instance.expiry, "user": me_payload(instance.user)}).data
        )


class LogoutView(ApiView):
    """Revokes the token in use (or ends the session); the token answers 401 from then on."""

    allowed_roles = ANY_ROLE

    @extend_schema(request=None, responses={204: None}, summary="Revoke the token in use")
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            auth_logout(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiView):
    """The logged-in user; a parent also gets their linked children."""

    allowed_roles = ANY_ROLE

    @extend_schema(responses={200: MeOut}, summary="The logged-in user with the role's profile")
    def get(self, request: Request) -> Response:
        return Response(me_payload(self.actor))


class PasswordChangeIn(serializers.Serializer):
    current_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, help_text="The new password")


class PasswordChangeView(ApiView):
    """Any user changes their own password. The current one is checked as a login is (a wrong one is a 400 on
    `current_password` and counts towards the login lockout, 429 once locked); the new one must pass the password
    rules (400 `weak_password` on `password`). Every other token and session of the user ends; the token in use
    stays valid."""

    allowed_roles = ANY_ROLE

    @extend_schema(request=PasswordChangeIn, responses={204: None}, summary="Change my password")
    def post(self, request: Request) -> Response:
        data = PasswordChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        keep = request.auth if isinstance(request.auth, AuthToken) else None
        password_change(request=request._request, user=self.actor, keep_token=keep, **data.validated_data)
        if keep is None:
            update_session_auth_hash(request._request, self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
