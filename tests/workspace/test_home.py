import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 14)  # a Thursday: the week runs from Monday 11 to Sunday 17 March


@time_machine.travel(TODAY)
def test_my_week_counts_my_interventions_presence_hours_and_actions(client, educator, teammate, team):
    youth = YouthFactory(team=team, first_name="Yanis", with_episode=True, referent=educator)
    other = YouthFactory(team=team, first_name="Lina", with_episode=True)
    InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 11))
    InterventionFactory(youth=other, author=educator, date=datetime.date(2024, 3, 13))
    InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 8))  # last week
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2024, 3, 12))  # not mine
    together = PresenceSessionFactory(team=team, author=teammate, duration_minutes=150, date=datetime.date(2024, 3, 12))
    together.educators.set([educator, teammate])
    PresenceSessionFactory(team=team, author=teammate, duration_minutes=60, date=datetime.date(2024, 3, 12))
    CollectiveActionFactory(team=team, author=educator, date=datetime.date(2024, 3, 13))
    client.force_login(educator)
    response = client.get(reverse("home"))
    week = response.context["week"]
    assert (week.start, week.end) == (datetime.date(2024, 3, 11), datetime.date(2024, 3, 17))
    assert (week.intervention_count, week.youth_count) == (2, 2)
    assert (str(week.presence_hours), week.presence_count, week.action_count) == ("2.5", 1, 1)
    content = response.content.decode()
    for url in ("actions:intervention_create", "actions:presence_create", "actions:action_create"):
        assert reverse(url) in content


@time_machine.travel(TODAY)
def test_a_quarter_hour_reads_the_same_on_the_home_page_and_in_the_bilan(client, educator, team):
    """One rounding of hours (emps.rounding): 15 minutes are 0,3 h, half up, on both screens."""
    session = PresenceSessionFactory(team=team, author=educator, duration_minutes=15, date=datetime.date(2024, 3, 12))
    session.educators.set([educator])
    client.force_login(educator)
    home = client.get(reverse("home")).content.decode()
    assert '<div class="stat-value">0,3 h</div>' in home
    period = {"team": team.pk, "start": "2024-03-11", "end": "2024-03-14"}
    bilan = client.get(reverse("reports:bilan"), period).content.decode()
    assert "<strong>0,3 heure</strong>" in bilan  # French: the singular below two


@time_machine.travel(TODAY)
def test_my_youths_without_contact_for_long(client, educator, team, django_assert_max_num_queries):
    quiet = YouthFactory(
        team=team, first_name="Silencieux", with_episode=True, referent=educator, first_met_on=datetime.date(2023, 9, 1)
    )
    InterventionFactory(youth=quiet, date=datetime.date(2023, 12, 1))
    seen = YouthFactory(
        team=team, first_name="Actif", with_episode=True, referent=educator, first_met_on=datetime.date(2023, 9, 1)
    )
    CollectiveActionFactory(team=team, participants=[seen], date=datetime.date(2024, 3, 1))
    YouthFactory(team=team, first_name="Autre", with_episode=True, first_met_on=datetime.date(2023, 9, 1))  # not mine
    YouthFactory(
        team=team, first_name="Clos", referent=educator, first_met_on=datetime.date(2023, 9, 1)
    )  # no open episode
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert [y.first_name for y in response.context["week"].stale_youths] == ["Silencieux"]
    assert "dernier contact le 01/12/2023, il y a 104 jours" in response.content.decode()


def test_funders_land_on_their_dashboard(client, funder):
    client.force_login(funder)
    response = client.get(reverse("home"))
    assert "Tableau de bord · lecture seule" in response.content.decode()
    assert reverse("youths:list") not in response.content.decode()


def _busy_week(educator, team, count):
    """`count` youths referred by the educator: one seen this week, and one quiet for months, each time."""
    for n in range(count):
        seen = YouthFactory(team=team, first_name=f"Vu{n}", with_episode=True, referent=educator)
        intervention = InterventionFactory(youth=seen, author=educator, date=datetime.date(2024, 3, 12))
        intervention.educators.set([educator])
        quiet = YouthFactory(
            team=team,
            first_name=f"Calme{n}",
            with_episode=True,
            referent=educator,
            first_met_on=datetime.date(2023, 9, 1),
        )
        InterventionFactory(youth=quiet, author=educator, date=datetime.date(2023, 10, 1))
        PresenceSessionFactory(team=team, author=educator, date=datetime.date(2024, 3, 13))
        CollectiveActionFactory(team=team, author=educator, participants=[seen], date=datetime.date(2024, 3, 13))


