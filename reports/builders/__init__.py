"""The bilan d'activité as plain data: pure builder functions over a scope and a period.

Every builder is keyword-only, takes `scope`, `start` and `end` (a date range, bounds included),
aggregates in the database with grouped queries (a constant number of queries whatever the data
size), and returns frozen dataclasses of ints, Decimals, dates and strings. Nothing here checks
permissions: the caller decides which scope a user may see. The HTML page, the PDF, the XLSX
workbook, the JSON export and the funders' dashboards all read the same objects.

Usage::

    from reports.builders import Scope, build_bilan, build_domains

    scope = Scope.for_team(team)                       # the whole team
    scope = Scope.for_team(team, commune)              # one commune of the team
    scope = Scope.of(teams=[t1, t2], communes=[c1])    # a funder: several teams, some communes
    bilan = build_bilan(scope=scope, start=date(2023, 5, 9), end=date(2023, 12, 31))
    bilan.public.total, bilan.domains.rows[0].percent, bilan.activity.presence_hours

Scope (`types.Scope`, frozen): `teams: tuple[Team, ...]` (at least one), `communes: tuple[Commune, ...]
| None` (None: every commune of the teams), `age_brackets: tuple[tuple[int, int], ...] | None` (None:
the teams' configured brackets when they agree, else the seed's). A record counts when its team is one
of `teams` and, with communes, when its commune is one of them: the youth's commune for youths and
interventions, the place's commune for collective actions and street presence; partner meetings
without a commune count in every commune.

Top level: `build_bilan(*, scope, start, end) -> Bilan` (raises ValueError when start > end) with the
fields `scope, start, end, header, public, levels, age_sex, genre, origin_sex, situation_sex, domains,
activity, activity_by_commune, presence, street_public, funnel, specific_actions, actions_by_theme, meetings,
qpv, quartiers, monthly`, and
`Bilan.is_empty`. `to_plain(obj)` turns any of these objects into JSON-ready dicts and lists.

Table builders (each `(*, scope, start, end)`):

- `build_public -> PublicSummary(total, paei, asep, accroche, level_unknown, new, continuing)`, property
  `accompanied`. `build_levels -> LevelTable(rows: LevelRow(key, label, count, percent), total)`.
- `build_age_sex`, `build_origin_sex`, `build_situation_sex -> SexTable(rows, total)` of
  `SexRow(key, label, total, h, f, nb, unknown, percent)`; `SexTable.has_unknown_sex`. Age rows follow
  the brackets, then "Hors tranches" and "Âge inconnu" when not empty; origin and situation rows list the
  reference items (most frequent first), then "Non renseigné" (key "") when not empty.
- `build_genre -> GenreTable(rows: GenreRow(key, label, count, average_age, percent), total, average_age)`.
- `build_domains -> DomainTable(rows: DomainRow(code, label, total, youths, percent), total,
  interventions, youths)`, rows sorted by total.
- `build_activity_by_commune -> (ActivityTable, tuple[ActivityTable, ...])`: the whole scope, then one
  per commune. `ActivityTable(commune, paei, asep, accroche, level_unknown, workshops, outings,
  dsl_initiated, dsl_joined, work_projects, after_needs_assessment, presence_sessions, presence_minutes,
  presence_person_minutes, partners, support_partners, action_partners: tuple[PartnerGroup(category,
  partners)], presence_counted_sessions, presence_contacts)` (partners of interventions, of collective
  actions, and both; the street contacts only with `with_contacts=True`, else None), properties `youths,
  collective_actions, communal_events_joined, presence_hours, presence_person_hours,
  presence_contacts_counted` (None: « Non objectivé »), `partner_count`.
- `build_partners_mobilised -> tuple[PartnerGroup, ...]`.
- `build_presence -> PresenceSummary(sessions, minutes, person_minutes, by_place, by_quartier)` of
  `PresenceRow(key, label, sessions, minutes, person_minutes)`; properties `hours`, `person_hours`.
- `build_street_public -> StreetPublic(sessions, counted_sessions, contacts, by_sex: BandRow(key, label,
  under_12, from_12_to_17, from_18_to_25, total), total, parents, residents, by_quartier:
  StreetQuartierRow(commune, quartier, is_qpv, counted_sessions, contacts, adults, percent), in_qpv,
  in_qpv_percent, adults)`, property `is_counted`: the tallies of the counted street-presence sessions.
- `build_funnel(*, public, activity) -> Funnel(steps: FunnelStep(key, label, count, percent), counted_sessions,
  sessions, level_unknown)`, property `is_counted`: street contacts (count None: « Non objectivé »), young
  people known, in accroche, ASEP, PAEI (`funnel.FUNNEL`), read from `build_public` and the activity table
  built `with_contacts=True`, without a query.
- `build_specific_actions -> tuple[ActionGroup(kind, label, count, items: ActionItem(title, times,
  youths, anonymous_participants, parents, first_date, last_date, partners))]`.
- `build_actions_by_theme -> tuple[ThemeGroup(key, label, done, items: ThemedAction(title, status,
  status_label, times, first_date, last_date, planned_on, replaced_by, outcome))]`: every action of the
  period by theme, whatever its status (empty when none has a theme); `done` counts the done ones.
- `build_meetings -> MeetingSummary(total, by_kind: CountRow(key, label, count), subjects, partners)`,
  methods `count(kind)`, `subjects_of(kind)`.
- `build_diagnostics -> tuple[Diagnostic(date, label, findings: FindingRow(commune, quartier, text))]`:
  the period's territorial diagnostics and their findings per quartier (in the scope's communes).
- `build_qpv_share -> QpvShare(total, in_qpv, outside_qpv, unknown, *_percent)`.
- `build_quartiers -> QuartierTable(rows: QuartierRow(commune, quartier, is_qpv, count, percent), total)`.
- `build_monthly -> tuple[MonthRow(month, new_youths, interventions, collective_actions,
  presence_minutes)]`, one per month of the period, property `presence_hours`.
- `build_header(*, scope) -> Header(associations, teams, subtitles, communes, financial_partners,
  is_whole_team, association_logos, partner_logos)`: the partners in the teams' order; each logo a
  `HeaderLogo(name, sha256, width, height, png)` whose bytes stay out of the JSON (`data_uri` for HTML/PDF).

Lower level, for other aggregates on the same population: `youths_in_period`, `interventions_in_period`,
`actions_in_period`, `sessions_in_period`, `meetings_in_period` (querysets), `percent(part, whole)`. The
counting rules themselves (level, situation, age, first met, in relation) are defined once in
`youths.rules` and `actions.rules`.

The youth tables (public, age, genre, origin, situation, QPV, quartiers, and the levels of the activity
table) are sums over `youths.youth_facts(scope, start, end, fields)`: youths in the period grouped by
the named facts. Alone, each builder asks for its few facts (one small query); inside
`youths.shared_youth_facts()`, as `build_bilan` and the funders' `build_dashboard` do, one statement
computes each youth's facts once and gives every table's grouping (`youths.SHARED_GROUPINGS`) for the
length of the block, so nothing outlives one build.

Counting rules (the report's footnotes say them in French, see `reports/rules.py`):
a youth counts when first met, met in an intervention or in a collective action during the period,
once in every breakdown; level is the highest among the episodes overlapping the period, else the
latest begun before its end; age in completed years on the last day, birth on the 1st of the birth
month (1 July with the year only); situation in force on the last day (else the earliest recorded);
percentages rounded each on its own, half up; averages to one decimal, half up.
"""

