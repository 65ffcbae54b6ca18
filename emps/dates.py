"""Dates that make sense: the one bound every typed or imported activity date respects.

A first meeting, an intervention, an action or a change of level dated before 2000 is a typing mistake
(« 0001-01-01 », « 1924 » for « 2024 »). Accepted, it would be older than the retention period and the
night's purge would anonymise the record it belongs to (issue 26, finding 9)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_ACTIVITY_DATE = datetime.date(2000, 1, 1)


def _shown(value: datetime.date) -> str:
    # Not strftime: it writes the year 1 as « 1 ».
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def too_early_message(value: datetime.date) -> str:
    return _("Date invraisemblable : %(date)s (avant le %(min)s). Vérifiez l'année.") % {
        "date": _shown(value),
        "min": _shown(MIN_ACTIVITY_DATE),
    }


def validate_activity_date(value: datetime.date) -> None:
    """Refuses an activity date before MIN_ACTIVITY_DATE."""
    if value and value < MIN_ACTIVITY_DATE:
        raise ValidationError(too_early_message(value), code="too_early")
