"""Temps partenariaux on screen: list, filters, create, edit (optimistic locking), delete, and the bilan."""

import datetime
import html
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from actions.enums import MeetingKind
from actions.models import DiagnosticFinding, PartnerMeeting
from emps.models import Quartier
from reports.builders import Scope, build_bilan, build_diagnostics
from reports.dashboards.publishing import published_bilan_create
from reports.document import bilan_document, general_action_lines
from reports.exports import render_export
from reports.models import PublishedBilan
from tests.actions.factories import PartnerMeetingFactory
from tests.emps.factories import CommuneFactory, PartnerFactory, QuartierFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 15)
YEAR_2023 = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))


def text(response):
    return html.unescape(response.content.decode())


def cells(row: str) -> list[str]:
    """The texts of a table row's cells."""
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Mission Locale Hénin")


def form_data(**changes):
    data = {
        "kind": MeetingKind.MEETING,
        "title": "Rencontre Mission Locale",
        "date": "12/03/2024",
        "duration": "1h30",
        "sector": "",
        "partners": [],
        "educators": [],
        "note": "",
    }
    data.update(changes)
    return data


@time_machine.travel(TODAY)
def test_an_educator_records_a_meeting_with_its_duration_partners_and_educators(
    client, educator, teammate, team, partner
):
    client.force_login(educator)
    darcy = Quartier.objects.get(name="Darcy")
    response = client.post(
        reverse("actions:meeting_create"),
        form_data(partners=[partner.pk], educators=[educator.pk, teammate.pk], sector=f"q{darcy.pk}"),
    )
    assert response.status_code == 302 and response["Location"] == reverse("actions:meeting_list")
    meeting = PartnerMeeting.objects.get()
    assert (meeting.team, meeting.author, meeting.duration_minutes) == (team, educator, 90)
    assert (meeting.commune, meeting.quartier) == (darcy.commune, darcy)
    assert set(meeting.partners.all()) == {partner} and set(meeting.educators.all()) == {educator, teammate}
    listing = text(client.get(reverse("actions:meeting_list")))
    assert "Rencontre Mission Locale" in listing and "1 h 30" in listing and "Mission Locale Hénin" in listing


