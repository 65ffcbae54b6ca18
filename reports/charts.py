"""Server-side SVG charts: the bilan's (page and PDF), the funders' dashboards' and the published bilans'.

Only presentation attributes (no `style`), so that the strict Content-Security-Policy accepts them
inline, and WeasyPrint draws them the same way. Each chart has a title and a description for screen
readers; the table beside it carries the same figures. The bars and the age pyramid are drawn at two
sizes (`Layout`): `BILAN` across an A4 page, `CARD` in a dashboard card. A masked figure of a
dashboard or a published bilan never sets a length: a small count (« ≤ 2 ») is drawn as a grey stub of
the threshold's size, a figure masked to protect it (« s ») as an empty slot; both carry their label.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.builders import ActivityTable, DomainTable, Funnel, SexTable
from reports.templatetags.bilan import plural_number

FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BLUE = "#1d4f91"
ORANGE = "#e4572e"
TEAL = "#0f766e"
PURPLE = "#6d28d9"
MASKED_FILL = "#cbd5e1"
PLACE_COLOURS = (BLUE, ORANGE, TEAL, PURPLE)
WIDTH = 360  # a dashboard card: drawn at about 300 px on a phone and 480 px on a desktop
WIDE = 720  # the month-by-month chart on a wide screen


@dataclass(frozen=True)
class Layout:
    """The sizes of the horizontal bars and of the age pyramid for one place of display."""

    width: int  # of the bars; the pyramid is 2 * pyramid_side + pyramid_centre wide
    font_size: str | None  # of the rows' labels and figures; None: the drawing's 12
    digit_width: float  # a bold digit at that size, to fit the figures' column
    # Horizontal bars: a row of `row_height` per value, the bar `bar_height` high, its texts on `text_dy`.
    label_width: int
    row_height: int
    top: int
    bottom: int
    bar_height: int
    text_dy: int
    label_gap: int  # between a row's label and its bar
    value_gap: int  # between the bar's track and its figure
    value_padding: int
    value_minimum: int
    share_gap: str  # between a count and its share: « 15 199  (24 %) »
    # Age pyramid: men left of the centre column of brackets, women right.
    pyramid_centre: int
    pyramid_side: int
    pyramid_row_height: int
    pyramid_top: int
    pyramid_bottom: int
    pyramid_bar_height: int
    pyramid_text_dy: int
    pyramid_margin: int  # of a side left for the figure beyond the longest bar
    pyramid_gap: int  # between a bar's end and its figure
    heading_y: int
    notes_dy: int


BILAN = Layout(
    width=610,
    font_size=None,
    digit_width=7.2,
    label_width=190,
    row_height=24,
    top=8,
    bottom=8,
    bar_height=16,
    text_dy=16,
    label_gap=8,
    value_gap=8,
    value_padding=10,
    value_minimum=90,
    share_gap="  ",
    pyramid_centre=96,
    pyramid_side=250,
    pyramid_row_height=26,
    pyramid_top=34,
    pyramid_bottom=30,
    pyramid_bar_height=18,
    pyramid_text_dy=16,
    pyramid_margin=36,
    pyramid_gap=6,
    heading_y=16,
    notes_dy=20,
)
CARD = Layout(
    width=WIDTH,
    font_size="11",
    digit_width=6.5,
    label_width=138,
    row_height=22,
    top=4,
    bottom=6,
    bar_height=14,
    text_dy=15,
    label_gap=6,
    value_gap=5,
    value_padding=8,
    value_minimum=66,
    share_gap=" ",
    pyramid_centre=84,
    pyramid_side=(WIDTH - 84) // 2,
    pyramid_row_height=22,
    pyramid_top=24,
    pyramid_bottom=26,
    pyramid_bar_height=16,
    pyramid_text_dy=15,
    pyramid_margin=30,
    pyramid_gap=4,
    heading_y=14,
    notes_dy=18,
)


def _svg(width: int, height: int, title: str, description: str, body: list[str], css_class: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bilan-chart {css_class}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}" font-size="12" fill="{INK}">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(body) + "</svg>"
    )


def _text(x, y, text, anchor="start", **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items() if v is not None)
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def is_masked(value) -> bool:
    """Whether a figure is a dashboard's masked cell (`reports.dashboards.masking.Masked`, which the
    charts draw but do not import: the dashboards import the charts)."""
    return getattr(value, "is_masked", False)


def figure_column_width(texts, *, char_width: float, padding: int, minimum: int) -> int:
    """The width of a column of figures right of the bars that fits the longest of `texts` (bold digits
    of about `char_width` units each): « 15 199  (24 %) » for a federation; the bars take what is left."""
    return max(minimum, math.ceil(char_width * max((len(text) for text in texts), default=0)) + padding)


def _number(value) -> float:
    """The length a figure may give to a bar: a masked one gives the threshold (« ≤ 2 ») or nothing (« s »),
    a text (« Non objectivé ») nothing."""
    if is_masked(value):
        return float(value.threshold) if value.primary else 0.0
    if isinstance(value, str):
        return 0.0
    return float(value or 0)


def _label(value) -> str:
    """A figure as printed on a chart: « 12 », « 247,5 », « ≤ 2 », « s », or a text as it is."""
    if is_masked(value) or isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return number_format(value, force_grouping=True)  # « 15 199 », « 247,5 »


def _slot(x, y, width, height) -> str:
    """The dashed outline standing for a figure masked to protect another (no length is drawn)."""
    return (
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="none" stroke="{MUTED}" stroke-dasharray="2 2"/>'
    )


def _bar(x, y, width, height, value, colour) -> str:
    if is_masked(value):
        if not value.primary:
            return _slot(x, y, 6, height)
        colour = MASKED_FILL
    if width <= 0:
        return ""
    return f'<rect x="{x}" y="{y}" width="{max(width, 1.5):.1f}" height="{height}" fill="{colour}" rx="2"/>'


def _stub(value, length: float) -> float:
    """The drawn length: an empty slot of 6 for a figure masked to protect another."""
    return 6.0 if is_masked(value) and not value.primary else length


def _column(x, baseline, width, height, value, colour) -> str:
    if is_masked(value):
        if not value.primary:
            return _slot(x, baseline - 6, width, 6)
        colour = MASKED_FILL
    if height <= 0:
        return ""
    height = max(height, 1.5)
    return f'<rect x="{x}" y="{baseline - height:.1f}" width="{width}" height="{height:.1f}" fill="{colour}" rx="1.5"/>'


def horizontal_bars(
    rows, *, title: str, css_class: str, colour=BLUE, empty: str = "", layout: Layout = CARD, colours=None
) -> SafeString:
    """Bars for (label, value, share-or-None) rows, in their order; `colours`, one a row, instead of `colour`.
    A value that is a text (« Non objectivé ») is printed where the figure goes, without a bar."""
    texts = []
    for _label_text, value, share in rows:
        text = _label(value)
        if share is not None and not is_masked(share) and not is_masked(value):
            text += f"{layout.share_gap}({share} %)"
        texts.append(text)
    width, label_width, row_height, top = layout.width, layout.label_width, layout.row_height, layout.top
    value_width = figure_column_width(
        texts, char_width=layout.digit_width, padding=layout.value_padding, minimum=layout.value_minimum
    )
    bar_width = width - label_width - value_width
    bar_height, text_dy, size = layout.bar_height, layout.text_dy, layout.font_size
    height = top + row_height * max(len(rows), 1) + layout.bottom
    largest = max((_number(value) for _label_text, value, _share in rows), default=0) or 1
    body = []
    for i, ((label, value, _share), text) in enumerate(zip(rows, texts, strict=True)):
        y = top + i * row_height
        body.append(_text(label_width - layout.label_gap, y + text_dy, label, "end", font_size=size))
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="{bar_height}" fill="{GRID}" rx="2"/>'
        )
        row_colour = colours[i] if colours else colour
        body.append(_bar(label_width, y + 4, bar_width * _number(value) / largest, bar_height, value, row_colour))
        value_x = label_width + bar_width + layout.value_gap
        body.append(_text(value_x, y + text_dy, text, font_weight="600", font_size=size))
    if not rows:
        body.append(_text(width / 2, 20, empty, "middle", fill=MUTED))
    description = "; ".join(f"{label} : {_label(value)}" for label, value, _share in rows)
    return _svg(width, height, title, description, body, css_class)


def domains_chart(domains: DomainTable, *, layout: Layout = CARD) -> SafeString:
    """Interventions by domain worked on, in the table's order (domains never worked on left out)."""
    rows = [(row.label, row.total, row.percent) for row in domains.rows if _number(row.total) or is_masked(row.total)]
    return horizontal_bars(
        rows,
        title=_("Interventions par domaine travaillé"),
        css_class="bilan-chart-domains",
        empty=_("Aucune intervention sur la période"),
        layout=layout,
    )


