from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.services import retention_purge


class Command(BaseCommand):
    help = (
        "Anonymise les fiches sans contact depuis EMPS_RETENTION_MONTHS mois et supprime les entrées du journal "
        "plus anciennes que EMPS_JOURNAL_RETENTION_MONTHS mois. Idempotente : à lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Afficher ce qui serait fait, sans rien modifier.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        report = retention_purge(now=timezone.now(), dry_run=dry_run)
        prefix = "[simulation] " if dry_run else ""
        verb = "à anonymiser" if dry_run else "anonymisée(s)"
        self.stdout.write(
            f"{prefix}{len(report.anonymised)} fiche(s) {verb} "
            f"(sans contact depuis plus de {settings.EMPS_RETENTION_MONTHS} mois)."
        )
        if report.anonymised and options["verbosity"] > 1:
            self.stdout.write("  identifiants : " + ", ".join(str(pk) for pk in report.anonymised))
        verb = "à supprimer" if dry_run else "supprimée(s)"
        self.stdout.write(
            f"{prefix}{report.journal_entries_deleted} entrée(s) du journal des accès {verb} "
            f"(plus de {settings.EMPS_JOURNAL_RETENTION_MONTHS} mois)."
        )
        self.stdout.write(f"{prefix}{report.failed_login_records_deleted} trace(s) de connexion de django-axes {verb}.")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Purge terminée."))
