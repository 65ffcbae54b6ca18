"""Recording accesses to personal data in the append-only journal (CNIL: who, when, what; no values)."""

import ipaddress
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.transaction import TransactionManagementError
from django.http import HttpRequest

from emps.models import AccessLog

Action = AccessLog.Action
# The `detail` of a consultation through an edit page (it shows the names it edits).
EDIT_PAGE = "page de modification"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, for the journal and for django-axes (`AXES_CLIENT_IP_CALLABLE`) alike.

    Directly exposed, the peer's address. Behind the TLS proxy (`BEHIND_TLS_PROXY`), the entry the
    trusted proxies appended to X-Forwarded-For, read from the right: `TRUSTED_PROXY_COUNT` entries
    back. Entries further left were written by the client and are never believed; a malformed or
    missing entry falls back to the peer's address (the proxy's), never to a client's claim.
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_TLS_PROXY", False):
        return peer
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    if len(hops) < count or not hops[-count]:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return peer


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
        ip_address=client_ip(request),
    )


def log_shared_change(
    *,
    request: HttpRequest | None = None,
    user=None,
    action: str,
    obj,
    teams,
    detail: str = "",
) -> list[AccessLog]:
    """A change to data several teams share (a reference list, a quartier): one line per team concerned,
    so that each team's journal shows it; a single line without team when no team is concerned yet."""
    teams = list(teams) or [None]
    return [log_access(request=request, user=user, action=action, obj=obj, team=team, detail=detail) for team in teams]


def changed_fields(form) -> str:
    """The fields a model form changed, by their French names (never their values): « libellé, actif »."""
    model_fields = {field.name: field for field in form._meta.model._meta.get_fields()}
    names = [
        str(getattr(model_fields.get(name), "verbose_name", form.fields[name].label)) for name in form.changed_data
    ]
    return ", ".join(names) or "aucun champ"


@contextmanager
def journal_maintenance(using: str = DEFAULT_DB_ALIAS):
    """Let the database's owner role rewrite the journal for a while (flush, restore_data).

    PostgreSQL's triggers (migration 0005) refuse UPDATE, DELETE and TRUNCATE of the journal unless the
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
