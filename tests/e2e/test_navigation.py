"""The coordinator's navigation bar: the team's administration in one « Administration » menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workspace import open_browser, seed_reference_lists
from tests.emps.factories import CommuneFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1200, "height": 800}, id="narrowest-desktop"),
    pytest.param({"width": 1280, "height": 800}, id="desktop"),
]
ADMIN_ITEMS = [
    "Listes de référence",
    "Réglages du bilan et logos",
    "Import / export",
    "Journal des accès",
    "Anonymisations à venir",
    "Comptes de l'équipe",
    "Tableau de bord des financeurs",
    "Bilans publiés",
    "Clés API",
]


@pytest.fixture
def coordinator(live_server):
    seed_reference_lists()
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[CommuneFactory()])
    return UserFactory(username="sophie", first_name="Sophie", last_name="Delattre", coordinator=True, teams=[team])


@pytest.mark.parametrize("viewport", SIZES)
def test_the_coordinator_reaches_the_administration_through_one_menu(
    browser, live_server, coordinator, screenshots_dir, viewport
):
    phone = viewport["width"] < 1200  # the navbar collapses under Bootstrap's xl breakpoint
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, f"nav-{viewport['width']}", viewport=viewport
    )
    visit.log_in("sophie")
    navbar = page.get_by_role("navigation", name="Navigation principale")
    if phone:
        open_collapsed_menu(page)
    menu_button = navbar.get_by_role("button", name="Administration")
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    # No administration page is a top-level entry any more.
    for name in ADMIN_ITEMS:
        expect(navbar.get_by_role("link", name=name)).to_be_hidden()

    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    for name in ADMIN_ITEMS:
        expect(navbar.get_by_role("link", name=name)).to_be_visible()
    visit.check("menu-open")  # accessibility and width with the menu open

    # The keyboard closes it, and the links work.
    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    menu_button.click()
    navbar.get_by_role("link", name="Import / export").click()
    expect(page.locator("h1")).to_have_text("Import / export")
    if phone:
        open_collapsed_menu(page)
    expect(navbar.get_by_role("button", name="Administration")).to_have_class("nav-link dropdown-toggle active")

    # The account and the log-out sit in the user's own menu.
    user_button = navbar.get_by_role("button", name="Sophie Delattre")
    user_button.click()
    expect(navbar.get_by_role("link", name="Mon compte")).to_be_visible()
    navbar.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion/"))
    context.close()


def open_collapsed_menu(page):
    """Under the xl breakpoint the links hide behind the toggler; wait for the end of the animation."""
    page.get_by_role("button", name="Ouvrir le menu").click()
    page.wait_for_selector("#nav-main.collapse.show")
