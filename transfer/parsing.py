"""Reading an uploaded spreadsheet: CSV (any usual encoding and delimiter) or XLSX.

Every problem with the file itself raises `FileError` with a French message meant for the
coordinator; no traceback ever reaches them. Rows are produced lazily, keyed by the format's
column names, with their line number in the spreadsheet.
"""

import codecs
import contextlib
import csv
import datetime
import io
import logging
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from transfer.columns import Column, header_key
from transfer.text import closest, restore_formula

logger = logging.getLogger(__name__)

# The most rows one file may hold, whatever its size in bytes (XLSX compresses well). Empty rows count too:
# a sheet of a million empty rows costs as much to read as a million full ones.
MAX_ROWS = 200_000
# An XLSX is a zip archive: what its members would take once uncompressed is bounded before openpyxl opens
# it (a 300 KB « decompression bomb » took a worker to 3.3 GB). The sheets are streamed; the other members
# (shared strings, styles) are read whole into memory, hence their own, lower bound. Python's zipfile never
# inflates a member past its declared size, so the declared sizes are a true bound.
MAX_XLSX_UNCOMPRESSED_MB = 300
MAX_XLSX_MEMBER_IN_MEMORY_MB = 50
# The longest cell of a CSV (csv's own limit, 128 KiB, raised an English error, or a 500 in the header).
MAX_CSV_FIELD_CHARS = 32 * 1024
MAX_COLUMNS = 100
LINE_COLUMN = "__ligne"

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MARKER = b"application/vnd.oasis.opendocument.spreadsheet"


