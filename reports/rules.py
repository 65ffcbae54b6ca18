"""The counting rules, in French, as printed in the footnotes of every bilan (page, PDF and workbook)."""

from django.utils.translation import gettext_lazy as _

COUNTING_RULES = [
    (
        _("Période et périmètre"),
        _(
            "La période s'entend bornes incluses. Le périmètre est l'équipe entière ou une commune : la commune "
            "du jeune pour le public et les interventions, la commune du lieu pour les actions collectives et la "
            "présence sociale ; un temps partenarial sans commune compte pour toutes les communes de l'équipe."
        ),
    ),
    (
        _("Public accompagné"),
        _(
            "Un jeune compte dans la période lorsqu'il est en relation avec l'équipe pendant celle-ci : première "
            "rencontre, intervention ou participation à une action collective dans la période. Chaque jeune est "
            "compté une seule fois dans chaque répartition ; toutes les répartitions ont donc le même total."
        ),
    ),
    (
        _("Niveau d'accompagnement"),
        _(
            "Le plus élevé des accompagnements qui chevauchent la période (PAEI, puis ASEP, puis en accroche) ; "
            "à défaut, celui du dernier accompagnement commencé avant la fin de la période."
        ),
    ),
    (
        _("Âge"),
        _(
            "Âge en années révolues au dernier jour de la période, la naissance étant fixée au 1er du mois de "
            "naissance (au 1er juillet quand seule l'année est connue). Moyennes arrondies au dixième, au plus "
            "proche, la moitié vers le haut."
        ),
    ),
    (
        _("Situation, sexe et origine"),
        _(
            "La situation est celle en vigueur au dernier jour de la période (à défaut, la première enregistrée). "
            "Le sexe et l'origine de la rencontre sont ceux de la fiche. Une ligne « Non renseigné » apparaît "
            "quand des jeunes n'ont pas la valeur."
        ),
    ),
    (
        _("Domaines travaillés"),
        _(
            "Total : nombre d'interventions de la période portant sur le domaine (une intervention sur deux "
            "domaines compte dans chacun). Jeunes : nombre de jeunes distincts concernés. % : Total rapporté à "
            "la somme des Totaux de tous les domaines."
        ),
    ),
    (
        _("Pourcentages"),
        _(
            "Chaque pourcentage est arrondi séparément à l'unité, la moitié vers le haut : une colonne peut donc "
            "totaliser 99 ou 101 %."
        ),
    ),
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
    (
        _("Présence sociale"),
        _(
            "Somme des durées des temps de présence sociale (travail de rue, abords du collège, local), en "
            "heures ; les heures-personnes multiplient chaque durée par le nombre d'éducateurs présents. Les "
            "jeunes rencontrés ainsi ne sont pas comptés (« non objectivé »)."
        ),
    ),
    (
        _("Partenaires mobilisés"),
        _(
            "Partenaires associés aux interventions et aux actions collectives de la période ; les partenaires "
            "rencontrés lors des temps partenariaux figurent dans l'action générale."
        ),
    ),
]
