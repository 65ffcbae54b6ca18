import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from emps.journal import Action, log_access
from emps.models import AccessLog
from privacy.services import anonymisation_date, months_before, youths_due_for_anonymisation
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def at(day: datetime.date, hour: int = 3):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False)


@pytest.mark.parametrize(
    "day,months,expected",
    [
        pytest.param(datetime.date(2026, 3, 10), 24, datetime.date(2024, 3, 10), id="plain"),
        pytest.param(datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28), id="shorter-month"),
        pytest.param(datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28), id="leap-day"),
        pytest.param(datetime.date(2026, 1, 15), 13, datetime.date(2024, 12, 15), id="across-years"),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    "contact,due",
    [
        pytest.param("first_meeting", False, id="first-meeting-recent"),
        pytest.param("intervention", False, id="recent-intervention"),
        pytest.param("action", False, id="recent-collective-action"),
        pytest.param(None, True, id="no-contact-since-2023"),
    ],
)
def test_the_last_contact_is_the_latest_of_meeting_intervention_and_action(team, contact, due):
    recent = datetime.date(2025, 1, 5)
    youth = YouthFactory(team=team, first_met_on=recent if contact == "first_meeting" else datetime.date(2023, 1, 5))
    InterventionFactory(youth=youth, date=datetime.date(2023, 2, 1))
    if contact == "intervention":
        InterventionFactory(youth=youth, date=recent)
    if contact == "action":
        CollectiveActionFactory(team=team, date=recent, participants=[youth])
    assert youths_due_for_anonymisation(on=TODAY).filter(pk=youth.pk).exists() is due


@pytest.mark.parametrize(
    "kind,day,due",
    [
        pytest.param("intervention", datetime.date(2024, 3, 9), True, id="intervention-the-day-before"),
        pytest.param("intervention", datetime.date(2024, 3, 10), False, id="intervention-on-the-day"),
        pytest.param("action", datetime.date(2024, 3, 9), True, id="action-the-day-before"),
        pytest.param("action", datetime.date(2024, 3, 10), False, id="action-on-the-day"),
    ],
)
def test_a_contact_counts_to_the_day_at_the_end_of_the_retention_period(team, settings, kind, day, due):
    """The youths seen since the cutoff are set aside by year (the youth-year rows): a contact earlier in the
    cutoff's own year keeps the youth due, one on the cutoff day does not."""
    settings.EMPS_RETENTION_MONTHS = 24  # on 10 March 2026: a last contact before 10 March 2024 is due
    youth = YouthFactory(team=team, first_met_on=datetime.date(2023, 1, 5))
    InterventionFactory(youth=youth, date=datetime.date(2024, 1, 2))  # the same year, before the cutoff
    if kind == "intervention":
        InterventionFactory(youth=youth, date=day)
    else:
        CollectiveActionFactory(team=team, date=day, participants=[youth])
    assert youths_due_for_anonymisation(on=TODAY).filter(pk=youth.pk).exists() is due


def test_a_record_is_due_the_day_after_the_retention_period(team, settings):
    settings.EMPS_RETENTION_MONTHS = 24
    youth = YouthFactory(team=team, first_met_on=datetime.date(2024, 3, 10))
    assert anonymisation_date(datetime.date(2024, 3, 10)) == datetime.date(2026, 3, 11)
    assert not youths_due_for_anonymisation(on=datetime.date(2026, 3, 10)).exists()
    assert list(youths_due_for_anonymisation(on=datetime.date(2026, 3, 11))) == [youth]
    assert list(youths_due_for_anonymisation(on=datetime.date(2026, 2, 10), within_days=30)) == [youth]


def test_the_retention_setting_is_honoured(team, settings):
    YouthFactory(team=team, first_met_on=datetime.date(2025, 1, 5))
    settings.EMPS_RETENTION_MONTHS = 24
    assert not youths_due_for_anonymisation(on=TODAY).exists()
    settings.EMPS_RETENTION_MONTHS = 12
    assert youths_due_for_anonymisation(on=TODAY).count() == 1


