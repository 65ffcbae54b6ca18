import datetime

import pytest
import time_machine

from emps.models import Quartier
from tests.emps.factories import CommuneFactory, PartnerFactory, UserFactory

TODAY = datetime.date(2024, 3, 15)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.datetime(2024, 3, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def territory(team):
    """The fixture team covers Hénin-Beaumont (Darcy, Kennedy) and Montigny-en-Gohelle (Bourg)."""
    henin = team.communes.get(name="Hénin-Beaumont")
    Quartier.objects.create(commune=henin, name="Kennedy", is_qpv=True, qpv_code="QN06208M")
    montigny = CommuneFactory(name="Montigny-en-Gohelle")
    Quartier.objects.create(commune=montigny, name="Bourg")
    team.communes.add(montigny)
    return team


@pytest.fixture
def karim(team):
    return UserFactory(username="karim", first_name="Karim", last_name="Benali", teams=[team])


@pytest.fixture
def julie(team):
    return UserFactory(username="julie", first_name="Julie", last_name="Marchand", teams=[team])


@pytest.fixture
def partners(db):
    return [PartnerFactory(name="Mission Locale Hénin"), PartnerFactory(name="Collège Jean Macé")]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "reduced_motion": "reduce"}
