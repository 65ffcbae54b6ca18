"""The shared reference lists in a real browser: a coordinator reads them, an administrator changes them."""

import pytest
from playwright.sync_api import expect

from actions.models import Domain
from emps.models import AccessLog, Quartier
from tests.e2e.test_workspace import SIZES, open_browser, seed_reference_lists
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", SIZES)
def test_a_coordinator_reads_the_shared_lists_and_an_administrator_changes_them(
    browser, live_server, screenshots_dir, viewport
):
    seed_reference_lists()
    henin, lens = CommuneFactory(name="Hénin-Beaumont"), CommuneFactory(name="Lens")
    QuartierFactory(commune=henin, name="Darcy")
    QuartierFactory(commune=lens, name="Grande Résidence")
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[henin, lens])
    neighbour = TeamFactory(name="EMPS Lens", reference_prefix="LE", communes=[lens])
    UserFactory(username="sophie", first_name="Sophie", last_name="Delattre", coordinator=True, teams=[team])
    UserFactory(username="admin", first_name="Alex", last_name="Admin", is_superuser=True, is_staff=True)
    prefix = f"references-{viewport['width']}"

    context, page, visit = open_browser(browser, live_server, screenshots_dir, prefix, viewport=viewport)
    visit.log_in("sophie")
    page.goto(live_server.url + "/referentiels/domaines/")
    expect(page.get_by_role("heading", name="Domaines travaillés")).to_be_visible()
    expect(page.get_by_text("adressez-vous à l'administrateur")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    visit.check("coordinator-domains")

    page.goto(live_server.url + "/referentiels/quartiers/")
    expect(page.get_by_role("link", name="Modifier Darcy (Hénin-Beaumont)")).to_be_visible()
    expect(page.get_by_text("Commun à une autre équipe")).to_be_visible()
    visit.check("coordinator-quartiers")
    context.close()

    context, page, visit = open_browser(browser, live_server, screenshots_dir, f"{prefix}-admin", viewport=viewport)
    visit.log_in("admin")
    page.goto(live_server.url + "/referentiels/domaines/")
    page.get_by_label("Libellé").fill("Numérique")
    visit.check("admin-domains")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("« Numérique » est ajouté à la liste.")).to_be_visible()
    page.goto(live_server.url + "/referentiels/quartiers/")
    page.get_by_role("link", name="Modifier Grande Résidence (Lens)").click()
    page.get_by_label("QPV", exact=True).uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("est enregistré")).to_be_visible()
    visit.check("admin-quartier-saved")
    context.close()

    added = Domain.objects.get(label="Numérique")
    assert set(
        AccessLog.objects.filter(object_type="domain", object_id=str(added.pk)).values_list("team", flat=True)
    ) == {
        team.pk,
        neighbour.pk,
    }
    assert not Quartier.objects.get(name="Grande Résidence").is_qpv
    assert added.history.count() == 1
