"""In a real browser: the import page, a preview with errors, a valid preview, the confirmation.

Screenshots land in tests/e2e/screenshots/ (not versioned) for a human to look at.
"""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actions.models import Domain
from demo.team import create_demo
from emps import reference_data
from emps.models import PartnerCategory
from tests.transfer.helpers import YOUTH_HEADER, csv_bytes
from youths.models import EndReason, Origin, Situation, Youth

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"


@pytest.fixture
def demo():
    # With Playwright's fixtures set up first, the serialized reference lists are not restored after an
    # earlier transactional test flushed them: seed them as the migrations do.
    for model, entries in (
        (Domain, reference_data.DOMAINS),
        (Origin, reference_data.ORIGINS),
        (Situation, reference_data.SITUATIONS),
        (EndReason, reference_data.END_REASONS),
        (PartnerCategory, reference_data.PARTNER_CATEGORIES),
    ):
        reference_data.seed(model, entries)
    return create_demo(today=datetime.date(2024, 1, 15), publish=False)


def new_youths(*rows):
    header = [*YOUTH_HEADER]
    base = ["", "", "", "", "", "Hénin-Beaumont", "Darcy", "Présence sociale", "Scolarisé", "accroche", "", ""]
    lines = [header]
    for reference, first_name, sex, birth, extra in rows:
        line = list(base)
        line[0:5] = [reference, first_name, "", sex, birth]
        line[10] = "08/01/2024"
        for index, value in extra.items():
            line[header.index(index)] = value
        lines.append(line)
    return csv_bytes(lines)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"transfer-{name}.png"), full_page=True)


def test_import_flow_in_a_browser(page, live_server, demo, tmp_path, settings):
    settings.DEBUG = True  # the demo password is refused otherwise
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "coordination")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Administration").click()  # the coordinator's menu
    page.click("text=Import / export")
    page.wait_for_selector("h1:has-text('Import / export')")
    # transfer.js shows the option for the kinds that take it: wait for it rather than read too early.
    expect(page.locator("#div_id_create_partners")).to_be_hidden()
    page.select_option("select[name=kind]", "interventions")
    expect(page.locator("#div_id_create_partners")).to_be_visible()
    page.select_option("select[name=kind]", "jeunes")
    shot(page, "1-import-page")

    wrong = tmp_path / "jeunes-2024.csv"
    wrong.write_bytes(
        new_youths(
            ("HB-9101", "Inès", "F", "05/2011", {"situation": "Scolarise"}),
            ("HB-9102", "Noah", "H", "2009", {"commune": "Henin-Beaumon", "quartier": "Darcy"}),
            ("HB-9103", "Maëlys", "F", "31/02/2012", {}),
            ("HB-9104", "Kenza", "F", "11/2010", {"niveau": "Scolarite"}),
            ("HB-9101", "Bilal", "H", "01/2008", {"date_debut": "12/09/2031"}),
        )
    )
    page.set_input_files("input[name=file]", str(wrong))
    page.click("button:has-text('Vérifier le fichier')")
    page.wait_for_selector("text=rien ne sera importé")
    assert page.locator(".transfer-errors tbody tr").count() == 5
    assert page.is_visible("text=vouliez-vous dire « Hénin-Beaumont » ?")
    assert page.locator("button:has-text('Confirmer')").count() == 0
    shot(page, "2-preview-errors")

    # A youth of the demo's recent year, met in the street and still en accroche: the row changes nothing.
    recent = Youth.objects.filter(first_met_on__gte=datetime.date(2024, 1, 1)).order_by("reference").first()
    right = tmp_path / "jeunes-2024-corrige.csv"
    right.write_bytes(
        new_youths(
            ("HB-9101", "Inès", "F", "05/2011", {"situation": "scolarise"}),
            ("HB-9102", "Noah", "H", "2009", {"niveau": "ASEP"}),
            ("HB-9103", "Maëlys", "F", "02/2012", {"quartier": "Kennedy"}),
            (
                "HB-9104",
                "Kenza",
                "F",
                "11/2010",
                {"niveau": "PAEI", "commune": "Montigny-en-Gohelle", "quartier": "Bourg"},
            ),
            (recent.reference, recent.first_name, "", "", {}),
        )
    )
    page.click("text=Déposer un autre fichier")
    page.select_option("select[name=kind]", "jeunes")
    page.set_input_files("input[name=file]", str(right))
    page.click("button:has-text('Vérifier le fichier')")
    page.wait_for_selector("text=Le fichier est valide.")
    shot(page, "3-preview-valid")
    assert not Youth.objects.filter(reference="HB-9101").exists()

    page.click("button:has-text('Confirmer')")
    page.wait_for_selector("h1:has-text('Import terminé')")
    shot(page, "4-done")
    assert Youth.objects.filter(reference__in=["HB-9101", "HB-9102", "HB-9103", "HB-9104"]).count() == 4

    page.goto(f"{live_server.url}/echanges/formats/")
    shot(page, "5-formats")


def test_the_progress_bar_moves_without_reloading_then_the_page_shows_the_result(page, live_server, demo, settings):
    """A running import's page polls its state: the bars move, and the end of the task brings the result."""
    settings.DEBUG = True  # the demo password is refused otherwise
    from emps.models import User
    from transfer import progress
    from transfer.jobs import report_as_json
    from transfer.models import ImportJob, ImportStatus
    from transfer.report import ImportReport

    coordinator = User.objects.get(username="coordination")
    job = ImportJob.objects.create(
        user=coordinator,
        team=coordinator.teams.first(),
        kind="jeunes",
        filename="jeunes-10000.csv",
        data=b"x",
        status=ImportStatus.IMPORTING,
    )
    progress.report(job.pk, read=4000, checked=2000, written=2000, total=10000)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "coordination")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/echanges/importer/{job.pk}/")
    written = page.locator(".js-count[data-count=written]")
    expect(written).to_have_text("2000")
    expect(page.locator(".js-bar[data-bar=read]")).to_have_attribute("style", "width: 40%;")
    shot(page, "6-progress-phone")
    page.evaluate("window.__same_page = true")

    progress.report(job.pk, read=10000, checked=8000, written=8000, total=10000)
    expect(written).to_have_text("8000")
    expect(page.locator(".js-bar[data-bar=checked]")).to_have_attribute("style", "width: 80%;")
    assert page.evaluate("window.__same_page") is True  # moved without a reload
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "7-progress-desktop")

    report = ImportReport(kind="jeunes", kind_label="Jeunes", filename="jeunes-10000.csv", dry_run=False)
    report.rows = report.created = 10000
    report.imported = True
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTED, report=report_as_json(report), data=None)
    page.wait_for_selector("h1:has-text('Import terminé')")
    shot(page, "8-done-after-progress")
