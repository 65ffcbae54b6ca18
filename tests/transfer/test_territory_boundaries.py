"""The territories import stays inside the importing team: another team's communes and quartiers are an
administrator's (issue #26, finding 3: one quartier turned non-QPV moved a neighbour's QPV share)."""

import datetime

import pytest

from emps.models import Commune, Partner, Quartier
from reports.builders import Scope, build_qpv_share
from tests.emps.factories import CommuneFactory, PartnerFactory, UserFactory
from tests.transfer.helpers import error_texts, run_import
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

HEADER = ["equipe", "commune", "quartier", "qpv", "code_qpv"]
PERIOD = {"start": datetime.date(2023, 1, 1), "end": datetime.date(2023, 12, 31)}


@pytest.fixture
def lens(other_team):
    """The other team's commune, with one QPV and one ordinary quartier, and its youths in both."""
    commune = other_team.communes.get(name="Lens")
    qpv = Quartier.objects.create(commune=commune, name="Grande Résidence", is_qpv=True, qpv_code="QN06201M")
    centre = Quartier.objects.create(commune=commune, name="Centre")
    for quartier in (qpv, qpv, qpv, centre, centre):
        YouthFactory(team=other_team, commune=commune, quartier=quartier)
    return commune


@pytest.fixture
def coordinator_user(team):
    return UserFactory(username="coordination", coordinator=True, teams=[team])


def qpv_percent(team):
    return build_qpv_share(scope=Scope(teams=(team,)), **PERIOD).in_qpv_percent


def test_a_coordinator_cannot_take_a_neighbours_commune_nor_change_its_quartiers(
    team, other_team, lens, coordinator_user
):
    before = qpv_percent(other_team)
    rows = [
        HEADER,
        ["", "Lens", "", "", ""],
        ["", "Lens", "Grande Résidence", "non", ""],
    ]
    report = run_import("territoires", rows, team, user=coordinator_user)
    assert error_texts(report) == [
        "2|commune|Lens|La commune « Lens » est déjà couverte par l'équipe « Autre équipe » : seul un "
        "administrateur peut la rattacher à une autre équipe.",
        "3|commune|Lens|La commune « Lens » est déjà couverte par l'équipe « Autre équipe » : seul un "
        "administrateur peut la rattacher à une autre équipe.",
    ]
    assert not team.communes.filter(name="Lens").exists()
    assert Quartier.objects.get(name="Grande Résidence").is_qpv
    assert qpv_percent(other_team) == before


def test_a_commune_shared_with_another_team_keeps_its_quartiers(team, other_team, lens, coordinator_user):
    """Even where the commune is already shared, the other team's quartier is not the coordinator's to change."""
    team.communes.add(lens)
    before = qpv_percent(other_team)
    rows = [HEADER, ["", "Lens", "Grande Résidence", "non", ""], ["", "Lens", "Centre", "oui", "QN06202M"]]
    report = run_import("territoires", rows, team, user=coordinator_user)
    assert error_texts(report) == [
        "2|quartier|Grande Résidence|Le quartier « Grande Résidence » sert aussi à l'équipe « Autre équipe » : "
        "seul un administrateur peut le modifier.",
        "3|quartier|Centre|Le quartier « Centre » sert aussi à l'équipe « Autre équipe » : seul un administrateur "
        "peut le modifier.",
    ]
    assert list(Quartier.objects.filter(commune=lens).order_by("name").values_list("is_qpv", flat=True)) == [
        False,
        True,
    ]
    assert qpv_percent(other_team) == before == 60


def test_a_coordinator_still_manages_their_own_territory(team, other_team, lens, coordinator_user):
    team.communes.add(lens)
    orphan = CommuneFactory(name="Liévin")  # covered by no team: anyone may take it
    rows = [
        HEADER,
        ["", "Hénin-Beaumont", "Darcy", "oui", "QN06207M"],  # only this team uses it
        ["", "Courrières", "Centre", "non", ""],  # a new commune
        ["", "Lens", "Cité 12", "oui", "QN06203M"],  # a new quartier in a shared commune
        ["", "Liévin", "", "", ""],
    ]
    report = run_import("territoires", rows, team, user=coordinator_user)
    assert report.ok, error_texts(report)
    assert Quartier.objects.get(name="Darcy").is_qpv
    assert set(team.communes.values_list("name", flat=True)) == {"Hénin-Beaumont", "Lens", "Courrières", "Liévin"}
    assert Commune.objects.get(pk=orphan.pk).teams.get() == team
    assert Quartier.objects.get(name="Cité 12").is_qpv


def test_a_coordinator_of_both_teams_may_change_what_they_share(team, other_team, lens):
    both = UserFactory(username="coordination-commune", coordinator=True, teams=[team, other_team])
    rows = [HEADER, ["", "Lens", "Grande Résidence", "non", ""]]
    report = run_import("territoires", rows, team, teams=[team, other_team], user=both)
    assert report.ok, error_texts(report)
    assert not Quartier.objects.get(name="Grande Résidence").is_qpv


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_an_administrator_links_and_changes_shared_territory(team, other_team, lens, flag):
    admin = UserFactory(username="admin", teams=[], **{flag: True})
    rows = [HEADER, ["", "Lens", "", "", ""], ["", "Lens", "Grande Résidence", "non", ""]]
    report = run_import("territoires", rows, team, user=admin)
    assert report.ok, error_texts(report)
    assert team.communes.filter(name="Lens").exists()
    assert not Quartier.objects.get(name="Grande Résidence").is_qpv
    assert qpv_percent(other_team) == 0


def test_a_coordinators_partner_file_adds_partners_but_changes_none(team, coordinator_user):
    PartnerFactory(name="CLLAJ")
    before = Partner.objects.get(name="CLLAJ").category
    rows = [["nom", "categorie"], ["CLLAJ", "Logement"], ["Planning Familial", "santé"]]
    report = run_import("partenaires", rows, user=coordinator_user, teams=[team])
    assert error_texts(report) == [
        "2|categorie|Logement|Le partenaire « CLLAJ » est commun à toutes les équipes : seul un administrateur "
        "peut changer son nom ou sa catégorie."
    ]
    assert Partner.objects.get(name="CLLAJ").category == before
    new_only = run_import("partenaires", [rows[0], rows[2]], user=coordinator_user, teams=[team])
    assert new_only.ok and new_only.created == 1
