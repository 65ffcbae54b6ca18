"""Each youth's years in relation with the team (`YouthYearFacts`) and their counts per team and year
(`TeamYearFacts`) are brought up to date from every marked write before they are read, on both databases,
and the youth tables of a
whole year (or of 1 January to a day with nothing dated later) read the same figures from the counts as
from the youths themselves.

The bilan and the funders' dashboards count their youths from these rows: a row gone stale, a count left
behind by a deleted youth, or the counts read for a period they do not describe, would show a wrong
figure to the funders.
"""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

import reports.builders.youths as youth_builders
from actions.models import CollectiveAction, Intervention
from actions.services import intervention_record
from actions.summaries import (
    SUMMARIES,
    summaries_differences,
    summaries_rebuild,
    team_year_facts_rows,
    year_facts_rows,
    youth_year_rows,
)
from privacy.services import youth_anonymise
from reports.builders import Scope, build_bilan, build_public
from reports.builders.youths import (
    SHARED_GROUPINGS,
    _all_groupings,
    _kept_groupings,
    shared_youth_facts,
    year_facts_apply,
)
from reports.dashboards.builders import build_dashboard
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.concurrency import start_other_transaction
from tests.emps.factories import QuartierFactory
from tests.summaries import fresh
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory
from youths.enums import Level
from youths.models import Origin, Situation, SituationRecord, SupportEpisode, TeamYearFacts, Youth, YouthYearFacts
from youths.services import youth_change_level, youth_close_support, youth_create, youth_set_situation

pytestmark = pytest.mark.django_db

D = datetime.date
Breakdown = TeamYearFacts.Breakdown

# Every column of both tables, as rebuild_summaries compares them.
FACTS_FIELDS = next(keys + figures for model, keys, figures in SUMMARIES if model is YouthYearFacts)
COUNT_FIELDS = next(keys + figures for model, keys, figures in SUMMARIES if model is TeamYearFacts)


# --- Helpers --------------------------------------------------------------------------------------


def _tuples(rows, fields) -> list[tuple]:
    """Rows as sorted tuples (booleans as 0/1, whatever the database returned)."""
    return sorted(
        (tuple(int(row[f]) if isinstance(row[f], bool) else row[f] for f in fields) for row in rows),
        key=repr,
    )


def assert_exact() -> None:
    """Both tables hold exactly the rows computed from the youths, interventions, participations,
    episodes and records; no count is zero or negative."""
    expected = year_facts_rows(None, youth_year_rows(None))
    assert _tuples(fresh(YouthYearFacts).values(*FACTS_FIELDS), FACTS_FIELDS) == _tuples(expected, FACTS_FIELDS)
    assert _tuples(fresh(TeamYearFacts).values(*COUNT_FIELDS), COUNT_FIELDS) == _tuples(
        team_year_facts_rows(expected), COUNT_FIELDS
    )
    assert not fresh(TeamYearFacts).filter(youths__lte=0).exists()


def situation(code: str) -> Situation:
    return Situation.objects.get(code=code)


def years(youth) -> dict:
    """{year: (level, situation code, is_new)} of the youth's facts rows."""
    codes = dict(Situation.objects.values_list("pk", "code"))
    return {
        row["year"]: (row["level"], codes.get(row["situation_id"]), row["is_new"])
        for row in fresh(YouthYearFacts).filter(youth=youth).values("year", "level", "situation_id", "is_new")
    }


def counts(team, year, breakdown) -> dict:
    """{the breakdown's own columns: youths} of a team's year."""
    columns = {
        Breakdown.LEVEL: ("level", "is_new"),
        Breakdown.BIRTH: ("birth_year", "birth_month", "sex"),
        Breakdown.ORIGIN: ("origin_key", "sex"),
        Breakdown.SITUATION: ("situation_key", "sex"),
        Breakdown.PLACE: ("commune_key", "quartier_key", "level"),
    }[breakdown]
    rows = fresh(TeamYearFacts).filter(team=team, year=year, breakdown=breakdown).values(*columns, "youths")
    return {tuple(row[c] for c in columns): row["youths"] for row in rows}


def team_years(team) -> dict:
    """{year: youths counted} of a team (each breakdown counts every youth once: they must agree)."""
    result = {}
    for year in set(fresh(TeamYearFacts).filter(team=team).values_list("year", flat=True)):
        totals = {sum(counts(team, year, breakdown).values()) for breakdown in Breakdown}
        assert len(totals) == 1, (year, totals)
        result[year] = totals.pop()
    return result


def normalised(groupings: dict) -> dict:
    """Each grouping's rows as a sorted list of (facts..., n) tuples."""
    return {
        grouping: sorted((tuple(row[name] for name in grouping) + (row["n"],) for row in rows), key=repr)
        for grouping, rows in groupings.items()
    }


def delete_youth(youth) -> None:
    """As an administrator does: the youth's interventions, episodes and records first (protected), then
    the youth (its participations go with it)."""
    with transaction.atomic():
        Intervention.objects.filter(youth=youth).delete()
        SupportEpisode.objects.filter(youth=youth).delete()
        SituationRecord.objects.filter(youth=youth).delete()
        Youth.objects.get(pk=youth.pk).delete()


