"""Each partner link of an intervention keeps a copy of its intervention's youth, date and team, kept exact
by triggers on both databases (migration actions/0012), as the domain tags do.

The partners mobilised in the bilan and the funders' activity tables are read from these copies: if one
went stale, a partner would show in the wrong period, team or commune. These tests write as the
application, the import and a restore do, and read the tables and the bilan's figures back.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from actions.models import Intervention, InterventionPartner
from actions.services import intervention_record
from reports.builders import Scope, build_activity_by_commune, build_partners_mobilised
from tests.actions.factories import InterventionFactory
from tests.emps.factories import CommuneFactory, PartnerFactory, UserFactory
from tests.migrating import migrate, migrate_to_latest
from tests.youths.factories import YouthFactory

D = datetime.date
YEAR_2023 = {"start": D(2023, 1, 1), "end": D(2023, 12, 31)}
YEAR_2024 = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}


def copies(intervention) -> set[tuple]:
    """(youth, date, team) on each of the intervention's links, as the database holds them."""
    return set(InterventionPartner.objects.filter(intervention=intervention).values_list("youth", "date", "team"))


def mobilised(scope, **period) -> set[str]:
    return {name for group in build_partners_mobilised(scope=scope, **period) for name in group.partners}


@pytest.fixture
def partners(db):
    return [PartnerFactory(name="Mission locale"), PartnerFactory(name="Collège Jean Macé")]


@pytest.mark.django_db
def test_links_recorded_by_an_educator_copy_the_intervention(team, educator, partners):
    youth = YouthFactory(team=team)
    (intervention,) = intervention_record(
        youths=[youth], date=D(2023, 5, 2), domains=[], partners=partners, author=educator
    )
    assert copies(intervention) == {(youth.pk, D(2023, 5, 2), team.pk)}
    assert mobilised(Scope.for_team(team), **YEAR_2023) == {"Mission locale", "Collège Jean Macé"}


@pytest.mark.django_db
def test_links_follow_their_intervention_to_another_date_and_youth(team, other_team, partners):
    youth, other = YouthFactory(team=team), YouthFactory(team=other_team)
    intervention = InterventionFactory(youth=youth, date=D(2023, 5, 2))
    intervention.partners.set(partners)

    intervention.date = D(2024, 2, 3)
    intervention.save()
    assert copies(intervention) == {(youth.pk, D(2024, 2, 3), team.pk)}
    assert mobilised(Scope.for_team(team), **YEAR_2023) == set()
    assert mobilised(Scope.for_team(team), **YEAR_2024) == {"Mission locale", "Collège Jean Macé"}

    Intervention.objects.filter(pk=intervention.pk).update(youth=other)  # a queryset update too
    assert copies(intervention) == {(other.pk, D(2024, 2, 3), other_team.pk)}
    assert mobilised(Scope.for_team(team), **YEAR_2024) == set()
    assert mobilised(Scope.for_team(other_team), **YEAR_2024) == {"Mission locale", "Collège Jean Macé"}


@pytest.mark.django_db
def test_a_youth_moving_to_another_team_takes_its_partners_along(team, other_team, partners):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=D(2023, 5, 2))
    intervention.partners.set(partners[:1])
    youth.team = other_team
    youth.save()
    assert copies(intervention) == {(youth.pk, D(2023, 5, 2), other_team.pk)}
    assert mobilised(Scope.for_team(team), **YEAR_2023) == set()
    assert mobilised(Scope.for_team(other_team), **YEAR_2023) == {"Mission locale"}


@pytest.mark.django_db
def test_bulk_inserted_links_and_interventions_get_their_copy(team, partners):
    """The import and the synthetic data insert interventions and links in bulk: no save() runs."""
    youth = YouthFactory(team=team)
    (intervention,) = Intervention.objects.bulk_create([Intervention(youth=youth, date=D(2023, 9, 9))])
    InterventionPartner.objects.bulk_create(InterventionPartner(intervention=intervention, partner=p) for p in partners)
    assert copies(intervention) == {(youth.pk, D(2023, 9, 9), team.pk)}


@pytest.mark.django_db
def test_a_copy_written_by_hand_is_put_right(team, other_team, partners):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=D(2023, 9, 9))
    intervention.partners.set(partners[:1])
    InterventionPartner.objects.filter(intervention=intervention).update(
        youth=YouthFactory(team=other_team), date=D(2020, 1, 1), team=other_team
    )
    assert copies(intervention) == {(youth.pk, D(2023, 9, 9), team.pk)}


