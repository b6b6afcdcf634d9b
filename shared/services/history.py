"""One announcement, one history: an original and its ralats share a key, and each final approval
gives the next public version (1, 2, 3...); the pencabutan is one more than the last. Channels apply
a message only when its version is newer than what they hold (see ``docs/BACKBONE.md``, "History").

Pure queries over a session, used by the approval side (numbering versions, building snapshots) and
by the read side (``item show``, the kiosk, the records).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.messages import VersionInfo, VersionKind
from shared.models import Announcement, Delivery, Revision
from shared.services.context import current_revision
from shared.vocab import Kind, PublicState, document_label
from shared.workflow import PUBLISHED, State

CHANGE_LABELS = {"title": "Judul", "summary": "Ringkasan", "body": "Isi",
                 "klasifikasi": "Klasifikasi", "sasaran": "Sasaran", "channels": "Kanal",
                 "start_at": "Waktu mulai", "end_at": "Waktu selesai",
                 "daily_windows": "Jam tayang harian", "image_sha256": "Gambar",
                 "image_caption": "Keterangan gambar", "alert": "Peringatan dini"}
"""What a ralat changed, as the public reads it (field → label), in the order shown."""

OPEN_STATES = {State.DRAFT, State.RETURNED, State.REVIEW_KABID, State.REVIEW_SEKRETARIS,
               State.REVIEW_KADIS}


def versions(session: Session, key: str) -> list[Announcement]:
    """The approved announcements of ``key`` in version order (original first)."""
    return list(session.execute(select(Announcement).where(
        Announcement.key == key, Announcement.version.is_not(None))
        .order_by(Announcement.version)).scalars())


def head(session: Session, key: str) -> Announcement | None:
    """The newest approved version of ``key`` (what the public should see), or None."""
    found = versions(session, key)
    return found[-1] if found else None


def next_version(session: Session, key: str) -> int:
    """The version the next final approval (or the pencabutan) of ``key`` gets."""
    last = session.execute(select(func.max(Announcement.version))
                           .where(Announcement.key == key)).scalar()
    return (last or 0) + 1


def open_correction(session: Session, key: str) -> Announcement | None:
    """A ralat of ``key`` still in the review chain (at most one at a time), or None."""
    return session.execute(select(Announcement).where(
        Announcement.key == key, Announcement.corrects_id.is_not(None),
        Announcement.state.in_([str(s) for s in OPEN_STATES]))
        .order_by(Announcement.id)).scalars().first()


def changes(before: Revision, after: Revision) -> list[str]:
    """The labels of the fields ``after`` changed against ``before``."""
    return [label for name, label in CHANGE_LABELS.items()
            if getattr(before, name) != getattr(after, name)]


def history_of(session: Session, item: Announcement, revoke_version: int | None = None
               ) -> list[VersionInfo]:
    """The public versions of ``item``'s key up to ``item``'s own (oldest first), and, when
    ``revoke_version`` is given, the pencabutan as the last one."""
    out: list[VersionInfo] = []
    before: Revision | None = None
    for version in versions(session, item.key):
        if item.version is not None and version.version is not None \
                and version.version > item.version:
            break
        rev = current_revision(session, version)
        out.append(VersionInfo(
            version=version.version, number=version.number or "",
            kind=VersionKind.PUBLISH if before is None else VersionKind.RALAT,
            at=version.approved_at, changes=changes(before, rev) if before is not None else []))
        before = rev
    if revoke_version is not None:
        out.append(VersionInfo(version=revoke_version, kind=VersionKind.REVOKE,
                               number=item.number or "", at=item.revoked_at))
    return out


def sent_channels(session: Session, key: str) -> set[str]:
    """Every channel any version of ``key`` was sent to (publication or ralat, in any state)."""
    return set(session.execute(
        select(Delivery.channel).join(Announcement, Announcement.id == Delivery.announcement_id)
        .where(Announcement.key == key, Delivery.kind != Kind.REVOKE)).scalars())


def public_state(item: Announcement, newest: int | None) -> PublicState:
    """What the public sees of this version: ``current`` (the newest approved version),
    ``superseded`` (a later ralat replaced it), ``revoked``, or ``unpublished`` (not approved)."""
    if item.version is None:
        return PublicState.UNPUBLISHED
    if item.state == State.REVOKED:
        return PublicState.REVOKED
    if item.state in PUBLISHED and newest is not None and item.version < newest:
        return PublicState.SUPERSEDED
    return PublicState.CURRENT




def family(session: Session, key: str) -> list[Announcement]:
    """Every announcement of ``key``: the versions in order, then ralats not yet approved."""
    rows = list(session.execute(select(Announcement).where(Announcement.key == key)
                                .order_by(Announcement.id)).scalars())
    return sorted(rows, key=lambda a: (a.version is None, a.version or 0, a.id))


def describe(session: Session, item: Announcement) -> dict:
    """``item``'s place in its history, for ``item show``, the kiosk and the records:
    its version, what it corrects, and every version of the key with its public state."""
    members = family(session, item.key)
    newest = max((m.version for m in members if m.version is not None), default=None)
    corrects = session.get(Announcement, item.corrects_id) if item.corrects_id else None
    revoked = next((m for m in members if m.revoked_at is not None), None)

    def row(m: Announcement) -> dict:
        state = public_state(m, newest)
        return {"id": m.id, "version": m.version, "number": m.number, "state": m.state,
                "kind": VersionKind.PUBLISH if m.corrects_id is None else VersionKind.RALAT,
                "public_state": state, "public_state_label": document_label(state),
                "approved_at": m.approved_at.isoformat() if m.approved_at else None,
                "corrects_id": m.corrects_id}

    state = public_state(item, newest)
    return {
        "version": item.version,
        "public_state": state,
        "public_state_label": document_label(state),
        "corrects": ({"id": corrects.id, "number": corrects.number, "version": corrects.version,
                      "title": corrects.title} if corrects else None),
        "versions": [row(m) for m in members],
        "revoked_version": (newest or 0) + 1 if revoked is not None else None,
    }
