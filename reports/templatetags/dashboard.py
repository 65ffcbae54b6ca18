"""Filters for the funders' dashboards: figures that may be masked, in French typography."""

import html
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from reports.templatetags.bilan import count, decimal1, pct, plural_number  # the bilan's figures, the same typography

register = template.Library()

NARROW_NBSP = "\u202f"


def _masked(value):
    return format_html('<span class="dash-masked" title="{}">{}</span>', value.description, value.label)


register.filter("plural_number", plural_number)


@register.filter
def cell(value):
    """A count: « 12 », « 53 212 », a masked one as « ≤ 2 » or « s » with its explanation on hover."""
    if getattr(value, "is_masked", False):
        return _masked(value)
    if value is None or value == "":
        return "–"
    return count(value)


@register.filter
def share(value):
    """A percentage: « 24 % », masked as « s »."""
    if getattr(value, "is_masked", False):
        return _masked(value)
    if value is None or value == "":
        return "–"
    return f"{number_format(value)}{NARROW_NBSP}%"


@register.filter
def hours1(value):
    """Hours to one decimal: « 165 », « 247,5 », « 1 913,5 »."""
    if getattr(value, "is_masked", False):
        return _masked(value)
    return decimal1(value or 0)


@register.filter
def figure(value, dashboard=False):
    """A count in a table shared by the bilan and the dashboard: `cell` on a dashboard, else the bilan's `count`."""
    return cell(value) if dashboard else count(value)


@register.filter
def figure_share(value, dashboard=False):
    """A percentage in a table shared by the bilan and the dashboard: `share` on a dashboard, else `pct`."""
    return share(value) if dashboard else pct(value)


@register.filter
def filesize(value) -> str:
    """Bytes as « 84 ko », « 1,2 Mo »."""
    size = len(value) if isinstance(value, bytes | memoryview) else int(value or 0)
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}{NARROW_NBSP}ko"
    return f"{number_format(Decimal(size) / (1024 * 1024), decimal_pos=1)}{NARROW_NBSP}Mo"


@register.filter
def dimmed(value) -> str:
    """A CSS class for zero figures."""
    return " is-zero" if not value and not getattr(value, "is_masked", False) else ""


# The figures of a row of « Public et activité par commune », and the figure whose zero dims the cell.
ACTIVITY_COLUMNS = (
    ("paei", cell, "paei"),
    ("asep", cell, "asep"),
    ("accroche", cell, "accroche"),
    ("youths", cell, "youths"),
    ("collective_actions", cell, "collective_actions"),
    ("presence_hours", hours1, "presence_minutes"),
)


@register.filter
def activity_cells(table) -> str:
    """A commune's cells in « Public et activité par commune », zeros dimmed: one filter for the row, as a
    federation's table has 100 communes (1,300 template variables otherwise, a third of the page's
    rendering), written with plain string formatting rather than format_html and its lazy checks."""
    cells = []
    for name, show, zero in ACTIVITY_COLUMNS:
        shown = show(getattr(table, name))
        shown = shown if isinstance(shown, SafeData) else html.escape(str(shown))
        cells.append(f'<td class="num{dimmed(getattr(table, zero))}">{shown}</td>')
    return mark_safe("".join(cells))
