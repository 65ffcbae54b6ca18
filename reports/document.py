"""What every rendering of a bilan shares: the title, the period in words, the computed sentences.

The HTML page, the PDF, the workbook and the JSON export all start from `bilan_document()`.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.enums import ActionStatus, MeetingKind
from emps.rounding import percent
from reports import charts
from reports.builders import ActivityTable, Bilan, ThemedAction
from reports.models import NARRATIVE_FIELDS, BilanNarrative
from reports.rules import COUNTING_RULES
from reports.templatetags.bilan import count, decimal1, plural_number

# The print stylesheet of the bilan: inlined in the standalone HTML, applied by the PDF.
PRINT_STYLESHEET = "css/bilan-print.css"


def french_date(day: datetime.date) -> str:
    """« 1er mai 2023 », « 31 décembre 2023 »."""
    text = date_format(day, "j F Y")
    return ("1er" + text[1:]) if day.day == 1 else text


def period_label(start: datetime.date, end: datetime.date) -> str:
    return _("du %(start)s au %(end)s") % {"start": french_date(start), "end": french_date(end)}


def join_and(items) -> str:
    """« a, b et c »."""
    items = [str(i) for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _add_hours(lines: list[str], hours) -> None:
    """End the last line with the hours of its meetings, when some have a duration (MEETING_TIME)."""
    if hours:
        shown = number_format(hours if hours % 1 else hours.to_integral_value())
        lines[-1] = lines[-1][:-1] + _(", soit %(hours)s h.") % {"hours": shown}


def general_action_lines(bilan: Bilan) -> list[str]:
    """The seed's "Action générale" bullets, with every number taken from the records."""
    lines = []
    meetings = bilan.meetings
    if meetings.count(MeetingKind.MEETING):
        subjects = [row.label for row in meetings.subjects_of(MeetingKind.MEETING)]
        lines.append(
            ngettext(
                "Les professionnels ont participé à %(n)s temps partenarial : %(subjects)s.",
                "Les professionnels ont participé à %(n)s temps partenariaux : %(subjects)s.",
                meetings.count(MeetingKind.MEETING),
            )
            % {"n": meetings.count(MeetingKind.MEETING), "subjects": join_and(subjects)}
        )
        _add_hours(lines, meetings.hours(MeetingKind.MEETING))
    if meetings.count(MeetingKind.BODY):
        subjects = [row.label for row in meetings.subjects_of(MeetingKind.BODY)]
        lines.append(
            ngettext(
                "Ils ont intégré %(n)s temps de travail spécifique : %(subjects)s.",
                "Ils ont intégré %(n)s temps de travail spécifiques : %(subjects)s.",
                meetings.count(MeetingKind.BODY),
            )
            % {"n": meetings.count(MeetingKind.BODY), "subjects": join_and(subjects)}
        )
        _add_hours(lines, meetings.hours(MeetingKind.BODY))
    if meetings.count(MeetingKind.TEAM):
        lines.append(
            ngettext(
                "Ils ont bénéficié de %(n)s réunion d'équipe en interne.",
                "Ils ont bénéficié de %(n)s réunions d'équipe en interne.",
                meetings.count(MeetingKind.TEAM),
            )
            % {"n": meetings.count(MeetingKind.TEAM)}
        )
        _add_hours(lines, meetings.hours(MeetingKind.TEAM))
    activity = bilan.activity
    lines.append(
        ngettext(
            "Ils ont participé à %(n)s événement initié par les communes en y amenant des jeunes.",
            "Ils ont participé à %(n)s événements initiés par les communes en y amenant des jeunes.",
            activity.communal_events_joined,
        )
        % {"n": activity.communal_events_joined}
    )
    lines.append(
        ngettext(
            "Ils ont réalisé %(n)s action après étude de besoin.",
            "Ils ont réalisé %(n)s actions après étude de besoin.",
            activity.after_needs_assessment,
        )
        % {"n": activity.after_needs_assessment}
    )
    public = bilan.public
    lines.append(
        ngettext(
            "Ils sont en contact avec %(n)s jeune dont %(accroche)s en accroche, %(asep)s en accompagnement "
            "ponctuel et %(paei)s en accompagnement individuel.",
            "Ils sont en contact avec %(n)s jeunes dont %(accroche)s en accroche, %(asep)s en accompagnement "
            "ponctuel et %(paei)s en accompagnement individuel.",
            public.total,
        )
        % {"n": public.total, "accroche": public.accroche, "asep": public.asep, "paei": public.paei}
    )
    if public.level_unknown:
        lines[-1] = lines[-1][:-1] + ngettext(
            " ; %(n)s jeune n'a pas de niveau d'accompagnement renseigné.",
            " ; %(n)s jeunes n'ont pas de niveau d'accompagnement renseigné.",
            public.level_unknown,
        ) % {"n": public.level_unknown}
    if meetings.count(MeetingKind.DIAGNOSTIC):
        lines.append(
            ngettext(
                "Ils ont réalisé %(n)s diagnostic territorial partagé.",
                "Ils ont réalisé %(n)s diagnostics territoriaux partagés.",
                meetings.count(MeetingKind.DIAGNOSTIC),
            )
            % {"n": meetings.count(MeetingKind.DIAGNOSTIC)}
        )
        _add_hours(lines, meetings.hours(MeetingKind.DIAGNOSTIC))
    worked = [row.label.lower() for row in bilan.domains.rows if row.total]
    if worked:
        lines.append(
            _("Ils ont réalisé des accompagnements dans %(n)s domaines : %(domains)s.")
            % {"n": len(worked), "domains": join_and(worked)}
            if len(worked) > 1
            else _("Ils ont réalisé des accompagnements dans le domaine : %(domain)s.") % {"domain": worked[0]}
        )
    return lines


