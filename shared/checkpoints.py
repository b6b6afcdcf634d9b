"""Signed checkpoints of the audit trail's head: what makes a recomputed or cut chain visible.

The hash chain (:mod:`shared.audit`) catches a row edited or deleted on its own, but someone with
write access to the database can recompute every hash after an edit, or cut the newest events and
rewrite the head row, and the chain fits itself again. A checkpoint is a statement signed with the
office's Ed25519 key (the approval side's ``Settings.signing_key_path``): "the trail had ``count``
events, the last one #``event_id`` with hash ``event_hash``, at ``at``". Whoever rewrites history
before a checkpoint cannot make the event it names hash the same again, and whoever cuts it
cannot bring that event back; neither can sign a new checkpoint without the office's key.

Why the office's key and not one of its own: a checkpoint is taken where that key already lives
(the approval side: ``warta audit checkpoint``, the kiosk's seal), it speaks for the office as
the seal does, and an outsider holding the published file needs exactly one public key — the one
the workers already trust. The archiver never signs checkpoints (it holds only its own key,
:mod:`shared.archive_keys`).

When: at every seal of the monthly archive, and at least daily through ``warta audit checkpoint``
(a cron job or systemd timer, docs/RECORDS.md). Where: ``$WARTA_ARCHIVE_DIR/checkpoints/YYYY/MM/
<event_id>-<UTC time>.json`` (never overwritten), and the newest as ``<out>/web/audit-checkpoint.json``
on the website, so someone outside the office can hold a copy the office cannot take back.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared import audit
from shared.archive_keys import fingerprint, public_keys
from shared.errors import Refused
from shared.models import AuditEvent
from shared.timefmt import local, utcnow

FORMAT = "warta-checkpoint/1"
WEB_NAME = "audit-checkpoint.json"
UNSIGNED = ("signature", "public_key")
"""Fields outside the signed bytes: the signature itself, and the public key copied for readers
(bound by the signed ``key_sha256``)."""


def folder(archive: Path) -> Path:
    """Where the checkpoints are kept in the archive."""
    return Path(archive) / "checkpoints"


def web_path(out: Path) -> Path:
    """The published copy of the newest checkpoint on the website."""
    return Path(out) / "web" / WEB_NAME


def signed_bytes(checkpoint: dict) -> bytes:
    """The canonical bytes a checkpoint's signature covers."""
    body = {k: v for k, v in checkpoint.items() if k not in UNSIGNED}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature_ok(checkpoint: dict, public: Ed25519PublicKey) -> bool:
    """True when ``checkpoint`` is signed by ``public``."""
    try:
        public.verify(base64.b64decode(checkpoint["signature"], validate=True),
                      signed_bytes(checkpoint))
        return True
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False


