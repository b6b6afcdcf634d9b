"""Read-side use-cases: one item with its timeline and deliveries, paged lists, counts, what waits
for a user, the inbox, and the diff since a reviewer last looked."""

from __future__ import annotations

import difflib
import re
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from shared import alerting, images
from shared.classification import Channel, Klasifikasi, Sasaran
from shared.errors import InvalidInput
from shared.i18n import _
from shared.models import (Announcement, Delivery, Disposition, InboxEntry, Revision, ReviewSeen,
                           User, WorkflowStep)
from shared.services import history, steps
from shared.services.content import EXEMPT_NOTE
from shared.services.context import Service, current_revision
from shared.timefmt import local, utcnow
from shared.vocab import DeliveryState, label_of
from shared.workflow import EXEMPT_READERS, REVIEW_ROLE, Role, State



def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def content_lines(c: dict, tz: str) -> list[str]:
    """An announcement's content as the lines a reviewer compares: the texts, then every field
    that changes what goes out (channels, start/end, daily windows, picture, early warning).
    ``c``: ``get_item``'s dict or a revision's fields (times as datetimes or ISO strings,
    ``image`` as :func:`shared.images.describe` gives it)."""
    def when(moment: datetime | str | None) -> str:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return local(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else "-"

    image = c.get("image")
    picture = (_("{w}×{h} piksel, {kb} KB, sidik {sha}", w=image["width"], h=image["height"],
                 kb=image["size"] // 1024, sha=image["sha256"][:12]) if image else _("(tidak ada)"))
    windows = ", ".join(f"{str(w['start'])[:5]}-{str(w['end'])[:5]}"
                        for w in c.get("daily_windows") or []) or "-"
    lines = [f"{_('Judul')}: {c['title']}", f"{_('Ringkasan')}: {c.get('summary') or ''}", "",
             *c["body"].splitlines(), "",
             f"{_('Klasifikasi')}: {label_of(Klasifikasi, c['klasifikasi'])}",
             f"{_('Sasaran')}: {label_of(Sasaran, c['sasaran'])}",
             f"{_('Kanal')}: {', '.join(label_of(Channel, ch) for ch in c.get('channels') or [])}",
             f"{_('Mulai')}: {when(c.get('start_at'))}", f"{_('Selesai')}: {when(c.get('end_at'))}",
             f"{_('Jendela harian')}: {windows}",
             f"{_('Gambar')}: {picture}",
             f"{_('Keterangan gambar')}: {(image or {}).get('caption') or '-'}"]
    alert = c.get("alert")
    if alert:  # the early warning (CAP) goes out as written: every choice is a change
        said = lambda v: _(alerting.LABELS.get(v) or str(v))  # noqa: E731
        lines += [f"{_('Peringatan dini')}: {said(alert['urgency'])}, {said(alert['severity'])}, "
                  f"{said(alert['certainty'])}, {said(alert['response_type'])}, "
                  f"{said(alert['category'])}",
                  f"{_('Instruksi')}: {alert.get('instruction') or '-'}",
                  f"{_('Wilayah')}: {', '.join(alert.get('areas') or []) or '-'}"]
    return lines


def _words(old: str, new: str) -> list[list[str]]:
    """The word-level change of one line: ``[op, text]`` parts, op ``=``, ``-`` or ``+``."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts: list[list[str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(["=", "".join(a[i1:i2])])
            continue
        if i2 > i1:
            parts.append(["-", "".join(a[i1:i2])])
        if j2 > j1:
            parts.append(["+", "".join(b[j1:j2])])
    return parts


def word_diff(old: list[str], new: list[str]) -> list[dict]:
    """Only what changed, word by word: a changed line is one ``{"op": "change", "parts": [...]}``
    (so ``08.00-14.00`` → ``08.00-15.00`` is one word out, one word in, not a paragraph);
    lines only on one side are ``{"op": "del"|"add", "parts": [["-"|"+", line]]}``."""
    out: list[dict] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        gone, came = old[i1:i2], new[j1:j2]
        paired = min(len(gone), len(came)) if op == "replace" else 0
        for before, after in zip(gone[:paired], came[:paired], strict=True):
            out.append({"op": "change", "parts": _words(before, after)})
        out += [{"op": "del", "parts": [["-", line]]} for line in gone[paired:] if line.strip()]
        out += [{"op": "add", "parts": [["+", line]]} for line in came[paired:] if line.strip()]
    return out


def delivery_dict(d: Delivery) -> dict:
    """A delivery as the CLI and kiosk show it."""
    return {"channel": d.channel, "endpoint": d.endpoint, "state": d.state, "kind": d.kind,
            "attempts": d.attempts,
            "next_attempt_at": _iso(d.next_attempt_at), "last_error": d.last_error,
            "artifacts": d.artifacts or [], "sha256": d.sha256, "message_id": d.message_id,
            "confirmed_at": _iso(d.confirmed_at)}


class Queries(Service):
    """Read-side use-cases: announcements as people may see them, inboxes, diffs."""

    def _visible(self, s: Session, actor_id: int | None):  # noqa: ANN202 - SQL expression
        """The filter that hides dikecualikan items from those who may not read them."""
        user = s.get(User, actor_id) if actor_id else None
        if user is not None and user.role in EXEMPT_READERS:
            return None
        hidden = Announcement.klasifikasi == Klasifikasi.DIKECUALIKAN
        if user is None:
            return ~hidden
        return or_(~hidden, Announcement.author_id == user.id)

    def get_item(self, item_id: int, actor_id: int | None = None) -> dict:
        """One announcement with its current texts, timeline and deliveries."""
        with self.ctx.read() as s:
            item = self.ctx.readable_item(s, item_id, actor_id)
            rev = current_revision(s, item)
            steps = s.execute(select(WorkflowStep).where(WorkflowStep.announcement_id == item.id)
                              .order_by(WorkflowStep.id)).scalars().all()
            deliveries = s.execute(select(Delivery).where(Delivery.announcement_id == item.id)
                                   .order_by(Delivery.channel)).scalars().all()
            return {
                "id": item.id, "key": item.key, "state": item.state, "number": item.number,
                "title": rev.title, "summary": rev.summary, "body": rev.body,
                "klasifikasi": item.klasifikasi, "sasaran": item.sasaran,
                "channels": list(item.channels or []), "priority": item.priority,
                "revision": item.revision, "author": item.author.username,
                "author_name": item.author.name, "corrects_id": item.corrects_id,
                "start_at": _iso(rev.start_at), "end_at": _iso(rev.end_at),
                "daily_windows": rev.daily_windows or [],
                "image": images.describe(rev.image, rev.image_caption), "alert": rev.alert,
                "created_at": _iso(item.created_at), "approved_at": _iso(item.approved_at),
                "approved_by": item.approved_by.username if item.approved_by else None,
                "revoked_at": _iso(item.revoked_at), "revoked_reason": item.revoked_reason,
                "steps": [{"step": st.step, "revision": st.revision, "started_at": _iso(st.started_at),
                           "due_at": _iso(st.due_at), "decided_at": _iso(st.decided_at),
                           "actor": st.actor.username if st.actor else None,
                           "actor_name": st.actor.name if st.actor else None,
                           "decision": st.decision, "note": st.note, "sla_met": st.sla_met}
                          for st in steps],
                "deliveries": [delivery_dict(d) for d in deliveries],
                # a dikecualikan item is never announced: say where it goes instead
                "register_note": _(EXEMPT_NOTE) if item.klasifikasi == Klasifikasi.DIKECUALIKAN else None,
                **history.describe(s, item),
            }

    def item_picture(self, item_id: int, actor_id: int | None = None):  # noqa: ANN201
        """The current revision's picture as channels receive it (for previews), or None."""
        with self.ctx.read() as s:
            rev = current_revision(s, self.ctx.readable_item(s, item_id, actor_id))
            return images.snapshot(rev.image, rev.image_caption) if rev.image else None

    def list_items(self, actor_id: int | None = None, *, state: str | None = None,
                   klasifikasi: str | None = None, month: str | None = None,
                   text: str | None = None, delivery: str | None = None, offset: int = 0,
                   limit: int = 50) -> list[dict]:
        """A page of announcements, newest first, filtered by state, class, month (YYYY-MM), text
        and ``delivery``: a :class:`~shared.vocab.DeliveryState` at least one of its deliveries is
        in (``parked``: the items a person must send again), tested in SQL (``EXISTS``)."""
        with self.ctx.read() as s:
            stmt = select(Announcement.id, Announcement.state, Announcement.number,
                          Announcement.title, Announcement.klasifikasi, Announcement.sasaran,
                          Announcement.channels, Announcement.created_at, Announcement.priority)
            for cond in self._filters(s, actor_id, state, klasifikasi, month, text, delivery):
                stmt = stmt.where(cond)
            stmt = stmt.order_by(Announcement.id.desc()).offset(offset).limit(limit)
            return [{"id": r.id, "state": r.state, "number": r.number, "title": r.title,
                     "klasifikasi": r.klasifikasi, "sasaran": r.sasaran,
                     "channels": list(r.channels or []), "created_at": _iso(r.created_at),
                     "priority": r.priority} for r in s.execute(stmt)]

    def _filters(self, s: Session, actor_id, state, klasifikasi, month, text,  # noqa: ANN001
                 delivery=None) -> list:
        conds = []
        visible = self._visible(s, actor_id)
        if visible is not None:
            conds.append(visible)
        if state:
            try:
                conds.append(Announcement.state == State(state))
            except ValueError:
                raise InvalidInput("Status '{state}' tidak dikenal; pilihan: {choices}", state=state,
                                   choices=", ".join(State)) from None
        if delivery:
            try:
                wanted = DeliveryState(delivery)
            except ValueError:
                raise InvalidInput("Status pengiriman '{state}' tidak dikenal; pilihan: {choices}",
                                   state=delivery, choices=", ".join(DeliveryState)) from None
            conds.append(exists().where(Delivery.announcement_id == Announcement.id,
                                        Delivery.state == wanted))
        if klasifikasi:
            conds.append(Announcement.klasifikasi == klasifikasi)
        if month:
            year, mon = (int(x) for x in month.split("-"))
            start = datetime(year, mon, 1, tzinfo=utcnow().tzinfo)
            end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=utcnow().tzinfo)
            conds.append(and_(Announcement.created_at >= start, Announcement.created_at < end))
        if text:
            like = f"%{text.lower()}%"
            conds.append(or_(func.lower(Announcement.title).like(like),
                             func.lower(cast(Announcement.number, String)).like(like)))
        return conds

    def count_by_state(self, actor_id: int | None = None) -> dict[str, int]:
        """How many announcements are in each state."""
        with self.ctx.read() as s:
            stmt = select(Announcement.state, func.count()).group_by(Announcement.state)
            visible = self._visible(s, actor_id)
            if visible is not None:
                stmt = stmt.where(visible)
            counts = {str(st): 0 for st in State}
            counts.update({state: n for state, n in s.execute(stmt)})
            return counts

    def waiting_for(self, actor_id: int, limit: int = 50) -> list[dict]:
        """What waits for this user now, with the open step's due time (soonest first)."""
        with self.ctx.read() as s:
            user = self.ctx.actor(s, actor_id)
            states = [st for st, role in REVIEW_ROLE.items() if role == user.role]
            cond: ColumnElement[bool] = Announcement.state.in_(states)
            if user.role == Role.PELAKSANA:
                cond = and_(Announcement.author_id == user.id,
                            Announcement.state.in_([State.DRAFT, State.RETURNED]))
            stmt = (select(Announcement.id, Announcement.title, Announcement.state,
                           Announcement.priority, WorkflowStep.due_at, WorkflowStep.step)
                    .join(WorkflowStep, and_(WorkflowStep.announcement_id == Announcement.id,
                                             WorkflowStep.decided_at.is_(None)))
                    .where(cond).order_by(Announcement.priority.desc(), WorkflowStep.due_at)
                    .limit(limit))
            now = utcnow()
            return [{"id": r.id, "title": r.title, "state": r.state, "priority": r.priority,
                     "step": r.step, "due_at": _iso(r.due_at),
                     "overdue": r.due_at < now, "seconds_left": int((r.due_at - now).total_seconds())}
                    for r in s.execute(stmt)]

    def inbox(self, actor_id: int, unread_only: bool = False) -> list[dict]:
        """Notices for this user, newest first."""
        with self.ctx.read() as s:
            stmt = select(InboxEntry).where(InboxEntry.user_id == actor_id)
            if unread_only:
                stmt = stmt.where(InboxEntry.read_at.is_(None))
            return [{"id": e.id, "announcement_id": e.announcement_id, "kind": e.kind,
                     "message": steps.notice_text(e.kind, e.params, e.message),
                     "created_at": _iso(e.created_at), "read": bool(e.read_at)}
                    for e in s.execute(stmt.order_by(InboxEntry.id.desc()).limit(100)).scalars()]

    def dispositions_for(self, actor_id: int) -> list[dict]:
        """Open dispositions assigned to (Pelaksana) or given by (Kabid) this user."""
        with self.ctx.read() as s:
            stmt = select(Disposition).where(or_(Disposition.assignee_id == actor_id,
                                                 Disposition.assigned_by_id == actor_id))
            return [{"id": d.id, "instructions": d.instructions, "assignee": d.assignee.username,
                     "assigned_by": d.assigned_by.username, "created_at": _iso(d.created_at),
                     "due_at": _iso(d.due_at), "done": d.done_at is not None}
                    for d in s.execute(stmt.order_by(Disposition.id.desc()).limit(100)).scalars()]

    def diff_since_seen(self, actor_id: int, item_id: int) -> dict:
        """What changed between the revision this reviewer last saw and now, over
        :func:`content_lines`: ``diff`` (unified, line by line) and ``changes`` (word by word,
        :func:`word_diff`)."""
        with self.ctx.read() as s:
            item = self.ctx.readable_item(s, item_id, actor_id)
            seen = s.get(ReviewSeen, (actor_id, item_id))
            revs = {r.number: r for r in s.execute(select(Revision).where(
                Revision.announcement_id == item_id)).scalars()}
            base = revs.get(seen.revision) if seen else None
            cur = revs[item.revision]

            def text(r: Revision | None) -> list[str]:
                if r is None:
                    return []
                fields = {name: getattr(r, name) for name in (
                    "title", "summary", "body", "klasifikasi", "sasaran", "channels", "start_at",
                    "end_at", "daily_windows", "alert")}
                return content_lines(fields | {"image": images.describe(r.image, r.image_caption)},
                                     self.ctx.tz)

            old, new = text(base), text(cur)
            diff = list(difflib.unified_diff(old, new, lineterm="",
                                             fromfile=(f"revisi {base.number}" if base
                                                       else "(belum pernah dilihat)"),
                                             tofile=f"revisi {cur.number}"))
            return {"from_revision": base.number if base else None, "to_revision": cur.number,
                    "diff": diff, "changes": word_diff(old, new) if base else []}

    def next_number(self) -> str:
        """The number the next final approval would get (for the confirmation dialog)."""
        from shared import numbering

        with self.ctx.read() as s:
            return numbering.peek(s, self.ctx.profile, utcnow(), self.ctx.tz)
