"""The summaries the database keeps, computed from scratch: those of the interventions (InterventionMonth,
YouthYear, YouthYearDomain: triggers of actions' migration 0008; their sums per team and year, TeamYear
and TeamYearDomain: 0009), each youth's latest episodes and situation record (YouthLatest: youths'
migration 0005) and the facts of each youth's years in relation with the team with their counts per team
and year (YouthYearFacts, TeamYearFacts: youths' 0006).

This module computes what they must hold from the youths, interventions, tags, episodes, records and
participations themselves,
to check them (`summaries_differences`) and to write them again (`summaries_rebuild`) after anything
that bypassed the triggers: on SQLite, a migration that rebuilds one of those tables drops its triggers.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Max, Min, Model
from django.db.models.functions import ExtractYear

from actions.models import (
    CollectiveAction,
    Intervention,
    InterventionDomain,
    InterventionMonth,
    TeamYear,
    TeamYearDomain,
    YouthYear,
    YouthYearDomain,
)
from emps.expressions import MonthStart
from youths.enums import Level
from youths.models import (
    TEAM_YEAR_FACTS_KEYS,
    SituationRecord,
    SupportEpisode,
    TeamYearFacts,
    Youth,
    YouthLatest,
    YouthYearFacts,
)

# The columns that identify a TeamYearFacts row.
FACTS_COUNT_COLUMNS = tuple("team_id" if name == "team" else name for name in TEAM_YEAR_FACTS_KEYS)

# For each summary: its model, the columns that identify a row, and its figures.
SUMMARIES: tuple[tuple[type[Model], tuple[str, ...], tuple[str, ...]], ...] = (
    (InterventionMonth, ("team_id", "month"), ("interventions",)),
    (YouthYear, ("youth_id", "year"), ("team_id", "first_on", "last_on", "interventions")),
    (YouthYearDomain, ("youth_id", "year", "domain_id"), ("team_id", "first_on", "last_on", "tags")),
    (TeamYear, ("team_id", "year"), ("youths", "interventions")),
    (TeamYearDomain, ("team_id", "year", "domain_id"), ("youths", "tags")),
    (
        YouthLatest,
        ("youth_id",),
        (
            "episode_level",
            "episode_started_on",
            "episode_ended_on",
            "previous_level",
            "previous_started_on",
            "previous_ended_on",
            "earlier_open",
            "earlier_last_end",
            "situation_id",
            "situation_started_on",
        ),
    ),
    (
        YouthYearFacts,
        ("youth_id", "year"),
        (
            "team_id",
            "level",
            "situation_id",
            "is_new",
            "sex",
            "origin_id",
            "birth_year",
            "birth_month",
            "commune_id",
            "quartier_id",
        ),
    ),
    (TeamYearFacts, FACTS_COUNT_COLUMNS, ("youths",)),
)


# Each team-year summary and the youth-year summary it sums, with the figure they share.
TEAM_YEAR_SOURCES = {TeamYear: (YouthYear, "interventions"), TeamYearDomain: (YouthYearDomain, "tags")}


def _team_year_rows(model: type[Model], source_rows: list[dict]) -> list[dict]:
    """TeamYear's (TeamYearDomain's) rows: the expected youth-year (and domain) rows summed per team and year."""
    figure = TEAM_YEAR_SOURCES[model][1]
    keys = next(keys for summary, keys, _figures in SUMMARIES if summary is model)
    sums: dict = defaultdict(lambda: [0, 0])
    for row in source_rows:
        total = sums[tuple(row[key] for key in keys)]
        total[0] += 1
        total[1] += row[figure]
    return [{**dict(zip(keys, key, strict=True)), "youths": n, figure: f} for key, (n, f) in sums.items()]


def _latest_rows() -> list[dict]:
    """YouthLatest's rows, from every episode and record (a youth with neither has no row)."""
    episodes = defaultdict(list)
    for youth, *episode in SupportEpisode.objects.values_list("youth", "started_on", "pk", "level", "ended_on"):
        episodes[youth].append(episode)
    situations = {}
    for youth, situation, started_on in SituationRecord.objects.order_by("youth", "started_on", "pk").values_list(
        "youth", "situation", "started_on"
    ):
        situations[youth] = (situation, started_on)  # the latest last
    rows = []
    for youth in episodes.keys() | situations.keys():
        latest, previous, *earlier = sorted(episodes[youth], reverse=True) + [None, None]
        earlier = [episode for episode in earlier if episode is not None]
        situation, situation_started_on = situations.get(youth, (None, None))
        ends = [ended_on for _started, _pk, _level, ended_on in earlier if ended_on is not None]
        rows.append(
            {
                "youth_id": youth,
                "episode_level": latest[2] if latest else None,
                "episode_started_on": latest[0] if latest else None,
                "episode_ended_on": latest[3] if latest else None,
                "previous_level": previous[2] if previous else None,
                "previous_started_on": previous[0] if previous else None,
                "previous_ended_on": previous[3] if previous else None,
                "earlier_open": sum(1 for *_episode, ended_on in earlier if ended_on is None),
                "earlier_last_end": max(ends, default=None),
                "situation_id": situation,
                "situation_started_on": situation_started_on,
            }
        )
    return rows


