"""Hostile values for every free-text field, and checks that pages, PDFs, JSON and XLSX show them inert.

`hostile_world()` fills every text field of a team's data with payloads; the `assert_*` helpers
check one kind of output. test_escaping.py uses them for the pages and exports that exist; a new
page or export is covered by adding it to the lists there.
"""

import datetime
import io
import json
import subprocess
import tempfile
from pathlib import Path

from actions.enums import ActionKind, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from emps.models import Commune, Partner, PartnerCategory, Quartier, Team, User
from reports.models import FinancialPartner
from youths.models import Situation, SituationRecord, SupportEpisode, Youth

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","clic")'
HTML = "<b>html</b>"
PAYLOADS = [SCRIPT, FORMULA, HTML]


def payload(label: str, max_length: int = 200) -> str:
    """A short label followed by the three payloads, cut to the field's length."""
    return f"{label} {SCRIPT} {HTML} {FORMULA}"[:max_length]


def hostile_world():
    """A team whose every free-text field carries payloads; returns the objects by name."""
    commune = Commune.objects.create(name=payload("Commune", 120))
    quartier = Quartier.objects.create(commune=commune, name=payload("Quartier", 120))
    team = Team.objects.create(
        name=payload("Équipe", 120),
        association=payload("Association"),
        subtitle=payload("Sous-titre"),
        reference_prefix="XS",
    )
    team.communes.set([commune])
    FinancialPartner.objects.create(team=team, name=payload("Financeur"), order=1)
    coordinator = User.objects.create_user(
        username="coord-xss",
        password="correct-horse-battery-staple",
        role="coordinator",
        first_name=payload("Prénom", 150),
        last_name=payload("Nom", 150),
    )
    coordinator.teams.set([team])
    educator = User.objects.create_user(
        username="edu-xss",
        password="correct-horse-battery-staple",
        first_name=payload("Éduc", 150),
        last_name=payload("Nom", 150),
    )
    educator.teams.set([team])
    partner = Partner.objects.create(name=payload("Partenaire"), category=PartnerCategory.objects.first())
    youth = Youth.objects.create(
        team=team,
        reference=f"XS-1 {SCRIPT}"[:30],
        first_name=payload("Jeune", 60),
        last_name=payload("Nom", 60),
        sex="F",
        birth_year=2009,
        birth_month=4,
        commune=commune,
        quartier=quartier,
        origin_partner=partner,
        referent=educator,
        first_met_on=datetime.date(2024, 3, 1),
    )
    SupportEpisode.objects.create(youth=youth, level="asep", started_on=datetime.date(2024, 3, 1))
    SituationRecord.objects.create(
        youth=youth, situation=Situation.objects.first(), started_on=datetime.date(2024, 3, 1)
    )
    intervention = Intervention.objects.create(
        youth=youth, date=datetime.date(2024, 4, 2), note=payload("Note", 500), author=educator
    )
    intervention.domains.set([Domain.objects.first()])
    intervention.partners.set([partner])
    intervention.educators.set([educator])
    action = CollectiveAction.objects.create(
        team=team,
        date=datetime.date(2024, 5, 2),
        title=payload("Action"),
        kind=ActionKind.OUTING,
        commune=commune,
        quartier=quartier,
        description=payload("Description", 2000),
        author=educator,
    )
    action.participants.set([youth])
    session = PresenceSession.objects.create(
        team=team,
        date=datetime.date(2024, 5, 3),
        duration_minutes=90,
        place=Place.STREET,
        commune=commune,
        note=payload("Présence", 500),
        author=educator,
    )
    meeting = PartnerMeeting.objects.create(
        team=team, date=datetime.date(2024, 5, 4), title=payload("Réunion"), note=payload("Compte rendu", 500)
    )
    return {
        "team": team,
        "coordinator": coordinator,
        "educator": educator,
        "youth": youth,
        "intervention": intervention,
        "action": action,
        "session": session,
        "meeting": meeting,
        "partner": partner,
    }


def assert_html_inert(html: str, *, must_show: bool = True) -> None:
    """No payload is active in the HTML; with must_show, the escaped script tag is displayed."""
    assert SCRIPT not in html, "a <script> payload reached the page unescaped"
    assert HTML not in html, "an HTML payload reached the page unescaped"
    if must_show:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "the payload is not displayed: is the test empty?"


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def assert_pdf_shows_payloads_as_text(pdf: bytes) -> None:
    """The PDF prints the payloads literally: markup was not interpreted (no bold, no script)."""
    text = pdf_text(pdf)
    assert SCRIPT in text and HTML in text, "the payloads should be printed as plain text"


def assert_json_round_trips(content: bytes, value: str) -> None:
    """JSON carries the exact value (it is data, not markup); the reader must escape it."""
    assert value in set(_strings(json.loads(content))), f"{value!r} is not a value of the JSON document"


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for item in node.values():
            yield from _strings(item)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def assert_xlsx_has_no_formula(content: bytes) -> None:
    """No cell of any sheet is a formula: "=..." payloads are stored as text."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert not formulas, f"cells holding formulas: {formulas}"
