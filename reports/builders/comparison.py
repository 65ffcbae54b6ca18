"""The bilan as a yearly instrument: its key figures beside the previous period's, and the funding
agreement's targets. The rules (previous period, team not yet at work, target met) are defined here once,
with the French text every bilan prints in its method section (`reports.rules.COUNTING_RULES`)."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DateField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from actions.models import CollectiveAction, Intervention, PresenceSession
from emps.models import Team
from emps.rules import Rule
from reports.builders.activity import build_activity_by_commune, build_meetings
from reports.builders.types import KeyFigure, PreviousPeriod, Scope
from reports.builders.youths import build_public, build_qpv_share
from reports.models import FundingTarget, TargetKind
from youths.models import Youth

# --- The previous period ----------------------------------------------------------------------------

PREVIOUS_PERIOD = Rule(
    _("Comparaison avec la période précédente"),
    _(
        "La période précédente a la même longueur et s'achève la veille du début de la période : les mêmes "
        "mois juste avant quand la période compte des mois entiers (une année civile se compare à l'année "
        "d'avant, sept mois aux sept mois d'avant), sinon le même nombre de jours. L'évolution est la "
        "différence entre les deux chiffres (en points pour un pourcentage). Quand l'équipe n'avait pas "
        "encore commencé son activité à la fin de la période précédente (date de début d'activité, à défaut "
        "sa première activité enregistrée), la comparaison affiche « — » et non zéro."
    ),
)


def _whole_months(start: datetime.date, end: datetime.date) -> int | None:
    """How many whole months the period spans, None when it does not start and end on month bounds."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """PREVIOUS_PERIOD: the period of the same length ending the day before `start`."""
    months = _whole_months(start, end)
    previous_end = start - datetime.timedelta(days=1)
    if months is None:
        return start - (end - start) - datetime.timedelta(days=1), previous_end
    index = start.year * 12 + start.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1), previous_end


def teams_started_on(scope: Scope) -> datetime.date | None:
    """PREVIOUS_PERIOD: when the scope's teams were all at work, the latest of their starts (the recorded
    date, else the first activity recorded: a youth met, an intervention, an action, a street presence);
    None when a team has recorded nothing. One query."""

    def first(model, field, team="team"):
        return Subquery(
            model.objects.filter(**{team: OuterRef("pk")}).order_by().values(team).annotate(d=Min(field)).values("d")
        )

    never = Value(datetime.date.max, output_field=DateField())
    firsts = [
        Coalesce(first(model, field), never, output_field=DateField())
        for model, field in (
            (Youth, "first_met_on"),
            (Intervention, "date"),
            (CollectiveAction, "date"),
            (PresenceSession, "date"),
        )
    ]
    starts = Team.objects.filter(pk__in=scope.team_ids).annotate(
        begun=Coalesce("started_on", Least(*firsts, output_field=DateField()), output_field=DateField())
    )
    days = list(starts.values_list("begun", flat=True))
    if not days or any(day is None or day == datetime.date.max for day in days):
        return None
    return max(days)


# --- Targets -----------------------------------------------------------------------------------------

TARGET_MET = Rule(
    _("Objectifs de la convention"),
    _(
        "Les objectifs sont ceux que la coordination a saisis pour l'équipe et l'année civile de la fin de la "
        "période (pour plusieurs équipes, leur somme, si chacune a l'objectif). Un objectif est atteint quand "
        "le chiffre de la période est supérieur ou égal à la valeur visée ; il n'est pas ramené à la durée "
        "d'une période plus courte que l'année. Le bilan d'une commune n'a pas d'objectif : la convention est "
        "celle de l'équipe."
    ),
)


def target_met(reached, target: int | None) -> bool | None:
    """TARGET_MET: whether the figure reaches the target (None without a target or a figure)."""
    if target is None or reached is None:
        return None
    return reached >= target


def scope_targets(scope: Scope, year: int) -> dict[str, int]:
    """{kind: value} of the year's targets of the scope's teams, summed when every team has one (TARGET_MET)."""
    if scope.communes is not None:
        return {}
    rows = FundingTarget.objects.filter(team__in=scope.team_ids, year=year).values_list("team", "kind", "value")
    by_kind: dict[str, dict[int, int]] = {}
    for team, kind, value in rows:
        by_kind.setdefault(kind, {})[team] = value
    return {kind: sum(values.values()) for kind, values in by_kind.items() if len(values) == len(scope.team_ids)}


# --- The key figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What the key figures are read from: a few tables of one period."""

    public: object
    qpv: object
    activity: object
    meetings: object


