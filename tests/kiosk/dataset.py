"""A fixed demo home for kiosk tests: one account per role with fixed passwords, and helpers to
freeze the times the screens show."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

from shared.bootstrap import init_home
from shared.config import Settings, get_settings
from shared.services import Warta
from shared.services.users import DEMO_ACCOUNTS

FROZEN_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
"""The kiosk's clock in snapshots: Senin, 23 November 2026 09.00 WIB."""

PASSWORDS = {name: f"demo-{name}-2026" for name, *_ in DEMO_ACCOUNTS}
"""Fixed demo passwords (the real demo generates random ones)."""


def make_home() -> tuple[Settings, Warta, dict[str, int]]:
    """A fresh home (the test's WARTA_HOME) with the demo accounts; returns settings, services
    and the account ids by username."""
    settings = get_settings()
    init_home(settings)
    w = Warta(settings)
    ids = {}
    for name, role, full, nip in DEMO_ACCOUNTS:
        ids[name] = w.add_user(name, role, full, PASSWORDS[name], nip=nip)
    (Path(settings.home) / "demo-accounts.json").write_text(json.dumps(PASSWORDS))
    return settings, w, ids


def freeze_times(w: Warta, at: datetime = FROZEN_NOW) -> None:
    """Rewrite every stored time to fixed values around ``at`` so snapshots do not move."""
    from shared.models import Announcement, Delivery, Disposition, InboxEntry, WorkflowStep

    start = at - timedelta(minutes=30)
    with w.tx() as s:
        s.execute(update(Announcement).values(created_at=start, updated_at=start))
        s.execute(update(WorkflowStep).values(started_at=start,
                                              due_at=start + timedelta(minutes=60)))
        s.execute(update(WorkflowStep).where(WorkflowStep.decided_at.is_not(None))
                  .values(decided_at=start + timedelta(minutes=10)))
        s.execute(update(Disposition).values(created_at=start, due_at=start + timedelta(days=1)))
        s.execute(update(InboxEntry).values(created_at=start))
        s.execute(update(Delivery).where(Delivery.confirmed_at.is_not(None))
                  .values(confirmed_at=start + timedelta(minutes=20)))
