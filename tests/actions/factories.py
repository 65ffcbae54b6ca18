import datetime

import factory

from actions.enums import ActionKind, Carrying, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from tests.emps.factories import TeamFactory
from tests.youths.factories import YouthFactory


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention
        skip_postgeneration_save = True

    youth = factory.SubFactory(YouthFactory)
    date = datetime.date(2023, 6, 15)

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if create:
            self.domains.set(extracted if extracted is not None else [Domain.objects.order_by("order").first()])


class CollectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveAction
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    date = datetime.date(2023, 7, 10)
    title = factory.Sequence(lambda n: f"Action {n}")
    kind = ActionKind.WORKSHOP
    carrying = Carrying.INITIATED
    commune = factory.LazyAttribute(lambda o: o.team.communes.first())

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


class PresenceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresenceSession

    team = factory.SubFactory(TeamFactory)
    date = datetime.date(2023, 7, 11)
    duration_minutes = 120
    place = Place.STREET
    commune = factory.LazyAttribute(lambda o: o.team.communes.first())


class PartnerMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMeeting

    team = factory.SubFactory(TeamFactory)
    date = datetime.date(2023, 9, 1)
    title = "Réunion partenariale"
