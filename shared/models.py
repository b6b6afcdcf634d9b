"""SQLAlchemy 2.x typed models. Every stored time is timezone-aware UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Enum, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from shared.timefmt import aware, utcnow
from shared.vocab import (Channel, Decision, DeliveryState, DipStatus, Kind, NoticeKind, QueueState, Role,
                          State, Step)


class UTCDateTime(TypeDecorator):
    """A DateTime that always comes back timezone-aware UTC (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        # SQLite drops the offset, so convert to UTC before it is stored
        return aware(value).astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return aware(value) if value is not None else None


def vocab_column(enum: type[StrEnum], length: int) -> Enum:
    """A column of one vocabulary of :mod:`shared.vocab`: stored as the plain ``VARCHAR(length)``
    it always was (no native enum type, no CHECK constraint, so a new member needs no migration),
    read back as members; a value outside the vocabulary is refused when written or compared."""
    return Enum(enum, native_enum=False, values_callable=lambda e: [m.value for m in e],
                length=length, validate_strings=True)


class Base(DeclarativeBase):
    """Declarative base with UTC datetimes."""

    type_annotation_map = {datetime: UTCDateTime}


class User(Base):
    """An account: one role each (pelaksana, kabid, sekretaris, kadis, ppid, admin)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(vocab_column(Role, 20), index=True)
    nip: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Announcement(Base):
    """A pengumuman, or a ralat of one. Texts live in revisions; ``title`` is copied here for lists
    and search. An original and its ralats share ``key``: that is the announcement's one history,
    whose public versions (``version``) are given at the final approval."""

    __tablename__ = "announcements"
    __table_args__ = (Index("uq_announcements_key_version", "key", "version", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[State] = mapped_column(vocab_column(State, 20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    klasifikasi: Mapped[str] = mapped_column(String(20), index=True)
    sasaran: Mapped[str] = mapped_column(String(20))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    """The review chain's revision (internal: returns and edits before approval)."""
    version: Mapped[int | None] = mapped_column(Integer)
    """The public version in the key's history: 1 for the original, 2, 3... for each ralat; set at
    the final approval (None before)."""
    number: Mapped[str | None] = mapped_column(String(100), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    revisions: Mapped[list[Revision]] = relationship(back_populates="announcement",
                                                     order_by="Revision.number")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class Revision(Base):
    """One version of an announcement's content; every edit adds one."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("announcement_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    klasifikasi: Mapped[str] = mapped_column(String(20))
    sasaran: Mapped[str] = mapped_column(String(20))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_at: Mapped[datetime | None] = mapped_column()
    end_at: Mapped[datetime | None] = mapped_column()
    daily_windows: Mapped[list[dict]] = mapped_column(JSON, default=list)
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))
    """The optional picture; revisions that keep it share one stored copy."""
    image_caption: Mapped[str] = mapped_column(Text, default="")
    alert: Mapped[dict | None] = mapped_column(JSON)
    """The early-warning (CAP) choices of a serta-merta announcement (:mod:`shared.alerting`)."""
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    announcement: Mapped[Announcement] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship()
    image: Mapped[StoredImage | None] = relationship()


class StoredImage(Base):
    """A normalised picture (see :mod:`shared.images`), stored once by content. In the database
    rather than on disk, so a database backup is a complete backup."""

    __tablename__ = "images"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewSeen(Base):
    """The revision a reviewer last saw, for the diff since then."""

    __tablename__ = "review_seen"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


class DraftSlot(Base):
    """The editor's unsaved form of one user for one draft (``key``: ``new``, ``item:<id>``,
    ``ralat:<id>``, ``disposition:<id>``), kept by autosave and by the idle lock. Stored as typed
    (no rule applies until the draft is saved). Its text may be as sensitive as a dikecualikan
    item, so only its owner ever reads it (:class:`shared.services.drafting.Drafting`)."""

    __tablename__ = "draft_slots"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_draft_slots_user_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(40))
    fields: Mapped[dict] = mapped_column(JSON)
    by_lock: Mapped[bool] = mapped_column(Boolean, default=False)
    """Saved by the idle lock: the owner is told at the next sign-in."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowStep(Base):
    """One SOP step of an announcement: opened on entry, closed with the decision and SLA result."""

    __tablename__ = "workflow_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    step: Mapped[Step] = mapped_column(vocab_column(Step, 30))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[Decision | None] = mapped_column(vocab_column(Decision, 20))
    note: Mapped[str | None] = mapped_column(Text)
    sla_met: Mapped[bool | None] = mapped_column(Boolean)

    actor: Mapped[User | None] = relationship()


class Disposition(Base):
    """Kabid/Kasubag assigns drafting to a Pelaksana with instructions."""

    __tablename__ = "dispositions"
    id: Mapped[int] = mapped_column(primary_key=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    instructions: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()

    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])


