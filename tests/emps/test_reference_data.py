import pytest

from emps.models import PartnerCategory
from youths.models import EndReason, Origin, Situation

pytestmark = pytest.mark.django_db


def test_origins_situations_and_end_reasons_are_seeded():
    assert list(Origin.objects.values_list("label", flat=True)) == ["Présence sociale", "Partenaire", "Tiers"]
    assert set(Situation.objects.values_list("code", flat=True)) == {
        "scolarise",
        "formation",
        "emploi",
        "rupture",
        "autre",
    }
    assert EndReason.objects.filter(code="changement-niveau").exists()
    assert PartnerCategory.objects.count() >= 8
