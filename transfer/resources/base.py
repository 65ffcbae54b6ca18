"""The base django-import-export resource of every kind of file.

What it adds to ModelResource:
- explicit columns with French headers and documentation (`columns`), blank required cells refused;
- widgets bound to a `TransferContext` whose lookups were loaded once: no query per row;
- `full_clean()` on every instance (clean_model_instances), leaving out the foreign keys the
  lookups already resolved (Django would otherwise query each one);
- bulk creation with the many-to-many links written in bulk too (`m2m`);
- rows identical to a record already stored are recognised and skipped (`signature`), so that
  importing the same file twice creates nothing;
- every row's outcome and errors recorded in the context's `ImportReport`.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from emps.enums import Role
from emps.models import Partner, Quartier, User
from transfer.columns import Column
from transfer.context import user_label
from transfer.widgets import LookupWidget, is_blank

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# SQLSTATEs of a write cancelled for another: deadlock detected, serialization failure.
CONCURRENT_WRITES = {"40P01", "40001"}


def column(name: str, attribute: str, widget) -> Field:
    return Field(attribute=attribute, column_name=name, widget=widget)


def _insert_links(field, pairs: list[tuple[int, int]]) -> None:
    """Insert many-to-many rows, hundreds per statement (one model instance per link would double the import time)."""
    if not pairs:
        return
    through = field.remote_field.through
    connection = connections[router.db_for_write(through)]
    quote = connection.ops.quote_name
    columns = (
        through._meta.get_field(field.m2m_field_name()).column,
        through._meta.get_field(field.m2m_reverse_field_name()).column,
    )
    head = "INSERT INTO {} ({}, {}) VALUES ".format(quote(through._meta.db_table), *map(quote, columns))
    size = min(BATCH_SIZE, (connection.features.max_query_params or 2 * BATCH_SIZE) // 2)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            batch = pairs[start : start + size]
            cursor.execute(head + ", ".join(["(%s, %s)"] * len(batch)), [value for pair in batch for value in pair])


class TransferRowResult(RowResult):
    def add_instance_info(self, instance):
        # The default calls str(instance), which may query a related object for every row.
        self.object_id = getattr(instance, "pk", None)


class TransferResource(resources.ModelResource):
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    # Whether the file belongs to one team (chosen in the form or with --team).
    needs_team: ClassVar[bool] = True
    # Whether the file names young people (exports are journaled).
    nominative: ClassVar[bool] = False
    # Whether the file has a « partenaires » column (the « create unknown partners » option).
    has_partners: ClassVar[bool] = False
    # Attributes holding a row's many-to-many values -> the model's many-to-many field.
    m2m: ClassVar[dict[str, str]] = {}
    # Errors Django reports on model fields that no column sets directly.
    extra_error_columns: ClassVar[dict[str, str]] = {}
    # Model fields the import fills from the context rather than from a cell.
    context_fields: ClassVar[tuple[str, ...]] = ()
    validate_constraints: ClassVar[bool] = True
    # A column whose value is looked up within another's: its error is left out when the other is wrong.
    dependent_columns: ClassVar[dict[str, str]] = {"quartier": "commune"}

    class Meta:
        clean_model_instances = True
        skip_diff = True
        force_init_instance = True
        report_skipped = False
        use_bulk = False
        batch_size = BATCH_SIZE

    def __init__(self, *, context):
        super().__init__()
        self._import_fields = None
        self.context = context
        for field in self.fields.values():
            if hasattr(field.widget, "bind"):
                field.widget.bind(context)
        self._column_of = {field.attribute: field.column_name for field in self.fields.values()}
        self._column_of.update(self.extra_error_columns)
        self._attribute_of = {field.column_name: field.attribute for field in self.fields.values()}
        self._clean_exclude = {
            field.attribute for field in self.fields.values() if isinstance(field.widget, LookupWidget)
        } | set(self.context_fields)
        self._existing: Counter | None = None
        self._outcome: str | None = None
        self._instance = None

    def get_import_fields(self):
        # django-import-export works the import order out again for every row and every field.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def get_row_result_class(cls):
        return TransferRowResult

    # Columns ---------------------------------------------------------------------------------

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    def column_for(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        return self._column_of.get(attribute, "")

    def attribute_for(self, column_name: str) -> str:
        return self._attribute_of.get(column_name, column_name)

    # Import ----------------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        self._outcome = self._instance = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self._outcome and row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            row_result.import_type = self._outcome
        self.context.report.record(row, row_result, self, instance=self._instance)
        return row_result

    def preview_values(self, instance, row) -> list:
        """A row as it will be stored (« scolarise » shows as « Scolarisé »), for the preview."""
        values = []
        for name in self.context.report.columns:
            field = self.fields.get(name)
            try:
                values.append(field.widget.render(field.get_value(instance)))
            except Exception:  # noqa: BLE001 - the preview falls back on the cell as written
                values.append(row.get(name, ""))
        return values

    def before_chunks(self, columns: list[str]) -> None:
        """Called once in the import's transaction, before the first chunk of rows, with the file's columns."""

    def before_import_row(self, row, **kwargs):
        self.context.row_team = self.context.team

    def after_init_instance(self, instance, new, row, **kwargs):
        self._instance = instance
        if new and "team" in self.context_fields:
            instance.team = self.context.row_team
        if new and "author" in self.context_fields:
            instance.author = self.context.user

    def import_instance(self, instance, row, **kwargs):
        """Fill the instance from the row; a blank required cell is an error, not a silent empty value."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for col in self.columns:
            if col.required and is_blank(row.get(col.name)):
                errors[self.attribute_for(col.name)] = [
                    ValidationError(_("Cellule vide : la colonne « %(name)s » est obligatoire.") % {"name": col.name})
                ]
        for child, parent in self.dependent_columns.items():
            # « Quartier inconnu » says nothing more when the commune itself is wrong.
            if self.attribute_for(parent) in errors:
                errors.pop(self.attribute_for(child), None)
        if not errors:
            try:
                self.check_row(instance, row)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row) -> None:
        """Checks across columns, once every cell is valid on its own. Raise ValidationError."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if self._meta.clean_model_instances:
            instance.full_clean(
                exclude=self._clean_exclude,
                validate_unique=False,
                validate_constraints=self.validate_constraints,
            )

    # Rows already stored ---------------------------------------------------------------------

    def signature(self, instance):
        """What makes a row identical to a stored record (None: never skip)."""
        return None

    def existing_signatures(self) -> Iterable[tuple]:
        """Signatures of the records already stored, read in a few queries."""
        return ()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        signature = self.signature(instance)
        if signature is None:
            return False
        if self._existing is None:
            # Kept as hashes: a team's years of records then weigh a few megabytes, not hundreds.
            self._existing = Counter(map(hash, self.existing_signatures()))
        key = hash(signature)
        if self._existing[key] > 0:
            self._existing[key] -= 1
            return True
        return False

    # Writes ----------------------------------------------------------------------------------

    def do_instance_save(self, instance, is_create):
        with transaction.atomic():
            instance.save(force_insert=is_create)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Create the pending instances, then their many-to-many links, a thousand rows per query."""
        instances = self.create_instances
        if not instances:
            return
        model = self._meta.model
        try:
            with transaction.atomic():
                model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
                for attribute, name in self.m2m.items():
                    pairs = [(obj.pk, other.pk) for obj in instances for other in getattr(obj, attribute, ())]
                    _insert_links(model._meta.get_field(name), pairs)
                self.bulk_history(instances)
        except Exception as error:  # noqa: BLE001 - reported to the coordinator, never as a traceback
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_history(self, instances: list) -> list:
        """The creation lines of the history of bulk-created instances (bulk_create skips simple-history's
        signals), by the importing user; returns them (empty for a model without history)."""
        history = getattr(self._meta.model, "history", None)
        if history is None:
            return []
        return history.bulk_history_create(instances, batch_size=BATCH_SIZE, default_user=self.context.user) or []

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the primary-key sequences here; rows never carry ids, so nothing to do.
        pass

    @staticmethod
    def describe_exception(error: Exception) -> str:
        if isinstance(error, ValidationError):
            return " ".join(error.messages)
        if isinstance(error, DatabaseError) and getattr(error.__cause__, "sqlstate", None) in CONCURRENT_WRITES:
            # PostgreSQL cancelled the import to let another write through (the writes about youths of
            # several teams take turns, but see docs/scaling.md): its English detail says nothing to a
            # coordinator.
            return _(
                "Un autre enregistrement modifiait les mêmes jeunes au même moment : rien n'a été importé. "
                "Relancez l'import."
            )
        if isinstance(error, DatabaseError):
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return _("Enregistrement refusé par la base de données : %(message)s") % {"message": message}
        logger.error("Unexpected import error", exc_info=error)
        return _("Erreur inattendue à l'enregistrement (%(type)s). Rien n'a été importé.") % {
            "type": type(error).__name__
        }

    # Export ----------------------------------------------------------------------------------

    @classmethod
    def export_queryset(cls, context):
        raise NotImplementedError

    def prepare_export(self) -> None:
        """Load, in a few queries, what the rows' dehydrate methods need."""

    def export_rows(self):
        """Rows in the import format (native dates and numbers, text elsewhere), in a stable order."""
        self.prepare_export()
        fields = self.get_export_fields()
        for instance in self.iter_queryset(self.export_queryset(self.context)):
            yield [self.export_field(field, instance) for field in fields]

    @classmethod
    def example_row(cls, context=None) -> list[str]:
        """The templates' example row, with the team's own communes, educators and partners when it has some."""
        values = {c.name: c.example for c in cls.columns}
        team = context.team if context is not None else None
        if team is not None:
            values.update(_team_examples(team, values))
        return [values[c.name] for c in cls.columns]


def _team_examples(team, values: dict) -> dict:
    examples = {}
    if "commune" in values:
        quartier = (
            Quartier.objects.filter(commune__teams=team).select_related("commune").order_by("commune__name", "name")
        )
        quartier = quartier.first()
        commune = quartier.commune if quartier else team.communes.order_by("name").first()
        if commune is not None:
            examples["commune"] = commune.name
            examples["quartier"] = quartier.name if quartier and values.get("quartier") else ""
    if "equipe" in values:
        examples["equipe"] = team.name
    prefix = team.reference_prefix or "J"
    if "reference" in values:
        examples["reference"] = f"{prefix}-0001"
    if "participants" in values:
        examples["participants"] = f"{prefix}-0001; {prefix}-0002"
    educators = [user_label(u) for u in User.objects.filter(teams=team).exclude(role=Role.FUNDER).order_by("pk")[:2]]
    if educators and "educateur" in values:
        examples["educateur"] = educators[0]
    if educators and "educateurs" in values:
        examples["educateurs"] = "; ".join(educators)
    if values.get("partenaires"):
        partner = Partner.objects.order_by("name").first()
        if partner is not None:
            examples["partenaires"] = partner.name
    return examples
