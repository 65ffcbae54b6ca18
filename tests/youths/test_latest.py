"""Each youth's latest episodes and situation (`YouthLatest`) are kept exact by the database's triggers,
on both databases, and the youth tables read the same level and situation from them as from the
episodes and records themselves, for any period.

The level and situation of every youth decide the bilan's and the dashboards' youth tables: a row gone
wrong, or a shortcut taken when it does not decide the rule, would show a wrong figure to the funders.
"""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from actions.summaries import summaries_differences, summaries_rebuild
from reports.builders.youths import level_expression, level_from_episodes, situation_expression, situation_from_records
from tests.concurrency import start_other_transaction
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory
from youths.enums import Level
from youths.models import Situation, SituationRecord, SupportEpisode, Youth, YouthLatest

pytestmark = pytest.mark.django_db

D = datetime.date


def latest(youth):
    return YouthLatest.objects.filter(youth=youth).values().first()


def rule_differences(youths, start, end) -> list:
    """Youths whose level or situation for the period differs between the shortcut and the records."""
    rows = (
        Youth.objects.filter(pk__in=[y.pk for y in youths])
        .annotate(
            level=level_expression(start, end),
            level_read=level_from_episodes(start, end),
            situation_in_force=situation_expression(end),
            situation_read=situation_from_records(end),
        )
        .values_list("pk", "level", "level_read", "situation_in_force", "situation_read")
    )
    return [row for row in rows if row[1] != row[2] or row[3] != row[4]]


def test_a_youths_row_holds_the_two_latest_episodes_and_the_latest_situation(team):
    youth = YouthFactory(team=team)
    assert latest(youth) is None  # neither an episode nor a situation yet
    SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, started_on=D(2022, 1, 10), ended_on=D(2022, 6, 30))
    SupportEpisodeFactory(youth=youth, level=Level.PAEI, started_on=D(2022, 9, 1), ended_on=D(2023, 3, 31))
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=D(2023, 4, 1))
    scolarise = Situation.objects.get(code="scolarise")
    SituationRecordFactory(youth=youth, situation=scolarise, started_on=D(2022, 1, 10))
    other = Situation.objects.exclude(pk=scolarise.pk).first()
    SituationRecordFactory(youth=youth, situation=other, started_on=D(2023, 9, 1))

    assert latest(youth) == {
        "youth_id": youth.pk,
        "episode_level": "asep",
        "episode_started_on": D(2023, 4, 1),
        "episode_ended_on": None,
        "previous_level": "paei",
        "previous_started_on": D(2022, 9, 1),
        "previous_ended_on": D(2023, 3, 31),
        "earlier_open": 0,
        "earlier_last_end": D(2022, 6, 30),
        "situation_id": other.pk,
        "situation_started_on": D(2023, 9, 1),
    }
    assert summaries_differences() == {}


def test_every_kind_of_write_keeps_the_rows_exact(team, other_team):
    youth, other = YouthFactory(team=team), YouthFactory(team=other_team)
    first = SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, started_on=D(2023, 1, 5), ended_on=D(2023, 5, 1))
    second = SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=D(2023, 6, 1))
    record = SituationRecordFactory(youth=youth, started_on=D(2023, 1, 5))
    assert summaries_differences() == {}

    second.level = Level.PAEI  # through the form's save
    second.ended_on = D(2024, 2, 1)
    second.save()
    assert latest(youth)["episode_level"] == "paei"
    assert latest(youth)["episode_ended_on"] == D(2024, 2, 1)

    SupportEpisode.objects.filter(pk=first.pk).update(level=Level.ASEP)  # a queryset update
    assert latest(youth)["previous_level"] == "asep"

    SupportEpisode.objects.bulk_create(  # an import
        [
            SupportEpisode(youth=other, level=Level.ACCROCHE, started_on=D(2022, 3, 1), ended_on=D(2022, 4, 1)),
            SupportEpisode(youth=other, level=Level.ASEP, started_on=D(2022, 5, 1)),
        ]
    )
    assert latest(other)["episode_level"] == "asep"
    assert latest(other)["previous_level"] == "accroche"

    second.delete()
    assert latest(youth)["episode_level"] == "asep"  # the first one is the latest again
    assert latest(youth)["previous_level"] is None

    SituationRecord.objects.filter(pk=record.pk).update(youth=other)  # a record moved to another youth
    assert latest(youth)["situation_id"] is None
    assert latest(other)["situation_started_on"] == D(2023, 1, 5)

    SupportEpisode.objects.filter(youth=youth).delete()
    assert latest(youth) is None  # neither left
    SituationRecord.objects.all().delete()
    SupportEpisode.objects.all().delete()
    assert not YouthLatest.objects.exists()
    assert summaries_differences() == {}


