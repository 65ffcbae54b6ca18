"""Street presence's tally in the bilan: contacts counted, coverage, « non compté » against zero, and the
table « Public rencontré en présence sociale »."""

import io
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import PresenceSession
from actions.rules import contacts_counted, street_contact_figures
from reports.builders import Scope, build_activity_by_commune, build_bilan, build_street_public, to_plain
from reports.dashboards.builders import build_dashboard
from reports.dashboards.masking import mask
from reports.dashboards.publishing import published_bilan_create
from reports.document import bilan_document
from reports.xlsx import render_xlsx
from tests.actions.factories import PresenceSessionFactory
from tests.emps.factories import CommuneFactory, QuartierFactory
from tests.reports.conftest import day

pytestmark = pytest.mark.django_db

START, END = day("2024-01-01"), day("2024-12-31")
NON_OBJECTIVE = '<td class="count">Non objectivé</td>'


@pytest.fixture
def scope(team):
    return Scope.for_team(team)


def session(team, **kwargs):
    kwargs.setdefault("date", day("2024-03-05"))
    return PresenceSessionFactory(team=team, **kwargs)


def activity(scope):
    overall, _by_commune = build_activity_by_commune(scope=scope, start=START, end=END, with_contacts=True)
    return overall


# --- The rule ------------------------------------------------------------------------------------


