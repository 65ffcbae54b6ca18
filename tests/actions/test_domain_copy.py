"""Each tag keeps a copy of its intervention's youth, date and team, and each intervention a copy of its
youth's team, kept exact by triggers (both databases).

The bilan and the dashboards count from these copies: if one went stale, a youth would be counted in the
wrong period or the wrong team. These tests write as the application does and read the tables back.
"""

import datetime

import pytest
from django.urls import reverse

from actions.models import Domain, Intervention, InterventionDomain
from reports.builders import Scope, build_domains
from tests.actions.factories import InterventionFactory
from tests.emps.factories import UserFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

YEAR_2023 = {"start": datetime.date(2023, 1, 1), "end": datetime.date(2023, 12, 31)}
YEAR_2024 = {"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)}


def copies(intervention):
    return set(InterventionDomain.objects.filter(intervention=intervention).values_list("youth", "date"))


def teams(intervention):
    """The team on the intervention's row, then the teams on its tags' rows (as the database holds them)."""
    row = Intervention.objects.values_list("team", flat=True).get(pk=intervention.pk)
    return row, set(InterventionDomain.objects.filter(intervention=intervention).values_list("team", flat=True))


def domain_youths(team, **period):
    table = build_domains(scope=Scope.for_team(team), **period)
    return {row.code: (row.total, row.youths) for row in table.rows if row.total}


@pytest.fixture
def domains():
    return list(Domain.objects.order_by("order")[:2])


def test_a_new_tag_copies_its_intervention_youth_and_date(team, domains):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 5, 2), domains=domains)
    assert copies(intervention) == {(youth.pk, datetime.date(2023, 5, 2))}


def test_tags_follow_their_intervention_to_another_date_and_youth(team, other_team, domains):
    youth, other = YouthFactory(team=team), YouthFactory(team=other_team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 5, 2), domains=domains)
    assert domain_youths(team, **YEAR_2023) == {d.code: (1, 1) for d in domains}

    intervention.date = datetime.date(2024, 2, 3)
    intervention.save()
    assert domain_youths(team, **YEAR_2023) == {}
    assert domain_youths(team, **YEAR_2024) == {d.code: (1, 1) for d in domains}

    Intervention.objects.filter(pk=intervention.pk).update(youth=other)  # a queryset update too
    assert copies(intervention) == {(other.pk, datetime.date(2024, 2, 3))}
    assert domain_youths(team, **YEAR_2024) == {}
    assert domain_youths(other_team, **YEAR_2024) == {d.code: (1, 1) for d in domains}


def test_bulk_created_tags_get_their_copy_too(team, domains):
    """The import and the synthetic data write the links in bulk, without any Python code per row."""
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 9, 9), domains=[])
    InterventionDomain.objects.bulk_create(InterventionDomain(intervention=intervention, domain=d) for d in domains)
    assert copies(intervention) == {(youth.pk, datetime.date(2023, 9, 9))}


def test_a_copy_written_by_hand_is_put_right(team, other_team, domains):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 9, 9), domains=domains[:1])
    InterventionDomain.objects.filter(intervention=intervention).update(
        youth=YouthFactory(team=other_team), date=datetime.date(2020, 1, 1)
    )
    assert copies(intervention) == {(youth.pk, datetime.date(2023, 9, 9))}


def test_removing_a_domain_removes_it_from_the_table(team, domains):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 5, 2), domains=domains)
    intervention.domains.remove(domains[0])
    assert domain_youths(team, **YEAR_2023) == {domains[1].code: (1, 1)}
    intervention.delete()
    assert domain_youths(team, **YEAR_2023) == {}


