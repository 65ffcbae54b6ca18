"""Everything held on one youth, for an access request (GDPR art. 15): as JSON and as a PDF.

`youth_access_record` gathers the data once, in a fixed number of queries, into plain Python
values (dates, strings, lists); the JSON export serialises it, the PDF template displays it.
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from actions.models import Intervention
from emps.models import AccessLog
from reports.pdf import LocalOnlyFetcher
from youths.models import Youth

FORMAT_VERSION = 1


def _display(value):
    if value is None or value == "":
        return None
    return str(value)


def _choice(model, field_name, value):
    if value in (None, ""):
        return None
    return str(dict(model._meta.get_field(field_name).flatchoices).get(value, value))


def _identity(youth: Youth) -> dict:
    field = Youth._meta.get_field
    return {
        str(field("first_name").verbose_name): youth.first_name,
        str(field("last_name").verbose_name): _display(youth.last_name),
        str(field("reference").verbose_name): _display(youth.reference),
        str(field("sex").verbose_name): _choice(Youth, "sex", youth.sex),
        str(field("birth_year").verbose_name): youth.birth_year,
        str(field("birth_month").verbose_name): str(MONTHS[youth.birth_month]) if youth.birth_month else None,
        str(field("age_is_estimated").verbose_name): youth.age_is_estimated,
        str(field("commune").verbose_name): _display(youth.commune),
        str(field("quartier").verbose_name): _display(youth.quartier.name if youth.quartier else None),
        str(field("origin").verbose_name): _display(youth.origin),
        str(field("origin_partner").verbose_name): _display(youth.origin_partner),
        str(field("referent").verbose_name): _display(youth.referent),
        str(field("first_met_on").verbose_name): youth.first_met_on,
        str(field("informed_on").verbose_name): youth.informed_on,
        str(field("team").verbose_name): youth.team.name,
        str(field("created_at").verbose_name): timezone.localtime(youth.created_at),
        str(field("updated_at").verbose_name): timezone.localtime(youth.updated_at),
        str(field("anonymised_at").verbose_name): (
            timezone.localtime(youth.anonymised_at) if youth.anonymised_at else None
        ),
    }


class _Labels:
    """Display values of the foreign keys found in historical rows, fetched in one query per model."""

    def __init__(self, history_rows, fields):
        self.fields = fields
        wanted = {}
        for row in history_rows:
            for field in fields:
                if field.is_relation:
                    value = getattr(row, field.attname)
                    if value is not None:
                        wanted.setdefault(field.related_model, set()).add(value)
        self.labels = {
            model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=pks).select_related()}
            for model, pks in wanted.items()
        }

    def value(self, row, field):
        raw = getattr(row, field.attname)
        if raw is None or raw == "":
            return None
        if field.is_relation:
            return self.labels.get(field.related_model, {}).get(raw, f"#{raw}")
        if field.choices:
            return str(dict(field.flatchoices).get(raw, raw))
        if field.name == "birth_month":
            return str(MONTHS.get(raw, raw))
        if isinstance(raw, datetime.datetime):
            return timezone.localtime(raw)
        return raw


HISTORY_TYPES = {"+": _("création"), "~": _("modification"), "-": _("suppression")}
JOURNAL_OBJECTS = {"youth": _("fiche du jeune"), "intervention": _("intervention")}
# client_key: the technical key of an entry sent by the outbox (emps/outbox.py), nothing about the person.
HISTORY_IGNORED = {"id", "created_at", "anonymised_at", "version", "updated_at", "client_key"}


def _history_links(history_rows, model) -> dict:
    """Many-to-many values recorded by the history (e.g. an intervention's domains), one query per field."""
    historical = model.history.model
    fields, values = [], {}
    for field in getattr(historical, "_history_m2m_fields", []):
        through = getattr(historical, field.name).model  # the history of the field's links
        target = field.m2m_reverse_field_name()
        rows = through.objects.filter(history__in=[row.pk for row in history_rows]).select_related(target)
        for link in rows:
            values.setdefault((link.history_id, field.name), []).append(str(getattr(link, target)))
        fields.append((field.name, str(field.verbose_name)))
    return {"fields": fields, "values": {key: sorted(labels) for key, labels in values.items()}}


def _history(history_rows, model, describe) -> list[dict]:
    """Each change with the fields that changed, their value before and after, by whom and when."""
    fields = [
        f
        for f in model.history.model._meta.concrete_fields
        if not f.name.startswith("history_") and f.name not in HISTORY_IGNORED
    ]
    labels = _Labels(history_rows, fields)
    links = _history_links(history_rows, model)
    entries = []
    previous_by_object = {}
    for row in history_rows:  # oldest first
        previous = previous_by_object.get(row.id)
        changes = []
        for field in fields:
            after = labels.value(row, field)
            before = labels.value(previous, field) if previous is not None else None
            if before != after and (previous is not None or after is not None):
                changes.append({"champ": str(field.verbose_name), "avant": before, "après": after})
        for name, label in links["fields"]:
            after = links["values"].get((row.pk, name), [])
            before = links["values"].get((previous.pk, name), []) if previous is not None else []
            if before != after:
                changes.append({"champ": label, "avant": before or None, "après": after or None})
        previous_by_object[row.id] = row
        entries.append(
            {
                "date": timezone.localtime(row.history_date),
                "objet": describe(row),
                "opération": str(HISTORY_TYPES.get(row.history_type, row.history_type)),
                "par": _display(row.history_user),
                "changements": changes,
            }
        )
    return entries


def youth_access_record(*, youth: Youth) -> dict:
    """All the data held on one youth, in French, ready for JSON or for the PDF template."""
    youth = Youth.objects.select_related("team", "commune", "quartier", "origin", "origin_partner", "referent").get(
        pk=youth.pk
    )
    episodes = list(youth.episodes.select_related("end_reason").order_by("started_on"))
    situations = list(youth.situations.select_related("situation").order_by("started_on"))
    interventions = list(
        youth.interventions.select_related("author")
        .prefetch_related("domains", "partners", "educators")
        .order_by("date", "pk")
    )
    actions = list(youth.actions.select_related("commune", "quartier__commune").order_by("date", "pk"))
    intervention_ids = [i.pk for i in interventions]
    youth_history = list(Youth.history.filter(id=youth.pk).select_related("history_user").order_by("history_date"))
    intervention_history = list(
        Intervention.history.filter(id__in=intervention_ids).select_related("history_user").order_by("history_date")
    )
    dates = {i.pk: i.date for i in interventions}
    journal = list(
        AccessLog.objects.filter(
            Q(object_type="youth", object_id=str(youth.pk))
            | Q(object_type="intervention", object_id__in=[str(pk) for pk in intervention_ids])
        )
        .order_by("at", "pk")
        .values_list("at", "action", "object_type")
    )
    actions_labels = dict(AccessLog.Action.choices)
    team = youth.team
    return {
        "format": "emps-droit-d-acces",
        "version": FORMAT_VERSION,
        "généré le": timezone.localtime(),
        "responsable du traitement": team.association or team.name,
        "équipe": team.name,
        "identité": _identity(youth),
        "conservation": str(
            _(
                "Les données sont conservées tant que le jeune est en relation avec l'équipe, puis anonymisées "
                "%(months)s mois après le dernier contact."
            )
        )
        % {"months": settings.EMPS_RETENTION_MONTHS},
        "accompagnements": [
            {
                "niveau": e.get_level_display(),
                "début": e.started_on,
                "fin": e.ended_on,
                "motif de fin": _display(e.end_reason),
            }
            for e in episodes
        ],
        "situations": [{"situation": str(s.situation), "depuis le": s.started_on} for s in situations],
        "interventions": [
            {
                "date": i.date,
                "type": i.get_kind_display() or None,
                "domaines": [d.label for d in i.domains.all()],
                "partenaires mobilisés": [p.name for p in i.partners.all()],
                "éducateurs": [str(u) for u in i.educators.all()],
                "note": i.note or None,
                "saisie par": _display(i.author),
            }
            for i in interventions
        ],
        "actions collectives": [
            {
                "date": a.date,
                "titre": a.title,
                "type": a.get_kind_display(),
                "lieu": str(a.quartier) if a.quartier else str(a.commune),
            }
            for a in actions
        ],
        "historique des modifications": sorted(
            _history(youth_history, Youth, lambda row: str(_("fiche du jeune")))
            + _history(
                intervention_history,
                Intervention,
                lambda row: (
                    str(_("intervention du %(date)s")) % {"date": (dates.get(row.id) or row.date).strftime("%d/%m/%Y")}
                ),
            ),
            key=lambda entry: entry["date"],
        ),
        # Dates and kinds of operation only: who consulted is not part of the person's data.
        "consultations et opérations": [
            {
                "date": timezone.localtime(at),
                "opération": str(actions_labels.get(action, action)),
                "objet": str(JOURNAL_OBJECTS.get(kind, kind)),
            }
            for at, action, kind in journal
        ],
    }


def access_record_json(record: dict) -> str:
    return json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def render_pdf(template_name: str, context: dict) -> bytes:
    """A PDF from a template."""
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    """Only the static files and data: URLs may be fetched: no other file of the server, never the network."""
    fetcher = LocalOnlyFetcher()
    return HTML(string=html, base_url=(settings.BASE_DIR / "static").as_uri() + "/", url_fetcher=fetcher).write_pdf()
