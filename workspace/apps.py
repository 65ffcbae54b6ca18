from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The screens across business areas: the home page and the reference lists of coordinators."""

    name = "workspace"
    verbose_name = _("Espace de travail")
