"""The PDF, the workbook and the JSON, read back and checked against the seed's figures."""

import dataclasses
import io
import json
import re
import subprocess
from html import unescape

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook
from pypdf import PdfReader

from demo.seed2023 import NARRATIVE
from emps.models import Partner, PartnerCategory
from reports.builders import PartnerGroup, Scope, build_bilan
from reports.document import bilan_document
from reports.exports import render_export
from reports.models import BilanNarrative
from tests.reports.conftest import SEED_END, SEED_START

pytestmark = pytest.mark.django_db

A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def seed_document(seed_team, django_db_blocker):
    """The seed's document, built once for the module: the tests only read it (no query left in it)."""
    with django_db_blocker.unblock():
        bilan = build_bilan(scope=Scope.for_team(seed_team), start=SEED_START, end=SEED_END)
        narrative = BilanNarrative.objects.for_bilan(team=seed_team, commune=None, start=SEED_START, end=SEED_END)
        return bilan_document(bilan, narrative.get())


@pytest.fixture(scope="module")
def pdf_text(seed_document, tmp_path_factory):
    """The seed's PDF and its text, rendered once for the module's tests that read them."""
    pdf = render_export(seed_document, "pdf")
    path = tmp_path_factory.mktemp("pdf") / "bilan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pdf, text


def squeeze(text: str) -> str:
    """Spaces as pdftotext lays them out vary: one space between words, none before « % »."""
    return re.sub(r"[ \u202f\u00a0]+", " ", text).replace(" %", "%")


def test_the_pdf_is_a4_with_page_numbers_and_the_period_in_every_footer(pdf_text):
    pdf, text = pdf_text
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 4
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
    footers = squeeze(text)
    for number in range(1, pages + 1):
        assert f"Page {number} / {pages}" in footers
    assert footers.count("Bilan d'activité du 9 mai 2023 au 31 décembre 2023") >= pages


def test_the_pdf_carries_the_seeds_tables(pdf_text):
    _pdf, text = pdf_text
    flat = squeeze(text)
    for expected in [
        "EMPS HÉNIN-BEAUMONT",
        "Agence nationale de la cohésion des territoires (ANCT)",
        "Ils sont en contact avec 60 jeunes dont 15 en accroche, 25 en accompagnement ponctuel",
        "22 ateliers et 38 sorties",
        "23 initiées et 15 en associé",
        "165 heures",
        "Loisir / Sport / Culture 67 29 24%",
        "Scolarité 64 29 23%",
        "Formation 1 1 0%",
        "Ensemble des domaines 282 44",
        "12 - 15 ans 27 20 7 0 45%",
        "21 - 24 ans 1 0 1 0 2%",
        "Homme 37 13,5 ans 62%",
        "Femme 23 14,3 ans 38%",
        "Présence sociale 45 25 20 0 75%",
        "Scolarisé 49 32 17 0 82%",
        "En emploi 2 1 1 0 3%",
        "Recrutement le 9 mai 2023",
        "Maillage territorial en cours avec l'existant.",
    ]:
        assert expected in flat, expected


def test_no_table_row_is_cut_across_pages(pdf_text, seed_document):
    """Each row of the figure tables sits whole on one page: all its cells on one line of one page."""
    _pdf, text = pdf_text
    seed_bilan = seed_document.bilan
    pages = [squeeze(page) for page in text.split("\f")]
    expected = [f"{r.label} {r.total} {r.youths} {r.percent}%" for r in seed_bilan.domains.rows]
    expected += [f"{r.label} {r.total} {r.h} {r.f} {r.nb} {r.percent}%" for r in seed_bilan.age_sex.rows]
    expected += [f"{r.label} {r.total} {r.h} {r.f} {r.nb} {r.percent}%" for r in seed_bilan.situation_sex.rows]
    for row in expected:
        assert sum(row in page for page in pages) == 1, row


def pdf_to_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_seeds_partners_stay_in_the_activity_tables_cells(pdf_text):
    flat = squeeze(pdf_text[1])
    assert "nommés sous le tableau" not in flat
    assert "Justice et protection de l'enfance :" in flat


def test_hundreds_of_partners_are_all_named_below_the_table_without_a_blank_page(seed_document, pdf_text, tmp_path):
    """At federation scale a team mobilises hundreds of partners: the narrow cell gives the counts per
    category, every name follows the table, full width, and the heading stays with its table."""
    seed_pages = len(PdfReader(io.BytesIO(pdf_text[0])).pages)
    names = [f"Partenaire_{n:03}" for n in range(240)]
    groups = tuple(PartnerGroup(category=f"Catégorie {c}", partners=tuple(names[c::4])) for c in range(4))
    bilan = seed_document.bilan
    activity = dataclasses.replace(bilan.activity, support_partners=groups)
    document = dataclasses.replace(seed_document, bilan=dataclasses.replace(bilan, activity=activity))
    pdf = render_export(document, "pdf")
    text = pdf_to_text(pdf, tmp_path)
    flat = squeeze(text)
    assert "240 partenaires, nommés sous le tableau." in flat
    assert "Catégorie 0 : 60" in flat
    assert "Catégorie 0 (60) : Partenaire_000, Partenaire_004" in flat
    assert all(name in flat for name in names)
    pages = [squeeze(page) for page in text.split("\f")]
    heading = next(page for page in pages if "L'ACTIVITÉ DE L'EMPS SUR L'ENSEMBLE DU TERRITOIRE" in page)
    assert "Projet d'Accompagnement" in heading and "Partenaire_000" in heading
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= seed_pages + 2


