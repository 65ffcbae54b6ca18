"""The tally of the people met, on a phone: a typical street evening counted in a few thumb taps."""

import pytest
from playwright.sync_api import expect

from actions.models import CollectiveAction, PresenceSession
from tests.e2e.test_workspace import PHONE, open_browser, territory  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A typical tally: 4 boys and 2 girls of 12 to 17, 1 parent; from the open form to the saved session.
MAX_TAPS = 10


def test_a_typical_tally_takes_at_most_ten_taps_on_a_phone(browser, live_server, territory, screenshots_dir):  # noqa: F811
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "tally-phone", viewport=PHONE)
    visit.log_in("karim")
    page.locator(".quick-entries").get_by_role("link", name="Présence sociale").click()
    page.wait_for_load_state()  # the shortcuts work once the form's scripts have run
    # The session itself, as any presence: the duration shortcut and the quartier (not part of the tally).
    page.get_by_role("button", name="2 h 30").click()
    page.get_by_role("combobox", name="Quartier").select_option(label="Darcy (QPV)")

    # Folded while nothing is counted: the session is « non compté ».
    opener = page.get_by_role("button", name="Compter les personnes rencontrées")
    expect(opener).to_have_attribute("aria-expanded", "false")
    expect(page.locator("[data-tally-status]")).to_have_text("Non compté")
    expect(page.get_by_role("button", name="Ajouter une personne : Garçons, 12–17 ans")).to_be_hidden()
    visit.check("folded")

    taps = 0

    def tap(locator, times=1):
        nonlocal taps
        for _ in range(times):
            locator.click()
            taps += 1

    tap(opener)
    tap(page.get_by_role("button", name="Ajouter une personne : Garçons, 12–17 ans"), 4)
    tap(page.get_by_role("button", name="Ajouter une personne : Filles, 12–17 ans"), 2)
    tap(page.get_by_role("button", name="Ajouter une personne : Adultes, parents"))
    expect(page.get_by_role("spinbutton", name="Garçons, 12–17 ans")).to_have_value("4")
    expect(page.locator("[data-tally-status]")).to_have_text("Compté : 6 jeunes, 1 adulte")
    page.get_by_role("button", name="Ajouter une personne : Garçons, 12–17 ans").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "tally-phone-steppers.png"))
    visit.check("counted")

    tap(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Présence sociale du")).to_be_visible()

    assert taps <= MAX_TAPS, taps
    session = PresenceSession.objects.get()
    assert session.counted
    assert (session.boys_12_17, session.girls_12_17, session.parents, session.youths_met) == (4, 2, 1, 6)
    assert session.quartier.name == "Darcy"

    # Editing it shows the figures, open; « Ne pas compter » empties it back to « non compté ».
    page.goto(live_server.url + f"/activite/presences/{session.pk}/modifier/")
    expect(page.get_by_role("spinbutton", name="Garçons, 12–17 ans")).to_have_value("4")
    expect(page.get_by_role("button", name="Compter les personnes rencontrées")).to_have_attribute(
        "aria-expanded", "true"
    )
    page.get_by_role("button", name="Retirer une personne : Garçons, 12–17 ans").click()
    expect(page.get_by_role("spinbutton", name="Garçons, 12–17 ans")).to_have_value("3")
    page.get_by_role("button", name="Ne pas compter cette présence").click()
    expect(page.locator("[data-tally-status]")).to_have_text("Non compté")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La présence sociale est enregistrée.")).to_be_visible()
    session.refresh_from_db()
    assert not session.counted and session.youths_met == 0 and session.parents == 0
    context.close()


def test_a_family_outing_breaks_its_participants_down_on_a_phone(browser, live_server, territory, screenshots_dir):  # noqa: F811
    """The collective action form reuses the tally: the steppers write the number of participants without a
    file, and the parents are the families reached."""
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "action-tally-phone", viewport=PHONE)
    visit.log_in("karim")
    page.locator(".quick-entries").get_by_role("link", name="Action collective").click()
    page.get_by_text("Sortie", exact=True).click()
    page.get_by_label("Titre").fill("Sortie familles")
    page.get_by_role("combobox", name="Quartier").select_option(label="Darcy (QPV)")
    expect(page.locator("[data-tally-status]")).to_have_text("Non détaillé")

    page.get_by_role("button", name="Compter les personnes rencontrées").click()
    for _ in range(3):
        page.get_by_role("button", name="Ajouter une personne : Garçons, 12–17 ans").click()
    page.get_by_role("button", name="Ajouter une personne : Filles, moins de 12 ans").click()
    for _ in range(2):
        page.get_by_role("button", name="Ajouter une personne : Adultes, familles ou parents").click()
    expect(page.get_by_label("Participants sans fiche")).to_have_value("4")
    expect(page.locator("[data-tally-status]")).to_have_text("Compté : 4 jeunes, 2 adultes")
    page.locator("#tally").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "action-tally-phone.png"), full_page=True)
    visit.check("counted")

    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Action « Sortie familles »")).to_be_visible()
    action = CollectiveAction.objects.get()
    assert (action.counted, action.anonymous_participants, action.boys_12_17, action.girls_under_12) == (
        True,
        4,
        3,
        1,
    )
    assert action.parents == 2
    context.close()
