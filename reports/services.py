"""Writes of the bilan's own records that touch several rows."""

from django.db import transaction

from actions.enums import ActionStatus
from actions.models import CollectiveAction
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


@transaction.atomic
def perspective_create(
    *, team: Team, end, title: str, kind: str, theme, commune, quartier, month, partners, by
) -> CollectiveAction:
    """A perspective of the bilan ending on `end`: an action planned for `month`, not done (it counts in
    no figure until done)."""
    action = CollectiveAction.objects.create(
        team=team,
        title=title,
        kind=kind,
        theme=theme,
        commune=commune,
        quartier=quartier,
        date=month,
        planned_on=month,
        status=ActionStatus.PLANNED,
        announced_on=end,
        author=by,
    )
    action.partners.set(partners)
    return action


@transaction.atomic
def staff_save(*, team: Team, formset) -> None:
    """Write the team's posts from a valid formset, all or nothing: the new ones join `team`."""
    for form in formset.forms:
        if form in formset.deleted_forms:
            if form.instance.pk:
                form.instance.delete()
            continue
        if not form.has_changed():
            continue
        post = form.save(commit=False)
        post.team = team
        post.full_clean()
        post.save()
