"""Whole-database export and re-import, as a compressed Django fixture (dumpdata / loaddata).

The archive keeps primary keys (the journal and the history refer to them) and uses natural keys
for content types and permissions, which `migrate` recreates. It contains password hashes and
two-factor secrets: store it encrypted, readable by the administrator only. Django's JSON
serialiser keeps timestamps to the millisecond; nothing in the application depends on finer.
A stock `manage.py loaddata` reads the archive too.
"""

import collections
import gzip
import io
import json
import os
import zlib
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from actions.summaries import summaries_rebuild

# Rebuilt by `migrate` (content types, permissions), short-lived (sessions), or written again from the
# interventions, tags, episodes and situations once they are loaded (their summaries and marks).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "actions.interventionmonth",
    "actions.youthyear",
    "actions.youthyeardomain",
    "actions.teamyear",
    "actions.teamyeardomain",
    "actions.summarymark",
    "youths.youthyearfacts",
    "youths.teamyearfacts",
]


def backup_write(*, path: Path) -> collections.Counter:
    """Write the archive to `path` (.json.gz), readable by its owner only; return the rows per model."""
    if not str(path).endswith(".json.gz"):
        raise ValueError("Le fichier de sauvegarde doit se terminer par .json.gz")
    # Created readable by its owner only before anything is written in it (and never over an existing file):
    # `dumpdata` then writes into it.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise ValueError(f"Le fichier {path} existe déjà : choisissez un autre nom.") from None
    try:
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDED,
            output=str(path),
            verbosity=0,
        )
    except BaseException:
        path.unlink(missing_ok=True)  # no half-written archive left behind
        raise
    os.chmod(path, 0o600)
    return archive_counts(path)


class BackupError(RuntimeError):
    """An archive that cannot be read: the message says so in French, the database is left as it was."""


def archive_counts(path: Path) -> collections.Counter:
    """Rows per model in an archive, and links per many-to-many field (`app.model.field`)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as archive:
            objects = json.load(archive)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as error:
        # A truncated or damaged gzip stream (EOFError, BadGzipFile, zlib.error), or JSON cut short.
        raise BackupError(
            f"L'archive {path.name} est incomplète ou abîmée ({type(error).__name__}) : rien n'a été modifié. "
            "Vérifiez qu'elle a été entièrement copiée, ou prenez une autre sauvegarde."
        ) from error
    if not isinstance(objects, list) or not all(isinstance(obj, dict) and "model" in obj for obj in objects):
        raise BackupError(f"Le fichier {path.name} n'est pas une archive de backup_data : rien n'a été modifié.")
    counts = collections.Counter()
    for obj in objects:
        counts[obj["model"]] += 1
        for name, value in obj["fields"].items():
            if isinstance(value, list) and _is_many_to_many(obj["model"], name):
                counts[f"{obj['model']}.{name}"] += len(value)
    return counts


def _is_many_to_many(label: str, name: str) -> bool:
    field = apps.get_model(label)._meta.get_field(name)
    return field.many_to_many


def database_counts(labels) -> collections.Counter:
    """The same counts, read from the database, for the labels given."""
    counts = collections.Counter()
    for label in labels:
        app_label, model_name, *field = label.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            model = model._meta.get_field(field[0]).remote_field.through
        counts[label] = model._base_manager.count()
    return counts


def settle_deferred_constraints() -> None:
    """PostgreSQL refuses to truncate tables with deferred checks pending in the transaction: run them now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@transaction.atomic
def backup_restore(*, path: Path) -> collections.Counter:
    """Replace every row of the database by the archive's, then check the counts (all or nothing)."""
    expected = archive_counts(path)
    settle_deferred_constraints()
    call_command("flush", interactive=False, verbosity=0)
    # Rows are restored as they were: no change-history entry may be added while loading.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(path), verbosity=0, stdout=io.StringIO())
    found = database_counts(expected)
    differences = {label: (expected[label], found[label]) for label in expected if expected[label] != found[label]}
    if differences:
        detail = ", ".join(
            f"{label} : {want} attendu(s), {got} trouvé(s)" for label, (want, got) in differences.items()
        )
        raise RuntimeError(f"Restauration incomplète, rien n'a été modifié ({detail}).")
    summaries_rebuild()
    return found