@dataclass(frozen=True)
class KeyFigureDefinition:
    key: str
    label: object
    read: Callable[[Figures], object]
    unit: str = ""  # "", "%" (change in points) or "h"
    about_youths: bool = False  # a count of young people with a file (masked publications leave it out)
    on_dashboard: bool = True  # the funders' dashboard reads it (it has no meetings)


KEY_FIGURES = (
    KeyFigureDefinition(TargetKind.YOUTHS, _("Jeunes accompagnés"), lambda f: f.public.total, about_youths=True),
    KeyFigureDefinition(
        "nouveaux", _("dont rencontrés pour la première fois"), lambda f: f.public.new, about_youths=True
    ),
    KeyFigureDefinition(TargetKind.PAEI, _("PAEI"), lambda f: f.public.paei, about_youths=True),
    KeyFigureDefinition("asep", _("ASEP"), lambda f: f.public.asep, about_youths=True),
    KeyFigureDefinition("accroche", _("En accroche"), lambda f: f.public.accroche, about_youths=True),
    KeyFigureDefinition(TargetKind.YOUTHS_QPV, _("Jeunes résidant en QPV"), lambda f: f.qpv.in_qpv, about_youths=True),
    KeyFigureDefinition("part-qpv", _("Part des jeunes résidant en QPV"), lambda f: f.qpv.in_qpv_percent, unit="%"),
    KeyFigureDefinition(
        TargetKind.COLLECTIVE_ACTIONS, _("Actions collectives"), lambda f: f.activity.collective_actions
    ),
    KeyFigureDefinition(
        TargetKind.DSL_ACTIONS, _("Actions DSL"), lambda f: f.activity.dsl_initiated + f.activity.dsl_joined
    ),
    KeyFigureDefinition(
        TargetKind.PRESENCE_HOURS, _("Heures de présence sociale"), lambda f: f.activity.presence_hours, unit="h"
    ),
    KeyFigureDefinition(
        TargetKind.STREET_CONTACTS, _("Contacts comptés dans la rue"), lambda f: f.activity.presence_contacts_counted
    ),
    KeyFigureDefinition("temps-partenariaux", _("Temps partenariaux"), lambda f: f.meetings.total, on_dashboard=False),
)
DASHBOARD_KEY_FIGURES = tuple(d for d in KEY_FIGURES if d.on_dashboard)
YOUTH_KEY_FIGURES = frozenset(str(d.key) for d in KEY_FIGURES if d.about_youths)


def period_figures(scope: Scope, start: datetime.date, end: datetime.date) -> Figures:
    """The tables the key figures read, for another period than the bilan's (the previous one)."""
    activity, _by_commune = build_activity_by_commune(scope=scope, start=start, end=end, with_contacts=True)
    return Figures(
        public=build_public(scope=scope, start=start, end=end),
        qpv=build_qpv_share(scope=scope, start=start, end=end),
        activity=activity,
        meetings=build_meetings(scope=scope, start=start, end=end),
    )


def change_of(value, previous):
    if value is None or previous is None:
        return None
    return value - previous


def build_key_figures(
    *,
    current: Figures,
    previous: Figures | None,
    targets: dict[str, int],
    definitions: tuple[KeyFigureDefinition, ...] = KEY_FIGURES,
) -> tuple[KeyFigure, ...]:
    """Each key figure with the previous period's (None: not compared, or « — »), its change, its target."""
    rows = []
    for definition in definitions:
        value = definition.read(current)
        before = definition.read(previous) if previous is not None else None
        target = targets.get(str(definition.key))
        rows.append(
            KeyFigure(
                key=str(definition.key),
                label=str(definition.label),
                unit=definition.unit,
                value=value,
                previous=before,
                change=change_of(value, before),
                target=target,
                met=target_met(value, target),
            )
        )
    return tuple(rows)


def build_previous(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[PreviousPeriod, Figures | None]:
    """The previous period (PREVIOUS_PERIOD) and its figures, None when the teams had not yet started."""
    previous_start, previous_end = previous_period(start, end)
    started = teams_started_on(scope)
    existed = started is not None and started <= previous_end
    period = PreviousPeriod(start=previous_start, end=previous_end, existed=existed)
    return period, (period_figures(scope, previous_start, previous_end) if existed else None)
