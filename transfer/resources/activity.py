"""Activity records of one team: interventions, street presence, collective actions, partner meetings.

Rows are created in bulk with their many-to-many links; a row identical to a record already
stored (every column equal) is recognised and skipped, so importing a file twice adds nothing.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.enums import ActionKind, ActionStatus, Carrying, InterventionKind, MeetingKind, Place
from actions.models import (
    MAX_NOTE_LENGTH,
    TALLY_COUNTERS,
    YOUTH_COUNTERS,
    CollectiveAction,
    Domain,
    Intervention,
    PartnerMeeting,
    PresenceSession,
)
from emps.models import Partner, User
from transfer.columns import Column
from transfer.context import user_label
from transfer.resources.base import BATCH_SIZE, TransferResource, column
from transfer.text import join_list, normalise
from transfer.widgets import (
    ChoiceWidget,
    CountWidget,
    DateWidget,
    DurationWidget,
    LookupListWidget,
    LookupWidget,
    TextWidget,
    TimeWidget,
)

INTERVENTION_KIND_OPTIONS = [(kind.value, kind.label, ()) for kind in InterventionKind]
PLACE_OPTIONS = [
    (Place.STREET, "rue", (Place.STREET.label, "quartier", "travail de rue")),
    (Place.SCHOOL, "collège", (Place.SCHOOL.label, "abords du collège", "établissement")),
    (Place.LOCAL, "local", (Place.LOCAL.label,)),
    (Place.OTHER, "autre", (Place.OTHER.label,)),
]
ACTION_KIND_OPTIONS = [
    (ActionKind.WORKSHOP, "atelier", (ActionKind.WORKSHOP.label,)),
    (ActionKind.OUTING, "sortie", (ActionKind.OUTING.label,)),
    (ActionKind.DSL, "DSL", (ActionKind.DSL.label, "action DSL", "développement social local")),
    (ActionKind.WORK_PROJECT, "chantier éducatif", (ActionKind.WORK_PROJECT.label, "chantier")),
    (ActionKind.COMMUNAL_EVENT, "événement communal", (ActionKind.COMMUNAL_EVENT.label, "événement")),
]
ACTION_STATUS_OPTIONS = [
    (ActionStatus.DONE, "réalisée", (ActionStatus.DONE.label, "réalisé", "faite", "fait")),
    (ActionStatus.PLANNED, "prévue", (ActionStatus.PLANNED.label, "prévu", "à venir")),
    (ActionStatus.POSTPONED, "reportée", (ActionStatus.POSTPONED.label, "reporté")),
    (ActionStatus.CANCELLED, "annulée", (ActionStatus.CANCELLED.label, "annulé")),
    (ActionStatus.REPLACED, "remplacée", (ActionStatus.REPLACED.label, "remplacé")),
]
CARRYING_OPTIONS = [
    (Carrying.INITIATED, "initiée", (Carrying.INITIATED.label, "initié", "initiee par l'equipe")),
    (Carrying.JOINED, "associée", (Carrying.JOINED.label, "associé", "en associée")),
]
MEETING_KIND_OPTIONS = [
    (MeetingKind.MEETING, "réunion partenariale", (MeetingKind.MEETING.label, "réunion")),
    (MeetingKind.BODY, "instance", (MeetingKind.BODY.label, "CLS", "PEDT")),
    (MeetingKind.DIAGNOSTIC, "diagnostic territorial partagé", (MeetingKind.DIAGNOSTIC.label, "diagnostic")),
    (MeetingKind.TEAM, "réunion d'équipe", (MeetingKind.TEAM.label, "réunion interne", "interne")),
]
# Collective actions that count among the « actions après étude de besoin » of the bilan.
NEEDS_ASSESSED_KINDS = (ActionKind.WORKSHOP, ActionKind.OUTING)


def _team_communes(ctx, row):
    return ctx.communes_of(ctx.team)


def _row_quartiers(ctx, row):
    return ctx.quartiers_of(ctx.row_commune(row))


def _partners(ctx, row):
    return ctx.partners


def _educators(ctx, row):
    return ctx.educators_of(ctx.team)


def _youths(ctx, row):
    return ctx.youths_of(ctx.team)


def _reference(youth) -> str:
    return youth.reference


def _links(through, owner: str, target: str, **filters) -> dict[int, frozenset]:
    links = defaultdict(set)
    for owner_id, target_id in through.objects.filter(**filters).values_list(f"{owner}_id", f"{target}_id"):
        links[owner_id].add(target_id)
    return {key: frozenset(values) for key, values in links.items()}


def _ids(objects) -> frozenset:
    return frozenset(obj.pk for obj in objects or ())


class ActivityResource(TransferResource):
    """Shared behaviour: one team, bulk creation, rows identical to stored records skipped."""

    context_fields = ("team", "author")

    # A subclass of a subclass reads its options from its base's Meta only (import-export): carry them all.
    class Meta(TransferResource.Meta):
        use_bulk = True

    def _labels(self, model, **filters) -> dict[int, str]:
        return dict(
            model.objects.filter(**filters).distinct().values_list("pk", "name" if model is Partner else "label")
        )

    def _educator_labels(self, users) -> dict[int, str]:
        """How each educator is written in exports: full name, or username when two share a name."""
        users = list(users)
        counts = Counter(normalise(user_label(u)) for u in users)
        return {u.pk: user_label(u) if counts[normalise(user_label(u))] == 1 else u.username for u in users}

    def _names(self, labels: dict[int, str], ids) -> str:
        return join_list(sorted(labels[i] for i in ids or ()))


# The columns of a link of an intervention to a domain that its history keeps.
DOMAIN_LINK_FIELDS = ("id", "intervention_id", "domain_id", "youth_id", "team_id", "date")


class InterventionResource(ActivityResource):
    kind = "interventions"
    label = gettext_lazy("Interventions")
    description = gettext_lazy(
        "Une ligne par intervention auprès d'un jeune, avec un ou plusieurs domaines travaillés. "
        "Les jeunes doivent avoir été importés avant."
    )
    nominative = True
    has_partners = True
    m2m = {"import_domains": "domains", "import_partners": "partners", "import_educators": "educators"}
    columns = (
        Column(
            "reference",
            True,
            gettext_lazy("Référence du jeune (colonne reference du fichier des jeunes)."),
            "HB-0001",
            ("référence", "jeune"),
        ),
        Column("date", True, gettext_lazy("Date de l'intervention, JJ/MM/AAAA."), "03/10/2023"),
        Column(
            "domaines",
            True,
            gettext_lazy("Un ou plusieurs domaines travaillés, séparés par des points-virgules."),
            "Scolarité; Famille",
            ("domaine travaillé",),
        ),
        Column(
            "type",
            False,
            gettext_lazy(
                "Entretien, Démarche, Accompagnement physique, Téléphone / message, Visite à domicile ou "
                "Rencontre de rue."
            ),
            "Entretien",
        ),
        Column(
            "partenaires",
            False,
            gettext_lazy("Partenaires mobilisés, séparés par des points-virgules."),
            "Collège Jean Macé",
            ("partenaire mobilisé",),
        ),
        Column(
            "educateur",
            False,
            gettext_lazy(
                "Éducateur·rice(s) : nom complet ou identifiant de connexion, séparés par des points-virgules."
            ),
            "Karim Benali",
            ("éducateur", "éducatrice", "intervenant"),
        ),
        Column(
            "commentaire",
            False,
            gettext_lazy("Note courte et factuelle (500 caractères au plus) : le jeune peut la lire."),
            "Rendez-vous avec le CPE.",
            ("note", "commentaires"),
        ),
    )

    reference = column("reference", "youth", LookupWidget(_youths, label=_reference))
    date = column("date", "date", DateWidget())
    domaines = column("domaines", "import_domains", LookupListWidget(lambda ctx, row: ctx.domains))
    type = column(
        "type", "kind", ChoiceWidget(INTERVENTION_KIND_OPTIONS, unknown=gettext_lazy("Type « %(value)s » inconnu"))
    )
    partenaires = column("partenaires", "import_partners", LookupListWidget(_partners))
    educateur = column("educateur", "import_educators", LookupListWidget(_educators, label=user_label))
    commentaire = column("commentaire", "note", TextWidget(MAX_NOTE_LENGTH, multiline=True))

    class Meta:
        model = Intervention
        fields = ("reference", "date", "domaines", "type", "partenaires", "educateur", "commentaire")

    def bulk_history(self, instances: list) -> list:
        """The history's creation lines of the imported interventions, with their domains as a form's save
        would record them (the history follows the domains: `m2m_fields`)."""
        for intervention in instances:
            # The database copies the youth's team (a trigger); the history line gets the same value.
            intervention.team_id = intervention.youth.team_id
        lines = super().bulk_history(instances)
        HistoricalInterventionDomain = apps.get_model("actions", "HistoricalInterventionDomain")  # noqa: N806
        line_of = {intervention.pk: line for line, intervention in zip(lines, instances, strict=True)}
        ids = list(line_of)
        for start in range(0, len(ids), 500):
            # The links as the database wrote them (their copies of the date, youth and team by triggers).
            links = Intervention.domains.through.objects.filter(intervention_id__in=ids[start : start + 500])
            HistoricalInterventionDomain.objects.bulk_create(
                [
                    HistoricalInterventionDomain(
                        history=line_of[link["intervention_id"]], **{key: link[key] for key in DOMAIN_LINK_FIELDS}
                    )
                    for link in links.values("intervention_id", *DOMAIN_LINK_FIELDS)
                ],
                batch_size=BATCH_SIZE,
            )
        return lines

    def signature(self, instance):
        return (
            instance.youth.pk,
            instance.date,
            instance.kind,
            _ids(getattr(instance, "import_domains", ())),
            _ids(getattr(instance, "import_partners", ())),
            _ids(getattr(instance, "import_educators", ())),
            instance.note,
        )

    def existing_signatures(self) -> Iterable[tuple]:
        team = self.context.team
        scope = {"intervention__youth__team": team}
        domains = _links(Intervention.domains.through, "intervention", "domain", **scope)
        partners = _links(Intervention.partners.through, "intervention", "partner", **scope)
        educators = _links(Intervention.educators.through, "intervention", "user", **scope)
        empty = frozenset()
        return (
            (youth_id, date, kind, domains.get(pk, empty), partners.get(pk, empty), educators.get(pk, empty), note)
            for pk, youth_id, date, kind, note in Intervention.objects.filter(youth__team=team)
            .values_list("pk", "youth_id", "date", "kind", "note")
            .iterator(chunk_size=5000)
        )

    @classmethod
    def export_queryset(cls, context):
        return (
            Intervention.objects.filter(youth__team=context.team, youth__anonymised_at__isnull=True)
            .select_related("youth")
            .only("pk", "date", "kind", "note", "youth", "youth__reference")
            .order_by("date", "youth__reference", "pk")
        )

    def prepare_export(self):
        team = self.context.team
        scope = {"intervention__youth__team": team}
        self._domains = _links(Intervention.domains.through, "intervention", "domain", **scope)
        self._partners = _links(Intervention.partners.through, "intervention", "partner", **scope)
        self._educators = _links(Intervention.educators.through, "intervention", "user", **scope)
        self._domain_labels = self._labels(Domain)
        self._domain_order = dict(Domain.objects.values_list("pk", "order"))
        self._partner_labels = self._labels(Partner, interventions__youth__team=team)
        self._educator_labels = self._educator_labels(User.objects.filter(interventions__youth__team=team).distinct())

    def dehydrate_reference(self, intervention):
        return intervention.youth.reference

    def dehydrate_domaines(self, intervention):
        ids = sorted(self._domains.get(intervention.pk, ()), key=lambda i: (self._domain_order[i], i))
        return join_list(self._domain_labels[i] for i in ids)

    def dehydrate_partenaires(self, intervention):
        return self._names(self._partner_labels, self._partners.get(intervention.pk))

    def dehydrate_educateur(self, intervention):
        return self._names(self._educator_labels, self._educators.get(intervention.pk))


class EducatorsWidget(LookupListWidget):
    """Names of the educators present, or simply how many they were (« 2 »)."""

    def parse(self, value, row):
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            return CountWidget().parse(value, row)
        return super().parse(value, row)

    def render(self, value, obj=None, **kwargs):
        return str(value) if isinstance(value, int) else super().render(value)


def _presence_preview(resource, instance, row):
    values = TransferResource.preview_values(resource, instance, row)
    if "educateurs" in resource.context.report.columns and not getattr(instance, "import_educators", ()):
        index = resource.context.report.columns.index("educateurs")
        values[index] = str(instance.educator_count)
    return values


# A collective action's tally: its participants without a file by sex and age band, the families reached.
ACTION_TALLY_HELP = {
    "parents": gettext_lazy("Familles ou parents touchés."),
    "habitants": gettext_lazy("Autres habitants (adultes) touchés."),
}
ACTION_TALLY_EXAMPLES = {"garcons_12_17": "4", "filles_12_17": "2", "parents": "3"}

# The tally of the people met (`actions.models.Tally`): (column, counter, what the column holds).
TALLY_COLUMNS = (
    ("garcons_moins_12", "boys_under_12", gettext_lazy("Garçons de moins de 12 ans rencontrés (nombre).")),
    ("garcons_12_17", "boys_12_17", gettext_lazy("Garçons de 12 à 17 ans rencontrés.")),
    ("garcons_18_25", "boys_18_25", gettext_lazy("Garçons de 18 à 25 ans rencontrés.")),
    ("filles_moins_12", "girls_under_12", gettext_lazy("Filles de moins de 12 ans rencontrées.")),
    ("filles_12_17", "girls_12_17", gettext_lazy("Filles de 12 à 17 ans rencontrées.")),
    ("filles_18_25", "girls_18_25", gettext_lazy("Filles de 18 à 25 ans rencontrées.")),
    ("nb_nsp_moins_12", "others_under_12", gettext_lazy("Non-binaires ou sexe non connu, moins de 12 ans.")),
    ("nb_nsp_12_17", "others_12_17", gettext_lazy("Non-binaires ou sexe non connu, 12 à 17 ans.")),
    ("nb_nsp_18_25", "others_18_25", gettext_lazy("Non-binaires ou sexe non connu, 18 à 25 ans.")),
    ("parents", "parents", gettext_lazy("Parents rencontrés.")),
    ("habitants", "residents", gettext_lazy("Autres habitants (adultes) rencontrés.")),
)
TALLY_COLUMN_OF = {counter: name for name, counter, _help in TALLY_COLUMNS}
TALLY_COUNTER_OF = {name: counter for name, counter, _help in TALLY_COLUMNS}
TALLY_EXAMPLES = {"garcons_12_17": "4", "filles_12_17": "2", "parents": "1"}
ACTION_TALLY_COLUMNS = tuple(
    (name, counter, ACTION_TALLY_HELP.get(name, text)) for name, counter, text in TALLY_COLUMNS
)


YOUTH_COUNTER_NAMES = tuple(name for name, _sex, _band in YOUTH_COUNTERS)


def _tally_column(name):
    return column(name, f"import_{TALLY_COUNTER_OF[name]}", CountWidget())


class TallyResource(ActivityResource):
    """A record carrying the anonymous tally of the people met: its optional TALLY_COLUMNS."""

    garcons_moins_12 = _tally_column("garcons_moins_12")
    garcons_12_17 = _tally_column("garcons_12_17")
    garcons_18_25 = _tally_column("garcons_18_25")
    filles_moins_12 = _tally_column("filles_moins_12")
    filles_12_17 = _tally_column("filles_12_17")
    filles_18_25 = _tally_column("filles_18_25")
    nb_nsp_moins_12 = _tally_column("nb_nsp_moins_12")
    nb_nsp_12_17 = _tally_column("nb_nsp_12_17")
    nb_nsp_18_25 = _tally_column("nb_nsp_18_25")
    parents = _tally_column("parents")
    habitants = _tally_column("habitants")

    extra_error_columns = {counter: name for name, counter, _help in TALLY_COLUMNS}

    def export_field(self, field, instance, **kwargs):
        """A tally column: the counter of a counted record; empty for a record not counted."""
        counter = field.attribute.removeprefix("import_")
        if counter in TALLY_COLUMN_OF:
            return getattr(instance, counter) if instance.counted else ""
        return super().export_field(field, instance, **kwargs)

    def read_tally(self, instance) -> bool:
        """Every tally cell empty: not counted; any cell filled (0 included): counted, empty cells 0."""
        counts = {counter: getattr(instance, f"import_{counter}", None) for counter in TALLY_COUNTERS}
        instance.counted = any(count is not None for count in counts.values())
        for counter, count in counts.items():
            setattr(instance, counter, count or 0)
        return instance.counted


class PresenceResource(TallyResource):
    kind = "presence"
    label = gettext_lazy("Présence sociale")
    description = gettext_lazy(
        "Une ligne par temps de présence sociale (travail de rue, collège, local) avec sa durée en heures."
    )
    m2m = {"import_educators": "educators"}
    # The duration and educator-count constraints are enforced by the widgets (and by the database);
    # checking them through full_clean() would cost two queries per row.
    validate_constraints = False
    columns = (
        Column("date", True, gettext_lazy("Date, JJ/MM/AAAA."), "14/10/2023"),
        Column(
            "duree",
            True,
            gettext_lazy(
                "Durée en heures (2, 1,5, 1.5 ou 1h30) ou en minutes (90 min), 24 heures au plus. "
                "Après les heures, les minutes vont de 0 à 59 : 1h75 est refusé."
            ),
            "1h30",
            ("durée", "durée en heures", "heures", "nb heures"),
        ),
        Column(
            "heure_debut",
            False,
            gettext_lazy("Heure de début (18:30 ou 18h30), facultative : elle répartit la présence par créneau."),
            "18:00",
            ("heure", "début", "heure de début"),
        ),
        Column("lieu", False, gettext_lazy("rue, collège, local ou autre. Vide : rue."), "rue"),
        Column("commune", True, gettext_lazy("Commune couverte par l'équipe."), "Hénin-Beaumont", ("ville",)),
        Column("quartier", False, gettext_lazy("Quartier de cette commune, facultatif."), "Darcy"),
        Column(
            "educateurs",
            False,
            gettext_lazy(
                "Éducateur·rices présent·es (noms séparés par des points-virgules), ou leur nombre. "
                "Vide : 1. Sert au calcul des heures-personnes."
            ),
            "Karim Benali; Julie Marchand",
            ("éducateurs présents", "nb éducateurs", "nombre d'éducateurs", "intervenants"),
        ),
        Column("commentaire", False, gettext_lazy("Commentaire court, facultatif."), "", ("note",)),
        *(Column(name, False, text, TALLY_EXAMPLES.get(name, "0")) for name, _c, text in TALLY_COLUMNS),
    )

    date = column("date", "date", DateWidget())
    duree = column("duree", "duration_minutes", DurationWidget())
    heure_debut = column("heure_debut", "start_time", TimeWidget())
    lieu = column("lieu", "place", ChoiceWidget(PLACE_OPTIONS, unknown=gettext_lazy("Lieu « %(value)s » inconnu")))
    commune = column("commune", "commune", LookupWidget(_team_communes))
    quartier = column("quartier", "quartier", LookupWidget(_row_quartiers))
    educateurs = column("educateurs", "import_educators", EducatorsWidget(_educators, label=user_label))
    commentaire = column("commentaire", "note", TextWidget(MAX_NOTE_LENGTH, multiline=True))

    class Meta:
        model = PresenceSession
        fields = (
            "date",
            "duree",
            "heure_debut",
            "lieu",
            "commune",
            "quartier",
            "educateurs",
            "commentaire",
            *(name for name, _counter, _help in TALLY_COLUMNS),
        )

    def check_row(self, instance, row):
        self.read_tally(instance)
        educators = getattr(instance, "import_educators", ())
        if isinstance(educators, int):
            if educators < 1:
                raise ValidationError({"import_educators": _("Au moins un éducateur doit être présent.")})
            instance.educator_count, instance.import_educators = educators, ()
        else:
            instance.educator_count = max(1, len(educators))
        if not instance.place:
            instance.place = Place.STREET

    preview_values = _presence_preview

    def signature(self, instance):
        return (
            instance.date,
            instance.duration_minutes,
            instance.start_time,
            instance.place,
            instance.commune.pk,
            instance.quartier.pk if instance.quartier else None,
            _ids(getattr(instance, "import_educators", ())),
            instance.educator_count,
            instance.note,
            instance.counted,
            *(getattr(instance, counter) for counter in TALLY_COUNTERS),
        )

    def existing_signatures(self) -> Iterable[tuple]:
        team = self.context.team
        educators = _links(PresenceSession.educators.through, "presencesession", "user", presencesession__team=team)
        stored = PresenceSession.objects.filter(team=team).values_list(
            "pk",
            "date",
            "duration_minutes",
            "start_time",
            "place",
            "commune_id",
            "quartier_id",
            "educator_count",
            "note",
            "counted",
            *TALLY_COUNTERS,
        )
        return (
            (date, minutes, start, place, commune_id, quartier_id, educators.get(pk, frozenset()), count, note, *tally)
            for pk, date, minutes, start, place, commune_id, quartier_id, count, note, *tally in stored.iterator(
                chunk_size=5000
            )
        )

    @classmethod
    def export_queryset(cls, context):
        return (
            PresenceSession.objects.filter(team=context.team)
            .select_related("commune", "quartier")
            .order_by("date", "start_time", "pk")
        )

    def prepare_export(self):
        team = self.context.team
        self._educators = _links(
            PresenceSession.educators.through, "presencesession", "user", presencesession__team=team
        )
        self._educator_labels = self._educator_labels(User.objects.filter(presence_sessions__team=team).distinct())

    def dehydrate_educateurs(self, session):
        ids = self._educators.get(session.pk, ())
        if ids and len(ids) == session.educator_count:
            return self._names(self._educator_labels, ids)
        return "" if session.educator_count == 1 else str(session.educator_count)


class ActionResource(TallyResource):
    kind = "actions"
    label = gettext_lazy("Actions collectives")
    description = gettext_lazy(
        "Ateliers, sorties, actions DSL, chantiers éducatifs et événements communaux, avec les jeunes "
        "participants (par leur référence) et le nombre total de participants ; facultativement, les "
        "participants sans fiche par sexe et âge, et les familles ou parents touchés."
    )
    nominative = True
    has_partners = True
    m2m = {"import_partners": "partners", "import_participants": "participants"}
    columns = (
        Column("date", True, gettext_lazy("Date, JJ/MM/AAAA."), "25/10/2023"),
        Column("titre", True, gettext_lazy("Intitulé de l'action."), "Sortie Louvre-Lens", ("intitulé", "action")),
        Column(
            "type",
            True,
            gettext_lazy("atelier, sortie, DSL, chantier éducatif ou événement communal."),
            "sortie",
            ("type d'action",),
        ),
        Column(
            "portage",
            False,
            gettext_lazy(
                "initiée (par l'équipe) ou associée (l'équipe s'associe à l'action d'un autre). Vide : initiée."
            ),
            "initiée",
        ),
        Column("commune", True, gettext_lazy("Commune couverte par l'équipe."), "Hénin-Beaumont", ("ville",)),
        Column("quartier", False, gettext_lazy("Quartier de cette commune, facultatif."), "Darcy"),
        Column(
            "partenaires",
            False,
            gettext_lazy("Partenaires associés, séparés par des points-virgules."),
            "Médiathèque Hénin",
        ),
        Column(
            "participants",
            False,
            gettext_lazy("Références des jeunes participants, séparées par des points-virgules."),
            "HB-0001; HB-0002",
            ("jeunes participants", "références des participants"),
        ),
        Column(
            "nb_participants",
            False,
            gettext_lazy(
                "Nombre total de participants, jeunes sans fiche compris. Vide : le nombre de participants nommés."
            ),
            "8",
            ("nombre de participants", "nb", "total participants", "effectif"),
        ),
        Column("theme", False, gettext_lazy("Thème de l'action (liste de référence), facultatif."), "Culturel"),
        Column(
            "statut",
            False,
            gettext_lazy(
                "réalisée, prévue, reportée, annulée ou remplacée. Vide : réalisée. Seules les actions réalisées "
                "comptent dans les chiffres."
            ),
            "réalisée",
        ),
        Column(
            "date_prevue",
            False,
            gettext_lazy("Date d'abord prévue, pour une action reportée, annulée ou remplacée (JJ/MM/AAAA)."),
            "",
        ),
        Column(
            "ce_qu_il_en_est",
            False,
            gettext_lazy("Ce qu'il en est, en quelques mots : « compte tenu du temps »."),
            "",
        ),
        *(Column(name, False, text, ACTION_TALLY_EXAMPLES.get(name, "")) for name, _c, text in ACTION_TALLY_COLUMNS),
    )

    date = column("date", "date", DateWidget())
    titre = column("titre", "title", TextWidget(200))
    theme = column("theme", "theme", LookupWidget(lambda ctx, row: ctx.action_themes))
    statut = column(
        "statut", "status", ChoiceWidget(ACTION_STATUS_OPTIONS, unknown=gettext_lazy("Statut « %(value)s » inconnu"))
    )
    date_prevue = column("date_prevue", "planned_on", DateWidget())
    ce_qu_il_en_est = column("ce_qu_il_en_est", "outcome", TextWidget(200))
    type = column("type", "kind", ChoiceWidget(ACTION_KIND_OPTIONS, unknown=gettext_lazy("Type « %(value)s » inconnu")))
    portage = column(
        "portage", "carrying", ChoiceWidget(CARRYING_OPTIONS, unknown=gettext_lazy("Portage « %(value)s » inconnu"))
    )
    commune = column("commune", "commune", LookupWidget(_team_communes))
    quartier = column("quartier", "quartier", LookupWidget(_row_quartiers))
    partenaires = column("partenaires", "import_partners", LookupListWidget(_partners))
    participants = column("participants", "import_participants", LookupListWidget(_youths, label=_reference))
    nb_participants = column("nb_participants", "import_total", CountWidget())

    extra_error_columns = {**TallyResource.extra_error_columns, "anonymous_participants": "nb_participants"}

    class Meta:
        model = CollectiveAction
        fields = (
            "date",
            "titre",
            "type",
            "portage",
            "commune",
            "quartier",
            "partenaires",
            "participants",
            "nb_participants",
            "theme",
            "statut",
            "date_prevue",
            "ce_qu_il_en_est",
            *(name for name, _counter, _help in TALLY_COLUMNS),
        )

    def check_row(self, instance, row):
        instance.status = instance.status or ActionStatus.DONE
        instance.outcome = instance.outcome or ""
        named = len(getattr(instance, "import_participants", ()))
        total = getattr(instance, "import_total", None)
        counted = self.read_tally(instance)
        youths = sum(getattr(instance, counter) for counter in YOUTH_COUNTER_NAMES)
        if total is None:
            total = named + youths if counted else named
        if counted and total - named != youths and total >= named:
            raise ValidationError(
                {
                    "import_total": _(
                        "Le nombre total de participants (%(total)s) moins les jeunes nommés (%(named)s) "
                        "devrait faire les %(youths)s jeunes sans fiche détaillés par sexe et âge."
                    )
                    % {"total": total, "named": named, "youths": youths}
                }
            )
        if total < named:
            raise ValidationError(
                {
                    "import_total": _(
                        "Le nombre total de participants (%(total)s) est inférieur "
                        "au nombre de jeunes nommés (%(named)s)."
                    )
                    % {"total": total, "named": named}
                }
            )
        instance.anonymous_participants = total - named
        instance.carrying = instance.carrying or Carrying.INITIATED
        instance.after_needs_assessment = instance.kind in NEEDS_ASSESSED_KINDS

    def signature(self, instance):
        return (
            instance.date,
            instance.title,
            instance.kind,
            instance.carrying,
            instance.commune.pk,
            instance.quartier.pk if instance.quartier else None,
            _ids(getattr(instance, "import_partners", ())),
            _ids(getattr(instance, "import_participants", ())),
            instance.anonymous_participants,
            instance.theme_id,
            instance.status,
            instance.planned_on,
            instance.outcome,
            instance.counted,
            *(getattr(instance, counter) for counter in TALLY_COUNTERS),
        )

    def existing_signatures(self) -> Iterable[tuple]:
        team = self.context.team
        partners = _links(CollectiveAction.partners.through, "collectiveaction", "partner", collectiveaction__team=team)
        participants = _links(
            CollectiveAction.participants.through, "collectiveaction", "youth", collectiveaction__team=team
        )
        empty = frozenset()
        stored = CollectiveAction.objects.filter(team=team).values_list(
            "pk",
            "date",
            "title",
            "kind",
            "carrying",
            "commune_id",
            "quartier_id",
            "anonymous_participants",
            "theme_id",
            "status",
            "planned_on",
            "outcome",
            "counted",
            *TALLY_COUNTERS,
        )
        return (
            (
                date,
                title,
                kind,
                carrying,
                commune_id,
                quartier_id,
                partners.get(pk, empty),
                participants.get(pk, empty),
                *rest,
            )
            for pk, date, title, kind, carrying, commune_id, quartier_id, *rest in stored.iterator(chunk_size=5000)
        )

    @classmethod
    def export_queryset(cls, context):
        return (
            CollectiveAction.objects.filter(team=context.team)
            .select_related("commune", "quartier")
            .order_by("date", "pk")
        )

    def prepare_export(self):
        team = self.context.team
        scope = {"collectiveaction__team": team}
        self._partners = _links(CollectiveAction.partners.through, "collectiveaction", "partner", **scope)
        self._partner_labels = self._labels(Partner, actions__team=team)
        self._participants = defaultdict(list)
        self._participant_count = Counter()
        for action_id, reference, anonymised_at in CollectiveAction.participants.through.objects.filter(
            **scope
        ).values_list("collectiveaction_id", "youth__reference", "youth__anonymised_at"):
            self._participant_count[action_id] += 1
            if anonymised_at is None:
                self._participants[action_id].append(reference)

    def dehydrate_partenaires(self, action):
        return self._names(self._partner_labels, self._partners.get(action.pk))

    def dehydrate_participants(self, action):
        return join_list(sorted(self._participants.get(action.pk, ())))

    def dehydrate_nb_participants(self, action):
        return self._participant_count[action.pk] + action.anonymous_participants


class MeetingResource(ActivityResource):
    kind = "temps_partenariaux"
    label = gettext_lazy("Temps partenariaux")
    description = gettext_lazy(
        "Réunions partenariales, instances (CLS, PEDT…), diagnostics territoriaux partagés et réunions d'équipe."
    )
    has_partners = True
    m2m = {"import_partners": "partners"}
    columns = (
        Column("date", True, gettext_lazy("Date, JJ/MM/AAAA."), "07/11/2023"),
        Column(
            "type",
            False,
            gettext_lazy(
                "réunion partenariale, instance, diagnostic territorial partagé ou réunion d'équipe. "
                "Vide : réunion partenariale."
            ),
            "instance",
        ),
        Column("objet", True, gettext_lazy("Objet de la rencontre."), "Comité PEDT", ("titre", "intitulé")),
        Column(
            "duree",
            False,
            gettext_lazy("Durée en heures (2, 1,5 ou 1h30) ou en minutes (90 min), facultative."),
            "2",
            ("durée", "heures"),
        ),
        Column("commune", False, gettext_lazy("Commune concernée, facultative."), "Hénin-Beaumont", ("ville",)),
        Column("quartier", False, gettext_lazy("Quartier concerné, facultatif."), ""),
        Column(
            "partenaires", False, gettext_lazy("Partenaires présents, séparés par des points-virgules."), "CCAS – PRE"
        ),
        Column("commentaire", False, gettext_lazy("Commentaire court, facultatif."), "", ("note",)),
    )

    date = column("date", "date", DateWidget())
    type = column(
        "type", "kind", ChoiceWidget(MEETING_KIND_OPTIONS, unknown=gettext_lazy("Type « %(value)s » inconnu"))
    )
    objet = column("objet", "title", TextWidget(200))
    duree = column("duree", "duration_minutes", DurationWidget())
    commune = column("commune", "commune", LookupWidget(_team_communes))
    quartier = column("quartier", "quartier", LookupWidget(_row_quartiers))
    partenaires = column("partenaires", "import_partners", LookupListWidget(_partners))
    commentaire = column("commentaire", "note", TextWidget(MAX_NOTE_LENGTH, multiline=True))

    class Meta:
        model = PartnerMeeting
        fields = ("date", "type", "objet", "duree", "commune", "quartier", "partenaires", "commentaire")

    def check_row(self, instance, row):
        instance.kind = instance.kind or MeetingKind.MEETING
        if instance.quartier is not None and instance.commune is None:
            raise ValidationError({"commune": _("Indiquez la commune de ce quartier.")})

    def signature(self, instance):
        return (
            instance.date,
            instance.kind,
            instance.title,
            instance.duration_minutes,
            instance.commune.pk if instance.commune else None,
            instance.quartier.pk if instance.quartier else None,
            _ids(getattr(instance, "import_partners", ())),
            instance.note,
        )

    def existing_signatures(self) -> Iterable[tuple]:
        team = self.context.team
        partners = _links(PartnerMeeting.partners.through, "partnermeeting", "partner", partnermeeting__team=team)
        return (
            (date, kind, title, minutes, commune_id, quartier_id, partners.get(pk, frozenset()), note)
            for pk, date, kind, title, minutes, commune_id, quartier_id, note in PartnerMeeting.objects.filter(
                team=team
            )
            .values_list("pk", "date", "kind", "title", "duration_minutes", "commune_id", "quartier_id", "note")
            .iterator(chunk_size=5000)
        )

    @classmethod
    def export_queryset(cls, context):
        return (
            PartnerMeeting.objects.filter(team=context.team)
            .select_related("commune", "quartier")
            .order_by("date", "pk")
        )

    def prepare_export(self):
        team = self.context.team
        self._partners = _links(PartnerMeeting.partners.through, "partnermeeting", "partner", partnermeeting__team=team)
        self._partner_labels = self._labels(Partner, meetings__team=team)

    def dehydrate_partenaires(self, meeting):
        return self._names(self._partner_labels, self._partners.get(meeting.pk))
