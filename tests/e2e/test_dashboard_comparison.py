"""The funders' dashboard beside last year and the agreement's targets, in a real browser, phone and desktop."""

import datetime

import pytest
from playwright.sync_api import expect

from reports.models import FundingTarget, TargetKind
from tests.e2e.test_workspace import SIZES, open_browser, seed_reference_lists
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory, UserFactory
from tests.funders.conftest import youths_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded_team(live_server):
    seed_reference_lists()
    commune = CommuneFactory(name="Hénin-Beaumont")
    QuartierFactory(commune=commune, name="Darcy", is_qpv=True)
    team = TeamFactory(name="EMPS Hénin-Beaumont", reference_prefix="HB", communes=[commune])
    youths_in(team, commune, 13, first_met_on=datetime.date(2022, 5, 2))
    youths_in(team, commune, 9, first_met_on=datetime.date(2023, 5, 2), level="paei")
    FundingTarget.objects.create(team=team, year=2023, kind=TargetKind.YOUTHS, value=10)
    FundingTarget.objects.create(team=team, year=2023, kind=TargetKind.PAEI, value=15)
    UserFactory(username="financeur", funder=True, teams=[team])
    return team


@pytest.mark.parametrize("viewport", SIZES)
def test_a_funder_reads_last_year_and_the_targets(browser, live_server, funded_team, screenshots_dir, viewport):
    phone = viewport["width"] < 500
    context, page, visit = open_browser(
        browser, live_server, screenshots_dir, "compare-phone" if phone else "compare-desktop", viewport=viewport
    )
    visit.log_in("financeur")
    page.goto(f"{live_server.url}/financeurs/?periode=personnalisee&du=2023-01-01&au=2023-12-31")
    table = page.locator("table.dash-compare")
    expect(page.get_by_role("heading", name="Comparaison avec la période précédente et objectifs")).to_be_visible()
    expect(table.get_by_role("row", name="dont rencontrés pour la première fois")).to_contain_text("−5")
    expect(table.get_by_role("row", name="PAEI")).to_contain_text("non")
    table.scroll_into_view_if_needed()
    visit.check("dashboard")
    context.close()
