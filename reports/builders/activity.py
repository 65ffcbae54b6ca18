"""Tables about the team's work: domains, collective actions, street presence, partners, meetings."""

import datetime

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from actions.enums import ActionKind, ActionStatus, Carrying, MeetingKind, Place
from actions.models import (
    TALLY_BANDS,
    TALLY_SEXES,
    ActionTheme,
    CollectiveAction,
    DiagnosticFinding,
    Domain,
    Intervention,
    InterventionPartner,
    PartnerMeeting,
    PresenceSession,
)
from actions.rules import done, meeting_figures, street_contact_figures, time_slot
from emps.expressions import MonthStart
from emps.models import Commune, Partner
from emps.rounding import percent
from emps.rules import qpv_on
from reports.builders.summaries import domain_totals, intervention_totals, monthly_interventions, year_is_inside
from reports.builders.types import (
    ActionGroup,
    ActionItem,
    ActivityTable,
    BandRow,
    CountRow,
    Diagnostic,
    DomainRow,
    DomainTable,
    FindingRow,
    MeetingSummary,
    MonthRow,
    PartnerGroup,
    PresenceRow,
    PresenceSlots,
    PresenceSummary,
    Scope,
    SlotRow,
    StreetPublic,
    StreetQuartierRow,
    ThemedAction,
    ThemeGroup,
)
from reports.builders.youths import scope_youths, tally, youth_facts
from youths.rules import first_met_during

# The action log's headings, in the plural.
ACTION_GROUP_LABELS = {
    ActionKind.WORKSHOP: _lazy("Ateliers"),
    ActionKind.OUTING: _lazy("Sorties"),
    ActionKind.DSL: _lazy("Actions DSL sur les quartiers"),
    ActionKind.WORK_PROJECT: _lazy("Chantiers éducatifs"),
    ActionKind.COMMUNAL_EVENT: _lazy("Événements des communes"),
}

# Actions DSL (développement social local): the team's own neighbourhood actions and the communes'
# events it joins. The carrying decides "initiées" (by the team) or "en associé" (joined).
DSL_KINDS = (ActionKind.DSL, ActionKind.COMMUNAL_EVENT)

# The fields of a BandRow, in the order of the tally's age bands (`actions.models.TALLY_BANDS`).
BAND_FIELDS = ("under_12", "from_12_to_17", "from_18_to_25")


def intervention_in_period_q(scope: Scope, start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """The filter of `interventions_in_period`, for a query starting from a table that points to interventions
    (`prefix="intervention__"`): a plain join, where `intervention__in=<subquery>` made PostgreSQL scan every
    intervention of the period. Without a prefix it also filters the domain tags and the partner links,
    which carry their intervention's youth, date and team.

    The team is the copy on the row (the youth's team, see Intervention.team): the period's rows of each
    team are one range of a (team, date, …) index. A commune's scope still joins the youths for their
    commune, and PostgreSQL then walks the (youth, date, …) indexes from the commune's youths.
    """
    condition = Q(**{f"{prefix}team__in": scope.team_ids, f"{prefix}date__gte": start, f"{prefix}date__lte": end})
    if scope.communes is not None:
        condition &= Q(**{f"{prefix}youth__commune__in": scope.commune_ids})
    return condition


def interventions_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Intervention]:
    """Interventions dated in the period with a youth of the scope (the youth's commune decides)."""
    return Intervention.objects.filter(intervention_in_period_q(scope, start, end)).order_by()


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of each month from `start`'s to `end`'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def actions_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[CollectiveAction]:
    """Collective actions done (`actions.rules.DONE`) and dated in the period, in the scope's communes (where
    the action took place): those the figures count."""
    return any_action_in_period(scope, start, end).filter(done())


def any_action_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[CollectiveAction]:
    """Collective actions dated in the period whatever their status (planned, cancelled, replaced…), in the
    scope's communes: what « Actions spécifiques » tells."""
    queryset = CollectiveAction.objects.filter(team__in=scope.team_ids, date__gte=start, date__lte=end)
    if scope.communes is not None:
        queryset = queryset.filter(commune__in=scope.commune_ids)
    return queryset.order_by()