def test_the_workbook_has_one_sheet_per_table_with_numbers_as_numbers(seed_document):
    workbook = load_workbook(io.BytesIO(render_export(seed_document, "xlsx")))
    for name in [
        "Bilan",
        "Action générale",
        "Activité",
        "Partenaires mobilisés",
        "Domaines travaillés",
        "Âge et sexe",
        "Genre",
        "Origine et sexe",
        "Situation et sexe",
        "QPV",
        "Quartiers",
        "Présence par lieu",
        "Présence par quartier",
        "Actions spécifiques",
        "Temps partenariaux",
        "Mois par mois",
        "Méthode de calcul",
    ]:
        assert name in workbook.sheetnames, name
    domains = workbook["Domaines travaillés"]
    assert [c.value for c in domains[1]] == ["Domaines travaillés", "Total", "Jeunes", "%"]
    assert all(c.font.bold for c in domains[1])
    assert [c.value for c in domains[2]] == ["Loisir / Sport / Culture", 67, 29, 24]
    assert isinstance(domains["B2"].value, int)
    ages = workbook["Âge et sexe"]
    assert [c.value for c in ages[2]] == ["6 - 9 ans", 4, 2, 2, 0, 7]
    genre = workbook["Genre"]
    assert [c.value for c in genre[2]] == ["Homme", 37, 13.5, 62]
    activity = {(r[0], r[2]): r[3] for r in workbook["Activité"].iter_rows(min_row=2, values_only=True)}
    assert activity[("Ensemble", "Ateliers")] == 22 and activity[("Ensemble", "Sorties")] == 38
    assert activity[("Ensemble", "DSL initiées")] == 23 and activity[("Ensemble", "DSL en associé")] == 15
    assert activity[("Ensemble", "Heures")] == 165
    assert activity[("Hénin-Beaumont", "PAEI")] + activity[("Montigny-en-Gohelle", "PAEI")] == 20


def test_text_cells_that_look_like_formulas_are_neutralised(seed_team, db):
    category = PartnerCategory.objects.first()
    partner = Partner.objects.create(name='=HYPERLINK("http://example.com","clic")', category=category)
    from actions.models import CollectiveAction

    action = CollectiveAction.objects.filter(team=seed_team).first()
    action.partners.add(partner)
    action.title = "+33 6 00 00 00 00"
    action.save()
    document = bilan_document(build_bilan(scope=Scope.for_team(seed_team), start=SEED_START, end=SEED_END))
    workbook = load_workbook(io.BytesIO(render_export(document, "xlsx")))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == partner.name and c.data_type == "s" for c in cells)
    assert any(c.value == "+33 6 00 00 00 00" for c in cells)
    assert not any(c.value.startswith("'") for c in cells)


def test_texts_starting_with_a_dash_read_as_typed_in_the_workbook(seed_document):
    """The seed's bullet lines « - Recrutement… » showed a stray apostrophe in the spreadsheet."""
    workbook = load_workbook(io.BytesIO(render_export(seed_document, "xlsx")))
    texts = {row[0].value: row[1] for row in workbook["Textes"].iter_rows(min_row=2)}
    assert texts["Mise en place"].value == NARRATIVE["setup"]
    assert texts["Mise en place"].value.startswith("- Recrutement le 9 mai 2023")
    assert texts["Mise en place"].data_type == "s"


def test_json_carries_every_figure(seed_document):
    data = json.loads(render_export(seed_document, "json"))
    assert data["public"] == {
        "total": 60,
        "paei": 20,
        "asep": 25,
        "accroche": 15,
        "level_unknown": 0,
        "new": 60,
        "continuing": 0,
        "accompanied": 45,
    }
    assert data["domains"]["total"] == 282
    assert [r["percent"] for r in data["domains"]["rows"]] == [24, 23, 14, 11, 10, 10, 3, 2, 2, 1, 1, 0]
    assert [(r["label"], r["average_age"]) for r in data["genre"]["rows"]] == [("Homme", 13.5), ("Femme", 14.3)]
    activity = data["activity"]
    assert (activity["workshops"], activity["outings"], activity["dsl_initiated"], activity["dsl_joined"]) == (
        22,
        38,
        23,
        15,
    )
    assert activity["presence_hours"] == 165
    assert data["period"] == "du 9 mai 2023 au 31 décembre 2023"
    assert data["texts"]["perspectives"] == NARRATIVE["perspectives"]
    assert len(data["rules"]) >= 8


