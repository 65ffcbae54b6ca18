"""Recording accesses to personal data in the append-only journal (CNIL: who, when, what; no values)."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.transaction import TransactionManagementError
from django.http import HttpRequest

from emps.models import AccessLog

Action = AccessLog.Action
# The `detail` of a consultation through an edit page (it shows the names it edits).
EDIT_PAGE = "page de modification"


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    request: HttpRequest | None = None,
    user=None,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    team=None,
    detail: str = "",
) -> AccessLog:
    """Append one entry. `obj` gives the object's type, id and team; never pass field values in `detail`."""
    if user is None and request is not None:
        user = request.user
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        team = team or getattr(obj, "team", None)
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        team=team,
        detail=detail[:200],
        ip_address=_client_ip(request),
    )


@contextmanager
def journal_maintenance(using: str = DEFAULT_DB_ALIAS):
    """Let the database's owner role rewrite the journal for a while (flush, restore_data).

    PostgreSQL's triggers (migration 0004) refuse UPDATE, DELETE and TRUNCATE of the journal unless the
    session sets `emps.journal_maintenance` and its role owns the table: for the application's role,
    which does not, this changes nothing. SQLite has no such triggers."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('emps.journal_maintenance', 'on', false)")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('emps.journal_maintenance', 'off', false)")
        except (DatabaseError, TransactionManagementError):
            # The transaction failed: its rollback undoes the setting made inside it.
            pass
