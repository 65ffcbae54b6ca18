"""Log-in lock-out in two tiers, on top of django-axes (`AXES_HANDLER`, `AXES_LOCKOUT_CALLABLE`).

- An account from one address: `AXES_FAILURE_LIMIT` failures lock that pair for `AXES_COOLOFF_HOURS`
  (django-axes' own rule). A colleague at another address still logs in.
- An account from every address: `AXES_ACCOUNT_FAILURE_LIMIT` failures within
  `AXES_ACCOUNT_COOLOFF_HOURS` lock the account itself until the oldest of them leaves that window, so
  that guesses spread over many addresses stop too. A successful log-in starts the count again.

Failures are counted from django-axes' failure log (`AccessFailureLog`, one row per failure, purged
with the journal); tries refused while a lock-out holds checked no password and do not count.
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def account_cool_off() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AXES_ACCOUNT_COOLOFF_HOURS)


def account_failures(username: str, *, now: datetime.datetime | None = None) -> int:
    """Failed log-ins on this account from any address, within the account's cool-off, since its last success."""
    if not username:
        return 0
    since = (now or timezone.now()) - account_cool_off()
    last_login = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: username})
        .values_list("last_login", flat=True)
        .first()
    )
    if last_login is not None and last_login > since:
        since = last_login
    # Tries refused by a lock-out checked no password: they do not count (else one address hammering
    # the log-in page would lock its owner out everywhere).
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since, locked_out=False).count()


class AccountCeilingHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-account ceiling over every address."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if account_failures(username, now=getattr(request, "axes_attempt_time", None)) >= (
            settings.AXES_ACCOUNT_FAILURE_LIMIT
        ):
            request.emps_account_locked = True
            return max(failures, get_failure_limit(request, credentials))
        return failures


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The French lock-out page, naming the tier that applies (this device, or the account everywhere)."""
    account_wide = getattr(request, "emps_account_locked", False)
    context = {
        "account_wide": account_wide,
        "failure_limit": settings.AXES_ACCOUNT_FAILURE_LIMIT
        if account_wide
        else get_failure_limit(request, credentials),
        "cooloff_timedelta": account_cool_off() if account_wide else get_cool_off(request),
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
