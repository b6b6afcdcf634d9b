"""The review chain of the SOP: submit, approve at each level (the final approval numbers the
announcement and queues it to every channel in the same transaction), return with a note,
revoke."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import audit, limits, numbering
from shared.classification import Klasifikasi
from shared.errors import Refused
from shared.messages import Kind
from shared.models import Announcement, Revision, User
from shared.services import history, steps
from shared.services.context import Service, current_revision
from shared.services.dispatch import enqueue
from shared.timefmt import utcnow
from shared.vocab import Decision, NoticeKind, Step
from shared.workflow import PUBLISHED, STEP_OF_STATE, Action, Role, State, check


class ReviewChain(Service):
    """Submission, approval, return and revocation; every transition through
    :func:`shared.workflow.check`."""

    def submit(self, actor_id: int, item_id: int) -> None:
        """Hand a draft (or a returned one) in for review by Kabid/Kasubag."""
        with self.ctx.tx() as s:
            actor, item = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
            t = check(Action.SUBMIT, item.state, actor.role)
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN:
                raise Refused("Informasi dikecualikan tidak diumumkan; PPID mencatatnya dalam "
                              "register informasi dikecualikan")
            if not item.channels:
                raise Refused("Pengumuman tanpa kanal penyebarluasan tidak dapat diajukan "
                              "(sasaran '{sasaran}')", sasaran=item.sasaran)
            rev = current_revision(s, item)
            # limits may have changed since the draft was saved (the reading rate, a rule)
            limits.check({"title": rev.title, "summary": rev.summary, "body": rev.body,
                          "channels": item.channels, "start_at": rev.start_at,
                          "end_at": rev.end_at, "klasifikasi": item.klasifikasi}, Refused)
            if item.corrects_id:
                self._check_correction(s, item, rev)
            steps.close_step(s, item, actor, Decision.SUBMITTED)
            item.state = t.target
            steps.open_step(s, self.ctx.profile, item, Step.REVIEW_KABID)
            audit.record(s, actor.username, "submit", item.id, revision=item.revision)

    def approve(self, actor_id: int, item_id: int) -> str | None:
        """Approve at the current level; at Kepala Dinas's, give the number and queue the
        dissemination in the same transaction. Returns the number when one was given."""
        with self.ctx.tx() as s:
            actor, item = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
            rev = current_revision(s, item)
            # whoever wrote any revision of its wording approves it at no level
            authored = s.execute(select(Revision.number).where(
                Revision.announcement_id == item.id, Revision.author_id == actor.id)).scalars().all()
            t = check(Action.APPROVE, item.state, actor.role, authored_revisions=authored)
            steps.close_step(s, item, actor, Decision.APPROVED)
            steps.mark_seen(s, actor, item)
            item.state = t.target
            if t.target != State.APPROVED:
                steps.open_step(s, self.ctx.profile, item, STEP_OF_STATE[t.target])
                audit.record(s, actor.username, "approve", item.id, level=str(t.source))
                return None
            kind = Kind.UPDATE if item.corrects_id else Kind.PUBLISH
            if item.corrects_id:
                self._check_correction(s, item, rev)
            now = utcnow()
            item.number = numbering.take(s, self.ctx.profile, now, self.ctx.tz)
            item.approved_at, item.approved_by_id = now, actor.id
            item.version = history.next_version(s, item.key)
            steps.open_step(s, self.ctx.profile, item, Step.DISSEMINATION)
            rows = enqueue(s, self.ctx.settings, self.ctx.profile, self.ctx.signing_key, item, kind,
                           item.channels)
            audit.record(s, actor.username, "approve_final", item.id, number=item.number,
                         version=item.version, channels=[r.channel for r in rows])
            if not rows:  # nothing to send (no channel the rules allow)
                steps.close_step(s, item, None, Decision.NOTHING_TO_SEND)
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
        with self.ctx.tx() as s:
            actor, item = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
            t = check(Action.RETURN, item.state, actor.role, note=note)
            steps.close_step(s, item, actor, Decision.RETURNED, note.strip())
            steps.mark_seen(s, actor, item)
            item.state = t.target
            steps.open_step(s, self.ctx.profile, item, STEP_OF_STATE[t.target])
            rev = current_revision(s, item)
            told = {item.author_id, rev.author_id}
            if t.target == State.REVIEW_KABID:
                told |= set(s.execute(select(User.id).where(User.role == Role.KABID,
                                                           User.active.is_(True))).scalars())
            steps.notify(s, told - {actor.id}, item, NoticeKind.RETURNED, name=actor.name,
                         note=note.strip())
            audit.record(s, actor.username, "return", item.id, level=str(t.source), note=note.strip())

    def revoke(self, actor_id: int, item_id: int, reason: str) -> None:
        """Revoke (Kepala Dinas only, with a reason); the revocation reaches every channel the
        announcement was sent to."""
        with self.ctx.tx() as s:
            actor, chosen = self.ctx.actor(s, actor_id), self.ctx.item(s, item_id, lock=True)
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
            rows = enqueue(s, self.ctx.settings, self.ctx.profile, self.ctx.signing_key, item,
                           Kind.REVOKE, sent,
                           revoke_version=version_no)
            steps.notify(s, {v.author_id for v in family or [chosen]} - {actor.id}, item,
                         NoticeKind.REVOKED, name=actor.name, reason=reason.strip())
            audit.record(s, actor.username, "revoke", item.id, reason=reason.strip(),
                         version=version_no, versions=[v.id for v in family],
                         channels=[r.channel for r in rows])
