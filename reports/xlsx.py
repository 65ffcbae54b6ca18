"""The bilan as an XLSX workbook: one sheet per table, header row in bold, figures as numbers.

Every text is written as a text cell (type "s"), never as a formula, whatever its first character:
a spreadsheet shows « - Recrutement… » or « =1+1 » as typed, with no apostrophe added in front, and
computes nothing.
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.document import BilanDocument
from reports.templatetags.bilan import plural_number

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
TITLE_FONT = Font(bold=True, size=13)
TOTAL_FONT = Font(bold=True)


def text_cells(cells, values) -> None:
    """Keep each text a text: openpyxl would store a text starting with « = » as a formula."""
    for cell, value in zip(cells, values, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"


def _cell_value(value):
    if getattr(value, "is_masked", False):  # a masked figure of a published bilan: « ≤ 2 » or « s »
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Sheets:
    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.names: set[str] = set()

    def add(self, title: str, headers: list[str], rows: list[list], totals: list | None = None, note: str = ""):
        name = title[:31]
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        sheet = self.workbook.create_sheet(name)
        sheet.append(headers)
        text_cells(sheet[1], headers)
        for cell in sheet[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            self._append(sheet, row)
        if totals is not None:
            self._append(sheet, totals)
            for cell in sheet[sheet.max_row]:
                cell.font = TOTAL_FONT
        if note:
            sheet.append([])
            self._append(sheet, [note])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            values = [len(str(header))] + [len(str(r[index - 1])) for r in rows if len(r) >= index]
            sheet.column_dimensions[get_column_letter(index)].width = min(max(values) + 3, 70)
        return sheet

    @staticmethod
    def _append(sheet, row):
        values = [_cell_value(v) for v in row]
        sheet.append(values)
        text_cells(sheet[sheet.max_row], values)


def _sex_sheet(sheets, title, first, total_header, table):
    headers = [first, total_header, "H", "F", "NB"]
    if table.has_unknown_sex:
        headers.append(_("Sexe non renseigné"))
    headers.append("%")

    def cells(row, label):
        values = [label, row.total, row.h, row.f, row.nb]
        if table.has_unknown_sex:
            values.append(row.unknown)
        return values + [row.percent]

    sheets.add(title, headers, [cells(r, r.label) for r in table.rows], cells(table.total, _("Total")))


def render_xlsx(document: BilanDocument) -> bytes:
    bilan = document.bilan
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = _Sheets(workbook)
    header = bilan.header

    cover = sheets.add(
        _("Bilan"),
        [_("Rubrique"), _("Valeur")],
        [
            [_("Équipe"), ", ".join(header.teams)],
            [_("Association"), ", ".join(header.associations)],
            [_("Période"), document.period],
            [_("Du"), bilan.start],
            [_("Au"), bilan.end],
            [_("Communes"), ", ".join(header.communes)],
            [_("Périmètre"), _("Toute l'équipe") if header.is_whole_team else _("Commune")],
            [_("Partenaires financiers"), ", ".join(header.financial_partners)],
        ],
    )
    for row in cover.iter_rows(min_row=5, max_row=6, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"

    sheets.add(_("Action générale"), [_("Action générale")], [[line] for line in document.general_action])
    if bilan.diagnostics:
        diagnostics = sheets.add(
            _("Diagnostics territoriaux"),
            [_("Date"), _("Diagnostic"), _("Commune"), _("Quartier"), _("Constats")],
            [[d.date, d.label, f.commune, f.quartier, f.text] for d in bilan.diagnostics for f in d.findings],
        )
        for (cell,) in diagnostics.iter_rows(min_row=2, max_col=1):
            cell.number_format = "DD/MM/YYYY"

    activity_rows = []
    for layout in document.activity_tables:
        table = layout["table"]
        place = table.commune or _("Ensemble")
        activity_rows += [
            [place, _("Accompagnement"), _("PAEI"), table.paei],
            [place, _("Accompagnement"), _("ASEP"), table.asep],
            [place, _("Accompagnement"), _("En accroche"), table.accroche],
            [place, _("Accompagnement"), _("Niveau non renseigné"), table.level_unknown],
            [place, _("Actions"), _("Ateliers"), table.workshops],
            [place, _("Actions"), _("Sorties"), table.outings],
            [place, _("Actions"), _("DSL initiées"), table.dsl_initiated],
            [place, _("Actions"), _("DSL en associé"), table.dsl_joined],
            [place, _("Actions"), _("Chantiers éducatifs"), table.work_projects],
            [place, _("Actions"), _("Actions après étude de besoin"), table.after_needs_assessment],
            [place, _("Présence sociale"), _("Temps de présence"), table.presence_sessions],
            [place, _("Présence sociale"), _("Heures"), table.presence_hours],
            [place, _("Présence sociale"), _("Heures-personnes"), table.presence_person_hours],
            [place, _("Présence sociale"), _("Temps de présence comptés"), table.presence_counted_sessions],
            [
                place,
                _("Présence sociale"),
                _("Contacts comptés"),
                _("Non objectivé") if table.presence_contacts_counted is None else table.presence_contacts_counted,
            ],
        ]
    sheets.add(_("Activité"), [_("Commune"), _("Axe de travail"), _("Modalité d'action"), _("Nombre")], activity_rows)

    partner_rows = [
        [layout["table"].commune or _("Ensemble"), group.category, partner]
        for layout in document.activity_tables
        for group in layout["table"].partners
        for partner in group.partners
    ]
    sheets.add(_("Partenaires mobilisés"), [_("Commune"), _("Catégorie"), _("Partenaire")], partner_rows)

    sheets.add(
        _("Domaines travaillés"),
        [_("Domaines travaillés"), _("Total"), _("Jeunes"), "%"],
        [[r.label, r.total, r.youths, r.percent] for r in bilan.domains.rows],
        [_("Ensemble des domaines"), bilan.domains.total, bilan.domains.youths, None],
        note=ngettext("%(n)s intervention", "%(n)s interventions", plural_number(bilan.domains.interventions))
        % {"n": bilan.domains.interventions},
    )
    _sex_sheet(sheets, _("Âge et sexe"), _("Tranches d'âge"), _("Nombre de jeunes"), bilan.age_sex)
    sheets.add(
        _("Genre"),
        [_("Genre"), _("Nombre de jeunes"), _("Moy âge"), "%"],
        [[r.label, r.count, r.average_age, r.percent] for r in bilan.genre.rows],
        [_("Total"), bilan.genre.total, bilan.genre.average_age, 100 if bilan.genre.total else None],
    )
    _sex_sheet(sheets, _("Origine et sexe"), _("Origine"), _("Total"), bilan.origin_sex)
    _sex_sheet(sheets, _("Situation et sexe"), _("Situation"), _("Total"), bilan.situation_sex)
    sheets.add(
        _("Niveaux"),
        [_("Niveau"), _("Jeunes"), "%"],
        [[r.label, r.count, r.percent] for r in bilan.levels.rows],
        [_("Total"), bilan.levels.total, None],
    )
    sheets.add(
        _("Nouveaux et suivis"),
        [_("Public"), _("Jeunes"), "%"],
        [
            [_("Première rencontre dans la période"), bilan.public.new, document.new_percent],
            [_("Déjà connus avant la période"), bilan.public.continuing, document.continuing_percent],
        ],
        [_("Total"), bilan.public.total, None],
    )
    qpv = bilan.qpv
    sheets.add(
        _("QPV"),
        [_("Lieu de vie"), _("Jeunes"), "%"],
        [
            [_("En QPV"), qpv.in_qpv, qpv.in_qpv_percent],
            [_("Hors QPV"), qpv.outside_qpv, qpv.outside_qpv_percent],
            [_("Quartier non renseigné"), qpv.unknown, qpv.unknown_percent],
        ],
        [_("Total"), qpv.total, None],
    )
    sheets.add(
        _("Quartiers"),
        [_("Commune"), _("Quartier"), _("QPV"), _("Jeunes"), "%"],
        [
            [r.commune, r.quartier or _("Non renseigné"), _("oui") if r.is_qpv else _("non"), r.count, r.percent]
            for r in bilan.quartiers.rows
        ],
        [_("Total"), None, None, bilan.quartiers.total, None],
    )
    presence = bilan.presence
    sheets.add(
        _("Présence par lieu"),
        [_("Lieu"), _("Temps"), _("Heures"), _("Heures-personnes")],
        [[r.label, r.sessions, r.hours, r.person_hours] for r in presence.by_place],
        [_("Total"), presence.sessions, presence.hours, presence.person_hours],
    )
    sheets.add(
        _("Présence par quartier"),
        [_("Quartier"), _("Temps"), _("Heures"), _("Heures-personnes")],
        [[r.label, r.sessions, r.hours, r.person_hours] for r in presence.by_quartier],
        [_("Total"), presence.sessions, presence.hours, presence.person_hours],
    )
    street = bilan.street_public
    if street.is_counted:
        sheets.add(
            _("Public rencontré"),
            [_("Public"), _("Moins de 12 ans"), _("12–17 ans"), _("18–25 ans"), _("Total")],
            [
                *(
                    [str(r.label).capitalize(), r.under_12, r.from_12_to_17, r.from_18_to_25, r.total]
                    for r in street.by_sex
                ),
                [_("Parents"), None, None, None, street.parents],
                [_("Habitants"), None, None, None, street.residents],
            ],
            [
                _("Total des jeunes"),
                street.total.under_12,
                street.total.from_12_to_17,
                street.total.from_18_to_25,
                street.contacts,
            ],
            note=_(
                "Contacts comptés lors de %(counted)s des %(sessions)s temps de présence : pas des jeunes distincts."
            )
            % {"counted": street.counted_sessions, "sessions": street.sessions},
        )
        sheets.add(
            _("Contacts par quartier"),
            [_("Commune"), _("Quartier"), _("QPV"), _("Temps comptés"), _("Jeunes"), "%", _("Adultes")],
            [
                [
                    r.commune,
                    r.quartier or _("Non précisé"),
                    _("oui") if r.is_qpv else _("non"),
                    r.counted_sessions,
                    r.contacts,
                    r.percent,
                    r.adults,
                ]
                for r in street.by_quartier
            ],
            [_("Total"), None, None, street.counted_sessions, street.contacts, None, street.adults],
            note=_qpv_contacts_note(street),
        )
    funnel = bilan.funnel
    if funnel.is_counted:
        funnel_note = _(
            "Contacts dans la rue comptés lors de %(counted)s des %(sessions)s temps de présence : des contacts, "
            "pas des jeunes distincts ; cette première marche n'est pas un sous-ensemble des suivantes."
        ) % {"counted": funnel.counted_sessions, "sessions": funnel.sessions}
    else:
        funnel_note = _(
            "Aucun temps de présence de la période n'a été compté : les contacts dans la rue ne sont pas objectivés."
        )
    sheets.add(
        _("De la rue à l'accompagnement"),
        [_("Étape"), _("Nombre"), _("% des jeunes connus")],
        [[step.label, _("Non objectivé") if step.count is None else step.count, step.percent] for step in funnel.steps],
        note=funnel_note,
    )
    sheets.add(
        _("Actions spécifiques"),
        [
            _("Type"),
            _("Action"),
            _("Nombre"),
            _("Jeunes"),
            _("Participants sans fiche"),
            _("Familles ou parents"),
            _("Du"),
            _("Au"),
            _("Partenaires"),
        ],
        [
            [
                group.label,
                i.title,
                i.times,
                i.youths,
                i.anonymous_participants,
                i.parents,
                i.first_date,
                i.last_date,
                ", ".join(i.partners),
            ]
            for group in bilan.specific_actions
            for i in group.items
        ],
    )
    if bilan.means is not None and bilan.means.staff:
        sheets.add(
            _("Moyens"),
            [_("Nom"), _("Fonction"), _("ETP"), _("Arrivée"), _("Départ"), _("Référent de")],
            [[r.name, r.job, r.fte, r.started_on, r.ended_on, r.referent_of] for r in bilan.means.staff],
            [_("Au dernier jour : postes et ETP"), None, bilan.means.fte, None, None, bilan.means.headcount],
        )
    if bilan.presence_slots is not None and bilan.presence_slots.total.sessions:
        slots = bilan.presence_slots
        sheets.add(
            _("Présence par créneau"),
            [_("Jour"), _("Heures en journée"), _("Heures en soirée"), _("Heures sans heure de début")]
            + [_("Heures"), _("Temps")],
            [
                [r.label, r.day_hours, r.evening_hours, r.unknown_hours, r.hours, r.sessions]
                for r in (*slots.rows, slots.total)
            ],
        )
    if bilan.previous or bilan.has_targets:
        sheets.add(
            _("Chiffres clés"),
            [_("Indicateur"), _("Période")]
            + ([_("Période précédente"), _("Évolution")] if bilan.previous else [])
            + ([_("Objectif"), _("Atteint")] if bilan.has_targets else []),
            [
                [f.label, _key_cell(f.value)]
                + ([_key_cell(f.previous), _key_cell(f.change)] if bilan.previous else [])
                + (
                    [f.target, None if f.met is None else (_("oui") if f.met else _("non"))]
                    if bilan.has_targets
                    else []
                )
                for f in bilan.key_figures
            ],
        )
    if bilan.actions_by_theme:
        sheets.add(
            _("Actions par thème"),
            [_("Thème"), _("Action"), _("Statut"), _("Fois"), _("Du"), _("Au"), _("Date prévue"), _("Remplacée par")]
            + [_("Précision")],
            [
                [group.label, i.title, i.status_label, i.times, i.first_date, i.last_date, i.planned_on]
                + [i.replaced_by, i.outcome]
                for group in bilan.actions_by_theme
                for i in group.items
            ],
        )
    meetings = bilan.meetings
    with_hours = [_("Heures")] if meetings.has_hours else []
    sheets.add(
        _("Temps partenariaux par type"),
        [_("Type"), _("Nombre"), *with_hours],
        [[r.label, r.count, *([r.hours] if with_hours else [])] for r in meetings.kinds],
        [_("Total"), meetings.total, *([meetings.total_hours] if with_hours else [])],
    )
    kinds = {row.key: row.label for row in bilan.meetings.by_kind}
    sheets.add(
        _("Temps partenariaux"),
        [_("Type"), _("Objet"), _("Nombre")],
        [[kinds[r.key], r.label, r.count] for r in bilan.meetings.subjects],
        [_("Total"), None, bilan.meetings.total],
    )
    monthly = sheets.add(
        _("Mois par mois"),
        [_("Mois"), _("Nouveaux jeunes"), _("Interventions"), _("Actions collectives et DSL"), _("Heures de présence")],
        [[r.month, r.new_youths, r.interventions, r.collective_actions, r.presence_hours] for r in bilan.monthly],
    )
    for (cell,) in monthly.iter_rows(min_row=2, max_col=1):
        cell.number_format = "MM/YYYY"
    texts = document.texts
    labels = {
        "introduction": _("Introduction"),
        "setup": _("Mise en place"),
        "general_action_notes": _("Action générale : compléments"),
        "specific_actions_notes": _("Actions spécifiques : compléments"),
        "perspectives": _("Perspectives"),
        "added_value": _("Plus-value générale"),
    }
    sheets.add(_("Textes"), [_("Rubrique"), _("Texte")], [[labels[k], v] for k, v in texts.items() if v])
    sheets.add(_("Méthode de calcul"), [_("Règle"), _("Définition")], [list(rule) for rule in document.rules])

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if hasattr(cell.value, "year") and cell.number_format == "General":
                    cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _key_cell(value):
    """A key figure in a cell: « — » for a period before the team's start (not zero)."""
    return "—" if value is None else value


def _qpv_contacts_note(street) -> str:
    """The share of street contacts met in a QPV, said without its percentage when the masking hid it."""
    if getattr(street.in_qpv_percent, "is_masked", False):
        return _("Contacts de jeunes en QPV : %(n)s.") % {"n": street.in_qpv}
    return _("Contacts de jeunes en QPV : %(n)s (%(percent)s %%).") % {
        "n": street.in_qpv,
        "percent": street.in_qpv_percent,
    }