@pytest.fixture
def centre(team):
    """A second quartier of the team's commune, outside the QPV."""
    return QuartierFactory(commune=team.communes.get(), name="Centre", is_qpv=False)


@pytest.fixture
def lens(other_team):
    return other_team.communes.get()


# --- 1. Exact rows after each kind of write -------------------------------------------------------


def test_a_youths_years_follow_its_interventions_episodes_and_situations(team, educator):
    commune = team.communes.get()
    youth = youth_create(
        youth=Youth(
            team=team,
            first_name="Inès",
            sex="F",
            birth_year=2008,
            birth_month=5,
            commune=commune,
            origin=Origin.objects.get(code="partenaire"),
            first_met_on=D(2024, 3, 10),
        ),
        situation=situation("scolarise"),
    )
    assert years(youth) == {2024: ("accroche", "scolarise", True)}
    partenaire, scolarise = Origin.objects.get(code="partenaire").pk, situation("scolarise").pk
    assert counts(team, 2024, Breakdown.LEVEL) == {("accroche", True): 1}
    assert counts(team, 2024, Breakdown.BIRTH) == {(2008, 5, "F"): 1}
    assert counts(team, 2024, Breakdown.ORIGIN) == {(partenaire, "F"): 1}
    assert counts(team, 2024, Breakdown.SITUATION) == {(scolarise, "F"): 1}
    assert counts(team, 2024, Breakdown.PLACE) == {(commune.pk, 0, "accroche"): 1}
    # Each breakdown leaves the other columns blank.
    assert fresh(TeamYearFacts).filter(breakdown=Breakdown.LEVEL).values("birth_year", "sex", "commune_key").get() == {
        "birth_year": 0,
        "sex": "",
        "commune_key": 0,
    }
    assert_exact()

    # An intervention the next year: a second year, no longer new.
    [intervention] = intervention_record(youths=[youth], date=D(2025, 2, 1), domains=[], author=educator)
    assert years(youth) == {2024: ("accroche", "scolarise", True), 2025: ("accroche", "scolarise", False)}
    assert counts(team, 2025, Breakdown.LEVEL) == {("accroche", False): 1}
    assert_exact()

    # Episodes: the highest level overlapping the year.
    youth_change_level(youth=youth, level=Level.ASEP, on=D(2025, 6, 1))
    assert years(youth) == {2024: ("accroche", "scolarise", True), 2025: ("asep", "scolarise", False)}
    youth_change_level(youth=youth, level=Level.ACCROCHE, on=D(2025, 9, 1))
    assert years(youth)[2025] == ("asep", "scolarise", False)  # still the highest that year
    assert_exact()

    # A situation recorded during 2025: in force on 31 December 2025, not in 2024.
    youth_set_situation(youth=youth, situation=situation("emploi"), on=D(2025, 3, 1))
    assert years(youth) == {2024: ("accroche", "scolarise", True), 2025: ("asep", "emploi", False)}
    youth_set_situation(youth=youth, situation=situation("formation"), on=D(2025, 3, 1))  # same day: replaced
    assert years(youth)[2025] == ("asep", "formation", False)
    assert_exact()

    # The intervention moved to 2026: the 2025 year goes, the 2026 one comes.
    intervention.date = D(2026, 1, 5)
    intervention.save()
    assert years(youth) == {2024: ("accroche", "scolarise", True), 2026: ("accroche", "formation", False)}
    assert team_years(team) == {2024: 1, 2026: 1}
    assert_exact()

    # PAEI from November 2025, closed on 31 December, then ASEP in 2026.
    youth_change_level(youth=youth, level=Level.PAEI, on=D(2025, 11, 1))
    assert years(youth)[2026] == ("paei", "formation", False)
    youth_close_support(youth=youth, on=D(2025, 12, 31))
    assert years(youth)[2026] == ("paei", "formation", False)  # none in 2026: the latest begun
    youth_change_level(youth=youth, level=Level.ASEP, on=D(2026, 2, 1))
    assert years(youth)[2026] == ("asep", "formation", False)
    assert_exact()

    # The first episode's level edited (the form's save), then the episode deleted.
    first = youth.episodes.get(started_on=D(2024, 3, 10))
    first.level = Level.PAEI
    first.save()
    assert years(youth)[2024] == ("paei", "scolarise", True)
    first.delete()
    assert years(youth)[2024] == (None, "scolarise", True)  # no episode begun by the end of 2024
    assert_exact()

    # A collective action in 2023: a year before the first meeting (not met for the first time in 2023,
    # no level yet, the earliest situation); moved to 2026, then to 2027; the participant removed and
    # added again; the action deleted.
    action = CollectiveActionFactory(team=team, date=D(2023, 7, 10), participants=[youth])
    assert years(youth)[2023] == (None, "scolarise", False)
    action.date = D(2027, 1, 2)
    action.save()
    assert set(years(youth)) == {2024, 2026, 2027}
    assert years(youth)[2027] == ("asep", "formation", False)
    action.participants.remove(youth)
    assert set(years(youth)) == {2024, 2026}
    action.participants.add(youth)
    assert set(years(youth)) == {2024, 2026, 2027}
    assert team_years(team) == {2024: 1, 2026: 1, 2027: 1}
    assert_exact()
    action.delete()
    assert set(years(youth)) == {2024, 2026}
    assert team_years(team) == {2024: 1, 2026: 1}  # the 2027 counts went with it, none left at zero

    # The intervention deleted: only the year of the first meeting is left.
    intervention.delete()
    assert set(years(youth)) == {2024}
    assert team_years(team) == {2024: 1}
    assert_exact()
    assert summaries_differences() == {}


