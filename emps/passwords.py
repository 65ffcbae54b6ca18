"""A password validator for what Django's own miss in French: common French words, keyboard walks, one
character repeated (issue 26, point 10: motdepasse123, azertyuiopqs and aaaaaaaaaaaa passed)."""

import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords_fr.txt")
# Rows of French and English keyboards and the alphabet, read forward or backward.
KEYBOARD_WALKS = (
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertyuiopasdfghjklzxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "azqswxedcrfvtgbyhnujikolpm",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1234567890",
)
MIN_DISTINCT_CHARACTERS = 5


@cache
def common_french_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """Lower case, without accents nor spaces, stripped of the digits and signs at both ends."""
    plain = unicodedata.normalize("NFKD", password.lower()).encode("ascii", "ignore").decode()
    plain = "".join(plain.split())
    start, end = 0, len(plain)
    while start < end and not plain[start].isalpha():
        start += 1
    while end > start and not plain[end - 1].isalpha():
        end -= 1
    return plain[start:end]


def _is_keyboard_walk(text: str) -> bool:
    return len(text) >= 4 and any(text in walk or text in walk[::-1] for walk in KEYBOARD_WALKS)


class GuessablePasswordValidator:
    """Refuses a common French word (with digits or signs around it), a keyboard walk, and a password of
    fewer than MIN_DISTINCT_CHARACTERS different characters."""

    def validate(self, password, user=None):
        if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(_("Ce mot de passe répète trop les mêmes caractères."), code="password_repetitive")
        core = _core(password)
        if core in common_french_passwords():
            raise ValidationError(_("Ce mot de passe est un mot trop courant."), code="password_common_french")
        if _is_keyboard_walk(core) or _is_keyboard_walk("".join(password.lower().split())):
            raise ValidationError(
                _("Ce mot de passe suit les touches du clavier ou l'alphabet."), code="password_keyboard"
            )

    def get_help_text(self):
        return _(
            "Votre mot de passe ne peut pas être un mot courant, une suite de touches du clavier "
            "ni un caractère répété."
        )
