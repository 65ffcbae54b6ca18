"""Retention and anonymisation of youths' records (CNIL: at most 2 years after the last contact).

What anonymisation erases and what it keeps is declared field by field below, so that a field
added later cannot slip through: tests/privacy/test_anonymisation.py fails until every text or
date field of the youth and of the records hanging from it is classified.

The birth month, and why the bilans of past periods do not move
---------------------------------------------------------------
The bilan takes the age in completed years on the period's last day, the birth being the first
day of the birth month, or 1 July when only the year is known. Anonymisation reduces the birth
to the year. For a period that ends in December the age is then `end.year - birth_year` whatever
the month was (no month comes after December), so every annual bilan, and any period ending in
December such as the seed's "9 mai - 31 décembre 2023", gives exactly the same figures before
and after. For a period ending in another month, a youth born after that month (or in the second
half of the year) may move by one year of age: keeping the figures identical for every possible
period would require keeping the birth month itself, which is what anonymisation removes. The
choice is documented for the DPO in docs/dpo.md; published bilans are frozen anyway.
"""

import calendar
import dataclasses
import datetime
import re

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils import timezone

from actions.models import CollectiveAction, Intervention, YouthYear
from actions.summaries import summaries_up_to_date
from emps.journal import Action, log_access
from emps.models import AccessLog
from youths.models import SituationRecord, SupportEpisode, Youth, YouthYearFacts

# Stored, not displayed through gettext: the record keeps a neutral first name.
ANONYMOUS_FIRST_NAME = "Anonyme"

# Youth fields erased by anonymisation, with the value they take.
YOUTH_ERASED_FIELDS = {
    "first_name": ANONYMOUS_FIRST_NAME,
    "last_name": "",
    "reference": "",
    "birth_month": None,
    "informed_on": None,
}
# Youth fields kept: statistical (they make the bilans) or technical, none identifying on its own.
YOUTH_KEPT_FIELDS = {
    "id",
    "team",
    "sex",
    "birth_year",
    "age_is_estimated",
    "commune",
    "quartier",
    "origin",
    "origin_partner",
    "referent",
    "first_met_on",
    "anonymised_at",
    "version",
    "created_at",
    "updated_at",
}
# Free texts of the interventions, erased; everything else of an intervention is statistical.
INTERVENTION_ERASED_FIELDS = {"note": ""}
INTERVENTION_KEPT_FIELDS = {
    "id",
    "youth",
    "date",
    "team",  # the youth's team, copied for the counts
    "kind",
    "author",
    "version",
    "created_at",
    "updated_at",
}
# Record-keeping timestamps of the youth, its interventions and their change history: kept to the month only
# (the day and hour of each writing would date the contacts). The dates the bilans count (first meeting,
# interventions, episodes, situations) stay exact, so that the figures of past periods do not change.
COARSENED_TIMESTAMPS = ("created_at", "updated_at")
# Stored, not displayed through gettext: what replaces the youth's names in the texts of the team's actions.
ANONYMISED_MENTION = "[anonyme]"
# Models that point at a youth, and what anonymisation does with them. Episodes and situations are
# kept as they are (dates, level, situation: the bilan's breakdowns); the participation in a
# collective action is kept (the action describes the team's work, not the youth).
YOUTH_RELATED_MODELS = {
    SupportEpisode: "kept",
    SituationRecord: "kept",
    YouthYearFacts: "rewritten from the anonymised youth by the summaries (what the yearly counts read)",
    Intervention: "free texts erased",
    CollectiveAction: "participation kept, the youth's names scrubbed from its title and description",
}


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the last day of the month when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: datetime.date, months: int) -> datetime.date:
    return months_before(day, -months)


