"""Form building blocks shared by the workspace screens."""

import datetime
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emps.dates import validate_activity_date

# Radio buttons and tick boxes drawn as large tappable tiles (see includes/fields/tiles.html).
TILES = {"class": "btn-check"}


def validate_not_in_future(value: datetime.date) -> None:
    """Activity is recorded once it has happened: a date after today is a typing mistake."""
    if value and value > timezone.localdate():
        raise ValidationError(
            _("La date ne peut pas être dans le futur (%(date)s) : on enregistre ce qui a déjà eu lieu.")
            % {"date": value.strftime("%d/%m/%Y")},
            code="future",
        )


class QuickSelectMixin:
    """Writes a select's options here rather than by one template include each, and without Django's
    dictionary of attributes per option (`optgroups`): a federation's funder picks among 150 teams and
    communes, an administrator among hundreds of communes, quartiers and educators. Same HTML as Django's
    widget, option groups and multiple choices included (as `Select.optgroups`: the first matching option
    only is selected, unless multiple)."""

    def render(self, name, value, attrs=None, renderer=None):
        values = set(self.format_value(value))
        has_selected = False

        def option(option_value, label) -> str:
            nonlocal has_selected
            selected = (not has_selected or self.allow_multiple_selected) and str(option_value) in values
            has_selected |= selected
            return format_html(
                '<option value="{}"{}>{}</option>', str(option_value), " selected" if selected else "", label
            )

        parts = []
        for group_value, group_label in self.choices:
            group_value = "" if group_value is None else group_value
            if isinstance(group_label, list | tuple):
                options = "".join(option(*choice) for choice in group_label)
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_value, mark_safe(options)))
            else:
                parts.append(option(group_value, group_label))
        widget_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            widget_attrs["multiple"] = True
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget_attrs), mark_safe("".join(parts)))


class QuickSelect(QuickSelectMixin, forms.Select):
    """A select with many options (see QuickSelectMixin)."""


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    """A multiple select with many options (see QuickSelectMixin)."""


class DateInput(forms.DateInput):
    """A native date picker: the phone shows its own calendar."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PastDateField(forms.DateField):
    """A date of activity: today or earlier, not before 2000 (emps.dates), today by default."""

    widget = DateInput
    default_validators = [validate_not_in_future, validate_activity_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", timezone.localdate)
        super().__init__(**kwargs)


def sector_value(commune_id, quartier_id) -> str:
    """The SectorField value for a commune and an optional quartier."""
    if quartier_id:
        return f"q{quartier_id}"
    if commune_id:
        return f"c{commune_id}"
    return ""


LAST_SECTOR_SESSION_KEY = "emps_last_sector"


def last_sector(request) -> str:
    """The quartier of the user's previous entry: the next form offers it first."""
    return request.session.get(LAST_SECTOR_SESSION_KEY, "")


def remember_sector(request, record) -> None:
    request.session[LAST_SECTOR_SESSION_KEY] = sector_value(record.commune_id, record.quartier_id)


class SectorField(forms.ChoiceField):
    """One select for the commune and the quartier, quartiers grouped by commune.

    Cleans to a `(commune, quartier)` pair; quartier is None for "the whole commune".
    """

    widget = QuickSelect  # an administrator's select holds every quartier of the federation

    def __init__(self, *, communes, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Quartier"))
        super().__init__(**kwargs)
        self.set_communes(communes)

    def set_communes(self, communes):
        communes = list(communes.prefetch_related("quartiers"))
        self._communes = {f"c{c.pk}": c for c in communes}
        self._quartiers = {f"q{q.pk}": q for c in communes for q in c.quartiers.all()}
        choices = [("", _("Choisir un quartier…"))]
        for commune in communes:
            group = [
                (
                    f"q{q.pk}",
                    _("%(quartier)s (QPV)") % {"quartier": q.name} if q.is_qpv else q.name,
                )
                for q in commune.quartiers.all()
            ]
            group.append((f"c{commune.pk}", _("%(commune)s, quartier non précisé") % {"commune": commune.name}))
            choices.append((commune.name, group))
        self.choices = choices

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if value in self._quartiers:
            quartier = self._quartiers[value]
            return quartier.commune, quartier
        return self._communes[value], None


class SectorErrorsMixin:
    """Model errors on `commune` or `quartier` are shown on the form's single sector field."""

    def _update_errors(self, errors):
        error_dict = getattr(errors, "error_dict", None)
        if error_dict is not None:
            for name in ("commune", "quartier"):
                if name in error_dict:
                    error_dict.setdefault("sector", []).extend(error_dict.pop(name))
        super()._update_errors(errors)


class NextField(forms.CharField):
    """Where to go after saving: a local path only."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def safe_next(request, candidate: str | None, default: str) -> str:
    """`candidate` when it is another page of this site, else `default`."""
    if (
        candidate
        and candidate.startswith("/")
        and candidate.split("?")[0] != request.path
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def referer_path(request) -> str:
    """The path of the page the user came from, when it was one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return ""
    if parts.path == reverse("login"):
        return ""  # back from an expired session: the page before the log-in is unknown
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}) else ""
