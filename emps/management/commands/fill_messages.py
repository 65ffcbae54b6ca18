"""Fill the French catalog after `makemessages -l fr` (run by `make messages`).

The interface is written in French in the source: every msgid is already its own French
translation. What the catalog adds is the French plural rule (0 and 1 take the singular), which
gettext only applies to entries that have a translation. So every entry is filled with its msgid
(singular) or with its msgid and msgid_plural (the two French forms), fuzzy marks and obsolete
entries are dropped, and the header names the language and its plural rule.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANGUAGE = "fr"
PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
HEADER = "French catalog of EMPS. The msgids are French: `make messages` regenerates and fills it."


def catalog_paths() -> list[Path]:
    """The French catalogs of the project (django.po, djangojs.po when JavaScript strings exist)."""
    return sorted(
        Path(path) / LANGUAGE / "LC_MESSAGES" / name
        for path in settings.LOCALE_PATHS
        for name in ("django.po", "djangojs.po")
        if (Path(path) / LANGUAGE / "LC_MESSAGES" / name).exists()
    )


def fill_catalog(catalog: polib.POFile) -> int:
    """Give every entry its French msgstr (the msgid itself); return how many entries were changed."""
    catalog.header = HEADER
    catalog.metadata.update(
        {
            "Project-Id-Version": "EMPS",
            "Language": LANGUAGE,
            "Language-Team": "French",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS,
        }
    )
    for placeholder in ("Report-Msgid-Bugs-To", "PO-Revision-Date", "Last-Translator"):
        catalog.metadata.pop(placeholder, None)
    catalog.metadata_is_fuzzy = False
    for entry in catalog.obsolete_entries():
        catalog.remove(entry)
    changed = 0
    for entry in catalog:
        before = (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
        changed += before != (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
    return changed


class Command(BaseCommand):
    help = "Remplit le catalogue français (msgstr = msgid, formes plurielles françaises) après makemessages."

    def handle(self, *args, **options):
        paths = catalog_paths()
        if not paths:
            raise CommandError("Aucun catalogue : lancez d'abord « manage.py makemessages -l fr ».")
        for path in paths:
            catalog = polib.pofile(str(path), wrapwidth=79)
            changed = fill_catalog(catalog)
            catalog.save(str(path))
            self.stdout.write(f"{path}: {len(catalog)} entrées, {changed} remplies.")
