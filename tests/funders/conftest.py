"""Fixtures of the funders' tests: territories with several teams and communes, youths whose identity
must never reach a funder, published bilans, and the browser for the end-to-end test."""

import datetime

import pytest

from actions.summaries import summaries_bring_up_to_date
from tests.actions.factories import (
    CollectiveActionFactory,
    InterventionFactory,
    PartnerMeetingFactory,
    PresenceSessionFactory,
)
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory
from tests.reports.conftest import seed_bilan, seed_coordinator, seed_team  # noqa: F401 (fixtures reused here)
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def territory(db):
    """Two teams sharing nothing, a third sharing Lens with the second.

    north: Hénin-Beaumont, Montigny; south: Lens, Liévin; east: Lens, Avion.
    """
    henin = CommuneFactory(name="Hénin-Beaumont")
    montigny = CommuneFactory(name="Montigny-en-Gohelle")
    lens = CommuneFactory(name="Lens")
    lievin = CommuneFactory(name="Liévin")
    avion = CommuneFactory(name="Avion")
    for commune in (henin, montigny, lens, lievin, avion):
        QuartierFactory(commune=commune, name=f"Centre {commune.name}", is_qpv=True)
    north = TeamFactory(name="EMPS Nord", reference_prefix="NO", communes=[henin, montigny])
    south = TeamFactory(name="EMPS Sud", reference_prefix="SU", communes=[lens, lievin])
    east = TeamFactory(name="EMPS Est", reference_prefix="ES", communes=[lens, avion])
    return {
        "north": north,
        "south": south,
        "east": east,
        "henin": henin,
        "montigny": montigny,
        "lens": lens,
        "lievin": lievin,
        "avion": avion,
    }


def funder(username, *, teams=(), communes=()):
    return UserFactory(username=username, funder=True, teams=list(teams), communes=list(communes))


def youths_in(team, commune, count, *, sex="H", level="accroche", first_met_on=datetime.date(2023, 6, 1), **extra):
    """`count` youths of `team` living in `commune`, each with one support episode and a situation."""
    result = []
    for _ in range(count):
        youth = YouthFactory(team=team, commune=commune, sex=sex, first_met_on=first_met_on, **extra)
        SupportEpisodeFactory(youth=youth, level=level, started_on=first_met_on)
        SituationRecordFactory(youth=youth, started_on=first_met_on)
        result.append(youth)
    return result


@pytest.fixture
def activity(territory):
    """Some 2023 activity in every team and commune, with counts large enough not to be masked."""
    t = territory
    data = {}
    for team, commune, n in [
        (t["north"], t["henin"], 6),
        (t["north"], t["montigny"], 5),
        (t["south"], t["lens"], 7),
        (t["south"], t["lievin"], 4),
        (t["east"], t["lens"], 3),
        (t["east"], t["avion"], 8),
    ]:
        youths = youths_in(team, commune, n, sex="H") + youths_in(team, commune, 3, sex="F", level="asep")
        for youth in youths:
            InterventionFactory(youth=youth, date=datetime.date(2023, 6, 15))
        CollectiveActionFactory(team=team, commune=commune, date=datetime.date(2023, 7, 10), participants=youths)
        PresenceSessionFactory(team=team, commune=commune, date=datetime.date(2023, 7, 11))
        PartnerMeetingFactory(team=team, commune=commune, date=datetime.date(2023, 9, 1))
        data[(team.name, commune.name)] = youths
    summaries_bring_up_to_date()  # as the first reader would: the tests count the reading's own queries
    return data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep serialized rollbacks working once Playwright runs.

    Playwright's sync API runs an event loop in the test thread: from then on Django sees an async
    context and hands out other connection objects than the one the test database was created with,
    which alone carries the serialized contents that `serialized_rollback=True` restores after a
    flush. Put those contents on the connection class, where every connection object finds them.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    yield