class InboxEntry(Base):
    """A notice for one user (returned with a note, assigned, revoked...)."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    kind: Mapped[NoticeKind] = mapped_column(vocab_column(NoticeKind, 20))
    message: Mapped[str] = mapped_column(Text, default="")
    """Worded text of a notice written before 0009 (shown as it is); empty for newer ones."""
    params: Mapped[dict | None] = mapped_column(JSON)
    """The parameters :func:`shared.services.steps.notice_text` words the notice with, in the
    reader's language when it is shown."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()


class Delivery(Base):
    """One message of an announcement to one channel: its publication (``publish``, or ``update``
    for a ralat) and, separately, its revocation (``revoke``), so the proof of each is kept."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "channel", "kind", "endpoint",
                                       name="uq_deliveries_item_channel_kind_endpoint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    channel: Mapped[Channel] = mapped_column(vocab_column(Channel, 20), index=True)
    endpoint: Mapped[str] = mapped_column(String(32), default="", server_default="")
    """The named screen or station of the channel (``WARTA_ENDPOINTS``); '' for a channel with
    one unnamed endpoint. Each endpoint confirms (and files proof) on its own."""
    state: Mapped[DeliveryState] = mapped_column(vocab_column(DeliveryState, 20), index=True,
                                                 default=DeliveryState.PENDING)
    kind: Mapped[Kind] = mapped_column(vocab_column(Kind, 10), default=Kind.PUBLISH)
    message_id: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    artifacts: Mapped[list[dict]] = mapped_column(JSON, default=list)
    sha256: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxRow(Base):
    """A signed dispatch message written in the approval's transaction; the relay publishes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "published_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    channel: Mapped[Channel] = mapped_column(vocab_column(Channel, 20))
    endpoint: Mapped[str] = mapped_column(String(32), default="", server_default="")
    """The endpoint this copy goes to ('' = the channel's unnamed queue)."""
    kind: Mapped[Kind] = mapped_column(vocab_column(Kind, 10))
    priority: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Append-only audit trail; each event carries the hash of the previous one."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    announcement_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head (one row); locking it serialises appends and exposes a cut-off tail."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class NumberSequence(Base):
    """The last official number given in a year."""

    __tablename__ = "number_sequences"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class QueueMessage(Base):
    """A message of the embedded transport (leases with a visibility timeout)."""

    __tablename__ = "queue_messages"
    __table_args__ = (Index("ix_queue_ready", "queue", "state", "priority", "available_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(60))
    message_id: Mapped[str] = mapped_column(String(36), index=True)
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[QueueState] = mapped_column(vocab_column(QueueState, 10), default=QueueState.READY)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- records (PPID): DIP register, its monthly establishment, the exempt register -----------------


class DipEntry(Base):
    """A row of the Daftar Informasi Publik. Approved announcements propose rows (``usulan``); the
    PPID accepts (``diterima``) or rejects (``ditolak``) them and adds others. A row belongs to the
    register from ``month`` on, until the month it is withdrawn (``withdrawn_month``, exclusive)."""

    __tablename__ = "dip_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    status: Mapped[DipStatus] = mapped_column(vocab_column(DipStatus, 12), index=True,
                                              default=DipStatus.USULAN)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"), unique=True)
    ringkasan: Mapped[str] = mapped_column(Text)
    pejabat_unit: Mapped[str] = mapped_column(String(300))
    penanggung_jawab: Mapped[str] = mapped_column(String(300))
    waktu_pembuatan: Mapped[str] = mapped_column(String(100))
    tempat_pembuatan: Mapped[str] = mapped_column(String(200))
    bentuk: Mapped[list[str]] = mapped_column(JSON, default=list)
    jangka_waktu: Mapped[str] = mapped_column(String(100))
    jenis: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(64))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    withdrawn_month: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DipEstablishment(Base):
    """The PPID's penetapan of one month's DIP: the SK number and a frozen copy of its rows, so an
    earlier month stays readable exactly as it was established."""

    __tablename__ = "dip_establishments"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    sk_number: Mapped[str] = mapped_column(String(120))
    established_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    established_at: Mapped[datetime] = mapped_column(default=utcnow)
    entries: Mapped[list[dict]] = mapped_column(JSON, default=list)
    sha256: Mapped[str] = mapped_column(String(64))

    established_by: Mapped[User] = relationship()


class ExemptEntry(Base):
    """A row of the register of exempt information (dikecualikan, UU 14/2008 art. 17) with its
    consequence test (uji konsekuensi). Readable only by the PPID and the Kepala Dinas."""

    __tablename__ = "exempt_register"
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    informasi: Mapped[str] = mapped_column(Text)
    pejabat_unit: Mapped[str] = mapped_column(String(300))
    pasal17_huruf: Mapped[str] = mapped_column(String(2))
    dasar_lain: Mapped[str] = mapped_column(Text, default="")
    konsekuensi: Mapped[str] = mapped_column(Text)
    pertimbangan: Mapped[str] = mapped_column(Text, default="")
    jangka_waktu: Mapped[str] = mapped_column(String(100))
    berlaku_sampai: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User] = relationship()