def actions_chart(activity: ActivityTable) -> SafeString:
    """Collective actions by type."""
    rows = [
        (_("Ateliers"), activity.workshops, None),
        (_("Sorties"), activity.outings, None),
        (_("Actions DSL initiées"), activity.dsl_initiated, None),
        (_("Actions DSL en associé"), activity.dsl_joined, None),
        (_("Chantiers éducatifs"), activity.work_projects, None),
    ]
    return horizontal_bars(rows, title=_("Actions collectives par type"), css_class="dash-chart-actions", colour=TEAL)


def funnel_chart(funnel: Funnel, *, layout: Layout = CARD) -> SafeString:
    """De la rue à l'accompagnement: the street contacts (orange: contacts, not distinct young people; « Non
    objectivé » without a bar when no session was counted), then the young people known and their levels."""
    rows = [
        (step.label, _("Non objectivé") if step.count is None else step.count, step.percent) for step in funnel.steps
    ]
    colours = [ORANGE if step.key == "contacts" else BLUE for step in funnel.steps]
    return horizontal_bars(
        rows,
        title=_("De la rue à l'accompagnement"),
        css_class="bilan-chart-funnel",
        layout=layout,
        colours=colours,
    )


def age_pyramid(age_sex: SexTable, *, layout: Layout = CARD) -> SafeString:
    """Men on the left, women on the right, the oldest bracket on top; masked figures as stubs."""
    rows = list(reversed(age_sex.rows))
    centre, side, row_height, top = (
        layout.pyramid_centre,
        layout.pyramid_side,
        layout.pyramid_row_height,
        layout.pyramid_top,
    )
    width = centre + 2 * side
    height = top + row_height * max(len(rows), 1) + layout.pyramid_bottom
    largest = max((max(_number(r.h), _number(r.f)) for r in rows), default=0) or 1
    usable = side - layout.pyramid_margin
    left_axis, right_axis = side, side + centre
    bar_height, text_dy, gap, size = (
        layout.pyramid_bar_height,
        layout.pyramid_text_dy,
        layout.pyramid_gap,
        layout.font_size,
    )
    body = [
        _text(left_axis - 4, layout.heading_y, _("Hommes"), "end", font_weight="700", fill=BLUE),
        _text(right_axis + 4, layout.heading_y, _("Femmes"), "start", font_weight="700", fill=ORANGE),
    ]
    for i, row in enumerate(rows):
        y = top + i * row_height
        h_len = _stub(row.h, round(usable * _number(row.h) / largest, 1))
        f_len = _stub(row.f, round(usable * _number(row.f) / largest, 1))
        body.append(_text(side + centre / 2, y + text_dy, row.label, "middle", font_size=size))
        body.append(_bar(round(left_axis - h_len, 1), y + 3, h_len, bar_height, row.h, BLUE))
        h_x = round(left_axis - h_len - gap, 1)
        body.append(_text(h_x, y + text_dy, _label(row.h), "end", font_weight="600", font_size=size))
        body.append(_bar(right_axis, y + 3, f_len, bar_height, row.f, ORANGE))
        f_x = round(right_axis + f_len + gap, 1)
        body.append(_text(f_x, y + text_dy, _label(row.f), "start", font_weight="600", font_size=size))
    baseline = top + row_height * len(rows) + 2
    body.append(f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="{GRID}"/>')
    notes = []
    if age_sex.total.nb:
        notes.append(_("non-binaire : %(n)s") % {"n": _label(age_sex.total.nb)})
    if age_sex.total.unknown:
        notes.append(_("sexe non renseigné : %(n)s") % {"n": _label(age_sex.total.unknown)})
    if notes:
        body.append(_text(width / 2, baseline + layout.notes_dy, " · ".join(notes), "middle", fill=MUTED))
    description = "; ".join(
        _("%(label)s : %(men)s, %(women)s")
        % {
            "label": r.label,
            "men": ngettext("%(n)s homme", "%(n)s hommes", plural_number(r.h)) % {"n": _label(r.h)},
            "women": ngettext("%(n)s femme", "%(n)s femmes", plural_number(r.f)) % {"n": _label(r.f)},
        }
        for r in rows
    )
    return _svg(width, height, _("Pyramide des âges du public accompagné"), description, body, "bilan-chart-pyramid")


def _month_label(month, index: int, count: int) -> tuple[str, str]:
    short = date_format(month, "N")
    year = str(month.year) if index == 0 or month.month == 1 else ""
    return short, year


def trend_chart(monthly, *, width: int = WIDTH) -> SafeString:
    """Month by month, three small charts sharing the months: interventions, youths met for the first
    time, hours of street presence. `width` 360 for a phone, 720 (`WIDE`) for a wide screen."""
    months = list(monthly)
    count = max(len(months), 1)
    left, right, panel, gap, top = 4, 4, 56, 24, 2
    small = "10" if width <= WIDTH else "11"
    series = [
        (_("Interventions individuelles"), [m.interventions for m in months], BLUE),
        (_("Jeunes rencontrés pour la première fois"), [m.new_youths for m in months], ORANGE),
        (_("Heures de présence sociale"), [m.presence_hours for m in months], TEAL),
    ]
    slot = (width - left - right) / count
    bar = max(min(slot * 0.64, 34), 1)
    show_values = slot >= 22
    step = max(1, math.ceil(34 / slot))
    height = top + len(series) * (panel + gap) + 26
    body = []
    for s, (name, values, colour) in enumerate(series):
        y0 = top + s * (panel + gap)
        baseline = y0 + gap + panel - 4
        body.append(_text(left, y0 + 14, name, font_weight="700", fill=colour))
        largest = max((_number(v) for v in values), default=0) or 1
        body.append(f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" stroke="{GRID}"/>')
        for i, value in enumerate(values):
            x = left + i * slot + (slot - bar) / 2
            h = (panel - 18) * _number(value) / largest
            body.append(_column(round(x, 1), baseline, round(bar, 1), h, value, colour))
            if show_values and (_number(value) or is_masked(value)):
                label_y = baseline - max(h, 6 if is_masked(value) else 0) - 3
                body.append(_text(round(x + bar / 2, 1), round(label_y, 1), _label(value), "middle", font_size=small))
    axis = top + len(series) * (panel + gap) + 2
    for i, row in enumerate(months):
        if i % step:
            continue
        short, year = _month_label(row.month, i, count)
        x = round(left + i * slot + slot / 2, 1)
        body.append(_text(x, axis + 9, short, "middle", font_size=small, fill=MUTED))
        if year:
            body.append(_text(x, axis + 21, year, "middle", font_size=small, fill=MUTED))
    description = "; ".join(
        _("%(month)s : %(interventions)s interventions, %(new)s nouveaux jeunes, %(hours)s h de présence")
        % {
            "month": date_format(m.month, "F Y"),
            "interventions": _label(m.interventions),
            "new": _label(m.new_youths),
            "hours": _label(m.presence_hours),
        }
        for m in months
    )
    return _svg(width, height, _("Activité mois par mois"), description, body, "dash-chart-trend")


def presence_chart(presence_months) -> SafeString:
    """Hours of street presence by month, stacked by place, with the legend above."""
    months = list(presence_months)
    count = max(len(months), 1)
    left, right, top, panel = 4, 4, 34, 120
    slot = (WIDTH - left - right) / count
    bar = max(min(slot * 0.64, 26), 1)
    step = max(1, math.ceil(34 / slot))
    largest = max((float(m.hours) for m in months), default=0) or 1
    baseline = top + panel
    height = baseline + 30
    body = []
    places = months[0].places if months else ()
    x = left
    for place, colour in zip(places, PLACE_COLOURS, strict=False):
        name = place.label.split(" / ")[0]
        body.append(f'<rect x="{x}" y="5" width="11" height="11" fill="{colour}" rx="2"/>')
        body.append(_text(x + 15, 15, name, font_size="11"))
        x += 15 + 6.4 * len(name) + 14
    body.append(f'<line x1="{left}" y1="{baseline}" x2="{WIDTH - right}" y2="{baseline}" stroke="{GRID}"/>')
    for i, month in enumerate(months):
        x = round(left + i * slot + (slot - bar) / 2, 1)
        y = baseline
        for place, colour in zip(month.places, PLACE_COLOURS, strict=False):
            h = (panel - 14) * float(place.hours) / largest
            if h > 0:
                body.append(f'<rect x="{x}" y="{y - h:.1f}" width="{round(bar, 1)}" height="{h:.1f}" fill="{colour}"/>')
                y -= h
        if month.minutes and slot >= 22:
            body.append(_text(round(x + bar / 2, 1), round(y - 3, 1), _label(month.hours), "middle", font_size="10"))
        if not i % step:
            short, year = _month_label(month.month, i, count)
            body.append(_text(round(x + bar / 2, 1), baseline + 12, short, "middle", font_size="10", fill=MUTED))
            if year:
                body.append(_text(round(x + bar / 2, 1), baseline + 24, year, "middle", font_size="10", fill=MUTED))
    description = "; ".join(
        f"{date_format(m.month, 'F Y')} : "
        + ", ".join(f"{p.label} {_label(p.hours)} h" for p in m.places if p.minutes)
        + (f" ({_label(m.hours)} h)" if m.minutes else "0 h")
        for m in months
    )
    return _svg(
        WIDTH, height, _("Heures de présence sociale par mois et par lieu"), description, body, "dash-chart-presence"
    )


def share_bar(parts, *, title: str, css_class: str) -> SafeString | str:
    """One bar split in shares, for (label, count, percent, colour) parts; nothing when a part is masked
    (its width would tell the count)."""
    if any(is_masked(count) or is_masked(share) for _label_text, count, share, _colour in parts):
        return ""
    total = sum(count for _label_text, count, _share, _colour in parts)
    if not total:
        return ""
    height, x, body = 30, 0.0, []
    for _label_text, count, share, colour in parts:
        width = WIDTH * count / total
        if width <= 0:
            continue
        body.append(f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="{height}" fill="{colour}"/>')
        if width > 44:
            body.append(_text(round(x + width / 2, 1), 20, f"{share} %", "middle", fill="#ffffff", font_weight="700"))
        x += width
    description = "; ".join(f"{label} : {count} ({share} %)" for label, count, share, _colour in parts)
    return _svg(WIDTH, height, title, description, body, css_class)
