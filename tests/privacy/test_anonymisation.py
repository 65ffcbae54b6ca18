import datetime
import io

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models, transaction

from actions.models import CollectiveAction, Intervention
from demo.team import create_demo
from emps.locking import StaleEdit, VersionedModelForm
from emps.models import AccessLog
from privacy.services import (
    ANONYMOUS_FIRST_NAME,
    INTERVENTION_ERASED_FIELDS,
    INTERVENTION_KEPT_FIELDS,
    YOUTH_ERASED_FIELDS,
    YOUTH_KEPT_FIELDS,
    YOUTH_RELATED_MODELS,
    youth_anonymise,
)
from tests.privacy.figures import age_on, period_figures
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = pytest.mark.django_db


def test_anonymisation_erases_identity_and_notes_and_keeps_statistics(youth, coordinator):
    before = Youth.objects.values().get(pk=youth.pk)
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")

    youth.refresh_from_db()
    assert (youth.first_name, youth.last_name, youth.reference) == (ANONYMOUS_FIRST_NAME, "", "")
    assert (youth.birth_month, youth.informed_on) == (None, None)
    assert youth.anonymised_at is not None
    assert str(youth) == "Jeune anonymisé·e"
    kept = ["sex", "birth_year", "commune_id", "quartier_id", "origin_id", "referent_id", "first_met_on", "team_id"]
    assert {k: before[k] for k in kept} == {k: getattr(youth, k) for k in kept}
    intervention = youth.interventions.get()
    assert intervention.note == ""
    assert sorted(intervention.domains.values_list("code", flat=True)) == ["insertion", "sante"]
    assert intervention.partners.count() == 1
    assert youth.episodes.count() == 2 and youth.situations.count() == 1 and youth.actions.count() == 1


def test_the_change_history_keeps_no_name_nor_note(youth, coordinator):
    youth.first_name = "Inès-Sophie"
    youth.save()
    intervention = youth.interventions.get()
    intervention.note = "Autre note"
    intervention.save()
    assert Youth.history.filter(id=youth.pk, first_name="Inès").exists()

    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")

    names = set(Youth.history.filter(id=youth.pk).values_list("first_name", "last_name", "reference", "birth_month"))
    assert names == {(ANONYMOUS_FIRST_NAME, "", "", None)}
    assert set(Intervention.history.filter(id=intervention.pk).values_list("note", flat=True)) == {""}
    assert Youth.history.filter(id=youth.pk).count() == 3  # creation, one change, anonymisation


def test_the_admin_log_keeps_no_name(youth, coordinator):
    for model, pk in [(Youth, youth.pk), (Intervention, youth.interventions.get().pk)]:
        LogEntry.objects.create(
            user=coordinator,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(pk),
            object_repr=str(model.objects.get(pk=pk)),
            action_flag=CHANGE,
        )
    assert LogEntry.objects.filter(object_repr__contains="Inès").count() == 2
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")
    assert not LogEntry.objects.filter(object_repr__contains="Inès").exists()


def test_anonymisation_is_journaled_and_idempotent(youth, coordinator):
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")
    stamp = Youth.objects.get(pk=youth.pk).anonymised_at
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")
    entry = AccessLog.objects.get(action=AccessLog.Action.ANONYMISE)
    assert (entry.username, entry.object_type, entry.object_id, entry.team) == (
        "coordination",
        "youth",
        str(youth.pk),
        youth.team,
    )
    assert entry.detail == "Demande de la personne"
    assert Youth.objects.get(pk=youth.pk).anonymised_at == stamp


class YouthEditForm(VersionedModelForm):
    class Meta:
        model = Youth
        fields = ["first_name", "last_name"]


def test_an_edit_opened_before_the_anonymisation_cannot_write_the_name_back(youth, coordinator):
    form = YouthEditForm(
        instance=Youth.objects.get(pk=youth.pk), data={"first_name": "Inès", "last_name": "Martin", "version": 1}
    )
    assert form.is_valid()
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")
    with pytest.raises(StaleEdit):
        form.save()
    assert Youth.objects.get(pk=youth.pk).first_name == ANONYMOUS_FIRST_NAME


def _text_or_date_fields(model):
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(
            f, models.CharField | models.TextField | models.DateField | models.IntegerField | models.ForeignKey
        )
    }


