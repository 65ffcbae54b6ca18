"""The coordinator's home: the team at a glance, for the user's teams.

This week's and this month's entries by educator (one query), the youths without contact for a while across
the team, what is dated today or later, the anonymisations due (privacy's rule), and the current year's bilan.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from actions.enums import ActionStatus
from actions.models import CollectiveAction, Intervention, PartnerMeeting, PresenceSession
from emps.enums import STAFF_ROLES
from emps.models import Team, User
from privacy.services import DUE_WITHIN_DAYS, youths_due_for_anonymisation
from youths.models import Youth

STALE_LIST_LENGTH = 10
COMING_LIST_LENGTH = 8

# The entries counted by educator: (name of the figure, model). Each is counted by its author.
ENTRY_MODELS = (("interventions", Intervention), ("sessions", PresenceSession), ("actions", CollectiveAction))


@dataclasses.dataclass(frozen=True)
class EducatorEntries:
    educator: User
    week: dict  # {"interventions": n, "sessions": n, "actions": n}
    month: dict

    @property
    def week_total(self) -> int:
        return sum(self.week.values())

    @property
    def month_total(self) -> int:
        return sum(self.month.values())


@dataclasses.dataclass(frozen=True)
class Coming:
    """A street-presence session, collective action or temps partenarial dated today or later."""

    date: datetime.date
    kind: str
    label: str
    url: str


@dataclasses.dataclass(frozen=True)
class TeamDesk:
    today: datetime.date
    week_start: datetime.date
    week_end: datetime.date
    month_start: datetime.date
    entries: list[EducatorEntries]
    stale_days: int
    stale_count: int
    stale_youths: list
    coming: list[Coming]
    due_count: int
    due_within_days: int
    bilans: list[tuple[Team, str]]  # each team of the user and its current year's bilan page

    @property
    def week_totals(self) -> dict:
        return {name: sum(row.week[name] for row in self.entries) for name, _model in ENTRY_MODELS}

    @property
    def month_totals(self) -> dict:
        return {name: sum(row.month[name] for row in self.entries) for name, _model in ENTRY_MODELS}


def _authored_count(model, team_ids, start: datetime.date, end: datetime.date) -> Coalesce:
    """How many records of the teams `OuterRef('pk')` wrote, dated between start and end: a subquery."""
    counted = (
        model.objects.filter(author=OuterRef("pk"), team__in=team_ids, date__gte=start, date__lte=end)
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def entries_by_educator(team_ids: list[int], week_start, week_end, month_start, month_end) -> list[EducatorEntries]:
    """Every active member of the teams with the interventions, sessions and actions they wrote this week and
    this month: one query, the members as rows and each figure a correlated count."""
    figures = {}
    for name, model in ENTRY_MODELS:
        figures[f"week_{name}"] = _authored_count(model, team_ids, week_start, week_end)
        figures[f"month_{name}"] = _authored_count(model, team_ids, month_start, month_end)
    members = User.teams.through.objects.filter(team__in=team_ids).values("user_id")
    rows = (
        User.objects.filter(pk__in=members, role__in=STAFF_ROLES, is_active=True)
        .annotate(**figures)
        .order_by("first_name", "last_name", "username")
    )
    return [
        EducatorEntries(
            educator=row,
            week={name: getattr(row, f"week_{name}") for name, _model in ENTRY_MODELS},
            month={name: getattr(row, f"month_{name}") for name, _model in ENTRY_MODELS},
        )
        for row in rows
    ]


def _coming(team_ids, today: datetime.date) -> list[Coming]:
    """What is dated today or later, the earliest first: sessions, collective actions, temps partenariaux."""
    items = []
    sessions = (
        PresenceSession.objects.filter(team__in=team_ids, date__gte=today)
        .select_related("commune", "quartier")
        .order_by("date")
    )
    for session in sessions[:COMING_LIST_LENGTH]:
        place = session.quartier.name if session.quartier else session.commune.name
        items.append(
            Coming(session.date, "presence", f"{session.get_place_display()} – {place}", _edit("presence", session))
        )
    # A planned action (« prévue ») comes at its planned date; one cancelled or replaced does not come.
    actions = (
        CollectiveAction.objects.filter(team__in=team_ids)
        .exclude(status__in=(ActionStatus.CANCELLED, ActionStatus.REPLACED))
        .annotate(
            coming_on=Case(
                When(status=ActionStatus.PLANNED, then=Coalesce("planned_on", "date")),
                default=F("date"),
                output_field=DateField(),
            )
        )
        .filter(coming_on__gte=today)
        .order_by("coming_on", "title")
    )
    for action in actions[:COMING_LIST_LENGTH]:
        label = action.title
        if action.status == ActionStatus.PLANNED:
            label = f"{action.title} ({action.get_status_display().lower()})"
        items.append(Coming(action.coming_on, "action", label, _edit("action", action)))
    for meeting in PartnerMeeting.objects.filter(team__in=team_ids, date__gte=today).order_by("date")[
        :COMING_LIST_LENGTH
    ]:
        items.append(Coming(meeting.date, "meeting", meeting.label, _edit("meeting", meeting)))
    return sorted(items, key=lambda item: (item.date, item.label))[:COMING_LIST_LENGTH]


def _edit(kind: str, record) -> str:
    return reverse(f"actions:{kind}_update", args=[record.pk])


def team_desk(user, today: datetime.date) -> TeamDesk:
    """The coordinator's home for `user`'s teams on `today`."""
    teams = list(Team.objects.visible_to(user).order_by("name"))
    team_ids = [team.pk for team in teams]
    week_start = today - datetime.timedelta(days=today.weekday())
    week_end = week_start + datetime.timedelta(days=6)
    month_start = today.replace(day=1)
    month_end = (month_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    stale_days = settings.EMPS_STALE_CONTACT_DAYS
    youths = Youth.objects.visible_to(user).filter(team__in=team_ids)
    stale = (
        youths.active()
        .with_last_contact()
        .without_recent_contact(today)
        .select_related("quartier", "commune", "referent")
        .order_by("last_contact", "first_name")
    )
    stale_youths = list(stale[:STALE_LIST_LENGTH])
    stale_count = len(stale_youths) if len(stale_youths) < STALE_LIST_LENGTH else stale.count()
    due = youths_due_for_anonymisation(on=today, within_days=DUE_WITHIN_DAYS, queryset=youths)
    year = {"start": datetime.date(today.year, 1, 1), "end": datetime.date(today.year, 12, 31)}
    bilans = [(team, f"{reverse('reports:bilan')}?{urlencode({'team': team.pk, **year})}") for team in teams]
    return TeamDesk(
        today=today,
        week_start=week_start,
        week_end=week_end,
        month_start=month_start,
        entries=entries_by_educator(team_ids, week_start, week_end, month_start, month_end),
        stale_days=stale_days,
        stale_count=stale_count,
        stale_youths=stale_youths,
        coming=_coming(team_ids, today),
        due_count=due.count(),
        due_within_days=DUE_WITHIN_DAYS,
        bilans=bilans,
    )
