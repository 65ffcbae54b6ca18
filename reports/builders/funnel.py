"""The funnel of a period, from the street to the support projects: its rule, in French as the bilan prints
it (`reports.rules.COUNTING_RULES`), beside its one definition.

The funnel asks the database nothing: it reads the public's summary (`build_public`) and the activity
table's street contacts (`build_activity_by_commune(..., with_contacts=True)`), which the bilan and the
funders' dashboard have already built.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emps.rounding import percent
from emps.rules import Rule
from reports.builders.types import ActivityTable, Funnel, FunnelStep, PublicSummary

FUNNEL = Rule(
    _lazy("De la rue à l'accompagnement"),
    _lazy(
        "Cinq marches pour la période. Contacts dans la rue : les contacts comptés lors des temps de présence "
        "sociale comptés (voir « Contacts en présence sociale ») ; « Non objectivé » quand aucun temps de "
        "présence de la période n'a été compté. Ce sont des contacts, pas des jeunes distincts : un même jeune "
        "rencontré trois soirs compte trois fois et personne n'y est identifié ; cette première marche n'est "
        "donc pas un sous-ensemble des suivantes, et l'écart entre elles n'est pas un taux de passage. Jeunes "
        "connus : les jeunes en relation avec l'équipe pendant la période (voir « Public accompagné »), chacun "
        "compté une fois. En accroche, ASEP, PAEI : ces mêmes jeunes selon leur niveau d'accompagnement (voir "
        "« Niveau d'accompagnement ») ; chacun compte à un seul niveau, le plus élevé, si bien qu'avec les "
        "jeunes sans niveau renseigné ces trois marches font ensemble les jeunes connus. Leurs pourcentages "
        "sont rapportés aux jeunes connus."
    ),
)


def build_funnel(*, public: PublicSummary, activity: ActivityTable) -> Funnel:
    """FUNNEL, from the public's summary and the whole scope's activity table (no query)."""
    if activity.presence_counted_sessions is None:
        raise ValueError("The funnel needs the street contacts: build the activity table with_contacts=True.")
    known = public.total
    return Funnel(
        steps=(
            FunnelStep(key="contacts", label=_("Contacts dans la rue"), count=activity.presence_contacts_counted),
            FunnelStep(key="known", label=_("Jeunes connus"), count=known),
            FunnelStep(
                key="accroche", label=_("En accroche"), count=public.accroche, percent=percent(public.accroche, known)
            ),
            FunnelStep(key="asep", label=_("ASEP"), count=public.asep, percent=percent(public.asep, known)),
            FunnelStep(key="paei", label=_("PAEI"), count=public.paei, percent=percent(public.paei, known)),
        ),
        counted_sessions=activity.presence_counted_sessions,
        sessions=activity.presence_sessions,
        level_unknown=public.level_unknown,
    )
