"""The rule that decides which youths a period counts: in relation with the team during it, one executable
definition beside the French text the bilan prints (`reports.rules.COUNTING_RULES`)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from actions.models import CollectiveAction, Intervention
from emps.rules import Rule
from youths.rules import first_met_during

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
    """The ids of the youths taking part in a collective action dated in the period."""
    return CollectiveAction.participants.through.objects.filter(
        collectiveaction__date__gte=start, collectiveaction__date__lte=end
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
