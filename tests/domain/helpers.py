"""Helpers for domain tests: drafting demo items and fingerprinting state to prove 'nothing changed'."""

from __future__ import annotations

from sqlalchemy import func, select

from shared.models import Announcement, AuditEvent, Delivery, OutboxRow, Revision, WorkflowStep
from tests.factories import demo_item


def draft(w, key: str = "renstra", **overrides) -> int:
    """Create a demo announcement as pelaksana1; ``overrides`` replace its fields or add
    other arguments of ``create_item`` (image, image_caption, start_at, ...)."""
    item = dict(demo_item(key))
    item.update(overrides)
    extra = {k: item[k] for k in ("image", "image_caption", "start_at", "end_at", "alert")
             if k in item}
    return w.drafting.create_item(w.ids["pelaksana1"], title=item["title"], body=item["body"],
                                  summary=item.get("summary", ""), klasifikasi=item["klasifikasi"],
                                  sasaran=item["sasaran"], channels=item["channels"], **extra)


def to_state(w, item_id: int, state: str) -> None:
    """Drive a fresh draft forward to ``state`` along the happy path."""
    order = ["draft", "review_kabid", "review_sekretaris", "review_kadis", "approved"]
    steps = [lambda: w.review.submit(w.ids["pelaksana1"], item_id),
             lambda: w.review.approve(w.ids["kabid1"], item_id),
             lambda: w.review.approve(w.ids["sekretaris1"], item_id),
             lambda: w.review.approve(w.ids["kadis1"], item_id)]
    for step in steps[:order.index(state)]:
        step()


def fingerprint(w) -> tuple:
    """Everything a refused action must leave unchanged."""
    with w.ctx.read() as s:
        return (
            tuple(s.execute(select(Announcement.id, Announcement.state, Announcement.revision,
                                   Announcement.number).order_by(Announcement.id)).all()),
            s.execute(select(func.count()).select_from(Revision)).scalar(),
            s.execute(select(func.count()).select_from(WorkflowStep)).scalar(),
            s.execute(select(func.count()).select_from(AuditEvent)).scalar(),
            s.execute(select(func.count()).select_from(OutboxRow)).scalar(),
            s.execute(select(func.count()).select_from(Delivery)).scalar(),
        )
