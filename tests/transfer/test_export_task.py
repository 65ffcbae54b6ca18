"""Large exports run as background tasks (inline here); small ones are still downloaded in the request."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from emps.models import AccessLog, BackgroundJob, JobStatus
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db


@override_settings(EMPS_EXPORT_TASK_ROWS=1)
def test_an_export_over_the_limit_is_written_by_a_task_and_offered_on_its_page(client, coordinator, territory):
    YouthFactory(team=territory, reference="HB-0001", with_episode=True)
    YouthFactory(team=territory, reference="HB-0002", with_episode=True)
    client.force_login(coordinator)
    response = client.get(reverse("transfer:export"), {"kind": "jeunes", "format": "xlsx"})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.DONE and job.result_name.startswith("jeunes-emps-test-")
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=coordinator, object_type="jeunes").exists()
    download = client.get(reverse("jobs:download", kwargs={"pk": job.pk}))
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
    references = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"HB-0001", "HB-0002"} <= references


@override_settings(EMPS_EXPORT_TASK_ROWS=1)
def test_an_export_under_the_limit_is_downloaded_at_once(client, coordinator, territory):
    YouthFactory(team=territory, reference="HB-0001", with_episode=True)
    client.force_login(coordinator)
    response = client.get(reverse("transfer:export"), {"kind": "jeunes", "format": "csv"})
    assert response.status_code == 200 and b"HB-0001" in response.content
    assert not BackgroundJob.objects.exists()


def test_an_export_whose_coordinator_left_the_team_exports_nothing(coordinator, territory):
    from transfer import exports

    job = BackgroundJob.objects.create(
        user=coordinator, team=territory, kind=exports.KIND, label="Export", params={"kind": "jeunes", "format": "csv"}
    )
    coordinator.teams.clear()
    exports.export_task.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None
    assert job.failure == "Vous n'avez plus accès à cette équipe : rien n'a été exporté."