def test_editing_a_youth_moves_its_counts(team, other_team, darcy, centre, lens):
    youth = YouthFactory(team=team, first_met_on=D(2024, 1, 15), sex="H", birth_year=2009, birth_month=4)
    InterventionFactory(youth=youth, date=D(2025, 3, 3))
    other = YouthFactory(team=team, first_met_on=D(2024, 5, 5))  # H, 2010-03, no quartier
    assert counts(team, 2024, Breakdown.BIRTH) == {(2009, 4, "H"): 1, (2010, 3, "H"): 1}
    assert_exact()

    youth.sex = "F"
    youth.save()
    assert counts(team, 2024, Breakdown.BIRTH) == {(2009, 4, "F"): 1, (2010, 3, "H"): 1}
    assert counts(team, 2025, Breakdown.SITUATION) == {(0, "F"): 1}  # no situation recorded
    youth.birth_year, youth.birth_month = 2011, None
    youth.save()
    assert counts(team, 2025, Breakdown.BIRTH) == {(2011, 0, "F"): 1}
    youth.birth_year = None
    youth.save()
    assert counts(team, 2025, Breakdown.BIRTH) == {(0, 0, "F"): 1}
    assert_exact()

    commune = team.communes.get()
    youth.quartier = darcy
    youth.save()
    assert counts(team, 2024, Breakdown.PLACE) == {(commune.pk, darcy.pk, ""): 1, (commune.pk, 0, ""): 1}
    youth.quartier = centre
    youth.origin = None
    youth.save()
    assert counts(team, 2025, Breakdown.PLACE) == {(commune.pk, centre.pk, ""): 1}
    assert counts(team, 2025, Breakdown.ORIGIN) == {(0, "F"): 1}
    assert_exact()

    # The first meeting moved a year later: 2025 becomes the year they were new, 2024 goes.
    youth.first_met_on = D(2025, 1, 1)
    youth.save()
    assert years(youth) == {2025: (None, None, True)}
    assert team_years(team) == {2024: 1, 2025: 1}
    assert_exact()

    # A queryset update (as an admin action or an import does).
    Youth.objects.filter(pk=youth.pk).update(sex="NB")
    assert counts(team, 2025, Breakdown.ORIGIN) == {(0, "NB"): 1}
    assert_exact()

    # The youth moves to another team: their years go with them, the team keeps only the other youth.
    youth.team, youth.commune, youth.quartier = other_team, lens, None
    youth.save()
    assert team_years(team) == {2024: 1}
    assert team_years(other_team) == {2025: 1}
    assert counts(other_team, 2025, Breakdown.PLACE) == {(lens.pk, 0, ""): 1}
    assert set(fresh(YouthYearFacts).filter(youth=youth).values_list("team", flat=True)) == {other_team.pk}
    assert_exact()
    assert years(other) == {2024: (None, None, True)}


def test_anonymising_a_youth_rewrites_its_years_without_the_birth_month(team):
    youth = YouthFactory(team=team, first_met_on=D(2024, 1, 15), birth_year=2009, birth_month=4, with_episode=True)
    InterventionFactory(youth=youth, date=D(2025, 3, 3))
    youth_anonymise(youth=youth, reason="durée de conservation dépassée")
    assert set(fresh(YouthYearFacts).filter(youth=youth).values_list("birth_year", "birth_month")) == {(2009, None)}
    assert counts(team, 2025, Breakdown.BIRTH) == {(2009, 0, "H"): 1}
    assert_exact()


def test_deleting_a_youth_removes_its_years_and_the_counts_back_to_zero(team, educator):
    leaving = YouthFactory(team=team, first_met_on=D(2024, 2, 1), with_episode=True)
    SituationRecordFactory(youth=leaving, started_on=D(2024, 2, 1))
    InterventionFactory(youth=leaving, date=D(2025, 4, 4))
    CollectiveActionFactory(team=team, date=D(2026, 5, 5), participants=[leaving])
    staying = YouthFactory(team=team, first_met_on=D(2024, 6, 1))
    CollectiveActionFactory(team=team, date=D(2024, 7, 7), participants=[leaving, staying])
    assert team_years(team) == {2024: 2, 2025: 1, 2026: 1}
    assert_exact()

    delete_youth(leaving)
    assert not fresh(YouthYearFacts).filter(youth_id=leaving.pk).exists()
    assert team_years(team) == {2024: 1}  # 2025 and 2026 had only them: no row left, none at zero
    assert counts(team, 2024, Breakdown.LEVEL) == {("", True): 1}
    assert not fresh(TeamYearFacts).filter(youths__lte=0).exists()
    assert_exact()

    delete_youth(staying)
    assert not fresh(YouthYearFacts).exists()
    assert not fresh(TeamYearFacts).exists()
    assert summaries_differences() == {}


