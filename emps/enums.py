from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDUCATOR = "educator", _("Éducateur·rice")
    COORDINATOR = "coordinator", _("Coordination")
    FUNDER = "funder", _("Financeur")
