"""The floor: the compared bilan figures computed by hand-written SQL (PostgreSQL), to set beside the builders.

`raw_figures(team_ids, start, end, brackets)` and `builder_figures(scope, start, end)` return the same
plain dict, with every figure the five compared builders give the bilan: the public (by level, new and
continuing), youths by age bracket and sex, the domains (Total, Jeunes, and the table's interventions and
youths), street presence (by place and by commune and quartier: sessions, minutes, person-minutes) and the
collective actions (by kind and title: times, youths, anonymous participants, first and last dates,
partners; `with_actions=False` leaves them out, as the funders' dashboard does). `bench/run.py` asserts
the two dicts equal before it compares their times.

The SQL is what a careful developer would write by hand: one statement per table, CTEs for the youths
in the period, grouping sets where one table has two breakdowns, and no ORM in between.

As the builders do, by default (`summaries=True`) the youth tables of a whole year (or of 1 January to a
day with nothing dated later) read the counts per team and year (youths_teamyearfacts); otherwise the
youths' levels read their episodes, and the youths with an intervention in the period and the domains
table read the youth-year summaries (actions_youthyear, actions_youthyeardomain) with the rule of
reports/builders/summaries.py: a row
wholly inside the period counts its figure as is, a row straddling a bound counts its interventions (or
tags) from the base table between max(start, first_on) and min(end, last_on), and a youth with rows in
several years counts once (a period within one calendar year has one row per youth and domain: its rows
are counted as they are).
`summaries=False` reads only the base tables (interventions, tags, episodes): an independent oracle for
the tests.
"""

import datetime

from django.db import connection

from reports.builders import Scope, build_age_sex, build_domains, build_presence, build_public, build_specific_actions
from reports.builders.youths import shared_youth_facts

YOUTHS_IN_PERIOD = """
    SELECT y.id, y.sex, y.birth_year, y.birth_month, y.first_met_on
    FROM youths_youth y
    WHERE y.team_id = ANY(%(teams)s)
      AND ((y.first_met_on BETWEEN %(start)s AND %(end)s)
        OR EXISTS (SELECT 1 FROM actions_intervention i
                   WHERE i.youth_id = y.id AND i.date BETWEEN %(start)s AND %(end)s)
        OR EXISTS (SELECT 1 FROM actions_collectiveaction_participants p
                   JOIN actions_collectiveaction a ON a.id = p.collectiveaction_id
                   WHERE p.youth_id = y.id AND a.date BETWEEN %(start)s AND %(end)s))
"""

# The youth-year rows of the teams that overlap the period: an index range of (team, year) per team.
YOUTH_YEARS_TOUCHING = """
    SELECT r.youth_id, r.first_on, r.last_on, r.interventions FROM actions_youthyear r
    WHERE r.team_id = ANY(%(teams)s) AND r.year BETWEEN %(start_year)s AND %(end_year)s
      AND r.first_on <= %(end)s AND r.last_on >= %(start)s
"""

# A touching row with a date in the period qualifies at once; one lying across the whole period is checked
# against the youth's interventions.
YOUTHS_IN_PERIOD_SUMMARIES = f"""
    WITH with_interventions AS (
        SELECT r.youth_id FROM ({YOUTH_YEARS_TOUCHING}) r
        WHERE r.first_on >= %(start)s OR r.last_on <= %(end)s
           OR EXISTS (SELECT 1 FROM actions_intervention i
                      WHERE i.youth_id = r.youth_id AND i.date BETWEEN %(start)s AND %(end)s)
    )
    SELECT y.id, y.sex, y.birth_year, y.birth_month, y.first_met_on
    FROM youths_youth y
    WHERE y.team_id = ANY(%(teams)s)
      AND ((y.first_met_on BETWEEN %(start)s AND %(end)s)
        OR y.id IN (SELECT youth_id FROM with_interventions)
        OR y.id IN (SELECT p.youth_id FROM actions_collectiveaction_participants p
                    JOIN actions_collectiveaction a ON a.id = p.collectiveaction_id
                    JOIN youths_youth py ON py.id = p.youth_id
                    WHERE py.team_id = ANY(%(teams)s) AND a.date BETWEEN %(start)s AND %(end)s))
"""


def _rank(level: str) -> str:
    return f"CASE {level} WHEN 'paei' THEN 2 WHEN 'asep' THEN 1 WHEN 'accroche' THEN 0 ELSE -1 END"


