"""Every vocabulary Warta stores or shows, in one place: the states, decisions and kinds written to
the database, the worker's inbox and the embedded transport, each as a ``StrEnum``, with ONE map of
Indonesian labels per vocabulary and :func:`label` to word any member for people.

The enums that already live next to their rules are re-exported here, not moved:
:class:`State`, :class:`Role`, :class:`Action` (:mod:`shared.workflow`), :class:`Channel`,
:class:`Klasifikasi`, :class:`Sasaran` (:mod:`shared.classification`), :class:`Kind`,
:class:`Outcome`, :class:`VersionKind` (:mod:`shared.messages`). Import vocabularies from here.

Writers store members, never bare strings (``tests/domain/test_vocab.py`` greps for them); readers
count and word members, so a state a writer adds without a reader fails a test instead of showing
0 in a report. Labels are Indonesian msgids; :func:`label` translates them (``WARTA_LANG``),
:func:`document_label` does not (official documents are in Bahasa Indonesia).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from shared.classification import KLASIFIKASI_LABEL, Channel, Klasifikasi, Sasaran
from shared.i18n import _
from shared.messages import Kind, Outcome, VersionKind
from shared.workflow import ROLE_LABEL, STATE_LABEL, STEP_LABEL, Action, Role, State


class DeliveryState(StrEnum):
    """``deliveries.state``: where one message of an announcement to one channel (endpoint) is.
    Written by the approval (``pending``), the relay (``queued``), the archiver from the workers'
    receipts (the others) and the PPID's re-drive (``queued`` again)."""

    PENDING = "pending"
    """Its outbox row is written; the relay has not published it yet."""
    QUEUED = "queued"
    """Published to the channel's queue (or re-driven there); no receipt yet."""
    RETRYING = "retrying"
    """At least one attempt failed; the worker tries again (the retry tiers)."""
    PARKED = "parked"
    """Given up by the worker (poison message, attempts exhausted, a paper job that may have
    printed): waits for the PPID to send it again."""
    PROOF_PENDING = "proof_pending"
    """The channel confirmed, but its proof could not be filed yet (archive disk full, I/O error,
    mount missing); the archiver files it by itself once it can ("bukti tertunda")."""
    CONFIRMED = "confirmed"
    """The channel confirmed a publication or ralat and its proof is filed."""
    SUPERSEDED = "superseded"
    """Settled without reaching the public: the channel already held a newer version or the
    revocation."""
    REVOKED = "revoked"
    """The channel confirmed the pencabutan (a ``revoke`` delivery) and its proof is filed."""


DELIVERY_FINAL = frozenset({DeliveryState.CONFIRMED, DeliveryState.REVOKED, DeliveryState.SUPERSEDED})
"""Delivery states nothing changes any more (a late failure report after them is ignored)."""


class Decision(StrEnum):
    """``workflow_steps.decision``: how an SOP step ended."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    NOTHING_TO_SEND = "nothing_to_send"
    """The final approval of an announcement no channel may carry (ends the dissemination step)."""
    DISSEMINATED = "disseminated"
    """Every channel confirmed (or was superseded): what happened then, not a state — a later
    pencabutan withdraws what was sent."""


class Step(StrEnum):
    """``workflow_steps.step``: the SOP steps, each with its time limit (``AgencyProfile.sla``)."""

    DISPOSITION = "disposition"
    DRAFTING = "drafting"
    REVIEW_KABID = "review_kabid"
    REVIEW_SEKRETARIS = "review_sekretaris"
    REVIEW_KADIS = "review_kadis"
    DISSEMINATION = "dissemination"


class QueueState(StrEnum):
    """``queue_messages.state``: a message of the embedded transport."""

    READY = "ready"
    """Waiting for a consumer (from ``available_at``)."""
    LEASED = "leased"
    """Taken by a consumer until ``lease_until``; back to ready if it is not settled by then."""
    PARKED = "parked"
    """In the parking queue: waits for a person's re-drive."""


class InboxState(StrEnum):
    """``messages.state`` of a worker's local inbox (``workers/inbox.py``, stdlib sqlite3)."""

    STARTED = "started"
    """Rendering began."""
    DONE = "done"
    """Finished; its receipt is stored (a redelivery is answered from it)."""
    RETRY = "retry"
    """Failed; the message waits in the retry tiers."""
    PARKED = "parked"
    """Given up; waits for a person's re-drive."""
    MAYBE_DONE = "maybe_done"
    """An irreversible render (paper) began and never finished: it may have printed, so it stays
    so until a person decides."""