def _year_level(episodes: list[tuple], year: int) -> str | None:
    """The level rule over a calendar year, from a youth's (started_on, ended_on, level) episodes."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    begun = [episode for episode in episodes if episode[0] <= end]
    overlapping = [episode for episode in begun if episode[1] is None or episode[1] >= start]
    if overlapping:
        return max(overlapping, key=lambda episode: (Level.rank(episode[2]), episode[0]))[2]
    return max(begun)[2] if begun else None


def _year_situation(records: list[tuple], year: int) -> int | None:
    """The situation in force on 31 December of `year`, from a youth's sorted (started_on, situation) records."""
    in_force = [situation for started_on, situation in records if started_on <= datetime.date(year, 12, 31)]
    return in_force[-1] if in_force else (records[0][1] if records else None)


def _year_facts_rows() -> list[dict]:
    """YouthYearFacts' rows: a youth's years with a first meeting, an intervention or a participation."""
    fields = ("team_id", "sex", "origin_id", "birth_year", "birth_month", "commune_id", "quartier_id")
    youths = {row["pk"]: row for row in Youth.objects.values("pk", "first_met_on", *fields)}
    years = defaultdict(set)
    for pk, youth in youths.items():
        years[pk].add(youth["first_met_on"].year)
    interventions = Intervention.objects.filter(youth__isnull=False, date__isnull=False, team__isnull=False)
    for youth, year in interventions.values_list("youth", ExtractYear("date")).distinct().order_by():
        years[youth].add(year)
    participations = CollectiveAction.participants.through.objects.values_list("youth", "collectiveaction__date")
    for youth, day in participations:
        years[youth].add(day.year)
    episodes = defaultdict(list)
    for youth, *episode in SupportEpisode.objects.values_list("youth", "started_on", "ended_on", "level"):
        episodes[youth].append(tuple(episode))
    records = defaultdict(list)
    for youth, *record in SituationRecord.objects.order_by("started_on").values_list(
        "youth", "started_on", "situation"
    ):
        records[youth].append(tuple(record))
    return [
        {
            "youth_id": pk,
            "year": year,
            "level": _year_level(episodes[pk], year),
            "situation_id": _year_situation(records[pk], year),
            "is_new": youths[pk]["first_met_on"] >= datetime.date(year, 1, 1),
            **{name: youths[pk][name] for name in fields},
        }
        for pk in youths
        for year in sorted(years[pk])
    ]


