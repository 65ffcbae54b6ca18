"""The outcome of an import or a preview: counts, every error by row and column, a sample of changes."""

import datetime
from dataclasses import asdict, dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export.results import RowResult

from transfer.parsing import LINE_COLUMN

# Past these, errors and samples are counted but not kept (a wrong 50,000-row file stays light).
MAX_ERRORS = 1000
MAX_SAMPLES = 25


def show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass
class RowIssue:
    line: int
    column: str
    value: str
    message: str


@dataclass
class Sample:
    line: int
    action: str
    values: list[str]


@dataclass
class ImportReport:
    kind: str
    kind_label: str
    filename: str
    dry_run: bool
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    error_count: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    file_error: str = ""
    warnings: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    imported: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_count

    @property
    def hidden_errors(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, *, line: int, column: str = "", value="", message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowIssue(line=line, column=column, value=show(value), message=message))

    def record(self, row: dict, row_result: RowResult, resource, instance=None) -> None:
        """Count one row's outcome and keep its errors, each against its column and value."""
        self.rows += 1
        line = row.get(LINE_COLUMN, 0)
        if row_result.validation_error is not None:
            self.invalid += 1
            order = {name: index for index, name in enumerate(self.columns)}
            items = [(resource.column_for(a), messages) for a, messages in _error_items(row_result.validation_error)]
            for column, messages in sorted(items, key=lambda item: order.get(item[0], -1)):
                for message in messages:
                    self.add_error(
                        line=line, column=column, value=row.get(column, "") if column else "", message=message
                    )
        elif row_result.errors:
            self.invalid += 1
            for error in row_result.errors:
                self.add_error(line=line, message=resource.describe_exception(error.error))
        elif row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            self.created += 1
            self._sample(row, line, "new", resource, instance)
        elif row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
            self.updated += 1
            self._sample(row, line, "update", resource, instance)
        else:
            self.unchanged += 1

    def _sample(self, row, line, action, resource, instance) -> None:
        if len(self.samples) < MAX_SAMPLES:
            if instance is not None:
                values = resource.preview_values(instance, row)
            else:
                values = [row.get(c, "") for c in self.columns]
            self.samples.append(Sample(line=line, action=action, values=[show(v) for v in values]))

    def summary(self) -> dict:
        """What the confirmation page and the session keep: counts, no values."""
        keys = ("kind", "kind_label", "filename", "rows", "created", "updated", "unchanged", "seconds")
        data = asdict(self)
        return {key: data[key] for key in keys} | {"warnings": self.warnings}


def _error_items(error: ValidationError):
    if hasattr(error, "error_dict"):
        for attribute, errors in error.error_dict.items():
            messages = []
            for item in errors:
                messages.extend(item.messages if isinstance(item, ValidationError) else [str(item)])
            yield attribute, messages
    else:
        yield NON_FIELD_ERRORS, error.messages