class NoticeKind(StrEnum):
    """``inbox.kind``: why a user got a notice."""

    ASSIGNED = "assigned"
    """A disposition: the Kabid/Kasubag assigned drafting."""
    RETURNED = "returned"
    """An announcement came back for revision, with a note."""
    REVOKED = "revoked"
    """An announcement the user wrote was revoked."""
    EXEMPT = "exempt"
    """A dikecualikan announcement for the PPID's exempt register."""
    OVERDUE = "overdue"
    """An SOP step passed its time limit: told once to whoever acts on it and to their
    supervisors (:mod:`shared.services.todo`)."""


class DipStatus(StrEnum):
    """``dip_entries.status``: a row of the Daftar Informasi Publik."""

    USULAN = "usulan"
    """Proposed (by an approved announcement); the PPID has not decided."""
    DITERIMA = "diterima"
    DITOLAK = "ditolak"


class PublicState(StrEnum):
    """What the public sees of one version of an announcement (computed, never stored)."""

    CURRENT = "current"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    UNPUBLISHED = "unpublished"


E = TypeVar("E", bound=StrEnum)

# One label map per vocabulary, each a module-level dict literal named *_LABEL so that
# ``make catalogs`` (shared.i18n_extract) collects its msgids.
ACTION_LABEL = {Action.SUBMIT: "Ajukan", Action.APPROVE: "Setujui", Action.RETURN: "Kembalikan",
                Action.REVISE: "Ubah", Action.REVOKE: "Cabut", Action.CORRECT: "Buat ralat"}
DECISION_LABEL = {Decision.SUBMITTED: "Diajukan", Decision.APPROVED: "Disetujui",
                  Decision.RETURNED: "Dikembalikan", Decision.NOTHING_TO_SEND: "Tidak ada kanal tujuan",
                  Decision.DISSEMINATED: "Terkirim"}
SASARAN_LABEL = {Sasaran.PIMPINAN: "Pimpinan", Sasaran.PEGAWAI: "Pegawai",
                 Sasaran.MASYARAKAT: "Masyarakat"}
CHANNEL_LABEL = {Channel.VIDEOTRON: "Videotron", Channel.RADIO: "Radio", Channel.WEB: "Situs web",
                 Channel.PRINT: "Papan informasi (cetak)"}
KIND_LABEL = {Kind.PUBLISH: "Terbit", Kind.UPDATE: "Ralat", Kind.REVOKE: "Pencabutan"}
VERSION_KIND_LABEL = {VersionKind.PUBLISH: "Terbit", VersionKind.RALAT: "Ralat",
                      VersionKind.REVOKE: "Pencabutan"}
OUTCOME_LABEL = {Outcome.CONFIRMED: "Terkonfirmasi", Outcome.SUPERSEDED: "Digantikan versi baru",
                 Outcome.FAILED: "Gagal", Outcome.PARKED: "Ditahan (parkir)",
                 Outcome.REVOKED: "Pencabutan terkonfirmasi"}
DELIVERY_STATE_LABEL = {DeliveryState.PENDING: "Menunggu", DeliveryState.QUEUED: "Dalam antrean",
                        DeliveryState.RETRYING: "Gagal, dicoba ulang",
                        DeliveryState.PARKED: "Ditahan (parkir)",
                        DeliveryState.PROOF_PENDING: "Bukti tertunda",
                        DeliveryState.CONFIRMED: "Terkonfirmasi",
                        DeliveryState.SUPERSEDED: "Digantikan versi baru",
                        DeliveryState.REVOKED: "Pencabutan terkonfirmasi"}
QUEUE_STATE_LABEL = {QueueState.READY: "Siap dikirim", QueueState.LEASED: "Sedang diproses",
                     QueueState.PARKED: "Ditahan (parkir)"}
INBOX_STATE_LABEL = {InboxState.STARTED: "Sedang diproses", InboxState.DONE: "Selesai diproses",
                     InboxState.RETRY: "Akan dicoba ulang", InboxState.PARKED: "Ditahan (parkir)",
                     InboxState.MAYBE_DONE: "Mungkin sudah tercetak"}
NOTICE_KIND_LABEL = {NoticeKind.ASSIGNED: "Disposisi", NoticeKind.RETURNED: "Dikembalikan",
                     NoticeKind.REVOKED: "Dicabut", NoticeKind.EXEMPT: "Informasi dikecualikan",
                     NoticeKind.OVERDUE: "Melewati batas waktu"}
DIP_STATUS_LABEL = {DipStatus.USULAN: "Usulan", DipStatus.DITERIMA: "Diterima",
                    DipStatus.DITOLAK: "Ditolak"}