from emps.rounding import average, hours, percent
from reports.builders.activity import (
    DSL_KINDS,
    actions_in_period,
    build_actions_by_theme,
    build_activity_by_commune,
    build_diagnostics,
    build_domains,
    build_meetings,
    build_monthly,
    build_partners_mobilised,
    build_presence,
    build_specific_actions,
    build_street_public,
    interventions_in_period,
    meetings_in_period,
    scope_communes,
    sessions_in_period,
)
from reports.builders.bilan import build_bilan, build_header
from reports.builders.funnel import FUNNEL, build_funnel
from reports.builders.types import (
    ActionGroup,
    ActionItem,
    ActivityTable,
    BandRow,
    Bilan,
    CountRow,
    DomainRow,
    DomainTable,
    Funnel,
    FunnelStep,
    GenreRow,
    GenreTable,
    Header,
    LevelRow,
    LevelTable,
    MeetingSummary,
    MonthRow,
    PartnerGroup,
    PresenceRow,
    PresenceSummary,
    PublicSummary,
    QpvShare,
    QuartierRow,
    QuartierTable,
    Scope,
    SexRow,
    SexTable,
    StreetPublic,
    StreetQuartierRow,
    ThemedAction,
    ThemeGroup,
    to_plain,
)
from reports.builders.youths import (
    build_age_sex,
    build_genre,
    build_levels,
    build_origin_sex,
    build_public,
    build_qpv_share,
    build_quartiers,
    build_situation_sex,
    youths_in_period,
)

__all__ = [
    "DSL_KINDS",
    "FUNNEL",
    "ActionGroup",
    "ThemedAction",
    "ThemeGroup",
    "ActionItem",
    "ActivityTable",
    "BandRow",
    "Bilan",
    "CountRow",
    "DomainRow",
    "DomainTable",
    "Funnel",
    "FunnelStep",
    "GenreRow",
    "GenreTable",
    "Header",
    "LevelRow",
    "LevelTable",
    "MeetingSummary",
    "MonthRow",
    "PartnerGroup",
    "PresenceRow",
    "PresenceSummary",
    "PublicSummary",
    "QpvShare",
    "QuartierRow",
    "QuartierTable",
    "Scope",
    "SexRow",
    "SexTable",
    "StreetPublic",
    "StreetQuartierRow",
    "actions_in_period",
    "average",
    "build_activity_by_commune",
    "build_age_sex",
    "build_bilan",
    "build_diagnostics",
    "build_domains",
    "build_funnel",
    "build_genre",
    "build_header",
    "build_levels",
    "build_meetings",
    "build_monthly",
    "build_origin_sex",
    "build_partners_mobilised",
    "build_presence",
    "build_public",
    "build_qpv_share",
    "build_quartiers",
    "build_situation_sex",
    "build_actions_by_theme",
    "build_specific_actions",
    "build_street_public",
    "hours",
    "interventions_in_period",
    "meetings_in_period",
    "percent",
    "scope_communes",
    "sessions_in_period",
    "to_plain",
    "youths_in_period",
]