def sessions_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[PresenceSession]:
    """Street-presence sessions dated in the period, in the scope's communes (where they took place)."""
    queryset = PresenceSession.objects.filter(team__in=scope.team_ids, date__gte=start, date__lte=end)
    if scope.communes is not None:
        queryset = queryset.filter(commune__in=scope.commune_ids)
    return queryset.order_by()


def meetings_in_period(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[PartnerMeeting]:
    """Partner meetings dated in the period; a meeting without a commune concerns every commune of the team."""
    queryset = PartnerMeeting.objects.filter(team__in=scope.team_ids, date__gte=start, date__lte=end)
    if scope.communes is not None:
        queryset = queryset.filter(Q(commune__in=scope.commune_ids) | Q(commune__isnull=True))
    return queryset.order_by()


def build_domains(*, scope: Scope, start: datetime.date, end: datetime.date) -> DomainTable:
    """Domaines travaillés: interventions tagged with each domain (Total), distinct youths (Jeunes), % of all tags."""
    # Both columns, and the table's interventions and youths, come from the youths' yearly summaries that
    # the database keeps (one row a youth, year and domain instead of one a tag, see `summaries`).
    inside = year_is_inside(scope, start, end)
    tagged = domain_totals(scope, start, end, inside=inside)
    domains = [
        {**d, "total": tagged.get(d["pk"], (0, 0))[0], "youths": tagged.get(d["pk"], (0, 0))[1]}
        for d in Domain.objects.values("pk", "code", "label", "order", "is_active")
    ]
    interventions, youths = intervention_totals(scope, start, end, inside=inside)
    shown = [d for d in domains if d["is_active"] or d["total"]]
    grand_total = sum(d["total"] for d in shown)
    shown.sort(key=lambda d: (-d["total"], d["order"], d["label"]))
    rows = tuple(
        DomainRow(
            code=d["code"],
            label=d["label"],
            total=d["total"],
            youths=d["youths"],
            percent=percent(d["total"], grand_total),
        )
        for d in shown
    )
    return DomainTable(rows=rows, total=grand_total, interventions=interventions, youths=youths)


def scope_communes(scope: Scope) -> list[tuple[int, str]]:
    if scope.communes is not None:
        return sorted(((c.pk, c.name) for c in scope.communes), key=lambda pair: pair[1])
    return list(Commune.objects.filter(teams__in=scope.team_ids).distinct().order_by("name").values_list("pk", "name"))


def _group_partners(entries) -> tuple[PartnerGroup, ...]:
    """Distinct partners grouped by category, categories in their list order, partners by name.

    `entries`: (category order, category, partner name), as `partner_entries` gives them."""
    categories: dict = {}
    for order, category, name in entries:
        categories.setdefault((order, category), set()).add(name)
    return tuple(
        PartnerGroup(category=category, partners=tuple(sorted(names)))
        for (_order, category), names in sorted(categories.items())
    )


def partners_mobilised_rows(scope: Scope, start: datetime.date, end: datetime.date) -> list[tuple[str, int, int]]:
    """(source, commune id, partner id), distinct, for the partners of the period's interventions
    ("support") and collective actions ("actions"). Interventions count in the youth's commune, actions
    in the commune where they took place.

    Ids only: a federation's year has 18,000 (commune, partner) pairs, too many to group and read as
    names; `partner_entries` names the few hundred partners once.
    """
    # The links carry their intervention's youth, date and team (InterventionPartner): the same filter as
    # the interventions', on the links' own (team, date, …) and (youth, date, …) indexes.
    through_interventions = InterventionPartner.objects.filter(intervention_in_period_q(scope, start, end))
    through_actions = CollectiveAction.partners.through.objects.filter(
        collectiveaction__in=actions_in_period(scope, start, end)
    )
    rows = [
        ("support", commune, partner)
        for commune, partner in through_interventions.values_list("youth__commune", "partner").distinct()
    ]
    rows += [
        ("actions", commune, partner)
        for commune, partner in through_actions.values_list("collectiveaction__commune", "partner").distinct()
    ]
    return rows


def partner_entries(partner_ids) -> dict[int, tuple[int, str, str]]:
    """{partner id: (category order, category, partner name)} for `_group_partners` (one query)."""
    if not partner_ids:
        return {}
    rows = Partner.objects.filter(pk__in=partner_ids).values_list("pk", "category__order", "category__label", "name")
    return {pk: (order, category, name) for pk, order, category, name in rows.order_by()}


def build_partners_mobilised(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[PartnerGroup, ...]:
    """The partners mobilised in the period's interventions and collective actions, grouped by category."""
    entries = partner_entries({partner for _source, _commune, partner in partners_mobilised_rows(scope, start, end)})
    return _group_partners(entries.values())


def build_activity_by_commune(
    *,
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    with_partners: bool = True,
    with_contacts: bool = False,
) -> tuple[ActivityTable, tuple[ActivityTable, ...]]:
    """The seed's activity table for the whole scope, then one per commune of the scope.

    `with_partners=False` leaves the partner columns empty, for screens that do not show them (the
    funders' dashboard page): at federation scale the distinct partners of 100,000 interventions are
    the table's most expensive query.

    Youths count in their own commune; collective actions and street presence where they took place.
    Ateliers and sorties are the collective actions; DSL "initiées" are the DSL actions and communal
    events carried by the team, "en associé" those the team joined. "Actions après étude de besoin" are
    the actions flagged so, other than DSL.

    `with_contacts=True` (the bilan, the funders' dashboard) also counts street presence's contacts and
    counted sessions (`actions.rules.STREET_CONTACTS`); without it they stay None.
    """
    communes = scope_communes(scope)
    youth_rows = [
        {"commune": commune, "level": level, "n": n}
        for (commune, level), n in tally(
            youth_facts(scope, start, end, ("commune", "level")), "commune", "level"
        ).items()
    ]
    action_rows = list(
        actions_in_period(scope, start, end)
        .values("commune")
        .annotate(
            workshops=Count("pk", filter=Q(kind=ActionKind.WORKSHOP)),
            outings=Count("pk", filter=Q(kind=ActionKind.OUTING)),
            dsl_initiated=Count("pk", filter=Q(kind__in=DSL_KINDS, carrying=Carrying.INITIATED)),
            dsl_joined=Count("pk", filter=Q(kind__in=DSL_KINDS, carrying=Carrying.JOINED)),
            work_projects=Count("pk", filter=Q(kind=ActionKind.WORK_PROJECT)),
            after_needs_assessment=Count("pk", filter=Q(after_needs_assessment=True) & ~Q(kind__in=DSL_KINDS)),
        )
    )
    presence_rows = list(
        sessions_in_period(scope, start, end)
        .values("commune")
        .annotate(
            sessions=Count("pk"),
            minutes=Sum("duration_minutes"),
            person_minutes=Sum(F("duration_minutes") * F("educator_count")),
            **(
                {key: street_contact_figures()[key] for key in ("counted_sessions", "contacts")}
                if with_contacts
                else {}
            ),
        )
    )
    partner_rows = partners_mobilised_rows(scope, start, end) if with_partners else []

    seen = {row["commune"] for row in youth_rows + action_rows + presence_rows}
    seen |= {commune for _source, commune, _partner in partner_rows}
    known = {pk for pk, _name in communes}
    if seen - known:
        # Records in a commune the team no longer covers still count: name them.
        communes += list(Commune.objects.filter(pk__in=seen - known).order_by("name").values_list("pk", "name"))

    # Each commune's rows, so that a table reads its own rather than every commune's.
    rows_of: dict = {}
    for kind, rows in (("youths", youth_rows), ("actions", action_rows), ("presence", presence_rows)):
        for row in rows:
            rows_of.setdefault((kind, row["commune"]), []).append(row)
    # Each commune's distinct partners by source, as ids: a table of several communes unites their sets
    # (the federation's overall table: 200 partners, not 17,000 rows), named when grouped.
    partners_of: dict = {}
    for source, commune, partner in partner_rows:
        partners_of.setdefault((source, commune), set()).add(partner)
    entries = partner_entries({partner for _source, _commune, partner in partner_rows})

    def grouped(partner_ids) -> tuple[PartnerGroup, ...]:
        return _group_partners(entries[pk] for pk in partner_ids)

    def table(name, commune_ids) -> ActivityTable:
        def rows(kind: str) -> list[dict]:
            return [row for commune in commune_ids for row in rows_of.get((kind, commune), ())]

        levels: dict = {}
        for row in rows("youths"):
            levels[row["level"]] = levels.get(row["level"], 0) + row["n"]
        actions, presence = rows("actions"), rows("presence")
        support_partners, action_partners = (
            set().union(*(partners_of.get((source, commune), ()) for commune in commune_ids))
            for source in ("support", "actions")
        )
        return ActivityTable(
            commune=name,
            paei=levels.get("paei", 0),
            asep=levels.get("asep", 0),
            accroche=levels.get("accroche", 0),
            level_unknown=sum(n for level, n in levels.items() if level not in ("paei", "asep", "accroche")),
            workshops=sum(r["workshops"] for r in actions),
            outings=sum(r["outings"] for r in actions),
            dsl_initiated=sum(r["dsl_initiated"] for r in actions),
            dsl_joined=sum(r["dsl_joined"] for r in actions),
            work_projects=sum(r["work_projects"] for r in actions),
            after_needs_assessment=sum(r["after_needs_assessment"] for r in actions),
            presence_sessions=sum(r["sessions"] for r in presence),
            presence_minutes=sum(r["minutes"] or 0 for r in presence),
            presence_person_minutes=sum(r["person_minutes"] or 0 for r in presence),
            support_partners=grouped(support_partners),
            action_partners=grouped(action_partners),
            partners=grouped(support_partners | action_partners),
            **(
                {
                    "presence_counted_sessions": sum(r["counted_sessions"] for r in presence),
                    "presence_contacts": sum(r["contacts"] or 0 for r in presence),
                }
                if with_contacts
                else {}
            ),
        )

    overall = table(None, {pk for pk, _name in communes})
    return overall, tuple(table(name, {pk}) for pk, name in communes)


def build_presence(*, scope: Scope, start: datetime.date, end: datetime.date) -> PresenceSummary:
    """Street presence: sessions, hours and person-hours (duration × educators), by place and by quartier."""
    sessions = sessions_in_period(scope, start, end)
    figures = {
        "sessions": Count("pk"),
        "minutes": Sum("duration_minutes"),
        "person_minutes": Sum(F("duration_minutes") * F("educator_count")),
    }
    # One grouped query by place, commune and quartier; both breakdowns are summed from its rows.
    rows = list(sessions.values("place", "commune__name", "quartier__name").annotate(**figures))
    by_place: dict = {}
    grouped: dict = {}
    for row in rows:
        for key, table in ((row["place"], by_place), ((row["commune__name"], row["quartier__name"]), grouped)):
            totals = table.setdefault(key, {"sessions": 0, "minutes": 0, "person_minutes": 0})
            for figure in totals:
                totals[figure] += row[figure] or 0
    by_quartier = [
        {"commune__name": commune, "quartier__name": quartier, **totals}
        for (commune, quartier), totals in grouped.items()
    ]
    places = tuple(
        PresenceRow(
            key=place.value,
            label=str(place.label),
            sessions=by_place.get(place.value, {}).get("sessions", 0),
            minutes=by_place.get(place.value, {}).get("minutes") or 0,
            person_minutes=by_place.get(place.value, {}).get("person_minutes") or 0,
        )
        for place in Place
    )
    quartiers = tuple(
        PresenceRow(
            key=f"{row['commune__name']}/{row['quartier__name'] or ''}",
            label=f"{row['commune__name']} – {row['quartier__name'] or _('quartier non précisé')}",
            sessions=row["sessions"],
            minutes=row["minutes"] or 0,
            person_minutes=row["person_minutes"] or 0,
        )
        for row in sorted(
            by_quartier, key=lambda r: (r["commune__name"], r["quartier__name"] is None, r["quartier__name"] or "")
        )
    )
    return PresenceSummary(
        sessions=sum(r.sessions for r in places),
        minutes=sum(r.minutes for r in places),
        person_minutes=sum(r.person_minutes for r in places),
        by_place=places,
        by_quartier=quartiers,
    )


WEEKDAYS = (
    _lazy("Lundi"),
    _lazy("Mardi"),
    _lazy("Mercredi"),
    _lazy("Jeudi"),
    _lazy("Vendredi"),
    _lazy("Samedi"),
    _lazy("Dimanche"),
)


def build_presence_slots(*, scope: Scope, start: datetime.date, end: datetime.date) -> PresenceSlots:
    """Street presence by day of the week and time slot, day or evening (`actions.rules.TIME_SLOT`), from the
    start times stored: one grouped query."""
    rows = list(
        sessions_in_period(scope, start, end)
        .annotate(weekday=ExtractIsoWeekDay("date"), slot=time_slot())
        .values("weekday", "slot")
        .annotate(sessions=Count("pk"), minutes=Sum("duration_minutes"))
    )
    cells = {(row["weekday"], row["slot"]): (row["sessions"], row["minutes"] or 0) for row in rows}

    def slot_row(weekday: int, label: str, days) -> SlotRow:
        def figure(slot: str, index: int) -> int:
            return sum(cells.get((day, slot), (0, 0))[index] for day in days)

        return SlotRow(
            weekday=weekday,
            label=label,
            day_sessions=figure("journee", 0),
            day_minutes=figure("journee", 1),
            evening_sessions=figure("soiree", 0),
            evening_minutes=figure("soiree", 1),
            unknown_sessions=figure("", 0),
            unknown_minutes=figure("", 1),
        )

    return PresenceSlots(
        rows=tuple(slot_row(day, str(label), (day,)) for day, label in enumerate(WEEKDAYS, start=1)),
        total=slot_row(0, _("Total"), range(1, 8)),
    )


def build_street_public(*, scope: Scope, start: datetime.date, end: datetime.date) -> StreetPublic:
    """Public rencontré en présence sociale: the contacts counted (`actions.rules.STREET_CONTACTS`) by sex
    and age band, the adults apart, and by quartier with the share in a QPV (one grouped query)."""
    rows = list(
        sessions_in_period(scope, start, end)
        .annotate(in_qpv=qpv_on(end))
        .values("commune__name", "quartier__name", "in_qpv")
        .annotate(**street_contact_figures())
    )
    figures = {key: sum(row[key] or 0 for row in rows) for key in street_contact_figures()}
    by_sex = tuple(
        BandRow(
            key=sex,
            label=str(label),
            **{
                field: figures[f"{sex}_{band}"]
                for field, (band, _band_label) in zip(BAND_FIELDS, TALLY_BANDS, strict=True)
            },
            total=sum(figures[f"{sex}_{band}"] for band, _band_label in TALLY_BANDS),
        )
        for sex, label in TALLY_SEXES
    )
    total = BandRow(
        key="",
        label=_("Total"),
        under_12=sum(row.under_12 for row in by_sex),
        from_12_to_17=sum(row.from_12_to_17 for row in by_sex),
        from_18_to_25=sum(row.from_18_to_25 for row in by_sex),
        total=sum(row.total for row in by_sex),
    )
    contacts = figures["contacts"]
    counted = [row for row in rows if row["counted_sessions"]]
    by_quartier = tuple(
        StreetQuartierRow(
            commune=row["commune__name"],
            quartier=row["quartier__name"] or "",
            is_qpv=bool(row["in_qpv"]),
            counted_sessions=row["counted_sessions"],
            contacts=row["contacts"] or 0,
            adults=row["adults"] or 0,
            percent=percent(row["contacts"] or 0, contacts),
        )
        for row in sorted(
            counted, key=lambda r: (r["commune__name"], r["quartier__name"] is None, r["quartier__name"] or "")
        )
    )
    in_qpv = sum(row.contacts for row in by_quartier if row.is_qpv)
    return StreetPublic(
        sessions=figures["sessions"],
        counted_sessions=figures["counted_sessions"],
        contacts=contacts,
        by_sex=by_sex,
        total=total,
        parents=figures["parents"],
        residents=figures["residents"],
        by_quartier=by_quartier,
        in_qpv=in_qpv,
        in_qpv_percent=percent(in_qpv, contacts),
        adults=figures["parents"] + figures["residents"],
    )


def build_specific_actions(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[ActionGroup, ...]:
    """The action log grouped by type, then by title: how many times, how many youths (with a file and
    without), how many families or parents reached, which partners."""
    actions = actions_in_period(scope, start, end)
    rows = list(
        actions.values("kind", "title").annotate(
            times=Count("pk"),
            anonymous=Sum("anonymous_participants"),
            parents=Sum("parents"),
            first=Min("date"),
            last=Max("date"),
        )
    )
    youths = {
        (r["kind"], r["title"]): r["youths"]
        for r in actions.values("kind", "title").annotate(youths=Count("participants", distinct=True))
    }
    partners: dict = {}
    for r in actions.filter(partners__isnull=False).values("kind", "title", "partners__name").distinct():
        partners.setdefault((r["kind"], r["title"]), set()).add(r["partners__name"])
    rows_of_kind: dict = {}
    for r in rows:
        rows_of_kind.setdefault(r["kind"], []).append(r)
    groups = []
    for kind in ActionKind:
        items = sorted(
            (
                ActionItem(
                    title=r["title"],
                    times=r["times"],
                    youths=youths.get((r["kind"], r["title"]), 0),
                    anonymous_participants=r["anonymous"] or 0,
                    parents=r["parents"] or 0,
                    first_date=r["first"],
                    last_date=r["last"],
                    partners=tuple(sorted(partners.get((r["kind"], r["title"]), ()))),
                )
                for r in rows_of_kind.get(kind.value, ())
            ),
            key=lambda item: (-item.times, item.title),
        )
        if items:
            groups.append(
                ActionGroup(
                    kind=kind.value,
                    label=str(ACTION_GROUP_LABELS[kind]),
                    count=sum(i.times for i in items),
                    items=tuple(items),
                )
            )
    return tuple(groups)


def build_actions_by_theme(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[ThemeGroup, ...]:
    """« Actions spécifiques » by theme, as the seed writes it: under each theme, the titles of the period's
    collective actions whatever their status, the done ones with how many times (`actions.rules.DONE`), the
    others saying what became of them (cancelled, postponed, replaced by another…). Empty when no action of
    the period has a theme. Two queries."""
    rows = list(
        any_action_in_period(scope, start, end)
        .values("theme", "title", "status", "replaced_by__title", "outcome")
        .annotate(times=Count("pk"), first=Min("date"), last=Max("date"), planned=Min("planned_on"))
    )
    if not any(row["theme"] for row in rows):
        return ()
    themes = {theme.pk: theme for theme in ActionTheme.objects.filter(pk__in={row["theme"] for row in rows})}
    by_theme: dict = {}
    for row in rows:
        by_theme.setdefault(row["theme"], []).append(
            ThemedAction(
                title=row["title"],
                status=row["status"],
                status_label=str(ActionStatus(row["status"]).label),
                times=row["times"],
                first_date=row["first"],
                last_date=row["last"],
                planned_on=row["planned"],
                replaced_by=row["replaced_by__title"] or "",
                outcome=row["outcome"],
            )
        )
    ordered = sorted(by_theme, key=lambda pk: (pk is None, *((themes[pk].order, themes[pk].label) if pk else (0, ""))))
    return tuple(
        ThemeGroup(
            key=themes[pk].code if pk else "",
            label=themes[pk].label if pk else _("Autres actions"),
            done=sum(item.times for item in by_theme[pk] if item.is_done),
            items=tuple(sorted(by_theme[pk], key=lambda i: (not i.is_done, -i.times, i.first_date, i.title))),
        )
        for pk in ordered
    )


def build_meetings(*, scope: Scope, start: datetime.date, end: datetime.date) -> MeetingSummary:
    """Temps partenariaux: how many by kind and their hours (MEETING_TIME), their subjects, the partners met."""
    meetings = meetings_in_period(scope, start, end)
    subjects = list(meetings.values("kind", "title").annotate(**meeting_figures()))
    for row in subjects:  # a meeting with partners only is named by its kind
        row["title"] = row["title"] or str(MeetingKind(row["kind"]).label)
    partner_names = sorted(
        set(
            PartnerMeeting.partners.through.objects.filter(partnermeeting__in=meetings).values_list(
                "partner__name", flat=True
            )
        )
    )

    def total(kind, figure):
        return sum(r[figure] or 0 for r in subjects if r["kind"] == kind.value)

    by_kind = tuple(CountRow(key=kind.value, label=str(kind.label), count=total(kind, "n")) for kind in MeetingKind)
    merged = {}
    for row in subjects:
        key = (row["kind"], row["title"])
        merged[key] = merged.get(key, 0) + row["n"]
    ordered = sorted(merged.items(), key=lambda item: (MeetingKind.values.index(item[0][0]), -item[1], item[0][1]))
    return MeetingSummary(
        total=sum(r.count for r in by_kind),
        by_kind=by_kind,
        subjects=tuple(CountRow(key=kind, label=title, count=n) for (kind, title), n in ordered),
        partners=tuple(partner_names),
        minutes_by_kind=tuple(
            CountRow(key=kind.value, label=str(kind.label), count=total(kind, "minutes")) for kind in MeetingKind
        ),
    )


def build_diagnostics(*, scope: Scope, start: datetime.date, end: datetime.date) -> tuple[Diagnostic, ...]:
    """The period's territorial diagnostics with their findings per quartier, in date order; with communes,
    only the findings of their quartiers. One query."""
    findings = DiagnosticFinding.objects.filter(
        meeting__in=meetings_in_period(scope, start, end).filter(kind=MeetingKind.DIAGNOSTIC)
    )
    if scope.communes is not None:
        findings = findings.filter(quartier__commune__in=scope.commune_ids)
    rows = findings.values_list(
        "meeting_id", "meeting__date", "meeting__title", "quartier__commune__name", "quartier__name", "text"
    ).order_by("meeting__date", "meeting_id", "quartier__commune__name", "quartier__name")
    grouped: dict[int, tuple] = {}
    for meeting_id, date, title, commune, quartier, text in rows:
        head = grouped.setdefault(meeting_id, (date, title or str(MeetingKind.DIAGNOSTIC.label), []))
        head[2].append(FindingRow(commune=commune, quartier=quartier, text=text))
    return tuple(Diagnostic(date=date, label=label, findings=tuple(found)) for date, label, found in grouped.values())


def _by_month(queryset, date_field: str, **figures) -> dict:
    rows = queryset.annotate(month=MonthStart(date_field)).values("month").annotate(**figures)
    return {row.pop("month"): row for row in rows}


def build_monthly(
    *, scope: Scope, start: datetime.date, end: datetime.date, presence_minutes: dict | None = None
) -> tuple[MonthRow, ...]:
    """Month by month: youths met for the first time, interventions, collective actions, presence hours.

    `presence_minutes` ({first day of a month: minutes}): the presence a caller already counted month by
    month (the funders' dashboard, by month and place), instead of a query of its own.
    """
    # Met for the first time in the period: in relation by that alone, whatever else youths_in_period tests.
    new_youths = scope_youths(scope).filter(first_met_during(start, end))
    youths = _by_month(new_youths, "first_met_on", n=Count("pk"))
    if scope.communes is None:  # whole teams: their monthly counts, kept by the database
        interventions = {month: {"n": n} for month, n in monthly_interventions(scope, start, end).items()}
    else:
        interventions = _by_month(interventions_in_period(scope, start, end), "date", n=Count("pk"))
    actions = _by_month(actions_in_period(scope, start, end), "date", n=Count("pk"))
    if presence_minutes is None:
        presence = _by_month(sessions_in_period(scope, start, end), "date", minutes=Sum("duration_minutes"))
    else:
        presence = {month: {"minutes": minutes} for month, minutes in presence_minutes.items()}
    return tuple(
        MonthRow(
            month=month,
            new_youths=youths.get(month, {}).get("n", 0),
            interventions=interventions.get(month, {}).get("n", 0),
            collective_actions=actions.get(month, {}).get("n", 0),
            presence_minutes=presence.get(month, {}).get("minutes") or 0,
        )
        for month in months_between(start, end)
    )
