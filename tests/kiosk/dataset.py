"""A fixed demo home for kiosk tests: one account per role with fixed passwords, and helpers to
freeze the times the screens show."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

from shared.bootstrap import init_home
from shared.config import Settings, get_settings
from shared.services.root import Services
from warta.common import build_services
from shared.services.users import DEMO_ACCOUNTS

FROZEN_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
"""The kiosk's clock in snapshots: Senin, 23 November 2026 09.00 WIB."""

PASSWORDS = {name: f"demo-{name}-2026" for name, *_ in DEMO_ACCOUNTS}
"""Fixed demo passwords (the real demo generates random ones)."""


def make_home(settings: Settings | None = None) -> tuple[Settings, Services, dict[str, int]]:
    """A fresh home (the test's WARTA_HOME unless ``settings`` say otherwise) with the demo
    accounts; returns settings, services and the account ids by username."""
    settings = settings or get_settings()
    init_home(settings)
    w = build_services(settings, "kiosk-redrive")  # as `warta kiosk` builds them
    ids = {}
    for name, role, full, nip in DEMO_ACCOUNTS:
        ids[name] = w.users.add_user(name, role, full, PASSWORDS[name], nip=nip)
    (Path(settings.home) / "demo-accounts.json").write_text(json.dumps(PASSWORDS))
    return settings, w, ids


def freeze_times(w: Services, at: datetime = FROZEN_NOW) -> None:
    """Rewrite every stored time to fixed values around ``at`` so snapshots do not move."""
    from shared.models import Announcement, Delivery, Disposition, InboxEntry, WorkflowStep

    start = at - timedelta(minutes=30)
    with w.ctx.tx() as s:
        s.execute(update(Announcement).values(created_at=start, updated_at=start))
        s.execute(update(WorkflowStep).values(started_at=start,
                                              due_at=start + timedelta(minutes=60)))
        s.execute(update(WorkflowStep).where(WorkflowStep.decided_at.is_not(None))
                  .values(decided_at=start + timedelta(minutes=10)))
        s.execute(update(Disposition).values(created_at=start, due_at=start + timedelta(days=1)))
        s.execute(update(InboxEntry).values(created_at=start))
        s.execute(update(Delivery).where(Delivery.confirmed_at.is_not(None))
                  .values(confirmed_at=start + timedelta(minutes=20)))


def sample(key: str) -> dict:
    """A demo announcement's fields as ``create_item`` takes them."""
    from tests.factories import demo_item

    a = demo_item(key)
    return {k: a[k] for k in ("title", "summary", "body", "klasifikasi", "sasaran", "channels")}


def snapshot_data(w: Services, ids: dict[str, int]) -> dict[str, int]:
    """The fixed dataset of the snapshots: one item waiting for Kabid, one returned to its
    drafter, one approved with pending deliveries (no workers), one disposition."""
    from shared.models import Announcement, NumberSequence

    p, kabid = ids["pelaksana1"], ids["kabid1"]
    w.drafting.assign(kabid, "pelaksana1", "Susun pengumuman jadwal seleksi CPNS 2026.")
    waiting = w.drafting.create_item(p, **sample("renstra"))
    w.review.submit(p, waiting)
    returned = w.drafting.create_item(p, **sample("cpns"))
    w.review.submit(p, returned)
    w.review.return_item(kabid, returned, "Lengkapi syarat pendaftaran dan narahubung.")
    approved = w.drafting.create_item(p, **sample("banjir"))
    w.review.submit(p, approved)
    for who in ("kabid1", "sekretaris1", "kadis1"):
        w.review.approve(ids[who], approved)
    with w.ctx.tx() as s:  # the number and approval time follow the frozen clock, not today
        s.execute(update(Announcement).where(Announcement.id == approved).values(
            number="001/PENG/DISKOMINFO/XI/2026", approved_at=FROZEN_NOW - timedelta(minutes=5)))
        s.execute(update(NumberSequence).values(year=2026))
    freeze_times(w)
    return {"waiting": waiting, "returned": returned, "approved": approved}
