"""Creations sent by the browser's outbox (static/js/outbox.js): recorded once, answered in JSON.

An entry typed without network waits in the phone's IndexedDB under a key generated there (`client_key`),
then is sent, perhaps twice when a response was lost after the server committed. The create views record
each key once (a unique constraint per model) and answer a replay with the record already there.

The outbox asks for JSON with the `X-EMPS-Outbox` header: `{"ok": true, "id", "label", "url"}` on success
(a replay too), `{"ok": false, "message", "errors"}` when the server refuses the entry (status 200: the
answer is expected, and Chromium would log a 4xx in the console as an error).
The header says `form` when the form being filled in is sent (the next page shows the usual message),
`later` when a kept entry is sent in the background (no message then). A form posted by the browser
itself, without the script, gets the usual redirect or page.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

OUTBOX_HEADER = "X-EMPS-Outbox"
KEY_FIELD = "client_key"

T = TypeVar("T")


def client_key(request: HttpRequest) -> uuid.UUID | None:
    """The entry's key posted by the browser, None when absent or not a UUID (then nothing guards a replay)."""
    try:
        return uuid.UUID(request.POST.get(KEY_FIELD, ""))
    except ValueError:
        return None


def from_outbox(request: HttpRequest) -> bool:
    """Sent by the outbox's script, which reads JSON answers."""
    return request.headers.get(OUTBOX_HEADER) in ("form", "later")


def sent_later(request: HttpRequest) -> bool:
    """A kept entry sent in the background: no flash message, which would show on some later page."""
    return request.headers.get(OUTBOX_HEADER) == "later"


def record_once(*, key: uuid.UUID | None, existing: Callable[[], T | None], create: Callable[[], T]) -> tuple[T, bool]:
    """(record, created): `create()` in a savepoint, unless `existing()` finds the key already recorded.

    Two sends of one key at the same time both miss `existing()`; the unique constraint refuses the
    second insert, whose savepoint is rolled back, and it answers with the first one's record.
    """
    if key is not None and (found := existing()) is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if key is not None and (found := existing()) is not None:
            return found, False
        raise


def replayed(request: HttpRequest, record, *, url: str) -> HttpResponse:
    """The answer to an entry already recorded: nothing new is written."""
    if not sent_later(request):
        messages.info(request, _("Cette saisie était déjà enregistrée : elle ne l'est pas une seconde fois."))
    return created(request, record, url=url)


def created(request: HttpRequest, record, *, url: str) -> HttpResponse:
    """Success: JSON for the outbox (which maps an offline youth's key to its id), else the redirect."""
    if from_outbox(request):
        return JsonResponse({"ok": True, "id": record.pk, "label": str(record), "url": url})
    return redirect(url)


def refused(form) -> JsonResponse:
    """The form's errors in French, for the outbox to show beside the entry kept as typed."""
    errors = {field: [error["message"] for error in items] for field, items in form.errors.get_json_data().items()}
    general = errors.get("__all__") or [message for items in errors.values() for message in items]
    return JsonResponse({"ok": False, "message": " ".join(general) or _("La saisie est refusée."), "errors": errors})
