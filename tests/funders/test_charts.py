"""The dashboard's bar charts keep every figure inside the drawing, at a federation's scale too, and write
large figures in French (« 15 199 »)."""

import re

from reports.charts import WIDTH, horizontal_bars

DIGIT_WIDTH = 6.5  # an 11-unit bold digit, as the chart reckons it (a generous estimate for DejaVu Sans)


def value_labels(svg: str) -> list[tuple[float, str]]:
    """(x, text) of each figure printed right of its bar."""
    return [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*font-weight="600"[^>]*>([^<]+)<', svg)]


def test_a_five_digit_figure_and_its_share_fit_in_the_chart():
    svg = str(
        horizontal_bars([("Loisir / Sport / Culture", 15199, 24), ("Scolarité", 14238, 22)], title="t", css_class="c")
    )
    labels = value_labels(svg)
    assert [text for _x, text in labels] == ["15\xa0199 (24 %)", "14\xa0238 (22 %)"]  # French digit groups
    assert all(x + DIGIT_WIDTH * len(text) <= WIDTH for x, text in labels)


def test_small_figures_keep_the_bars_wide():
    small = value_labels(str(horizontal_bars([("Ateliers", 3, None)], title="t", css_class="c")))
    large = value_labels(str(horizontal_bars([("Ateliers", 15199, 24)], title="t", css_class="c")))
    assert small[0][0] > large[0][0]  # the figures' column only widens when its figures need it


def test_the_dashboard_filters_group_digits_in_french():
    from decimal import Decimal

    from reports.templatetags.dashboard import cell, hours1

    assert (cell(53212), cell(999), hours1(Decimal("1913.5")), hours1(Decimal("165"))) == (
        "53\xa0212",
        "999",
        "1\xa0913,5",
        "165",
    )