PUBLIC_STATE_LABEL = {PublicState.CURRENT: "Berlaku", PublicState.SUPERSEDED: "Digantikan ralat",
                      PublicState.REVOKED: "Dicabut", PublicState.UNPUBLISHED: "Belum terbit"}

SHORT_STATE_LABEL = {State.DRAFT: "Draf", State.REVIEW_KABID: "Kabid",
                     State.REVIEW_SEKRETARIS: "Sekretaris", State.REVIEW_KADIS: "Kadis",
                     State.RETURNED: "Dikembalikan", State.APPROVED: "Disetujui",
                     State.DISSEMINATING: "Disebarkan", State.DISSEMINATED: "Tersebar",
                     State.REVOKED: "Dicabut"}
SHORT_CHANNEL_LABEL = {Channel.VIDEOTRON: "Videotron", Channel.RADIO: "Radio", Channel.WEB: "Web",
                       Channel.PRINT: "Cetak"}

LABELS: dict[type[StrEnum], Mapping[Any, str]] = {
    State: STATE_LABEL, Role: ROLE_LABEL, Action: ACTION_LABEL, Step: STEP_LABEL,
    Decision: DECISION_LABEL, Klasifikasi: KLASIFIKASI_LABEL, Sasaran: SASARAN_LABEL,
    Channel: CHANNEL_LABEL, Kind: KIND_LABEL, VersionKind: VERSION_KIND_LABEL,
    Outcome: OUTCOME_LABEL, DeliveryState: DELIVERY_STATE_LABEL, QueueState: QUEUE_STATE_LABEL,
    InboxState: INBOX_STATE_LABEL, NoticeKind: NOTICE_KIND_LABEL, DipStatus: DIP_STATUS_LABEL,
    PublicState: PUBLIC_STATE_LABEL,
}
"""The label map (Indonesian msgids) of every vocabulary; the maps of the re-exported enums are
those of their own modules (``STATE_LABEL``, ``ROLE_LABEL``, ``STEP_LABEL``, ``KLASIFIKASI_LABEL``)."""

SHORT_LABELS: dict[type[StrEnum], Mapping[Any, str]] = {State: SHORT_STATE_LABEL,
                                                        Channel: SHORT_CHANNEL_LABEL}
"""One-word forms for the kiosk's narrow columns and one-line counts; a vocabulary without one
uses its label."""

VOCABULARIES: tuple[type[StrEnum], ...] = tuple(LABELS)
"""Every vocabulary, for tests and the catalog."""


def _label_map(vocab: type[StrEnum],
               maps: dict[type[StrEnum], Mapping[Any, str]]) -> Mapping[Any, str] | None:
    for cls in vocab.__mro__:
        if cls in maps:
            return maps[cls]
    return None


def document_label(member: StrEnum) -> str:
    """``member`` in Indonesian, untranslated: for official documents (the monthly report, the
    control card, the DIP), which are in Bahasa Indonesia whatever the reader's language."""
    labels = _label_map(type(member), LABELS)
    if labels is None:
        raise TypeError(f"{type(member).__name__} is not a vocabulary of shared.vocab")
    return labels[member]


def label(member: StrEnum) -> str:
    """``member`` worded for people, in the user's language (``WARTA_LANG``)."""
    return _(document_label(member))


def short_label(member: StrEnum) -> str:
    """``member`` in one word for narrow columns (its :func:`label` when it has no short form)."""
    short = _label_map(type(member), SHORT_LABELS)
    return _(short[member]) if short is not None else label(member)


def parse(vocab: type[E], value: str | StrEnum | None) -> E | None:
    """``value`` as a member of ``vocab``, or None when it is not one (or empty): for values that
    crossed a boundary as plain strings (JSON, a form, a newer server)."""
    if value is None or value == "":
        return None
    try:
        return vocab(value)
    except ValueError:
        return None


def label_of(vocab: type[StrEnum], value: str | StrEnum | None, *, short: bool = False,
             document: bool = False) -> str:
    """The label of ``value`` read as a member of ``vocab``; a value outside the vocabulary is
    returned as it is (a screen shows what it cannot word rather than failing), None as ''."""
    member = parse(vocab, value)
    if member is None:
        return "" if value is None else str(value)
    if document:
        return document_label(member)
    return short_label(member) if short else label(member)


__all__ = ["DELIVERY_FINAL", "LABELS", "SHORT_LABELS", "VOCABULARIES", "Action", "Channel",
           "Decision", "DeliveryState", "DipStatus", "InboxState", "Kind", "Klasifikasi", "NoticeKind",
           "Outcome", "PublicState", "QueueState", "Role", "Sasaran", "State", "Step", "VersionKind",
           "document_label", "label", "label_of", "parse", "short_label"]
