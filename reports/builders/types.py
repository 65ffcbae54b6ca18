"""The plain data the bilan builders return: frozen dataclasses, tuples, ints, Decimals and strings.

No queryset and no lazy translation leaks out of a builder: renderers (HTML, PDF, XLSX, JSON) and
dashboards read these objects without touching the database.
"""

import base64
import dataclasses
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from actions.enums import ActionStatus
from actions.rules import contacts_counted
from emps.models import DEFAULT_AGE_BRACKETS, Commune, Team
from emps.rounding import hours


@dataclass(frozen=True)
class Scope:
    """Whose activity a bilan counts: one or several teams, optionally restricted to some communes.

    `communes=None` means every commune (the whole teams). With communes, youths count by their own
    commune; collective actions and street presence by the commune where they took place; partner
    meetings by their commune, and a meeting with no commune (team-wide) counts in every commune.
    """

    teams: tuple[Team, ...]
    communes: tuple[Commune, ...] | None = None
    age_brackets: tuple[tuple[int, int], ...] | None = None

    def __post_init__(self):
        teams = tuple(self.teams)
        if not teams:
            raise ValueError("A bilan scope needs at least one team.")
        object.__setattr__(self, "teams", teams)
        if self.communes is not None:
            object.__setattr__(self, "communes", tuple(self.communes))
        if self.age_brackets is not None:
            object.__setattr__(self, "age_brackets", tuple((int(lo), int(hi)) for lo, hi in self.age_brackets))

    @classmethod
    def for_team(cls, team: Team, commune: Commune | None = None) -> "Scope":
        """The coordinator's choice: the whole team, or one of its communes."""
        return cls(teams=(team,), communes=(commune,) if commune is not None else None)

    @classmethod
    def of(cls, *, teams: Iterable[Team], communes: Iterable[Commune] | None = None) -> "Scope":
        """A funder's scope: several teams and, optionally, several communes."""
        return cls(teams=tuple(teams), communes=tuple(communes) if communes is not None else None)

    @property
    def team_ids(self) -> list[int]:
        return [t.pk for t in self.teams]

    @property
    def commune_ids(self) -> list[int] | None:
        return None if self.communes is None else [c.pk for c in self.communes]

    def brackets(self) -> tuple[tuple[int, int], ...]:
        """Age brackets: given ones, else the teams' when they all agree, else the seed's."""
        if self.age_brackets is not None:
            return self.age_brackets
        configured = {tuple(team.get_age_brackets()) for team in self.teams}
        if len(configured) == 1:
            return configured.pop()
        return tuple(tuple(b) for b in DEFAULT_AGE_BRACKETS)


# --- Youths: who was in relation with the team, and how they break down -------------------------


@dataclass(frozen=True)
class PublicSummary:
    """Youths in relation with the team during the period, by support level, new or continuing."""

    total: int
    paei: int
    asep: int
    accroche: int
    level_unknown: int
    new: int
    continuing: int

    @property
    def accompanied(self) -> int:
        """Youths with a support project: ASEP and PAEI."""
        return self.paei + self.asep


@dataclass(frozen=True)
class LevelRow:
    key: str
    label: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class LevelTable:
    rows: tuple[LevelRow, ...]
    total: int


@dataclass(frozen=True)
class SexRow:
    """One row of a breakdown by sex: total, then H, F, NB and sex not recorded."""

    key: str
    label: str
    total: int
    h: int
    f: int
    nb: int
    unknown: int
    percent: Decimal


@dataclass(frozen=True)
class SexTable:
    """A breakdown crossed with sex (age brackets, origin, situation)."""

    rows: tuple[SexRow, ...]
    total: SexRow

    @property
    def has_unknown_sex(self) -> bool:
        return self.total.unknown > 0


@dataclass(frozen=True)
class GenreRow:
    key: str
    label: str
    count: int
    average_age: Decimal | None
    percent: Decimal


@dataclass(frozen=True)
class GenreTable:
    rows: tuple[GenreRow, ...]
    total: int
    average_age: Decimal | None