@time_machine.travel(TODAY)
def test_my_activity_runs_a_constant_number_of_queries(client, educator, team, django_assert_max_num_queries):
    client.force_login(educator)
    _busy_week(educator, team, 3)
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("home"))
    assert response.context["week"].intervention_count == 3
    _busy_week(educator, team, 27)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("home"))
    assert len(many.captured_queries) == len(few.captured_queries)
    week = response.context["week"]
    assert (week.intervention_count, week.youth_count, week.presence_count, week.action_count) == (30, 30, 30, 30)
    assert len(week.recent_interventions) == 5 and len(week.stale_youths) == 8  # bounded lists


@time_machine.travel(TODAY)
@pytest.mark.parametrize("superuser", [False, True], ids=["educator", "superuser"])
def test_my_latest_interventions_are_those_i_wrote_or_took_part_in(client, educator, teammate, team, superuser):
    """A member of teams reads them from the teams' interventions, a superuser (of no team) from their own:
    both lists hold the same ones."""
    if superuser:
        educator.is_superuser = True
        educator.save()
    youth = YouthFactory(team=team, with_episode=True)
    wrote = InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 11))
    took_part = InterventionFactory(youth=youth, author=teammate, date=datetime.date(2024, 3, 12))
    took_part.educators.set([teammate, educator])
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2024, 3, 13))  # not mine
    client.force_login(educator)
    week = client.get(reverse("home")).context["week"]
    assert [i.pk for i in week.recent_interventions] == [took_part.pk, wrote.pk]
    assert (week.intervention_count, week.youth_count) == (2, 1)


# The coordinator's home: the team at a glance.


@time_machine.travel(TODAY)
def test_the_coordinators_home_shows_the_teams_entries_by_educator(client, coordinator, educator, teammate, team):
    youth = YouthFactory(team=team, first_name="Yanis", with_episode=True, referent=educator)
    InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 12))
    InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 4))  # this month, last week
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2024, 2, 28))  # last month
    PresenceSessionFactory(team=team, author=teammate, date=datetime.date(2024, 3, 13))
    CollectiveActionFactory(team=team, author=teammate, date=datetime.date(2024, 3, 1))
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    desk = response.context["desk"]
    rows = {row.educator.username: (row.week, row.month) for row in desk.entries}
    assert rows["alice"] == (
        {"interventions": 1, "sessions": 0, "actions": 0},
        {"interventions": 2, "sessions": 0, "actions": 0},
    )
    assert rows["bob"] == (
        {"interventions": 0, "sessions": 1, "actions": 0},
        {"interventions": 0, "sessions": 1, "actions": 1},
    )
    assert (desk.week_totals["interventions"], desk.month_totals["interventions"]) == (1, 2)
    content = response.content.decode()
    assert "<h1>L'équipe</h1>" in content and "Mon activité</h1>" not in content
    assert f"{reverse('reports:bilan')}?team={team.pk}&amp;start=2024-01-01&amp;end=2024-12-31" in content


@time_machine.travel(TODAY)
def test_the_coordinators_home_lists_the_teams_quiet_youths_what_comes_and_the_anonymisations_due(
    client, coordinator, educator, teammate, team, other_team
):
    quiet = YouthFactory(
        team=team, first_name="Silencieux", with_episode=True, referent=teammate, first_met_on=datetime.date(2023, 9, 1)
    )
    YouthFactory(team=team, first_name="Récent", with_episode=True, first_met_on=datetime.date(2024, 3, 1))
    YouthFactory(team=other_team, first_name="Ailleurs", with_episode=True, first_met_on=datetime.date(2023, 9, 1))
    # Last contact more than two years ago: due for anonymisation (privacy's rule).
    YouthFactory(team=team, first_name="Ancien", first_met_on=datetime.date(2021, 10, 1))
    PresenceSessionFactory(team=team, author=educator, date=TODAY)
    PresenceSessionFactory(team=team, author=educator, date=datetime.date(2024, 3, 1))  # past
    client.force_login(coordinator)
    desk = client.get(reverse("home")).context["desk"]
    assert [y.first_name for y in desk.stale_youths] == ["Silencieux"] and desk.stale_count == 1
    assert desk.stale_youths[0] == quiet
    assert [(item.date, item.kind) for item in desk.coming] == [(TODAY, "presence")]
    assert desk.due_count == 1


