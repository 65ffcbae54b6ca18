import pytest
from django.urls import reverse

from actions.models import Domain
from emps.models import Partner, PartnerCategory, Quartier

pytestmark = pytest.mark.django_db


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


def test_a_coordinator_adds_a_domain_and_deactivates_another(client, coordinator):
    client.force_login(coordinator)
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


def test_a_duplicate_label_gets_a_french_message(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("references:list", args=["domaines"]), {"label": "Scolarité", "order": 1})
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()


def test_a_coordinator_adds_a_partner_and_a_quartier_of_their_communes(client, coordinator, team, other_team):
    client.force_login(coordinator)
    category = PartnerCategory.objects.get(code="sante")
    client.post(
        reverse("references:list", args=["partenaires"]),
        {"name": "CMP Hénin", "category": category.pk, "is_active": "on"},
    )
    assert Partner.objects.get(name="CMP Hénin").category == category
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
