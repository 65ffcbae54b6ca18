import datetime

import pytest
from django.urls import reverse

from actions.models import Domain
from emps.models import AccessLog, Partner, PartnerCategory, QpvPeriod, Quartier
from tests.emps.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "who, expected",
    [
        pytest.param("coordinator", 200, id="coordinator"),
        pytest.param("educator", 403, id="educator"),
        pytest.param("funder", 403, id="funder"),
    ],
)
@pytest.mark.parametrize("slug", [None, "domaines", "partenaires", "quartiers"])
def test_reference_lists_are_for_coordinators(client, request, who, expected, slug):
    client.force_login(request.getfixturevalue(who))
    url = reverse("references:list", args=[slug]) if slug else reverse("references:index")
    assert client.get(url).status_code == expected


def test_an_administrator_adds_a_domain_and_deactivates_another(client, administrator, coordinator):
    client.force_login(administrator)
    response = client.post(
        reverse("references:list", args=["domaines"]), {"label": "Numérique", "order": 200, "is_active": "on"}
    )
    assert response.status_code == 302
    added = Domain.objects.get(label="Numérique")
    assert added.code == "numerique" and added.is_active
    justice = Domain.objects.get(code="justice")
    client.post(
        reverse("references:update", args=["domaines", justice.pk]), {"label": "Justice", "order": justice.order}
    )
    justice.refresh_from_db()
    assert not justice.is_active
    # Deactivated values leave the intervention form; the new one is offered.
    client.force_login(coordinator)
    labels = [
        d.label for d in client.get(reverse("actions:intervention_create")).context["form"].fields["domains"].queryset
    ]
    assert "Numérique" in labels and "Justice" not in labels


def test_a_duplicate_label_gets_a_french_message(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("references:list", args=["domaines"]), {"label": "Scolarité", "order": 1})
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()


def test_a_coordinator_adds_a_quartier_of_their_communes(client, administrator, coordinator, team, other_team):
    client.force_login(administrator)
    category = PartnerCategory.objects.get(code="sante")
    client.post(
        reverse("references:list", args=["partenaires"]),
        {"name": "CMP Hénin", "category": category.pk, "is_active": "on"},
    )
    assert Partner.objects.get(name="CMP Hénin").category == category
    client.force_login(coordinator)
    henin, lens = team.communes.get(), other_team.communes.get()
    client.post(
        reverse("references:list", args=["quartiers"]), {"commune": henin.pk, "name": "Kennedy", "is_qpv": "on"}
    )
    assert Quartier.objects.filter(commune=henin, name="Kennedy", is_qpv=True).exists()
    response = client.post(
        reverse("references:list", args=["quartiers"]), {"commune": lens.pk, "name": "Grande Résidence"}
    )
    assert "commune" in response.context["form"].errors
    assert not Quartier.objects.filter(name="Grande Résidence").exists()


def test_an_unknown_list_answers_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("references:list", args=["inconnue"])).status_code == 404


# Shared lists: administrators only, journaled for every team, with history (issue #26, finding 4) ----------


@pytest.mark.parametrize("slug", ["domaines", "partenaires", "categories-partenaires", "origines", "situations"])
def test_a_coordinator_reads_a_shared_list_but_cannot_add_to_it(client, coordinator, slug):
    client.force_login(coordinator)
    url = reverse("references:list", args=[slug])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200 and page.context["form"] is None
    assert "Ajouter une valeur" not in content and reverse("references:update", args=[slug, 1])[:-2] not in content
    assert "adressez-vous à l'administrateur" in content
    assert client.post(url, {"label": "Numérique", "order": 1, "is_active": "on"}).status_code == 403


def test_a_coordinator_cannot_rename_a_domain_every_bilan_counts(client, coordinator):
    client.force_login(coordinator)
    school = Domain.objects.get(code="scolarite")
    url = reverse("references:update", args=["domaines", school.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"label": "Renommé", "order": 1, "is_active": "on"}).status_code == 403
    school.refresh_from_db()
    assert school.label == "Scolarité" and not school.history.filter(history_type="~").exists()
    assert not AccessLog.objects.filter(object_type="domain").exists()


