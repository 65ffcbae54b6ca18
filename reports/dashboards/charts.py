"""Server-side SVG charts of the dashboards and of masked published bilans.

Built on `reports.charts` (same fonts, colours, accessibility title and description, presentation
attributes only so that the Content-Security-Policy and WeasyPrint accept them). A masked figure
never sets a length: a small count (« ≤ 2 ») is drawn as a grey stub of the threshold's size, a
figure masked to protect it (« s ») as an empty slot; both carry their label.
"""

import math
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.builders import ActivityTable, DomainTable, SexTable
from reports.charts import BLUE, GRID, MUTED, ORANGE, _svg, _text, figure_column_width
from reports.dashboards.masking import is_masked

TEAL = "#0f766e"
PURPLE = "#6d28d9"
MASKED_FILL = "#cbd5e1"
PLACE_COLOURS = (BLUE, ORANGE, TEAL, PURPLE)
WIDTH = 360  # drawn at about 300 px on a phone and 480 px on a desktop card
WIDE = 720  # the month-by-month chart on a wide screen


def _number(value) -> float:
    """The length a figure may give to a bar: a masked one gives the threshold (« ≤ 2 ») or nothing (« s »)."""
    if is_masked(value):
        return float(value.threshold) if value.primary else 0.0
    return float(value or 0)


def _label(value) -> str:
    """A figure as printed on a chart: « 12 », « 247,5 », « ≤ 2 », « s »."""
    if is_masked(value):
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


def horizontal_bars(rows, *, title: str, css_class: str, colour=BLUE, empty: str = "") -> SafeString:
    """Bars for (label, value, share-or-None) rows, in their order."""
    texts = []
    for _label_text, value, share in rows:
        text = _label(value)
        if share is not None and not is_masked(share) and not is_masked(value):
            text += f" ({share} %)"
        texts.append(text)
    label_width, row_height, top = 138, 22, 4
    value_width = figure_column_width(texts, char_width=6.5, padding=8, minimum=66)  # 11-unit digits
    bar_width = WIDTH - label_width - value_width
    height = top + row_height * max(len(rows), 1) + 6
    largest = max((_number(value) for _label_text, value, _share in rows), default=0) or 1
    body = []
    for i, ((label, value, _share), text) in enumerate(zip(rows, texts, strict=True)):
        y = top + i * row_height
        body.append(_text(label_width - 6, y + 15, label, "end", font_size="11"))
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="14" fill="{GRID}" rx="2"/>')
        body.append(_bar(label_width, y + 4, bar_width * _number(value) / largest, 14, value, colour))
        body.append(_text(label_width + bar_width + 5, y + 15, text, font_weight="600", font_size="11"))
    if not rows:
        body.append(_text(WIDTH / 2, 20, empty, "middle", fill=MUTED))
    description = "; ".join(f"{label} : {_label(value)}" for label, value, _share in rows)
    return _svg(WIDTH, height, title, description, body, css_class)


def domains_chart(domains: DomainTable) -> SafeString:
    """Interventions by domain worked on, in the table's order (domains never worked on left out)."""
    rows = [(row.label, row.total, row.percent) for row in domains.rows if _number(row.total) or is_masked(row.total)]
    return horizontal_bars(
        rows,
        title=_("Interventions par domaine travaillé"),
        css_class="bilan-chart-domains",
        empty=_("Aucune intervention sur la période"),
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


def age_pyramid(age_sex: SexTable) -> SafeString:
    """Men on the left, women on the right, the oldest bracket on top; masked figures as stubs."""
    rows = list(reversed(age_sex.rows))
    centre, side, row_height, top = 84, (WIDTH - 84) // 2, 22, 24
    height = top + row_height * max(len(rows), 1) + 26
    largest = max((max(_number(r.h), _number(r.f)) for r in rows), default=0) or 1
    usable = side - 30
    left_axis, right_axis = side, side + centre
    body = [
        _text(left_axis - 4, 14, _("Hommes"), "end", font_weight="700", fill=BLUE),
        _text(right_axis + 4, 14, _("Femmes"), "start", font_weight="700", fill=ORANGE),
    ]
    for i, row in enumerate(rows):
        y = top + i * row_height
        h_len = _stub(row.h, usable * _number(row.h) / largest)
        f_len = _stub(row.f, usable * _number(row.f) / largest)
        body.append(_text(side + centre / 2, y + 15, row.label, "middle", font_size="11"))
        body.append(_bar(left_axis - h_len, y + 3, h_len, 16, row.h, BLUE))
        body.append(_text(left_axis - h_len - 4, y + 15, _label(row.h), "end", font_weight="600", font_size="11"))
        body.append(_bar(right_axis, y + 3, f_len, 16, row.f, ORANGE))
        body.append(_text(right_axis + f_len + 4, y + 15, _label(row.f), "start", font_weight="600", font_size="11"))
    baseline = top + row_height * len(rows) + 2
    body.append(f'<line x1="0" y1="{baseline}" x2="{WIDTH}" y2="{baseline}" stroke="{GRID}"/>')
    notes = []
    if age_sex.total.nb:
        notes.append(_("non-binaire : %(n)s") % {"n": _label(age_sex.total.nb)})
    if age_sex.total.unknown:
        notes.append(_("sexe non renseigné : %(n)s") % {"n": _label(age_sex.total.unknown)})
    if notes:
        body.append(_text(WIDTH / 2, baseline + 18, " · ".join(notes), "middle", fill=MUTED))
    description = "; ".join(
        _("%(label)s : %(h)s hommes, %(f)s femmes") % {"label": r.label, "h": _label(r.h), "f": _label(r.f)}
        for r in rows
    )
    return _svg(WIDTH, height, _("Pyramide des âges du public"), description, body, "bilan-chart-pyramid")


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
