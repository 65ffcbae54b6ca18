"""Permission rules, as small named functions used by views and templates alike, and `@permission`.

Every view of the project starts with `@permission(rule)` naming the rule its users must pass,
except the few public ones, marked `@login_not_required` (log-in, health check, token API).
Which records a user may open is not a rule of this module: views fetch them through the user's
scoped querysets (`Youth.objects.visible_to(user)`), so a record outside the scope answers 404.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.decorators import method_decorator

from emps.enums import STAFF_ROLES
from emps.models import Team, User


def is_signed_in(user) -> bool:
    """Every signed-in account: the page shows the user's own account, or only what their scope holds."""
    return user.is_authenticated


def is_staff_member(user) -> bool:
    """Educators and coordinators work with personal data; funders and anonymous users do not."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def is_coordinator(user) -> bool:
    """Coordinators manage reference lists, imports, bilans and rights requests for their teams."""
    return user.is_authenticated and (user.is_superuser or user.role == "coordinator")


def is_administrator(user) -> bool:
    """Administrators (superusers and staff accounts) manage what several teams share: the reference
    lists, communes covered by several teams and their quartiers."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff)


def can_change_shared_territory(user, teams_concerned, own_teams) -> bool:
    """A commune or quartier that teams outside the user's own also use is changed by an administrator only.

    `teams_concerned` are the teams covering the commune; `own_teams` those the user acts for.
    """
    if is_administrator(user):
        return True
    own = {team.pk for team in own_teams}
    return all(team.pk in own for team in teams_concerned)


def can_read_reference_lists(user) -> bool:
    """Coordinators read the reference lists (and add quartiers to their communes); administrators manage them."""
    return is_coordinator(user) or is_administrator(user)


def can_manage_shared_lists(user) -> bool:
    """Domains, partners and their categories, origins, situations and end reasons are shared by every
    team and their bilans: renaming one rewrites every team's figures, so administrators manage them."""
    return is_administrator(user)


def is_funder(user) -> bool:
    """Funders see aggregates of their scope only, never a young person."""
    return user.is_authenticated and not user.is_superuser and user.role == "funder"


def can_view_dashboard(user) -> bool:
    """Funders (whose page says so when no team is attached to them yet), and the staff of a team."""
    return is_funder(user) or (user.is_authenticated and Team.objects.visible_to(user).exists())


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


def account_teams(account) -> list[Team]:
    """The teams an account belongs to: its own, and for a funder the teams covering its communes too."""
    teams = Team.objects.filter(pk__in=account.teams.values("pk"))
    if is_funder(account):
        covering = Team.communes.through.objects.filter(commune__in=account.communes.values("pk")).values("team")
        teams = Team.objects.filter(Q(pk__in=account.teams.values("pk")) | Q(pk__in=covering))
    return list(teams.order_by("name"))


def teams_of_accounts(accounts) -> dict[int, list[Team]]:
    """`account_teams` of several accounts at once (three queries, whatever their number), by account id."""
    accounts = list(accounts)
    found: dict[int, dict[int, Team]] = {account.pk: {} for account in accounts}
    for link in User.teams.through.objects.filter(user__in=found).select_related("team"):
        found[link.user_id][link.team_id] = link.team
    funders = [account.pk for account in accounts if is_funder(account)]
    funded = list(User.communes.through.objects.filter(user__in=funders).values_list("user_id", "commune_id"))
    covering: dict[int, list[Team]] = {}
    links = Team.communes.through.objects.filter(commune__in={commune for _user, commune in funded})
    for link in links.select_related("team"):
        covering.setdefault(link.commune_id, []).append(link.team)
    for user_id, commune_id in funded:
        found[user_id].update({team.pk: team for team in covering.get(commune_id, ())})
    return {pk: sorted(teams.values(), key=lambda t: t.name) for pk, teams in found.items()}


def can_manage_account(user, account, teams: list[Team] | None = None, *, own: set[int] | None = None) -> bool:
    """Deactivating an account, resetting its second factor, minting or revoking its API key: an administrator
    (superuser or staff), or a coordinator of every team of the account (`account_teams`, passed as `teams`
    when already read; the coordinator's team ids as `own` likewise), so that a coordinator never acts on a
    colleague or a funder that another team shares."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if not is_coordinator(user):
        return False
    teams = account_teams(account) if teams is None else teams
    own = set(user.teams.values_list("pk", flat=True)) if own is None else own
    return bool(teams) and {t.pk for t in teams} <= own


def permission(rule):
    """The view answers 403 to a user for whom `rule(user)` is false.

    Put it right above the view (a function or a class), with one of the rules above. Anonymous
    users never reach it: `LoginRequiredMiddleware` sends them to the log-in page first. The view
    keeps the rule in `permission_rule`, which tests/security/test_view_permissions.py checks.
    """

    def decorator(view):
        if isinstance(view, type):
            return method_decorator(decorator, name="dispatch")(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.permission_rule = rule
        return wrapper

    return decorator


def can_request_teams_bilan(user) -> bool:
    """The bilan PDF of several teams: a superuser, or a coordinator of more than one team."""
    return is_coordinator(user) and (user.is_superuser or user.teams.count() > 1)
