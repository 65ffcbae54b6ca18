"""Journal lines about an account that several teams share: one line in the journal of each team concerned."""

from django.http import HttpRequest

from emps.journal import log_access
from emps.models import Team


def log_account_action(
    *, request: HttpRequest, action: str, account, teams: list[Team], detail: str, obj=None, object_type: str = ""
) -> None:
    """One line per team of `account` (`emps.permissions.account_teams`), each naming every team concerned,
    so that no team's journal misses what was done to an account it shares; one line without team when the
    account has none."""
    names = ", ".join(team.name for team in teams)
    text = f"{detail} (équipes : {names})" if names else detail
    for team in teams or [None]:
        log_access(
            request=request,
            action=action,
            obj=obj if obj is not None else account,
            object_type=object_type,
            team=team,
            detail=text,
        )
