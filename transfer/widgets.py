"""django-import-export widgets for French spreadsheets.

Every widget raises ValueError with a French message naming the bad value, so that the
resource reports it against its row and column. Blank cells clean to the widget's `empty`
value; whether a blank is allowed is the resource's business (required columns).
`render` gives back the exact text the import accepts, so that an export imports unchanged.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from emps.dates import MIN_ACTIVITY_DATE, too_early_message
from emps.durations import parse_duration
from transfer.text import join_list, normalise, split_list, tidy, unknown_message

MIN_BIRTH_YEAR = 1950
MAX_COUNT = 10_000


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


class CellWidget(widgets.Widget):
    """Base widget: blank cells give `empty`, others go through `parse`; bound to the import context."""

    empty = None

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self.context = None

    def bind(self, context) -> None:
        self.context = context

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.empty
        return self.parse(value, row or {})

    def parse(self, value, row):
        return value

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TextWidget(CellWidget):
    empty = ""

    def __init__(self, max_length: int, *, multiline: bool = False):
        super().__init__()
        self.max_length = max_length
        self.multiline = multiline

    def parse(self, value, row):
        if isinstance(value, datetime.date | datetime.datetime):
            text = _show(value)
        else:
            text = str(value).strip() if self.multiline else tidy(value)
        if len(text) > self.max_length:
            raise ValueError(
                _("Texte trop long : %(length)s caractères pour %(max)s au plus.")
                % {"length": len(text), "max": self.max_length}
            )
        return text


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")


def _make_date(year: int, month: int, day: int, raw) -> datetime.date:
    if year < 100:
        raise ValueError(_("Date « %(value)s » : écrivez l'année sur 4 chiffres (JJ/MM/AAAA).") % {"value": raw})
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise ValueError(_("Date impossible : « %(value)s » n'existe pas.") % {"value": raw}) from error


def parse_date(value) -> datetime.date:
    """JJ/MM/AAAA, AAAA-MM-JJ or a native spreadsheet date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = _show(value)
    if match := _DMY.match(raw):
        day, month, year = (int(g) for g in match.groups())
        return _make_date(year, month, day, raw)
    if match := _YMD.match(raw):
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, raw)
    raise ValueError(
        _("Date « %(value)s » illisible : écrivez-la JJ/MM/AAAA (par exemple 15/06/2023).") % {"value": raw}
    )


class DateWidget(CellWidget):
    """A day of activity: not in the future, not before 2000."""

    def parse(self, value, row):
        date = parse_date(value)
        today = self.context.today
        if date > today:
            raise ValueError(_("Date dans le futur : %(date)s.") % {"date": date.strftime("%d/%m/%Y")})
        if date < MIN_ACTIVITY_DATE:
            raise ValueError(too_early_message(date))
        return date

    def render(self, value, obj=None, **kwargs):
        return value


class BirthWidget(CellWidget):
    """JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA or AAAA; only the month and year are kept (CNIL minimisation)."""

    def parse(self, value, row):
        if isinstance(value, datetime.date | datetime.datetime):
            year, month = value.year, value.month
        elif isinstance(value, int):
            year, month = value, None
        else:
            raw = _show(value)
            if match := _MY.match(raw):
                month, year = int(match[1]), int(match[2])
                _make_date(year, month, 1, raw)
            elif match := _YM.match(raw):
                year, month = int(match[1]), int(match[2])
                _make_date(year, month, 1, raw)
            elif _Y.match(raw):
                year, month = int(raw), None
            elif _DMY.match(raw) or _YMD.match(raw):
                date = parse_date(raw)
                year, month = date.year, date.month
            else:
                raise ValueError(
                    _("Date de naissance « %(value)s » illisible : écrivez MM/AAAA, AAAA ou JJ/MM/AAAA.")
                    % {"value": raw}
                )
        today = self.context.today
        if year < MIN_BIRTH_YEAR:
            raise ValueError(
                _("Date de naissance invraisemblable : %(value)s (avant %(min)s).")
                % {"value": _show(value), "min": MIN_BIRTH_YEAR}
            )
        if (year, month or 1) > (today.year, today.month):
            raise ValueError(_("Date de naissance dans le futur : %(value)s.") % {"value": _show(value)})
        return (year, month)

    def render(self, value, obj=None, **kwargs):
        if not value or value[0] is None:
            return ""
        year, month = value
        return f"{month:02d}/{year}" if month else str(year)