LEVEL_FROM_EPISODES = f"""COALESCE(
        (SELECT e.level FROM youths_supportepisode e
         WHERE e.youth_id = y.id AND e.started_on <= %(end)s AND (e.ended_on IS NULL OR e.ended_on >= %(start)s)
         ORDER BY {_rank("e.level")} DESC, e.started_on DESC LIMIT 1),
        (SELECT e.level FROM youths_supportepisode e
         WHERE e.youth_id = y.id AND e.started_on <= %(end)s ORDER BY e.started_on DESC LIMIT 1)
    )"""


def _public(youths_in_period: str) -> str:
    return f"""
    WITH y AS ({youths_in_period})
    SELECT {LEVEL_FROM_EPISODES} AS level, count(*),
           count(*) FILTER (WHERE y.first_met_on BETWEEN %(start)s AND %(end)s)
    FROM y GROUP BY 1
"""


def _age_sex(youths_in_period: str) -> str:
    return f"""
    WITH y AS ({youths_in_period})
    SELECT CASE WHEN y.birth_month > %(month)s OR (y.birth_month IS NULL AND %(month)s < 7)
                THEN %(year)s - 1 - y.birth_year ELSE %(year)s - y.birth_year END AS age,
           y.sex, count(*)
    FROM y GROUP BY 1, 2
"""


PUBLIC, PUBLIC_SUMMARIES = _public(YOUTHS_IN_PERIOD), _public(YOUTHS_IN_PERIOD_SUMMARIES)
AGE_SEX, AGE_SEX_SUMMARIES = _age_sex(YOUTHS_IN_PERIOD), _age_sex(YOUTHS_IN_PERIOD_SUMMARIES)

# The interventions and their tags carry the youth's team (a copy kept by triggers): the floor reads
# the (team, date, …) indexes, as the builders do.
DOMAINS = """
    SELECT d.code, sum(t.n), count(*)
    FROM (SELECT domain_id, youth_id, count(*) AS n FROM actions_intervention_domains
          WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(start)s AND %(end)s
          GROUP BY 1, 2) t
    JOIN actions_domain d ON d.id = t.domain_id
    GROUP BY d.code
"""

DOMAINS_OVERALL = """
    SELECT COALESCE(sum(n), 0), count(*)
    FROM (SELECT youth_id, count(*) AS n FROM actions_intervention
          WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(start)s AND %(end)s
          GROUP BY youth_id) per_youth
"""

# From the summaries: each touching row's interventions (tags) in the period, `n`: its figure when the row
# lies wholly inside, else a count of the youth's (and domain's) base rows between max(start, first_on) and
# min(end, last_on), an index range of one youth. A period within one calendar year has one row per youth
# (and domain): its rows are counted as they are; over several years, one total per youth (and domain) first.
DOMAIN_ROWS_COUNTED = """
    touching AS (
        SELECT r.domain_id, r.youth_id, r.first_on, r.last_on, r.tags FROM actions_youthyeardomain r
        WHERE r.team_id = ANY(%(teams)s) AND r.year BETWEEN %(start_year)s AND %(end_year)s
          AND r.first_on <= %(end)s AND r.last_on >= %(start)s
    ),
    counted AS (
        SELECT t.domain_id, t.youth_id,
               CASE WHEN t.first_on >= %(start)s AND t.last_on <= %(end)s THEN t.tags
                    ELSE (SELECT count(*) FROM actions_intervention_domains x
                          WHERE x.youth_id = t.youth_id AND x.domain_id = t.domain_id
                            AND x.date BETWEEN GREATEST(%(start)s, t.first_on) AND LEAST(%(end)s, t.last_on))
               END AS n
        FROM touching t
    )
"""

# Grouped by domain id (a dozen groups, hashed), the codes joined after.
DOMAINS_SUMMARIES_ONE_YEAR = f"""
    WITH {DOMAIN_ROWS_COUNTED}
    SELECT d.code, s.n, s.youths
    FROM (SELECT domain_id, sum(n) AS n, count(*) AS youths FROM counted WHERE n > 0 GROUP BY domain_id) s
    JOIN actions_domain d ON d.id = s.domain_id
"""

