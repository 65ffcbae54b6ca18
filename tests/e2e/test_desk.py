"""The coordinator's desk in a real browser, phone and desktop: the team's home, then a temps partenarial
recorded, found in the list and edited."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import Intervention, PartnerMeeting
from tests.e2e.test_workspace import SIZES, open_browser, seed_reference_lists
from tests.emps.factories import CommuneFactory, PartnerFactory, QuartierFactory, TeamFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_team(live_server):
    seed_reference_lists()
    commune = CommuneFactory(name="Hénin-Beaumont")
    QuartierFactory(commune=commune, name="Darcy", is_qpv=True)
    QuartierFactory(commune=commune, name="Kennedy")
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[commune])
    karim = UserFactory(username="karim", first_name="Karim", last_name="Benali", teams=[team])
    UserFactory(username="julie", first_name="Julie", last_name="Marchand", teams=[team])
    UserFactory(username="coordination", first_name="Sophie", last_name="Leroy", coordinator=True, teams=[team])
    PartnerFactory(name="Mission Locale Hénin")
    today = datetime.date.today()
    youth = YouthFactory(team=team, first_name="Lina", sex="F", with_episode=True, first_met_on=today)
    Intervention.objects.create(youth=youth, date=today, author=karim)
    YouthFactory(team=team, first_name="Yanis", with_episode=True, first_met_on=today - datetime.timedelta(days=90))
    return team


@pytest.mark.parametrize("viewport", SIZES)
def test_a_coordinators_desk(browser, live_server, desk_team, screenshots_dir, viewport):
    phone = viewport["width"] < 500
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, "desk-phone" if phone else "desk-desktop", viewport=viewport
    )
    visit.log_in("coordination")
    expect(page.get_by_role("heading", name="L'équipe", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name="Karim Benali")).to_contain_text("1 / 1")
    expect(page.get_by_text("Yanis")).to_be_visible()
    visit.check("home")

    if phone:
        page.get_by_role("button", name="Ouvrir le menu").click()
    page.get_by_role("link", name="Temps partenariaux").click()
    expect(page.get_by_text("Aucun temps partenarial sur cette période.")).to_be_visible()
    visit.check("meetings-empty")

    page.get_by_role("link", name="Nouveau temps partenarial").click()
    page.get_by_text("Instance (CLS, PEDT…)", exact=True).click()
    page.get_by_role("textbox", name="Objet").fill("Comité PEDT")
    page.get_by_role("button", name="2 h", exact=True).click()
    page.get_by_role("combobox", name="Commune ou quartier").select_option(label="Darcy (QPV)")
    visit.pick("Partenaires", "Mission", "Mission Locale Hénin")
    page.get_by_text("Karim Benali", exact=True).click()
    visit.check("meeting-form")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Temps partenarial du")).to_be_visible()
    expect(page.get_by_role("cell", name="Comité PEDT", exact=True)).to_be_visible()
    visit.check("meetings-list")
    meeting = PartnerMeeting.objects.get()
    assert (meeting.title, meeting.duration_minutes, meeting.quartier.name) == ("Comité PEDT", 120, "Darcy")
    assert {u.username for u in meeting.educators.all()} == {"coordination", "karim"}

    page.get_by_role("link", name="Modifier le temps partenarial « Comité PEDT »").click()
    page.get_by_role("textbox", name="Durée").fill("1h30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("row").filter(has_text="Comité PEDT")).to_contain_text("1 h 30")
    assert PartnerMeeting.objects.get().duration_minutes == 90
    context.close()
