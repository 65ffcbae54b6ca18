"""The summaries of the interventions (per team and month, per youth and year, per youth, year and domain)
are brought up to date before they are read, on both databases, whatever writes the interventions and tags.

The dashboards and the bilan count from them: a summary gone wrong would show a wrong figure to the funders.
Each test writes as the application (or an import, a restore, an admin) does, then checks every summary
against a computation from scratch, and the figures a user reads.
"""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions.marks import marks_installed
from actions.models import (
    Domain,
    Intervention,
    InterventionDomain,
    InterventionMonth,
    SummaryMark,
    YouthYear,
    YouthYearDomain,
)
from actions.summaries import summaries_bring_up_to_date, summaries_differences, summaries_rebuild
from reports.builders import Scope, build_domains, build_monthly
from tests.actions.factories import InterventionFactory
from tests.concurrency import start_other_transaction
from tests.summaries import fresh
from tests.youths.factories import YouthFactory
from transfer.services import import_file

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def domains():
    return list(Domain.objects.order_by("order")[:3])


def months(team):
    return dict(fresh(InterventionMonth).filter(team=team).values_list("month", "interventions"))


def test_an_intervention_counts_in_its_team_month_and_youth_year(team, domains):
    youth = YouthFactory(team=team)
    InterventionFactory(youth=youth, date=D(2023, 5, 2), domains=domains[:2])
    InterventionFactory(youth=youth, date=D(2023, 5, 20), domains=domains[:1])
    InterventionFactory(youth=youth, date=D(2023, 9, 1), domains=domains[:1])
    assert months(team) == {D(2023, 5, 1): 2, D(2023, 9, 1): 1}
    assert list(fresh(YouthYear).values_list("youth", "year", "team", "first_on", "last_on", "interventions")) == [
        (youth.pk, 2023, team.pk, D(2023, 5, 2), D(2023, 9, 1), 3)
    ]
    by_domain = {
        row[0]: row[1:]
        for row in fresh(YouthYearDomain).values_list("domain", "first_on", "last_on", "tags", "team", "year")
    }
    assert by_domain == {
        domains[0].pk: (D(2023, 5, 2), D(2023, 9, 1), 3, team.pk, 2023),
        domains[1].pk: (D(2023, 5, 2), D(2023, 5, 2), 1, team.pk, 2023),
    }
    assert summaries_differences() == {}


def test_moving_and_deleting_interventions_updates_the_summaries(team, other_team, domains):
    youth, other = YouthFactory(team=team), YouthFactory(team=other_team)
    first = InterventionFactory(youth=youth, date=D(2023, 5, 2), domains=domains[:2])
    last = InterventionFactory(youth=youth, date=D(2023, 11, 3), domains=domains[:1])

    first.date = D(2024, 1, 15)  # to another month and year, through the form's save
    first.save()
    assert months(team) == {D(2023, 11, 1): 1, D(2024, 1, 1): 1}
    assert set(fresh(YouthYear).values_list("year", "first_on", "last_on")) == {
        (2023, D(2023, 11, 3), D(2023, 11, 3)),
        (2024, D(2024, 1, 15), D(2024, 1, 15)),
    }
    Intervention.objects.filter(pk=last.pk).update(youth=other)  # a queryset update: no save()
    assert months(team) == {D(2024, 1, 1): 1}
    assert months(other_team) == {D(2023, 11, 1): 1}
    assert summaries_differences() == {}

    first.domains.remove(domains[1])
    last.delete()
    first.delete()
    assert not fresh(InterventionMonth).exists()
    assert not fresh(YouthYear).exists()
    assert not fresh(YouthYearDomain).exists()


