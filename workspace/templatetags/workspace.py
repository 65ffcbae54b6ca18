"""Small display helpers of the workspace templates."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from emps.durations import format_duration
from emps.permissions import can_edit_record
from youths.enums import Level
from youths.rules import age_on

register = template.Library()


@register.filter
def level_label(value):
    """Short label of a support level: En accroche, ASEP, PAEI."""
    if not value:
        return _("Sans niveau")
    return Level.short_label(value)


@register.filter
def minutes(value):
    """120 -> "2 h", 90 -> "1 h 30"."""
    return format_duration(value)


@register.filter
def days_since(value, today=None):
    """Whole days between a date and today."""
    if not value:
        return ""
    today = today or timezone.localdate()
    return (today - value).days


@register.filter
def age_today(youth, today):
    """The youth's age in completed years on `today` (None when unknown)."""
    return age_on(youth.birth_year, youth.birth_month, today)


@register.filter
def can_edit(user, record):
    """Template side of emps.permissions.can_edit_record: the author and coordinators edit a record."""
    return can_edit_record(user, record)
