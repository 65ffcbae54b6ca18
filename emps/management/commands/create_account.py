import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from emps.enums import Role
from emps.models import Commune, Team, User


class Command(BaseCommand):
    help = "Crée ou met à jour un compte (provisionnement scripté). Le mot de passe est lu sur l'entrée standard."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--team", action="append", default=[], help="Nom d'équipe (répétable).")
        parser.add_argument("--commune", action="append", default=[], help="Nom de commune, pour un financeur.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Lire le mot de passe sur l'entrée standard.")

    def handle(self, *args, **options):
        teams = []
        for name in options["team"]:
            team = Team.objects.filter(name__iexact=name).first()
            if team is None:
                raise CommandError(f"Équipe inconnue : « {name} ».")
            teams.append(team)
        communes = []
        for name in options["commune"]:
            commune = Commune.objects.filter(name__iexact=name).first()
            if commune is None:
                raise CommandError(f"Commune inconnue : « {name} ».")
            communes.append(commune)
        role = options["role"]
        if communes and role != Role.FUNDER:
            raise CommandError("Seul un compte financeur peut être rattaché à des communes.")
        if not teams and not communes:
            raise CommandError("Indiquez au moins une équipe (--team) ou, pour un financeur, une commune (--commune).")
        if not options["password_stdin"]:
            raise CommandError("Passez le mot de passe sur l'entrée standard avec --password-stdin.")
        password = sys.stdin.readline().rstrip("\n")
        user = User(username=options["username"], first_name=options["first_name"], last_name=options["last_name"])
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError("Mot de passe refusé : " + " ".join(error.messages)) from error

        with transaction.atomic():
            user, created = User.objects.get_or_create(username=options["username"])
            user.role = role
            user.first_name = options["first_name"] or user.first_name
            user.last_name = options["last_name"] or user.last_name
            user.email = options["email"] or user.email
            user.is_active = True
            user.set_password(password)
            user.save()
            user.teams.set(teams)
            user.communes.set(communes)
        verb = "créé" if created else "mis à jour"
        self.stdout.write(self.style.SUCCESS(f"Compte « {user.username} » ({user.get_role_display()}) {verb}."))
