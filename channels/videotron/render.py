"""The videotron renderer: slides for each announcement, and the playlist and player page of the
announcements on air, rebuilt from the channel's local state on every message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self
from zoneinfo import ZoneInfoNotFoundError

from PIL import Image

from channels.assets import (FONT_LICENCE, SANS_BOLD, SANS_REGULAR, Picture, clean_text,
                             load_picture, logo_image, picture_pixels)
from channels.base import ChannelRenderer, PermanentRenderError, Superseded, safe_slug
from channels.readback import ReadBack
from channels.videotron import readback
from channels.videotron.draw import draw_slide, png_bytes
from channels.videotron.layout import SlidePlan, content_for, night_plan, plan_slides, slide_seconds
from channels.videotron.playlist import (
    is_expired,
    load_state,
    locked,
    publish,
    remove_orphans,
    save_state,
    write_outputs,
)
from channels.videotron.video import video_src
from shared.messages import AnnouncementSnapshot, Envelope, Kind
from shared.settings import VideotronSettings
from shared.timefmt import DAYS_ID, MONTHS_ID, local, utcnow, zone_abbrev

if TYPE_CHECKING:
    from shared.config import Settings


def kicker_for(snap: AnnouncementSnapshot) -> str:
    """The small label above the title."""
    if snap.corrects_number:
        number = clean_text(snap.corrects_number, multiline=False)
        return f"RALAT ATAS PENGUMUMAN NOMOR {number}"
    return "PENGUMUMAN"


NIGHT_SUFFIX = "-malam"
"""Night slides are the day slide's name plus this (``...-01-malam.png``)."""

__all__ = ["NIGHT_SUFFIX", "VideotronRenderer", "approval_stamps", "kicker_for", "night_path",
           "plan_announcement",
           "plan_with_picture", "slide_seconds"]


