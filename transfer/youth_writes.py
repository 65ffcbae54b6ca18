"""The writes behind a row of the « jeunes » file: a new youth, or the changes of an existing one.

Called by the youths' import resource (transfer.resources.youths) row by row.
"""

import datetime

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from youths.enums import Level
from youths.models import EndReason, Situation, SituationRecord, SupportEpisode, Youth
from youths.services import youth_change_level, youth_close_support, youth_set_situation

BATCH_SIZE = 1000

LEVEL_CHANGE_REASON = "changement-niveau"


@transaction.atomic
def youths_create_from_import(*, youths: list[Youth], by=None) -> None:
    """New youths from import rows, validated by the import, written a thousand rows per query.

    Each gets what `youth_create` gives one youth: a support episode from the first meeting at the row's
    level (accroche when blank), closed on the row's end date if it has one, the row's situation from the
    first meeting, and a creation line in its history. The cost per youth stays flat, whatever the file's
    length: no query, savepoint or history write per youth.
    """
    bulk_create_with_history(youths, Youth, batch_size=BATCH_SIZE, default_user=by)
    SupportEpisode.objects.bulk_create(
        [
            SupportEpisode(
                youth=youth,
                level=getattr(youth, "import_level", "") or Level.ACCROCHE,
                started_on=youth.first_met_on,
                ended_on=getattr(youth, "import_end", None),
                created_by=by,
            )
            for youth in youths
        ],
        batch_size=BATCH_SIZE,
    )
    SituationRecord.objects.bulk_create(
        [
            SituationRecord(youth=youth, situation=youth.import_situation, started_on=youth.first_met_on)
            for youth in youths
            if getattr(youth, "import_situation", None) is not None
        ],
        batch_size=BATCH_SIZE,
    )


@transaction.atomic
def youth_update_from_import(
    *,
    youth: Youth,
    on: datetime.date,
    by=None,
    fields: list[str] = (),
    level: str | None = None,
    ended_on: datetime.date | None = None,
    situation: Situation | None = None,
) -> None:
    """Apply a changed import row to an existing youth.

    A new level opens a new episode from `on` (the import day) through `youth_change_level`; a new
    situation is recorded from `on`; the identity fields are saved with the version bumped, so that
    a form opened before the import refuses to overwrite them.
    """
    if fields:
        Youth.objects.filter(pk=youth.pk).update(version=F("version") + 1)
        youth.save(update_fields=[*fields, "updated_at"])
        if "first_met_on" in fields:
            episodes = list(youth.episodes.order_by("started_on"))
            if len(episodes) == 1:
                episodes[0].started_on = youth.first_met_on
                episodes[0].full_clean()
                episodes[0].save(update_fields=["started_on"])
    if level:
        current = youth.episodes.filter(ended_on__isnull=True).first()
        if current is not None and current.started_on >= on:
            # Corrected on the day the episode began: the level of that episode was wrong.
            current.level = level
            current.save(update_fields=["level"])
        else:
            reason = EndReason.objects.filter(code=LEVEL_CHANGE_REASON).first()
            youth_change_level(youth=youth, level=level, on=on, reason=reason, by=by)
    if ended_on:
        latest = youth.episodes.order_by("-started_on").first()
        if latest is not None and latest.ended_on is None:
            youth_close_support(youth=youth, on=ended_on)
        elif latest is not None:
            latest.ended_on = ended_on
            latest.full_clean()
            latest.save(update_fields=["ended_on"])
    if situation:
        youth_set_situation(youth=youth, situation=situation, on=on)
