"""Exports: the import formats, CSV as French Excel reads it, XLSX with real dates, formulas neutralised, journaled."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from actions.models import Domain
from emps.models import AccessLog
from tests.actions.factories import (
    CollectiveActionFactory,
    InterventionFactory,
    PartnerMeetingFactory,
    PresenceSessionFactory,
)
from tests.emps.factories import PartnerFactory
from tests.transfer.helpers import error_texts, run_import
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory
from transfer.services import export_file, template_file
from youths.enums import Level

pytestmark = pytest.mark.django_db


def csv_lines(exported) -> list[str]:
    assert exported.content.startswith(b"\xef\xbb\xbf")
    return exported.content[3:].decode("utf-8").split("\r\n")


def xlsx_rows(exported) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def youth(team, territory):
    youth = YouthFactory(
        team=team,
        reference="HB-0001",
        first_name="Yanis",
        birth_year=2010,
        birth_month=3,
        quartier=territory.communes.get(name="Hénin-Beaumont").quartiers.get(name="Darcy"),
        first_met_on=datetime.date(2023, 9, 12),
    )
    SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, ended_on=datetime.date(2023, 10, 1))
    SupportEpisodeFactory(youth=youth, level=Level.PAEI, started_on=datetime.date(2023, 10, 2))
    SituationRecordFactory(youth=youth)
    return youth


def test_youth_export_is_semicolon_csv_with_bom_in_the_import_format(team, youth, coordinator):
    exported = export_file(kind="jeunes", team=team, fmt="csv", user=coordinator)
    assert exported.filename.startswith("jeunes-emps-test-") and exported.filename.endswith(".csv")
    assert exported.content_type == "text/csv; charset=utf-8"
    assert csv_lines(exported)[:2] == [
        "reference;prenom;nom;sexe;date_naissance;commune;quartier;origine;situation;niveau;date_debut;date_fin;equipe",
        "HB-0001;Yanis;;H;03/2010;Hénin-Beaumont;Darcy;Présence sociale;Scolarisé;PAEI;12/09/2023;;EMPS Test",
    ]


def test_xlsx_export_has_real_dates(team, youth):
    rows = xlsx_rows(export_file(kind="jeunes", team=team, fmt="xlsx"))
    assert rows[0][0] == "reference"
    assert rows[1][0] == "HB-0001"
    assert rows[1][10] == datetime.datetime(2023, 9, 12)


def test_nominative_exports_are_journaled_without_values(team, youth, coordinator):
    export_file(kind="jeunes", team=team, fmt="xlsx", user=coordinator)
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.user, entry.object_type, entry.team) == (coordinator, "jeunes", team)
    assert entry.detail.startswith("fichier jeunes-emps-test-") and entry.detail.endswith(".xlsx, 1 lignes")
    export_file(kind="partenaires", team=team, fmt="csv", user=coordinator)
    assert AccessLog.objects.count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_formulas_are_neutralised_and_imported_back_unchanged(team, youth, fmt):
    note = '=HYPERLINK("http://evil.example","clic")'
    InterventionFactory(youth=youth, date=datetime.date(2023, 10, 3), note=note)
    InterventionFactory(youth=youth, date=datetime.date(2023, 10, 4), note="-vu au collège")
    exported = export_file(kind="interventions", team=team, fmt=fmt)
    if fmt == "csv":
        lines = csv_lines(exported)
        assert lines[1].endswith(';"\'=HYPERLINK(""http://evil.example"",""clic"")"')
        assert lines[2].endswith(";'-vu au collège")
    else:
        sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
        cell = sheet.cell(row=2, column=7)
        assert (cell.data_type, cell.value) == ("s", "'" + note)

    report = run_import("interventions", exported.content, team, filename=f"x.{fmt}")
    assert report.ok, error_texts(report)
    assert report.unchanged == 2


def test_exports_are_scoped_to_the_team(team, youth, other_team):
    YouthFactory(team=other_team, reference="AU-0001", first_name="Autre")
    lines = csv_lines(export_file(kind="jeunes", team=team, fmt="csv"))
    assert [line.split(";")[0] for line in lines[1:] if line] == ["HB-0001"]


def test_anonymised_youths_are_left_out_and_count_as_anonymous_participants(team, youth):
    gone = YouthFactory(
        team=team, reference="", first_name="", anonymised_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    action = CollectiveActionFactory(team=team, participants=[youth, gone], anonymous_participants=3)
    InterventionFactory(youth=gone)
    assert len(csv_lines(export_file(kind="jeunes", team=team, fmt="csv"))) == 3
    assert len(csv_lines(export_file(kind="interventions", team=team, fmt="csv"))) == 2
    line = csv_lines(export_file(kind="actions", team=team, fmt="csv"))[1]
    # 2 participants with a record (one anonymised since) and 3 without: 5 in all, one still named.
    assert line.endswith(";HB-0001;5;;réalisée;;" + ";" * 11)  # then the tally, empty: not broken down
    assert action.participants.count() == 2


@pytest.mark.parametrize("kind", ["jeunes", "interventions", "presence", "actions", "temps_partenariaux"])
def test_exports_cost_a_fixed_number_of_queries(team, territory, kind, django_assert_max_num_queries):
    partner = PartnerFactory()
    domains = list(Domain.objects.all()[:2])
    for n in range(30):
        youth = YouthFactory(team=team, reference=f"HB-{n:04d}", with_episode=True)
        SituationRecordFactory(youth=youth)
        intervention = InterventionFactory(youth=youth, domains=domains)
        intervention.partners.add(partner)
        CollectiveActionFactory(team=team, participants=[youth]).partners.add(partner)
        PresenceSessionFactory(team=team)
        PartnerMeetingFactory(team=team).partners.add(partner)
    with django_assert_max_num_queries(10):
        exported = export_file(kind=kind, team=team, fmt="csv")
    assert exported.rows == 30


@pytest.mark.parametrize("kind", ["jeunes", "interventions", "presence", "actions"])
def test_a_template_with_its_example_row_imports_as_is(team, territory, karim, youth, kind):
    PartnerFactory(name="Collège Jean Macé")
    if kind in ("interventions", "actions"):
        YouthFactory(team=team, reference="HB-0002")
    template = template_file(kind=kind, fmt="xlsx", team=team)
    rows = xlsx_rows(template)
    assert len(rows) == 2
    help_sheet = load_workbook(io.BytesIO(template.content))["Aide"]
    assert [c.value for c in help_sheet[1]] == ["colonne", "obligatoire", "contenu", "exemple"]
    content = template.content
    if kind == "jeunes":
        # The example's reference is the fixture's youth: make it a new one.
        template = template_file(kind=kind, fmt="csv", team=team)
        content = template.content.replace(b"HB-0001", b"HB-0100")
    report = run_import(kind, content, team, filename=template.filename)
    assert report.ok, error_texts(report)
    assert report.created == 1
