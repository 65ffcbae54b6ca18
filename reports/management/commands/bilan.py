import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emps.models import Commune, Team
from reports.builders import Scope, build_bilan
from reports.document import bilan_document
from reports.exports import FORMATS, render_export
from reports.forms import MAX_PERIOD_YEARS
from reports.models import BilanNarrative

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(value: str, option: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(
        f"Date invalide pour {option} : « {value} ». Format attendu : AAAA-MM-JJ, par exemple 2023-12-31."
    )


class Command(BaseCommand):
    help = (
        "Produit le bilan d'activité d'une équipe (ou d'une de ses communes) sur une période, "
        "en HTML, PDF, XLSX ou JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="Début de la période (AAAA-MM-JJ), inclus.")
        parser.add_argument("--to", dest="end", required=True, help="Fin de la période (AAAA-MM-JJ), incluse.")
        parser.add_argument("--team", help="Nom de l'équipe (facultatif s'il n'y en a qu'une).")
        parser.add_argument("--commune", help="Nom d'une commune de l'équipe ; sans elle, toute l'équipe.")
        parser.add_argument(
            "--format", dest="fmt", help="html, pdf, xlsx ou json (par défaut : l'extension du fichier)."
        )
        parser.add_argument("--output", required=True, help="Fichier à écrire, ou « - » pour la sortie standard.")

    def handle(self, *args, start, end, team, commune, fmt, output, **options):
        start_date, end_date = parse_date(start, "--from"), parse_date(end, "--to")
        if start_date > end_date:
            raise CommandError(
                f"La période est à l'envers : le début ({start_date:%d/%m/%Y}) est après la fin ({end_date:%d/%m/%Y})."
            )
        if (end_date - start_date).days > 366 * MAX_PERIOD_YEARS:
            raise CommandError(f"La période ne peut dépasser {MAX_PERIOD_YEARS} ans.")
        fmt = self._format(fmt, output)
        team_obj = self._team(team)
        commune_obj = self._commune(team_obj, commune)

        bilan = build_bilan(scope=Scope.for_team(team_obj, commune_obj), start=start_date, end=end_date)
        narrative = BilanNarrative.objects.for_bilan(
            team=team_obj, commune=commune_obj, start=start_date, end=end_date
        ).first()
        content = render_export(bilan_document(bilan, narrative), fmt)
        self._write(content, output)
        if output != "-":
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bilan {fmt.upper()} écrit dans {output} : {bilan.public.total} jeunes, "
                    f"du {start_date:%d/%m/%Y} au {end_date:%d/%m/%Y}."
                )
            )

    def _format(self, fmt, output) -> str:
        if fmt is None:
            fmt = Path(output).suffix.lstrip(".").lower() if output != "-" else "json"
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise CommandError(f"Format inconnu : « {fmt} ». Formats possibles : {', '.join(FORMATS)}.")
        if output == "-" and fmt in ("pdf", "xlsx"):
            raise CommandError(f"Le format {fmt} s'écrit dans un fichier : précisez --output FICHIER.{fmt}.")
        return fmt

    def _team(self, name) -> Team:
        if name:
            team = Team.objects.filter(name__iexact=name.strip()).first()
            if team is None:
                known = ", ".join(Team.objects.values_list("name", flat=True)) or "aucune"
                raise CommandError(f"Équipe inconnue : « {name} ». Équipes existantes : {known}.")
            return team
        teams = list(Team.objects.all()[:2])
        if not teams:
            raise CommandError("Aucune équipe dans la base : rien à dresser.")
        if len(teams) > 1:
            raise CommandError("Plusieurs équipes existent : précisez laquelle avec --team.")
        return teams[0]

    def _commune(self, team, name) -> Commune | None:
        if not name:
            return None
        commune = team.communes.filter(name__iexact=name.strip()).first()
        if commune is None:
            known = ", ".join(team.communes.values_list("name", flat=True)) or "aucune"
            raise CommandError(
                f"Commune inconnue pour l'équipe {team.name} : « {name} ». Communes de l'équipe : {known}."
            )
        return commune

    def _write(self, content: bytes, output: str) -> None:
        if output == "-":
            self.stdout.write(content.decode(), ending="\n")
            return
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {output} » : {error.strerror}.") from None
