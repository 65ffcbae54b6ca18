"""One bound for activity dates, in forms and in imports (issue 26, finding 9)."""

import datetime
import re
import types

import pytest
from django.core.exceptions import ValidationError

from emps.forms import PastDateField
from transfer.widgets import DateWidget

TODAY = datetime.date(2025, 3, 10)


@pytest.mark.parametrize(
    "cell, message",
    [
        pytest.param("01/01/0001", "Date « 01/01/0001 » : écrivez l'année sur 4 chiffres", id="year-one"),
        pytest.param("0001-01-01", "Date « 0001-01-01 » : écrivez l'année sur 4 chiffres", id="iso-year-one"),
        pytest.param("15/06/1924", "Date invraisemblable : 15/06/1924 (avant le 01/01/2000)", id="typed"),
        pytest.param(datetime.date(1999, 12, 31), "Date invraisemblable : 31/12/1999 (avant", id="spreadsheet-date"),
    ],
)
def test_an_import_refuses_an_activity_date_before_2000(cell, message):
    widget = DateWidget()
    widget.bind(types.SimpleNamespace(today=TODAY))
    with pytest.raises(ValueError, match=re.escape(message)):
        widget.clean(cell)
    assert widget.clean("01/01/2000") == datetime.date(2000, 1, 1)


def test_a_form_refuses_the_same_dates_with_the_same_message():
    field = PastDateField()
    with pytest.raises(ValidationError, match="Date invraisemblable : 01/01/0001 \\(avant le 01/01/2000\\)"):
        field.clean("0001-01-01")
    assert field.clean("2000-01-01") == datetime.date(2000, 1, 1)
