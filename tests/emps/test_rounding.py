"""The one rounding of figures (emps.rounding): half up, never to the even neighbour."""

from decimal import Decimal

import pytest

from emps.rounding import FUNDERS_BASE, average, hours, percent, round_half_up, round_to_base


@pytest.mark.parametrize(
    ("value", "digits", "rounded"),
    [(Decimal("0.25"), 1, "0.3"), (Decimal("0.35"), 1, "0.4"), (Decimal("12.5"), 0, "13"), (Decimal("2.5"), 0, "3")],
)
def test_halves_go_up(value, digits, rounded):
    assert round_half_up(value, digits) == Decimal(rounded)


def test_hours_percentages_and_averages_follow_the_bilans_rule():
    assert [hours(m) for m in (None, 15, 45, 90, 1)] == [
        Decimal("0"),
        Decimal("0.3"),
        Decimal("0.8"),
        Decimal("1.5"),
        0,
    ]
    assert [percent(1, 8), percent(1, 3), percent(2, 3), percent(5, 0)] == [13, 33, 67, 0]
    assert [average(25, 10), average(1, 4), average(None, 3), average(7, 0)] == [
        Decimal("2.5"),
        Decimal("0.3"),
        None,
        None,
    ]


def test_funders_counts_go_to_the_nearest_multiple_of_5_the_half_up():
    values = range(0, 14)
    assert [round_to_base(v, FUNDERS_BASE) for v in values] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15]
    assert round_to_base(7, 1) == 7  # base 1: unchanged (the coordinators' own figures)
