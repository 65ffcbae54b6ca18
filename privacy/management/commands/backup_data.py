from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.backup import backup_write


class Command(BaseCommand):
    help = (
        "Exporte toute la base dans une archive .json.gz (lisible par son seul propriétaire), "
        "que restore_data réimporte. L'archive contient des données personnelles : chiffrez-la."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="Fichier à écrire (par défaut : emps-sauvegarde-AAAAMMJJ-HHMMSS.json.gz dans le dossier courant).",
        )

    def handle(self, *args, **options):
        path = Path(options["output"] or f"emps-sauvegarde-{timezone.localtime():%Y%m%d-%H%M%S}.json.gz")
        if path.exists():
            raise CommandError(f"Le fichier {path} existe déjà : choisissez un autre nom.")
        try:
            counts = backup_write(path=path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        rows = sum(n for label, n in counts.items() if label.count(".") == 1)
        self.stdout.write(
            self.style.SUCCESS(f"Sauvegarde écrite : {path} ({rows} lignes, {path.stat().st_size} octets).")
        )
