"""How every figure shown to a user is rounded: the bilan's rule (ROUNDING, printed in its method
section), for every screen and file.

Each percentage is rounded on its own to a whole number, half up, so that a column may add up to 99 or
101 %; averages are rounded to the tenth, half up. Hours are minutes divided by 60, rounded to the tenth,
half up: 15 minutes are 0,3 h everywhere, on an educator's home page as in the bilan, the funders'
dashboard and the workbook.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from emps.rules import Rule

ROUNDING = Rule(
    _("Arrondis"),
    _(
        "Chaque pourcentage est arrondi séparément à l'unité, la moitié vers le haut : une colonne peut donc "
        "totaliser 99 ou 101 %. Les heures sont arrondies au dixième, la moitié vers le haut."
    ),
)


def round_half_up(value: int | Decimal, digits: int = 0) -> Decimal:
    """`value` rounded to `digits` decimals, the half away from zero (never to the even neighbour)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal:
    """`part` in percent of `whole`, rounded on its own, half up, to a whole number (0 when whole is 0)."""
    if not whole:
        return Decimal(0)
    return round_half_up(Decimal(part) * 100 / Decimal(whole))


def average(total: int | None, count: int) -> Decimal | None:
    """Mean to one decimal, half up; None when nothing was counted."""
    if not count or total is None:
        return None
    return round_half_up(Decimal(total) / Decimal(count), 1)


def hours(minutes: int | None) -> Decimal:
    """Minutes as hours, to one decimal, half up."""
    return round_half_up(Decimal(minutes or 0) / 60, 1)


FUNDERS_BASE = 5

FUNDERS_ROUNDING = Rule(
    _("Arrondi des effectifs pour les financeurs"),
    _(
        "Sur le tableau de bord des financeurs et dans son API, chaque effectif (jeunes, contacts, "
        "interventions) est arrondi au multiple de 5 le plus proche, la moitié vers le haut : 0 à 2 donnent 0, "
        "3 à 7 donnent 5, 8 à 12 donnent 10. Les pourcentages sont calculés sur les effectifs arrondis, un total "
        "affiché comme somme est celle des parties arrondies. La période précédente est arrondie de même ; "
        "l'évolution et l'atteinte d'un objectif se lisent sur les chiffres arrondis. Les périodes sont des "
        "mois, trimestres ou années civiles entiers. Ainsi, aucune combinaison de réponses (périodes emboîtées "
        "ou successives, équipe moins ses communes) ne donne un effectif exact. Les bilans publiés "
        "restent au choix du coordinateur."
    ),
)


def round_to_base(value: int, base: int = FUNDERS_BASE) -> int:
    """`value` to the nearest multiple of `base`, the half up (`FUNDERS_ROUNDING`): 0 to 2 give 0, 3 to 7 give 5."""
    if base <= 1:
        return value
    return int(round_half_up(Decimal(value) / base)) * base