DOMAINS_SUMMARIES = f"""
    WITH {DOMAIN_ROWS_COUNTED},
    per_youth AS (SELECT domain_id, youth_id, sum(n) AS n FROM counted WHERE n > 0 GROUP BY 1, 2)
    SELECT d.code, s.n, s.youths
    FROM (SELECT domain_id, sum(n) AS n, count(*) AS youths FROM per_youth GROUP BY domain_id) s
    JOIN actions_domain d ON d.id = s.domain_id
"""

YOUTH_ROWS_COUNTED = f"""
    counted AS (
        SELECT t.youth_id,
               CASE WHEN t.first_on >= %(start)s AND t.last_on <= %(end)s THEN t.interventions
                    ELSE (SELECT count(*) FROM actions_intervention i
                          WHERE i.youth_id = t.youth_id
                            AND i.date BETWEEN GREATEST(%(start)s, t.first_on) AND LEAST(%(end)s, t.last_on))
               END AS n
        FROM ({YOUTH_YEARS_TOUCHING}) t
    )
"""

DOMAINS_OVERALL_SUMMARIES_ONE_YEAR = f"""
    WITH {YOUTH_ROWS_COUNTED}
    SELECT COALESCE(sum(n), 0), count(*) FROM counted WHERE n > 0
"""

DOMAINS_OVERALL_SUMMARIES = f"""
    WITH {YOUTH_ROWS_COUNTED}
    SELECT COALESCE(sum(n), 0), count(*)
    FROM (SELECT youth_id, sum(n) AS n FROM counted WHERE n > 0 GROUP BY youth_id) per_youth
"""

# A period inside one calendar year that the teams' interventions of that year do not overflow: the sums per
# team and year (and domain) of the youth-year rows (actions_teamyear, actions_teamyeardomain, migration
# actions/0009), as the builders read them.
YEAR_OVERFLOWED = """
    SELECT EXISTS (SELECT 1 FROM actions_intervention
                   WHERE team_id = ANY(%(teams)s)
                     AND (date BETWEEN %(year_start)s AND %(start)s - 1 OR date BETWEEN %(end)s + 1 AND %(year_end)s))
"""

DOMAINS_TEAM_YEARS = """
    SELECT d.code, sum(t.tags), sum(t.youths)
    FROM actions_teamyeardomain t JOIN actions_domain d ON d.id = t.domain_id
    WHERE t.team_id = ANY(%(teams)s) AND t.year = %(year)s
    GROUP BY d.code
"""

DOMAINS_OVERALL_TEAM_YEARS = """
    SELECT COALESCE(sum(interventions), 0), COALESCE(sum(youths), 0) FROM actions_teamyear
    WHERE team_id = ANY(%(teams)s) AND year = %(year)s
"""

# A whole year, or 1 January to a day with nothing of the teams' youths dated later that year: the youth
# tables of the year counted per team (youths_teamyearfacts, migration youths/0006), as the builders read
# them; the age is counted on the period's end from the birth year and month.
YEAR_DATED_LATER = """
    SELECT EXISTS (SELECT 1 FROM youths_youth WHERE team_id = ANY(%(teams)s)
                   AND first_met_on > %(end)s AND first_met_on <= %(year_end)s)
        OR EXISTS (SELECT 1 FROM actions_intervention WHERE team_id = ANY(%(teams)s)
                   AND date > %(end)s AND date <= %(year_end)s)
        OR EXISTS (SELECT 1 FROM actions_collectiveaction_participants p
                   JOIN actions_collectiveaction a ON a.id = p.collectiveaction_id
                   JOIN youths_youth y ON y.id = p.youth_id
                   WHERE y.team_id = ANY(%(teams)s) AND a.date > %(end)s AND a.date <= %(year_end)s)
        OR EXISTS (SELECT 1 FROM youths_supportepisode e JOIN youths_youth y ON y.id = e.youth_id
                   WHERE y.team_id = ANY(%(teams)s) AND e.started_on > %(end)s AND e.started_on <= %(year_end)s)
        OR EXISTS (SELECT 1 FROM youths_situationrecord r JOIN youths_youth y ON y.id = r.youth_id
                   WHERE y.team_id = ANY(%(teams)s) AND r.started_on > %(end)s AND r.started_on <= %(year_end)s)
"""

PUBLIC_TEAM_YEARS = """
    SELECT NULLIF(level, ''), sum(youths)::int, COALESCE(sum(youths) FILTER (WHERE is_new), 0)::int
    FROM youths_teamyearfacts
    WHERE team_id = ANY(%(teams)s) AND year = %(year)s AND breakdown = 0
    GROUP BY level
"""

