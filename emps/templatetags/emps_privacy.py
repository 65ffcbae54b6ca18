"""Template helpers of the data-protection pages."""

import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from emps.permissions import is_coordinator

register = template.Library()


@register.filter
def can_handle_rights_requests(user) -> bool:
    """Coordinators export, rectify and erase the records of their teams' youths (GDPR rights)."""
    return is_coordinator(user)


@register.filter
def plain_value(value) -> str:
    """A value of an access-request record as French text: dates, yes/no, lists, empty as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return date_filter(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_filter(value, "d/m/Y")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def dict_get(mapping, key):
    """`record|dict_get:"partenaires mobilisés"`: a key with spaces or accents, absent as None."""
    return mapping.get(key)


@register.filter
def duration_fr(delta: datetime.timedelta) -> str:
    """A lock-out delay in words: « 1 heure », « 30 minutes », « 1 heure et 30 minutes »."""
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return _(" et ").join(parts)
