"""The counting rules about a youth over a period: each one executable definition beside the French text
that every bilan prints in its method section (`reports.rules.COUNTING_RULES`).

The bilan's builders, the funders' dashboards, the screens, the summaries the database keeps
(`actions.summaries`) and their consistency check (`manage.py rebuild_summaries --check`) all call these
definitions; none restates a rule. The period is a date range, bounds included.
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from emps.rules import Rule
from youths.enums import Level
from youths.models import SituationRecord, SupportEpisode

# --- Level ------------------------------------------------------------------------------------------

LEVEL = Rule(
    _("Niveau d'accompagnement"),
    _(
        "Le plus élevé des accompagnements qui chevauchent la période (PAEI, puis ASEP, puis en accroche) ; "
        "à défaut, celui du dernier accompagnement commencé avant la fin de la période."
    ),
)


def _rank(field: str):
    """The rank of the level in `field` (accroche 0, ASEP 1, PAEI 2; -1 for anything else)."""
    return Case(
        *(When(**{field: value}, then=Value(Level.rank(value))) for value in Level.values),
        default=Value(-1),
        output_field=IntegerField(),
    )


def level_during(start: datetime.date, end: datetime.date, *, youth: str = "pk"):
    """LEVEL: the level of the youth (the outer query's `youth` column) over the period."""
    begun = SupportEpisode.objects.filter(youth=OuterRef(youth), started_on__lte=end)
    overlapping = (
        begun.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .annotate(rank=_rank("level"))
        .order_by("-rank", "-started_on")
        .values("level")[:1]
    )
    latest = begun.order_by("-started_on").values("level")[:1]
    return Coalesce(Subquery(overlapping), Subquery(latest), output_field=CharField())


# --- Situation ----------------------------------------------------------------------------------------

SITUATION = Rule(
    _("Situation, sexe et origine"),
    _(
        "La situation est celle en vigueur au dernier jour de la période (à défaut, la première enregistrée). "
        "Le sexe et l'origine de la rencontre sont ceux de la fiche. Une ligne « Non renseigné » apparaît "
        "quand des jeunes n'ont pas la valeur."
    ),
)


def situation_on(end: datetime.date, *, youth: str = "pk"):
    """SITUATION: the situation in force on `end`, the latest recorded on or before it, else the earliest."""
    records = SituationRecord.objects.filter(youth=OuterRef(youth))
    in_force = records.filter(started_on__lte=end).order_by("-started_on").values("situation")[:1]
    earliest = records.order_by("started_on").values("situation")[:1]
    return Coalesce(Subquery(in_force), Subquery(earliest), output_field=IntegerField())


# --- Age ------------------------------------------------------------------------------------------------

AGE = Rule(
    _("Âge"),
    _(
        "Âge en années révolues au dernier jour de la période, la naissance étant fixée au 1er du mois de "
        "naissance (au 1er juillet quand seule l'année est connue). Moyennes arrondies au dixième, au plus "
        "proche, la moitié vers le haut."
    ),
)

MONTH_UNKNOWN = 7  # the birth month taken when only the year is known: born on 1 July


def age_on(birth_year: int | None, birth_month: int | None, day: datetime.date) -> int | None:
    """AGE of one youth on `day`, for the screens; None when the birth year is unknown.

    Born on the 1st of the month, the birthday is reached on any day of the birth month: the age is the
    difference of the years, less one while the birth month is still to come.
    """
    if not birth_year:
        return None
    return day.year - birth_year - ((birth_month or MONTH_UNKNOWN) > day.month)


BIRTH_MONTH_NOT_RECORDED = Q(birth_month__isnull=True)


def age_at(end: datetime.date, *, month_unknown: Q = BIRTH_MONTH_NOT_RECORDED):
    """AGE on `end` as a database expression over `birth_year` and `birth_month` (`age_on`'s formula);
    `month_unknown` tells a birth month not recorded (NULL on the youths, 0 on `TeamYearFacts`)."""
    birthday_to_come = Q(birth_month__gt=end.month)
    if end.month < MONTH_UNKNOWN:
        birthday_to_come |= month_unknown
    return Case(
        When(birthday_to_come, then=Value(end.year - 1) - F("birth_year")),
        default=Value(end.year) - F("birth_year"),
        output_field=IntegerField(),
    )


# --- Met for the first time -----------------------------------------------------------------------------

NEW = Rule(
    _("Nouveaux"),
    _(
        "Un jeune est nouveau dans la période quand sa première rencontre avec l'équipe y a eu lieu ; les "
        "autres jeunes en relation pendant la période étaient déjà connus."
    ),
)


def first_met_during(start: datetime.date, end: datetime.date) -> Q:
    """NEW: met for the first time in the period (the public table's new youths, the monthly new youths)."""
    return Q(first_met_on__gte=start, first_met_on__lte=end)


def is_new(start: datetime.date, end: datetime.date):
    """`first_met_during` as a boolean column."""
    return ExpressionWrapper(first_met_during(start, end), output_field=BooleanField())