AGE_SEX_TEAM_YEARS = """
    SELECT CASE WHEN birth_year = 0 THEN NULL
                WHEN birth_month > %(month)s OR (birth_month = 0 AND %(month)s < 7) THEN %(year)s - 1 - birth_year
                ELSE %(year)s - birth_year END AS age,
           sex, sum(youths)::int
    FROM youths_teamyearfacts
    WHERE team_id = ANY(%(teams)s) AND year = %(year)s AND breakdown = 1
    GROUP BY 1, 2
"""

PRESENCE = """
    SELECT s.place, c.name, q.name, GROUPING(s.place) AS by_quartier,
           count(*), COALESCE(sum(s.duration_minutes), 0), COALESCE(sum(s.duration_minutes * s.educator_count), 0)
    FROM actions_presencesession s
    JOIN emps_commune c ON c.id = s.commune_id
    LEFT JOIN emps_quartier q ON q.id = s.quartier_id
    WHERE s.team_id = ANY(%(teams)s) AND s.date BETWEEN %(start)s AND %(end)s
    GROUP BY GROUPING SETS ((s.place), (c.name, q.name))
"""

ACTIONS = """
    WITH a AS (
        SELECT id, kind, title, date, anonymous_participants FROM actions_collectiveaction
        WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(start)s AND %(end)s
    ),
    youths AS (
        SELECT a.kind, a.title, count(DISTINCT p.youth_id) AS n
        FROM a JOIN actions_collectiveaction_participants p ON p.collectiveaction_id = a.id
        GROUP BY 1, 2
    ),
    partners AS (
        SELECT a.kind, a.title, array_agg(DISTINCT pt.name ORDER BY pt.name) AS names
        FROM a JOIN actions_collectiveaction_partners ap ON ap.collectiveaction_id = a.id
        JOIN emps_partner pt ON pt.id = ap.partner_id
        GROUP BY 1, 2
    )
    SELECT g.kind, g.title, g.times, COALESCE(youths.n, 0), g.anonymous, g.first, g.last,
           COALESCE(partners.names, '{}')
    FROM (SELECT kind, title, count(*) AS times, COALESCE(sum(anonymous_participants), 0) AS anonymous,
                 min(date) AS first, max(date) AS last
          FROM a GROUP BY 1, 2) g
    LEFT JOIN youths USING (kind, title)
    LEFT JOIN partners USING (kind, title)
"""


def _bracket(age, brackets) -> str:
    if age is None:
        return "age-inconnu"
    for low, high in brackets:
        if low <= age <= high:
            return f"{low}-{high}"
    return "hors-tranches"


