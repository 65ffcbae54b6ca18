"""Small-cell protection: pure functions over the builders' dataclasses.

A count of young people (or of their individual interventions) from 1 to the threshold
(`settings.EMPS_SMALL_CELL_THRESHOLD`, 2 by default) is *primary* masked and shows as « ≤ 2 ».
A figure that would let a masked one be recomputed is *secondary* masked and shows as « s »
(secret statistique): in every line whose total is shown (a row or a column of a table with its
total, the parts of a total such as the support levels of all the youths), a single masked figure
would be the total minus the others, so a second one is masked, the smallest non-zero figure of
the line, a cell before a total. A percentage or an average is masked with its count, and an
overall average with any of its parts. Figures shared by several tables (the number of youths, the
totals by sex, by level, the interventions) are one cell, masked everywhere at once.

Hours, sessions, collective actions and partner meetings are not counts of people: they are shown.

The funders' dashboard and its API are not masked but rounded (`mask_for_funders`): masking each answer
on its own does not survive the combination of answers (docs/dpo.md, « Tableau de bord des financeurs »).

    masked = mask(bilan_or_dashboard, threshold=2)     # the same dataclasses, figures replaced
    cells = small_cells(bilan_or_dashboard, threshold=2)  # what the coordinator is warned about

A masked figure is a `Masked`: an int (worth the threshold, so that plural forms and chart
scales still work) that prints as its label and that turns any sum it enters into a masked one.
"""

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from emps.rounding import FUNDERS_BASE, percent, round_to_base
from reports.builders import (
    ActivityTable,
    DomainTable,
    Funnel,
    GenreTable,
    LevelTable,
    PublicSummary,
    QpvShare,
    QuartierTable,
    SexTable,
    StreetPublic,
    to_plain,
)
from reports.charts import is_masked

SECONDARY_LABEL = "s"


class Masked(int):
    """A figure withheld from the reader. Prints as « ≤ 2 » (small count) or « s » (would reveal one)."""

    is_masked = True

    def __new__(cls, *, primary: bool, threshold: int):
        value = super().__new__(cls, max(threshold, 1))
        value.primary = primary
        value.threshold = threshold
        return value

    @property
    def label(self) -> str:
        return _("≤ %(n)s") % {"n": self.threshold} if self.primary else SECONDARY_LABEL

    @property
    def description(self) -> str:
        if self.primary:
            return _("de 1 à %(n)s : petit effectif masqué") % {"n": self.threshold}
        return _("masqué : permettrait de retrouver un petit effectif")

    def __str__(self):
        return self.label

    def __repr__(self):
        return f"Masked({self.label!r})"

    def __format__(self, spec):
        try:
            return format(self.label, spec)
        except (TypeError, ValueError):
            return self.label

    def __bool__(self):
        return True

    def _unknown(self, *_args):
        return Masked(primary=False, threshold=self.threshold)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unknown
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _unknown


def threshold_setting() -> int:
    return int(getattr(settings, "EMPS_SMALL_CELL_THRESHOLD", 2))


# --- The cells and the lines that tie them -----------------------------------------------------

Key = tuple


@dataclass(frozen=True)
class SmallCell:
    """A count under the threshold, where a coordinator finds it in the bilan."""

    table: str
    row: str
    column: str
    value: int


class Grid:
    """Every maskable figure of a document as a cell, and every line (parts and their total) among them."""

    def __init__(self):
        self.values: dict[Key, int] = {}
        self.places: dict[Key, tuple[str, str, str]] = {}
        self.lines: list[tuple[tuple[Key, ...], Key]] = []

    def cell(self, key: Key, value, table: str, row: str, column: str) -> Key:
        if key not in self.values:
            self.values[key] = int(value or 0)
            self.places[key] = (str(table), str(row), str(column))
        return key

    def line(self, parts: Iterable[Key], total: Key) -> None:
        parts = tuple(parts)
        if parts:
            self.lines.append((parts, total))

    def suppress(self, threshold: int) -> tuple[set[Key], set[Key]]:
        """Primary cells (1 to threshold) and the secondary cells that protect them."""
        if threshold < 1:
            return set(), set()
        primary = {k for k, v in self.values.items() if 0 < v <= threshold}
        masked = set(primary)
        totals = {total for _parts, total in self.lines}
        order = {k: i for i, k in enumerate(self.values)}
        changed = True
        while changed:
            changed = False
            for parts, total in self.lines:
                members = (*parts, total)
                if any(k not in self.values for k in members):
                    continue
                if sum(1 for k in members if k in masked) != 1:
                    continue
                candidates = [k for k in members if k not in masked and self.values[k] > 0]
                if not candidates:
                    continue  # the masked figure is the whole line: nothing else to hide
                masked.add(min(candidates, key=lambda k: (k in totals, self.values[k], order[k])))
                changed = True
        return primary, masked - primary