def themed_action_phrase(item: ThemedAction) -> str:
    """One action of « Actions spécifiques » in words: the done ones by their title (and how many times),
    the others saying plainly what became of them."""
    title = item.title
    if item.is_done:
        if item.times == 1:
            return title
        return _("%(title)s (%(n)s fois)") % {"title": title, "n": item.times}
    if item.status == ActionStatus.REPLACED:
        phrase = (
            _("%(title)s : remplacée par %(other)s") % {"title": title, "other": item.replaced_by.lower()}
            if item.replaced_by
            else _("%(title)s : remplacée") % {"title": title}
        )
    elif item.status == ActionStatus.CANCELLED:
        phrase = _("%(title)s : annulée") % {"title": title}
    elif item.status == ActionStatus.POSTPONED:
        phrase = _("%(title)s : reportée au %(date)s") % {"title": title, "date": french_date(item.last_date)}
    else:
        phrase = _("%(title)s : prévue le %(date)s") % {"title": title, "date": french_date(item.first_date)}
    return f"{phrase} {item.outcome}".strip() if item.outcome else phrase


def setup_lines(bilan: Bilan) -> list[str]:
    """« Mise en place » from the team's means: each recruitment and departure of the period, dated."""
    means = bilan.means
    if means is None:
        return []
    lines = []
    for row in means.recruitments:
        if row.referent_of:
            lines.append(
                _("Recrutement le %(date)s de %(name)s, %(job)s, référent de la commune de %(commune)s.")
                % {"date": french_date(row.started_on), "name": row.name, "job": row.job, "commune": row.referent_of}
            )
        else:
            lines.append(
                _("Recrutement le %(date)s de %(name)s, %(job)s.")
                % {"date": french_date(row.started_on), "name": row.name, "job": row.job}
            )
    for row in means.departures:
        lines.append(_("Départ le %(date)s de %(name)s.") % {"date": french_date(row.ended_on), "name": row.name})
    return lines


@dataclass(frozen=True)
class BilanDocument:
    """A bilan with its texts and what the templates need beside the figures."""

    bilan: Bilan
    narrative: BilanNarrative | None
    title: str
    period: str
    scope_label: str
    general_action: tuple[str, ...]
    rules: tuple[tuple[str, str], ...]
    setup: tuple[str, ...] = ()

    @property
    def texts(self) -> dict[str, str]:
        narrative = self.narrative
        return {name: (getattr(narrative, name) if narrative else "") for name in NARRATIVE_FIELDS}

    @property
    def themes(self) -> list[dict]:
        """« Actions spécifiques » by theme, each action in words (`themed_action_phrase`)."""
        return [
            {"label": group.label, "done": group.done, "phrases": [themed_action_phrase(i) for i in group.items]}
            for group in self.bilan.actions_by_theme
        ]

    @property
    def new_percent(self):
        return percent(self.bilan.public.new, self.bilan.public.total)

    @property
    def continuing_percent(self):
        return percent(self.bilan.public.continuing, self.bilan.public.total)

    @property
    def actions_total(self) -> int:
        activity = self.bilan.activity
        return activity.collective_actions + activity.dsl_initiated + activity.dsl_joined + activity.work_projects

    @property
    def domains_note(self) -> str:
        return domains_note(self.bilan.domains)

    @property
    def domains_chart(self):
        return charts.domains_chart(self.bilan.domains, layout=charts.BILAN)

    @property
    def funnel_chart(self):
        return charts.funnel_chart(self.bilan.funnel, layout=charts.BILAN)

    @property
    def age_pyramid(self):
        return charts.age_pyramid(self.bilan.age_sex, layout=charts.BILAN)

    @property
    def activity_tables(self) -> list[dict]:
        """The activity tables to print: the whole scope, then each commune when there are several."""
        header = self.bilan.header
        single = header.communes[0] if len(header.communes) == 1 and not header.is_whole_team else None
        layouts = [activity_layout(self.bilan.activity, single)]
        if len(self.bilan.activity_by_commune) > 1:
            # The partners are named once, in the table of the whole scope: each commune's table printed
            # the same long lists again (three times for two communes).
            layouts += [activity_layout(table, with_partners=False) for table in self.bilan.activity_by_commune]
        return layouts

    @property
    def filename_stem(self) -> str:
        scope = "-".join(self.bilan.header.teams)
        if not self.bilan.header.is_whole_team:
            scope += "-" + "-".join(self.bilan.header.communes)
        return slugify(f"bilan-{scope}-{self.bilan.start:%Y%m%d}-{self.bilan.end:%Y%m%d}")


