"""Optimistic locking: the second of two concurrent edits is refused and nothing is overwritten.

Models carry a `version` integer. Forms send the version they were built from; saving bumps it
only if nobody saved in between, inside the same transaction as the save.
"""

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    def __init__(self, changed_fields):
        super().__init__(changed_fields)
        self.changed_fields = changed_fields


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite a record changed since the form was displayed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_version(self):
        """An edit must say which version it was built from: without it, it would overwrite blindly."""
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError(
                _(
                    "Le formulaire envoyé est incomplet (la version de la fiche manque) : rien n'a été "
                    "enregistré. Rechargez la page puis recommencez."
                ),
                code="missing_version",
            )
        return version

    def _changed_since(self, current):
        """Labels of the fields whose stored value differs from what the form was built from."""
        changed = []
        for name, field in self.fields.items():
            if name == "version" or name not in current:
                continue
            initial = self.get_initial_for_field(field, name)
            stored = current[name]
            if hasattr(initial, "__iter__") and not isinstance(initial, str):
                initial = sorted(getattr(v, "pk", v) for v in initial)
                stored = sorted(getattr(v, "pk", v) for v in stored)
            else:
                initial = getattr(initial, "pk", initial)
            if initial != stored:
                changed.append(str(field.label or name))
        return changed

    def _current_values(self):
        model = type(self.instance)
        fresh = model._default_manager.get(pk=self.instance.pk)
        values = {}
        for name in self.fields:
            try:
                model_field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form-only field
                continue
            if model_field.many_to_many:
                values[name] = list(getattr(fresh, name).values_list("pk", flat=True))
            else:
                values[name] = getattr(fresh, model_field.attname)
        return values

    def stale_error(self, changed):
        if changed:
            detail = _("Champs modifiés entre-temps : %(fields)s.") % {"fields": ", ".join(changed)}
        else:
            detail = ""
        return _(
            "Quelqu'un d'autre a enregistré cette fiche pendant que vous la modifiiez. "
            "Rien n'a été écrasé : vos saisies sont conservées ci-dessous. %(detail)s "
            "Vérifiez la fiche à jour puis enregistrez à nouveau."
        ) % {"detail": detail}

    def save(self, commit=True):
        if not self.instance.pk or not commit:
            return super().save(commit=commit)
        model = type(self.instance)
        expected = self.cleaned_data.get("version")
        if expected is None:
            expected = self.instance.version
        with transaction.atomic():
            bumped = model._default_manager.filter(pk=self.instance.pk, version=expected).update(
                version=F("version") + 1
            )
            if not bumped:
                changed = self._changed_since(self._current_values())
                self.add_error(None, self.stale_error(changed))
                # Refresh the hidden version so that a deliberate second save can go through.
                self.data = self.data.copy()
                self.data["version"] = model._default_manager.values_list("version", flat=True).get(pk=self.instance.pk)
                raise StaleEdit(changed)
            self.instance.version = expected + 1
            return super().save(commit=True)
