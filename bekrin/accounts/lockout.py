"""Login lockouts (django-axes): which email a login counts for (settings.AXES_USERNAME_CALLABLE), and the limits
for one email from one address and for one address whatever the emails (settings.AXES_HANDLER)."""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from bekrin.accounts.models import normalize_email


def login_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The API's login sends `email`; Django's admin login form and its failure signal send `username`. Both are
    one account, so both count towards one lock, whatever the case the email was typed in."""
    source = credentials or getattr(request, "data", None) or request.POST
    value = source.get("email") or source.get("username")
    return normalize_email(value) if isinstance(value, str) else None


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a second limit. AXES_FAILURE_LIMIT (LOGIN_FAILURE_LIMIT) failures for one email
    from one address lock that pair, as axes counts them; LOGIN_ADDRESS_FAILURE_LIMIT failures from one address,
    over any emails, lock the whole address, so spraying passwords over many accounts is stopped too.

    axes' own list of alternatives (`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]`) would
    hold both to the one AXES_FAILURE_LIMIT, locking a school's shared address after ten typos, and a successful
    login would delete the address's failures of every email: a student logging in as themselves would reset an
    attack on a classmate. So the address is counted here, over the same attempt rows and cool-off as axes'."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT, before a login and after each failure: the pair's failures,
        or the limit itself once the address reached its own."""
        pair_failures: int = super().get_failures(request, credentials)
        address_attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]  # set by AxesProxyHandler
            attempt_time__gte=get_cool_off_threshold(request),
        )
        address_failures = address_attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if address_failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair_failures, settings.AXES_FAILURE_LIMIT)
        return pair_failures
