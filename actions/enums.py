from django.db import models
from django.utils.translation import gettext_lazy as _


class InterventionKind(models.TextChoices):
    INTERVIEW = "entretien", _("Entretien")
    PROCEDURE = "demarche", _("Démarche")
    ESCORT = "accompagnement", _("Accompagnement physique")
    PHONE = "telephone", _("Téléphone / message")
    HOME_VISIT = "visite", _("Visite à domicile")
    STREET = "rue", _("Rencontre de rue")


class ActionKind(models.TextChoices):
    WORKSHOP = "atelier", _("Atelier")
    OUTING = "sortie", _("Sortie")
    DSL = "dsl", _("Action DSL (sur le quartier)")
    WORK_PROJECT = "chantier", _("Chantier éducatif")
    COMMUNAL_EVENT = "evenement", _("Événement communal")


class ActionStatus(models.TextChoices):
    """What became of a collective action: only done actions count in the figures (`actions.rules.DONE`)."""

    PLANNED = "prevue", _("Prévue")
    DONE = "realisee", _("Réalisée")
    POSTPONED = "reportee", _("Reportée")
    CANCELLED = "annulee", _("Annulée")
    REPLACED = "remplacee", _("Remplacée")


class Carrying(models.TextChoices):
    INITIATED = "initiee", _("Initiée par l'équipe")
    JOINED = "associee", _("En associé")


class Place(models.TextChoices):
    STREET = "rue", _("Rue / quartier")
    SCHOOL = "college", _("Collège / abords d'établissement")
    LOCAL = "local", _("Local")
    OTHER = "autre", _("Autre")


class MeetingKind(models.TextChoices):
    MEETING = "reunion", _("Réunion partenariale")
    BODY = "instance", _("Instance (CLS, PEDT…)")
    DIAGNOSTIC = "diagnostic", _("Diagnostic territorial partagé")
    TEAM = "equipe", _("Réunion d'équipe (interne)")
