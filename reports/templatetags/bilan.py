"""Filters for the bilan templates: figures in French typography, narrative texts as paragraphs and lists."""

from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

NARROW_NBSP = "\u202f"
BULLETS = ("- ", "– ", "• ", "* ")


@register.filter
def pct(value) -> str:
    """24 → « 24 % » (narrow no-break space, as French typography wants)."""
    if value is None or value == "":
        return ""
    if getattr(value, "is_masked", False):  # a masked figure of a published bilan: « s »
        return str(value)
    return f"{number_format(value)}{NARROW_NBSP}%"


@register.filter
def count(value):
    """53212 → « 53 212 » (digits grouped by three, as French readers expect); a masked figure of a
    published bilan as it prints (« ≤ 2 », « s »), anything else unchanged."""
    if getattr(value, "is_masked", False) or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if type(value) is int and -1000 < value < 1000:  # nothing to group: number_format's text, without its locale work
        return str(value)
    return number_format(value, force_grouping=True)


def plural_number(value) -> int:
    """The number a French plural agrees with (`ngettext`): « 1,5 heure » but « 2 heures »; a masked figure
    of a published bilan (« ≤ 2 », « s ») reads as a plural."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return 2
    return int(value)


@register.filter
def decimal1(value) -> str:
    """165 → « 165 », 247.5 → « 247,5 », 1913.5 → « 1 913,5 »; None → « – »."""
    if value is None:
        return "–"
    if getattr(value, "is_masked", False):  # a masked figure of a published bilan: « s »
        return str(value)
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


@register.filter
def narrative(text: str) -> str:
    """Plain text to safe HTML: lines starting with « - » become a list, other lines paragraphs."""
    if not text:
        return ""
    html, items = [], []

    def flush():
        if items:
            html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        bullet = next((b for b in BULLETS if line.startswith(b)), None)
        if bullet:
            items.append(escape(line[len(bullet) :].strip()))
        else:
            flush()
            html.append(f"<p>{escape(line)}</p>")
    flush()
    return mark_safe("".join(html))


@register.filter
def zero_class(value) -> str:
    """A CSS class dimming zeros in figure tables."""
    return " is-zero" if not value else ""


@register.filter
def day_month(value) -> str:
    """« 1er octobre », « 21 juin »."""
    if not value:
        return ""
    text = date_format(value, "j F")
    return ("1er" + text[1:]) if value.day == 1 else text


@register.filter
def key_figure(value, unit: str = "") -> str:
    """A key figure: « — » when there is none (a period before the team's start is not zero), a
    percentage or hours as the bilan prints them, else the count."""
    if value is None:
        return "—"
    if unit == "%":
        return pct(value)
    if unit == "h":
        return f"{decimal1(value)}{NARROW_NBSP}h"
    return str(count(value))


@register.filter
def key_change(value, unit: str = "") -> str:
    """The change from the previous period, signed: « +12 », « −3 », « +4 pts », « = »; « — » without one."""
    if value is None:
        return "—"
    if getattr(value, "is_masked", False):
        return str(value)
    if not value:
        return "="
    sign = "+" if value > 0 else "−"
    magnitude = abs(value)
    if unit == "%":
        return f"{sign}{number_format(magnitude)}{NARROW_NBSP}pts"
    if unit == "h":
        return f"{sign}{decimal1(magnitude)}{NARROW_NBSP}h"
    return f"{sign}{count(magnitude)}"
