import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.emps.factories import QuartierFactory
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory
from youths.enums import Level
from youths.models import SupportEpisode, Youth
from youths.services import youth_change_level, youth_create

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_reference_is_generated_with_the_team_prefix(team):
    first = YouthFactory(team=team)
    second = YouthFactory(team=team)
    assert (first.reference, second.reference) == ("HB-0001", "HB-0002")


def test_reference_is_unique_within_a_team_but_not_across_teams(team, other_team):
    YouthFactory(team=team, reference="X1")
    YouthFactory(team=other_team, reference="X1")
    refused(lambda: YouthFactory(team=team, reference="X1"))


@pytest.mark.parametrize("year", [1900, 2150])
def test_implausible_birth_year_is_refused(team, year):
    refused(lambda: YouthFactory(team=team, birth_year=year))


def test_birth_month_needs_a_year_and_a_real_month(team):
    refused(lambda: YouthFactory(team=team, birth_month=13))
    refused(lambda: YouthFactory(team=team, birth_year=None, birth_month=5))


def test_unknown_sex_is_refused(team):
    refused(lambda: YouthFactory(team=team, sex="X"))


def test_constraint_messages_are_in_french(team):
    youth = YouthFactory.build(team=team, commune=team.communes.first(), birth_year=1900, reference="R")
    with pytest.raises(ValidationError) as error:
        youth.full_clean()
    assert "L'année de naissance n'est pas plausible." in str(error.value)


def test_quartier_must_belong_to_the_commune(team):
    elsewhere = QuartierFactory()
    youth = YouthFactory.build(team=team, commune=team.communes.first(), quartier=elsewhere, reference="R")
    with pytest.raises(ValidationError) as error:
        youth.full_clean()
    assert "n'appartient pas à la commune" in str(error.value)


def test_episode_end_before_start_is_refused(team):
    youth = YouthFactory(team=team)
    refused(
        lambda: SupportEpisode.objects.create(
            youth=youth, level=Level.ASEP, started_on=datetime.date(2023, 5, 1), ended_on=datetime.date(2023, 4, 1)
        )
    )


def test_only_one_open_episode_per_youth(team):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 1, 1), ended_on=datetime.date(2023, 2, 1))
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 3, 1))
    refused(lambda: SupportEpisodeFactory(youth=youth, started_on=datetime.date(2024, 3, 1)))


@pytest.mark.parametrize(
    "start,end",
    [
        pytest.param(datetime.date(2023, 1, 15), datetime.date(2023, 1, 20), id="inside"),
        pytest.param(datetime.date(2022, 12, 1), datetime.date(2023, 1, 1), id="touching-first-day"),
        pytest.param(datetime.date(2023, 1, 31), None, id="open-from-last-day"),
    ],
)
def test_overlapping_episodes_are_refused_by_the_database(team, start, end):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 1, 1), ended_on=datetime.date(2023, 1, 31))
    refused(lambda: SupportEpisode.objects.create(youth=youth, level=Level.ASEP, started_on=start, ended_on=end))


def test_adjacent_episodes_are_accepted(team):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 1, 1), ended_on=datetime.date(2023, 1, 31))
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=datetime.date(2023, 2, 1))
    assert youth.episodes.count() == 2


def test_overlap_is_explained_in_french_by_clean(team):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, started_on=datetime.date(2023, 1, 1))
    episode = SupportEpisode(youth=youth, level=Level.PAEI, started_on=datetime.date(2023, 6, 1))
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert "chevauche" in str(error.value)


def test_change_level_closes_the_open_episode_and_opens_the_next(team):
    youth = youth_create(youth=YouthFactory.build(team=team, commune=team.communes.first()))
    youth_change_level(youth=youth, level=Level.PAEI, on=datetime.date(2023, 9, 1))
    episodes = list(youth.episodes.order_by("started_on").values_list("level", "started_on", "ended_on"))
    assert episodes == [
        (Level.ACCROCHE, datetime.date(2023, 6, 1), datetime.date(2023, 8, 31)),
        (Level.PAEI, datetime.date(2023, 9, 1), None),
    ]


def test_change_level_before_the_current_start_is_refused(team):
    youth = youth_create(youth=YouthFactory.build(team=team, commune=team.communes.first()))
    with pytest.raises(ValidationError):
        youth_change_level(youth=youth, level=Level.ASEP, on=datetime.date(2023, 5, 1))
    assert youth.episodes.count() == 1


def test_one_situation_per_youth_and_date(team):
    record = SituationRecordFactory(youth=YouthFactory(team=team))
    refused(lambda: SituationRecordFactory(youth=record.youth, started_on=record.started_on))


def test_personal_records_are_protected_from_cascading_deletes(team):
    youth = YouthFactory(team=team, with_episode=True)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        youth.delete()
    assert Youth.objects.filter(pk=youth.pk).exists()