@pytest.mark.parametrize(
    "model,erased,kept",
    [
        pytest.param(Youth, YOUTH_ERASED_FIELDS, YOUTH_KEPT_FIELDS, id="youth"),
        pytest.param(Intervention, INTERVENTION_ERASED_FIELDS, INTERVENTION_KEPT_FIELDS, id="intervention"),
    ],
)
def test_every_field_is_either_erased_or_kept_on_purpose(model, erased, kept):
    unclassified = _text_or_date_fields(model) - set(erased) - kept
    assert not unclassified, (
        f"{model.__name__} has fields that anonymisation neither erases nor keeps: {sorted(unclassified)}. "
        "Declare each one in privacy/services.py (erased if it can identify the young person)."
    )


def test_every_model_pointing_at_a_youth_is_handled_by_anonymisation():
    pointing = {
        rel.related_model
        for rel in Youth._meta.related_objects
        if not rel.related_model.__name__.startswith("Historical")
    }
    unhandled = pointing - set(YOUTH_RELATED_MODELS)
    assert not unhandled, (
        f"Models that point at a youth and that anonymisation ignores: {sorted(m.__name__ for m in unhandled)}. "
        "Erase their identifying fields in youth_anonymise and list them in YOUTH_RELATED_MODELS."
    )


PAST_PERIODS = [
    pytest.param(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), id="calendar-year"),
    pytest.param(datetime.date(2024, 5, 9), datetime.date(2024, 12, 31), id="seed-like-9-may-31-december"),
    pytest.param(datetime.date(2023, 1, 1), datetime.date(2024, 12, 31), id="two-years"),
    pytest.param(datetime.date(2024, 9, 1), datetime.date(2024, 12, 15), id="autumn-ending-in-december"),
]


class TestTheRetentionPurgeOnTheDemo:
    """The demo is built once for these tests and rolled back after them: each purges it in a savepoint."""

    @pytest.fixture(scope="class")
    def demo_team(self, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield create_demo(today=datetime.date(2024, 12, 31), publish=False)
            transaction.set_rollback(True)

    @pytest.mark.parametrize("start,end", PAST_PERIODS)
    def test_the_retention_purge_leaves_the_figures_of_past_periods_unchanged(self, demo_team, start, end):
        assert Youth.objects.exclude(birth_month=None).exists()
        before = period_figures(team=demo_team, start=start, end=end)
        assert before["youths"] > 40

        with time_machine.travel(datetime.datetime(2027, 6, 1, 3, 0, tzinfo=datetime.UTC), tick=False):
            call_command("purge_expired", stdout=io.StringIO())

        assert not Youth.objects.filter(anonymised_at=None).exists()
        assert not Youth.objects.exclude(birth_month=None).exists()
        assert period_figures(team=demo_team, start=start, end=end) == before


@pytest.mark.parametrize("month", range(1, 13))
def test_without_the_month_the_age_at_the_end_of_a_december_period_is_the_same(team, month):
    youth = YouthFactory(team=team, birth_year=2010, birth_month=month)
    ends = [datetime.date(2020 + n, 12, day) for n in range(8) for day in (1, 31)]
    before = [age_on(youth, end) for end in ends]
    youth.birth_month = None
    assert [age_on(youth, end) for end in ends] == before


def test_a_period_ending_before_december_can_move_an_anonymised_youth_by_one_year(team):
    """The documented limit (docs/dpo.md): only the year of birth is left, read as 1 July."""
    youth = YouthFactory(team=team, birth_year=2010, birth_month=3)
    assert age_on(youth, datetime.date(2023, 6, 30)) == 13
    youth.birth_month = None
    assert age_on(youth, datetime.date(2023, 6, 30)) == 12


def test_anonymisation_scrubs_the_names_from_the_actions_and_keeps_timestamps_to_the_month(youth, coordinator):
    action = youth.actions.get()
    CollectiveAction.objects.filter(pk=action.pk).update(
        title="Sortie Louvre-Lens avec Inès",
        description="INÈS et Lina ont guidé le groupe ; Martin aussi. Inèsa reste.",
    )
    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")

    action.refresh_from_db()
    assert action.title == "Sortie Louvre-Lens avec [anonyme]"
    assert action.description == "[anonyme] et Lina ont guidé le groupe ; [anonyme] aussi. Inèsa reste."
    youth.refresh_from_db()
    intervention = youth.interventions.get()
    history = [*youth.history.all(), *intervention.history.all()]
    moments = [youth.created_at, youth.updated_at, intervention.created_at, intervention.updated_at]
    for moment in moments + [row.history_date for row in history]:
        utc = moment.astimezone(datetime.UTC)
        assert (utc.day, utc.hour, utc.minute, utc.second) == (1, 0, 0, 0), moment
    # The dates the bilans count stay exact.
    assert (youth.first_met_on, intervention.date) == (datetime.date(2023, 3, 1), datetime.date(2023, 9, 12))
