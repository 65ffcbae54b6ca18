"""Durations nobody means: refused with a French message, never a 500 (issue 26, point 10)."""

import pytest

from emps.durations import parse_duration
from transfer.widgets import DurationWidget


@pytest.mark.parametrize(
    "typed, message",
    [
        pytest.param("NaN", "Durée « NaN » illisible", id="nan"),
        pytest.param("inf", "Durée « inf » illisible", id="inf"),
        pytest.param("-Infinity", "Durée « -Infinity » illisible", id="minus-infinity"),
        pytest.param("1e400", "Durée « 1e400 » illisible", id="exponent"),
        pytest.param(float("nan"), "Durée « nan » illisible", id="float-nan"),
        pytest.param(float("inf"), "Durée « inf » illisible", id="float-inf"),
        pytest.param("2 h 99", "Durée « 2 h 99 » : les minutes doivent être inférieures à 60.", id="2-h-99"),
        pytest.param("2h99", "les minutes doivent être inférieures à 60", id="2h99"),
        pytest.param("2 heures 99 minutes", "les minutes doivent être inférieures à 60", id="words"),
    ],
)
def test_durations_nobody_means_are_refused_in_french(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(typed)


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), float("-inf")])
def test_a_spreadsheet_cell_holding_nan_or_infinity_is_refused_in_french(cell):
    with pytest.raises(ValueError, match="illisible"):
        DurationWidget().parse(cell, row=None)
