"""The one-time sign-in a gated kiosk process starts with.

The gate has checked the password; the kiosk process it starts must know who signed in without ever
seeing the password. The gate writes a ticket (the account id and an expiry) to a private folder
under ``$WARTA_HOME/run/kiosk-tickets`` under the SHA-256 of a random token, and puts only the token
in the new process's environment (``WARTA_KIOSK_TICKET``). The kiosk takes the token out of its
environment at start and redeems it: the file is claimed with an atomic rename (so a token works
once, even if two processes race for it), read, removed, and the account is looked up again (it may
have been deactivated meanwhile). Whoever could read the folder could read the database too.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.services.users import Account

ENV = "WARTA_KIOSK_TICKET"
"""The environment variable that carries the token to the kiosk process."""

TTL_SECONDS = 120
"""A ticket not redeemed within this time is void (a kiosk starts in about a second; under heavy
load a few)."""


def folder(settings: Any) -> Path:
    """``$WARTA_HOME/run/kiosk-tickets``, readable by its owner only."""
    path = Path(settings.home) / "run" / "kiosk-tickets"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def _name(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(settings: Any, user: Account, now: float | None = None) -> str:
    """A new token for ``user`` (as ``authenticate`` returns it); removes expired tickets."""
    now = time.time() if now is None else now
    where = folder(settings)
    for old in where.iterdir():
        try:
            if old.stat().st_mtime < now - TTL_SECONDS:
                old.unlink()
        except FileNotFoundError:
            pass  # another gate worker removed it first
    token = secrets.token_urlsafe(32)
    path = where / _name(token)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"user_id": user.id, "username": user.username,
                   "expires": now + TTL_SECONDS}, fh)
    return token


def redeem(settings: Any, token: str, services: Any, now: float | None = None) -> Account:
    """The account for ``token`` (like ``authenticate``'s result), once; AuthError when the
    ticket is unknown, used, expired, or its account is gone or deactivated."""
    from shared.errors import AuthError

    now = time.time() if now is None else now
    where = folder(settings)
    claimed = where / f"{_name(token)}.{os.getpid()}.claimed"
    try:
        os.rename(where / _name(token), claimed)  # atomic: only one process wins
    except (FileNotFoundError, ValueError):
        raise AuthError("Tiket sesi tidak berlaku atau sudah dipakai; silakan masuk") from None
    try:
        data = json.loads(claimed.read_text())
    finally:
        claimed.unlink(missing_ok=True)
    if data.get("expires", 0) < now:
        raise AuthError("Tiket sesi sudah kedaluwarsa; silakan masuk")
    account = services.users.account(data["user_id"])  # AuthError when deactivated meanwhile
    if account is None or account.username != data["username"]:
        raise AuthError("Tiket sesi tidak berlaku atau sudah dipakai; silakan masuk")
    return account