def test_the_admin_edits_an_intervention_domains_as_lines(client, team, domains):
    """A custom through model leaves Django's admin without its domain selector: an inline replaces it."""
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    intervention = InterventionFactory(youth=YouthFactory(team=team), date=datetime.date(2023, 5, 2), domains=domains)
    url = reverse("admin:actions_intervention_change", args=[intervention.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('name="interventiondomain_set-') > 0
    links = list(InterventionDomain.objects.filter(intervention=intervention).order_by("domain__order"))
    form = {
        "youth": intervention.youth.pk,
        "date": "2023-06-01",
        "kind": "",
        "note": "",
        "interventiondomain_set-TOTAL_FORMS": "2",
        "interventiondomain_set-INITIAL_FORMS": "2",
        "interventiondomain_set-MIN_NUM_FORMS": "1",
        "interventiondomain_set-MAX_NUM_FORMS": "1000",
        # The partners' lines (InterventionPartner), none here.
        "interventionpartner_set-TOTAL_FORMS": "0",
        "interventionpartner_set-INITIAL_FORMS": "0",
        "interventionpartner_set-MIN_NUM_FORMS": "0",
        "interventionpartner_set-MAX_NUM_FORMS": "1000",
    }
    for i, link in enumerate(links):
        form |= {
            f"interventiondomain_set-{i}-id": link.pk,
            f"interventiondomain_set-{i}-intervention": intervention.pk,
            f"interventiondomain_set-{i}-domain": link.domain_id,
        }
    form["interventiondomain_set-1-DELETE"] = "on"
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert copies(intervention) == {(intervention.youth.pk, datetime.date(2023, 6, 1))}
    assert list(intervention.domains.all()) == [links[0].domain]


def test_an_intervention_and_its_tags_take_the_youth_team(team, domains):
    intervention = InterventionFactory(youth=YouthFactory(team=team), date=datetime.date(2023, 5, 2), domains=domains)
    assert teams(intervention) == (team.pk, {team.pk})
    assert intervention.team_id == team.pk  # the saved instance agrees with its row


def test_a_youth_moving_to_another_team_takes_its_interventions_along(team, other_team, domains):
    """The bilan counts a youth's interventions in the youth's team: after the move, in the new one only."""
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 5, 2), domains=domains)
    youth.team = other_team
    youth.save()
    assert teams(intervention) == (other_team.pk, {other_team.pk})
    assert domain_youths(team, **YEAR_2023) == {}
    assert domain_youths(other_team, **YEAR_2023) == {d.code: (1, 1) for d in domains}
    scope = Scope.for_team(other_team)
    assert build_domains(scope=scope, **YEAR_2023).interventions == 1


def test_an_intervention_given_to_a_youth_of_another_team_changes_team(team, other_team, domains):
    intervention = InterventionFactory(youth=YouthFactory(team=team), date=datetime.date(2023, 5, 2), domains=domains)
    Intervention.objects.filter(pk=intervention.pk).update(youth=YouthFactory(team=other_team))
    assert teams(intervention) == (other_team.pk, {other_team.pk})


def test_a_team_written_by_hand_is_put_right(team, other_team, domains):
    intervention = InterventionFactory(youth=YouthFactory(team=team), date=datetime.date(2023, 5, 2), domains=domains)
    Intervention.objects.filter(pk=intervention.pk).update(team=other_team)
    InterventionDomain.objects.filter(intervention=intervention).update(team=other_team)
    assert teams(intervention) == (team.pk, {team.pk})


def test_bulk_created_interventions_get_the_team_too(team, domains):
    """The import and the synthetic data insert interventions in bulk: no save() runs."""
    youth = YouthFactory(team=team)
    (intervention,) = Intervention.objects.bulk_create([Intervention(youth=youth, date=datetime.date(2023, 9, 9))])
    InterventionDomain.objects.bulk_create(InterventionDomain(intervention=intervention, domain=d) for d in domains)
    assert teams(intervention) == (team.pk, {team.pk})


def test_a_youth_restored_after_its_interventions_gives_them_its_team(team, domains):
    """A restore loads the tables in any order (the foreign keys are checked at commit)."""
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 9, 9), domains=domains)
    Intervention.objects.filter(pk=intervention.pk).update(youth_id=youth.pk + 1000)  # its youth, not yet there
    assert teams(intervention) == (None, {None})
    YouthFactory(team=team, pk=youth.pk + 1000)
    assert teams(intervention) == (team.pk, {team.pk})