@dataclass(frozen=True)
class QpvShare:
    total: int
    in_qpv: int
    outside_qpv: int
    unknown: int
    in_qpv_percent: Decimal
    outside_qpv_percent: Decimal
    unknown_percent: Decimal


@dataclass(frozen=True)
class QuartierRow:
    commune: str
    quartier: str  # "" when the quartier is not recorded
    is_qpv: bool
    count: int
    percent: Decimal


@dataclass(frozen=True)
class QuartierTable:
    rows: tuple[QuartierRow, ...]
    total: int


# --- Activity: interventions, actions, presence, partners ---------------------------------------


@dataclass(frozen=True)
class DomainRow:
    code: str
    label: str
    total: int
    youths: int
    percent: Decimal


@dataclass(frozen=True)
class DomainTable:
    """Domains sorted by Total; `total` is the sum of every domain's Total (the % denominator)."""

    rows: tuple[DomainRow, ...]
    total: int
    interventions: int
    youths: int


@dataclass(frozen=True)
class PartnerGroup:
    category: str
    partners: tuple[str, ...]


@dataclass(frozen=True)
class ActivityTable:
    """The seed's activity table for one commune (or, with `commune` None, the whole scope)."""

    commune: str | None
    paei: int
    asep: int
    accroche: int
    level_unknown: int
    workshops: int
    outings: int
    dsl_initiated: int
    dsl_joined: int
    work_projects: int
    after_needs_assessment: int
    presence_sessions: int
    presence_minutes: int
    presence_person_minutes: int
    partners: tuple[PartnerGroup, ...]  # every partner mobilised, by category
    support_partners: tuple[PartnerGroup, ...]  # ... in individual interventions
    action_partners: tuple[PartnerGroup, ...]  # ... in collective actions
    # Street presence's tally (`actions.rules.STREET_CONTACTS`): the sessions counted and their contacts;
    # None where the caller did not ask for them.
    presence_counted_sessions: int | None = None
    presence_contacts: int | None = None

    @property
    def presence_contacts_counted(self) -> int | None:
        """The contacts counted, None (« Non objectivé ») when no session of the period was counted."""
        return contacts_counted(self.presence_counted_sessions or 0, self.presence_contacts)

    @property
    def youths(self) -> int:
        return self.paei + self.asep + self.accroche + self.level_unknown

    @property
    def collective_actions(self) -> int:
        return self.workshops + self.outings

    @property
    def communal_events_joined(self) -> int:
        """The events initiated by the communes that the team joined: the DSL en associé."""
        return self.dsl_joined

    @property
    def presence_hours(self) -> Decimal:
        return hours(self.presence_minutes)

    @property
    def presence_person_hours(self) -> Decimal:
        return hours(self.presence_person_minutes)

    @property
    def partner_count(self) -> int:
        return sum(len(g.partners) for g in self.partners)


@dataclass(frozen=True)
class PresenceRow:
    key: str
    label: str
    sessions: int
    minutes: int
    person_minutes: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def person_hours(self) -> Decimal:
        return hours(self.person_minutes)


@dataclass(frozen=True)
class PresenceSummary:
    sessions: int
    minutes: int
    person_minutes: int
    by_place: tuple[PresenceRow, ...]
    by_quartier: tuple[PresenceRow, ...]

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def person_hours(self) -> Decimal:
        return hours(self.person_minutes)


@dataclass(frozen=True)
class BandRow:
    """Young people counted in street presence, of one sex (or all), by rough age band."""

    key: str
    label: str
    under_12: int
    from_12_to_17: int
    from_18_to_25: int
    total: int  # the bands' sum, a field so that a masked copy keeps its own (a masked band cannot be summed)


@dataclass(frozen=True)
class StreetQuartierRow:
    """The contacts counted in one quartier (or a commune's sessions without a quartier)."""

    commune: str
    quartier: str  # "" when the session's quartier is not recorded
    is_qpv: bool
    counted_sessions: int
    contacts: int
    adults: int
    percent: Decimal  # of the contacts


