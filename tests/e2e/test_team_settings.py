"""Team settings in a real browser, phone and desktop: from the Administration menu, a partner's PNG logo
reaches the bilan's first page; an SVG renamed .png is refused in French."""

import pytest
from playwright.sync_api import expect

from reports.models import BilanLogo, FinancialPartner
from tests.e2e.test_workspace import SIZES, open_browser
from tests.emps.factories import CommuneFactory, TeamFactory, UserFactory
from tests.reports.factories import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


@pytest.fixture
def settings_team(live_server):
    team = TeamFactory(
        name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[CommuneFactory(name="Hénin-Beaumont")]
    )
    UserFactory(username="coordination", first_name="Sophie", last_name="Leroy", coordinator=True, teams=[team])
    return team


@pytest.mark.parametrize("viewport", SIZES)
def test_a_coordinator_puts_a_logo_on_the_bilan_and_an_svg_is_refused(
    browser, live_server, settings_team, screenshots_dir, viewport
):
    phone = viewport["width"] < 500
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, "settings-phone" if phone else "settings-desktop", viewport=viewport
    )
    visit.log_in("coordination")
    if phone:
        page.get_by_role("button", name="Ouvrir le menu").click()
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Réglages du bilan et logos").click()
    expect(page.get_by_role("heading", name="Réglages du bilan · EMPS Hénin-Beaumont")).to_be_visible()
    visit.check("settings")

    page.get_by_label("Partenaire financier", exact=True).first.fill("ANCT")
    page.get_by_label("Logo", exact=True).first.set_input_files(
        {"name": "anct.png", "mimeType": "image/png", "buffer": png_bytes((240, 120))}
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Réglages du bilan enregistrés.")).to_be_visible()
    expect(page.get_by_role("img", name="Logo actuel de ANCT")).to_be_visible()
    visit.check("saved")
    assert FinancialPartner.objects.get().name == "ANCT" and BilanLogo.objects.count() == 1

    page.get_by_role("link", name="Bilan d'activité").click()
    logo = page.get_by_role("img", name="Logo de ANCT")
    expect(logo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", logo.element_handle()) > 0  # the image itself loaded
    visit.check("bilan")

    page.go_back()
    page.get_by_label("Logo de l'association").set_input_files(
        {"name": "association.png", "mimeType": "image/png", "buffer": SVG}
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("n'est pas une image PNG ou JPEG").first).to_be_visible()
    current = page.get_by_role("img", name="Logo actuel de ANCT")  # the stored logo still shows beside the error
    current.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=current.element_handle())
    assert page.evaluate("img => img.naturalWidth", current.element_handle()) > 0
    visit.check("svg-refused")
    assert BilanLogo.objects.count() == 1
    context.close()
