"""One bilan, four formats: the page's HTML, the PDF, the workbook and JSON. Shared by views and command."""

import json

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.builders import to_plain
from reports.document import PRINT_STYLESHEET, BilanDocument

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def render_json(document: BilanDocument) -> bytes:
    """Every figure of every table, the computed sentences, the texts and the counting rules."""
    data = {
        "title": document.title,
        "period": document.period,
        "scope": document.scope_label,
        "general_action": list(document.general_action),
        "texts": document.texts,
        "rules": [{"title": title, "text": text} for title, text in document.rules],
        **to_plain(document.bilan),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def render_html(document: BilanDocument) -> bytes:
    """A standalone HTML document (the PDF's template, with its stylesheet inlined)."""
    with open(finders.find(PRINT_STYLESHEET), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    return render_to_string("reports/bilan_pdf.html", {"doc": document, "mode": "pdf", "inline_css": css}).encode()


def render_export(document: BilanDocument, fmt: str) -> bytes:
    """The bilan in one of FORMATS. WeasyPrint and openpyxl load only when asked for."""
    # Deferred imports of two heavy libraries (WeasyPrint, openpyxl), not a cycle: reports.pdf and
    # reports.xlsx import nothing of this module.
    if fmt == "pdf":
        from reports.pdf import render_pdf

        return render_pdf(document)
    if fmt == "xlsx":
        from reports.xlsx import render_xlsx

        return render_xlsx(document)
    if fmt == "json":
        return render_json(document)
    if fmt == "html":
        return render_html(document)
    raise ValueError(fmt)
