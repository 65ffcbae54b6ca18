"""Tables about the youths in relation with the team during the period.

Every builder here is a handful of grouped queries on one base queryset, `youths_in_period`, whose
rows carry the youth's level, age, bracket and situation computed by the database for the period.
"""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from operator import itemgetter

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from actions.models import CollectiveAction, Intervention
from actions.rules import in_relation_during, taking_part_during
from actions.summaries import summaries_read, summaries_up_to_date
from emps.models import Commune, Quartier
from emps.rounding import average, percent
from emps.rules import qpv_on
from reports.builders.sql import fetch_over
from reports.builders.summaries import youths_with_interventions
from reports.builders.types import (
    GenreRow,
    GenreTable,
    LevelRow,
    LevelTable,
    PublicSummary,
    QpvShare,
    QuartierRow,
    QuartierTable,
    Scope,
    SexRow,
    SexTable,
)
from youths.enums import Level, Sex
from youths.models import Origin, Situation, SituationRecord, SupportEpisode, TeamYearFacts, Youth
from youths.rules import age_at, is_new, level_during, situation_on

UNKNOWN = ""  # the key of a "Non renseigné" row
OUT_OF_BRACKETS = "hors-tranches"
AGE_UNKNOWN = "age-inconnu"
SEXES = (Sex.MALE, Sex.FEMALE, Sex.NON_BINARY)


def scope_youths(scope: Scope) -> QuerySet[Youth]:
    """The scope's youths, in relation or not: those of its teams, living in its communes if it has some."""
    queryset = Youth.objects.filter(team__in=scope.team_ids)
    if scope.communes is not None:
        queryset = queryset.filter(commune__in=scope.commune_ids)
    return queryset.order_by()


def youths_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Youth]:
    """Youths of the scope in relation with the team during the period (`actions.rules.IN_RELATION`).

    The youth's own commune decides whether they are in a commune's scope. The interventions are read
    from the youths' yearly summaries (`summaries.youths_with_interventions`), a set the database hashes
    once, instead of one index descent into the interventions per youth; the participations are a set
    too, of the scope's youths only.
    """
    return scope_youths(scope).filter(
        in_relation_during(
            start,
            end,
            with_interventions=youths_with_interventions(scope, start, end),
            taking_part=taking_part_during(start, end).filter(youth__team__in=scope.team_ids),
        )
    )


# --- One grouped query for every youth table -------------------------------------------------------

# What a youth in the period is counted by: the builders below each need a few of these.
FACTS = (
    "level",
    "age",
    "sex",
    "origin",
    "situation_in_force",
    "commune",
    "commune_name",
    "quartier_name",
    "is_qpv",
    "is_new",
)

# The facts the youth tables group by, one tuple per table (inside `shared_youth_facts()`, one query
# gives all of them).
SHARED_GROUPINGS = (
    ("level", "is_new"),  # public, levels
    ("age", "sex"),  # age pyramid, genre
    ("origin", "sex"),
    ("situation_in_force", "sex"),
    ("is_qpv",),
    ("commune", "level"),  # activity by commune
    ("commune_name", "quartier_name", "is_qpv"),  # quartiers
)
BOOLEAN_FACTS = ("is_qpv", "is_new")  # SQLite returns 0 and 1 to a raw cursor

_shared_facts: ContextVar[dict | None] = ContextVar("shared_youth_facts", default=None)


@contextmanager
def shared_youth_facts(groupings: tuple[tuple[str, ...], ...] = SHARED_GROUPINGS) -> Iterator[None]:
    """Within the block, the youth tables of one scope and period share one query.

    `build_bilan` and the funders' dashboard build six or seven youth tables: each evaluating the
    level and situation subqueries for every youth cost a query per table. `groupings` (a part of
    SHARED_GROUPINGS) are the ones the block's tables read: the dashboard shows no quartier table, and
    leaves out its grouping and its joins. The rows live only for the block (one request's build), so
    they can never be stale; the summaries are brought up to date once, on entering it.
    """
    with summaries_read():
        token = _shared_facts.set({"groupings": groupings, "rows": {}})
        try:
            yield
        finally:
            _shared_facts.reset(token)


