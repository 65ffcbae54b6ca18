import hashlib
import io

import factory
from PIL import Image

from reports.models import BilanLogo, FinancialPartner
from tests.emps.factories import TeamFactory, UserFactory


def png_bytes(size=(120, 60), colour=(0, 83, 155), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG", **save_options)
    return out.getvalue()


class FinancialPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialPartner

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Financeur {n}")
    order = factory.Sequence(lambda n: n + 1)


class BilanLogoFactory(factory.django.DjangoModelFactory):
    """The association's logo by default; `financial_partner=...` for a partner's."""

    class Meta:
        model = BilanLogo

    team = factory.SubFactory(TeamFactory)
    png = factory.LazyFunction(png_bytes)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.png).hexdigest())
    width = 120
    height = 60
    updated_by = factory.SubFactory(UserFactory, coordinator=True)
