"""Imports, exports and templates of the team's spreadsheets, for the coordinator's pages and the commands.

An import is atomic: it runs inside one transaction, and a file with any error writes nothing.
A preview (dry run) runs exactly the same import and rolls it back.
"""

import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.summaries import summaries_bring_up_to_date
from emps.journal import Action, log_access
from emps.models import Team
from transfer.context import TransferContext
from transfer.parsing import LINE_COLUMN, FileError, read_table
from transfer.report import ImportReport
from transfer.resources import KINDS
from transfer.text import normalise
from transfer.writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, write_csv, write_xlsx

# Rows handed to django-import-export at a time: memory stays flat whatever the file's length.
CHUNK_ROWS = 2000
FORMATS = ("csv", "xlsx")


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_file(
    *,
    kind: str,
    data: bytes,
    filename: str,
    team: Team | None = None,
    teams=(),
    user=None,
    dry_run: bool = False,
    create_partners: bool = False,
    may_create_teams: bool = False,
    request=None,
    today: datetime.date | None = None,
    progress: Callable[..., None] | None = None,
) -> ImportReport:
    """Import a file of `kind` for `team` (rows may name another of `teams` where the format allows).

    Returns the report; nothing is written when the report has an error or when `dry_run` is set.
    `progress`, if given, is called after each chunk of rows with the rows read, checked and written so far
    and the file's estimated total (keyword arguments `read`, `checked`, `written`, `total`).
    """
    resource_class = KINDS[kind]
    report = ImportReport(kind=kind, kind_label=str(resource_class.label), filename=filename, dry_run=dry_run)
    started = time.perf_counter()
    try:
        table = read_table(
            data=data, filename=filename, columns=resource_class.columns, kind=kind, kind_label=report.kind_label
        )
    except FileError as error:
        report.file_error = error.message
        return report
    report.columns = table.columns
    if table.ignored:
        report.warnings.append(
            ngettext(
                "Colonne ignorée (inconnue) : %(names)s.",
                "Colonnes ignorées (inconnues) : %(names)s.",
                len(table.ignored),
            )
            % {"names": ", ".join(f"« {name} »" for name in table.ignored)}
        )
    team_from_rows = "equipe" in table.columns
    if resource_class.needs_team and team is None and not team_from_rows:
        report.file_error = _("Précisez l'équipe à laquelle ce fichier se rapporte.")
        return report

    context = TransferContext(
        user=user,
        team=team,
        teams=teams,
        today=today,
        create_partners=create_partners,
        # Only the territory file creates reference data.
        may_create_teams=may_create_teams and kind == "territoires",
        report=report,
    )
    resource = resource_class(context=context)
    headers = [LINE_COLUMN, *table.columns]
    try:
        with transaction.atomic():
            resource.before_chunks(table.columns)
            read = 0
            for chunk in _chunks(table.rows, CHUNK_ROWS):
                read += len(chunk)
                if progress is not None:
                    progress(read=read, checked=report.rows, written=0, total=max(table.estimated_rows, read))
                dataset = tablib.Dataset(headers=headers)
                for row in chunk:
                    dataset.append([row[name] for name in headers])
                result = resource.import_data(dataset, dry_run=False, use_transactions=False, raise_errors=False)
                for error in result.base_errors:
                    report.add_error(line=0, message=resource.describe_exception(error.error))
                if progress is not None:
                    written = 0 if dry_run or not report.ok else report.rows
                    progress(read=read, checked=report.rows, written=written, total=max(table.estimated_rows, read))
            if not report.rows:
                report.file_error = _("Le fichier ne contient aucune ligne de données sous les en-têtes.")
            if context.created_partners:
                verb = _("seront créés") if dry_run else _("créés")
                report.warnings.append(
                    _("Partenaires %(verb)s dans la catégorie « À classer » : %(names)s.")
                    % {"verb": verb, "names": ", ".join(f"« {name} »" for name in context.created_partners)}
                )
            if context.created_teams:
                report.warnings.append(
                    _("Équipes créées : %(names)s.") % {"names": ", ".join(f"« {n} »" for n in context.created_teams)}
                )
            if dry_run or not report.ok:
                transaction.set_rollback(True)
            else:
                # The file's summaries now, in its transaction, rather than at the next reader's page.
                summaries_bring_up_to_date()
                report.imported = True
    except FileError as error:
        report.file_error = error.message
        report.imported = False
    report.seconds = round(time.perf_counter() - started, 1)
    if report.imported:
        log_access(
            request=request,
            user=user,
            action=Action.IMPORT,
            object_type=kind,
            team=team,
            detail=_("fichier %(name)s, %(rows)s lignes (%(created)s créées, %(updated)s mises à jour)")
            % {"name": filename[:80], "rows": report.rows, "created": report.created, "updated": report.updated},
        )
    return report


# Exports and templates --------------------------------------------------------------------------


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    rows: int


def _write(resource_class, rows, fmt: str, *, with_help: bool = False) -> tuple[bytes, int]:
    headers = resource_class.column_names()
    if fmt == "csv":
        return write_csv(headers, rows)
    help_rows = ()
    if with_help:
        help_rows = [
            ("colonne", "obligatoire", "contenu", "exemple"),
            *((c.name, "oui" if c.required else "non", str(c.help), c.example) for c in resource_class.columns),
        ]
    return write_xlsx(headers, rows, title=str(resource_class.label), help_rows=help_rows)


def _content_type(fmt: str) -> str:
    return CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE


def export_file(*, kind: str, team: Team | None, fmt: str, user=None, request=None) -> ExportFile:
    """The team's records of `kind` in the import format; nominative exports are journaled."""
    resource_class = KINDS[kind]
    resource = resource_class(context=TransferContext(user=user, team=team))
    content, rows = _write(resource_class, resource.export_rows(), fmt)
    stamp = timezone.localdate().isoformat()
    scope = f"-{slugify(team.name)}" if team is not None and resource_class.needs_team else ""
    filename = f"{kind}{scope}-{stamp}.{fmt}"
    if resource_class.nominative:
        log_access(
            request=request,
            user=user,
            action=Action.EXPORT,
            object_type=kind,
            team=team,
            detail=_("fichier %(name)s, %(rows)s lignes") % {"name": filename, "rows": rows},
        )
    return ExportFile(filename=filename, content_type=_content_type(fmt), content=content, rows=rows)


def template_file(*, kind: str, fmt: str, team: Team | None = None, user=None) -> ExportFile:
    """An empty file of `kind` with its headers and one example row (and the columns' help in XLSX)."""
    resource_class = KINDS[kind]
    example = resource_class.example_row(TransferContext(user=user, team=team))
    content, _rows = _write(resource_class, [example], fmt, with_help=True)
    return ExportFile(filename=f"modele-{kind}.{fmt}", content_type=_content_type(fmt), content=content, rows=1)


def team_for_command(name: str | None) -> Team | None:
    """The team a command's --team names (without regard to case or accents), or the only team there is."""
    teams = list(Team.objects.all())
    if name:
        wanted = normalise(name)
        return next((t for t in teams if normalise(t.name) == wanted), None)
    return teams[0] if len(teams) == 1 else None
