"""What a reader is told about an announcement's versions, the same on the page, in the feeds and
on ``index.html``: the "RALAT: " and "DICABUT: " title markers, the correction notice (which
number it corrects, when, what changed), the withdrawal notice and the version history.

Everything here works on a stored record (:meth:`channels.web.renderer.WebRenderer._record`): its
``snap`` is the JSON dump of the snapshot, whose ``history`` lists every public version up to the
record's, oldest first. Texts are plain (not escaped); callers escape them for their output.
"""

from __future__ import annotations

from datetime import datetime

from shared.messages import VersionKind
from shared.timefmt import date_id, datetime_id

KIND_LABEL = {VersionKind.PUBLISH: "Terbit", VersionKind.RALAT: "Ralat", VersionKind.REVOKE: "Dicabut"}
"""How a version's kind reads on the public page (always Indonesian: the public's words, so not
the kiosk's labels of :mod:`shared.vocab`)."""

RALAT_MARK = "RALAT: "
REVOKED_MARK = "DICABUT: "


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def ralat(rec: dict) -> dict | None:
    """The correction whose text the record shows, or None when it shows the first version:
    ``{"corrects": number, "at": datetime, "changes": [labels], "number": number}``. For a
    revoked record it is the ralat that was current when it was revoked."""
    snap = rec["snap"]
    if not snap.get("corrects_number"):
        return None
    history = snap.get("history") or []
    shown = [h for h in history if h["kind"] != VersionKind.REVOKE]
    last = shown[-1] if shown else None
    if last and last["kind"] == VersionKind.RALAT:
        at, changes, number = _when(last["at"]), list(last.get("changes") or []), last["number"]
    else:  # a snapshot from before the history model: only the number is known
        at, changes, number = _when(snap["approved_at"]), [], snap["number"]
    return {"corrects": snap["corrects_number"], "at": at, "changes": changes, "number": number}


def title(rec: dict) -> str:
    """The entry title: number and title, after "DICABUT: " for a revoked record and "RALAT: "
    while the current version is a correction."""
    snap = rec["snap"]
    mark = REVOKED_MARK if rec.get("revoked") else RALAT_MARK if ralat(rec) else ""
    return f"{mark}{snap['number']} — {snap['title']}"


def ralat_text(rec: dict) -> str:
    """One sentence (or two) about the correction the record shows; empty when there is none."""
    info = ralat(rec)
    if info is None:
        return ""
    tz = rec["snap"]["agency"]["timezone"]
    text = f"Ralat tanggal {date_id(info['at'], tz)} atas pengumuman nomor {info['corrects']}."
    if info["changes"]:
        text += " Yang diubah: " + ", ".join(info["changes"]) + "."
    return text


def withdrawal_text(rec: dict) -> str:
    """When and why the announcement was withdrawn; empty for a live record."""
    if not rec.get("revoked"):
        return ""
    snap = rec["snap"]
    when = datetime_id(datetime.fromisoformat(rec["revoked_at"]), snap["agency"]["timezone"])
    reason = " ".join((rec.get("revoked_reason") or "").split()) or "tidak disebutkan"
    return (f"Pengumuman nomor {snap['number']} telah dicabut pada {when} dan tidak berlaku lagi. "
            f"Alasan: {reason}")


def history(rec: dict) -> list[dict]:
    """The version history for display, oldest first: ``{"version", "label", "number", "when",
    "changes"}`` (``when`` in words, in the agency's zone)."""
    snap = rec["snap"]
    tz = snap["agency"]["timezone"]
    return [{"version": h["version"], "label": KIND_LABEL.get(h["kind"], h["kind"]),
             "number": h["number"], "when": datetime_id(datetime.fromisoformat(h["at"]), tz),
             "changes": list(h.get("changes") or [])}
            for h in snap.get("history") or []]
