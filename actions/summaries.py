"""The summaries the bilan and the dashboards read, written by Django from the counting rules.

Summaries of the interventions: `InterventionMonth` (per team and month), `YouthYear` and `YouthYearDomain`
(per youth, calendar year and domain: first and last dates, how many), summed per team and year in
`TeamYear` and `TeamYearDomain`. Summaries of the youth tables: `youths.YouthYearFacts`, one row per youth
and calendar year in relation with the team (`actions.rules.IN_RELATION`) with the facts of that whole year
(`youths.rules`: the level over the year, the situation on 31 December, met for the first time that
year), counted per team and year in `youths.TeamYearFacts`.

Every row is computed here, with the ORM, from the same definitions the builders use for any period:
no rule is restated in SQL. The database only marks what changed: triggers (`actions.marks`) append a
`SummaryMark` (the youth, and for an intervention its team and date) for every write to the youths,
their episodes, situation records, interventions, domain tags and participations. Before reading a
summary, the builders bring it up to date (`summaries_up_to_date`): the marks are taken and deleted in
one statement, and the summaries of the marked youths and team-months are written again, in one
transaction, so no figure is ever stale. Writers only append marks: concurrent entries of one team no
longer update the same summary rows.

`summaries_differences` computes every summary from scratch, with the same functions, and compares: it
checks that every write path is marked (`manage.py rebuild_summaries --check`); `summaries_rebuild`
writes them all again.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Model, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from actions.models import (
    CollectiveAction,
    Intervention,
    InterventionDomain,
    InterventionMonth,
    SummaryMark,
    TeamYear,
    TeamYearDomain,
    YouthYear,
    YouthYearDomain,
)
from actions.rules import in_relation_during, taking_part_during
from youths.models import TEAM_YEAR_FACTS_KEYS, TeamYearFacts, Youth, YouthYearFacts
from youths.rules import is_new, level_during, situation_on

# A PostgreSQL advisory lock: one transaction at a time writes the summaries.
SUMMARIES_LOCK = 0x656D7073 + 1

# Youths written again per batch (SQLite takes at most 999 parameters in a statement).
BATCH = 500

# The columns that identify a TeamYearFacts row.
FACTS_COUNT_COLUMNS = tuple("team_id" if name == "team" else name for name in TEAM_YEAR_FACTS_KEYS)

YOUTH_FACTS = ("team_id", "sex", "origin_id", "birth_year", "birth_month", "commune_id", "quartier_id")

# For each summary: its model, the columns that identify a row, and its figures.
SUMMARIES: tuple[tuple[type[Model], tuple[str, ...], tuple[str, ...]], ...] = (
    (InterventionMonth, ("team_id", "month"), ("interventions",)),
    (YouthYear, ("youth_id", "year"), ("team_id", "first_on", "last_on", "interventions")),
    (YouthYearDomain, ("youth_id", "year", "domain_id"), ("team_id", "first_on", "last_on", "tags")),
    (TeamYear, ("team_id", "year"), ("youths", "interventions")),
    (TeamYearDomain, ("team_id", "year", "domain_id"), ("youths", "tags")),
    (YouthYearFacts, ("youth_id", "year"), ("level", "situation_id", "is_new", *YOUTH_FACTS)),
    (TeamYearFacts, FACTS_COUNT_COLUMNS, ("youths",)),
)


# --- The rows a summary must hold ---------------------------------------------------------------------


def _of_youths(queryset, youths: Collection[int] | None, field: str = "youth"):
    return queryset.all() if youths is None else queryset.filter(**{f"{field}__in": youths})


def youth_year_rows(youths: Collection[int] | None) -> list[dict]:
    """YouthYear's rows of `youths` (None: every youth): their interventions grouped by calendar year."""
    rows = (
        _of_youths(Intervention.objects.filter(team__isnull=False), youths)
        .values("youth_id", year=ExtractYear("date"))
        .annotate(team_key=Max("team"), first=Min("date"), last=Max("date"), n=Count("pk"))
        .order_by()
    )
    return [
        {"youth_id": row["youth_id"], "year": row["year"], "team_id": row["team_key"], "first_on": row["first"]}
        | {"last_on": row["last"], "interventions": row["n"]}
        for row in rows
    ]


def youth_year_domain_rows(youths: Collection[int] | None) -> list[dict]:
    """YouthYearDomain's rows of `youths`: their domain tags grouped by calendar year and domain."""
    rows = (
        _of_youths(InterventionDomain.objects.filter(team__isnull=False, youth__isnull=False), youths)
        .values("youth_id", "domain_id", year=ExtractYear("date"))
        .annotate(team_key=Max("team"), first=Min("date"), last=Max("date"), n=Count("pk"))
        .order_by()
    )
    return [
        {"youth_id": row["youth_id"], "year": row["year"], "domain_id": row["domain_id"], "team_id": row["team_key"]}
        | {"first_on": row["first"], "last_on": row["last"], "tags": row["n"]}
        for row in rows
    ]


