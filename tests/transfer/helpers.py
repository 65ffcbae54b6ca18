"""Helpers for the transfer tests: building CSV and XLSX files, running an import."""

import csv
import io

from openpyxl import Workbook

from transfer.services import import_file


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, title="Feuille 1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(kind, rows_or_bytes, team=None, *, filename="fichier.csv", **kwargs):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    kwargs.setdefault("teams", [team] if team else [])
    return import_file(kind=kind, data=data, filename=filename, team=team, **kwargs)


def error_texts(report) -> list[str]:
    return [f"{e.line}|{e.column}|{e.value}|{e.message}" for e in report.errors]


YOUTH_HEADER = ["reference", "prenom", "nom", "sexe", "date_naissance", "commune", "quartier", "origine", "situation"]
YOUTH_HEADER += ["niveau", "date_debut", "date_fin"]


def youth_row(reference="HB-0001", first_name="Yanis", **overrides):
    values = {
        "reference": reference,
        "prenom": first_name,
        "nom": "",
        "sexe": "H",
        "date_naissance": "03/2010",
        "commune": "Hénin-Beaumont",
        "quartier": "Darcy",
        "origine": "Présence sociale",
        "situation": "Scolarisé",
        "niveau": "ASEP",
        "date_debut": "12/09/2023",
        "date_fin": "",
    }
    values.update(overrides)
    return [values[name] for name in YOUTH_HEADER]