def _facts_queryset(scope: Scope, start: datetime.date, end: datetime.date, fields: tuple[str, ...]) -> QuerySet:
    """One row per youth in the period, with the named facts."""
    expressions = {
        "level": lambda: level_during(start, end),
        "age": lambda: age_at(end),
        "situation_in_force": lambda: situation_on(end),
        "is_new": lambda: is_new(start, end),
        "commune_name": lambda: F("commune__name"),
        "quartier_name": lambda: F("quartier__name"),
        "is_qpv": lambda: qpv_on(end),
    }
    annotations = {name: expressions[name]() for name in fields if name in expressions}
    return youths_in_period(scope, start, end).annotate(**annotations).values(*fields)


def _grouped_facts(scope: Scope, start: datetime.date, end: datetime.date, fields: tuple[str, ...]) -> list[dict]:
    """Youths in the period grouped by `fields`: one grouped query."""
    rows = _facts_queryset(scope, start, end, fields).annotate(n=Count("pk")).order_by()
    return [dict(row) for row in rows]


def _all_groupings(
    scope: Scope, start: datetime.date, end: datetime.date, groupings: tuple[tuple[str, ...], ...]
) -> dict[tuple[str, ...], list[dict]]:
    """Every grouping of `groupings` from one statement: the facts of each youth are computed once (a
    common table expression, which both databases materialise when it is read more than once), then
    grouped by the database for each table. The branches of the UNION keep every column in its place,
    NULL where a branch does not group by it; an empty first branch gives the columns their types.
    """
    quote = connection.ops.quote_name
    facts = tuple(name for name in FACTS if any(name in grouping for grouping in groupings))
    columns = ", ".join(quote(name) for name in facts)
    branches = [f"SELECT -1, {columns}, 0 FROM facts WHERE 1 = 0"]
    for index, grouping in enumerate(groupings):
        selected = ", ".join(quote(name) if name in grouping else "NULL" for name in facts)
        branches.append(
            f"SELECT {index}, {selected}, COUNT(*) FROM facts GROUP BY {', '.join(quote(name) for name in grouping)}"
        )
    statement = f"WITH facts ({columns}) AS ({{rows}}) " + " UNION ALL ".join(branches)
    result: dict[tuple[str, ...], list[dict]] = {grouping: [] for grouping in groupings}
    for index, *values, n in fetch_over(_facts_queryset(scope, start, end, facts).order_by(), statement):
        grouping = groupings[index]
        row = {name: values[facts.index(name)] for name in grouping}
        for name in BOOLEAN_FACTS:
            if name in row and row[name] is not None:
                row[name] = bool(row[name])
        row["n"] = n
        result[grouping].append(row)
    return result


# --- The youth tables of a whole year, counted in advance ------------------------------------------

Breakdown = TeamYearFacts.Breakdown
# The facts each breakdown of `TeamYearFacts` gives: a grouping made of one breakdown's facts reads it.
KEPT_FACTS = {
    Breakdown.LEVEL: {"level", "is_new"},
    Breakdown.BIRTH: {"age", "sex"},
    Breakdown.ORIGIN: {"origin", "sex"},
    Breakdown.SITUATION: {"situation_in_force", "sex"},
    Breakdown.PLACE: {"commune", "commune_name", "quartier_name", "is_qpv", "level"},
}
KEPT_COLUMNS = (
    "breakdown",
    "level",
    "is_new",
    "age",
    "sex",
    "origin_key",
    "situation_key",
    "commune_key",
    "quartier_key",
)


def breakdown_of(grouping: tuple[str, ...]) -> int | None:
    """The breakdown of `TeamYearFacts` that gives `grouping`, if one does."""
    return next((breakdown for breakdown, facts in KEPT_FACTS.items() if set(grouping) <= facts), None)


