"""The counting rules, in French, as printed in the footnotes of every bilan (page, PDF and workbook).

The rules about youths, street contacts, the funnel and the rounding are defined, text and executable
definition side by side, in `youths.rules`, `actions.rules`, `reports.builders.funnel` and `emps.rounding`;
the others describe how the builders of `reports.builders` count.
"""

from django.utils.translation import gettext_lazy as _

from actions.rules import DONE, IN_RELATION, MEETING_TIME, STREET_CONTACTS, TIME_SLOT
from emps.rounding import ROUNDING
from emps.rules import QPV_IN_FORCE
from reports.builders.comparison import PREVIOUS_PERIOD, TARGET_MET
from reports.builders.funnel import FUNNEL
from reports.builders.means import MEANS
from reports.builders.perspectives import PERSPECTIVES_FOLLOWED
from youths.rules import AGE, LEVEL, NEW, SITUATION

COUNTING_RULES = [
    (
        _("Période et périmètre"),
        _(
            "La période s'entend bornes incluses. Le périmètre est l'équipe entière ou une commune : la commune "
            "du jeune pour le public et les interventions, la commune du lieu pour les actions collectives et la "
            "présence sociale ; un temps partenarial sans commune compte pour toutes les communes de l'équipe."
        ),
    ),
    (IN_RELATION.title, IN_RELATION.text),
    (NEW.title, NEW.text),
    (LEVEL.title, LEVEL.text),
    (AGE.title, AGE.text),
    (SITUATION.title, SITUATION.text),
    (
        _("Domaines travaillés"),
        _(
            "Total : nombre d'interventions de la période portant sur le domaine (une intervention sur deux "
            "domaines compte dans chacun). Jeunes : nombre de jeunes distincts concernés. % : Total rapporté à "
            "la somme des Totaux de tous les domaines."
        ),
    ),
    (ROUNDING.title, ROUNDING.text),
    (
        _("Actions"),
        _(
            "Actions collectives : ateliers et sorties. Actions DSL (développement social local) : actions de "
            "quartier, « initiées » par l'équipe ou « en associé » quand l'équipe rejoint une action d'un autre "
            "porteur, comme les événements des communes (quartiers d'été, plages, olympiades) : ces derniers sont "
            "les événements initiés par les communes de l'action générale. Actions après étude de besoin : "
            "actions marquées comme telles, hors DSL."
        ),
    ),
    (DONE.title, DONE.text),
    (
        _("Présence sociale"),
        _(
            "Somme des durées des temps de présence sociale (travail de rue, abords du collège, local), en "
            "heures ; les heures-personnes multiplient chaque durée par le nombre d'éducateurs présents. Les "
            "jeunes rencontrés ainsi sont des contacts comptés, sans fiche (voir ci-dessous)."
        ),
    ),
    (TIME_SLOT.title, TIME_SLOT.text),
    (STREET_CONTACTS.title, STREET_CONTACTS.text),
    (FUNNEL.title, FUNNEL.text),
    (MEETING_TIME.title, MEETING_TIME.text),
    (QPV_IN_FORCE.title, QPV_IN_FORCE.text),
    (PREVIOUS_PERIOD.title, PREVIOUS_PERIOD.text),
    (TARGET_MET.title, TARGET_MET.text),
    (PERSPECTIVES_FOLLOWED.title, PERSPECTIVES_FOLLOWED.text),
    (MEANS.title, MEANS.text),
    (
        _("Partenaires mobilisés"),
        _(
            "Partenaires associés aux interventions et aux actions collectives de la période ; les partenaires "
            "rencontrés lors des temps partenariaux figurent dans l'action générale."
        ),
    ),
]
