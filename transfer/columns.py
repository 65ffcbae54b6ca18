"""Columns of the import formats, and how a file's headers are matched to them."""

from dataclasses import dataclass

from transfer.text import normalise

_STOP_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "en", "a"}


def header_key(text) -> str:
    """Compare headers without case, accents, spacing, small words or a final s.

    « Date de naissance », « date_naissance » and « DATE NAISSANCE » match; so do
    « éducateur » and « educateurs ».
    """
    words = [w for w in normalise(text).split() if w not in _STOP_WORDS]
    key = "".join(words)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


@dataclass(frozen=True)
class Column:
    """One column of a format: its header as written in templates and exports, and its documentation."""

    name: str
    required: bool
    help: str
    example: str = ""
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {header_key(self.name), *(header_key(a) for a in self.aliases)}
