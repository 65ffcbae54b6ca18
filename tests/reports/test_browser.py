"""The bilan page in Chromium: charts drawn, no Content-Security-Policy violation, the PDF downloads."""

from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from tests.actions.factories import InterventionFactory, PresenceSessionFactory
from tests.reports.conftest import day
from tests.youths.factories import YouthFactory

SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser):
    """A desktop page of pytest-playwright's browser (one Playwright instance per test process)."""
    context = browser.new_context(
        reduced_motion="reduce", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    yield context.new_page()
    context.close()
    # The ORM used inside Playwright's event loop opened its own connection: close it, or PostgreSQL
    # refuses to drop the test database at the end of the run.
    connections.close_all()


@pytest.fixture
def activity(team):
    """Some 2023 activity, written before the browser starts."""
    commune = team.communes.get()
    for n in range(6):
        youth = YouthFactory(team=team, sex="HF"[n % 2], birth_year=2008 + n, first_met_on=day("2023-06-01"))
        InterventionFactory(youth=youth, date=day("2023-07-01"))
    PresenceSessionFactory(team=team, commune=commune, date=day("2023-07-02"), duration_minutes=150)


def test_a_coordinator_reads_the_bilan_and_downloads_the_pdf(
    live_server, coordinator, activity, browser_page, tmp_path
):
    page = browser_page
    problems = []
    # CSP violations and script errors show in the console; failed requests (but the favicon) in responses.
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button[type=submit]")
    page.get_by_role("link", name="Bilan", exact=True).click()
    page.fill("#id_start", "2023-05-09")
    page.fill("#id_end", "2023-12-31")
    page.get_by_role("button", name="Afficher").click()

    page.get_by_role("heading", name="Domaines travaillés").wait_for()
    assert "du 9 mai 2023 au 31 décembre 2023" in page.text_content("h1#bilan-title")
    for chart in page.locator("svg.bilan-chart").all():
        assert chart.bounding_box()["width"] > 300
    assert page.locator("table.bilan-table").count() >= 8
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bilan.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and target.suffix == ".pdf"
    assert problems == []
