"""Drafting: a Pelaksana writes an announcement, revises it, starts a ralat of a published one;
Kabid/Kasubag assigns drafting with a disposisi."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared import audit, images
from shared.classification import Klasifikasi, priority_for
from shared.errors import InvalidInput, Refused
from shared.i18n import Lazy
from shared.models import Announcement, Disposition, Revision
from shared.services import history, steps
from shared.services.content import CONTENT_FIELDS, merged_content, normalised_picture, validate_content
from shared.services.context import Service, current_revision
from shared.timefmt import utcnow
from shared.vocab import NoticeKind, Step
from shared.workflow import ROLE_LABEL, Action, Role, State, check


class Drafting(Service):
    """Drafts, revisions, ralat drafts and disposisi."""

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
