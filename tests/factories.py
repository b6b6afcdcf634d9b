"""Builders for test data: snapshots and signed envelopes from the project's demo announcements."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.classification import LEGAL_BASIS, Klasifikasi, priority_for
from shared.messages import AgencySnapshot, AnnouncementSnapshot, Envelope, Kind, new_envelope

DEMO = Path(__file__).resolve().parents[1] / "shared" / "data" / "demo_announcements.json"


def demo_items() -> list[dict]:
    """The demo announcements (with their 'expect')."""
    return json.loads(DEMO.read_text(encoding="utf-8"))["announcements"]


def demo_item(key: str) -> dict:
    """One demo announcement by key (``renstra``, ``banjir``, ...)."""
    return next(a for a in demo_items() if a["key"] == key)


def agency(timezone_name: str = "Asia/Jakarta", **fields) -> AgencySnapshot:
    """The demo agency as channels see it; ``fields`` set others (``signatory_mode="Plt."``, ...)."""
    return AgencySnapshot(
        instansi="PEMERINTAH PROVINSI KALIMANTAN BARAT", unit="DINAS KOMUNIKASI DAN INFORMATIKA",
        short_name="DISKOMINFO", address="Jalan Ahmad Yani Nomor 1, Pontianak 78124",
        phone="(0561) 123456", email="diskominfo@example.go.id", website="diskominfo.example.go.id",
        city="Pontianak", area_desc="Provinsi Kalimantan Barat", timezone=timezone_name, **fields)


def snapshot(key: str = "renstra", number: str = "045/PENG/DISKOMINFO/XI/2026", ident: int = 1,
             **overrides) -> AnnouncementSnapshot:
    """A snapshot of a demo announcement; ``overrides`` replace any field (title, body, ...)."""
    item = demo_item(key) if key else {}
    klas = Klasifikasi(overrides.pop("klasifikasi", item.get("klasifikasi", "berkala")))
    data = dict(
        key=overrides.pop("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, f"warta:{key}:{ident}"))),
        id=ident, revision=1, number=number, title=item.get("title", "Judul"),
        summary=item.get("summary", ""), body=item.get("body", "Isi"), klasifikasi=klas,
        sasaran=item.get("sasaran", "masyarakat"), priority=priority_for(klas),
        approved_at=datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc),
        approver_name="Dr. Hendra Wijaya, S.Kom., M.Si.", approver_nip="19750812 200003 1 004",
        legal_basis=LEGAL_BASIS[klas], agency=overrides.pop("agency", agency()),
    )
    data.update(overrides)
    return AnnouncementSnapshot(**data)


def signing_key() -> Ed25519PrivateKey:
    """A fresh signing key."""
    return Ed25519PrivateKey.generate()


def envelope(channel: str, snap: AnnouncementSnapshot | None = None, kind: Kind = Kind.PUBLISH,
             key: Ed25519PrivateKey | None = None, message_id: str | None = None) -> Envelope:
    """A signed envelope for ``channel``."""
    return new_envelope(kind, channel, snap or snapshot(), message_id or str(uuid.uuid4()),
                        timedelta(hours=1), key or signing_key())