def test_imports_and_queryset_writes_keep_the_rows_exact(team, other_team):
    """The import and the admin write in bulk, or by queryset: the rows follow as well."""
    commune, presence = team.communes.get(), Origin.objects.get(code="presence")
    Youth.objects.bulk_create(
        [
            Youth(
                team=team,
                reference=f"HB-9{n:03d}",
                first_name="Import",
                sex="F",
                commune=commune,
                origin=presence,
                first_met_on=D(2023 + n % 3, 1 + n % 12, 1),
            )
            for n in range(6)
        ]
    )
    youths = list(Youth.objects.filter(reference__startswith="HB-9").order_by("reference"))
    assert team_years(team) == {2023: 2, 2024: 2, 2025: 2}
    Intervention.objects.bulk_create([Intervention(youth=y, date=D(2026, 2, 2)) for y in youths[:3]])
    assert team_years(team)[2026] == 3
    SupportEpisode.objects.bulk_create(
        [SupportEpisode(youth=y, level=Level.ASEP, started_on=y.first_met_on) for y in youths]
    )
    SupportEpisode.objects.filter(youth=youths[0]).update(level=Level.PAEI)
    assert years(youths[0])[2026][0] == "paei"
    SituationRecord.objects.bulk_create(
        [SituationRecord(youth=y, situation=situation("rupture"), started_on=D(2025, 6, 1)) for y in youths]
    )
    assert_exact()

    action = CollectiveActionFactory(team=team, date=D(2022, 5, 5))
    CollectiveAction.participants.through.objects.bulk_create(
        [CollectiveAction.participants.through(collectiveaction=action, youth=y) for y in youths]
    )
    assert team_years(team)[2022] == 6
    CollectiveAction.objects.filter(pk=action.pk).update(date=D(2021, 5, 5))
    assert 2022 not in team_years(team)
    assert team_years(team)[2021] == 6
    Intervention.objects.filter(youth=youths[0]).update(date=D(2027, 1, 1))
    Intervention.objects.filter(youth=youths[1]).update(youth=youths[2])  # moved to another youth
    assert team_years(team)[2026] == 1
    Youth.objects.filter(pk__in=[y.pk for y in youths[:2]]).update(team=other_team, commune=other_team.communes.get())
    assert team_years(other_team)[2021] == 2
    assert_exact()
    CollectiveAction.participants.through.objects.filter(youth__in=youths[:4]).delete()
    assert team_years(team)[2021] == 2
    assert_exact()


def test_a_restore_loading_a_youth_after_its_interventions_counts_them_then(team):
    youth = YouthFactory(team=team, first_met_on=D(2023, 2, 2))
    intervention = InterventionFactory(youth=youth, date=D(2024, 9, 9))
    Intervention.objects.filter(pk=intervention.pk).update(youth_id=youth.pk + 1000)  # its youth, not yet there
    assert years(youth) == {2023: (None, None, True)}
    assert_exact()
    YouthFactory(team=team, pk=youth.pk + 1000, first_met_on=D(2023, 3, 3))
    assert set(years(youth.pk + 1000)) == {2023, 2024}
    assert_exact()


# --- 2. Random writes of every kind ---------------------------------------------------------------


def _random_day(rng: random.Random, first: int = 2022, last: int = 2026) -> datetime.date:
    return D(first, 1, 1) + datetime.timedelta(days=rng.randrange((D(last, 12, 31) - D(first, 1, 1)).days + 1))


def _change_level(youth, rng: random.Random) -> None:
    """A valid `youth_change_level`: after the open episode's start at another level, else after the last end."""
    episodes = list(youth.episodes.order_by("started_on"))
    current = next((e for e in episodes if e.ended_on is None), None)
    if current is not None:
        on = current.started_on + datetime.timedelta(days=rng.randrange(1, 400))
        level = rng.choice([value for value in Level.values if value != current.level])
    else:
        last = max((e.ended_on for e in episodes), default=None)
        on = last + datetime.timedelta(days=rng.randrange(1, 300)) if last else _random_day(rng)
        level = rng.choice(Level.values)
    youth_change_level(youth=youth, level=level, on=on)


