"""The monthly report (Laporan Bulanan) as data: counts per channel, classification and audience;
SLA compliance per SOP step (median time against the agency's target, share met); failures,
retries and parked deliveries; the announcements disseminated, each with the place of its proof.
Rendering to PDF and XLSX is in :mod:`shared.records.report_docs`."""

from __future__ import annotations

import statistics
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from shared import public_urls
from shared.config import AgencyProfile
from shared.models import Announcement, Delivery, WorkflowStep
from shared.slug import proof_folder
from shared.records import month_bounds, month_label, month_of
from shared.records.archive_seal import month_dir
from shared.records.versions import PROOF_FILED, histories, version_label
from shared.timefmt import short_id, utcnow
from shared.vocab import (Channel, Decision, DeliveryState, Kind, Klasifikasi, PublicState, Sasaran,
                          State, Step, VersionKind, document_label, label_of)

STEPS = tuple(Step)
"""The SOP steps in their order (Kalbar SOP)."""


class ReportColumn(StrEnum):
    """How the report counts deliveries (the summary, the per-channel table and its chart)."""

    CONFIRMED = "confirmed"
    """Reached the public and its proof is filed: a publication, a ralat or a pencabutan."""
    FAILED = "failed"
    """Gagal: an attempt failed and the worker is still retrying (not yet public)."""
    PARKED = "parked"
    """Ditahan: the worker gave up; waits for the PPID (not public)."""
    SUPERSEDED = "superseded"
    """Settled without reaching the public: a newer version (or the pencabutan) was already
    there. Neither confirmed nor failed nor unfinished."""
    OPEN = "open"
    """Belum selesai: on its way (pending, queued) or confirmed by the channel with its proof
    still to be filed (proof_pending: not yet a legal proof)."""


REPORT_COLUMN: dict[DeliveryState, ReportColumn] = {
    DeliveryState.PENDING: ReportColumn.OPEN,
    DeliveryState.QUEUED: ReportColumn.OPEN,
    DeliveryState.PROOF_PENDING: ReportColumn.OPEN,
    DeliveryState.RETRYING: ReportColumn.FAILED,
    DeliveryState.PARKED: ReportColumn.PARKED,
    DeliveryState.CONFIRMED: ReportColumn.CONFIRMED,
    DeliveryState.REVOKED: ReportColumn.CONFIRMED,
    DeliveryState.SUPERSEDED: ReportColumn.SUPERSEDED,
}
"""The column of every delivery state (total: a test fails when a state is added without one).
"Gagal" is the deliveries that did not reach the public while the worker retries; the parked ones
have a column of their own ("Ditahan"), so the two are counted separately."""

COLUMN_LABEL = {ReportColumn.CONFIRMED: "Terkonfirmasi", ReportColumn.FAILED: "Gagal",
                ReportColumn.PARKED: "Ditahan", ReportColumn.SUPERSEDED: "Digantikan",
                ReportColumn.OPEN: "Belum selesai"}
"""The columns' headings (the table and the chart's legend)."""


def column_of(d: Delivery) -> ReportColumn:
    """The report column ``d`` is counted in."""
    return REPORT_COLUMN[DeliveryState(d.state)]


def _counts(deliveries: list[Delivery]) -> dict[str, int]:
    """Deliveries per report column, every column present."""
    counts = {str(c): 0 for c in ReportColumn}
    for d in deliveries:
        counts[column_of(d)] += 1
    return counts


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
                                .order_by(Delivery.announcement_id, Delivery.channel)).scalars()) \
        if ids else []
    by_item: dict[int, list[Delivery]] = {}
    for d in deliveries:
        by_item.setdefault(d.announcement_id, []).append(d)
    steps = list(s.execute(select(WorkflowStep).where(in_month(WorkflowStep.decided_at))).scalars())
    returned = sum(1 for st in steps if st.decision == Decision.RETURNED)
    history = histories(s, {a.key for a in published}, archive, tz)

    return {
        "month": month, "label": month_label(month), "generated_at": utcnow().isoformat(),
        "totals": {"created": created, "approved": len(published),
                   "corrections": sum(1 for a in published if a.corrects_id is not None),
                   "disseminated": sum(1 for a in published if a.state == State.DISSEMINATED),
                   "revoked": sum(1 for a in published if a.state == State.REVOKED),
                   "returned": returned, "deliveries": len(deliveries),
                   **_counts(deliveries),
                   "revocations": sum(1 for d in deliveries if d.state == DeliveryState.REVOKED),
                   "retries": sum(max(d.attempts - 1, 0) for d in deliveries)},
        "by_klasifikasi": [{"key": str(k), "label": document_label(k),
                            "count": sum(1 for a in published if a.klasifikasi == k)}
                           for k in Klasifikasi],
        "by_sasaran": [{"key": str(k), "label": document_label(k),
                        "count": sum(1 for a in published if a.sasaran == k)} for k in Sasaran],
        "channels": _per_channel(deliveries),
        "sla": _sla(steps, profile),
        "failures": [_failure(d, a, tz) for a in published for d in by_item.get(a.id, [])
                     if column_of(d) in (ReportColumn.FAILED, ReportColumn.PARKED)
                     or d.attempts > 1],
        "items": [_item_row(a, by_item.get(a.id, []), history.get(a.key, []), tz, archive,
                            _page_url(s, a, public_url)) for a in published],
    }