def test_a_failed_write_leaves_the_rows_as_they_were(team):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=D(2023, 1, 5))
    before = latest(youth)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (the overlap trigger's error, by database)
        SupportEpisode.objects.bulk_create(
            [
                SupportEpisode(youth=youth, level=Level.ACCROCHE, started_on=D(2020, 1, 1), ended_on=D(2020, 2, 1)),
                SupportEpisode(youth=youth, level=Level.PAEI, started_on=D(2023, 2, 1)),  # overlaps: refused
            ]
        )
    assert latest(youth) == before
    assert summaries_differences() == {}


def random_history(youth, rng: random.Random, situations) -> None:
    """Non-overlapping episodes from 2019 on, the last one sometimes open, and dated situations."""
    day = D(2019, 1, 1) + datetime.timedelta(days=rng.randrange(400))
    count = rng.randrange(7)
    for index in range(count):
        ended_on = day + datetime.timedelta(days=rng.randrange(0, 300))
        is_open = index == count - 1 and rng.random() < 0.5
        SupportEpisode.objects.create(
            youth=youth, level=rng.choice(Level.values), started_on=day, ended_on=None if is_open else ended_on
        )
        if is_open:
            break
        day = ended_on + datetime.timedelta(days=rng.randrange(1, 120))
    for started_on in sorted({D(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2500)) for _ in range(3)}):
        if rng.random() < 0.7:
            SituationRecord.objects.create(youth=youth, situation=rng.choice(situations), started_on=started_on)


def test_the_youth_tables_read_the_same_level_and_situation_as_from_the_records(team):
    rng = random.Random(8)
    situations = list(Situation.objects.all())
    youths = [YouthFactory(team=team) for _ in range(60)]
    for youth in youths:
        random_history(youth, rng, situations)
    assert summaries_differences() == {}
    # Whole years, years to date, twelve months, short and long periods, before and after the records.
    periods = [(D(year, 1, 1), D(year, 12, 31)) for year in range(2018, 2027)]
    periods += [(D(2024, 1, 1), D(2024, 5, 15)), (D(2023, 12, 1), D(2024, 11, 30)), (D(2019, 6, 1), D(2026, 6, 1))]
    for _ in range(40):
        start = D(2018, 6, 1) + datetime.timedelta(days=rng.randrange(3000))
        periods.append((start, start + datetime.timedelta(days=rng.randrange(0, rng.choice([40, 400, 2000])))))
    for start, end in periods:
        assert rule_differences(youths, start, end) == [], (start, end)


def test_random_writes_keep_the_rows_exact_and_the_rule_unchanged(team, other_team):
    rng = random.Random(3)
    situations = list(Situation.objects.all())
    youths = [YouthFactory(team=rng.choice([team, other_team])) for _ in range(12)]
    for youth in youths:
        random_history(youth, rng, situations)
    for _ in range(120):
        action = rng.random()
        episodes = list(SupportEpisode.objects.all())
        records = list(SituationRecord.objects.all())
        if action < 0.3 and episodes:
            rng.choice(episodes).delete()
        elif action < 0.5 and episodes:
            episode = rng.choice(episodes)
            SupportEpisode.objects.filter(pk=episode.pk).update(level=rng.choice(Level.values))
        elif action < 0.7 and records:
            record = rng.choice(records)
            record.situation = rng.choice(situations)
            record.save()
        elif action < 0.8 and records:
            SituationRecord.objects.filter(pk=rng.choice(records).pk).delete()
        else:
            youth = rng.choice(youths)
            with transaction.atomic():
                SupportEpisode.objects.filter(youth=youth).delete()
                SituationRecord.objects.filter(youth=youth).delete()
                random_history(youth, rng, situations)
    assert summaries_differences() == {}
    for start, end in [
        (D(2021, 1, 1), D(2021, 12, 31)),
        (D(2024, 3, 1), D(2025, 2, 28)),
        (D(2019, 5, 1), D(2019, 5, 1)),
    ]:
        assert rule_differences(youths, start, end) == []


def test_the_command_finds_and_mends_a_wrong_row(team, capsys):
    youth = YouthFactory(team=team)
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=D(2023, 1, 5))
    YouthLatest.objects.filter(youth=youth).update(episode_level=Level.PAEI)  # as a bypassed trigger would leave it
    with pytest.raises(CommandError, match="youths_youthlatest : 1 ligne"):
        call_command("rebuild_summaries", "--check")
    call_command("rebuild_summaries")
    assert latest(youth)["episode_level"] == "asep"
    call_command("rebuild_summaries", "--check")
    assert "Synthèses exactes." in capsys.readouterr().out
    assert summaries_rebuild()["youths_youthlatest"] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_two_transactions_writing_one_youths_situations_take_turns(team):
    """The second waits for the first to commit, then recomputes the youth's row with both records: without
    the youth's row lock in the trigger, it would compute without the first record, or collide with it."""
    youth = YouthFactory(team=team)
    scolarise, other = Situation.objects.order_by("pk")[:2]
    with transaction.atomic():
        SituationRecord.objects.create(youth=youth, situation=scolarise, started_on=D(2023, 1, 1))
        writer, errors = start_other_transaction(
            lambda: SituationRecord.objects.create(youth_id=youth.pk, situation=other, started_on=D(2024, 1, 1))
        )
        writer.join(0.5)
        assert writer.is_alive()  # waiting for this transaction
    writer.join(10)
    assert not writer.is_alive()
    assert errors == []
    assert latest(youth)["situation_id"] == other.pk
    assert latest(youth)["situation_started_on"] == D(2024, 1, 1)
    assert summaries_differences() == {}
