"""The funders' dashboard as plain data: the bilan's own builders (the street contacts, the public met
in street presence and the funnel included), plus street presence month by month.

`build_dashboard` calls the table builders of `reports.builders` (one code path with the bilan) and
returns their dataclasses unmasked; `reports.dashboards.masking.mask` hides the small cells.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils.translation import gettext_lazy as _

from actions.enums import Place
from emps.expressions import MonthStart
from reports.builders import (
    ActivityTable,
    DomainTable,
    Funnel,
    LevelTable,
    MonthRow,
    PresenceRow,
    PresenceSummary,
    PublicSummary,
    QpvShare,
    Scope,
    SexTable,
    StreetPublic,
    build_activity_by_commune,
    build_age_sex,
    build_domains,
    build_funnel,
    build_monthly,
    build_origin_sex,
    build_presence,
    build_public,
    build_qpv_share,
    build_situation_sex,
    build_street_public,
    hours,
    sessions_in_period,
)
from reports.builders.activity import months_between
from reports.builders.youths import SHARED_GROUPINGS, levels_from_public, shared_youth_facts

# The youth tables of the dashboard: the bilan's but the quartiers of residence, which it does not show.
DASHBOARD_GROUPINGS = tuple(grouping for grouping in SHARED_GROUPINGS if "quartier_name" not in grouping)


@dataclass(frozen=True)
class PresenceMonth:
    """Street presence of one month, by place (every place, in the list's order)."""

    month: datetime.date  # first day of the month
    places: tuple[PresenceRow, ...]

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.places)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class Dashboard:
    """What a funder follows during the year, for one scope and one period (bounds included)."""

    scope: Scope = field(metadata={"export": False})
    start: datetime.date
    end: datetime.date
    public: PublicSummary
    levels: LevelTable
    age_sex: SexTable
    origin_sex: SexTable
    situation_sex: SexTable
    domains: DomainTable
    activity: ActivityTable
    activity_by_commune: tuple[ActivityTable, ...]
    funnel: Funnel
    street_public: StreetPublic
    presence: PresenceSummary
    presence_months: tuple[PresenceMonth, ...]
    qpv: QpvShare
    monthly: tuple[MonthRow, ...]

    @property
    def is_empty(self) -> bool:
        return not self.public.total and not self.activity.collective_actions and not self.presence.sessions


def build_presence_months(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[PresenceMonth, ...]:
    """Street presence month by month and place: sessions, hours, person-hours (one grouped query)."""
    rows = (
        sessions_in_period(scope, start, end)
        .annotate(month=MonthStart("date"))
        .values("month", "place")
        .annotate(
            sessions=Count("pk"),
            minutes=Sum("duration_minutes"),
            person_minutes=Sum(F("duration_minutes") * F("educator_count")),
        )
    )
    found = {(row["month"], row["place"]): row for row in rows}
    return tuple(
        PresenceMonth(
            month=month,
            places=tuple(
                PresenceRow(
                    key=place.value,
                    label=str(place.label),
                    sessions=found.get((month, place.value), {}).get("sessions", 0),
                    minutes=found.get((month, place.value), {}).get("minutes") or 0,
                    person_minutes=found.get((month, place.value), {}).get("person_minutes") or 0,
                )
                for place in Place
            ),
        )
        for month in months_between(start, end)
    )


def build_dashboard(*, scope: Scope, start: datetime.date, end: datetime.date, with_partners: bool = True) -> Dashboard:
    """Every figure of the dashboard, from the bilan's builders (a constant number of grouped queries).

    The page passes `with_partners=False` (it shows no partner list); the JSON API keeps them.
    """
    if start > end:
        raise ValueError("The period's start is after its end.")
    with shared_youth_facts(DASHBOARD_GROUPINGS):  # the youth tables share one statement
        return _build_dashboard(scope=scope, start=start, end=end, with_partners=with_partners)


def _build_dashboard(*, scope: Scope, start: datetime.date, end: datetime.date, with_partners: bool) -> Dashboard:
    public = build_public(scope=scope, start=start, end=end)
    # The street contacts are a few more sums on the presence query the table runs anyway.
    activity, activity_by_commune = build_activity_by_commune(
        scope=scope, start=start, end=end, with_partners=with_partners, with_contacts=True
    )
    presence_months = build_presence_months(scope=scope, start=start, end=end)
    return Dashboard(
        scope=scope,
        start=start,
        end=end,
        public=public,
        levels=levels_from_public(public),
        age_sex=build_age_sex(scope=scope, start=start, end=end),
        origin_sex=build_origin_sex(scope=scope, start=start, end=end),
        situation_sex=build_situation_sex(scope=scope, start=start, end=end),
        domains=build_domains(scope=scope, start=start, end=end),
        activity=activity,
        activity_by_commune=activity_by_commune,
        funnel=build_funnel(public=public, activity=activity),
        # One grouped query by quartier, whatever the scope's size.
        street_public=build_street_public(scope=scope, start=start, end=end),
        presence=build_presence(scope=scope, start=start, end=end),
        presence_months=presence_months,
        qpv=build_qpv_share(scope=scope, start=start, end=end),
        # The month's presence from the months by place just counted (one query fewer).
        monthly=build_monthly(
            scope=scope, start=start, end=end, presence_minutes={m.month: m.minutes for m in presence_months}
        ),
    )


# --- Periods -------------------------------------------------------------------------------------
# Funders ask only whole calendar months, quarters and years (`FUNDERS_ROUNDING`): no day range, no
# rolling window, so that two answers never differ by a few days of activity.

PRESETS = {
    "annee": _("Cette année"),
    "annee-precedente": _("L'an dernier"),
    "trimestre": _("Ce trimestre"),
    "trimestre-precedent": _("Le trimestre dernier"),
    "mois": _("Ce mois-ci"),
    "mois-precedent": _("Le mois dernier"),
}
CUSTOM = "personnalisee"
DEFAULT_PRESET = "annee"


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This or last calendar year, quarter or month, whole (the figures of days to come are empty)."""
    if preset in ("annee", "annee-precedente"):
        year = today.year - (preset == "annee-precedente")
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if preset in ("trimestre", "trimestre-precedent"):
        quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = _months_back(quarter_start, 3) if preset == "trimestre-precedent" else quarter_start
        return start, _month_end(start.year, start.month + 2)
    if preset in ("mois", "mois-precedent"):
        start = _months_back(today, 1 if preset == "mois-precedent" else 0)
        return start, _month_end(start.year, start.month)
    raise ValueError(preset)


def is_whole_period(start: datetime.date, end: datetime.date) -> bool:
    """Whether `start`–`end` is one calendar month, quarter or year, whole (the periods funders may ask)."""
    if start.day != 1:
        return False
    if start.month == 1 and end == datetime.date(start.year, 12, 31):
        return True
    if start.month % 3 == 1 and end == _month_end(start.year, start.month + 2):
        return True
    return end == _month_end(start.year, start.month)
