"""The monthly report (Laporan Bulanan) as data: counts per channel, classification and audience;
SLA compliance per SOP step (median time against the agency's target, share met); failures,
retries and parked deliveries; the announcements disseminated, each with the place of its proof.
Rendering to PDF and XLSX is in :mod:`shared.records.report_docs`."""

from __future__ import annotations

import statistics
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from shared.classification import KLASIFIKASI_LABEL, Channel, Klasifikasi, Sasaran
from shared.config import AgencyProfile
from shared.models import Announcement, Delivery, WorkflowStep
from shared.slug import proof_folder
from shared.records import month_bounds, month_label, month_of
from shared.records.archive_seal import month_dir
from shared.records.versions import (CHANNEL_LABEL, CONFIRMED, DELIVERY_LABEL, FAILED, KIND_LABEL,
                                     PARKED, SUPERSEDED, histories, version_label)
from shared.timefmt import short_id, utcnow
from shared.workflow import STEP_LABEL, State

SASARAN_LABEL = {Sasaran.PIMPINAN: "Pimpinan", Sasaran.PEGAWAI: "Pegawai",
                 Sasaran.MASYARAKAT: "Masyarakat"}

STEPS = ("disposition", "drafting", "review_kabid", "review_sekretaris", "review_kadis",
         "dissemination")
"""The SOP steps in their order (Kalbar SOP)."""


def duration_text(minutes: float | None) -> str:
    """'1 jam 5 menit', '2 hari 3 jam', '45 detik' for a duration in minutes."""
    if minutes is None:
        return "-"
    seconds = int(round(minutes * 60))
    if seconds < 60:
        return f"{seconds} detik"
    mins = seconds // 60
    days, rest = divmod(mins, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "",
             f"{mins} menit" if mins and not days else ""]
    return " ".join(p for p in parts if p) or "0 menit"


def collect(s: Session, month: str, profile: AgencyProfile, tz: str, archive: Path,
            public_url: str | None = None) -> dict:
    """Everything the monthly report shows for ``month`` (``YYYY-MM``, agency's zone). Each
    version (the original and every ralat) approved in the month is a row of its own, with its
    public state now, what it corrects, and its deliveries with their proof; a pencabutan's
    deliveries are those of the version it was sent with (the newest)."""
    start, end = month_bounds(month, tz)
    in_month = lambda col: and_(col >= start, col < end)  # noqa: E731 - a tiny local filter
    created = s.execute(select(func.count()).select_from(Announcement)
                        .where(in_month(Announcement.created_at))).scalar_one()
    published = list(s.execute(select(Announcement).where(in_month(Announcement.approved_at))
                               .order_by(Announcement.approved_at)).scalars())
    ids = [a.id for a in published]
    deliveries = list(s.execute(select(Delivery).where(Delivery.announcement_id.in_(ids))
                                .order_by(Delivery.announcement_id, Delivery.channel)).scalars()) if ids else []
    by_item: dict[int, list[Delivery]] = {}
    for d in deliveries:
        by_item.setdefault(d.announcement_id, []).append(d)
    steps = list(s.execute(select(WorkflowStep).where(in_month(WorkflowStep.decided_at))).scalars())
    returned = sum(1 for st in steps if st.decision == "returned")
    history = histories(s, {a.key for a in published}, archive, tz)

    return {
        "month": month, "label": month_label(month), "generated_at": utcnow().isoformat(),
        "totals": {"created": created, "approved": len(published),
                   "corrections": sum(1 for a in published if a.corrects_id is not None),
                   "disseminated": sum(1 for a in published if a.state == State.DISSEMINATED),
                   "revoked": sum(1 for a in published if a.state == State.REVOKED),
                   "returned": returned, "deliveries": len(deliveries),
                   "confirmed": sum(1 for d in deliveries if d.state in CONFIRMED),
                   "revocations": sum(1 for d in deliveries if d.state == "revoked"),
                   "failed": sum(1 for d in deliveries if d.state in FAILED),
                   "parked": sum(1 for d in deliveries if d.state in PARKED),
                   "superseded": sum(1 for d in deliveries if d.state in SUPERSEDED),
                   "open": sum(1 for d in deliveries if _is_open(d)),
                   "retries": sum(max(d.attempts - 1, 0) for d in deliveries)},
        "by_klasifikasi": [{"key": str(k), "label": KLASIFIKASI_LABEL[k],
                            "count": sum(1 for a in published if a.klasifikasi == k)}
                           for k in Klasifikasi],
        "by_sasaran": [{"key": str(k), "label": SASARAN_LABEL[k],
                        "count": sum(1 for a in published if a.sasaran == k)} for k in Sasaran],
        "channels": _per_channel(deliveries),
        "sla": _sla(steps, profile),
        "failures": [_failure(d, a, tz) for a in published for d in by_item.get(a.id, [])
                     if d.state in FAILED | PARKED or d.attempts > 1],
        "items": [_item_row(a, by_item.get(a.id, []), history.get(a.key, []), tz, archive,
                            public_url) for a in published],
    }


