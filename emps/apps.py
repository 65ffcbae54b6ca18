from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmpsConfig(AppConfig):
    name = "emps"
    verbose_name = _("Organisation")

    def ready(self):
        # Journal of log-ins and the two-factor state of the session (signal receivers).
        from emps.accounts import signals as _accounts_signals  # noqa: F401
        from emps.privacy import signals as _privacy_signals  # noqa: F401
