"""The team's means: its posts over dates, from which the bilan's « Moyens » and « Mise en place » are written."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from emps.rules import Rule
from reports.builders.types import Means, Scope, StaffRow
from reports.models import StaffMember

MEANS = Rule(
    _("Moyens de l'équipe"),
    _(
        "Les postes de l'équipe présents pendant la période, avec leur fonction et leur équivalent temps plein "
        "(ETP). L'effectif et les ETP sont ceux du dernier jour de la période ; les recrutements et les départs "
        "sont ceux datés dans la période, et écrivent la « Mise en place »."
    ),
)


def build_means(*, scope: Scope, start: datetime.date, end: datetime.date) -> Means:
    """MEANS: one query."""
    posts = list(
        StaffMember.objects.filter(team__in=scope.team_ids)
        .present_during(start, end)
        .select_related("referent_of")
        .order_by("started_on", "name")
    )
    rows = [
        (
            post,
            StaffRow(
                name=post.name,
                job=post.job,
                fte=post.fte,
                started_on=post.started_on,
                ended_on=post.ended_on,
                referent_of=post.referent_of.name if post.referent_of_id else "",
            ),
        )
        for post in posts
    ]
    on_end = [row for post, row in rows if post.ended_on is None or post.ended_on >= end]
    return Means(
        staff=tuple(row for _post, row in rows),
        headcount=len(on_end),
        fte=sum((row.fte for row in on_end), Decimal(0)),
        recruitments=tuple(row for _post, row in rows if start <= row.started_on <= end),
        departures=tuple(
            sorted(
                (row for _post, row in rows if row.ended_on and start <= row.ended_on <= end),
                key=lambda row: row.ended_on,
            )
        ),
    )