def test_contacts_are_the_young_people_counted_in_the_counted_sessions_of_the_period(team, scope):
    session(team, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    session(team, counted=True, boys_12_17=3, others_18_25=1, residents=2)
    session(team)  # not counted
    session(team, counted=True, boys_12_17=9, date=day("2025-01-02"))  # outside the period

    figures = PresenceSession.objects.filter(date__lte=END).aggregate(**street_contact_figures())

    assert figures["sessions"] == 3
    assert figures["counted_sessions"] == 2
    assert figures["contacts"] == 10  # the same boy met twice is two contacts
    assert figures["adults"] == 3
    assert figures["boys_12_17"] == 7


def test_a_session_counted_with_nobody_met_is_zero_and_not_non_compte(team, scope):
    session(team, counted=True)
    session(team)

    table = activity(scope)

    assert table.presence_sessions == 2
    assert table.presence_counted_sessions == 1
    assert table.presence_contacts_counted == 0


def test_a_period_without_any_counted_session_is_non_objective(team, scope):
    session(team)
    session(team)

    table = activity(scope)

    assert table.presence_counted_sessions == 0
    assert table.presence_contacts_counted is None
    assert contacts_counted(0, None) is None
    assert contacts_counted(3, None) == 0


def test_a_session_not_counted_cannot_hold_figures(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        session(team, counted=False, girls_under_12=1)


def test_the_contacts_are_counted_only_when_asked_for_as_the_bilan_and_the_dashboard_do(team, scope):
    session(team, counted=True, boys_12_17=4)

    overall, _communes = build_activity_by_commune(scope=scope, start=START, end=END)
    dashboard = build_dashboard(scope=scope, start=START, end=END)

    assert (overall.presence_contacts, overall.presence_contacts_counted) == (None, None)
    assert dashboard.activity.presence_contacts_counted == 4
    assert dashboard.activity.presence_counted_sessions == 1


def test_contacts_count_in_the_commune_where_the_session_took_place(team, scope):
    other = CommuneFactory(name="Leforest")
    team.communes.add(other)
    session(team, counted=True, boys_12_17=4)
    session(team, counted=True, girls_12_17=3, commune=other)
    session(team, commune=other)

    _overall, by_commune = build_activity_by_commune(scope=scope, start=START, end=END, with_contacts=True)
    tables = {table.commune: table for table in by_commune}

    assert (tables["Hénin-Beaumont"].presence_contacts_counted, tables["Hénin-Beaumont"].presence_sessions) == (4, 1)
    assert tables["Leforest"].presence_contacts_counted == 3
    assert (tables["Leforest"].presence_counted_sessions, tables["Leforest"].presence_sessions) == (1, 2)


# --- The table « Public rencontré en présence sociale » ---------------------------------------------


def test_public_met_by_sex_and_age_band_with_the_adults_apart(team, scope, django_assert_max_num_queries):
    session(team, counted=True, boys_under_12=1, boys_12_17=4, girls_12_17=2, others_18_25=1, parents=1)
    session(team, counted=True, boys_12_17=2, girls_18_25=3, residents=4)
    session(team)

    with django_assert_max_num_queries(1):
        street = build_street_public(scope=scope, start=START, end=END)

    assert (street.sessions, street.counted_sessions, street.contacts) == (3, 2, 13)
    boys, girls, others = street.by_sex
    assert (boys.under_12, boys.from_12_to_17, boys.from_18_to_25, boys.total) == (1, 6, 0, 7)
    assert (girls.from_12_to_17, girls.from_18_to_25, girls.total) == (2, 3, 5)
    assert others.total == 1
    assert (street.total.under_12, street.total.from_12_to_17, street.total.from_18_to_25) == (1, 8, 4)
    assert (street.parents, street.residents, street.adults) == (1, 4, 5)


def test_public_met_by_quartier_with_the_share_in_a_qpv(team, scope):
    commune = team.communes.get()
    qpv = QuartierFactory(commune=commune, name="Darcy-QPV", is_qpv=True)
    outside = QuartierFactory(commune=commune, name="Centre", is_qpv=False)
    session(team, counted=True, quartier=qpv, boys_12_17=6, parents=2)
    session(team, counted=True, quartier=qpv, girls_12_17=3)
    session(team, counted=True, quartier=outside, boys_18_25=2)
    session(team, counted=True, girls_under_12=1)  # no quartier
    session(team, quartier=outside)  # not counted: not a row

    street = build_street_public(scope=scope, start=START, end=END)

    rows = [(r.quartier, r.is_qpv, r.counted_sessions, r.contacts, r.adults, r.percent) for r in street.by_quartier]
    assert rows == [
        ("Centre", False, 1, 2, 0, Decimal(17)),
        ("Darcy-QPV", True, 2, 9, 2, Decimal(75)),
        ("", False, 1, 1, 0, Decimal(8)),
    ]
    assert (street.in_qpv, street.in_qpv_percent) == (9, Decimal(75))


def test_the_bilan_shows_the_contacts_and_the_table_only_when_something_was_counted(team, scope):
    session(team)
    bilan = build_bilan(scope=scope, start=START, end=END)
    assert not bilan.street_public.is_counted
    assert bilan.activity.presence_contacts_counted is None

    session(team, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    bilan = build_bilan(scope=scope, start=START, end=END)

    assert bilan.street_public.is_counted
    assert bilan.activity.presence_contacts_counted == 6
    plain = to_plain(bilan)
    assert plain["activity"]["presence_contacts_counted"] == 6
    assert plain["activity"]["presence_counted_sessions"] == 1
    assert plain["street_public"]["contacts"] == 6
    assert plain["street_public"]["adults"] == 1
    assert plain["street_public"]["total"]["total"] == 6
    json.dumps(plain)


def test_the_workbook_carries_the_contacts_and_the_public_met(team, scope):
    session(team, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    session(team)
    workbook = load_workbook(io.BytesIO(render_xlsx(bilan_document(build_bilan(scope=scope, start=START, end=END)))))

    activity_rows = [row for row in workbook["Activité"].iter_rows(values_only=True) if row[0] == "Ensemble"]
    assert ("Ensemble", "Présence sociale", "Contacts comptés", 6) in activity_rows
    assert ("Ensemble", "Présence sociale", "Temps de présence comptés", 1) in activity_rows
    public = list(workbook["Public rencontré"].iter_rows(values_only=True))
    assert public[1] == ("Garçons", 0, 4, 0, 4)
    assert ("Parents", None, None, None, 1) in public


def test_the_page_shows_the_contacts_counted_and_keeps_non_objective_otherwise(client, team, coordinator):
    client.force_login(coordinator)
    period = {"team": team.pk, "start": "2024-01-01", "end": "2024-12-31"}
    session(team)
    content = client.get(reverse("reports:bilan"), period).content.decode()
    assert NON_OBJECTIVE in content
    assert "Public rencontré en présence sociale" not in content

    session(team, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    content = client.get(reverse("reports:bilan"), period).content.decode()

    assert NON_OBJECTIVE not in content
    assert "6 contacts comptés" in content
    assert "sur 1 des 2 temps de présence" in content
    assert "Public rencontré en présence sociale" in content
    assert "Contacts de jeunes en quartier prioritaire (QPV)" in content
    assert "INVALID_VARIABLE" not in content


def test_the_funders_copy_masks_the_small_cells_of_the_public_met(team, coordinator):
    """A published bilan's masked copy (what funders read) shows the table with one girl under 12 as
    « ≤ 2 », the figures that would reveal her as « s », and the large cells as they are."""
    session(team, counted=True, girls_under_12=1, boys_under_12=5, boys_12_17=30, girls_12_17=10)
    session(team, counted=True, boys_18_25=8, girls_18_25=6, parents=4, residents=5)

    publication = published_bilan_create(
        team=team, commune=None, start=START, end=END, small_cells_choice="masked", by=coordinator
    )

    boys, girls, _others = publication.figures["street_public"]["by_sex"]
    assert girls["under_12"] == "≤ 2"
    assert (girls["from_12_to_17"], girls["total"], boys["from_12_to_17"]) == (10, 17, 30)
    assert (boys["under_12"], girls["from_18_to_25"]) == ("s", "s")  # 17 - 10 - 6 would give her away
    assert publication.figures["street_public"]["contacts"] == 60
    html = publication.html
    assert "Public rencontré en présence sociale" in html
    assert '<th scope="row">Filles</th><td class="num">≤ 2</td><td class="num">10</td>' in html
    assert "INVALID_VARIABLE" not in html


def test_the_funders_workbook_says_the_qpv_contacts_without_a_masked_percentage(team, scope):
    """Masked, the share of contacts met in a QPV reads « s », never « s (s %) »."""
    quartier = QuartierFactory(commune=team.communes.get(), name="Kennedy", is_qpv=True)
    session(team, counted=True, quartier=quartier, girls_under_12=1)
    session(team, counted=True, boys_12_17=30, girls_12_17=10)
    masked = mask(build_bilan(scope=scope, start=START, end=END))
    workbook = load_workbook(io.BytesIO(render_xlsx(bilan_document(masked))))
    notes = [cell for row in workbook["Contacts par quartier"].iter_rows(values_only=True) for cell in row if cell]
    qpv_notes = [str(note) for note in notes if "QPV :" in str(note)]
    assert len(qpv_notes) == 1 and "%" not in qpv_notes[0], qpv_notes
