"""Bilan publication as a background task (inline here): its failures publish nothing and say why in French."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from emps.models import BackgroundJob, JobStatus
from reports.dashboards import publishing, tasks
from reports.models import PublishedBilan

pytestmark = pytest.mark.django_db


def _publish_url(team) -> str:
    return f"{reverse('funders:publish')}?team={team.pk}&start=2023-01-01&end=2023-12-31"


def test_a_publication_whose_workbook_fails_publishes_nothing(client, coordinator, team, monkeypatch):
    def broken(document):
        raise MemoryError

    monkeypatch.setattr(publishing, "render_xlsx", broken)  # after the PDF is rendered
    client.force_login(coordinator)
    response = client.post(_publish_url(team), {"small_cells": "as_is", "confirm": "on"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.FAILED and job.kind == tasks.KIND
    assert "Le traitement a échoué (MemoryError) : rien n'a été enregistré." in job.failure
    assert not PublishedBilan.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Le traitement a échoué" in page and escape(job.failure) in page
    assert f"Publication du bilan {team.name}, du 1er janvier 2023 au 31 décembre 2023" in page


def test_a_coordinator_who_left_the_team_before_the_worker_ran_publishes_nothing(coordinator, team):
    job = BackgroundJob.objects.create(
        user=coordinator,
        team=team,
        kind=tasks.KIND,
        label="Publication",
        params={"commune": None, "start": "2023-01-01", "end": "2023-12-31", "small_cells": "as_is"},
    )
    coordinator.teams.clear()
    tasks.publish_bilan.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.failure == "Vous n'avez plus accès à cette équipe : rien n'a été publié."
    assert not PublishedBilan.objects.exists()