def _random_write(rng: random.Random, teams, quartiers, educator) -> None:
    # In the order of their ids: the youths' default order (by first name) would follow the factory's
    # random names and make the sequence of writes change from run to run.
    youths = list(Youth.objects.order_by("pk"))
    interventions = list(Intervention.objects.order_by("pk"))
    actions = list(CollectiveAction.objects.order_by("pk"))
    action = rng.random()
    youth = rng.choice(youths) if youths else None
    if action < 0.08 or len(youths) < 4:
        team = rng.choice(teams)
        YouthFactory(team=team, first_met_on=_random_day(rng), with_episode=rng.random() < 0.7)
    elif action < 0.16:
        field = rng.choice(["sex", "birth", "quartier", "origin", "first_met_on", "team"])
        if field == "sex":
            youth.sex = rng.choice(["H", "F", "NB", ""])
        elif field == "birth":
            youth.birth_year = rng.choice([None, 2005, 2008, 2011])
            youth.birth_month = rng.choice([None, 1, 6, 12]) if youth.birth_year else None
        elif field == "quartier":
            youth.quartier = rng.choice([None, *quartiers.get(youth.commune_id, [])])
        elif field == "origin":
            youth.origin = rng.choice([None, *Origin.objects.order_by("pk")])
        elif field == "first_met_on":
            youth.first_met_on = _random_day(rng)
        else:
            youth.team = rng.choice(teams)
            youth.commune, youth.quartier = youth.team.communes.get(), None
        youth.save()
    elif action < 0.28:
        if rng.random() < 0.5:
            intervention_record(youths=[youth], date=_random_day(rng, 2023), domains=[], author=educator)
        else:
            InterventionFactory(youth=youth, date=_random_day(rng, 2023))
    elif action < 0.36 and interventions:
        intervention = rng.choice(interventions)
        intervention.date = _random_day(rng, 2023)
        intervention.save()
    elif action < 0.40 and interventions:
        Intervention.objects.filter(pk=rng.choice(interventions).pk).update(youth=youth)
    elif action < 0.46 and interventions:
        rng.choice(interventions).delete()
    elif action < 0.52:
        CollectiveActionFactory(
            team=rng.choice(teams), date=_random_day(rng, 2023), participants=rng.sample(youths, rng.randint(0, 3))
        )
    elif action < 0.60 and actions:
        chosen = rng.choice(actions)
        if rng.random() < 0.5:
            chosen.participants.add(youth)
        else:
            chosen.participants.remove(youth)
    elif action < 0.65 and actions:
        chosen = rng.choice(actions)
        chosen.date = _random_day(rng, 2023)
        chosen.save()
    elif action < 0.68 and actions:
        rng.choice(actions).delete()
    elif action < 0.76:
        _change_level(youth, rng)
    elif action < 0.80:
        current = youth.episodes.filter(ended_on__isnull=True).first()
        if current is not None:
            youth_close_support(youth=youth, on=current.started_on + datetime.timedelta(days=rng.randrange(0, 300)))
    elif action < 0.85 and youth.episodes.exists():
        episode = rng.choice(list(youth.episodes.order_by("pk")))
        if rng.random() < 0.5:
            episode.level = rng.choice(Level.values)
            episode.save()
        else:
            episode.delete()
    elif action < 0.93:
        youth_set_situation(
            youth=youth, situation=rng.choice(list(Situation.objects.order_by("pk"))), on=_random_day(rng, 2021)
        )
    elif action < 0.96 and youth.situations.exists():
        rng.choice(list(youth.situations.order_by("pk"))).delete()
    else:
        delete_youth(youth)


def test_random_writes_keep_both_tables_exact_and_the_rebuild_mends_them(team, other_team, educator, darcy, centre):
    rng = random.Random(7)
    teams = [team, other_team]
    quartiers = {team.communes.get().pk: [darcy, centre]}
    for step in range(100):
        _random_write(rng, teams, quartiers, educator)
        if step % 25 == 24:
            assert summaries_differences() == {}, f"after step {step}"
    assert_exact()
    assert summaries_differences() == {}
    assert fresh(YouthYearFacts).count() > 10 and fresh(TeamYearFacts).values("team").distinct().count() == 2

    # A count written by hand (as a write that bypassed the marks would leave it) is found, then mended.
    row = fresh(TeamYearFacts).order_by("pk").first()
    fresh(TeamYearFacts).filter(pk=row.pk).update(youths=F("youths") + 1)
    assert summaries_differences() == {"youths_teamyearfacts": (1, 1)}
    with pytest.raises(CommandError, match="youths_teamyearfacts : 1 ligne"):
        call_command("rebuild_summaries", "--check")
    summaries_rebuild()
    assert summaries_differences() == {}

    # A facts row written by hand (the counts do not follow it): found, then mended.
    facts = fresh(YouthYearFacts).exclude(level="paei").order_by("pk").first()
    fresh(YouthYearFacts).filter(pk=facts.pk).update(level=Level.PAEI)
    assert set(summaries_differences()) == {"youths_youthyearfacts"}
    fresh(YouthYearFacts).filter(pk=fresh(YouthYearFacts).order_by("-pk").first().pk).delete()
    written = summaries_rebuild()
    assert written["youths_youthyearfacts"] == len(year_facts_rows(None, youth_year_rows(None)))
    assert summaries_differences() == {}
    assert_exact()


# --- 3. The counts read the same youth tables as the youths themselves ----------------------------

TODAY = D(2026, 5, 15)  # nothing is dated after it: the dashboard's "this year" of 2026