def approval_stamps(snap: AnnouncementSnapshot) -> tuple[str, ...]:
    """When the announcement was approved, in the agency's zone with WIB/WITA/WIT, longest form
    first ("Disahkan Sabtu, 21 November 2026 pukul 09.00 WIB" … "21/11/2026 09.00 WIB"): the
    footer shows the longest that fits, always with the time and zone. A slide is a still picture,
    so this is the time that proves when it was decided; the player shows the clock."""
    try:
        d, zone = local(snap.approved_at, snap.agency.timezone), zone_abbrev(snap.agency.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PermanentRenderError(
            f"Zona waktu instansi '{snap.agency.timezone}' tidak dikenal") from None
    month, day = MONTHS_ID[d.month - 1], DAYS_ID[d.weekday()]
    clock = f"{d:%H.%M} {zone}"
    return (f"Disahkan {day}, {d.day} {month} {d.year} pukul {clock}",
            f"Disahkan {d.day} {month} {d.year} {clock}", f"Disahkan {d:%d/%m/%Y} {clock}",
            f"{d:%d/%m/%Y} {clock}", f"{d:%d/%m/%y} {clock}")


def plan_announcement(snap: AnnouncementSnapshot, cfg: VideotronSettings,
                      picture: Picture | None = None) -> list[SlidePlan]:
    """The slide layouts of an announcement (no pixels yet), with room for ``picture`` when given
    and when the panel has room for it."""
    content = content_for(snap, approval_stamps(snap), kicker_for(snap), bool(snap.public_url),
                          picture)
    return plan_slides(content, cfg)


def plan_with_picture(snap: AnnouncementSnapshot,
                      cfg: VideotronSettings) -> tuple[list[SlidePlan], Image.Image | None]:
    """The slide layouts and the picture's pixels at the size they give it. A picture that fails
    its checks or does not decode is left out (with a warning in the log) and the slides are laid
    out without it: the announcement still goes on air."""
    picture = load_picture(snap.image, "videotron", decode=False)
    plans = plan_announcement(snap, cfg, picture)
    if picture is None or plans[0].picture is None:
        return plans, None
    # One decode per announcement: every slide has the same picture panel.
    pixels = picture_pixels(picture, plans[0].picture[2:], "videotron")
    if pixels is None:
        return plan_announcement(snap, cfg), None
    return plans, pixels


def night_path(day: Path) -> Path:
    """The night slide next to a day slide."""
    return day.with_name(f"{day.stem}{NIGHT_SUFFIX}{day.suffix}")


class VideotronRenderer(ChannelRenderer):
    """Slides at the panel's native resolution plus ``playlist.json``, ``playlist.m3u`` and the
    ``index.html`` player under ``<out>/videotron/``."""

    name = "videotron"

    def __init__(self, out_dir: Path, settings: VideotronSettings | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings if settings is not None else VideotronSettings.defaults()

    @classmethod
    def from_settings(cls, out_dir: Path, settings: Settings) -> Self:
        """The renderer configured by ``settings.videotron``."""
        return cls(out_dir, settings.videotron)

    def render(self, envelope: Envelope, now: datetime | None = None) -> list[Path]:
        """Publish, replace (update) or drop (revoke) the announcement's slides and rebuild the
        playlist. Returns the slide PNGs (for a revocation: the rebuilt ``playlist.json``)."""
        snap = envelope.announcement
        now = now or utcnow()
        with locked(self.root):
            items = load_state(self.root)
            held = items.get(snap.key)
            if (held and envelope.kind != Kind.REVOKE and held.get("version", 1) >= snap.version
                    and held.get("message_id") != envelope.message_id):
                raise Superseded(held.get("version", 1))  # never roll the screen back
            produced: list[Path] = []
            if envelope.kind == Kind.REVOKE or snap.revoked_at is not None:
                items.pop(snap.key, None)
            else:
                produced, plans = self._render_slides(snap)
                items[snap.key] = self._entry(envelope, produced, plans)
            # Expired announcements leave the state (and the playlist) on the next message.
            items = {k: e for k, e in items.items() if not is_expired(e, now)}
            save_state(self.root, items)
            outputs = self.rebuild(items, now, snap.agency.timezone)
            remove_orphans(self.root, items, keep=set(produced))
            # (an announcement already expired has left ``items``: no video of it either)
            video = video_src(items[snap.key]["slides"]) if snap.key in items else None
            if video and (self.root / video).is_file():  # the MP4 is proof too (yearly softcopy)
                produced.append(self.root / video)
        return produced or [outputs[0]]

    def read_back(self, envelope: Envelope, files: list[Path],
                  now: datetime | None = None) -> ReadBack:
        """``playlist.json`` as the player reads it, checked to list this version with its slides
        (or, for a revocation, no longer the key): :mod:`channels.videotron.readback`."""
        with locked(self.root):  # the same lock as render: never half a rebuild
            return readback.read_back(self.root, envelope, files, now or utcnow())

    def maintain(self) -> list[Path]:
        """Drop expired announcements from the playlist files even when no message arrives."""
        return self.refresh()

    def refresh(self, now: datetime | None = None) -> list[Path]:
        """Rebuild the playlist from the state alone (e.g. every minute, so expired announcements
        leave the playlist files even when no message arrives). Returns the output files."""
        now = now or utcnow()
        with locked(self.root):
            items = {k: e for k, e in load_state(self.root).items() if not is_expired(e, now)}
            save_state(self.root, items)
            zone = next(iter(items.values()))["timezone"] if items else "Asia/Jakarta"
            outputs = self.rebuild(items, now, zone)
            remove_orphans(self.root, items, keep=set())
        return outputs

    def rebuild(self, items: dict[str, dict], now: datetime, timezone: str) -> list[Path]:
        """Write the aggregate outputs from ``items``."""
        return write_outputs(self.root, items, now, timezone, self.settings.poll_seconds,
                             "Videotron — Pengumuman",
                             video_fps=self.settings.video_fps if self.settings.video else 0)

    def _render_slides(self, snap: AnnouncementSnapshot) -> tuple[list[Path], list[SlidePlan]]:
        """Each slide twice, in the day and the night palette (``-NN.png``, ``-NN-malam.png``).
        Returns the day slides (the night ones are named after them) and their plans."""
        plans, pixels = plan_with_picture(snap, self.settings)
        stem = f"{safe_slug(snap.key)}-v{snap.version}"
        paths = []
        for index, plan in enumerate(plans, start=1):
            path = self.root / "slides" / f"{stem}-{index:02d}.png"
            for variant, target in ((plan, path), (night_plan(plan), night_path(path))):
                image = draw_slide(variant, snap.agency.logo_png_b64, snap.public_url, pixels)
                publish(target, png_bytes(image))
            paths.append(path)
        return paths, plans

    def _entry(self, envelope: Envelope, slides: list[Path], plans: list[SlidePlan]) -> dict:
        snap = envelope.announcement
        return {
            "key": snap.key, "number": snap.number, "title": clean_text(snap.title, multiline=False),
            "alert": snap.klasifikasi == "serta-merta", "priority": snap.priority,
            "revision": snap.revision, "version": snap.version, "message_id": envelope.message_id,
            "approved_at": snap.approved_at.isoformat(),
            "start": snap.start.isoformat() if snap.start else None,
            "end": snap.end.isoformat() if snap.end else None,
            "windows": [[w.start.strftime("%H:%M:%S"), w.end.strftime("%H:%M:%S")]
                        for w in snap.daily_windows],
            "timezone": snap.agency.timezone,
            "night": [self.settings.night_start.strftime("%H:%M:%S"),
                      self.settings.night_end.strftime("%H:%M:%S")],
            "slides": [{"src": f"slides/{p.name}", "night_src": f"slides/{night_path(p).name}",
                        "seconds": slide_seconds(plan.words, self.settings)}
                       for p, plan in zip(slides, plans, strict=True)],
        }

    def health(self) -> list[str]:
        """Warnings: missing bundled fonts."""
        warnings = []
        for path in (SANS_REGULAR, SANS_BOLD, FONT_LICENCE):
            if not path.exists():
                warnings.append(f"Berkas aset videotron hilang: {path.name}")
        try:
            logo_image("")
        except OSError:
            warnings.append("Lambang bawaan tidak dapat dibaca")
        return warnings
