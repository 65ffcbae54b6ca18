from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection: rights requests, anonymisation, retention, the access journal, backups."""

    name = "privacy"
    verbose_name = _("Confidentialité")

    def ready(self):
        # Receivers of the log-in signals, registered once the models are loaded (Django's idiom, no cycle).
        from privacy import signals as _signals  # noqa: F401
