"""A file with any error writes nothing, even when earlier rows were already written to the database.

These tests run outside the test case's transaction (transaction=True), so the import's own
transaction is the outermost one and its rollback is real, on SQLite as on PostgreSQL.
"""

import datetime

import pytest

from actions.models import Intervention
from emps.models import AccessLog
from tests.transfer.helpers import YOUTH_HEADER, run_import, youth_row
from tests.youths.factories import YouthFactory
from transfer import services
from youths.models import SituationRecord, SupportEpisode, Youth

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_chunks(monkeypatch):
    """Hand rows to django-import-export 5 at a time, so that early chunks are written before the error."""
    monkeypatch.setattr(services, "CHUNK_ROWS", 5)


def test_interventions_written_in_earlier_chunks_are_rolled_back(team, territory, small_chunks):
    youth = YouthFactory(team=team, reference="HB-0001", first_met_on=datetime.date(2023, 1, 2))
    header = ["reference", "date", "domaines"]
    rows = [header] + [["HB-0001", f"{n:02d}/10/2023", "Scolarité"] for n in range(1, 23)]
    rows.append(["HB-0001", "31/11/2023", "Scolarité"])

    report = run_import("interventions", rows, team)
    assert (report.rows, report.created, report.error_count) == (23, 22, 1)
    assert report.errors[0].line == 24
    assert not report.imported
    assert not Intervention.objects.exists()
    assert not AccessLog.objects.exists()

    rows.pop()
    report = run_import("interventions", rows, team)
    assert report.imported
    assert Intervention.objects.filter(youth=youth).count() == 22


def test_youths_created_through_the_services_are_rolled_back(team, territory, small_chunks):
    rows = [YOUTH_HEADER] + [youth_row(f"HB-{n:04d}", date_fin="01/12/2023") for n in range(1, 13)]
    rows.append(youth_row("HB-0099", niveau="PAEI renforcé"))
    report = run_import("jeunes", rows, team)
    assert (report.created, report.error_count) == (12, 1)
    assert not Youth.objects.exists()
    assert not SupportEpisode.objects.exists() and not SituationRecord.objects.exists()


def test_a_failed_update_leaves_the_existing_records_as_they_were(team, territory, small_chunks):
    rows = [YOUTH_HEADER] + [youth_row(f"HB-{n:04d}") for n in range(1, 8)]
    assert run_import("jeunes", rows, team).imported
    before = list(Youth.objects.order_by("pk").values_list("first_name", "version"))

    changed = [YOUTH_HEADER] + [youth_row(f"HB-{n:04d}", "Renommé", niveau="PAEI") for n in range(1, 8)]
    changed.append(youth_row("HB-0099", commune="Atlantis"))
    report = run_import("jeunes", changed, team)
    assert (report.updated, report.error_count) == (7, 1)
    assert list(Youth.objects.order_by("pk").values_list("first_name", "version")) == before
    assert SupportEpisode.objects.count() == 7