def year_facts_apply(scope: Scope, start: datetime.date, end: datetime.date) -> bool:
    """Whether the youth tables of the period are those of its calendar year, counted in `TeamYearFacts`.

    They are for a scope of whole teams over a whole year; and over 1 January to a day of the year (the
    dashboard's "this year") when nothing of the scope's youths is dated later that year: no first
    meeting, intervention or participation (the same youths are in relation), no episode or situation
    record beginning (the same level and situation). The age is counted on `end` from the birth year
    and month. One query when the period ends before 31 December.
    """
    if scope.communes is not None or start != datetime.date(end.year, 1, 1):
        return False
    year_end = datetime.date(end.year, 12, 31)
    if end == year_end:
        return True
    # Written out: composing and compiling these five subqueries in the ORM costs more than running them.
    teams = ", ".join(["%s"] * len(scope.team_ids))
    youths = f"SELECT id FROM {Youth._meta.db_table} WHERE team_id IN ({teams})"
    checks = (
        (Youth._meta.db_table, "team_id IN ({teams})", "first_met_on"),
        (Intervention._meta.db_table, "team_id IN ({teams})", "date"),
        (SupportEpisode._meta.db_table, "youth_id IN ({youths})", "started_on"),
        (SituationRecord._meta.db_table, "youth_id IN ({youths})", "started_on"),
        (
            f"{CollectiveAction.participants.through._meta.db_table} AS p JOIN {CollectiveAction._meta.db_table}"
            " AS a ON a.id = p.collectiveaction_id",
            "p.youth_id IN ({youths})",
            "a.date",
        ),
    )
    statement = "SELECT 1 WHERE " + " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE {scoped.format(teams=teams, youths=youths)}"
        f" AND {day} > %s AND {day} <= %s)"
        for table, scoped, day in checks
    )
    params = [value for _check in checks for value in (*scope.team_ids, end, year_end)]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() is None


def _kept_age(end: datetime.date):
    """`age_at` over TeamYearFacts' birth columns (0: not recorded), so that the database sums the
    counts of a birth year and month by age (of the birth breakdown; NULL in the others)."""
    return Case(
        When(~Q(breakdown=Breakdown.BIRTH) | Q(birth_year=0), then=Value(None)),
        default=age_at(end, month_unknown=Q(birth_month=0)),
        output_field=IntegerField(),
    )


def _kept_groupings(
    scope: Scope, start: datetime.date, end: datetime.date, groupings: tuple[tuple[str, ...], ...]
) -> dict[tuple[str, ...], list[dict]]:
    """Every grouping of `groupings` (each given by a breakdown) from the teams' counts of the year: one
    query, the counts summed over the teams, with the quartiers' and communes' names and QPV flag."""
    summaries_up_to_date()
    breakdowns = {grouping: breakdown_of(grouping) for grouping in groupings}
    counts = (
        TeamYearFacts.objects.filter(team__in=scope.team_ids, year=end.year, breakdown__in=set(breakdowns.values()))
        .annotate(age=_kept_age(end))
        .values(*KEPT_COLUMNS)
        .annotate(n=Sum("youths"))
        .order_by()
    )
    # The quartiers with their QPV status on the period's last day (`emps.rules.QPV_IN_FORCE`).
    quartiers = Quartier.objects.annotate(in_force=qpv_on(end, quartier="pk")).values("id", "name", "in_force")
    quote = connection.ops.quote_name
    statement = (
        f"SELECT {', '.join('r.' + quote(name) for name in (*KEPT_COLUMNS, 'n'))}, q.{quote('name')},"
        f" q.{quote('in_force')}, c.name"
        f" FROM ({{rows}}) r LEFT JOIN ({{quartiers}}) q ON q.{quote('id')} = r.{quote('quartier_key')}"
        f" LEFT JOIN {Commune._meta.db_table} c ON c.id = r.{quote('commune_key')}"
    )
    by_breakdown: dict[int, list[dict]] = {}
    for *values, n, quartier_name, is_qpv, commune_name in fetch_over(counts, statement, quartiers=quartiers):
        row = dict(zip(KEPT_COLUMNS, values, strict=True))
        facts = {
            "level": row["level"] or None,
            "is_new": bool(row["is_new"]),
            "age": row["age"],
            "sex": row["sex"],
            "origin": row["origin_key"] or None,
            "situation_in_force": row["situation_key"] or None,
            "commune": row["commune_key"],
            "commune_name": commune_name,
            "quartier_name": quartier_name,
            "is_qpv": None if is_qpv is None else bool(is_qpv),
        }
        by_breakdown.setdefault(row["breakdown"], []).append({**facts, "n": int(n)})
    return {grouping: _grouped(by_breakdown.get(breakdowns[grouping], ()), *grouping) for grouping in groupings}


