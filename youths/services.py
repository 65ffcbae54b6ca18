"""Writes that touch several youth records. Keyword-only, typed, atomic."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from youths.enums import Level
from youths.models import EndReason, Situation, SituationRecord, SupportEpisode, Youth


@transaction.atomic
def youth_create(
    *,
    youth: Youth,
    level: str = Level.ACCROCHE,
    situation: Situation | None = None,
    by=None,
) -> Youth:
    """Save a new youth and open their first support episode on the day of the first meeting, at any level: a
    youth referred by a partner starts in ASEP or PAEI on that day (the level of the period, `youths.rules.LEVEL`,
    is then theirs from the first meeting on)."""
    if level not in Level.values:
        raise ValidationError(_("Niveau d'accompagnement inconnu : « %(level)s ».") % {"level": level})
    # The outbox's key is checked by its constraint on insert (emps.outbox.record_once), not here.
    youth.full_clean(exclude=["client_key", *([] if youth.reference else ["reference"])])
    youth.save()
    SupportEpisode.objects.create(youth=youth, level=level, started_on=youth.first_met_on, created_by=by)
    if situation is not None:
        SituationRecord.objects.create(youth=youth, situation=situation, started_on=youth.first_met_on)
    return youth


@transaction.atomic
def youth_change_level(
    *,
    youth: Youth,
    level: str,
    on: datetime.date,
    reason: EndReason | None = None,
    by=None,
) -> SupportEpisode:
    """Close the open episode the day before `on` and open a new one at `level` from `on`."""
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    current = youth.episodes.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.level == level:
            raise ValidationError(_("Le jeune est déjà à ce niveau d'accompagnement."))
        if on <= current.started_on:
            raise ValidationError(
                _("Le nouveau niveau doit commencer après le début de l'accompagnement en cours (%(date)s).")
                % {"date": current.started_on.strftime("%d/%m/%Y")}
            )
        current.ended_on = on - datetime.timedelta(days=1)
        current.end_reason = reason
        current.save(update_fields=["ended_on", "end_reason"])
    episode = SupportEpisode(youth=youth, level=level, started_on=on, created_by=by)
    episode.full_clean()
    episode.save()
    return episode


@transaction.atomic
def youth_close_support(*, youth: Youth, on: datetime.date, reason: EndReason | None = None) -> None:
    """End the open support episode (the youth stops, as libre adhésion allows)."""
    current = youth.episodes.select_for_update().filter(ended_on__isnull=True).first()
    if current is None:
        raise ValidationError(_("Aucun accompagnement en cours."))
    if on < current.started_on:
        raise ValidationError(_("La fin d'un accompagnement ne peut précéder son début."))
    current.ended_on = on
    current.end_reason = reason
    current.save(update_fields=["ended_on", "end_reason"])


@transaction.atomic
def youth_set_situation(*, youth: Youth, situation: Situation, on: datetime.date) -> SituationRecord:
    """Record the youth's situation from `on` (replacing one recorded on the same day)."""
    record, _created = SituationRecord.objects.update_or_create(
        youth=youth, started_on=on, defaults={"situation": situation}
    )
    return record
