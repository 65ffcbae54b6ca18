"""The helpers that other exports will use at integration must themselves catch what they claim to."""

import io

import pytest
from openpyxl import Workbook

from tests.security.escaping import FORMULA, assert_html_inert, assert_xlsx_has_no_formula


def _workbook(value) -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = value
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_a_formula_cell_is_caught():
    with pytest.raises(AssertionError, match="formulas"):
        assert_xlsx_has_no_formula(_workbook(FORMULA))


def test_a_formula_stored_as_text_passes():
    workbook = Workbook()
    cell = workbook.active["A1"]
    cell.value = FORMULA
    cell.data_type = "s"
    stream = io.BytesIO()
    workbook.save(stream)
    assert_xlsx_has_no_formula(stream.getvalue())


@pytest.mark.parametrize("html", ["<p><script>alert(1)</script></p>", "<td><b>html</b></td>"])
def test_raw_markup_is_caught(html):
    with pytest.raises(AssertionError):
        assert_html_inert(html, must_show=False)


def test_a_page_that_does_not_show_the_payload_is_caught():
    with pytest.raises(AssertionError, match="is the test empty"):
        assert_html_inert("<p>rien</p>")