# Keys of the figures that several tables share.
YOUTHS = ("youths",)
NEW = ("youths", "new")
CONTINUING = ("youths", "continuing")
INTERVENTIONS = ("interventions",)
CONTACTS = ("street", "contacts")


def _level(key: str) -> Key:
    return ("level", key or "unknown")


def _sex(key: str) -> Key:
    return ("sex", key or "unknown")


SEX_COLUMNS = (("h", "H"), ("f", "F"), ("nb", "NB"), ("unknown", ""))


class _Masker:
    """Walks a bilan or a dashboard twice: to register its cells, then to replace the masked ones."""

    def __init__(self, threshold: int, base: int = 1):
        self.threshold = threshold
        self.base = base
        self.grid = Grid()
        self.primary: set[Key] = set()
        self.masked: set[Key] = set()

    # -- helpers used by both passes --
    def _value(self, key: Key, value):
        if key in self.masked:
            return Masked(primary=key in self.primary, threshold=self.threshold)
        if value is None:
            return value
        return round_to_base(value, self.base)

    def _secondary(self):
        return Masked(primary=False, threshold=self.threshold)

    def _percent(self, key: Key, value, *, whole: Key):
        """The percentage of a count in its `whole`: masked with either; from the rounded figures when rounding."""
        if key in self.masked or (self.base > 1 and whole in self.masked):
            return self._secondary()
        if self.base > 1:
            if key not in self.grid.values or whole not in self.grid.values:
                return self._secondary()  # never a share of exact counts beside rounded ones
            return percent(
                round_to_base(self.grid.values[key], self.base), round_to_base(self.grid.values[whole], self.base)
            )
        return value

    # -- tables: each method registers when `apply` is False, returns the masked copy when True --
    def public(self, public: PublicSummary, apply: bool):
        g = self.grid
        if not apply:
            g.cell(YOUTHS, public.total, _("Public"), _("Jeunes en relation avec l'équipe"), _("Nombre"))
            levels = [
                g.cell(_level("paei"), public.paei, _("Niveau d'accompagnement"), _("PAEI"), _("Jeunes")),
                g.cell(_level("asep"), public.asep, _("Niveau d'accompagnement"), _("ASEP"), _("Jeunes")),
                g.cell(
                    _level("accroche"), public.accroche, _("Niveau d'accompagnement"), _("En accroche"), _("Jeunes")
                ),
                g.cell(_level(""), public.level_unknown, _("Niveau d'accompagnement"), _("Non renseigné"), _("Jeunes")),
            ]
            g.line(levels, YOUTHS)
            g.line(
                [
                    g.cell(NEW, public.new, _("Public"), _("Première rencontre dans la période"), _("Jeunes")),
                    g.cell(CONTINUING, public.continuing, _("Public"), _("Déjà connus avant la période"), _("Jeunes")),
                ],
                YOUTHS,
            )
            return public
        return dataclasses.replace(
            public,
            total=self._value(YOUTHS, public.total),
            paei=self._value(_level("paei"), public.paei),
            asep=self._value(_level("asep"), public.asep),
            accroche=self._value(_level("accroche"), public.accroche),
            level_unknown=self._value(_level(""), public.level_unknown),
            new=self._value(NEW, public.new),
            continuing=self._value(CONTINUING, public.continuing),
        )

    def levels(self, levels: LevelTable, apply: bool):
        if not apply:
            for row in levels.rows:
                self.grid.cell(_level(row.key), row.count, _("Niveau d'accompagnement"), row.label, _("Jeunes"))
            return levels
        rows = tuple(
            dataclasses.replace(
                row,
                count=self._value(_level(row.key), row.count),
                percent=self._percent(_level(row.key), row.percent, whole=YOUTHS),
            )
            for row in levels.rows
        )
        return dataclasses.replace(levels, rows=rows, total=self._value(YOUTHS, levels.total))

    def sex_table(self, name: str, title: str, table: SexTable, apply: bool):
        def key(row_key, column):
            return (name, row_key, column)

        if not apply:
            g = self.grid
            for row in table.rows:
                cells = [
                    g.cell(key(row.key, field), getattr(row, field), title, row.label, header or _("Non renseigné"))
                    for field, header in SEX_COLUMNS
                ]
                g.line(cells, g.cell(key(row.key, "total"), row.total, title, row.label, _("Total")))
            totals = [
                g.cell(_sex(header), getattr(table.total, field), title, _("Total"), header or _("Non renseigné"))
                for field, header in SEX_COLUMNS
            ]
            g.line(totals, YOUTHS)
            for (field, _header), total in zip(SEX_COLUMNS, totals, strict=True):
                g.line([key(row.key, field) for row in table.rows], total)
            g.line([key(row.key, "total") for row in table.rows], YOUTHS)
            return table

        def masked_row(row, keys):
            return dataclasses.replace(
                row,
                total=self._value(keys("total"), row.total),
                h=self._value(keys("h"), row.h),
                f=self._value(keys("f"), row.f),
                nb=self._value(keys("nb"), row.nb),
                unknown=self._value(keys("unknown"), row.unknown),
                percent=self._percent(keys("total"), row.percent, whole=YOUTHS),
            )

        rows = tuple(masked_row(row, lambda column, r=row: key(r.key, column)) for row in table.rows)
        total = masked_row(table.total, lambda column: YOUTHS if column == "total" else _sex(dict(SEX_COLUMNS)[column]))
        return dataclasses.replace(table, rows=rows, total=total)

    def genre(self, genre: GenreTable, apply: bool):
        if not apply:
            g = self.grid
            g.cell(YOUTHS, genre.total, _("Public"), _("Jeunes en relation avec l'équipe"), _("Nombre"))
            cells = [
                g.cell(_sex(row.key), row.count, _("Genre"), row.label, _("Nombre de jeunes")) for row in genre.rows
            ]
            g.line(cells, YOUTHS)
            return genre
        rows = tuple(
            dataclasses.replace(
                row,
                count=self._value(_sex(row.key), row.count),
                percent=self._percent(_sex(row.key), row.percent, whole=YOUTHS),
                average_age=self._secondary()
                if _sex(row.key) in self.masked and row.average_age is not None
                else row.average_age,
            )
            for row in genre.rows
        )
        hidden_average = any(is_masked(row.average_age) for row in rows) or YOUTHS in self.masked
        return dataclasses.replace(
            genre,
            rows=rows,
            total=self._value(YOUTHS, genre.total),
            average_age=self._secondary() if hidden_average and genre.average_age is not None else genre.average_age,
        )

    def domains(self, domains: DomainTable, apply: bool):
        table = _("Domaines travaillés")
        all_tags = ("domains", "total")
        all_youths = ("domains", "youths")
        if not apply:
            g = self.grid
            cells = [
                g.cell(("domain", row.code, "total"), row.total, table, row.label, _("Total")) for row in domains.rows
            ]
            for row in domains.rows:
                g.cell(("domain", row.code, "youths"), row.youths, table, row.label, _("Jeunes"))
            g.line(cells, g.cell(all_tags, domains.total, table, _("Ensemble des domaines"), _("Total")))
            g.cell(INTERVENTIONS, domains.interventions, _("Interventions"), _("Ensemble"), _("Interventions"))
            g.cell(all_youths, domains.youths, table, _("Ensemble des domaines"), _("Jeunes"))
            return domains
        rows = tuple(
            dataclasses.replace(
                row,
                total=self._value(("domain", row.code, "total"), row.total),
                youths=self._value(("domain", row.code, "youths"), row.youths),
                percent=self._percent(("domain", row.code, "total"), row.percent, whole=all_tags),
            )
            for row in domains.rows
        )
        return dataclasses.replace(
            domains,
            rows=rows,
            total=self._value(all_tags, domains.total),
            interventions=self._value(INTERVENTIONS, domains.interventions),
            youths=self._value(all_youths, domains.youths),
        )

    def activity(self, table: ActivityTable, apply: bool, commune: str | None = None):
        """The levels of an activity table: the whole scope's are the public's; a commune's are its own. And
        the street contacts counted (anonymous contacts, but few of them would still single people out)."""

        def key(level):
            return _level(level) if commune is None else ("commune", commune, level)

        contacts = CONTACTS if commune is None else ("commune", commune, "contacts")
        fields = self.activity_fields
        if not apply:
            g = self.grid
            title_of, youths, total = self.activity_words
            presence, contacts_row, contacts_column = self.contacts_words
            title = presence if commune is None else title_of % {"commune": commune}
            if table.presence_contacts is not None:
                g.cell(contacts, table.presence_contacts, title, contacts_row, contacts_column)
            if commune is not None:
                cells = [g.cell(key(level), getattr(table, f), title, label, youths) for f, level, label in fields]
                g.line(cells, g.cell(key("youths"), table.youths, title, total, youths))
            return table
        return dataclasses.replace(
            table,
            presence_contacts=self._value(contacts, table.presence_contacts),
            **{f: self._value(key(level), getattr(table, f)) for f, level, _l in fields},
        )

    @functools.cached_property
    def activity_fields(self) -> tuple[tuple[str, str, str], ...]:
        """(field, level, label) of an activity table's levels (translated once, not once a commune)."""
        fields = (("paei", "paei", _("PAEI")), ("asep", "asep", _("ASEP")), ("accroche", "accroche", _("En accroche")))
        return (*fields, ("level_unknown", "", _("Niveau non renseigné")))

    @functools.cached_property
    def activity_words(self) -> tuple[str, str, str]:
        """A commune's activity table's title (to fill), column and total, translated once."""
        return _("Activité sur %(commune)s"), _("Jeunes"), _("Total")

    @functools.cached_property
    def contacts_words(self) -> tuple[str, str, str]:
        """The street contacts' table (the whole scope's), row and column, translated once."""
        return _("Présence sociale"), _("Contacts dans la rue"), _("Contacts")

    def street_public(self, street: StreetPublic, apply: bool):
        """Public rencontré en présence sociale: each sex and age band's contacts with the rows' and columns'
        totals (the whole is the street contacts of the activity table), the adults, each quartier's young
        contacts (with its share) and adults, and the contacts in a QPV."""
        bands = ("under_12", "from_12_to_17", "from_18_to_25")
        adults = ("street", "adults")
        in_qpv = ("street", "in_qpv")

        def band(row_key, field):
            return ("street", row_key, field)

        def quartier(row, what):
            return ("street", "quartier", row.commune, row.quartier, what)

        if not street.is_counted:
            return street
        if not apply:
            g = self.grid
            title, youths_title, adults_title, quartiers_title = self.street_words
            headers = dict(zip(bands, self.band_words, strict=True))
            total_row = street.total
            for row in (*street.by_sex, total_row):
                key = row.key or "total"
                cells = [
                    g.cell(band(key, field), getattr(row, field), youths_title, row.label, headers[field])
                    for field in bands
                ]
                total = CONTACTS if row is total_row else band(key, "total")
                g.line(cells, g.cell(total, row.total, title, row.label, _("Total")))
            for field in bands:
                g.line([band(row.key, field) for row in street.by_sex], band("total", field))
            g.line([band(row.key, "total") for row in street.by_sex], CONTACTS)
            g.line(
                [
                    g.cell(("street", "parents"), street.parents, adults_title, _("Parents"), _("Contacts")),
                    g.cell(("street", "residents"), street.residents, adults_title, _("Habitants"), _("Contacts")),
                ],
                g.cell(adults, street.adults, adults_title, _("Total"), _("Contacts")),
            )
            for row in street.by_quartier:
                place = f"{row.commune} – {row.quartier or _('non précisé')}"
                g.cell(quartier(row, "contacts"), row.contacts, quartiers_title, place, _("Jeunes"))
                g.cell(quartier(row, "adults"), row.adults, quartiers_title, place, _("Adultes"))
            g.line([quartier(row, "contacts") for row in street.by_quartier], CONTACTS)
            g.line([quartier(row, "adults") for row in street.by_quartier], adults)
            qpv = [quartier(row, "contacts") for row in street.by_quartier if row.is_qpv]
            g.line(qpv, g.cell(in_qpv, street.in_qpv, quartiers_title, _("En QPV"), _("Jeunes")))
            g.line([in_qpv, *(quartier(row, "contacts") for row in street.by_quartier if not row.is_qpv)], CONTACTS)
            return street

        def masked_row(row, key):
            total = CONTACTS if key == "total" else band(key, "total")
            return dataclasses.replace(
                row,
                total=self._value(total, row.total),
                **{field: self._value(band(key, field), getattr(row, field)) for field in bands},
            )

        return dataclasses.replace(
            street,
            contacts=self._value(CONTACTS, street.contacts),
            by_sex=tuple(masked_row(row, row.key) for row in street.by_sex),
            total=masked_row(street.total, "total"),
            parents=self._value(("street", "parents"), street.parents),
            residents=self._value(("street", "residents"), street.residents),
            adults=self._value(adults, street.adults),
            by_quartier=tuple(
                dataclasses.replace(
                    row,
                    contacts=self._value(quartier(row, "contacts"), row.contacts),
                    percent=self._percent(quartier(row, "contacts"), row.percent, whole=CONTACTS),
                    adults=self._value(quartier(row, "adults"), row.adults),
                )
                for row in street.by_quartier
            ),
            in_qpv=self._value(in_qpv, street.in_qpv),
            in_qpv_percent=self._percent(in_qpv, street.in_qpv_percent, whole=CONTACTS),
        )

    @functools.cached_property
    def street_words(self) -> tuple[str, str, str, str]:
        """The street public's table title and its three tables' captions, translated once."""
        return (
            _("Public rencontré en présence sociale"),
            _("Jeunes rencontrés par sexe et âge (contacts)"),
            _("Adultes rencontrés (contacts)"),
            _("Contacts par quartier de la présence"),
        )

    @functools.cached_property
    def band_words(self) -> tuple[str, str, str]:
        return _("Moins de 12 ans"), _("12–17 ans"), _("18–25 ans")

    def communes(self, tables: tuple[ActivityTable, ...], apply: bool):
        if not apply:
            for table in tables:
                self.activity(table, False, commune=table.commune or "")
            g = self.grid
            for level in ("paei", "asep", "accroche", ""):
                g.line([("commune", t.commune or "", level) for t in tables], _level(level))
            g.line([("commune", t.commune or "", "youths") for t in tables], YOUTHS)
            g.line(
                [("commune", t.commune or "", "contacts") for t in tables if t.presence_contacts is not None], CONTACTS
            )
            return tables
        return tuple(self.activity(t, True, commune=t.commune or "") for t in tables)

    def qpv(self, qpv: QpvShare, apply: bool):
        keys = (("qpv", "in"), ("qpv", "outside"), ("qpv", "unknown"))
        if not apply:
            g = self.grid
            title = _("Public résidant en QPV")
            cells = [
                g.cell(keys[0], qpv.in_qpv, title, _("En QPV"), _("Jeunes")),
                g.cell(keys[1], qpv.outside_qpv, title, _("Hors QPV"), _("Jeunes")),
                g.cell(keys[2], qpv.unknown, title, _("Quartier non renseigné"), _("Jeunes")),
            ]
            g.line(cells, YOUTHS)
            return qpv
        return dataclasses.replace(
            qpv,
            total=self._value(YOUTHS, qpv.total),
            in_qpv=self._value(keys[0], qpv.in_qpv),
            outside_qpv=self._value(keys[1], qpv.outside_qpv),
            unknown=self._value(keys[2], qpv.unknown),
            in_qpv_percent=self._percent(keys[0], qpv.in_qpv_percent, whole=YOUTHS),
            outside_qpv_percent=self._percent(keys[1], qpv.outside_qpv_percent, whole=YOUTHS),
            unknown_percent=self._percent(keys[2], qpv.unknown_percent, whole=YOUTHS),
        )

    def quartiers(self, quartiers: QuartierTable, apply: bool, by_commune: bool):
        def key(row):
            return ("quartier", row.commune, row.quartier)

        if not apply:
            g = self.grid
            title = _("Public par quartier")
            cells = [
                g.cell(key(r), r.count, title, f"{r.commune} – {r.quartier or _('non renseigné')}", _("Jeunes"))
                for r in quartiers.rows
            ]
            g.line(cells, YOUTHS)
            if by_commune:
                for commune in dict.fromkeys(r.commune for r in quartiers.rows):
                    g.line([key(r) for r in quartiers.rows if r.commune == commune], ("commune", commune, "youths"))
            return quartiers
        rows = tuple(
            dataclasses.replace(
                r, count=self._value(key(r), r.count), percent=self._percent(key(r), r.percent, whole=YOUTHS)
            )
            for r in quartiers.rows
        )
        return dataclasses.replace(quartiers, rows=rows, total=self._value(YOUTHS, quartiers.total))

    def monthly(self, months, apply: bool):
        if not apply:
            g = self.grid
            title = _("Mois par mois")
            new = [
                g.cell(("month", m.month, "new"), m.new_youths, title, f"{m.month:%m/%Y}", _("Nouveaux jeunes"))
                for m in months
            ]
            acts = [
                g.cell(
                    ("month", m.month, "interventions"), m.interventions, title, f"{m.month:%m/%Y}", _("Interventions")
                )
                for m in months
            ]
            g.line(new, NEW)
            g.line(acts, INTERVENTIONS)
            return months
        return tuple(
            dataclasses.replace(
                m,
                new_youths=self._value(("month", m.month, "new"), m.new_youths),
                interventions=self._value(("month", m.month, "interventions"), m.interventions),
            )
            for m in months
        )

    def specific_actions(self, groups, apply: bool):
        def key(group, item, what):
            return ("action", group.kind, item.title, what)

        if not apply:
            for group in groups:
                for item in group.items:
                    self.grid.cell(
                        key(group, item, "youths"), item.youths, _("Actions spécifiques"), item.title, _("Jeunes")
                    )
                    self.grid.cell(
                        key(group, item, "anonymous"),
                        item.anonymous_participants,
                        _("Actions spécifiques"),
                        item.title,
                        _("Participants sans fiche"),
                    )
                    self.grid.cell(
                        key(group, item, "parents"),
                        item.parents,
                        _("Actions spécifiques"),
                        item.title,
                        _("Familles ou parents"),
                    )
            return groups
        return tuple(
            dataclasses.replace(
                group,
                items=tuple(
                    dataclasses.replace(
                        item,
                        youths=self._value(key(group, item, "youths"), item.youths),
                        anonymous_participants=self._value(key(group, item, "anonymous"), item.anonymous_participants),
                        parents=self._value(key(group, item, "parents"), item.parents),
                    )
                    for item in group.items
                ),
            )
            for group in groups
        )

    def funnel(self, funnel: Funnel, apply: bool):
        """The funnel's figures are cells of other tables: the street contacts of the activity table, the
        young people known and their levels of the public's summary."""
        keys = {
            "contacts": CONTACTS,
            "known": YOUTHS,
            "accroche": _level("accroche"),
            "asep": _level("asep"),
            "paei": _level("paei"),
        }
        if not apply:
            title = _("De la rue à l'accompagnement")
            for step in funnel.steps:
                if step.count is not None:
                    self.grid.cell(keys[step.key], step.count, title, step.label, _("Nombre"))
            self.grid.cell(_level(""), funnel.level_unknown, title, _("Niveau non renseigné"), _("Nombre"))
            return funnel
        steps = tuple(
            dataclasses.replace(
                step,
                count=self._value(keys[step.key], step.count) if step.count is not None else None,
                percent=self._percent(keys[step.key], step.percent, whole=YOUTHS) if step.percent is not None else None,
            )
            for step in funnel.steps
        )
        return dataclasses.replace(funnel, steps=steps, level_unknown=self._value(_level(""), funnel.level_unknown))

    # -- the walk --
    def walk(self, document, apply: bool):
        """Every maskable part of a `Bilan` or a `Dashboard`, in an order where shared cells come first."""
        changes = {}
        has = {f.name for f in dataclasses.fields(document)}
        by_commune = "activity_by_commune" in has and len(document.activity_by_commune) > 0
        steps = [
            ("public", lambda v: self.public(v, apply)),
            ("levels", lambda v: self.levels(v, apply)),
            ("genre", lambda v: self.genre(v, apply)),
            ("age_sex", lambda v: self.sex_table("age", _("Âge et sexe"), v, apply)),
            ("origin_sex", lambda v: self.sex_table("origin", _("Origine et sexe"), v, apply)),
            ("situation_sex", lambda v: self.sex_table("situation", _("Situation et sexe"), v, apply)),
            ("domains", lambda v: self.domains(v, apply)),
            ("activity", lambda v: self.activity(v, apply)),
            ("activity_by_commune", lambda v: self.communes(v, apply)),
            ("funnel", lambda v: self.funnel(v, apply)),
            ("street_public", lambda v: self.street_public(v, apply)),
            ("qpv", lambda v: self.qpv(v, apply)),
            ("quartiers", lambda v: self.quartiers(v, apply, by_commune)),
            ("monthly", lambda v: self.monthly(v, apply)),
            ("specific_actions", lambda v: self.specific_actions(v, apply)),
        ]
        for name, step in steps:
            if name in has:
                changes[name] = step(getattr(document, name))
        return dataclasses.replace(document, **changes) if apply else document


