import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.resources import KINDS
from transfer.services import FORMATS, export_file, team_for_command


class Command(BaseCommand):
    help = (
        "Exporte les données d'une équipe au format d'import (CSV UTF-8 à points-virgules ou XLSX). "
        "Les exports nominatifs sont inscrits au journal des accès."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="Type de fichier.")
        parser.add_argument("--format", choices=FORMATS, help="csv ou xlsx (par défaut : l'extension du fichier).")
        parser.add_argument("--output", required=True, help="Fichier à écrire ; « - » pour la sortie standard (CSV).")
        parser.add_argument("--team", help="Équipe (facultatif s'il n'y a qu'une équipe).")

    def handle(self, *args, **options):
        kind, output = options["kind"], options["output"]
        fmt = options["format"] or (Path(output).suffix.lstrip(".").lower() if output != "-" else "csv")
        if fmt not in FORMATS:
            raise CommandError("Précisez --format csv ou --format xlsx.")
        if output == "-" and fmt != "csv":
            raise CommandError("Seul le CSV peut être écrit sur la sortie standard.")
        team = team_for_command(options["team"])
        # Every kind but the partners belongs to a team (the territory too, though its rows name it).
        if team is None and kind != "partenaires":
            if options["team"]:
                raise CommandError(f"Équipe inconnue : « {options['team']} ».")
            raise CommandError("Précisez l'équipe avec --team.")
        exported = export_file(kind=kind, team=team, fmt=fmt)
        if output == "-":
            sys.stdout.buffer.write(exported.content)
            return
        Path(output).write_bytes(exported.content)
        self.stdout.write(self.style.SUCCESS(f"{exported.rows} lignes exportées dans {output}."))
