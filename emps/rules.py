"""A counting rule as every bilan prints it in its method section (`reports.rules.COUNTING_RULES`): each
rule's French text lives beside its one executable definition (`emps.rounding`, `youths.rules`,
`actions.rules`)."""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, CharField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from emps.models import QpvPeriod


@dataclass(frozen=True)
class Rule:
    """A counting rule: its title and its French text."""

    title: Promise
    text: Promise


# --- Territory: the QPV status in force ------------------------------------------------------------------

QPV_IN_FORCE = Rule(
    _("Quartiers prioritaires (QPV)"),
    _(
        "Un quartier est compté en QPV selon le statut en vigueur au dernier jour de la période : la liste des "
        "quartiers prioritaires a changé le 1er janvier 2024, et un bilan de 2023 compte les QPV de 2023, même "
        "recalculé plus tard. Le jeune est compté dans le quartier de sa fiche, le contact de rue dans celui "
        "du temps de présence."
    ),
)


def _dated(day: datetime.date, quartier: str, field: str):
    return Subquery(
        QpvPeriod.objects.in_force_on(day).filter(quartier=OuterRef(quartier)).order_by("-valid_from").values(field)[:1]
    )


def qpv_on(day: datetime.date, *, quartier: str = "quartier"):
    """QPV_IN_FORCE: whether the quartier (the outer query's `quartier` key) is a QPV on `day`: its dated
    status covering the day, else its own; NULL without a quartier."""
    own = "is_qpv" if quartier == "pk" else f"{quartier}__is_qpv"
    return Coalesce(_dated(day, quartier, "is_qpv"), F(own), output_field=BooleanField())


def qpv_code_on(day: datetime.date, *, quartier: str = "quartier"):
    """QPV_IN_FORCE: the quartier's QPV code on `day` (empty when it is not a QPV then)."""
    own = "qpv_code" if quartier == "pk" else f"{quartier}__qpv_code"
    return Coalesce(_dated(day, quartier, "qpv_code"), F(own), output_field=CharField())
