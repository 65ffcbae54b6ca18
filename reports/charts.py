"""Server-side SVG charts of the bilan, one code path for the page and the PDF.

Only presentation attributes (no `style`), so that the strict Content-Security-Policy accepts them
inline, and WeasyPrint draws them the same way. Each chart has a title and a description for screen
readers; the table beside it carries the same figures.
"""

import math

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.builders import DomainTable, SexTable

FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BLUE = "#1d4f91"
ORANGE = "#e4572e"


def _svg(width: int, height: int, title: str, description: str, body: list[str], css_class: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bilan-chart {css_class}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}" font-size="12" fill="{INK}">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(body) + "</svg>"
    )


def _text(x, y, text, anchor="start", **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def figure_column_width(texts, *, char_width: float, padding: int, minimum: int) -> int:
    """The width of a column of figures right of the bars that fits the longest of `texts` (bold digits
    of about `char_width` units each): « 15 199  (24 %) » for a federation; the bars take what is left."""
    return max(minimum, math.ceil(char_width * max((len(text) for text in texts), default=0)) + padding)


def domains_chart(domains: DomainTable) -> SafeString:
    """Horizontal bars: interventions by domain, in the table's order, with the count and the share."""
    rows = [row for row in domains.rows if row.total] or list(domains.rows)
    texts = [f"{number_format(row.total, force_grouping=True)}  ({row.percent} %)" for row in rows]
    width, label_width, row_height, top = 610, 190, 24, 8
    value_width = figure_column_width(texts, char_width=7.2, padding=10, minimum=90)  # 12-unit digits
    bar_width = width - label_width - value_width
    height = top + row_height * max(len(rows), 1) + 8
    largest = max((row.total for row in rows), default=0) or 1
    body = []
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        y = top + i * row_height
        length = round(bar_width * row.total / largest, 1)
        body.append(_text(label_width - 8, y + 16, row.label, "end"))
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="16" fill="{GRID}" rx="2"/>')
        if row.total:
            body.append(f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="16" fill="{BLUE}" rx="2"/>')
        body.append(_text(label_width + bar_width + 8, y + 16, text, font_weight="600"))
    if not rows:
        body.append(_text(width / 2, 20, _("Aucune intervention sur la période"), "middle", fill=MUTED))
    description = "; ".join(f"{row.label} : {row.total}" for row in rows)
    return _svg(width, height, _("Interventions par domaine travaillé"), description, body, "bilan-chart-domains")


def age_pyramid(age_sex: SexTable) -> SafeString:
    """Age pyramid: men on the left, women on the right, the oldest bracket on top."""
    rows = list(reversed(age_sex.rows))
    centre_width, side_width, row_height, top = 96, 250, 26, 34
    width = centre_width + 2 * side_width
    height = top + row_height * max(len(rows), 1) + 30
    largest = max((max(row.h, row.f) for row in rows), default=0) or 1
    left_axis = side_width
    right_axis = side_width + centre_width
    body = [
        _text(left_axis - 4, 16, _("Hommes"), "end", font_weight="700", fill=BLUE),
        _text(right_axis + 4, 16, _("Femmes"), "start", font_weight="700", fill=ORANGE),
    ]
    usable = side_width - 36
    for i, row in enumerate(rows):
        y = top + i * row_height
        h_len = round(usable * row.h / largest, 1)
        f_len = round(usable * row.f / largest, 1)
        body.append(_text(side_width + centre_width / 2, y + 16, row.label, "middle"))
        if row.h:
            body.append(f'<rect x="{left_axis - h_len}" y="{y + 3}" width="{h_len}" height="18" fill="{BLUE}" rx="2"/>')
        body.append(_text(left_axis - h_len - 6, y + 16, str(row.h), "end", font_weight="600"))
        if row.f:
            body.append(f'<rect x="{right_axis}" y="{y + 3}" width="{f_len}" height="18" fill="{ORANGE}" rx="2"/>')
        body.append(_text(right_axis + f_len + 6, y + 16, str(row.f), "start", font_weight="600"))
    baseline = top + row_height * len(rows) + 2
    body.append(f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="{GRID}"/>')
    notes = []
    if age_sex.total.nb:
        notes.append(_("non-binaire : %(n)s") % {"n": age_sex.total.nb})
    if age_sex.total.unknown:
        notes.append(_("sexe non renseigné : %(n)s") % {"n": age_sex.total.unknown})
    if notes:
        body.append(_text(width / 2, baseline + 20, " · ".join(notes), "middle", fill=MUTED))
    description = "; ".join(
        _("%(label)s : %(h)s hommes, %(f)s femmes") % {"label": row.label, "h": row.h, "f": row.f} for row in rows
    )
    return _svg(width, height, _("Pyramide des âges du public accompagné"), description, body, "bilan-chart-pyramid")
