import datetime

import pytest
from django import forms

from emps.journal import Action, log_access
from emps.locking import StaleEdit, VersionedModelForm
from emps.models import AccessLog
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = pytest.mark.django_db


def test_journal_entries_cannot_be_changed_or_deleted(educator):
    entry = log_access(user=educator, action=Action.VIEW, obj=YouthFactory(team=educator.teams.get()))
    assert (entry.object_type, entry.username) == ("youth", "alice")
    entry.detail = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(detail="x")
    assert AccessLog.objects.get().detail == ""


def test_only_entries_past_retention_are_purged(educator):
    log_access(user=educator, action=Action.LOGIN)
    assert AccessLog.objects.purge_older_than(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)) == 0
    assert AccessLog.objects.count() == 1


class YouthNameForm(VersionedModelForm):
    class Meta:
        model = Youth
        fields = ["first_name", "sex"]


def test_the_second_of_two_concurrent_edits_is_refused(team):
    youth = YouthFactory(team=team, first_name="Ana")
    first = YouthNameForm(
        instance=Youth.objects.get(pk=youth.pk), data={"first_name": "Anaïs", "sex": "F", "version": 1}
    )
    second = YouthNameForm(
        instance=Youth.objects.get(pk=youth.pk), data={"first_name": "Ana", "sex": "H", "version": 1}
    )
    assert first.is_valid() and second.is_valid()
    first.save()
    with pytest.raises(StaleEdit) as stale:
        second.save()
    assert stale.value.changed_fields == ["Prénom ou surnom", "Sexe"]
    assert "Quelqu'un d'autre a enregistré" in second.non_field_errors()[0]
    youth.refresh_from_db()
    assert (youth.first_name, youth.sex, youth.version) == ("Anaïs", "F", 2)


def test_a_form_field_that_is_not_on_the_model_is_ignored(team):
    class WithExtra(YouthNameForm):
        confirm = forms.BooleanField(required=False)

    youth = YouthFactory(team=team)
    form = WithExtra(instance=youth, data={"first_name": "Zoé", "sex": "F", "version": 1})
    assert form.is_valid()
    form.save()
    youth.refresh_from_db()
    assert youth.version == 2


def test_an_edit_without_its_version_is_refused(educator):
    youth = YouthFactory(team=educator.teams.get(), first_name="Kenza", sex="F")
    form = YouthNameForm(data={"first_name": "Écrasé", "sex": "H"}, instance=youth)
    assert not form.is_valid()
    assert "la version de la fiche manque" in str(form.errors)
    youth.refresh_from_db()
    assert (youth.first_name, youth.version) == ("Kenza", 1)