@time_machine.travel(TODAY)
def test_an_internal_team_meeting_without_place_counts_for_the_whole_team(client, educator, team):
    client.force_login(educator)
    client.post(reverse("actions:meeting_create"), form_data(kind=MeetingKind.TEAM, title="Réunion hebdomadaire"))
    meeting = PartnerMeeting.objects.get()
    assert meeting.kind == MeetingKind.TEAM and meeting.commune is None and meeting.team == team
    assert "Toute l'équipe" in text(client.get(reverse("actions:meeting_list")))


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "changes, field, message",
    [
        pytest.param(
            {"title": "", "partners": []},
            "title",
            "Indiquez l'objet du temps partenarial ou au moins un partenaire.",
            id="no-partner-no-object",
        ),
        pytest.param({"duration": "1h75"}, "duration", "les minutes doivent être inférieures à 60", id="bad-duration"),
        pytest.param({"date": "16/03/2024"}, "date", "futur", id="future"),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_nothing_is_written(client, educator, changes, field, message):
    client.force_login(educator)
    response = client.post(reverse("actions:meeting_create"), form_data(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert not PartnerMeeting.objects.exists()


@time_machine.travel(TODAY)
def test_partners_without_an_object_are_enough_and_the_kind_names_the_meeting(client, educator, partner):
    client.force_login(educator)
    client.post(reverse("actions:meeting_create"), form_data(title="", partners=[partner.pk]))
    meeting = PartnerMeeting.objects.get()
    assert meeting.title == "" and meeting.label == "Réunion partenariale"


@time_machine.travel(TODAY)
def test_a_diagnostic_holds_findings_per_quartier_and_only_a_diagnostic(client, educator):
    client.force_login(educator)
    darcy = Quartier.objects.get(name="Darcy")
    finding = {f"finding_{darcy.pk}": "Regroupements en soirée près du city-stade."}
    response = client.post(reverse("actions:meeting_create"), form_data(title="Diagnostic", **finding))
    assert "ne concernent que les diagnostics" in text(response) and not PartnerMeeting.objects.exists()

    client.post(reverse("actions:meeting_create"), form_data(kind=MeetingKind.DIAGNOSTIC, title="DTP", **finding))
    meeting = PartnerMeeting.objects.get()
    assert [(f.quartier, f.text) for f in meeting.findings.all()] == [(darcy, finding[f"finding_{darcy.pk}"])]

    # Emptied on an edit, the finding goes.
    url = reverse("actions:meeting_update", args=[meeting.pk])
    edit = form_data(kind=MeetingKind.DIAGNOSTIC, title="DTP", version=meeting.version, **{f"finding_{darcy.pk}": ""})
    assert client.post(url, edit).status_code == 302
    assert not DiagnosticFinding.objects.exists()


@time_machine.travel(TODAY)
def test_the_second_of_two_concurrent_edits_is_refused(client, educator, team):
    meeting = PartnerMeetingFactory(team=team, author=educator, date=datetime.date(2024, 3, 1))
    client.force_login(educator)
    url = reverse("actions:meeting_update", args=[meeting.pk])
    assert client.post(url, form_data(title="Première", version=1)).status_code == 302
    response = client.post(url, form_data(title="Seconde", version=1))
    assert response.status_code == 200 and "Quelqu'un d'autre a enregistré" in text(response)
    meeting.refresh_from_db()
    assert meeting.title == "Première" and meeting.version == 2


def test_a_teammate_who_did_not_write_it_cannot_edit_it(client, educator, teammate, team):
    meeting = PartnerMeetingFactory(team=team, author=educator)
    client.force_login(teammate)
    assert client.get(reverse("actions:meeting_update", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("actions:meeting_delete", args=[meeting.pk])).status_code == 403
    assert PartnerMeeting.objects.filter(pk=meeting.pk).exists()


def test_the_list_filters_by_kind_commune_and_whose(client, educator, teammate, coordinator, team, other_team):
    commune = team.communes.get()
    mine = PartnerMeetingFactory(team=team, author=educator, kind=MeetingKind.BODY, title="CLS", commune=commune)
    theirs = PartnerMeetingFactory(team=team, author=teammate, title="Rencontre MDS", commune=None)
    PartnerMeetingFactory(team=other_team, title="Ailleurs")

    def shown(user, **params):
        client.force_login(user)
        return {m.pk for m in client.get(reverse("actions:meeting_list"), params).context["meetings"]}

    assert shown(educator) == {mine.pk}  # an educator's list opens on their own
    assert shown(coordinator) == {mine.pk, theirs.pk}  # a coordinator's on the whole team's
    assert shown(coordinator, type=MeetingKind.BODY) == {mine.pk}
    assert shown(coordinator, commune=commune.pk) == {mine.pk, theirs.pk}  # team-wide ones count everywhere


@pytest.mark.parametrize("count", [2, 15])
def test_the_list_runs_a_constant_number_of_queries(client, educator, team, count, django_assert_max_num_queries):
    partner = PartnerFactory()
    for n in range(count):
        meeting = PartnerMeetingFactory(team=team, author=educator, date=datetime.date(2023, 7, 1 + n))
        meeting.partners.set([partner])
        meeting.educators.set([educator])
    client.force_login(educator)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("actions:meeting_list"))
    assert response.context["page"].paginator.count == count


def test_the_bilan_counts_meetings_and_their_hours_by_kind(team):
    PartnerMeetingFactory(team=team, kind=MeetingKind.MEETING, title="Rencontre MDS", duration_minutes=90)
    PartnerMeetingFactory(team=team, kind=MeetingKind.MEETING, title="Rencontre PRE", duration_minutes=None)
    PartnerMeetingFactory(team=team, kind=MeetingKind.BODY, title="CLS", duration_minutes=None)
    for day in (5, 12):
        PartnerMeetingFactory(
            team=team, kind=MeetingKind.TEAM, title="Réunion hebdomadaire", date=datetime.date(2023, 9, day),
            duration_minutes=120,
        )  # fmt: skip
    bilan = build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1])
    meetings = bilan.meetings
    assert (meetings.count(MeetingKind.MEETING), meetings.hours(MeetingKind.MEETING)) == (2, 1.5)
    assert (meetings.count(MeetingKind.BODY), meetings.hours(MeetingKind.BODY)) == (1, None)
    assert (meetings.count(MeetingKind.TEAM), meetings.hours(MeetingKind.TEAM)) == (2, 4)
    lines = general_action_lines(bilan)
    assert (
        "Les professionnels ont participé à 2 temps partenariaux : Rencontre MDS et Rencontre PRE, soit 1,5 h." in lines
    )
    assert "Ils ont intégré 1 temps de travail spécifique : CLS." in lines
    assert "Ils ont bénéficié de 2 réunions d'équipe en interne, soit 4 h." in lines

    document = bilan_document(bilan)
    page = render_export(document, "html").decode()
    table = page[page.index("Temps partenariaux par type") : page.index("</table>", page.index("par type"))]
    assert [cells(row) for row in table.split("<tr>")[2:]] == [
        ["Réunion partenariale", "2", "1,5"],
        ["Instance (CLS, PEDT…)", "1", "–"],
        ["Réunion d'équipe (interne)", "2", "4"],
        ["Total", "5", "5,5"],
    ]
    sheet = load_workbook(io.BytesIO(render_export(document, "xlsx")))["Temps partenariaux par type"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Type", "Nombre", "Heures"],
        ["Réunion partenariale", 2, 1.5],
        ["Instance (CLS, PEDT…)", 1, None],
        ["Réunion d'équipe (interne)", 2, 4],
        ["Total", 5, 5.5],
    ]
    data = json.loads(render_export(document, "json"))["meetings"]
    assert [(k["key"], k["count"], k["hours"]) for k in data["kinds"]] == [
        (MeetingKind.MEETING, 2, 1.5),
        (MeetingKind.BODY, 1, None),
        (MeetingKind.TEAM, 2, 4),
    ]
    assert data["total_hours"] == 5.5


def test_without_any_duration_the_bilan_prints_no_hours_column(team):
    PartnerMeetingFactory(team=team, kind=MeetingKind.MEETING, title="Rencontre PRE", duration_minutes=None)
    document = bilan_document(build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1]))
    page = render_export(document, "html").decode()
    table = page[page.index("Temps partenariaux par type") : page.index("</table>", page.index("par type"))]
    assert "Heures" not in table and [cells(row) for row in table.split("<tr>")[2:]] == [
        ["Réunion partenariale", "1"],
        ["Total", "1"],
    ]
    sheet = load_workbook(io.BytesIO(render_export(document, "xlsx")))["Temps partenariaux par type"]
    assert [c.value for c in sheet[1]] == ["Type", "Nombre"]


