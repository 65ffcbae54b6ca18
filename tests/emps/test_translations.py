"""The French catalog: French plural forms (0 and 1 take the singular), complete and compiled.

The msgids are French, so the catalog translates each one to itself; without it gettext falls back
on the English plural rule and writes « 0 jeunes ». Regenerate it with `make messages`.
"""

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from emps.management.commands.fill_messages import PLURAL_FORMS, fill_catalog
from tests.actions.factories import CollectiveActionFactory
from tests.youths.factories import YouthFactory

MESSAGES = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
CATALOGS = sorted(MESSAGES.glob("*.po"))


def test_the_french_catalog_is_in_the_locale_paths():
    assert MESSAGES.parent.parent in [Path(path) for path in settings.LOCALE_PATHS]
    assert [path.name for path in CATALOGS] == ["django.po"]


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.name)
def test_every_entry_of_the_catalog_is_filled_and_none_is_fuzzy(po_path):
    catalog = polib.pofile(str(po_path))
    assert catalog.metadata["Plural-Forms"] == PLURAL_FORMS
    assert catalog.metadata["Language"] == "fr"
    assert len(catalog) > 500
    assert not catalog.fuzzy_entries() and not catalog.obsolete_entries()
    empty = [entry.msgid for entry in catalog if not entry.translated()]
    assert empty == [], "Run `make messages`: these strings have no msgstr."
    plurals = [entry for entry in catalog if entry.msgid_plural]
    assert plurals and all(e.msgstr_plural == {0: e.msgid, 1: e.msgid_plural} for e in plurals)


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.name)
def test_the_committed_mo_file_is_the_compiled_catalog(po_path, tmp_path):
    """The .mo is committed (CI has no gettext): it must hold exactly what the .po says."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "Run `make messages` to compile the catalog."
    with mo_path.open("rb") as committed:
        compiled = gettext.GNUTranslations(committed)
    expected_path = tmp_path / "expected.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(expected_path))
    with expected_path.open("rb") as expected_file:
        expected = gettext.GNUTranslations(expected_file)
    assert compiled._catalog.keys() - {""} == expected._catalog.keys() - {""}
    assert {k: v for k, v in compiled._catalog.items() if k != ""} == {
        k: v for k, v in expected._catalog.items() if k != ""
    }
    assert [compiled.plural(n) for n in (0, 1, 2, 10)] == [0, 0, 1, 1]


def test_every_plural_of_the_source_is_in_the_catalog():
    """A plural added since the last `make messages` would fall back on the English rule (« 0 jeunes »)."""
    catalog = polib.pofile(str(MESSAGES / "django.po"))
    known = {entry.msgid for entry in catalog if entry.msgid_plural}
    root = Path(settings.BASE_DIR)
    in_templates = re.compile(r"{% blocktranslate count [^%]*%}(.*?){% plural %}", re.S)
    found = set()
    for path in (root / "templates").rglob("*.html"):
        found |= {re.sub(r"{{ *(\w+) *}}", r"%(\1)s", text) for text in in_templates.findall(path.read_text())}
    for app in ("actions", "emps", "reports", "youths"):
        for path in (root / app).rglob("*.py"):
            found |= {
                node.args[0].value
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("ngettext", "ngettext_lazy")
                and isinstance(node.args[0], ast.Constant)
            }
    assert {"%(counter)s jeune", "%(n)d heure"} <= found
    assert found <= known, f"Run `make messages`: {sorted(found - known)}"


def test_django_uses_the_french_plural_rule():
    with translation.override(settings.LANGUAGE_CODE):
        forms = [translation.ngettext("%(counter)s jeune", "%(counter)s jeunes", n) % {"counter": n} for n in (0, 1, 2)]
    assert forms == ["0 jeune", "1 jeune", "2 jeunes"]


@pytest.mark.django_db
def test_the_collective_actions_list_counts_participants_in_french(client, team, educator):
    youths = [YouthFactory(team=team, first_name=name) for name in ("Inès", "Yanis")]
    for title, participants in [("Atelier zéro", []), ("Atelier un", youths[:1]), ("Atelier deux", youths)]:
        CollectiveActionFactory(team=team, author=educator, title=title, participants=participants)
    client.force_login(educator)
    response = client.get(reverse("actions:action_list"), {"qui": "equipe"})
    rows = {
        action.title: cell
        for action, cell in zip(
            response.context["actions"],
            re.findall(r'data-label="Participants">(.*?)</td>', response.content.decode()),
            strict=True,
        )
    }
    assert rows == {"Atelier zéro": "0 jeune", "Atelier un": "1 jeune", "Atelier deux": "2 jeunes"}
    assert "3 actions" in response.content.decode()


def test_the_fill_command_gives_every_entry_its_french_forms():
    catalog = polib.POFile()
    catalog.metadata = {"Plural-Forms": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : 2;"}
    catalog.append(polib.POEntry(msgid="Jeunes"))
    catalog.append(polib.POEntry(msgid="%(n)s jeune", msgid_plural="%(n)s jeunes", msgstr_plural={0: "", 1: ""}))
    catalog.append(polib.POEntry(msgid="Ancien", msgstr="Old", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="Supprimé", obsolete=True))
    fill_catalog(catalog)
    assert catalog.metadata["Plural-Forms"] == PLURAL_FORMS
    assert [(e.msgid, e.msgstr, e.msgstr_plural, e.flags) for e in catalog] == [
        ("Jeunes", "Jeunes", {}, []),
        ("%(n)s jeune", "", {0: "%(n)s jeune", 1: "%(n)s jeunes"}, []),
        ("Ancien", "Ancien", {}, []),
    ]
