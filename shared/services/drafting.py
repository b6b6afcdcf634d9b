"""Drafting: a Pelaksana writes an announcement, revises it, starts a ralat of a published one;
Kabid/Kasubag assigns drafting with a disposisi; the editor's unsaved form is kept in a per-user
draft slot (autosave, idle lock) that only its owner can read."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared import audit, images
from shared.classification import Klasifikasi, priority_for
from shared.errors import InvalidInput, Refused
from shared.i18n import Lazy
from shared.models import Announcement, Disposition, DraftSlot, Revision
from shared.services import history, steps
from shared.services.content import CONTENT_FIELDS, merged_content, normalised_picture, validate_content
from shared.services.context import Service, current_revision
from shared.timefmt import utcnow
from shared.vocab import NoticeKind, Step
from shared.workflow import ROLE_LABEL, Action, Role, State, check


SLOT_KEY = re.compile(r"^(new|(item|ralat|disposition):[1-9][0-9]{0,8})$")
"""A draft slot's key: ``new`` (a new draft), ``item:<id>`` (editing a draft), ``ralat:<id>``
(a correction of announcement <id>), ``disposition:<id>`` (a draft from a disposition)."""

MAX_SLOT_CHARS = 1_000_000
"""The largest form a slot keeps (as JSON); far above every channel's limit."""


def slot_key(item_id: int | None = None, corrects_id: int | None = None,
             disposition_id: int | None = None) -> str:
    """The slot key of what the editor has open (the same choice the editor's save makes)."""
    if item_id:
        return f"item:{item_id}"
    if corrects_id:
        return f"ralat:{corrects_id}"
    return f"disposition:{disposition_id}" if disposition_id else "new"


def _slot_dict(slot: DraftSlot) -> dict:
    return {"id": slot.id, "key": slot.key, "fields": dict(slot.fields), "by_lock": slot.by_lock,
            "updated_at": slot.updated_at.isoformat()}


def _out_of_date(session: Session, slot: DraftSlot) -> bool:
    """Whether the announcement of ``slot`` has a revision saved since (or is gone)."""
    kind, _sep, ref = slot.key.partition(":")
    if kind not in ("item", "ralat"):
        return False
    item = session.get(Announcement, int(ref))
    return item is None or current_revision(session, item).created_at >= slot.updated_at


