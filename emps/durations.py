"""Durations as people type them, in a form or in a spreadsheet cell: one reading for both.

Hours are the unit: « 2 », « 1,5 » or « 1.5 » are hours, and so are « 1h30 », « 1 h 30 », « 2 heures »
and « 1:30 ». Minutes are written as such: « 45 min », « 90 minutes », « 90 mn ». Minutes after hours
(« 1h75 », « 1:75 ») must be under 60: more is a typo, not 2 h 15. A duration lies between one minute
and 24 hours; decimal hours are rounded to the minute, half up. Above 8 hours a form asks for a
confirmation (`duration_doubt`), and « 15h » alone is asked as « 15 heures ? ».
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

MAX_MINUTES = 24 * 60

_HOURS_MINUTES = re.compile(r"^(\d{1,9}) ?h(?:eures?)? ?(?:(\d{1,2}) ?(?:min|mn|minutes?)?)?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
_MINUTES = re.compile(r"^(-?\d{1,9}) ?(?:min|mn|minutes?)$")
_HOURS = re.compile(r"^-?(?:\d{1,9}(?:[.,]\d{0,9})?|[.,]\d{1,9})$")
_SPACES = re.compile(r"\s+")


def parse_duration(text: str) -> int:
    """The minutes of a typed duration; ValueError with a French message naming the value otherwise."""
    shown = _SPACES.sub(" ", str(text)).strip()
    typed = shown.lower()
    if match := _HOURS_MINUTES.match(typed) or _CLOCK.match(typed):
        hours, minutes = int(match[1]), int(match[2] or 0)
        if minutes >= 60:
            raise ValueError(_("Durée « %(value)s » : les minutes doivent être inférieures à 60.") % {"value": shown})
        minutes += hours * 60
    elif match := _MINUTES.match(typed):
        minutes = int(match[1])
    elif _HOURS.match(typed):
        hours = Decimal(typed.replace(",", "."))
        minutes = int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    else:
        raise ValueError(
            _("Durée « %(value)s » illisible : écrivez des heures (2, 1,5 ou 1h30) ou des minutes (90 min).")
            % {"value": shown}
        )
    if minutes <= 0:
        raise ValueError(_("Durée nulle ou négative : « %(value)s ».") % {"value": shown})
    if minutes > MAX_MINUTES:
        if not _HOURS.match(typed):
            raise ValueError(_("Durée invraisemblable : « %(value)s » (24 heures au plus).") % {"value": shown})
        message = _("Durée invraisemblable : « %(value)s » heures (24 heures au plus).") % {"value": shown}
        if typed.isdigit():
            message += " " + _("Pour %(value)s minutes, écrivez %(hint)s.") % {
                "value": typed,
                "hint": format_duration(int(typed)),
            }
        raise ValueError(message)
    return minutes


def format_duration(minutes: int | None) -> str:
    """Minutes the way the screens show them and `parse_duration` reads them back: 2 h, 1 h 30, 45 min."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# A session longer than this is asked for a confirmation before it is accepted.
CONFIRM_ABOVE_MINUTES = 8 * 60
# « 15h » alone: French writes an hour of the day so (« rendez-vous à 15h »).
_BARE_HOURS = re.compile(r"^(\d{1,2}) ?h$")


def duration_doubt(text: str) -> str | None:
    """The question to ask before accepting a typed duration, None when it is plain (or unreadable: then
    `parse_duration` says why). Above CONFIRM_ABOVE_MINUTES a duration is asked for: « 15h » alone, which
    also reads as an hour of the day, as « 15 heures ? »; any other, as more than 8 hours."""
    try:
        minutes = parse_duration(text)
    except ValueError:
        return None
    if minutes <= CONFIRM_ABOVE_MINUTES:
        return None
    shown = _SPACES.sub(" ", str(text)).strip()
    if match := _BARE_HOURS.match(shown.lower()):
        return _(
            "« %(value)s » : %(hours)s heures ? C'est aussi une heure de la journée (l'heure de début a son "
            "propre champ). Si la présence a bien duré %(hours)s heures, cochez « Je confirme cette durée »."
        ) % {"value": shown, "hours": match[1]}
    return _(
        "Plus de %(limit)s heures de présence (%(duration)s) : si c'est bien le cas, cochez « Je confirme cette "
        "durée » ; sinon corrigez."
    ) % {"limit": CONFIRM_ABOVE_MINUTES // 60, "duration": format_duration(minutes)}
