"""Permission rules, as small named functions used by views and templates alike."""

from django.core.exceptions import PermissionDenied

from emps.enums import STAFF_ROLES


def is_staff_member(user) -> bool:
    """Educators and coordinators work with personal data; funders and anonymous users do not."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def is_coordinator(user) -> bool:
    """Coordinators manage reference lists, imports, bilans and rights requests for their teams."""
    return user.is_authenticated and (user.is_superuser or user.role == "coordinator")


def is_funder(user) -> bool:
    """Funders see aggregates of their scope only, never a young person."""
    return user.is_authenticated and not user.is_superuser and user.role == "funder"


def can_view_personal_data(user, youth=None) -> bool:
    """Whether the user may see youths' identities (and this youth's, when given)."""
    if not is_staff_member(user):
        return False
    if youth is None or user.is_superuser:
        return True
    return user.teams.filter(pk=youth.team_id).exists()


def can_edit_record(user, record) -> bool:
    """Interventions, sessions and actions are edited by their author and by coordinators."""
    if is_coordinator(user):
        return True
    return is_staff_member(user) and getattr(record, "author_id", None) == user.pk


def require_staff(user):
    if not is_staff_member(user):
        raise PermissionDenied


def require_coordinator(user):
    if not is_coordinator(user):
        raise PermissionDenied