def test_rendering_the_exports_adds_no_query(seed_document, django_assert_num_queries):
    with django_assert_num_queries(0):
        for fmt in ("json", "xlsx", "html"):
            render_export(seed_document, fmt)


def test_the_pdf_never_fetches_anything_over_the_network():
    from reports.pdf import LocalOnlyFetcher

    fetcher = LocalOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/tracker.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_the_garbage_collector_is_paused_only_while_a_pdf_is_drawn():
    import gc

    from reports.pdf import cyclic_collector_paused

    assert gc.isenabled()
    with cyclic_collector_paused():
        assert not gc.isenabled()
        with cyclic_collector_paused():  # another rendering at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_collector_paused():
        raise RuntimeError("WeasyPrint failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_collector_paused():
            pass
        assert not gc.isenabled()  # left as the process had set it
    finally:
        gc.enable()


def filled_heights(pdf: bytes, tmp_path) -> list[float]:
    """How far down each page its content reaches (0 to 1), the running footer left out."""
    from PIL import Image

    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(path), str(tmp_path / "p")], check=True)
    heights = []
    for image_path in sorted(tmp_path.glob("p-*.png")):
        image = Image.open(image_path).convert("L")
        width, height = image.size
        pixels = image.load()
        inked = [y for y in range(int(height * 0.9)) if any(pixels[x, y] < 200 for x in range(width))]
        heights.append(max(inked, default=0) / height)
    return heights


def test_no_page_of_the_seeds_pdf_is_left_nearly_blank(pdf_text, tmp_path):
    """The « Méthode de calcul », kept whole, went to a page of its own and left the month-by-month
    table's last rows alone on the page before it."""
    heights = filled_heights(pdf_text[0], tmp_path)
    assert len(heights) >= 8
    assert all(height > 0.4 for height in heights[:-1]), heights


def test_the_whole_teams_table_is_never_titled_with_a_commune_and_partners_are_named_once(seed_document):
    layouts = seed_document.activity_tables
    assert layouts[0]["title"] == "L'activité de l'EMPS sur l'ensemble du territoire"
    assert [layout["title"] for layout in layouts[1:]] == [
        "L'activité de l'EMPS sur HÉNIN-BEAUMONT",
        "L'activité de l'EMPS sur MONTIGNY-EN-GOHELLE",
    ]
    assert [layout["with_partners"] for layout in layouts] == [True, False, False]
    html = unescape(render_to_string("reports/_document.html", {"doc": seed_document, "mode": "page"}))
    assert html.count("Justice et protection de l'enfance") == 1
    assert html.count("Nommés dans le tableau de l'ensemble du territoire.") == 4


def test_a_team_with_a_single_commune_titles_its_table_as_the_whole_territory(seed_document):
    header = dataclasses.replace(seed_document.bilan.header, communes=("Hénin-Beaumont",))
    bilan = dataclasses.replace(seed_document.bilan, header=header, activity_by_commune=())
    document = dataclasses.replace(seed_document, bilan=bilan)
    assert [layout["title"] for layout in document.activity_tables] == [
        "L'activité de l'EMPS sur l'ensemble du territoire"
    ]
    commune_header = dataclasses.replace(header, is_whole_team=False)
    document = dataclasses.replace(document, bilan=dataclasses.replace(bilan, header=commune_header))
    assert [layout["title"] for layout in document.activity_tables] == ["L'activité de l'EMPS sur HÉNIN-BEAUMONT"]


@pytest.mark.parametrize(
    "numbers,expected",
    [
        ((1, 1), ("1 atelier et 1 sortie", "1 initiée et 1 en associé")),
        ((0, 2), ("0 atelier et 2 sorties", "0 initiée et 2 en associé")),
        ((22, 38), ("22 ateliers et 38 sorties", "22 initiées et 38 en associé")),
    ],
)
def test_counts_agree_with_their_nouns(numbers, expected):
    from reports.document import collective_actions_label, dsl_actions_label

    assert (collective_actions_label(*numbers), dsl_actions_label(*numbers)) == expected


def test_the_domains_note_reads_right_with_a_single_intervention():
    from types import SimpleNamespace

    from reports.document import domains_note

    one = SimpleNamespace(total=1, interventions=1, youths=1)
    assert domains_note(one) == "1 domaine travaillé au cours de 1 intervention auprès de 1 jeune distinct."
    many = SimpleNamespace(total=282, interventions=250, youths=60)
    assert domains_note(many) == "282 domaines travaillés au cours de 250 interventions auprès de 60 jeunes distincts."


def test_hours_agree_with_their_noun_as_french_does_below_two():
    from decimal import Decimal

    from reports.document import hours_label, presence_aside

    assert hours_label(Decimal("1.5")) == "1,5 heure"
    assert hours_label(Decimal("165")) == "165 heures"
    assert presence_aside(Decimal("1"), 1) == "1 heure-personne, 1 temps de présence"
    assert presence_aside(Decimal("247.5"), 66) == "247,5 heures-personnes, 66 temps de présence"
