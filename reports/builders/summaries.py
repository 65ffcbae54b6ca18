"""Counts over a period read from the summaries of the interventions that the database keeps.

`actions.models.YouthYear` holds, for each youth and calendar year, the dates of their first and last
interventions and how many; `YouthYearDomain` the same for each domain; `InterventionMonth` the
interventions of each team and month. `actions.summaries` writes them from the interventions and brings
them up to date before each reading here (`summaries_up_to_date`), so no figure here can be stale.

A youth-year row and a period [start, end] (bounds included) relate in one of three ways:
- none of the row's interventions can be in the period: first_on > end or last_on < start;
- all of them are: start ≤ first_on and last_on ≤ end (a "whole" row: its figures count as they are);
- some may be: the row's dates straddle a bound of the period. Its interventions in the period are counted
  from the interventions themselves (an index range of one youth), between the row's own first and last
  dates so that another year's interventions are not counted twice.
The usual periods of the funders' dashboard (1 January to today, last year, the last twelve months) and
a bilan of whole years have whole rows only, or a few at the bounds.

`TeamYear` and `TeamYearDomain` sum those rows per team and year (and domain). When a period lies inside
one calendar year and no team of a whole-team scope had an intervention that year outside it (a whole
year; 1 January to today), every row of the year is whole: the totals add up a row per team (and
domain) instead of one per youth.
"""

import datetime

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from actions.models import (
    Intervention,
    InterventionDomain,
    InterventionMonth,
    TeamYear,
    TeamYearDomain,
    YouthYear,
    YouthYearDomain,
)
from actions.summaries import summaries_up_to_date
from emps.expressions import MonthStart
from reports.builders.sql import fetch_over
from reports.builders.types import Scope


