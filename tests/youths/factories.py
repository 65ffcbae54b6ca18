import datetime

import factory
from django.utils import timezone

from tests.emps.factories import TeamFactory
from youths.enums import Level
from youths.models import Origin, Situation, SituationRecord, SupportEpisode, Youth


class YouthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Youth
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    sex = "H"
    birth_year = 2010
    birth_month = 3
    commune = factory.LazyAttribute(lambda o: o.team.communes.first())
    origin = factory.LazyFunction(lambda: Origin.objects.get(code="presence"))
    first_met_on = datetime.date(2023, 6, 1)

    class Params:
        female = factory.Trait(sex="F")
        with_episode = factory.Trait(
            episode=factory.RelatedFactory(
                "tests.youths.factories.SupportEpisodeFactory",
                factory_related_name="youth",
                started_on=factory.SelfAttribute("..first_met_on"),
            )
        )

    @factory.post_generation
    def created_on_first_meeting(obj, create, extracted, **kwargs):
        """The record was written the day of the first meeting, unless `created_on_first_meeting=False`
        (the purge spares a record created less than a month ago, whatever its dates)."""
        if not create or extracted is False:
            return
        first_met_on = obj.first_met_on
        if isinstance(first_met_on, str):
            first_met_on = datetime.date.fromisoformat(first_met_on)
        obj.created_at = timezone.make_aware(datetime.datetime.combine(first_met_on, datetime.time(12)))
        Youth.objects.filter(pk=obj.pk).update(created_at=obj.created_at)


class SupportEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportEpisode

    youth = factory.SubFactory(YouthFactory)
    level = Level.ACCROCHE
    started_on = factory.LazyAttribute(lambda o: o.youth.first_met_on)


class SituationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SituationRecord

    youth = factory.SubFactory(YouthFactory)
    situation = factory.LazyFunction(lambda: Situation.objects.get(code="scolarise"))
    started_on = factory.LazyAttribute(lambda o: o.youth.first_met_on)
