"""Per-channel previews of an announcement, computed from the editor's fields (or, for the
reviewer, from ``get_item``'s dict through :func:`fields_of`) without a database (pure; no
Textual). The radio script and the slide come from the channel packages when they are installed;
otherwise a plain-text preview stands in. The limits themselves live in :mod:`shared.limits`,
which the services check on save and submit."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared import limits
from shared.classification import LEGAL_BASIS, Klasifikasi, priority_for
from shared.config import AgencyProfile, Settings
from shared.i18n import _
from shared.timefmt import date_id, utcnow

log = logging.getLogger(__name__)


@dataclass
class Preview:
    """One channel's preview: text to show, and an optional slide picture (PIL image)."""

    text: str
    image: Any = None


def snapshot(fields: dict, profile: AgencyProfile, tz: str, number: str = "",
             now: datetime | None = None):  # noqa: ANN201 - AnnouncementSnapshot
    """An announcement snapshot as channels would receive it, from validated editor fields."""
    from shared.messages import AnnouncementSnapshot, DailyWindow
    from shared.services.dispatch import agency_snapshot

    klas = Klasifikasi(fields["klasifikasi"])
    return AnnouncementSnapshot(
        key=str(uuid.uuid5(uuid.NAMESPACE_URL, "warta:preview")), id=0, revision=1,
        number=number or _("(nomor diberikan saat disetujui)"), title=fields["title"],
        summary=fields.get("summary", ""), body=fields["body"], klasifikasi=klas,
        sasaran=fields["sasaran"], priority=priority_for(klas), start=fields.get("start_at"),
        end=fields.get("end_at"), daily_windows=[DailyWindow(**w) for w in fields.get("daily_windows") or []],
        approved_at=now or utcnow(), approver_name=profile.signatory_name,
        approver_nip=profile.signatory_nip, legal_basis=LEGAL_BASIS[klas],
        agency=agency_snapshot(profile, tz), image=fields.get("image"))


def radio(snap, settings: Settings | None = None) -> tuple[str, int]:  # noqa: ANN001
    """The radio script and its air time in seconds (as ``settings.radio`` reads it)."""
    try:
        from channels.radio.speech_text import script_for
    except ImportError:
        text = f"{snap.title}.\n\n{snap.body}"
        return text, limits.air_seconds(snap.title, snap.body, snap.start, snap.end,
                                        klasifikasi=snap.klasifikasi)
    return script_for(snap, settings.radio if settings is not None else None)


def slides(snap, tz: str, settings: Settings | None = None) -> list:  # noqa: ANN001
    """The videotron slides as PIL images (on the panel of ``settings.videotron``), or [] when the
    videotron package is absent."""
    try:
        from channels.videotron.draw import draw_slide
        from channels.videotron.render import plan_with_picture
    except ImportError:
        return []
    from shared.settings import VideotronSettings

    panel = settings.videotron if settings is not None else VideotronSettings.defaults()
    try:
        # the renderer's own planning: the same kicker, picture panel and slide breaks as on air
        plans, pixels = plan_with_picture(snap, panel)
        return [draw_slide(plan, snap.agency.logo_png_b64, None, pixels) for plan in plans]
    except Exception:  # a package still in development must not break the editor
        log.exception("videotron preview failed")
        return []


def printout(snap, tz: str) -> str:  # noqa: ANN001
    """The notice-board printout's text: letterhead, number, title, body, place, date, signatory."""
    a = snap.agency
    lines = [a.instansi, a.unit, a.address, "─" * 40, _("PENGUMUMAN"),
             _("Nomor: {n}", n=snap.number), "", snap.title.upper(), ""]
    if snap.summary:
        lines += [snap.summary, ""]
    lines += [snap.body, "", _("Dasar hukum: {b}", b=snap.legal_basis), "",
              f"{a.city}, {date_id(snap.approved_at, tz, weekday=False)}", a.signatory_title,
              "", "", snap.approver_name, f"NIP {snap.approver_nip}"]
    return "\n".join(lines)


def fields_of(item: dict) -> dict:
    """``get_item``'s dict as the fields :func:`previews` takes (times as datetimes); the
    picture (``image``) is added by the caller with ``item_picture``, as it needs the bytes."""
    fields = {k: item.get(k) for k in ("title", "summary", "body", "klasifikasi", "sasaran",
                                       "channels", "daily_windows")}
    for name in ("start_at", "end_at"):
        fields[name] = datetime.fromisoformat(item[name]) if item.get(name) else None
    fields["summary"] = fields["summary"] or ""
    return fields


def previews(fields: dict, profile: AgencyProfile, tz: str, now: datetime | None = None,
             number: str = "", settings: Settings | None = None) -> dict:
    """Every preview of an announcement: ``{"radio": Preview, "videotron": Preview, "print":
    Preview, "web": Preview, "air_seconds": int, "slides": int}``. ``number``: the official
    number once it has one; ``settings``: the kiosk's settings root (the radio and videotron
    sections shape the previews; their defaults when None)."""
    snap = snapshot(fields, profile, tz, number=number, now=now)
    script, seconds = radio(snap, settings)
    pictures = slides(snap, tz, settings)
    slide_text = snap.title if pictures else _("(pratinjau gambar tidak tersedia)\n\n{t}\n\n{s}",
                                               t=snap.title, s=snap.summary or snap.body)
    web = f"{snap.title}\n\n{snap.summary}\n\n{snap.body}"
    return {"radio": Preview(_("Durasi siar: ± {s} detik", s=seconds) + "\n\n" + script),
            "videotron": Preview(slide_text, pictures[0] if pictures else None),
            "print": Preview(printout(snap, tz)), "web": Preview(web),
            "air_seconds": seconds, "slides": len(pictures)}


def channel_limits(fields: dict, slide_count: int | None = None) -> list[str]:
    """What breaks a chosen channel's limits, each as a sentence (empty: all fit): the rules of
    :func:`shared.limits.breaches`, the ones the services refuse with, and the slide count that
    only a rendered preview knows."""
    return [str(b) for b in limits.breaches(fields, slide_count)]
