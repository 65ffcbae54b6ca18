"""Entries made where the network drops: the outbox keeps them, sends them once, and forgets them.

Chromium's offline mode (`context.set_offline`) and request interception (`page.route`) stand for a
stairwell without signal and a response lost after the server committed.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Intervention, PresenceSession
from tests.e2e.test_workspace import PASSWORD, PHONE, open_browser, territory  # noqa: F401 (a fixture)
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INTERVENTION = "/activite/interventions/nouvelle/"
PRESENCE = "/activite/presences/nouvelle/"
YOUTH = "/jeunes/nouveau/"
OUTBOX = "/saisies-en-attente/"

SHELLS_CACHED = """async () => {
  const names = await caches.keys();
  for (const name of names.filter((n) => n.startsWith("emps-pages-"))) {
    if ((await (await caches.open(name)).keys()).length >= 5) { return true; }
  }
  return false;
}"""
CACHE_CONTENTS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get("Content-Type") || "";
      const text = /text|javascript|json/.test(type) ? await response.text() : "";
      found.push({ cache: name, url: request.url, text: text });
    }
  }
  return found;
}"""
OUTBOX_SIZE = "() => window.EmpsOutbox.entries().then((entries) => entries.length)"


@pytest.fixture(autouse=True)
def patient():
    """Sending waits for the server, which a loaded test machine makes slow."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def start(browser, live_server, screenshots_dir, prefix):
    context, page, visit = open_browser(browser, live_server, screenshots_dir, prefix, viewport=PHONE)
    page.set_default_timeout(30_000)
    return context, page, visit


def installed(page):
    """Wait for the service worker to control the page and to keep the empty forms."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function(SHELLS_CACHED)


def fill_intervention(page, visit, youth="Lina", note="Rendez-vous pris à la Mission Locale."):
    visit.pick("Jeunes", youth[:3], youth)
    page.get_by_text("Famille", exact=True).click()
    page.get_by_label("Note").fill(note)


def test_an_entry_typed_offline_is_recorded_once_when_the_network_returns(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    context, page, visit = start(browser, live_server, screenshots_dir, "offline")
    visit.log_in("karim")
    page.goto(live_server.url + INTERVENTION)
    installed(page)
    # « Ajouter à l'écran d'accueil »: Chromium finds nothing missing to install the app (apart from the
    # test's browser context being a private one).
    installability = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in installability if error["errorId"] != "in-incognito"] == []
    fill_intervention(page, visit)
    context.set_offline(True)  # the signal drops in the stairwell, before « Enregistrer »
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Saisie gardée sur ce téléphone")).to_be_visible()
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("1 saisie en attente d'envoi"))
    expect(page.locator("#outbox-list")).to_contain_text("Lina")
    assert not Intervention.objects.exists()

    # A presence session typed from the form kept for offline use.
    page.goto(live_server.url + PRESENCE)
    expect(page.get_by_role("heading", name="Présence sociale")).to_be_visible()
    page.get_by_role("textbox", name="Durée").fill("2 h")
    page.get_by_role("combobox", name="Quartier").select_option(label="Darcy (QPV)")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(re.escape(OUTBOX)))
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("2 saisies en attente d'envoi"))
    assert not PresenceSession.objects.exists()

    context.set_offline(False)  # the `online` event sends what waits
    expect(page.get_by_text("Aucune saisie en attente : tout est envoyé.")).to_be_visible()
    expect(page.locator("#outbox-badge")).to_be_hidden()
    intervention = Intervention.objects.get()
    assert intervention.youth.first_name == "Lina" and intervention.client_key is not None
    assert intervention.note == "Rendez-vous pris à la Mission Locale."
    assert PresenceSession.objects.get().duration_minutes == 120
    context.close()


