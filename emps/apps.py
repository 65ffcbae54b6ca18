from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmpsConfig(AppConfig):
    name = "emps"
    verbose_name = _("Organisation")

    def ready(self):
        # The two-factor state of the session (signal receivers), registered once the models are loaded
        # (Django's idiom, no cycle).
        from emps.accounts import signals as _accounts_signals  # noqa: F401
