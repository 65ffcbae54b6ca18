"""In a real browser: the bilan PDF of several teams asked for, its job page following the task, the file.

Screenshots land in tests/e2e/screenshots/ (not versioned) for a human to look at.
"""

import datetime
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from emps.models import BackgroundJob, JobStatus, User
from tests.emps.factories import TeamFactory
from tests.youths.factories import YouthFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SCREENSHOTS / f"jobs-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_bilan_of_two_teams_in_a_browser(page, live_server):
    north, south = TeamFactory(name="EMPS Nord"), TeamFactory(name="EMPS Sud")
    YouthFactory(team=north, first_met_on=datetime.date(2023, 3, 1))
    YouthFactory(team=south, first_met_on=datetime.date(2023, 4, 1))
    user = User.objects.create_user("federation", password="Une-phrase-assez-longue-42", role="coordinator")
    user.teams.set([north, south])
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "federation")
    page.fill("input[name=password]", "Une-phrase-assez-longue-42")
    page.click("button[type=submit]")

    # A job still queued: its page waits, then shows the result when the worker is done, without a reload.
    waiting = BackgroundJob.objects.create(user=user, kind="teams_bilan_pdf", label="Bilan PDF de 2 équipes")
    page.goto(f"{live_server.url}/taches/{waiting.pk}/")
    expect(page.locator(".js-status-label")).to_have_text("En attente")
    shot(page, "1-waiting")
    BackgroundJob.objects.filter(pk=waiting.pk).update(
        status=JobStatus.DONE, result=b"%PDF-1.7", result_name="bilan.pdf", result_type="application/pdf"
    )
    expect(page.get_by_role("link", name="Télécharger bilan.pdf")).to_be_visible(timeout=10_000)

    page.goto(f"{live_server.url}/bilans/equipes/")
    page.check("text=EMPS Nord")
    page.check("text=EMPS Sud")
    page.fill("input[name=start]", "2023-01-01")
    page.fill("input[name=end]", "2023-12-31")
    shot(page, "2-teams-bilan-form")
    page.click("button:has-text('Préparer le PDF')")
    link = page.get_by_role("link", name="Télécharger bilan-2-equipes-20230101-20231231.pdf")
    expect(link).to_be_visible()
    shot(page, "3-teams-bilan-done")
    with page.expect_download() as download:
        link.click()
    path = SCREENSHOTS / "jobs-teams-bilan.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "EMPS Nord" in text and "EMPS Sud" in text