def _rows_touching(model, scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet:
    """Youth-year rows of the scope whose dates overlap the period: each may have interventions in it."""
    rows = model.objects.filter(
        team__in=scope.team_ids, year__gte=start.year, year__lte=end.year, first_on__lte=end, last_on__gte=start
    )
    if scope.communes is not None:
        rows = rows.filter(youth__commune__in=scope.commune_ids)
    return rows.order_by()


def _whole(start: datetime.date, end: datetime.date) -> Q:
    return Q(first_on__gte=start, last_on__lte=end)


def youths_with_interventions(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet:
    """The ids of the scope's youths with at least one intervention in the period (a subquery).

    A row with a date in the period qualifies at once; only a row whose dates lie on both sides of the
    period is checked against the interventions.
    """
    summaries_up_to_date()
    in_period = Intervention.objects.filter(youth=OuterRef("youth"), date__gte=start, date__lte=end)
    return (
        _rows_touching(YouthYear, scope, start, end)
        .filter(Q(first_on__gte=start) | Q(last_on__lte=end) | Exists(in_period))
        .values("youth")
    )


def _in_period(model, source, figure: str, scope: Scope, start: datetime.date, end: datetime.date, *keys: str):
    """Rows touching the period with `n`, their interventions in it: the row's figure for a whole row, else
    a count of the source rows of the same youth (and domain) between the period's bounds and the row's
    dates. `n` is 0 for a row whose interventions all fall outside the period."""
    matching = {"youth": OuterRef("youth"), **{key: OuterRef(key) for key in keys}}
    counted = (
        source.objects.filter(date__gte=start, date__lte=end, **matching)
        .filter(date__gte=OuterRef("first_on"), date__lte=OuterRef("last_on"))
        .order_by()
        .values("youth")
        .annotate(c=Count("*"))
        .values("c")
    )
    n = Case(
        When(_whole(start, end), then=F(figure)),
        default=Coalesce(Subquery(counted), 0),
        output_field=IntegerField(),
    )
    return _rows_touching(model, scope, start, end).annotate(n=n).values(*keys, "youth", "n")


def year_is_inside(scope: Scope, start: datetime.date, end: datetime.date) -> bool:
    """Whether every youth-year row of the scope's year lies inside the period: a scope of whole teams, a
    period inside one calendar year, and no intervention of these teams that year before or after it."""
    if scope.communes is not None or start.year != end.year:
        return False
    year_start, year_end = datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if start == year_start and end == year_end:
        return True
    outside = Q(date__gte=year_start, date__lt=start) | Q(date__gt=end, date__lte=year_end)
    return not Intervention.objects.filter(outside, team__in=scope.team_ids).exists()


def intervention_totals(
    scope: Scope, start: datetime.date, end: datetime.date, *, inside: bool | None = None
) -> tuple[int, int]:
    """(interventions, distinct youths with one) in the period; `inside`: `year_is_inside`, if known."""
    summaries_up_to_date()
    if year_is_inside(scope, start, end) if inside is None else inside:
        sums = TeamYear.objects.filter(team__in=scope.team_ids, year=start.year).aggregate(
            interventions=Sum("interventions"), youths=Sum("youths")
        )
        return sums["interventions"] or 0, sums["youths"] or 0
    rows = _in_period(YouthYear, Intervention, "interventions", scope, start, end)
    q = connection.ops.quote_name
    youths = "COUNT(*)" if start.year == end.year else f"COUNT(DISTINCT {q('youth')})"  # one row a youth and year
    ((interventions, count),) = fetch_over(rows, f"SELECT SUM({q('n')}), {youths} FROM ({{rows}}) r WHERE {q('n')} > 0")
    return int(interventions or 0), count  # PostgreSQL's SUM of integers is a numeric: a Decimal


def domain_totals(
    scope: Scope, start: datetime.date, end: datetime.date, *, inside: bool | None = None
) -> dict[int, tuple[int, int]]:
    """{domain id: (interventions tagged with it, distinct youths)} in the period; `inside` as above."""
    summaries_up_to_date()
    if year_is_inside(scope, start, end) if inside is None else inside:
        sums = (
            TeamYearDomain.objects.filter(team__in=scope.team_ids, year=start.year)
            .values("domain")
            .annotate(total=Sum("tags"), youths=Sum("youths"))
            .values_list("domain", "total", "youths")
            .order_by()
        )
        return {pk: (int(total), int(youths)) for pk, total, youths in sums}
    rows = _in_period(YouthYearDomain, InterventionDomain, "tags", scope, start, end, "domain")
    q = connection.ops.quote_name
    domain, youth, n = q("domain"), q("youth"), q("n")
    if start.year == end.year:  # one row a youth, domain and year: count them
        statement = f"SELECT {domain}, SUM({n}), COUNT(*) FROM ({{rows}}) r WHERE {n} > 0 GROUP BY {domain}"
    else:  # a youth's rows of several years: one per youth first
        statement = (
            f"SELECT {domain}, SUM({n}), COUNT(*) FROM (SELECT {domain}, {youth}, SUM({n}) AS {n} FROM ({{rows}}) r "
            f"WHERE {n} > 0 GROUP BY {domain}, {youth}) per_youth GROUP BY {domain}"
        )
    return {pk: (int(total), youths) for pk, total, youths in fetch_over(rows, statement)}


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def whole_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """(first day of the first, first day of the last) of the months wholly inside the period, if any."""
    first = start if start.day == 1 else _month_end(start) + datetime.timedelta(days=1)
    last = end if end == _month_end(end) else end.replace(day=1) - datetime.timedelta(days=1)
    last = last.replace(day=1)
    return (first, last) if first <= last else None


def monthly_interventions(scope: Scope, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """{first day of a month: interventions} of a scope of whole teams (no commune) in the period: the months
    wholly inside it from the teams' monthly counts, the days of a month cut by a bound from the interventions.
    """
    summaries_up_to_date()
    if scope.communes is not None:
        raise ValueError("Monthly counts are kept per team: a commune's scope counts its interventions.")
    counts: dict[datetime.date, int] = {}
    months = whole_months(start, end)
    edges = Q(date__gte=start, date__lte=end)
    if months is not None:
        rows = InterventionMonth.objects.filter(team__in=scope.team_ids, month__gte=months[0], month__lte=months[1])
        counts |= dict(rows.values("month").annotate(n=Sum("interventions")).values_list("month", "n").order_by())
        edges &= Q(date__lt=months[0]) | Q(date__gt=_month_end(months[1]))
    cut = (
        Intervention.objects.filter(edges, team__in=scope.team_ids)
        .annotate(month=MonthStart("date"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    for month, n in cut:
        counts[month] = counts.get(month, 0) + n
    return counts
