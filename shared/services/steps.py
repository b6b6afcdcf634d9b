"""The SOP steps of an announcement (opened with their time limit, closed with the decision),
the notices people are sent, and what a reviewer has seen: helpers of the use-case services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.config import AgencyProfile
from shared.models import Announcement, InboxEntry, ReviewSeen, User, WorkflowStep
from shared.i18n import N_, _
from shared.timefmt import utcnow
from shared.vocab import Decision, NoticeKind
from shared.workflow import Role


def open_step(s: Session, profile: AgencyProfile, item: Announcement, step: str,
              start: datetime | None = None) -> None:
    """Start SOP step ``step`` of ``item`` with the profile's time limit (from ``start``)."""
    start = start or utcnow()
    s.add(WorkflowStep(announcement_id=item.id, step=step, revision=item.revision,
                       started_at=start, due_at=start + profile.sla.due(step)))


def close_step(s: Session, item: Announcement, actor: User | None, decision: Decision,
               note: str | None = None) -> None:
    """Close ``item``'s open step with ``decision`` (and whether it met its time limit)."""
    step = s.execute(select(WorkflowStep).where(
        WorkflowStep.announcement_id == item.id, WorkflowStep.decided_at.is_(None))
        .order_by(WorkflowStep.id.desc())).scalars().first()
    if step is None:
        return
    now = utcnow()
    step.decided_at, step.decision, step.note = now, decision, note
    step.actor_id = actor.id if actor else None
    step.sla_met = now <= step.due_at


NOTICE_TEXT = {
    NoticeKind.ASSIGNED: N_("Disposisi dari {name}: {instructions}"),
    NoticeKind.RETURNED: N_("Dikembalikan oleh {name}: {note}"),
    NoticeKind.REVOKED: N_("Dicabut oleh {name}: {reason}"),
    NoticeKind.EXEMPT: N_("Informasi dikecualikan #{id} disusun oleh {name}: catat dalam register "
                          "informasi dikecualikan beserta uji konsekuensinya"),
    NoticeKind.OVERDUE: N_("Tahap {step} pengumuman #{id} «{title}» melewati batas waktu "
                           "{due}; ditangani oleh {who}"),
}
"""The sentence of each kind of notice; its parameters are stored with the notice, so it is
worded in the reader's language whenever it is shown."""


LABEL_PARAMS = frozenset({"step", "who"})
"""Parameters stored as Indonesian labels (a step, a role; a person's name passes unchanged):
worded in the reader's language with the notice."""


def notice_text(kind: NoticeKind, params: dict | None, message: str = "") -> str:
    """A stored notice in the reader's language (a notice stored worded, before 0009: as it is)."""
    if params is None:
        return message
    if kind == NoticeKind.OVERDUE:
        params = {k: _(v) if k in LABEL_PARAMS and isinstance(v, str) else v
                  for k, v in params.items()}
    return _(NOTICE_TEXT[kind], **params)


def notify(s: Session, user_ids: set[int], item: Announcement | None, kind: NoticeKind,
           **params: object) -> None:
    """Put a notice of ``kind`` (about ``item``) with its parameters in each user's inbox."""
    for uid in user_ids:
        s.add(InboxEntry(user_id=uid, announcement_id=item.id if item else None, kind=kind,
                         params=params))


def tell_ppid(s: Session, item: Announcement, actor: User) -> None:
    """A dikecualikan item is never announced: the PPID records it in the exempt register
    (with the consequence test only the PPID can write), so the PPID is told."""
    ppids = set(s.execute(select(User.id).where(User.role == Role.PPID,
                                                User.active.is_(True))).scalars())
    notify(s, ppids, item, NoticeKind.EXEMPT, id=item.id, name=actor.name)


def mark_seen(s: Session, actor: User, item: Announcement) -> None:
    """Remember the revision a reviewer decided on (the next review diffs against it)."""
    seen = s.get(ReviewSeen, (actor.id, item.id))
    if seen is None:
        s.add(ReviewSeen(user_id=actor.id, announcement_id=item.id, revision=item.revision))
    else:
        seen.revision = item.revision
