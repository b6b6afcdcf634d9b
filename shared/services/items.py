"""Commands on announcements: draft, submit, approve, return, revise, revoke, correct, assign."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import alerting, audit, images, limits, numbering
from shared.classification import (Klasifikasi, Sasaran, check_channels, parse_channels,
                                   parse_klasifikasi, parse_sasaran, priority_for)
from shared.errors import InvalidInput, Refused
from shared.messages import Kind
from shared.models import (Announcement, Disposition, InboxEntry, Revision, ReviewSeen,
                           User, WorkflowStep)
from shared.services import history
from shared.services.dispatch import enqueue
from shared.timefmt import utcnow
from shared.workflow import (PUBLISHED, REVIEW_ROLE, ROLE_LABEL, STEP_OF_STATE, Action, Role, State,
                             check)

TITLE_MAX = 300
BODY_MAX = 20000
CAPTION_MAX = 300
CONTENT_FIELDS = ("title", "summary", "body", "klasifikasi", "sasaran", "channels", "start_at",
                  "end_at", "daily_windows", "image_sha256", "image_caption", "alert")
EXEMPT_NOTE = ("Informasi dikecualikan (UU 14/2008 Pasal 17) disimpan tanpa kanal dan tidak "
               "diajukan untuk diumumkan; PPID mencatatnya dalam register informasi dikecualikan")
"""What the drafter of a dikecualikan item is told on saving (``get_item``'s ``register_note``)."""
CLEARABLE = ("start_at", "end_at", "image")
"""Fields a revision can empty with ``clear=`` (their empty value is None, which otherwise means
'unchanged')."""


def _clean(text: str | None) -> str:
    # control characters (C0, DEL, C1) other than newline and tab never belong in an announcement
    return "".join(c for c in (text or "")
                   if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def validate_content(fields: dict, areas: list | None = None, check_limits: bool = True) -> dict:
    """Normalise and check an announcement's content; refuse with the reason. ``areas``: the
    profile's areas an early warning may name; ``check_limits``: also the channel limits of
    :mod:`shared.limits` (the kiosk lists those itself, every one of them, as the user types)."""
    out = dict(fields)
    out["title"] = _clean(out.get("title"))
    out["summary"] = _clean(out.get("summary"))
    out["body"] = _clean(out.get("body"))
    out["image_caption"] = _clean(out.get("image_caption"))
    if len(out["image_caption"]) > CAPTION_MAX:
        raise InvalidInput("Keterangan gambar terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["image_caption"]), max=CAPTION_MAX)
    if out["image_caption"] and not out.get("image_sha256"):
        raise InvalidInput("Keterangan gambar diisi, tetapi tidak ada gambar")
    if not out["title"]:
        raise InvalidInput("Judul wajib diisi")
    if len(out["title"]) > TITLE_MAX:
        raise InvalidInput("Judul terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["title"]), max=TITLE_MAX)
    if not out["body"]:
        raise InvalidInput("Isi pengumuman wajib diisi")
    if len(out["body"]) > BODY_MAX:
        raise InvalidInput("Isi terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["body"]), max=BODY_MAX)
    out["klasifikasi"] = parse_klasifikasi(str(out["klasifikasi"]))
    out["sasaran"] = parse_sasaran(str(out["sasaran"]))
    out["channels"] = [str(c) for c in parse_channels(out.get("channels") or [])]
    check_channels(out["klasifikasi"], out["sasaran"], out["channels"])
    start, end = out.get("start_at"), out.get("end_at")
    for name in ("start_at", "end_at"):
        if out.get(name) is not None and out[name].tzinfo is None:
            raise InvalidInput("Waktu '{name}' harus menyertakan zona waktu", name=name)
    if start and end and end <= start:
        raise InvalidInput("Waktu selesai harus sesudah waktu mulai")
    windows = []
    for w in out.get("daily_windows") or []:
        try:
            windows.append({"start": time.fromisoformat(str(w["start"])).isoformat(),
                            "end": time.fromisoformat(str(w["end"])).isoformat()})
        except (KeyError, ValueError):
            raise InvalidInput("Jendela waktu harian tidak sah: {w}; contoh 06:00-22:00", w=w) from None
    out["daily_windows"] = windows
    if check_limits:
        limits.check(out)
    # only a serta-merta announcement raises an early warning; it starts from the defaults
    if out["klasifikasi"] == Klasifikasi.SERTA_MERTA:
        out["alert"] = alerting.validate(out.get("alert") or alerting.defaults(), areas or [])
    else:
        out["alert"] = None
    return out


def _merged(rev: Revision, changes: dict, clear: tuple[str, ...] | list[str] = (),
            areas: list | None = None) -> dict:
    """The revision's content with the given (non-None) changes and the ``clear``ed fields
    emptied, validated."""
    content = {k: getattr(rev, k) for k in CONTENT_FIELDS}
    content.update({k: v for k, v in changes.items() if v is not None})
    for name in clear:
        if name not in CLEARABLE:
            raise InvalidInput("Kolom '{name}' tidak dapat dikosongkan; yang dapat: {ok}",
                               name=name, ok=", ".join(CLEARABLE))
        if name == "image":
            content["image_sha256"], content["image_caption"] = None, ""
        else:
            content[name] = None
    return validate_content(content, areas)


def _picture(image: bytes | None) -> images.NormalisedImage | None:
    # decoding and re-encoding takes ~0.2 s: done before the transaction takes the write lock
    return images.normalise(image) if image is not None else None


class ItemCommands:
    """Announcement commands (mixed into :class:`shared.services.Warta`)."""

    # -- steps, SLA and notices ------------------------------------------------------------------

    def _open_step(self, s: Session, item: Announcement, step: str, start: datetime | None = None) -> None:
        start = start or utcnow()
        s.add(WorkflowStep(announcement_id=item.id, step=step, revision=item.revision,
                           started_at=start, due_at=start + self.profile.sla.due(step)))

    def _close_step(self, s: Session, item: Announcement, actor: User | None, decision: str,
                    note: str | None = None) -> None:
        step = s.execute(select(WorkflowStep).where(
            WorkflowStep.announcement_id == item.id, WorkflowStep.decided_at.is_(None))
            .order_by(WorkflowStep.id.desc())).scalars().first()
        if step is None:
            return
        now = utcnow()
        step.decided_at, step.decision, step.note = now, decision, note
        step.actor_id = actor.id if actor else None
        step.sla_met = now <= step.due_at

    def _notify(self, s: Session, user_ids: set[int], item: Announcement, kind: str, message: str) -> None:
        for uid in user_ids:
            s.add(InboxEntry(user_id=uid, announcement_id=item.id, kind=kind, message=message))

    def _tell_ppid(self, s: Session, item: Announcement, actor: User) -> None:
        """A dikecualikan item is never announced: the PPID records it in the exempt register
        (with the consequence test only the PPID can write), so the PPID is told."""
        ppids = set(s.execute(select(User.id).where(User.role == Role.PPID,
                                                    User.active.is_(True))).scalars())
        self._notify(s, ppids, item, "exempt",
                     f"Informasi dikecualikan #{item.id} disusun oleh {actor.name}: catat dalam "
                     f"register informasi dikecualikan beserta uji konsekuensinya")

    # -- commands --------------------------------------------------------------------------------

    def create_item(self, actor_id: int, *, title: str, body: str, klasifikasi: str, sasaran: str,
                    channels: list[str] | str, summary: str = "", start_at: datetime | None = None,
                    end_at: datetime | None = None, daily_windows: list | None = None,
                    disposition_id: int | None = None, image: bytes | None = None,
                    image_caption: str = "", alert: dict | None = None) -> int:
        """Draft a new announcement (Pelaksana); returns its id. ``image`` is the file's bytes
        (JPEG, PNG, ...), checked and normalised by :mod:`shared.images`; ``alert`` the early
        warning's choices of a serta-merta item (:class:`shared.alerting.AlertFields` as a dict)."""
        picture = _picture(image)
        content = validate_content(dict(title=title, summary=summary, body=body,
                                        klasifikasi=klasifikasi, sasaran=sasaran, channels=channels,
                                        start_at=start_at, end_at=end_at,
                                        daily_windows=daily_windows, image_caption=image_caption,
                                        image_sha256=picture and picture.sha256, alert=alert),
                                   self.profile.areas)
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            if actor.role != Role.PELAKSANA:
                raise Refused("{role} tidak berwenang menyusun draf pengumuman; draf disusun oleh "
                              "Pelaksana", role=ROLE_LABEL[Role(actor.role)])
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
            self._open_step(s, item, "drafting", started)
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN:
                self._tell_ppid(s, item, actor)
            audit.record(s, actor.username, "create", item.id, title=content["title"])
            return item.id

    def submit(self, actor_id: int, item_id: int) -> None:
        """Hand a draft (or a returned one) in for review by Kabid/Kasubag."""
        with self.tx() as s:
            actor, item = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            t = check(Action.SUBMIT, item.state, actor.role)
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN:
                raise Refused("Informasi dikecualikan tidak diumumkan; PPID mencatatnya dalam "
                              "register informasi dikecualikan")
            if not item.channels:
                raise Refused("Pengumuman tanpa kanal penyebarluasan tidak dapat diajukan "
                              "(sasaran '{sasaran}')", sasaran=item.sasaran)
            rev = self._current_rev(s, item)
            # limits may have changed since the draft was saved (the reading rate, a rule)
            limits.check({"title": rev.title, "summary": rev.summary, "body": rev.body,
                          "channels": item.channels, "start_at": rev.start_at,
                          "end_at": rev.end_at, "klasifikasi": item.klasifikasi}, Refused)
            if item.corrects_id:
                self._check_correction(s, item, rev)
            self._close_step(s, item, actor, "submitted")
            item.state = t.target
            self._open_step(s, item, "review_kabid")
            audit.record(s, actor.username, "submit", item.id, revision=item.revision)

    def approve(self, actor_id: int, item_id: int) -> str | None:
        """Approve at the current level; at Kepala Dinas's, give the number and queue the
        dissemination in the same transaction. Returns the number when one was given."""
        with self.tx() as s:
            actor, item = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            rev = self._current_rev(s, item)
            t = check(Action.APPROVE, item.state, actor.role,
                      is_author_of_revision=rev.author_id == actor.id)
            self._close_step(s, item, actor, "approved")
            self._mark_seen(s, actor, item)
            item.state = t.target
            if t.target != State.APPROVED:
                self._open_step(s, item, STEP_OF_STATE[t.target])
                audit.record(s, actor.username, "approve", item.id, level=str(t.source))
                return None
            kind = Kind.UPDATE if item.corrects_id else Kind.PUBLISH
            if item.corrects_id:
                self._check_correction(s, item, rev)
            now = utcnow()
            item.number = numbering.take(s, self.profile, now, self.tz)
            item.approved_at, item.approved_by_id = now, actor.id
            item.version = history.next_version(s, item.key)
            self._open_step(s, item, "dissemination")
            rows = enqueue(s, self.settings, self.profile, self.signing_key, item, kind,
                           item.channels)
            audit.record(s, actor.username, "approve_final", item.id, number=item.number,
                         version=item.version, channels=[r.channel for r in rows])
            if not rows:  # nothing to send (no channel the rules allow)
                self._close_step(s, item, None, "nothing_to_send")
                item.state = State.DISSEMINATED
            return item.number

    def _check_correction(self, s: Session, item: Announcement, rev: Revision) -> None:
        """A ralat is approved only while its announcement stands, and reaches at least every
        channel an earlier version went to (else that channel would keep the old text)."""
        newest = history.head(s, item.key)
        if newest is None or newest.state == State.REVOKED:
            raise Refused("Pengumuman yang diralat sudah dicabut; ralat tidak dapat disetujui")
        missing = sorted(history.sent_channels(s, item.key) - set(rev.channels or []))
        if missing:
            raise Refused("Ralat harus disebarkan ke semua kanal yang sudah menerima versi "
                          "sebelumnya; tambahkan kanal: {channels}", channels=", ".join(missing))

    def return_item(self, actor_id: int, item_id: int, note: str) -> None:
        """Return for revision with a note; the original author is always told."""
        with self.tx() as s:
            actor, item = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            t = check(Action.RETURN, item.state, actor.role, note=note)
            self._close_step(s, item, actor, "returned", note.strip())
            self._mark_seen(s, actor, item)
            item.state = t.target
            self._open_step(s, item, STEP_OF_STATE[t.target])
            rev = self._current_rev(s, item)
            told = {item.author_id, rev.author_id}
            if t.target == State.REVIEW_KABID:
                told |= set(s.execute(select(User.id).where(User.role == Role.KABID,
                                                           User.active.is_(True))).scalars())
            message = f"Dikembalikan oleh {actor.name}: {note.strip()}"
            self._notify(s, told - {actor.id}, item, "returned", message)
            audit.record(s, actor.username, "return", item.id, level=str(t.source), note=note.strip())

    def revise(self, actor_id: int, item_id: int, *, image: bytes | None = None,
               clear: tuple[str, ...] | list[str] = (), **changes: object) -> int:
        """Edit as a new revision. On an approved announcement this starts a correction (ralat)
        instead, and returns the id of the new announcement; otherwise returns ``item_id``.
        ``image`` replaces the picture; ``clear`` empties fields of :data:`CLEARABLE`."""
        with self.read() as s:
            state = self._item(s, item_id).state
        if state in (State.APPROVED, State.DISSEMINATING, State.DISSEMINATED):
            return self.correct(actor_id, item_id, image=image, clear=clear, **changes)
        picture = _picture(image)
        with self.tx() as s:
            actor, item = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            check(Action.REVISE, item.state, actor.role)
            rev = self._current_rev(s, item)
            if picture is not None:
                changes["image_sha256"] = images.store(s, picture)
            content = _merged(rev, changes, clear, self.profile.areas)
            if all(content[k] == getattr(rev, k) for k in CONTENT_FIELDS):
                raise InvalidInput("Tidak ada perubahan")
            item.revision += 1
            s.add(Revision(announcement_id=item.id, number=item.revision, author_id=actor.id,
                           **{k: content[k] for k in CONTENT_FIELDS}))
            item.title, item.klasifikasi = content["title"], content["klasifikasi"]
            item.sasaran, item.channels = content["sasaran"], content["channels"]
            item.priority = priority_for(content["klasifikasi"])
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN != rev.klasifikasi:
                self._tell_ppid(s, item, actor)
            audit.record(s, actor.username, "revise", item.id, revision=item.revision)
            return item.id

    def correct(self, actor_id: int, item_id: int, *, image: bytes | None = None,
                clear: tuple[str, ...] | list[str] = (), **changes: object) -> int:
        """Start a correction (ralat) of an approved announcement: a new draft that keeps the
        original's key and goes through the chain again; returns its id."""
        picture = _picture(image)
        with self.tx() as s:
            actor, chosen = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            check(Action.CORRECT, chosen.state, actor.role)
            # a ralat corrects what the public sees now: the newest version of the history
            orig = history.head(s, chosen.key) or chosen
            pending = history.open_correction(s, orig.key)
            if pending is not None:
                raise Refused("Ralat atas pengumuman ini sedang disusun atau diperiksa (#{id}); "
                              "lanjutkan ralat itu", id=pending.id)
            if picture is not None:
                changes["image_sha256"] = images.store(s, picture)
            content = _merged(self._current_rev(s, orig), changes, clear, self.profile.areas)
            item = Announcement(key=orig.key, state=State.DRAFT, title=content["title"],
                                klasifikasi=content["klasifikasi"], sasaran=content["sasaran"],
                                channels=content["channels"],
                                priority=priority_for(content["klasifikasi"]), revision=1,
                                author_id=actor.id, corrects_id=orig.id)
            s.add(item)
            s.flush()
            s.add(Revision(announcement_id=item.id, number=1, author_id=actor.id,
                           **{k: content[k] for k in CONTENT_FIELDS}))
            self._open_step(s, item, "drafting")
            audit.record(s, actor.username, "correct", item.id, corrects=orig.id)
            return item.id

    def revoke(self, actor_id: int, item_id: int, reason: str) -> None:
        """Revoke (Kepala Dinas only, with a reason); the revocation reaches every channel the
        announcement was sent to."""
        with self.tx() as s:
            actor, chosen = self._actor(s, actor_id), self._item(s, item_id, lock=True)
            t = check(Action.REVOKE, chosen.state, actor.role, note=reason)
            # revoking any version withdraws the announcement: every version, every channel
            family = history.versions(s, chosen.key)
            item = family[-1] if family else chosen
            now = utcnow()
            for version in family or [chosen]:
                if version.state in PUBLISHED:
                    version.state, version.revoked_at = t.target, now
                    version.revoked_reason = reason.strip()
            version_no = history.next_version(s, item.key)
            sent = sorted(history.sent_channels(s, item.key))
            rows = enqueue(s, self.settings, self.profile, self.signing_key, item, Kind.REVOKE, sent,
                           revoke_version=version_no)
            self._notify(s, {v.author_id for v in family or [chosen]} - {actor.id}, item,
                         "revoked", f"Dicabut oleh {actor.name}: {reason.strip()}")
            audit.record(s, actor.username, "revoke", item.id, reason=reason.strip(),
                         version=version_no, versions=[v.id for v in family],
                         channels=[r.channel for r in rows])

    def assign(self, actor_id: int, assignee: str, instructions: str) -> int:
        """Disposisi: Kabid/Kasubag assigns drafting to a Pelaksana with instructions."""
        if not instructions.strip():
            raise InvalidInput("Instruksi disposisi wajib diisi")
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            if actor.role != Role.KABID:
                raise Refused("{role} tidak berwenang memberi disposisi; disposisi diberikan oleh "
                              "Kabid/Kasubag", role=ROLE_LABEL[Role(actor.role)])
            target = self._user_by_name(s, assignee)
            if target.role != Role.PELAKSANA or not target.active:
                raise Refused("Disposisi hanya kepada Pelaksana yang aktif; '{u}' berperan {r}",
                              u=assignee, r=target.role)
            now = utcnow()
            disp = Disposition(assigned_by_id=actor.id, assignee_id=target.id,
                               instructions=instructions.strip(), created_at=now,
                               due_at=now + self.profile.sla.due("drafting"))
            s.add(disp)
            s.flush()
            s.add(InboxEntry(user_id=target.id, kind="assigned",
                             message=f"Disposisi dari {actor.name}: {instructions.strip()}"))
            audit.record(s, actor.username, "assign", None, disposition=disp.id, assignee=assignee)
            return disp.id

    def _mark_seen(self, s: Session, actor: User, item: Announcement) -> None:
        seen = s.get(ReviewSeen, (actor.id, item.id))
        if seen is None:
            s.add(ReviewSeen(user_id=actor.id, announcement_id=item.id, revision=item.revision))
        else:
            seen.revision = item.revision


__all__ = ["ItemCommands", "validate_content", "REVIEW_ROLE", "Sasaran"]
