"""The funnel « De la rue à l'accompagnement »: street contacts → young people known → accroche → ASEP → PAEI,
its rule in the method section, and the page, workbook, JSON and masked copy that carry it."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.builders import FUNNEL, Scope, build_activity_by_commune, build_bilan, build_funnel, build_public
from reports.charts import ORANGE, funnel_chart
from reports.dashboards.masking import mask, plain_masked
from reports.document import bilan_document
from reports.exports import render_json
from reports.rules import COUNTING_RULES
from reports.xlsx import render_xlsx
from tests.actions.factories import PresenceSessionFactory
from tests.reports.conftest import day
from tests.youths.factories import SupportEpisodeFactory, YouthFactory
from youths.enums import Level

pytestmark = pytest.mark.django_db

START, END = day("2024-01-01"), day("2024-12-31")


@pytest.fixture
def scope(team):
    return Scope.for_team(team)


def session(team, **kwargs):
    kwargs.setdefault("date", day("2024-03-05"))
    return PresenceSessionFactory(team=team, **kwargs)


def youths(team, count, level):
    for _ in range(count):
        youth = YouthFactory(team=team, first_met_on=day("2024-02-01"))
        if level is not None:
            SupportEpisodeFactory(youth=youth, level=level, started_on=day("2024-02-01"))


def steps(funnel) -> list[tuple]:
    return [(step.key, step.count, step.percent) for step in funnel.steps]


@pytest.fixture
def public_of_ten(team):
    youths(team, 5, Level.ACCROCHE)
    youths(team, 3, Level.ASEP)
    youths(team, 1, Level.PAEI)
    youths(team, 1, None)  # no support episode: known, at no level


# --- The figures --------------------------------------------------------------------------------------


def test_the_funnel_goes_from_the_contacts_counted_to_the_known_youths_and_their_levels(team, scope, public_of_ten):
    session(team, counted=True, boys_12_17=14, girls_12_17=6, parents=3)  # adults are not young people met
    session(team, counted=True, boys_18_25=5)
    session(team)  # not counted

    funnel = build_bilan(scope=scope, start=START, end=END).funnel

    assert steps(funnel) == [
        ("contacts", 25, None),
        ("known", 10, None),
        ("accroche", 5, Decimal(50)),
        ("asep", 3, Decimal(30)),
        ("paei", 1, Decimal(10)),
    ]
    assert [step.label for step in funnel.steps] == [
        "Contacts dans la rue",
        "Jeunes connus",
        "En accroche",
        "ASEP",
        "PAEI",
    ]
    assert (funnel.counted_sessions, funnel.sessions, funnel.level_unknown) == (2, 3, 1)
    assert funnel.is_counted


def test_without_any_counted_session_the_first_step_is_non_objective(team, scope, public_of_ten):
    session(team)
    session(team)

    funnel = build_bilan(scope=scope, start=START, end=END).funnel

    assert funnel.steps[0].count is None
    assert not funnel.is_counted
    assert [count for _key, count, _percent in steps(funnel)][1:] == [10, 5, 3, 1]


def test_a_counted_session_with_nobody_met_is_zero_contacts_not_non_objective(team, scope):
    session(team, counted=True)

    funnel = build_bilan(scope=scope, start=START, end=END).funnel

    assert funnel.steps[0].count == 0
    assert funnel.is_counted


def test_the_funnel_reads_the_public_and_the_activity_without_a_query(team, scope, django_assert_num_queries):
    youths(team, 2, Level.ASEP)
    session(team, counted=True, girls_under_12=3)
    public = build_public(scope=scope, start=START, end=END)
    activity, _communes = build_activity_by_commune(scope=scope, start=START, end=END, with_contacts=True)

    with django_assert_num_queries(0):
        funnel = build_funnel(public=public, activity=activity)

    assert steps(funnel)[:2] == [("contacts", 3, None), ("known", 2, None)]


def test_the_funnel_needs_the_activity_tables_street_contacts(team, scope):
    public = build_public(scope=scope, start=START, end=END)
    activity, _communes = build_activity_by_commune(scope=scope, start=START, end=END)

    with pytest.raises(ValueError, match="with_contacts"):
        build_funnel(public=public, activity=activity)


# --- The rule ----------------------------------------------------------------------------------------


def test_the_method_section_prints_the_funnels_rule_after_the_street_contacts():
    printed = [(str(title), str(text)) for title, text in COUNTING_RULES]
    titles = [title for title, _text in printed]

    assert printed.count((str(FUNNEL.title), str(FUNNEL.text))) == 1
    assert titles.index("De la rue à l'accompagnement") == titles.index("Contacts en présence sociale") + 1
    text = str(FUNNEL.text)
    for words in [
        "Contacts dans la rue",
        "« Non objectivé »",
        "ce sont des contacts, pas des jeunes distincts",
        "pas un sous-ensemble des suivantes",
        "Jeunes connus : les jeunes en relation avec l'équipe pendant la période",
        "En accroche, ASEP, PAEI",
        "le plus élevé",
        "rapportés aux jeunes connus",
    ]:
        assert words.lower() in text.lower(), words


# --- Page, workbook, JSON ------------------------------------------------------------------------------


def funnel_section(content: str) -> str:
    start = content.index('id="s-funnel"')
    return content[start : content.index("</section>", start)]


def test_the_page_shows_the_funnel_non_objective_then_counted(client, team, coordinator, public_of_ten):
    client.force_login(coordinator)
    period = {"team": team.pk, "start": "2024-01-01", "end": "2024-12-31"}
    session(team)
    section = funnel_section(client.get(reverse("reports:bilan"), period).content.decode())
    assert "De la rue à l'accompagnement" in section
    assert '<th scope="row">Contacts dans la rue</th><td class="num">Non objectivé</td>' in section
    assert "les contacts dans la rue ne sont pas objectivés" in section
    assert "<svg" in section and "Non objectivé" in section.split("</svg>")[0]

    session(team, counted=True, boys_12_17=1200, girls_12_17=34)
    content = client.get(reverse("reports:bilan"), period).content.decode()
    section = funnel_section(content)

    assert '<th scope="row">Contacts dans la rue</th><td class="num">1\u00a0234</td>' in section
    assert '<th scope="row">En accroche</th><td class="num">5</td><td class="num">50\u202f%</td>' in section
    assert "comptés lors de 1 des 2 temps de présence" in section
    assert "pas des jeunes distincts" in section
    assert "Jeunes connus sans niveau d'accompagnement renseigné : 1." in section
    assert "<dt>De la rue à l&#x27;accompagnement</dt>" in content
    assert "INVALID_VARIABLE" not in content


def test_the_workbook_has_the_funnels_sheet(team, scope, public_of_ten):
    session(team)
    workbook = load_workbook(io.BytesIO(render_xlsx(bilan_document(build_bilan(scope=scope, start=START, end=END)))))
    rows = list(workbook["De la rue à l'accompagnement"].iter_rows(values_only=True))
    assert rows[0] == ("Étape", "Nombre", "% des jeunes connus")
    assert rows[1:6] == [
        ("Contacts dans la rue", "Non objectivé", None),
        ("Jeunes connus", 10, None),
        ("En accroche", 5, 50),
        ("ASEP", 3, 30),
        ("PAEI", 1, 10),
    ]
    assert "ne sont pas objectivés" in rows[-1][0]

    session(team, counted=True, boys_12_17=7)
    workbook = load_workbook(io.BytesIO(render_xlsx(bilan_document(build_bilan(scope=scope, start=START, end=END)))))
    rows = list(workbook["De la rue à l'accompagnement"].iter_rows(values_only=True))
    assert rows[1] == ("Contacts dans la rue", 7, None)
    assert "lors de 1 des 2 temps de présence" in rows[-1][0]
    method = [row[0] for row in workbook["Méthode de calcul"].iter_rows(values_only=True)]
    assert "De la rue à l'accompagnement" in method


def test_the_json_carries_the_funnel_and_its_rule(team, scope, public_of_ten):
    session(team)
    data = json.loads(render_json(bilan_document(build_bilan(scope=scope, start=START, end=END))))
    assert data["funnel"]["steps"][0] == {
        "key": "contacts",
        "label": "Contacts dans la rue",
        "count": None,
        "percent": None,
    }
    assert data["funnel"]["steps"][2] == {"key": "accroche", "label": "En accroche", "count": 5, "percent": 50}
    assert (data["funnel"]["is_counted"], data["funnel"]["sessions"], data["funnel"]["level_unknown"]) == (False, 1, 1)
    assert {"title": str(FUNNEL.title), "text": str(FUNNEL.text)} in data["rules"]

    session(team, counted=True, girls_18_25=4)
    data = json.loads(render_json(bilan_document(build_bilan(scope=scope, start=START, end=END))))
    assert data["funnel"]["steps"][0]["count"] == 4
    assert data["funnel"]["is_counted"] is True


def test_the_funnels_chart_says_non_objective_without_drawing_a_bar(team, scope, public_of_ten):
    session(team)
    chart = str(funnel_chart(build_bilan(scope=scope, start=START, end=END).funnel))
    assert "Non objectivé" in chart
    assert f'fill="{ORANGE}"' not in chart  # the contacts' bar

    session(team, counted=True, boys_12_17=3)
    chart = str(funnel_chart(build_bilan(scope=scope, start=START, end=END).funnel))
    assert "Non objectivé" not in chart
    assert f'fill="{ORANGE}"' in chart
    assert "Contacts dans la rue : 3; Jeunes connus : 10; En accroche : 5" in chart


# --- The masked copy (published bilans) -------------------------------------------------------------------


def test_the_masked_funnel_hides_small_counts_as_its_tables_do(team, scope, public_of_ten):
    session(team, counted=True, boys_12_17=2)
    bilan = build_bilan(scope=scope, start=START, end=END)

    masked = mask(bilan)
    plain = plain_masked(masked.funnel)

    assert [step["count"] for step in plain["steps"]] == ["≤ 2", 10, 5, 3, "≤ 2"]
    assert [step["percent"] for step in plain["steps"]] == [None, None, 50, 30, "s"]
    assert plain["level_unknown"] == "≤ 2"  # with PAEI, two masked parts of the known youths: no third needed
    assert str(masked.activity.presence_contacts_counted) == "≤ 2"
    # The levels table of the same copy masks the same figures.
    assert [str(row.count) for row in masked.levels.rows] == ["≤ 2", "3", "5", "≤ 2"]


def test_a_large_contacts_count_stays_shown_in_the_masked_copy(team, scope):
    youths(team, 12, Level.ACCROCHE)
    session(team, counted=True, boys_12_17=40)

    masked = mask(build_bilan(scope=scope, start=START, end=END))

    assert masked.funnel.steps[0].count == 40
    assert masked.activity.presence_contacts_counted == 40
