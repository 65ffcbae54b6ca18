"""Export a year of activity, import it into an empty database, export again: every file is the same.

`snapshot()` lists what must survive the round trip, the bilan of the demo's year included.
"""

import datetime

import pytest
from django.db import transaction

from actions.models import CollectiveAction, Intervention, PartnerMeeting, PresenceSession
from demo.team import create_demo
from emps.journal import journal_maintenance
from emps.models import AccessLog, Commune, Partner, QpvPeriod, Quartier, Team, User
from reports.builders import Scope, build_bilan, to_plain
from reports.models import BilanLogo, BilanNarrative, FinancialPartner, FundingTarget, StaffMember
from tests.transfer.helpers import error_texts, run_import
from transfer.resources import KINDS
from transfer.services import export_file
from youths.models import SituationRecord, SupportEpisode, Youth

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime.date(2024, 1, 15)
# The demo's year: every record of the demo falls in it.
PERIOD = (DEMO_TODAY - datetime.timedelta(days=364), DEMO_TODAY)


def snapshot(team: Team) -> dict:
    """Everything that must be identical after the round trip: every export (CSV holds every value as text)."""
    result = {kind: export_file(kind=kind, team=team, fmt="csv").content for kind in KINDS}
    # The bilan's figures come out the same.
    bilan = to_plain(build_bilan(scope=Scope.for_team(team), start=PERIOD[0], end=PERIOD[1]))
    # Team settings (association, financial partners) are configured in the app, not imported.
    bilan.pop("header")
    # So are the team's means (its posts) and the agreement's targets, entered on their own pages.
    bilan.pop("means")
    for figure in bilan["key_figures"]:
        figure.pop("target"), figure.pop("met")
    # The files carry an action's status and what became of it, not the link to the action replacing it
    # (docs/import-formats.md).
    for theme in bilan["actions_by_theme"]:
        for item in theme["items"]:
            item.pop("replaced_by")
    result["bilan"] = bilan
    return result


def empty_database() -> None:
    """What a new installation holds: the reference lists of the migrations and the accounts, no data."""
    CollectiveAction.objects.update(replaced_by=None)
    for model in (Intervention, CollectiveAction, PresenceSession, PartnerMeeting, SituationRecord, SupportEpisode):
        model.objects.all().delete()
    Youth.objects.all().delete()
    BilanNarrative.objects.all().delete()
    with journal_maintenance():
        AccessLog.objects.all()._raw_delete(AccessLog.objects.db)
    for model in (QpvPeriod, FundingTarget, StaffMember, BilanLogo, FinancialPartner):
        model.objects.all().delete()
    Quartier.objects.all().delete()
    Team.objects.all().delete()
    Commune.objects.all().delete()
    Partner.objects.all().delete()


@pytest.fixture(scope="module")
def demo_team(django_db_setup, django_db_blocker):
    """The demo, built once for the module and rolled back after it: each test empties it in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield create_demo(today=DEMO_TODAY, publish=False)
        transaction.set_rollback(True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_data(demo_team, fmt):
    team = demo_team
    accounts = list(team.members.all())
    before = snapshot(team)
    files = {kind: export_file(kind=kind, team=team, fmt=fmt).content for kind in KINDS}
    counts = [Youth.objects.count(), Intervention.objects.count(), CollectiveAction.objects.count()]

    empty_database()
    assert not Youth.objects.exists() and not Team.objects.exists()

    # A new installation: the territory file creates the team, accounts are then attached to it.
    report = run_import("territoires", files["territoires"], None, filename=f"t.{fmt}", may_create_teams=True)
    assert report.ok, error_texts(report)
    team = Team.objects.get()
    for account in User.objects.filter(pk__in=[a.pk for a in accounts]):
        account.teams.add(team)
    for kind in list(KINDS)[1:]:
        report = run_import(kind, files[kind], team, filename=f"{kind}.{fmt}")
        assert report.ok, (kind, report.file_error, error_texts(report)[:5])
        assert report.created == report.rows, kind

    assert [Youth.objects.count(), Intervention.objects.count(), CollectiveAction.objects.count()] == counts
    after = snapshot(team)
    for name in before:
        assert after[name] == before[name], name

    # And the same files once more change nothing.
    for kind in KINDS:
        report = run_import(kind, files[kind], team, filename=f"{kind}.{fmt}")
        assert (report.created, report.updated, report.error_count) == (0, 0, 0), kind
    assert snapshot(team) == before
