"""An independent computation of a period's figures, by the counting rules of DOMAIN.md.

Used to prove that anonymisation and a backup round trip leave the bilans of past periods
unchanged. The real bilan builders are added to the comparison by appending them to
`EXTRA_FIGURE_BUILDERS` (each is called with team, start and end, and must return a value
comparable with ==, e.g. `dataclasses.asdict(...)` of the bilan).
"""

import collections
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from actions.models import Intervention
from youths.enums import Level
from youths.models import Youth


def bilan_figures(*, team, start, end):
    """Every figure of the real bilan (reports.builders), as plain data."""
    from reports.builders import Scope, build_bilan, to_plain

    return to_plain(build_bilan(scope=Scope.for_team(team), start=start, end=end))


EXTRA_FIGURE_BUILDERS: list = [bilan_figures]

BRACKETS = [(6, 9), (10, 11), (12, 15), (16, 17), (18, 20), (21, 24)]


def age_on(youth: Youth, day: datetime.date) -> int | None:
    """Completed years on `day`; the birth is the first day of the birth month, 1 July without a month."""
    if youth.birth_year is None:
        return None
    birth = datetime.date(youth.birth_year, youth.birth_month or 7, 1)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def bracket(age: int | None) -> str:
    if age is None:
        return "Âge inconnu"
    for low, high in BRACKETS:
        if low <= age <= high:
            return f"{low} - {high} ans"
    return "Hors tranches"


def _level(youth: Youth, start: datetime.date, end: datetime.date) -> str | None:
    episodes = list(youth.episodes.all())
    overlapping = [e for e in episodes if e.started_on <= end and (e.ended_on is None or e.ended_on >= start)]
    if overlapping:
        return max((e.level for e in overlapping), key=Level.rank)
    begun = [e for e in episodes if e.started_on <= end]
    return max(begun, key=lambda e: e.started_on).level if begun else None


def _situation(youth: Youth, end: datetime.date) -> str | None:
    records = [s for s in youth.situations.all() if s.started_on <= end]
    return max(records, key=lambda s: s.started_on).situation.code if records else None


def period_figures(*, team, start: datetime.date, end: datetime.date) -> dict:
    youths = list(
        Youth.objects.filter(team=team)
        .filter(
            Q(first_met_on__range=(start, end))
            | Q(interventions__date__range=(start, end))
            | Q(actions__date__range=(start, end))
        )
        .distinct()
        .select_related("origin", "quartier")
        .prefetch_related("episodes", "situations__situation")
        .order_by("pk")
    )
    by = collections.defaultdict(collections.Counter)
    ages = collections.defaultdict(list)
    for youth in youths:
        age = age_on(youth, end)
        by["age"][(bracket(age), youth.sex)] += 1
        by["sex"][youth.sex] += 1
        by["origin"][(youth.origin.code if youth.origin else None, youth.sex)] += 1
        by["level"][_level(youth, start, end)] += 1
        by["situation"][(_situation(youth, end), youth.sex)] += 1
        by["qpv"][bool(youth.quartier and youth.quartier.is_qpv)] += 1
        if age is not None:
            ages[youth.sex].append(age)
    domains = (
        Intervention.objects.filter(youth__team=team, date__range=(start, end))
        .values("domains__code")
        .annotate(total=Count("pk"), youths=Count("youth", distinct=True))
        .order_by("domains__code")
    )
    figures = {
        "youths": len(youths),
        **{name: dict(counter) for name, counter in by.items()},
        "average_age": {
            sex: str((Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP))
            for sex, values in ages.items()
        },
        "domains": {row["domains__code"]: (row["total"], row["youths"]) for row in domains},
    }
    for builder in EXTRA_FIGURE_BUILDERS:
        figures[getattr(builder, "__name__", repr(builder))] = builder(team=team, start=start, end=end)
    return figures
