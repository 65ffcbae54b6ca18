"""The rules of the team's work, each one executable definition beside the French text the bilan prints
(`reports.rules.COUNTING_RULES`): which youths a period counts (in relation with the team during it), and
the contacts counted in street presence."""

import datetime

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from actions.enums import ActionStatus
from actions.models import ADULT_COUNTERS, TALLY_COUNTERS, YOUTH_COUNTERS, CollectiveAction, Intervention
from emps.rules import Rule
from youths.rules import first_met_during

# --- Collective actions: only the done ones count ---------------------------------------------------------

DONE = Rule(
    _("Actions réalisées"),
    _(
        "Une action collective a un statut : prévue, réalisée, reportée, annulée ou remplacée. Seules les "
        "actions réalisées comptent dans les chiffres (actions, participants, partenaires, mois) et font "
        "entrer leurs participants dans le public de la période ; les autres sont seulement dites dans "
        "« Actions spécifiques », avec ce qu'il en est advenu (annulée, remplacée par une autre…)."
    ),
)


def done(prefix: str = "") -> Q:
    """DONE, as a filter of collective actions (`prefix`: the path to the action, e.g. "collectiveaction__")."""
    return Q(**{f"{prefix}status": ActionStatus.DONE})


IN_RELATION = Rule(
    _("Public accompagné"),
    _(
        "Un jeune compte dans la période lorsqu'il est en relation avec l'équipe pendant celle-ci : première "
        "rencontre, intervention ou participation à une action collective dans la période. Chaque jeune est "
        "compté une seule fois dans chaque répartition ; toutes les répartitions ont donc le même total."
    ),
)


def with_interventions_during(start: datetime.date, end: datetime.date) -> QuerySet:
    """The ids of the youths with an intervention dated in the period."""
    return Intervention.objects.filter(date__gte=start, date__lte=end).values("youth")


def taking_part_during(start: datetime.date, end: datetime.date) -> QuerySet:
    """The ids of the youths taking part in a collective action done (DONE) and dated in the period."""
    return CollectiveAction.participants.through.objects.filter(
        done("collectiveaction__"), collectiveaction__date__gte=start, collectiveaction__date__lte=end
    ).values("youth")


def in_relation_during(
    start: datetime.date,
    end: datetime.date,
    *,
    with_interventions: QuerySet | None = None,
    taking_part: QuerySet | None = None,
) -> Q:
    """IN_RELATION, as a filter of youths: first met, an intervention or a collective action in the period.

    A caller that knows a narrower or faster set of the same youths passes it: the youths with an
    intervention read from the yearly summaries, the participations of the scope's youths only.
    """
    if with_interventions is None:
        with_interventions = with_interventions_during(start, end)
    if taking_part is None:
        taking_part = taking_part_during(start, end)
    return first_met_during(start, end) | Q(pk__in=with_interventions) | Q(pk__in=taking_part)


# --- Street presence: the contacts counted ---------------------------------------------------------------

STREET_CONTACTS = Rule(
    _("Contacts en présence sociale"),
    _(
        "Lors d'un temps de présence sociale, l'équipe peut compter les personnes rencontrées, sans rien noter "
        "sur personne : les jeunes par sexe et grande tranche d'âge (moins de 12 ans, 12-17 ans, 18-25 ans), "
        "les adultes (parents, habitants) à part. Les contacts comptés sont la somme des jeunes comptés lors "
        "des temps de présence comptés de la période : ce sont des contacts, pas des jeunes distincts (un même "
        "jeune rencontré trois soirs compte trois fois). Un temps de présence dont le décompte n'a pas été "
        "rempli est « non compté », ce qui n'est pas zéro : le bilan dit sur combien des temps de présence de "
        "la période porte le décompte, et indique « Non objectivé » quand aucun n'a été compté."
    ),
)

COUNTED = Q(counted=True)


def _total(names) -> Sum:
    expression = Value(0)
    for name in names:
        expression = expression + F(name)
    return Sum(expression, filter=COUNTED)


def street_contact_figures() -> dict:
    """STREET_CONTACTS, as aggregates of presence sessions (for `aggregate` or after `values(...)`): every
    session, the counted ones, the contacts (young people counted), the adults, and each counter summed
    over the counted sessions (a session not counted has its counters at 0, by a constraint)."""
    return {
        "sessions": Count("pk"),
        "counted_sessions": Count("pk", filter=COUNTED),
        "contacts": _total(name for name, _sex, _band in YOUTH_COUNTERS),
        "adults": _total(name for name, _label in ADULT_COUNTERS),
        **{name: Sum(name, filter=COUNTED) for name in TALLY_COUNTERS},
    }


# --- Street presence: the time slots ---------------------------------------------------------------------

EVENING_FROM = datetime.time(18, 0)

TIME_SLOT = Rule(
    _("Présence sociale par créneau"),
    _(
        "Un temps de présence est « en soirée » quand il commence à 18 h ou après, « en journée » sinon, "
        "d'après son heure de début ; sans heure de début, il est compté à part. Le jour est celui de sa date, "
        "du lundi au dimanche. Les heures sont la somme des durées, comme pour la présence sociale."
    ),
)


def time_slot():
    """TIME_SLOT, as an expression over presence sessions: "soiree", "journee", or "" without a start time."""
    return Case(
        When(start_time__isnull=True, then=Value("")),
        When(start_time__gte=EVENING_FROM, then=Value("soiree")),
        default=Value("journee"),
        output_field=CharField(),
    )


def contacts_counted(counted_sessions: int, contacts: int | None) -> int | None:
    """The contacts of a period, None (« Non objectivé ») when none of its sessions was counted."""
    return (contacts or 0) if counted_sessions else None


# --- Temps partenariaux: how many, how long ---------------------------------------------------------------

MEETING_TIME = Rule(
    _("Temps partenariaux"),
    _(
        "Nombre de temps de la période par type : réunions partenariales, instances (CLS, PEDT…), diagnostics "
        "territoriaux partagés et réunions d'équipe en interne ; un temps sans commune compte pour toutes les "
        "communes de l'équipe. Heures : somme des durées renseignées, arrondie au dixième d'heure ; un temps "
        "dont la durée n'est pas renseignée compte dans le nombre mais pas dans les heures, et le bilan ne "
        "donne pas d'heures pour un type dont aucune durée n'est renseignée."
    ),
)


def meeting_figures() -> dict:
    """MEETING_TIME, as aggregates of partner meetings (after `values(...)`): how many, and the minutes of
    those whose duration is known (None when none is)."""
    return {"n": Count("pk"), "minutes": Sum("duration_minutes")}