# Above this many characters of partner names in one cell, the printed table gives each category's count
# and lists the names below itself, full width: a cell a few centimetres wide holding hundreds of names
# ran over several pages, half empty, and took WeasyPrint most of its time to lay out.
PARTNERS_IN_CELL_MAX_CHARS = 1000


def partner_chars(groups) -> int:
    return sum(len(group.category) + sum(len(name) + 2 for name in group.partners) for group in groups)


def collective_actions_label(workshops, outings) -> str:
    """« 1 atelier et 2 sorties »: each number agrees with its own noun."""
    return _("%(workshops)s et %(outings)s") % {
        "workshops": ngettext("%(n)s atelier", "%(n)s ateliers", plural_number(workshops)) % {"n": count(workshops)},
        "outings": ngettext("%(n)s sortie", "%(n)s sorties", plural_number(outings)) % {"n": count(outings)},
    }


def dsl_actions_label(initiated, joined) -> str:
    """« 1 initiée et 15 en associé »."""
    return ngettext(
        "%(initiated)s initiée et %(joined)s en associé",
        "%(initiated)s initiées et %(joined)s en associé",
        plural_number(initiated),
    ) % {"initiated": count(initiated), "joined": count(joined)}


def hours_label(value) -> str:
    """« 1,5 heure », « 165 heures » (French: singular below two)."""
    return ngettext("%(n)s heure", "%(n)s heures", plural_number(value)) % {"n": decimal1(value)}


def presence_aside(person_hours, sessions) -> str:
    """« 247,5 heures-personnes, 66 temps de présence »."""
    return ngettext(
        "%(n)s heure-personne, %(sessions)s temps de présence",
        "%(n)s heures-personnes, %(sessions)s temps de présence",
        plural_number(person_hours),
    ) % {"n": decimal1(person_hours), "sessions": count(sessions)}


def domains_note(domains) -> str:
    """« 282 domaines travaillés au cours de 250 interventions auprès de 60 jeunes distincts. »"""
    return _("%(tags)s au cours de %(interventions)s auprès de %(youths)s.") % {
        "tags": ngettext("%(n)s domaine travaillé", "%(n)s domaines travaillés", plural_number(domains.total))
        % {"n": count(domains.total)},
        "interventions": ngettext("%(n)s intervention", "%(n)s interventions", plural_number(domains.interventions))
        % {"n": count(domains.interventions)},
        "youths": ngettext("%(n)s jeune distinct", "%(n)s jeunes distincts", plural_number(domains.youths))
        % {"n": count(domains.youths)},
    }


def activity_layout(table: ActivityTable, single_commune: str | None = None, *, with_partners: bool = True) -> dict:
    """Heading and row spans of one activity table (rows appear only when they have something to say).

    A table is titled with a commune's name only when it holds that commune's figures alone: the table
    of a whole team is « l'ensemble du territoire » even when the team works in a single commune (the
    seed's team-wide table, titled « sur HENIN-BEAUMONT », was read as Hénin-Beaumont's figures).
    """
    name = table.commune or single_commune
    if name:
        title = _("L'activité de l'EMPS sur %(commune)s") % {"commune": name.upper()}
    else:
        title = _("L'activité de l'EMPS sur l'ensemble du territoire")
    return {
        "table": table,
        "title": title,
        "with_partners": with_partners,
        "collective_label": collective_actions_label(table.workshops, table.outings),
        "dsl_label": dsl_actions_label(table.dsl_initiated, table.dsl_joined),
        "hours_label": hours_label(table.presence_hours),
        "presence_aside": presence_aside(table.presence_person_hours, table.presence_sessions),
        "support_rows": 3 + (1 if table.level_unknown else 0),
        "action_rows": 2 + (1 if table.work_projects else 0),
        "support_partner_count": sum(len(group.partners) for group in table.support_partners),
        "action_partner_count": sum(len(group.partners) for group in table.action_partners),
        "partners_below": with_partners
        and max(partner_chars(table.support_partners), partner_chars(table.action_partners))
        > PARTNERS_IN_CELL_MAX_CHARS,
    }


def bilan_document(bilan: Bilan, narrative: BilanNarrative | None = None) -> BilanDocument:
    header = bilan.header
    if header.is_whole_team:
        scope_label = ", ".join(header.communes)
    else:
        scope_label = ngettext("Commune de %(names)s", "Communes de %(names)s", len(header.communes)) % {
            "names": join_and(header.communes)
        }
    return BilanDocument(
        bilan=bilan,
        narrative=narrative,
        title=_("Bilan d'activité %(period)s") % {"period": period_label(bilan.start, bilan.end)},
        period=period_label(bilan.start, bilan.end),
        scope_label=scope_label,
        general_action=tuple(general_action_lines(bilan)),
        setup=tuple(setup_lines(bilan)),
        rules=tuple((str(title), str(text)) for title, text in COUNTING_RULES),
    )
