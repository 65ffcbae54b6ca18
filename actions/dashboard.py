"""The educator's week, for the home page "Mon activité"."""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from actions.models import CollectiveAction, Intervention, PresenceSession
from emps.rounding import hours
from youths.models import Youth

STALE_LIST_LENGTH = 8


@dataclasses.dataclass
class MyWeek:
    start: datetime.date
    end: datetime.date
    intervention_count: int
    youth_count: int
    presence_hours: Decimal
    presence_count: int
    action_count: int
    recent_interventions: list
    stale_youths: list
    stale_days: int


def my_week(user, today: datetime.date) -> MyWeek:
    """This week's interventions, street-presence hours and actions of `user`, and their youths gone quiet."""
    start = today - datetime.timedelta(days=today.weekday())
    end = start + datetime.timedelta(days=6)
    mine = Intervention.objects.visible_to(user).in_teams_of(user).of_educator(user)
    week = mine.filter(date__range=(start, end)).aggregate(
        interventions=Count("pk", distinct=True), youths=Count("youth", distinct=True)
    )
    was_present = PresenceSession.educators.through.objects.filter(user=user).values("presencesession_id")
    presence = (
        PresenceSession.objects.visible_to(user)
        .filter(Q(author=user) | Q(pk__in=was_present), date__range=(start, end))
        .aggregate(minutes=Sum("duration_minutes"), sessions=Count("pk"))
    )
    actions = (
        CollectiveAction.objects.visible_to(user).filter(author=user, date__range=(start, end)).aggregate(n=Count("pk"))
    )
    recent = list(mine.select_related("youth").prefetch_related("domains").order_by("-date", "-pk")[:5])
    stale_days = settings.EMPS_STALE_CONTACT_DAYS
    stale = list(
        Youth.objects.visible_to(user)
        .filter(referent=user)
        .active()
        .with_last_contact()
        .without_recent_contact(today)
        .select_related("quartier", "commune")
        .order_by("last_contact", "first_name")[:STALE_LIST_LENGTH]
    )
    return MyWeek(
        start=start,
        end=end,
        intervention_count=week["interventions"],
        youth_count=week["youths"],
        presence_hours=hours(presence["minutes"]),
        presence_count=presence["sessions"],
        action_count=actions["n"],
        recent_interventions=recent,
        stale_youths=stale,
        stale_days=stale_days,
    )
