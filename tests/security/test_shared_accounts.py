"""Accounts shared by several teams (issue 26, finding 2): a coordinator of one team minted or revoked the
API key of a funder shared with another team, read that team's figures with it, deactivated the funder or
reset its second factor, and the other team's journal never showed it.

Now such an account, its key and its second factor are managed by coordinators of all its teams or by an
administrator, and each action writes a line in the journal of every team concerned, naming them all.
"""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from emps.models import AccessLog
from reports.dashboards.api import api_token_create
from reports.models import ApiToken
from tests.emps.factories import CommuneFactory, UserFactory

TOKENS = reverse("funders:api_tokens")


def funder_of(username, *, teams=(), communes=()):
    return UserFactory(username=username, funder=True, teams=list(teams), communes=list(communes))


@pytest.fixture
def shared_funder(team, other_team):
    """A funder following both teams (the département's, say)."""
    return funder_of("departement", teams=[team, other_team])


@pytest.fixture
def commune_funder(team, other_team):
    """A town's funder: its commune is covered by both teams, so it sees both teams there."""
    town = CommuneFactory(name="Lens")
    team.communes.add(town)
    other_team.communes.add(town)
    return funder_of("ville-de-lens", communes=[town])


@pytest.fixture
def both_coordinator(team, other_team):
    return UserFactory(username="coordination-commune", coordinator=True, teams=[team, other_team])


@pytest.mark.parametrize("action", [pytest.param("create", id="mint"), pytest.param("revoke", id="revoke")])
@pytest.mark.parametrize(
    "who", [pytest.param("shared_funder", id="team-funder"), pytest.param("commune_funder", id="commune-funder")]
)
def test_a_coordinator_cannot_touch_the_key_of_a_funder_another_team_shares(client, coordinator, request, who, action):
    target = request.getfixturevalue(who)
    real_token, real_key = api_token_create(user=target, by=target)
    client.force_login(coordinator)

    page = client.get(TOKENS).content.decode()
    assert target.get_username() in page
    assert "Suit aussi une autre équipe : clé gérée par l" in page
    response = client.post(TOKENS, {"user": target.pk, "action": action})

    assert response.status_code == 403
    assert list(ApiToken.objects.active().filter(user=target)) == [real_token]  # the funder's key still works
    assert client.get(reverse("funders:api"), HTTP_AUTHORIZATION=f"Token {real_key}").status_code == 200
    assert not AccessLog.objects.filter(object_type="apitoken").exists()


def test_a_coordinator_still_manages_the_key_of_a_funder_of_their_team_alone(client, coordinator, funder):
    client.force_login(coordinator)
    assert client.post(TOKENS, {"user": funder.pk, "action": "create"}).status_code == 200
    assert ApiToken.objects.active().filter(user=funder).exists()


def test_a_coordinator_of_every_team_manages_the_key_and_each_journal_says_so(
    client, both_coordinator, shared_funder, team, other_team
):
    client.force_login(both_coordinator)
    assert client.post(TOKENS, {"user": shared_funder.pk, "action": "create"}).status_code == 200
    assert client.post(TOKENS, {"user": shared_funder.pk, "action": "revoke"}).status_code == 302

    names = ", ".join(sorted([team.name, other_team.name]))
    for detail in ("clé d'API créée", "clé d'API révoquée"):
        lines = AccessLog.objects.filter(detail__startswith=detail)
        assert {line.team_id for line in lines} == {team.pk, other_team.pk}
        assert all(line.detail == f"{detail} (équipes : {names})" for line in lines)
    # Each team's coordinator reads the line in their own journal.
    assert (
        AccessLog.objects.visible_to(UserFactory(coordinator=True, teams=[other_team]))
        .filter(detail__startswith="clé d'API créée")
        .exists()
    )


def test_an_administrator_manages_any_shared_key(client, shared_funder):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert "Suit aussi une autre équipe" not in client.get(TOKENS).content.decode()
    assert client.post(TOKENS, {"user": shared_funder.pk, "action": "create"}).status_code == 200
    assert AccessLog.objects.filter(detail__startswith="clé d'API créée").count() == 2


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("accounts:deactivate", id="deactivate"),
        pytest.param("accounts:otp_reset", id="reset-2fa"),
    ],
)
def test_a_coordinator_cannot_deactivate_nor_reset_a_shared_account(client, coordinator, shared_funder, url):
    TOTPDevice.objects.create(user=shared_funder, name="téléphone", confirmed=True)
    client.force_login(coordinator)

    page = client.get(reverse("accounts:team")).content.decode()
    assert "departement" in page and "Partagé avec une autre équipe : géré par l" in page
    assert reverse(url, args=[shared_funder.pk]) not in page
    response = client.post(reverse(url, args=[shared_funder.pk]))

    assert response.status_code == 403
    shared_funder.refresh_from_db()
    assert shared_funder.is_active and TOTPDevice.objects.filter(user=shared_funder).exists()
    assert not AccessLog.objects.filter(object_type="user", object_id=str(shared_funder.pk)).exists()


def test_a_coordinator_of_every_team_deactivates_a_shared_account_in_both_journals(
    client, both_coordinator, shared_funder, team, other_team
):
    TOTPDevice.objects.create(user=shared_funder, name="téléphone", confirmed=True)
    client.force_login(both_coordinator)
    client.post(reverse("accounts:otp_reset", args=[shared_funder.pk]))
    client.post(reverse("accounts:deactivate", args=[shared_funder.pk]))

    shared_funder.refresh_from_db()
    assert not shared_funder.is_active and not TOTPDevice.objects.filter(user=shared_funder).exists()
    for detail in ("double authentification réinitialisée", "compte désactivé"):
        lines = AccessLog.objects.filter(detail__startswith=detail, object_id=str(shared_funder.pk))
        assert sorted(line.team_id for line in lines) == sorted([team.pk, other_team.pk])


def test_an_educator_of_two_teams_is_managed_by_coordinators_of_both(client, coordinator, team, other_team):
    shared = UserFactory(username="educ-partage", teams=[team, other_team])
    client.force_login(coordinator)
    assert client.post(reverse("accounts:deactivate", args=[shared.pk])).status_code == 403
    shared.refresh_from_db()
    assert shared.is_active


def test_the_key_page_reads_the_accounts_teams_in_a_constant_number_of_queries(
    client, coordinator, team, other_team, django_assert_max_num_queries
):
    town = CommuneFactory()
    team.communes.add(town)
    funder_of("f1", teams=[team])
    funder_of("f2", communes=[town])
    client.force_login(coordinator)
    client.get(TOKENS)
    with django_assert_max_num_queries(30) as few:
        client.get(TOKENS)
    for n in range(6):
        funder_of(f"g{n}", teams=[team, other_team])
        funder_of(f"h{n}", communes=[town])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(TOKENS).content.decode()
    assert page.count("Suit aussi une autre équipe") == 6