def _candidate_years(youths: Collection[int] | None, youth_years: list[dict]) -> dict[int, set[int]]:
    """{year: youths} of the years each youth may be in relation with the team: the year first met, the
    years of an intervention, the years of a collective action taken part in."""
    years: dict[int, set[int]] = defaultdict(set)
    for pk, first_met_on in _of_youths(Youth.objects, youths, "pk").values_list("pk", "first_met_on"):
        years[first_met_on.year].add(pk)
    for row in youth_years:
        years[row["year"]].add(row["youth_id"])
    participations = _of_youths(CollectiveAction.participants.through.objects, youths)
    for pk, day in participations.values_list("youth", "collectiveaction__date"):
        years[day.year].add(pk)
    return years


def _batches(ids: Collection[int] | None) -> Iterator[Collection[int] | None]:
    if ids is None:
        yield None
        return
    ids = sorted(ids)
    for index in range(0, len(ids), BATCH):
        yield ids[index : index + BATCH]


def year_facts_rows(youths: Collection[int] | None, youth_years: list[dict]) -> list[dict]:
    """YouthYearFacts' rows of `youths`: for each calendar year in which a youth was in relation with the
    team, the facts of that year by the counting rules, and the youth's own."""
    rows = []
    for year, candidates in sorted(_candidate_years(youths, youth_years).items()):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        for batch in _batches(None if youths is None else candidates):
            facts = (
                _of_youths(Youth.objects, batch, "pk")
                .filter(
                    in_relation_during(
                        start,
                        end,
                        with_interventions=_of_youths(
                            Intervention.objects.filter(date__gte=start, date__lte=end), batch
                        ).values("youth"),
                        taking_part=_of_youths(taking_part_during(start, end), batch),
                    )
                )
                .annotate(
                    facts_level=level_during(start, end),
                    facts_situation=situation_on(end),
                    facts_new=is_new(start, end),
                )
                .values("pk", "facts_level", "facts_situation", "facts_new", *YOUTH_FACTS)
                .order_by()
            )
            for row in facts:
                rows.append(
                    {
                        "youth_id": row["pk"],
                        "year": year,
                        "level": row["facts_level"],
                        "situation_id": row["facts_situation"],
                        "is_new": bool(row["facts_new"]),
                        **{name: row[name] for name in YOUTH_FACTS},
                    }
                )
    return rows


def _of_team_years(queryset, teams: Collection[int] | None, years: Collection[int] | None):
    queryset = queryset.all()
    if teams is not None:
        queryset = queryset.filter(team__in=teams, year__in=years)
    return queryset


def team_year_rows(teams: Collection[int] | None, years: Collection[int] | None) -> list[dict]:
    """TeamYear's rows of the teams and years: their youths' YouthYear rows summed."""
    rows = (
        _of_team_years(YouthYear.objects, teams, years)
        .values("team_id", "year")
        .annotate(n=Count("pk"), total=Sum("interventions"))
        .order_by()
    )
    return [
        {"team_id": r["team_id"], "year": r["year"], "youths": r["n"], "interventions": int(r["total"])} for r in rows
    ]


def team_year_domain_rows(teams: Collection[int] | None, years: Collection[int] | None) -> list[dict]:
    """TeamYearDomain's rows of the teams and years: their youths' YouthYearDomain rows summed."""
    rows = (
        _of_team_years(YouthYearDomain.objects, teams, years)
        .values("team_id", "year", "domain_id")
        .annotate(n=Count("pk"), total=Sum("tags"))
        .order_by()
    )
    return [
        {
            "team_id": r["team_id"],
            "year": r["year"],
            "domain_id": r["domain_id"],
            "youths": r["n"],
            "tags": int(r["total"]),
        }
        for r in rows
    ]


# Each breakdown of TeamYearFacts and the facts it keeps (the other columns stay blank: "", 0, False).
BREAKDOWN_FACTS = {
    TeamYearFacts.Breakdown.LEVEL: ("level", "is_new"),
    TeamYearFacts.Breakdown.BIRTH: ("birth_year", "birth_month", "sex"),
    TeamYearFacts.Breakdown.ORIGIN: ("origin_key", "sex"),
    TeamYearFacts.Breakdown.SITUATION: ("situation_key", "sex"),
    TeamYearFacts.Breakdown.PLACE: ("commune_key", "quartier_key", "level"),
}
BLANK = {"level": "", "is_new": False, "sex": ""}