def test_deleting_a_meeting_leaves_a_published_bilan_unchanged(client, coordinator, team):
    meeting = PartnerMeetingFactory(team=team, kind=MeetingKind.BODY, title="Comité PEDT", duration_minutes=120)
    pub = published_bilan_create(
        team=team, commune=None, start=YEAR_2023[0], end=YEAR_2023[1], small_cells_choice="as_is", by=coordinator
    )
    figures, pdf, page = pub.figures, bytes(pub.pdf), pub.html
    assert any("Comité PEDT" in line for line in figures["general_action"])

    client.force_login(coordinator)
    assert client.post(reverse("actions:meeting_delete", args=[meeting.pk])).status_code == 302
    assert not PartnerMeeting.objects.exists()
    assert build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1]).meetings.total == 0

    pub = PublishedBilan.objects.get()
    assert pub.figures == figures and bytes(pub.pdf) == pdf and pub.html == page
    assert "Comité PEDT" in text(client.get(pub.get_absolute_url()))


@pytest.fixture
def diagnostic(team):
    """A 2023 diagnostic with findings in the team's Darcy and in a quartier of a second commune."""
    montigny = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(montigny)
    meeting = PartnerMeetingFactory(
        team=team, kind=MeetingKind.DIAGNOSTIC, title="DTP Hénin-Montigny", date=datetime.date(2023, 5, 10)
    )
    DiagnosticFinding.objects.create(
        meeting=meeting, quartier=Quartier.objects.get(name="Darcy"), text="Regroupements en soirée au city-stade."
    )
    DiagnosticFinding.objects.create(
        meeting=meeting,
        quartier=QuartierFactory(commune=montigny, name="Cité 10"),
        text="Peu d'offre pour les 16-18 ans.",
    )
    PartnerMeetingFactory(team=team, kind=MeetingKind.DIAGNOSTIC, date=datetime.date(2022, 5, 10))  # out of the year
    return meeting


