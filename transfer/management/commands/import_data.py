from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emps.models import Team
from transfer.parsing import FileError, check_size
from transfer.resources import KINDS
from transfer.services import import_file, team_for_command


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV ou XLSX (territoires, partenaires, jeunes, interventions, presence, actions, "
        "temps_partenariaux) en une seule transaction : un fichier qui contient une erreur n'écrit rien. "
        "Code de sortie 0 si le fichier est importé (ou, avec --dry-run, importable), 1 sinon."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="Type de fichier.")
        parser.add_argument("file", help="Chemin du fichier .csv ou .xlsx.")
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien écrire.")
        parser.add_argument("--team", help="Équipe du fichier (facultatif s'il n'y a qu'une équipe).")
        parser.add_argument(
            "--create-partners",
            action="store_true",
            help="Créer les partenaires inconnus (catégorie « À classer ») au lieu de les signaler en erreur.",
        )

    def handle(self, *args, **options):
        kind, path = options["kind"], Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            check_size(path.stat().st_size)
        except FileError as error:
            raise CommandError(error.message) from error
        team = team_for_command(options["team"])
        if options["team"] and team is None:
            raise CommandError(f"Équipe inconnue : « {options['team']} ».")
        report = import_file(
            kind=kind,
            data=path.read_bytes(),
            filename=path.name,
            team=team,
            teams=Team.objects.all(),
            dry_run=options["dry_run"],
            create_partners=options["create_partners"],
            may_create_teams=True,
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        if report.file_error:
            raise CommandError(f"{path.name} : {report.file_error} Rien n'a été importé.")
        if report.error_count:
            for issue in report.errors:
                where = f"Ligne {issue.line}" if issue.line else "Fichier"
                if issue.column:
                    where += f", colonne « {issue.column} », valeur « {issue.value} »"
                self.stderr.write(f"{where} : {issue.message}")
            if report.hidden_errors:
                self.stderr.write(f"… et {report.hidden_errors} autres erreurs.")
            raise CommandError(
                f"{report.error_count} erreur(s) dans {report.invalid} ligne(s) sur {report.rows} : "
                "rien n'a été importé."
            )
        counts = (
            f"{report.rows} lignes : {report.created} créées, {report.updated} mises à jour, "
            f"{report.unchanged} déjà présentes ou inchangées ({report.seconds} s)"
        )
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"Vérification réussie, rien n'a été écrit. {counts}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Import terminé. {counts}."))
