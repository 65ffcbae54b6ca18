"""Writes of the reports area that touch several rows: the team's bilan settings, the funding agreement's
targets, the perspectives and the team's posts."""

from django.db import transaction

from actions.enums import ActionStatus
from actions.models import CollectiveAction
from emps.journal import Action, log_access
from emps.models import Team
from reports.logos import StoredLogo
from reports.models import BilanLogo, FinancialPartner, FundingTarget


def _logo_set(*, team: Team, partner: FinancialPartner | None, stored: StoredLogo | None, remove: bool, by) -> bool:
    """Replace, remove or keep one logo; whether it changed."""
    current = BilanLogo.objects.filter(team=team, financial_partner=partner).first()
    if stored is not None:
        logo = current or BilanLogo(team=team, financial_partner=partner)
        logo.png, logo.width, logo.height, logo.sha256 = stored.png, stored.width, stored.height, stored.sha256
        logo.updated_by = by
        logo.save()
        return True
    if remove and current is not None:
        current.delete()
        return True
    return False


@transaction.atomic
def team_settings_update(*, team_form, partner_formset, by, request=None) -> list[str]:
    """Save the team's names, its ordered financial partners and every logo, all or nothing.

    The forms are valid. Returns what changed (field names, no values), also written to the journal.
    """
    team = team_form.save()
    changed = [f"team.{name}" for name in team_form.changed_data if name in team_form.Meta.fields]
    data = team_form.cleaned_data
    if _logo_set(
        team=team, partner=None, stored=data["association_logo"], remove=data["remove_association_logo"], by=by
    ):
        changed.append("association_logo")
    for form in partner_formset.deleted_forms:
        if form.instance.pk:
            pk = form.instance.pk
            BilanLogo.objects.filter(financial_partner=form.instance).delete()
            form.instance.delete()
            changed.append(f"partner.{pk}.deleted")
    for form in partner_formset.forms:
        if form in partner_formset.deleted_forms or not form.has_changed() or not form.cleaned_data.get("name"):
            continue
        created = form.instance.pk is None
        partner = form.save(commit=False)
        partner.team = team
        partner.save()
        if created:
            changed.append(f"partner.{partner.pk}.created")
        elif set(form.changed_data) & {"name", "order"}:
            changed.append(f"partner.{partner.pk}.renamed_or_moved")
        if _logo_set(
            team=team, partner=partner, stored=form.cleaned_data["logo"], remove=form.cleaned_data["remove_logo"], by=by
        ):
            changed.append(f"partner.{partner.pk}.logo")
    if changed:
        log_access(
            request=request,
            user=by,
            action=Action.UPDATE,
            obj=team,
            team=team,
            detail=("réglages du bilan : " + ", ".join(changed))[:200],
        )
    return changed


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
