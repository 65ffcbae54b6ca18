import pytest
from django.db import IntegrityError, transaction

from actions.models import Domain
from tests.actions.factories import PresenceSessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_presence_duration_must_be_positive_and_within_a_day(team, minutes):
    with pytest.raises(IntegrityError), transaction.atomic():
        PresenceSessionFactory(team=team, duration_minutes=minutes)


def test_presence_of_a_full_day_is_accepted(team):
    assert PresenceSessionFactory(team=team, duration_minutes=24 * 60).duration_hours == 24


def test_presence_needs_at_least_one_educator(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        PresenceSessionFactory(team=team, educator_count=0)


def test_the_seed_domains_are_present_in_the_seed_order():
    assert list(Domain.objects.order_by("order").values_list("label", flat=True)) == [
        "Loisir / Sport / Culture",
        "Scolarité",
        "Santé / Bien être",
        "Insertion pro",
        "Logement / Hébergement",
        "Famille",
        "Mobilité",
        "Comportement",
        "Aide d'urgence",
        "Administratif",
        "Justice",
        "Formation",
    ]