@pytest.mark.django_db
def test_an_intervention_restored_after_its_links_gives_them_its_copy(team, partners):
    """A restore loads the tables in any order (the foreign keys are checked at commit)."""
    youth = YouthFactory(team=team)
    later_id = (Intervention.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    InterventionPartner.objects.bulk_create(InterventionPartner(intervention_id=later_id, partner=p) for p in partners)
    assert set(InterventionPartner.objects.values_list("youth", "date", "team")) == {(None, None, None)}
    Intervention.objects.bulk_create([Intervention(pk=later_id, youth=youth, date=D(2023, 9, 9))])
    assert set(InterventionPartner.objects.values_list("youth", "date", "team")) == {(youth.pk, D(2023, 9, 9), team.pk)}


@pytest.mark.django_db
def test_a_commune_scope_counts_the_partners_of_its_youths(team, partners):
    """Interventions count in the youth's commune: a commune's bilan lists the partners of its youths only."""
    henin, lens = team.communes.get(), CommuneFactory(name="Lens")
    team.communes.add(lens)
    for commune, partner in ((henin, partners[0]), (lens, partners[1])):
        intervention = InterventionFactory(youth=YouthFactory(team=team, commune=commune), date=D(2023, 5, 2))
        intervention.partners.set([partner])
    assert mobilised(Scope.for_team(team, lens), **YEAR_2023) == {"Collège Jean Macé"}
    overall, by_commune = build_activity_by_commune(scope=Scope.for_team(team), **YEAR_2023)
    assert {table.commune: [g.partners for g in table.support_partners] for table in by_commune} == {
        "Hénin-Beaumont": [("Mission locale",)],
        "Lens": [("Collège Jean Macé",)],
    }
    assert sorted(name for group in overall.support_partners for name in group.partners) == [
        "Collège Jean Macé",
        "Mission locale",
    ]


@pytest.mark.django_db
def test_the_admin_edits_an_intervention_partners_as_lines(client, team, partners):
    """A custom through model leaves Django's admin without its partner selector: an inline replaces it."""
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    intervention = InterventionFactory(youth=YouthFactory(team=team), date=D(2023, 5, 2))
    intervention.partners.set(partners)
    url = reverse("admin:actions_intervention_change", args=[intervention.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="interventionpartner_set-' in page.content.decode()
    tags = list(intervention.domains.through.objects.filter(intervention=intervention))
    links = list(InterventionPartner.objects.filter(intervention=intervention).order_by("pk"))
    form = {"youth": intervention.youth.pk, "date": "2023-06-01", "kind": "", "note": ""}
    for prefix, rows, related in (
        ("interventiondomain_set", tags, "domain"),
        ("interventionpartner_set", links, "partner"),
    ):
        form |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            form |= {
                f"{prefix}-{i}-id": row.pk,
                f"{prefix}-{i}-intervention": intervention.pk,
                f"{prefix}-{i}-{related}": getattr(row, f"{related}_id"),
            }
    form["interventionpartner_set-1-DELETE"] = "on"
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(intervention.partners.all()) == [links[0].partner]
    assert copies(intervention) == {(intervention.youth.pk, D(2023, 6, 1), team.pk)}


# --- The migration fills the links already there --------------------------------------------------

BEFORE = [("actions", "0011_covering_indexes")]
AFTER = [("actions", "0012_intervention_partner_copy")]


@pytest.mark.django_db(transaction=True)
def test_existing_links_get_their_intervention_copy():
    apps = migrate(BEFORE)
    try:
        team_model, commune_model = apps.get_model("emps", "Team"), apps.get_model("emps", "Commune")
        youth_model, partner_model = apps.get_model("youths", "Youth"), apps.get_model("emps", "Partner")
        intervention_model = apps.get_model("actions", "Intervention")
        commune = commune_model.objects.create(name="Lens", insee_code="62498")
        category = apps.get_model("emps", "PartnerCategory").objects.order_by("order").first()
        partner = partner_model.objects.create(name="Mission locale", category=category)
        expected = set()
        for i in range(2):
            team = team_model.objects.create(name=f"Équipe {i}", reference_prefix=f"E{i}")
            youth = youth_model.objects.create(
                team=team, commune=commune, first_name="Jeune", reference=f"R{i}", first_met_on=D(2023, 1, 1)
            )
            intervention = intervention_model.objects.create(youth=youth, date=D(2023, 3, i + 1))
            intervention.partners.add(partner)
            expected.add((youth.pk, D(2023, 3, i + 1), team.pk))

        migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("SELECT youth_id, date, team_id FROM actions_intervention_partners")
            rows = {
                (youth, date if isinstance(date, D) else D.fromisoformat(date), team) for youth, date, team in cursor
            }
        assert rows == expected
    finally:
        migrate_to_latest()
