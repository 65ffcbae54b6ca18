"""In-memory lookups of reference values, loaded once per import, matched without case or accents."""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from transfer.text import list_separator, normalise, tidy, unknown_message

# Suggestions cost a difflib pass over every value; past this many misses, a lookup stops suggesting
# (a file with a wrong team can miss on every one of its 50,000 rows).
MAX_SUGGESTIONS = 300


class Lookup:
    """Objects reachable by several spellings (label, code, username…), each compared through `normalise`."""

    def __init__(
        self,
        objects: Iterable = (),
        *,
        keys: Callable[[object], Iterable[str]],
        label: Callable[[object], str] = str,
        unknown: str,
        create: Callable[[str], object] | None = None,
        suggest: bool = True,
    ):
        self._keys = keys
        self._label = label
        self.unknown = unknown
        self.create = create
        self.suggest = suggest
        self.by_key: dict[str, object] = {}
        self.ambiguous: set[str] = set()
        self.labels: list[str] = []
        self._misses: dict[str, str] = {}
        self._separator = None
        for obj in objects:
            self.add(obj)

    def add(self, obj) -> None:
        self.labels.append(self._label(obj))
        self._separator = None
        for key in {normalise(k) for k in self._keys(obj) if k} - {""}:
            existing = self.by_key.get(key)
            if existing is not None and existing != obj:
                self.ambiguous.add(key)
            else:
                self.by_key[key] = obj

    @property
    def separator(self):
        """How several of these values are separated in one cell."""
        if self._separator is None:
            self._separator = list_separator(self.labels)
        return self._separator

    def label(self, obj) -> str:
        return self._label(obj)

    def find(self, value):
        key = normalise(value)
        if key in self.ambiguous:
            return None
        return self.by_key.get(key)

    def get(self, value):
        """The object `value` names, or ValueError with a French message and the closest valid value."""
        value = tidy(value)
        key = normalise(value)
        if key in self.ambiguous:
            raise ValueError(
                _("« %(value)s » désigne plusieurs valeurs : écrivez-le en entier (nom complet ou identifiant).")
                % {"value": value}
            )
        obj = self.by_key.get(key)
        if obj is not None:
            return obj
        if self.create is not None and key:
            obj = self.create(value)
            self.add(obj)
            return obj
        raise ValueError(self.miss(value))

    def miss(self, value: str) -> str:
        key = normalise(value)
        if not self.suggest:
            return (self.unknown + ".") % {"value": value}
        if key not in self._misses:
            if len(self._misses) < MAX_SUGGESTIONS:
                self._misses[key] = unknown_message(value, self.labels, self.unknown)
            else:
                return (self.unknown + ".") % {"value": value}
        return self._misses[key]
