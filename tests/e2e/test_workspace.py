"""An educator's day in a real browser, at phone size and at desktop size; a funder refused the youths."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from actions.models import CollectiveAction, Domain, Intervention, PresenceSession
from emps.models import PartnerCategory
from emps.reference_data import DOMAINS, END_REASONS, ORIGINS, PARTNER_CATEGORIES, SITUATIONS, seed
from tests.emps.factories import CommuneFactory, PartnerFactory, QuartierFactory, TeamFactory, UserFactory
from tests.youths.factories import YouthFactory
from youths.models import EndReason, Origin, Situation, Youth

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"
SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]
# Violations that would block a user: the e2e tests fail on them. The browser contexts ask for reduced
# motion, which turns Bootstrap's transitions off: axe otherwise measured a button's contrast halfway
# through its 0.15 s colour transition after a click (3.12:1 in one run out of several).
BLOCKING = {"serious", "critical"}


def seed_reference_lists():
    """The reference lists the data migrations create: a transactional test database is flushed after each test.

    (serialized_rollback cannot restore them here: once Playwright's event loop runs, the test thread gets
    another database connection object, without the serialized contents.)
    """
    seed(Domain, DOMAINS)
    seed(Origin, ORIGINS)
    seed(Situation, SITUATIONS)
    seed(EndReason, END_REASONS)
    seed(PartnerCategory, PARTNER_CATEGORIES)


@pytest.fixture
def territory(live_server):
    seed_reference_lists()
    commune = CommuneFactory(name="Hénin-Beaumont")
    QuartierFactory(commune=commune, name="Darcy")
    QuartierFactory(commune=commune, name="Kennedy")
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[commune])
    educator = UserFactory(username="karim", first_name="Karim", last_name="Benali", teams=[team])
    PartnerFactory(name="Mission Locale Hénin")
    YouthFactory(team=team, first_name="Lina", sex="F", with_episode=True, first_met_on=datetime.date(2024, 1, 10))
    return team, educator


PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def open_browser(browser, live_server, folder, prefix, *, viewport):
    """A new browser context (French, Paris time, reduced motion) at `viewport`, its page and a Visit of it."""
    context = browser.new_context(
        reduced_motion="reduce", viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page, Visit(page, live_server.url, folder, prefix)


class Visit:
    """A browser session with a screenshot and an accessibility check at each step."""

    def __init__(self, page, base_url, folder, prefix):
        self.page, self.base_url, self.folder, self.prefix = page, base_url, folder, prefix
        self.step = 0
        self.axe = Axe()
        self.console_errors = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message):
        # The browser asks for /favicon.ico on its own; any other error is a bug of ours.
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            self.console_errors.append(message.text)

    def log_in(self, username):
        self.page.goto(self.base_url + "/connexion/")
        self.page.get_by_label("Nom d’utilisateur").fill(username)
        self.page.get_by_label("Mot de passe").fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()

    def check(self, name):
        self.step += 1
        self.page.screenshot(path=str(self.folder / f"{self.prefix}-{self.step:02d}-{name}.png"), full_page=True)
        results = self.axe.run(self.page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
        assert not blocking, results.generate_report()
        assert "INVALID_VARIABLE" not in self.page.content()
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than the screen"
        assert not self.console_errors, self.console_errors

    def pick(self, combobox, text, option):
        self.page.get_by_role("combobox", name=combobox).fill(text)
        self.page.locator(".picker-list:not([hidden])").get_by_role("option", name=re.compile(option)).click()


@pytest.mark.parametrize("viewport", SIZES)
def test_an_educators_day(browser, live_server, territory, screenshots_dir, viewport):
    team, educator = territory
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, "phone" if viewport["width"] < 500 else "desktop", viewport=viewport
    )

    visit.log_in("karim")
    expect(page.get_by_role("heading", name="Mon activité")).to_be_visible()
    visit.check("home")

    # A new youth, from what the first meeting gives.
    page.get_by_role("link", name="Nouveau jeune").click()
    page.get_by_label("Prénom ou surnom").fill("Kenza")
    page.get_by_text("Femme", exact=True).click()
    page.get_by_label("Âge ou année de naissance").fill("14")
    page.get_by_role("combobox", name="Quartier").select_option(label="Kennedy (QPV)")
    visit.check("youth-create")
    page.get_by_role("button", name="Enregistrer le jeune").click()
    expect(page.get_by_role("heading", name=re.compile("Kenza"))).to_be_visible()
    kenza = Youth.objects.get(first_name="Kenza")
    assert (kenza.sex, kenza.quartier.name, kenza.age_is_estimated) == ("F", "Kennedy", True)

    # One intervention for two youths, from the home page's big button.
    page.goto(live_server.url + "/")
    page.locator(".quick-entries").get_by_role("link", name="Intervention").click()
    visit.pick("Jeunes", "Kenz", "Kenza")
    visit.pick("Jeunes", "Lin", "Lina")
    page.get_by_text("Scolarité", exact=True).click()
    page.get_by_text("Entretien", exact=True).click()
    visit.pick("Partenaires mobilisés", "missi", "Mission Locale Hénin")
    page.get_by_label("Note").fill("Point sur l'orientation au collège.")
    visit.check("intervention")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("2 interventions enregistrées")).to_be_visible()
    assert page.url == live_server.url + "/"
    assert (
        Intervention.objects.filter(author=educator, kind="entretien", partners__name="Mission Locale Hénin").count()
        == 2
    )

    # A street-presence session: the current user is ticked, a shortcut fills the duration.
    page.locator(".quick-entries").get_by_role("link", name="Présence sociale").click()
    expect(page.get_by_label("Karim Benali")).to_be_checked()
    page.wait_for_load_state()  # the shortcuts work once the form's scripts have run
    page.get_by_role("button", name="2 h 30").click()
    page.get_by_role("combobox", name="Quartier").select_option(label="Darcy (QPV)")
    visit.check("presence")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Présence sociale du")).to_be_visible()
    assert PresenceSession.objects.get().duration_minutes == 150

    # A collective action with a youth and anonymous participants.
    page.locator(".quick-entries").get_by_role("link", name="Action collective").click()
    page.get_by_text("Sortie", exact=True).click()
    page.get_by_label("Titre").fill("Sortie base de loisirs")
    page.get_by_role("combobox", name="Quartier").select_option(label="Kennedy (QPV)")
    visit.pick("Jeunes participants", "Kenza", "Kenza")
    page.get_by_label("Participants sans fiche").fill("3")
    visit.check("action")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Action « Sortie base de loisirs »")).to_be_visible()
    assert CollectiveAction.objects.get().anonymous_participants == 3
    visit.check("home-after")

    # The youth file shows all of it.
    page.goto(live_server.url + "/jeunes/")
    page.get_by_role("searchbox", name="Rechercher").fill("Kenza")
    page.get_by_role("button", name="Rechercher").click()
    visit.check("youths-list")
    page.get_by_role("link", name="Kenza").click()
    timeline = page.locator(".timeline")
    expect(timeline.get_by_text("Sortie base de loisirs")).to_be_visible()
    expect(timeline.get_by_text("Entretien")).to_be_visible()
    expect(timeline.get_by_text("Point sur l'orientation au collège.")).to_be_visible()
    expect(page.get_by_text("En accroche").first).to_be_visible()
    visit.check("youth-file")
    context.close()


def test_the_quick_intervention_works_with_the_keyboard_alone(browser, live_server, territory, screenshots_dir):
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "keyboard", viewport=DESKTOP)
    visit.log_in("karim")
    page.goto(live_server.url + "/activite/interventions/nouvelle/")
    page.get_by_role("combobox", name="Jeunes").focus()
    page.keyboard.type("Lin")
    expect(page.get_by_role("option", name=re.compile("Lina"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Retirer Lina"))).to_be_visible()
    # Tab out of the picker to the first domain and tick it with the space bar.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "domains"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_text("Intervention enregistrée pour Lina.")).to_be_visible()
    assert Intervention.objects.get().domains.get().code == "loisirs"
    context.close()


def test_a_youth_not_found_by_the_picker_gets_a_file_from_there(browser, live_server, territory, screenshots_dir):
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "not-found", viewport=PHONE)
    visit.log_in("karim")
    page.goto(live_server.url + "/activite/interventions/nouvelle/")
    page.get_by_role("combobox", name="Jeunes").fill("Yanis")
    expect(page.get_by_text("Aucun résultat pour « Yanis ».")).to_be_visible()
    visit.check("picker")  # the message and its link sit beside the listbox, which holds options only
    page.get_by_role("link", name="Créer la fiche de « Yanis »").click()
    expect(page.get_by_label("Prénom ou surnom")).to_have_value("Yanis")
    context.close()


def test_a_failed_save_keeps_everything_in_the_browser(browser, live_server, territory, screenshots_dir):
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "errors", viewport=PHONE)
    visit.log_in("karim")
    page.goto(live_server.url + "/activite/interventions/nouvelle/")
    visit.pick("Jeunes", "Lin", "Lina")
    page.get_by_label("Note").fill("Note à garder.")
    page.get_by_role("button", name="Enregistrer").click()  # no domain ticked
    expect(page.get_by_text("Cochez au moins un domaine travaillé.")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("Note à garder.")
    expect(page.get_by_role("button", name=re.compile("Retirer Lina"))).to_be_visible()
    visit.check("intervention-error")
    assert not Intervention.objects.exists()
    context.close()


def test_an_expired_session_loses_nothing_typed(browser, live_server, territory, screenshots_dir):
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "expired", viewport=PHONE)
    visit.log_in("karim")
    page.goto(live_server.url + "/activite/interventions/nouvelle/")
    visit.pick("Jeunes", "Lin", "Lina")
    page.get_by_text("Famille", exact=True).click()
    page.get_by_label("Note").fill("Appel à la mère, rendez-vous fixé.")
    context.clear_cookies(name="sessionid")  # the session times out while the educator types
    page.get_by_role("button", name="Enregistrer").click()
    # The entry waits in the phone's outbox (static/js/outbox.js) and leaves once logged in again.
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert not Intervention.objects.exists()
    page.get_by_label("Nom d’utilisateur").fill("karim")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Aucune saisie en attente : tout est envoyé.")).to_be_visible(timeout=20_000)
    visit.check("sent")
    intervention = Intervention.objects.get()
    assert intervention.domains.get().code == "famille"
    assert (intervention.youth.first_name, intervention.note) == ("Lina", "Appel à la mère, rendez-vous fixé.")
    # Once saved, the draft is gone: the next intervention starts from an empty form.
    page.goto(live_server.url + "/activite/interventions/nouvelle/")
    expect(page.get_by_label("Note")).to_have_value("")
    context.close()


def test_a_funder_is_refused_the_youths(browser, live_server, territory, screenshots_dir):
    team, _educator = territory
    UserFactory(username="anct", funder=True, teams=[team])
    context, page, visit = open_browser(browser, live_server, screenshots_dir, "funder", viewport=PHONE)
    visit.log_in("anct")
    expect(page.get_by_text("Tableau de bord · lecture seule").first).to_be_visible()
    response = page.goto(live_server.url + "/jeunes/")
    assert response.status == 403
    visit.console_errors.clear()  # the browser reports the 403 itself
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert "Lina" not in page.content()
    visit.check("funder-refused")
    context.close()
