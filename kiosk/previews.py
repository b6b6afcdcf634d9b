"""Per-channel previews and limits of a draft, computed from the editor's fields without a
database (pure; no Textual). The radio script and the slide come from the channel packages when
they are installed; otherwise a plain-text preview stands in."""

from __future__ import annotations

import logging
import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.classification import LEGAL_BASIS, Klasifikasi, priority_for
from shared.config import AgencyProfile
from shared.i18n import _
from shared.timefmt import date_id, utcnow

log = logging.getLogger(__name__)

VIDEOTRON_TITLE_MAX = 120
"""Longer titles cannot be read from the road before the slide changes."""
VIDEOTRON_SLIDES_MAX = 4
"""More slides than this and passers-by never see the end."""
RADIO_SECONDS_MAX = 300
"""Air time of one announcement at most (five minutes)."""
WEB_SUMMARY_MAX = 500
"""Feed readers cut longer descriptions."""
PRINT_BODY_MAX = 6000
"""About two A4 pages of the notice board printout."""
WORDS_PER_MINUTE = 130
"""Reading speed for the fallback air-time estimate (the radio channel's own default)."""


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


def radio(snap) -> tuple[str, int]:  # noqa: ANN001
    """The radio script and its air time in seconds."""
    try:
        from channels.radio.speech_text import script_for
    except ImportError:
        text = f"{snap.title}.\n\n{snap.body}"
        return text, math.ceil(len(re.findall(r"\w+", text)) * 60 / WORDS_PER_MINUTE)
    return script_for(snap)


def slides(snap, tz: str) -> list:  # noqa: ANN001
    """The videotron slides as PIL images, or [] when the videotron package is absent."""
    try:
        from channels.videotron.draw import draw_slide
        from channels.videotron.render import plan_with_picture
        from channels.videotron.settings import VideotronSettings
    except ImportError:
        return []
    try:
        # the renderer's own planning: the same kicker, picture panel and slide breaks as on air
        plans, pixels = plan_with_picture(snap, VideotronSettings())
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


def previews(fields: dict, profile: AgencyProfile, tz: str, now: datetime | None = None) -> dict:
    """Every preview of a draft: ``{"radio": Preview, "videotron": Preview, "print": Preview,
    "web": Preview, "air_seconds": int, "slides": int}``."""
    snap = snapshot(fields, profile, tz, now=now)
    script, seconds = radio(snap)
    pictures = slides(snap, tz)
    slide_text = snap.title if pictures else _("(pratinjau gambar tidak tersedia)\n\n{t}\n\n{s}",
                                               t=snap.title, s=snap.summary or snap.body)
    web = f"{snap.title}\n\n{snap.summary}\n\n{snap.body}"
    return {"radio": Preview(_("Durasi siar: ± {s} detik", s=seconds) + "\n\n" + script),
            "videotron": Preview(slide_text, pictures[0] if pictures else None),
            "print": Preview(printout(snap, tz)), "web": Preview(web),
            "air_seconds": seconds, "slides": len(pictures)}


def channel_limits(fields: dict, air_seconds: int | None = None,
                   slide_count: int | None = None) -> list[str]:
    """What breaks a chosen channel's limits, each as an Indonesian sentence (empty: all fit)."""
    problems = []
    chosen = set(fields.get("channels") or [])
    title, summary, body = fields.get("title", ""), fields.get("summary", ""), fields.get("body", "")
    if "videotron" in chosen and len(title) > VIDEOTRON_TITLE_MAX:
        problems.append(_("Videotron: judul {n} karakter; paling banyak {m}", n=len(title),
                          m=VIDEOTRON_TITLE_MAX))
    if "videotron" in chosen and slide_count and slide_count > VIDEOTRON_SLIDES_MAX:
        problems.append(_("Videotron: {n} slide; paling banyak {m}", n=slide_count,
                          m=VIDEOTRON_SLIDES_MAX))
    if "radio" in chosen and air_seconds and air_seconds > RADIO_SECONDS_MAX:
        problems.append(_("Radio: durasi siar {n} detik; paling lama {m} detik", n=air_seconds,
                          m=RADIO_SECONDS_MAX))
    if "web" in chosen and len(summary) > WEB_SUMMARY_MAX:
        problems.append(_("Web: ringkasan {n} karakter; paling banyak {m}", n=len(summary),
                          m=WEB_SUMMARY_MAX))
    if "print" in chosen and len(body) > PRINT_BODY_MAX:
        problems.append(_("Cetak: isi {n} karakter; paling banyak {m}", n=len(body),
                          m=PRINT_BODY_MAX))
    return problems