@dataclass(frozen=True)
class StreetPublic:
    """Public rencontré en présence sociale: the tallies of the counted sessions (contacts, not distinct
    people), by sex and age band and by quartier, the adults apart. `contacts` counts the young people."""

    sessions: int
    counted_sessions: int
    contacts: int
    by_sex: tuple[BandRow, ...]
    total: BandRow
    parents: int
    residents: int
    by_quartier: tuple[StreetQuartierRow, ...]
    in_qpv: int
    in_qpv_percent: Decimal
    adults: int  # parents and residents: a field, so that a masked copy keeps its own

    @property
    def is_counted(self) -> bool:
        return self.counted_sessions > 0


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: its count (None: « Non objectivé », street contacts with no session counted)
    and, for a support level, its share of the young people known."""

    key: str  # "contacts", "known", "accroche", "asep", "paei"
    label: str
    count: int | None
    percent: Decimal | None = None


@dataclass(frozen=True)
class Funnel:
    """De la rue à l'accompagnement (`reports.builders.funnel.FUNNEL`): the street contacts counted, the
    young people known, then those in accroche, ASEP and PAEI. The first step counts contacts, not distinct
    young people: it is not a superset of the others."""

    steps: tuple[FunnelStep, ...]
    counted_sessions: int  # the street-presence sessions whose tally was filled in
    sessions: int  # every street-presence session of the period
    level_unknown: int  # young people known without a support level: in no level's step

    @property
    def is_counted(self) -> bool:
        return self.counted_sessions > 0


@dataclass(frozen=True)
class ActionItem:
    """Collective actions of one kind sharing a title: how often, with how many youths, with whom."""

    title: str
    times: int
    youths: int
    anonymous_participants: int
    parents: int  # the families or parents reached (the tally's parents)
    first_date: datetime.date
    last_date: datetime.date
    partners: tuple[str, ...]


@dataclass(frozen=True)
class ActionGroup:
    kind: str
    label: str
    count: int
    items: tuple[ActionItem, ...]


@dataclass(frozen=True)
class ThemedAction:
    """One title of collective action under a theme: how many times done, and what became of the others
    (status, date first planned, the action that replaced it, a few words)."""

    title: str
    status: str  # an ActionStatus value
    status_label: str
    times: int
    first_date: datetime.date
    last_date: datetime.date
    planned_on: datetime.date | None
    replaced_by: str  # the title of the replacing action, or ""
    outcome: str

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE


@dataclass(frozen=True)
class ThemeGroup:
    """« Actions spécifiques » of one theme (key "" : actions without a theme); `done` counts the actions
    done, the only ones the figures count."""

    key: str
    label: str
    done: int
    items: tuple[ThemedAction, ...]


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class MeetingSummary:
    """Temps partenariaux: meetings by kind, the distinct subjects, the partners met."""

    total: int
    by_kind: tuple[CountRow, ...]
    subjects: tuple[CountRow, ...]  # key is the kind, label the subject
    partners: tuple[str, ...]
    # The minutes of each kind's meetings whose duration is known (count = minutes; actions.rules.MEETING_TIME).
    minutes_by_kind: tuple[CountRow, ...] = ()

    def count(self, kind: str) -> int:
        return next((row.count for row in self.by_kind if row.key == kind), 0)

    def hours(self, kind: str) -> Decimal | None:
        """The hours of a kind's meetings, None when none of them has a duration."""
        minutes = next((row.count for row in self.minutes_by_kind if row.key == kind), 0)
        return hours(minutes) if minutes else None

    def subjects_of(self, kind: str) -> tuple[CountRow, ...]:
        return tuple(row for row in self.subjects if row.key == kind)

    @property
    def kinds(self) -> tuple["MeetingKindRow", ...]:
        """The kinds met in the period: how many and their hours (MEETING_TIME), in the kinds' order."""
        minutes = {row.key: row.count for row in self.minutes_by_kind}
        return tuple(
            MeetingKindRow(key=row.key, label=row.label, count=row.count, minutes=minutes.get(row.key, 0))
            for row in self.by_kind
            if row.count
        )

    @property
    def has_hours(self) -> bool:
        """Whether a meeting of the period has a duration: the bilan prints the hours column only then."""
        return any(row.count for row in self.minutes_by_kind)

    @property
    def total_hours(self) -> Decimal | None:
        minutes = sum(row.count for row in self.minutes_by_kind)
        return hours(minutes) if minutes else None


