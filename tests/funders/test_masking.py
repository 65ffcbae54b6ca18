"""Small-cell protection: « ≤ 2 » for counts from 1 to the threshold, « s » for what would reveal them."""

import datetime
import json

import pytest

from reports.builders import (
    DomainRow,
    DomainTable,
    GenreRow,
    GenreTable,
    LevelTable,
    PublicSummary,
    QpvShare,
    SexRow,
    SexTable,
    percent,
)
from reports.builders.youths import levels_from_public
from reports.dashboards.builders import Dashboard
from reports.dashboards.masking import Masked, is_masked, mask, plain_masked, small_cells


def sex_row(key, h, f, nb=0, unknown=0, whole=None):
    total = h + f + nb + unknown
    return SexRow(key=key, label=key, total=total, h=h, f=f, nb=nb, unknown=unknown, percent=percent(total, whole))


def sex_table(rows):
    """A SexTable from (key, h, f, nb) tuples, with its total row."""
    whole = sum(h + f + nb for _key, h, f, nb in rows)
    built = tuple(sex_row(key, h, f, nb, whole=whole) for key, h, f, nb in rows)
    total = sex_row(
        "total",
        sum(r.h for r in built),
        sum(r.f for r in built),
        sum(r.nb for r in built),
        whole=whole,
    )
    return SexTable(rows=built, total=total)


def public(paei, asep, accroche, new=None):
    total = paei + asep + accroche
    new = total if new is None else new
    return PublicSummary(
        total=total, paei=paei, asep=asep, accroche=accroche, level_unknown=0, new=new, continuing=total - new
    )


class Document:
    """The smallest document the masking walks: a public summary, its levels and one sex table."""

    @staticmethod
    def of(table: SexTable, public_summary: PublicSummary | None = None):
        from dataclasses import make_dataclass

        summary = public_summary or public(table.total.total, 0, 0)
        Doc = make_dataclass("Doc", [("public", PublicSummary), ("levels", LevelTable), ("age_sex", SexTable)])
        return Doc(public=summary, levels=levels_from_public(summary), age_sex=table)


def shown(value) -> bool:
    return not is_masked(value)


def recoverable_cells(table: SexTable) -> list[str]:
    """Masked cells a reader could recompute as a shown total minus the other shown cells (rows, columns)."""
    found = []
    columns = ("h", "f", "nb", "unknown")
    for row in (*table.rows, table.total):
        hidden = [c for c in columns if is_masked(getattr(row, c))]
        if shown(row.total) and len(hidden) == 1:
            found.append(f"{row.key}.{hidden[0]}")
    for column in (*columns, "total"):
        hidden = [r.key for r in table.rows if is_masked(getattr(r, column))]
        if shown(getattr(table.total, column)) and len(hidden) == 1:
            found.append(f"{hidden[0]}.{column}")
    return found


def test_a_masked_figure_prints_its_label_and_hides_any_sum_it_enters():
    small = Masked(primary=True, threshold=2)
    other = Masked(primary=False, threshold=2)
    assert str(small) == "≤ 2" and f"{small}" == "≤ 2" and f"{small:>5}" == "  ≤ 2"
    assert str(other) == "s"
    assert small and other  # never dimmed as a zero
    assert is_masked(small + 40) and str(40 + small) == "s"
    assert is_masked(sum([3, small, 4]))
    assert plain_masked({"a": [small, 3], "b": other}) == {"a": ["≤ 2", 3], "b": "s"}
    assert json.dumps(plain_masked([small]), ensure_ascii=False) == '["≤ 2"]'


def test_a_small_cell_of_a_row_masks_another_cell_of_the_row():
    """Row A: 10 youths, 9 H and 1 F. Showing H would give F = 10 - 9."""
    table = sex_table([("A", 9, 1, 0), ("B", 4, 4, 0), ("C", 12, 10, 0)])
    masked = mask(Document.of(table), threshold=2).age_sex
    row_a = masked.rows[0]
    assert str(row_a.f) == "≤ 2"
    assert row_a.total == 10  # the row total stays shown...
    assert is_masked(row_a.h)  # ...so the other cell of the row is hidden: 10 - 9 no longer gives F
    assert str(row_a.h) == "s"
    assert recoverable_cells(masked) == []


