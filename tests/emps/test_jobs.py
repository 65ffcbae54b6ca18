"""Background jobs (emps/jobs.py): the page that follows them, failures in French, cleaning after a day."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from emps import jobs
from emps.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db


def test_a_running_job_shows_its_state_then_its_file(client, coordinator, team):
    job = BackgroundJob.objects.create(user=coordinator, team=team, kind="bilan_pdf", label="Bilan des équipes")
    client.force_login(coordinator)
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "En attente" in page and "js-import-progress" in page
    assert client.get(reverse("jobs:state", kwargs={"pk": job.pk})).json()["running"] is True
    assert client.get(reverse("jobs:download", kwargs={"pk": job.pk})).status_code == 404

    jobs.run(
        job.pk, lambda job: jobs.Outcome(content=b"%PDF-1.7", filename="bilan.pdf", content_type="application/pdf")
    )
    state = client.get(reverse("jobs:state", kwargs={"pk": job.pk})).json()
    assert state == {"status": "done", "label": "terminé", "running": False}
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "Télécharger bilan.pdf" in page and "js-import-progress" not in page
    download = client.get(reverse("jobs:download", kwargs={"pk": job.pk}))
    assert download.content == b"%PDF-1.7" and 'filename="bilan.pdf"' in download["Content-Disposition"]


def test_a_job_that_raises_ends_failed_in_french(client, coordinator, team):
    job = BackgroundJob.objects.create(user=coordinator, team=team, kind="export", label="Export")

    def broken(job):
        raise ZeroDivisionError

    jobs.run(job.pk, broken)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None
    assert job.failure.startswith("Le traitement a échoué (ZeroDivisionError) : rien n'a été enregistré.")
    client.force_login(coordinator)
    assert escape(job.failure) in client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()


def test_a_job_is_run_once(coordinator, team):
    job = BackgroundJob.objects.create(user=coordinator, team=team, kind="export", label="Export")
    calls = []
    jobs.run(job.pk, lambda job: calls.append(job.pk) or jobs.Outcome())
    jobs.run(job.pk, lambda job: calls.append(job.pk) or jobs.Outcome())
    assert calls == [job.pk]


@override_settings(EMPS_TASK_STALE_SECONDS=60)
def test_a_dead_workers_job_is_marked_failed_when_its_page_is_opened(client, coordinator, team):
    job = BackgroundJob.objects.create(user=coordinator, team=team, kind="export", label="Export")
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, updated_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    client.force_login(coordinator)
    state = client.get(reverse("jobs:state", kwargs={"pk": job.pk})).json()
    assert state["status"] == "failed"
    job.refresh_from_db()
    assert job.failure == jobs.stale_message()


def test_clean_tasks_deletes_jobs_older_than_a_day_with_their_result(coordinator, team):
    old = BackgroundJob.objects.create(user=coordinator, kind="bilan_pdf", label="Bilan", result=b"%PDF")
    BackgroundJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    recent = BackgroundJob.objects.create(user=coordinator, kind="bilan_pdf", label="Bilan", result=b"%PDF")
    call_command("clean_tasks", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(BackgroundJob.objects.values_list("pk", flat=True)) == [recent.pk]
