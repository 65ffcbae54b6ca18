"""The coordinator filters the access journal on one youth, found by typing a few letters of their name."""

import pytest
from playwright.sync_api import expect

from emps.journal import Action, log_access
from tests.e2e.test_workspace import SIZES, open_browser, seed_reference_lists
from tests.emps.factories import CommuneFactory, TeamFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", SIZES)
def test_the_coordinator_filters_the_journal_on_a_youth_found_by_name(browser, live_server, screenshots_dir, viewport):
    seed_reference_lists()
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[CommuneFactory()])
    UserFactory(username="sophie", first_name="Sophie", last_name="Delattre", coordinator=True, teams=[team])
    educator = UserFactory(username="karim", first_name="Karim", last_name="Benali", teams=[team])
    lina, kenza = YouthFactory(team=team, first_name="Lina"), YouthFactory(team=team, first_name="Kenza")
    log_access(user=educator, action=Action.VIEW, obj=lina)
    log_access(user=educator, action=Action.EXPORT, obj=kenza)
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, f"journal-{viewport['width']}", viewport=viewport
    )
    visit.log_in("sophie")
    page.goto(live_server.url + "/confidentialite/journal/")
    table = page.locator(".journal-table")
    expect(table.get_by_role("link", name="Lina")).to_be_visible()
    expect(table.get_by_role("link", name="Kenza")).to_be_visible()

    visit.pick("Jeune", "ken", "Kenza")
    # A filter creates nothing: no link to a new file when the search finds no one.
    page.get_by_role("combobox", name="Jeune").fill("zzz")
    expect(page.locator(".picker-empty:not([hidden])")).to_contain_text("Aucun résultat pour « zzz »")
    expect(page.get_by_role("link", name="Créer la fiche")).to_have_count(0)
    visit.check("no-result")
    page.get_by_role("combobox", name="Jeune").fill("")
    expect(page.locator(".picker-empty")).to_be_hidden()
    visit.check("youth-chosen")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.get_by_role("link", name="Kenza")).to_be_visible()
    expect(table.get_by_role("link", name="Lina")).to_have_count(0)
    # The chosen youth stays shown after the filter, and removing it lists everyone again.
    expect(page.locator(".picker-chip")).to_have_text("Kenza (HB-0002)")
    visit.check("filtered")
    page.get_by_role("button", name="Retirer Kenza (HB-0002)").click()
    page.get_by_role("button", name="Filtrer").click()
    expect(table.get_by_role("link", name="Lina")).to_be_visible()
    context.close()