def test_purge_expired_anonymises_old_records_purges_old_journal_entries_and_is_idempotent(team, educator):
    old = YouthFactory(team=team, first_name="Ancien", first_met_on=datetime.date(2023, 1, 5))
    active = YouthFactory(team=team, first_name="Actif", first_met_on=datetime.date(2023, 1, 5))
    InterventionFactory(youth=active, date=datetime.date(2025, 11, 2))
    with at(datetime.date(2024, 12, 1)):
        log_access(user=educator, action=Action.VIEW, obj=old)
    with at(datetime.date(2025, 6, 1)):
        log_access(user=educator, action=Action.VIEW, obj=active)

    out = io.StringIO()
    with at(TODAY):
        call_command("purge_expired", stdout=out)
    output = out.getvalue()
    assert "1 fiche(s) anonymisée(s)" in output
    assert "1 entrée(s) du journal des accès supprimée(s)" in output
    old.refresh_from_db()
    active.refresh_from_db()
    assert (old.first_name, old.anonymised_at is not None) == ("Anonyme", True)
    assert (active.first_name, active.anonymised_at) == ("Actif", None)
    # The entry of June 2025 stays (12 months), the anonymisation is journaled without a user.
    assert list(AccessLog.objects.order_by("at").values_list("action", "object_id", "username")) == [
        ("view", str(active.pk), "alice"),
        ("anonymise", str(old.pk), ""),
    ]

    out = io.StringIO()
    with at(TODAY):
        call_command("purge_expired", stdout=out)
    assert "0 fiche(s) anonymisée(s)" in out.getvalue()
    assert "0 entrée(s) du journal" in out.getvalue()
    assert AccessLog.objects.count() == 2


def test_purge_expired_dry_run_changes_nothing(team, educator):
    YouthFactory(team=team, first_name="Ancien", first_met_on=datetime.date(2023, 1, 5))
    with at(datetime.date(2024, 12, 1)):
        log_access(user=educator, action=Action.LOGIN)
    out = io.StringIO()
    with at(TODAY):
        call_command("purge_expired", "--dry-run", stdout=out)
    assert "[simulation] 1 fiche(s) à anonymiser" in out.getvalue()
    assert "[simulation] 1 entrée(s) du journal des accès à supprimer" in out.getvalue()
    assert Youth.objects.get().first_name == "Ancien"
    assert AccessLog.objects.count() == 1


def test_purge_expired_deletes_old_axes_login_records(educator):
    from axes.models import AccessFailureLog

    with at(datetime.date(2024, 12, 1)):
        AccessFailureLog.objects.create(username="alice", ip_address="10.0.0.1", user_agent="x", path_info="/")
    with at(datetime.date(2026, 3, 1)):
        AccessFailureLog.objects.create(username="alice", ip_address="10.0.0.1", user_agent="x", path_info="/")
    with at(TODAY):
        call_command("purge_expired", stdout=io.StringIO())
    assert AccessFailureLog.objects.count() == 1


def test_a_record_created_less_than_a_month_ago_is_never_purged(team):
    """A first meeting mistyped as 0001-01-01 (finding 9 of issue 26) waits for its correction."""
    with at(TODAY - datetime.timedelta(days=20)):
        mistyped = YouthFactory(team=team, first_met_on=datetime.date(1, 1, 1), created_on_first_meeting=False)
    with at(TODAY - datetime.timedelta(days=40)):
        older = YouthFactory(team=team, first_met_on=datetime.date(2001, 1, 1), created_on_first_meeting=False)
    with at(TODAY):
        call_command("purge_expired", stdout=io.StringIO())
    mistyped.refresh_from_db()
    older.refresh_from_db()
    assert mistyped.anonymised_at is None and mistyped.first_name != "Anonyme"
    assert older.first_name == "Anonyme"
    assert youths_due_for_anonymisation(on=TODAY + datetime.timedelta(days=11)).filter(pk=mistyped.pk).exists()