# Each breakdown of TeamYearFacts and the facts it keeps (the other columns stay blank: "", 0, False).
BREAKDOWN_FACTS = {
    TeamYearFacts.Breakdown.LEVEL: ("level", "is_new"),
    TeamYearFacts.Breakdown.BIRTH: ("birth_year", "birth_month", "sex"),
    TeamYearFacts.Breakdown.ORIGIN: ("origin_key", "sex"),
    TeamYearFacts.Breakdown.SITUATION: ("situation_key", "sex"),
    TeamYearFacts.Breakdown.PLACE: ("commune_key", "quartier_key", "level"),
}


def _team_year_facts_rows(facts_rows: list[dict]) -> list[dict]:
    """TeamYearFacts' rows: the facts rows counted per team, year and breakdown."""
    counts: dict = defaultdict(int)
    for row in facts_rows:
        values = {
            "level": row["level"] or "",
            "is_new": row["is_new"],
            "birth_year": row["birth_year"] or 0,
            "birth_month": row["birth_month"] or 0,
            "sex": row["sex"],
            "origin_key": row["origin_id"] or 0,
            "situation_key": row["situation_id"] or 0,
            "commune_key": row["commune_id"],
            "quartier_key": row["quartier_id"] or 0,
        }
        blank = {"level": "", "is_new": False, "sex": ""}
        for breakdown, kept in BREAKDOWN_FACTS.items():
            key = {name: values[name] if name in kept else blank.get(name, 0) for name in values}
            counts[(row["team_id"], row["year"], int(breakdown), *key.values())] += 1
    return [{**dict(zip(FACTS_COUNT_COLUMNS, key, strict=True)), "youths": n} for key, n in counts.items()]


def _expected_rows(model: type[Model]) -> list[dict]:
    """The rows `model` must hold, as dicts of its columns."""
    if model is YouthLatest:
        return _latest_rows()
    if model is YouthYearFacts:
        return _year_facts_rows()
    if model is InterventionMonth:
        rows = (
            Intervention.objects.filter(team__isnull=False)
            .values(team_key=F("team"), period=MonthStart("date"))
            .annotate(count=Count("pk"))
        )
        names = {"team_id": "team_key", "month": "period", "interventions": "count"}
    else:
        source = Intervention.objects if model is YouthYear else InterventionDomain.objects
        keys = {"youth_key": F("youth"), "period": ExtractYear("date")}
        if model is YouthYearDomain:
            keys["domain_key"] = F("domain")
        rows = (
            source.filter(team__isnull=False, youth__isnull=False, date__isnull=False)
            .values(**keys)
            .annotate(team_key=Max("team"), first=Min("date"), last=Max("date"), count=Count("pk"))
        )
        names = {"youth_id": "youth_key", "year": "period", "domain_id": "domain_key", "team_id": "team_key"}
        names |= {"first_on": "first", "last_on": "last", "interventions": "count", "tags": "count"}
    columns = next(keys + figures for summary, keys, figures in SUMMARIES if summary is model)
    return [{name: row[names[name]] for name in columns} for row in rows.order_by()]


def _as_set(rows, columns: tuple[str, ...]) -> set[tuple]:
    return {tuple(row[name] for name in columns) for row in rows}


def _every_expected_rows():
    """(model, its columns, the rows it must hold) for each summary, in SUMMARIES' order; the team-year
    sums are added up from the youth-year rows computed just before them, not computed a second time."""
    computed: dict = {}
    for model, keys, figures in SUMMARIES:
        if model in TEAM_YEAR_SOURCES:
            rows = _team_year_rows(model, computed[TEAM_YEAR_SOURCES[model][0]])
        elif model is TeamYearFacts:
            rows = _team_year_facts_rows(computed[YouthYearFacts])
        else:
            rows = _expected_rows(model)
        computed[model] = rows
        yield model, keys + figures, rows


def summaries_differences() -> dict[str, tuple[int, int]]:
    """{summary: (rows missing, rows wrong or extra)} for each summary that differs from its sources;
    empty when every summary is exact."""
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
    written = {}
    for model, _columns, rows in _every_expected_rows():
        model.objects.all().delete()
        model.objects.bulk_create((model(**row) for row in rows), batch_size=2000)
        written[model._meta.db_table] = len(rows)
    return written
