"""« Actions spécifiques » of the bilan: the families or parents reached appear with the anonymous
participants, in the page, the workbook and the JSON, and are masked for funders like them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.builders import Scope, build_bilan, build_specific_actions, to_plain
from reports.dashboards.masking import is_masked, mask, small_cells
from reports.document import bilan_document
from reports.xlsx import render_xlsx
from tests.actions.factories import CollectiveActionFactory
from tests.reports.conftest import day

pytestmark = pytest.mark.django_db

START, END = day("2024-01-01"), day("2024-12-31")


@pytest.fixture
def scope(team):
    return Scope.for_team(team)


def family_outing(team, parents, **kwargs):
    fields = {"date": day("2024-05-04"), "title": "Sortie familles", "kind": "sortie", **kwargs}
    return CollectiveActionFactory(team=team, counted=True, parents=parents, **fields)


def item(scope, title="Sortie familles"):
    groups = build_specific_actions(scope=scope, start=START, end=END)
    return next(i for group in groups for i in group.items if i.title == title)


def test_the_families_reached_add_up_over_the_actions_of_a_title(team, scope, django_assert_num_queries):
    family_outing(team, 3, anonymous_participants=2, girls_12_17=2)
    family_outing(team, 4, date=day("2024-06-01"))
    CollectiveActionFactory(team=team, date=day("2024-05-05"), title="Atelier", anonymous_participants=5)
    with django_assert_num_queries(3):
        build_specific_actions(scope=scope, start=START, end=END)
    outing = item(scope)
    assert (outing.times, outing.anonymous_participants, outing.parents) == (2, 2, 7)
    assert item(scope, "Atelier").parents == 0


def test_page_workbook_and_json_carry_the_families(client, team, coordinator, scope):
    family_outing(team, 7)
    CollectiveActionFactory(team=team, date=day("2024-05-05"), title="Atelier", anonymous_participants=5)
    client.force_login(coordinator)
    content = client.get(reverse("reports:bilan"), {"team": team.pk, "start": "2024-01-01", "end": "2024-12-31"})
    content = content.content.decode()
    assert "le 4 mai, 7 familles ou parents</li>" in content
    assert "familles ou parents" not in content.split("<strong>Atelier</strong>", 1)[1].split("</li>", 1)[0]

    bilan = build_bilan(scope=scope, start=START, end=END)
    plain = to_plain(bilan)
    items = [i for group in plain["specific_actions"] for i in group["items"]]
    assert {i["title"]: i["parents"] for i in items} == {"Sortie familles": 7, "Atelier": 0}

    sheet = load_workbook(io.BytesIO(render_xlsx(bilan_document(bilan))))["Actions spécifiques"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[4:6] == ("Participants sans fiche", "Familles ou parents")
    assert {row[1]: row[5] for row in rows[1:] if row[1]} == {"Sortie familles": 7, "Atelier": 0}


def test_a_small_number_of_families_is_masked_for_funders(team, scope):
    family_outing(team, 2, anonymous_participants=12, boys_12_17=12)
    family_outing(team, 9, title="Fête de quartier")
    bilan = build_bilan(scope=scope, start=START, end=END)

    masked = mask(bilan, threshold=2)

    items = {i.title: i for group in masked.specific_actions for i in group.items}
    assert is_masked(items["Sortie familles"].parents) and str(items["Sortie familles"].parents) == "≤ 2"
    assert items["Sortie familles"].anonymous_participants == 12
    assert items["Fête de quartier"].parents == 9
    described = {(c.table, c.row, c.column, c.value) for c in small_cells(bilan, threshold=2)}
    assert ("Actions spécifiques", "Sortie familles", "Familles ou parents", 2) in described