def with_last_contact(queryset: QuerySet[Youth]) -> QuerySet[Youth]:
    """Annotate `last_contact`: the latest of the first meeting, an intervention, a collective action."""
    last_intervention = Intervention.objects.filter(youth=OuterRef("pk")).order_by("-date").values("date")[:1]
    last_action = CollectiveAction.objects.filter(participants=OuterRef("pk")).order_by("-date").values("date")[:1]
    return queryset.annotate(
        last_contact=Greatest(
            F("first_met_on"),
            Coalesce(Subquery(last_intervention, output_field=DateField()), F("first_met_on")),
            Coalesce(Subquery(last_action, output_field=DateField()), F("first_met_on")),
            output_field=DateField(),
        )
    )


def retention_cutoff(on: datetime.date) -> datetime.date:
    """A youth whose last contact is before this date is past the retention period on `on`."""
    return months_before(on, settings.EMPS_RETENTION_MONTHS)


def anonymisation_date(last_contact: datetime.date) -> datetime.date:
    """The first day on which a record with this last contact is due for anonymisation."""
    return months_after(last_contact, settings.EMPS_RETENTION_MONTHS) + datetime.timedelta(days=1)


# A record created less than this many months ago is never anonymised automatically, whatever its dates say:
# a mistyped year (« 0001 » for « 2025 ») is corrected, not purged the same night (issue 26, finding 9).
RECENT_RECORD_MONTHS = 1


def recent_records_since(on: datetime.date) -> datetime.datetime:
    """Records created from this moment on are too recent to be anonymised automatically on `on`."""
    first_day = months_before(on, RECENT_RECORD_MONTHS)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))


# The anonymisations page, and the coordinator's home, list the records due within this many days.
DUE_WITHIN_DAYS = 30


def youths_due_for_anonymisation(
    *, on: datetime.date, within_days: int = 0, queryset: QuerySet[Youth] | None = None
) -> QuerySet[Youth]:
    """Youths not yet anonymised whose retention period ends on `on` or in the `within_days` after."""
    queryset = Youth.objects.all() if queryset is None else queryset
    cutoff = retention_cutoff(on + datetime.timedelta(days=within_days))
    # Youths met, seen in an intervention or in a collective action since the cutoff are set aside first,
    # as sets (the interventions through their youth-year rows); the last contact, two lookups a youth,
    # is then computed for the few left rather than for every youth of a federation.
    summaries_up_to_date()
    seen_since = YouthYear.objects.filter(year__gte=cutoff.year, last_on__gte=cutoff).values("youth")
    participations = CollectiveAction.participants.through.objects
    in_action_since = participations.filter(collectiveaction__date__gte=cutoff).values("youth")
    candidates = (
        queryset.filter(anonymised_at__isnull=True, first_met_on__lt=cutoff)
        .exclude(created_at__gte=recent_records_since(on + datetime.timedelta(days=within_days)))
        .exclude(pk__in=seen_since)
        .exclude(pk__in=in_action_since)
    )
    return with_last_contact(candidates).filter(last_contact__lt=cutoff).order_by("last_contact", "pk")


@transaction.atomic
def youth_anonymise(*, youth: Youth, by=None, reason: str, request=None) -> Youth:
    """Erase what identifies a youth, keep the statistical fields, scrub the change history. Journaled.

    Idempotent: an anonymised youth is returned unchanged. The version is bumped, so that an edit
    form opened before the anonymisation cannot write the name back (see emps.locking).
    """
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.anonymised_at is not None:
        return youth
    names = _names_pattern(youth)
    for name, value in YOUTH_ERASED_FIELDS.items():
        setattr(youth, name, value)
    youth.anonymised_at = timezone.now()
    youth.version += 1
    youth._history_user = by if by is not None and by.is_authenticated else None
    youth.save()

    intervention_ids = list(youth.interventions.values_list("pk", flat=True))
    Intervention.objects.filter(pk__in=intervention_ids).update(version=F("version") + 1, **INTERVENTION_ERASED_FIELDS)

    # The change history and the admin's log keep old values and names: erase them there too.
    Youth.history.filter(id=youth.pk).update(history_change_reason=None, **YOUTH_ERASED_FIELDS)
    Intervention.history.filter(id__in=intervention_ids).update(
        history_change_reason=None, **INTERVENTION_ERASED_FIELDS
    )
    # Months in UTC, as the timestamps are stored: the same value on PostgreSQL and SQLite.
    to_the_month = {name: TruncMonth(name, tzinfo=datetime.UTC) for name in COARSENED_TIMESTAMPS}
    Youth.objects.filter(pk=youth.pk).update(**to_the_month)
    Intervention.objects.filter(pk__in=intervention_ids).update(**to_the_month)
    history_to_the_month = {name: TruncMonth(name, tzinfo=datetime.UTC) for name in ("created_at", "history_date")}
    Youth.history.filter(id=youth.pk).update(**history_to_the_month)
    Intervention.history.filter(id__in=intervention_ids).update(**history_to_the_month)
    if names is not None:
        _scrub_actions(youth, names)
    _scrub_admin_log(Youth, [youth.pk], str(youth))
    _scrub_admin_log(Intervention, intervention_ids, str(youth))
    for model in (SupportEpisode, SituationRecord):
        _scrub_admin_log(model, list(model.objects.filter(youth=youth).values_list("pk", flat=True)), str(youth))

    log_access(request=request, user=by, action=Action.ANONYMISE, obj=youth, detail=reason)
    return youth