@dataclass(frozen=True)
class MeetingKindRow:
    """One kind of temps partenariaux: how many, and the minutes of those whose duration is known."""

    key: str
    label: str
    count: int
    minutes: int

    @property
    def hours(self) -> Decimal | None:
        """None (« — ») when none of the kind's meetings has a duration."""
        return hours(self.minutes) if self.minutes else None


@dataclass(frozen=True)
class FindingRow:
    """What a territorial diagnostic found in one quartier."""

    commune: str
    quartier: str
    text: str


@dataclass(frozen=True)
class Diagnostic:
    """A shared territorial diagnostic of the period and its findings per quartier (none: not printed)."""

    date: datetime.date
    label: str
    findings: tuple[FindingRow, ...]


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # first day of the month
    new_youths: int
    interventions: int
    collective_actions: int
    presence_minutes: int

    @property
    def presence_hours(self) -> Decimal:
        return hours(self.presence_minutes)


@dataclass(frozen=True)
class HeaderLogo:
    """A logo of the first page: whose it is, its fingerprint (kept in the frozen figures) and its PNG."""

    name: str
    sha256: str
    width: int
    height: int
    png: bytes = field(repr=False, metadata={"export": False})

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Header:
    associations: tuple[str, ...]
    teams: tuple[str, ...]
    subtitles: tuple[str, ...]
    communes: tuple[str, ...]
    financial_partners: tuple[str, ...]
    is_whole_team: bool
    association_logos: tuple[HeaderLogo, ...] = ()
    partner_logos: tuple[HeaderLogo, ...] = ()


@dataclass(frozen=True)
class PreviousPeriod:
    """The period a bilan is compared with (`comparison.PREVIOUS_PERIOD`); `existed` is False when the team
    had not started then: its figures are « — », not zeros."""

    start: datetime.date
    end: datetime.date
    existed: bool


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of the period, the previous period's (None: not compared or « — »), the change, and
    the funding agreement's target with whether it is met (`comparison.TARGET_MET`)."""

    key: str
    label: str
    unit: str  # "", "%" or "h"
    value: int | Decimal | None
    previous: int | Decimal | None
    change: int | Decimal | None
    target: int | None
    met: bool | None


@dataclass(frozen=True)
class PerspectiveItem:
    """A planned action announced as a perspective, with its current status."""

    title: str
    commune: str
    quartier: str
    month: datetime.date  # the first day of the month it was planned for
    partners: tuple[str, ...]
    status: str
    status_label: str
    date: datetime.date  # its date now: done on, postponed to…
    replaced_by: str
    outcome: str

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE


@dataclass(frozen=True)
class Perspectives:
    """The perspectives this bilan announces, and those of the previous one with what became of them."""

    announced: tuple[PerspectiveItem, ...]
    followed: tuple[PerspectiveItem, ...]
    followed_start: datetime.date
    followed_end: datetime.date

    @property
    def followed_done(self) -> int:
        return sum(1 for item in self.followed if item.is_done)


@dataclass(frozen=True)
class SlotRow:
    """Street presence of one day of the week (1 Monday … 7 Sunday; 0 the total), by time slot."""

    weekday: int
    label: str
    day_sessions: int
    day_minutes: int
    evening_sessions: int
    evening_minutes: int
    unknown_sessions: int
    unknown_minutes: int

    @property
    def day_hours(self) -> Decimal:
        return hours(self.day_minutes)

    @property
    def evening_hours(self) -> Decimal:
        return hours(self.evening_minutes)

    @property
    def unknown_hours(self) -> Decimal:
        return hours(self.unknown_minutes)

    @property
    def sessions(self) -> int:
        return self.day_sessions + self.evening_sessions + self.unknown_sessions

    @property
    def hours(self) -> Decimal:
        return hours(self.day_minutes + self.evening_minutes + self.unknown_minutes)


