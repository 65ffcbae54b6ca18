"""The floor: the bilan's key figures computed by hand-written SQL (PostgreSQL), to compare with the builders.

`raw_figures(team_ids, start, end, brackets)` and `builder_figures(scope, start, end)` return the same
plain dict: public by level, age bracket x sex, domains (Total, Jeunes), presence minutes, actions by kind.
"""

import datetime

from django.db import connection

from reports.builders import Scope, build_age_sex, build_domains, build_presence, build_public, build_specific_actions

YOUTHS_IN_PERIOD = """
    SELECT y.id, y.sex, y.birth_year, y.birth_month
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
    ) AS level, count(*)
    FROM y GROUP BY 1
"""

AGE_SEX = f"""
    WITH y AS ({YOUTHS_IN_PERIOD})
    SELECT CASE WHEN y.birth_month > %(month)s OR (y.birth_month IS NULL AND %(month)s < 7)
                THEN %(year)s - 1 - y.birth_year ELSE %(year)s - y.birth_year END AS age,
           y.sex, count(*)
    FROM y GROUP BY 1, 2
"""

DOMAINS = """
    SELECT d.code, count(*), count(DISTINCT i.youth_id)
    FROM actions_intervention_domains t
    JOIN actions_intervention i ON i.id = t.intervention_id
    JOIN youths_youth y ON y.id = i.youth_id
    JOIN actions_domain d ON d.id = t.domain_id
    WHERE y.team_id = ANY(%(teams)s) AND i.date BETWEEN %(start)s AND %(end)s
    GROUP BY d.code
"""

PRESENCE = """
    SELECT COALESCE(sum(duration_minutes), 0) FROM actions_presencesession
    WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(start)s AND %(end)s
"""

ACTIONS = """
    SELECT kind, count(*) FROM actions_collectiveaction
    WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(start)s AND %(end)s
    GROUP BY kind
"""


def _bracket(age, brackets) -> str:
    if age is None:
        return "age-inconnu"
    for low, high in brackets:
        if low <= age <= high:
            return f"{low}-{high}"
    return "hors-tranches"


def raw_figures(team_ids: list[int], start: datetime.date, end: datetime.date, brackets) -> dict:
    params = {"teams": list(team_ids), "start": start, "end": end, "year": end.year, "month": end.month}
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC, params)
        levels = {level or "": n for level, n in cursor.fetchall()}
        cursor.execute(AGE_SEX, params)
        age_sex: dict = {}
        for age, sex, n in cursor.fetchall():
            key = (_bracket(age, brackets), sex or "")
            age_sex[key] = age_sex.get(key, 0) + n
        cursor.execute(DOMAINS, params)
        domains = {code: (total, youths) for code, total, youths in cursor.fetchall()}
        cursor.execute(PRESENCE, params)
        presence_minutes = int(cursor.fetchone()[0])
        cursor.execute(ACTIONS, params)
        actions = dict(cursor.fetchall())
    return {
        "levels": {k: levels.get(k, 0) for k in ("paei", "asep", "accroche", "")},
        "age_sex": {k: v for k, v in sorted(age_sex.items()) if v},
        "domains": dict(sorted(domains.items())),
        "presence_minutes": presence_minutes,
        "actions": dict(sorted(actions.items())),
    }


def builder_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    public = build_public(scope=scope, start=start, end=end)
    age_sex: dict = {}
    for row in build_age_sex(scope=scope, start=start, end=end).rows:
        for sex, n in (("H", row.h), ("F", row.f), ("NB", row.nb), ("", row.unknown)):
            if n:
                age_sex[(row.key, sex)] = n
    domains = {r.code: (r.total, r.youths) for r in build_domains(scope=scope, start=start, end=end).rows if r.total}
    return {
        "levels": {"paei": public.paei, "asep": public.asep, "accroche": public.accroche, "": public.level_unknown},
        "age_sex": dict(sorted(age_sex.items())),
        "domains": dict(sorted(domains.items())),
        "presence_minutes": build_presence(scope=scope, start=start, end=end).minutes,
        "actions": dict(sorted((g.kind, g.count) for g in build_specific_actions(scope=scope, start=start, end=end))),
    }