def _names_pattern(youth: Youth) -> re.Pattern | None:
    """The youth's first name, last name and reference as whole words, whatever their case."""
    names = sorted({n.strip() for n in (youth.first_name, youth.last_name, youth.reference) if len(n.strip()) > 1})
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub_actions(youth: Youth, names: re.Pattern) -> None:
    """The titles and descriptions of the collective actions the youth took part in lose the youth's names."""
    actions = CollectiveAction.objects.filter(participants=youth).order_by("pk").select_for_update()
    for pk, title, description in actions.values_list("pk", "title", "description"):
        scrubbed = {"title": names.sub(ANONYMISED_MENTION, title)}
        scrubbed["description"] = names.sub(ANONYMISED_MENTION, description)
        if scrubbed != {"title": title, "description": description}:
            CollectiveAction.objects.filter(pk=pk).update(version=F("version") + 1, **scrubbed)


def _scrub_admin_log(model, pks, label: str) -> None:
    if not pks:
        return
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks]
    ).update(object_repr=label)


@dataclasses.dataclass
class PurgeReport:
    anonymised: list[int]
    journal_entries_deleted: int
    failed_login_records_deleted: int


def retention_purge(*, now: datetime.datetime, dry_run: bool = False) -> PurgeReport:
    """Anonymise every youth past retention and delete journal entries past theirs (idempotent)."""
    today = timezone.localdate(now)
    due = list(youths_due_for_anonymisation(on=today).values_list("pk", flat=True))
    journal_limit = journal_cutoff(now)
    if dry_run:
        return PurgeReport(
            anonymised=due,
            journal_entries_deleted=AccessLog.objects.filter(at__lt=journal_limit).count(),
            failed_login_records_deleted=_axes_records(journal_limit, count_only=True),
        )
    for pk in due:
        youth_anonymise(youth=Youth(pk=pk), reason="Durée de conservation dépassée (purge automatique)")
    with transaction.atomic():
        deleted = AccessLog.objects.purge_older_than(journal_limit)
        axes_deleted = _axes_records(journal_limit)
    return PurgeReport(anonymised=due, journal_entries_deleted=deleted, failed_login_records_deleted=axes_deleted)


def journal_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Journal entries older than this moment (same time, EMPS_JOURNAL_RETENTION_MONTHS earlier) are purged."""
    today = timezone.localdate(now)
    return now - (today - months_before(today, settings.EMPS_JOURNAL_RETENTION_MONTHS))


def _axes_records(limit: datetime.datetime, count_only: bool = False) -> int:
    """django-axes keeps its own records of log-ins (user names, IP addresses): same retention."""
    total = 0
    for model in (AccessAttempt, AccessFailureLog, AxesAccessLog):
        expired = model.objects.filter(attempt_time__lt=limit)
        total += expired.count() if count_only else expired.delete()[0]
    return total