@dataclass(frozen=True)
class PresenceSlots:
    """Street presence by day of the week and time slot (`actions.rules.TIME_SLOT`)."""

    rows: tuple[SlotRow, ...]
    total: SlotRow

    @property
    def has_unknown(self) -> bool:
        return bool(self.total.unknown_sessions)


@dataclass(frozen=True)
class StaffRow:
    name: str
    job: str
    fte: Decimal
    started_on: datetime.date
    ended_on: datetime.date | None
    referent_of: str


@dataclass(frozen=True)
class Means:
    """The team's means over the period (`means.MEANS`): its posts, headcount and full-time equivalents on
    the last day, the recruitments and departures dated in the period."""

    staff: tuple[StaffRow, ...]
    headcount: int
    fte: Decimal
    recruitments: tuple[StaffRow, ...]
    departures: tuple[StaffRow, ...]


@dataclass(frozen=True)
class Bilan:
    """Every table of the bilan d'activité for one scope and one period (bounds included)."""

    scope: Scope = field(metadata={"export": False})
    start: datetime.date
    end: datetime.date
    header: Header
    public: PublicSummary
    levels: LevelTable
    age_sex: SexTable
    genre: GenreTable
    origin_sex: SexTable
    situation_sex: SexTable
    domains: DomainTable
    activity: ActivityTable
    activity_by_commune: tuple[ActivityTable, ...]
    presence: PresenceSummary
    street_public: StreetPublic
    funnel: Funnel
    specific_actions: tuple[ActionGroup, ...]
    actions_by_theme: tuple[ThemeGroup, ...]
    meetings: MeetingSummary
    qpv: QpvShare
    quartiers: QuartierTable
    monthly: tuple[MonthRow, ...]
    key_figures: tuple[KeyFigure, ...] = ()
    previous: PreviousPeriod | None = None
    perspectives: Perspectives | None = None
    means: Means | None = None
    presence_slots: PresenceSlots | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def has_targets(self) -> bool:
        return any(figure.target is not None for figure in self.key_figures)

    @property
    def is_empty(self) -> bool:
        return (
            not self.public.total
            and not self.activity.collective_actions
            and not self.activity.dsl_initiated
            and not self.activity.dsl_joined
            and not self.presence.sessions
            and not self.meetings.total
        )


def to_plain(value, leaves: dict | None = None):
    """Dataclasses, tuples, dicts, Decimals and dates as JSON-ready dicts, lists, numbers and ISO strings.

    Properties that are figures (hours, totals) are added beside the fields so that JSON carries them.
    `leaves` ({type: function}) converts the values of those exact types (the masked figures' labels).
    """
    leaves = leaves or {}

    def walk(value):
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind in leaves:
            return leaves[kind](value)
        names = _exported_names(kind)
        if names is not None:
            return {name: walk(getattr(value, name)) for name in names}
        if kind is dict:
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, tuple | list):
            return [walk(item) for item in value]
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return walk(value)


_PLAIN = frozenset({int, str, float, bool, type(None)})


@functools.cache
def _exported_names(kind: type) -> tuple[str, ...] | None:
    """The fields (but those marked `export=False`) and figure properties a dataclass carries to JSON;
    None for any other type. Once per type: a federation's dashboard holds 100,000 values."""
    if not dataclasses.is_dataclass(kind):
        return None
    fields = tuple(f.name for f in dataclasses.fields(kind) if f.metadata.get("export", True))
    return fields + _EXPORTED_PROPERTIES.get(kind.__name__, ())


_EXPORTED_PROPERTIES = {
    "ActivityTable": (
        "youths",
        "collective_actions",
        "communal_events_joined",
        "presence_hours",
        "presence_person_hours",
        "presence_contacts_counted",
    ),
    "Funnel": ("is_counted",),
    "PresenceRow": ("hours", "person_hours"),
    "PresenceSummary": ("hours", "person_hours"),
    "MeetingKindRow": ("hours",),
    "MeetingSummary": ("kinds", "has_hours", "total_hours"),
    "MonthRow": ("presence_hours",),
    "PublicSummary": ("accompanied",),
}