class FileError(Exception):
    """The file cannot be read as a table of this kind; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return settings.EMPS_IMPORT_MAX_MB * 1024 * 1024


def check_size(size: int) -> None:
    if size > max_upload_bytes():
        raise FileError(
            _("Le fichier pèse %(size)s Mo : la limite est de %(limit)s Mo. Découpez-le en plusieurs fichiers.")
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "limit": settings.EMPS_IMPORT_MAX_MB}
        )


@dataclass
class Table:
    """A parsed file: the recognised columns and a lazy iterator of rows."""

    filename: str
    format: str
    columns: list[str]
    ignored: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    rows: Iterator[dict] = iter(())
    # The rows under the headers, as far as can be told before reading them (blank lines included): for a
    # progress bar, not a count.
    estimated_rows: int = 0


def _decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV file: UTF-8 with or without BOM, UTF-16 (Excel « texte Unicode ») or Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as error:
            raise FileError(_("Le fichier annonce de l'UTF-8 mais contient des caractères invalides.")) from error
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise FileError(_("Le fichier annonce de l'UTF-16 mais contient des caractères invalides.")) from error
    if b"\x00" in data[:4096]:
        raise FileError(
            _(
                "Ce fichier n'est ni un CSV ni un XLSX lisible (contenu binaire). "
                "Enregistrez-le depuis le tableur au format CSV ou Excel (.xlsx)."
            )
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileError(
            _("Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 » depuis le tableur.")
        ) from error


def _match_headers(raw_headers: Sequence, columns: Sequence[Column]) -> tuple[list[str | None], list[str]]:
    """Map each header cell to a column name (None when unknown); list the unknown ones."""
    by_key = {}
    for column in columns:
        by_key.update(dict.fromkeys(column.keys(), column.name))
    mapped, ignored, seen = [], [], {}
    for position, raw in enumerate(raw_headers, start=1):
        text = "" if raw is None else str(raw).strip().lstrip("\ufeff")
        name = by_key.get(header_key(text)) if text else None
        if name is not None and name in seen:
            raise FileError(
                _("La colonne « %(name)s » apparaît deux fois (colonnes %(first)s et %(second)s).")
                % {"name": name, "first": seen[name], "second": position}
            )
        if name is not None:
            seen[name] = position
        elif text:
            ignored.append(text)
        mapped.append(name)
    return mapped, ignored


def _check_headers(mapped: list[str | None], ignored: list[str], columns: Sequence[Column], kind_label: str) -> None:
    present = {name for name in mapped if name}
    names = [c.name for c in columns]
    if not present:
        raise FileError(
            _(
                "La première ligne doit contenir les en-têtes des colonnes d'un fichier « %(kind)s » "
                "(%(names)s) ; aucune n'a été reconnue."
            )
            % {"kind": kind_label, "names": ", ".join(names)}
        )
    missing = [c.name for c in columns if c.required and c.name not in present]
    if missing:
        hints = []
        for name in missing:
            near = closest(name, ignored)
            if near:
                hints.append(_("« %(found)s » pour « %(name)s » ?") % {"found": near, "name": name})
        message = ngettext(
            "Colonne obligatoire absente : %(names)s.",
            "Colonnes obligatoires absentes : %(names)s.",
            len(missing),
        ) % {"names": ", ".join(missing)}
        if hints:
            message += " " + _("Vérifiez l'orthographe des en-têtes : %(hints)s") % {"hints": " ".join(hints)}
        raise FileError(message)


def _cell(value):
    """A cell as the widgets expect it: text trimmed and de-neutralised, native dates and numbers kept."""
    if value is None:
        return ""
    if isinstance(value, str):
        return restore_formula(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _too_many_rows() -> FileError:
    return FileError(
        _("Le fichier dépasse %(max)s lignes (lignes vides comprises) : découpez-le en plusieurs fichiers.")
        % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")}
    )


def _rows(records: Iterator[tuple[int, Sequence]], mapped: list[str | None]) -> Iterator[dict]:
    count = 0
    for line, record in records:
        if line > MAX_ROWS + 1:
            raise _too_many_rows()
        values = {}
        for name, raw in zip(mapped, record, strict=False):
            if name is not None:
                values[name] = _cell(raw)
        if not any(v not in ("", None) for v in values.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows()
        for name in mapped:
            if name is not None:
                values.setdefault(name, "")
        values[LINE_COLUMN] = line
        yield values


def _detect_delimiter(header_line: str, columns: Sequence[Column]) -> str:
    """The delimiter that splits the header line into the most recognised columns."""
    keys = set().union(*(c.keys() for c in columns))
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        score = (sum(1 for c in cells if header_key(c) in keys), header_line.count(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_too_long(line: int) -> FileError:
    return FileError(
        _(
            "Ligne %(line)s : une cellule dépasse %(max)s caractères. Vérifiez le séparateur et les guillemets "
            "du fichier (une cellule ouverte par un guillemet court jusqu'au guillemet suivant)."
        )
        % {"line": line, "max": f"{MAX_CSV_FIELD_CHARS:,}".replace(",", "\u202f")}
    )


def _read_csv(data: bytes, filename: str, columns: Sequence[Column], kind_label: str) -> Table:
    text, encoding = _decode(data)
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    offset = 0
    first = text.partition("\n")[0].rstrip("\r")
    if len(first) > MAX_COLUMNS * MAX_CSV_FIELD_CHARS or any(
        len(cell) > MAX_CSV_FIELD_CHARS for cell in first.replace(",", ";").replace("\t", ";").split(";")
    ):
        raise _field_too_long(1)
    delimiter = None
    if first.lower().startswith("sep=") and len(first) >= 5:
        # Excel's hint line, "sep=;", before the headers.
        delimiter, offset = first[4], 1
        text = text.partition("\n")[2]
        first = text.partition("\n")[0].rstrip("\r")
    try:
        with _field_limit():
            delimiter = delimiter or _detect_delimiter(first, columns)
    except csv.Error as error:
        raise _field_too_long(1 + offset) from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with _field_limit():
            header = next(reader)
    except StopIteration as error:
        raise FileError(_("Le fichier est vide.")) from error
    except csv.Error as error:
        if "field limit" in str(error):
            raise _field_too_long(1 + offset) from error
        raise FileError(_("Ligne d'en-têtes illisible : %(error)s") % {"error": error}) from error
    if len(header) > MAX_COLUMNS:
        raise FileError(_("Le fichier a trop de colonnes (%(count)s).") % {"count": len(header)})
    mapped, ignored = _match_headers(header, columns)
    _check_headers(mapped, ignored, columns, kind_label)

    def records():
        line = 1 + offset
        try:
            with _field_limit():
                for record in reader:
                    line += 1
                    yield line, record
        except csv.Error as error:
            if "field limit" in str(error):
                raise _field_too_long(line + 1) from error
            raise FileError(
                _("Ligne %(line)s illisible (guillemet non fermé ?) : %(error)s") % {"line": line + 1, "error": error}
            ) from error

    return Table(
        filename=filename,
        format="csv",
        columns=[m for m in mapped if m],
        ignored=ignored,
        encoding=encoding,
        delimiter=delimiter,
        rows=_rows(records(), mapped),
        estimated_rows=max(text.count("\n") - offset - 1, 0),
    )


@contextlib.contextmanager
def _field_limit():
    """csv's field limit is global to the process: set ours while this file is read, then put it back."""
    previous = csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _check_archive(data: bytes) -> None:
    """Refuse an XLSX whose members would be too large once uncompressed (a « decompression bomb »)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _unreadable_xlsx(error) from error
    total = sum(member.file_size for member in members)
    in_memory = max(
        (m.file_size for m in members if not m.filename.startswith("xl/worksheets/")),
        default=0,
    )
    if total > MAX_XLSX_UNCOMPRESSED_MB * 1024 * 1024 or in_memory > MAX_XLSX_MEMBER_IN_MEMORY_MB * 1024 * 1024:
        logger.info("XLSX upload refused: %s bytes uncompressed (largest in-memory member %s)", total, in_memory)
        raise FileError(
            _(
                "Ce fichier Excel occupe %(size)s Mo une fois décompressé : la limite est de %(limit)s Mo. "
                "Enregistrez-le au format CSV ou découpez-le en plusieurs fichiers."
            )
            % {"size": f"{total / 1024 / 1024:.0f}", "limit": MAX_XLSX_UNCOMPRESSED_MB}
        )


def _unreadable_xlsx(error: Exception) -> FileError:
    logger.info("Unreadable XLSX upload: %s", type(error).__name__)
    return FileError(
        _(
            "Le fichier Excel est illisible (incomplet ou endommagé). "
            "Ouvrez-le dans le tableur, enregistrez-le à nouveau en .xlsx, puis réessayez."
        )
    )


def _read_xlsx(data: bytes, filename: str, columns: Sequence[Column], kind_label: str, kind: str) -> Table:
    # openpyxl, a heavy import, loads only when an Excel file is read (a deferred import, not a cycle).
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = workbook.worksheets
        if not sheets:
            raise FileError(_("Le classeur ne contient aucune feuille."))
        sheet = next((s for s in sheets if header_key(s.title) == header_key(kind)), sheets[0])
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except FileError:
        raise
    except Exception as error:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "damaged file"
        raise _unreadable_xlsx(error) from error
    if header is None or not any(v not in (None, "") for v in header):
        raise FileError(_("La première feuille du classeur est vide."))
    header = list(header)
    while header and header[-1] in (None, ""):
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileError(_("Le fichier a trop de colonnes (%(count)s).") % {"count": len(header)})
    mapped, ignored = _match_headers(header, columns)
    _check_headers(mapped, ignored, columns, kind_label)

    def records():
        try:
            yield from enumerate(iterator, start=2)
        except FileError:
            raise
        except Exception as error:  # noqa: BLE001 - a truncated archive fails while streaming rows
            raise _unreadable_xlsx(error) from error
        finally:
            workbook.close()

    return Table(
        filename=filename,
        format="xlsx",
        columns=[m for m in mapped if m],
        ignored=ignored,
        rows=_rows(records(), mapped),
        estimated_rows=max((sheet.max_row or 1) - 1, 0),
    )


def read_table(*, data: bytes, filename: str, columns: Sequence[Column], kind: str, kind_label: str) -> Table:
    """Open `data` as a CSV or XLSX table of the given columns, or raise FileError."""
    check_size(len(data))
    if not data or not data.strip():
        raise FileError(_("Le fichier est vide."))
    if data.startswith(XLS_MAGIC):
        raise FileError(
            _("Les anciens fichiers Excel (.xls) ne sont pas pris en charge : enregistrez-le en .xlsx ou en CSV.")
        )
    if data.startswith(b"%PDF"):
        raise FileError(_("C'est un PDF : importez un tableau au format CSV ou Excel (.xlsx)."))
    if data.startswith(XLSX_MAGIC):
        if ODS_MARKER in data[:200]:
            raise FileError(_("Les fichiers OpenDocument (.ods) ne sont pas pris en charge : enregistrez-le en .xlsx."))
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise _unreadable_xlsx(zipfile.BadZipFile("truncated"))
        _check_archive(data)
        return _read_xlsx(data, filename, columns, kind_label, kind)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise _unreadable_xlsx(ValueError("not a zip"))
    return _read_csv(data, filename, columns, kind_label)


def as_date(value) -> datetime.date | None:
    """Native date of an XLSX cell, if it holds one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None
