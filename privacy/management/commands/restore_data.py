from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from privacy.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Remplace TOUTES les données de la base par celles d'une archive de backup_data, puis vérifie le nombre "
        "de lignes de chaque table. Tout ou rien : en cas d'erreur, la base reste telle qu'elle était."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Fichier .json.gz écrit par backup_data.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"Archive introuvable : {path}")
        if options["interactive"]:
            answer = input(
                f"Toutes les données de la base « {connection.settings_dict['NAME']} » seront remplacées par "
                f"celles de {path}. Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée.")
        try:
            counts = backup_restore(path=path)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        rows = sum(n for label, n in counts.items() if label.count(".") == 1)
        self.stdout.write(
            self.style.SUCCESS(f"Restauration terminée : {rows} lignes, nombres vérifiés table par table.")
        )
