"""Migration actions/0007 fills the team copy of the interventions and tags already in the database."""

import datetime

import pytest
from django.db import connection

from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.date(2023, 1, 1)
BEFORE = [("actions", "0006_interventiondomain_labels")]
AFTER = [("actions", "0007_team_copy")]


def test_existing_interventions_and_tags_get_their_youth_team():
    apps = migrate(BEFORE)
    try:
        team_model, commune_model = apps.get_model("emps", "Team"), apps.get_model("emps", "Commune")
        youth_model, domain_model = apps.get_model("youths", "Youth"), apps.get_model("actions", "Domain")
        intervention_model = apps.get_model("actions", "Intervention")
        tag_model = apps.get_model("actions", "InterventionDomain")
        commune = commune_model.objects.create(name="Lens", insee_code="62498")
        teams = [team_model.objects.create(name=f"Équipe {i}", reference_prefix=f"E{i}") for i in range(2)]
        youths = [
            youth_model.objects.create(
                team=team, commune=commune, first_name="Jeune", reference=f"R{i}", first_met_on=START
            )
            for i, team in enumerate(teams)
        ]
        domain = domain_model.objects.order_by("pk").first()
        for youth in youths:
            intervention = intervention_model.objects.create(youth=youth, date=START)
            tag_model.objects.create(intervention=intervention, domain=domain)

        migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT y.team_id, i.team_id, t.team_id FROM actions_intervention_domains t"
                " JOIN actions_intervention i ON i.id = t.intervention_id JOIN youths_youth y ON y.id = i.youth_id"
            )
            rows = cursor.fetchall()
        assert sorted(rows) == sorted((team.pk, team.pk, team.pk) for team in teams)
    finally:
        migrate_to_latest()
