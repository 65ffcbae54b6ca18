"""Writes of the reports area that touch several rows: the team's bilan settings."""

from django.db import transaction

from emps.journal import Action, log_access
from emps.models import Team
from reports.logos import StoredLogo
from reports.models import BilanLogo, FinancialPartner


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
