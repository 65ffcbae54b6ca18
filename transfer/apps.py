from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Import and export of a team's records as CSV or Excel files (no models of its own)."""

    name = "transfer"
    verbose_name = _("Échanges de fichiers")