def _is_open(d: Delivery) -> bool:
    """Still on its way (pending, queued): neither settled (confirmed, a confirmed pencabutan,
    superseded) nor failed nor parked."""
    return d.state not in CONFIRMED | SUPERSEDED | FAILED | PARKED


def _per_channel(deliveries: list[Delivery]) -> list[dict]:
    rows = []
    for c in Channel:
        mine = [d for d in deliveries if d.channel == c]
        rows.append({"channel": str(c), "label": CHANNEL_LABEL[c], "total": len(mine),
                     "confirmed": sum(1 for d in mine if d.state in CONFIRMED),
                     "failed": sum(1 for d in mine if d.state in FAILED),
                     "parked": sum(1 for d in mine if d.state in PARKED),
                     "superseded": sum(1 for d in mine if d.state in SUPERSEDED),
                     "open": sum(1 for d in mine if _is_open(d)),
                     "retries": sum(max(d.attempts - 1, 0) for d in mine)})
    return rows


def _sla(steps: list[WorkflowStep], profile: AgencyProfile) -> list[dict]:
    rows = []
    for step in STEPS:
        mine = [st for st in steps if st.step == step and st.decided_at is not None]
        minutes = [(st.decided_at - st.started_at).total_seconds() / 60 for st in mine]
        met = sum(1 for st in mine if st.sla_met)
        rows.append({"step": step, "label": STEP_LABEL[step], "target_min": getattr(profile.sla, step),
                     "n": len(mine), "median_min": statistics.median(minutes) if minutes else None,
                     "met": met, "share": (met / len(mine)) if mine else None})
    return rows


def _failure(d: Delivery, a: Announcement, tz: str) -> dict:
    return {"number": a.number, "title": a.title, "channel": d.channel,
            "channel_label": CHANNEL_LABEL.get(d.channel, d.channel), "state": d.state,
            "state_label": DELIVERY_LABEL.get(d.state, d.state),
            "kind_label": KIND_LABEL.get(d.kind, d.kind), "attempts": d.attempts,
            "last_error": d.last_error or "",
            "updated": short_id(d.updated_at, tz) if d.updated_at else ""}


def proof_location(archive: Path, number: str, confirmed_at: datetime | None, tz: str) -> Path | None:
    """Where the archiver filed an announcement's proof: ``archive/YYYY/MM/<number-slug>/``."""
    if not number or confirmed_at is None:
        return None
    return month_dir(archive, month_of(confirmed_at, tz)) / proof_folder(number)


def _item_row(a: Announcement, deliveries: list[Delivery], history: list[dict], tz: str,
              archive: Path, public_url: str | None) -> dict:
    # a pencabutan's proof is a proof too: the folder is that of the first confirmation of any kind
    confirmed = [d for d in deliveries if d.state in CONFIRMED]
    first = min((d.confirmed_at for d in confirmed if d.confirmed_at), default=None)
    folder = proof_location(archive, a.number or "", first, tz)
    mine = next((v for v in history if v["id"] == a.id), None) or {
        "version": a.version, "kind": "publish", "corrects_number": "", "public_state": "",
        "public_state_label": "", "deliveries": []}
    later = [v for v in history if v["version"] > (a.version or 0)]
    published = [d for d in confirmed if d.kind != "revoke"]
    return {"id": a.id, "number": a.number or "", "title": a.title, "klasifikasi": a.klasifikasi,
            "klasifikasi_label": KLASIFIKASI_LABEL.get(Klasifikasi(a.klasifikasi), a.klasifikasi),
            "sasaran": a.sasaran, "state": a.state,
            "approved_at": short_id(a.approved_at, tz) if a.approved_at else "",
            "version": mine["version"], "version_label": version_label(mine),
            "kind": mine["kind"], "corrects_number": mine["corrects_number"],
            "public_state": mine["public_state"],
            "public_state_label": _public_text(mine, later),
            "channels": [CHANNEL_LABEL.get(d.channel, d.channel) for d in published],
            "revoked_channels": [CHANNEL_LABEL.get(d.channel, d.channel) for d in confirmed
                                 if d.kind == "revoke"],
            "proof_dir": str(folder.relative_to(archive)) + "/" if folder else "",
            "proof_uri": folder.as_uri() if folder and folder.exists() else "",
            "web_url": (f"{public_url.rstrip('/')}/items/{a.key}.html" if public_url
                        and any(d.channel == Channel.WEB for d in published) else ""),
            "sha256": [d.sha256 for d in confirmed if d.sha256],
            "deliveries": mine["deliveries"]}


def _public_text(mine: dict, later: list[dict]) -> str:
    """'Berlaku', 'Dicabut', or 'Digantikan ralat 002/...' (naming the next version)."""
    if mine["public_state"] == "superseded" and later:
        return f"{mine['public_state_label']} {later[0]['number']}"
    return mine["public_state_label"]
