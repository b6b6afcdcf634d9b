"""An announcement's history as the records show it: every public version (the original and each
ralat) with what it corrects and its public state, and under each version its deliveries per
channel with their proof (state, sha256 of the manifest, the archive folder), the revocation's
included. Words come from :mod:`shared.vocab` (Indonesian: these are official documents).

Read by the monthly report (:mod:`shared.records.report`) and the control card (through
:meth:`shared.services.records.Reports.control_card`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Announcement, Delivery
from shared.records import month_of
from shared.records.archive_seal import month_dir
from shared.services.history import public_state
from shared.slug import proof_folder
from shared.timefmt import local, short_id
from shared.vocab import (Channel, DeliveryState, Kind, PublicState, VersionKind, document_label,
                          label_of)

PROOF_FILED = frozenset({DeliveryState.CONFIRMED, DeliveryState.REVOKED})
"""The channel confirmed the message and its proof is filed: a publication or ralat
(``confirmed``), or a pencabutan (``revoked``)."""


def proof_dir(archive: Path, number: str, channel: str, kind: str, confirmed_at: datetime | None,
              tz: str, endpoint: str = "") -> Path | None:
    """Where the archiver filed one delivery's proof (``workers/archiver.py``, ``proof_dir``):
    ``archive/YYYY/MM/<number-slug>/<channel>/``, the pencabutan in its ``pencabutan/`` folder,
    in the month of the confirmation. None before a confirmation."""
    if not number or confirmed_at is None:
        return None
    base = month_dir(archive, month_of(confirmed_at, tz)) / proof_folder(number) / channel
    base = base / endpoint if endpoint else base  # a named screen's proof: <channel>/<endpoint>/
    return base / "pencabutan" if kind == Kind.REVOKE else base


def delivery_row(d: Delivery, number: str, archive: Path, tz: str) -> dict:
    """One delivery with its proof, as the card and the report list it."""
    folder = proof_dir(archive, number, d.channel, d.kind, d.confirmed_at, tz, d.endpoint or "") \
        if d.state in PROOF_FILED else None
    label = label_of(Channel, d.channel, document=True)
    return {"channel": d.channel, "endpoint": d.endpoint or "",
            "channel_label": f"{label} ({d.endpoint})" if d.endpoint else label,
            "kind": d.kind, "kind_label": label_of(Kind, d.kind, document=True), "state": d.state,
            "state_label": label_of(DeliveryState, d.state, document=True), "attempts": d.attempts,
            "sha256": d.sha256 or "",
            "confirmed_at": short_id(d.confirmed_at, tz) if d.confirmed_at else "",
            "confirmed_short": f"{local(d.confirmed_at, tz):%d/%m/%y %H.%M}" if d.confirmed_at else "",
            "proof_dir": str(folder.relative_to(archive)) + "/" if folder else "",
            "proof_uri": folder.as_uri() if folder and folder.exists() else ""}


def version_label(row: dict) -> str:
    """'Versi 1' or 'Versi 2, ralat atas 001/PENG/...' for a version row."""
    text = f"Versi {row['version']}"
    return f"{text}, ralat atas {row['corrects_number']}" if row["corrects_number"] else text


def histories(s: Session, keys: set[str], archive: Path, tz: str) -> dict[str, list[dict]]:
    """For each key, its approved versions in order, each with its public state, what it
    corrects and its deliveries with their proof. Two queries, however many keys."""
    if not keys:
        return {}
    members = list(s.execute(select(Announcement).where(Announcement.key.in_(keys),
                                                        Announcement.version.is_not(None))
                             .order_by(Announcement.key, Announcement.version)).scalars())
    by_id = {m.id: m for m in members}
    deliveries: dict[int, list[Delivery]] = {}
    found = s.execute(select(Delivery).where(Delivery.announcement_id.in_(list(by_id)))).scalars()
    # the publication (or ralat) first, then its pencabutan; channels in name order
    for d in sorted(found, key=lambda d: (d.announcement_id, d.kind == Kind.REVOKE, d.channel,
                                          d.endpoint or "")):
        deliveries.setdefault(d.announcement_id, []).append(d)
    newest: dict[str, int] = {}
    for m in members:
        newest[m.key] = max(newest.get(m.key, 0), m.version or 0)  # approved: never None
    out: dict[str, list[dict]] = {}
    for m in members:
        state = PublicState(public_state(m, newest[m.key]))
        corrected = by_id.get(m.corrects_id) if m.corrects_id else None
        if m.corrects_id and corrected is None:  # corrects something never approved (not expected)
            corrected = s.get(Announcement, m.corrects_id)
        number = m.number or ""
        out.setdefault(m.key, []).append({
            "id": m.id, "version": m.version, "number": number, "title": m.title,
            "kind": VersionKind.RALAT if m.corrects_id else VersionKind.PUBLISH,
            "corrects_number": corrected.number if corrected else "",
            "corrects_version": corrected.version if corrected else None,
            "public_state": state, "public_state_label": document_label(state),
            "approved_at": short_id(m.approved_at, tz) if m.approved_at else "",
            "approved_short": f"{local(m.approved_at, tz):%d/%m/%y %H.%M}" if m.approved_at else "",
            "deliveries": [delivery_row(d, number, archive, tz) for d in deliveries.get(m.id, [])]})
    return out