def _counted_in_advance(
    scope: Scope, start: datetime.date, end: datetime.date, groupings: tuple[tuple[str, ...], ...]
) -> bool:
    return all(breakdown_of(grouping) is not None for grouping in groupings) and year_facts_apply(scope, start, end)


def youth_facts(scope: Scope, start: datetime.date, end: datetime.date, fields: Iterable[str]) -> list[dict]:
    """Youths in the period grouped by `fields` (names of FACTS): one dict per group, with its number `n`.

    Alone, one query grouped by just those fields; inside `shared_youth_facts()`, the block's groupings
    come from one statement made once for the scope and period (other fields: a query of their own).
    Over a whole year, or 1 January to a day with nothing dated later (`year_facts_apply`), the counts
    come from `TeamYearFacts` instead: a few hundred rows per team rather than one per youth.
    """
    fields = tuple(fields)
    shared = _shared_facts.get()
    if shared is None or fields not in shared["groupings"]:
        if _counted_in_advance(scope, start, end, (fields,)):
            return _kept_groupings(scope, start, end, (fields,))[fields]
        return _grouped_facts(scope, start, end, fields)
    key = (tuple(scope.team_ids), None if scope.communes is None else tuple(scope.commune_ids), start, end)
    if key not in shared["rows"]:
        groupings = shared["groupings"]
        if _counted_in_advance(scope, start, end, groupings):
            shared["rows"][key] = _kept_groupings(scope, start, end, groupings)
        else:
            shared["rows"][key] = _all_groupings(scope, start, end, groupings)
    return shared["rows"][key][fields]


def tally(rows: Iterable[dict], *keys: str) -> dict:
    """{value of keys (one key: the value, several: a tuple): number of youths} from fact rows."""
    key_of = itemgetter(*keys)
    counts: dict = {}
    for row in rows:
        key = key_of(row)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _grouped(rows: Iterable[dict], *keys: str) -> list[dict]:
    """Fact rows summed by `keys`, as the dicts of a `.values(*keys).annotate(n=...)` query."""
    return [
        dict(zip(keys, key if len(keys) > 1 else (key,), strict=True), n=n) for key, n in tally(rows, *keys).items()
    ]


def bracket_label(bracket: tuple[int, int]) -> str:
    return _("%(low)s - %(high)s ans") % {"low": bracket[0], "high": bracket[1]}


def bracket_key(bracket: tuple[int, int]) -> str:
    return f"{bracket[0]}-{bracket[1]}"


def _sex_counts(rows, key_name: str) -> dict:
    """{key: {sex: count}} from grouped rows of (key, sex, n)."""
    counts: dict = {}
    for row in rows:
        key = row[key_name] if row[key_name] is not None else UNKNOWN
        by_sex = counts.setdefault(key, {})
        by_sex[row["sex"] or UNKNOWN] = by_sex.get(row["sex"] or UNKNOWN, 0) + row["n"]
    return counts


def _sex_row(key: str, label: str, by_sex: dict, whole: int) -> SexRow:
    total = sum(by_sex.values())
    return SexRow(
        key=key,
        label=label,
        total=total,
        h=by_sex.get(Sex.MALE, 0),
        f=by_sex.get(Sex.FEMALE, 0),
        nb=by_sex.get(Sex.NON_BINARY, 0),
        unknown=by_sex.get(UNKNOWN, 0),
        percent=percent(total, whole),
    )


