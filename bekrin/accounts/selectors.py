from typing import Any

from bekrin.accounts.models import User
from bekrin.core.roles import Role


def user_profile_fields(user: User) -> dict[str, Any]:
    """The role's profile fields for /auth/me, read through the already-loaded one-to-one relations."""
    if user.role == Role.STUDENT and hasattr(user, "student_profile"):
        profile = user.student_profile
        return {"grade": profile.grade, "balance": f"{profile.balance:.2f}", "notes": profile.notes}
    if user.role == Role.TEACHER and hasattr(user, "teacher_profile"):
        return {"display_title": user.teacher_profile.display_title}
    return {}


def user_for_me(user_id: int) -> User:
    return User.objects.select_related("organization", "student_profile", "teacher_profile", "parent_profile").get(
        pk=user_id
    )


def parent_children(parent: User) -> list[User]:
    return list(
        User.objects.filter(parent_links__parent=parent, student_profile__deleted_at__isnull=True).order_by(
            "full_name", "id"
        )
    )