def team_year_facts_rows(facts_rows: list[dict]) -> list[dict]:
    """TeamYearFacts' rows: YouthYearFacts rows counted per team, year and breakdown."""
    counts: dict = defaultdict(int)
    for row in facts_rows:
        values = {
            "level": row["level"] or "",
            "is_new": bool(row["is_new"]),
            "birth_year": row["birth_year"] or 0,
            "birth_month": row["birth_month"] or 0,
            "sex": row["sex"],
            "origin_key": row["origin_id"] or 0,
            "situation_key": row["situation_id"] or 0,
            "commune_key": row["commune_id"],
            "quartier_key": row["quartier_id"] or 0,
        }
        for breakdown, kept in BREAKDOWN_FACTS.items():
            key = {name: values[name] if name in kept else BLANK.get(name, 0) for name in values}
            counts[(row["team_id"], row["year"], int(breakdown), *key.values())] += 1
    return [{**dict(zip(FACTS_COUNT_COLUMNS, key, strict=True)), "youths": n} for key, n in counts.items()]


def _facts_of_team_years(teams: Collection[int] | None, years: Collection[int] | None) -> list[dict]:
    columns = next(keys + figures for model, keys, figures in SUMMARIES if model is YouthYearFacts)
    return list(_of_team_years(YouthYearFacts.objects, teams, years).values(*columns))


def intervention_month_rows(months: dict[int, tuple[datetime.date, datetime.date]] | None) -> list[dict]:
    """InterventionMonth's rows: the interventions counted per team and month; `months`: {team: (first
    day, last day)} of the days to count (None: every team and day)."""
    interventions = Intervention.objects.filter(team__isnull=False)
    if months is not None:
        interventions = interventions.filter(
            _any(Q(team=team, date__gte=first, date__lte=last) for team, (first, last) in months.items())
        )
    rows = interventions.values("team_id", month=TruncMonth("date")).annotate(n=Count("pk")).order_by()
    return [{"team_id": row["team_id"], "month": row["month"], "interventions": row["n"]} for row in rows]


def _any(conditions) -> Q:
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


# --- Writing them ---------------------------------------------------------------------------------------


def _replace(model: type[Model], old, rows: list[dict]) -> int:
    old.delete()
    model.objects.bulk_create((model(**row) for row in rows), batch_size=2000)
    return len(rows)


def _month_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of `first`'s month and the last day of `last`'s."""
    following = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first.replace(day=1), following - datetime.timedelta(days=1)


def summaries_rewrite(
    *, youths: Collection[int] | None = None, months: dict[int, tuple[datetime.date, datetime.date]] | None = None
) -> dict[str, int]:
    """Write again the summaries of `youths` (ids; None: every youth and every team-month) and of the
    teams' days `months` ({team: (first day, last day)}), then the team-year sums of every team and year
    they touched. Returns the rows written per summary. The caller holds a transaction."""
    written: dict[str, int] = defaultdict(int)
    if youths is None:
        months = None
    elif months is not None and months:
        months = {team: _month_bounds(first, last) for team, (first, last) in months.items()}
    if months is None or months:
        old = InterventionMonth.objects.all()
        if months is not None:
            old = old.filter(
                _any(Q(team=team, month__gte=first, month__lte=last) for team, (first, last) in months.items())
            )
        written[InterventionMonth._meta.db_table] += _replace(InterventionMonth, old, intervention_month_rows(months))

    teams: set[int] = set()
    years: set[int] = set()
    facts: list[dict] = []
    for batch in _batches(youths):
        if batch is not None:
            for model in (YouthYear, YouthYearFacts):
                for team, year in model.objects.filter(youth__in=batch).values_list("team", "year").distinct():
                    teams.add(team)
                    years.add(year)
        youth_years = youth_year_rows(batch)
        batch_facts = year_facts_rows(batch, youth_years)
        for model, rows in (
            (YouthYear, youth_years),
            (YouthYearDomain, youth_year_domain_rows(batch)),
            (YouthYearFacts, batch_facts),
        ):
            written[model._meta.db_table] += _replace(model, _of_youths(model.objects, batch), rows)
            teams.update(row["team_id"] for row in rows)
            years.update(row["year"] for row in rows)
        facts.extend(batch_facts)

    if youths is None:
        teams_of, years_of = None, None
        team_facts = facts
    elif teams:
        teams_of, years_of = teams, years
        team_facts = _facts_of_team_years(teams, years)
    else:
        return dict(written)
    for model, rows in (
        (TeamYear, team_year_rows(teams_of, years_of)),
        (TeamYearDomain, team_year_domain_rows(teams_of, years_of)),
        (TeamYearFacts, team_year_facts_rows(team_facts)),
    ):
        written[model._meta.db_table] += _replace(model, _of_team_years(model.objects, teams_of, years_of), rows)
    return dict(written)


def _take_marks() -> tuple[set[int], dict[int, tuple[datetime.date, datetime.date]]]:
    """Delete every mark and return what they marked: the youths, and {team: (first, last day)}."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SummaryMark._meta.db_table} RETURNING youth_id, team_id, day")
        marks = cursor.fetchall()
    youths: set[int] = set()
    months: dict[int, tuple[datetime.date, datetime.date]] = {}
    for youth, team, day in marks:
        if youth is not None:
            youths.add(youth)
        if team is not None and day is not None:
            if isinstance(day, str):  # SQLite's raw cursor
                day = datetime.date.fromisoformat(day)
            first, last = months.get(team, (day, day))
            months[team] = (min(first, day), max(last, day))
    return youths, months


