"""Writes of the bilan's own records that touch several rows."""

from django.db import transaction

from emps.models import Team
from reports.models import FundingTarget


@transaction.atomic
def funding_targets_set(*, team: Team, year: int, targets: dict[str, int | None], by) -> None:
    """Set the year's targets of the team's funding agreement, all at once: a kind without a value has no
    target. Nothing is written when a value is refused (the transaction)."""
    for kind, value in targets.items():
        if value is None:
            FundingTarget.objects.filter(team=team, year=year, kind=kind).delete()
        else:
            FundingTarget.objects.update_or_create(
                team=team, year=year, kind=kind, defaults={"value": value, "updated_by": by}
            )
