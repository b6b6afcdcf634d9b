"""The message envelope that travels from the approval side to the channel workers, the announcement
snapshot inside it, and the receipt that comes back.

The envelope is versioned and strict (unknown fields are rejected) and signed with Ed25519 by the
approval side; workers verify it with the public key. The signature covers the canonical JSON of
every field but ``attempt`` (which the retry path changes) and ``sig`` itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.alerting import Area
from shared.classification import Channel, Klasifikasi, Sasaran, channel_refusal
from shared.filemodes import write_private
from shared.timefmt import aware, utcnow

ENVELOPE_VERSION: Final = 2
_STRICT = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    """What a dispatch message asks of a channel."""

    PUBLISH = "publish"
    UPDATE = "update"  # a correction (ralat) of something the channel published
    REVOKE = "revoke"  # a revocation (pencabutan)


class Outcome(StrEnum):
    """The result a worker reports in a receipt."""

    CONFIRMED = "confirmed"
    SUPERSEDED = "superseded"
    """The channel already holds this version of the announcement or a newer one (or its
    revocation): nothing was rendered, and what the public sees did not change."""
    FAILED = "failed"
    PARKED = "parked"
    REVOKED = "revoked"


class DailyWindow(BaseModel):
    """A daily time window in the agency's zone during which the announcement is shown."""

    model_config = _STRICT
    start: time
    """Start of the window (local time)."""
    end: time
    """End of the window (local time); before ``start`` means it runs past midnight."""


class AgencySnapshot(BaseModel):
    """What a channel needs of the agency profile, so that it never reads the database."""

    model_config = _STRICT
    instansi: str
    unit: str
    short_name: str
    address: str
    phone: str = ""
    email: str = ""
    website: str = ""
    city: str
    area_desc: str = ""
    signatory_title: str = "KEPALA DINAS"
    signatory_mode: Literal["", "a.n.", "Plt.", "Plh."] = ""
    """How notices are signed (``AgencyProfile.signatory_mode``): "" by the Kepala Dinas himself;
    "a.n.", "Plt." or "Plh." by the official named in the ``signatory_acting_*`` fields."""
    signatory_acting_title: str = ""
    """For "a.n.": the signing official's own title (``SEKRETARIS``); empty otherwise."""
    signatory_acting_name: str = ""
    """With a mode set: the name printed under the signature (see ``AgencyProfile``)."""
    signatory_acting_nip: str = ""
    """With a mode set: the NIP printed under that name."""
    timezone: str = "Asia/Jakarta"
    logo_png_b64: str = ""
    """The logo as base64 PNG; empty for the bundled emblem."""


class ImageSnapshot(BaseModel):
    """The announcement's optional picture, as :mod:`shared.images` normalised it at upload: a
    baseline JPEG in RGB without metadata, at most 1920 px on its longer side."""

    model_config = _STRICT
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """Hex SHA-256 of the decoded bytes; renderers check it before using the picture."""
    mime: Literal["image/jpeg"] = "image/jpeg"
    width: int = Field(gt=0, le=1920)
    height: int = Field(gt=0, le=1920)
    data_b64: str
    """The JPEG bytes, base64."""
    caption: str = ""
    """Keterangan gambar: the alternative text and the printed caption; empty means the title."""

    def data(self) -> bytes:
        """The JPEG bytes; ValueError when they are not what ``sha256`` says."""
        raw = base64.b64decode(self.data_b64, validate=True)
        if hashlib.sha256(raw).hexdigest() != self.sha256:
            raise ValueError("image bytes do not match their sha256")
        return raw


class VersionKind(StrEnum):
    """What a public version of an announcement is."""

    PUBLISH = "publish"  # the first publication (version 1)
    RALAT = "ralat"  # an approved correction (versions 2, 3, ...)
    REVOKE = "revoke"  # the pencabutan (always the last version)


class VersionInfo(BaseModel):
    """One public version in an announcement's history (see ``docs/BACKBONE.md``, "History")."""

    model_config = _STRICT
    version: int = Field(ge=1)
    kind: VersionKind
    number: str
    """The official number of the announcement (or ralat) that made this version."""
    at: datetime
    """When it was approved (a ralat) or revoked (the pencabutan)."""
    changes: list[str] = Field(default_factory=list)
    """For a ralat: what it changed, as field labels in Indonesian ("Isi", "Waktu mulai")."""

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return aware(value)