def random_histories(rng: random.Random, teams, quartiers, count: int) -> dict:
    """`count` youths with random facts, episodes, situations, interventions and participations over
    2022 to TODAY; returns {team id: every date of its youths' first meetings, interventions, episode and
    record starts and participations}."""
    situations, origins = list(Situation.objects.order_by("pk")), list(Origin.objects.order_by("pk"))

    def day(first=2022):
        return D(first, 1, 1) + datetime.timedelta(days=rng.randrange((TODAY - D(first, 1, 1)).days + 1))

    dates: dict = {team.pk: [] for team in teams}
    youths = []
    for _ in range(count):
        team = rng.choice(teams)
        birth_year = rng.choice([None, *range(1999, 2014)])
        youth = Youth.objects.create(
            team=team,
            first_name="J",
            sex=rng.choice(["H", "H", "F", "F", "NB", ""]),
            birth_year=birth_year,
            birth_month=rng.choice([None, *range(1, 13)]) if birth_year else None,
            commune=team.communes.get(),
            quartier=rng.choice([None, *quartiers.get(team.pk, [])]),
            origin=rng.choice([None, *origins]),
            first_met_on=day(),
        )
        youths.append(youth)
        dates[team.pk].append(youth.first_met_on)
        start = day()
        for index in range(rng.randrange(5)):
            end = start + datetime.timedelta(days=rng.randrange(0, 300))
            is_open = end > TODAY or (index and rng.random() < 0.3)
            SupportEpisode.objects.create(
                youth=youth, level=rng.choice(Level.values), started_on=start, ended_on=None if is_open else end
            )
            dates[team.pk].append(start)
            start = end + datetime.timedelta(days=rng.randrange(1, 200))
            if is_open or start > TODAY:
                break
        for started_on in sorted({day() for _ in range(rng.randrange(4))}):
            SituationRecord.objects.create(youth=youth, situation=rng.choice(situations), started_on=started_on)
            dates[team.pk].append(started_on)
        for _ in range(rng.randrange(5)):
            intervention = Intervention.objects.create(youth=youth, date=day(2023))
            dates[team.pk].append(intervention.date)
    for _ in range(10):
        action = CollectiveActionFactory(team=rng.choice(teams), date=day(2023))
        participants = rng.sample(youths, rng.randint(1, 5))  # some from the other team
        action.participants.set(participants)
        for youth in participants:
            dates[youth.team_id].append(action.date)
    return dates


def later_dated(dates: dict, scope: Scope, end: datetime.date) -> bool:
    """Whether something of the scope's youths is dated after `end` in its year."""
    return any(end < day <= D(end.year, 12, 31) for team_id in scope.team_ids for day in dates[team_id])


def test_the_counts_give_the_same_youth_tables_as_the_youths(team, other_team, darcy, centre):
    rng = random.Random(5)
    lens_quartier = QuartierFactory(commune=other_team.communes.get(), name="Grande Résidence", is_qpv=True)
    quartiers = {team.pk: [darcy, centre], other_team.pk: [lens_quartier]}
    dates = random_histories(rng, [team, other_team], quartiers, 40)
    assert summaries_differences() == {}
    compared, partial = 0, 0
    for scope in (Scope.for_team(team), Scope.of(teams=[team, other_team])):
        for year in range(2023, 2027):
            in_year = sorted(day for t in scope.team_ids for day in dates[t] if day.year == year)
            last = in_year[-1]
            ends = {D(year, 12, 31), last, last - datetime.timedelta(days=1), D(year, 1, 1), D(year, 6, 30)}
            ends |= {D(year, 1, 1) + datetime.timedelta(days=rng.randrange(365)) for _ in range(4)}
            ends |= set(in_year[-3:])
            for end in sorted(ends):
                start = D(year, 1, 1)
                applies = year_facts_apply(scope, start, end)
                # Exactly when nothing of the scope's youths is dated later that year.
                assert applies == (end == D(year, 12, 31) or not later_dated(dates, scope, end)), (scope, end)
                if not applies:
                    continue
                kept = _kept_groupings(scope, start, end, SHARED_GROUPINGS)
                live = _all_groupings(scope, start, end, SHARED_GROUPINGS)
                assert normalised(kept) == normalised(live), (scope.team_ids, start, end)
                compared += 1
                partial += end != D(year, 12, 31)
    assert compared >= 12 and partial >= 4  # whole years and years to date were compared
    whole = _all_groupings(Scope.for_team(team), D(2025, 1, 1), D(2025, 12, 31), SHARED_GROUPINGS)
    groupings = normalised(whole)
    assert sum(row[-1] for row in groupings["level", "is_new"]) > 5  # not empty tables
    assert {row[1] for row in groupings["level", "is_new"]} == {True, False}


# --- 4. When the counts describe the period ---------------------------------------------------------

LATER = D(2024, 9, 1)
END = D(2024, 6, 30)


def _dated_later(kind: str, team, action_team, on: datetime.date) -> None:
    """Something of a youth of `team` dated `on`: a first meeting, an intervention, a participation (in an
    action of `action_team`), an episode start or a situation record."""
    if kind == "first meeting":
        YouthFactory(team=team, first_met_on=on)
        return
    youth = YouthFactory(team=team, first_met_on=D(2023, 5, 1))
    if kind == "intervention":
        InterventionFactory(youth=youth, date=on)
    elif kind == "participation":
        CollectiveActionFactory(team=action_team, date=on, participants=[youth])
    elif kind == "episode":
        SupportEpisodeFactory(youth=youth, started_on=on)
    else:
        SituationRecordFactory(youth=youth, started_on=on)


