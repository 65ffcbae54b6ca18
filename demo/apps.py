from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo team, the 2023 seed activity and the synthetic federation of the bench."""

    name = "demo"
    verbose_name = _("Démonstration")
