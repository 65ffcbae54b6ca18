import factory

from emps.enums import Role
from emps.models import Commune, Partner, PartnerCategory, Quartier, Team, User


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Commune {n}")


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartier

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    is_qpv = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Équipe {n}")
    association = "Association de prévention"
    reference_prefix = factory.Sequence(lambda n: f"T{n}")

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if not create:
            return
        self.communes.set(extracted if extracted is not None else [CommuneFactory()])

    @factory.post_generation
    def financial_partners(self, create, extracted, **kwargs):
        """`financial_partners="A\nB"` (or a list of names): the team's funders, in this order."""
        if not create or not extracted:
            return
        from reports.models import FinancialPartner

        names = extracted.splitlines() if isinstance(extracted, str) else list(extracted)
        FinancialPartner.objects.bulk_create(
            FinancialPartner(team=self, name=name, order=n) for n, name in enumerate(names, start=1)
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.EDUCATOR
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    class Params:
        coordinator = factory.Trait(role=Role.COORDINATOR)
        funder = factory.Trait(role=Role.FUNDER)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)
        if create:
            self.save()

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    category = factory.LazyFunction(lambda: PartnerCategory.objects.order_by("order").first())