def _sex_table(entries: list[tuple[str, str, dict]]) -> SexTable:
    whole = sum(sum(by_sex.values()) for _key, _label, by_sex in entries)
    rows = tuple(_sex_row(key, label, by_sex, whole) for key, label, by_sex in entries)
    totals: dict = {}
    for _key, _label, by_sex in entries:
        for sex, n in by_sex.items():
            totals[sex] = totals.get(sex, 0) + n
    return SexTable(rows=rows, total=_sex_row("total", _("Total"), totals, whole))


def build_public(*, scope: Scope, start: datetime.date, end: datetime.date) -> PublicSummary:
    """How many youths, by level (PAEI, ASEP, en accroche), and how many were met for the first time."""
    rows = youth_facts(scope, start, end, ("level", "is_new"))
    by_level = tally(rows, "level")
    total = sum(by_level.values())
    new = tally(rows, "is_new").get(True, 0)
    return PublicSummary(
        total=total,
        paei=by_level.get(Level.PAEI, 0),
        asep=by_level.get(Level.ASEP, 0),
        accroche=by_level.get(Level.ACCROCHE, 0),
        level_unknown=sum(n for level, n in by_level.items() if level not in Level.values),
        new=new,
        continuing=total - new,
    )


def build_levels(*, scope: Scope, start: datetime.date, end: datetime.date) -> LevelTable:
    """Youths by support level, the highest first, with a "Non renseigné" row when some have no episode."""
    public = build_public(scope=scope, start=start, end=end)
    return levels_from_public(public)


def levels_from_public(public: PublicSummary) -> LevelTable:
    entries = [
        (Level.PAEI.value, _("PAEI"), public.paei),
        (Level.ASEP.value, _("ASEP"), public.asep),
        (Level.ACCROCHE.value, _("En accroche"), public.accroche),
    ]
    if public.level_unknown:
        entries.append((UNKNOWN, _("Non renseigné"), public.level_unknown))
    rows = tuple(LevelRow(key=k, label=label, count=n, percent=percent(n, public.total)) for k, label, n in entries)
    return LevelTable(rows=rows, total=public.total)


def bracket_of(age: int | None, brackets) -> str:
    """The key of the age bracket holding `age`: "age-inconnu" without an age, "hors-tranches" outside them."""
    if age is None:
        return AGE_UNKNOWN
    for bracket in brackets:
        if bracket[0] <= age <= bracket[1]:
            return bracket_key(bracket)
    return OUT_OF_BRACKETS


def build_age_sex(*, scope: Scope, start: datetime.date, end: datetime.date) -> SexTable:
    """Youths by age bracket and sex. "Hors tranches" and "Âge inconnu" rows only when not empty."""
    # The database groups by age and sex; the brackets are applied here, which keeps the query as
    # small as a hand-written one instead of repeating the age expression in every WHEN.
    brackets = scope.brackets()
    rows = [
        {"bracket": bracket_of(row["age"], brackets), "sex": row["sex"], "n": row["n"]}
        for row in _grouped(youth_facts(scope, start, end, ("age", "sex")), "age", "sex")
    ]
    counts = _sex_counts(rows, "bracket")
    entries = [(bracket_key(b), bracket_label(b), counts.get(bracket_key(b), {})) for b in brackets]
    if counts.get(OUT_OF_BRACKETS):
        entries.append((OUT_OF_BRACKETS, _("Hors tranches"), counts[OUT_OF_BRACKETS]))
    if counts.get(AGE_UNKNOWN):
        entries.append((AGE_UNKNOWN, _("Âge inconnu"), counts[AGE_UNKNOWN]))
    return _sex_table(entries)


