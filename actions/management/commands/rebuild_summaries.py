from django.core.management.base import BaseCommand, CommandError

from actions.summaries import summaries_differences, summaries_rebuild


class Command(BaseCommand):
    help = (
        "Vérifie (--check) ou réécrit les synthèses que la base tient à jour : celles des interventions (par "
        "équipe et mois, par jeune et année, par jeune, année et domaine), les derniers accompagnements et "
        "situation de chaque jeune, et ce que comptent les tableaux des jeunes pour chaque année en relation "
        "(par jeune, puis par équipe). À lancer après une opération qui a contourné ses déclencheurs, par "
        "exemple une migration SQLite qui reconstruit la table des jeunes, des interventions ou des "
        "accompagnements."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Vérifier seulement ; code de sortie 1 si une synthèse diffère."
        )

    def handle(self, *args, **options):
        if options["check"]:
            differences = summaries_differences()
            if differences:
                detail = ", ".join(
                    f"{table} : {missing} ligne(s) manquante(s), {wrong} ligne(s) fausse(s) ou en trop"
                    for table, (missing, wrong) in differences.items()
                )
                raise CommandError(f"Synthèses inexactes ({detail}). Lancez rebuild_summaries pour les réécrire.")
            self.stdout.write(self.style.SUCCESS("Synthèses exactes."))
            return
        written = summaries_rebuild()
        self.stdout.write(
            self.style.SUCCESS("Synthèses réécrites : " + ", ".join(f"{t} {n}" for t, n in written.items()) + ".")
        )
