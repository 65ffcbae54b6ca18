"""The uploaded file between the preview and the confirmation.

It holds personal data, so it lives as briefly as possible: written under MEDIA_ROOT with a random
name only when the preview found no error, readable only through the session that uploaded it and
a signed token (valid one hour), and deleted on confirmation, on cancellation or once expired.
"""

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

SESSION_KEY = "transfer_pending"
MAX_AGE_SECONDS = 60 * 60
_SALT = "emps.transfer.pending"


class PendingExpired(Exception):
    pass


@dataclass
class PendingImport:
    kind: str
    team_id: int | None
    create_partners: bool
    filename: str
    data: bytes


def _directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "transfer-pending"


def _path(token: str) -> Path:
    return _directory() / f"{token}.upload"


def sweep() -> None:
    """Delete pending files older than the token's validity."""
    directory = _directory()
    if not directory.is_dir():
        return
    limit = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def save(request, *, data: bytes, kind: str, team_id: int | None, create_partners: bool, filename: str) -> str:
    """Keep `data` for the confirmation; returns the signed token the confirmation form posts back."""
    discard(request)
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "kind": kind,
        "team_id": team_id,
        "create_partners": create_partners,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return signing.dumps(token, salt=_SALT)


def load(request, signed: str) -> PendingImport:
    """The pending import of this session, if `signed` is its fresh token; else PendingExpired."""
    try:
        token = signing.loads(signed or "", salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as error:
        raise PendingExpired from error
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != token:
        raise PendingExpired
    try:
        data = _path(token).read_bytes()
    except FileNotFoundError as error:
        raise PendingExpired from error
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        raise PendingExpired
    return PendingImport(
        kind=pending["kind"],
        team_id=pending["team_id"],
        create_partners=pending["create_partners"],
        filename=pending["filename"],
        data=data,
    )


def discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        _path(pending["token"]).unlink(missing_ok=True)