def test_a_youth_moving_to_another_team_takes_its_summaries_along(team, other_team, domains):
    youth = YouthFactory(team=team)
    for day in (D(2023, 5, 2), D(2023, 6, 2), D(2024, 2, 2)):
        InterventionFactory(youth=youth, date=day, domains=domains)
    youth.team = other_team
    youth.save()
    assert months(team) == {}
    assert months(other_team) == {D(2023, 5, 1): 1, D(2023, 6, 1): 1, D(2024, 2, 1): 1}
    assert set(fresh(YouthYear).values_list("team", flat=True)) == {other_team.pk}
    assert set(fresh(YouthYearDomain).values_list("team", flat=True)) == {other_team.pk}
    assert summaries_differences() == {}


def test_bulk_writes_as_the_import_does_are_counted(team, domains):
    youth = YouthFactory(team=team)
    created = Intervention.objects.bulk_create(
        [Intervention(youth=youth, date=D(2023, 3, day)) for day in range(1, 11)]
    )
    InterventionDomain.objects.bulk_create(
        InterventionDomain(intervention=intervention, domain=domain) for intervention in created for domain in domains
    )
    assert months(team) == {D(2023, 3, 1): 10}
    assert fresh(YouthYearDomain).filter(tags=10).count() == 3
    InterventionDomain.objects.filter(intervention__in=created[:4], domain=domains[0]).delete()
    Intervention.objects.filter(pk__in=[i.pk for i in created[8:]]).update(date=D(2023, 4, 1))
    assert months(team) == {D(2023, 3, 1): 8, D(2023, 4, 1): 2}
    assert summaries_differences() == {}


def test_an_import_leaves_its_summaries_written(team):
    """A file of interventions writes its summaries in its own transaction: the next page reads them as
    they are, with nothing marked left to write."""
    youths = [YouthFactory(team=team, reference=f"HB-00{n:02d}") for n in range(1, 4)]
    summaries_bring_up_to_date()
    rows = ["reference,date,domaines", *(f"{y.reference},0{n + 1}/03/2023,Scolarité" for n, y in enumerate(youths))]
    report = import_file(kind="interventions", data="\n".join(rows).encode(), filename="i.csv", team=team)
    assert report.imported, (report.file_error, report.errors)
    assert not SummaryMark.objects.exists()
    assert YouthYear.objects.filter(youth__in=youths, year=2023).count() == 3
    assert summaries_differences() == {}


def test_a_tag_moved_to_another_intervention_or_domain_is_counted_there(team, domains):
    youth, other = YouthFactory(team=team), YouthFactory(team=team)
    one = InterventionFactory(youth=youth, date=D(2023, 5, 2), domains=domains[:1])
    two = InterventionFactory(youth=other, date=D(2022, 5, 2), domains=[])
    InterventionDomain.objects.filter(intervention=one).update(intervention=two)
    assert list(fresh(YouthYearDomain).values_list("youth", "year", "tags")) == [(other.pk, 2022, 1)]
    InterventionDomain.objects.filter(intervention=two).update(domain=domains[2])
    assert list(fresh(YouthYearDomain).values_list("domain", flat=True)) == [domains[2].pk]
    assert summaries_differences() == {}


def test_a_restore_loading_a_youth_after_its_interventions_counts_them_then(team, domains):
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=D(2023, 9, 9), domains=domains)
    Intervention.objects.filter(pk=intervention.pk).update(youth_id=youth.pk + 1000)  # its youth, not yet there
    assert months(team) == {}
    assert summaries_differences() == {}
    YouthFactory(team=team, pk=youth.pk + 1000)
    assert months(team) == {D(2023, 9, 1): 1}
    assert summaries_differences() == {}