def _masker(document, threshold: int | None, base: int = 1) -> _Masker:
    masker = _Masker(threshold_setting() if threshold is None else threshold, base)
    masker.walk(document, apply=False)
    masker.primary, secondary = masker.grid.suppress(masker.threshold)
    masker.masked = masker.primary | secondary
    return masker


def mask(document, *, threshold: int | None = None, base: int = 1):
    """A copy of a `Bilan` or a `Dashboard` with small counts and the figures that would reveal them masked
    (and, with a `base` above 1, every other count rounded to a multiple of it)."""
    return mask_with_summary(document, threshold=threshold, base=base)[0]


def small_cells(document, *, threshold: int | None = None) -> list[SmallCell]:
    """The counts from 1 to the threshold in a document, with where they are (one entry per figure)."""
    masker = _masker(document, threshold)
    return [
        SmallCell(*masker.grid.places[key], value=masker.grid.values[key])
        for key in masker.grid.values
        if key in masker.primary
    ]


def masking_summary(document, *, threshold: int | None = None) -> tuple[int, int]:
    """How many figures the masking would hide: (small counts, figures hidden to protect them)."""
    return _summary(_masker(document, threshold))


def mask_with_summary(document, *, threshold: int | None = None, base: int = 1):
    """`mask(document)` and `masking_summary(document)` from one walk of the document."""
    masker = _masker(document, threshold, base)
    masked = masker.walk(document, apply=True) if masker.masked or base > 1 else document
    return masked, _summary(masker)


def mask_for_funders(document):
    """What a funder reads of a dashboard (page and API): every count rounded to `FUNDERS_BASE`
    (`emps.rounding.FUNDERS_ROUNDING`; 1 and 2 read 0), percentages from the rounded counts.

    No small count is masked instead: a « ≤ 2 » means 1 or 2, and a whole « ≤ 2 » with two « ≤ 2 » parts
    (a quarter and two of its months, a team and two of its communes) makes each part exactly 1. Rounded,
    every figure but 0 to 2 is known to within 5 values, and 0 to 2 to within 3, in every answer alike.
    """
    return _masker(document, 0, FUNDERS_BASE).walk(document, apply=True)


def _summary(masker: _Masker) -> tuple[int, int]:
    return len(masker.primary), len(masker.masked - masker.primary)


def plain_masked(value):
    """`to_plain(value)` with masked figures as their labels (« ≤ 2 », « s ») instead of numbers: one walk
    of the figures (already plain or still dataclasses)."""
    return to_plain(value, leaves={Masked: str})
