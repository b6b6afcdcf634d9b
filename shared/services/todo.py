"""Work finds its owner: the "Perlu tindakan" list of the signed-in user, per role, and the notice
sent once when an SOP step passes its time limit.

Who sees what (each kind is one query, however many lines it gives):

========================  =================================================  ==================
kind                      who                                                fixed in
========================  =================================================  ==================
``waiting``               the role whose step it is (:meth:`Queries.waiting_for`)  review / editor
``parked``                who may re-drive (:func:`deliveries.require_redriver`: PPID)  detail
``proof_pending``         PPID and Administrator (the archive disk)          monitor
``screen_silent``         PPID and Administrator (the videotron player)      monitor
``overdue``               the supervisors of the step's actor (:data:`SUPERVISES`)  detail
``dip_proposals``         PPID (only the PPID reviews DIP proposals)         records
========================  =================================================  ==================

The chain of supervision follows the SOP Pengumuman Informasi Publik (Diskominfo Kalbar): the
Kabid/Kasubag assigns and checks the Pelaksana's drafts, the Sekretaris checks what the Kabid
passed on, and the Kepala Dinas is over all of them (and over the PPID, who re-drives a
dissemination that stuck). The Kepala Dinas's own step has no supervisor.

Overdue notices (:meth:`ActionList.notify_overdue`) are swept by the kiosk's home on every load
and refresh (every 30 s while any kiosk is open): there is no scheduler in ``shared``, the relay
and the archiver build only their own service, and a desk kiosk is open all day. The sweep is
idempotent (a notice per step and person, found again by the step id it carries) and safe when
several kiosks sweep at once on PostgreSQL (the overdue steps are locked, ``SKIP LOCKED``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import exists, func, or_, select

from shared.classification import Channel, Klasifikasi
from shared.errors import Refused
from shared.i18n import N_, _
from shared.models import Announcement, DipEntry, InboxEntry, User, WorkflowStep
from shared.services import steps
from shared.services.context import Context, Service
from shared.services.deliveries import require_redriver
from shared.services.monitor import Monitor
from shared.services.queries import Queries
from shared.timefmt import aware, short_id, utcnow
from shared.vocab import (DeliveryState, DipStatus, NoticeKind, Step, document_label, label_of,
                          short_label)
from shared.workflow import EXEMPT_READERS, REVIEW_ROLE, ROLE_LABEL, Role, State


class TodoKind(StrEnum):
    """What a line of "Perlu tindakan" asks for (computed, never stored)."""

    WAITING = "waiting"
    PARKED = "parked"
    PROOF_PENDING = "proof_pending"
    SCREEN_SILENT = "screen_silent"
    OVERDUE = "overdue"
    DIP_PROPOSALS = "dip_proposals"


class Fix(StrEnum):
    """Where a line is fixed: the kiosk screen that opens on Enter."""

    REVIEW = "review"
    EDITOR = "editor"
    DETAIL = "detail"
    MONITOR = "monitor"
    RECORDS = "records"


KIND_LABEL = {TodoKind.WAITING: N_("Menunggu Anda"), TodoKind.PARKED: N_("Diparkir"),
              TodoKind.PROOF_PENDING: N_("Bukti tertunda"),
              TodoKind.SCREEN_SILENT: N_("Layar diam"), TodoKind.OVERDUE: N_("Terlambat"),
              TodoKind.DIP_PROPOSALS: N_("Usulan DIP")}
"""A short word for each kind (the kiosk's narrow column)."""

STEP_ACTOR: dict[Step, Role] = {
    Step.DISPOSITION: Role.PELAKSANA, Step.DRAFTING: Role.PELAKSANA,
    Step.REVIEW_KABID: Role.KABID, Step.REVIEW_SEKRETARIS: Role.SEKRETARIS,
    Step.REVIEW_KADIS: Role.KADIS,
    # the workers disseminate; a dissemination that stuck waits for the PPID's re-drive
    Step.DISSEMINATION: Role.PPID,
}
"""Whose work each SOP step is (a drafting step: its author's, not every Pelaksana's)."""

SUPERVISES: dict[Role, frozenset[Role]] = {
    Role.KABID: frozenset({Role.PELAKSANA}),
    Role.SEKRETARIS: frozenset({Role.KABID}),
    Role.KADIS: frozenset({Role.PELAKSANA, Role.KABID, Role.SEKRETARIS, Role.PPID}),
}
"""Whose overdue steps each role sees and is told of (the SOP's chain; see the module doc)."""

OPERATORS = (Role.PPID, Role.ADMIN)
"""Who is shown what the archive and the screens need (proofs pending, silent screens)."""

DIP_REVIEWER = Role.PPID
"""Who reviews DIP proposals (as :meth:`DipRegister.review_dip_entry` requires)."""


def supervisors_of(role: Role) -> set[Role]:
    """The roles that supervise ``role`` (:data:`SUPERVISES` read the other way)."""
    return {boss for boss, under in SUPERVISES.items() if role in under}


def may_redrive(user: User) -> bool:
    """Whether ``user`` may send parked messages again (the re-drive's own rule)."""
    try:
        require_redriver(user)
    except Refused:
        return False
    return True


def _iso(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value else None


def _line(kind: TodoKind, text: str, fix: Fix, key: str, item_id: int | None = None,
          item_state: str | None = None, due_at: datetime | None = None,
          now: datetime | None = None) -> dict:
    overdue = bool(due_at and now and aware(due_at) < now)
    return {"kind": str(kind), "label": _(KIND_LABEL[kind]), "item_id": item_id,
            "item_state": item_state, "text": text, "fix": str(fix), "key": key,
            "due_at": _iso(due_at), "overdue": overdue}


class ActionList(Service):
    """The "Perlu tindakan" list of each user, and the overdue-step notices."""

    def __init__(self, ctx: Context, queries: Queries, monitor: Monitor) -> None:
        super().__init__(ctx)
        self.queries = queries
        """What waits for the user (the review chain's own query)."""
        self.monitor = monitor
        """Parked deliveries, proofs pending and screens, by name."""

    def lines(self, actor_id: int, now: datetime | None = None) -> list[dict]:
        """What ``actor_id`` should act on, per role (see the module doc): one dict per line with
        ``kind``, ``label`` (a short word), ``item_id`` and ``item_state`` (or None), ``text``
        (worded in the user's language), ``fix`` (:class:`Fix`: where it is fixed), ``key``
        (unique in the list), ``due_at`` and ``overdue``. Most urgent first within each kind."""
        now = aware(now or utcnow())
        # one session at a time: on SQLite every session holds the database's write lock
        with self.ctx.read() as s:
            user = self.ctx.actor(s, actor_id)
            role, redriver = Role(user.role), may_redrive(user)
        out = [self._waiting_line(r, now) for r in self.queries.waiting_for(actor_id)]
        if redriver:
            out += [self._delivery_line(TodoKind.PARKED, d, Fix.DETAIL)
                    for d in self.monitor.named_deliveries(actor_id, DeliveryState.PARKED)]
        if role in OPERATORS:
            out += [self._delivery_line(TodoKind.PROOF_PENDING, d, Fix.MONITOR)
                    for d in self.monitor.named_deliveries(actor_id, DeliveryState.PROOF_PENDING)]
            out += [_line(TodoKind.SCREEN_SILENT, self._screen_text(r), Fix.MONITOR,
                          f"screen:{r['screen']}")
                    for r in self.monitor.screen_status(actor_id, now) if r["silent"]]
        if role in SUPERVISES or role == DIP_REVIEWER:
            with self.ctx.read() as s:
                if role in SUPERVISES:
                    out += self._overdue_lines(s, actor_id, role, now)
                if role == DIP_REVIEWER:
                    out += self._dip_lines(s)
        return out

    @staticmethod
    def _waiting_line(r: dict, now: datetime) -> dict:
        state = State(r["state"])
        fix = Fix.REVIEW if state in REVIEW_ROLE else Fix.EDITOR
        title = ("! " if r["priority"] > 1 else "") + r["title"]
        return _line(TodoKind.WAITING, title, fix, f"waiting:{r['id']}", r["id"], state,
                     datetime.fromisoformat(r["due_at"]) if r["due_at"] else None, now) | {
            "step": r["step"]}

    @staticmethod
    def _delivery_line(kind: TodoKind, d: dict, fix: Fix) -> dict:
        where = label_of(Channel, d["channel"], short=True) + (
            f"/{d['endpoint']}" if d["endpoint"] else "")
        if kind == TodoKind.PARKED:
            # what and why first: a narrow column clips the title, not the reason
            text = _("{channel} ({reason}): {title}", title=d["title"], channel=where,
                     reason=d["reason"] or _("tanpa keterangan"))
        else:
            text = _("{channel} (bukti belum diarsipkan): {title}", title=d["title"],
                     channel=where)
        return _line(kind, text, fix, f"{kind}:{d['id']}", d["announcement_id"], d["item_state"])

    @staticmethod
    def _screen_text(r: dict) -> str:
        if r["minutes"] is None:
            return _("Layar videotron {screen} belum pernah melapor", screen=r["screen"])
        return _("Layar videotron {screen} tidak melapor sejak {n} menit", screen=r["screen"],
                 n=int(r["minutes"]))

    @staticmethod
    def _overdue_lines(s, actor_id: int, role: Role, now: datetime) -> list[dict]:  # noqa: ANN001
        """Open steps past their limit whose actor ``role`` supervises (one query)."""
        under = SUPERVISES[role]
        watched = [st for st, actor in STEP_ACTOR.items() if actor in under]
        stmt = (select(WorkflowStep.id, WorkflowStep.step, WorkflowStep.due_at, Announcement.id,
                       Announcement.title, Announcement.state, User.name)
                .join(Announcement, Announcement.id == WorkflowStep.announcement_id)
                .join(User, User.id == Announcement.author_id)
                .where(WorkflowStep.decided_at.is_(None), WorkflowStep.due_at < now,
                       WorkflowStep.step.in_(watched))
                .order_by(WorkflowStep.due_at).limit(100))
        if role not in EXEMPT_READERS:  # a title the user may not read is not shown
            stmt = stmt.where(or_(Announcement.klasifikasi != Klasifikasi.DIKECUALIKAN,
                                  Announcement.author_id == actor_id))
        out = []
        for step_id, step, due, item_id, title, state, author in s.execute(stmt):
            who = _who(Step(step), author)
            text = _("{step} oleh {who}: {title}", title=title, step=short_label(Step(step)),
                     who=who)
            out.append(_line(TodoKind.OVERDUE, text, Fix.DETAIL, f"overdue:{step_id}", item_id,
                             state, due, now) | {"step": str(step)})
        return out

    @staticmethod
    def _dip_lines(s) -> list[dict]:  # noqa: ANN001
        """One line for every DIP proposal still to review (they are reviewed together)."""
        n = s.execute(select(func.count()).select_from(DipEntry)
                      .where(DipEntry.status == DipStatus.USULAN)).scalar_one()
        if not n:
            return []
        return [_line(TodoKind.DIP_PROPOSALS, _("{n} usulan DIP menunggu telaah PPID", n=n),
                      Fix.RECORDS, "dip")]

    def notify_overdue(self, now: datetime | None = None) -> int:
        """Tell the actor and the supervisors of every open step past its time limit, once per
        step and person (a :class:`NoticeKind.OVERDUE` notice carrying the step id); returns the
        notices written. Needs no signed-in user: it only tells people of their own work."""
        now = aware(now or utcnow())
        with self.ctx.tx() as s:
            # a step told about already (a notice since it started) is not read again, so a sweep
            # costs what is newly late, not every draft abandoned months ago; several kiosks
            # sweep at once: a step another one is telling about is skipped
            told_since = exists().where(InboxEntry.kind == NoticeKind.OVERDUE,
                                        InboxEntry.announcement_id == WorkflowStep.announcement_id,
                                        InboxEntry.created_at >= WorkflowStep.started_at)
            late = s.execute(select(WorkflowStep, Announcement)
                             .join(Announcement, Announcement.id == WorkflowStep.announcement_id)
                             .where(WorkflowStep.decided_at.is_(None), WorkflowStep.due_at < now,
                                    ~told_since)
                             .order_by(WorkflowStep.id)
                             .with_for_update(of=WorkflowStep, skip_locked=True)).all()
            if not late:
                return 0
            people: dict[Role, set[int]] = {}
            for uid, role in s.execute(select(User.id, User.role).where(
                    User.active.is_(True), User.role.in_(list(SUPERVISES) + [Role.PPID]))):
                people.setdefault(Role(role), set()).add(uid)
            told = {(uid, (params or {}).get("step_id")) for uid, params in s.execute(
                select(InboxEntry.user_id, InboxEntry.params).where(
                    InboxEntry.kind == NoticeKind.OVERDUE,
                    InboxEntry.announcement_id.in_({item.id for _st, item in late})))}
            authors = dict(s.execute(select(User.id, User.name).where(
                User.id.in_({item.author_id for _st, item in late}))).all())
            written = 0
            for step, item in late:
                actor_role = STEP_ACTOR[Step(step.step)]
                actors = {item.author_id} if actor_role == Role.PELAKSANA else people.get(
                    actor_role, set())
                bosses = set().union(*(people.get(r, set()) for r in supervisors_of(actor_role)))
                to = {uid for uid in actors | bosses if (uid, step.id) not in told}
                if item.klasifikasi == Klasifikasi.DIKECUALIKAN:  # only those who may read it
                    to &= {item.author_id} | people.get(Role.KADIS, set()) | people.get(
                        Role.PPID, set())
                if not to:
                    continue
                steps.notify(s, to, item, NoticeKind.OVERDUE, id=item.id, title=item.title,
                             step=document_label(Step(step.step)),
                             due=short_id(step.due_at, self.ctx.tz),
                             who=_who(Step(step.step), authors.get(item.author_id, ""),
                                      document=True),
                             step_id=step.id)
                written += len(to)
            return written


def _who(step: Step, author: str, document: bool = False) -> str:
    """Who acts on ``step``: the draft's author by name, else the role that reviews it."""
    actor = STEP_ACTOR[step]
    if actor == Role.PELAKSANA:
        return author
    return document_label(actor) if document else _(ROLE_LABEL[actor])