def test_random_writes_leave_every_summary_exact(team, other_team, domains):
    """A few hundred writes of every kind, in random order: the summaries equal a recomputation."""
    rng = random.Random(7)
    youths = [YouthFactory(team=rng.choice([team, other_team])) for _ in range(6)]
    interventions = []
    for step in range(300):
        action = rng.random()
        if action < 0.45 or not interventions:
            interventions.append(
                InterventionFactory(
                    youth=rng.choice(youths),
                    date=D(2022, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365)),
                    domains=rng.sample(domains, rng.randint(0, 3)),
                )
            )
        elif action < 0.6:
            intervention = rng.choice(interventions)
            intervention.date = D(2022, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
            intervention.save()
        elif action < 0.7:
            Intervention.objects.filter(pk=rng.choice(interventions).pk).update(youth=rng.choice(youths))
        elif action < 0.8:
            interventions.pop(rng.randrange(len(interventions))).delete()
        elif action < 0.9:
            rng.choice(interventions).domains.set(rng.sample(domains, rng.randint(0, 3)))
        else:
            youth = rng.choice(youths)
            youth.team = other_team if youth.team == team else team
            youth.save()
        if step % 50 == 49:
            assert summaries_differences() == {}, f"after step {step}"
    assert summaries_differences() == {}
    assert fresh(InterventionMonth).exists() and fresh(YouthYearDomain).exists()


def test_the_figures_read_from_the_summaries_follow_each_write(team, domains):
    """What the funders read: the monthly interventions and the domains table, right after each change."""
    scope, year = Scope.for_team(team), {"start": D(2023, 1, 1), "end": D(2023, 12, 31)}
    youth = YouthFactory(team=team)
    intervention = InterventionFactory(youth=youth, date=D(2023, 4, 10), domains=domains[:1])
    monthly = {row.month: row.interventions for row in build_monthly(scope=scope, **year) if row.interventions}
    assert monthly == {D(2023, 4, 1): 1}
    intervention.date = D(2023, 7, 10)
    intervention.save()
    monthly = {row.month: row.interventions for row in build_monthly(scope=scope, **year) if row.interventions}
    assert monthly == {D(2023, 7, 1): 1}
    intervention.domains.add(domains[1])
    table = build_domains(scope=scope, **year)
    assert {row.code: (row.total, row.youths) for row in table.rows if row.total} == {
        domains[0].code: (1, 1),
        domains[1].code: (1, 1),
    }
    intervention.delete()
    assert build_domains(scope=scope, **year).youths == 0


def test_rebuild_puts_right_a_summary_written_by_hand(team, domains):
    InterventionFactory(youth=YouthFactory(team=team), date=D(2023, 4, 10), domains=domains)
    fresh(InterventionMonth).update(interventions=5)
    fresh(YouthYearDomain).filter(domain=domains[0]).delete()
    assert summaries_differences() == {"actions_interventionmonth": (1, 1), "actions_youthyeardomain": (1, 0)}
    with pytest.raises(CommandError, match="actions_interventionmonth : 1 ligne"):
        call_command("rebuild_summaries", "--check")
    call_command("rebuild_summaries")
    assert summaries_differences() == {}
    assert months(team) == {D(2023, 4, 1): 1}
    call_command("rebuild_summaries", "--check")  # exact: exits normally


def test_rebuild_from_scratch_gives_the_rows_brought_up_to_date(team, domains):
    for day in range(1, 20):
        InterventionFactory(youth=YouthFactory(team=team), date=D(2023, 1 + day % 12, day), domains=domains[: day % 4])
    kept = {model: set(fresh(model).values_list("youth", "year")) for model in (YouthYear, YouthYearDomain)}
    summaries_rebuild()
    assert {model: set(model.objects.values_list("youth", "year")) for model in kept} == kept
    assert summaries_differences() == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_two_transactions_editing_one_youths_interventions_both_count(team):
    """Two educators move interventions of one youth and year at the same moment: neither waits for the
    other (each only appends marks), and the youth's year read afterwards counts both moves."""
    youth = YouthFactory(team=team)
    first = InterventionFactory(youth=youth, date=D(2023, 3, 1))
    second = InterventionFactory(youth=youth, date=D(2023, 6, 1))
    with transaction.atomic():
        Intervention.objects.filter(pk=first.pk).update(date=D(2023, 1, 15))
        educator, errors = start_other_transaction(
            lambda: Intervention.objects.filter(pk=second.pk).update(date=D(2023, 11, 30))
        )
        educator.join(10)
        assert not educator.is_alive()  # it did not wait for this transaction
    educator.join(10)
    assert not educator.is_alive()
    assert errors == []
    assert list(fresh(YouthYear).values_list("first_on", "last_on", "interventions")) == [
        (D(2023, 1, 15), D(2023, 11, 30), 2)
    ]
    assert summaries_differences() == {}


def test_bringing_the_summaries_up_to_date_costs_the_same_for_one_youth_or_forty(team, domains):
    """The first reader after a day of entries writes the marked youths' summaries again in batches: as
    many queries for forty youths as for one (of the same years)."""

    def refresh_queries(count: int) -> int:
        for _n in range(count):
            youth = YouthFactory(team=team, first_met_on=D(2023, 2, 1))
            InterventionFactory(youth=youth, date=D(2023, 5, 2), domains=domains[:2])
        with CaptureQueriesContext(connection) as captured:
            written = summaries_bring_up_to_date()
        assert written["actions_youthyear"] == count
        return len(captured.captured_queries)

    assert refresh_queries(1) == refresh_queries(40)
    with CaptureQueriesContext(connection) as captured:
        assert summaries_bring_up_to_date() == {}
    assert len(captured.captured_queries) == 1  # nothing marked: one query


def test_every_write_is_marked_and_nothing_else(team, domains):
    youth = YouthFactory(team=team)
    summaries_bring_up_to_date()
    assert not SummaryMark.objects.exists()
    intervention = InterventionFactory(youth=youth, date=D(2023, 5, 2))
    assert SummaryMark.objects.filter(youth_id=youth.pk, team_id=team.pk, day=D(2023, 5, 2)).exists()
    summaries_bring_up_to_date()
    Intervention.objects.filter(pk=intervention.pk).update(note="Texte libre")  # read by no summary
    assert not SummaryMark.objects.exists()
    Intervention.objects.filter(pk=intervention.pk).update(date=D(2024, 1, 3))
    assert set(SummaryMark.objects.values_list("day", flat=True)) == {D(2023, 5, 2), D(2024, 1, 3)}


def test_the_marking_triggers_come_back_after_any_migrate(team):
    """A SQLite migration that rebuilds a marked table drops its triggers: `migrate` puts them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER summary_mark ON actions_intervention")
        else:
            cursor.execute("DROP TRIGGER summary_mark_actions_intervention_insert")
    assert not marks_installed(connection)
    call_command("migrate", verbosity=0)
    assert marks_installed(connection)
    InterventionFactory(youth=YouthFactory(team=team), date=D(2023, 5, 2))
    assert summaries_differences() == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL")
def test_two_readers_bringing_the_summaries_up_to_date_at_once_take_turns(team):
    """Two requests read the bilan after the same entries: the second waits for the first to write the
    summaries, then finds nothing left to write; no error, no row written twice."""
    for day in range(1, 6):
        InterventionFactory(youth=YouthFactory(team=team), date=D(2023, 3, day))
    with transaction.atomic():
        written = summaries_bring_up_to_date()
        reader, errors = start_other_transaction(summaries_bring_up_to_date)
        reader.join(1.5)
        assert reader.is_alive()  # waiting for this transaction's summaries
    reader.join(10)
    assert (errors, written["actions_youthyear"]) == ([], 5)
    assert summaries_differences() == {}


def test_a_copy_trigger_dropped_by_a_migration_stops_migrate(team):
    """A copy trigger that a SQLite table rebuild dropped is not silently lost: `migrate` names it."""
    name = "intervention_team_copy"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {name}" + (" ON actions_intervention" if connection.vendor == "postgresql" else "")
        )
    with pytest.raises(CommandError, match=name):
        call_command("migrate", verbosity=0)
