"""Figures in the bilan and its charts are written as French readers expect: digits grouped by three with a
no-break space (« 53 212 », « 1 913,5 »), masked figures of a published bilan left as they print."""

import dataclasses
from decimal import Decimal

from reports.builders import DomainRow, DomainTable
from reports.charts import BILAN, domains_chart
from reports.dashboards.masking import Masked
from reports.templatetags.bilan import count, decimal1


def test_counts_and_hours_group_their_digits():
    assert (count(53212), count(999), count(0)) == ("53\xa0212", "999", "0")
    assert (decimal1(Decimal("1913.5")), decimal1(Decimal("1200")), decimal1(Decimal("247.5"))) == (
        "1\xa0913,5",
        "1\xa0200",
        "247,5",
    )


def test_masked_and_other_values_pass_through():
    small, hidden = Masked(primary=True, threshold=2), Masked(primary=False, threshold=2)
    assert (str(count(small)), str(count(hidden))) == ("≤ 2", "s")  # not « 2 », the number under the mask
    assert count("–") == "–" and count(None) is None and count(True) is True


def test_the_domains_chart_writes_grouped_figures_inside_its_width():
    table = DomainTable(
        rows=(
            DomainRow(code="loisirs", label="Loisir / Sport / Culture", total=15199, youths=3000, percent=Decimal(24)),
        ),
        total=15199,
        interventions=12000,
        youths=3000,
    )
    svg = str(domains_chart(table, layout=BILAN))
    assert "15\xa0199  (24 %)" in svg
    x = float(svg.split('font-weight="600">')[0].rsplit('<text x="', 1)[1].split('"')[0])
    assert x + 7.2 * len("15\xa0199  (24 %)") <= 610  # the figures' column widened to fit


def test_a_communes_activity_row_writes_each_figure_in_its_cell():
    from reports.builders import ActivityTable
    from reports.templatetags.dashboard import activity_cells

    figures = dict.fromkeys(
        ("level_unknown", "outings", "dsl_initiated", "dsl_joined", "work_projects", "after_needs_assessment"), 0
    )
    table = ActivityTable(
        commune="Lens",
        paei=Masked(primary=True, threshold=2),
        asep=0,
        accroche=1234,
        workshops=3,
        presence_sessions=1,
        presence_minutes=90,
        presence_person_minutes=180,
        partners=(),
        support_partners=(),
        action_partners=(),
        **figures,
    )
    assert activity_cells(table) == (
        '<td class="num"><span class="dash-masked" title="de 1 à 2 : petit effectif masqué">≤ 2</span></td>'
        '<td class="num is-zero">0</td>'
        '<td class="num">1\xa0234</td>'
        # The youths: a sum with a masked figure would reveal it, so it is masked too.
        '<td class="num"><span class="dash-masked" title="masqué : permettrait de retrouver un petit effectif">'
        "s</span></td>"
        '<td class="num">3</td>'
        '<td class="num">1,5</td>'
    )


def test_the_bilan_and_the_dashboard_share_one_sex_table():
    from django.template.loader import render_to_string

    from reports.builders import SexRow, SexTable

    small = Masked(primary=True, threshold=2)
    row = SexRow(key="12-15", label="12 - 15 ans", total=1234, h=small, f=0, nb=0, unknown=1, percent=Decimal(100))
    table = SexTable(rows=(row,), total=dataclasses.replace(row, key="total", label="Total"))
    context = {"table": table, "first_header": "Tranches d'âge", "total_header": "Jeunes"}
    bilan = render_to_string("reports/_sex_table.html", {**context, "dashboard": False})
    dashboard = render_to_string("reports/_sex_table.html", {**context, "dashboard": True})
    assert 'class="bilan-table bilan-figures bilan-keep"' in bilan and "dash-table" not in bilan
    assert ">Sexe non renseigné</th>" in bilan and ">≤ 2</td>" in bilan and "100\u202f%" in bilan
    assert '<td class="num is-zero">0</td>' in bilan and ">1\xa0234</td>" in bilan
    assert 'class="table table-sm dash-table"' in dashboard and '<div class="table-responsive">' in dashboard
    assert ">N.R.</abbr>" in dashboard and 'class="dash-masked"' in dashboard
    assert '<td class="num is-zero">0</td>' in dashboard and ">1\xa0234</td>" in dashboard
