"""The administration's lists run the same number of queries for 3 rows as for 15: a federation's
administrator lists tens of thousands of youths, sessions and actions (a quartier prints its commune:
without it in `list_select_related`, one query per row)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emps.journal import Action, log_access
from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.emps.factories import CommuneFactory, QuartierFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db


def _rows(team, count: int) -> None:
    for n in range(count):
        commune = CommuneFactory(name=f"Commune {count}-{n}")
        team.communes.add(commune)
        quartier = QuartierFactory(commune=commune)
        youth = YouthFactory(team=team, commune=commune, quartier=quartier)
        InterventionFactory(youth=youth, date=datetime.date(2023, 5, 1 + n))
        PresenceSessionFactory(team=team, commune=commune, quartier=quartier)
        CollectiveActionFactory(team=team, commune=commune, quartier=quartier)
        log_access(request=None, user=None, action=Action.LIST, object_type="youth", team=team, detail="test")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "model",
    [
        "youths_youth",
        "actions_intervention",
        "actions_presencesession",
        "actions_collectiveaction",
        "emps_accesslog",
    ],
)
def test_admin_lists_run_a_constant_number_of_queries(client, team, model):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse(f"admin:{model}_changelist")
    _rows(team, 3)
    few = _queries(client, url)
    _rows(team, 12)
    assert _queries(client, url) == few


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        ("youths_youth", YouthFactory),
        ("actions_collectiveaction", CollectiveActionFactory),
        ("actions_presencesession", PresenceSessionFactory),
    ],
)
def test_admin_change_forms_read_the_quartiers_communes_in_one_query(client, team, model, factory):
    """The quartier select prints each quartier with its commune: as many queries for 2 quartiers as for 12."""
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    commune = team.communes.get()
    record = factory(team=team, commune=commune) if model != "youths_youth" else factory(team=team)
    url = reverse(f"admin:{model}_change", args=[record.pk])
    QuartierFactory(commune=CommuneFactory(name="Liévin"))
    _queries(client, url)  # the first visit also reads what the session caches
    few = _queries(client, url)
    for n in range(10):
        QuartierFactory(commune=CommuneFactory(name=f"Commune {n}"))
    assert _queries(client, url) == few


def test_admin_forms_offer_only_the_teams_staff_as_educators_and_referent(client, team):
    """A funder is never an intervention's or a presence's educator, nor a youth's referent."""
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    educator = UserFactory(username="educ", teams=[team])
    coordinator = UserFactory(username="coord", coordinator=True, teams=[team])
    funder = UserFactory(username="financeur", funder=True, teams=[team])
    intervention = InterventionFactory(youth=YouthFactory(team=team))
    for url in (
        reverse("admin:actions_intervention_change", args=[intervention.pk]),
        reverse("admin:actions_presencesession_add"),
    ):
        choices = {user.pk for user in client.get(url).context["adminform"].form.fields["educators"].queryset}
        assert {educator.pk, coordinator.pk} <= choices
        assert funder.pk not in choices
    # The forms search them as one types (autocomplete): the search offers the staff only.
    for app_label, model_name, field_name in (
        ("youths", "youth", "referent"),
        ("actions", "intervention", "educators"),
        ("actions", "presencesession", "educators"),
    ):
        search = client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
        ).json()
        offered = {int(result["id"]) for result in search["results"]}
        assert {educator.pk, coordinator.pk} <= offered
        assert funder.pk not in offered


def test_the_admin_searches_quartiers_with_their_commune_in_a_constant_number_of_queries(client, team):
    """The forms' quartier is searched as one types (300 options in a federation were written into every
    form); each result prints its commune, read in the same query."""
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    search = {"app_label": "actions", "model_name": "presencesession", "field_name": "quartier", "term": ""}

    def results() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            found = client.get(reverse("admin:autocomplete"), search).json()["results"]
        return len(captured), [result["text"] for result in found]

    results()  # the first visit also reads what the session caches
    few, _texts = results()
    for n in range(10):
        QuartierFactory(commune=CommuneFactory(name=f"Commune {n}"), name=f"Quartier {n}")
    queries, texts = results()
    assert queries == few
    assert "Quartier 3 (Commune 3)" in texts


def test_the_youth_form_reads_its_inlines_options_once_whatever_the_history(client, team):
    """The episodes' end reasons and the situations are read once a page: as many queries for a youth
    with one episode and one situation as for one with six of each."""
    from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory
    from youths.models import EndReason, Situation

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    youth = YouthFactory(team=team, first_met_on=datetime.date(2020, 1, 1))
    reason, situations = EndReason.objects.first(), list(Situation.objects.all())

    def history(months):
        for month in months:
            start = datetime.date(2020, month, 1)
            SupportEpisodeFactory(youth=youth, started_on=start, ended_on=start.replace(day=20), end_reason=reason)
            SituationRecordFactory(youth=youth, started_on=start, situation=situations[month % len(situations)])

    url = reverse("admin:youths_youth_change", args=[youth.pk])
    history([1])
    _queries(client, url)  # the first visit also reads what the session caches
    few = _queries(client, url)
    history(range(2, 7))
    assert _queries(client, url) == few


def test_the_intervention_form_reads_the_domains_once_whatever_their_number(client, team):
    from actions.models import Domain

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    domains = list(Domain.objects.order_by("order"))
    one = InterventionFactory(youth=YouthFactory(team=team), domains=domains[:1])
    five = InterventionFactory(youth=YouthFactory(team=team), domains=domains[:5])
    _queries(client, reverse("admin:actions_intervention_change", args=[one.pk]))
    few = _queries(client, reverse("admin:actions_intervention_change", args=[one.pk]))
    assert _queries(client, reverse("admin:actions_intervention_change", args=[five.pk])) == few
