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

PUBLIC = f"""
    WITH y AS ({YOUTHS_IN_PERIOD})
    SELECT COALESCE(
        (SELECT e.level FROM youths_supportepisode e
         WHERE e.youth_id = y.id AND e.started_on <= %(end)s AND (e.ended_on IS NULL OR e.ended_on >= %(start)s)
         ORDER BY CASE e.level WHEN 'paei' THEN 2 WHEN 'asep' THEN 1 WHEN 'accroche' THEN 0 ELSE -1 END DESC,
                  e.started_on DESC LIMIT 1),
        (SELECT e.level FROM youths_supportepisode e
         WHERE e.youth_id = y.id AND e.started_on <= %(end)s ORDER BY e.started_on DESC LIMIT 1)
    ) AS level, count(*), count(*) FILTER (WHERE y.first_met_on >= %(start)s)
    FROM y GROUP BY 1
"""

AGE_SEX = f"""
    WITH y AS ({YOUTHS_IN_PERIOD})
    SELECT CASE WHEN y.birth_month > %(month)s OR (y.birth_month IS NULL AND %(month)s < 7)
                THEN %(year)s - 1 - y.birth_year ELSE %(year)s - y.birth_year END AS age,
           y.sex, count(*)
    FROM y GROUP BY 1, 2
"""

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
    team_ids: list[int], start: datetime.date, end: datetime.date, brackets, *, with_actions: bool = True
) -> dict:
    params = {"teams": list(team_ids), "start": start, "end": end, "year": end.year, "month": end.month}
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC, params)
        levels: dict = {}
        new = 0
        for level, n, first_met in cursor.fetchall():
            key = level if level in ("paei", "asep", "accroche") else ""
            levels[key] = levels.get(key, 0) + n
            new += first_met
        cursor.execute(AGE_SEX, params)
        age_sex: dict = {}
        for age, sex, n in cursor.fetchall():
            key = (_bracket(age, brackets), sex or "")
            age_sex[key] = age_sex.get(key, 0) + n
        cursor.execute(DOMAINS, params)
        domains = {code: (total, youths) for code, total, youths in cursor.fetchall()}
        cursor.execute(DOMAINS_OVERALL, params)
        domain_overall = tuple(cursor.fetchone())
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


def builder_figures(scope: Scope, start: datetime.date, end: datetime.date, *, with_actions: bool = True) -> dict:
    # As `build_bilan` calls them: the youth tables share one grouped query.
    with shared_youth_facts():
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