@time_machine.travel(TODAY)
def test_the_quiet_youths_card_opens_the_youths_list_filtered_the_same_way(
    client, coordinator, teammate, team, other_team, django_assert_max_num_queries
):
    YouthFactory(team=team, first_name="Silencieux", with_episode=True, first_met_on=datetime.date(2023, 9, 1))
    YouthFactory(team=team, first_name="Récent", with_episode=True, first_met_on=datetime.date(2024, 3, 1))
    quiet_met = YouthFactory(team=team, first_name="Revu", with_episode=True, first_met_on=datetime.date(2023, 9, 1))
    InterventionFactory(youth=quiet_met, author=teammate, date=datetime.date(2024, 2, 20))  # 23 days ago
    YouthFactory(team=team, first_name="Parti", first_met_on=datetime.date(2023, 9, 1))  # no open episode
    YouthFactory(team=other_team, first_name="Ailleurs", with_episode=True, first_met_on=datetime.date(2023, 9, 1))
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    link = f"{reverse('youths:list')}?contact=ancien&amp;o=last_contact"
    assert f'href="{link}"' in home

    with django_assert_max_num_queries(12):
        response = client.get(link.replace("&amp;", "&"))
    assert [y.first_name for y in response.context["youths"]] == ["Silencieux"]
    assert response.context["is_filtered"]
    assert "Sans contact depuis 60 jours" in response.content.decode()
    everyone = client.get(reverse("youths:list")).context["youths"]
    assert {y.first_name for y in everyone} == {"Silencieux", "Récent", "Revu"}


@pytest.mark.parametrize("members", [2, 12])
@time_machine.travel(TODAY)
def test_the_coordinators_home_runs_a_constant_number_of_queries(
    client, coordinator, team, members, django_assert_max_num_queries
):
    from tests.emps.factories import UserFactory

    for n in range(members):
        member = UserFactory(username=f"membre{n}", teams=[team])
        youth = YouthFactory(team=team, with_episode=True, referent=member, first_met_on=datetime.date(2023, 1, 5))
        InterventionFactory(youth=youth, author=member, date=datetime.date(2024, 3, 12))
        PresenceSessionFactory(team=team, author=member, date=datetime.date(2024, 3, 12 + n % 3))
        CollectiveActionFactory(team=team, author=member, date=datetime.date(2024, 3, 14))
    client.force_login(coordinator)
    client.get(reverse("home"))  # the summaries catch up with the writes above (privacy's rule reads them)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert len(response.context["desk"].entries) == members + 1  # and the coordinator


def test_activity_lists_open_on_the_whole_team_for_a_coordinator_and_on_mine_for_an_educator(
    client, coordinator, educator, teammate, team
):
    youth = YouthFactory(team=team, with_episode=True)
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2023, 7, 3))
    PresenceSessionFactory(team=team, author=teammate)
    CollectiveActionFactory(team=team, author=teammate)
    lists = {"actions:intervention_list": "interventions", "actions:presence_list": "sessions"}
    lists["actions:action_list"] = "actions"
    for user, expected in ((coordinator, 1), (educator, 0)):
        client.force_login(user)
        for url, key in lists.items():
            response = client.get(reverse(url))
            assert len(response.context[key]) == expected, (user, url)
            assert response.context["filter"].form["qui"].value() == ("equipe" if expected else "moi")


@time_machine.travel(TODAY)
def test_the_coordinators_home_lists_the_planned_actions_at_their_planned_date(client, coordinator, team, other_team):
    """A planned action (« prévue ») comes at its planned date, named so; a cancelled or replaced one, a past
    planned one and another team's do not come."""
    from actions.enums import ActionStatus

    CollectiveActionFactory(
        team=team,
        title="Fête des voisins",
        status=ActionStatus.PLANNED,
        date=TODAY,
        planned_on=datetime.date(2024, 5, 1),
    )
    CollectiveActionFactory(
        team=team, title="Projet Graff", status=ActionStatus.PLANNED, date=datetime.date(2024, 4, 2), planned_on=None
    )
    CollectiveActionFactory(team=team, title="Passée", status=ActionStatus.PLANNED, date=datetime.date(2024, 3, 1))
    CollectiveActionFactory(team=team, title="Annulée", status=ActionStatus.CANCELLED, date=datetime.date(2024, 4, 1))
    CollectiveActionFactory(
        team=other_team, title="Ailleurs", status=ActionStatus.PLANNED, date=datetime.date(2024, 4, 1)
    )
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    coming = [(item.date, item.kind, item.label) for item in response.context["desk"].coming]
    assert coming == [
        (datetime.date(2024, 4, 2), "action", "Projet Graff (prévue)"),
        (datetime.date(2024, 5, 1), "action", "Fête des voisins (prévue)"),
    ]
    assert "Projet Graff (prévue)" in response.content.decode()