class AlertSnapshot(BaseModel):
    """The early warning's choices (see :mod:`shared.alerting`), its areas resolved from the
    profile so the web worker needs no profile of its own."""

    model_config = _STRICT
    urgency: str
    severity: str
    certainty: str
    response_type: str
    category: str
    instruction: str = ""
    areas: list[Area] = Field(default_factory=list)
    """The areas concerned; empty means the office's whole area (``AgencySnapshot.area_desc``)."""


class ReviewerInfo(BaseModel):
    """One approval in the review chain of the revision a snapshot carries (a ``WorkflowStep``
    decided "approved"): the printout's file copy lists them as paraf hierarki."""

    model_config = _STRICT
    step: str
    """The SOP step: ``review_kabid``, ``review_sekretaris`` or ``review_kadis`` (the final one)."""
    role: str
    """The approver's role as people read it ("Kabid/Kasubag", "Sekretaris", "Kepala Dinas")."""
    name: str
    nip: str = ""
    approved_at: datetime

    @field_validator("approved_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return aware(value)


class AnnouncementSnapshot(BaseModel):
    """Everything a channel needs to render an announcement without the database."""

    model_config = _STRICT
    key: str
    """Stable identity across corrections (feeds use it as GUID)."""
    id: int
    revision: int
    """The review chain's revision of this announcement (internal; never decides what a channel
    applies: :attr:`version` does)."""
    version: int = Field(default=1, ge=1)
    """The public version this message carries: 1 for the publication, 2, 3... for each approved
    ralat, and one more than the last for the pencabutan. A channel applies a message only when
    its version is newer than the one it holds for :attr:`key`."""
    page: str = ""
    """The announcement's stable page name under ``items/`` (from its first version), so links
    and QR codes printed earlier stay valid; empty in snapshots older than the history model."""
    first_approved_at: datetime | None = None
    """When version 1 was approved: feeds' ``published`` date, which never moves."""
    history: list[VersionInfo] = Field(default_factory=list)
    """Every public version up to and including this message's, oldest first."""
    number: str
    title: str
    summary: str = ""
    body: str
    klasifikasi: Klasifikasi
    sasaran: Sasaran
    priority: int = Field(ge=0, le=9)
    start: datetime | None = None
    end: datetime | None = None
    daily_windows: list[DailyWindow] = Field(default_factory=list)
    approved_at: datetime
    approver_name: str
    approver_nip: str
    legal_basis: str
    corrects_number: str | None = None
    """For a correction (ralat): the number of the version it corrects (the previous one)."""
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    public_url: str | None = None
    """The announcement's web page, for QR codes and links; None when no public URL is set."""
    agency: AgencySnapshot
    image: ImageSnapshot | None = None
    """The optional picture (videotron, web and printout show it; radio does not)."""
    reviewers: list[ReviewerInfo] = Field(default_factory=list)
    """The approvals of this revision in the review chain, in order (the printout's file copy
    lists them as paraf hierarki; never shown to the public)."""
    alert: AlertSnapshot | None = None
    """For serta-merta: what the CAP alert says (urgency, what to do, where)."""

    @field_validator("start", "end", "approved_at", "revoked_at", "first_approved_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return aware(value) if value else value

    @property
    def published_at(self) -> datetime:
        """When the announcement was first published (version 1's approval)."""
        return self.first_approved_at or self.approved_at

    @property
    def is_correction(self) -> bool:
        """True for a ralat (a version after the first that is not the pencabutan)."""
        return self.corrects_number is not None


class Envelope(BaseModel):
    """A dispatch message for one channel."""

    model_config = _STRICT
    v: Literal[1, 2] = ENVELOPE_VERSION
    message_id: str
    kind: Kind
    channel: Channel
    created_at: datetime
    valid_until: datetime
    attempt: int = 0
    announcement: AnnouncementSnapshot
    sig: str = ""

    def signed_bytes(self) -> bytes:
        """The canonical bytes the signature covers."""
        data = self.model_dump(mode="json", exclude={"attempt", "sig"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_wire(self) -> bytes:
        """The JSON bytes sent over the transport."""
        return self.model_dump_json().encode()


class Artifact(BaseModel):
    """One file a channel produced, carried in a receipt."""

    model_config = _STRICT
    name: str
    """Path relative to the channel's output folder."""
    size: int
    sha256: str
    data_b64: str | None = None
    """The bytes (base64) when small enough to travel; else None and ``ref`` names the file."""
    ref: str | None = None


class Receipt(BaseModel):
    """A worker's report of one message's outcome; archived as proof of publication."""

    model_config = _STRICT
    v: Literal[1, 2] = ENVELOPE_VERSION
    message_id: str
    announcement_id: int
    announcement_key: str
    number: str
    channel: Channel
    kind: Kind
    outcome: Outcome
    version: int = 0
    """The public version the message carried (0: a receipt older than the history model)."""
    held_version: int = 0
    """For ``superseded``: the version the channel holds (newer or equal)."""
    reason: str = ""
    attempt: int = 0
    artifacts: list[Artifact] = Field(default_factory=list)
    readback: dict | None = None
    """For ``confirmed``/``revoked``: what the worker read back from its public output before it
    reported, ``{"sha256", "summary"}`` (``channels/readback.py``; also the artifact
    ``readback.json``). None on other outcomes and on receipts from before read-back."""
    at: datetime
    host: str
    worker: str = ""
    """The identity of the worker that signed it (see :mod:`shared.receipt_keys`)."""
    sig: str = ""
    """Ed25519 signature (base64) of the worker over every other field."""

    def signed_bytes(self) -> bytes:
        """The canonical bytes the signature covers (every field but ``sig``; ``readback`` only
        when set, so receipts signed before it existed still verify)."""
        data = self.model_dump(mode="json", exclude={"sig"} | (
            {"readback"} if self.readback is None else set()))
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_wire(self) -> bytes:
        """The JSON bytes sent over the transport."""
        return self.model_dump_json().encode()


class EnvelopeRejected(Exception):
    """A message that must be parked, never rendered; ``reason`` says why in Indonesian."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# -- keys --------------------------------------------------------------------------------------


def generate_keypair(private_path: Path, public_path: Path) -> None:
    """Write a new Ed25519 pair (PEM); the private file is readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_private(private_path, pem)  # 0600 before the key is written, also over an older file
    public_path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the approval side's signing key."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Load the workers' verification key."""
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def sign(envelope: Envelope, key: Ed25519PrivateKey) -> Envelope:
    """The envelope with its signature set."""
    signature = key.sign(envelope.signed_bytes())
    return envelope.model_copy(update={"sig": base64.b64encode(signature).decode()})


def new_envelope(kind: Kind, channel: Channel, snapshot: AnnouncementSnapshot, message_id: str,
                 ttl: timedelta, key: Ed25519PrivateKey) -> Envelope:
    """A signed envelope for one channel."""
    now = utcnow()
    env = Envelope(message_id=message_id, kind=kind, channel=channel, created_at=now,
                   valid_until=now + ttl, announcement=snapshot)
    return sign(env, key)


def open_envelope(wire: bytes, key: Ed25519PublicKey, channel: str | None = None,
                  now: datetime | None = None) -> Envelope:
    """Decode and verify a dispatch message; raise :class:`EnvelopeRejected` with the reason to park it."""
    try:
        env = Envelope.model_validate_json(wire)
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0][:200]
        raise EnvelopeRejected("undecodable", f"Pesan tidak dapat dibaca: {first}") from None
    if not env.sig:
        raise EnvelopeRejected("unsigned", "Pesan tidak bertanda tangan")
    try:
        key.verify(base64.b64decode(env.sig, validate=True), env.signed_bytes())
    except (InvalidSignature, ValueError):
        raise EnvelopeRejected("bad_signature", "Tanda tangan pesan tidak sah") from None
    if aware(env.valid_until) < (now or utcnow()):
        raise EnvelopeRejected("expired", "Pesan sudah kedaluwarsa")
    if channel is not None and env.channel != channel:
        raise EnvelopeRejected("wrong_channel",
                               f"Pesan untuk kanal '{env.channel}' tiba di kanal '{channel}'")
    snap = env.announcement
    refusal = channel_refusal(snap.klasifikasi, snap.sasaran, env.channel)
    if refusal and env.kind != Kind.REVOKE:
        raise EnvelopeRejected("forbidden", str(refusal))
    return env