@pytest.fixture
def in_relation(team, other_team):
    """A youth of each team in relation in the first half of 2024."""
    for each in (team, other_team):
        youth = YouthFactory(team=each, first_met_on=D(2024, 2, 1), with_episode=True)
        SituationRecordFactory(youth=youth, started_on=D(2024, 2, 1))
        InterventionFactory(youth=youth, date=D(2024, 3, 3))


KINDS = ["first meeting", "intervention", "participation", "episode", "situation"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_counts_do_not_describe_a_year_to_date_with_something_of_the_teams_youths_dated_later(
    kind, team, other_team, in_relation
):
    team_scope, both = Scope.for_team(team), Scope.of(teams=[team, other_team])
    assert year_facts_apply(team_scope, D(2024, 1, 1), END)
    # In an action of the other team: the participant's own team is what counts.
    _dated_later(kind, team, other_team, LATER)
    assert not year_facts_apply(team_scope, D(2024, 1, 1), END)
    assert not year_facts_apply(both, D(2024, 1, 1), END)
    assert year_facts_apply(team_scope, D(2024, 1, 1), LATER)  # up to that day: nothing after it
    assert year_facts_apply(team_scope, D(2024, 1, 1), D(2024, 12, 31))
    assert year_facts_apply(Scope.for_team(other_team), D(2024, 1, 1), END)  # not the other team's youth


@pytest.mark.parametrize("kind", KINDS)
def test_something_dated_later_of_another_teams_youth_leaves_the_counts_applying(kind, team, other_team, in_relation):
    team_scope, both = Scope.for_team(team), Scope.of(teams=[team, other_team])
    _dated_later(kind, other_team, team, LATER)  # a youth of the other team, in an action of this one
    assert year_facts_apply(team_scope, D(2024, 1, 1), END)
    assert not year_facts_apply(Scope.for_team(other_team), D(2024, 1, 1), END)
    assert not year_facts_apply(both, D(2024, 1, 1), END)


@pytest.mark.parametrize("kind", KINDS)
def test_something_dated_on_the_last_day_or_the_next_year_leaves_the_counts_applying(
    kind, team, other_team, in_relation
):
    scope = Scope.for_team(team)
    _dated_later(kind, team, team, END)  # on the period's last day: inside it
    _dated_later(kind, team, team, D(2025, 1, 1))  # the next year
    assert year_facts_apply(scope, D(2024, 1, 1), END)


def test_the_counts_only_describe_whole_teams_from_the_first_of_january(team, other_team, in_relation):
    commune = team.communes.get()
    assert year_facts_apply(Scope.for_team(team), D(2024, 1, 1), D(2024, 12, 31))
    assert not year_facts_apply(Scope.for_team(team, commune), D(2024, 1, 1), D(2024, 12, 31))
    assert not year_facts_apply(Scope.of(teams=[team], communes=[commune]), D(2024, 1, 1), END)
    assert not year_facts_apply(Scope.for_team(team), D(2024, 1, 2), D(2024, 12, 31))
    assert not year_facts_apply(Scope.for_team(team), D(2023, 12, 31), D(2024, 12, 31))
    assert not year_facts_apply(Scope.for_team(team), D(2023, 1, 1), D(2024, 12, 31))  # two years
    assert not year_facts_apply(Scope.for_team(team), D(2024, 3, 1), END)


# --- 5. The figures a user reads are the same through both paths ------------------------------------


def _live(monkeypatch):
    """Force the youth tables to be computed from the youths themselves."""
    monkeypatch.setattr(youth_builders, "year_facts_apply", lambda scope, start, end: False)


def _reads_counts(build) -> tuple:
    with CaptureQueriesContext(connection) as captured:
        result = build()
    return result, any("youths_teamyearfacts" in query["sql"] for query in captured)


def test_the_bilan_and_the_dashboard_are_the_same_from_the_counts(team, other_team, darcy, centre, monkeypatch):
    rng = random.Random(17)
    quartiers = {team.pk: [darcy, centre]}
    random_histories(rng, [team, other_team], quartiers, 25)
    scopes = [Scope.for_team(team), Scope.of(teams=[team, other_team])]
    periods = [(D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31)), (D(2026, 1, 1), TODAY)]
    kept = {}
    for scope in scopes:
        for start, end in periods:
            assert year_facts_apply(scope, start, end)
            bilan, read = _reads_counts(lambda s=scope, a=start, b=end: build_bilan(scope=s, start=a, end=b))
            assert read, "the bilan of a whole year reads the counts"
            dashboard, read = _reads_counts(lambda s=scope, a=start, b=end: build_dashboard(scope=s, start=a, end=b))
            assert read
            public, read = _reads_counts(lambda s=scope, a=start, b=end: build_public(scope=s, start=a, end=b))
            assert read, "a youth table alone reads the counts too"
            kept[scope.team_ids[-1], start] = (bilan, dashboard, public)
    assert kept[team.pk, D(2025, 1, 1)][0].public.total > 0

    _live(monkeypatch)
    for scope in scopes:
        for start, end in periods:
            bilan, read = _reads_counts(lambda s=scope, a=start, b=end: build_bilan(scope=s, start=a, end=b))
            assert not read
            dashboard = build_dashboard(scope=scope, start=start, end=end)
            public = build_public(scope=scope, start=start, end=end)
            assert (bilan, dashboard, public) == kept[scope.team_ids[-1], start], (scope.team_ids, start, end)


