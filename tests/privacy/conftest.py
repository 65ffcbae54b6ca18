import datetime

import pytest

from actions.models import Domain
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.emps.factories import PartnerFactory, UserFactory
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory


@pytest.fixture
def other_coordinator(other_team):
    return UserFactory(username="coordination-lens", coordinator=True, teams=[other_team])


@pytest.fixture
def youth(team, educator):
    """A youth with everything a record can hold: episodes, a situation, interventions, an action."""
    youth = YouthFactory(
        team=team,
        first_name="Inès",
        last_name="Martin",
        sex="F",
        birth_year=2008,
        birth_month=10,
        quartier=team.communes.get().quartiers.get(),
        referent=educator,
        first_met_on=datetime.date(2023, 3, 1),
        informed_on=datetime.date(2023, 3, 15),
    )
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 3, 1), ended_on=datetime.date(2023, 5, 31))
    SupportEpisodeFactory(youth=youth, level="paei", started_on=datetime.date(2023, 6, 1))
    SituationRecordFactory(youth=youth, started_on=datetime.date(2023, 3, 1))
    intervention = InterventionFactory(
        youth=youth,
        date=datetime.date(2023, 9, 12),
        note="Rendez-vous pris à la Mission Locale.",
        author=educator,
        domains=list(Domain.objects.filter(code__in=["insertion", "sante"])),
    )
    intervention.partners.set([PartnerFactory(name="Mission Locale Hénin")])
    intervention.educators.set([educator])
    CollectiveActionFactory(
        team=team, date=datetime.date(2023, 10, 4), title="Sortie Louvre-Lens", participants=[youth]
    )
    return youth