def _take_the_writers_turn() -> None:
    """Wait, until the transaction ends, for any other transaction writing the summaries (PostgreSQL; SQLite
    has one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARIES_LOCK])


def summaries_bring_up_to_date() -> dict[str, int]:
    """Write again the summaries of everything marked since the last time; one query when nothing is."""
    if not SummaryMark.objects.exists():
        return {}
    with transaction.atomic():
        _take_the_writers_turn()
        youths, months = _take_marks()
        if not youths and not months:
            return {}
        return summaries_rewrite(youths=youths, months=months)


_up_to_date: ContextVar[bool] = ContextVar("summaries_up_to_date", default=False)


def summaries_up_to_date() -> None:
    """Bring the summaries up to date before reading them, unless the current build already has."""
    if not _up_to_date.get():
        summaries_bring_up_to_date()


@contextmanager
def summaries_read() -> Iterator[None]:
    """Within the block (one build of a bilan or a dashboard), the summaries are brought up to date once,
    on entering it."""
    if _up_to_date.get():
        yield
        return
    summaries_bring_up_to_date()
    token = _up_to_date.set(True)
    try:
        yield
    finally:
        _up_to_date.reset(token)


# --- Checking and rebuilding ------------------------------------------------------------------------------


def _every_expected_rows() -> Iterator[tuple[type[Model], tuple[str, ...], list[dict]]]:
    """(model, its columns, the rows it must hold) for each summary, computed from scratch."""
    youth_years = youth_year_rows(None)
    facts = year_facts_rows(None, youth_years)
    expected = {
        InterventionMonth: intervention_month_rows(None),
        YouthYear: youth_years,
        YouthYearDomain: youth_year_domain_rows(None),
        YouthYearFacts: facts,
        TeamYearFacts: team_year_facts_rows(facts),
    }
    # The team-year sums of the expected youth-year rows, not of the tables as they stand.
    for model, source, figure in ((TeamYear, youth_years, "interventions"), (TeamYearDomain, None, "tags")):
        rows = expected[YouthYearDomain] if source is None else source
        sums: dict = defaultdict(lambda: [0, 0])
        keys = ("team_id", "year") if model is TeamYear else ("team_id", "year", "domain_id")
        for row in rows:
            total = sums[tuple(row[key] for key in keys)]
            total[0] += 1
            total[1] += row[figure]
        expected[model] = [
            {**dict(zip(keys, key, strict=True)), "youths": n, figure: f} for key, (n, f) in sums.items()
        ]
    for model, keys, figures in SUMMARIES:
        yield model, keys + figures, expected[model]


def _as_set(rows, columns: tuple[str, ...]) -> set[tuple]:
    return {tuple(int(row[name]) if isinstance(row[name], bool) else row[name] for name in columns) for row in rows}


def summaries_differences() -> dict[str, tuple[int, int]]:
    """{summary: (rows missing, rows wrong or extra)} for each summary that differs from its sources once
    the marked writes are brought up to date; empty when every summary is exact."""
    summaries_bring_up_to_date()
    differences = {}
    for model, columns, rows in _every_expected_rows():
        expected = _as_set(rows, columns)
        found = _as_set(model.objects.values(*columns), columns)
        if expected != found:
            differences[model._meta.db_table] = (len(expected - found), len(found - expected))
    return differences


@transaction.atomic
def summaries_rebuild() -> dict[str, int]:
    """Write every summary again from its sources; return the rows of each."""
    _take_the_writers_turn()
    SummaryMark.objects.all().delete()
    written = summaries_rewrite(youths=None)
    return {model._meta.db_table: written.get(model._meta.db_table, 0) for model, _keys, _figures in SUMMARIES}