def test_the_whole_years_figures_come_from_the_counts(team, in_relation):
    """Proof the counts are read: a count written by hand changes the whole year's figure, and not that of
    a period the counts do not describe; the rebuild puts it right."""
    scope = Scope.for_team(team)
    YouthFactory(team=team, first_met_on=D(2024, 11, 5))  # after END: 1 January to END is read live
    whole = build_public(scope=scope, start=D(2024, 1, 1), end=D(2024, 12, 31))
    to_date = build_public(scope=scope, start=D(2024, 1, 1), end=END)
    assert (whole.total, whole.new, to_date.total) == (2, 2, 1)

    corrupted = fresh(TeamYearFacts).filter(team=team, year=2024, breakdown=Breakdown.LEVEL, level="accroche")
    assert corrupted.update(youths=F("youths") + 10) == 1
    assert build_public(scope=scope, start=D(2024, 1, 1), end=D(2024, 12, 31)).total == 2 + 10
    with shared_youth_facts():
        assert build_public(scope=scope, start=D(2024, 1, 1), end=D(2024, 12, 31)).total == 2 + 10
        assert build_public(scope=scope, start=D(2024, 1, 1), end=END).total == 1
    assert build_public(scope=scope, start=D(2024, 1, 1), end=END) == to_date
    assert (
        build_public(scope=Scope.for_team(team, team.communes.get()), start=D(2024, 1, 1), end=D(2024, 12, 31)) == whole
    )

    summaries_rebuild()
    assert build_public(scope=scope, start=D(2024, 1, 1), end=D(2024, 12, 31)) == whole


# --- 6. Two transactions at once (PostgreSQL) -------------------------------------------------------


def _in_two_transactions(first, second) -> list:
    """Run `first` in a transaction, then `second` in another one while the first is still open; return
    the second's errors once both committed. Writers only append marks: the second need not wait."""
    with transaction.atomic():
        first()
        writer, errors = start_other_transaction(second)
        writer.join(1.5)  # PostgreSQL's deadlock_timeout is 1 s: a deadlock would have been found
    writer.join(10)
    assert not writer.is_alive()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_two_transactions_writing_one_youths_interventions_and_episodes_both_count(team):
    youth = YouthFactory(team=team, first_met_on=D(2023, 5, 1), with_episode=True)
    errors = _in_two_transactions(
        lambda: InterventionFactory(youth=youth, date=D(2024, 3, 1)),
        lambda: youth_change_level(youth=Youth.objects.get(pk=youth.pk), level=Level.PAEI, on=D(2024, 6, 1)),
    )
    assert errors == []
    assert years(youth) == {2023: ("accroche", None, True), 2024: ("paei", None, False)}
    errors = _in_two_transactions(
        lambda: SupportEpisode.objects.filter(youth=youth, level=Level.PAEI).update(level=Level.ASEP),
        lambda: Intervention.objects.create(youth_id=youth.pk, date=D(2025, 3, 1)),
    )
    assert errors == []
    assert years(youth) == {2023: ("accroche", None, True), 2024: ("asep", None, False), 2025: ("asep", None, False)}
    assert_exact()
    assert summaries_differences() == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_two_transactions_counting_youths_alike_add_up(team):
    """Two educators record two youths with the same facts at the same moment: both are counted, neither
    overwrites the other nor fails on the count's key."""
    errors = _in_two_transactions(
        lambda: YouthFactory(team=team, reference="HB-0101", first_met_on=D(2024, 4, 1)),
        lambda: YouthFactory(team=team, reference="HB-0102", first_met_on=D(2024, 4, 2)),
    )
    assert errors == []
    assert set(fresh(TeamYearFacts).filter(team=team).values_list("year", "youths")) == {(2024, 2)}
    assert_exact()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_a_count_emptied_by_one_transaction_while_another_adds_to_it(team):
    """The first transaction moves the only youth of a team's year to the year before (the year's counts,
    back to zero, are deleted) while the second records another youth with the same facts that year: the
    counts read afterwards hold both."""
    leaving = YouthFactory(team=team, reference="HB-0201", first_met_on=D(2024, 4, 1))
    assert team_years(team) == {2024: 1}
    errors = _in_two_transactions(
        lambda: Youth.objects.filter(pk=leaving.pk).update(first_met_on=D(2023, 4, 1)),
        lambda: YouthFactory(team=team, reference="HB-0202", first_met_on=D(2024, 4, 2)),
    )
    assert errors == []
    assert team_years(team) == {2023: 1, 2024: 1}
    assert counts(team, 2024, Breakdown.LEVEL) == {("", True): 1}
    assert_exact()