def build_genre(*, scope: Scope, start: datetime.date, end: datetime.date) -> GenreTable:
    """Youths by sex with their average age (one decimal, half up). Homme and Femme always; others when not empty."""
    by_sex: dict = {}
    for fact in youth_facts(scope, start, end, ("age", "sex")):
        row = by_sex.setdefault(fact["sex"] or UNKNOWN, {"n": 0, "age_sum": 0, "aged": 0})
        row["n"] += fact["n"]
        if fact["age"] is not None:
            row["age_sum"] += fact["age"] * fact["n"]
            row["aged"] += fact["n"]
    rows = list(by_sex.values())
    total = sum(row["n"] for row in rows)
    labels = [(Sex.MALE, _("Homme")), (Sex.FEMALE, _("Femme")), (Sex.NON_BINARY, _("Non-binaire"))]
    labels.append((UNKNOWN, _("Non renseigné")))
    result = []
    for key, label in labels:
        row = by_sex.get(key)
        if row is None and key not in (Sex.MALE, Sex.FEMALE):
            continue
        count = row["n"] if row else 0
        result.append(
            GenreRow(
                key=str(key),
                label=label,
                count=count,
                average_age=average(row["age_sum"], row["aged"]) if row else None,
                percent=percent(count, total),
            )
        )
    age_sum = sum(row["age_sum"] or 0 for row in rows)
    aged = sum(row["aged"] for row in rows)
    return GenreTable(rows=tuple(result), total=total, average_age=average(age_sum, aged))


def _reference_sex_table(grouped_rows, key_name: str, items) -> SexTable:
    """Rows for every reference item (most frequent first, ties in the list's order), then "Non renseigné"."""
    counts = _sex_counts(grouped_rows, key_name)
    ordered = sorted(
        ((item, counts.get(item.pk, {})) for item in items if item.is_active or counts.get(item.pk)),
        key=lambda pair: (-sum(pair[1].values()), pair[0].order, pair[0].label),
    )
    entries = [(item.code, item.label, by_sex) for item, by_sex in ordered]
    if counts.get(UNKNOWN):
        entries.append((UNKNOWN, _("Non renseigné"), counts[UNKNOWN]))
    return _sex_table(entries)


def build_origin_sex(*, scope: Scope, start: datetime.date, end: datetime.date) -> SexTable:
    """Youths by origin of the meeting (présence sociale, partenaire, tiers) and sex."""
    rows = _grouped(youth_facts(scope, start, end, ("origin", "sex")), "origin", "sex")
    return _reference_sex_table(rows, "origin", list(Origin.objects.all()))


def build_situation_sex(*, scope: Scope, start: datetime.date, end: datetime.date) -> SexTable:
    """Youths by situation in force on the period's last day, and sex."""
    rows = _grouped(youth_facts(scope, start, end, ("situation_in_force", "sex")), "situation_in_force", "sex")
    return _reference_sex_table(rows, "situation_in_force", list(Situation.objects.all()))


def build_qpv_share(*, scope: Scope, start: datetime.date, end: datetime.date) -> QpvShare:
    """How many youths live in a quartier prioritaire (QPV), outside one, or in an unrecorded quartier."""
    # is_qpv is None exactly when no quartier is recorded (the quartier's flag is never null).
    by_qpv = tally(youth_facts(scope, start, end, ("is_qpv",)), "is_qpv")
    counts = {"in_qpv": by_qpv.get(True, 0), "outside": by_qpv.get(False, 0), "unknown": by_qpv.get(None, 0)}
    total = sum(by_qpv.values())
    return QpvShare(
        total=total,
        in_qpv=counts["in_qpv"],
        outside_qpv=counts["outside"],
        unknown=counts["unknown"],
        in_qpv_percent=percent(counts["in_qpv"], total),
        outside_qpv_percent=percent(counts["outside"], total),
        unknown_percent=percent(counts["unknown"], total),
    )


def build_quartiers(*, scope: Scope, start: datetime.date, end: datetime.date) -> QuartierTable:
    """Youths by commune and quartier of residence; an empty quartier name when it is not recorded."""
    fields = ("commune_name", "quartier_name", "is_qpv")
    rows = _grouped(youth_facts(scope, start, end, fields), *fields)
    total = sum(row["n"] for row in rows)
    result = sorted(
        (
            QuartierRow(
                commune=row["commune_name"],
                quartier=row["quartier_name"] or "",
                is_qpv=bool(row["is_qpv"]),
                count=row["n"],
                percent=percent(row["n"], total),
            )
            for row in rows
        ),
        key=lambda r: (r.commune, r.quartier == "", r.quartier),
    )
    return QuartierTable(rows=tuple(result), total=total)
