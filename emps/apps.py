from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmpsConfig(AppConfig):
    name = "emps"
    verbose_name = _("Organisation")