def test_a_small_cell_of_a_column_masks_another_cell_of_the_column():
    """Row A is 1 H and 1 F (all masked); the H column's total 17 minus B's 7 and C's 9 would give A's H."""
    table = sex_table([("A", 1, 1, 0), ("B", 7, 3, 0), ("C", 9, 9, 0)])
    masked = mask(Document.of(table), threshold=2).age_sex
    row_a, row_b, row_c = masked.rows
    assert str(row_a.h) == "≤ 2" and str(row_a.f) == "≤ 2" and str(row_a.total) == "≤ 2"
    assert masked.total.h == 17  # the column total stays shown...
    assert is_masked(row_b.h) or is_masked(row_c.h)  # ...so another H of the column is hidden
    assert is_masked(row_b.f) or is_masked(row_c.f)
    assert is_masked(row_b.total) or is_masked(row_c.total)  # the rows' totals column, under 30 youths
    assert masked.total.total == 30
    assert recoverable_cells(masked) == []


def test_percentages_of_masked_counts_are_masked_and_the_others_shown():
    table = sex_table([("A", 9, 1, 0), ("B", 4, 4, 0), ("C", 12, 10, 0)])
    masked = mask(Document.of(table), threshold=2).age_sex
    for row in masked.rows:
        assert is_masked(row.percent) == is_masked(row.total)
    assert masked.rows[2].percent == 55  # 22 of 40


def test_a_small_total_by_sex_is_masked_in_every_table_at_once():
    """One non-binary youth: the NB totals are one figure, masked in the age table and in the levels."""
    table = sex_table([("A", 5, 4, 1), ("B", 6, 7, 0)])
    document = mask(Document.of(table, public(10, 8, 5)), threshold=2)
    assert str(document.age_sex.total.nb) == "≤ 2"
    # H + F + NB = 23 youths: with NB hidden, H or F is hidden too.
    assert is_masked(document.age_sex.total.h) or is_masked(document.age_sex.total.f)
    assert document.age_sex.total.total == 23 and document.public.total == 23
    assert recoverable_cells(document.age_sex) == []


def test_levels_hide_a_second_level_when_one_is_small():
    summary = public(paei=1, asep=30, accroche=9, new=25)
    document = mask(Document.of(sex_table([("A", 20, 20, 0)]), summary), threshold=2)
    levels = {row.key: row for row in document.levels.rows}
    assert str(levels["paei"].count) == "≤ 2"
    assert str(levels["accroche"].count) == "s"  # 40 - 30 - 9 would give the PAEI otherwise
    assert levels["asep"].count == 30 and levels["asep"].percent == 75
    assert is_masked(levels["paei"].percent) and is_masked(levels["accroche"].percent)
    assert is_masked(document.public.paei) and is_masked(document.public.accroche)
    assert is_masked(document.public.accompanied)  # PAEI + ASEP would give the PAEI back


def test_the_average_age_of_a_small_group_and_the_overall_average_are_masked():
    from dataclasses import make_dataclass
    from decimal import Decimal

    genre = GenreTable(
        rows=(
            GenreRow(key="H", label="Homme", count=20, average_age=Decimal("14.2"), percent=percent(20, 21)),
            GenreRow(key="F", label="Femme", count=0, average_age=None, percent=percent(0, 21)),
            GenreRow(key="NB", label="Non-binaire", count=1, average_age=Decimal("17.0"), percent=percent(1, 21)),
        ),
        total=21,
        average_age=Decimal("14.3"),
    )
    Doc = make_dataclass("Doc", [("genre", GenreTable)])
    masked = mask(Doc(genre=genre), threshold=2).genre
    assert str(masked.rows[2].count) == "≤ 2" and is_masked(masked.rows[2].average_age)
    assert is_masked(masked.rows[0].count)  # 21 - 0 - 1
    assert is_masked(masked.average_age)  # 14.3 overall and 14.2 for the men would tell the one's age
    assert masked.rows[1].average_age is None


def test_domains_mask_small_totals_and_small_numbers_of_youths():
    from dataclasses import make_dataclass

    rows = (
        DomainRow(code="loisirs", label="Loisirs", total=67, youths=29, percent=percent(67, 75)),
        DomainRow(code="scolarite", label="Scolarité", total=6, youths=5, percent=percent(6, 75)),
        DomainRow(code="justice", label="Justice", total=2, youths=2, percent=percent(2, 75)),
    )
    Doc = make_dataclass("Doc", [("domains", DomainTable)])
    masked = mask(Doc(domains=DomainTable(rows=rows, total=75, interventions=70, youths=31)), threshold=2).domains
    justice = masked.rows[2]
    assert str(justice.total) == "≤ 2" and str(justice.youths) == "≤ 2" and is_masked(justice.percent)
    assert is_masked(masked.rows[1].total)  # 75 - 67 - 6 would give Justice
    assert masked.rows[1].youths == 5  # a number of youths in no sum: shown
    assert masked.rows[0].total == 67 and masked.total == 75


