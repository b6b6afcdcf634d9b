"""The review chain of the Kalbar SOP (Pengumuman Informasi Publik) as a state machine.

Pelaksana drafts → Kabid/Kasubag → Sekretaris → Kepala Dinas approves; each reviewer may return it
with a note (Kabid to the drafter, Sekretaris and Kepala Dinas to Kabid). Pure rules: no database.
The service layer calls :func:`check` before every transition, so nothing can bypass it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import Refused
from shared.i18n import Lazy


class State(StrEnum):
    """Announcement states (names fixed by the issue; scripts depend on them)."""

    DRAFT = "draft"
    REVIEW_KABID = "review_kabid"
    REVIEW_SEKRETARIS = "review_sekretaris"
    REVIEW_KADIS = "review_kadis"
    RETURNED = "returned"
    APPROVED = "approved"
    DISSEMINATING = "disseminating"
    DISSEMINATED = "disseminated"
    REVOKED = "revoked"


class Role(StrEnum):
    """Roles of the SOP."""

    PELAKSANA = "pelaksana"
    KABID = "kabid"
    SEKRETARIS = "sekretaris"
    KADIS = "kadis"
    PPID = "ppid"
    ADMIN = "admin"


class Action(StrEnum):
    """What a user can do to an announcement."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REVISE = "revise"
    REVOKE = "revoke"
    CORRECT = "correct"


ROLE_LABEL = {Role.PELAKSANA: "Pelaksana", Role.KABID: "Kabid/Kasubag",
              Role.SEKRETARIS: "Sekretaris", Role.KADIS: "Kepala Dinas", Role.PPID: "PPID",
              Role.ADMIN: "Administrator"}
"""How roles are written for people."""

STATE_LABEL = {State.DRAFT: "Draf", State.REVIEW_KABID: "Pemeriksaan Kabid/Kasubag",
               State.REVIEW_SEKRETARIS: "Pemeriksaan Sekretaris",
               State.REVIEW_KADIS: "Pemeriksaan Kepala Dinas", State.RETURNED: "Dikembalikan",
               State.APPROVED: "Disetujui", State.DISSEMINATING: "Sedang disebarkan",
               State.DISSEMINATED: "Telah disebarkan", State.REVOKED: "Dicabut"}
"""How states are written for people."""

REVIEW_ROLE = {State.REVIEW_KABID: Role.KABID, State.REVIEW_SEKRETARIS: Role.SEKRETARIS,
               State.REVIEW_KADIS: Role.KADIS}
"""Who reviews in each review state."""

EXEMPT_READERS = (Role.PPID, Role.KADIS)
"""Who may read dikecualikan announcements and the exempt register."""

RECORDS_ROLES = EXEMPT_READERS
"""Who opens the PPID's records (Rekap & Arsip); each action there has its own rule."""

NEXT_ON_APPROVE = {State.REVIEW_KABID: State.REVIEW_SEKRETARIS,
                   State.REVIEW_SEKRETARIS: State.REVIEW_KADIS,
                   State.REVIEW_KADIS: State.APPROVED}
NEXT_ON_RETURN = {State.REVIEW_KABID: State.RETURNED,
                  State.REVIEW_SEKRETARIS: State.REVIEW_KABID,
                  State.REVIEW_KADIS: State.REVIEW_KABID}
"""Kabid returns to the drafter; Sekretaris and Kepala Dinas return to Kabid/Kasubag."""

EDITABLE = {State.DRAFT, State.RETURNED}
PUBLISHED = {State.APPROVED, State.DISSEMINATING, State.DISSEMINATED}
STEP_OF_STATE = {State.DRAFT: "drafting", State.RETURNED: "drafting",
                 State.REVIEW_KABID: "review_kabid", State.REVIEW_SEKRETARIS: "review_sekretaris",
                 State.REVIEW_KADIS: "review_kadis", State.APPROVED: "dissemination",
                 State.DISSEMINATING: "dissemination"}
"""The SOP step (and so the SLA) an announcement is in while in each state."""

STEP_LABEL = {"disposition": "Disposisi", "drafting": "Penyusunan draf",
              "review_kabid": "Pemeriksaan Kabid/Kasubag",
              "review_sekretaris": "Pemeriksaan Sekretaris",
              "review_kadis": "Persetujuan Kepala Dinas", "dissemination": "Penyebarluasan"}


@dataclass(frozen=True)
class Transition:
    """The outcome of an allowed action."""

    source: State
    target: State
    action: Action


def _role(role: str) -> Lazy:
    """A role as a parameter of a refusal, translated with it."""
    return Lazy(ROLE_LABEL.get(Role(role), role))


