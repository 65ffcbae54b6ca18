from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDUCATOR = "educator", _("Éducateur·rice")
    COORDINATOR = "coordinator", _("Coordination")
    FUNDER = "funder", _("Financeur")


# The teams' staff: who meets the youths, and the only accounts an intervention or a presence can name as
# its educators, or a youth as their referent (a funder never).
STAFF_ROLES = (Role.EDUCATOR.value, Role.COORDINATOR.value)
