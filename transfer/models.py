"""An import run in the background: the uploaded file, its state, and the report of its preview or import.

The file holds personal data: it lives in this row only while the import is pending (deleted on
confirmation, on cancellation, and with the row after a day: `manage.py clean_tasks`). The row lives in
the database, so that every web server and worker reads the same file and the same state.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emps.models import Team

# A task older than this is deleted with its file (`manage.py clean_tasks`).
KEEP_FOR = datetime.timedelta(days=1)


class ImportStatus(models.TextChoices):
    PREVIEW_QUEUED = "preview_queued", _("aperçu en attente")
    PREVIEWING = "previewing", _("aperçu en cours")
    PREVIEWED = "previewed", _("aperçu prêt")
    IMPORT_QUEUED = "import_queued", _("import en attente")
    IMPORTING = "importing", _("import en cours")
    IMPORTED = "imported", _("importé")
    REFUSED = "refused", _("refusé")
    FAILED = "failed", _("échoué")
    CANCELLED = "cancelled", _("annulé")


# The states in which a worker has, or will have, the job: one at a time per team.
RUNNING = (ImportStatus.PREVIEW_QUEUED, ImportStatus.PREVIEWING, ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING)
WORKING = (ImportStatus.PREVIEWING, ImportStatus.IMPORTING)


class ImportJobQuerySet(models.QuerySet):
    def of_user(self, user):
        """The imports a coordinator started: the only ones they see (the file is theirs)."""
        return self.filter(user=user)

    def running(self):
        return self.filter(status__in=RUNNING)

    def expired(self, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - KEEP_FOR)


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("déposé par")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="import_jobs", verbose_name=_("équipe")
    )
    kind = models.CharField(_("type de fichier"), max_length=30)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    data = models.BinaryField(_("fichier"), null=True, editable=False)
    create_partners = models.BooleanField(default=False)
    may_create_teams = models.BooleanField(default=False)
    status = models.CharField(_("état"), max_length=20, choices=ImportStatus.choices)
    task_id = models.CharField(max_length=64, blank=True)
    # The report of the preview, then of the import (counts, errors, samples), as JSON.
    report = models.JSONField(null=True, blank=True)
    # Why a task failed, in French, when it did not end with a report.
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(status__in=[s.value for s in RUNNING]),
                name="import_one_running_per_team",
                violation_error_message=_("Un import est déjà en cours pour cette équipe."),
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="import_job_created_idx")]

    def __str__(self):
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING
