"""Recording accesses to personal data in the append-only journal (CNIL: who, when, what; no values)."""

from django.http import HttpRequest

from emps.models import AccessLog

Action = AccessLog.Action


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