class Drafting(Service):
    """Drafts, revisions, ralat drafts, disposisi, and each user's draft slots."""

    def create_item(self, actor_id: int, *, title: str, body: str, klasifikasi: str, sasaran: str,
                    channels: list[str] | str, summary: str = "", start_at: datetime | None = None,
                    end_at: datetime | None = None, daily_windows: list | None = None,
                    disposition_id: int | None = None, image: bytes | None = None,
                    image_caption: str = "", alert: dict | None = None) -> int:
        """Draft a new announcement (Pelaksana); returns its id. ``image`` is the file's bytes
        (JPEG, PNG, ...), checked and normalised by :mod:`shared.images`; ``alert`` the early
        warning's choices of a serta-merta item (:class:`shared.alerting.AlertFields` as a dict)."""
        picture = normalised_picture(image)
        content = validate_content(dict(title=title, summary=summary, body=body,
                                        klasifikasi=klasifikasi, sasaran=sasaran, channels=channels,
                                        start_at=start_at, end_at=end_at,
                                        daily_windows=daily_windows, image_caption=image_caption,
                                        image_sha256=picture and picture.sha256, alert=alert),
                                   self.ctx.profile.areas)
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            if actor.role != Role.PELAKSANA:
                raise Refused("{role} tidak berwenang menyusun draf pengumuman; draf disusun oleh "
                              "Pelaksana", role=Lazy(ROLE_LABEL[Role(actor.role)]))
            started = None
            if disposition_id is not None:
                disp = s.get(Disposition, disposition_id)
                if disp is None or disp.assignee_id != actor.id:
                    raise Refused("Disposisi #{id} bukan untuk Anda", id=disposition_id)
                disp.done_at, started = utcnow(), disp.created_at
            if picture is not None:
                images.store(s, picture)
            item = Announcement(key=str(uuid.uuid4()), state=State.DRAFT, title=content["title"],
                                klasifikasi=content["klasifikasi"], sasaran=content["sasaran"],
                                channels=content["channels"],
                                priority=priority_for(content["klasifikasi"]), revision=1,
                                author_id=actor.id, disposition_id=disposition_id)
            s.add(item)
            s.flush()
            s.add(Revision(announcement_id=item.id, number=1, author_id=actor.id,
                           **{k: content[k] for k in CONTENT_FIELDS}))
            steps.open_step(s, self.ctx.profile, item, Step.DRAFTING, started)
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN:
                steps.tell_ppid(s, item, actor)
            audit.record(s, actor.username, "create", item.id, title=content["title"])
            return item.id

    def revise(self, actor_id: int, item_id: int, *, image: bytes | None = None,
               clear: tuple[str, ...] | list[str] = (), **changes: object) -> int:
        """Edit as a new revision. On an approved announcement this starts a correction (ralat)
        instead, and returns the id of the new announcement; otherwise returns ``item_id``.
        ``image`` replaces the picture; ``clear`` empties fields of :data:`CLEARABLE`."""
        with self.ctx.read() as s:
            state = self.ctx.item(s, item_id).state
        if state in (State.APPROVED, State.DISSEMINATING, State.DISSEMINATED):
            return self.correct(actor_id, item_id, image=image, clear=clear, **changes)
        picture = normalised_picture(image)
        with self.ctx.tx() as s:
            actor, item = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
            check(Action.REVISE, item.state, actor.role)
            rev = current_revision(s, item)
            if picture is not None:
                changes["image_sha256"] = images.store(s, picture)
            content = merged_content(rev, changes, clear, self.ctx.profile.areas)
            if all(content[k] == getattr(rev, k) for k in CONTENT_FIELDS):
                raise InvalidInput("Tidak ada perubahan")
            item.revision += 1
            s.add(Revision(announcement_id=item.id, number=item.revision, author_id=actor.id,
                           **{k: content[k] for k in CONTENT_FIELDS}))
            item.title, item.klasifikasi = content["title"], content["klasifikasi"]
            item.sasaran, item.channels = content["sasaran"], content["channels"]
            item.priority = priority_for(content["klasifikasi"])
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN != rev.klasifikasi:
                steps.tell_ppid(s, item, actor)
            audit.record(s, actor.username, "revise", item.id, revision=item.revision)
            return item.id

    def correct(self, actor_id: int, item_id: int, *, image: bytes | None = None,
                clear: tuple[str, ...] | list[str] = (), **changes: object) -> int:
        """Start a correction (ralat) of an approved announcement: a new draft that keeps the
        original's key and goes through the chain again; returns its id."""
        picture = normalised_picture(image)
        with self.ctx.tx() as s:
            actor, chosen = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
            check(Action.CORRECT, chosen.state, actor.role)
            # a ralat corrects what the public sees now: the newest version of the history
            orig = history.head(s, chosen.key) or chosen
            pending = history.open_correction(s, orig.key)
            if pending is not None:
                raise Refused("Ralat atas pengumuman ini sedang disusun atau diperiksa (#{id}); "
                              "lanjutkan ralat itu", id=pending.id)
            if picture is not None:
                changes["image_sha256"] = images.store(s, picture)
            content = merged_content(current_revision(s, orig), changes, clear, self.ctx.profile.areas)
            item = Announcement(key=orig.key, state=State.DRAFT, title=content["title"],
                                klasifikasi=content["klasifikasi"], sasaran=content["sasaran"],
                                channels=content["channels"],
                                priority=priority_for(content["klasifikasi"]), revision=1,
                                author_id=actor.id, corrects_id=orig.id)
            s.add(item)
            s.flush()
            s.add(Revision(announcement_id=item.id, number=1, author_id=actor.id,
                           **{k: content[k] for k in CONTENT_FIELDS}))
            steps.open_step(s, self.ctx.profile, item, Step.DRAFTING)
            audit.record(s, actor.username, "correct", item.id, corrects=orig.id)
            return item.id

    def assign(self, actor_id: int, assignee: str, instructions: str) -> int:
        """Disposisi: Kabid/Kasubag assigns drafting to a Pelaksana with instructions."""
        if not instructions.strip():
            raise InvalidInput("Instruksi disposisi wajib diisi")
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            if actor.role != Role.KABID:
                raise Refused("{role} tidak berwenang memberi disposisi; disposisi diberikan oleh "
                              "Kabid/Kasubag", role=Lazy(ROLE_LABEL[Role(actor.role)]))
            target = self.ctx.user_by_name(s, assignee)
            if target.role != Role.PELAKSANA or not target.active:
                raise Refused("Disposisi hanya kepada Pelaksana yang aktif; '{u}' berperan {r}",
                              u=assignee, r=Lazy(ROLE_LABEL[Role(target.role)]))
            now = utcnow()
            disp = Disposition(assigned_by_id=actor.id, assignee_id=target.id,
                               instructions=instructions.strip(), created_at=now,
                               due_at=now + self.ctx.profile.sla.due(Step.DRAFTING))
            s.add(disp)
            s.flush()
            steps.notify(s, {target.id}, None, NoticeKind.ASSIGNED, name=actor.name,
                         instructions=instructions.strip())
            audit.record(s, actor.username, "assign", None, disposition=disp.id, assignee=assignee)
            return disp.id

    # -- draft slots: the editor's unsaved form, per user -----------------------------------------
    # A slot holds what was typed, unchecked (the rules apply on save and submit), and may hold the
    # text of a dikecualikan item: so every method reads and writes only the actor's own slots —
    # not even the Kepala Dinas or the PPID, who may read the saved item, read another's slot.
    # No audit event: autosave writes every few seconds, and a slot is no record of the office.

    def save_slot(self, actor_id: int, key: str, fields: dict, *, by_lock: bool = False) -> int:
        """Keep ``fields`` (the editor's form as typed, JSON-serialisable) in the actor's slot
        ``key`` (see :data:`SLOT_KEY`), replacing what it held; ``by_lock``: the idle lock saved it
        (the owner is told at the next sign-in, :meth:`secured_slots`). Returns the slot's id."""
        if not SLOT_KEY.match(key):
            raise InvalidInput("Kunci slot draf tidak dikenal: {key}", key=key[:60])
        if len(json.dumps(fields, ensure_ascii=False)) > MAX_SLOT_CHARS:
            raise InvalidInput("Isian terlalu besar untuk disimpan sementara (paling banyak {n} "
                               "karakter)", n=MAX_SLOT_CHARS)
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            slot = s.execute(select(DraftSlot).where(DraftSlot.user_id == actor.id,
                                                     DraftSlot.key == key)
                             .with_for_update()).scalar_one_or_none()
            if slot is None:
                slot = DraftSlot(user_id=actor.id, key=key, fields=fields)
                s.add(slot)
            slot.fields, slot.by_lock, slot.updated_at = dict(fields), by_lock, utcnow()
            s.flush()
            return slot.id

    def load_slot(self, actor_id: int, key: str) -> dict | None:
        """The actor's slot ``key`` (id, key, fields, by_lock, updated_at as ISO), or None. A slot
        of an announcement that has a newer revision than the slot is out of date: it is dropped
        and None returned (the saved text wins over an older unsaved one)."""
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            slot = s.execute(select(DraftSlot).where(DraftSlot.user_id == actor.id,
                                                     DraftSlot.key == key)).scalar_one_or_none()
            if slot is None:
                return None
            if _out_of_date(s, slot):
                s.delete(slot)
                return None
            return _slot_dict(slot)

    def open_slot(self, actor_id: int, slot_id: int) -> dict:
        """Slot ``slot_id`` by its id; refused unless the actor owns it (whatever the role)."""
        with self.ctx.read() as s:
            actor = self.ctx.actor(s, actor_id)
            slot = s.get(DraftSlot, slot_id)
            if slot is None or slot.user_id != actor.id:
                raise Refused("Draf yang belum disimpan hanya dapat dibuka oleh penyusunnya")
            return _slot_dict(slot)

    def discard_slot(self, actor_id: int, key: str) -> bool:
        """Drop the actor's slot ``key`` (after a save, or when the changes are thrown away);
        True when there was one."""
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            done = s.execute(delete(DraftSlot).where(DraftSlot.user_id == actor.id,
                                                     DraftSlot.key == key))
            return bool(getattr(done, "rowcount", 0))

    def secured_slots(self, actor_id: int) -> list[dict]:
        """The actor's slots the idle lock saved and that were not opened since (the sign-in
        tells about them), oldest first."""
        with self.ctx.read() as s:
            actor = self.ctx.actor(s, actor_id)
            found = s.execute(select(DraftSlot).where(DraftSlot.user_id == actor.id,
                                                      DraftSlot.by_lock.is_(True))
                              .order_by(DraftSlot.updated_at)).scalars()
            return [_slot_dict(slot) for slot in found if not _out_of_date(s, slot)]