def _per_channel(deliveries: list[Delivery]) -> list[dict]:
    rows = []
    for c in Channel:
        mine = [d for d in deliveries if d.channel == c]
        rows.append({"channel": str(c), "label": document_label(c), "total": len(mine),
                     **_counts(mine), "retries": sum(max(d.attempts - 1, 0) for d in mine)})
    return rows


def _sla(steps: list[WorkflowStep], profile: AgencyProfile) -> list[dict]:
    rows = []
    for step in STEPS:
        mine = [st for st in steps if st.step == step and st.decided_at is not None]
        minutes = [(decided - st.started_at).total_seconds() / 60 for st in mine
                   if (decided := st.decided_at) is not None]
        met = sum(1 for st in mine if st.sla_met)
        rows.append({"step": str(step), "label": document_label(step),
                     "target_min": getattr(profile.sla, step),
                     "n": len(mine), "median_min": statistics.median(minutes) if minutes else None,
                     "met": met, "share": (met / len(mine)) if mine else None})
    return rows


def _failure(d: Delivery, a: Announcement, tz: str) -> dict:
    return {"number": a.number, "title": a.title, "channel": d.channel,
            "channel_label": label_of(Channel, d.channel, document=True), "state": d.state,
            "state_label": label_of(DeliveryState, d.state, document=True),
            "kind_label": label_of(Kind, d.kind, document=True), "attempts": d.attempts,
            "last_error": d.last_error or "",
            "updated": short_id(d.updated_at, tz) if d.updated_at else ""}


def proof_location(archive: Path, number: str, confirmed_at: datetime | None, tz: str) -> Path | None:
    """Where the archiver filed an announcement's proof: ``archive/YYYY/MM/<number-slug>/``."""
    if not number or confirmed_at is None:
        return None
    return month_dir(archive, month_of(confirmed_at, tz)) / proof_folder(number)


def _page_url(s: Session, a: Announcement, public_url: str | None) -> str | None:
    """The announcement's web page by the address rule, as the web channel published it (named
    after the first version, so a ralat's row links the same page); None without a site root."""
    from shared.services.dispatch import page_name  # the services layer imports this module

    return public_urls.item_page(public_url, page_name(s, a)) if public_url else None


def _item_row(a: Announcement, deliveries: list[Delivery], history: list[dict], tz: str,
              archive: Path, page_url: str | None) -> dict:
    # a pencabutan's proof is a proof too: the folder is that of the first confirmation of any kind
    confirmed = [d for d in deliveries if d.state in PROOF_FILED]
    first = min((d.confirmed_at for d in confirmed if d.confirmed_at), default=None)
    folder = proof_location(archive, a.number or "", first, tz)
    mine = next((v for v in history if v["id"] == a.id), None) or {
        "version": a.version, "kind": VersionKind.PUBLISH, "corrects_number": "", "public_state": "",
        "public_state_label": "", "deliveries": []}
    later = [v for v in history if v["version"] > (a.version or 0)]
    published = [d for d in confirmed if d.kind != Kind.REVOKE]
    web_url = page_url if page_url and any(d.channel == Channel.WEB for d in published) else ""
    return {"id": a.id, "number": a.number or "", "title": a.title, "klasifikasi": a.klasifikasi,
            "klasifikasi_label": label_of(Klasifikasi, a.klasifikasi, document=True),
            "sasaran": a.sasaran, "state": a.state,
            "approved_at": short_id(a.approved_at, tz) if a.approved_at else "",
            "version": mine["version"], "version_label": version_label(mine),
            "kind": mine["kind"], "corrects_number": mine["corrects_number"],
            "public_state": mine["public_state"],
            "public_state_label": _public_text(mine, later),
            "channels": [label_of(Channel, d.channel, document=True) for d in published],
            "revoked_channels": [label_of(Channel, d.channel, document=True) for d in confirmed
                                 if d.kind == Kind.REVOKE],
            "proof_dir": str(folder.relative_to(archive)) + "/" if folder else "",
            "proof_uri": folder.as_uri() if folder and folder.exists() else "",
            "web_url": web_url,
            "sha256": [d.sha256 for d in confirmed if d.sha256],
            "deliveries": mine["deliveries"]}


def _public_text(mine: dict, later: list[dict]) -> str:
    """'Berlaku', 'Dicabut', or 'Digantikan ralat 002/...' (naming the next version)."""
    if mine["public_state"] == PublicState.SUPERSEDED and later:
        return f"{mine['public_state_label']} {later[0]['number']}"
    return mine["public_state_label"]
