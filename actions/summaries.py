"""The summaries of the interventions (InterventionMonth, YouthYear, YouthYearDomain), computed from scratch.

The database keeps them (triggers, migration 0008); this module computes what they must hold from the
interventions and tags themselves, to check them (`summaries_differences`) and to write them again
(`summaries_rebuild`) after anything that bypassed the triggers: on SQLite, a migration that rebuilds
actions_intervention or actions_intervention_domains drops their triggers.
"""

from django.db import transaction
from django.db.models import Count, F, Max, Min, Model
from django.db.models.functions import ExtractYear

from .models import Intervention, InterventionDomain, InterventionMonth, YouthYear, YouthYearDomain

# For each summary: its model, the columns that identify a row, and its figures.
SUMMARIES: tuple[tuple[type[Model], tuple[str, ...], tuple[str, ...]], ...] = (
    (InterventionMonth, ("team_id", "month"), ("interventions",)),
    (YouthYear, ("youth_id", "year"), ("team_id", "first_on", "last_on", "interventions")),
    (YouthYearDomain, ("youth_id", "year", "domain_id"), ("team_id", "first_on", "last_on", "tags")),
)


def _expected_rows(model: type[Model]) -> list[dict]:
    """The rows `model` must hold, as dicts of its columns."""
    from reports.builders.activity import MonthStart  # reports reads actions, not the other way round

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


def summaries_differences() -> dict[str, tuple[int, int]]:
    """{summary: (rows missing, rows wrong or extra)} for each summary that differs from its sources;
    empty when every summary is exact."""
    differences = {}
    for model, keys, figures in SUMMARIES:
        columns = keys + figures
        expected = _as_set(_expected_rows(model), columns)
        found = _as_set(model.objects.values(*columns), columns)
        if expected != found:
            differences[model._meta.db_table] = (len(expected - found), len(found - expected))
    return differences


@transaction.atomic
def summaries_rebuild() -> dict[str, int]:
    """Write every summary again from the interventions and tags; return the rows of each."""
    written = {}
    for model, _keys, _figures in SUMMARIES:
        rows = _expected_rows(model)
        model.objects.all().delete()
        model.objects.bulk_create((model(**row) for row in rows), batch_size=2000)
        written[model._meta.db_table] = len(rows)
    return written