def _state(state: State) -> Lazy:
    """A state as a parameter of a refusal, translated with it."""
    return Lazy(STATE_LABEL[state])


def check(action: Action, state: State, role: str, *, authored_revisions: Collection[int] = (),
          note: str | None = None) -> Transition:
    """The transition ``action`` makes from ``state`` for a user of ``role``, or a refusal that says why.

    ``authored_revisions``: the numbers of the announcement's revisions this user wrote. Whoever
    wrote any of its wording approves it at no level (separation of duties), however small the
    revisions others made after theirs; a ralat is an announcement of its own, with its own
    revisions.
    """
    state = State(state)
    if action == Action.SUBMIT:
        if role != Role.PELAKSANA:
            raise Refused("{role} tidak berwenang mengajukan pengumuman; pengajuan dilakukan oleh "
                          "Pelaksana", role=_role(role))
        if state not in EDITABLE:
            raise Refused("Pengumuman berstatus '{state}' tidak dapat diajukan; hanya draf atau "
                          "yang dikembalikan", state=_state(state))
        return Transition(state, State.REVIEW_KABID, action)

    if action in (Action.APPROVE, Action.RETURN):
        if state not in REVIEW_ROLE:
            raise Refused("Pengumuman berstatus '{state}' tidak sedang diperiksa", state=_state(state))
        needed = REVIEW_ROLE[state]
        if role != needed:
            if action == Action.APPROVE and role in (Role.PELAKSANA, Role.PPID, Role.ADMIN):
                raise Refused("{role} tidak berwenang menyetujui pengumuman", role=_role(role))
            if action == Action.APPROVE:
                raise Refused("{role} tidak berwenang menyetujui pengumuman pada tahap ini; tahap ini "
                              "milik {owner}", role=_role(role), owner=_role(needed))
            raise Refused("{role} tidak berwenang mengembalikan pengumuman pada tahap ini; tahap ini "
                          "milik {owner}", role=_role(role), owner=_role(needed))
        if action == Action.RETURN:
            if not (note or "").strip():
                raise Refused("Pengembalian wajib disertai catatan yang menjelaskan perbaikan")
            return Transition(state, NEXT_ON_RETURN[state], action)
        if authored_revisions:
            raise Refused("Anda tidak boleh menyetujui pengumuman ini karena ikut menyusun isinya "
                          "(revisi {revisions}); pemisahan tugas: persetujuan tahap ini diberikan "
                          "oleh {owner} lain yang tidak menyusunnya",
                          revisions=", ".join(str(n) for n in sorted(authored_revisions)),
                          owner=_role(needed))
        return Transition(state, NEXT_ON_APPROVE[state], action)

    if action == Action.REVISE:
        if state in EDITABLE:
            if role != Role.PELAKSANA:
                raise Refused("{role} tidak berwenang mengubah draf; draf disusun oleh Pelaksana",
                              role=_role(role))
            return Transition(state, state, action)
        if state in REVIEW_ROLE:
            if role != REVIEW_ROLE[state]:
                raise Refused("{role} tidak berwenang mengubah pengumuman yang sedang diperiksa "
                              "pihak lain", role=_role(role))
            return Transition(state, state, action)
        if state in PUBLISHED or state == State.DISSEMINATED:
            raise Refused("Pengumuman yang sudah disetujui tidak dapat diubah; buat ralat")
        raise Refused("Pengumuman berstatus '{state}' tidak dapat diubah", state=_state(state))

    if action == Action.REVOKE:
        if role != Role.KADIS:
            raise Refused("{role} tidak berwenang mencabut pengumuman; hanya Kepala Dinas yang dapat "
                          "mencabut", role=_role(role))
        if state not in PUBLISHED:
            raise Refused("Hanya pengumuman yang sudah disetujui yang dapat dicabut (status: '{state}')",
                          state=_state(state))
        if not (note or "").strip():
            raise Refused("Pencabutan wajib disertai alasan")
        return Transition(state, State.REVOKED, action)

    if action == Action.CORRECT:
        if role not in (Role.PELAKSANA, Role.KADIS):
            raise Refused("{role} tidak berwenang membuat ralat; ralat disusun oleh Pelaksana atau "
                          "Kepala Dinas", role=_role(role))
        if state not in PUBLISHED:
            raise Refused("Ralat hanya untuk pengumuman yang sudah disetujui (status: '{state}')",
                          state=_state(state))
        return Transition(state, state, action)

    raise Refused("Tindakan '{action}' tidak dikenal", action=str(action))
