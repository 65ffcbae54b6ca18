from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "H", _("Homme")
    FEMALE = "F", _("Femme")
    NON_BINARY = "NB", _("Non-binaire")

    __empty__ = _("Non renseigné")


class Level(models.TextChoices):
    """Support levels, from the lowest to the highest."""

    ACCROCHE = "accroche", _("En accroche")
    ASEP = "asep", _("ASEP – accompagnement socio-éducatif ponctuel")
    PAEI = "paei", _("PAEI – projet d'accompagnement éducatif individualisé")

    @classmethod
    def rank(cls, value):
        return [c.value for c in cls].index(value)

    @classmethod
    def short_label(cls, value):
        return {cls.ACCROCHE: _("En accroche"), cls.ASEP: _("ASEP"), cls.PAEI: _("PAEI")}[value]