def _write_new(path: Path, data: bytes, replace: bool) -> None:
    """Write through a fsynced temp file; ``replace=False`` never overwrites an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o644)  # the website's copy is read by the web server
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails when the file exists: evidence is never overwritten
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(archive: Path, out: Path | None = None) -> list[tuple[str, dict]]:
    """Every checkpoint found (where → content), oldest event first; the website's copy too.
    An unreadable file is returned with an empty dict, so the check names it."""
    found: list[tuple[str, dict]] = []
    paths = sorted(folder(archive).rglob("*.json")) if folder(archive).is_dir() else []
    if out is not None and web_path(out).is_file():
        paths.append(web_path(out))
    for path in paths:
        try:
            found.append((str(path), json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            found.append((str(path), {}))
    return sorted(found, key=lambda f: (_int(f[1].get("event_id")), str(f[1].get("at", ""))))


def _int(value: object) -> int:
    return value if isinstance(value, int) else -1


def check(session: Session, found: list[tuple[str, dict]],
          public: Ed25519PublicKey) -> tuple[list[str], dict | None]:
    """Compare the trail with every checkpoint: (problems in Indonesian, the newest valid one)."""
    problems: list[str] = []
    latest = None
    for where, cp in found:
        if not cp or cp.get("format") != FORMAT:
            problems.append(f"checkpoint {where} tidak terbaca atau formatnya tidak dikenal")
            continue
        if not signature_ok(cp, public):
            problems.append(f"checkpoint {where}: tanda tangan tidak sah (isinya diubah atau "
                            "ditandatangani kunci lain)")
            continue
        event_id, count = cp["event_id"], cp["count"]
        when = cp.get("at", "?")
        if event_id:
            event = session.get(AuditEvent, event_id)
            if event is None:
                problems.append(f"checkpoint bertanda tangan {when} menyebut kejadian #{event_id}, "
                                "tetapi kejadian itu tidak ada lagi: jejak audit dipotong "
                                "(kejadian terakhir dihapus)")
                continue
            if event.hash != cp["event_hash"]:
                problems.append(f"kejadian #{event_id} tidak sama dengan checkpoint bertanda tangan "
                                f"{when}: jejak audit sampai kejadian itu ditulis ulang dan "
                                "hash-nya dihitung ulang")
                continue
        have = session.execute(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.id <= event_id)).scalar_one()
        if have != count:
            problems.append(f"jumlah kejadian sampai #{event_id} ({have}) tidak sama dengan "
                            f"checkpoint bertanda tangan {when} ({count}): ada kejadian yang "
                            "dihapus atau disisipkan")
            continue
        if latest is None or (event_id, when) >= (latest["event_id"], latest.get("at", "")):
            latest = cp
    return problems, latest


def trusted_archiver_keys(found: list[tuple[str, dict]], public: Ed25519PublicKey) -> set[str]:
    """Archiver key fingerprints named by validly signed checkpoints."""
    keys: set[str] = set()
    for _, cp in found:
        if cp.get("format") == FORMAT and signature_ok(cp, public):
            keys.update(cp.get("archiver_keys") or [])
    return keys


def take(session: Session, key: Ed25519PrivateKey, archive: Path, out: Path, tz: str,
         reason: str, month: str | None = None, now: datetime | None = None) -> dict:
    """Sign the trail's head and keep the checkpoint in the archive and on the website.

    Refused when the chain is broken or contradicts an earlier checkpoint: signing it would
    launder the tampering."""
    walked = audit.verify(session)
    if not walked.ok:
        raise Refused("Jejak audit rusak pada kejadian #{id} ({why}); checkpoint tidak dibuat "
                      "agar kerusakan tidak ikut disahkan", id=walked.bad_id, why=walked.reason)
    found = load(archive, out)
    problems, _ = check(session, found, key.public_key())
    if problems:
        raise Refused("Jejak audit tidak sesuai checkpoint sebelumnya ({why}); checkpoint baru "
                      "tidak dibuat", why=problems[0])
    now = now or utcnow()
    body = {"format": FORMAT, "event_id": walked.last_id, "event_hash": walked.last_hash,
            "count": walked.checked, "at": now.isoformat(), "reason": reason, "month": month,
            "key_sha256": fingerprint(key.public_key()),
            "archiver_keys": sorted(public_keys(archive))}
    checkpoint = {**body, "signature": base64.b64encode(key.sign(signed_bytes(body))).decode()}
    when = local(now, tz)
    name = f"{walked.last_id}-{now:%Y%m%dT%H%M%S%fZ}.json"
    path = folder(archive) / f"{when:%Y}" / f"{when:%m}" / name
    data = (json.dumps(checkpoint, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    _write_new(path, data, replace=False)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    published = {**checkpoint, "public_key": base64.b64encode(raw).decode()}
    _write_new(web_path(out), (json.dumps(published, ensure_ascii=False, indent=2, sort_keys=True)
                               + "\n").encode(), replace=True)
    return {**checkpoint, "path": str(path), "web": str(web_path(out))}


def verify_trail(session: Session, archive: Path, out: Path, public: Ed25519PublicKey) -> dict:
    """The chain walk and every checkpoint: ``{ok, checked, bad_event, reason, problems,
    checkpoints, latest, unsigned_tail}``; ``unsigned_tail`` counts the events after the newest
    checkpoint (not yet protected against being cut or rewritten)."""
    walked = audit.verify(session)
    found = load(archive, out)
    problems, latest = check(session, found, public)
    if not walked.ok:
        problems.insert(0, f"kejadian #{walked.bad_id}: {walked.reason}")
    tail = walked.checked - latest["count"] if latest and walked.ok else None
    return {"ok": walked.ok and not problems, "checked": walked.checked,
            "bad_event": walked.bad_id, "reason": walked.reason or (problems[0] if problems else ""),
            "problems": problems, "checkpoints": len(found),
            "latest": ({k: latest[k] for k in ("event_id", "count", "at", "reason", "month")}
                       if latest else None),
            "unsigned_tail": tail}
