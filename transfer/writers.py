"""Writing tables as CSV (UTF-8 with BOM, semicolons, as French Excel reads them) and XLSX.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe; the import removes it again.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from transfer.text import neutralise_formula

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "%d/%m/%Y"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([_text(v) for v in row])
        count += 1
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"), count


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str,
    help_rows: Sequence[Sequence[str]] = (),
) -> tuple[bytes, int]:
    """A workbook streamed row by row (openpyxl write-only), dates as real date cells."""
    # openpyxl, a heavy import, loads only when an Excel file is asked for (a deferred import, not a cycle).
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        sheet.column_dimensions[_letter(index)].width = max(12, min(40, len(header) + 6))
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1D4F91")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value if not isinstance(value, datetime.datetime) else value.date())
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            elif isinstance(value, str):
                cells.append(neutralise_formula(value) if value else None)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    if help_rows:
        help_sheet = workbook.create_sheet(title="Aide")
        for index, width in enumerate((18, 14, 90, 30)):
            help_sheet.column_dimensions[_letter(index)].width = width
        first = True
        for help_row in help_rows:
            if first:
                cells = []
                for value in help_row:
                    cell = WriteOnlyCell(help_sheet, value=value)
                    cell.font, cell.fill = bold, fill
                    cells.append(cell)
                help_sheet.append(cells)
                first = False
            else:
                help_sheet.append([neutralise_formula(str(v)) for v in help_row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _letter(index: int) -> str:
    # Deferred like write_xlsx's: openpyxl loads only for Excel files (not a cycle).
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