def test_a_youth_typed_offline_is_chosen_in_an_intervention_and_linked(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    context, page, visit = start(browser, live_server, screenshots_dir, "offline-youth")
    visit.log_in("karim")
    installed(page)
    context.set_offline(True)
    page.goto(live_server.url + YOUTH)
    page.get_by_label("Prénom ou surnom").fill("Yanis")
    page.get_by_label("Âge ou année de naissance").fill("15")
    page.get_by_role("combobox", name="Quartier").select_option(label="Darcy (QPV)")
    page.get_by_role("button", name="Enregistrer le jeune").click()
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("1 saisie en attente d'envoi"))

    page.goto(live_server.url + INTERVENTION)
    page.get_by_role("combobox", name="Jeunes").fill("Yan")
    page.locator(".picker-list:not([hidden])").get_by_role("option", name=re.compile("Yanis")).click()
    page.get_by_text("Scolarité", exact=True).click()
    page.screenshot(path=str(screenshots_dir / "offline-form-phone.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(re.escape(OUTBOX)))
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("2 saisies en attente d'envoi"))
    expect(page.locator("#outbox-list li")).to_have_count(2)
    page.screenshot(path=str(screenshots_dir / "offline-pending-list-phone.png"), full_page=True)
    page.locator("#outbox-badge").screenshot(path=str(screenshots_dir / "offline-badge-phone.png"))
    assert not Youth.objects.filter(first_name="Yanis").exists()

    context.set_offline(False)
    expect(page.get_by_text("Aucune saisie en attente : tout est envoyé.")).to_be_visible()
    yanis = Youth.objects.get(first_name="Yanis")
    assert Intervention.objects.get().youth == yanis
    context.close()


def test_a_response_lost_after_the_commit_gives_one_record_when_replayed(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    context, page, visit = start(browser, live_server, screenshots_dir, "lost")
    visit.log_in("karim")
    page.goto(live_server.url + INTERVENTION)
    installed(page)
    fill_intervention(page, visit)
    reached = []

    def lose_the_response(route):
        if route.request.method != "POST":
            return route.continue_()
        reached.append(route.fetch())  # the server records the intervention...
        return route.abort("connectionreset")  # ...and its answer never reaches the phone

    page.route(re.compile(re.escape(INTERVENTION) + "$"), lose_the_response)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Saisie gardée sur ce téléphone")).to_be_visible()
    assert len(reached) == 1 and reached[0].status == 200
    assert Intervention.objects.count() == 1
    page.unroute(re.compile(re.escape(INTERVENTION) + "$"))

    page.get_by_role("button", name="Envoyer maintenant").click()  # the same entry, sent again
    expect(page.get_by_text("Aucune saisie en attente : tout est envoyé.")).to_be_visible()
    assert Intervention.objects.count() == 1
    context.close()


def test_a_refused_entry_keeps_its_fields_and_the_servers_message(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    team, _educator = territory
    YouthFactory(team=team, first_name="Sami", with_episode=True, first_met_on=datetime.date(2024, 2, 1))
    context, page, visit = start(browser, live_server, screenshots_dir, "refused")
    visit.log_in("karim")
    page.goto(live_server.url + INTERVENTION)
    installed(page)
    fill_intervention(page, visit, youth="Sami", note="Point sur sa recherche de stage.")
    context.set_offline(True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Saisie gardée sur ce téléphone")).to_be_visible()
    Youth.objects.filter(first_name="Sami").update(anonymised_at=timezone.now())  # meanwhile, at the office

    context.set_offline(False)
    expect(page.locator(".outbox-refused")).to_contain_text("Ce jeune n'est pas suivi par votre équipe.")
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("1 saisie en attente d'envoi"))
    page.screenshot(path=str(screenshots_dir / "offline-refused-phone.png"), full_page=True)
    assert not Intervention.objects.exists()

    page.get_by_role("link", name="Ouvrir et corriger").click()
    expect(page.locator("[data-outbox-notice]")).to_contain_text("Ce jeune n'est pas suivi par votre équipe.")
    expect(page.get_by_label("Note")).to_have_value("Point sur sa recherche de stage.")
    expect(page.get_by_label("Famille")).to_be_checked()
    context.close()


def test_logging_out_empties_the_outbox_and_the_kept_pages(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    context, page, visit = start(browser, live_server, screenshots_dir, "logout")
    visit.log_in("karim")
    page.goto(live_server.url + INTERVENTION)
    installed(page)
    fill_intervention(page, visit)
    page.route(re.compile(re.escape(INTERVENTION) + "$"), lambda route: route.abort("timedout"))
    page.get_by_role("button", name="Enregistrer").click()  # the server does not answer
    expect(page.locator("#outbox-badge")).to_have_text(re.compile("1 saisie en attente d'envoi"))
    assert page.evaluate(OUTBOX_SIZE) == 1

    page.once("dialog", lambda dialog: dialog.accept())  # « 1 saisie en attente d'envoi … effacée »
    page.get_by_role("button", name="Ouvrir le menu").click()
    page.locator("#nav-user").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    names = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((db) => db.name))")
    assert "emps-outbox" not in names
    kept_pages = [entry for entry in page.evaluate(CACHE_CONTENTS) if entry["cache"].startswith("emps-pages-")]
    assert kept_pages == []
    assert not Intervention.objects.exists()
    context.close()


def test_the_cache_holds_no_youths_name(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    team, _educator = territory
    YouthFactory(team=team, first_name="Zébulon", with_episode=True, first_met_on=datetime.date(2024, 3, 1))
    context, page, visit = start(browser, live_server, screenshots_dir, "cache")
    visit.log_in("karim")
    installed(page)
    # Pages full of names, and a message naming Lina on the page after the save.
    page.goto(live_server.url + "/jeunes/")
    expect(page.get_by_text("Zébulon")).to_be_visible()
    page.goto(live_server.url + f"/jeunes/{Youth.objects.get(first_name='Zébulon').pk}/")
    page.goto(live_server.url + INTERVENTION + "?jeune=" + str(Youth.objects.get(first_name="Lina").pk))
    page.get_by_text("Famille", exact=True).click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Intervention enregistrée pour Lina.")).to_be_visible()
    page.reload()  # the service worker checks its shells at each page

    contents = page.evaluate(CACHE_CONTENTS)
    kept = {entry["url"].replace(live_server.url, "") for entry in contents}
    assert INTERVENTION + "?hors-ligne=1" in kept and YOUTH + "?hors-ligne=1" in kept
    assert not [entry["url"] for entry in contents if "Lina" in entry["text"] or "Zébulon" in entry["text"]]
    assert not [url for url in kept if url.startswith("/jeunes/") and "hors-ligne" not in url]
    context.close()


def test_after_an_expired_session_logging_in_sends_what_waits(
    browser,
    live_server,
    territory,  # noqa: F811
    screenshots_dir,
):
    context, page, visit = start(browser, live_server, screenshots_dir, "expired-outbox")
    visit.log_in("karim")
    page.goto(live_server.url + INTERVENTION)
    installed(page)
    fill_intervention(page, visit)
    context.set_offline(True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Saisie gardée sur ce téléphone")).to_be_visible()
    context.clear_cookies(name="sessionid")  # the session times out before the network returns
    context.set_offline(False)
    expect(page.locator("#outbox-list")).to_contain_text("Session expirée")
    page.goto(live_server.url + "/connexion/?next=" + OUTBOX)
    page.get_by_label("Nom d’utilisateur").fill("karim")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Aucune saisie en attente : tout est envoyé.")).to_be_visible()
    expect(page.locator("#outbox-list")).not_to_contain_text("Session expirée")
    # The list may read empty a moment before the entry is sent: wait for the server's record.
    for _attempt in range(100):
        if Intervention.objects.exists():
            break
        page.wait_for_timeout(100)
    assert Intervention.objects.get().youth.first_name == "Lina"
    context.close()
