from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.team import DEMO_PASSWORD, TEAM_NAME, create_demo, demo_exists
from emps.models import Team


class Command(BaseCommand):
    help = "Crée l'équipe de démonstration EMPS Hénin-Beaumont et un compte par rôle (mot de passe « demo »)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne rien faire si la base contient déjà des équipes."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Les comptes de démonstration (mot de passe « demo ») sont refusés quand DEBUG est désactivé."
            )
        if options["if_empty"] and Team.objects.exists():
            self.stdout.write("La base contient déjà des données : démonstration non chargée.")
            return
        if demo_exists():
            self.stdout.write(f"L'équipe de démonstration « {TEAM_NAME} » existe déjà : rien à faire.")
            return
        create_demo(today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"Équipe de démonstration « {TEAM_NAME} » créée."))
        self.stdout.write(f"Comptes : educateur, coordination, financeur (mot de passe « {DEMO_PASSWORD} »).")
        self.stdout.write("Le bilan 2023 est publié : le financeur le trouve dans « Bilans publiés ».")
