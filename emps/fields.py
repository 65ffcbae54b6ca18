"""Model fields shared by the apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def copied_key(model, verbose_name, *, null: bool = True):
    """A foreign key that only the database writes (triggers copy it from another row, as actions'
    migrations 0005 and 0007 do, or summarise rows under it, as actions' 0008 and youths' 0005 do): no
    constraint and no index of its own, not editable in forms."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


def client_key_field():
    """The key a browser gives a creation before sending it (static/js/outbox.js): the same entry sent
    twice, after a lost response, carries the same key, and a unique constraint records it once."""
    return models.UUIDField(
        _("clé de saisie"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Générée par le navigateur : une saisie renvoyée n'est enregistrée qu'une fois."),
    )
