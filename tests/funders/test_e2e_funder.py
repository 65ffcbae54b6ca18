"""A funder in a real browser (Chromium through Playwright), at phone and desktop size: logs in, lands on
the dashboard, changes the period, opens the published bilans and downloads one."""

import datetime
import pathlib
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.dashboards.publishing import published_bilan_create
from tests.actions.factories import InterventionFactory, PresenceSessionFactory
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory
from tests.funders.conftest import PASSWORD, youths_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = pathlib.Path(__file__).resolve().parent.parent / "e2e" / "screenshots"
SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]


@pytest.fixture
def funded_team():
    year = timezone.localdate().year
    commune = CommuneFactory(name="Hénin-Beaumont")
    QuartierFactory(commune=commune, name="Darcy", is_qpv=True)
    team = TeamFactory(
        name="EMPS Hénin-Beaumont",
        association="Association Rencontres et Loisirs",
        financial_partners="Agence nationale de la cohésion des territoires (ANCT)",
        communes=[commune],
    )
    coordinator = UserFactory(username="coordination", coordinator=True, teams=[team])
    for first_met, count in ((datetime.date(year - 1, 3, 10), 14), (datetime.date(year, 1, 8), 5)):
        for youth in youths_in(team, commune, count, first_met_on=first_met):
            InterventionFactory(youth=youth, date=first_met + datetime.timedelta(days=2))
        PresenceSessionFactory(team=team, date=first_met, duration_minutes=150)
    published_bilan_create(
        team=team,
        commune=None,
        start=datetime.date(year - 1, 1, 1),
        end=datetime.date(year - 1, 12, 31),
        small_cells_choice="as_is",
        by=coordinator,
    )
    UserFactory(username="anct", first_name="Agent", last_name="ANCT", funder=True, teams=[team])
    return team, year


def _console_error(message, errors):
    # The browser asks for /favicon.ico on its own; any other error is a bug of ours.
    if message.type == "error" and "favicon" not in message.location.get("url", ""):
        errors.append(f"{message.text} ({message.location.get('url')})")


@pytest.mark.parametrize("viewport", SIZES)
def test_a_funder_changes_the_period_and_downloads_a_published_bilan(browser, live_server, funded_team, viewport):
    team, year = funded_team
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if viewport["width"] < 500 else "desktop"
    context = browser.new_context(reduced_motion="reduce", viewport=viewport, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: _console_error(m, errors))

    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "anct")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()

    # Landed on the dashboard: this year's figures for the team.
    expect(page.locator("h1")).to_have_text("EMPS Hénin-Beaumont")
    expect(page.locator(".dash-period")).to_contain_text(f"Activité du 1er janvier {year}")
    expect(page.locator(".dash-kpi-value").first).to_have_text("5")
    page.wait_for_load_state()  # stylesheets applied: the DOM can be there before them
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SCREENSHOTS / f"funder-{size}-1-home.png"), full_page=True)

    # Another period: last year, then a custom one.
    page.get_by_role("link", name="L'an dernier").click()
    expect(page.locator(".dash-period")).to_contain_text(f"du 1er janvier {year - 1} au 31 décembre {year - 1}")
    expect(page.locator(".dash-kpi-value").first).to_have_text("15")  # 14 youths, rounded to 5
    expect(page.get_by_role("link", name="L'an dernier")).to_have_attribute("aria-current", "true")
    # Two years at once is not a whole month, quarter or year: refused, the dates kept.
    page.fill("input[name=du]", f"{year - 1}-01-01")
    page.fill("input[name=au]", f"{year}-12-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".alert-danger")).to_contain_text("un mois, un trimestre ou une année civile entiers")
    expect(page.locator("input[name=au]")).to_have_value(f"{year}-12-31")
    page.fill("input[name=au]", f"{year - 1}-03-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".dash-period")).to_contain_text(f"du 1er janvier {year - 1} au 31 mars {year - 1}")
    expect(page.locator(".dash-kpi-value").first).to_have_text("15")
    page.wait_for_load_state()  # stylesheets applied: the DOM can be there before them
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SCREENSHOTS / f"funder-{size}-2-period.png"), full_page=True)

    # The published bilans, and the PDF of the latest version.
    page.get_by_role("link", name="Bilans publiés").first.click()
    expect(page.locator("h1")).to_have_text("Bilans publiés")
    page.screenshot(path=str(SCREENSHOTS / f"funder-{size}-3-published.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF Bilan d'activité du 1er janvier {year - 1}").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.pdf")
    content = pathlib.Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert f"du 1er janvier {year - 1} au 31 décembre {year - 1}" in text
    assert "EMPS HÉNIN-BEAUMONT" in text.upper()
    assert errors == []
    context.close()
