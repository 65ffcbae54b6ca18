"""« Perspectives » as planned actions: those a bilan announces for the next year, and, in the next
year's bilan, those announced last year with what became of each."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.enums import ActionStatus
from actions.models import CollectiveAction
from emps.rules import Rule
from reports.builders.comparison import previous_period
from reports.builders.types import PerspectiveItem, Perspectives, Scope

PERSPECTIVES_FOLLOWED = Rule(
    _("Perspectives de la période précédente"),
    _(
        "Les perspectives saisies comme actions prévues (titre, quartier, mois, partenaires) sont celles du "
        "bilan qui s'achève à la fin de la période. Le bilan suivant reprend celles d'un bilan achevé pendant "
        "sa période précédente et dit ce qu'il en est advenu : réalisée (à quelle date), reportée, annulée, "
        "remplacée par une autre action, ou encore prévue. Une perspective ne compte dans les chiffres que "
        "réalisée, comme toute action."
    ),
)


def perspective_actions(scope: Scope):
    queryset = CollectiveAction.objects.filter(team__in=scope.team_ids, announced_on__isnull=False)
    if scope.communes is not None:
        queryset = queryset.filter(commune__in=scope.commune_ids)
    return queryset


def _items(queryset) -> list[tuple[datetime.date, PerspectiveItem]]:
    """The perspectives of `queryset`, in month order, each with the end of the bilan that announced it."""
    actions = list(
        queryset.select_related("commune", "quartier", "replaced_by")
        .prefetch_related("partners")
        .order_by("planned_on", "date", "title")
    )
    items = []
    for action in actions:
        item = PerspectiveItem(
            title=action.title,
            commune=action.commune.name,
            quartier=action.quartier.name if action.quartier_id else "",
            month=(action.planned_on or action.date).replace(day=1),
            partners=tuple(sorted(partner.name for partner in action.partners.all())),
            status=action.status,
            status_label=str(ActionStatus(action.status).label),
            date=action.date,
            replaced_by=action.replaced_by.title if action.replaced_by_id else "",
            outcome=action.outcome,
        )
        items.append((action.announced_on, item))
    return items


def build_perspectives(*, scope: Scope, start: datetime.date, end: datetime.date) -> Perspectives:
    """PERSPECTIVES_FOLLOWED: the perspectives announced by this bilan (ending on `end`), and those announced
    by a bilan that ended during the previous period (`comparison.PREVIOUS_PERIOD`). Two queries."""
    followed_start, followed_end = previous_period(start, end)
    actions = perspective_actions(scope).filter(
        Q(announced_on=end) | Q(announced_on__gte=followed_start, announced_on__lte=followed_end)
    )
    items = _items(actions)
    return Perspectives(
        announced=tuple(item for announced_on, item in items if announced_on == end),
        followed=tuple(item for announced_on, item in items if announced_on != end),
        followed_start=followed_start,
        followed_end=followed_end,
    )