@pytest.mark.parametrize("flags", [{"is_superuser": True}, {"is_staff": True}], ids=["superuser", "staff"])
def test_an_administrators_change_is_journaled_for_every_team_with_history(client, team, other_team, flags):
    client.force_login(UserFactory(username="admin", **flags))
    school = Domain.objects.get(code="scolarite")
    response = client.post(
        reverse("references:update", args=["domaines", school.pk]),
        {"label": "Scolarité et formation", "order": school.order, "is_active": "on"},
    )
    assert response.status_code == 302
    lines = AccessLog.objects.filter(object_type="domain", object_id=str(school.pk))
    assert {line.team for line in lines} == {team, other_team}
    assert {(line.action, line.username, line.detail) for line in lines} == {
        ("update", "admin", "liste « Domaines travaillés » : libellé modifiés")
    }
    old, new = school.history.order_by("history_date")[:2]
    assert (old.label, new.label, new.history_user.username) == ("Scolarité", "Scolarité et formation", "admin")


def test_quartiers_another_team_uses_are_the_administrators(client, coordinator, team, other_team):
    henin, lens = team.communes.get(), other_team.communes.get()
    team.communes.add(lens)  # shared with the other team
    darcy = Quartier.objects.get(commune=henin, name="Darcy")
    shared = Quartier.objects.create(commune=lens, name="Grande Résidence", is_qpv=True, qpv_code="QN06201M")
    client.force_login(coordinator)
    page = client.get(reverse("references:list", args=["quartiers"]))
    rows = {row["item"].name: row["may_change"] for row in page.context["rows"]}
    assert rows == {"Darcy": True, "Grande Résidence": False}
    assert "Commun à une autre équipe" in page.content.decode()

    url = reverse("references:update", args=["quartiers", shared.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"commune": lens.pk, "name": "Grande Résidence"}).status_code == 403
    shared.refresh_from_db()
    assert shared.is_qpv

    response = client.post(
        reverse("references:update", args=["quartiers", darcy.pk]),
        {"commune": henin.pk, "name": "Darcy", "is_qpv": "on", "qpv_code": "QN06207M"},
    )
    assert response.status_code == 302
    line = AccessLog.objects.get(object_type="quartier", object_id=str(darcy.pk))
    assert (line.team, line.detail) == (team, "liste « Quartiers » : code QPV modifiés")
    assert darcy.history.count() == 2


def test_the_quartier_list_reads_in_a_few_queries(client, coordinator, team, other_team, django_assert_max_num_queries):
    lens = other_team.communes.get()
    team.communes.add(lens)
    for n in range(15):
        quartier = Quartier.objects.create(commune=lens, name=f"Quartier {n}")
        QpvPeriod.objects.create(quartier=quartier, valid_until=datetime.date(2023, 12, 31), is_qpv=True)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("references:list", args=["quartiers"]))
    assert len(page.context["rows"]) == 16


def test_an_administrators_change_in_the_admin_is_journaled_too(client, administrator, team, other_team):
    client.force_login(administrator)
    origin = PartnerCategory.objects.get(code="sante")
    response = client.post(
        reverse("admin:emps_partnercategory_change", args=[origin.pk]),
        {"code": origin.code, "label": "Santé et soins", "order": origin.order, "is_active": "on"},
    )
    assert response.status_code == 302
    lines = AccessLog.objects.filter(object_type="partnercategory")
    assert {line.team for line in lines} == {team, other_team}
    assert {line.detail for line in lines} == {"administration : libellé modifiés"}
    assert origin.history.count() == 2
    history = client.get(reverse("admin:emps_partnercategory_history", args=[origin.pk]))
    assert "Santé et soins" in history.content.decode()


def test_the_quartier_list_shows_the_dated_qpv_statuses(client, coordinator, team):
    """The priority-neighbourhood list changed on 1 January 2024: the list reads each dated status."""
    darcy = Quartier.objects.get(commune=team.communes.get(), name="Darcy")
    QpvPeriod.objects.create(
        quartier=darcy,
        valid_from=datetime.date(2015, 1, 1),
        valid_until=datetime.date(2023, 12, 31),
        is_qpv=True,
        qpv_code="QP062001",
    )
    QpvPeriod.objects.create(quartier=darcy, valid_from=datetime.date(2024, 1, 1), is_qpv=False)
    client.force_login(coordinator)
    page = client.get(reverse("references:list", args=["quartiers"]))
    content = page.content.decode()
    assert "Statuts QPV datés" in content
    assert "QPV QP062001 du 01/01/2015 au 31/12/2023 ; hors QPV depuis le 01/01/2024" in content