def test_zero_is_never_masked_and_the_threshold_is_a_setting(settings):
    table = sex_table([("A", 3, 0, 0), ("B", 8, 6, 0)])
    assert mask(Document.of(table), threshold=2).age_sex.rows[0].h == 3
    settings.EMPS_SMALL_CELL_THRESHOLD = 3
    masked = mask(Document.of(table)).age_sex
    assert str(masked.rows[0].h) == "≤ 3" and masked.rows[0].f == 0
    settings.EMPS_SMALL_CELL_THRESHOLD = 0
    assert mask(Document.of(sex_table([("A", 1, 0, 0), ("B", 5, 5, 0)]))).age_sex.rows[0].h == 1


def test_qpv_share_masks_a_small_part():
    from dataclasses import make_dataclass

    qpv = QpvShare(
        total=30,
        in_qpv=27,
        outside_qpv=2,
        unknown=1,
        in_qpv_percent=percent(27, 30),
        outside_qpv_percent=percent(2, 30),
        unknown_percent=percent(1, 30),
    )
    Doc = make_dataclass("Doc", [("qpv", QpvShare)])
    masked = mask(Doc(qpv=qpv), threshold=2).qpv
    # Two small parts hide each other; 27 and 90 % stay.
    assert str(masked.outside_qpv) == "≤ 2" and str(masked.unknown) == "≤ 2"
    assert masked.in_qpv == 27 and masked.in_qpv_percent == 90


@pytest.mark.django_db
def test_the_seed_bilan_masked_leaves_no_small_cell_recomputable(seed_bilan):
    """On the real 2023 data: every table with its totals, no masked figure is a shown total minus shown cells."""
    masked = mask(seed_bilan, threshold=2)
    for table in (masked.age_sex, masked.origin_sex, masked.situation_sex):
        assert recoverable_cells(table) == []
    for original, hidden in ((seed_bilan.age_sex, masked.age_sex), (seed_bilan.origin_sex, masked.origin_sex)):
        for before, after in zip(original.rows, hidden.rows, strict=True):
            for column in ("total", "h", "f", "nb"):
                value = getattr(before, column)
                if 1 <= value <= 2:
                    assert str(getattr(after, column)) == "≤ 2"
                elif not is_masked(getattr(after, column)):
                    assert getattr(after, column) == value
    levels = [row.count for row in masked.levels.rows]
    assert sum(1 for c in levels if is_masked(c)) != 1
    domains = [row.total for row in masked.domains.rows]
    assert sum(1 for c in domains if is_masked(c)) != 1
    # The seed prints cells of 1 and 2: Justice, Formation, Aide d'urgence, Administratif...
    cells = small_cells(seed_bilan, threshold=2)
    described = {(c.table, c.row, c.column, c.value) for c in cells}
    assert ("Domaines travaillés", "Justice", "Jeunes", 2) in described
    assert ("Domaines travaillés", "Formation", "Total", 1) in described
    assert all(1 <= c.value <= 2 for c in cells)


@pytest.mark.django_db
def test_a_masked_dashboard_has_the_same_structure_and_no_lone_masked_figure_in_a_line(activity, territory):
    from reports.builders import Scope
    from reports.dashboards.builders import build_dashboard

    scope = Scope.of(teams=[territory["east"]])
    dashboard = build_dashboard(scope=scope, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    assert isinstance(dashboard, Dashboard)
    masked = mask(dashboard, threshold=3)  # Lens has 3 H youths of the east team
    lens = next(t for t in masked.activity_by_commune if t.commune == "Lens")
    assert str(lens.accroche) == "≤ 3"
    assert is_masked(lens.asep)  # 6 youths in Lens for this team: 3 + 3, the total shown
    avion = next(t for t in masked.activity_by_commune if t.commune == "Avion")
    assert is_masked(avion.accroche) or is_masked(avion.asep)  # the column of accroche sums to the total
    for table in (masked.age_sex, masked.origin_sex, masked.situation_sex):
        assert recoverable_cells(table) == []