def raw_figures(
    team_ids: list[int],
    start: datetime.date,
    end: datetime.date,
    brackets,
    *,
    with_actions: bool = True,
    summaries: bool = True,
) -> dict:
    params = {
        "teams": list(team_ids),
        "start": start,
        "end": end,
        "start_year": start.year,
        "end_year": end.year,
        "year": end.year,
        "month": end.month,
        "year_start": datetime.date(end.year, 1, 1),
        "year_end": datetime.date(end.year, 12, 31),
    }
    if summaries and start.year == end.year:
        public, age_sex_sql, domains_sql, overall_sql = (
            PUBLIC_SUMMARIES,
            AGE_SEX_SUMMARIES,
            DOMAINS_SUMMARIES_ONE_YEAR,
            DOMAINS_OVERALL_SUMMARIES_ONE_YEAR,
        )
    elif summaries:
        public, age_sex_sql, domains_sql, overall_sql = (
            PUBLIC_SUMMARIES,
            AGE_SEX_SUMMARIES,
            DOMAINS_SUMMARIES,
            DOMAINS_OVERALL_SUMMARIES,
        )
    else:
        public, age_sex_sql, domains_sql, overall_sql = PUBLIC, AGE_SEX, DOMAINS, DOMAINS_OVERALL
    with connection.cursor() as cursor:
        if summaries and start == params["year_start"]:
            if end != params["year_end"]:
                cursor.execute(YEAR_DATED_LATER, params)
            if end == params["year_end"] or not cursor.fetchone()[0]:
                public, age_sex_sql = PUBLIC_TEAM_YEARS, AGE_SEX_TEAM_YEARS
        cursor.execute(public, params)
        levels: dict = {}
        new = 0
        for level, n, first_met in cursor.fetchall():
            key = level if level in ("paei", "asep", "accroche") else ""
            levels[key] = levels.get(key, 0) + n
            new += first_met
        cursor.execute(age_sex_sql, params)
        age_sex: dict = {}
        for age, sex, n in cursor.fetchall():
            key = (_bracket(age, brackets), sex or "")
            age_sex[key] = age_sex.get(key, 0) + n
        if summaries and start.year == end.year:
            cursor.execute(YEAR_OVERFLOWED, params)
            if not cursor.fetchone()[0]:
                domains_sql, overall_sql = DOMAINS_TEAM_YEARS, DOMAINS_OVERALL_TEAM_YEARS
        cursor.execute(domains_sql, params)
        domains = {code: (int(total), int(youths)) for code, total, youths in cursor.fetchall() if youths}
        cursor.execute(overall_sql, params)
        domain_overall = tuple(int(figure) for figure in cursor.fetchone())
        cursor.execute(PRESENCE, params)
        by_place, by_quartier = {}, {}
        for place, commune, quartier, grouped_by_quartier, sessions, minutes, person_minutes in cursor.fetchall():
            if grouped_by_quartier:
                by_quartier[(commune, quartier or "")] = (sessions, int(minutes), int(person_minutes))
            else:
                by_place[place] = (sessions, int(minutes), int(person_minutes))
        actions = {}
        if with_actions:
            cursor.execute(ACTIONS, params)
            actions = {
                (kind, title): (times, youths, int(anonymous), first, last, tuple(names))
                for kind, title, times, youths, anonymous, first, last, names in cursor.fetchall()
            }
    total = sum(levels.values())
    return {
        "public": {
            "total": total,
            **{k: levels.get(k, 0) for k in ("paei", "asep", "accroche", "")},
            "new": new,
            "continuing": total - new,
        },
        "age_sex": {k: v for k, v in sorted(age_sex.items()) if v},
        "domains": dict(sorted(domains.items())),
        "domain_overall": domain_overall,
        "presence_by_place": dict(sorted(by_place.items())),
        "presence_by_quartier": dict(sorted(by_quartier.items())),
        "actions": dict(sorted(actions.items())),
    }


COMPARED_GROUPINGS = (("level", "is_new"), ("age", "sex"))


def builder_figures(scope: Scope, start: datetime.date, end: datetime.date, *, with_actions: bool = True) -> dict:
    # As `build_bilan` calls them, the youth tables share one grouped statement; here it groups by what
    # these figures need, as the floor's statements do (the bilan's five other youth tables and their
    # situation and quartier joins are no part of the comparison).
    with shared_youth_facts(COMPARED_GROUPINGS):
        return _builder_figures(scope, start, end, with_actions)


def _builder_figures(scope: Scope, start: datetime.date, end: datetime.date, with_actions: bool) -> dict:
    public = build_public(scope=scope, start=start, end=end)
    age_sex: dict = {}
    for row in build_age_sex(scope=scope, start=start, end=end).rows:
        for sex, n in (("H", row.h), ("F", row.f), ("NB", row.nb), ("", row.unknown)):
            if n:
                age_sex[(row.key, sex)] = n
    domain_table = build_domains(scope=scope, start=start, end=end)
    presence = build_presence(scope=scope, start=start, end=end)
    actions = {
        (group.kind, item.title): (
            item.times,
            item.youths,
            item.anonymous_participants,
            item.first_date,
            item.last_date,
            item.partners,
        )
        for group in (build_specific_actions(scope=scope, start=start, end=end) if with_actions else ())
        for item in group.items
    }
    return {
        "public": {
            "total": public.total,
            "paei": public.paei,
            "asep": public.asep,
            "accroche": public.accroche,
            "": public.level_unknown,
            "new": public.new,
            "continuing": public.continuing,
        },
        "age_sex": dict(sorted(age_sex.items())),
        "domains": dict(sorted((r.code, (r.total, r.youths)) for r in domain_table.rows if r.total)),
        "domain_overall": (domain_table.interventions, domain_table.youths),
        "presence_by_place": dict(
            sorted((r.key, (r.sessions, r.minutes, r.person_minutes)) for r in presence.by_place if r.sessions)
        ),
        "presence_by_quartier": {
            tuple(r.key.split("/", 1)): (r.sessions, r.minutes, r.person_minutes) for r in presence.by_quartier
        },
        "actions": dict(sorted(actions.items())),
    }
