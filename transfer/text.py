"""Text helpers shared by parsing, widgets and exports: matching without case or accents,
closest-value suggestions, lists inside a cell and spreadsheet-formula neutralisation."""

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

# Characters a spreadsheet reads as the start of a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATORS = (";", "|", ",")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def normalise(value) -> str:
    if isinstance(value, str):
        return _normalise_text(value)
    return "" if value is None else _normalise_text(str(value))


@functools.lru_cache(maxsize=65536)
def _normalise_text(value: str) -> str:
    """A key for matching: no accents, no case, punctuation and spaces collapsed.

    « Hénin-Beaumont », « HENIN BEAUMONT » and « henin_beaumont » give the same key.
    """
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", text).strip()


def tidy(value) -> str:
    """A cell's text as it should be stored: trimmed, inner runs of spaces collapsed."""
    if value is None:
        return ""
    value = str(value)
    if "  " not in value and "\t" not in value and "\n" not in value and "\r" not in value and "\xa0" not in value:
        return value.strip()
    return _SPACES.sub(" ", value).strip()


def neutralise_formula(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore_formula(value: str) -> str:
    """Undo `neutralise_formula` on import, so that an exported file imports back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def closest(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate label closest to `value` (compared without case or accents), if any is close."""
    by_key = {}
    for label in candidates:
        by_key.setdefault(normalise(label), label)
    matches = difflib.get_close_matches(normalise(value), list(by_key), n=1, cutoff=0.6)
    return by_key[matches[0]] if matches else None


def unknown_message(value: str, candidates: Iterable[str], template: str = "") -> str:
    """« Domaine « Scolarte » inconnu : vouliez-vous dire « Scolarité » ? », or the valid values.

    `template` is a translated sentence with `%(value)s`, e.g. "Commune « %(value)s » inconnue".
    """
    candidates = list(candidates)
    head = (template or _("« %(value)s » inconnu")) % {"value": value}
    suggestion = closest(value, candidates)
    if suggestion:
        return _("%(head)s : vouliez-vous dire « %(suggestion)s » ?") % {"head": head, "suggestion": suggestion}
    if candidates and len(candidates) <= 12:
        return _("%(head)s. Valeurs possibles : %(values)s.") % {
            "head": head,
            "values": ", ".join(f"« {c} »" for c in candidates),
        }
    if not candidates:
        return _("%(head)s (aucune valeur possible n'est encore enregistrée).") % {"head": head}
    return _("%(head)s.") % {"head": head}


def list_separator(names: Iterable[str] = ()) -> re.Pattern:
    """What separates values in a cell: `;` always; `|` and `,` too, unless a known name contains them
    (« Loisir / Sport / Culture » is one value, « Dupont, Durand » would be two)."""
    names = list(names)
    separators = [s for s in LIST_SEPARATORS if s == ";" or not any(s in n for n in names)]
    return re.compile("|".join(re.escape(s) for s in separators))


def split_list(value: str, separator: re.Pattern | None = None) -> list[str]:
    """Split a cell holding several values (see `list_separator`)."""
    value = tidy(value)
    if not value:
        return []
    items = [tidy(part) for part in (separator or list_separator()).split(value)]
    return [item for item in items if item]


def join_list(values: Iterable[str]) -> str:
    return "; ".join(values)
