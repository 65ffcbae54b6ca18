"""`figure_rights(user)`: which teams and communes a user sees figures of, and how they combine."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from reports.builders import build_public
from reports.dashboards.scope import figure_rights
from tests.emps.factories import UserFactory
from tests.funders.conftest import funder

pytestmark = pytest.mark.django_db

START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def names(objects):
    return sorted(o.name for o in objects)


def youths(scope):
    return build_public(scope=scope, start=START, end=END).total


def test_a_funder_of_a_team_sees_the_whole_team(territory, activity):
    rights = figure_rights(funder("anct", teams=[territory["north"]]))
    scope = rights.scope()
    assert names(scope.teams) == ["EMPS Nord"]
    assert scope.communes is None
    assert youths(scope) == 6 + 3 + 5 + 3
    assert names(rights.communes) == ["Hénin-Beaumont", "Montigny-en-Gohelle"]


def test_a_funder_with_communes_only_sees_those_communes_of_the_teams_covering_them(territory, activity):
    rights = figure_rights(funder("ville-lens", communes=[territory["lens"]]))
    scope = rights.scope()
    assert names(scope.teams) == ["EMPS Est", "EMPS Sud"]
    assert names(scope.communes) == ["Lens"]
    # Lens youths of both teams, nothing of Liévin (south) nor Avion (east).
    assert youths(scope) == (7 + 3) + (3 + 3)
    assert names(rights.communes) == ["Lens"]
    assert rights.scope(team=territory["south"]).communes == (territory["lens"],)
    assert youths(rights.scope(team=territory["south"])) == 7 + 3
    assert rights.scope(commune=territory["lievin"]) is None
    assert rights.scope(team=territory["north"]) is None


def test_a_funders_communes_add_to_their_teams(territory, activity):
    rights = figure_rights(funder("departement", teams=[territory["north"]], communes=[territory["avion"]]))
    scope = rights.scope()
    assert names(scope.teams) == ["EMPS Est", "EMPS Nord"]
    assert names(scope.communes) == ["Avion", "Hénin-Beaumont", "Montigny-en-Gohelle"]
    assert youths(scope) == (6 + 3 + 5 + 3) + (8 + 3)
    assert youths(rights.scope(team=territory["north"])) == 6 + 3 + 5 + 3
    assert rights.scope(team=territory["north"]).communes is None
    assert youths(rights.scope(commune=territory["avion"])) == 8 + 3
    assert rights.scope(team=territory["east"], commune=territory["lens"]) is None


def test_a_team_sharing_a_commune_with_a_whole_team_never_brings_its_figures_there(territory, activity):
    """Seen whole: south (Lens, Liévin). Seen in Avion only: east, which also works in Lens. The combined
    view must not count east's Lens youths: east is left out of it, and reachable on its own."""
    rights = figure_rights(funder("mixte", teams=[territory["south"]], communes=[territory["avion"]]))
    combined = rights.scope()
    assert names(combined.teams) == ["EMPS Sud"]
    assert youths(combined) == 7 + 3 + 4 + 3
    assert youths(rights.scope(team=territory["east"])) == 8 + 3
    assert names(rights.scope(commune=territory["lens"]).teams) == ["EMPS Sud"]
    assert youths(rights.scope(commune=territory["lens"])) == 7 + 3


@pytest.mark.parametrize(
    "who,expected",
    [
        pytest.param("educator", ["EMPS Nord"], id="educator"),
        pytest.param("coordinator", ["EMPS Nord"], id="coordinator"),
        pytest.param("superuser", ["EMPS Est", "EMPS Nord", "EMPS Sud"], id="superuser"),
        pytest.param("empty-funder", [], id="funder-without-rights"),
        pytest.param("anonymous", [], id="anonymous"),
    ],
)
def test_staff_see_their_teams_whole(territory, who, expected):
    users = {
        "educator": lambda: UserFactory(username="edu", teams=[territory["north"]]),
        "coordinator": lambda: UserFactory(username="coord", coordinator=True, teams=[territory["north"]]),
        "superuser": lambda: UserFactory(username="root", is_superuser=True),
        "empty-funder": lambda: funder("personne"),
        "anonymous": AnonymousUser,
    }
    rights = figure_rights(users[who]())
    assert names(rights.teams) == expected
    assert rights.is_empty == (not expected)
    if expected:
        assert rights.scope().communes is None
    else:
        assert rights.scope() is None


def test_a_funders_staff_communes_are_ignored_for_staff(territory):
    """A commune set on an educator's account (by mistake) does not widen what they see."""
    educator = UserFactory(username="edu", teams=[territory["north"]], communes=[territory["lens"]])
    assert names(figure_rights(educator).teams) == ["EMPS Nord"]


def test_published_bilans_follow_the_same_rights(territory):
    rights = figure_rights(funder("ville-lens", communes=[territory["lens"]]))
    assert rights.allows(territory["south"], territory["lens"])
    assert not rights.allows(territory["south"], None)  # the whole team bilan includes Liévin
    assert not rights.allows(territory["south"], territory["lievin"])
    assert not rights.allows(territory["north"], territory["henin"])