class DurationWidget(CellWidget):
    """A duration read by emps.durations: 2, 1,5, 1.5, 1h30, 1 h 30, 1:30 or 90 min. Cleans to minutes.

    Spreadsheet cells typed as numbers are hours, as times or time spans their hours and minutes."""

    def parse(self, value, row):
        if isinstance(value, datetime.time):
            value = f"{value.hour}:{value.minute:02d}"
        elif isinstance(value, datetime.timedelta):
            value = f"{round(value.total_seconds() / 60)} min"
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            value = format(Decimal(str(value)), "f")
        return parse_duration(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        hours, minutes = divmod(int(value), 60)
        return f"{hours}h{minutes:02d}" if minutes else str(hours)


class TimeWidget(CellWidget):
    """A time of day: 18:30, 18h30, 18 h 30 or 18h; spreadsheet cells typed as times too. Empty: none."""

    def parse(self, value, row):
        if isinstance(value, datetime.datetime):
            value = value.time()
        if isinstance(value, datetime.time):
            return value.replace(second=0, microsecond=0)
        raw = _show(value)
        match = re.fullmatch(r"(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?", raw.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
            raise ValueError(_("Heure illisible : « %(value)s » (par exemple 18:30 ou 18h30).") % {"value": raw})
        return datetime.time(int(match.group(1)), int(match.group(2) or 0))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.strftime("%H:%M")


class CountWidget(CellWidget):
    """A whole number from 0 to MAX_COUNT."""

    def parse(self, value, row):
        raw = _show(value)
        try:
            number = Decimal(raw.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(_("« %(value)s » n'est pas un nombre entier.") % {"value": raw}) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("« %(value)s » n'est pas un nombre entier.") % {"value": raw})
        if number < 0:
            raise ValueError(_("Nombre négatif : « %(value)s ».") % {"value": raw})
        if number > MAX_COUNT:
            raise ValueError(_("Nombre invraisemblable : « %(value)s ».") % {"value": raw})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(CellWidget):
    """A value of a fixed list, matched on its spelling in files or any synonym, without case or accents."""

    empty = ""

    def __init__(self, options: Sequence[tuple[object, str, Sequence[str]]], *, unknown: str):
        """`options`: (stored value, spelling in files, other accepted spellings); texts may be lazy."""
        super().__init__()
        self.options = options
        self.unknown = unknown
        self._by_key = None

    def _maps(self):
        if self._by_key is None:
            self._by_key = {}
            for value, spelling, others in self.options:
                for text in (value, spelling, *others):
                    self._by_key.setdefault(normalise(str(text)), value)
        return self._by_key

    @property
    def labels(self) -> list[str]:
        return [str(spelling) for _value, spelling, _others in self.options]

    def parse(self, value, row):
        raw = tidy(value)
        try:
            return self._maps()[normalise(raw)]
        except KeyError:
            raise ValueError(unknown_message(raw, self.labels, str(self.unknown))) from None

    def render(self, value, obj=None, **kwargs):
        for stored, spelling, _others in self.options:
            if stored == value and value not in ("", None):
                return str(spelling)
        return ""


class YesNoWidget(ChoiceWidget):
    empty = None

    def __init__(self):
        super().__init__(
            [
                (True, "oui", ("o", "yes", "y", "vrai", "true", "1", "x")),
                (False, "non", ("n", "no", "faux", "false", "0")),
            ],
            unknown=gettext_lazy("« %(value)s » : répondez oui ou non"),
        )

    def parse(self, value, row):
        if isinstance(value, bool):
            return value
        return super().parse(str(value), row)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("oui" if value else "non")


class LookupWidget(CellWidget):
    """A reference value (commune, domain, partner…) found in a lookup the context loaded once."""

    def __init__(self, lookup: Callable, *, label: Callable | None = None):
        """`lookup(context, row)` returns the `Lookup` to search for this row; `label` writes a value back."""
        super().__init__()
        self.lookup = lookup
        self.label = label or (lambda obj: str(getattr(obj, "name", None) or obj))

    def parse(self, value, row):
        return self.lookup(self.context, row).get(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.label(value)


class LookupListWidget(LookupWidget):
    """Several reference values in one cell, separated by ; (or | and , when no name contains them)."""

    empty = ()

    def parse(self, value, row):
        lookup = self.lookup(self.context, row)
        found, problems = [], []
        for item in split_list(_show(value), lookup.separator):
            try:
                obj = lookup.get(item)
            except ValueError as error:
                problems.append(str(error))
            else:
                if obj not in found:
                    found.append(obj)
        if problems:
            raise ValueError(" ".join(problems))
        return tuple(found)

    def render(self, value, obj=None, **kwargs):
        return join_list(self.label(v) for v in value or ())
