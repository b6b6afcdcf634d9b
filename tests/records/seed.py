"""A seeded month for the records tests: announcements taken through the real review chain with the
the use-case services, then moved into a past month, with Delivery rows and archive files set the way the
backbone's archiver leaves them (``archive/YYYY/MM/<number-slug>/<channel>/`` + manifest.json)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update

from shared.bootstrap import init_home
from shared.config import get_settings
from shared.models import Announcement, Delivery, Revision, WorkflowStep
from shared.slug import proof_folder as proof_slug
from shared.services.root import Services
from tests.factories import demo_item

MONTH = "2026-09"
BASE = datetime(2026, 9, 10, 1, 0, tzinfo=timezone.utc)  # 08.00 WIB on 10 September 2026


@dataclass
class Seeded:
    """What the seed made: the services, the demo users (username → id), passwords, items."""

    w: Services
    users: dict[str, int]
    passwords: dict[str, str]
    items: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    archive: Path = Path()


def _through_chain(w: Services, u: dict[str, int], key: str, returned: bool = False) -> int:
    a = demo_item(key)
    item_id = w.drafting.create_item(u["pelaksana1"], title=a["title"], body=a["body"], summary=a["summary"],
                            klasifikasi=a["klasifikasi"], sasaran=a["sasaran"], channels=a["channels"])
    w.review.submit(u["pelaksana1"], item_id)
    if returned:
        w.review.return_item(u["kabid1"], item_id, "Lengkapi lokasi dan jam kegiatan")
        w.drafting.revise(u["pelaksana1"], item_id,
                          body=a["body"] + "\n\nLokasi: Aula Diskominfo, pukul 09.00.")
        w.review.submit(u["pelaksana1"], item_id)
    w.review.approve(u["kabid1"], item_id)
    w.review.approve(u["sekretaris1"], item_id)
    w.review.approve(u["kadis1"], item_id)
    return item_id


DURATIONS = {"drafting": 180, "review_kabid": 45, "review_sekretaris": 50, "review_kadis": 8}
"""Minutes each SOP step takes in the seeded month (targets: 1440, 60, 60, 10)."""


def _retime(w: Services, item_id: int, start: datetime, slow: dict[str, int] | None = None) -> None:
    """Lay an announcement's steps end to end from ``start`` with :data:`DURATIONS` (``slow``
    overrides some), as if it had gone through the chain in the seeded month."""
    took = {**DURATIONS, **(slow or {})}
    profile = w.ctx.profile
    with w.ctx.tx() as s:
        a = s.get(Announcement, item_id)
        a.created_at = start
        cursor, drafting = start, []
        for st in s.execute(select(WorkflowStep).where(WorkflowStep.announcement_id == item_id)
                            .order_by(WorkflowStep.id)).scalars():
            st.started_at, st.due_at = cursor, cursor + profile.sla.due(st.step)
            if st.step == "drafting":
                drafting.append(cursor)
            if st.decided_at is None:  # the open dissemination step
                continue
            st.decided_at = cursor + timedelta(minutes=took.get(st.step, 5))
            st.sla_met = st.decided_at <= st.due_at
            cursor = st.decided_at
            if st.step == "review_kadis" and st.decision == "approved":
                a.approved_at = cursor
        # revision n was written during the n-th drafting round (the first, then after a return)
        for r in s.execute(select(Revision).where(Revision.announcement_id == item_id)).scalars():
            r.created_at = drafting[min(r.number, len(drafting)) - 1] + timedelta(minutes=30)


def _deliver(w: Services, item_id: int, outcome: dict[str, tuple[str, int, str | None]],
             archive: Path) -> None:
    """Set each channel's Delivery as the archiver would and file proofs for confirmed ones."""
    with w.ctx.tx() as s:
        a = s.get(Announcement, item_id)
        dissem = s.execute(select(WorkflowStep).where(WorkflowStep.announcement_id == item_id,
                                                      WorkflowStep.step == "dissemination")).scalar_one()
        done = dissem.started_at + timedelta(minutes=6)
        all_ok = True
        for d in s.execute(select(Delivery).where(Delivery.announcement_id == item_id)).scalars():
            state, attempts, error = outcome.get(d.channel, ("confirmed", 1, None))
            d.state, d.attempts, d.last_error = state, attempts, error
            if state != "confirmed":
                all_ok = False
                continue
            d.confirmed_at = done
            folder = archive / f"{done:%Y}" / f"{done:%m}" / proof_slug(a.number) / d.channel
            folder.mkdir(parents=True, exist_ok=True)
            proof = folder / f"bukti-{d.channel}.txt"
            proof.write_text(f"{a.number}\n{a.title}\n{d.channel}\n", encoding="utf-8")
            digest = hashlib.sha256(proof.read_bytes()).hexdigest()
            (folder / "manifest.json").write_text(json.dumps(
                {"files": [{"path": proof.name, "sha256": digest}]}), encoding="utf-8")
            d.sha256, d.artifacts = digest, [{"path": proof.name, "sha256": digest}]
        if all_ok:
            dissem.decided_at, dissem.decision = done, "disseminated"
            dissem.sla_met = done <= dissem.due_at
            a.state = "disseminated"
        else:
            a.state = "disseminating"


def seed_month() -> Seeded:
    """Four announcements approved in September 2026 (one returned once, one late at the Kepala
    Dinas), deliveries with a failure, a parked one and retries, proofs filed in the archive."""
    settings = get_settings()
    init_home(settings, demo=True)
    w = Services.build(settings)
    users = {u["username"]: u["id"] for u in w.users.list_users()}
    seeded = Seeded(w, users, w.users.demo_passwords(), archive=settings.archive)
    plan = [("renstra", False), ("banjir", True), ("cuti-bersama", False), ("struktur-organisasi", False)]
    for n, (key, returned) in enumerate(plan):
        item_id = _through_chain(w, users, key, returned)
        _retime(w, item_id, BASE + timedelta(days=3 * n),
                {"review_kadis": 35} if key == "banjir" else None)
        seeded.items[key] = item_id
    _deliver(w, seeded.items["renstra"], {}, settings.archive)
    _deliver(w, seeded.items["banjir"], {"radio": ("confirmed", 3, None)}, settings.archive)
    _deliver(w, seeded.items["cuti-bersama"], {}, settings.archive)
    _deliver(w, seeded.items["struktur-organisasi"],
             {"web": ("parked", 5, "Halaman web gagal ditulis: disk penuh")}, settings.archive)
    with w.ctx.read() as s:
        seeded.numbers = {k: s.get(Announcement, i).number for k, i in seeded.items.items()}
    return seeded


def set_renstra_failed(w: Services, item_id: int) -> None:
    """Mark one more delivery failed, as the backbone writes it (``retrying``), for the failure
    section."""
    with w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.announcement_id == item_id,
                                         Delivery.channel == "print")
                  .values(state="retrying", attempts=4, last_error="Printer tidak menjawab"))