def test_the_bilan_prints_the_diagnostics_findings_per_quartier(team, diagnostic, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        diagnostics = build_diagnostics(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1])
    assert [(d.date, d.label) for d in diagnostics] == [(datetime.date(2023, 5, 10), "DTP Hénin-Montigny")]
    assert [(f.commune, f.quartier) for f in diagnostics[0].findings] == [
        ("Hénin-Beaumont", "Darcy"),
        ("Montigny-en-Gohelle", "Cité 10"),
    ]
    document = bilan_document(build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1]))
    page = html.unescape(render_export(document, "html").decode())
    general = page[page.index("Action générale") : page.index("</section>", page.index("Action générale"))]
    assert "Diagnostics territoriaux" in general and "DTP Hénin-Montigny" in general and "(10/05/2023)" in general
    assert "Darcy (Hénin-Beaumont)</em> : Regroupements en soirée au city-stade." in general
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_export(document, "pdf"))).pages).split()
    )
    assert (
        "Diagnostics territoriaux" in pdf and "Cité 10 (Montigny-en-Gohelle) : Peu d'offre pour les 16-18 ans." in pdf
    )
    sheet = load_workbook(io.BytesIO(render_export(document, "xlsx")))["Diagnostics territoriaux"]
    darcy = ("Hénin-Beaumont", "Darcy", "Regroupements en soirée au city-stade.")
    cite = ("Montigny-en-Gohelle", "Cité 10", "Peu d'offre pour les 16-18 ans.")
    assert [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        [datetime.datetime(2023, 5, 10), "DTP Hénin-Montigny", *darcy],
        [datetime.datetime(2023, 5, 10), "DTP Hénin-Montigny", *cite],
    ]
    data = json.loads(render_export(document, "json"))["diagnostics"]
    assert data[0]["findings"][1] == dict(zip(("commune", "quartier", "text"), cite, strict=True))

    # A commune's bilan prints only the findings of its quartiers.
    henin = Scope.for_team(team, team.communes.get(name="Hénin-Beaumont"))
    (only,) = build_diagnostics(scope=henin, start=YEAR_2023[0], end=YEAR_2023[1])
    assert [f.quartier for f in only.findings] == ["Darcy"]


def test_without_a_diagnostic_the_bilan_prints_no_such_subsection(team):
    document = bilan_document(build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1]))
    assert "Diagnostics territoriaux" not in render_export(document, "html").decode()
    assert "Diagnostics territoriaux" not in load_workbook(io.BytesIO(render_export(document, "xlsx"))).sheetnames


def test_deleting_a_finding_leaves_a_published_bilan_unchanged(client, coordinator, team, diagnostic):
    pub = published_bilan_create(
        team=team, commune=None, start=YEAR_2023[0], end=YEAR_2023[1], small_cells_choice="as_is", by=coordinator
    )
    figures, pdf, page = pub.figures, bytes(pub.pdf), pub.html
    assert "Regroupements en soirée au city-stade." in html.unescape(page)

    client.force_login(coordinator)
    darcy, cite = Quartier.objects.get(name="Darcy"), Quartier.objects.get(name="Cité 10")
    edit = form_data(
        kind=MeetingKind.DIAGNOSTIC, title="DTP Hénin-Montigny", date="10/05/2023", version=diagnostic.version,
        **{f"finding_{darcy.pk}": "", f"finding_{cite.pk}": "Peu d'offre pour les 16-18 ans."},
    )  # fmt: skip
    response = client.post(reverse("actions:meeting_update", args=[diagnostic.pk]), edit)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not diagnostic.findings.filter(quartier=darcy).exists()
    live = build_bilan(scope=Scope.for_team(team), start=YEAR_2023[0], end=YEAR_2023[1])
    assert [f.quartier for f in live.diagnostics[0].findings] == ["Cité 10"]

    pub = PublishedBilan.objects.get()
    assert pub.figures == figures and bytes(pub.pdf) == pdf and pub.html == page
    assert "Regroupements en soirée au city-stade." in text(client.get(pub.get_absolute_url()))
